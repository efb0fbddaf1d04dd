/*
 * nt_exec.c -- runs one NT-layer operation (the trace format's alloc, free,
 * protect, query, read, write, plus execute; the section calls are in
 * nt_section_exec.c) on core and model, compares the
 * status and every out value, checks that a failing call changed nothing,
 * then compares the whole state.
 */
#include "harness.h"

#include <string.h>

static void exec_alloc(fuzz_run *run, const fuzz_record *r)
{
	uint64_t a[5] = {fuzz_address(&run->env, r), fuzz_size(&run->env, r),
	                 fuzz_nt_alloc_type(&run->env, r), fuzz_nt_protect(&run->env, r),
	                 fuzz_zero_bits(&run->env, r)};
	fuzz_log *l = fuzz_log_op(run, FOP_NT_ALLOC, 5, a);
	uint64_t cb = a[0], cs = a[1], mb = a[0], ms = a[1];
	model saved;
	/* a reservation can exceed the requested size by one granule of rounding */
	bool saving = fuzz_huge_begin(run, a[1] > UINT64_MAX - MODEL_GRANULE ? a[1] : a[1] + MODEL_GRANULE,
	                              &saved);
	if (saving) {
		l->model[0] = model_nt_allocate(&run->m, &mb, a[4], &ms, (uint32_t)a[2], (uint32_t)a[3]);
		if (fuzz_huge_end(run, saving, &saved, l->model[0] == NTVM_STATUS_SUCCESS))
			return;
		mb = a[0], ms = a[1]; /* it failed, so it changed nothing: run it again below */
	}
	l->core[0] = ntvm_nt_allocate_virtual_memory(run->vm, &cb, a[4], &cs, (uint32_t)a[2],
	                                             (uint32_t)a[3]);
	run->m.nt_choice = a[0] == 0 && l->core[0] == NTVM_STATUS_SUCCESS ? cb : 0;
	l->model[0] = model_nt_allocate(&run->m, &mb, a[4], &ms, (uint32_t)a[2], (uint32_t)a[3]);
	run->m.nt_choice = 0;
	l->core[1] = cb, l->core[2] = cs, l->model[1] = mb, l->model[2] = ms;
	fuzz_expect_same(run, l, 3);
	if (l->core[0] == NTVM_STATUS_SUCCESS) {
		run->env.last_base = cb;
		if (a[0] == 0 && run->env.nbound < FUZZ_MAX_BOUND)
			run->env.bound[run->env.nbound++] = cb;
	}
}

static void exec_free_protect(fuzz_run *run, const fuzz_record *r)
{
	bool is_free = r->b[0] == FOP_NT_FREE;
	uint64_t a[3] = {fuzz_address(&run->env, r), fuzz_size(&run->env, r),
	                 is_free ? fuzz_nt_free_type(&run->env, r) : fuzz_nt_protect(&run->env, r)};
	fuzz_log *l = fuzz_log_op(run, r->b[0], 3, a);
	uint64_t cb = a[0], cs = a[1], mb = a[0], ms = a[1];
	uint32_t co = 0, mo = 0;
	if (is_free) {
		l->core[0] = ntvm_nt_free_virtual_memory(run->vm, &cb, &cs, (uint32_t)a[2]);
		l->model[0] = model_nt_free(&run->m, &mb, &ms, (uint32_t)a[2]);
	} else {
		l->core[0] = ntvm_nt_protect_virtual_memory(run->vm, &cb, &cs, (uint32_t)a[2], &co);
		l->model[0] = model_nt_protect(&run->m, &mb, &ms, (uint32_t)a[2], &mo);
	}
	l->core[1] = cb, l->core[2] = cs, l->core[3] = co;
	l->model[1] = mb, l->model[2] = ms, l->model[3] = mo;
	fuzz_expect_same(run, l, 4);
}

