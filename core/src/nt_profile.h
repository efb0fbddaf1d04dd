/*
 * nt_profile.h -- the behaviour profiles of the NT layer.
 *
 * Windows and Wine 8.0 answer a few situations differently.  Every such
 * situation has an id here and exactly one row in the table in nt_profile.c
 * (mirrored in docs/profile-differences.md).  The NT layer asks the table at
 * the decision point instead of testing the profile itself, so the table is
 * the complete list of differences.
 *
 * A row's result is an NTSTATUS for the situation, or for rows whose
 * difference is a behaviour rather than a status, one of the NT_CHOICE_*
 * values (STATUS_SUCCESS means "proceed as Windows does").
 */
#ifndef NTVM_NT_PROFILE_H
#define NTVM_NT_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include <ntvm/ntdefs.h>
#include <ntvm/ntvm.h>

/* Behaviour results that are not a status.  Values far from any NTSTATUS. */
#define NT_CHOICE_ALTERNATIVE 0x0000FFFEu /* the row's non-Windows behaviour */

typedef enum nt_situation {
	NT_SIT_ALLOC_ZERO_SIZE,            /* NtAllocate: *size == 0 */
	NT_SIT_ALLOC_BAD_TYPE,             /* NtAllocate: unknown type bits, no COMMIT/RESERVE/RESET */
	NT_SIT_ALLOC_RESET_COMBINED,       /* NtAllocate: MEM_RESET with other type bits */
	NT_SIT_ALLOC_RESET_UNDO,           /* NtAllocate: MEM_RESET_UNDO alone */
	NT_SIT_ALLOC_WRITE_WATCH_NO_RESERVE, /* NtAllocate: MEM_WRITE_WATCH without MEM_RESERVE */
	NT_SIT_ALLOC_ZERO_BITS_SMALL_MASK, /* NtAllocate: zero_bits 33..0xFFFE */
	NT_SIT_ALLOC_ZERO_BITS_TOP_BIT,    /* NtAllocate: zero_bits mask with bit 63 set */
	NT_SIT_ALLOC_SIZE_ABOVE_LIMIT,     /* NtAllocate: rounded size above the user space */
	NT_SIT_ALLOC_BASE_ABOVE_MAX,       /* NtAllocate: base above the highest user address */
	NT_SIT_ALLOC_RANGE_PAST_MAX,       /* NtAllocate: base fine, base + size past it */
	NT_SIT_ALLOC_BASE_BELOW_MIN,       /* NtAllocate: rounded base below 0x10000 */
	NT_SIT_ALLOC_CHECK_ORDER,          /* invalid protection and a commit outside an allocation */
	NT_SIT_COMMIT_OUTSIDE_ALLOCATION,  /* commit (or reset) touching free memory / two allocations */
	NT_SIT_RESET_BAD_PROTECTION,       /* MEM_RESET with an invalid protection */
	NT_SIT_PROT_UNKNOWN_BITS,          /* protection with bits above 0x7FF */
	NT_SIT_PROT_GUARD_NOACCESS,        /* PAGE_GUARD | PAGE_NOACCESS */
	NT_SIT_PROT_CACHE_NOACCESS,        /* NOCACHE or WRITECOMBINE with PAGE_NOACCESS */
	NT_SIT_PROT_TWO_MODIFIERS,         /* two of GUARD, NOCACHE, WRITECOMBINE */
	NT_SIT_PROT_WRITECOMBINE_KEPT,     /* does the allocation keep PAGE_WRITECOMBINE */
	NT_SIT_PROTECT_CHECK_ORDER,        /* NtProtect: invalid protection on a bad range */
	NT_SIT_PROTECT_NOT_IN_ALLOCATION,  /* NtProtect: free memory (NULL too) or across allocations */
	NT_SIT_PROTECT_BASE_ABOVE_MAX,     /* NtProtect: base above the highest user address */
	NT_SIT_SIZE_PAST_MAX,              /* NtProtect/NtFree: size reaching past the highest address */
	NT_SIT_FREE_BAD_TYPE,              /* NtFree: type not exactly DECOMMIT or RELEASE */
	NT_SIT_FREE_BASE_ABOVE_MAX,        /* NtFree: base above the highest user address */
	NT_SIT_FREE_NOT_ALLOCATED,         /* NtFree: base in free memory (NULL too) */
	NT_SIT_FREE_PAST_ALLOCATION,       /* NtFree: range runs past the allocation's end */
	NT_SIT_RELEASE_NONZERO_SIZE,       /* NtFree MEM_RELEASE with a non-zero size */
	NT_SIT_SIZE_ROUND_WRAP,            /* rounded size of NtFree/NtProtect wraps past 2^64 */
	NT_SIT_QUERY_REGION_INFO_FREE,     /* MemoryRegionInformation on free memory */
	NT_SIT_QUERY_REGION_INFO_FIELDS,   /* MemoryRegionInformation RegionType/RegionSize/CommitSize */
	NT_SIT_QUERY_RESERVED_LAST_PROT,   /* reserved runs split by the protection pages last had */
	NT_SIT_RESET_DISCARDS_CONTENTS,    /* MEM_RESET zeroes the committed private pages */
	NT_SIT_RESERVED_GUARD_FAULT,       /* access to a reserved page whose last protection has GUARD */
	NT_SIT_SECTION_COMMIT_OTHER_VIEWS, /* commit through one view of a SEC_RESERVE section: the others */
	NT_SIT_VIEW_PROTECT_INCOMPATIBLE,  /* view protect/commit beyond the view's protection */
	NT_SIT_SECTION_CREATE_BAD_TYPE,    /* NtCreateSection: no COMMIT/RESERVE/IMAGE, or a bad mix */
	NT_SIT_SECTION_CREATE_UNKNOWN_BITS, /* NtCreateSection: unknown attribute bits */
	NT_SIT_SECTION_CREATE_ZERO_SIZE,   /* NtCreateSection: page-file section of size 0 (or none) */
	NT_SIT_SECTION_CREATE_PROTECTION,  /* NtCreateSection: PAGE_NOACCESS or a modifier */
	NT_SIT_MAP_BAD_INHERIT,            /* NtMapViewOfSection: inherit disposition not 1 or 2 */
	NT_SIT_MAP_BAD_TYPE,               /* NtMapViewOfSection: unknown allocation type bits */
	NT_SIT_MAP_MEM_RESERVE,            /* NtMapViewOfSection: MEM_RESERVE on a data section */
	NT_SIT_MAP_WRITECOMBINE,           /* NtMapViewOfSection: PAGE_WRITECOMBINE */
	NT_SIT_MAP_BASE_ABOVE_MAX,         /* NtMapViewOfSection: base above the highest user address */
	NT_SIT_MAP_SECTION_PROTECTION,     /* NtMapViewOfSection: view protection beyond the section's */
	NT_SIT_MAP_OFFSET_PAST_END,        /* NtMapViewOfSection: offset at or past the section's end */
	NT_SIT_MAP_COMMIT_SIZE,            /* NtMapViewOfSection: commit size on a SEC_RESERVE section */
	NT_SIT_FREE_VIEW,                  /* NtFreeVirtualMemory on a view (or MMIO) */
	NT_SIT_MAP_VIEW_MODIFIERS,         /* NtMapViewOfSection: PAGE_GUARD / PAGE_NOCACHE in the protection */
	NT_SIT_MAP_VIEW_PAST_SECTION,      /* NtMapViewOfSection: view past the section's size, not its last page */
	NT_SIT_MAP_COMMIT_PAST_VIEW,       /* NtMapViewOfSection: commit size larger than the view */
	NT_SIT_MAP_LARGE_PAGES,            /* NtMapViewOfSection: MEM_LARGE_PAGES */
	NT_SIT_COUNT
} nt_situation;

typedef struct nt_profile_row {
	nt_situation id;
	const char *name;        /* the id without NT_SIT_, as in the docs */
	const char *situation;
	uint32_t windows;        /* result on Windows */
	uint32_t wine_8_0;       /* result on Wine 8.0 */
	const char *windows_text;
	const char *wine_text;
	const char *source;
} nt_profile_row;

/* The table, in nt_situation order, and its length (NT_SIT_COUNT). */
const nt_profile_row *nt_profile_rows(size_t *count);

/* The result of a situation in vm's behaviour profile. */
uint32_t nt_profile_result(const ntvm *vm, nt_situation id);

/* True when the situation's result in vm's profile is NT_CHOICE_ALTERNATIVE. */
int nt_profile_alternative(const ntvm *vm, nt_situation id);

#endif /* NTVM_NT_PROFILE_H */
