/*
 * backend_mem.c -- the embedded default backend: guest pages live in this
 * process.
 *
 * Two structures: a tree of mapped ranges (backend_ranges.c: start, end,
 * effective permission, MMIO flag), so that mapping a terabyte costs one
 * node, and an open-addressing hash table from page number to a 4 KiB
 * buffer.  A committed page gets its buffer on its first write; until then
 * it reads as zeros.  Unmapping frees the buffers of the range.  A page
 * mapped shared (a section view) has the section's host page as its
 * buffer, marked borrowed (pointer bit 0) so that it is never freed here;
 * two views of one section thus read and write the same bytes.  Reserved
 * pages cost nothing here.  The calls that may fail keep three spare range
 * nodes (protect may use two), so that unmap (which may split one range in
 * two) does not allocate; it aborts only if a run of host allocation
 * failures left no spare.
 */
#include "backend_ranges.h"

#include <stdlib.h>
#include <string.h>

struct mem {
	struct ntvm__branges ranges;
	uint64_t *keys; /* page numbers; 0 = empty slot (page 0 is never mapped) */
	uint8_t **pages;
	size_t slots, used; /* slots is a power of two */
};

/* ------------------------------------------------------------------ */
/* Page buffers                                                         */
/* ------------------------------------------------------------------ */
static size_t slot_of(const struct mem *m, uint64_t key)
{
	return (size_t) ((key * 0x9E3779B97F4A7C15ull) >> 20) & (m->slots - 1);
}

static size_t find_slot(const struct mem *m, uint64_t key)
{
	size_t i = slot_of(m, key);
	while (m->keys[i] != 0 && m->keys[i] != key)
		i = (i + 1) & (m->slots - 1);
	return i;
}

#define BORROWED ((uintptr_t)1)

static uint8_t *untag(uint8_t *p)
{
	return (uint8_t *)((uintptr_t)p & ~BORROWED);
}

/* Free a page buffer unless it is a section's (borrowed). */
static void buffer_free(uint8_t *p)
{
	if (!((uintptr_t)p & BORROWED))
		free(p);
}

static uint8_t *page_lookup(const struct mem *m, uint64_t key)
{
	if (m->used == 0)
		return NULL;
	size_t i = find_slot(m, key);
	return m->keys[i] ? untag(m->pages[i]) : NULL;
}

static bool grow_table(struct mem *m)
{
	size_t slots = m->slots ? m->slots * 2 : 64;
	uint64_t *keys = ntvm__heap.calloc(slots, sizeof *keys);
	uint8_t **pages = ntvm__heap.calloc(slots, sizeof *pages);
	if (keys == NULL || pages == NULL) {
		free(keys);
		free(pages);
		return false;
	}
	struct mem old = *m;
	m->keys = keys;
	m->pages = pages;
	m->slots = slots;
	for (size_t i = 0; i < old.slots; i++) {
		if (old.keys[i]) {
			size_t j = find_slot(m, old.keys[i]);
			m->keys[j] = old.keys[i];
			m->pages[j] = old.pages[i];
		}
	}
	free(old.keys);
	free(old.pages);
	return true;
}

/* The buffer of page key, allocated (zeroed) if needed; NULL when out of memory. */
static uint8_t *page_get(struct mem *m, uint64_t key)
{
	uint8_t *p = page_lookup(m, key);
	if (p)
		return p;
	if ((m->used + 1) * 2 > m->slots && !grow_table(m))
		return NULL;
	if ((p = ntvm__heap.calloc(1, NTVM_PAGE_SIZE)) == NULL)
		return NULL;
	size_t i = find_slot(m, key);
	m->keys[i] = key;
	m->pages[i] = p;
	m->used++;
	return p;
}