/* b6: the information class (mostly basic); b5 high nibble 0xF: a short
 * buffer; b7 0xE0..0xE3: bit 0 no buffer, bit 1 no return length (the
 * fourth logged argument; the trace format has no way to say either). */
static void exec_query(fuzz_run *run, const fuzz_record *r)
{
	static const uint32_t classes[8] = {0, 0, 0, 0, 0, NTVM_MEMORY_REGION_INFORMATION_CLASS,
	                                    NTVM_MEMORY_REGION_INFORMATION_CLASS, 1};
	uint64_t a[4] = {fuzz_address(&run->env, r), 0x30, classes[r->b[6] & 7],
	                 (r->b[7] & 0xFC) == 0xE0 ? r->b[7] & 3u : 0};
	uint8_t c[0x40], m[0x40];
	uint64_t creturned = 0xEE, mreturned = 0xEE;
	if ((r->b[5] & 0xF0) == 0xF0)
		a[1] = (r->b[5] & 0x0F) * 4u; /* a short buffer: 0 .. 60 bytes */
	fuzz_log *l = fuzz_log_op(run, FOP_NT_QUERY, a[3] ? 4 : 3, a);
	memset(c, 0xCC, sizeof c);
	memset(m, 0xCC, sizeof m);
	l->core[0] = ntvm_nt_query_virtual_memory(run->vm, a[0], (uint32_t)a[2], a[3] & 1 ? NULL : c,
	                                          a[1], a[3] & 2 ? NULL : &creturned);
	l->model[0] = model_nt_query_any(&run->m, a[0], (uint32_t)a[2], a[3] & 1 ? NULL : m, a[1],
	                                 a[3] & 2 ? NULL : &mreturned);
	if (l->core[0] == NTVM_STATUS_SUCCESS && l->model[0] == NTVM_STATUS_SUCCESS &&
	    a[2] == NTVM_MEMORY_BASIC_INFORMATION_CLASS) {
		ntvm_memory_basic_information cm, mm;
		memcpy(&cm, c, sizeof cm);
		memcpy(&mm, m, sizeof mm);
		l->core[1] = cm.BaseAddress, l->core[2] = cm.AllocationBase, l->core[3] = cm.RegionSize;
		l->model[1] = mm.BaseAddress, l->model[2] = mm.AllocationBase, l->model[3] = mm.RegionSize;
		if (cm.AllocationProtect != mm.AllocationProtect || cm.State != mm.State ||
		    cm.Protect != mm.Protect || cm.Type != mm.Type)
			fuzz_fail(run, true, a[0],
			          "nt_query: core allocprot 0x%x state 0x%x prot 0x%x type 0x%x, model "
			          "0x%x 0x%x 0x%x 0x%x",
			          cm.AllocationProtect, cm.State, cm.Protect, cm.Type, mm.AllocationProtect,
			          mm.State, mm.Protect, mm.Type);
	}
	fuzz_expect_same(run, l, 4);
	if (memcmp(c, m, sizeof c) || creturned != mreturned)
		fuzz_fail(run, true, a[0], "nt_query class %llu: the buffers or return lengths differ",
		          (unsigned long long)a[2]);
}

/* b6 0xF0..0xFF: ntvm_nt_access_status first, which must answer what a
 * one-byte access would (run on a copy of the model) and change nothing. */
static void check_access_status(fuzz_run *run, uint64_t address, uint32_t access)
{
	model copy;
	uint8_t byte = 0;
	uint64_t version = ntvm_layout_version(run->vm);
	if (!model_clone(&run->m, &copy))
		return;
	ntvm_ntstatus cs = ntvm_nt_access_status(run->vm, address, access);
	ntvm_ntstatus ms = model_nt_access(&copy, address, &byte, 1, access, NULL);
	model_fini(&copy);
	if (cs != ms || ntvm_layout_version(run->vm) != version)
		fuzz_fail(run, true, address, "ntvm_nt_access_status(0x%llx, %u): core 0x%x, model 0x%x",
		          (unsigned long long)address, access, cs, ms);
}

