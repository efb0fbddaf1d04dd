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
