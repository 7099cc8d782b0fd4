/* Byte-addressed storage: the machine's host storage, or a guest's storage.
 *
 * Addresses are absolute addresses inside one storage.  Every access is bounds
 * checked by the caller through storage_ptr(); an address outside the storage
 * is an addressing exception (CPU) or a channel program check (channel), never
 * a wild access.  The bytes are allocated lazily (mmap, MAP_NORESERVE), so a
 * large storage costs only the pages that are touched.
 */
#ifndef CHPSYNC_ARCH_STORAGE_H
#define CHPSYNC_ARCH_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct storage {
	uint8_t *base;
	uint64_t size;
	bool owned; /* base was mapped by storage_new() */
};

/* New zero-filled storage of `size` bytes; NULL if it cannot be mapped. */
struct storage *storage_new(uint64_t size);
/* A window [offset, offset+size) of another storage (guest storage inside host storage). */
struct storage *storage_window(struct storage *parent, uint64_t offset, uint64_t size);
void storage_free(struct storage *s);

/* True when [addr, addr+len) lies inside the storage (no wrap-around). */
static inline bool storage_ok(const struct storage *s, uint64_t addr, uint64_t len)
{
	return addr <= s->size && len <= s->size - addr;
}

/* Pointer to [addr, addr+len), or NULL when any byte is outside the storage. */
static inline uint8_t *storage_ptr(const struct storage *s, uint64_t addr, uint64_t len)
{
	return storage_ok(s, addr, len) ? s->base + addr : NULL;
}

#endif
