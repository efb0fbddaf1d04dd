/*
 * snapshot.c -- fuzz target: snapshots (ntvm_serialize / ntvm_deserialize).
 * Header byte bit 0 picks the mode:
 *  0: the rest is arbitrary bytes fed to ntvm_deserialize on a manager that
 *     already holds a state.  A rejection must leave that state
 *     byte-identical (its serialization) with the layout version unmoved; an
 *     acceptance must re-serialize to exactly the input.  Bit 1 is the
 *     is_snapshot argument.  Bit 2 set: the live state has sections
 *     (snapshot_section_state, bits 3-4 the variant), which a metadata-only
 *     load must refuse with NTVM_E_WRONG_KIND; clear: the small state.  A
 *     rejection is asked again without an error record (same answer); an
 *     empty rest also tries NULL data.  An accepted state is serialized
 *     again with the append of each field failing in turn (append_failures)
 *     and loaded again with each host allocation failing in turn
 *     (load_failures).
 *  1: the rest is a program whose final state is serialized and restored
 *     (snapshot_round_trip.c; the program's own header byte says which
 *     operations).  Bits 2-7 (N, 0: none) first run the serialize and
 *     deserialize calls with the N-th host allocation of the core failing
 *     (or the N-th backend call, see snapshot_round_trip.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manager.h"
#include "snapshot.h"
#include "snapshot_states.h"
#include "snapshot_target.h"
#include "snapshot_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void snap_check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "ntvm-fuzz snapshot: %s\n", what);
		abort();
	}
}

bool snap_same_buffer(const ntvm_buffer *a, const ntvm_buffer *b)
{
	return a->size == b->size && (a->size == 0 || memcmp(a->data, b->data, a->size) == 0);
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

/* Every reallocation fails (a buffer cannot grow): set around one call. */
static bool fail_reallocs;
static void *realloc_or_fail(void *p, size_t n) { return fail_reallocs ? NULL : realloc(p, n); }

void snap_heap_arm(uint64_t n)
{
	heap_calls = 0;
	heap_fail_at = n;
	ntvm__heap = (struct ntvm__heap_hooks){heap_malloc, heap_calloc, heap_realloc};
}

void snap_heap_disarm(void)
{
	heap_fail_at = 0;
	ntvm__heap = (struct ntvm__heap_hooks){malloc, calloc, realloc};
}

void snap_check_unchanged(ntvm *vm, const ntvm_buffer *want, uint64_t version, const char *what)
{
	ntvm_buffer now = {0};
	snap_check(ntvm_serialize(vm, false, &now) == NTVM_OK, "serialize failed");
	snap_check(snap_same_buffer(want, &now), what);
	snap_check(ntvm_layout_version(vm) == version, what);
	ntvm_buffer_free(&now);
}

/* An accepted state serialized again into empty buffers whose capacity
 * ends at each of its fields in turn (snapshot_walk.h, at most the first
 * SWEEP_FIELDS), with every reallocation failing: the append that reaches
 * that field meets the failure, and the call must answer NTVM_E_NO_MEMORY
 * with the buffer as it was. */
#define SWEEP_FIELDS 400
static void append_failures(ntvm *vm, bool is_snapshot, const uint8_t *data, size_t size)
{
	static snapshot_walk w;
	snapshot_walk_fields(&w, data, size);
	for (size_t i = 0; i <= w.n && i <= SWEEP_FIELDS; i++) {
		size_t at = i < w.n ? w.f[i].at : 0; /* 0: the magic */
		ntvm_buffer out = {malloc(at ? at : 1), 0, at};
		snap_check(out.data != NULL, "malloc failed");
		ntvm__heap.realloc = realloc_or_fail;
		fail_reallocs = true;
		ntvm_status st = ntvm_serialize(vm, is_snapshot, &out);
		fail_reallocs = false;
		ntvm__heap.realloc = realloc;
		snap_check(st == NTVM_E_NO_MEMORY && out.size == 0 && out.capacity == at,
		           "a serialize whose append failed did not fail cleanly");
		ntvm_buffer_free(&out);
	}
}

/* An accepted input loaded again over its own state with the k-th host
 * allocation failing, for every k until the load needs fewer: each such
 * load fails with NTVM_E_NO_MEMORY (or NTVM_E_BACKEND) and changes nothing. */
