/*
 * nt_internal.h -- helpers shared by the NT system-call layer (nt_*.c).
 *
 * The NT layer is built on the public manager API only (<ntvm/ntvm.h>): it
 * validates and rounds arguments the way the real calls do, asks the
 * profile table (nt_profile.h) wherever Windows and Wine 8.0 differ, and
 * then makes one manager call, so that a failing NT call changes nothing.
 */
#ifndef NTVM_NT_INTERNAL_H
#define NTVM_NT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <ntvm/nt.h>

#include "nt_profile.h"

#define NT_PAGE NTVM_PAGE_SIZE
#define NT_GRANULE NTVM_ALLOCATION_GRANULARITY

/* The cache attributes an allocation owns and every page of it carries. */
#define NT_PERM_CACHE_BITS (NTVM_PERM_NOCACHE | NTVM_PERM_WRITECOMBINE)

static inline uint64_t nt_round_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

/* Round v up to a multiple of a; false (and *out untouched) if that
 * passes 2^64. */
static inline bool nt_round_up(uint64_t v, uint64_t a, uint64_t *out)
{
	if (v > UINT64_MAX - (a - 1))
		return false;
	*out = (v + a - 1) & ~(a - 1);
	return true;
}

/*
 * nt_prot.c: PAGE_* values.  nt_prot_check validates a protection value the
 * way the profile does and returns STATUS_SUCCESS with *perm set to what an
 * allocation would store (ignored bits dropped), or the failing status.
 * nt_prot_for_pages gives the permission pages of allocation res get: the
 * requested base protection and guard, plus the allocation's cache bits.
 */
ntvm_ntstatus nt_prot_check(const ntvm *vm, uint32_t protect, ntvm_perm *perm);
bool nt_prot_is_writecopy(ntvm_perm perm);
ntvm_perm nt_prot_for_pages(ntvm_perm requested, const ntvm_reservation *res);

/*
 * nt_range.c: ranges against allocations.  nt_range_in_allocation finds the
 * allocation containing base and checks that [base, base + size) ends inside
 * it (size 0 allowed).  nt_range_committed tells whether every page of the
 * page-aligned range is committed.
 */
bool nt_range_in_allocation(const ntvm *vm, uint64_t base, uint64_t size, ntvm_reservation *res);
bool nt_range_committed(const ntvm *vm, uint64_t base, uint64_t size);
/* NtFree/NtProtect argument limits: a base above the highest user address
 * (the call's own row above_max) and a size reaching past it (row
 * SIZE_PAST_MAX); STATUS_SUCCESS when the profile lets the call go on. */
ntvm_ntstatus nt_check_limits(const ntvm *vm, uint64_t in_base, uint64_t in_size,
                              nt_situation above_max);
/* Page rounding of [in_base, in_base + in_size): *base rounds down, *size
 * covers the range.  Wine 8.0 computes the size modulo 2^64 (row
 * SIZE_ROUND_WRAP); otherwise a range past 2^64 gives false. */
bool nt_round_pages(const ntvm *vm, uint64_t in_base, uint64_t in_size, uint64_t *base,
                    uint64_t *size);

/* The NTSTATUS for a manager failure during an operation that the NT layer
 * had already validated (out of host memory or a backend failure). */
ntvm_ntstatus nt_status_from_manager(ntvm_status st);

#endif /* NTVM_NT_INTERNAL_H */
