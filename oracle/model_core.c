/*
 * model_core.c -- the manager API of ntvm.h, re-derived from the header's
 * comments on top of the model's plain data (model_state.c).  Each call
 * checks everything first and changes the state only when it will succeed;
 * the layout version moves only through model_set_pages, model_cut_resv and
 * the explicit bumps here.
 */
#include "model.h"
#include "model_rules.h"

#include <string.h>

static uint64_t round_up(uint64_t value, uint64_t to, bool *overflow)
{
	uint64_t r = value % to ? to - value % to : 0;
	if (value > UINT64_MAX - r)
		*overflow = true;
	return value + r;
}

static bool aligned_range(uint64_t address, uint64_t size)
{
	return address % MODEL_PAGE == 0 && size != 0 && size % MODEL_PAGE == 0 &&
	       size - 1 <= UINT64_MAX - address;
}

bool model_perm_from_page(uint32_t page, ntvm_perm *out)
{
	static const struct { uint32_t page; ntvm_perm perm; } base[] = {
		{NTVM_PAGE_NOACCESS, NTVM_PERM_NONE},
		{NTVM_PAGE_READONLY, NTVM_PERM_READ},
		{NTVM_PAGE_READWRITE, NTVM_PERM_RW},
		{NTVM_PAGE_WRITECOPY, NTVM_PERM_RW | NTVM_PERM_WRITECOPY},
		{NTVM_PAGE_EXECUTE, NTVM_PERM_EXEC},
		{NTVM_PAGE_EXECUTE_READ, NTVM_PERM_RX},
		{NTVM_PAGE_EXECUTE_READWRITE, NTVM_PERM_RWX},
		{NTVM_PAGE_EXECUTE_WRITECOPY, NTVM_PERM_RWX | NTVM_PERM_WRITECOPY},
	};
	if (page & ~0x7FFu)
		return false;
	for (size_t i = 0; i < sizeof base / sizeof base[0]; i++) {
		if ((page & 0xFFu) != base[i].page)
			continue;
		*out = base[i].perm;
		if (page & NTVM_PAGE_GUARD)
			*out |= NTVM_PERM_GUARD;
		if (page & NTVM_PAGE_NOCACHE)
			*out |= NTVM_PERM_NOCACHE;
		if (page & NTVM_PAGE_WRITECOMBINE)
			*out |= NTVM_PERM_WRITECOMBINE;
		return true;
	}
	return false;
}

uint32_t model_perm_to_page(ntvm_perm perm)
{
	for (uint32_t page = 1; page <= 0x80; page <<= 1) {
		ntvm_perm base;
		model_perm_from_page(page, &base);
		if (base != (perm & (NTVM_PERM_ACCESS_MASK | NTVM_PERM_WRITECOPY)))
			continue;
		if (perm & 0x08)
			return 0;
		return page | (perm & NTVM_PERM_GUARD ? NTVM_PAGE_GUARD : 0) |
		       (perm & NTVM_PERM_NOCACHE ? NTVM_PAGE_NOCACHE : 0) |
		       (perm & NTVM_PERM_WRITECOMBINE ? NTVM_PAGE_WRITECOMBINE : 0);
	}
	return 0;
}

bool model_perm_valid(ntvm_perm perm)
{
	return model_perm_to_page(perm) != 0;
}

/* The range a reservation keeps others out of: its bytes, or its whole granules. */
static void occupied(const model_resv *r, bool by_granule, uint64_t *lo, uint64_t *hi)
{
	bool overflow = false;
	*lo = r->base;
	*hi = r->base + r->length;
	if (by_granule) {
		*lo -= *lo % MODEL_GRANULE;
		*hi = round_up(*hi, MODEL_GRANULE, &overflow);
		if (overflow)
			*hi = UINT64_MAX;
	}
}

/* The first reservation whose occupied range meets [lo, lo+size), or NULL. */
static const model_resv *conflict(const model *m, uint64_t lo, uint64_t size, bool by_granule)
{
	for (size_t i = 0; i < m->resv_count; i++) {
		uint64_t olo, ohi;
		occupied(&m->resv[i], by_granule, &olo, &ohi);
		if (olo <= lo + (size - 1) && ohi > lo)
			return &m->resv[i];
	}
	return NULL;
}

