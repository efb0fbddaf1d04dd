/*
 * snapshot_load.c -- reading a snapshot back (docs/snapshot-format.md).
 *
 * Everything is validated while a fresh state is built beside the live one
 * (its own tree, statistics and policy fields); the live manager is not
 * touched until the input has been accepted in full.  Then, for a full
 * snapshot, the old mappings are replaced by the new ones through the
 * backend (and put back from a backup if the backend fails), and finally
 * the fresh state is swapped in.
 *
 * The replaced tree is not freed but kept whole in vm->retired (nodes with
 * their page-state blocks) while it holds no more metadata than the new
 * state, and the next load takes its nodes in order: restoring the same
 * snapshot again (a fuzzer's reset) then calls no allocator and rewrites the
 * same memory in the same order, where one allocation and one free per node
 * and block were most of its time.  Retired nodes are not in metadata_bytes
 * (like the spare nodes) and never hold observable state: a load that fails
 * may have used some, and frees the rest.
 */
#include "section.h"
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

struct reader {
	const uint8_t *data;
	size_t size, pos;
	ntvm_snapshot_error *error;
	struct ntvm__iter retired; /* in order through the retired tree */
	uint64_t mmio_count;       /* MMIO reservations read */
	uint64_t perm_ok[4];       /* protections found valid already, one bit each */
};

static bool fail_at(struct reader *rd, size_t offset, const char *reason)
{
	if (rd->error) {
		rd->error->offset = offset;
		rd->error->reason = reason;
	}
	return false;
}

/* The little-endian value of n (4 or 8) bytes at p: one load on a
 * little-endian host instead of a byte loop. */
static uint64_t le_load(const uint8_t *p, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n == 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
#else
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t) p[i] << (8 * i);
	return v;
#endif
}

static bool read_bytes(struct reader *rd, void *out, size_t n)
{
	if (rd->size - rd->pos < n)
		return fail_at(rd, rd->pos, "truncated");
	const uint8_t *p = rd->data + rd->pos;
	if (n == 1)
		*(uint8_t *) out = p[0];
	else if (n == 4)
		*(uint32_t *) out = (uint32_t) le_load(p, 4);
	else
		*(uint64_t *) out = le_load(p, 8);
	rd->pos += n;
	return true;
}

#define READ(rd, var) read_bytes((rd), &(var), sizeof(var))

static bool read_header(struct reader *rd, ntvm *fresh, bool is_snapshot, uint64_t *count,
                        bool *sections)
{
	if (rd->size < 8 || memcmp(rd->data, NTVM__SNAP_MAGIC, 8) != 0)
		return fail_at(rd, 0, rd->size < 8 ? "truncated" : "bad magic");
	rd->pos = 8;
	uint32_t version, flags, profile, behaviour;
	if (!READ(rd, version) || !READ(rd, flags) || !READ(rd, profile) || !READ(rd, behaviour))
		return false;
	if (version != NTVM__SNAP_VERSION && version != NTVM__SNAP_VERSION_SECTIONS)
		return fail_at(rd, 8, "unsupported format version");
	*sections = version == NTVM__SNAP_VERSION_SECTIONS;
	if (*sections && is_snapshot)
		return fail_at(rd, 8, "sections need a full snapshot");
	if (flags & ~(NTVM__SNAP_FLAG_METADATA_ONLY | NTVM__SNAP_FLAG_DEP_ENABLED))
		return fail_at(rd, 12, "unknown flags");
	if (!!(flags & NTVM__SNAP_FLAG_METADATA_ONLY) != is_snapshot)
		return fail_at(rd, 12, "contents flag does not match is_snapshot");
	if (profile > NTVM_ADDRESS_32_LARGE)
		return fail_at(rd, 16, "unknown address profile");
	if (behaviour > NTVM_BEHAVIOUR_WINE_8_0)
		return fail_at(rd, 20, "unknown behaviour");
	if (!READ(rd, fresh->config.default_allocation_address) || !READ(rd, fresh->layout_version) ||
	    !READ(rd, *count))
		return false;
	fresh->config.address_profile = (ntvm_address_profile) profile;
	fresh->config.behaviour = (ntvm_behaviour) behaviour;
	fresh->config.dep_disabled = !(flags & NTVM__SNAP_FLAG_DEP_ENABLED);
	fresh->dep_enabled = !fresh->config.dep_disabled;
	fresh->max_address = ntvm_profile_max_address(fresh->config.address_profile);
	if (*count > (rd->size - rd->pos) / NTVM__SNAP_RESERVATION_BYTES)
		return fail_at(rd, 40, "reservation count exceeds the data");
	return true;
}

