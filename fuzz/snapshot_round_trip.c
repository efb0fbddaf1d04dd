/*
 * snapshot_round_trip.c -- the snapshot target's mode 1: a program runs on
 * core and model side by side, then its final state is serialized and
 * restored in every way a caller can: over itself, into a fresh manager,
 * metadata-only over itself; each restored state must equal the model
 * (query walk, reservations, statistics, invariants, the contents of
 * committed pages and of every view) and re-serialize byte-identically.
 *
 * The program's header byte: bit 5 clear, a manager-API program (core_ops)
 * on the default configuration, as it always was.  Bit 5 set: NT calls with
 * sections (as nt_ops with header bit 5: bit 0 Wine 8.0, bit 1 DEP off,
 * bits 2-3 the address profile), bit 4 an MMIO region made first (manager
 * API); the state then usually holds sections (format version 2), which
 * the metadata-only form must refuse, and after the restore into a fresh
 * manager the program runs a second time there, against the model, so that
 * the restored handles, views, copy-on-write pages and SEC_RESERVE commits
 * behave as the originals would.
 *
 * The target's N (header bits 2-7) first runs each serialize and restore
 * with the N-th host allocation failing; with program header bits 5 and 6
 * both set it is instead the N-th call of a failing backend
 * (fault_backend.h) that a restore meets.  Either way the call must fail
 * cleanly (NTVM_E_NO_MEMORY / NTVM_E_BACKEND) and change nothing.
 */
#include <stdio.h>
#include <string.h>

#include "fault_backend.h"
#include "harness.h"
#include "snapshot_target.h"

#define HDR_SECTIONS 0x20
#define HDR_MMIO 0x10
#define HDR_BACKEND 0x40

/* The snapshot holds sections: format version 2 (docs/snapshot-format.md). */
static bool has_sections(const ntvm_buffer *full)
{
	return full->size > 8 && full->data[8] == 2;
}

/* Serialize and restore with the n-th host allocation failing: either the
 * call still succeeds (it needed fewer), or it fails cleanly. */
static void heap_failures(ntvm *vm, const ntvm_buffer *full, const ntvm_buffer *meta, uint64_t n)
{
	ntvm_buffer out = {0}, empty = {0};
	ntvm *fresh = ntvm_create(NULL);
	snap_check(fresh != NULL, "create failed");
	snap_check(ntvm_serialize(fresh, false, &empty) == NTVM_OK, "serialize failed");
	snap_heap_arm(n);
	ntvm_status st = ntvm_serialize(vm, false, &out);
	snap_heap_disarm();
	snap_check(st == NTVM_OK || st == NTVM_E_NO_MEMORY, "serialize failed with an unexpected status");
	snap_check(st != NTVM_OK || snap_same_buffer(&out, full), "serialize differs under allocation failures");
	uint64_t version = ntvm_layout_version(fresh);
	snap_heap_arm(n);
	st = ntvm_deserialize(fresh, full->data, full->size, false, NULL);
	snap_heap_disarm();
	snap_check(st == NTVM_OK || st == NTVM_E_NO_MEMORY || st == NTVM_E_BACKEND,
	           "deserialize failed with an unexpected status");
	if (st != NTVM_OK)
		snap_check_unchanged(fresh, &empty, version, "a failed restore changed the state");
	version = ntvm_layout_version(vm);
	if (!has_sections(full)) {
		snap_heap_arm(n);
		st = ntvm_deserialize(vm, meta->data, meta->size, true, NULL);
		snap_heap_disarm();
		snap_check(st == NTVM_OK || st == NTVM_E_NO_MEMORY || st == NTVM_E_BACKEND,
		           "deserialize (snapshot) failed with an unexpected status");
		if (st != NTVM_OK)
			snap_check_unchanged(vm, full, version, "a failed snapshot restore changed the state");
	}
	/* over itself: the live state is saved, unmapped and put back on failure */
	snap_heap_arm(n);
	st = ntvm_deserialize(vm, full->data, full->size, false, NULL);
	snap_heap_disarm();
	snap_check(st == NTVM_OK || st == NTVM_E_NO_MEMORY || st == NTVM_E_BACKEND,
	           "deserialize over itself failed with an unexpected status");
	snap_check_unchanged(vm, full, version, "a restore over itself changed the state");
	ntvm_buffer_free(&out);
	ntvm_buffer_free(&empty);
	ntvm_destroy(fresh);
}

/* One restore of full into vm with the n-th backend call failing; false:
 * it failed (and changed nothing: want is vm's serialization before). */
