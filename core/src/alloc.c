/*
 * alloc.c -- reservations appear and disappear: allocate at an address or
 * anywhere, MMIO allocation, release (whole, shrinking or splitting), and
 * unmap_all.  Each operation validates first, allocates its metadata
 * second, calls the backend third (undoing on failure) and only then
 * changes the index, so a failing call changes nothing.
 */
#include "section.h"

#include <stdlib.h>

/* The checks shared by ntvm_allocate_at and ntvm_allocate_mmio; the
 * overlap check's descent is kept in slot for the insert. */
static ntvm_status check_new_range(ntvm *vm, uint64_t base, uint64_t size, struct ntvm__slot *slot)
{
	if (size == 0 || (base & (NTVM_ALLOCATION_GRANULARITY - 1)) || !ntvm__is_page_aligned(size))
		return NTVM_E_INVALID_ARGUMENT;
	if (size - 1 > UINT64_MAX - base)
		return NTVM_E_INVALID_ARGUMENT;
	if (base < NTVM_MIN_ADDRESS || base + size - 1 > vm->max_address)
		return NTVM_E_OUT_OF_RANGE;
	if (!ntvm__index_probe(vm, base, size, slot))
		return NTVM_E_OVERLAP;
	return NTVM_OK;
}

/* Count r in and link it into the index: at slot when the caller probed
 * its base (nothing changed the index since), else by a descent. */
static void account_new(ntvm *vm, struct ntvm__res *r, struct ntvm__slot *slot)
{
	vm->stats.reserved_bytes += r->size;
	vm->stats.committed_bytes += ntvm__res_committed_count(r) << NTVM__PAGE_SHIFT;
	vm->stats.reservation_count++;
	vm->stats.metadata_bytes += ntvm__res_meta_bytes(r);
	if (slot)
		ntvm__index_insert_at(vm, slot, r);
	else
		ntvm__index_insert(vm, r);
	vm->hint = r; /* the next call is most likely about the new reservation */
}

ntvm_status ntvm_allocate_at(ntvm *vm, uint64_t base, uint64_t size, ntvm_perm perm,
                             bool reserve_only, ntvm_kind kind)
{
	if (!ntvm_perm_is_valid(perm))
		return NTVM_E_INVALID_ARGUMENT;
	if (kind != NTVM_KIND_PRIVATE && kind != NTVM_KIND_SECTION_VIEW && kind != NTVM_KIND_SECTION_IMAGE)
		return NTVM_E_INVALID_ARGUMENT;
	struct ntvm__slot slot;
	ntvm_status st = check_new_range(vm, base, size, &slot);
	if (st != NTVM_OK)
		return st;
	struct ntvm__res *r = ntvm__res_new(vm, base, size, perm, kind);
	if (r == NULL)
		return NTVM_E_NO_MEMORY;
	r->perm = r->hidden = perm;
	if (!reserve_only) {
		if (vm->backend.map(vm->backend.ctx, base, size, ntvm__effective_perm(perm, vm->dep_enabled))) {
			free(r);
			return NTVM_E_BACKEND;
		}
		r->state = NTVM__ALL_COMMITTED;
	}
	account_new(vm, r, &slot);
	ntvm__bump(vm);
	return NTVM_OK;
}

uint64_t ntvm_allocate(ntvm *vm, uint64_t size, ntvm_perm perm, bool reserve_only,
                       uint64_t start, ntvm_kind kind)
{
	if (size == 0 || !ntvm__is_page_aligned(size))
		return 0;
	uint64_t base = ntvm_find_free_allocation_base(vm, size, start);
	if (base == 0 || ntvm_allocate_at(vm, base, size, perm, reserve_only, kind) != NTVM_OK)
		return 0;
	return base;
}

ntvm_status ntvm_allocate_mmio(ntvm *vm, uint64_t base, uint64_t size, ntvm_mmio_read_fn read,
                               ntvm_mmio_write_fn write, void *user)
{
	struct ntvm__slot slot;
	ntvm_status st = check_new_range(vm, base, size, &slot);
	if (st != NTVM_OK)
		return st;
	if (vm->backend.map_mmio == NULL)
		return NTVM_E_BACKEND;
	struct ntvm__res *r = ntvm__res_new(vm, base, size, NTVM_PERM_RW, NTVM_KIND_MMIO);
	struct ntvm__mmio *m = ntvm__heap.malloc(sizeof *m);
	if (r == NULL || m == NULL) {
		free(r);
		free(m);
		return NTVM_E_NO_MEMORY;
	}
	*m = (struct ntvm__mmio){ read, write, user };
	if (vm->backend.map_mmio(vm->backend.ctx, base, size, ntvm__mmio_read_trampoline,
	                         ntvm__mmio_write_trampoline, m)) {
		free(r);
		free(m);
		return NTVM_E_BACKEND;
	}
	r->u.mmio = m;
	r->state = NTVM__ALL_COMMITTED;
	r->perm = r->hidden = NTVM_PERM_RW;
	account_new(vm, r, &slot);
	ntvm__bump(vm);
	return NTVM_OK;
}

