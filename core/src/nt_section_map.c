/*
 * nt_section_map.c -- NtMapViewOfSection.
 *
 * The checks run in the order of Windows's NtMapViewOfSection and
 * MmMapViewOfSection (WRK base/ntos/mm/mapview.c): zero_bits, inherit
 * disposition, allocation type, protection, base and size against the
 * address space, the handle and its rights, the section's protection,
 * alignment, the view size against the section.  Then the place is chosen
 * and the view built by the core (view.c), which changes nothing unless it
 * succeeds.  The in/out parameters are written only on success.
 */
#include "nt_section.h"

#define MAP_TYPE_KNOWN (NTVM_MEM_TOP_DOWN | NTVM_MEM_RESERVE | NTVM_MEM_LARGE_PAGES | NTVM_SEC_NO_CHANGE)

typedef struct map_req {
	ntvm *vm;
	struct ntvm__section *s;
	uint64_t base, zero_bits, commit_size, offset, size;
	uint64_t limit;          /* highest address a system-chosen view may touch */
	uint32_t type, protect;
	bool has_offset;
} map_req;

static uint64_t mask_limit(uint64_t mask)
{
	int top = 63 - __builtin_clzll(mask);
	return top == 63 ? UINT64_MAX : (UINT64_C(1) << (top + 1)) - 1;
}

/* zero_bits as NtAllocateVirtualMemory reads them, with _4 for 22..31. */
static ntvm_ntstatus check_zero_bits(map_req *r)
{
	uint64_t zb = r->zero_bits, limit = UINT64_MAX, max = ntvm_max_address(r->vm);
	if (zb >= 22 && zb <= 31)
		return NTVM_STATUS_INVALID_PARAMETER_4;
	if (zb >= 1 && zb <= 21)
		limit = UINT64_C(0xFFFFFFFF) >> zb;
	if (zb > 32 && zb < 0xFFFF && nt_profile_result(r->vm, NT_SIT_ALLOC_ZERO_BITS_SMALL_MASK) != NTVM_STATUS_SUCCESS)
		return NTVM_STATUS_INVALID_PARAMETER_4;
	if (zb >= 32)
		limit = (zb >> 63) && nt_profile_alternative(r->vm, NT_SIT_ALLOC_ZERO_BITS_TOP_BIT) ? 0 : mask_limit(zb);
	r->limit = limit < max ? limit : max;
	return NTVM_STATUS_SUCCESS;
}

/* Exactly one base value plus GUARD / NOCACHE; WRITECOMBINE is looked at later. */
static ntvm_ntstatus check_protect(uint32_t p)
{
	p &= ~NTVM_PAGE_WRITECOMBINE;
	if ((p & ~(0xFFu | NTVM_PAGE_GUARD | NTVM_PAGE_NOCACHE)) || nt_section_prot_index(p) < 0)
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	return NTVM_STATUS_SUCCESS;
}

/* A check that Wine 8.0 skips (its row holds NT_CHOICE_ALTERNATIVE). */
static bool refused(const map_req *r, nt_situation id, ntvm_ntstatus *st)
{
	if (nt_profile_alternative(r->vm, id))
		return false;
	*st = nt_profile_result(r->vm, id);
	return true;
}