static bool restore_failing(ntvm *vm, fault_backend *fb, const ntvm_buffer *full,
                            const ntvm_buffer *want, uint64_t n)
{
	uint64_t version = ntvm_layout_version(vm);
	size_t pages = fb->count;
	fb->calls = 0;
	fb->fail_at = n;
	fb->failed = false;
	ntvm_snapshot_error error = {0, NULL};
	ntvm_status st = ntvm_deserialize(vm, full->data, full->size, false, &error);
	fb->fail_at = 0;
	if (st != NTVM_OK && st != NTVM_E_BACKEND)
		fprintf(stderr, "ntvm-fuzz snapshot: restore with backend call %llu failing: %s (%s at %zu)\n",
		        (unsigned long long)n, ntvm_status_name(st), error.reason ? error.reason : "-",
		        error.offset);
	snap_check(st == NTVM_OK || st == NTVM_E_BACKEND, "a restore over a failing backend: unexpected status");
	snap_check(fb->violation == NULL, "a restore broke the backend contract");
	if (st == NTVM_OK)
		return true;
	snap_check_unchanged(vm, want, version, "a restore that met a backend failure changed the state");
	snap_check(fb->count == pages, "a failed restore left the backend's pages changed");
	return false;
}

/* Restores of full into an empty manager and over itself, on a backend
 * whose n-th call fails, and into one on a backend without map_shared
 * and map_mmio. */
static void backend_failures(const ntvm_buffer *full, uint64_t n)
{
	static fault_backend fb;
	ntvm_buffer empty = {0};
	fault_backend_init(&fb, 0);
	ntvm_config config = {0};
	config.backend = &fb.iface;
	ntvm *vm = ntvm_create(&config);
	snap_check(vm != NULL, "create failed");
	snap_check(ntvm_serialize(vm, false, &empty) == NTVM_OK, "serialize failed");
	if (restore_failing(vm, &fb, full, &empty, n) || restore_failing(vm, &fb, full, &empty, 0))
		restore_failing(vm, &fb, full, full, n);
	ntvm_destroy(vm);
	snap_check(fb.violation == NULL, "destroy broke the backend contract");
	snap_check(fb.count == 0 && fb.mmio_count == 0, "destroy left pages in the backend");
	fault_backend_fini(&fb);
	/* a backend without the optional map_shared (and map_mmio) cannot hold
	 * views or MMIO: such a restore fails as a backend failure would */
	fault_backend_init(&fb, 0);
	fb.iface.map_shared = NULL;
	fb.iface.map_mmio = NULL;
	vm = ntvm_create(&config);
	snap_check(vm != NULL, "create failed");
	restore_failing(vm, &fb, full, &empty, 0);
	ntvm_destroy(vm);
	snap_check(fb.violation == NULL && fb.count == 0, "destroy left pages in the backend");
	fault_backend_fini(&fb);
	ntvm_buffer_free(&empty);
}

/* The restored manager's contents equal the model's (the first bytes of every
 * committed run), and MMIO regions read as unbound until re-bound. */
static void check_contents(fuzz_run *run)
{
	for (size_t i = 0; i < run->m.resv_count; i++) {
		const model_resv *r = &run->m.resv[i];
		for (size_t k = 0; k < r->run_count; k++) {
			uint8_t want[16], got[16];
			uint64_t at = r->runs[k].start;
			if (!r->runs[k].committed)
				continue;
			if (r->kind == NTVM_KIND_MMIO) {
				if (ntvm_read(run->vm, at, got, 1, NULL) != NTVM_E_UNBOUND_MMIO)
					fuzz_fail(run, true, at, "a restored MMIO region reads before re-binding");
				if (ntvm_rebind_mmio(run->vm, r->base, fuzz_mmio_read, fuzz_mmio_write, NULL))
					fuzz_fail(run, true, at, "re-binding a restored MMIO region failed");
			}
			if (model_read(&run->m, at, want, sizeof want, NULL) != NTVM_OK ||
			    ntvm_read(run->vm, at, got, sizeof got, NULL) != NTVM_OK ||
			    memcmp(want, got, sizeof got))
				fuzz_fail(run, true, at, "restored contents at 0x%llx differ",
				          (unsigned long long)at);
		}
	}
}

