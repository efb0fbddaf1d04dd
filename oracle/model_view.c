/*
 * model_view.c -- NtMapViewOfSection and NtUnmapViewOfSection in the model,
 * and copy-on-write.  A view is a reservation of kind SECTION_VIEW or
 * SECTION_IMAGE whose `section` names the section it maps: its pages' state
 * and protection are the reservation's runs as for any allocation, its
 * contents the section's pages (model_content_page), except pages a write
 * made private, which live in the model's own page list.  Check order and
 * statuses: model_rules.c names the source of each.
 */
#include "model.h"
#include "model_rules.h"

#include <string.h>

#define SEC_NO_CHANGE 0x00400000u
#define TYPE_KNOWN (NTVM_MEM_TOP_DOWN | NTVM_MEM_RESERVE | NTVM_MEM_LARGE_PAGES | SEC_NO_CHANGE)

typedef struct map_call {
	model *m;
	const model_nt_rules *rl;
	model_section *s;
	uint64_t base, zero_bits, commit, offset, size, limit;
	uint32_t inherit, type, protect;
	bool has_offset;
} map_call;

/* The protections a view may have, by the section's protection (WRK
 * MmCompatibleProtectionMask; ReactOS kmtest ZwMapViewOfSection: a READONLY
 * section maps NOACCESS, READONLY and WRITECOPY, not READWRITE, EXECUTE or
 * EXECUTE_READ; a READWRITE section not EXECUTE_WRITECOPY). */
bool model_view_protection_ok(uint32_t section_protect, uint32_t view_protect)
{
	enum { NA = 0x01, RO = 0x02, RW = 0x04, WC = 0x08, X = 0x10, XR = 0x20, XRW = 0x40, XWC = 0x80 };
	uint32_t allowed;
	switch (section_protect & 0xFF) {
	case NA: allowed = NA; break;
	case RO: allowed = NA | RO | WC; break;
	case RW: allowed = NA | RO | RW | WC; break;
	case WC: allowed = NA | RO | WC; break;
	case X: allowed = NA | X; break;
	case XR: allowed = NA | RO | WC | X | XR | XWC; break;
	case XRW: allowed = 0xFF; break;
	case XWC: allowed = NA | RO | WC | X | XR | XWC; break;
	default: return false;
	}
	return (view_protect & 0xFF & ~allowed) == 0;
}

/* The rights the handle needs for a view protection (WRK MmMakeSectionAccess). */
static uint32_t needed_access(uint32_t protect)
{
	switch (protect & 0xFF) {
	case NTVM_PAGE_READWRITE: return NTVM_SECTION_MAP_WRITE;
	case NTVM_PAGE_EXECUTE: return NTVM_SECTION_MAP_EXECUTE;
	case NTVM_PAGE_EXECUTE_READ:
	case NTVM_PAGE_EXECUTE_WRITECOPY: return NTVM_SECTION_MAP_READ | NTVM_SECTION_MAP_EXECUTE;
	case NTVM_PAGE_EXECUTE_READWRITE: return NTVM_SECTION_MAP_WRITE | NTVM_SECTION_MAP_EXECUTE;
	default: return NTVM_SECTION_MAP_READ;
	}
}

/* zero_bits as NtAllocateVirtualMemory reads them, except 22..31: _4. */
static ntvm_ntstatus check_zero_bits(map_call *c)
{
	uint64_t zb = c->zero_bits;
	c->limit = UINT64_MAX;
	if (zb >= 22 && zb <= 31)
		return NTVM_STATUS_INVALID_PARAMETER_4;
	if (zb >= 1 && zb <= 21)
		c->limit = (1ull << (32 - zb)) - 1;
	if (zb > 32 && zb < 0xFFFF && !c->rl->small_zero_bits_masks)
		return NTVM_STATUS_INVALID_PARAMETER_4;
	if (zb >= 32) /* a mask: its leading zeros; Wine: a top bit leaves nothing */
		c->limit = (zb >> 63) && !c->rl->top_bit_mask_unlimited ? 0 : UINT64_MAX >> __builtin_clzll(zb);
	if (c->limit > c->m->max_address)
		c->limit = c->m->max_address;
	return NTVM_STATUS_SUCCESS;
}

