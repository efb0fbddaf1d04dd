/*
 * wl_find_free.c -- the `find-free` workload: allocate-anywhere with 1k,
 * 10k, 100k and 1M live reservations, bottom-up and top-down, and queries
 * at the same sizes.
 *
 * The live reservations are 64 KiB each, packed in one block with a free
 * 64 KiB hole after every eighth: at the default allocation address for
 * bottom-up, at the top of the user space for top-down.  One op is an
 * NtAllocateVirtualMemory of 128 KiB at a system-chosen base (MEM_TOP_DOWN
 * for top-down) and its release: no hole fits, so the search must skip
 * every hole of the block (real Windows walks them one by one top-down).
 * The base returned is checked.  A query op is an NtQueryVirtualMemory at
 * one of 1024 fixed random addresses inside the block (`query`: at 1M
 * their paths do not fit in the caches), or at one of the first 16 of them
 * (`query-hot`: the paths stay cached, so the figure shows the depth of the
 * tree rather than the memory system).  The block grows in
 * place from one size to the next.  The extra figure is the growth ratio
 * against the 1k figure.  The model runs up to model_cap live reservations.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#define TOP 0x7FFFFFFF0000ull /* max_address + 1 of the 64-bit profile */
#define SAMPLES 1024

typedef struct ff_state {
	bench_target bt;
	bool top_down;
	uint64_t count;
	uint64_t samples[SAMPLES];
	uint64_t next;
} ff_state;

static uint64_t slot(uint64_t i) { return i + i / 8; } /* granule index of reservation i */

static uint64_t address_of(const ff_state *s, uint64_t granule)
{
	return s->top_down ? TOP - (granule + 1) * BENCH_GRANULE : BENCH_BASE + granule * BENCH_GRANULE;
}

static bool grow_to(ff_state *s, uint64_t count)
{
	for (; s->count < count; s->count++)
		if (s->bt.ops->allocate_at(s->bt.t, address_of(s, slot(s->count)), BENCH_GRANULE,
		                           NTVM_PERM_RW, true))
			return false;
	uint64_t rng = count, span = slot(count - 1) + 1;
	for (int i = 0; i < SAMPLES; i++)
		s->samples[i] = address_of(s, bench_rand(&rng) % span) + (bench_rand(&rng) % 16) * BENCH_PAGE;
	return true;
}

static ff_state *open_state(const bench_ops *ops, bool top_down)
{
	ff_state *s = calloc(1, sizeof *s);
	if (s && !bench_target_open(&s->bt, ops)) {
		free(s);
		return NULL;
	}
	if (s)
		s->top_down = top_down;
	return s;
}

static void close_state(ff_state *s)
{
	bench_target_close(&s->bt);
	free(s);
}

static bool alloc_op(void *state, uint64_t n)
{
	ff_state *s = state;
	const bench_ops *o = s->bt.ops;
	uint64_t edge = slot(s->count - 1) + 1;
	uint64_t want = s->top_down ? TOP - edge * BENCH_GRANULE - 2 * BENCH_GRANULE
	                            : BENCH_BASE + edge * BENCH_GRANULE;
	uint32_t type = NTVM_MEM_RESERVE | (s->top_down ? NTVM_MEM_TOP_DOWN : 0);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t base = 0, size = 2 * BENCH_GRANULE, zero = 0;
		if (o->nt_alloc(s->bt.t, &base, &size, type, NTVM_PAGE_READWRITE) || base != want)
			return false;
		if (o->nt_free(s->bt.t, &base, &zero, NTVM_MEM_RELEASE))
			return false;
	}
	return true;
}

static bool query_some(ff_state *s, uint64_t n, uint64_t mask)
{
	for (uint64_t i = 0; i < n; i++) {
		ntvm_memory_basic_information mbi;
		if (s->bt.ops->nt_query(s->bt.t, s->samples[s->next++ & mask], &mbi) ||
		    mbi.RegionSize == 0)
			return false;
	}
	return true;
}

static bool query_op(void *state, uint64_t n)
{
	return query_some(state, n, SAMPLES - 1);
}

static bool query_hot_op(void *state, uint64_t n)
{
	return query_some(state, n, 15);
}

static const char *label(uint64_t n, char *buf, size_t len)
{
	if (n >= 1000000 && n % 1000000 == 0)
		snprintf(buf, len, "%lluM", (unsigned long long) (n / 1000000));
	else if (n >= 1000 && n % 1000 == 0)
		snprintf(buf, len, "%lluk", (unsigned long long) (n / 1000));
	else
		snprintf(buf, len, "%llu", (unsigned long long) n);
	return buf;
}

