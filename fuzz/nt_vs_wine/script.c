/*
 * script.c -- an nt_ops input as a trace script for nt_vs_wine.  The
 * decoder resolves addresses and sizes against a state; here that state is
 * the oracle model (Wine 8.0 profile) with the arena moved to the trace
 * format's default base, which is free in a Wine process.  Operations the
 * recorder would refuse (addresses outside the arena and the script's own
 * allocations: under Wine they may reach the process's own memory) and
 * those the format cannot express (execute) are left out; queries of other
 * classes become basic queries.
 */
#include <stdlib.h>
#include <string.h>

#include "decoder.h"
#include "model.h"
#include "nt_vs_wine.h"

#define NVW_MAX_ALLOC 0x1000000000ull /* 64 GiB */

struct gen {
	model m;
	fuzz_env env;
	struct ntvm_trace *t;
	struct ntvm_trace_env names; /* the script's $n, one per alloc with ADDR 0 */
	size_t dropped;
};

/* Inside the arena, or inside one reservation the script made. */
static int in_scope(const struct gen *g, uint64_t a, uint64_t len)
{
	ntvm_reservation r;

	if (len == 0 || a + len < a)
		return 0;
	if (a >= NVW_ARENA_BASE && a + len <= NVW_ARENA_BASE + NVW_ARENA_SIZE)
		return 1;
	return model_reservation_containing(&g->m, a, &r) && a + len <= r.base + r.length;
}

static struct ntvm_trace_val val(uint64_t v)
{
	struct ntvm_trace_val x;

	memset(&x, 0, sizeof x);
	x.v = v;
	return x;
}

static void emit(struct gen *g, uint8_t op, uint64_t addr, int nargs, const uint64_t *rest,
                 uint32_t binds)
{
	struct ntvm_trace_stmt s;

	memset(&s, 0, sizeof s);
	s.op = op;
	s.nargs = (uint8_t)nargs;
	s.binds = binds;
	s.args[0] = addr ? ntvm_trace_env_canon(&g->names, addr) : val(0);
	for (int i = 1; i < nargs; i++)
		s.args[i] = val(rest[i - 1]);
	if (ntvm_trace_append(g->t, &s) != 0)
		g->dropped++;
}

static void gen_alloc(struct gen *g, const fuzz_record *r)
{
	uint64_t a = fuzz_address(&g->env, r), size = fuzz_size(&g->env, r);
	uint64_t rest[4] = { size, fuzz_nt_alloc_type(&g->env, r), fuzz_nt_protect(&g->env, r),
		             fuzz_zero_bits(&g->env, r) };
	uint64_t b = a, s = size;
	uint32_t binds = 0;

	/* Wine keeps a protection byte per page: reserving tens of TiB takes it
	 * longer than the answer timeout, so sizes between 64 GiB and the top
	 * of the user space (above it they fail at once) are left out. */
	if ((a != 0 && !in_scope(g, a, 1)) || (size > NVW_MAX_ALLOC && size < 0x800000000000ull)) {
		g->dropped++;
		return;
	}
	uint32_t st = model_nt_allocate(&g->m, &b, rest[3], &s, (uint32_t)rest[1], (uint32_t)rest[2]);
	if (a == 0) /* every such line takes the next $n, success or not */
		binds = ntvm_trace_env_bind(&g->names, st == 0 ? b : 0, st == 0 ? s : 0);
	emit(g, NTVM_OP_ALLOC, a, rest[3] ? 5 : 4, rest, binds);
	if (st == 0) {
		g->env.last_base = b;
		if (a == 0 && g->env.nbound < FUZZ_MAX_BOUND)
			g->env.bound[g->env.nbound++] = b;
	}
}

static void gen_free_protect(struct gen *g, const fuzz_record *r)
{
	int is_free = r->b[0] == FOP_NT_FREE;
	uint64_t a = fuzz_address(&g->env, r), size = fuzz_size(&g->env, r);
	uint64_t rest[2] = { size, is_free ? fuzz_nt_free_type(&g->env, r)
		                           : fuzz_nt_protect(&g->env, r) };
	uint64_t b = a, s = size;
	uint32_t old = 0;

	if (!in_scope(g, a, 1)) {
		g->dropped++;
		return;
	}
	emit(g, is_free ? NTVM_OP_FREE : NTVM_OP_PROTECT, a, 3, rest, 0);
	if (is_free)
		model_nt_free(&g->m, &b, &s, (uint32_t)rest[1]);
	else
		model_nt_protect(&g->m, &b, &s, (uint32_t)rest[1], &old);
}

static void gen_query_access(struct gen *g, const fuzz_record *r)
{
	uint64_t a = fuzz_address(&g->env, r);
	uint64_t len = r->b[0] == FOP_NT_QUERY ? 1 : fuzz_nt_length(r);
	uint8_t data[64];

	if (r->b[0] == FOP_NT_EXECUTE || !in_scope(g, a, len)) {
		g->dropped++;
		return;
	}
	if (r->b[0] == FOP_NT_QUERY) {
		emit(g, NTVM_OP_QUERY, a, 1, NULL, 0);
		return;
	}
	uint64_t rest[2] = { len, r->b[5] };
	int write = r->b[0] == FOP_NT_WRITE;
	emit(g, write ? NTVM_OP_WRITE : NTVM_OP_READ, a, write ? 3 : 2, rest, 0);
	memset(data, r->b[5], sizeof data);
	model_nt_access(&g->m, a, data, (size_t)len, write ? NTVM_ACCESS_WRITE : NTVM_ACCESS_READ,
	                NULL);
}

char *nvw_script(const uint8_t *data, size_t size, size_t *nstmts, size_t *dropped)
{
	static fuzz_program prog;
	struct gen g;
	char *text = NULL;

	memset(&g, 0, sizeof g);
	fuzz_decode(data, size, FUZZ_SET_NT, &prog);
	if (!model_init(&g.m, NTVM_ADDRESS_64, NTVM_BEHAVIOUR_WINE_8_0))
		return NULL;
	fuzz_env_init(&g.env, &g.m);
	g.env.arena_base = g.env.last_base = NVW_ARENA_BASE;
	g.env.arena_size = NVW_ARENA_SIZE;
	ntvm_trace_env_init(&g.names, NVW_ARENA_BASE, NVW_ARENA_SIZE);
	g.t = ntvm_trace_new("nt_vs_wine", NULL, NVW_ARENA_BASE, NVW_ARENA_SIZE);
	for (size_t i = 0; g.t && i < prog.count; i++) {
		const fuzz_record *r = &prog.ops[i];
		switch (r->b[0]) {
		case FOP_LITERAL: fuzz_set_literal(&g.env, r); break;
		case FOP_NT_ALLOC: gen_alloc(&g, r); break;
		case FOP_NT_FREE:
		case FOP_NT_PROTECT: gen_free_protect(&g, r); break;
		default: gen_query_access(&g, r); break;
		}
	}
	if (g.t && g.t->nstmts)
		text = ntvm_trace_write_string(g.t, NULL);
	*nstmts = g.t ? g.t->nstmts : 0;
	*dropped = g.dropped;
	ntvm_trace_free(g.t);
	ntvm_trace_env_free(&g.names);
	model_fini(&g.m);
	return text;
}
