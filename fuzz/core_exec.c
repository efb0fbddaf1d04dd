/*
 * core_exec.c -- runs one manager-API operation on core and model, compares
 * the results, the layout version's movement and then the whole state.
 */
#include "harness.h"

#include <string.h>

#define CORE_LEN_MAX 0x2000

static void exec_allocate_at(fuzz_run *run, const fuzz_record *r)
{
	uint64_t a[5] = {fuzz_address(&run->env, r), fuzz_size(&run->env, r), fuzz_perm(r),
	                 r->b[7] & 1, (uint64_t)fuzz_kind(r)};
	fuzz_log *l = fuzz_log_op(run, FOP_ALLOCATE_AT, 5, a);
	model saved;
	bool saving = fuzz_huge_begin(run, a[1], &saved);
	l->model[0] = model_allocate_at(&run->m, a[0], a[1], (ntvm_perm)a[2], a[3], (ntvm_kind)a[4]);
	if (fuzz_huge_end(run, saving, &saved, l->model[0] == NTVM_OK))
		return;
	l->core[0] = ntvm_allocate_at(run->vm, a[0], a[1], (ntvm_perm)a[2], a[3], (ntvm_kind)a[4]);
	fuzz_expect_same(run, l, 1);
	if (l->core[0] == NTVM_OK)
		run->env.last_base = a[0];
}

static void exec_allocate(fuzz_run *run, const fuzz_record *r)
{
	uint64_t start = r->b[7] & 8 ? 0 : fuzz_address(&run->env, r);
	uint64_t a[5] = {fuzz_size(&run->env, r), fuzz_perm(r), r->b[7] & 1, start,
	                 (uint64_t)fuzz_kind(r)};
	fuzz_log *l = fuzz_log_op(run, FOP_ALLOCATE, 5, a);
	model saved;
	bool saving = fuzz_huge_begin(run, a[0], &saved);
	l->model[0] = model_allocate(&run->m, a[0], (ntvm_perm)a[1], a[2], a[3], (ntvm_kind)a[4]);
	if (fuzz_huge_end(run, saving, &saved, l->model[0] != 0))
		return;
	l->core[0] = ntvm_allocate(run->vm, a[0], (ntvm_perm)a[1], a[2], a[3], (ntvm_kind)a[4]);
	fuzz_expect_same(run, l, 1);
	if (l->core[0])
		run->env.last_base = l->core[0];
}

static void exec_range_op(fuzz_run *run, const fuzz_record *r)
{
	uint64_t a[3] = {fuzz_address(&run->env, r), fuzz_size(&run->env, r), fuzz_perm(r)};
	fuzz_log *l = fuzz_log_op(run, r->b[0], 3, a);
	ntvm_perm old_core = 0xEE, old_model = 0xEE;
	switch (r->b[0]) {
	/* the model first: if core dies inside its call, the finding still shows the
	 * model's answer */
	case FOP_COMMIT:
		l->model[0] = model_commit(&run->m, a[0], a[1], (ntvm_perm)a[2]);
		l->core[0] = ntvm_commit(run->vm, a[0], a[1], (ntvm_perm)a[2]);
		break;
	case FOP_DECOMMIT:
		l->model[0] = model_decommit(&run->m, a[0], a[1]);
		l->core[0] = ntvm_decommit(run->vm, a[0], a[1]);
		break;
	case FOP_RELEASE:
		if (r->b[7] & 0x80)
			a[1] = l->arg[1] = 0; /* the whole-reservation form is common */
		l->model[0] = model_release(&run->m, a[0], a[1]);
		l->core[0] = ntvm_release(run->vm, a[0], a[1]);
		break;
	default:
		l->model[0] = model_protect(&run->m, a[0], a[1], (ntvm_perm)a[2], &old_model);
		l->core[0] = ntvm_protect(run->vm, a[0], a[1], (ntvm_perm)a[2], &old_core);
		l->core[1] = old_core;
		l->model[1] = old_model;
		break;
	}
	fuzz_expect_same(run, l, 2);
}

/* b7 bit 0: the guard in a reserved page's last protection instead. */
static void exec_clear_guard(fuzz_run *run, const fuzz_record *r)
{
	uint64_t a[2] = {fuzz_address(&run->env, r), r->b[7] & 1};
	fuzz_log *l = fuzz_log_op(run, FOP_CLEAR_GUARD, 2, a);
	if (a[1]) {
		bool cc = false, mc = false;
		l->model[0] = model_clear_reserved_guard(&run->m, a[0], &mc);
		l->core[0] = ntvm_clear_reserved_guard(run->vm, a[0], &cc);
		l->core[1] = cc, l->model[1] = mc;
	} else {
		l->core[0] = ntvm_clear_guard(run->vm, a[0]);
		l->model[0] = model_clear_guard(&run->m, a[0]);
	}
	fuzz_expect_same(run, l, 2);
}

