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
 *     empty rest also tries NULL data.  Bits 3-7 (m, 0: none): an accepted
 *     state is serialized again into a buffer that holds 256 - 4m bytes,
 *     with the allocation that must grow it failing (append_failing).
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

/* An accepted state serialized again into a buffer already holding 256 -
 * 4m bytes of its first 256 (so that the append crossing offset 4m of the
 * new data reallocates) with that allocation failing: NTVM_E_NO_MEMORY
 * and the buffer as it was; then unarmed: the old bytes and the state. */
static void append_failing(ntvm *vm, bool is_snapshot, const uint8_t *data, size_t size, unsigned m)
{
	ntvm_buffer out = {0};
	size_t keep = 256 - 4 * (size_t)m;
	uint8_t *at = ntvm__buffer_grow(&out, keep);
	snap_check(at != NULL, "buffer grow failed");
	memset(at, 0xA5, keep);
	snap_heap_arm(1);
	ntvm_status st = ntvm_serialize(vm, is_snapshot, &out);
	snap_heap_disarm();
	snap_check(st == NTVM_E_NO_MEMORY || (st == NTVM_OK && size + keep <= 256),
	           "a serialize into a full buffer met no allocation failure");
	snap_check(st == NTVM_OK || out.size == keep, "a failed serialize changed the buffer's size");
	out.size = keep;
	snap_check(ntvm_serialize(vm, is_snapshot, &out) == NTVM_OK, "re-serialize failed");
	snap_check(out.size == keep + size && out.data[0] == 0xA5 && out.data[keep - 1] == 0xA5 &&
	           memcmp(out.data + keep, data, size) == 0,
	           "a serialize appended to a buffer differs");
	ntvm_buffer_free(&out);
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
		if (header >> 3)
			append_failing(vm, is_snapshot, data, size, header >> 3);
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