/* What the runs of one reservation say, gathered in a first pass: the
 * committed page count and whether committed pages (index 1) and reserved
 * pages (index 0) each share one protection. */
struct runs_summary {
	uint64_t committed;
	bool seen[2], uniform[2];
	ntvm_perm perm[2];
};

static void summarize(struct runs_summary *sum, bool committed, ntvm_perm perm, uint64_t n)
{
	if (sum->seen[committed] && sum->perm[committed] != perm)
		sum->uniform[committed] = false;
	sum->seen[committed] = true;
	sum->perm[committed] = perm;
	if (committed)
		sum->committed += n;
}

/* ntvm_perm_is_valid, asked once per value in a load: a snapshot repeats a
 * few protections in every run. */
static bool perm_valid(struct reader *rd, uint8_t perm)
{
	uint64_t bit = 1ull << (perm & 63);
	if (rd->perm_ok[perm >> 6] & bit)
		return true;
	if (!ntvm_perm_is_valid(perm))
		return false;
	rd->perm_ok[perm >> 6] |= bit;
	return true;
}

/* The caller checked that the nruns runs fit in the data. */
static bool scan_runs(struct reader *rd, uint64_t nruns, uint64_t pages, struct runs_summary *sum)
{
	uint64_t covered = 0;
	bool prev_committed = false;
	ntvm_perm prev_perm = 0;
	*sum = (struct runs_summary){ .uniform = { true, true } };
	for (uint64_t k = 0; k < nruns; k++) {
		size_t off = rd->pos;
		const uint8_t *run = rd->data + off;
		uint64_t n = le_load(run, 8);
		uint8_t committed = run[8], perm = run[9];
		rd->pos += NTVM__SNAP_RUN_BYTES;
		if (n == 0 || n > pages - covered)
			return fail_at(rd, off, "run length outside the reservation");
		if (committed > 1 || !perm_valid(rd, perm))
			return fail_at(rd, off + 8, "bad run state or protection");
		if (k > 0 && committed == prev_committed && perm == prev_perm)
			return fail_at(rd, off, "run not maximal");
		summarize(sum, committed, perm, n);
		covered += n;
		prev_committed = committed;
		prev_perm = perm;
	}
	if (covered != pages)
		return fail_at(rd, rd->pos, "runs do not cover the reservation");
	return true;
}

/* Second pass: fill r's storage from the runs. */
static void fill_runs(struct ntvm__res *r, const uint8_t *data, uint64_t nruns)
{
	uint64_t page = 0;
	uint64_t *map = r->state == NTVM__MIXED ? ntvm__res_bitmap(r) : NULL;
	uint8_t *perms = r->kind != NTVM_KIND_MMIO ? r->u.perms : NULL;
	for (uint64_t k = 0; k < nruns; k++, data += NTVM__SNAP_RUN_BYTES) {
		uint64_t n = le_load(data, 8);
		if (data[8] && map)
			ntvm__bitmap_set(map, page, n);
		if (perms)
			memset(perms + page, data[9], n);
		page += n;
	}
}

/* The blocks of a retired node offered to the reservation built in it: a
 * bitmap block of `words` words (count included) and a protection array of
 * `pages` bytes, each NULL when absent.  What is not taken is freed. */
struct reusable {
	uint64_t *bits;
	uint8_t *perms;
	uint64_t words, pages;
};

/* A node for a new reservation: the next retired one (its blocks put in
 * *old, an MMIO record freed: the backend may still point at it) or a new
 * one. */
