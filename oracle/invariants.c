/*
 * invariants.c -- the invariant checker (see invariants.h).  It reads the
 * core's internals through core/src/manager.h and recomputes everything the
 * core keeps incrementally, so any drift between the two shows up here.
 */
#include "invariants.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "invariants_internal.h"
#include "manager.h"

struct check {
	const ntvm *vm;
	char *why;
	size_t why_len;
	bool ok;
	uint64_t reserved, committed, count, metadata;
	const struct ntvm__res *prev; /* in-order predecessor during the walk */
	void *mem; /* embedded backend context to check, or NULL */
	uint64_t lo, hi; /* per-page checks only for reservations meeting [lo, hi) */
};

/* Does r meet the window of per-page checks? */
static bool in_window(const struct check *c, const struct ntvm__res *r)
{
	return r->base < c->hi && ntvm__res_end(r) > c->lo;
}

static bool fail(struct check *c, const char *fmt, ...)
{
	if (c->ok && c->why && c->why_len) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->why, c->why_len, fmt, ap);
		va_end(ap);
	}
	c->ok = false;
	return false;
}

#define REQUIRE(c, cond, ...) \
	do { if (!(cond)) return fail((c), __VA_ARGS__); } while (0)

static int height(const struct ntvm__res *n) { return n ? n->height : 0; }

/* The first node's gap_before is 0: the head gap is not in the augmentation. */
static uint32_t expected_gap(const struct ntvm__res *prev, const struct ntvm__res *n)
{
	if (prev == NULL)
		return 0;
	uint64_t lo = ntvm__align_up(ntvm__res_end(prev), NTVM_ALLOCATION_GRANULARITY);
	uint64_t hi = ntvm__align_down(n->base, NTVM_ALLOCATION_GRANULARITY);
	return hi > lo ? (uint32_t) ((hi - lo) >> NTVM__GRANULE_SHIFT) : 0;
}

static bool check_bits(struct check *c, const struct ntvm__res *r)
{
	uint64_t pages = ntvm__res_pages(r);
	switch (r->state) {
	case NTVM__ALL_RESERVED:
		REQUIRE(c, r->bits == NULL, "0x%" PRIx64 ": reserved-only node has a bitmap", r->base);
		return true;
	case NTVM__ALL_COMMITTED:
		REQUIRE(c, r->bits == NULL, "0x%" PRIx64 ": all-committed node has a bitmap", r->base);
		return true;
	case NTVM__MIXED: {
		/* up to NTVM__INLINE_PAGES pages the bitmap is the node's small_map */
		bool in_node = ntvm__res_bits_inline(r);
		REQUIRE(c, in_node || r->bits != NULL, "0x%" PRIx64 ": mixed node without bitmap", r->base);
		const uint64_t *map = in_node ? &r->small_map : r->bits + 1;
		uint64_t n = ntvm__bitmap_count(map, 0, pages);
		REQUIRE(c, in_node || n == r->bits[0], "0x%" PRIx64 ": bitmap count %" PRIu64
		        " != popcount %" PRIu64, r->base, r->bits[0], n);
		REQUIRE(c, n > 0 && n < pages, "0x%" PRIx64 ": mixed node with %" PRIu64 " of %" PRIu64
		        " pages committed", r->base, n, pages);
		uint64_t words = NTVM_BITMAP_WORDS(pages);
		REQUIRE(c, pages % 64 == 0 || (map[words - 1] >> (pages % 64)) == 0,
		        "0x%" PRIx64 ": bits set past the last page", r->base);
		return true;
	}
	default:
		return fail(c, "0x%" PRIx64 ": bad committed state %u", r->base, r->state);
	}
}

/* ntvm_perm_is_valid for every byte value, computed once: the per-page
 * permission arrays are checked a run of equal bytes at a time. */
static bool perm_valid(ntvm_perm p)
{
	static bool table[256], ready;
	if (!ready) {
		for (unsigned v = 0; v < 256; v++)
			table[v] = ntvm_perm_is_valid((ntvm_perm) v);
		ready = true;
	}
	return table[p];
}

/* The end of the run of bytes equal to b[i] in b[i..end), eight at a time. */
static uint64_t same_byte_run_end(const uint8_t *b, uint64_t i, uint64_t end)
{
	uint8_t v = b[i++];
	uint64_t pattern = 0x0101010101010101ull * v;
	while (i + 8 <= end) {
		uint64_t w;
		memcpy(&w, b + i, sizeof w);
		if (w != pattern)
			break;
		i += 8;
	}
	while (i < end && b[i] == v)
		i++;
	return i;
}

