/*
 * replay_state.c -- pictures of an address space and their comparison.
 *
 * The walk asks ntvm_region_info_at for one region after another, from the
 * lowest user address up, and keeps the reserved ones.  Comparison does not
 * trust region boundaries (clearing one guard bit may split or merge
 * regions): it compares the attributes at every boundary either picture has,
 * which is exact because attributes are constant between boundaries.
 * MMIO contents are never hashed: reading them would call the device.
 */
#include "replay_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE NTVM_PAGE_SIZE
#define HASH_SEED 0xcbf29ce484222325ull
#define HASH_PRIME 0x100000001b3ull
#define HASH_LIMIT (8ull << 20) /* committed bytes hashed per window, at most */

static bool push_region(replay_state *state, const ntvm_region_info *info, ntvm_perm last)
{
	if (state->count == state->capacity) {
		size_t cap = state->capacity ? state->capacity * 2 : 64;
		replay_region *grown = realloc(state->regions, cap * sizeof *grown);
		if (!grown)
			return false;
		state->regions = grown;
		state->capacity = cap;
	}
	state->regions[state->count++] = (replay_region){
		.start = info->start,
		.length = info->length,
		.allocation_base = info->allocation_base,
		.allocation_length = info->allocation_length,
		.is_committed = info->is_committed,
		.initial_perm = info->initial_perm,
		.perm = info->perm,
		.last_perm = last,
		.kind = info->kind,
	};
	return true;
}

static void walk(replay_state *state, const ntvm *vm)
{
	uint64_t address = NTVM_MIN_ADDRESS, max = ntvm_max_address(vm);
	ntvm_region_info info;
	ntvm_perm last = NTVM_PERM_NONE;
	while (address <= max && ntvm_region_info_at_detailed(vm, address, &info, &last) == NTVM_OK) {
		if (info.length == 0)
			break;
		if (info.is_reserved && !push_region(state, &info, last)) {
			state->oom = true;
			return;
		}
		if (info.start + info.length <= address || info.start + info.length - 1 > max)
			break;
		address = info.start + info.length;
	}
}

/* FNV-1a over 64-bit words (n is a multiple of 8). */
static uint64_t hash_bytes(uint64_t h, const uint8_t *bytes, size_t n)
{
	for (size_t i = 0; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, bytes + i, sizeof w);
		h = (h ^ w) * HASH_PRIME;
	}
	return h;
}

static void apply_overlay(uint8_t *page, uint64_t page_address, const replay_overlay *overlay)
{
	if (!overlay || !overlay->bytes)
		return;
	for (size_t i = 0; i < overlay->length; i++) {
		uint64_t a = overlay->address + i;
		if (a >= page_address && a - page_address < PAGE)
			page[a - page_address] = overlay->bytes[i];
	}
}

/* Hash the committed pages of one region that lie in [lo, hi). */
static uint64_t hash_region(uint64_t h, const ntvm *vm, const replay_region *r, uint64_t lo,
                            uint64_t hi, const replay_overlay *overlay, uint64_t *budget)
{
	uint8_t page[PAGE];
	uint64_t from = r->start > lo ? r->start : lo;
	uint64_t end = r->start + r->length;
	uint64_t to = end < hi ? end : hi;
	from &= ~(PAGE - 1);
	for (uint64_t a = from; a < to && *budget >= PAGE; a += PAGE) {
		*budget -= PAGE;
		if (ntvm_read(vm, a, page, PAGE, NULL) != NTVM_OK)
			memset(page, 0xee, sizeof page);
		apply_overlay(page, a, overlay);
		h = hash_bytes(h, (const uint8_t *)&a, sizeof a);
		h = hash_bytes(h, page, sizeof page);
	}
	return h;
}

void replay_state_take(replay_state *state, const ntvm *vm)
{
	state->count = 0;
	state->oom = false;
	walk(state, vm);
	ntvm_get_stats(vm, &state->stats);
	state->layout_version = ntvm_layout_version(vm);
	state->window_lo = state->window_hi = 0;
	state->content_hash = HASH_SEED;
}

void replay_state_hash(replay_state *state, const ntvm *vm, uint64_t window_lo,
                       uint64_t window_hi, const replay_overlay *overlay)
{
	state->window_lo = window_lo;
	state->window_hi = window_hi;
	uint64_t h = HASH_SEED, budget = HASH_LIMIT;
	for (size_t i = 0; i < state->count; i++) {
		const replay_region *r = &state->regions[i];
		if (r->is_committed && r->kind != NTVM_KIND_MMIO && r->start < window_hi && r->start + r->length > window_lo)
			h = hash_region(h, vm, r, window_lo, window_hi, overlay, &budget);
	}
	state->content_hash = h;
}

void replay_state_free(replay_state *state)
{
	free(state->regions);
	memset(state, 0, sizeof *state);
}

