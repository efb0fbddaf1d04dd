/*
 * query.c -- read-only questions about the address space: region info,
 * find-free, overlap and kind tests, reservation iteration.  All are
 * O(log n) in the number of reservations; region_info adds the pages of the
 * run it reports, scanned a bitmap word at a time.
 */
#include "manager.h"

static void describe_free(const ntvm *vm, uint64_t page, ntvm_region_info *info)
{
	const struct ntvm__res *next = ntvm__index_gt(vm->root, page);
	*info = (ntvm_region_info){ 0 };
	info->start = page;
	info->length = (next ? next->base : vm->max_address + 1) - page;
	info->kind = NTVM_KIND_FREE;
}

static ntvm_status region_info(const ntvm *vm, uint64_t address, bool detailed,
                               ntvm_region_info *info, ntvm_perm *last_perm)
{
	if (address > vm->max_address)
		return NTVM_E_OUT_OF_RANGE;
	uint64_t page_start = ntvm__align_down(address, NTVM_PAGE_SIZE);
	const struct ntvm__res *r = ntvm__lookup(vm, address);
	if (r == NULL) {
		describe_free(vm, page_start, info);
		if (last_perm)
			*last_perm = NTVM_PERM_NONE;
		return NTVM_OK;
	}
	uint64_t page = (page_start - r->base) >> NTVM__PAGE_SHIFT;
	uint64_t end = detailed ? ntvm__res_detail_run_end(r, page, ntvm__res_pages(r))
	                        : ntvm__res_run_end(r, page, ntvm__res_pages(r));
	bool committed = ntvm__res_page_committed(r, page);
	if (last_perm)
		*last_perm = r->kind == NTVM_KIND_MMIO ? NTVM_PERM_RW : ntvm__res_page_perm(r, page);
	*info = (ntvm_region_info){
		.start = page_start,
		.length = (end - page) << NTVM__PAGE_SHIFT,
		.allocation_base = r->base,
		.allocation_length = r->size,
		.is_reserved = true,
		.is_committed = committed,
		.initial_perm = r->initial_perm,
		.perm = committed ? ntvm__res_page_perm(r, page) : NTVM_PERM_NONE,
		.kind = (ntvm_kind) r->kind,
	};
	return NTVM_OK;
}

ntvm_status ntvm_region_info_at(const ntvm *vm, uint64_t address, ntvm_region_info *info)
{
	return region_info(vm, address, false, info, NULL);
}

ntvm_status ntvm_region_info_at_detailed(const ntvm *vm, uint64_t address, ntvm_region_info *info,
                                         ntvm_perm *last_perm)
{
	return region_info(vm, address, true, info, last_perm);
}

uint64_t ntvm_find_free(const ntvm *vm, uint64_t size, uint64_t alignment, uint64_t lowest,
                        uint64_t highest, bool top_down)
{
	return ntvm__index_find_free(vm, size, alignment, lowest, highest, top_down);
}

uint64_t ntvm_find_free_allocation_base(const ntvm *vm, uint64_t size, uint64_t start)
{
	uint64_t from = start ? start : vm->config.default_allocation_address;
	if (from < NTVM_MIN_ADDRESS)
		from = NTVM_MIN_ADDRESS;
	if (from > vm->max_address)
		return 0;
	from = ntvm__align_up(from, NTVM_ALLOCATION_GRANULARITY);
	return ntvm__index_find_free(vm, size, NTVM_ALLOCATION_GRANULARITY, from, vm->max_address, false);
}

bool ntvm_overlaps_reserved_region(const ntvm *vm, uint64_t address, uint64_t size)
{
	if (size == 0)
		return false;
	uint64_t last = size - 1 > UINT64_MAX - address ? UINT64_MAX : address + size - 1;
	const struct ntvm__res *r = ntvm__index_le(vm->root, last);
	return r && ntvm__res_end(r) > address;
}

ntvm_kind ntvm_region_kind(const ntvm *vm, uint64_t address)
{
	const struct ntvm__res *r = ntvm__lookup(vm, address);
	return r ? (ntvm_kind) r->kind : NTVM_KIND_FREE;
}

static void describe(const struct ntvm__res *r, ntvm_reservation *out)
{
	*out = (ntvm_reservation){
		.base = r->base,
		.length = r->size,
		.initial_perm = r->initial_perm,
		.kind = (ntvm_kind) r->kind,
		.committed_bytes = ntvm__res_committed_count(r) << NTVM__PAGE_SHIFT,
	};
}

bool ntvm_reservation_from(const ntvm *vm, uint64_t address, ntvm_reservation *out)
{
	const struct ntvm__res *r = ntvm__index_gt(vm->root, address ? address - 1 : 0);
	if (r == NULL)
		return false;
	describe(r, out);
	return true;
}

bool ntvm_reservation_containing(const ntvm *vm, uint64_t address, ntvm_reservation *out)
{
	const struct ntvm__res *r = ntvm__lookup(vm, address);
	if (r == NULL)
		return false;
	describe(r, out);
	return true;
}

void ntvm_for_each_reservation(const ntvm *vm,
                               bool (*visit)(void *user, const ntvm_reservation *r), void *user)
{
	struct ntvm__iter it;
	const struct ntvm__res *r;
	NTVM__FOR_EACH(it, r, vm->root) {
		ntvm_reservation info;
		describe(r, &info);
		if (!visit(user, &info))
			break;
		/* visit may not change the manager (it gets a const view), so r lives on */
	}
}
