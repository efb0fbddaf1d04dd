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

#define TYPE_KNOWN \
	(NTVM_MEM_COMMIT | NTVM_MEM_RESERVE | NTVM_MEM_RESET | NTVM_MEM_TOP_DOWN | NTVM_MEM_WRITE_WATCH)
#define TYPE_ACTION (NTVM_MEM_COMMIT | NTVM_MEM_RESERVE | NTVM_MEM_RESET)
#define MODIFIERS (NTVM_PAGE_GUARD | NTVM_PAGE_NOCACHE | NTVM_PAGE_WRITECOMBINE)
#define CACHE_PERMS (NTVM_PERM_NOCACHE | NTVM_PERM_WRITECOMBINE)

static const model_nt_rules *rules(const model *m)
{
	return model_nt_rules_for(m->behaviour);
}

/* The protection value: valid for this profile?  *perm receives it. */
static ntvm_ntstatus protection(const model *m, uint32_t protect, ntvm_perm *perm)
{
	const model_nt_rules *rl = rules(m);
	uint32_t base = protect & 0xFF;
	bool noaccess = base == NTVM_PAGE_NOACCESS;
	if (protect & ~(0xFFu | MODIFIERS)) {
		if (!rl->ignore_unknown_prot_bits)
			return NTVM_STATUS_INVALID_PAGE_PROTECTION;
		protect &= 0xFFu | MODIFIERS;
	}
	if (base == 0 || (base & (base - 1)))
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	if ((rl->reject_guard_noaccess && noaccess && (protect & NTVM_PAGE_GUARD)) ||
	    (rl->reject_cache_noaccess && noaccess &&
	     (protect & (NTVM_PAGE_NOCACHE | NTVM_PAGE_WRITECOMBINE))) ||
	    (rl->reject_two_modifiers && __builtin_popcount(protect & MODIFIERS) > 1))
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	if (!rl->keep_writecombine)
		protect &= ~NTVM_PAGE_WRITECOMBINE;
	return model_perm_from_page(protect, perm) ? NTVM_STATUS_SUCCESS
	                                           : NTVM_STATUS_INVALID_PAGE_PROTECTION;
}

/* PAGE_NOCACHE (and a kept PAGE_WRITECOMBINE) belong to the allocation
 * (spec, kernel32 test_VirtualAlloc). */
static ntvm_perm page_perm(const model_resv *r, ntvm_perm perm)
{
	return (ntvm_perm)((perm & ~CACHE_PERMS) | (r->initial_perm & CACHE_PERMS));
}

/* The reservation holding all of [lo, lo+len), or NULL. */
static model_resv *holder(const model *m, uint64_t lo, uint64_t len)
{
	model_resv *r = model_find_resv(m, lo);
	return r && len <= r->length - (lo - r->base) ? r : NULL;
}

/* ---- NtAllocateVirtualMemory ---- */

typedef struct alloc_call {
	model *m;
	const model_nt_rules *rl;
	uint64_t *base_ptr, *size_ptr; /* read by the checks, each in its turn */
	uint64_t in_base, in_size, zero_bits;
	uint32_t type, protect;
	uint64_t lo, len, limit;
	bool no_fit;
	ntvm_perm perm;
} alloc_call;

typedef ntvm_ntstatus (*alloc_check)(alloc_call *c);

/* NULL in/out pointers: Windows probes both after the flag and protection
 * checks, Wine 8.0 reads the size first and the base after zero_bits. */
