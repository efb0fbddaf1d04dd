/*
 * nt_range.c -- where a range lies relative to the allocations, for the NT
 * calls' checks.  Built on ntvm_reservation_containing and
 * ntvm_region_info_at, so a check costs one lookup per run of pages with
 * the same state, not one per page.
 */
#include "nt_internal.h"

bool nt_range_in_allocation(const ntvm *vm, uint64_t base, uint64_t size, ntvm_reservation *res)
{
	ntvm_reservation r;
	if (!ntvm_reservation_containing(vm, base, &r))
		return false;
	uint64_t offset = base - r.base;
	if (size > r.length - offset)
		return false;
	if (res)
		*res = r;
	return true;
}

bool nt_range_committed(const ntvm *vm, uint64_t base, uint64_t size)
{
	uint64_t at = base;
	uint64_t end = base + size; /* callers pass a range inside one allocation */
	while (at < end) {
		ntvm_region_info info;
		if (ntvm_region_info_at(vm, at, &info) != NTVM_OK || !info.is_committed)
			return false;
		if (info.length == 0)
			return false;
		at = info.start + info.length;
		if (at <= info.start)
			return false;
	}
	return true;
}

ntvm_ntstatus nt_status_from_manager(ntvm_status st)
{
	switch (st) {
	case NTVM_OK:
		return NTVM_STATUS_SUCCESS;
	case NTVM_E_OVERLAP:
		return NTVM_STATUS_CONFLICTING_ADDRESSES;
	case NTVM_E_NOT_COMMITTED:
		return NTVM_STATUS_NOT_COMMITTED;
	case NTVM_E_NO_SPACE:
	case NTVM_E_NO_MEMORY:
	case NTVM_E_BACKEND:
		return NTVM_STATUS_NO_MEMORY;
	default:
		return NTVM_STATUS_INVALID_PARAMETER;
	}
}

ntvm_ntstatus nt_check_limits(const ntvm *vm, uint64_t in_base, uint64_t in_size,
                              nt_situation above_max)
{
	uint64_t max = ntvm_max_address(vm);
	uint32_t st;
	if (in_base > max) {
		st = nt_profile_result(vm, above_max);
		if (st != NTVM_STATUS_SUCCESS)
			return st;
	}
	if (in_base <= max && in_size > max + 1 - in_base) {
		st = nt_profile_result(vm, NT_SIT_SIZE_PAST_MAX);
		if (st != NTVM_STATUS_SUCCESS)
			return st;
	}
	return NTVM_STATUS_SUCCESS;
}

bool nt_round_pages(const ntvm *vm, uint64_t in_base, uint64_t in_size, uint64_t *base,
                    uint64_t *size)
{
	*base = nt_round_down(in_base, NT_PAGE);
	if (nt_profile_alternative(vm, NT_SIT_SIZE_ROUND_WRAP)) {
		*size = (in_size + (in_base & (NT_PAGE - 1)) + NT_PAGE - 1) & ~(NT_PAGE - 1);
		return true;
	}
	uint64_t end;
	if (in_size > UINT64_MAX - in_base || !nt_round_up(in_base + in_size, NT_PAGE, &end))
		return false;
	*size = end - *base;
	return true;
}
