/*
 * nt_allocate.c -- NtAllocateVirtualMemory.
 *
 * The call runs a list of argument checks, then one of three paths: a new
 * reservation (MEM_RESERVE, or a system-chosen base), a commit inside an
 * existing allocation, or a MEM_RESET / MEM_RESET_UNDO.  Windows and Wine
 * 8.0 run the checks in different orders (row ALLOC_CHECK_ORDER), so each
 * check is a small function and each profile has its own list; reading the
 * in/out BaseAddress and RegionSize (STATUS_ACCESS_VIOLATION when NULL) is
 * one of the steps.  The in/out base and size change only on success.
 */
#include "nt_section.h"

#define TYPE_KNOWN (NTVM_MEM_COMMIT | NTVM_MEM_RESERVE | NTVM_MEM_RESET | NTVM_MEM_TOP_DOWN | \
                    NTVM_MEM_WRITE_WATCH)
#define TYPE_ACTION (NTVM_MEM_COMMIT | NTVM_MEM_RESERVE | NTVM_MEM_RESET)

typedef struct alloc_req {
	ntvm *vm;
	uint64_t *base_ptr, *size_ptr; /* the caller's, read by the probe steps */
	uint64_t in_base, in_size, zero_bits;
	uint32_t type, protect;
	uint64_t base, size; /* rounded */
	uint64_t limit;      /* highest address a system-chosen range may touch */
	bool no_fit;         /* zero_bits leave no address at all */
	bool perm_checked;   /* chk_protection passed: perm is set */
	ntvm_perm perm;
} alloc_req;

typedef ntvm_ntstatus (*alloc_check)(alloc_req *r);

static uint32_t row(const alloc_req *r, nt_situation id)
{
	return nt_profile_result(r->vm, id);
}

/* Windows probes and captures both pointers after its flag and protection
 * checks (ReactOS NtAllocateVirtualMemory: ProbeForWritePointer,
 * ProbeForWriteSize_t); Wine 8.0 reads RegionSize first and BaseAddress
 * after the zero-size and zero_bits checks (tests/nt/wine-probe/
 * null-pointers.c). */
