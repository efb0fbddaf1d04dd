/*
 * wl_access.c -- the `access` workload: CPU reads and writes of 1, 8 and
 * 64 bytes (NtAccess, the emulator's path) through the default backend,
 * at 1024 fixed random offsets of a committed read-write 1 MiB region whose
 * pages all hold data (some accesses cross a page boundary).  One op is
 * one access.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#define REGION (1ull << 20)
#define OFFSETS 1024

typedef struct access_state {
	bench_target bt;
	size_t length;
	uint32_t access;
	uint64_t offsets[OFFSETS];
	uint64_t next;
	uint8_t data[64];
} access_state;

/* The access of the case being set up (one case at a time). */
static size_t case_length;
static uint32_t case_access;

static void teardown(void *state)
{
	access_state *s = state;
	bench_target_close(&s->bt);
	free(s);
}

static void *setup(const bench_ops *ops, uint64_t scale)
{
	access_state *s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	s->length = case_length;
	s->access = case_access;
	if (!bench_target_open(&s->bt, ops) ||
	    ops->allocate_at(s->bt.t, BENCH_BASE, REGION, NTVM_PERM_RW, false)) {
		teardown(s);
		return NULL;
	}
	for (uint64_t p = 0; p < REGION; p += BENCH_PAGE) {
		uint64_t fault;
		if (ops->nt_access(s->bt.t, BENCH_BASE + p, s->data, 8, NTVM_ACCESS_WRITE, &fault)) {
			teardown(s);
			return NULL;
		}
	}
	uint64_t rng = 99;
	for (int i = 0; i < OFFSETS; i++)
		s->offsets[i] = BENCH_BASE + bench_rand(&rng) % (REGION - s->length + 1);
	return s;
}

static bool op(void *state, uint64_t n)
{
	access_state *s = state;
	const bench_ops *o = s->bt.ops;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t fault;
		if (o->nt_access(s->bt.t, s->offsets[s->next++ & (OFFSETS - 1)], s->data, s->length,
		                 s->access, &fault))
			return false;
	}
	return true;
}

void wl_access(bench_ctx *ctx)
{
	static const size_t lengths[] = { 1, 8, 64 };
	for (int w = 0; w < 2; w++) {
		for (size_t i = 0; i < sizeof lengths / sizeof *lengths && !ctx->failed; i++) {
			char name[BENCH_NAME_MAX];
			snprintf(name, sizeof name, "access-%s-%zu", w ? "write" : "read", lengths[i]);
			case_length = lengths[i];
			case_access = w ? NTVM_ACCESS_WRITE : NTVM_ACCESS_READ;
			bench_case c = { "access", name, 1, setup, op, teardown, bench_target_of, 0, NULL, 0, NULL };
			bench_run_case(ctx, &c);
		}
	}
}
