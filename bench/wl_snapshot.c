/*
 * wl_snapshot.c -- the `snapshot` workload: serialize (metadata only,
 * is_snapshot true) and deserialize a state of 100k query regions (the
 * query-walk state).  One op is one whole snapshot; the extra figure is
 * the throughput in MB/s of the manager's own metadata (metadata_bytes per
 * second, the target's measure); the note gives the serialized size and
 * its rate.  The oracle model has no snapshots.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#define REGIONS 100000

typedef struct snap_state {
	bench_target bt;
	ntvm *dst;
	ntvm_buffer buf;
} snap_state;

static bool save_op(void *state, uint64_t n)
{
	snap_state *s = state;
	for (uint64_t i = 0; i < n; i++) {
		s->buf.size = 0;
		if (ntvm_serialize(s->bt.t, true, &s->buf) != NTVM_OK)
			return false;
	}
	return true;
}

static bool load_op(void *state, uint64_t n)
{
	snap_state *s = state;
	for (uint64_t i = 0; i < n; i++) {
		ntvm_snapshot_error err;
		if (ntvm_deserialize(s->dst, s->buf.data, s->buf.size, true, &err) != NTVM_OK)
			return false;
	}
	return true;
}

static void emit(bench_ctx *ctx, const char *name, bench_timing tm, snap_state *s)
{
	bench_row row;
	bench_row_init(&row, "snapshot", name, REGIONS / ctx->scale_div);
	bench_row_stats(&row, &bench_ntvm_ops, s->bt.t);
	row.peak_rss_kb = bench_peak_rss_kb();
	row.ns_op = tm.ns_op;
	row.min_ns_op = tm.min_ns_op;
	row.spread = tm.spread;
	double seconds = tm.ns_op / 1e9;
	row.extra = (double) row.metadata_bytes / seconds / 1e6;
	snprintf(row.extra_unit, sizeof row.extra_unit, "MB/s meta");
	snprintf(row.note, sizeof row.note, "%.2f ms; %zu bytes serialized, %.0f MB/s of them",
	         tm.ns_op / 1e6, s->buf.size, (double) s->buf.size / seconds / 1e6);
	bench_emit(ctx, &row);
}

void wl_snapshot(bench_ctx *ctx)
{
	snap_state s = { 0 };
	if (!bench_target_open(&s.bt, &bench_ntvm_ops) ||
	    bench_build_regions(&s.bt, REGIONS / ctx->scale_div) == 0 ||
	    (s.dst = ntvm_create(NULL)) == NULL) {
		bench_fail(ctx, "snapshot", "ntvm set-up failed");
		bench_target_close(&s.bt);
		return;
	}
	bench_timing save = bench_measure(ctx, save_op, &s);
	bench_timing load = save.ok ? bench_measure(ctx, load_op, &s) : save;
	ntvm_stats a, b;
	ntvm_get_stats(s.bt.t, &a);
	ntvm_get_stats(s.dst, &b);
	if (!save.ok || !load.ok || a.reservation_count != b.reservation_count ||
	    a.committed_bytes != b.committed_bytes)
		bench_fail(ctx, "snapshot", "serialize/deserialize failed or lost state");
	else {
		emit(ctx, "snapshot-save", save, &s);
		emit(ctx, "snapshot-load", load, &s);
	}
	ntvm_buffer_free(&s.buf);
	ntvm_destroy(s.dst);
	bench_target_close(&s.bt);
}
