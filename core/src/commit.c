/*
 * commit.c -- page-level operations inside one reservation: commit,
 * decommit, protect, clearing a guard page, and switching DEP.
 *
 * Backend calls are made per maximal run of pages that share committed
 * state and effective permission, and only where something changes.  The
 * page state is not touched until every backend call succeeded, so undoing
 * a failure simply walks the same runs again up to the failing one and
 * reverses what was done (unmap what was mapped, re-protect with the old
 * effective permission).
 */
#include "section.h"

static uint64_t page_addr(const struct ntvm__res *r, uint64_t page)
{
	return r->base + (page << NTVM__PAGE_SHIFT);
}

static ntvm_perm eff(const ntvm *vm, ntvm_perm perm)
{
	return ntvm__effective_perm(perm, vm->dep_enabled);
}

/* Walk the runs of [first, stop); forward makes the change to perm (map
 * reserved runs, re-protect committed ones), !forward undoes it.  Returns
 * the page where a forward call failed, or stop. */
static uint64_t walk_runs(ntvm *vm, struct ntvm__res *r, uint64_t first, uint64_t stop,
                          ntvm_perm perm, bool forward)
{
	ntvm_perm target = eff(vm, perm);
	for (uint64_t i = first; i < stop;) {
		uint64_t run = ntvm__res_eff_run_end(vm, r, i, stop);
		uint64_t addr = page_addr(r, i), len = (run - i) << NTVM__PAGE_SHIFT;
		if (!ntvm__res_page_committed(r, i)) {
			if (!forward)
				vm->backend.unmap(vm->backend.ctx, addr, len);
			else if (ntvm__map_pages(vm, r, addr, len, target))
				return i;
		} else {
			ntvm_perm old = eff(vm, ntvm__res_page_perm(r, i));
			if (old != target) {
				if (!forward)
					vm->backend.protect(vm->backend.ctx, addr, len, old);
				else if (vm->backend.protect(vm->backend.ctx, addr, len, target))
					return i;
			}
		}
		i = run;
	}
	return stop;
}

static bool backend_change(ntvm *vm, struct ntvm__res *r, uint64_t first, uint64_t count,
                           ntvm_perm perm)
{
	uint64_t stop = walk_runs(vm, r, first, first + count, perm, true);
	if (stop == first + count)
		return true;
	walk_runs(vm, r, first, stop, perm, false);
	return false;
}

/* Shared validation: a page range inside one non-MMIO reservation. */
static ntvm_status locate_pages(const ntvm *vm, uint64_t address, uint64_t size,
                                struct ntvm__res **r, uint64_t *first, uint64_t *count)
{
	ntvm_status st = ntvm__locate(vm, address, size, r);
	if (st != NTVM_OK)
		return st;
	if ((*r)->kind == NTVM_KIND_MMIO)
		return NTVM_E_WRONG_KIND;
	*first = (address - (*r)->base) >> NTVM__PAGE_SHIFT;
	*count = size >> NTVM__PAGE_SHIFT;
	return NTVM_OK;
}

ntvm_status ntvm_commit(ntvm *vm, uint64_t address, uint64_t size, ntvm_perm perm)
{
	if (!ntvm_perm_is_valid(perm))
		return NTVM_E_INVALID_ARGUMENT;
	struct ntvm__res *r;
	uint64_t first, count;
	ntvm_status st = locate_pages(vm, address, size, &r, &first, &count);
	if (st != NTVM_OK)
		return st;
	struct ntvm__shape shape;
	if (!ntvm__shape_for_commit(r, first, count, perm, &shape))
		return NTVM_E_NO_MEMORY;
	if (!backend_change(vm, r, first, count, perm)) {
		ntvm__shape_discard(&shape);
		return NTVM_E_BACKEND;
	}
	ntvm__apply_commit(vm, r, &shape, first, count, perm);
	ntvm__bump(vm);
	return NTVM_OK;
}

ntvm_status ntvm_decommit(ntvm *vm, uint64_t address, uint64_t size)
{
	struct ntvm__res *r;
	uint64_t first, count;
	ntvm_status st = locate_pages(vm, address, size, &r, &first, &count);
	if (st != NTVM_OK)
		return st;
	if (r->kind != NTVM_KIND_PRIVATE && ntvm__view_at(vm, r->base))
		return NTVM_E_WRONG_KIND; /* a section's pages are not the view's to drop */
	struct ntvm__shape shape;
	if (!ntvm__shape_for_decommit(r, first, count, &shape))
		return NTVM_E_NO_MEMORY;
	ntvm__unmap_range(vm, r, first, count);
	ntvm__apply_decommit(vm, r, &shape, first, count);
	ntvm__bump(vm);
	return NTVM_OK;
}

