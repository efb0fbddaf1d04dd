/*
 * model_nt.c -- the NT layer (NtAllocateVirtualMemory, NtFreeVirtualMemory,
 * NtProtectVirtualMemory, NtQueryVirtualMemory, CPU access) re-derived from
 * /work/shared/spec/windows-semantics.md, on the model's own data.  Every
 * answer that depends on the behaviour profile comes from the table in
 * model_rules.c; the code here never tests the profile itself.  The order
 * of the checks follows Wine's unix/virtual.c (the only order known).
 */
#include "model.h"
#include "model_rules.h"

#include <string.h>

#define ALLOC_TYPES (NTVM_MEM_COMMIT | NTVM_MEM_RESERVE | NTVM_MEM_RESET | NTVM_MEM_TOP_DOWN)

static const model_nt_rules *rules(const model *m)
{
	return model_nt_rules_for(m->behaviour);
}

/* The page range [*lo, *end) covering [address, address+size); false if it wraps. */
static bool page_span(uint64_t address, uint64_t size, uint64_t align_lo, uint64_t *lo,
                      uint64_t *end)
{
	*lo = address - address % align_lo;
	if (size > UINT64_MAX - address)
		return false;
	uint64_t last = address + size;
	if (last % MODEL_PAGE && last > UINT64_MAX - (MODEL_PAGE - last % MODEL_PAGE))
		return false;
	*end = last % MODEL_PAGE ? last + (MODEL_PAGE - last % MODEL_PAGE) : last;
	return true;
}

static ntvm_ntstatus protection(const model *m, uint32_t protect, ntvm_perm *perm)
{
	const model_nt_rules *r = rules(m);
	if (!model_perm_from_page(protect, perm) || (*perm & NTVM_PERM_WRITECOPY))
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	if (r->reject_guard_noaccess && (protect & NTVM_PAGE_GUARD) &&
	    (protect & 0xFF) == NTVM_PAGE_NOACCESS)
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	if (r->reject_nocache_writecombine && (protect & NTVM_PAGE_NOCACHE) &&
	    (protect & NTVM_PAGE_WRITECOMBINE))
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	return NTVM_STATUS_SUCCESS;
}

/* PAGE_NOCACHE belongs to the allocation (spec, kernel32 test_VirtualAlloc). */
static ntvm_perm page_perm(const model_resv *r, ntvm_perm perm)
{
	return (ntvm_perm)((perm & ~NTVM_PERM_NOCACHE) | (r->initial_perm & NTVM_PERM_NOCACHE));
}

/* Highest address zero_bits allows; false: STATUS_INVALID_PARAMETER_3. */
static bool zero_bits_limit(const model *m, uint64_t zero_bits, uint64_t *limit)
{
	*limit = m->max_address;
	if (zero_bits == 0)
		return true;
	if (zero_bits <= 21)
		*limit = (1ull << (32 - zero_bits)) - 1;
	else if (zero_bits < 32)
		return false;
	else
		*limit = UINT64_MAX >> __builtin_clzll(zero_bits);
	if (*limit > m->max_address)
		*limit = m->max_address;
	return true;
}

static bool choice_ok(const model *m, uint64_t base, uint64_t size, uint64_t limit, bool top_down)
{
	if (!base || base % MODEL_GRANULE || base < NTVM_MIN_ADDRESS || base > limit ||
	    limit - base < size - 1)
		return false;
	if (top_down)
		return model_find_free(m, size, MODEL_GRANULE, NTVM_MIN_ADDRESS, limit, true) == base;
	return model_find_free(m, size, MODEL_GRANULE, base, base + (size - 1), false) == base;
}

static uint64_t choose_base(const model *m, uint64_t size, uint64_t limit, bool top_down)
{
	uint64_t base;
	if (choice_ok(m, m->nt_choice, size, limit, top_down))
		return m->nt_choice;
	if (top_down)
		return model_find_free(m, size, MODEL_GRANULE, NTVM_MIN_ADDRESS, limit, true);
	base = model_find_free(m, size, MODEL_GRANULE, m->default_address, limit, false);
	return base ? base : model_find_free(m, size, MODEL_GRANULE, NTVM_MIN_ADDRESS, limit, false);
}

static ntvm_ntstatus nt_reserve(model *m, uint64_t *base, uint64_t *size, uint64_t lo,
                                uint64_t len, uint64_t limit, uint32_t type, uint32_t protect)
{
	ntvm_perm perm;
	model_perm_from_page(protect, &perm);
	if (*base) {
		if (model_find_free(m, len, MODEL_GRANULE, lo, lo + (len - 1), false) != lo)
			return NTVM_STATUS_CONFLICTING_ADDRESSES;
	} else {
		lo = choose_base(m, len, limit, (type & NTVM_MEM_TOP_DOWN) != 0);
		if (!lo)
			return NTVM_STATUS_NO_MEMORY;
	}
	if (!model_insert_resv(m, lo, len, perm, NTVM_KIND_PRIVATE, (type & NTVM_MEM_COMMIT) != 0,
	                       perm))
		return NTVM_STATUS_NO_MEMORY;
	m->version++;
	*base = lo;
	*size = len;
	return NTVM_STATUS_SUCCESS;
}