static ntvm_ntstatus read_size(alloc_call *c)
{
	if (!c->size_ptr)
		return NTVM_STATUS_ACCESS_VIOLATION;
	c->in_size = *c->size_ptr;
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus read_base(alloc_call *c)
{
	if (!c->base_ptr)
		return NTVM_STATUS_ACCESS_VIOLATION;
	c->in_base = *c->base_ptr;
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus read_both(alloc_call *c)
{
	ntvm_ntstatus st = c->base_ptr ? read_size(c) : NTVM_STATUS_ACCESS_VIOLATION;
	return st == NTVM_STATUS_SUCCESS ? read_base(c) : st;
}

static ntvm_ntstatus check_zero_size(alloc_call *c)
{
	return c->in_size == 0 ? c->rl->alloc_zero_size : NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus check_zero_bits(alloc_call *c)
{
	uint64_t zb = c->zero_bits;
	c->limit = UINT64_MAX;
	if (zb >= 22 && zb <= 31)
		return NTVM_STATUS_INVALID_PARAMETER_3;
	if (zb >= 1 && zb <= 21) /* addr >> (32 - zb) == 0 */
		c->limit = (1ull << (32 - zb)) - 1;
	if (zb > 32 && zb < 0xFFFF && !c->rl->small_zero_bits_masks)
		return NTVM_STATUS_INVALID_PARAMETER_3;
	if (zb >= 32) /* a mask: only its leading zero bits matter */
		c->limit = UINT64_MAX >> __builtin_clzll(zb);
	if ((zb >> 63) && !c->rl->top_bit_mask_unlimited)
		c->no_fit = true;
	if (c->limit > c->m->max_address)
		c->limit = c->m->max_address;
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus check_size_limit(alloc_call *c)
{
	return c->in_size > c->m->max_address + 1 ? c->rl->alloc_size_above_limit
	                                          : NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus check_range_max(alloc_call *c)
{
	uint64_t max = c->m->max_address;
	if (c->in_base == 0)
		return check_size_limit(c);
	if (c->in_base > max)
		return c->rl->alloc_base_above_max;
	if (c->in_size > max + 1 - c->in_base)
		return c->rl->alloc_range_past_max;
	return NTVM_STATUS_SUCCESS;
}

/* Base rounds down (64 KiB for a reservation, else a page), the end up to a page. */
static ntvm_ntstatus check_range_round(alloc_call *c)
{
	uint64_t align = (c->type & NTVM_MEM_RESERVE) ? MODEL_GRANULE : MODEL_PAGE;
	uint64_t end = c->in_base + c->in_size; /* <= max + 1: checked before */
	end += (MODEL_PAGE - end % MODEL_PAGE) % MODEL_PAGE;
	c->lo = c->in_base - c->in_base % align;
	c->len = end - c->lo;
	if (c->in_base != 0 && c->lo < NTVM_MIN_ADDRESS)
		return c->rl->alloc_base_below_min;
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus check_type(alloc_call *c)
{
	uint32_t t = c->type;
	if (t == NTVM_MEM_RESET_UNDO)
		return c->rl->reset_undo;
	if ((t & ~TYPE_KNOWN) || !(t & TYPE_ACTION))
		return c->rl->alloc_bad_type;
	if ((t & NTVM_MEM_RESET) && t != NTVM_MEM_RESET && !c->rl->reset_combines)
		return c->rl->alloc_bad_type;
	if ((t & NTVM_MEM_WRITE_WATCH) && !(t & NTVM_MEM_RESERVE))
		return c->rl->write_watch_no_reserve;
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus check_protection(alloc_call *c)
{
	return protection(c->m, c->protect, &c->perm);
}

static ntvm_ntstatus run_alloc_checks(alloc_call *c)
{
	static const alloc_check windows_order[] = {
		check_zero_bits, check_type, check_protection, read_both, check_range_max,
		check_zero_size, check_range_round,
	};
	static const alloc_check wine_order[] = {
		read_size, check_zero_size, check_zero_bits, read_base, check_size_limit,
		check_range_max, check_range_round, check_type,
	};
	const alloc_check *list = c->rl->wine_check_order ? wine_order : windows_order;
	size_t n = c->rl->wine_check_order ? sizeof wine_order / sizeof *wine_order
	                                   : sizeof windows_order / sizeof *windows_order;
	for (size_t i = 0; i < n; i++) {
		ntvm_ntstatus st = list[i](c);
		if (st != NTVM_STATUS_SUCCESS)
			return st;
	}
	return NTVM_STATUS_SUCCESS;
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

/* A system-chosen base: the harness's suggestion if it is a valid answer. */
static uint64_t choose_base(const alloc_call *c)
{
	const model *m = c->m;
	bool top_down = (c->type & NTVM_MEM_TOP_DOWN) != 0;
	uint64_t base = 0;
	if (c->no_fit || c->limit < NTVM_MIN_ADDRESS)
		return 0;
	if (choice_ok(m, m->nt_choice, c->len, c->limit, top_down))
		return m->nt_choice;
	if (top_down)
		return model_find_free(m, c->len, MODEL_GRANULE, NTVM_MIN_ADDRESS, c->limit, true);
	if (m->default_address <= c->limit)
		base = model_find_free(m, c->len, MODEL_GRANULE, m->default_address, c->limit, false);
	return base ? base : model_find_free(m, c->len, MODEL_GRANULE, NTVM_MIN_ADDRESS, c->limit, false);
}

static ntvm_ntstatus path_reserve(alloc_call *c)
{
	ntvm_ntstatus st = check_protection(c);
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	if (c->perm & NTVM_PERM_WRITECOPY) /* not for private memory */
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	if (c->in_base == 0) {
		if ((c->lo = choose_base(c)) == 0)
			return NTVM_STATUS_NO_MEMORY;
	} else if (!model_range_free(c->m, c->lo, c->lo + (c->len - 1))) {
		return NTVM_STATUS_CONFLICTING_ADDRESSES;
	}
	if (!model_insert_resv(c->m, c->lo, c->len, c->perm, NTVM_KIND_PRIVATE,
	                       (c->type & NTVM_MEM_COMMIT) != 0, c->perm))
		return NTVM_STATUS_NO_MEMORY;
	c->m->version++;
	return NTVM_STATUS_SUCCESS;
}

/* The protection asked for in an NT view (nt-semantics.md, "Views in the
 * other calls"): an image's pages take write access only as copy-on-write,
 * and the view's own protection (EXECUTE_WRITECOPY for an image) bounds it. */
static ntvm_ntstatus view_protection(const model *m, const model_resv *r, uint32_t *protect)
{
	uint32_t base = *protect & 0xFF, granted = model_perm_to_page(r->initial_perm);
	if (r->kind == NTVM_KIND_SECTION_IMAGE && base == NTVM_PAGE_READWRITE)
		*protect = (*protect & ~0xFFu) | NTVM_PAGE_WRITECOPY;
	if (r->kind == NTVM_KIND_SECTION_IMAGE && base == NTVM_PAGE_EXECUTE_READWRITE)
		*protect = (*protect & ~0xFFu) | NTVM_PAGE_EXECUTE_WRITECOPY;
	if (!model_view_protection_ok(granted, *protect))
		return rules(m)->view_protect_incompatible;
	return NTVM_STATUS_SUCCESS;
}

/* A commit in a view: only in a data view of a page-file section; the
 * pages are committed in the section too (model_view_commit). */
static ntvm_ntstatus commit_in_view(alloc_call *c, model_resv *r)
{
	model_section *s = r->section ? model_section_by_id(c->m, r->section) : NULL;
	uint32_t protect = c->protect;
	ntvm_ntstatus st;
	if (!s || s->file || s->image || r->kind != NTVM_KIND_SECTION_VIEW)
		return NTVM_STATUS_ALREADY_COMMITTED;
	if ((st = view_protection(c->m, r, &protect)) != NTVM_STATUS_SUCCESS)
		return st;
	return model_view_commit(c->m, r, c->lo, c->lo + c->len, page_perm(r, c->perm))
	               ? NTVM_STATUS_SUCCESS
	               : NTVM_STATUS_NO_MEMORY;
}

static ntvm_ntstatus path_commit(alloc_call *c)
{
	model_resv *r = holder(c->m, c->lo, c->len);
	ntvm_ntstatus st;
	if (!r)
		return c->rl->commit_outside;
	if ((st = check_protection(c)) != NTVM_STATUS_SUCCESS)
		return st;
	if (r->kind != NTVM_KIND_PRIVATE)
		return commit_in_view(c, r);
	if (c->perm & NTVM_PERM_WRITECOPY)
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	return model_set_pages(c->m, r, c->lo, c->lo + c->len, true, page_perm(r, c->perm))
	               ? NTVM_STATUS_SUCCESS
	               : NTVM_STATUS_NO_MEMORY;
}

/* MEM_RESET: the range must lie in one allocation; state and protection stay,
 * and under reset_zeroes the committed pages of a private allocation read as
 * zeros afterwards. */
static ntvm_ntstatus path_reset(alloc_call *c)
{
	if (c->rl->reset_checks_protection && check_protection(c) != NTVM_STATUS_SUCCESS)
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	model_resv *r = holder(c->m, c->lo, c->len);
	if (r == NULL)
		return c->rl->commit_outside;
	/* Only committed pages hold contents (decommit drops them) and a page
	 * without contents reads as zeros: dropping the range's pages zeroes
	 * exactly the committed ones, in time proportional to the pages written
	 * rather than to the range (a 32 GiB reset stays cheap). */
	if (c->rl->reset_zeroes && (c->type & NTVM_MEM_RESET) && r->kind == NTVM_KIND_PRIVATE)
		model_drop_pages(c->m, c->lo, c->lo + c->len);
	return NTVM_STATUS_SUCCESS;
}

ntvm_ntstatus model_nt_allocate(model *m, uint64_t *base, uint64_t zero_bits, uint64_t *size,
                                uint32_t type, uint32_t protect)
{
	alloc_call c = {m, rules(m), base, size, 0, 0, zero_bits, type, protect, 0, 0, 0, false, 0};
	ntvm_ntstatus st = run_alloc_checks(&c);
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	if ((type & NTVM_MEM_RESERVE) || c.in_base == 0)
		st = path_reserve(&c);
	else if (type & (NTVM_MEM_RESET | NTVM_MEM_RESET_UNDO))
		st = path_reset(&c);
	else
		st = path_commit(&c);
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	*base = c.lo;
	*size = c.len;
	return NTVM_STATUS_SUCCESS;
}

/* ---- NtFreeVirtualMemory and NtProtectVirtualMemory ---- */

/* Base and size limits shared by free and protect. */
static ntvm_ntstatus check_limits(const model *m, uint64_t base, uint64_t size,
                                  ntvm_ntstatus base_above_max)
{
	if (base > m->max_address && base_above_max != NTVM_STATUS_SUCCESS)
		return base_above_max;
	if (base <= m->max_address && size > m->max_address + 1 - base)
		return rules(m)->size_past_max;
	return NTVM_STATUS_SUCCESS;
}

/* The pages covering [base, base+size): false if the end passes 2^64.
 * For NtFree a size of 0 stays 0 ("the whole allocation"). */
static bool round_pages(const model *m, uint64_t base, uint64_t size, bool zero_stays,
                        uint64_t *lo, uint64_t *len)
{
	*lo = base - base % MODEL_PAGE;
	if (size == 0 && zero_stays) {
		*len = 0;
		return true;
	}
	if (rules(m)->size_round_wraps) { /* Wine: modulo 2^64 */
		*len = (size + base % MODEL_PAGE + MODEL_PAGE - 1) & ~(MODEL_PAGE - 1);
		return true;
	}
	if (size > UINT64_MAX - base)
		return false;
	uint64_t end = base + size;
	if (end % MODEL_PAGE && end > UINT64_MAX - MODEL_PAGE)
		return false;
	*len = end + (MODEL_PAGE - end % MODEL_PAGE) % MODEL_PAGE - *lo;
	return true;
}

static ntvm_ntstatus free_checks(const model *m, uint64_t lo, uint64_t len, uint32_t type,
                                 model_resv **out)
{
	const model_nt_rules *rl = rules(m);
	model_resv *r = model_find_resv(m, lo);
	if (!r)
		return rl->free_not_allocated;
	if (len > r->length - (lo - r->base))
		return rl->free_past_allocation;
	if (r->kind != NTVM_KIND_PRIVATE)
		return rl->free_view;
	if (len == 0 && lo != r->base)
		return NTVM_STATUS_FREE_VM_NOT_AT_BASE;
	if (type == NTVM_MEM_RELEASE && len != 0 && rl->release_nonzero_size != NTVM_STATUS_SUCCESS)
		return rl->release_nonzero_size;
	*out = r;
	return NTVM_STATUS_SUCCESS;
}

ntvm_ntstatus model_nt_free(model *m, uint64_t *base, uint64_t *size, uint32_t type)
{
	const model_nt_rules *rl = rules(m);
	uint64_t lo, len;
	model_resv *r = NULL;
	ntvm_ntstatus st;
	if (type != NTVM_MEM_DECOMMIT && type != NTVM_MEM_RELEASE)
		return rl->free_bad_type;
	if ((st = check_limits(m, *base, *size, rl->free_base_above_max)) != NTVM_STATUS_SUCCESS)
		return st;
	if (!round_pages(m, *base, *size, true, &lo, &len))
		return rl->free_past_allocation;
	if ((st = free_checks(m, lo, len, type, &r)) != NTVM_STATUS_SUCCESS)
		return st;
	uint64_t from = len ? lo : r->base, to = len ? lo + len : r->base + r->length;
	if (type == NTVM_MEM_RELEASE) {
		if (!model_cut_resv(m, r, from, to))
			return NTVM_STATUS_NO_MEMORY;
		len = to - from;
	} else {
		if (!model_set_pages(m, r, from, to, false, NTVM_PERM_NONE))
			return NTVM_STATUS_NO_MEMORY;
		model_drop_pages(m, from, to); /* spec: MEM_DECOMMIT with size 0 returns size 0 */
	}
	*base = lo;
	*size = len;
	return NTVM_STATUS_SUCCESS;
}

ntvm_ntstatus model_nt_protect(model *m, uint64_t *base, uint64_t *size, uint32_t protect,
                               uint32_t *old_protect)
{
	const model_nt_rules *rl = rules(m);
	bool value_first = rl->protect_checks_protection_first;
	ntvm_perm perm = 0;
	ntvm_ntstatus value = protection(m, protect, &perm), st;
	uint64_t lo, len;
	if (value_first && value != NTVM_STATUS_SUCCESS)
		return value;
	if ((st = check_limits(m, *base, *size, rl->protect_base_above_max)) != NTVM_STATUS_SUCCESS)
		return st;
	model_resv *r = round_pages(m, *base, *size, false, &lo, &len) ? holder(m, lo, len) : NULL;
	if (!r)
		return rl->protect_outside;
	bool writecopy = value == NTVM_STATUS_SUCCESS && r->kind == NTVM_KIND_PRIVATE &&
	                 (perm & NTVM_PERM_WRITECOPY);
	/* an NT view: its own protection bounds the request (an image's write is a copy) */
	uint32_t asked = protect;
	ntvm_ntstatus view = value == NTVM_STATUS_SUCCESS && r->section
	                             ? view_protection(m, r, &asked)
	                             : NTVM_STATUS_SUCCESS;
	if (asked != protect)
		protection(m, asked, &perm);
	if (value_first && writecopy)
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	if (value_first && view != NTVM_STATUS_SUCCESS)
		return view;
	/* MMIO has no page protection to change (sogen's policy, core too) */
	if (r->kind == NTVM_KIND_MMIO)
		return NTVM_STATUS_INVALID_PARAMETER;
	/* size 0 still needs the first page committed: it reports *old */
	if (!model_all_committed(r, lo, lo + (len ? len : MODEL_PAGE)))
		return NTVM_STATUS_NOT_COMMITTED;
	if (!value_first && (value != NTVM_STATUS_SUCCESS || writecopy))
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	if (!value_first && view != NTVM_STATUS_SUCCESS)
		return view;
	uint32_t old = model_perm_to_page(model_find_run(r, lo)->perm);
	if (len && !model_set_pages(m, r, lo, lo + len, true, page_perm(r, perm)))
		return NTVM_STATUS_NO_MEMORY;
	*base = lo;
	*size = len;
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

/* The region a query reports: Wine's reserved runs also end where the last protection changes. */
static ntvm_status nt_region(const model *m, uint64_t address, ntvm_region_info *info)
{
	if (rules(m)->reserved_runs_by_last_prot)
		return model_region_info_at_detailed(m, address, info, NULL);
	return model_region_info_at(m, address, info);
}

ntvm_ntstatus model_nt_query(const model *m, uint64_t address, ntvm_memory_basic_information *mbi)
{
	ntvm_region_info info;
	if (nt_region(m, address, &info) != NTVM_OK)
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

/* MemoryRegionInformation: the allocation (Windows) or the region (Wine) at address. */
static ntvm_ntstatus query_region(const model *m, uint64_t address, void *buffer,
                                  uint64_t length, uint64_t *return_length)
{
	static const uint32_t type_bits[] = {0, 1, 2, 4, 2}; /* by ntvm_kind */
	const model_nt_rules *rl = rules(m);
	ntvm_memory_region_information ri;
	ntvm_region_info info;
	size_t written = sizeof ri;
	nt_region(m, address, &info);
	if (info.kind == NTVM_KIND_FREE && rl->region_info_free != NTVM_STATUS_SUCCESS)
		return rl->region_info_free;
	memset(&ri, 0, sizeof ri);
	ri.AllocationBase = info.allocation_base;
	ri.AllocationProtect = info.kind == NTVM_KIND_FREE ? 0 : model_perm_to_page(info.initial_perm);
	if (rl->region_info_of_region) {
		ri.RegionSize = info.length;
		ri.CommitSize = info.is_committed ? info.length : 0;
		written = 0x20; /* up to CommitSize */
	} else if (info.kind != NTVM_KIND_FREE) {
		ntvm_reservation r;
		model_reservation_containing(m, address, &r);
		ri.RegionType = type_bits[info.kind];
		ri.RegionSize = r.length;
		ri.CommitSize = r.committed_bytes;
	}
	while (written > length) /* whole fields only */
		written -= 8;
	memcpy(buffer, &ri, written);
	if (return_length)
		*return_length = sizeof ri;
	return NTVM_STATUS_SUCCESS;
}

ntvm_ntstatus model_nt_query_any(const model *m, uint64_t address, uint32_t info_class,
                                 void *buffer, uint64_t length, uint64_t *return_length)
{
	bool basic = info_class == NTVM_MEMORY_BASIC_INFORMATION_CLASS;
	ntvm_memory_basic_information mbi;
	if (!basic && info_class != NTVM_MEMORY_REGION_INFORMATION_CLASS)
		return NTVM_STATUS_INVALID_INFO_CLASS;
	if (length < (basic ? sizeof mbi : 0x18)) /* region: up to RegionSize (core's probe) */
		return NTVM_STATUS_INFO_LENGTH_MISMATCH;
	if (address > m->max_address)
		return NTVM_STATUS_INVALID_PARAMETER;
	if (buffer == NULL) /* probed after the argument checks, as NtQueryVirtualMemory does */
		return NTVM_STATUS_ACCESS_VIOLATION;
	if (!basic)
		return query_region(m, address, buffer, length, return_length);
	model_nt_query(m, address, &mbi);
	memcpy(buffer, &mbi, sizeof mbi);
	if (return_length)
		*return_length = sizeof mbi;
	return NTVM_STATUS_SUCCESS;
}

static bool allowed(const model *m, ntvm_perm perm, uint32_t access)
{
	switch (access) {
	case NTVM_ACCESS_READ: /* x86: execute-only pages read (core's choice, Wine's too) */
		return (perm & NTVM_PERM_ACCESS_MASK) != 0;
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
		if (run && !run->committed && (run->last & NTVM_PERM_GUARD) &&
		    rules(m)->reserved_guard_faults) {
			/* Wine 8.0 looks at the guard bit before "committed" */
			model_set_last(m, r, page, page + MODEL_PAGE, (ntvm_perm)(run->last & ~NTVM_PERM_GUARD));
			fault = NTVM_STATUS_GUARD_PAGE_VIOLATION;
		} else if (!run || !run->committed) {
			fault = NTVM_STATUS_ACCESS_VIOLATION;
		} else if (run->perm & NTVM_PERM_GUARD) {
			fault = NTVM_STATUS_GUARD_PAGE_VIOLATION;
			model_set_pages(m, r, page, page + MODEL_PAGE, true,
			                (ntvm_perm)(run->perm & ~NTVM_PERM_GUARD));
		} else if (!allowed(m, run->perm, access)) {
			fault = NTVM_STATUS_ACCESS_VIOLATION;
		}
		if (fault != NTVM_STATUS_SUCCESS) {
			if (fault_address)
				*fault_address = at;
			return fault;
		}
		/* Copy-on-write: a write makes a WRITECOPY page of a view private
		 * read-write (EXECUTE_WRITECOPY becomes EXECUTE_READWRITE). */
		if (access == NTVM_ACCESS_WRITE && (run->perm & NTVM_PERM_WRITECOPY)) {
			if (!model_view_privatize(m, r, page))
				return NTVM_STATUS_NO_MEMORY;
			model_set_pages(m, r, page, page + MODEL_PAGE, true,
			                (ntvm_perm)(run->perm & ~NTVM_PERM_WRITECOPY));
		}
		size_t n = length - off < MODEL_PAGE - at % MODEL_PAGE ? length - off
		                                                       : (size_t)(MODEL_PAGE - at % MODEL_PAGE);
		move_bytes(m, at, data ? (uint8_t *)data + off : NULL, n, access);
		off += n;
	}
	return NTVM_STATUS_SUCCESS;
}