static struct ntvm__res *take_node(struct reader *rd, ntvm *fresh, uint64_t base, uint64_t size,
                                   ntvm_perm initial, ntvm_kind kind, struct reusable *old)
{
	struct ntvm__res *r = ntvm__iter_next(&rd->retired);
	if (r == NULL)
		return ntvm__res_new(fresh, base, size, initial, kind);
	uint64_t pages = ntvm__res_pages(r);
	if (r->state == NTVM__MIXED && !ntvm__res_bits_inline(r))
		*old = (struct reusable){ .bits = r->bits, .words = 1 + NTVM_BITMAP_WORDS(pages) };
	if (r->kind == NTVM_KIND_MMIO)
		free(r->u.mmio);
	else if (r->u.perms) {
		old->perms = r->u.perms;
		old->pages = pages;
	}
	*r = (struct ntvm__res){ .base = base, .size = size, .kind = (uint8_t) kind,
	                         .initial_perm = initial, .state = NTVM__ALL_RESERVED };
	return r;
}

/* Give r its page-state storage for the summary, reusing old's blocks when
 * their size fits (contents are rewritten in full: the bitmap is zeroed, the
 * protection array filled by fill_runs); false when out of memory. */
static bool build_storage(struct ntvm__res *r, const struct runs_summary *sum, struct reusable *old)
{
	uint64_t pages = ntvm__res_pages(r);
	r->state = sum->committed == 0 ? NTVM__ALL_RESERVED
	           : sum->committed == pages ? NTVM__ALL_COMMITTED : NTVM__MIXED;
	r->perm = sum->seen[1] ? sum->perm[1] : sum->perm[0];
	r->hidden = sum->seen[0] ? sum->perm[0] : sum->perm[1];
	if (r->state == NTVM__MIXED && !ntvm__res_bits_inline(r)) {
		uint64_t words = 1 + NTVM_BITMAP_WORDS(pages);
		if (old->bits && old->words == words) {
			r->bits = old->bits;
			old->bits = NULL;
			memset(r->bits, 0, (size_t) words * sizeof(uint64_t));
		} else if ((r->bits = ntvm__heap.calloc((size_t) words, sizeof(uint64_t))) == NULL) {
			return false;
		}
		r->bits[0] = sum->committed;
	}
	if (r->kind == NTVM_KIND_MMIO)
		return (r->u.mmio = ntvm__heap.calloc(1, sizeof *r->u.mmio)) != NULL;
	if (sum->uniform[0] && sum->uniform[1])
		return true;
	if (old->perms && old->pages == pages) {
		r->u.perms = old->perms;
		old->perms = NULL;
	} else if ((r->u.perms = ntvm__heap.malloc(pages)) == NULL) {
		return false;
	}
	return true;
}

static bool check_bounds(struct reader *rd, const ntvm *fresh, size_t off, uint64_t base,
                         uint64_t size, uint64_t prev_end)
{
	if (size == 0 || !ntvm__is_page_aligned(base) || !ntvm__is_page_aligned(size))
		return fail_at(rd, off, "reservation not page aligned");
	if (base < NTVM_MIN_ADDRESS || size - 1 > fresh->max_address - base)
		return fail_at(rd, off, "reservation outside the address space");
	if (base < prev_end)
		return fail_at(rd, off, "reservations out of order or overlapping");
	return true;
}

/* What the reservations read so far have added up to. */
struct loading {
	struct reader *rd;
	ntvm *fresh;
	uint64_t prev_end, content_pages;
	ntvm_status status; /* MALFORMED, or NO_MEMORY */
};

static struct ntvm__res *reject(struct reader *rd, size_t offset, const char *reason)
{
	fail_at(rd, offset, reason);
	return NULL;
}

/* Read the next reservation into a node counted in fresh's statistics
 * (ntvm__index_build's producer); NULL on failure, with ld->status. */