/* MEM_COMMIT without MEM_RESERVE at an explicit base, or MEM_RESET. */
static ntvm_ntstatus nt_commit(model *m, uint64_t *base, uint64_t *size, uint64_t lo,
                               uint64_t end, uint32_t type, uint32_t protect)
{
	model_resv *r = model_find_resv(m, lo);
	bool reset = (type & NTVM_MEM_RESET) != 0;
	ntvm_perm perm;
	if (!r || end > r->base + r->length)
		return reset ? rules(m)->reset_outside : rules(m)->commit_outside;
	model_perm_from_page(protect, &perm);
	if (!reset && !model_set_pages(m, r, lo, end, true, page_perm(r, perm)))
		return NTVM_STATUS_NO_MEMORY;
	*base = lo;
	*size = end - lo;
	return NTVM_STATUS_SUCCESS;
}

ntvm_ntstatus model_nt_allocate(model *m, uint64_t *base, uint64_t zero_bits, uint64_t *size,
                                uint32_t type, uint32_t protect)
{
	const model_nt_rules *r = rules(m);
	uint64_t limit, lo = 0, end = 0;
	ntvm_perm perm;
	ntvm_ntstatus st;
	if (*size == 0)
		return NTVM_STATUS_INVALID_PARAMETER;
	if (!zero_bits_limit(m, zero_bits, &limit))
		return NTVM_STATUS_INVALID_PARAMETER_3;
	if (type & NTVM_AT_ROUND_TO_PAGE)
		return r->alloc_round_to_page;
	if (!(type & (NTVM_MEM_COMMIT | NTVM_MEM_RESERVE | NTVM_MEM_RESET)) || (type & ~ALLOC_TYPES) ||
	    ((type & NTVM_MEM_RESET) && type != NTVM_MEM_RESET))
		return NTVM_STATUS_INVALID_PARAMETER;
	if (*base) {
		uint64_t align = (type & NTVM_MEM_RESERVE) ? MODEL_GRANULE : MODEL_PAGE;
		if (!page_span(*base, *size, align, &lo, &end) || end - 1 > m->max_address)
			return r->alloc_range_too_high;
		if (lo < NTVM_MIN_ADDRESS)
			return r->alloc_base_too_low;
	} else if (!page_span(0, *size, MODEL_PAGE, &lo, &end)) {
		return NTVM_STATUS_INVALID_PARAMETER;
	}
	if (type & NTVM_MEM_RESET)
		return nt_commit(m, base, size, lo, end, type, protect);
	if ((st = protection(m, protect, &perm)) != NTVM_STATUS_SUCCESS)
		return st;
	if ((type & NTVM_MEM_RESERVE) || !*base)
		return nt_reserve(m, base, size, lo, end - lo, limit, type, protect);
	return nt_commit(m, base, size, lo, end, type, protect);
}

ntvm_ntstatus model_nt_free(model *m, uint64_t *base, uint64_t *size, uint32_t type)
{
	const model_nt_rules *rl = rules(m);
	uint64_t lo, end;
	if (type != NTVM_MEM_DECOMMIT && type != NTVM_MEM_RELEASE)
		return NTVM_STATUS_INVALID_PARAMETER;
	if (!page_span(*base, *size, MODEL_PAGE, &lo, &end))
		return NTVM_STATUS_INVALID_PARAMETER;
	model_resv *r = model_find_resv(m, lo);
	if (!r)
		return rl->free_not_allocated;
	uint64_t r_end = r->base + r->length;
	if (*size == 0) {
		if (lo != r->base)
			return NTVM_STATUS_FREE_VM_NOT_AT_BASE;
		end = r_end;
	} else if (end > r_end) {
		return NTVM_STATUS_UNABLE_TO_FREE_VM;
	}
	if (type == NTVM_MEM_RELEASE) {
		if ((lo != r->base || end != r_end) && !rl->partial_release)
			return rl->partial_release_status;
		if (!model_cut_resv(m, r, lo, end))
			return NTVM_STATUS_NO_MEMORY;
		*size = end - lo;
	} else {
		if (!model_set_pages(m, r, lo, end, false, NTVM_PERM_NONE))
			return NTVM_STATUS_NO_MEMORY;
		model_drop_pages(m, lo, end);
		*size = *size ? end - lo : 0; /* spec: MEM_DECOMMIT with size 0 returns size 0 */
	}
	*base = lo;
	return NTVM_STATUS_SUCCESS;
}