static ntvm_ntstatus chk_read_size(alloc_req *r)
{
	if (r->size_ptr == NULL)
		return NTVM_STATUS_ACCESS_VIOLATION;
	r->in_size = *r->size_ptr;
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus chk_read_base(alloc_req *r)
{
	if (r->base_ptr == NULL)
		return NTVM_STATUS_ACCESS_VIOLATION;
	r->in_base = *r->base_ptr;
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus chk_read_both(alloc_req *r)
{
	if (r->base_ptr == NULL || r->size_ptr == NULL)
		return NTVM_STATUS_ACCESS_VIOLATION;
	r->in_base = *r->base_ptr;
	r->in_size = *r->size_ptr;
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus chk_zero_size(alloc_req *r)
{
	return r->in_size == 0 ? row(r, NT_SIT_ALLOC_ZERO_SIZE) : NTVM_STATUS_SUCCESS;
}

/* The highest address a zero_bits mask allows: all ones below its top bit. */
static uint64_t mask_limit(uint64_t mask)
{
	int top = 63 - __builtin_clzll(mask);
	return top == 63 ? UINT64_MAX : (UINT64_C(1) << (top + 1)) - 1;
}

static ntvm_ntstatus chk_zero_bits(alloc_req *r)
{
	uint64_t zb = r->zero_bits, limit = UINT64_MAX;
	if (zb >= 22 && zb <= 31)
		return NTVM_STATUS_INVALID_PARAMETER_3;
	if (zb >= 1 && zb <= 21)
		limit = UINT64_C(0xFFFFFFFF) >> zb;
	if (zb > 32 && zb < 0xFFFF && row(r, NT_SIT_ALLOC_ZERO_BITS_SMALL_MASK) != NTVM_STATUS_SUCCESS)
		return row(r, NT_SIT_ALLOC_ZERO_BITS_SMALL_MASK);
	if (zb >= 32)
		limit = mask_limit(zb);
	if ((zb >> 63) && nt_profile_alternative(r->vm, NT_SIT_ALLOC_ZERO_BITS_TOP_BIT))
		r->no_fit = true;
	uint64_t max = ntvm_max_address(r->vm);
	r->limit = limit < max ? limit : max;
	return NTVM_STATUS_SUCCESS;
}

/* Wine 8.0 rejects a size beyond the user space before looking at the base. */
static ntvm_ntstatus chk_size_limit(alloc_req *r)
{
	uint64_t max = ntvm_max_address(r->vm);
	return r->in_size > max + 1 ? row(r, NT_SIT_ALLOC_SIZE_ABOVE_LIMIT) : NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus chk_range_max(alloc_req *r)
{
	uint64_t max = ntvm_max_address(r->vm);
	if (r->in_base == 0)
		return r->in_size > max + 1 ? row(r, NT_SIT_ALLOC_SIZE_ABOVE_LIMIT) : NTVM_STATUS_SUCCESS;
	if (r->in_base > max)
		return row(r, NT_SIT_ALLOC_BASE_ABOVE_MAX);
	if (r->in_size > max + 1 - r->in_base)
		return row(r, NT_SIT_ALLOC_RANGE_PAST_MAX);
	return NTVM_STATUS_SUCCESS;
}

/* After chk_range_max: in_base + in_size <= max + 1, nothing can wrap. */
static ntvm_ntstatus chk_range_round(alloc_req *r)
{
	uint64_t end;
	if (r->in_base == 0) {
		(void)nt_round_up(r->in_size, NT_PAGE, &r->size);
		r->base = 0;
		return NTVM_STATUS_SUCCESS;
	}
	uint64_t align = (r->type & NTVM_MEM_RESERVE) ? NT_GRANULE : NT_PAGE;
	r->base = nt_round_down(r->in_base, align);
	(void)nt_round_up(r->in_base + r->in_size, NT_PAGE, &end);
	r->size = end - r->base;
	if (r->base < NTVM_MIN_ADDRESS)
		return row(r, NT_SIT_ALLOC_BASE_BELOW_MIN);
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus chk_type(alloc_req *r)
{
	uint32_t t = r->type;
	if (t == NTVM_MEM_RESET_UNDO)
		return row(r, NT_SIT_ALLOC_RESET_UNDO);
	if ((t & ~TYPE_KNOWN) || !(t & TYPE_ACTION))
		return row(r, NT_SIT_ALLOC_BAD_TYPE);
	if ((t & NTVM_MEM_RESET) && t != NTVM_MEM_RESET &&
	    !nt_profile_alternative(r->vm, NT_SIT_ALLOC_RESET_COMBINED))
		return row(r, NT_SIT_ALLOC_RESET_COMBINED);
	if ((t & NTVM_MEM_WRITE_WATCH) && !(t & NTVM_MEM_RESERVE))
		return row(r, NT_SIT_ALLOC_WRITE_WATCH_NO_RESERVE);
	return NTVM_STATUS_SUCCESS;
}

/* The paths check the protection where Wine 8.0 does; under the Windows
 * order the list already did, and the answer cannot change. */
static ntvm_ntstatus chk_protection(alloc_req *r)
{
	if (r->perm_checked)
		return NTVM_STATUS_SUCCESS;
	ntvm_ntstatus st = nt_prot_check(r->vm, r->protect, &r->perm);
	r->perm_checked = st == NTVM_STATUS_SUCCESS;
	return st;
}

static const alloc_check windows_order[] = {
	chk_zero_bits, chk_type, chk_protection, chk_read_both, chk_range_max, chk_zero_size,
	chk_range_round,
};
static const alloc_check wine_order[] = {
	chk_read_size, chk_zero_size, chk_zero_bits, chk_read_base, chk_size_limit, chk_range_max,
	chk_range_round, chk_type,
};

static ntvm_ntstatus run_checks(alloc_req *r)
{
	bool wine = nt_profile_alternative(r->vm, NT_SIT_ALLOC_CHECK_ORDER);
	const alloc_check *list = wine ? wine_order : windows_order;
	size_t n = wine ? sizeof wine_order / sizeof *wine_order
	                : sizeof windows_order / sizeof *windows_order;
	for (size_t i = 0; i < n; i++) {
		ntvm_ntstatus st = list[i](r);
		if (st != NTVM_STATUS_SUCCESS)
			return st;
	}
	return NTVM_STATUS_SUCCESS;
}

/* A system-chosen base: top-down from the limit, or bottom-up from the
 * default allocation address (then from the lowest address). */
static uint64_t choose_base(const alloc_req *r)
{
	if (r->no_fit || r->limit < NTVM_MIN_ADDRESS)
		return 0;
	if (r->type & NTVM_MEM_TOP_DOWN)
		return ntvm_find_free(r->vm, r->size, NT_GRANULE, NTVM_MIN_ADDRESS, r->limit, true);
	uint64_t start = ntvm_get_default_allocation_address(r->vm);
	uint64_t base = 0;
	if (start > NTVM_MIN_ADDRESS && start <= r->limit)
		base = ntvm_find_free(r->vm, r->size, NT_GRANULE, start, r->limit, false);
	if (base == 0)
		base = ntvm_find_free(r->vm, r->size, NT_GRANULE, NTVM_MIN_ADDRESS, r->limit, false);
	return base;
}

static ntvm_ntstatus path_reserve(alloc_req *r)
{
	ntvm_ntstatus st = chk_protection(r);
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	if (nt_prot_is_writecopy(r->perm))
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	if (r->in_base == 0 && (r->base = choose_base(r)) == 0)
		return NTVM_STATUS_NO_MEMORY;
	bool reserve_only = !(r->type & NTVM_MEM_COMMIT);
	ntvm_status ms = ntvm_allocate_at(r->vm, r->base, r->size, r->perm, reserve_only,
	                                  NTVM_KIND_PRIVATE);
	return nt_status_from_manager(ms);
}

static ntvm_ntstatus path_commit(alloc_req *r)
{
	ntvm_reservation res;
	if (!nt_range_in_allocation(r->vm, r->base, r->size, &res))
		return row(r, NT_SIT_COMMIT_OUTSIDE_ALLOCATION);
	ntvm_ntstatus st = chk_protection(r);
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	if (res.kind != NTVM_KIND_PRIVATE)
		return nt_section_commit_in_view(r->vm, &res, r->base, r->size, r->protect);
	if (nt_prot_is_writecopy(r->perm))
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	ntvm_perm perm = nt_prot_for_pages(r->perm, &res);
	return nt_status_from_manager(ntvm_commit(r->vm, r->base, r->size, perm));
}

/* Zero the committed pages of a private allocation in [base, base+size). */
static void discard_contents(ntvm *vm, uint64_t base, uint64_t size)
{
	static const uint8_t zeros[NTVM_PAGE_SIZE];
	if (ntvm_region_kind(vm, base) != NTVM_KIND_PRIVATE)
		return;
	for (uint64_t pos = base; pos - base < size; pos += NTVM_PAGE_SIZE) {
		ntvm_region_info info;
		if (ntvm_region_info_at(vm, pos, &info) == NTVM_OK && info.is_committed)
			ntvm_write(vm, pos, zeros, sizeof zeros, NULL);
	}
}

/* MEM_RESET keeps state and protection; the contents are kept on Windows
 * and zeroed on Wine 8.0 (row RESET_DISCARDS_CONTENTS); RESET_UNDO too. */
static ntvm_ntstatus path_reset(alloc_req *r)
{
	if (row(r, NT_SIT_RESET_BAD_PROTECTION) != NTVM_STATUS_SUCCESS) {
		ntvm_ntstatus st = chk_protection(r);
		if (st != NTVM_STATUS_SUCCESS)
			return row(r, NT_SIT_RESET_BAD_PROTECTION);
	}
	if (!nt_range_in_allocation(r->vm, r->base, r->size, NULL))
		return row(r, NT_SIT_COMMIT_OUTSIDE_ALLOCATION);
	if ((r->type & NTVM_MEM_RESET) && nt_profile_alternative(r->vm, NT_SIT_RESET_DISCARDS_CONTENTS))
		discard_contents(r->vm, r->base, r->size);
	return NTVM_STATUS_SUCCESS;
}

ntvm_ntstatus ntvm_nt_allocate_virtual_memory(ntvm *vm, uint64_t *base, uint64_t zero_bits,
                                              uint64_t *size, uint32_t type, uint32_t protect)
{
	if (vm == NULL)
		return NTVM_STATUS_ACCESS_VIOLATION;
	alloc_req r = { .vm = vm, .base_ptr = base, .size_ptr = size, .zero_bits = zero_bits,
	                .type = type, .protect = protect };
	ntvm_ntstatus st = run_checks(&r);
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	if ((type & NTVM_MEM_RESERVE) || r.in_base == 0)
		st = path_reserve(&r);
	else if (type & (NTVM_MEM_RESET | NTVM_MEM_RESET_UNDO))
		st = path_reset(&r);
	else
		st = path_commit(&r);
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	*base = r.base;
	*size = r.size;
	return NTVM_STATUS_SUCCESS;
}
