/*
 * wl_sparse.c -- the `sparse-huge` workload: four reservations of 1 TiB
 * each (2^28 pages apiece), 64 commits of 64 KiB at random granules in each
 * (all read-write), then NtQueryVirtualMemory walking them from the first
 * base to the end of the last, wrapping around.  One op is one query.
 * The extra figure is the number of regions in one walk.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#define HUGE_COUNT 4
#define HUGE_SIZE (1ull << 40)
#define HUGE_STRIDE (2ull << 40) /* 1 TiB free between two reservations */
#define HUGE_FIRST (2ull << 40)
#define COMMITS 64

typedef struct sparse_state {
	bench_target bt;
	uint64_t cursor, end, count;
} sparse_state;

static void teardown(void *state)
{
	sparse_state *s = state;
	bench_target_close(&s->bt);
	free(s);
}

static bool build(sparse_state *s)
{
	const bench_ops *o = s->bt.ops;
	uint64_t rng = 7, granules = HUGE_SIZE / BENCH_GRANULE;
	for (uint64_t i = 0; i < s->count; i++) {
		uint64_t base = HUGE_FIRST + i * HUGE_STRIDE;
		if (o->allocate_at(s->bt.t, base, HUGE_SIZE, NTVM_PERM_RW, true))
			return false;
		for (int c = 0; c < COMMITS; c++) {
			uint64_t at = base + (bench_rand(&rng) % granules) * BENCH_GRANULE;
			if (o->commit(s->bt.t, at, BENCH_GRANULE, NTVM_PERM_RW))
				return false;
		}
	}
	s->cursor = HUGE_FIRST;
	s->end = HUGE_FIRST + (s->count - 1) * HUGE_STRIDE + HUGE_SIZE;
	return true;
}

static void *setup(const bench_ops *ops, uint64_t scale)
{
	sparse_state *s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	s->count = scale;
	if (!bench_target_open(&s->bt, ops) || !build(s)) {
		teardown(s);
		return NULL;
	}
	return s;
}

static bool op(void *state, uint64_t n)
{
	sparse_state *s = state;
	for (uint64_t i = 0; i < n; i++) {
		ntvm_memory_basic_information mbi;
		if (s->bt.ops->nt_query(s->bt.t, s->cursor, &mbi) || mbi.RegionSize == 0)
			return false;
		s->cursor = mbi.BaseAddress + mbi.RegionSize;
		if (s->cursor >= s->end)
			s->cursor = HUGE_FIRST;
	}
	return true;
}

/* Regions met by one walk over the reservations. */
static double walk_length(const bench_ops *ops)
{
	sparse_state *s = setup(ops, HUGE_COUNT);
	if (s == NULL)
		return -1;
	double regions = 0;
	for (uint64_t a = HUGE_FIRST; a < s->end; regions++) {
		ntvm_memory_basic_information mbi;
		if (ops->nt_query(s->bt.t, a, &mbi) || mbi.RegionSize == 0) {
			regions = -1;
			break;
		}
		a = mbi.BaseAddress + mbi.RegionSize;
	}
	teardown(s);
	return regions;
}

void wl_sparse_huge(bench_ctx *ctx)
{
	bench_case c = { "sparse-huge", "sparse-huge", HUGE_COUNT, setup, op, teardown,
	                 bench_target_of, 0, NULL, 0, NULL };
	bench_row row;
	bench_row_init(&row, c.group, c.name, c.scale);
	void *state = setup(&bench_ntvm_ops, c.scale);
	if (state == NULL) {
		bench_fail(ctx, c.name, "ntvm set-up failed");
		return;
	}
	bench_timing tm = bench_measure(ctx, op, state);
	bench_row_stats(&row, &bench_ntvm_ops, bench_target_of(state));
	row.peak_rss_kb = bench_peak_rss_kb();
	teardown(state);
	if (!tm.ok) {
		bench_fail(ctx, c.name, "unexpected ntvm result");
		return;
	}
	row.ns_op = tm.ns_op;
	row.min_ns_op = tm.min_ns_op;
	row.spread = tm.spread;
	row.extra = walk_length(&bench_ntvm_ops);
	snprintf(row.extra_unit, sizeof row.extra_unit, "regions/walk");
	bench_model_side(ctx, &c, &row);
	bench_emit(ctx, &row);
}