static bool check_perms(struct check *c, const struct ntvm__res *r)
{
	if (r->kind == NTVM_KIND_MMIO) {
		REQUIRE(c, r->u.mmio != NULL, "0x%" PRIx64 ": MMIO without callback record", r->base);
		REQUIRE(c, r->state == NTVM__ALL_COMMITTED && r->perm == NTVM_PERM_RW,
		        "0x%" PRIx64 ": MMIO not committed read-write", r->base);
		return true;
	}
	uint64_t pages = ntvm__res_pages(r), committed = ntvm__res_committed_count(r);
	if (r->u.perms == NULL) {
		REQUIRE(c, committed == 0 || perm_valid(r->perm), "0x%" PRIx64 ": invalid uniform perm 0x%x",
		        r->base, r->perm);
		REQUIRE(c, committed == pages || perm_valid(r->hidden),
		        "0x%" PRIx64 ": invalid last perm 0x%x of reserved pages", r->base, r->hidden);
		return true;
	}
	for (uint64_t i = 0; i < pages;) {
		REQUIRE(c, perm_valid(r->u.perms[i]), "0x%" PRIx64 ": invalid perm 0x%x on page %" PRIu64,
		        r->base, r->u.perms[i], i);
		i = same_byte_run_end(r->u.perms, i, pages);
	}
	return true;
}

static bool check_node(struct check *c, const struct ntvm__res *r)
{
	REQUIRE(c, r->size > 0 && ntvm__is_page_aligned(r->base) && ntvm__is_page_aligned(r->size),
	        "0x%" PRIx64 ": bad base/size 0x%" PRIx64, r->base, r->size);
	REQUIRE(c, r->base >= NTVM_MIN_ADDRESS && ntvm__res_end(r) - 1 <= c->vm->max_address,
	        "0x%" PRIx64 ": outside the user range", r->base);
	REQUIRE(c, r->kind >= NTVM_KIND_PRIVATE && r->kind <= NTVM_KIND_MMIO,
	        "0x%" PRIx64 ": bad kind %u", r->base, r->kind);
	REQUIRE(c, perm_valid(r->initial_perm), "0x%" PRIx64 ": invalid initial perm", r->base);
	if (c->prev)
		REQUIRE(c, ntvm__res_end(c->prev) <= r->base, "0x%" PRIx64 " overlaps 0x%" PRIx64,
		        r->base, c->prev->base);
	REQUIRE(c, r->gap_before == expected_gap(c->prev, r), "0x%" PRIx64 ": gap_before %u != %u",
	        r->base, r->gap_before, expected_gap(c->prev, r));
	if (in_window(c, r) && (!check_bits(c, r) || !check_perms(c, r)))
		return false;
	c->reserved += r->size;
	c->committed += ntvm__res_committed_count(r) << NTVM__PAGE_SHIFT;
	c->count++;
	c->metadata += ntvm__res_meta_bytes(r);
	c->prev = r;
	return true;
}

/* In-order walk checking tree shape, augmentation and each node. */
static bool check_tree(struct check *c, const struct ntvm__res *t, int depth)
{
	if (t == NULL)
		return true;
	REQUIRE(c, depth < 128, "tree deeper than 128: cycle?");
	if (!check_tree(c, t->left, depth + 1))
		return false;
	if (c->prev)
		REQUIRE(c, c->prev->base < t->base, "bases out of order at 0x%" PRIx64, t->base);
	if (!check_node(c, t))
		return false;
	if (!check_tree(c, t->right, depth + 1))
		return false;
	int hl = height(t->left), hr = height(t->right);
	REQUIRE(c, t->height == 1 + (hl > hr ? hl : hr), "0x%" PRIx64 ": height %u wrong", t->base, t->height);
	REQUIRE(c, hl - hr <= 1 && hr - hl <= 1, "0x%" PRIx64 ": unbalanced (%d vs %d)", t->base, hl, hr);
	uint32_t g = t->gap_before;
	if (t->left && t->left->max_gap > g)
		g = t->left->max_gap;
	if (t->right && t->right->max_gap > g)
		g = t->right->max_gap;
	REQUIRE(c, t->max_gap == g, "0x%" PRIx64 ": max_gap %u != %u", t->base, t->max_gap, g);
	return true;
}

/* Region-info runs of one reservation: maximal, inside it, consistent.
 * detailed: the runs of ntvm_region_info_at_detailed, where reserved runs
 * also split by their last protection. */
static bool check_runs(struct check *c, const struct ntvm__res *r, bool detailed)
{
	ntvm_region_info prev = { 0 };
	ntvm_perm prev_last = 0;
	bool have_prev = false;
	for (uint64_t a = r->base; a < ntvm__res_end(r);) {
		ntvm_region_info ri;
		ntvm_perm last = 0;
		ntvm_status st = detailed ? ntvm_region_info_at_detailed(c->vm, a, &ri, &last)
		                          : ntvm_region_info_at(c->vm, a, &ri);
		REQUIRE(c, st == NTVM_OK, "query 0x%" PRIx64 " failed", a);
		REQUIRE(c, ri.start == a && ri.length > 0 && ri.length % NTVM_PAGE_SIZE == 0 &&
		        ri.start + ri.length <= ntvm__res_end(r), "query 0x%" PRIx64 ": bad run", a);
		REQUIRE(c, ri.allocation_base == r->base && ri.allocation_length == r->size && ri.is_reserved,
		        "query 0x%" PRIx64 ": wrong allocation", a);
		uint64_t page = (a - r->base) >> NTVM__PAGE_SHIFT;
		REQUIRE(c, ri.is_committed == ntvm__res_page_committed(r, page) &&
		        ri.perm == (ri.is_committed ? ntvm__res_page_perm(r, page) : 0),
		        "query 0x%" PRIx64 ": state differs from the page state", a);
		if (detailed)
			REQUIRE(c, last == ntvm__res_page_perm(r, page) && (!ri.is_committed || last == ri.perm),
			        "detailed query 0x%" PRIx64 ": wrong last protection", a);
		if (have_prev)
			REQUIRE(c, prev.is_committed != ri.is_committed || prev.perm != ri.perm ||
			        (detailed && prev_last != last), "query 0x%" PRIx64 ": run not maximal", a);
		prev = ri;
		prev_last = last;
		have_prev = true;
		a += ri.length;
	}
	return true;
}

