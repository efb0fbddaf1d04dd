/*
 * view.c -- views of sections: their records, mapping them (shared pages
 * through backend->map_shared), unmapping them, and committing section
 * pages through a view (every view of the section sees them).
 *
 * A view is built from the ordinary steps so that it is an ordinary
 * reservation afterwards: reserve it (no backend call), then commit each
 * run of pages with the same protection; the commit reaches the backend
 * through ntvm__map_pages, which maps a section view's pages shared.  If a
 * step fails, the reservation is released again and the layout version
 * restored, so the failed map changed nothing.  The record list is a
 * sorted array (views are few; lookups are binary searches).
 */
#include "section.h"

#include <stdlib.h>
#include <string.h>

/* Index of the first record with base >= address. */
static size_t lower_bound(const struct ntvm__sections *t, uint64_t address)
{
	size_t lo = 0, hi = t->view_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->views[mid]->base < address)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct ntvm__view *ntvm__view_at(const ntvm *vm, uint64_t base)
{
	const struct ntvm__sections *t = vm->sections;
	if (t == NULL || t->view_count == 0)
		return NULL;
	size_t i = lower_bound(t, base);
	return i < t->view_count && t->views[i]->base == base ? t->views[i] : NULL;
}

struct ntvm__view *ntvm__view_containing(const ntvm *vm, uint64_t address)
{
	const struct ntvm__sections *t = vm->sections;
	if (t == NULL || t->view_count == 0)
		return NULL;
	size_t i = lower_bound(t, address);
	if (i < t->view_count && t->views[i]->base == address)
		return t->views[i];
	if (i == 0)
		return NULL;
	struct ntvm__view *v = t->views[i - 1];
	return address - v->base < v->size ? v : NULL;
}

uint8_t *ntvm__view_host(const struct ntvm__view *v, uint64_t page)
{
	return v->section->storage + v->offset + (page << NTVM__PAGE_SHIFT);
}

bool ntvm__view_page_private(const struct ntvm__view *v, uint64_t page)
{
	return v->private_pages && ntvm__bitmap_test(v->private_pages, page);
}

int ntvm__map_pages(ntvm *vm, const struct ntvm__res *r, uint64_t addr, uint64_t len,
                    ntvm_perm effective)
{
	struct ntvm__view *v = NULL;
	if (r->kind != NTVM_KIND_PRIVATE && r->kind != NTVM_KIND_MMIO && vm->sections)
		v = ntvm__view_at(vm, r->base);
	if (v == NULL)
		return vm->backend.map(vm->backend.ctx, addr, len, effective);
	uint64_t page = (addr - r->base) >> NTVM__PAGE_SHIFT;
	return vm->backend.map_shared(vm->backend.ctx, addr, len, effective, ntvm__view_host(v, page));
}

static bool record_insert(ntvm *vm, struct ntvm__view *v)
{
	struct ntvm__sections *t = ntvm__sections_get(vm);
	if (t == NULL)
		return false;
	if (t->view_count == t->view_capacity) {
		struct ntvm__view **views = ntvm__heap_grow(t->views, &t->view_capacity, sizeof *views, 8);
		if (views == NULL)
			return false;
		t->views = views;
	}
	size_t i = lower_bound(t, v->base);
	memmove(t->views + i + 1, t->views + i, (t->view_count - i) * sizeof *t->views);
	t->views[i] = v;
	t->view_count++;
	return true;
}

/* Take v out of the list and free it, dropping its section reference. */
static void record_remove(ntvm *vm, struct ntvm__view *v)
{
	struct ntvm__sections *t = vm->sections;
	size_t i = lower_bound(t, v->base);
	memmove(t->views + i, t->views + i + 1, (t->view_count - i - 1) * sizeof *t->views);
	t->view_count--;
	ntvm__section_unref(v->section);
	free(v->private_pages);
	free(v);
}

/* The protection of page i of a new view, and whether it is committed. */
static bool spec_page(const struct ntvm__section *s, const struct ntvm__view_spec *spec,
                      uint64_t i, ntvm_perm *perm)
{
	*perm = spec->page_perms ? spec->page_perms[i] : spec->initial;
	uint64_t page = (spec->offset >> NTVM__PAGE_SHIFT) + i;
	return page < s->pages && ntvm__section_page_committed(s, page);
}

/* Commit the committed runs of the new view, one run of equal protection at a time. */
static ntvm_status commit_runs(ntvm *vm, const struct ntvm__section *s,
                               const struct ntvm__view_spec *spec)
{
	uint64_t pages = spec->size >> NTVM__PAGE_SHIFT;
	for (uint64_t i = 0; i < pages;) {
		ntvm_perm perm, next_perm;
		bool committed = spec_page(s, spec, i, &perm);
		uint64_t end = i + 1;
		while (end < pages && spec_page(s, spec, end, &next_perm) == committed && next_perm == perm)
			end++;
		if (committed) {
			ntvm_status st = ntvm_commit(vm, spec->base + (i << NTVM__PAGE_SHIFT),
			                             (end - i) << NTVM__PAGE_SHIFT, perm);
			if (st != NTVM_OK)
				return st;
		}
		i = end;
	}
	return NTVM_OK;
}

ntvm_status ntvm__view_map(ntvm *vm, struct ntvm__section *s, const struct ntvm__view_spec *spec)
{
	if (vm->backend.map_shared == NULL)
		return NTVM_E_BACKEND;
	struct ntvm__view *v = ntvm__heap.calloc(1, sizeof *v);
	if (v == NULL)
		return NTVM_E_NO_MEMORY;
	*v = (struct ntvm__view){ spec->base, spec->size, spec->offset, s, NULL, spec->protect };
	uint64_t version = vm->layout_version;
	ntvm_status st = ntvm_allocate_at(vm, spec->base, spec->size, spec->initial, true, spec->kind);
	if (st != NTVM_OK) {
		free(v);
		return st;
	}
	if (!record_insert(vm, v)) {
		(void)ntvm_release(vm, spec->base, 0);
		vm->layout_version = version;
		free(v);
		return NTVM_E_NO_MEMORY;
	}
	s->refs++;
	st = commit_runs(vm, s, spec);
	if (st != NTVM_OK) {
		(void)ntvm_release(vm, spec->base, 0); /* drops the record too */
		vm->layout_version = version;
		return st;
	}
	vm->layout_version = version + 1;
	return NTVM_OK;
}

void ntvm__view_unmap(ntvm *vm, struct ntvm__view *v)
{
	(void)ntvm_release(vm, v->base, 0);
}

void ntvm__view_released(ntvm *vm, uint64_t base)
{
	struct ntvm__view *v = ntvm__view_at(vm, base);
	if (v)
		record_remove(vm, v);
}