static void load_failures(ntvm *vm, bool is_snapshot, const uint8_t *data, size_t size,
                          const ntvm_buffer *state)
{
	uint64_t version = ntvm_layout_version(vm);
	for (uint64_t k = 1; k <= 256; k++) {
		snap_heap_arm(k);
		ntvm_status st = ntvm_deserialize(vm, data, size, is_snapshot, NULL);
		snap_heap_disarm();
		if (st != NTVM_OK && st != NTVM_E_NO_MEMORY && st != NTVM_E_BACKEND)
			fprintf(stderr, "ntvm-fuzz snapshot: allocation %llu failing: %s\n", (unsigned long long)k,
			        ntvm_status_name(st));
		/* the embedded backend's own memory comes from the same allocator */
		snap_check(st == NTVM_OK || st == NTVM_E_NO_MEMORY || st == NTVM_E_BACKEND,
		           "a load under an allocation failure: unexpected status");
		snap_check_unchanged(vm, state, version, "a load under an allocation failure changed the state");
		if (st == NTVM_OK)
			return;
	}
}

/* Absent data: NULL with a size is refused as such, with or without an error record. */
static void no_data(ntvm *vm, const ntvm_buffer *before, uint64_t version)
{
	ntvm_snapshot_error error = {0, NULL};
	snap_check(ntvm_deserialize(vm, NULL, 1, false, &error) == NTVM_E_MALFORMED &&
	           error.reason != NULL && ntvm_deserialize(vm, NULL, 1, false, NULL) == NTVM_E_MALFORMED &&
	           ntvm_deserialize(vm, NULL, 0, false, NULL) == NTVM_E_MALFORMED,
	           "a load of no data was not refused");
	snap_check_unchanged(vm, before, version, "a refused load of no data changed the state");
	ntvm_buffer_free(NULL); /* allowed, as free(NULL) */
}

static void arbitrary_bytes(const uint8_t *data, size_t size, uint8_t header)
{
	bool is_snapshot = (header & 2) != 0, sections = (header & 4) != 0;
	ntvm *vm = sections ? snapshot_section_state((header >> 3) & 3) : snapshot_small_state();
	ntvm_buffer before = {0}, after = {0};
	ntvm_snapshot_error error = {0, NULL};
	if (!vm)
		return;
	snap_check(ntvm_serialize(vm, false, &before) == NTVM_OK, "serialize failed");
	uint64_t version = ntvm_layout_version(vm);
	ntvm_status st = ntvm_deserialize(vm, data, size, is_snapshot, &error);
	if (sections && is_snapshot)
		snap_check(st == NTVM_E_WRONG_KIND, "a metadata-only load over sections was not refused");
	if (st != NTVM_OK) {
		snap_check(st == NTVM_E_MALFORMED || st == NTVM_E_NO_MEMORY || st == NTVM_E_BACKEND ||
		           (st == NTVM_E_WRONG_KIND && sections && is_snapshot),
		           "deserialize failed with an unexpected status");
		snap_check_unchanged(vm, &before, version, "a rejected snapshot changed the state");
		snap_check(st != NTVM_E_MALFORMED || error.reason != NULL, "rejection without a reason");
		/* the same answer without an error record */
		snap_check(st == NTVM_E_NO_MEMORY || ntvm_deserialize(vm, data, size, is_snapshot, NULL) == st,
		           "a rejection differs without an error record");
		snap_check_unchanged(vm, &before, version, "a rejected snapshot changed the state");
		if (size == 0)
			no_data(vm, &before, version);
	} else {
		snap_check(ntvm_serialize(vm, is_snapshot, &after) == NTVM_OK, "re-serialize failed");
		snap_check(after.size == size && memcmp(after.data, data, size) == 0,
		           "an accepted snapshot does not re-serialize byte-identically");
		append_failures(vm, is_snapshot, data, size);
		ntvm_buffer state = {0};
		snap_check(ntvm_serialize(vm, false, &state) == NTVM_OK, "serialize failed");
		load_failures(vm, is_snapshot, data, size, &state);
		ntvm_buffer_free(&state);
	}
	ntvm_buffer_free(&before);
	ntvm_buffer_free(&after);
	ntvm_destroy(vm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		snap_round_trip(data + 1, size - 1, data[0] >> 2);
	else
		arbitrary_bytes(data + 1, size - 1, data[0]);
	return 0;
}
