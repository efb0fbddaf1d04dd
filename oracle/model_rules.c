/*
 * model_rules.c -- the model's open choices and the Windows / Wine 8.0
 * difference table, in one place (see model_rules.h).  Sources:
 * /work/shared/spec/windows-semantics.md ("spec"), ntvm.h ("header"), and
 * where neither pins a value, the reason for the choice is written beside it.
 */
#include "model_rules.h"

const model_core_rules model_core = {
	/* README design: "gaps measured on 64 KiB granules": a search never
	 * places a base in a granule a reservation touches. */
	.search_by_granule = true,
	/* An explicit allocate_at only needs its own bytes free (header: "the
	 * range ... free"); Windows checks VAD overlap page-wise too.  This only
	 * matters next to the unaligned pieces a partial release leaves. */
	.overlap_by_granule = false,
	/* header: size 0 releases "the whole reservation whose base is exactly
	 * address"; any other address inside it is a bad argument. */
	.release_not_at_base = NTVM_E_INVALID_ARGUMENT,
	/* header: read/write "succeed where the whole range is committed". */
	.access_not_committed = NTVM_E_NOT_COMMITTED,
	/* Open: ntvm_status says NTVM_E_WRONG_KIND is "e.g. commit in a view",
	 * but ntvm_commit's comment excludes only MMIO and core commits in
	 * views.  The model follows ntvm_commit's comment; a human decides. */
	.commit_in_views = true,
	/* sogen's region_info: is_reserved means "inside a reservation". */
	.committed_is_reserved = true,
};

/*
 * "spec" rows come from windows-semantics.md.  Rows marked "core" are not
 * pinned by the spec: they follow the rows of core/src/nt_profile.c, whose
 * Wine answers were probed under Wine 8.0 and whose Windows answers come
 * from ReactOS and the documentation.  The model takes those over so that
 * the fuzzer's differences point at implementation mistakes; a change to
 * one of them in core must be repeated here on purpose.
 */
static const model_nt_rules windows_rules = {
	.name = "windows",
	.wine_check_order = false,                                  /* core */
	.alloc_zero_size = NTVM_STATUS_INVALID_PARAMETER_4,         /* core; spec: not pinned */
	.alloc_bad_type = NTVM_STATUS_INVALID_PARAMETER_5,          /* spec (AT_ROUND_TO_PAGE) */
	.reset_combines = false,                                    /* core */
	.reset_undo = NTVM_STATUS_SUCCESS,                          /* core */
	.write_watch_no_reserve = NTVM_STATUS_INVALID_PARAMETER_5,  /* core */
	.small_zero_bits_masks = true,                              /* spec: >31 is a mask */
	.top_bit_mask_unlimited = true,                             /* spec: leading zeros matter */
	.alloc_size_above_limit = NTVM_STATUS_INVALID_PARAMETER_4,  /* core */
	.alloc_base_above_max = NTVM_STATUS_INVALID_PARAMETER_2,    /* core */
	.alloc_range_past_max = NTVM_STATUS_INVALID_PARAMETER_4,    /* core */
	.alloc_base_below_min = NTVM_STATUS_INVALID_PARAMETER_2,    /* spec */
	.commit_outside = NTVM_STATUS_CONFLICTING_ADDRESSES,        /* spec */
	.reset_checks_protection = true,                            /* core */
	.reset_zeroes = false,                                      /* spec: kept or zeroed */
	.ignore_unknown_prot_bits = false,                          /* core */
	.reject_guard_noaccess = true,                              /* spec: documented invalid */
	.reject_cache_noaccess = true,                              /* core */
	.reject_two_modifiers = true,                               /* spec: NOCACHE|WRITECOMBINE */
	.keep_writecombine = true,                                  /* core */
	.protect_checks_protection_first = true,                    /* core (ReactOS) */
	.protect_outside = NTVM_STATUS_CONFLICTING_ADDRESSES,       /* spec (NULL) */
	.protect_base_above_max = NTVM_STATUS_INVALID_PARAMETER_2,  /* core */
	.size_past_max = NTVM_STATUS_INVALID_PARAMETER_3,           /* core */
	.size_round_wraps = false,                                  /* core */
	.free_bad_type = NTVM_STATUS_INVALID_PARAMETER_4,           /* core; spec: "invalid parameter" */
	.free_base_above_max = NTVM_STATUS_INVALID_PARAMETER_2,     /* core */
	.free_not_allocated = NTVM_STATUS_MEMORY_NOT_ALLOCATED,     /* spec */
	.free_past_allocation = NTVM_STATUS_UNABLE_TO_FREE_VM,      /* spec */
	.release_nonzero_size = NTVM_STATUS_SUCCESS,                /* spec: partial release splits */
	.region_info_free = NTVM_STATUS_INVALID_ADDRESS,            /* core (documentation) */
	.region_info_of_region = false,                             /* core (documentation) */
	.reserved_runs_by_last_prot = false,                        /* spec: one MEM_RESERVE region */
	.reserved_guard_faults = false,                             /* spec: reserved -> ACCESS_VIOLATION */
	.commit_other_views = true,                                 /* core row SECTION_COMMIT_OTHER_VIEWS */
	.view_protect_incompatible = NTVM_STATUS_SECTION_PROTECTION, /* core row VIEW_PROTECT_INCOMPATIBLE */
	.section_bad_type = NTVM_STATUS_INVALID_PARAMETER_6,         /* core row SECTION_CREATE_BAD_TYPE */
	.section_drops_unknown_bits = false,                         /* core row SECTION_CREATE_UNKNOWN_BITS */
	.section_zero_size = NTVM_STATUS_INVALID_PARAMETER_4,        /* core row SECTION_CREATE_ZERO_SIZE */
	.section_keeps_base_protection = false,                      /* core row SECTION_CREATE_PROTECTION */
	.map_ignores_inherit = false,                                /* core row MAP_BAD_INHERIT */
	.map_ignores_unknown_type = false,                           /* core row MAP_BAD_TYPE */
	.map_ignores_reserve = false,                                /* core row MAP_MEM_RESERVE */
	.map_writecombine = NTVM_STATUS_INVALID_PARAMETER_10,        /* core row MAP_WRITECOMBINE */
	.map_base_above_max = NTVM_STATUS_INVALID_PARAMETER_3,       /* core row MAP_BASE_ABOVE_MAX */
	.map_ignores_section_protection = false,                     /* core row MAP_SECTION_PROTECTION */
	.map_offset_past_end = NTVM_STATUS_INVALID_VIEW_SIZE,        /* core row MAP_OFFSET_PAST_END */
	.map_ignores_commit_size = false,                            /* core row MAP_COMMIT_SIZE */
	.free_view = NTVM_STATUS_UNABLE_TO_DELETE_SECTION,           /* core row FREE_VIEW */
	.map_view_modifiers = NTVM_STATUS_SUCCESS,                   /* core row MAP_VIEW_MODIFIERS */
	.map_view_to_last_page = false,                              /* core row MAP_VIEW_PAST_SECTION */
	.map_commit_past_view = NTVM_STATUS_INVALID_PARAMETER_5,     /* core row MAP_COMMIT_PAST_VIEW */
	.map_ignores_large_pages = false,                            /* core row MAP_LARGE_PAGES */
};

