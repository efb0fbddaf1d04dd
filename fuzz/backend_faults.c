/*
 * backend_faults.c -- fuzz target: manager operations (header bit 7 clear)
 * or NT calls with sections (bit 7 set: views mapped through map_shared,
 * copy-on-write, section commits) over a backend that
 * fails its Nth fallible call (N from the header's low 7 bits) and holds at most
 * FAULT_BACKEND_MAX_PAGES pages, or (header 0) over the embedded backend;
 * and in both, host allocations of the core (ntvm__heap, core/src/heap.c)
 * that fail on request: a FOP_MISC record with b5 % 8 == 7 and b6 & 7 == 6
 * (an MMIO re-bind in core_ops) makes the (b2 + 1)-th host allocation from
 * there on fail.  An operation during which the backend or the host
 * allocation failed must fail as a whole: core's state equals the model's
 * state from before the operation (the model is cloned before each one) and
 * the layout version is unmoved.  After every operation the backend's pages
 * are exactly the committed pages with the effective permissions ntvm.h
 * prescribes, the backend contract is never breached, and after
 * ntvm_destroy nothing is left mapped.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fault_backend.h"
#include "harness.h"
#include "manager.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static fault_backend backend;

/* The core's host allocations: the heap_fail_at-th one after arming fails. */
static uint64_t heap_calls, heap_fail_at;
static bool heap_failed;

static bool heap_fail_now(void)
{
	if (heap_fail_at == 0 || ++heap_calls != heap_fail_at)
		return false;
	heap_failed = true;
	return true;
}

static void *heap_malloc(size_t n) { return heap_fail_now() ? NULL : malloc(n); }
static void *heap_calloc(size_t n, size_t size) { return heap_fail_now() ? NULL : calloc(n, size); }
static void *heap_realloc(void *p, size_t n) { return heap_fail_now() ? NULL : realloc(p, n); }

/* Core programs: a misc record (an MMIO re-bind); section programs: an
 * execute record with b7 >= 0xF0. */
static bool arms_heap_failure(const fuzz_record *r)
{
	return (r->b[0] == FOP_MISC && r->b[5] % 8 == 7 && (r->b[6] & 7) == 6) ||
	       (r->b[0] == FOP_NT_EXECUTE && r->b[7] >= 0xF0);
}

/* A status an NT call may answer when it failed (success codes of a map included). */
static bool nt_failure(uint64_t status)
{
	return status != NTVM_STATUS_SUCCESS && status != NTVM_STATUS_IMAGE_NOT_AT_BASE &&
	       status != NTVM_STATUS_IMAGE_MACHINE_TYPE_MISMATCH;
}

static void pause_injection(bool on)
{
	backend.paused = on;
}

static bool backend_failed(fuzz_run *run)
{
	return backend.failed || heap_failed;
}

static ntvm_perm effective(const model *m, ntvm_perm perm)
{
	if (perm & NTVM_PERM_GUARD)
		return NTVM_PERM_NONE;
	if (perm & NTVM_PERM_WRITECOPY) /* mapped without write: the first write copies */
		perm &= (ntvm_perm)~NTVM_PERM_WRITE;
	perm &= NTVM_PERM_ACCESS_MASK;
	if (!m->dep_enabled && (perm & NTVM_PERM_READ))
		perm |= NTVM_PERM_EXEC;
	return perm;
}

/* The embedded backend (its full check is in ntvm_check_invariants): the
 * first page of every reservation is mapped exactly when committed. */
static void check_embedded(fuzz_run *run)
{
	void *ctx = ntvm_get_config(run->vm)->backend ? NULL : run->vm->backend.ctx;
	for (size_t i = 0; ctx && i < run->m.resv_count; i++) {
		const model_resv *r = &run->m.resv[i];
		ntvm_perm eff = 0;
		bool mmio = false;
		bool mapped = ntvm__backend_mem_is_mapped(ctx, r->base, &eff, &mmio);
		if (mapped != r->runs[0].committed || mmio != (mapped && r->kind == NTVM_KIND_MMIO))
			fuzz_fail(run, true, r->base, "embedded backend: page 0x%llx %s",
			          (unsigned long long)r->base, mapped ? "mapped" : "not mapped");
	}
}

/* An MMIO range is an MMIO reservation of the model, and its callbacks
 * reach the harness's device (a CPU emulator calls them so), or read zeros
 * when the region has no read callback; returns its size. */
static uint64_t check_mmio(fuzz_run *run, const fault_mmio *m)
{
	const model_resv *r = model_find_resv(&run->m, m->address);
	uint8_t byte = 0;
	if (!r || r->kind != NTVM_KIND_MMIO || r->base != m->address || r->length != m->size)
		fuzz_fail(run, true, m->address, "backend MMIO range 0x%llx+0x%llx is not the model's",
		          (unsigned long long)m->address, (unsigned long long)m->size);
	uint64_t at = m->address + m->size / 2;
	uint8_t device = r->mmio_unbound & MODEL_MMIO_NO_READ ? 0 : fuzz_mmio_byte(at);
	m->read(m->user, at, &byte, 1);
	if (byte != device)
		fuzz_fail(run, true, at, "MMIO read through the backend: 0x%x, device 0x%x", byte,
		          device);
	m->write(m->user, at, &byte, 1); /* the device drops writes */
	return m->size;
}