/* One base protection, GUARD and NOCACHE allowed (WRITECOMBINE: later). */
static bool protection_valid(uint32_t protect)
{
	uint32_t p = protect & ~NTVM_PAGE_WRITECOMBINE, base = p & 0xFF;
	return !(p & ~(0xFFu | NTVM_PAGE_GUARD | NTVM_PAGE_NOCACHE)) && base && !(base & (base - 1));
}

static ntvm_ntstatus check_arguments(map_call *c)
{
	ntvm_ntstatus st = check_zero_bits(c);
	uint64_t max = c->m->max_address;
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	if (c->inherit != NTVM_VIEW_SHARE && c->inherit != NTVM_VIEW_UNMAP && !c->rl->map_ignores_inherit)
		return NTVM_STATUS_INVALID_PARAMETER_8;
	if ((c->type & ~TYPE_KNOWN) && !c->rl->map_ignores_unknown_type)
		return NTVM_STATUS_INVALID_PARAMETER_9;
	c->type &= TYPE_KNOWN;
	if ((c->protect & NTVM_PAGE_WRITECOMBINE) && c->rl->map_writecombine != NTVM_STATUS_INVALID_PARAMETER_10)
		return c->rl->map_writecombine;
	if (!protection_valid(c->protect))
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	if ((c->protect & (NTVM_PAGE_GUARD | NTVM_PAGE_NOCACHE)) && c->rl->map_view_modifiers)
		return c->rl->map_view_modifiers;
	if (c->base > max)
		return c->rl->map_base_above_max;
	if (max - c->base < c->size)
		return NTVM_STATUS_INVALID_PARAMETER_3;
	if (c->zero_bits && c->base + c->size > c->limit)
		return NTVM_STATUS_INVALID_PARAMETER_4;
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus check_section(map_call *c, ntvm_handle handle)
{
	uint32_t need = needed_access(c->protect);
	if (!(c->s = model_section_by_handle(c->m, handle)))
		return model_section_bad_handle(handle);
	if ((c->s->access & need) != need)
		return NTVM_STATUS_ACCESS_DENIED;
	if (!c->s->image && !model_view_protection_ok(c->s->protect, c->protect) &&
	    !c->rl->map_ignores_section_protection)
		return NTVM_STATUS_SECTION_PROTECTION;
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus check_view_size(map_call *c)
{
	uint64_t max = c->m->max_address;
	if (c->base % MODEL_GRANULE || (c->has_offset && c->offset % MODEL_GRANULE))
		return NTVM_STATUS_MAPPED_ALIGNMENT;
	if (c->s->image)
		return NTVM_STATUS_SUCCESS;
	if (c->offset >= c->s->size)
		return c->rl->map_offset_past_end;
	uint64_t end = c->s->size;
	if (c->rl->map_view_to_last_page)
		end += (MODEL_PAGE - end % MODEL_PAGE) % MODEL_PAGE;
	if (c->size > UINT64_MAX - c->offset || c->offset + c->size > end)
		return NTVM_STATUS_INVALID_VIEW_SIZE;
	if (c->size == 0) {
		if (c->offset >= c->s->size || max - c->base < c->s->size - c->offset)
			return NTVM_STATUS_INVALID_VIEW_SIZE;
		c->size = c->s->size - c->offset;
	}
	return c->commit > c->size ? c->rl->map_commit_past_view : NTVM_STATUS_SUCCESS;
}

/* What ntvm does not model (docs/nt-semantics.md, NtMapViewOfSection step 13). */
static ntvm_ntstatus check_unsupported(map_call *c)
{
	if (c->protect & NTVM_PAGE_WRITECOMBINE)
		return NTVM_STATUS_INVALID_PARAMETER_10;
	if ((c->type & NTVM_MEM_RESERVE) && c->s->image)
		return NTVM_STATUS_INVALID_PARAMETER_9;
	if ((c->type & NTVM_MEM_RESERVE) && !c->rl->map_ignores_reserve) /* core row MAP_MEM_RESERVE */
		return c->s->file ? NTVM_STATUS_NOT_SUPPORTED : NTVM_STATUS_INVALID_PARAMETER_9;
	c->type &= ~NTVM_MEM_RESERVE;
	if ((c->type & NTVM_MEM_LARGE_PAGES) && !c->rl->map_ignores_large_pages)
		return NTVM_STATUS_NOT_SUPPORTED;
	if (c->type & SEC_NO_CHANGE)
		return NTVM_STATUS_NOT_SUPPORTED;
	return NTVM_STATUS_SUCCESS;
}

static bool place_ok(const model *m, uint64_t base, uint64_t size, uint64_t limit)
{
	return base && base % MODEL_GRANULE == 0 && base >= NTVM_MIN_ADDRESS && base <= limit &&
	       size - 1 <= limit - base && model_range_free(m, base, base + (size - 1));
}

/* A system-chosen base: the preferred one (an image's ImageBase) when it
 * fits, else the lowest free one from the default address (then from the
 * bottom), or the highest with MEM_TOP_DOWN. */
static uint64_t choose(const map_call *c, uint64_t preferred)
{
	const model *m = c->m;
	uint64_t got = 0;
	if (c->limit < NTVM_MIN_ADDRESS)
		return 0;
	if (preferred && place_ok(m, preferred, c->size, c->limit))
		return preferred;
	if (c->type & NTVM_MEM_TOP_DOWN)
		return model_find_free(m, c->size, MODEL_GRANULE, NTVM_MIN_ADDRESS, c->limit, true);
	if (m->default_address <= c->limit)
		got = model_find_free(m, c->size, MODEL_GRANULE, m->default_address, c->limit, false);
	return got ? got : model_find_free(m, c->size, MODEL_GRANULE, NTVM_MIN_ADDRESS, c->limit, false);
}

static ntvm_ntstatus place(map_call *c, uint64_t preferred)
{
	if (c->base)
		return place_ok(c->m, c->base, c->size, c->m->max_address)
		               ? NTVM_STATUS_SUCCESS
		               : NTVM_STATUS_CONFLICTING_ADDRESSES;
	c->base = choose(c, preferred);
	return c->base ? NTVM_STATUS_SUCCESS : NTVM_STATUS_NO_MEMORY;
}

/* In view o, commit with its AllocationProtect the pages of section
 * offsets [lo, hi) that the section has not committed yet. */
static bool commit_in_other(model *m, model_section *s, model_resv *o, uint64_t lo, uint64_t hi)
{
	uint64_t from = lo > o->offset ? lo : o->offset;
	uint64_t to = hi < o->offset + o->length ? hi : o->offset + o->length;
	for (uint64_t off = from; off < to;) {
		uint64_t end = off;
		while (end < to && !model_section_committed(s, end))
			end += MODEL_PAGE;
		if (end > off && !model_set_pages(m, o, o->base + (off - o->offset),
		                                  o->base + (end - o->offset), true, o->initial_perm))
			return false;
		off = end + MODEL_PAGE * (end == off || end < to);
	}
	return true;
}

bool model_view_commit(model *m, model_resv *r, uint64_t lo, uint64_t hi, ntvm_perm perm)
{
	model_section *s = model_section_by_id(m, r->section);
	uint64_t base = r->base, off_lo = r->offset + (lo - base), off_hi = r->offset + (hi - base);
	uint64_t id = r->section;
	if (!s || !model_set_pages(m, r, lo, hi, true, perm))
		return false;
	for (size_t i = 0; model_nt_rules_for(m->behaviour)->commit_other_views && i < m->resv_count; i++)
		if (m->resv[i].section == id && m->resv[i].base != base &&
		    !commit_in_other(m, s, &m->resv[i], off_lo, off_hi))
			return false;
	return model_section_commit(s, off_lo, off_hi);
}

/* The new view's reservation and pages: an image's per its spans, a data
 * view's committed where the section is; NULL when out of memory. */
static model_resv *insert_view(map_call *c, ntvm_perm initial)
{
	model_section *s = c->s;
	model_resv *r = model_insert_resv(c->m, c->base, c->size, initial,
	                                  s->image ? NTVM_KIND_SECTION_IMAGE : NTVM_KIND_SECTION_VIEW,
	                                  false, initial);
	if (!r)
		return NULL;
	r->section = s->id;
	r->offset = c->offset;
	s->views++;
	for (size_t i = 0; i < s->span_count; i++)
		model_set_pages(c->m, r, c->base + s->spans[i].lo, c->base + s->spans[i].hi, true,
		                s->spans[i].perm);
	for (uint64_t off = 0; !s->image && off < c->size;) {
		uint64_t end = off;
		bool committed = model_section_committed(s, c->offset + off);
		while (end < c->size && model_section_committed(s, c->offset + end) == committed)
			end += MODEL_PAGE;
		if (committed)
			model_set_pages(c->m, r, c->base + off, c->base + end, true, initial);
		off = end;
	}
	c->m->version++;
	return r;
}

/* The view's first commit_size bytes (rounded up) committed in a SEC_RESERVE section. */
static void commit_head(map_call *c, model_resv *r, ntvm_perm initial)
{
	uint64_t n = c->commit + (MODEL_PAGE - c->commit % MODEL_PAGE) % MODEL_PAGE;
	if (n > c->size)
		n = c->size;
	if (n && !c->s->image && !c->s->file && (c->s->attributes & NTVM_SEC_RESERVE) &&
	    !c->rl->map_ignores_commit_size)
		model_view_commit(c->m, r, c->base, c->base + n, initial);
}

ntvm_ntstatus model_nt_map_view(model *m, ntvm_handle section, uint64_t *base, uint64_t zero_bits,
                                uint64_t commit_size, uint64_t *section_offset,
                                uint64_t *view_size, uint32_t inherit_disposition,
                                uint32_t allocation_type, uint32_t win32_protect)
{
	map_call c = {m, model_nt_rules_for(m->behaviour), NULL, *base, zero_bits, commit_size,
	              section_offset ? *section_offset : 0, *view_size, 0, inherit_disposition,
	              allocation_type, win32_protect, section_offset != NULL};
	ntvm_ntstatus st = check_arguments(&c);
	ntvm_perm initial;
	if (st == NTVM_STATUS_SUCCESS)
		st = check_section(&c, section);
	if (st == NTVM_STATUS_SUCCESS)
		st = check_view_size(&c);
	if (st == NTVM_STATUS_SUCCESS)
		st = check_unsupported(&c);
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	if (c.s->image) {
		c.size = c.s->size;
		c.offset = 0;
		model_perm_from_page(NTVM_PAGE_EXECUTE_WRITECOPY, &initial);
	} else {
		c.size += (MODEL_PAGE - c.size % MODEL_PAGE) % MODEL_PAGE;
		model_perm_from_page(c.protect | (c.s->protect & NTVM_PAGE_NOCACHE), &initial);
	}
	if ((st = place(&c, c.s->image ? c.s->image_base : 0)) != NTVM_STATUS_SUCCESS)
		return st;
	model_resv *r = insert_view(&c, initial);
	if (!r)
		return NTVM_STATUS_NO_MEMORY;
	commit_head(&c, r, initial);
	*base = c.base;
	*view_size = c.size;
	if (section_offset)
		*section_offset = c.offset;
	if (c.s->image && c.s->machine != 0x8664)
		return NTVM_STATUS_IMAGE_MACHINE_TYPE_MISMATCH;
	if (c.s->image && c.base != c.s->image_base)
		return NTVM_STATUS_IMAGE_NOT_AT_BASE;
	return NTVM_STATUS_SUCCESS;
}

ntvm_ntstatus model_nt_unmap_view(model *m, uint64_t base)
{
	model_resv *r = model_find_resv(m, base);
	if (!r || !r->section)
		return NTVM_STATUS_NOT_MAPPED_VIEW;
	model_remove_resv(m, r);
	m->version++;
	return NTVM_STATUS_SUCCESS;
}

bool model_view_privatize(model *m, const model_resv *r, uint64_t page)
{
	model_section *s = r->section ? model_section_by_id(m, r->section) : NULL;
	if (!s || model_peek_page(m, page))
		return true;
	const model_page *shared = model_section_page(s, r->offset + (page - r->base), false);
	model_page *own = model_get_page(m, page, true);
	if (!own)
		return false;
	if (shared)
		memcpy(own->bytes, shared->bytes, sizeof own->bytes);
	return true;
}
