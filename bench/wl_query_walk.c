/*
 * wl_query_walk.c -- the `query-walk` workload: the VirtualQuery loop many
 * programs run at start-up, NtQueryVirtualMemory from address 0 to the top
 * of the user space, each query starting where the previous region ended,
 * over 100k regions.  One op is one query; the extra figure is the time of
 * one whole walk.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#define REGIONS 100000
#define RES_PAGES 16
#define STRIDE BENCH_REGIONS_STRIDE

uint64_t bench_build_regions(const bench_target *bt, uint64_t regions)
{
	uint64_t count = regions / 4;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t base = BENCH_BASE + i * STRIDE;
		if (bt->ops->allocate_at(bt->t, base, RES_PAGES * BENCH_PAGE, NTVM_PERM_RW, true) ||
		    bt->ops->commit(bt->t, base, BENCH_PAGE, NTVM_PERM_RW) ||
		    bt->ops->commit(bt->t, base + (RES_PAGES - 1) * BENCH_PAGE, BENCH_PAGE, NTVM_PERM_READ))
			return 0;
	}
	return count;
}

typedef struct walk_state {
	bench_target bt;
	uint64_t cursor, top, regions;
} walk_state;

static void teardown(void *state)
{
	walk_state *s = state;
	bench_target_close(&s->bt);
	free(s);
}

static bool step(walk_state *s)
{
	ntvm_memory_basic_information mbi;
	if (s->bt.ops->nt_query(s->bt.t, s->cursor, &mbi) || mbi.RegionSize == 0 ||
	    mbi.BaseAddress != s->cursor)
		return false;
	s->cursor += mbi.RegionSize;
	if (s->cursor >= s->top)
		s->cursor = 0;
	return true;
}

static void *setup(const bench_ops *ops, uint64_t scale)
{
	walk_state *s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	s->top = 0x7FFFFFFF0000ull;
	if (!bench_target_open(&s->bt, ops) || bench_build_regions(&s->bt, scale) == 0) {
		teardown(s);
		return NULL;
	}
	do {
		if (!step(s)) {
			teardown(s);
			return NULL;
		}
		s->regions++;
	} while (s->cursor != 0);
	return s;
}

static bool op(void *state, uint64_t n)
{
	walk_state *s = state;
	for (uint64_t i = 0; i < n; i++)
		if (!step(s))
			return false;
	return true;
}

void wl_query_walk(bench_ctx *ctx)
{
	bench_case c = { "query-walk", "query-walk", REGIONS / ctx->scale_div, setup, op, teardown,
	                 bench_target_of, 0, NULL, 0, NULL };
	bench_row row;
	bench_row_init(&row, c.group, c.name, c.scale);
	walk_state *s = setup(&bench_ntvm_ops, c.scale);
	if (s == NULL) {
		bench_fail(ctx, c.name, "ntvm set-up failed");
		return;
	}
	bench_timing tm = bench_measure(ctx, op, s);
	bench_row_stats(&row, &bench_ntvm_ops, s->bt.t);
	row.peak_rss_kb = bench_peak_rss_kb();
	uint64_t regions = s->regions;
	teardown(s);
	if (!tm.ok) {
		bench_fail(ctx, c.name, "unexpected ntvm result");
		return;
	}
	row.ns_op = tm.ns_op;
	row.min_ns_op = tm.min_ns_op;
	row.spread = tm.spread;
	row.extra = tm.ns_op * (double) regions / 1e6;
	snprintf(row.extra_unit, sizeof row.extra_unit, "ms/walk");
	snprintf(row.note, sizeof row.note, "%llu regions per walk", (unsigned long long) regions);
	bench_model_side(ctx, &c, &row);
	bench_emit(ctx, &row);
}
