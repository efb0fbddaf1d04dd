/*
 * invariants.h -- the manager's invariant checker, in the role of the maple
 * tree's mt_validate(): it walks the core's internal structures and checks
 * everything that must hold between operations.  Tests and fuzzers call it
 * after every operation.
 */
#ifndef NTVM_ORACLE_INVARIANTS_H
#define NTVM_ORACLE_INVARIANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ntvm/ntvm.h>

/*
 * True when every invariant holds.  Otherwise false, with the first broken
 * invariant described in why (if non-NULL).  Checked:
 *  - the AVL tree: bases strictly increasing in order, heights exact,
 *    balance within one, gap_before and max_gap equal to a recomputation;
 *  - reservations: non-empty, page-aligned base and size (bases are 64 KiB
 *    aligned except the pieces a partial release leaves, so page alignment
 *    is what is checked), inside [NTVM_MIN_ADDRESS, max_address], not
 *    overlapping, valid kind and initial permission;
 *  - page state: storage matching the committed state, bitmap counts equal
 *    to a popcount, no bits past the end, valid protections on committed
 *    pages and valid last protections on reserved ones, MMIO reservations
 *    committed read-write with a callback record;
 *  - statistics (reserved, committed, count, metadata bytes) equal to a
 *    recount;
 *  - region queries (plain and detailed): runs maximal, never crossing an
 *    allocation, consistent with the page state;
 *  - with the embedded backend: mapped pages are exactly the committed ones,
 *    each with its effective permission;
 *  - sections (invariants_sections.c): each section's reference count equals
 *    its handles plus its views, storage covers its size; view records are
 *    sorted, each is a reservation of the kind its section calls for, inside
 *    the section's storage; a view's committed pages are committed in the
 *    section (and, in the Windows profile, the section's committed pages in
 *    every view); with the embedded backend every committed page of a view
 *    is backed by the section's host page, or by a copy of its own once a
 *    copy-on-write made it private.
 */
bool ntvm_check_invariants(const ntvm *vm, char *why, size_t why_len);

/* The same, checking the mappings of mem_ctx, the context of an embedded
 * backend (core/src/backend_mem.c) that vm's backend forwards to; NULL skips
 * the backend checks. */
bool ntvm_check_invariants_mem(const ntvm *vm, void *mem_ctx, char *why, size_t why_len);

/* ntvm_check_invariants with the per-page checks (page state storage, protections, the
 * region-query runs, the backend's mappings) only for the reservations that
 * meet [lo, hi); the tree, every node's own fields, the statistics against a
 * recount, the backend's page total and the sections are checked whole.
 * With [0, UINT64_MAX) it is ntvm_check_invariants.  The fuzz harness
 * checks the range an operation can have changed this way after each
 * operation, and everything at the end of the input (docs/fuzzing.md). */
bool ntvm_check_invariants_window(const ntvm *vm, uint64_t lo, uint64_t hi, char *why,
                                  size_t why_len);

#endif
