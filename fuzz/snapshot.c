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
 * Bit 1 is the is_snapshot flag of mode 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

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

static void round_trip(const uint8_t *data, size_t size)
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
		round_trip(data + 1, size - 1);
	else
		arbitrary_bytes(data + 1, size - 1, (data[0] & 2) != 0);
	return 0;
}