/* With the embedded backend: committed runs mapped with their effective
 * permission, reserved runs unmapped. */
static bool check_backend(struct check *c, const struct ntvm__res *r)
{
	void *ctx = c->mem;
	uint64_t pages = ntvm__res_pages(r);
	for (uint64_t i = 0; i < pages;) {
		uint64_t run = ntvm__res_run_end(r, i, pages);
		uint64_t start = r->base + (i << NTVM__PAGE_SHIFT), end = r->base + (run << NTVM__PAGE_SHIFT);
		ntvm_perm eff = 0;
		bool mmio = false;
		int cov = ntvm__backend_mem_coverage(ctx, start, end, &eff, &mmio);
		if (!ntvm__res_page_committed(r, i)) {
			REQUIRE(c, cov == 0, "backend maps reserved pages at 0x%" PRIx64, start);
		} else {
			ntvm_perm want = r->kind == NTVM_KIND_MMIO ? NTVM_PERM_RW
			                 : ntvm__effective_perm(ntvm__res_page_perm(r, i), c->vm->dep_enabled);
			REQUIRE(c, cov == 1, "backend does not map committed run 0x%" PRIx64 " evenly", start);
			REQUIRE(c, mmio == (r->kind == NTVM_KIND_MMIO), "backend MMIO flag wrong at 0x%" PRIx64, start);
			REQUIRE(c, eff == want, "backend permission 0x%x != 0x%x at 0x%" PRIx64, eff, want, start);
		}
		i = run;
	}
	return true;
}

static bool check_all(const ntvm *vm, void *mem_ctx, uint64_t lo, uint64_t hi, char *why,
                      size_t why_len);

bool ntvm_check_invariants(const ntvm *vm, char *why, size_t why_len)
{
	return ntvm_check_invariants_mem(vm, vm->default_backend ? vm->backend.ctx : NULL, why, why_len);
}

bool ntvm_check_invariants_mem(const ntvm *vm, void *mem_ctx, char *why, size_t why_len)
{
	return check_all(vm, mem_ctx, 0, UINT64_MAX, why, why_len);
}

bool ntvm_check_invariants_window(const ntvm *vm, uint64_t lo, uint64_t hi, char *why,
                                  size_t why_len)
{
	return check_all(vm, vm->default_backend ? vm->backend.ctx : NULL, lo, hi, why, why_len);
}

static bool check_all(const ntvm *vm, void *mem_ctx, uint64_t lo, uint64_t hi, char *why,
                      size_t why_len)
{
	struct check c = { .vm = vm, .why = why, .why_len = why_len, .ok = true, .mem = mem_ctx,
	                   .lo = lo, .hi = hi };
	if (why && why_len)
		why[0] = 0;
	if (!check_tree(&c, vm->root, 0))
		return false;
	const ntvm_stats *s = &vm->stats;
	REQUIRE(&c, s->reserved_bytes == c.reserved, "reserved_bytes %" PRIu64 " != %" PRIu64, s->reserved_bytes, c.reserved);
	REQUIRE(&c, s->committed_bytes == c.committed, "committed_bytes %" PRIu64 " != %" PRIu64, s->committed_bytes, c.committed);
	REQUIRE(&c, s->reservation_count == c.count, "reservation_count %" PRIu64 " != %" PRIu64, s->reservation_count, c.count);
	REQUIRE(&c, s->metadata_bytes == c.metadata + sizeof *vm, "metadata_bytes %" PRIu64 " != %" PRIu64,
	        s->metadata_bytes, (uint64_t) (c.metadata + sizeof *vm));
	struct ntvm__iter it;
	const struct ntvm__res *r;
	NTVM__FOR_EACH(it, r, vm->root) {
		if (!in_window(&c, r))
			continue;
		if (!check_runs(&c, r, false) || !check_runs(&c, r, true))
			return false;
		if (c.mem && !check_backend(&c, r))
			return false;
	}
	if (c.mem) {
		uint64_t mapped = ntvm__backend_mem_mapped_pages(c.mem);
		REQUIRE(&c, mapped == c.committed >> NTVM__PAGE_SHIFT, "backend maps %" PRIu64
		        " pages, %" PRIu64 " committed", mapped, c.committed >> NTVM__PAGE_SHIFT);
		REQUIRE(&c, ntvm__backend_mem_buffer_count(c.mem) <= mapped,
		        "backend holds more page buffers than mapped pages");
	}
	return ntvm__inv_check_sections(vm, c.mem, why, why_len);
}
