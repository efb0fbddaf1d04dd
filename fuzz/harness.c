/*
 * harness.c -- set-up, state comparison and the failure path shared by the
 * differential targets.  The comparison is the oracle's strongest form
 * (fuzzing-conventions.md): after every operation, the query walk of the
 * arena, the list of reservations (which also covers anything outside the
 * arena), the statistics and core's own invariant checker.  In an
 * incremental run (core_ops) the walk and the invariants' per-page checks
 * cover the operation's window -- its range widened to the reservations
 * either side -- and the whole state is compared at the end of the input:
 * the per-page work is what made every input cost O(operations x state).
 */
#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "invariants.h"

/* The run in progress, for the sanitizers' death callback. */
static fuzz_run *current_run;

/* Sanitizer builds only (weak: absent elsewhere). */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

/* A sanitizer report ends the process: write the operations run so far as the finding. */
static void on_death(void)
{
	if (current_run && current_run->vm)
		fuzz_write_finding(current_run, "the process died: sanitizer report above", false, 0);
}

bool fuzz_run_start(fuzz_run *run, const char *target, const uint8_t *data, size_t size,
                    fuzz_op_set set, const ntvm_config *config)
{
	ntvm_config defaults = {0};
	const ntvm_config *c = config ? config : &defaults;
	run->target = target;
	run->input = data;
	run->input_size = size;
	run->done = 0;
	run->nt = set != FUZZ_SET_CORE;
	run->recover = NULL;
	run->excuse = NULL;
	run->verbose = getenv("NTVM_FUZZ_VERBOSE") != NULL;
	run->checking = NULL;
	run->incremental = false;
	fuzz_decode(data, size, set, &run->prog);
	if (!model_init(&run->m, c->address_profile, c->behaviour))
		return false;
	run->m.dep_enabled = !c->dep_disabled;
	if (c->default_allocation_address)
		run->m.default_address = c->default_allocation_address;
	run->vm = ntvm_create(config);
	if (!run->vm) {
		model_fini(&run->m);
		return false;
	}
	run->m.mmio_byte = fuzz_mmio_byte;
	fuzz_env_init(&run->env, &run->m);
	if (!current_run && __sanitizer_set_death_callback)
		__sanitizer_set_death_callback(on_death);
	current_run = run;
	return true;
}

void fuzz_run_end(fuzz_run *run)
{
	if (run->incremental)
		fuzz_compare_state_full(run);
	ntvm_destroy(run->vm);
	model_fini(&run->m);
	run->vm = NULL;
}

bool fuzz_full_checks(void)
{
	static int set = -1;
	if (set < 0)
		set = getenv("NTVM_FUZZ_FULL_CHECK") != NULL;
	return set;
}

void fuzz_arena_mmio(fuzz_run *run)
{
	uint64_t base = run->env.arena_base + FUZZ_ARENA_SIZE - 0x10000;
	ntvm_status cs = ntvm_allocate_mmio(run->vm, base, 0x2000, fuzz_mmio_read, fuzz_mmio_write, NULL);
	ntvm_status ms = model_allocate_mmio(&run->m, base, 0x2000);
	if (cs != ms)
		fuzz_fail(run, false, 0, "MMIO region: core %s, model %s", ntvm_status_name(cs),
		          ntvm_status_name(ms));
}

bool fuzz_returns_status(uint8_t op)
{
	return op != FOP_ALLOCATE && op != FOP_CLEAR_GUARD && op != FOP_FIND_FREE &&
	       op != FOP_FIND_FREE_BASE && op != FOP_MISC;
}

void fuzz_expect_same(fuzz_run *run, const fuzz_log *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (l->core[i] != l->model[i])
			fuzz_fail(run, false, 0, "%s: result %zu: core 0x%llx, model 0x%llx",
			          fuzz_opcode_name(l->op), i, (unsigned long long)l->core[i],
			          (unsigned long long)l->model[i]);
}

fuzz_log *fuzz_log_op(fuzz_run *run, uint8_t op, size_t nargs, const uint64_t *args)
{
	fuzz_log *l = &run->log[run->done++];
	l->op = op;
	l->nargs = (uint8_t)nargs;
	l->rec = NULL;
	l->file[0] = 0;
	l->file_exact = false;
	memcpy(l->arg, args, nargs * sizeof *args);
	memset(l->core, 0, sizeof l->core);
	memset(l->model, 0, sizeof l->model);
	return l;
}