ntvm_status model_allocate_at(model *m, uint64_t base, uint64_t size, ntvm_perm perm,
                              bool reserve_only, ntvm_kind kind)
{
	if (kind != NTVM_KIND_PRIVATE && kind != NTVM_KIND_SECTION_VIEW &&
	    kind != NTVM_KIND_SECTION_IMAGE)
		return NTVM_E_INVALID_ARGUMENT;
	if (!model_perm_valid(perm) || base % MODEL_GRANULE || !aligned_range(base, size))
		return NTVM_E_INVALID_ARGUMENT;
	if (base < NTVM_MIN_ADDRESS || base + (size - 1) > m->max_address)
		return NTVM_E_OUT_OF_RANGE;
	if (conflict(m, base, size, model_core.overlap_by_granule))
		return NTVM_E_OVERLAP;
	if (!model_insert_resv(m, base, size, perm, kind, !reserve_only, perm))
		return NTVM_E_NO_MEMORY;
	m->version++;
	return NTVM_OK;
}

uint64_t model_find_free(const model *m, uint64_t size, uint64_t alignment, uint64_t lowest,
                         uint64_t highest, bool top_down)
{
	bool overflow = false;
	uint64_t lo = lowest < NTVM_MIN_ADDRESS ? NTVM_MIN_ADDRESS : lowest;
	uint64_t hi = highest > m->max_address ? m->max_address : highest;
	if (size == 0 || alignment < MODEL_PAGE || (alignment & (alignment - 1)))
		return 0;
	if (lo > hi || hi - lo < size - 1)
		return 0;
	uint64_t last = hi - (size - 1); /* highest possible base */
	uint64_t cand = top_down ? last - last % alignment : round_up(lo, alignment, &overflow);
	while (!overflow && cand >= lo && cand <= last) {
		const model_resv *r = conflict(m, cand, size, model_core.search_by_granule);
		uint64_t olo, ohi;
		if (!r)
			return cand;
		occupied(r, model_core.search_by_granule, &olo, &ohi);
		if (top_down) {
			if (olo < size)
				return 0;
			cand = olo - size;
			cand -= cand % alignment;
		} else {
			cand = round_up(ohi, alignment, &overflow);
		}
	}
	return 0;
}

uint64_t model_find_free_allocation_base(const model *m, uint64_t size, uint64_t start)
{
	uint64_t from = start ? start : m->default_address;
	return model_find_free(m, size, MODEL_GRANULE, from, m->max_address, false);
}

uint64_t model_allocate(model *m, uint64_t size, ntvm_perm perm, bool reserve_only,
                        uint64_t start, ntvm_kind kind)
{
	uint64_t base = model_find_free_allocation_base(m, size, start);
	if (!base || model_allocate_at(m, base, size, perm, reserve_only, kind) != NTVM_OK)
		return 0;
	return base;
}

/* Common checks of commit, decommit and protect: one reservation holds the range. */
static ntvm_status locate(const model *m, uint64_t address, uint64_t size, bool page_op,
                          model_resv **out)
{
	model_resv *r = model_find_resv(m, address);
	bool in_range = address >= NTVM_MIN_ADDRESS && address + (size - 1) <= m->max_address;
	if (!r)
		return in_range ? NTVM_E_NOT_RESERVED : NTVM_E_OUT_OF_RANGE;
	if (size > r->length - (address - r->base)) /* never address + size: it may be 2^64 */
		return NTVM_E_SPANS_REGIONS;
	if (r->kind == NTVM_KIND_MMIO ||
	    (page_op && r->kind != NTVM_KIND_PRIVATE && !model_core.commit_in_views))
		return NTVM_E_WRONG_KIND;
	*out = r;
	return NTVM_OK;
}

ntvm_status model_commit(model *m, uint64_t address, uint64_t size, ntvm_perm perm)
{
	model_resv *r;
	ntvm_status st;
	if (!aligned_range(address, size) || !model_perm_valid(perm))
		return NTVM_E_INVALID_ARGUMENT;
	if ((st = locate(m, address, size, true, &r)) != NTVM_OK)
		return st;
	return model_set_pages(m, r, address, address + size, true, perm) ? NTVM_OK
	                                                                  : NTVM_E_NO_MEMORY;
}

ntvm_status model_decommit(model *m, uint64_t address, uint64_t size)
{
	model_resv *r;
	ntvm_status st;
	if (!aligned_range(address, size))
		return NTVM_E_INVALID_ARGUMENT;
	if ((st = locate(m, address, size, true, &r)) != NTVM_OK)
		return st;
	if (!model_set_pages(m, r, address, address + size, false, NTVM_PERM_NONE))
		return NTVM_E_NO_MEMORY;
	model_drop_pages(m, address, address + size);
	return NTVM_OK;
}