/* The backend holds exactly the committed pages, with their effective permission. */
static void check_backend(fuzz_run *run)
{
	ntvm_stats stats;
	if (backend.fail_at == 0) {
		check_embedded(run);
		return;
	}
	if (backend.violation)
		fuzz_fail(run, false, 0, "backend contract breached: %s", backend.violation);
	ntvm_get_stats(run->vm, &stats);
	uint64_t held = backend.count * 0x1000ull;
	for (size_t i = 0; i < backend.mmio_count; i++)
		held += check_mmio(run, &backend.mmio[i]);
	if (stats.committed_bytes != held)
		fuzz_fail(run, false, 0, "backend holds 0x%llx bytes, core reports 0x%llx committed bytes",
		          (unsigned long long)held, (unsigned long long)stats.committed_bytes);
	for (size_t i = 0; i < backend.count; i++) {
		const fault_page *p = &backend.pages[i];
		const model_resv *r = model_find_resv(&run->m, p->address);
		const model_run *page = r ? model_find_run(r, p->address) : NULL;
		if (!page || !page->committed || effective(&run->m, page->perm) != p->effective)
			fuzz_fail(run, true, p->address, "backend page 0x%llx: effective 0x%x is wrong",
			          (unsigned long long)p->address, p->effective);
		/* a view's page is the section's, until a copy-on-write made it the view's */
		bool shared = r->section && !model_peek_page(&run->m, p->address);
		if (p->shared != shared)
			fuzz_fail(run, true, p->address, "backend page 0x%llx is mapped %s",
			          (unsigned long long)p->address, p->shared ? "shared" : "private");
	}
}

/* The operation met an injected failure: core must be as before it. */
static void check_undone(fuzz_run *run, model *before, uint64_t version)
{
	const fuzz_log *l = &run->log[run->done - 1];
	model_fini(&run->m);
	run->m = *before;
	run->recover = NULL;
	if (ntvm_layout_version(run->vm) != version)
		fuzz_fail(run, false, 0, "an operation that met a backend failure moved the version");
	if (run->nt && l->op != FOP_NT_QUERY && !nt_failure(l->core[0]))
		fuzz_fail(run, false, 0, "an NT call that met a backend failure answered 0x%llx",
		          (unsigned long long)l->core[0]);
	if (!run->nt && fuzz_returns_status(l->op) && l->core[0] != NTVM_E_BACKEND &&
	    l->core[0] != NTVM_E_NO_MEMORY && l->core[0] != l->model[0])
		fuzz_fail(run, false, 0, "a backend failure was reported as %s",
		          ntvm_status_name((ntvm_status)l->core[0]));
	fuzz_compare_state(run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static fuzz_run run;
	ntvm_config config = {0};
	jmp_buf recover;
	struct ntvm__heap_hooks saved_heap = ntvm__heap;
	bool sections = size && (data[0] & 0x80);
	fault_backend_init(&backend, size ? data[0] & 0x7F : 0);
	config.backend = backend.fail_at ? &backend.iface : NULL;
	if (!fuzz_run_start(&run, "backend_faults", data, size,
	                    sections ? FUZZ_SET_NT_SECTIONS : FUZZ_SET_CORE, &config))
		return 0;
	run.env.sections = sections;
	run.checking = pause_injection;
	heap_calls = heap_fail_at = 0;
	ntvm__heap = (struct ntvm__heap_hooks){heap_malloc, heap_calloc, heap_realloc};
	for (size_t i = 0; i < run.prog.count; i++) {
		model before;
		if (arms_heap_failure(&run.prog.ops[i])) {
			heap_calls = 0;
			heap_fail_at = run.prog.ops[i].b[2] + 1u;
			continue;
		}
		if (!model_clone(&run.m, &before))
			break;
		uint64_t version = ntvm_layout_version(run.vm);
		backend.failed = heap_failed = false;
		run.recover = &recover;
		run.excuse = backend_failed;
		if (setjmp(recover) == 0) {
			if (sections)
				fuzz_exec_nt_op(&run, &run.prog.ops[i]);
			else
				fuzz_exec_core_op(&run, &run.prog.ops[i]);
			run.recover = NULL;
			model_fini(&before);
		} else {
			check_undone(&run, &before, version);
		}
		check_backend(&run);
	}
	run.recover = NULL;
	ntvm__heap = saved_heap;
	ntvm_destroy(run.vm);
	run.vm = NULL;
	if (backend.count || backend.mmio_count) {
		fprintf(stderr, "ntvm-fuzz backend_faults: %zu pages, %zu MMIO ranges mapped after destroy\n",
		        backend.count, backend.mmio_count);
		abort();
	}
	model_fini(&run.m);
	fault_backend_fini(&backend);
	return 0;
}
