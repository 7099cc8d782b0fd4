#include "arch/storage.h"

#include <stdlib.h>
#include <sys/mman.h>

struct storage *storage_new(uint64_t size)
{
	struct storage *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (size) {
		void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED) {
			free(s);
			return NULL;
		}
		s->base = p;
	}
	s->size = size;
	s->owned = true;
	return s;
}

struct storage *storage_window(struct storage *parent, uint64_t offset, uint64_t size)
{
	struct storage *s;

	if (!storage_ok(parent, offset, size))
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->base = parent->base + offset;
	s->size = size;
	s->owned = false;
	return s;
}

void storage_free(struct storage *s)
{
	if (!s)
		return;
	if (s->owned && s->base)
		munmap(s->base, s->size);
	free(s);
}
