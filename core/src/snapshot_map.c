/*
 * snapshot_map.c -- putting a whole state into the backend: used when a
 * full snapshot is loaded (and to put the old state back if that fails).
 * Runs are mapped in address order and counted, so that a failure can be
 * undone by unmapping exactly the runs mapped before it.  Pages whose
 * contents are all zero are not written (a fresh mapping reads as zeros).
 * The pages of a section view are mapped shared onto the section's memory
 * (already filled from the snapshot) and not written, except those a
 * copy-on-write made private to the view.
 */
#include "section.h"
#include "snapshot.h"

/* End of the run from page i (before end) whose pages are all shared or
 * all private in view v (NULL: not a section view, one run). */
static uint64_t share_run_end(const struct ntvm__view *v, uint64_t i, uint64_t end)
{
	if (v == NULL)
		return end;
	bool priv = ntvm__view_page_private(v, i);
	while (++i < end && ntvm__view_page_private(v, i) == priv)
		;
	return i;
}

static int map_one(ntvm *view, const struct ntvm__res *r, const struct ntvm__view *v, uint64_t i,
                   uint64_t len)
{
	const ntvm_backend *b = &view->backend;
	uint64_t addr = r->base + (i << NTVM__PAGE_SHIFT);
	ntvm_perm eff = ntvm__effective_perm(ntvm__res_page_perm(r, i), view->dep_enabled);
	if (r->kind == NTVM_KIND_MMIO)
		return b->map_mmio ? b->map_mmio(b->ctx, addr, len, ntvm__mmio_read_trampoline,
		                                 ntvm__mmio_write_trampoline, r->u.mmio) : -1;
	if (v && !ntvm__view_page_private(v, i))
		return b->map_shared ? b->map_shared(b->ctx, addr, len, eff, ntvm__view_host(v, i)) : -1;
	return b->map(b->ctx, addr, len, eff);
}

/* Map (undo false) the committed runs of tree in order, stopping at the
 * first failure, or unmap (undo true) the first `limit` of them.  Returns
 * the number of runs handled. */
static uint64_t map_runs(ntvm *view, bool undo, uint64_t limit, bool *failed)
{
	uint64_t k = 0;
	const ntvm_backend *b = &view->backend;
	struct ntvm__iter it;
	struct ntvm__res *r;
	NTVM__FOR_EACH(it, r, view->root) {
		uint64_t pages = ntvm__res_pages(r);
		const struct ntvm__view *v = r->kind != NTVM_KIND_PRIVATE ? ntvm__view_at(view, r->base) : NULL;
		for (uint64_t i = 0; i < pages;) {
			uint64_t end = r->kind == NTVM_KIND_MMIO ? pages : ntvm__res_eff_run_end(view, r, i, pages);
			end = share_run_end(v, i, end);
			uint64_t addr = r->base + (i << NTVM__PAGE_SHIFT), len = (end - i) << NTVM__PAGE_SHIFT;
			if (ntvm__res_page_committed(r, i)) {
				if (undo && k >= limit)
					return k;
				int err = 0;
				if (undo)
					b->unmap(b->ctx, addr, len);
				else
					err = map_one(view, r, v, i, len);
				if (err) {
					*failed = true;
					return k;
				}
				k++;
			}
			i = end;
		}
	}
	return k;
}

static bool is_zero(const uint8_t *page)
{
	for (size_t i = 0; i < NTVM_PAGE_SIZE; i++)
		if (page[i])
			return false;
	return true;
}

static bool write_contents(ntvm *view, const uint8_t *contents)
{
	const ntvm_backend *b = &view->backend;
	struct ntvm__iter it;
	struct ntvm__res *r;
	NTVM__FOR_EACH(it, r, view->root) {
		if (r->kind == NTVM_KIND_MMIO)
			continue;
		uint64_t pages = ntvm__res_pages(r);
		const struct ntvm__view *v = r->kind != NTVM_KIND_PRIVATE ? ntvm__view_at(view, r->base) : NULL;
		for (uint64_t i = 0; i < pages;) {
			uint64_t end = ntvm__res_commit_run_end(r, i, pages);
			for (uint64_t p = i; p < end && ntvm__res_page_committed(r, i); p++) {
				/* mapped pages read as zeros already: skip zero pages;
				 * shared view pages are the section's bytes already */
				if (!is_zero(contents) && (v == NULL || ntvm__view_page_private(v, p)) &&
				    b->write(b->ctx, r->base + (p << NTVM__PAGE_SHIFT), contents, NTVM_PAGE_SIZE))
					return false;
				contents += NTVM_PAGE_SIZE;
			}
			i = end;
		}
	}
	return true;
}

bool ntvm__materialize(ntvm *vm, struct ntvm__res *tree, struct ntvm__sections *sections,
                       bool dep_enabled, const uint8_t *contents)
{
	ntvm view = *vm;
	view.root = tree;
	view.sections = sections;
	view.dep_enabled = dep_enabled;
	bool failed = false;
	uint64_t mapped = map_runs(&view, false, 0, &failed);
	if (!failed && write_contents(&view, contents))
		return true;
	map_runs(&view, true, mapped, &failed);
	return false;
}
