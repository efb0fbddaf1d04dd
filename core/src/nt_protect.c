/*
 * nt_protect.c -- NtProtectVirtualMemory.
 *
 * The range is the pages covering [addr, addr + size); every page must be
 * committed and the range must lie in one allocation.  *old is the
 * protection of the first page.  Windows validates the protection value
 * first, Wine 8.0 last (row PROTECT_CHECK_ORDER).  Pages keep their
 * allocation's cache attributes (PAGE_NOCACHE belongs to the allocation).
 * Outputs change only on success.
 */
#include "nt_section.h"

typedef struct protect_req {
	ntvm *vm;
	uint64_t in_base, in_size;
	uint32_t protect;
	uint64_t base, size;
	ntvm_perm perm;
	ntvm_reservation res;
} protect_req;

static ntvm_ntstatus check_value(protect_req *r)
{
	return nt_prot_check(r->vm, r->protect, &r->perm);
}

static ntvm_ntstatus check_value_of(protect_req *r, uint32_t protect)
{
	return nt_prot_check(r->vm, protect, &r->perm);
}

static ntvm_ntstatus check_range(protect_req *r)
{
	uint32_t outside = nt_profile_result(r->vm, NT_SIT_PROTECT_NOT_IN_ALLOCATION);
	if (!nt_round_pages(r->vm, r->in_base, r->in_size, &r->base, &r->size) ||
	    !nt_range_in_allocation(r->vm, r->base, r->size, &r->res))
		return outside;
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus check_pages(protect_req *r)
{
	if (r->res.kind == NTVM_KIND_MMIO)
		return NTVM_STATUS_INVALID_PARAMETER;
	/* Size 0 still needs the first page committed (it reports *old). */
	if (!nt_range_committed(r->vm, r->base, r->size ? r->size : NT_PAGE))
		return NTVM_STATUS_NOT_COMMITTED;
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus check_writecopy(protect_req *r)
{
	if (r->res.kind == NTVM_KIND_PRIVATE && nt_prot_is_writecopy(r->perm))
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	if (r->res.kind == NTVM_KIND_PRIVATE || r->res.kind == NTVM_KIND_MMIO)
		return NTVM_STATUS_SUCCESS;
	/* A view made by NtMapViewOfSection: the view's own rules (nt_section_prot.c). */
	uint32_t protect = r->protect;
	ntvm_ntstatus st = nt_section_view_protect(r->vm, r->base, &protect);
	if (st == NTVM_STATUS_SUCCESS && protect != r->protect)
		st = check_value_of(r, protect);
	return st;
}

static ntvm_ntstatus run_checks(protect_req *r)
{
	bool value_last = nt_profile_alternative(r->vm, NT_SIT_PROTECT_CHECK_ORDER);
	ntvm_ntstatus st = value_last ? NTVM_STATUS_SUCCESS : check_value(r);
	if (st == NTVM_STATUS_SUCCESS)
		st = nt_check_limits(r->vm, r->in_base, r->in_size, NT_SIT_PROTECT_BASE_ABOVE_MAX);
	if (st == NTVM_STATUS_SUCCESS)
		st = check_range(r);
	if (st == NTVM_STATUS_SUCCESS && !value_last)
		st = check_writecopy(r);
	if (st == NTVM_STATUS_SUCCESS)
		st = check_pages(r);
	if (st == NTVM_STATUS_SUCCESS && value_last)
		st = check_value(r);
	if (st == NTVM_STATUS_SUCCESS && value_last)
		st = check_writecopy(r);
	return st;
}

/* The protection of the first page, as a query reports it. */
static uint32_t first_page_protect(const ntvm *vm, uint64_t base)
{
	ntvm_region_info info;
	if (ntvm_region_info_at(vm, base, &info) != NTVM_OK || !info.is_committed)
		return 0;
	return ntvm_perm_to_page(info.perm);
}

ntvm_ntstatus ntvm_nt_protect_virtual_memory(ntvm *vm, uint64_t *base, uint64_t *size,
                                             uint32_t protect, uint32_t *old_protect)
{
	if (vm == NULL || base == NULL || size == NULL || old_protect == NULL)
		return NTVM_STATUS_ACCESS_VIOLATION;
	protect_req r = { .vm = vm, .in_base = *base, .in_size = *size, .protect = protect };
	ntvm_ntstatus st = run_checks(&r);
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	uint32_t old = first_page_protect(vm, r.base);
	if (r.size != 0) {
		ntvm_perm perm = nt_prot_for_pages(r.perm, &r.res);
		st = nt_status_from_manager(ntvm_protect(vm, r.base, r.size, perm, NULL));
		if (st != NTVM_STATUS_SUCCESS)
			return st;
	}
	*base = r.base;
	*size = r.size;
	*old_protect = old;
	return NTVM_STATUS_SUCCESS;
}
