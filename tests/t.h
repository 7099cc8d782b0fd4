/* Minimal test harness: TEST(name) { ... CHECK(cond); CHECK_EQ(a, b); }
 *
 * Every test binary links tests/harness.c, which runs the registered tests in
 * order (or those whose name contains argv[1]), each in a process of its own
 * (fork), and ends with the line "N passed, N failed".  A test fails on its
 * first failed CHECK, or when its process crashes or a sanitizer ends it.
 * Tests must be deterministic: use a fixed seed.
 */
#ifndef CHPSYNC_TESTS_T_H
#define CHPSYNC_TESTS_T_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct t_case {
	const char *name;
	void (*fn)(void);
	struct t_case *next;
};

void t_register(struct t_case *c);
void t_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
/* Directory for scratch files of this test binary (created on demand). */
const char *t_tmpdir(void);

#define TEST(name)                                                       \
	static void t_fn_##name(void);                                   \
	static struct t_case t_case_##name = {#name, t_fn_##name, NULL}; \
	__attribute__((constructor)) static void t_reg_##name(void)      \
	{                                                                \
		t_register(&t_case_##name);                              \
	}                                                                \
	static void t_fn_##name(void)

#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond))                                            \
			t_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); \
	} while (0)

#define CHECK_EQ(a, b)                                                                           \
	do {                                                                                     \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);                          \
		if (t_a_ != t_b_)                                                                \
			t_fail(__FILE__, __LINE__,                                               \
			       "CHECK_EQ(%s, %s): %lld (0x%llx) != %lld (0x%llx)", #a, #b, t_a_, \
			       (unsigned long long)t_a_, t_b_, (unsigned long long)t_b_);        \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *t_a_ = (a), *t_b_ = (b);                                               \
		if (strcmp(t_a_, t_b_) != 0)                                                       \
			t_fail(__FILE__, __LINE__,                                                 \
			       "CHECK_STR(%s, %s):\n  got:  \"%s\"\n  want: \"%s\"", #a, #b, t_a_, \
			       t_b_);                                                              \
	} while (0)

#define CHECK_MEM(a, b, n)                                                                      \
	do {                                                                                    \
		if (memcmp((a), (b), (n)) != 0)                                                 \
			t_fail(__FILE__, __LINE__, "CHECK_MEM(%s, %s, %s) differ", #a, #b, #n); \
	} while (0)

#endif
