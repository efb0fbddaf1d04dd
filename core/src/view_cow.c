/*
 * view_cow.c -- copy-on-write: the first write to a WRITECOPY or
 * EXECUTE_WRITECOPY page of a section view gives the view its own copy of
 * that page, as Windows does; the page becomes READWRITE (EXECUTE_READWRITE)
 * and its Type stays MEM_MAPPED / MEM_IMAGE.
 *
 * In the backend the shared page is unmapped and a private page mapped in
 * its place with the same bytes, and the bytes of the write that caused
 * it, so that the copy and the write succeed or fail together.  Host memory (the copy, the view's
 * private bitmap, the page state) is had first; then unmap, map, write.
 * If map or write fails, the shared page is mapped back -- restoring a
 * mapping that was there a moment ago, which the manager counts on as it
 * counts on restoring a protection -- and nothing has changed.
 */
#include "section.h"

#include <stdlib.h>
#include <string.h>

/* The page is unmapped; map it back shared with its old permission. */
static void remap_shared(ntvm *vm, uint64_t addr, ntvm_perm eff, const struct ntvm__view *v,
                         uint64_t page)
{
	(void)vm->backend.map_shared(vm->backend.ctx, addr, NTVM_PAGE_SIZE, eff, ntvm__view_host(v, page));
}

static bool make_private(ntvm *vm, struct ntvm__view *v, uint64_t page, ntvm_perm old_perm,
                         ntvm_perm new_perm, const uint8_t *copy)
{
	uint64_t addr = v->base + (page << NTVM__PAGE_SHIFT);
	ntvm_perm old_eff = ntvm__effective_perm(old_perm, vm->dep_enabled);
	vm->backend.unmap(vm->backend.ctx, addr, NTVM_PAGE_SIZE);
	if (vm->backend.map(vm->backend.ctx, addr, NTVM_PAGE_SIZE,
	                    ntvm__effective_perm(new_perm, vm->dep_enabled))) {
		remap_shared(vm, addr, old_eff, v, page);
		return false;
	}
	if (vm->backend.write(vm->backend.ctx, addr, copy, NTVM_PAGE_SIZE)) {
		vm->backend.unmap(vm->backend.ctx, addr, NTVM_PAGE_SIZE);
		remap_shared(vm, addr, old_eff, v, page);
		return false;
	}
	return true;
}

static ntvm_status protect_only(ntvm *vm, uint64_t addr, ntvm_perm perm)
{
	return ntvm_protect(vm, addr, NTVM_PAGE_SIZE, perm, NULL);
}

ntvm_status ntvm__view_copy_on_write(ntvm *vm, uint64_t address, const void *data, size_t len,
                                     bool *done)
{
	uint64_t addr = ntvm__align_down(address, NTVM_PAGE_SIZE);
	*done = false;
	struct ntvm__res *r = ntvm__lookup(vm, addr);
	if (r == NULL || r->kind == NTVM_KIND_MMIO)
		return NTVM_E_NOT_RESERVED;
	uint64_t page = (addr - r->base) >> NTVM__PAGE_SHIFT;
	if (!ntvm__res_page_committed(r, page))
		return NTVM_E_NOT_COMMITTED;
	ntvm_perm old = ntvm__res_page_perm(r, page);
	if (!(old & NTVM_PERM_WRITECOPY))
		return NTVM_OK;
	ntvm_perm perm = old & (ntvm_perm)~NTVM_PERM_WRITECOPY;
	struct ntvm__view *v = r->kind != NTVM_KIND_PRIVATE ? ntvm__view_at(vm, r->base) : NULL;
	if (v == NULL || ntvm__view_page_private(v, page))
		return protect_only(vm, addr, perm);
	uint8_t *copy = ntvm__heap.malloc(NTVM_PAGE_SIZE);
	uint64_t *bits = v->private_pages;
	if (bits == NULL)
		bits = ntvm__heap.calloc(NTVM_BITMAP_WORDS(v->size >> NTVM__PAGE_SHIFT), sizeof *bits);
	struct ntvm__shape shape;
	bool ok = copy && bits && ntvm__shape_for_protect(r, page, 1, perm, &shape);
	if (ok) {
		memcpy(copy, ntvm__view_host(v, page), NTVM_PAGE_SIZE);
		if (data)
			memcpy(copy + (address - addr), data, len);
		if (!make_private(vm, v, page, old, perm, copy)) {
			ntvm__shape_discard(&shape);
			free(copy);
			if (bits != v->private_pages)
				free(bits);
			return NTVM_E_BACKEND;
		}
	}
	free(copy);
	if (!ok) {
		if (bits != v->private_pages)
			free(bits);
		return NTVM_E_NO_MEMORY;
	}
	v->private_pages = bits;
	ntvm__bitmap_set(bits, page, 1);
	ntvm__apply_protect(vm, r, &shape, page, 1, perm);
	ntvm__bump(vm);
	*done = true;
	return NTVM_OK;
}