static struct ntvm__res *read_reservation(void *ctx)
{
	struct loading *ld = ctx;
	struct reader *rd = ld->rd;
	size_t off = rd->pos;
	uint64_t base, size, nruns;
	uint8_t kind, initial;
	const uint8_t *rec = rd->data + off;
	if (rd->size - off >= NTVM__SNAP_RESERVATION_BYTES) { /* one bound check for the record */
		base = le_load(rec, 8);
		size = le_load(rec + 8, 8);
		kind = rec[16];
		initial = rec[17];
		nruns = le_load(rec + 18, 8);
		rd->pos += NTVM__SNAP_RESERVATION_BYTES;
	} else if (!READ(rd, base) || !READ(rd, size) || !READ(rd, kind) || !READ(rd, initial) ||
	           !READ(rd, nruns)) {
		return NULL; /* truncated, at the field that does not fit */
	}
	if (!check_bounds(rd, ld->fresh, off, base, size, ld->prev_end))
		return NULL;
	if (kind < NTVM_KIND_PRIVATE || kind > NTVM_KIND_MMIO)
		return reject(rd, off + 16, "bad region kind");
	if (!perm_valid(rd, initial) || (kind == NTVM_KIND_MMIO && initial != NTVM_PERM_RW))
		return reject(rd, off + 17, "bad initial protection");
	if (nruns == 0 || nruns > (rd->size - rd->pos) / NTVM__SNAP_RUN_BYTES)
		return reject(rd, off + 18, "run count exceeds the data");
	const uint8_t *runs_at = rd->data + rd->pos;
	struct runs_summary sum;
	if (!scan_runs(rd, nruns, size >> NTVM__PAGE_SHIFT, &sum))
		return NULL;
	if (kind == NTVM_KIND_MMIO && (nruns != 1 || sum.committed == 0 || sum.perm[1] != NTVM_PERM_RW))
		return reject(rd, off + 18, "MMIO region not committed read-write");
	struct reusable old = { 0 };
	struct ntvm__res *r = take_node(rd, ld->fresh, base, size, initial, (ntvm_kind) kind, &old);
	bool built = r != NULL && build_storage(r, &sum, &old);
	free(old.bits);
	free(old.perms);
	if (!built) {
		if (r)
			ntvm__res_storage_free(r);
		ld->status = NTVM_E_NO_MEMORY;
		return NULL;
	}
	fill_runs(r, runs_at, nruns);
	ntvm_stats *st = &ld->fresh->stats;
	st->reserved_bytes += size;
	st->committed_bytes += sum.committed << NTVM__PAGE_SHIFT;
	st->reservation_count++;
	st->metadata_bytes += ntvm__res_meta_bytes(r);
	ld->prev_end = base + size;
	if (kind != NTVM_KIND_MMIO)
		ld->content_pages += sum.committed;
	else
		rd->mmio_count++;
	return r;
}

static void free_tree(struct ntvm__res *t)
{
	if (t == NULL)
		return;
	free_tree(t->left);
	free_tree(t->right);
	ntvm__res_storage_free(t);
}

/* Read every reservation into fresh's index, built as they come. */
static ntvm_status read_reservations(struct reader *rd, ntvm *fresh, uint64_t count,
                                     uint64_t *content_pages)
{
	struct loading ld = { .rd = rd, .fresh = fresh, .status = NTVM_E_MALFORMED };
	bool ok = ntvm__index_build(fresh, (size_t) count, read_reservation, &ld);
	struct ntvm__res *r;
	while ((r = ntvm__iter_next(&rd->retired)) != NULL) /* more retired nodes than needed */
		ntvm__res_storage_free(r);
	if (!ok) {
		free_tree(fresh->root);
		fresh->root = fresh->first = fresh->last = NULL;
		return ld.status;
	}
	*content_pages = ld.content_pages;
	return NTVM_OK;
}

/* vm's retired tree goes to rd: from here the load uses or frees it. */
static ntvm_status parse(struct reader *rd, ntvm *vm, ntvm *fresh, bool is_snapshot)
{
	uint64_t count, content_pages = 0;
	bool sections = false;
	if (!read_header(rd, fresh, is_snapshot, &count, &sections))
		return NTVM_E_MALFORMED;
	ntvm__iter_start(&rd->retired, vm->retired);
	vm->retired = NULL;
	ntvm_status st = read_reservations(rd, fresh, count, &content_pages);
	if (st == NTVM_OK && sections)
		st = ntvm__snap_read_sections(rd->data, rd->size, &rd->pos, fresh, rd->error);
	if (st != NTVM_OK)
		return st;
	uint64_t rest = rd->size - rd->pos;
	if (is_snapshot && rest != 0) {
		fail_at(rd, rd->pos, "trailing bytes");
		return NTVM_E_MALFORMED;
	}
	if (!is_snapshot && (content_pages > (rest >> NTVM__PAGE_SHIFT) || rest != content_pages << NTVM__PAGE_SHIFT)) {
		fail_at(rd, rd->pos, "page contents do not match the committed pages");
		return NTVM_E_MALFORMED;
	}
	if (sections && !ntvm__snap_check_view_contents(fresh, rd->data + rd->pos, rd->pos, rd->error))
		return NTVM_E_MALFORMED;
	return NTVM_OK;
}