/* Remove slot i, shifting later entries of its probe chain back. */
static void slot_delete(struct mem *m, size_t i)
{
	buffer_free(m->pages[i]);
	m->keys[i] = 0;
	m->pages[i] = NULL;
	m->used--;
	size_t mask = m->slots - 1;
	for (size_t j = (i + 1) & mask; m->keys[j]; j = (j + 1) & mask) {
		size_t home = slot_of(m, m->keys[j]);
		/* j's entry may move to i if i lies cyclically in [home, j) */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->keys[i] = m->keys[j];
			m->pages[i] = m->pages[j];
			m->keys[j] = 0;
			m->pages[j] = NULL;
			i = j;
		}
	}
}

static void free_pages_in(struct mem *m, uint64_t first, uint64_t end)
{
	if (m->used == 0)
		return;
	if (end - first <= m->slots) {
		for (uint64_t key = first; key < end; key++) {
			size_t i = find_slot(m, key);
			if (m->keys[i])
				slot_delete(m, i);
		}
		return;
	}
	for (size_t i = 0; i < m->slots;) {
		if (m->keys[i] >= first && m->keys[i] < end)
			slot_delete(m, i); /* re-examine i: an entry may have moved in */
		else
			i++;
	}
}

/* ------------------------------------------------------------------ */
/* The backend interface                                                */
/* ------------------------------------------------------------------ */
static int mem_map(void *ctx, uint64_t address, uint64_t size, ntvm_perm effective)
{
	struct mem *m = ctx;
	if (!ntvm__branges_reserve(&m->ranges) ||
	    !ntvm__branges_add(&m->ranges, address, address + size, effective, false))
		return -1;
	return 0;
}

static int mem_map_mmio(void *ctx, uint64_t address, uint64_t size, ntvm_mmio_read_fn read,
                        ntvm_mmio_write_fn write, void *user)
{
	struct mem *m = ctx;
	if (!ntvm__branges_reserve(&m->ranges) ||
	    !ntvm__branges_add(&m->ranges, address, address + size, NTVM_PERM_RW, true))
		return -1;
	return 0;
}

/* The pages are unmapped, so none has a buffer: make room for all of them
 * first (the only step that can fail besides the range record). */
static int mem_map_shared(void *ctx, uint64_t address, uint64_t size, ntvm_perm effective,
                          void *host)
{
	struct mem *m = ctx;
	uint64_t pages = size >> NTVM__PAGE_SHIFT;
	while ((m->used + pages) * 2 > m->slots)
		if (!grow_table(m))
			return -1;
	if (!ntvm__branges_reserve(&m->ranges) ||
	    !ntvm__branges_add(&m->ranges, address, address + size, effective, false))
		return -1;
	for (uint64_t i = 0; i < pages; i++) {
		size_t slot = find_slot(m, (address >> NTVM__PAGE_SHIFT) + i);
		m->keys[slot] = (address >> NTVM__PAGE_SHIFT) + i;
		m->pages[slot] = (uint8_t *)((uintptr_t)((uint8_t *)host + (i << NTVM__PAGE_SHIFT)) | BORROWED);
		m->used++;
	}
	return 0;
}

static void mem_unmap(void *ctx, uint64_t address, uint64_t size)
{
	struct mem *m = ctx;
	ntvm__branges_cut(&m->ranges, address, address + size);
	ntvm__branges_reserve(&m->ranges); /* best effort: refill the spares */
	free_pages_in(m, address >> NTVM__PAGE_SHIFT, (address + size) >> NTVM__PAGE_SHIFT);
}

static int mem_protect(void *ctx, uint64_t address, uint64_t size, ntvm_perm effective)
{
	struct mem *m = ctx;
	if (!ntvm__branges_reserve(&m->ranges))
		return -1;
	ntvm__branges_set(&m->ranges, address, address + size, effective);
	return 0;
}

static int mem_read(void *ctx, uint64_t address, void *data, size_t size)
{
	const struct mem *m = ctx;
	uint8_t *out = data;
	while (size) {
		uint64_t off = address & (NTVM_PAGE_SIZE - 1);
		size_t n = NTVM_PAGE_SIZE - off < size ? (size_t) (NTVM_PAGE_SIZE - off) : size;
		const uint8_t *p = page_lookup(m, address >> NTVM__PAGE_SHIFT);
		if (p)
			memcpy(out, p + off, n);
		else
			memset(out, 0, n);
		out += n;
		address += n;
		size -= n;
	}
	return 0;
}