/* Restore full into run->vm; it must equal the model and re-serialize as full. */
static void restore(fuzz_run *run, const ntvm_buffer *full, const char *into)
{
	ntvm_snapshot_error error = {0, NULL};
	ntvm_buffer again = {0};
	if (ntvm_deserialize(run->vm, full->data, full->size, false, &error) != NTVM_OK)
		fuzz_fail(run, false, 0, "a valid state was rejected (%s) at %zu: %s", into, error.offset,
		          error.reason ? error.reason : "?");
	fuzz_compare_state(run);
	fuzz_compare_views(run);
	check_contents(run);
	snap_check(ntvm_serialize(run->vm, false, &again) == NTVM_OK, "re-serialize failed");
	if (!snap_same_buffer(full, &again))
		fuzz_fail(run, false, 0, "a state restored %s re-serializes differently", into);
	ntvm_buffer_free(&again);
}

/* The metadata-only form: restored over the live state it must change
 * nothing; a state with sections has none and refuses such a load. */
static void metadata_only(fuzz_run *run, const ntvm_buffer *full)
{
	ntvm_buffer meta = {0};
	ntvm_snapshot_error error = {0, NULL};
	ntvm_status st = ntvm_serialize(run->vm, true, &meta);
	uint64_t version = ntvm_layout_version(run->vm);
	if (has_sections(full)) {
		snap_check(st == NTVM_E_WRONG_KIND && meta.size == 0,
		           "a metadata-only serialize of sections was not refused");
		st = ntvm_deserialize(run->vm, full->data, full->size, true, &error);
		snap_check(st == NTVM_E_WRONG_KIND, "a metadata-only load over sections was not refused");
		snap_check_unchanged(run->vm, full, version, "a refused load changed the state");
		return;
	}
	snap_check(st == NTVM_OK, "serialize (snapshot) failed");
	if (ntvm_deserialize(run->vm, meta.data, meta.size, true, &error) != NTVM_OK)
		fuzz_fail(run, false, 0, "a valid snapshot was rejected at %zu: %s", error.offset,
		          error.reason ? error.reason : "?");
	fuzz_compare_state(run);
	ntvm_buffer_free(&meta);
}

static void run_program(fuzz_run *run, bool nt)
{
	for (size_t i = 0; i < run->prog.count && run->done < FUZZ_MAX_OPS; i++)
		if (nt)
			fuzz_exec_nt_op(run, &run->prog.ops[i]);
		else
			fuzz_exec_core_op(run, &run->prog.ops[i]);
}

static bool start(fuzz_run *run, const uint8_t *data, size_t size, bool nt)
{
	uint8_t header = size ? data[0] : 0;
	ntvm_config config = {0};
	static const ntvm_address_profile profiles[4] = {NTVM_ADDRESS_64, NTVM_ADDRESS_32,
	                                                 NTVM_ADDRESS_32_LARGE, NTVM_ADDRESS_64};
	config.behaviour = header & 1 ? NTVM_BEHAVIOUR_WINE_8_0 : NTVM_BEHAVIOUR_WINDOWS;
	config.dep_disabled = (header & 2) != 0;
	config.address_profile = profiles[(header >> 2) & 3];
	if (!fuzz_run_start(run, "snapshot", data, size, nt ? FUZZ_SET_NT_SECTIONS : FUZZ_SET_CORE,
	                    nt ? &config : NULL))
		return false;
	run->env.sections = nt;
	if (nt && (header & HDR_MMIO))
		fuzz_arena_mmio(run);
	return true;
}

void snap_round_trip(const uint8_t *data, size_t size, uint64_t fail_at)
{
	static fuzz_run run;
	ntvm_buffer full = {0};
	uint8_t header = size ? data[0] : 0;
	bool nt = (header & HDR_SECTIONS) != 0;
	if (!start(&run, data, size, nt))
		return;
	run_program(&run, nt);
	snap_check(ntvm_serialize(run.vm, false, &full) == NTVM_OK, "serialize failed");
	if (fail_at && nt && (header & HDR_BACKEND)) {
		backend_failures(&full, fail_at);
	} else if (fail_at) {
		ntvm_buffer meta = {0};
		if (!has_sections(&full))
			snap_check(ntvm_serialize(run.vm, true, &meta) == NTVM_OK, "serialize (snapshot) failed");
		heap_failures(run.vm, &full, &meta, fail_at);
		ntvm_buffer_free(&meta);
	}
	metadata_only(&run, &full);
	restore(&run, &full, "over itself");

	ntvm *fresh = ntvm_create(NULL), *old = run.vm;
	snap_check(fresh != NULL, "create failed");
	run.vm = fresh;
	ntvm_destroy(old);
	restore(&run, &full, "into a fresh manager");
	if (nt)
		run_program(&run, nt);
	ntvm_buffer_free(&full);
	fuzz_run_end(&run);
}