ntvm_status model_release(model *m, uint64_t address, uint64_t size)
{
	model_resv *r;
	ntvm_status st;
	if (size == 0) {
		r = model_find_resv(m, address);
		if (!r)
			return address < NTVM_MIN_ADDRESS || address > m->max_address
			               ? NTVM_E_OUT_OF_RANGE
			               : NTVM_E_NOT_RESERVED;
		if (r->base != address)
			return model_core.release_not_at_base;
		/* the whole reservation, whatever its kind (MMIO too) */
		return model_cut_resv(m, r, r->base, r->base + r->length) ? NTVM_OK : NTVM_E_NO_MEMORY;
	} else if (!aligned_range(address, size)) {
		return NTVM_E_INVALID_ARGUMENT;
	}
	if ((st = locate(m, address, size, false, &r)) != NTVM_OK)
		return st;
	return model_cut_resv(m, r, address, address + size) ? NTVM_OK : NTVM_E_NO_MEMORY;
}

ntvm_status model_protect(model *m, uint64_t address, uint64_t size, ntvm_perm perm,
                          ntvm_perm *old_perm)
{
	model_resv *r;
	ntvm_status st;
	if (!aligned_range(address, size) || !model_perm_valid(perm))
		return NTVM_E_INVALID_ARGUMENT;
	if ((st = locate(m, address, size, false, &r)) != NTVM_OK)
		return st;
	if (!model_all_committed(r, address, address + size))
		return NTVM_E_NOT_COMMITTED;
	ntvm_perm old = model_find_run(r, address)->perm;
	if (!model_set_pages(m, r, address, address + size, true, perm))
		return NTVM_E_NO_MEMORY;
	if (old_perm)
		*old_perm = old;
	return NTVM_OK;
}

bool model_clear_guard(model *m, uint64_t address)
{
	model_resv *r = model_find_resv(m, address);
	uint64_t page = address - address % MODEL_PAGE;
	const model_run *run = r ? model_find_run(r, page) : NULL;
	if (!run || !run->committed || !(run->perm & NTVM_PERM_GUARD))
		return false;
	return model_set_pages(m, r, page, page + MODEL_PAGE, true,
	                       (ntvm_perm)(run->perm & ~NTVM_PERM_GUARD));
}

/* ntvm.h: only a reserved page's last protection, never a committed page or MMIO. */
ntvm_status model_clear_reserved_guard(model *m, uint64_t address, bool *cleared)
{
	model_resv *r = model_find_resv(m, address);
	uint64_t page = address - address % MODEL_PAGE;
	const model_run *run = r ? model_find_run(r, page) : NULL;
	if (cleared)
		*cleared = false;
	if (!run || r->kind == NTVM_KIND_MMIO || run->committed || !(run->last & NTVM_PERM_GUARD))
		return NTVM_OK;
	if (!model_set_last(m, r, page, page + MODEL_PAGE, (ntvm_perm)(run->last & ~NTVM_PERM_GUARD)))
		return NTVM_E_NO_MEMORY;
	if (cleared)
		*cleared = true;
	return NTVM_OK;
}

void model_unmap_all(model *m)
{
	while (m->resv_count)
		model_remove_resv(m, &m->resv[m->resv_count - 1]);
	m->version++;
}

/* The region at address; detailed: reserved runs also end where the last protection changes. */
static ntvm_status region_at(const model *m, uint64_t address, bool detailed,
                             ntvm_region_info *info, ntvm_perm *last_perm)
{
	uint64_t page = address - address % MODEL_PAGE;
	const model_resv *r = model_find_resv(m, page);
	if (address > m->max_address)
		return NTVM_E_OUT_OF_RANGE;
	memset(info, 0, sizeof *info);
	info->start = page;
	*last_perm = NTVM_PERM_NONE;
	if (!r) {
		uint64_t end = m->max_address + 1;
		for (size_t i = 0; i < m->resv_count; i++)
			if (m->resv[i].base > page && m->resv[i].base < end)
				end = m->resv[i].base;
		info->length = end - page;
		info->kind = NTVM_KIND_FREE;
		return NTVM_OK;
	}
	const model_run *run = model_find_run(r, page), *stop = r->runs + r->run_count;
	const model_run *next = run + 1;
	while (next < stop && next->committed == run->committed && next->perm == run->perm &&
	       (!detailed || next->last == run->last))
		next++;
	*last_perm = run->last;
	info->length = (next - 1)->end - page;
	info->allocation_base = r->base;
	info->allocation_length = r->length;
	info->is_committed = run->committed;
	info->is_reserved = model_core.committed_is_reserved || !run->committed;
	info->initial_perm = r->initial_perm;
	info->perm = run->perm;
	info->kind = r->kind;
	return NTVM_OK;
}

