/*
 * snapshot.c -- fuzz target: snapshots (ntvm_serialize / ntvm_deserialize).
 * Header byte bit 0 picks the mode:
 *  0: the rest is arbitrary bytes fed to ntvm_deserialize on a manager that
 *     already holds a small state.  A rejection must leave that state
 *     byte-identical (its serialization) with the layout version unmoved; an
 *     acceptance must re-serialize to exactly the input.
 *  1: the rest is a core_ops program run on core and model; the final state
 *     is serialized, restored into a fresh manager (page contents included),
 *     compared with the model and re-serialized identically; the metadata-only
 *     form is restored into the same manager and must change nothing.
 *     Bits 2-7 (N, 0: none) first run each of those serialize and
 *     deserialize calls with the N-th host allocation of the core failing
 *     (ntvm__heap, core/src/heap.c): the call must then fail with
 *     NTVM_E_NO_MEMORY (or NTVM_E_BACKEND) and change nothing.
 * Bit 1 is the is_snapshot flag of mode 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "manager.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "ntvm-fuzz snapshot: %s\n", what);
		abort();
	}
}

static bool same_buffer(const ntvm_buffer *a, const ntvm_buffer *b)
{
	return a->size == b->size && memcmp(a->data, b->data, a->size) == 0;
}

/* The core's host allocations while a failure is armed: the heap_fail_at-th fails. */
static uint64_t heap_calls, heap_fail_at;

static bool heap_fail_now(void)
{
	return heap_fail_at != 0 && ++heap_calls == heap_fail_at;
}

static void *heap_malloc(size_t n) { return heap_fail_now() ? NULL : malloc(n); }
static void *heap_calloc(size_t n, size_t size) { return heap_fail_now() ? NULL : calloc(n, size); }
static void *heap_realloc(void *p, size_t n) { return heap_fail_now() ? NULL : realloc(p, n); }

static void heap_arm(uint64_t n)
{
	heap_calls = 0;
	heap_fail_at = n;
	ntvm__heap = (struct ntvm__heap_hooks){heap_malloc, heap_calloc, heap_realloc};
}

static void heap_disarm(void)
{
	heap_fail_at = 0;
	ntvm__heap = (struct ntvm__heap_hooks){malloc, calloc, realloc};
}

/* vm's serialization equals want and its layout version is unmoved. */
static void check_unchanged(ntvm *vm, const ntvm_buffer *want, uint64_t version, const char *what)
{
	ntvm_buffer now = {0};
	check(ntvm_serialize(vm, false, &now) == NTVM_OK, "serialize failed");
	check(same_buffer(want, &now), what);
	check(ntvm_layout_version(vm) == version, what);
	ntvm_buffer_free(&now);
}

/* Serialize and restore with the n-th host allocation failing: either the
 * call still succeeds (it needed fewer), or it fails cleanly. */
static void failing_calls(ntvm *vm, const ntvm_buffer *full, const ntvm_buffer *meta, uint64_t n)
{
	ntvm_buffer out = {0}, empty = {0};
	ntvm *fresh = ntvm_create(NULL);
	check(fresh != NULL, "create failed");
	check(ntvm_serialize(fresh, false, &empty) == NTVM_OK, "serialize failed");
	heap_arm(n);
	ntvm_status st = ntvm_serialize(vm, false, &out);
	heap_disarm();
	check(st == NTVM_OK || st == NTVM_E_NO_MEMORY, "serialize failed with an unexpected status");
	check(st != NTVM_OK || same_buffer(&out, full), "serialize differs under allocation failures");
	uint64_t version = ntvm_layout_version(fresh);
	heap_arm(n);
	st = ntvm_deserialize(fresh, full->data, full->size, false, NULL);
	heap_disarm();
	check(st == NTVM_OK || st == NTVM_E_NO_MEMORY || st == NTVM_E_BACKEND,
	      "deserialize failed with an unexpected status");
	if (st != NTVM_OK)
		check_unchanged(fresh, &empty, version, "a failed restore changed the state");
	version = ntvm_layout_version(vm);
	heap_arm(n);
	st = ntvm_deserialize(vm, meta->data, meta->size, true, NULL);
	heap_disarm();
	check(st == NTVM_OK || st == NTVM_E_NO_MEMORY || st == NTVM_E_BACKEND,
	      "deserialize (snapshot) failed with an unexpected status");
	if (st != NTVM_OK)
		check_unchanged(vm, full, version, "a failed snapshot restore changed the state");
	ntvm_buffer_free(&out);
	ntvm_buffer_free(&empty);
	ntvm_destroy(fresh);
}

/* A manager with a reservation, some committed pages, a guard page and data. */
static ntvm *small_state(void)
{
	ntvm *vm = ntvm_create(NULL);
	const uint8_t bytes[4] = {1, 2, 3, 4};
	if (!vm)
		return NULL;
	uint64_t base = ntvm_allocate(vm, 0x40000, NTVM_PERM_RW, true, 0, NTVM_KIND_PRIVATE);
	ntvm_commit(vm, base + 0x1000, 0x3000, NTVM_PERM_RW);
	ntvm_protect(vm, base + 0x2000, 0x1000, NTVM_PERM_READ | NTVM_PERM_GUARD, NULL);
	ntvm_write(vm, base + 0x1010, bytes, sizeof bytes, NULL);
	ntvm_allocate(vm, 0x2000, NTVM_PERM_RX, false, 0, NTVM_KIND_SECTION_IMAGE);
	return vm;
}

