/*
 * unicorn_regions.c -- the mirror of the backend's unicorn regions.
 *
 * Unicorn 2 splits a region when part of it is unmapped or re-protected and
 * never merges regions again; its cost per map/unmap grows with the number
 * of regions and it aborts at 4096 of them.  So every change goes through
 * ucb_replace, which unmaps the affected whole regions and maps the merged
 * result with uc_mem_map_ptr: no page contents are copied (the host memory
 * stays where it is) and the region count stays the number of distinct
 * runs.  Leading and trailing pieces equal to what is mapped are skipped so
 * that a change touches only what differs.
 */
#include "unicorn_regions.h"

#include <stdlib.h>
#include <string.h>

size_t ucb_first_after(const struct ucb *b, uint64_t address)
{
	size_t lo = 0, hi = b->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ucb_region *r = &b->regs[mid];
		if (r->start + r->size <= address)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool ucb_mergeable(const struct ucb_region *a, const struct ucb_region *b)
{
	return a->host != NULL && b->host != NULL && a->start + a->size == b->start &&
	       a->host + a->size == b->host && a->prot == b->prot && a->borrowed == b->borrowed;
}

size_t ucb_merge(struct ucb_region *pieces, size_t n)
{
	size_t out = 0;
	for (size_t i = 0; i < n; i++) {
		if (out > 0 && ucb_mergeable(&pieces[out - 1], &pieces[i]))
			pieces[out - 1].size += pieces[i].size;
		else
			pieces[out++] = pieces[i];
	}
	return out;
}

bool ucb_reserve(struct ucb *b, size_t count)
{
	if (count < b->capacity)
		return true;
	size_t cap = b->capacity ? b->capacity * 2 : 16;
	while (cap <= count)
		cap *= 2;
	struct ucb_region *regs = realloc(b->regs, cap * sizeof *regs);
	if (regs == NULL)
		return false;
	b->regs = regs;
	b->capacity = cap;
	return true;
}

void ucb_splice(struct ucb *b, size_t first, size_t n_old, const struct ucb_region *pieces,
                size_t n_new)
{
	size_t tail = b->count - first - n_old;
	memmove(&b->regs[first + n_new], &b->regs[first + n_old], tail * sizeof *b->regs);
	memcpy(&b->regs[first], pieces, n_new * sizeof *pieces);
	b->count = b->count - n_old + n_new;
}

static bool same_region(const struct ucb_region *a, const struct ucb_region *b)
{
	return a->start == b->start && a->size == b->size && a->host == b->host &&
	       a->prot == b->prot && a->mmio == b->mmio;
}

/* Map pieces[0..n) in unicorn; on failure unmap what was mapped. */
static bool install(uc_engine *uc, const struct ucb_region *pieces, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct ucb_region *p = &pieces[i];
		if (uc_mem_map_ptr(uc, p->start, p->size, p->prot, p->host) != UC_ERR_OK) {
			while (i-- > 0)
				(void)uc_mem_unmap(uc, pieces[i].start, pieces[i].size);
			return false;
		}
	}
	return true;
}

static void uninstall(uc_engine *uc, const struct ucb_region *regs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		(void)uc_mem_unmap(uc, regs[i].start, regs[i].size);
}

bool ucb_replace(struct ucb *b, size_t first, size_t n_old, const struct ucb_region *pieces,
                 size_t n_new)
{
	while (n_old > 0 && n_new > 0 && same_region(&b->regs[first], &pieces[0])) {
		first++, n_old--, n_new--, pieces++;
	}
	while (n_old > 0 && n_new > 0 &&
	       same_region(&b->regs[first + n_old - 1], &pieces[n_new - 1])) {
		n_old--, n_new--;
	}
	size_t count = b->count - n_old + n_new;
	if (count > b->max_regions || !ucb_reserve(b, count))
		return false;
	uninstall(b->uc, &b->regs[first], n_old);
	if (!install(b->uc, pieces, n_new)) {
		(void)install(b->uc, &b->regs[first], n_old);
		return false;
	}
	ucb_splice(b, first, n_old, pieces, n_new);
	return true;
}
