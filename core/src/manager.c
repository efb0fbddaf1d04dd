/*
 * manager.c -- creating and destroying a manager, its configuration, and
 * the small helpers every operation shares (node lifetime, range
 * validation, unmapping a reservation's committed runs).
 */
#include "section.h"

#include <stdlib.h>

static bool backend_usable(const ntvm_backend *b)
{
	return b->map && b->unmap && b->protect && b->read && b->write;
}

ntvm *ntvm_create(const ntvm_config *config)
{
	ntvm_config cfg = { 0 };
	if (config)
		cfg = *config;
	if ((unsigned) cfg.address_profile > NTVM_ADDRESS_32_LARGE ||
	    (unsigned) cfg.behaviour > NTVM_BEHAVIOUR_WINE_8_0)
		return NULL;
	if (cfg.backend && !backend_usable(cfg.backend))
		return NULL;
	ntvm *vm = ntvm__heap.calloc(1, sizeof *vm);
	if (vm == NULL)
		return NULL;
	if (cfg.backend) {
		vm->backend = *cfg.backend;
	} else if (!ntvm__backend_mem_create(&vm->backend)) {
		free(vm);
		return NULL;
	} else {
		vm->default_backend = true;
	}
	vm->max_address = ntvm_profile_max_address(cfg.address_profile);
	if (cfg.default_allocation_address == 0)
		cfg.default_allocation_address = ntvm_profile_default_base(cfg.address_profile);
	vm->config = cfg;
	vm->dep_enabled = !cfg.dep_disabled;
	vm->stats.metadata_bytes = sizeof *vm;
	return vm;
}

void ntvm_destroy(ntvm *vm)
{
	if (vm == NULL)
		return;
	ntvm_unmap_all(vm);
	ntvm__sections_free(vm);
	if (vm->backend.destroy)
		vm->backend.destroy(vm->backend.ctx);
	ntvm__spares_free(vm);
	ntvm__snap_retired_free(vm);
	free(vm);
}

const ntvm_config *ntvm_get_config(const ntvm *vm) { return &vm->config; }
uint64_t ntvm_max_address(const ntvm *vm) { return vm->max_address; }
uint64_t ntvm_get_default_allocation_address(const ntvm *vm) { return vm->config.default_allocation_address; }
bool ntvm_get_dep(const ntvm *vm) { return vm->dep_enabled; }
ntvm_behaviour ntvm_get_behaviour(const ntvm *vm) { return vm->config.behaviour; }
uint64_t ntvm_layout_version(const ntvm *vm) { return vm->layout_version; }
void ntvm_get_stats(const ntvm *vm, ntvm_stats *out) { *out = vm->stats; }

void ntvm_set_default_allocation_address(ntvm *vm, uint64_t address)
{
	vm->config.default_allocation_address = address;
}

void ntvm__bump(ntvm *vm)
{
	vm->layout_version++;
}

struct ntvm__res *ntvm__res_new(ntvm *vm, uint64_t base, uint64_t size, ntvm_perm initial,
                                ntvm_kind kind)
{
	struct ntvm__res *r = vm->spare_nodes;
	if (r) {
		vm->spare_nodes = r->left;
		vm->spare_count--;
		*r = (struct ntvm__res){ 0 };
	} else if ((r = ntvm__heap.calloc(1, sizeof *r)) == NULL) {
		return NULL;
	}
	r->base = base;
	r->size = size;
	r->kind = (uint8_t) kind;
	r->initial_perm = initial;
	r->state = NTVM__ALL_RESERVED;
	return r;
}

/* Frees the node and its page state, and takes it out of the statistics
 * (the caller has removed it from the index and unmapped it). */
void ntvm__res_free(ntvm *vm, struct ntvm__res *r)
{
	vm->stats.metadata_bytes -= ntvm__res_meta_bytes(r);
	vm->stats.committed_bytes -= ntvm__res_committed_count(r) << NTVM__PAGE_SHIFT;
	vm->stats.reserved_bytes -= r->size;
	vm->stats.reservation_count--;
	ntvm__res_recycle(vm, r);
}

static void free_page_state(struct ntvm__res *r)
{
	ntvm__res_bits_free(r);
	if (r->kind == NTVM_KIND_MMIO)
		free(r->u.mmio);
	else
		free(r->u.perms);
}

void ntvm__res_storage_free(struct ntvm__res *r)
{
	free_page_state(r);
	free(r);
}

void ntvm__res_recycle(ntvm *vm, struct ntvm__res *r)
{
	free_page_state(r);
	if (vm->spare_count >= NTVM__SPARE_NODES) {
		free(r);
		return;
	}
	r->left = vm->spare_nodes;
	vm->spare_nodes = r;
	vm->spare_count++;
}

void ntvm__spares_free(ntvm *vm)
{
	while (vm->spare_nodes) {
		struct ntvm__res *r = vm->spare_nodes;
		vm->spare_nodes = r->left;
		free(r);
	}
	vm->spare_count = 0;
}

void ntvm__unmap_range(ntvm *vm, struct ntvm__res *r, uint64_t first, uint64_t count)
{
	for (uint64_t i = first, end = first + count; i < end;) {
		uint64_t run = ntvm__res_commit_run_end(r, i, end);
		if (ntvm__res_page_committed(r, i))
			vm->backend.unmap(vm->backend.ctx, r->base + (i << NTVM__PAGE_SHIFT),
			                  (run - i) << NTVM__PAGE_SHIFT);
		i = run;
	}
}

void ntvm__res_unmap_all(ntvm *vm, struct ntvm__res *r)
{
	ntvm__unmap_range(vm, r, 0, ntvm__res_pages(r));
}

ntvm_status ntvm__locate(const ntvm *vm, uint64_t address, uint64_t size,
                         struct ntvm__res **out)
{
	if (size == 0 || !ntvm__is_page_aligned(address) || !ntvm__is_page_aligned(size))
		return NTVM_E_INVALID_ARGUMENT;
	if (size - 1 > UINT64_MAX - address)
		return NTVM_E_INVALID_ARGUMENT;
	struct ntvm__res *r = ntvm__lookup(vm, address);
	if (r == NULL)
		return address < NTVM_MIN_ADDRESS || address + size - 1 > vm->max_address ? NTVM_E_OUT_OF_RANGE
		                                                                          : NTVM_E_NOT_RESERVED;
	/* r contains address, so the subtraction cannot wrap; address + size
	 * could (a range ending exactly at 2^64 wraps to 0). */
	if (size > ntvm__res_end(r) - address)
		return NTVM_E_SPANS_REGIONS;
	*out = r;
	return NTVM_OK;
}