static ntvm_ntstatus check_arguments(map_req *r, uint32_t inherit)
{
	ntvm_ntstatus st = check_zero_bits(r);
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	if (inherit != NTVM_VIEW_SHARE && inherit != NTVM_VIEW_UNMAP && refused(r, NT_SIT_MAP_BAD_INHERIT, &st))
		return st;
	if ((r->type & ~MAP_TYPE_KNOWN) && refused(r, NT_SIT_MAP_BAD_TYPE, &st))
		return st;
	r->type &= MAP_TYPE_KNOWN;
	if ((r->protect & NTVM_PAGE_WRITECOMBINE) &&
	    nt_profile_result(r->vm, NT_SIT_MAP_WRITECOMBINE) != NTVM_STATUS_INVALID_PARAMETER_10)
		return nt_profile_result(r->vm, NT_SIT_MAP_WRITECOMBINE);
	if ((st = check_protect(r->protect)) != NTVM_STATUS_SUCCESS)
		return st;
	if ((r->protect & (NTVM_PAGE_GUARD | NTVM_PAGE_NOCACHE)) &&
	    (st = nt_profile_result(r->vm, NT_SIT_MAP_VIEW_MODIFIERS)) != NTVM_STATUS_SUCCESS)
		return st;
	uint64_t max = ntvm_max_address(r->vm);
	if (r->base > max)
		return nt_profile_result(r->vm, NT_SIT_MAP_BASE_ABOVE_MAX);
	if (max - r->base < r->size)
		return NTVM_STATUS_INVALID_PARAMETER_3;
	if (r->zero_bits && r->base + r->size > r->limit)
		return NTVM_STATUS_INVALID_PARAMETER_4;
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus check_section(map_req *r, ntvm_handle handle)
{
	struct ntvm__handle *h;
	ntvm_ntstatus st = nt_section_handle(r->vm, handle, &h);
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	uint32_t need = nt_section_access_for(r->protect);
	if ((h->access & need) != need)
		return NTVM_STATUS_ACCESS_DENIED;
	r->s = h->section;
	if (r->s->image_perms == NULL && !nt_section_prot_compatible(r->s->protect, r->protect) &&
	    refused(r, NT_SIT_MAP_SECTION_PROTECTION, &st))
		return st;
	return NTVM_STATUS_SUCCESS;
}

/* Alignment and the view size against a data section. */
static ntvm_ntstatus check_view_size(map_req *r)
{
	if ((r->base & (NT_GRANULE - 1)) || (r->has_offset && (r->offset & (NT_GRANULE - 1))))
		return NTVM_STATUS_MAPPED_ALIGNMENT;
	if (r->s->image_perms)
		return NTVM_STATUS_SUCCESS;
	if (r->offset >= r->s->size)
		return nt_profile_result(r->vm, NT_SIT_MAP_OFFSET_PAST_END);
	uint64_t end = r->s->size;
	if (nt_profile_result(r->vm, NT_SIT_MAP_VIEW_PAST_SECTION) == NTVM_STATUS_SUCCESS)
		end = ntvm__align_up(end, NT_PAGE);
	if (r->offset + r->size < r->offset || r->offset + r->size > end)
		return NTVM_STATUS_INVALID_VIEW_SIZE;
	if (r->size == 0) {
		uint64_t max = ntvm_max_address(r->vm);
		if (r->offset >= r->s->size || max - r->base < r->s->size - r->offset)
			return NTVM_STATUS_INVALID_VIEW_SIZE;
		r->size = r->s->size - r->offset;
	}
	if (r->commit_size > r->size)
		return nt_profile_result(r->vm, NT_SIT_MAP_COMMIT_PAST_VIEW);
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus check_unsupported(map_req *r)
{
	ntvm_ntstatus st;
	if (r->protect & NTVM_PAGE_WRITECOMBINE)
		return NTVM_STATUS_INVALID_PARAMETER_10;
	if ((r->type & NTVM_MEM_RESERVE) && r->s->image_perms)
		return NTVM_STATUS_INVALID_PARAMETER_9;
	if ((r->type & NTVM_MEM_RESERVE) && refused(r, NT_SIT_MAP_MEM_RESERVE, &st))
		return r->s->file ? NTVM_STATUS_NOT_SUPPORTED : st;
	r->type &= ~NTVM_MEM_RESERVE;
	if ((r->type & NTVM_MEM_LARGE_PAGES) && refused(r, NT_SIT_MAP_LARGE_PAGES, &st))
		return st;
	if (r->type & NTVM_SEC_NO_CHANGE)
		return NTVM_STATUS_NOT_SUPPORTED;
	if (r->vm->backend.map_shared == NULL)
		return NTVM_STATUS_NOT_SUPPORTED;
	return NTVM_STATUS_SUCCESS;
}

/* A system-chosen base for size bytes, or 0. */
static uint64_t choose_base(const map_req *r, uint64_t size, uint64_t prefer)
{
	if (r->limit < NTVM_MIN_ADDRESS)
		return 0;
	if (prefer && prefer >= NTVM_MIN_ADDRESS && prefer <= r->limit && size - 1 <= r->limit - prefer &&
	    !ntvm_overlaps_reserved_region(r->vm, prefer, size))
		return prefer;
	if (r->type & NTVM_MEM_TOP_DOWN)
		return ntvm_find_free(r->vm, size, NT_GRANULE, NTVM_MIN_ADDRESS, r->limit, true);
	uint64_t start = ntvm_get_default_allocation_address(r->vm), base = 0;
	if (start > NTVM_MIN_ADDRESS && start <= r->limit)
		base = ntvm_find_free(r->vm, size, NT_GRANULE, start, r->limit, false);
	if (base == 0)
		base = ntvm_find_free(r->vm, size, NT_GRANULE, NTVM_MIN_ADDRESS, r->limit, false);
	return base;
}

/* Build the view at a chosen or given base. */
static ntvm_ntstatus place(map_req *r, struct ntvm__view_spec *spec, uint64_t prefer)
{
	if (r->base == 0 && (r->base = choose_base(r, spec->size, prefer)) == 0)
		return NTVM_STATUS_NO_MEMORY;
	spec->base = r->base;
	ntvm_status ms = ntvm__view_map(r->vm, r->s, spec);
	if (ms == NTVM_E_OVERLAP || ms == NTVM_E_OUT_OF_RANGE)
		return NTVM_STATUS_CONFLICTING_ADDRESSES;
	return nt_status_from_manager(ms);
}

static ntvm_ntstatus map_image(map_req *r)
{
	ntvm_perm initial;
	(void)ntvm_perm_from_page(NTVM_PAGE_EXECUTE_WRITECOPY, &initial);
	struct ntvm__view_spec spec = { .size = r->s->pages << NTVM__PAGE_SHIFT, .kind = NTVM_KIND_SECTION_IMAGE,
	                                .initial = initial, .protect = r->protect,
	                                .page_perms = r->s->image_perms };
	ntvm_ntstatus st = place(r, &spec, r->s->image_base);
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	r->offset = 0;
	r->size = spec.size;
	if (r->s->image_foreign)
		return NTVM_STATUS_IMAGE_MACHINE_TYPE_MISMATCH;
	return r->base == r->s->image_base ? NTVM_STATUS_SUCCESS : NTVM_STATUS_IMAGE_NOT_AT_BASE;
}

/* Commit the view's first commit_size bytes in a SEC_RESERVE section. */
static ntvm_ntstatus commit_head(map_req *r, uint64_t version, ntvm_perm perm)
{
	uint64_t pages = ntvm__align_up(r->commit_size, NT_PAGE) >> NTVM__PAGE_SHIFT;
	if (pages == 0 || r->s->committed == NULL || r->s->file ||
	    nt_profile_alternative(r->vm, NT_SIT_MAP_COMMIT_SIZE))
		return NTVM_STATUS_SUCCESS;
	struct ntvm__view *v = ntvm__view_at(r->vm, r->base);
	if (pages > r->size >> NTVM__PAGE_SHIFT)
		pages = r->size >> NTVM__PAGE_SHIFT;
	bool others = !nt_profile_alternative(r->vm, NT_SIT_SECTION_COMMIT_OTHER_VIEWS);
	ntvm_status ms = ntvm__section_commit(r->vm, v, 0, pages, perm, others);
	if (ms != NTVM_OK) {
		(void)ntvm_release(r->vm, r->base, 0);
		r->vm->layout_version = version;
		return nt_status_from_manager(ms);
	}
	r->vm->layout_version = version + 1;
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus map_data(map_req *r)
{
	ntvm_perm initial;
	uint32_t p = r->protect | (r->s->protect & NTVM_PAGE_NOCACHE);
	if (!ntvm_perm_from_page(p, &initial))
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	struct ntvm__view_spec spec = { .size = ntvm__align_up(r->size, NT_PAGE), .offset = r->offset,
	                                .kind = NTVM_KIND_SECTION_VIEW, .initial = initial, .protect = p };
	uint64_t version = ntvm_layout_version(r->vm);
	ntvm_ntstatus st = place(r, &spec, 0);
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	r->size = spec.size;
	return commit_head(r, version, initial);
}

ntvm_ntstatus ntvm_nt_map_view_of_section(ntvm *vm, ntvm_handle section, uint64_t *base,
                                          uint64_t zero_bits, uint64_t commit_size,
                                          uint64_t *section_offset, uint64_t *view_size,
                                          uint32_t inherit_disposition,
                                          uint32_t allocation_type, uint32_t win32_protect)
{
	if (vm == NULL || base == NULL || view_size == NULL)
		return NTVM_STATUS_ACCESS_VIOLATION;
	map_req r = { .vm = vm, .base = *base, .zero_bits = zero_bits, .commit_size = commit_size,
	              .offset = section_offset ? *section_offset : 0, .size = *view_size,
	              .type = allocation_type, .protect = win32_protect, .has_offset = section_offset != NULL };
	ntvm_ntstatus st = check_arguments(&r, inherit_disposition);
	if (st == NTVM_STATUS_SUCCESS)
		st = check_section(&r, section);
	if (st == NTVM_STATUS_SUCCESS)
		st = check_view_size(&r);
	if (st == NTVM_STATUS_SUCCESS)
		st = check_unsupported(&r);
	if (st == NTVM_STATUS_SUCCESS)
		st = r.s->image_perms ? map_image(&r) : map_data(&r);
	if (st != NTVM_STATUS_SUCCESS && st != NTVM_STATUS_IMAGE_NOT_AT_BASE &&
	    st != NTVM_STATUS_IMAGE_MACHINE_TYPE_MISMATCH)
		return st;
	*base = r.base;
	*view_size = r.size;
	if (section_offset)
		*section_offset = r.offset;
	return st;
}