static const model_nt_rules wine_rules = {
	.name = "wine-8.0",
	.wine_check_order = true,
	.alloc_zero_size = NTVM_STATUS_INVALID_PARAMETER,           /* spec */
	.alloc_bad_type = NTVM_STATUS_INVALID_PARAMETER,            /* spec */
	.reset_combines = true,
	.reset_undo = NTVM_STATUS_INVALID_PARAMETER,
	.write_watch_no_reserve = NTVM_STATUS_SUCCESS,
	.small_zero_bits_masks = false,
	.top_bit_mask_unlimited = false,
	.alloc_size_above_limit = NTVM_STATUS_WORKING_SET_LIMIT_RANGE,
	.alloc_base_above_max = NTVM_STATUS_INVALID_PARAMETER,
	.alloc_range_past_max = NTVM_STATUS_INVALID_PARAMETER,
	.alloc_base_below_min = NTVM_STATUS_INVALID_PARAMETER,      /* spec */
	.commit_outside = NTVM_STATUS_NOT_MAPPED_VIEW,              /* spec */
	.reset_checks_protection = false,
	.reset_zeroes = true, /* reference/findings/wine-reset-zeroes */
	.ignore_unknown_prot_bits = true,
	.reject_guard_noaccess = false,                             /* spec */
	.reject_cache_noaccess = false,
	.reject_two_modifiers = false,                              /* spec */
	.keep_writecombine = false,
	.protect_checks_protection_first = false,
	.protect_outside = NTVM_STATUS_INVALID_PARAMETER,           /* spec */
	.protect_base_above_max = NTVM_STATUS_INVALID_PARAMETER,
	.size_past_max = NTVM_STATUS_SUCCESS,
	.size_round_wraps = true,
	.free_bad_type = NTVM_STATUS_INVALID_PARAMETER,
	.free_base_above_max = NTVM_STATUS_INVALID_PARAMETER,
	.free_not_allocated = NTVM_STATUS_INVALID_PARAMETER,        /* spec */
	.free_past_allocation = NTVM_STATUS_INVALID_PARAMETER,
	.release_nonzero_size = NTVM_STATUS_INVALID_PARAMETER,      /* spec: no partial release */
	.region_info_free = NTVM_STATUS_SUCCESS,
	.region_info_of_region = true,
	.reserved_runs_by_last_prot = true, /* recorded: docs/windows-semantics-notes.md row 26 */
	.reserved_guard_faults = true, /* core row RESERVED_GUARD_FAULT; recorded: access-reserved-guard */
	.commit_other_views = false,
	.view_protect_incompatible = NTVM_STATUS_INVALID_PAGE_PROTECTION,
	.section_bad_type = NTVM_STATUS_INVALID_PARAMETER,
	.section_drops_unknown_bits = true,
	.section_zero_size = NTVM_STATUS_INVALID_PARAMETER,
	.section_keeps_base_protection = true,
	.map_ignores_inherit = true,
	.map_ignores_unknown_type = true,
	.map_ignores_reserve = true,
	.map_writecombine = NTVM_STATUS_INVALID_PAGE_PROTECTION,
	.map_base_above_max = NTVM_STATUS_WORKING_SET_LIMIT_RANGE,
	.map_ignores_section_protection = true,
	.map_offset_past_end = NTVM_STATUS_INVALID_PARAMETER,
	.map_ignores_commit_size = true,
	.free_view = NTVM_STATUS_INVALID_PARAMETER,
	.map_view_modifiers = NTVM_STATUS_INVALID_PAGE_PROTECTION,
	.map_view_to_last_page = true,
	.map_commit_past_view = NTVM_STATUS_SUCCESS,
	.map_ignores_large_pages = true,
};

const model_nt_rules *model_nt_rules_for(ntvm_behaviour behaviour)
{
	return behaviour == NTVM_BEHAVIOUR_WINE_8_0 ? &wine_rules : &windows_rules;
}