ntvm_status ntvm_rebind_mmio(ntvm *vm, uint64_t base, ntvm_mmio_read_fn read,
                             ntvm_mmio_write_fn write, void *user)
{
	struct ntvm__res *r = ntvm__lookup(vm, base);
	if (r == NULL || r->base != base)
		return NTVM_E_NOT_RESERVED;
	if (r->kind != NTVM_KIND_MMIO)
		return NTVM_E_WRONG_KIND;
	*r->u.mmio = (struct ntvm__mmio){ read, write, user };
	return NTVM_OK;
}

static void release_whole(ntvm *vm, struct ntvm__res *r)
{
	ntvm__res_unmap_all(vm, r);
	ntvm__view_released(vm, r->base); /* after the unmap: it may free the section's pages */
	ntvm__index_remove(vm, r);
	ntvm__res_free(vm, r);
}

/* Release pages [first, first+count) of r, which is not the whole of it. */
static ntvm_status release_part(ntvm *vm, struct ntvm__res *r, uint64_t first, uint64_t count)
{
	uint64_t pages = ntvm__res_pages(r), tail_first = first + count;
	struct ntvm__shape head = { 0 }, tail = { 0 };
	struct ntvm__res *tail_node = NULL;
	bool ok = true;
	if (first > 0)
		ok = ntvm__shape_for_slice(r, 0, first, &head);
	if (ok && tail_first < pages) {
		ok = ntvm__shape_for_slice(r, tail_first, pages - tail_first, &tail);
		if (ok && first > 0)
			ok = (tail_node = ntvm__res_new(vm, 0, 0, r->initial_perm, r->kind)) != NULL;
	}
	if (!ok) {
		ntvm__shape_discard(&head);
		ntvm__shape_discard(&tail);
		free(tail_node);
		return NTVM_E_NO_MEMORY;
	}
	ntvm__unmap_range(vm, r, first, count);
	uint64_t committed_before = ntvm__res_committed_count(r);
	size_t meta_before = ntvm__res_meta_bytes(r);
	uint64_t old_base = r->base;
	/* r keeps the head if there is one, otherwise it becomes the tail. */
	if (first > 0) {
		ntvm__apply_slice(vm, r, &head);
		r->size = first << NTVM__PAGE_SHIFT;
	} else {
		ntvm__apply_slice(vm, r, &tail);
		r->base = old_base + (tail_first << NTVM__PAGE_SHIFT);
		r->size = (pages - tail_first) << NTVM__PAGE_SHIFT;
	}
	vm->stats.metadata_bytes += ntvm__res_meta_bytes(r) - meta_before;
	vm->stats.committed_bytes -= (committed_before - ntvm__res_committed_count(r)) << NTVM__PAGE_SHIFT;
	vm->stats.reserved_bytes -= (pages - ntvm__res_pages(r)) << NTVM__PAGE_SHIFT;
	ntvm__index_resized(vm, r);
	if (tail_node) {
		tail_node->base = old_base + (tail_first << NTVM__PAGE_SHIFT);
		tail_node->size = (pages - tail_first) << NTVM__PAGE_SHIFT;
		ntvm__apply_slice(vm, tail_node, &tail);
		account_new(vm, tail_node, NULL);
	}
	return NTVM_OK;
}

ntvm_status ntvm_release(ntvm *vm, uint64_t address, uint64_t size)
{
	if (size == 0) {
		struct ntvm__res *r = ntvm__lookup(vm, address);
		if (r == NULL)
			return address < NTVM_MIN_ADDRESS || address > vm->max_address ? NTVM_E_OUT_OF_RANGE
			                                                                : NTVM_E_NOT_RESERVED;
		if (r->base != address)
			return NTVM_E_INVALID_ARGUMENT;
		release_whole(vm, r);
		ntvm__bump(vm);
		return NTVM_OK;
	}
	struct ntvm__res *r;
	ntvm_status st = ntvm__locate(vm, address, size, &r);
	if (st != NTVM_OK)
		return st;
	if (r->kind == NTVM_KIND_MMIO)
		return NTVM_E_WRONG_KIND;
	uint64_t first = (address - r->base) >> NTVM__PAGE_SHIFT, count = size >> NTVM__PAGE_SHIFT;
	if (count != ntvm__res_pages(r) && r->kind != NTVM_KIND_PRIVATE && ntvm__view_at(vm, r->base))
		return NTVM_E_WRONG_KIND; /* a section view goes whole or not at all */
	if (count == ntvm__res_pages(r))
		release_whole(vm, r);
	else if ((st = release_part(vm, r, first, count)) != NTVM_OK)
		return st;
	ntvm__bump(vm);
	return NTVM_OK;
}

static void free_subtree(ntvm *vm, struct ntvm__res *t)
{
	if (t == NULL)
		return;
	free_subtree(vm, t->left);
	free_subtree(vm, t->right);
	ntvm__res_unmap_all(vm, t);
	ntvm__view_released(vm, t->base);
	ntvm__res_free(vm, t);
}

void ntvm_unmap_all(ntvm *vm)
{
	free_subtree(vm, vm->root);
	vm->root = vm->first = vm->last = NULL;
	vm->hint = NULL;
	ntvm__bump(vm);
}
