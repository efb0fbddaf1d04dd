/*
 * runner.c -- how a figure is measured: a loop calibrated to last at least
 * min_repeat_ms, timed `repeats` times, the median taken (the machine is
 * shared, so the median and the spread are reported, never the mean).
 * Time is the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), not wall time:
 * on a machine shared by several busy users, wall time mostly measures how
 * long the scheduler kept us waiting.
 * Also the common case runner that puts ntvm and the model side by side.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define MAX_REPEATS 31

uint64_t bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

long bench_peak_rss_kb(void)
{
	struct rusage ru;
	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

uint64_t bench_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;
	return x < y ? -1 : x > y;
}

/* Double the loop length until one loop takes min_repeat_ms. */
static bool calibrate(const bench_ctx *ctx, bench_op_fn op, void *state, uint64_t *n)
{
	uint64_t want = (uint64_t) (ctx->min_repeat_ms * 1e6);
	for (*n = 1;; *n *= 2) {
		uint64_t t0 = bench_now_ns();
		if (!op(state, *n))
			return false;
		uint64_t dt = bench_now_ns() - t0;
		if (dt >= want || *n >= (1ull << 40))
			return true;
		if (dt > want / 8 && dt > 0) {
			*n = (uint64_t) ((double) *n * (double) want / (double) dt) + 1;
			return true;
		}
	}
}

bench_timing bench_measure(const bench_ctx *ctx, bench_op_fn op, void *state)
{
	bench_timing tm = { -1, 0, -1, false };
	double ns[MAX_REPEATS];
	int repeats = ctx->repeats < 1 ? 1 : ctx->repeats > MAX_REPEATS ? MAX_REPEATS : ctx->repeats;
	uint64_t n;
	if (!calibrate(ctx, op, state, &n))
		return tm;
	for (int i = 0; i < repeats; i++) {
		uint64_t t0 = bench_now_ns();
		if (!op(state, n))
			return tm;
		ns[i] = (double) (bench_now_ns() - t0) / (double) n;
	}
	qsort(ns, (size_t) repeats, sizeof *ns, cmp_double);
	tm.ns_op = ns[repeats / 2];
	tm.min_ns_op = ns[0];
	tm.spread = tm.ns_op > 0 ? (ns[repeats - 1] - ns[0]) / tm.ns_op : 0;
	tm.ok = true;
	return tm;
}

void bench_row_init(bench_row *row, const char *group, const char *name, uint64_t scale)
{
	memset(row, 0, sizeof *row);
	snprintf(row->name, sizeof row->name, "%s", name);
	snprintf(row->group, sizeof row->group, "%s", group);
	row->scale = scale;
	row->ns_op = row->min_ns_op = row->model_ns_op = row->ntvm_at_model_scale = row->extra = -1;
	row->peak_rss_kb = -1;
}

void bench_row_stats(bench_row *row, const bench_ops *ops, void *t)
{
	ntvm_stats st;
	ops->stats(t, &st);
	row->metadata_bytes = st.metadata_bytes;
	row->reserved_pages = st.reserved_bytes / BENCH_PAGE;
	row->reservations = st.reservation_count;
}

void bench_emit(bench_ctx *ctx, const bench_row *row)
{
	const char *p = (const char *) row;
	size_t left = sizeof *row;
	while (left) {
		ssize_t w = write(ctx->out_fd, p, left);
		if (w <= 0) {
			perror("ntvm-bench: writing a result");
			exit(3);
		}
		p += w;
		left -= (size_t) w;
	}
}

bool bench_fail(bench_ctx *ctx, const char *workload, const char *what)
{
	fprintf(stderr, "ntvm-bench: %s: %s\n", workload, what);
	ctx->failed = true;
	return false;
}

/* Set up c at scale on ops, time it; *stats_row (optional) gets statistics. */
static bench_timing time_case(bench_ctx *ctx, const bench_case *c, const bench_ops *ops,
                              uint64_t scale, bench_row *stats_row)
{
	bench_timing tm = { -1, 0, -1, false };
	void *state = c->setup(ops, scale);
	if (state == NULL) {
		bench_fail(ctx, c->name, ops == ctx->model ? "model set-up failed" : "ntvm set-up failed");
		return tm;
	}
	tm = bench_measure(ctx, c->op, state);
	if (!tm.ok)
		bench_fail(ctx, c->name, ops == ctx->model ? "unexpected model result" : "unexpected ntvm result");
	if (stats_row) {
		bench_row_stats(stats_row, ops, c->target_of(state));
		stats_row->peak_rss_kb = bench_peak_rss_kb();
	}
	c->teardown(state);
	return tm;
}

void bench_model_side(bench_ctx *ctx, const bench_case *c, bench_row *row)
{
	if (ctx->model == NULL || ctx->failed)
		return;
	uint64_t cap = c->model_cap ? c->model_cap : ctx->model_cap;
	uint64_t scale = c->scale < cap ? c->scale : cap;
	bench_timing m = time_case(ctx, c, ctx->model, scale, NULL);
	if (!m.ok)
		return;
	row->model_ns_op = m.ns_op;
	row->model_scale = scale;
	row->ntvm_at_model_scale = row->ns_op;
	if (scale != c->scale) {
		bench_timing n = time_case(ctx, c, &bench_ntvm_ops, scale, NULL);
		row->ntvm_at_model_scale = n.ok ? n.ns_op : -1;
	}
}

void bench_run_case(bench_ctx *ctx, const bench_case *c)
{
	bench_row row;
	bench_row_init(&row, c->group, c->name, c->scale);
	bench_timing tm = time_case(ctx, c, c->ntvm ? c->ntvm : &bench_ntvm_ops, c->scale, &row);
	if (!tm.ok)
		return;
	row.ns_op = tm.ns_op;
	row.min_ns_op = tm.min_ns_op;
	row.spread = tm.spread;
	if (c->ntvm == NULL)
		bench_model_side(ctx, c, &row);
	if (c->calls_per_op > 1) {
		double k = c->calls_per_op;
		row.extra = row.ns_op;
		snprintf(row.extra_unit, sizeof row.extra_unit, "%s", c->op_unit ? c->op_unit : "ns/op");
		row.ns_op /= k;
		row.min_ns_op /= k;
		if (row.model_ns_op > 0)
			row.model_ns_op /= k;
		if (row.ntvm_at_model_scale > 0)
			row.ntvm_at_model_scale /= k;
	}
	bench_emit(ctx, &row);
}