static void exec_region_info(fuzz_run *run, const fuzz_record *r)
{
	uint64_t a[1] = {fuzz_address(&run->env, r)};
	fuzz_log *l = fuzz_log_op(run, FOP_REGION_INFO, 1, a);
	ntvm_region_info ci, mi;
	memset(&ci, 0, sizeof ci);
	memset(&mi, 0, sizeof mi);
	l->core[0] = ntvm_region_info_at(run->vm, a[0], &ci);
	l->model[0] = model_region_info_at(&run->m, a[0], &mi);
	if (l->core[0] == NTVM_OK) {
		l->core[1] = ci.start, l->core[2] = ci.length, l->core[3] = ci.allocation_base;
		l->model[1] = mi.start, l->model[2] = mi.length, l->model[3] = mi.allocation_base;
		if (ci.perm != mi.perm || ci.is_committed != mi.is_committed || ci.kind != mi.kind ||
		    ci.allocation_length != mi.allocation_length || ci.initial_perm != mi.initial_perm ||
		    ci.is_reserved != mi.is_reserved)
			fuzz_fail(run, true, a[0], "region_info fields differ");
	}
	fuzz_expect_same(run, l, 4);
	ntvm_perm clast = 0xEE, mlast = 0xEE;
	ntvm_status cs = ntvm_region_info_at_detailed(run->vm, a[0], &ci, &clast);
	ntvm_status ms = model_region_info_at_detailed(&run->m, a[0], &mi, &mlast);
	if (cs != ms || (cs == NTVM_OK && (ci.length != mi.length || clast != mlast)))
		fuzz_fail(run, true, a[0],
		          "region_info_at_detailed: core %s length 0x%llx last 0x%x, model %s 0x%llx 0x%x",
		          ntvm_status_name(cs), (unsigned long long)ci.length, clast, ntvm_status_name(ms),
		          (unsigned long long)mi.length, mlast);
}

static void exec_find_free(fuzz_run *run, const fuzz_record *r)
{
	uint64_t lowest = fuzz_address(&run->env, r);
	uint64_t a[5] = {fuzz_size(&run->env, r), fuzz_alignment(r), lowest,
	                 fuzz_highest(&run->env, r, lowest), r->b[7] & 1};
	fuzz_log *l = fuzz_log_op(run, r->b[0], r->b[0] == FOP_FIND_FREE ? 5 : 2, a);
	if (r->b[0] == FOP_FIND_FREE) {
		l->core[0] = ntvm_find_free(run->vm, a[0], a[1], a[2], a[3], a[4]);
		l->model[0] = model_find_free(&run->m, a[0], a[1], a[2], a[3], a[4]);
	} else {
		l->arg[1] = a[1] = r->b[7] & 8 ? 0 : lowest;
		l->core[0] = ntvm_find_free_allocation_base(run->vm, a[0], a[1]);
		l->model[0] = model_find_free_allocation_base(&run->m, a[0], a[1]);
	}
	fuzz_expect_same(run, l, 1);
}

static void exec_access(fuzz_run *run, const fuzz_record *r)
{
	static uint8_t core_buf[CORE_LEN_MAX], model_buf[CORE_LEN_MAX];
	uint64_t a[3] = {fuzz_address(&run->env, r), fuzz_core_length(r), r->b[5]};
	fuzz_log *l = fuzz_log_op(run, r->b[0], 3, a);
	uint64_t core_fault = 0, model_fault = 0;
	size_t n = (size_t)a[1];
	if (r->b[0] == FOP_WRITE) {
		for (size_t i = 0; i < n; i++)
			core_buf[i] = (uint8_t)(a[2] + i);
		l->core[0] = ntvm_write(run->vm, a[0], core_buf, n, &core_fault);
		l->model[0] = model_write(&run->m, a[0], core_buf, n, &model_fault);
	} else {
		memset(core_buf, 0xA5, n);
		memset(model_buf, 0xA5, n);
		l->core[0] = ntvm_read(run->vm, a[0], core_buf, n, &core_fault);
		l->model[0] = model_read(&run->m, a[0], model_buf, n, &model_fault);
		if (l->core[0] == NTVM_OK && l->model[0] == NTVM_OK && memcmp(core_buf, model_buf, n))
			fuzz_fail(run, false, 0, "read: the bytes differ");
	}
	if (l->core[0] != NTVM_OK) {
		l->core[1] = core_fault;
		l->model[1] = model_fault;
	}
	fuzz_expect_same(run, l, 2);
}

void fuzz_exec_core_op(fuzz_run *run, const fuzz_record *r)
{
	uint64_t core_before = ntvm_layout_version(run->vm), model_before = run->m.version;
	switch (r->b[0]) {
	case FOP_LITERAL: fuzz_set_literal(&run->env, r); return;
	case FOP_ALLOCATE_AT: exec_allocate_at(run, r); break;
	case FOP_ALLOCATE: exec_allocate(run, r); break;
	case FOP_CLEAR_GUARD: exec_clear_guard(run, r); break;
	case FOP_REGION_INFO: exec_region_info(run, r); break;
	case FOP_FIND_FREE:
	case FOP_FIND_FREE_BASE: exec_find_free(run, r); break;
	case FOP_READ:
	case FOP_WRITE: exec_access(run, r); break;
	case FOP_MISC: fuzz_exec_misc_op(run, r); break;
	default: exec_range_op(run, r); break;
	}
	bool core_moved = ntvm_layout_version(run->vm) != core_before;
	bool model_moved = run->m.version != model_before;
	if (core_moved != model_moved)
		fuzz_fail(run, false, 0, "layout version %s in core but %s in the model",
		          core_moved ? "moved" : "stayed", model_moved ? "moved" : "stayed");
	fuzz_compare_state(run);
}
