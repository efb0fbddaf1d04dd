/*
 * snapshot_target.h -- what the snapshot target's two modes share
 * (snapshot.c: arbitrary bytes; snapshot_round_trip.c: programs whose
 * final state is serialized and restored): the abort-on-failure check, the
 * comparison of serializations, and the core's host allocations made to
 * fail on request (ntvm__heap, core/src/heap.c).
 */
#ifndef NTVM_FUZZ_SNAPSHOT_TARGET_H
#define NTVM_FUZZ_SNAPSHOT_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include <ntvm/ntvm.h>

/* Print what failed and abort (a finding). */
void snap_check(bool ok, const char *what);
bool snap_same_buffer(const ntvm_buffer *a, const ntvm_buffer *b);
/* vm's serialization equals want and its layout version is unmoved. */
void snap_check_unchanged(ntvm *vm, const ntvm_buffer *want, uint64_t version, const char *what);

/* From snap_heap_arm(n) to snap_heap_disarm(), the n-th host allocation of
 * the core fails (n == 0: none). */
void snap_heap_arm(uint64_t n);
void snap_heap_disarm(void);

/* Mode 1: data is the program (its own header byte first), fail_at the N of
 * the target's header. */
void snap_round_trip(const uint8_t *data, size_t size, uint64_t fail_at);

#endif /* NTVM_FUZZ_SNAPSHOT_TARGET_H */
