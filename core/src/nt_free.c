/*
 * nt_free.c -- NtFreeVirtualMemory: MEM_DECOMMIT and MEM_RELEASE.
 *
 * Both systems check in the same order: the type, the range against the
 * highest user address (Windows only), the allocation that holds the base,
 * the end of the range, the size-0 rule, then the partial-release rule.
 * Windows releases any page range inside one allocation (splitting it);
 * Wine 8.0 refuses a non-zero size.  The in/out base and size change only
 * on success.
 */
#include "nt_internal.h"

typedef struct free_req {
	ntvm *vm;
	uint64_t in_base, in_size;
	uint32_t type;
	uint64_t base, size; /* rounded */
	ntvm_reservation res;
} free_req;

/* A size of 0 means "the whole allocation" and stays 0; other sizes round
 * as NtProtectVirtualMemory's do. */
static bool round_range(const ntvm *vm, uint64_t in_base, uint64_t in_size, uint64_t *base,
                        uint64_t *size)
{
	if (in_size == 0) {
		*base = nt_round_down(in_base, NT_PAGE);
		*size = 0;
		return true;
	}
	return nt_round_pages(vm, in_base, in_size, base, size);
}

static ntvm_ntstatus check_range(free_req *r)
{
	if (!round_range(r->vm, r->in_base, r->in_size, &r->base, &r->size))
		return nt_profile_result(r->vm, NT_SIT_FREE_PAST_ALLOCATION);
	if (!ntvm_reservation_containing(r->vm, r->base, &r->res))
		return nt_profile_result(r->vm, NT_SIT_FREE_NOT_ALLOCATED);
	if (r->size > r->res.length - (r->base - r->res.base)) /* nt_range_in_allocation */
		return nt_profile_result(r->vm, NT_SIT_FREE_PAST_ALLOCATION);
	if (r->res.kind != NTVM_KIND_PRIVATE)
		return nt_profile_result(r->vm, NT_SIT_FREE_VIEW);
	if (r->size == 0 && r->base != r->res.base)
		return NTVM_STATUS_FREE_VM_NOT_AT_BASE;
	if (r->type == NTVM_MEM_RELEASE && r->size != 0)
		return nt_profile_result(r->vm, NT_SIT_RELEASE_NONZERO_SIZE);
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus apply(free_req *r)
{
	ntvm_status ms;
	if (r->type == NTVM_MEM_RELEASE) {
		ms = ntvm_release(r->vm, r->base, r->size);
		if (r->size == 0)
			r->size = r->res.length;
	} else if (r->size == 0) {
		ms = ntvm_decommit(r->vm, r->res.base, r->res.length);
	} else {
		ms = ntvm_decommit(r->vm, r->base, r->size);
	}
	return nt_status_from_manager(ms);
}

ntvm_ntstatus ntvm_nt_free_virtual_memory(ntvm *vm, uint64_t *base, uint64_t *size, uint32_t type)
{
	if (vm == NULL || base == NULL || size == NULL)
		return NTVM_STATUS_ACCESS_VIOLATION;
	if (type != NTVM_MEM_DECOMMIT && type != NTVM_MEM_RELEASE)
		return nt_profile_result(vm, NT_SIT_FREE_BAD_TYPE);
	free_req r = { .vm = vm, .in_base = *base, .in_size = *size, .type = type };
	ntvm_ntstatus st = nt_check_limits(vm, r.in_base, r.in_size, NT_SIT_FREE_BASE_ABOVE_MAX);
	if (st == NTVM_STATUS_SUCCESS)
		st = check_range(&r);
	if (st == NTVM_STATUS_SUCCESS)
		st = apply(&r);
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	*base = r.base;
	*size = r.size;
	return NTVM_STATUS_SUCCESS;
}
