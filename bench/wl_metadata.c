/*
 * wl_metadata.c -- the `metadata` group: what the manager's bookkeeping
 * costs, as it reports it itself (ntvm_stats.metadata_bytes) and as the C
 * heap sees it (glibc mallinfo2, malloc's own headers included).  No
 * timing.  Shapes, each on many reservations:
 *   uniform     every page committed with one protection (no per-page state)
 *   commit-mix  every other page committed, one protection (commit bitmap)
 *   worst       every other page committed, alternating protections
 *               (commit bitmap and per-page protection array)
 * The extra figure is bytes per reservation, the manager's fixed struct
 * excluded; the note gives the heap's figure.
 */
#include <malloc.h>
#include <stdio.h>

#include "bench.h"

typedef struct shape {
	const char *name;
	uint64_t count, pages;
	bool mixed_commit, mixed_protect;
} shape;

static bool build(const bench_target *bt, const shape *sh)
{
	const bench_ops *o = bt->ops;
	uint64_t size = sh->pages * BENCH_PAGE, stride = (size + BENCH_GRANULE - 1) / BENCH_GRANULE * BENCH_GRANULE;
	for (uint64_t i = 0; i < sh->count; i++) {
		uint64_t base = BENCH_BASE + i * stride;
		if (o->allocate_at(bt->t, base, size, NTVM_PERM_RW, sh->mixed_commit))
			return false;
		for (uint64_t p = 0; sh->mixed_commit && p < sh->pages; p += 2)
			if (o->commit(bt->t, base + p * BENCH_PAGE, BENCH_PAGE,
			              sh->mixed_protect && (p & 2) ? NTVM_PERM_READ : NTVM_PERM_RW))
				return false;
	}
	return true;
}

static void one_shape(bench_ctx *ctx, const shape *sh)
{
	bench_target bt;
	if (!bench_target_open(&bt, &bench_ntvm_ops)) {
		bench_fail(ctx, sh->name, "ntvm set-up failed");
		return;
	}
	ntvm_stats empty;
	ntvm_get_stats(bt.t, &empty);
	size_t heap_before = mallinfo2().uordblks;
	if (!build(&bt, sh)) {
		bench_fail(ctx, sh->name, "ntvm set-up failed");
		bench_target_close(&bt);
		return;
	}
	size_t heap_after = mallinfo2().uordblks;
	bench_row row;
	bench_row_init(&row, "metadata", sh->name, sh->count);
	bench_row_stats(&row, &bench_ntvm_ops, bt.t);
	row.peak_rss_kb = bench_peak_rss_kb();
	row.extra = (double) (row.metadata_bytes - empty.metadata_bytes) / (double) sh->count;
	snprintf(row.extra_unit, sizeof row.extra_unit, "B/res");
	snprintf(row.note, sizeof row.note, "%llu pages/res; heap (malloc) %.1f B/res",
	         (unsigned long long) sh->pages,
	         (double) (heap_after - heap_before) / (double) sh->count);
	bench_target_close(&bt);
	bench_emit(ctx, &row);
}

void wl_metadata(bench_ctx *ctx)
{
	uint64_t many = 10000 / ctx->scale_div, some = 1000 / ctx->scale_div;
	const shape shapes[] = {
		{ "meta-uniform-16", many, 16, false, false },
		{ "meta-commit-mix-16", many, 16, true, false },
		{ "meta-commit-mix-1024", some, 1024, true, false },
		{ "meta-worst-16", many, 16, true, true },
		{ "meta-worst-1024", some, 1024, true, true },
	};
	for (size_t i = 0; i < sizeof shapes / sizeof *shapes && !ctx->failed; i++)
		one_shape(ctx, &shapes[i]);
}