ntvm_ntstatus model_nt_protect(model *m, uint64_t *base, uint64_t *size, uint32_t protect,
                               uint32_t *old_protect)
{
	const model_nt_rules *rl = rules(m);
	ntvm_perm perm;
	ntvm_ntstatus prot_st = protection(m, protect, &perm);
	uint64_t lo, end;
	if (rl->protect_checks_protection_first && prot_st != NTVM_STATUS_SUCCESS)
		return prot_st;
	if (!page_span(*base, *size, MODEL_PAGE, &lo, &end))
		return rl->protect_outside;
	if (lo == 0)
		return rl->protect_null;
	model_resv *r = model_find_resv(m, lo);
	if (!r || end > r->base + r->length)
		return rl->protect_outside;
	const model_run *first = model_find_run(r, lo);
	if (!first->committed || !model_all_committed(r, lo, end))
		return NTVM_STATUS_NOT_COMMITTED;
	if (prot_st != NTVM_STATUS_SUCCESS)
		return prot_st;
	uint32_t old = model_perm_to_page(first->perm);
	if (end > lo && !model_set_pages(m, r, lo, end, true, page_perm(r, perm)))
		return NTVM_STATUS_NO_MEMORY;
	*base = lo;
	*size = end - lo;
	*old_protect = old;
	return NTVM_STATUS_SUCCESS;
}

static uint32_t kind_type(ntvm_kind kind)
{
	switch (kind) {
	case NTVM_KIND_PRIVATE:
		return NTVM_MEM_PRIVATE;
	case NTVM_KIND_SECTION_VIEW:
	case NTVM_KIND_MMIO:
		return NTVM_MEM_MAPPED;
	case NTVM_KIND_SECTION_IMAGE:
		return NTVM_MEM_IMAGE;
	default:
		return 0;
	}
}

ntvm_ntstatus model_nt_query(const model *m, uint64_t address, ntvm_memory_basic_information *mbi)
{
	ntvm_region_info info;
	if (model_region_info_at(m, address, &info) != NTVM_OK)
		return NTVM_STATUS_INVALID_PARAMETER;
	memset(mbi, 0, sizeof *mbi);
	mbi->BaseAddress = info.start;
	mbi->RegionSize = info.length;
	if (info.kind == NTVM_KIND_FREE) {
		mbi->State = NTVM_MEM_FREE;
		mbi->Protect = NTVM_PAGE_NOACCESS;
		return NTVM_STATUS_SUCCESS;
	}
	mbi->AllocationBase = info.allocation_base;
	mbi->AllocationProtect = model_perm_to_page(info.initial_perm);
	mbi->State = info.is_committed ? NTVM_MEM_COMMIT : NTVM_MEM_RESERVE;
	mbi->Protect = info.is_committed ? model_perm_to_page(info.perm) : 0;
	mbi->Type = kind_type(info.kind);
	return NTVM_STATUS_SUCCESS;
}

static bool allowed(const model *m, ntvm_perm perm, uint32_t access)
{
	switch (access) {
	case NTVM_ACCESS_READ:
		return (perm & NTVM_PERM_READ) != 0;
	case NTVM_ACCESS_WRITE:
		return (perm & NTVM_PERM_WRITE) != 0;
	default:
		return (perm & NTVM_PERM_EXEC) || (!m->dep_enabled && (perm & NTVM_PERM_READ));
	}
}

/* Move n bytes between data+off and the page store at address. */
static void move_bytes(model *m, uint64_t address, uint8_t *data, size_t n, uint32_t access)
{
	if (access == NTVM_ACCESS_WRITE)
		model_write(m, address, data, n, NULL);
	else if (data)
		model_read(m, address, data, n, NULL);
}

ntvm_ntstatus model_nt_access(model *m, uint64_t address, void *data, size_t length,
                              uint32_t access, uint64_t *fault_address)
{
	size_t off = 0;
	while (off < length) {
		uint64_t at = address + off;
		model_resv *r = off && at == 0 ? NULL : model_find_resv(m, at);
		const model_run *run = r ? model_find_run(r, at) : NULL;
		uint64_t page = at - at % MODEL_PAGE;
		ntvm_ntstatus fault = NTVM_STATUS_SUCCESS;
		if (!run || !run->committed)
			fault = NTVM_STATUS_ACCESS_VIOLATION;
		else if (run->perm & NTVM_PERM_GUARD)
			fault = NTVM_STATUS_GUARD_PAGE_VIOLATION;
		else if (!allowed(m, run->perm, access))
			fault = NTVM_STATUS_ACCESS_VIOLATION;
		if (fault == NTVM_STATUS_GUARD_PAGE_VIOLATION)
			model_set_pages(m, r, page, page + MODEL_PAGE, true,
			                (ntvm_perm)(run->perm & ~NTVM_PERM_GUARD));
		if (fault != NTVM_STATUS_SUCCESS) {
			if (fault_address)
				*fault_address = at;
			return fault;
		}
		size_t n = length - off < MODEL_PAGE - at % MODEL_PAGE ? length - off
		                                                       : (size_t)(MODEL_PAGE - at % MODEL_PAGE);
		move_bytes(m, at, data ? (uint8_t *)data + off : NULL, n, access);
		off += n;
	}
	return NTVM_STATUS_SUCCESS;
}
