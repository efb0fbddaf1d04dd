/*
 * replay_state.h -- a picture of an ntvm address space, taken before and
 * after a statement, so the replayer can prove that a failing call changed
 * nothing.
 *
 * The picture is a walk of every reservation (region by region, as
 * ntvm_region_info_at_detailed reports it, so the protection reserved pages
 * last had is part of the picture), the statistics, the layout version and a
 * hash of the committed contents inside a window (the part of the address
 * space a statement could touch).  Hashing only a window keeps the check
 * cheap when a trace commits large ranges; the region walk always covers the
 * whole address space.
 *
 * Two faults change state legitimately and are allowed for when comparing:
 * a guard-page fault clears PAGE_GUARD on the one faulting page, and a
 * faulting write leaves the bytes before the fault written.
 */
#ifndef NTVM_REPLAY_STATE_H
#define NTVM_REPLAY_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ntvm/ntvm.h>

typedef struct replay_region {
	uint64_t start;
	uint64_t length;
	uint64_t allocation_base;
	uint64_t allocation_length;
	bool is_committed;
	ntvm_perm initial_perm;
	ntvm_perm perm;
	ntvm_perm last_perm; /* reserved pages: the protection they last had */
	ntvm_kind kind;
} replay_region;

typedef struct replay_state {
	replay_region *regions; /* reserved regions only, in address order */
	size_t count;
	size_t capacity;
	ntvm_stats stats;
	uint64_t layout_version;
	uint64_t window_lo, window_hi; /* hashed contents: [lo, hi) */
	uint64_t content_hash;
	bool oom; /* the walk could not grow its array: compare reports it */
} replay_state;

/* Bytes to substitute while hashing: the pre-call contents of a range that a
 * faulting write legitimately changed.  NULL or len 0: none. */
typedef struct replay_overlay {
	uint64_t address;
	const uint8_t *bytes;
	size_t length;
} replay_overlay;

/* Take a picture of vm's layout: regions, statistics, layout version. */
void replay_state_take(replay_state *state, const ntvm *vm);
/* Hash the committed contents in [window_lo, window_hi) into the picture
 * (at most the first 8 MiB committed there), with overlay substituted. */
void replay_state_hash(replay_state *state, const ntvm *vm, uint64_t window_lo,
                       uint64_t window_hi, const replay_overlay *overlay);
void replay_state_free(replay_state *state);

/* The region containing address in a picture, or NULL when it was free. */
const replay_region *replay_state_find(const replay_state *state, uint64_t address);

/* True when [address, address+size) was entirely free in the picture. */
bool replay_state_range_free(const replay_state *state, uint64_t address, uint64_t size);

/*
 * Compare two pictures.  guard_page (or UINT64_MAX for none) is a page whose
 * PAGE_GUARD bit may have been cleared, and only that.  Returns true when
 * equal; otherwise writes the first difference to why.
 */
bool replay_state_equal(const replay_state *before, const replay_state *after,
                        uint64_t guard_page, char *why, size_t why_size);

#endif /* NTVM_REPLAY_STATE_H */