const replay_region *replay_state_find(const replay_state *state, uint64_t address)
{
	size_t lo = 0, hi = state->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const replay_region *r = &state->regions[mid];
		if (address < r->start)
			hi = mid;
		else if (address - r->start >= r->length)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

bool replay_state_range_free(const replay_state *state, uint64_t address, uint64_t size)
{
	if (size == 0 || address + size < address)
		return false;
	for (size_t i = 0; i < state->count; i++) {
		const replay_region *r = &state->regions[i];
		if (r->start < address + size && r->start + r->length > address)
			return false;
	}
	return true;
}

/* ---- comparison ---- */

static bool region_same(const replay_region *a, const replay_region *b)
{
	if (!a || !b)
		return a == b;
	return a->allocation_base == b->allocation_base &&
	       a->allocation_length == b->allocation_length && a->is_committed == b->is_committed &&
	       a->initial_perm == b->initial_perm && a->perm == b->perm &&
	       a->last_perm == b->last_perm && a->kind == b->kind;
}

static void describe(char *out, size_t size, const replay_region *r)
{
	if (!r) {
		snprintf(out, size, "free");
		return;
	}
	snprintf(out, size, "allocation 0x%llx+0x%llx %s perm 0x%x last 0x%x initial 0x%x kind %d",
	         (unsigned long long)r->allocation_base, (unsigned long long)r->allocation_length,
	         r->is_committed ? "committed" : "reserved", (unsigned)r->perm,
	         (unsigned)r->last_perm, (unsigned)r->initial_perm, (int)r->kind);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Every address where an attribute may change, sorted (with duplicates). */
static uint64_t *boundaries(const replay_state *a, const replay_state *b, uint64_t guard_page,
                            size_t *count)
{
	size_t n = 2 * (a->count + b->count) + 2, k = 0;
	uint64_t *list = malloc(n * sizeof *list);
	if (!list)
		return NULL;
	for (size_t i = 0; i < a->count; i++) {
		list[k++] = a->regions[i].start;
		list[k++] = a->regions[i].start + a->regions[i].length;
	}
	for (size_t i = 0; i < b->count; i++) {
		list[k++] = b->regions[i].start;
		list[k++] = b->regions[i].start + b->regions[i].length;
	}
	if (guard_page != UINT64_MAX) {
		list[k++] = guard_page;
		list[k++] = guard_page + PAGE;
	}
	qsort(list, k, sizeof *list, cmp_u64);
	*count = k;
	return list;
}

/* Compare the attributes at one boundary; the guard page may only have lost
 * PAGE_GUARD. */
static bool same_at(const replay_state *before, const replay_state *after, uint64_t at,
                    uint64_t guard_page, char *why, size_t why_size)
{
	const replay_region *x = replay_state_find(before, at);
	const replay_region *y = replay_state_find(after, at);
	replay_region cleared;
	if (at == guard_page && x) {
		/* a reserved page faults so only in Wine 8.0 (row RESERVED_GUARD_FAULT) */
		if (!((x->is_committed ? x->perm : x->last_perm) & NTVM_PERM_GUARD)) {
			snprintf(why, why_size, "guard fault at 0x%llx, a page without PAGE_GUARD",
			         (unsigned long long)at);
			return false;
		}
		cleared = *x;
		cleared.perm &= (ntvm_perm)~NTVM_PERM_GUARD;
		cleared.last_perm &= (ntvm_perm)~NTVM_PERM_GUARD;
		x = &cleared;
	}
	if (region_same(x, y))
		return true;
	char was[160], now[160];
	describe(was, sizeof was, x);
	describe(now, sizeof now, y);
	snprintf(why, why_size, "state changed at 0x%llx: was %s, now %s", (unsigned long long)at,
	         was, now);
	return false;
}

static bool stats_equal(const replay_state *a, const replay_state *b, char *why, size_t size)
{
	if (a->stats.reserved_bytes == b->stats.reserved_bytes &&
	    a->stats.committed_bytes == b->stats.committed_bytes &&
	    a->stats.reservation_count == b->stats.reservation_count)
		return true;
	snprintf(why, size, "statistics changed: reserved 0x%llx -> 0x%llx, committed 0x%llx -> 0x%llx",
	         (unsigned long long)a->stats.reserved_bytes,
	         (unsigned long long)b->stats.reserved_bytes,
	         (unsigned long long)a->stats.committed_bytes,
	         (unsigned long long)b->stats.committed_bytes);
	return false;
}

static bool layout_equal(const replay_state *before, const replay_state *after,
                         uint64_t guard_page, char *why, size_t size)
{
	if (before->oom || after->oom) {
		snprintf(why, size, "out of memory while walking the address space");
		return false;
	}
	size_t n = 0;
	uint64_t *list = boundaries(before, after, guard_page, &n);
	if (!list) {
		snprintf(why, size, "out of memory while comparing states");
		return false;
	}
	bool same = true;
	for (size_t i = 0; i < n && same; i++)
		if (i == 0 || list[i] != list[i - 1])
			same = same_at(before, after, list[i], guard_page, why, size);
	free(list);
	return same;
}

bool replay_state_equal(const replay_state *before, const replay_state *after,
                        uint64_t guard_page, char *why, size_t why_size)
{
	if (!layout_equal(before, after, guard_page, why, why_size))
		return false;
	if (!stats_equal(before, after, why, why_size))
		return false;
	if (guard_page == UINT64_MAX && before->layout_version != after->layout_version) {
		snprintf(why, why_size, "layout version changed: %llu -> %llu",
		         (unsigned long long)before->layout_version,
		         (unsigned long long)after->layout_version);
		return false;
	}
	if (before->content_hash != after->content_hash) {
		snprintf(why, why_size, "contents changed in [0x%llx, 0x%llx)",
		         (unsigned long long)before->window_lo, (unsigned long long)before->window_hi);
		return false;
	}
	return true;
}