void ntvm__snap_retired_free(ntvm *vm)
{
	free_tree(vm->retired);
	vm->retired = NULL;
}

/* With is_snapshot the backend keeps its MMIO mappings, whose user pointer
 * is the old callback record: hand those records over (unbound) to the new
 * regions at the same place, so that they stay valid. */
static void keep_mmio_records(ntvm *vm, ntvm *fresh)
{
	struct ntvm__iter it;
	struct ntvm__res *n;
	NTVM__FOR_EACH(it, n, fresh->root) {
		if (n->kind != NTVM_KIND_MMIO)
			continue;
		struct ntvm__res *o = ntvm__index_containing(vm->root, n->base);
		if (o == NULL || o->kind != NTVM_KIND_MMIO || o->base != n->base || o->size != n->size)
			continue;
		struct ntvm__mmio *record = o->u.mmio;
		o->u.mmio = n->u.mmio;
		n->u.mmio = record;
		*record = (struct ntvm__mmio){ 0 };
	}
}

/* Replace the backend's mappings of vm's state with those of fresh. */
static ntvm_status swap_mappings(ntvm *vm, ntvm *fresh, const uint8_t *contents)
{
	ntvm_buffer backup = { 0 };
	ntvm_status st = ntvm_serialize(vm, false, &backup);
	if (st != NTVM_OK) {
		ntvm_buffer_free(&backup);
		return st;
	}
	uint64_t old_pages = 0;
	struct ntvm__res *r;
	struct ntvm__iter it;
	NTVM__FOR_EACH(it, r, vm->root) {
		if (r->kind != NTVM_KIND_MMIO)
			old_pages += ntvm__res_committed_count(r);
		ntvm__res_unmap_all(vm, r);
	}
	if (!ntvm__materialize(vm, fresh->root, fresh->sections, fresh->dep_enabled, contents)) {
		const uint8_t *old = backup.data + backup.size - (old_pages << NTVM__PAGE_SHIFT);
		ntvm__materialize(vm, vm->root, vm->sections, vm->dep_enabled, old);
		st = NTVM_E_BACKEND;
	}
	ntvm_buffer_free(&backup);
	return st;
}

ntvm_status ntvm_deserialize(ntvm *vm, const void *data, size_t size, bool is_snapshot,
                             ntvm_snapshot_error *error)
{
	struct reader rd = { .data = data, .size = size, .error = error };
	ntvm fresh = *vm;
	fresh.root = fresh.first = fresh.last = NULL;
	fresh.hint = NULL;
	fresh.spare_nodes = NULL; /* vm keeps its spares if the load fails */
	fresh.spare_count = 0;
	fresh.sections = NULL;
	fresh.retired = NULL;
	fresh.stats = (ntvm_stats){ .metadata_bytes = sizeof *vm };
	ntvm_status st = NTVM_E_MALFORMED;
	if (data == NULL && size != 0)
		fail_at(&rd, 0, "no data");
	else if (is_snapshot && ntvm__snap_has_sections(vm))
		st = NTVM_E_WRONG_KIND; /* the backend maps views onto the live sections */
	else
		st = parse(&rd, vm, &fresh, is_snapshot);
	if (st == NTVM_OK && !is_snapshot)
		st = swap_mappings(vm, &fresh, rd.data + rd.pos);
	if (st == NTVM_OK && is_snapshot && rd.mmio_count)
		keep_mmio_records(vm, &fresh);
	if (st != NTVM_OK) {
		free_tree(fresh.root);
		ntvm__sections_free(&fresh);
		return st;
	}
	/* keep the replaced tree for the next load unless it is the larger */
	if (vm->stats.metadata_bytes <= fresh.stats.metadata_bytes)
		fresh.retired = vm->root;
	else
		free_tree(vm->root);
	ntvm__sections_free(vm);
	ntvm__spares_free(&fresh);
	fresh.spare_nodes = vm->spare_nodes;
	fresh.spare_count = vm->spare_count;
	*vm = fresh;
	return NTVM_OK;
}