ntvm_status model_region_info_at(const model *m, uint64_t address, ntvm_region_info *info)
{
	ntvm_perm last;
	return region_at(m, address, false, info, &last);
}

ntvm_status model_region_info_at_detailed(const model *m, uint64_t address, ntvm_region_info *info,
                                          ntvm_perm *last_perm)
{
	ntvm_perm last;
	ntvm_status st = region_at(m, address, true, info, &last);
	if (st == NTVM_OK && last_perm)
		*last_perm = last;
	return st;
}

/* Is every page of [address, address+size) committed, and every MMIO region
 * in it bound to at least one callback?  If not, *bad is the first address not. */
static ntvm_status all_committed(const model *m, uint64_t address, size_t size, uint64_t *bad)
{
	uint64_t at = address;
	while (at - address < size) {
		const model_resv *r = model_find_resv(m, at);
		const model_run *run = r ? model_find_run(r, at) : NULL;
		if (!run || !run->committed) {
			*bad = at;
			return model_core.access_not_committed;
		}
		if (r->kind == NTVM_KIND_MMIO &&
		    r->mmio_unbound == (MODEL_MMIO_NO_READ | MODEL_MMIO_NO_WRITE)) {
			*bad = at; /* ntvm.h: restored from a snapshot and not re-bound */
			return NTVM_E_UNBOUND_MMIO;
		}
		at = run->end;
		if (at == 0)
			break;
	}
	return NTVM_OK;
}

ntvm_status model_read(const model *m, uint64_t address, void *data, size_t size,
                       uint64_t *fault_address)
{
	if (size && size - 1 > UINT64_MAX - address) {
		if (fault_address)
			*fault_address = address; /* not pinned by the header; core's choice */
		return NTVM_E_INVALID_ARGUMENT;
	}
	uint64_t bad = 0;
	ntvm_status st = all_committed(m, address, size, &bad);
	if (st != NTVM_OK) {
		if (fault_address)
			*fault_address = bad;
		return st;
	}
	for (size_t i = 0; i < size;) {
		uint64_t at = address + i, in_page = MODEL_PAGE - at % MODEL_PAGE;
		size_t n = size - i < in_page ? size - i : (size_t)in_page;
		const model_page *p = model_content_page((model *)m, at - at % MODEL_PAGE, false);
		const model_resv *r = model_find_resv(m, at);
		if (r->kind == NTVM_KIND_MMIO)
			for (size_t k = 0; k < n; k++) /* no read callback: zeros */
				((uint8_t *)data)[i + k] = m->mmio_byte && !(r->mmio_unbound & MODEL_MMIO_NO_READ)
				                               ? m->mmio_byte(at + k)
				                               : 0;
		else if (p)
			memcpy((uint8_t *)data + i, &p->bytes[at % MODEL_PAGE], n);
		else
			memset((uint8_t *)data + i, 0, n);
		i += n;
	}
	return NTVM_OK;
}

ntvm_status model_write(model *m, uint64_t address, const void *data, size_t size,
                        uint64_t *fault_address)
{
	if (size && size - 1 > UINT64_MAX - address) {
		if (fault_address)
			*fault_address = address; /* not pinned by the header; core's choice */
		return NTVM_E_INVALID_ARGUMENT;
	}
	uint64_t bad = 0;
	ntvm_status st = all_committed(m, address, size, &bad);
	if (st != NTVM_OK) {
		if (fault_address)
			*fault_address = bad;
		return st;
	}
	for (size_t i = 0; i < size;) {
		uint64_t at = address + i, in_page = MODEL_PAGE - at % MODEL_PAGE;
		size_t n = size - i < in_page ? size - i : (size_t)in_page;
		if (model_region_kind(m, at) != NTVM_KIND_MMIO) { /* MMIO writes go to the device */
			model_page *p = model_content_page(m, at - at % MODEL_PAGE, true);
			if (!p)
				return NTVM_E_NO_MEMORY;
			memcpy(&p->bytes[at % MODEL_PAGE], (const uint8_t *)data + i, n);
		}
		i += n;
	}
	return NTVM_OK;
}