/* One figure on ops at the state's current size; < 0 on failure. */
static double figure(bench_ctx *ctx, bench_op_fn fn, ff_state *s, const char *name,
                     double *min_ns)
{
	bench_timing tm = bench_measure(ctx, fn, s);
	if (min_ns)
		*min_ns = tm.min_ns_op;
	if (!tm.ok) {
		bench_fail(ctx, name, s->bt.ops == &bench_ntvm_ops ? "unexpected ntvm result"
		                                                    : "unexpected model result");
		return -1;
	}
	return tm.ns_op;
}

#define SIZES 4

/* A measure taken at every size of one block. */
typedef struct measure {
	const char *prefix;
	bench_op_fn fn;
	double model[SIZES];
	bench_row rows[SIZES];
} measure;

/* Model figures at each size up to the cap (the model is O(n) per call). */
static void model_figures(bench_ctx *ctx, const uint64_t *sizes, bool top_down, measure *m,
                          int count)
{
	for (int k = 0; k < count; k++)
		for (int i = 0; i < SIZES; i++)
			m[k].model[i] = -1;
	if (ctx->model == NULL)
		return;
	ff_state *s = open_state(ctx->model, top_down);
	if (s == NULL)
		return;
	for (int i = 0; i < SIZES && sizes[i] <= BENCH_MODEL_CAP_CHOOSING(ctx) && !ctx->failed; i++) {
		if (!grow_to(s, sizes[i])) {
			bench_fail(ctx, "find-free", "model set-up failed");
			break;
		}
		for (int k = 0; k < count; k++)
			m[k].model[i] = figure(ctx, m[k].fn, s, m[k].prefix, NULL);
	}
	close_state(s);
}

static bool take_row(bench_ctx *ctx, ff_state *s, measure *m, const uint64_t *sizes, int i)
{
	char name[BENCH_NAME_MAX], lb[16];
	bench_row *row = &m->rows[i];
	snprintf(name, sizeof name, "%s@%s", m->prefix, label(sizes[i], lb, sizeof lb));
	bench_row_init(row, "find-free", name, sizes[i]);
	if ((row->ns_op = figure(ctx, m->fn, s, name, &row->min_ns_op)) < 0)
		return false;
	bench_row_stats(row, &bench_ntvm_ops, s->bt.t);
	row->peak_rss_kb = bench_peak_rss_kb();
	row->extra = row->ns_op / m->rows[0].ns_op;
	snprintf(row->extra_unit, sizeof row->extra_unit, "x vs %s", label(sizes[0], lb, sizeof lb));
	if (m->model[i] >= 0) {
		row->model_ns_op = m->model[i];
		row->model_scale = sizes[i];
		row->ntvm_at_model_scale = row->ns_op;
	}
	return true;
}

/* Grow one block through the sizes, taking every measure at each size;
 * rows are emitted measure by measure. */
static void series(bench_ctx *ctx, bool top_down, measure *m, int count)
{
	uint64_t sizes[SIZES] = { 1000, 10000, 100000, 1000000 };
	for (int i = 0; i < SIZES; i++)
		sizes[i] /= ctx->scale_div;
	model_figures(ctx, sizes, top_down, m, count);
	ff_state *s = open_state(&bench_ntvm_ops, top_down);
	if (s == NULL) {
		bench_fail(ctx, m[0].prefix, "ntvm set-up failed");
		return;
	}
	int done = 0;
	for (int i = 0; i < SIZES && !ctx->failed; i++, done++) {
		if (!grow_to(s, sizes[i])) {
			bench_fail(ctx, m[0].prefix, "ntvm set-up failed");
			break;
		}
		for (int k = 0; k < count; k++)
			if (!take_row(ctx, s, &m[k], sizes, i))
				break;
	}
	close_state(s);
	for (int k = 0; k < count && !ctx->failed; k++)
		for (int i = 0; i < done; i++)
			bench_emit(ctx, &m[k].rows[i]);
}

void wl_find_free(bench_ctx *ctx)
{
	measure bottom_up[3] = { { .prefix = "find-free-bu", .fn = alloc_op },
	                         { .prefix = "query", .fn = query_op },
	                         { .prefix = "query-hot", .fn = query_hot_op } };
	measure top_down[1] = { { .prefix = "find-free-td", .fn = alloc_op } };
	series(ctx, false, bottom_up, 3);
	series(ctx, true, top_down, 1);
}
