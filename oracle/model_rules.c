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

static const model_nt_rules windows_rules = {
	.name = "windows",
	.alloc_base_too_low = NTVM_STATUS_INVALID_PARAMETER_2,  /* spec */
	.alloc_range_too_high = NTVM_STATUS_INVALID_PARAMETER_2, /* spec: "invalid parameter"; which one is not pinned */
	.alloc_round_to_page = NTVM_STATUS_INVALID_PARAMETER_5, /* spec, virtual.c */
	.commit_outside = NTVM_STATUS_CONFLICTING_ADDRESSES,    /* spec, ReactOS */
	.reset_outside = NTVM_STATUS_NOT_MAPPED_VIEW,           /* only Wine's code is known; kept */
	.reject_guard_noaccess = true,                          /* spec: documented invalid */
	.reject_nocache_writecombine = true,                    /* spec: documented invalid */
	.free_not_allocated = NTVM_STATUS_MEMORY_NOT_ALLOCATED, /* spec */
	.partial_release = true,                                /* spec */
	.partial_release_status = NTVM_STATUS_SUCCESS,
	.protect_null = NTVM_STATUS_CONFLICTING_ADDRESSES,      /* spec */
	.protect_outside = NTVM_STATUS_CONFLICTING_ADDRESSES,   /* ReactOS MiProtectVirtualMemory */
	.protect_checks_protection_first = true,                /* ReactOS NtProtectVirtualMemory */
};

static const model_nt_rules wine_rules = {
	.name = "wine-8.0",
	.alloc_base_too_low = NTVM_STATUS_INVALID_PARAMETER,
	.alloc_range_too_high = NTVM_STATUS_INVALID_PARAMETER,
	.alloc_round_to_page = NTVM_STATUS_INVALID_PARAMETER, /* an unknown type bit to Wine */
	.commit_outside = NTVM_STATUS_NOT_MAPPED_VIEW,
	.reset_outside = NTVM_STATUS_NOT_MAPPED_VIEW,
	.reject_guard_noaccess = false,
	.reject_nocache_writecombine = false,
	.free_not_allocated = NTVM_STATUS_INVALID_PARAMETER,
	.partial_release = false,
	.partial_release_status = NTVM_STATUS_INVALID_PARAMETER,
	.protect_null = NTVM_STATUS_INVALID_PARAMETER,
	.protect_outside = NTVM_STATUS_INVALID_PARAMETER,
	.protect_checks_protection_first = false, /* Wine looks the view up first */
};

const model_nt_rules *model_nt_rules_for(ntvm_behaviour behaviour)
{
	return behaviour == NTVM_BEHAVIOUR_WINE_8_0 ? &wine_rules : &windows_rules;
}