void fuzz_fail(fuzz_run *run, bool at_valid, uint64_t at, const char *fmt, ...)
{
	char why[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (run->recover && run->excuse && run->excuse(run))
		longjmp(*run->recover, 1);
	fprintf(stderr, "ntvm-fuzz %s: DIFFERENCE after operation %zu: %s\n", run->target,
	        run->done, why);
	fuzz_write_finding(run, why, at_valid, at);
	current_run = NULL; /* written once */
	abort();
}

/* Hand the written pages of `from` to `to` (whose own list must be empty). */
static void move_pages(model *from, model *to)
{
	to->pages = from->pages;
	to->page_count = from->page_count;
	to->page_cap = from->page_cap;
	from->pages = NULL;
	from->page_count = from->page_cap = 0;
}

bool fuzz_huge_begin(fuzz_run *run, uint64_t size, model *saved)
{
	model aside;
	if (size <= FUZZ_MAX_RESERVATION)
		return false;
	move_pages(&run->m, &aside);
	if (!model_clone(&run->m, saved)) {
		move_pages(&aside, &run->m);
		return false;
	}
	free(saved->pages);
	move_pages(&aside, saved);
	return true;
}

bool fuzz_huge_end(fuzz_run *run, bool saving, model *saved, bool model_succeeded)
{
	if (!saving)
		return false;
	if (!model_succeeded) {
		/* the call failed, changing nothing: the pages go back */
		model_drop_pages(&run->m, 0, UINT64_MAX);
		free(run->m.pages);
		move_pages(saved, &run->m);
		model_fini(saved);
		return false;
	}
	model_fini(&run->m);
	run->m = *saved;
	run->done--; /* the operation is not run, so not logged */
	return true;
}

static bool same_info(const ntvm_region_info *a, const ntvm_region_info *b)
{
	return a->start == b->start && a->length == b->length &&
	       a->allocation_base == b->allocation_base &&
	       a->allocation_length == b->allocation_length && a->is_reserved == b->is_reserved &&
	       a->is_committed == b->is_committed && a->initial_perm == b->initial_perm &&
	       a->perm == b->perm && a->kind == b->kind;
}

/* The walk over [lo, hi) of the arena. */
static void compare_walk(fuzz_run *run, uint64_t lo, uint64_t hi)
{
	uint64_t at = run->env.arena_base, end = at + run->env.arena_size;
	if (lo > at)
		at = lo;
	if (hi < end)
		end = hi;
	while (at < end) {
		ntvm_region_info a, b;
		ntvm_status sa = ntvm_region_info_at(run->vm, at, &a);
		ntvm_status sb = model_region_info_at(&run->m, at, &b);
		if (sa != sb || (sa == NTVM_OK && !same_info(&a, &b)))
			fuzz_fail(run, true, at,
			          "region at 0x%llx: core %s [0x%llx +0x%llx alloc 0x%llx +0x%llx "
			          "res %d com %d init 0x%x perm 0x%x kind %d] model %s [0x%llx +0x%llx "
			          "alloc 0x%llx +0x%llx res %d com %d init 0x%x perm 0x%x kind %d]",
			          (unsigned long long)at, ntvm_status_name(sa),
			          (unsigned long long)a.start, (unsigned long long)a.length,
			          (unsigned long long)a.allocation_base,
			          (unsigned long long)a.allocation_length, a.is_reserved, a.is_committed,
			          a.initial_perm, a.perm, a.kind, ntvm_status_name(sb),
			          (unsigned long long)b.start, (unsigned long long)b.length,
			          (unsigned long long)b.allocation_base,
			          (unsigned long long)b.allocation_length, b.is_reserved, b.is_committed,
			          b.initial_perm, b.perm, b.kind);
		if (sa != NTVM_OK || a.length == 0 || a.start + a.length <= at)
			fuzz_fail(run, true, at, "region walk stuck at 0x%llx", (unsigned long long)at);
		at = a.start + a.length;
	}
}

typedef struct resv_cursor {
	fuzz_run *run;
	size_t index;
} resv_cursor;

static uint64_t model_committed(const model_resv *r)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < r->run_count; i++)
		if (r->runs[i].committed)
			sum += r->runs[i].end - r->runs[i].start;
	return sum;
}

