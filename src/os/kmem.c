/* Kernel storage allocator over the OS's storage (os_kmalloc/os_kfree), as
 * Linux's: a buddy allocator of 4 KB pages and, for objects of up to 2 KB,
 * slab caches of power-of-two sizes on top of it.  Every operation costs
 * O(1) (O(orders) for a buddy split or merge), whatever the number of live
 * allocations.
 *
 * The bookkeeping lives outside the simulated storage (the storage holds
 * only what the kernel put there): a table with one entry per page of the
 * range (free-list links, the order of a block, the slab of a slab page),
 * and one small structure per slab with a bitmap of its free objects.
 *
 * Deterministic: free lists are LIFO, a slab hands out its lowest free
 * object, a new range is carved so that the lowest block is used first.
 */
#include <stdlib.h>
#include <string.h>

#include "os/kern_priv.h"

#define KPAGE_SHIFT 12
#define KPAGE	    (1ull << KPAGE_SHIFT)
#define KMAX_ORDER  20 /* 4 GiB blocks */
#define KSLAB_MIN   3  /* 8 bytes */
#define KSLAB_MAX   11 /* 2 KB */
#define KNCLASS	    (KSLAB_MAX - KSLAB_MIN + 1)
#define KNONE	    UINT32_MAX

enum kpage_state { KP_TAIL, KP_FREE, KP_ALLOC, KP_SLAB };

struct kslab {
	struct kslab *next, *prev; /* the class's slabs with a free object */
	uint64_t addr;
	uint16_t nfree, nobj;
	uint8_t cls;
	uint64_t map[(KPAGE >> KSLAB_MIN) / 64]; /* bit set: object free */
};

struct kpage {
	struct kslab *slab;  /* KP_SLAB */
	uint32_t next, prev; /* KP_FREE: the order's free list (page indexes) */
	uint8_t state, order;
};

struct kmem {
	uint64_t base; /* first page of the range (aligned) */
	uint32_t npages;
	struct kpage *page;	       /* npages entries */
	uint32_t free[KMAX_ORDER + 1]; /* free-list heads */
	struct kslab *partial[KNCLASS];
};

static unsigned order_of(uint64_t pages)
{
	unsigned o = 0;

	while ((1ull << o) < pages)
		o++;
	return o;
}

/* ---- buddy pages ---- */

static void free_push(struct kmem *k, uint32_t i, unsigned order)
{
	struct kpage *p = &k->page[i];

	p->state = KP_FREE;
	p->order = (uint8_t)order;
	p->prev = KNONE;
	p->next = k->free[order];
	if (p->next != KNONE)
		k->page[p->next].prev = i;
	k->free[order] = i;
}

static void free_unlink(struct kmem *k, uint32_t i)
{
	struct kpage *p = &k->page[i];

	if (p->prev != KNONE)
		k->page[p->prev].next = p->next;
	else
		k->free[p->order] = p->next;
	if (p->next != KNONE)
		k->page[p->next].prev = p->prev;
	p->state = KP_TAIL;
}

/* Index of a free block of 2^order pages, taken off the lists; KNONE. */
static uint32_t pages_alloc(struct kmem *k, unsigned order)
{
	unsigned o = order;
	uint32_t i;

	while (o <= KMAX_ORDER && k->free[o] == KNONE)
		o++;
	if (o > KMAX_ORDER)
		return KNONE;
	i = k->free[o];
	free_unlink(k, i);
	while (o > order) { /* keep the lower half, free the upper */
		o--;
		free_push(k, i + (1u << o), o);
	}
	k->page[i].state = KP_ALLOC;
	k->page[i].order = (uint8_t)order;
	return i;
}

static void pages_free(struct kmem *k, uint32_t i, unsigned order)
{
	uint64_t pfn0 = k->base >> KPAGE_SHIFT;

	k->page[i].state = KP_TAIL;
	/* Buddies are found by absolute page frame number, so a block of
	 * 2^order pages is aligned to its size in storage. */
	while (order < KMAX_ORDER) {
		uint64_t pfn = pfn0 + i, bpfn = pfn ^ (1ull << order);
		uint32_t b;

		if (bpfn < pfn0 || bpfn - pfn0 + (1ull << order) > k->npages)
			break;
		b = (uint32_t)(bpfn - pfn0);
		if (k->page[b].state != KP_FREE || k->page[b].order != order)
			break;
		free_unlink(k, b);
		if (b < i)
			i = b;
		order++;
	}
	free_push(k, i, order);
}

/* ---- slabs ---- */

static uint64_t slab_alloc(struct kmem *k, unsigned cls)
{
	struct kslab *s = k->partial[cls];
	unsigned obj = 1u << (cls + KSLAB_MIN), w = 0;
	uint32_t i;

	if (!s) {
		i = pages_alloc(k, 0);
		if (i == KNONE)
			return 0;
		s = calloc(1, sizeof(*s));
		if (!s) {
			pages_free(k, i, 0);
			return 0;
		}
		s->addr = k->base + ((uint64_t)i << KPAGE_SHIFT);
		s->cls = (uint8_t)cls;
		s->nobj = s->nfree = (uint16_t)(KPAGE / obj);
		for (unsigned b = 0; b < s->nobj; b++)
			s->map[b / 64] |= 1ull << (b % 64);
		k->page[i].state = KP_SLAB;
		k->page[i].slab = s;
		k->partial[cls] = s;
	}
	while (!s->map[w])
		w++;
	i = (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(s->map[w]));
	s->map[w] &= ~(1ull << (i % 64));
	if (--s->nfree == 0) { /* full: off the partial list */
		k->partial[cls] = s->next;
		if (s->next)
			s->next->prev = NULL;
		s->next = s->prev = NULL;
	}
	return s->addr + (uint64_t)i * obj;
}