void model_get_stats(const model *m, ntvm_stats *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < m->resv_count; i++) {
		const model_resv *r = &m->resv[i];
		out->reserved_bytes += r->length;
		out->reservation_count++;
		for (size_t j = 0; j < r->run_count; j++)
			if (r->runs[j].committed)
				out->committed_bytes += r->runs[j].end - r->runs[j].start;
	}
}

ntvm_status model_allocate_mmio(model *m, uint64_t base, uint64_t size)
{
	if (base % MODEL_GRANULE || !aligned_range(base, size))
		return NTVM_E_INVALID_ARGUMENT;
	if (base < NTVM_MIN_ADDRESS || base + (size - 1) > m->max_address)
		return NTVM_E_OUT_OF_RANGE;
	if (conflict(m, base, size, model_core.overlap_by_granule))
		return NTVM_E_OVERLAP;
	if (!model_insert_resv(m, base, size, NTVM_PERM_RW, NTVM_KIND_MMIO, true, NTVM_PERM_RW))
		return NTVM_E_NO_MEMORY;
	m->version++;
	return NTVM_OK;
}

ntvm_status model_rebind_mmio(const model *m, uint64_t base)
{
	const model_resv *r = model_find_resv(m, base);
	if (!r || r->base != base)
		return NTVM_E_NOT_RESERVED;
	return r->kind == NTVM_KIND_MMIO ? NTVM_OK : NTVM_E_WRONG_KIND;
}

void model_bind_mmio(model *m, uint64_t base, bool reads, bool writes)
{
	model_resv *r = model_find_resv(m, base);
	if (r && r->base == base && r->kind == NTVM_KIND_MMIO)
		r->mmio_unbound = (uint8_t)((reads ? 0 : MODEL_MMIO_NO_READ) |
		                            (writes ? 0 : MODEL_MMIO_NO_WRITE));
}

static void describe(const model_resv *r, ntvm_reservation *out)
{
	out->base = r->base;
	out->length = r->length;
	out->initial_perm = r->initial_perm;
	out->kind = r->kind;
	out->committed_bytes = 0;
	for (size_t i = 0; i < r->run_count; i++)
		if (r->runs[i].committed)
			out->committed_bytes += r->runs[i].end - r->runs[i].start;
}

bool model_reservation_from(const model *m, uint64_t address, ntvm_reservation *out)
{
	for (size_t i = 0; i < m->resv_count; i++) {
		if (m->resv[i].base >= address) {
			describe(&m->resv[i], out);
			return true;
		}
	}
	return false;
}

bool model_reservation_containing(const model *m, uint64_t address, ntvm_reservation *out)
{
	const model_resv *r = model_find_resv(m, address);
	if (r)
		describe(r, out);
	return r != NULL;
}

bool model_overlaps_reserved_region(const model *m, uint64_t address, uint64_t size)
{
	if (size == 0)
		return false;
	uint64_t last = size - 1 > UINT64_MAX - address ? UINT64_MAX : address + (size - 1);
	return !model_range_free(m, address, last);
}

ntvm_kind model_region_kind(const model *m, uint64_t address)
{
	const model_resv *r = model_find_resv(m, address);
	return r ? r->kind : NTVM_KIND_FREE;
}

const char *model_status_name(ntvm_status status)
{
	switch (status) {
	case NTVM_OK: return "NTVM_OK";
	case NTVM_E_INVALID_ARGUMENT: return "NTVM_E_INVALID_ARGUMENT";
	case NTVM_E_OUT_OF_RANGE: return "NTVM_E_OUT_OF_RANGE";
	case NTVM_E_OVERLAP: return "NTVM_E_OVERLAP";
	case NTVM_E_NOT_RESERVED: return "NTVM_E_NOT_RESERVED";
	case NTVM_E_NOT_COMMITTED: return "NTVM_E_NOT_COMMITTED";
	case NTVM_E_SPANS_REGIONS: return "NTVM_E_SPANS_REGIONS";
	case NTVM_E_WRONG_KIND: return "NTVM_E_WRONG_KIND";
	case NTVM_E_NO_SPACE: return "NTVM_E_NO_SPACE";
	case NTVM_E_NO_MEMORY: return "NTVM_E_NO_MEMORY";
	case NTVM_E_BACKEND: return "NTVM_E_BACKEND";
	case NTVM_E_MALFORMED: return "NTVM_E_MALFORMED";
	case NTVM_E_UNBOUND_MMIO: return "NTVM_E_UNBOUND_MMIO";
	}
	return "NTVM_E_UNKNOWN";
}
