/*
 * wl_fragmented.c -- the `fragmented` workload: 100,000 reservations of 16
 * pages, all committed, with alternating protections page by page
 * (read-write, read-only, ...), then a random mix of single-page
 * NtProtectVirtualMemory, NtQueryVirtualMemory, commit and decommit calls.
 * One op is one call.  The set-up is the metadata worst case for small
 * reservations (a per-page protection array in every node).
 */
#include <stdlib.h>

#include "bench.h"

#define RESERVATIONS 100000
#define PAGES 16

typedef struct frag_state {
	bench_target bt;
	uint64_t count, rng;
} frag_state;

static void teardown(void *state)
{
	frag_state *s = state;
	bench_target_close(&s->bt);
	free(s);
}

static bool build(frag_state *s)
{
	const bench_ops *o = s->bt.ops;
	for (uint64_t i = 0; i < s->count; i++) {
		uint64_t base = BENCH_BASE + i * PAGES * BENCH_PAGE;
		if (o->allocate_at(s->bt.t, base, PAGES * BENCH_PAGE, NTVM_PERM_RW, false))
			return false;
		for (uint64_t p = 1; p < PAGES; p += 2)
			if (o->protect(s->bt.t, base + p * BENCH_PAGE, BENCH_PAGE, NTVM_PERM_READ))
				return false;
	}
	return true;
}

static void *setup(const bench_ops *ops, uint64_t scale)
{
	frag_state *s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	s->count = scale;
	s->rng = 42;
	if (!bench_target_open(&s->bt, ops) || !build(s)) {
		teardown(s);
		return NULL;
	}
	return s;
}

static bool one_op(frag_state *s, uint64_t r)
{
	const bench_ops *o = s->bt.ops;
	uint64_t page = BENCH_BASE + ((r >> 8) % (s->count * PAGES)) * BENCH_PAGE;
	uint64_t base = page, size = BENCH_PAGE;
	ntvm_ntstatus st;
	switch (r & 3) {
	case 0: {
		uint32_t old;
		st = o->nt_protect(s->bt.t, &base, &size,
		                   (r & 4) ? NTVM_PAGE_READONLY : NTVM_PAGE_READWRITE, &old);
		return st == NTVM_STATUS_SUCCESS || st == NTVM_STATUS_NOT_COMMITTED;
	}
	case 1: {
		ntvm_memory_basic_information mbi;
		return o->nt_query(s->bt.t, page, &mbi) == NTVM_STATUS_SUCCESS &&
		       mbi.AllocationBase != 0;
	}
	case 2:
		return o->nt_alloc(s->bt.t, &base, &size, NTVM_MEM_COMMIT,
		                   (r & 4) ? NTVM_PAGE_READONLY : NTVM_PAGE_READWRITE) == 0;
	default:
		return o->nt_free(s->bt.t, &base, &size, NTVM_MEM_DECOMMIT) == 0;
	}
}

static bool op(void *state, uint64_t n)
{
	frag_state *s = state;
	for (uint64_t i = 0; i < n; i++)
		if (!one_op(s, bench_rand(&s->rng)))
			return false;
	return true;
}

void wl_fragmented(bench_ctx *ctx)
{
	bench_case c = { "fragmented", "fragmented", RESERVATIONS / ctx->scale_div, setup, op,
	                 teardown, bench_target_of, 0, NULL, 0, NULL };
	bench_run_case(ctx, &c);
}