static void slab_free(struct kmem *k, struct kslab *s, uint64_t addr)
{
	unsigned obj = 1u << (s->cls + KSLAB_MIN);
	uint64_t off = addr - s->addr;
	unsigned i = (unsigned)(off / obj);

	if (off % obj || (s->map[i / 64] & (1ull << (i % 64))))
		return; /* not an object's start, or already free */
	s->map[i / 64] |= 1ull << (i % 64);
	if (s->nfree++ == 0) { /* was full: back on the partial list */
		s->prev = NULL;
		s->next = k->partial[s->cls];
		if (s->next)
			s->next->prev = s;
		k->partial[s->cls] = s;
	}
	/* An empty slab goes back to the pages unless it is the class's
	 * only one (a free and alloc in turn would otherwise churn). */
	if (s->nfree == s->nobj && (s->next || s->prev)) {
		uint32_t p = (uint32_t)((s->addr - k->base) >> KPAGE_SHIFT);

		if (s->prev)
			s->prev->next = s->next;
		else
			k->partial[s->cls] = s->next;
		if (s->next)
			s->next->prev = s->prev;
		k->page[p].slab = NULL;
		pages_free(k, p, 0);
		free(s);
	}
}

/* ---- the kernel's interface ---- */

int kmem_init(struct os *os, uint64_t base, uint64_t size)
{
	struct kmem *k = calloc(1, sizeof(*k));
	uint64_t first = (base + KPAGE - 1) & ~(KPAGE - 1);
	uint64_t end = (base + size) & ~(KPAGE - 1);
	uint64_t pfn0, pfn, pfn_end;

	if (!k)
		return -1;
	for (unsigned o = 0; o <= KMAX_ORDER; o++)
		k->free[o] = KNONE;
	k->base = first;
	k->npages = end > first ? (uint32_t)((end - first) >> KPAGE_SHIFT) : 0;
	/* One entry per page; the table is touched only where pages are
	 * used, so a large range costs little until it is. */
	k->page = k->npages ? calloc(k->npages, sizeof(*k->page)) : NULL;
	if (k->npages && !k->page) {
		free(k);
		return -1;
	}
	/* Carve the range into the largest aligned blocks, pushed from the
	 * top down so that the lowest block is handed out first. */
	pfn0 = first >> KPAGE_SHIFT;
	pfn_end = pfn0 + k->npages;
	{
		uint32_t idx[64 * (KMAX_ORDER + 1)];
		uint8_t ord[64 * (KMAX_ORDER + 1)];
		int n = 0;

		for (pfn = pfn0; pfn < pfn_end && n < (int)sizeof(ord);) {
			unsigned o = KMAX_ORDER;

			while (o && ((pfn & ((1ull << o) - 1)) || pfn + (1ull << o) > pfn_end))
				o--;
			idx[n] = (uint32_t)(pfn - pfn0);
			ord[n++] = (uint8_t)o;
			pfn += 1ull << o;
		}
		while (n--)
			free_push(k, idx[n], ord[n]);
	}
	os->priv->kmem = k;
	return 0;
}

void kmem_exit(struct os *os)
{
	struct kmem *k = os->priv->kmem;

	if (!k)
		return;
	for (uint32_t i = 0; i < k->npages; i++)
		if (k->page[i].state == KP_SLAB)
			free(k->page[i].slab);
	free(k->page);
	free(k);
	os->priv->kmem = NULL;
}

static uint64_t kmem_alloc(struct os *os, uint64_t size, uint64_t align)
{
	struct kmem *k = os->priv->kmem;
	uint64_t need;
	uint32_t i;
	unsigned order;

	if (!k || !size || !align || (align & (align - 1)) || size > (KPAGE << KMAX_ORDER))
		return 0;
	need = (size + 7) & ~7ull;
	if (need < align)
		need = align;
	if (need <= (1u << KSLAB_MAX)) {
		unsigned cls = order_of(need);

		return slab_alloc(k, cls < KSLAB_MIN ? 0 : cls - KSLAB_MIN);
	}
	order = order_of((size + KPAGE - 1) >> KPAGE_SHIFT);
	while ((KPAGE << order) < align)
		order++;
	if (order > KMAX_ORDER)
		return 0;
	i = pages_alloc(k, order);
	return i == KNONE ? 0 : k->base + ((uint64_t)i << KPAGE_SHIFT);
}

uint64_t os_kmalloc(struct os *os, uint64_t size, uint64_t align)
{
	uint64_t a = kmem_alloc(os, size, align);
	uint8_t *mem;

	if (a) {
		mem = storage_ptr(os->css.mem, a, size);
		if (mem)
			memset(mem, 0, size);
	}
	return a;
}

uint64_t os_kmalloc_nozero(struct os *os, uint64_t size, uint64_t align)
{
	return kmem_alloc(os, size, align);
}

void os_kfree(struct os *os, uint64_t addr)
{
	struct kmem *k = os->priv->kmem;
	struct kpage *p;
	uint32_t i;

	if (!k || !addr || addr < k->base || addr - k->base >= (uint64_t)k->npages << KPAGE_SHIFT)
		return;
	i = (uint32_t)((addr - k->base) >> KPAGE_SHIFT);
	p = &k->page[i];
	if (p->state == KP_SLAB)
		slab_free(k, p->slab, addr);
	else if (p->state == KP_ALLOC && !(addr & (KPAGE - 1)))
		pages_free(k, i, p->order);
}