static bool visit_resv(void *user, const ntvm_reservation *c)
{
	resv_cursor *cur = user;
	const model *m = &cur->run->m;
	const model_resv *r = cur->index < m->resv_count ? &m->resv[cur->index] : NULL;
	if (!r || r->base != c->base || r->length != c->length ||
	    r->initial_perm != c->initial_perm || r->kind != c->kind ||
	    model_committed(r) != c->committed_bytes)
		fuzz_fail(cur->run, true, c->base,
		          "reservation %zu: core [0x%llx +0x%llx init 0x%x kind %d committed 0x%llx] "
		          "model %s",
		          cur->index, (unsigned long long)c->base, (unsigned long long)c->length,
		          c->initial_perm, c->kind, (unsigned long long)c->committed_bytes,
		          r ? "differs (see the query)" : "has none");
	cur->index++;
	return true;
}

static void compare_reservations(fuzz_run *run)
{
	resv_cursor cur = {run, 0};
	ntvm_for_each_reservation(run->vm, visit_resv, &cur);
	if (cur.index != run->m.resv_count)
		fuzz_fail(run, true, run->m.resv[cur.index].base,
		          "core lists %zu reservations, model %zu", cur.index, run->m.resv_count);
}

static void compare_stats(fuzz_run *run)
{
	ntvm_stats a, b;
	ntvm_get_stats(run->vm, &a);
	model_get_stats(&run->m, &b);
	if (a.reserved_bytes != b.reserved_bytes || a.committed_bytes != b.committed_bytes ||
	    a.reservation_count != b.reservation_count)
		fuzz_fail(run, false, 0,
		          "stats: core reserved 0x%llx committed 0x%llx count %llu, model 0x%llx "
		          "0x%llx %llu",
		          (unsigned long long)a.reserved_bytes, (unsigned long long)a.committed_bytes,
		          (unsigned long long)a.reservation_count, (unsigned long long)b.reserved_bytes,
		          (unsigned long long)b.committed_bytes, (unsigned long long)b.reservation_count);
}

/*
 * The addresses the last logged manager-API operation can have changed
 * (its range; a size of 0 or a query: its address), false when it may have
 * changed anything (FOP_MISC: DEP, unmap_all, MMIO; the NT and section calls).
 */
static bool op_range(const fuzz_run *run, uint64_t *lo, uint64_t *hi)
{
	if (run->done == 0)
		return false;
	const fuzz_log *l = &run->log[run->done - 1];
	uint64_t at, size;
	switch (l->op) {
	case FOP_ALLOCATE:
	case FOP_FIND_FREE:
	case FOP_FIND_FREE_BASE: at = l->core[0], size = l->arg[0]; break;
	case FOP_ALLOCATE_AT:
	case FOP_COMMIT:
	case FOP_DECOMMIT:
	case FOP_RELEASE:
	case FOP_PROTECT:
	case FOP_READ:
	case FOP_WRITE: at = l->arg[0], size = l->arg[1]; break;
	case FOP_CLEAR_GUARD:
	case FOP_REGION_INFO: at = l->arg[0], size = 0; break;
	default: return false;
	}
	*lo = at;
	*hi = size == 0 ? at + 1 : at + size;
	if (*hi <= at)
		*hi = UINT64_MAX; /* a range wrapping 2^64 */
	return true;
}

/* Widen [lo, hi) to the model's reservations either side of it: a slip at an
 * edge or into a neighbour falls inside the window. */
static void widen_to_neighbours(const model *m, uint64_t *lo, uint64_t *hi)
{
	size_t i = 0, j;
	while (i < m->resv_count && m->resv[i].base + m->resv[i].length <= *lo)
		i++;
	for (j = i; j < m->resv_count && m->resv[j].base < *hi;)
		j++;
	*lo = i > 0 ? m->resv[i - 1].base : 0;
	*hi = j < m->resv_count ? m->resv[j].base + m->resv[j].length : UINT64_MAX;
}

static void compare_window(fuzz_run *run, uint64_t lo, uint64_t hi)
{
	char why[256] = "";
	compare_walk(run, lo, hi);
	compare_reservations(run);
	compare_stats(run);
	if (!ntvm_check_invariants_window(run->vm, lo, hi, why, sizeof why))
		fuzz_fail(run, false, 0, "invariant broken: %s", why);
}

void fuzz_compare_state_full(fuzz_run *run)
{
	compare_window(run, 0, UINT64_MAX);
}

void fuzz_compare_state(fuzz_run *run)
{
	uint64_t lo, hi;
	if (!run->incremental || !op_range(run, &lo, &hi)) {
		fuzz_compare_state_full(run);
		return;
	}
	widen_to_neighbours(&run->m, &lo, &hi);
	compare_window(run, lo, hi);
}
