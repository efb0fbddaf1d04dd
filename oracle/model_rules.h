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

/*
 * One field per situation where the NT layer's answer depends on the
 * profile.  A status field holds the answer (STATUS_SUCCESS: "no such check,
 * carry on"); a bool field says which of two behaviours applies.
 */
typedef struct model_nt_rules {
	const char *name;
	/* NtAllocateVirtualMemory */
	bool wine_check_order;                /* size 0 first ... type last (Wine) */
	ntvm_ntstatus alloc_zero_size;        /* *size == 0 */
	ntvm_ntstatus alloc_bad_type;         /* unknown type bits, or no COMMIT/RESERVE/RESET */
	bool reset_combines;                  /* MEM_RESET may come with other bits */
	ntvm_ntstatus reset_undo;             /* MEM_RESET_UNDO alone */
	ntvm_ntstatus write_watch_no_reserve; /* MEM_WRITE_WATCH without MEM_RESERVE */
	bool small_zero_bits_masks;           /* zero_bits 33..0xFFFE are masks (else _3) */
	bool top_bit_mask_unlimited;          /* a mask with bit 63: no limit (else nothing fits) */
	ntvm_ntstatus alloc_size_above_limit; /* *size above highest address + 1 */
	ntvm_ntstatus alloc_base_above_max;
	ntvm_ntstatus alloc_range_past_max;
	ntvm_ntstatus alloc_base_below_min;
	ntvm_ntstatus commit_outside;         /* commit / reset touching free memory or two allocations */
	bool reset_checks_protection;
	bool reset_zeroes;                    /* MEM_RESET zeroes committed private pages */
	/* protection values */
	bool ignore_unknown_prot_bits;        /* 0x800 and up */
	bool reject_guard_noaccess;
	bool reject_cache_noaccess;           /* NOCACHE or WRITECOMBINE with NOACCESS */
	bool reject_two_modifiers;            /* two of GUARD, NOCACHE, WRITECOMBINE */
	bool keep_writecombine;               /* else it is dropped */
	/* NtProtectVirtualMemory */
	bool protect_checks_protection_first;
	ntvm_ntstatus protect_outside;        /* free memory (NULL too) or across allocations */
	ntvm_ntstatus protect_base_above_max;
	/* NtProtect / NtFree */
	ntvm_ntstatus size_past_max;          /* base + size past the highest address */
	bool size_round_wraps;                /* page rounding of the size wraps modulo 2^64 */
	/* NtFreeVirtualMemory */
	ntvm_ntstatus free_bad_type;
	ntvm_ntstatus free_base_above_max;
	ntvm_ntstatus free_not_allocated;
	ntvm_ntstatus free_past_allocation;
	ntvm_ntstatus release_nonzero_size;   /* SUCCESS: the allocation shrinks or splits */
	/* NtQueryVirtualMemory, MemoryRegionInformation */
	ntvm_ntstatus region_info_free;       /* on free memory */
	bool region_info_of_region;           /* sizes of the MBI region, RegionType 0, 0x20 bytes
	                                         written (else: of the allocation, all 0x30) */
	bool reserved_runs_by_last_prot;      /* a reserved run also ends where the pages' last
	                                         protection changes */
	/* CPU access */
	bool reserved_guard_faults;           /* a reserved page whose last protection has GUARD
	                                         faults with GUARD_PAGE_VIOLATION once */
	/* sections (docs/nt-semantics.md "Sections"; every other section rule is common) */
	bool commit_other_views;              /* a commit in a view of a SEC_RESERVE section shows
	                                         in the section's other views too */
	ntvm_ntstatus view_protect_incompatible; /* protect or commit in a view beyond its protection */
	ntvm_ntstatus section_bad_type;       /* NtCreateSection: no COMMIT/RESERVE/IMAGE, bad mix */
	bool section_drops_unknown_bits;      /* unknown attribute bits dropped (else _6) */
	ntvm_ntstatus section_zero_size;      /* page-file section of size 0 or none */
	bool section_keeps_base_protection;   /* NOACCESS / modifiers accepted, base value kept */
	bool map_ignores_inherit;             /* NtMapViewOfSection: inherit not 1 or 2 accepted */
	bool map_ignores_unknown_type;        /* type bits outside the known ones ignored (else _9) */
	bool map_ignores_reserve;             /* MEM_RESERVE on a data section ignored */
	ntvm_ntstatus map_writecombine;       /* PAGE_WRITECOMBINE: _10 late, or this early */
	ntvm_ntstatus map_base_above_max;
	bool map_ignores_section_protection;  /* a view protection beyond the section's accepted */
	ntvm_ntstatus map_offset_past_end;    /* offset at or past a data section's end */
	bool map_ignores_commit_size;         /* commit size on a SEC_RESERVE section commits nothing */
	ntvm_ntstatus free_view;              /* NtFreeVirtualMemory on a view or MMIO */
	ntvm_ntstatus map_view_modifiers;     /* PAGE_GUARD / PAGE_NOCACHE in a view protection */
	bool map_view_to_last_page;           /* a view may reach the section's last page (else its size) */
	ntvm_ntstatus map_commit_past_view;   /* commit size larger than the view */
	bool map_ignores_large_pages;         /* MEM_LARGE_PAGES ignored (else STATUS_NOT_SUPPORTED) */
} model_nt_rules;

extern const model_core_rules model_core;
const model_nt_rules *model_nt_rules_for(ntvm_behaviour behaviour);

#endif /* NTVM_ORACLE_MODEL_RULES_H */
