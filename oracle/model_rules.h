/*
 * model_rules.h -- every choice the model makes that the headers and specs do
 * not pin down, and every Windows / Wine 8.0 difference, as data.  The values
 * live in model_rules.c, each with the reason it was chosen, so that a
 * disagreement between model and core can be settled by reading one file.
 */
#ifndef NTVM_ORACLE_MODEL_RULES_H
#define NTVM_ORACLE_MODEL_RULES_H

#include <stdbool.h>

#include <ntvm/ntdefs.h>
#include <ntvm/ntvm.h>

/* Choices about the manager API that ntvm.h leaves open. */
typedef struct model_core_rules {
	bool search_by_granule;          /* find-free treats a reservation as its whole 64 KiB granules */
	bool overlap_by_granule;         /* allocate_at conflicts with any granule a reservation touches */
	ntvm_status release_not_at_base; /* release(address, 0) inside, not at, a reservation */
	ntvm_status access_not_committed; /* ntvm_read/ntvm_write over a page that is not committed */
	bool commit_in_views;            /* commit/decommit allowed in SECTION_VIEW/IMAGE reservations */
	bool committed_is_reserved;      /* region_info: is_reserved is true for committed pages too */
} model_core_rules;

/* One row per situation where the NT layer's answer depends on the profile. */
typedef struct model_nt_rules {
	const char *name;
	ntvm_ntstatus alloc_base_too_low;     /* explicit base below 0x10000 */
	ntvm_ntstatus alloc_range_too_high;   /* explicit range past the highest user address */
	ntvm_ntstatus alloc_round_to_page;    /* AT_ROUND_TO_PAGE in the type */
	ntvm_ntstatus commit_outside;         /* commit touching free memory or two allocations */
	ntvm_ntstatus reset_outside;          /* MEM_RESET outside one allocation */
	bool reject_guard_noaccess;           /* PAGE_GUARD|PAGE_NOACCESS */
	bool reject_nocache_writecombine;     /* PAGE_NOCACHE|PAGE_WRITECOMBINE */
	ntvm_ntstatus free_not_allocated;     /* free of memory no allocation holds */
	bool partial_release;                 /* MEM_RELEASE of part of an allocation splits it */
	ntvm_ntstatus partial_release_status; /* when partial_release is false */
	ntvm_ntstatus protect_null;           /* NtProtect at (rounded) address 0 */
	ntvm_ntstatus protect_outside;        /* NtProtect on free memory or across allocations */
	bool protect_checks_protection_first; /* protection value checked before the range */
} model_nt_rules;

extern const model_core_rules model_core;
const model_nt_rules *model_nt_rules_for(ntvm_behaviour behaviour);

#endif /* NTVM_ORACLE_MODEL_RULES_H */