/* Protect pages known to be committed. */
static ntvm_status protect_pages(ntvm *vm, struct ntvm__res *r, uint64_t first, uint64_t count,
                                 ntvm_perm perm)
{
	struct ntvm__shape shape;
	if (!ntvm__shape_for_protect(r, first, count, perm, &shape))
		return NTVM_E_NO_MEMORY;
	if (!backend_change(vm, r, first, count, perm)) {
		ntvm__shape_discard(&shape);
		return NTVM_E_BACKEND;
	}
	ntvm__apply_protect(vm, r, &shape, first, count, perm);
	ntvm__bump(vm);
	return NTVM_OK;
}

ntvm_status ntvm_protect(ntvm *vm, uint64_t address, uint64_t size, ntvm_perm perm,
                         ntvm_perm *old_perm)
{
	if (!ntvm_perm_is_valid(perm))
		return NTVM_E_INVALID_ARGUMENT;
	struct ntvm__res *r;
	uint64_t first, count;
	ntvm_status st = locate_pages(vm, address, size, &r, &first, &count);
	if (st != NTVM_OK)
		return st;
	if (ntvm__res_committed_in(r, first, count) != count)
		return NTVM_E_NOT_COMMITTED;
	ntvm_perm old = ntvm__res_page_perm(r, first);
	if ((st = protect_pages(vm, r, first, count, perm)) != NTVM_OK)
		return st;
	if (old_perm)
		*old_perm = old;
	return NTVM_OK;
}

bool ntvm_clear_guard(ntvm *vm, uint64_t address)
{
	struct ntvm__res *r = ntvm__lookup(vm, address);
	if (r == NULL || r->kind == NTVM_KIND_MMIO)
		return false;
	uint64_t page = (address - r->base) >> NTVM__PAGE_SHIFT;
	if (!ntvm__res_page_committed(r, page))
		return false;
	ntvm_perm perm = ntvm__res_page_perm(r, page);
	if (!(perm & NTVM_PERM_GUARD))
		return false;
	return protect_pages(vm, r, page, 1, perm & (ntvm_perm) ~NTVM_PERM_GUARD) == NTVM_OK;
}

ntvm_status ntvm_clear_reserved_guard(ntvm *vm, uint64_t address, bool *cleared)
{
	struct ntvm__res *r = ntvm__lookup(vm, address);
	uint64_t page = r ? (address - r->base) >> NTVM__PAGE_SHIFT : 0;
	struct ntvm__shape shape;
	if (cleared)
		*cleared = false;
	if (r == NULL || r->kind == NTVM_KIND_MMIO || ntvm__res_page_committed(r, page))
		return NTVM_OK;
	ntvm_perm perm = ntvm__res_page_perm(r, page);
	if (!(perm & NTVM_PERM_GUARD))
		return NTVM_OK;
	if (!ntvm__shape_for_last(r, perm & (ntvm_perm) ~NTVM_PERM_GUARD, &shape))
		return NTVM_E_NO_MEMORY;
	ntvm__apply_last(vm, r, &shape, page);
	ntvm__bump(vm);
	if (cleared)
		*cleared = true;
	return NTVM_OK;
}

/* Re-protect the committed runs of every reservation, from the effective
 * permissions under DEP `from` to those under `to`, stopping before page
 * stop_page of stop_at when given.  On a failing call returns false with
 * the place in *fail_r / *fail_page. */
static bool reprotect(ntvm *vm, bool from, bool to, const struct ntvm__res *stop_at, uint64_t stop_page,
                      const struct ntvm__res **fail_r, uint64_t *fail_page)
{
	struct ntvm__iter it;
	struct ntvm__res *r;
	NTVM__FOR_EACH(it, r, vm->root) {
		if (r->kind == NTVM_KIND_MMIO)
			continue;
		uint64_t end = r == stop_at ? stop_page : ntvm__res_pages(r);
		for (uint64_t i = 0; i < end;) {
			uint64_t run = ntvm__res_run_end(r, i, end);
			ntvm_perm p = ntvm__res_page_perm(r, i);
			ntvm_perm a = ntvm__effective_perm(p, from), b = ntvm__effective_perm(p, to);
			if (ntvm__res_page_committed(r, i) && a != b &&
			    vm->backend.protect(vm->backend.ctx, page_addr(r, i), (run - i) << NTVM__PAGE_SHIFT, b)) {
				*fail_r = r;
				*fail_page = i;
				return false;
			}
			i = run;
		}
		if (r == stop_at)
			break;
	}
	return true;
}

void ntvm_set_dep(ntvm *vm, bool enabled)
{
	if (enabled == vm->dep_enabled)
		return;
	const struct ntvm__res *fail_r = NULL;
	uint64_t fail_page = 0;
	if (!reprotect(vm, vm->dep_enabled, enabled, NULL, 0, &fail_r, &fail_page)) {
		/* Undo what was done up to the failing run; DEP stays as it was. */
		const struct ntvm__res *unused_r;
		uint64_t unused_page;
		reprotect(vm, enabled, vm->dep_enabled, fail_r, fail_page, &unused_r, &unused_page);
		return;
	}
	vm->dep_enabled = enabled;
}