static void arbitrary_bytes(const uint8_t *data, size_t size, bool is_snapshot)
{
	ntvm *vm = small_state();
	ntvm_buffer before = {0}, after = {0};
	ntvm_snapshot_error error = {0, NULL};
	if (!vm)
		return;
	check(ntvm_serialize(vm, false, &before) == NTVM_OK, "serialize failed");
	uint64_t version = ntvm_layout_version(vm);
	ntvm_status st = ntvm_deserialize(vm, data, size, is_snapshot, &error);
	if (st != NTVM_OK) {
		check(st == NTVM_E_MALFORMED || st == NTVM_E_NO_MEMORY || st == NTVM_E_BACKEND,
		      "deserialize failed with an unexpected status");
		check(ntvm_serialize(vm, false, &after) == NTVM_OK, "serialize after rejection failed");
		check(same_buffer(&before, &after), "a rejected snapshot changed the state");
		check(ntvm_layout_version(vm) == version, "a rejected snapshot moved the layout version");
		check(st != NTVM_E_MALFORMED || error.reason != NULL, "rejection without a reason");
	} else {
		check(ntvm_serialize(vm, is_snapshot, &after) == NTVM_OK, "re-serialize failed");
		check(after.size == size && memcmp(after.data, data, size) == 0,
		      "an accepted snapshot does not re-serialize byte-identically");
	}
	ntvm_buffer_free(&before);
	ntvm_buffer_free(&after);
	ntvm_destroy(vm);
}

/* The restored manager's contents equal the model's (the first bytes of every
 * committed run), and MMIO regions read as unbound until re-bound. */
static void check_contents(fuzz_run *run, ntvm *restored)
{
	for (size_t i = 0; i < run->m.resv_count; i++) {
		const model_resv *r = &run->m.resv[i];
		for (size_t k = 0; k < r->run_count; k++) {
			uint8_t want[16], got[16];
			uint64_t at = r->runs[k].start;
			if (!r->runs[k].committed)
				continue;
			if (r->kind == NTVM_KIND_MMIO) {
				if (ntvm_read(restored, at, got, 1, NULL) != NTVM_E_UNBOUND_MMIO)
					fuzz_fail(run, true, at, "a restored MMIO region reads before re-binding");
				if (ntvm_rebind_mmio(restored, r->base, fuzz_mmio_read, fuzz_mmio_write, NULL))
					fuzz_fail(run, true, at, "re-binding a restored MMIO region failed");
			}
			if (model_read(&run->m, at, want, sizeof want, NULL) != NTVM_OK ||
			    ntvm_read(restored, at, got, sizeof got, NULL) != NTVM_OK ||
			    memcmp(want, got, sizeof got))
				fuzz_fail(run, true, at, "restored contents at 0x%llx differ",
				          (unsigned long long)at);
		}
	}
}

static void round_trip(const uint8_t *data, size_t size, uint64_t fail_at)
{
	static fuzz_run run;
	ntvm_buffer full = {0}, meta = {0}, again = {0};
	ntvm_snapshot_error error = {0, NULL};
	if (!fuzz_run_start(&run, "snapshot", data, size, FUZZ_SET_CORE, NULL))
		return;
	for (size_t i = 0; i < run.prog.count; i++)
		fuzz_exec_core_op(&run, &run.prog.ops[i]);
	check(ntvm_serialize(run.vm, false, &full) == NTVM_OK, "serialize failed");
	check(ntvm_serialize(run.vm, true, &meta) == NTVM_OK, "serialize (snapshot) failed");
	if (fail_at)
		failing_calls(run.vm, &full, &meta, fail_at);

	ntvm *fresh = ntvm_create(NULL), *old = run.vm;
	check(fresh != NULL, "create failed");
	if (ntvm_deserialize(fresh, full.data, full.size, false, &error) != NTVM_OK)
		fuzz_fail(&run, false, 0, "a valid state was rejected at %zu: %s", error.offset,
		          error.reason ? error.reason : "?");
	run.vm = fresh;
	fuzz_compare_state(&run);
	check_contents(&run, fresh);
	check(ntvm_serialize(fresh, false, &again) == NTVM_OK, "re-serialize failed");
	if (!same_buffer(&full, &again))
		fuzz_fail(&run, false, 0, "a restored state re-serializes differently");
	run.vm = old;
	ntvm_destroy(fresh);

	if (ntvm_deserialize(run.vm, meta.data, meta.size, true, &error) != NTVM_OK)
		fuzz_fail(&run, false, 0, "a valid snapshot was rejected at %zu: %s", error.offset,
		          error.reason ? error.reason : "?");
	fuzz_compare_state(&run);
	ntvm_buffer_free(&full);
	ntvm_buffer_free(&meta);
	ntvm_buffer_free(&again);
	fuzz_run_end(&run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		round_trip(data + 1, size - 1, data[0] >> 2);
	else
		arbitrary_bytes(data + 1, size - 1, (data[0] & 2) != 0);
	return 0;
}
