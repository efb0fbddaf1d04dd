/*
 * snapshot_map.c -- putting a whole state into the backend: used when a
 * full snapshot is loaded (and to put the old state back if that fails).
 * Runs are mapped in address order and counted, so that a failure can be
 * undone by unmapping exactly the runs mapped before it.  Pages whose
 * contents are all zero are not written (a fresh mapping reads as zeros).
 */
#include "snapshot.h"

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
		for (uint64_t i = 0; i < pages;) {
			uint64_t end = r->kind == NTVM_KIND_MMIO ? pages : ntvm__res_eff_run_end(view, r, i, pages);
			uint64_t addr = r->base + (i << NTVM__PAGE_SHIFT), len = (end - i) << NTVM__PAGE_SHIFT;
			if (ntvm__res_page_committed(r, i)) {
				if (undo && k >= limit)
					return k;
				int err = 0;
				if (undo)
					b->unmap(b->ctx, addr, len);
				else if (r->kind == NTVM_KIND_MMIO)
					err = b->map_mmio ? b->map_mmio(b->ctx, addr, len, ntvm__mmio_read_trampoline,
					                                ntvm__mmio_write_trampoline, r->u.mmio) : -1;
				else
					err = b->map(b->ctx, addr, len,
					             ntvm__effective_perm(ntvm__res_page_perm(r, i), view->dep_enabled));
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
		for (uint64_t i = 0; i < pages;) {
			uint64_t end = ntvm__res_commit_run_end(r, i, pages);
			for (uint64_t p = i; p < end && ntvm__res_page_committed(r, i); p++) {
				/* mapped pages read as zeros already: skip zero pages */
				if (!is_zero(contents) &&
				    b->write(b->ctx, r->base + (p << NTVM__PAGE_SHIFT), contents, NTVM_PAGE_SIZE))
					return false;
				contents += NTVM_PAGE_SIZE;
			}
			i = end;
		}
	}
	return true;
}

bool ntvm__materialize(ntvm *vm, struct ntvm__res *tree, bool dep_enabled, const uint8_t *contents)
{
	ntvm view = *vm;
	view.root = tree;
	view.dep_enabled = dep_enabled;
	bool failed = false;
	uint64_t mapped = map_runs(&view, false, 0, &failed);
	if (!failed && write_contents(&view, contents))
		return true;
	map_runs(&view, true, mapped, &failed);
	return false;
}
