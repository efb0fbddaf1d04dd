/*
 * wl_cycle.c -- the `cycle` workload: one NtAllocateVirtualMemory reserve of
 * 64 KiB at a system-chosen base, a commit of its first 4 KiB, an
 * NtQueryVirtualMemory of it and an NtFreeVirtualMemory release, with
 * 10,000 other live reservations (each 64 KiB reserved, 4 KiB committed).
 * The row's ns/op is per NT call (the cycle's time / 4: the target
 * and Wine's figure are per call); extra is the time of the whole cycle.
 * `cycle-null-backend` runs the same over a backend that does nothing: the
 * manager's and NT layer's own share.
 */
#include <stdlib.h>

#include "bench.h"

#define LIVE 10000

typedef struct cycle_state {
	bench_target bt;
} cycle_state;

static void teardown(void *state)
{
	cycle_state *s = state;
	bench_target_close(&s->bt);
	free(s);
}

static void *setup(const bench_ops *ops, uint64_t scale)
{
	cycle_state *s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	if (!bench_target_open(&s->bt, ops)) {
		free(s);
		return NULL;
	}
	for (uint64_t i = 0; i < scale; i++) {
		if (bench_nt_reserve_commit(&s->bt) == 0) {
			teardown(s);
			return NULL;
		}
	}
	return s;
}

static bool op(void *state, uint64_t n)
{
	cycle_state *s = state;
	const bench_ops *o = s->bt.ops;
	void *t = s->bt.t;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t base = 0, size = BENCH_GRANULE;
		if (o->nt_alloc(t, &base, &size, NTVM_MEM_RESERVE, NTVM_PAGE_READWRITE))
			return false;
		uint64_t page = base, psize = BENCH_PAGE;
		if (o->nt_alloc(t, &page, &psize, NTVM_MEM_COMMIT, NTVM_PAGE_READWRITE))
			return false;
		ntvm_memory_basic_information mbi;
		if (o->nt_query(t, base, &mbi) || mbi.State != NTVM_MEM_COMMIT ||
		    mbi.RegionSize != BENCH_PAGE)
			return false;
		uint64_t zero = 0;
		if (o->nt_free(t, &base, &zero, NTVM_MEM_RELEASE))
			return false;
	}
	return true;
}

void wl_cycle(bench_ctx *ctx)
{
	bench_case c = { "cycle", "cycle", LIVE / ctx->scale_div, setup, op, teardown,
	                 bench_target_of, BENCH_MODEL_CAP_CHOOSING(ctx), NULL, BENCH_CYCLE_CALLS,
	                 "ns/cycle" };
	bench_run_case(ctx, &c);
	c.name = "cycle-null-backend";
	c.ntvm = &bench_ntvm_null_backend_ops;
	if (!ctx->failed)
		bench_run_case(ctx, &c);
}