static int mem_write(void *ctx, uint64_t address, const void *data, size_t size)
{
	struct mem *m = ctx;
	uint64_t first = address >> NTVM__PAGE_SHIFT, last = (address + size - 1) >> NTVM__PAGE_SHIFT;
	for (uint64_t key = first; key <= last; key++)
		if (page_get(m, key) == NULL)
			return -1; /* buffers made so far hold zeros: nothing visible changed */
	const uint8_t *in = data;
	while (size) {
		uint64_t off = address & (NTVM_PAGE_SIZE - 1);
		size_t n = NTVM_PAGE_SIZE - off < size ? (size_t) (NTVM_PAGE_SIZE - off) : size;
		memcpy(page_lookup(m, address >> NTVM__PAGE_SHIFT) + off, in, n);
		in += n;
		address += n;
		size -= n;
	}
	return 0;
}

static void mem_destroy(void *ctx)
{
	struct mem *m = ctx;
	for (size_t i = 0; i < m->slots; i++)
		buffer_free(m->pages[i]);
	free(m->keys);
	free(m->pages);
	ntvm__branges_free(&m->ranges);
	free(m);
}

bool ntvm__backend_mem_create(ntvm_backend *out)
{
	struct mem *m = ntvm__heap.calloc(1, sizeof *m);
	if (m == NULL || !ntvm__branges_reserve(&m->ranges)) {
		if (m)
			ntvm__branges_free(&m->ranges);
		free(m);
		return false;
	}
	*out = (ntvm_backend){
		.ctx = m,
		.map = mem_map,
		.unmap = mem_unmap,
		.protect = mem_protect,
		.read = mem_read,
		.write = mem_write,
		.map_mmio = mem_map_mmio,
		.destroy = mem_destroy,
		.map_shared = mem_map_shared,
	};
	return true;
}

bool ntvm__backend_mem_is_mapped(void *ctx, uint64_t address, ntvm_perm *effective, bool *is_mmio)
{
	struct mem *m = ctx;
	const struct ntvm__brange *n = ntvm__branges_at(&m->ranges, address);
	if (n == NULL)
		return false;
	if (effective)
		*effective = n->effective;
	if (is_mmio)
		*is_mmio = n->mmio;
	return true;
}

uint64_t ntvm__backend_mem_mapped_pages(void *ctx)
{
	const struct mem *m = ctx;
	return m->ranges.pages;
}

uint64_t ntvm__backend_mem_buffer_count(void *ctx)
{
	const struct mem *m = ctx;
	return m->used;
}

const uint8_t *ntvm__backend_mem_page_buffer(void *ctx, uint64_t address, bool *borrowed)
{
	const struct mem *m = ctx;
	*borrowed = false;
	if (m->used == 0)
		return NULL;
	size_t i = find_slot(m, address >> NTVM__PAGE_SHIFT);
	if (m->keys[i] == 0)
		return NULL;
	*borrowed = ((uintptr_t)m->pages[i] & BORROWED) != 0;
	return untag(m->pages[i]);
}

int ntvm__backend_mem_coverage(void *ctx, uint64_t start, uint64_t end, ntvm_perm *effective,
                               bool *is_mmio)
{
	struct mem *m = ctx;
	const struct ntvm__brange *n = ntvm__branges_at(&m->ranges, start);
	if (n == NULL) {
		n = ntvm__branges_after(&m->ranges, start);
		return n && n->start < end ? 2 : 0;
	}
	*effective = n->effective;
	*is_mmio = n->mmio;
	while (n->end < end) {
		const struct ntvm__brange *next = ntvm__branges_after(&m->ranges, n->start);
		if (next == NULL || next->start != n->end || next->effective != *effective || next->mmio != *is_mmio)
			return 2;
		n = next;
	}
	return 1;
}
