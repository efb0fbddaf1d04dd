/*
 * view_commit.c -- committing pages of a page-file-backed section through
 * one of its views (NtAllocateVirtualMemory MEM_COMMIT in a view, or the
 * commit size of NtMapViewOfSection).
 *
 * On Windows the pages are committed in the section, so every view of it
 * shows them committed: in the view that asked with the requested
 * protection, in the others with their own AllocationProtect.  Pages not
 * yet committed in the section are reserved in every view, so the other
 * views only ever map reserved pages here.  To keep "a failure changes
 * nothing" over several reservations, each other view's page state is
 * copied first (the only allocation), the commits are made one by one,
 * and a failure unmaps what was mapped and puts the copies back.
 */
#include "section.h"

#include <stdlib.h>
#include <string.h>

bool ntvm__res_save(struct ntvm__saved_res *sv)
{
	const struct ntvm__res *r = sv->r;
	uint64_t pages = ntvm__res_pages(r);
	sv->node = *r;
	sv->bits = NULL;
	sv->perms = NULL;
	if (r->state == NTVM__MIXED && !ntvm__res_bits_inline(r)) {
		size_t bytes = (1 + NTVM_BITMAP_WORDS(pages)) * sizeof(uint64_t);
		if ((sv->bits = ntvm__heap.malloc(bytes)) == NULL)
			return false;
		memcpy(sv->bits, r->bits, bytes);
	}
	if (r->u.perms) {
		if ((sv->perms = ntvm__heap.malloc((size_t)pages)) == NULL)
			return false;
		memcpy(sv->perms, r->u.perms, (size_t)pages);
	}
	return true;
}

/* Undo the commits made in a saved view: unmap the pages committed since,
 * then put the old page state back. */
void ntvm__res_restore(ntvm *vm, struct ntvm__saved_res *sv)
{
	struct ntvm__res *r = sv->r, old = sv->node;
	if (!ntvm__res_bits_inline(r))
		old.bits = sv->bits; /* sv->node.bits may have been freed by the commit */
	old.u.perms = sv->perms;
	for (uint64_t i = sv->first, end = sv->first + sv->count; i < end; i++)
		if (ntvm__res_page_committed(r, i) && !ntvm__res_page_committed(&old, i))
			vm->backend.unmap(vm->backend.ctx, r->base + (i << NTVM__PAGE_SHIFT), NTVM_PAGE_SIZE);
	ntvm__res_bits_free(r);
	free(r->u.perms);
	if (ntvm__res_bits_inline(r))
		r->small_map = sv->node.small_map;
	else
		r->bits = sv->bits;
	r->u.perms = sv->perms;
	r->state = sv->node.state;
	r->perm = sv->node.perm;
	r->hidden = sv->node.hidden;
	sv->bits = NULL;
	sv->perms = NULL;
}

static void drop_saved(struct ntvm__saved_res *saved, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(saved[i].bits);
		free(saved[i].perms);
	}
	free(saved);
}

/* Commit, in view w, the pages of section pages [sp, sp + count) that
 * were not committed in the section (they are reserved in w). */
static ntvm_status commit_new_pages(ntvm *vm, const struct ntvm__view *w, uint64_t sp,
                                    uint64_t count, ntvm_perm perm)
{
	const struct ntvm__section *s = w->section;
	uint64_t wfirst = w->offset >> NTVM__PAGE_SHIFT, wpages = w->size >> NTVM__PAGE_SHIFT;
	uint64_t lo = sp > wfirst ? sp : wfirst, hi = sp + count < wfirst + wpages ? sp + count : wfirst + wpages;
	for (uint64_t p = lo; p < hi;) {
		uint64_t end = p + 1;
		bool fresh = !ntvm__section_page_committed(s, p);
		while (end < hi && !ntvm__section_page_committed(s, end) == fresh)
			end++;
		if (fresh) {
			ntvm_status st = ntvm_commit(vm, w->base + ((p - wfirst) << NTVM__PAGE_SHIFT),
			                             (end - p) << NTVM__PAGE_SHIFT, perm);
			if (st != NTVM_OK)
				return st;
		}
		p = end;
	}
	return NTVM_OK;
}

/* The other views of v's section whose window meets [sp, sp + count). */
static size_t other_views(const ntvm *vm, const struct ntvm__view *v, uint64_t sp, uint64_t count,
                          struct ntvm__saved_res *out)
{
	const struct ntvm__sections *t = vm->sections;
	size_t n = 0;
	for (size_t i = 0; i < t->view_count; i++) {
		const struct ntvm__view *w = t->views[i];
		uint64_t wfirst = w->offset >> NTVM__PAGE_SHIFT, wpages = w->size >> NTVM__PAGE_SHIFT;
		if (w == v || w->section != v->section || wfirst >= sp + count || wfirst + wpages <= sp)
			continue;
		if (out) {
			out[n] = (struct ntvm__saved_res){ .r = ntvm__lookup(vm, w->base) };
			out[n].first = sp > wfirst ? sp - wfirst : 0;
			out[n].count = wpages - out[n].first;
		}
		n++;
	}
	return n;
}

static ntvm_status commit_others(ntvm *vm, const struct ntvm__view *v, uint64_t sp, uint64_t count,
                                 struct ntvm__saved_res *saved, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct ntvm__view *w = ntvm__view_at(vm, saved[i].r->base);
		saved[i].touched = true;
		ntvm_status st = commit_new_pages(vm, w, sp, count, saved[i].r->initial_perm);
		if (st != NTVM_OK)
			return st;
	}
	(void)v;
	return NTVM_OK;
}

ntvm_status ntvm__section_commit(ntvm *vm, struct ntvm__view *v, uint64_t first, uint64_t count,
                                 ntvm_perm perm, bool propagate)
{
	struct ntvm__section *s = v->section;
	uint64_t sp = (v->offset >> NTVM__PAGE_SHIFT) + first;
	size_t n = propagate ? other_views(vm, v, sp, count, NULL) : 0;
	struct ntvm__saved_res *saved = n ? ntvm__heap.calloc(n, sizeof *saved) : NULL;
	if (n && saved == NULL)
		return NTVM_E_NO_MEMORY;
	if (n)
		other_views(vm, v, sp, count, saved);
	for (size_t i = 0; i < n; i++)
		if (!ntvm__res_save(&saved[i])) {
			drop_saved(saved, n);
			return NTVM_E_NO_MEMORY;
		}
	uint64_t version = vm->layout_version;
	ntvm_stats stats = vm->stats;
	ntvm_status st = commit_others(vm, v, sp, count, saved, n);
	if (st == NTVM_OK)
		st = ntvm_commit(vm, v->base + (first << NTVM__PAGE_SHIFT), count << NTVM__PAGE_SHIFT, perm);
	if (st != NTVM_OK) {
		for (size_t i = 0; i < n; i++)
			if (saved[i].touched)
				ntvm__res_restore(vm, &saved[i]);
		vm->stats = stats;
		vm->layout_version = version;
		drop_saved(saved, n);
		return st;
	}
	drop_saved(saved, n);
	if (s->committed)
		ntvm__bitmap_set(s->committed, sp, count);
	vm->layout_version = version + 1;
	return NTVM_OK;
}