static void exec_access(fuzz_run *run, const fuzz_record *r)
{
	static const uint32_t kinds[] = {NTVM_ACCESS_READ, NTVM_ACCESS_WRITE, NTVM_ACCESS_EXECUTE};
	uint32_t access = kinds[r->b[0] - FOP_NT_READ];
	uint64_t a[3] = {fuzz_address(&run->env, r), fuzz_nt_length(r), r->b[5]};
	fuzz_log *l = fuzz_log_op(run, r->b[0], 3, a);
	uint8_t cbuf[64], mbuf[64];
	uint64_t cf = 0, mf = 0;
	size_t n = (size_t)a[1];
	memset(cbuf, access == NTVM_ACCESS_WRITE ? r->b[5] : 0xA5, sizeof cbuf);
	memset(mbuf, access == NTVM_ACCESS_WRITE ? r->b[5] : 0xA5, sizeof mbuf);
	if ((r->b[6] & 0xF0) == 0xF0)
		check_access_status(run, a[0], access);
	/* b6 0xE0..0xEF: an execute with no destination (nt.h allows it) */
	bool no_data = access == NTVM_ACCESS_EXECUTE && (r->b[6] & 0xF0) == 0xE0;
	l->core[0] = ntvm_nt_access(run->vm, a[0], no_data ? NULL : cbuf, n, access, &cf);
	l->model[0] = model_nt_access(&run->m, a[0], no_data ? NULL : mbuf, n, access, &mf);
	if (l->core[0] != NTVM_STATUS_SUCCESS)
		l->core[1] = cf, l->model[1] = mf;
	memcpy(l->bytes, mbuf, n);
	fuzz_expect_same(run, l, 2);
	if (access == NTVM_ACCESS_READ && memcmp(cbuf, mbuf, n))
		fuzz_fail(run, false, 0, "nt_read: the bytes differ");
}

void fuzz_exec_nt_op(fuzz_run *run, const fuzz_record *r)
{
	uint64_t before = ntvm_layout_version(run->vm);
	size_t logged = run->done;
	switch (r->b[0]) {
	case FOP_LITERAL: fuzz_set_literal(&run->env, r); return;
	case FOP_NT_ALLOC: exec_alloc(run, r); break;
	case FOP_NT_FREE:
	case FOP_NT_PROTECT: exec_free_protect(run, r); break;
	case FOP_NT_QUERY: exec_query(run, r); break;
	case FOP_NT_READ:
	case FOP_NT_WRITE:
	case FOP_NT_EXECUTE: exec_access(run, r); break;
	default: fuzz_exec_section_op(run, r); break;
	}
	if (run->done == logged) /* skipped (fuzz_huge_end, an unbuildable PE) */
		return;
	const fuzz_log *l = &run->log[run->done - 1];
	if (run->verbose)
		fuzz_print_op(run);
	bool changes_layout = r->b[0] == FOP_NT_ALLOC || r->b[0] == FOP_NT_FREE ||
	                      r->b[0] == FOP_NT_PROTECT || r->b[0] >= FOP_NT_SECTION;
	bool failed = l->core[0] != NTVM_STATUS_SUCCESS &&
	              l->core[0] != NTVM_STATUS_IMAGE_NOT_AT_BASE &&
	              l->core[0] != NTVM_STATUS_IMAGE_MACHINE_TYPE_MISMATCH;
	if (changes_layout && failed && ntvm_layout_version(run->vm) != before)
		fuzz_fail(run, false, 0, "a failing %s moved the layout version",
		          fuzz_opcode_name(r->b[0]));
	fuzz_compare_state(run);
	if (r->b[0] >= FOP_NT_SECTION || (run->m.section_count && r->b[0] == FOP_NT_WRITE))
		fuzz_compare_views(run);
}
