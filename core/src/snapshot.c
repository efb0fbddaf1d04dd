/*
 * snapshot.c -- writing a manager's state in the snapshot format
 * (docs/snapshot-format.md).
 *
 * The encoding is a function of the state only, not of its internal form:
 * each reservation's pages are written as maximal runs of (committed,
 * protection), the protection of a reserved page being the one it last had,
 * so that serialize(deserialize(x)) reproduces x byte for byte.
 */
#include "section.h"
#include "snapshot.h"

#include <stdint.h>

static bool write_header(const ntvm *vm, bool is_snapshot, ntvm_buffer *out)
{
	uint32_t flags = (is_snapshot ? NTVM__SNAP_FLAG_METADATA_ONLY : 0) |
	                 (vm->dep_enabled ? NTVM__SNAP_FLAG_DEP_ENABLED : 0);
	uint32_t version = ntvm__snap_has_sections(vm) ? NTVM__SNAP_VERSION_SECTIONS : NTVM__SNAP_VERSION;
	return ntvm__buffer_append(out, NTVM__SNAP_MAGIC, 8) &&
	       ntvm__buffer_u32(out, version) && ntvm__buffer_u32(out, flags) &&
	       ntvm__buffer_u32(out, (uint32_t) vm->config.address_profile) &&
	       ntvm__buffer_u32(out, (uint32_t) vm->config.behaviour) &&
	       ntvm__buffer_u64(out, vm->config.default_allocation_address) &&
	       ntvm__buffer_u64(out, vm->layout_version) &&
	       ntvm__buffer_u64(out, vm->stats.reservation_count);
}

static void put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t) (v >> (8 * i));
}

/* One record per reservation and one per run, written in place in the
 * buffer; the record's run count is filled in once the runs are written
 * (each run is found once). */
static bool write_reservation(const struct ntvm__res *r, ntvm_buffer *out)
{
	size_t at = out->size;
	uint8_t *rec = ntvm__buffer_grow(out, NTVM__SNAP_RESERVATION_BYTES);
	if (rec == NULL)
		return false;
	put_u64(rec, r->base);
	put_u64(rec + 8, r->size);
	rec[16] = r->kind;
	rec[17] = r->initial_perm;
	uint64_t pages = ntvm__res_pages(r), runs = 0;
	for (uint64_t i = 0; i < pages; runs++) {
		uint64_t end = ntvm__res_detail_run_end(r, i, pages);
		uint8_t *run = ntvm__buffer_grow(out, NTVM__SNAP_RUN_BYTES);
		if (run == NULL)
			return false;
		put_u64(run, end - i);
		run[8] = ntvm__res_page_committed(r, i);
		run[9] = ntvm__res_page_perm(r, i);
		i = end;
	}
	put_u64(out->data + at + 18, runs);
	return true;
}

/* Append the contents of r's committed pages, one committed run at a time. */
static ntvm_status write_contents(const ntvm *vm, const struct ntvm__res *r, ntvm_buffer *out)
{
	uint64_t pages = ntvm__res_pages(r);
	for (uint64_t i = 0; i < pages;) {
		uint64_t end = ntvm__res_commit_run_end(r, i, pages);
		if (ntvm__res_page_committed(r, i)) {
			uint64_t bytes = (end - i) << NTVM__PAGE_SHIFT;
			uint8_t *dst = bytes <= SIZE_MAX ? ntvm__buffer_grow(out, (size_t) bytes) : NULL;
			if (dst == NULL)
				return NTVM_E_NO_MEMORY;
			if (vm->backend.read(vm->backend.ctx, r->base + (i << NTVM__PAGE_SHIFT), dst, (size_t) bytes))
				return NTVM_E_BACKEND;
		}
		i = end;
	}
	return NTVM_OK;
}

static ntvm_status write_all(const ntvm *vm, bool is_snapshot, ntvm_buffer *out)
{
	if (!write_header(vm, is_snapshot, out))
		return NTVM_E_NO_MEMORY;
	struct ntvm__iter it;
	const struct ntvm__res *r;
	NTVM__FOR_EACH(it, r, vm->root)
		if (!write_reservation(r, out))
			return NTVM_E_NO_MEMORY;
	if (ntvm__snap_has_sections(vm)) {
		ntvm_status st = ntvm__snap_write_sections(vm, out);
		if (st != NTVM_OK)
			return st;
	}
	if (is_snapshot)
		return NTVM_OK;
	NTVM__FOR_EACH(it, r, vm->root) {
		if (r->kind == NTVM_KIND_MMIO)
			continue;
		ntvm_status st = write_contents(vm, r, out);
		if (st != NTVM_OK)
			return st;
	}
	return NTVM_OK;
}

ntvm_status ntvm_serialize(const ntvm *vm, bool is_snapshot, ntvm_buffer *out)
{
	size_t old_size = out->size;
	/* The backend maps views onto the sections' own memory: only a full
	 * snapshot can put that back (docs/snapshot-format.md). */
	if (is_snapshot && ntvm__snap_has_sections(vm))
		return NTVM_E_WRONG_KIND;
	ntvm_status st = write_all(vm, is_snapshot, out);
	if (st != NTVM_OK)
		out->size = old_size;
	return st;
}
