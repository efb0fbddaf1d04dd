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
 *
 * A write over several pages copies them one by one; each copy is logged
 * (with the page state of its reservation as it was before the write's
 * first copy there), so that when a later page fails, ntvm__cow_undo maps
 * the shared pages back and puts the page states, the layout version and
 * the stats back: the failed write has moved nothing.
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

struct ntvm__cow_entry {
	uint64_t addr;
	struct ntvm__view *v;     /* NULL: only the protection changed */
	uint64_t page;
	ntvm_perm old;            /* the page's protection before */
	bool new_bits;            /* the copy allocated v->private_pages */
	bool saved;               /* the first page of its reservation in this write */
	struct ntvm__saved_res sv;
};

/* Make room for the next entry of the log and save r's page state there
 * unless an earlier entry holds it; false when out of memory. */
static bool log_prepare(ntvm *vm, struct ntvm__cow_undo *u, struct ntvm__res *r)
{
	if (u->count == u->capacity) {
		struct ntvm__cow_entry *e = ntvm__heap_grow(u->entries, &u->capacity, sizeof *e, 4);
		if (e == NULL)
			return false;
		u->entries = e;
	}
	if (u->count == 0) {
		u->version = vm->layout_version;
		u->stats = vm->stats;
	}
	struct ntvm__cow_entry *e = &u->entries[u->count];
	*e = (struct ntvm__cow_entry){ .sv = { .r = r } };
	for (size_t i = 0; i < u->count; i++)
		if (u->entries[i].sv.r == r)
			return true;
	e->saved = true;
	if (ntvm__res_save(&e->sv))
		return true;
	free(e->sv.bits);
	return false;
}

/* The prepared entry's page failed: it changed nothing, drop its copies. */
static void log_abandon(struct ntvm__cow_undo *u)
{
	free(u->entries[u->count].sv.bits);
	free(u->entries[u->count].sv.perms);
}

static void log_commit(struct ntvm__cow_undo *u, uint64_t addr, struct ntvm__view *v, uint64_t page,
                       ntvm_perm old, bool new_bits)
{
	struct ntvm__cow_entry *e = &u->entries[u->count++];
	e->addr = addr;
	e->v = v;
	e->page = page;
	e->old = old;
	e->new_bits = new_bits;
}

void ntvm__cow_keep(struct ntvm__cow_undo *u)
{
	for (size_t i = 0; i < u->count; i++) {
		free(u->entries[i].sv.bits);
		free(u->entries[i].sv.perms);
	}
	free(u->entries);
	*u = (struct ntvm__cow_undo){ 0 };
}

void ntvm__cow_undo(ntvm *vm, struct ntvm__cow_undo *u)
{
	for (size_t i = u->count; i-- > 0;) {
		struct ntvm__cow_entry *e = &u->entries[i];
		ntvm_perm eff = ntvm__effective_perm(e->old, vm->dep_enabled);
		if (e->v) {
			vm->backend.unmap(vm->backend.ctx, e->addr, NTVM_PAGE_SIZE);
			remap_shared(vm, e->addr, eff, e->v, e->page);
			ntvm__bitmap_clear(e->v->private_pages, e->page, 1);
			if (e->new_bits) {
				free(e->v->private_pages);
				e->v->private_pages = NULL;
			}
		} else {
			(void)vm->backend.protect(vm->backend.ctx, e->addr, NTVM_PAGE_SIZE, eff);
		}
		if (e->saved)
			ntvm__res_restore(vm, &e->sv);
	}
	if (u->count) {
		vm->layout_version = u->version;
		vm->stats = u->stats;
	}
	ntvm__cow_keep(u);
}

static ntvm_status protect_only(ntvm *vm, uint64_t addr, ntvm_perm old, ntvm_perm perm,
                                struct ntvm__cow_undo *undo)
{
	ntvm_status st = ntvm_protect(vm, addr, NTVM_PAGE_SIZE, perm, NULL);
	if (st != NTVM_OK)
		log_abandon(undo);
	else
		log_commit(undo, addr, NULL, 0, old, false);
	return st;
}

ntvm_status ntvm__view_copy_on_write(ntvm *vm, uint64_t address, const void *data, size_t len,
                                     bool *done, struct ntvm__cow_undo *undo)
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
	if (!log_prepare(vm, undo, r))
		return NTVM_E_NO_MEMORY;
	if (v == NULL || ntvm__view_page_private(v, page))
		return protect_only(vm, addr, old, perm, undo);
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
			log_abandon(undo);
			return NTVM_E_BACKEND;
		}
	}
	free(copy);
	if (!ok) {
		if (bits != v->private_pages)
			free(bits);
		log_abandon(undo);
		return NTVM_E_NO_MEMORY;
	}
	log_commit(undo, addr, v, page, old, bits != v->private_pages);
	v->private_pages = bits;
	ntvm__bitmap_set(bits, page, 1);
	ntvm__apply_protect(vm, r, &shape, page, 1, perm);
	ntvm__bump(vm);
	*done = true;
	return NTVM_OK;
}
