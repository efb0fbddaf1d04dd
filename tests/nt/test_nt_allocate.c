/*
 * test_nt_allocate.c -- NtAllocateVirtualMemory in both behaviour profiles.
 * Each test names its source; "probe" means a call made under Debian's Wine
 * 8.0; rows are those of core/src/nt_profile.c.  Every failing call is
 * checked by the wrappers to change nothing.
 */
#include "nt_test.h"

static const ntvm_behaviour profiles[2] = { WIN, WINE };

#define RES NTVM_MEM_RESERVE
#define COM NTVM_MEM_COMMIT
#define RC (NTVM_MEM_RESERVE | NTVM_MEM_COMMIT)
#define RW NTVM_PAGE_READWRITE
#define NA NTVM_PAGE_NOACCESS

/* ReactOS NtAllocateVirtualMemory.c CheckSize: reservation rounding. */
TEST(reserve_rounding_checksize)
{
	static const uint64_t cases[][3] = {
		{ 0x0, 0x0001, 0x1000 },   { 0x8000, 0x0001, 0x9000 }, { 0x10, 0x1000, 0x2000 },
		{ 0x10000, 0x2000, 0x2000 }, { 0xFFFF, 0x3000, 0x13000 }, { 0x1010, 0x7000, 0x9000 },
		{ 0x1010, 0xC000, 0xE000 },
	};
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			uint64_t want_base = X + (cases[i][0] & ~(GR - 1));
			CHECK_OUT(nt_alloc(vm, X + cases[i][0], cases[i][1], RES, NA), S_OK, want_base,
			          cases[i][2]);
			CHECK_OUT(nt_free(vm, want_base, 0, NTVM_MEM_RELEASE), S_OK, want_base, cases[i][2]);
		}
		ntvm_destroy(vm);
	}
}

/* ReactOS CheckAlignment: a reservation owns its whole granule; commit
 * inside it; re-commit with another protection; commit past its end. */
TEST(granule_ownership_and_commit)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		CHECK_OUT(nt_alloc(vm, X + 0x1010, 0x1000, RES, NA), S_OK, X, 0x3000);
		CHECK_OUT(nt_alloc(vm, X + 0x8000, 0x1000, RES, NA), NTVM_STATUS_CONFLICTING_ADDRESSES,
		          X + 0x8000, 0x1000);
		CHECK_OUT(nt_alloc(vm, X + 0x2000, 0x1000, COM, NA), S_OK, X + 0x2000, 0x1000);
		CHECK_OUT(nt_alloc(vm, X + 0x2000, 0x1000, COM, RW), S_OK, X + 0x2000, 0x1000);
		CHECK_REGION(vm, X + 0x2000, X + 0x2000, X, NA, 0x1000, NTVM_MEM_COMMIT, RW,
		             NTVM_MEM_PRIVATE);
		uint32_t outside = p == 0 ? NTVM_STATUS_CONFLICTING_ADDRESSES : NTVM_STATUS_NOT_MAPPED_VIEW;
		CHECK_OUT(nt_alloc(vm, X + 0x3000, 0x1000, COM, NA), outside, X + 0x3000, 0x1000);
		CHECK_OUT(nt_free(vm, X, 0x3000, NTVM_MEM_DECOMMIT), S_OK, X, 0x3000);
		ntvm_destroy(vm);
	}
}

/* ReactOS CheckAlignment "Reserve and commit at once": the whole rounded
 * range from the granule base is committed and zero. */
TEST(reserve_commit_unaligned)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		CHECK_OUT(nt_alloc(vm, X + 0x4080, 0x1000, RC, RW), S_OK, X, 0x6000);
		CHECK_REGION(vm, X, X, X, RW, 0x6000, NTVM_MEM_COMMIT, RW, NTVM_MEM_PRIVATE);
		uint8_t b[4] = { 1, 1, 1, 1 };
		CHECK_EQ_U64(nt_read(vm, X + 0x4080, b, 4, NULL), S_OK);
		CHECK(b[0] == 0 && b[3] == 0);
		ntvm_destroy(vm);
	}
}

/* windows-semantics.md: NULL base gives a 64 KiB-aligned base and a
 * page-rounded size; MEM_COMMIT alone with NULL reserves and commits
 * (kernel32 test_VirtualAlloc: 0xFFFC reserves 0x10000 in query). */
TEST(null_base)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		nt_out o = nt_alloc(vm, 0, 0xFFFC, RES, NA);
		CHECK_EQ_U64(o.st, S_OK);
		CHECK_EQ_U64(o.base & (GR - 1), 0);
		CHECK_EQ_U64(o.size, 0x10000);
		nt_out c = nt_alloc(vm, 0, 0x1001, COM, RW);
		CHECK_EQ_U64(c.st, S_OK);
		CHECK_EQ_U64(c.size, 0x2000);
		CHECK(c.base != o.base && (c.base & (GR - 1)) == 0);
		CHECK_REGION(vm, c.base, c.base, c.base, RW, 0x2000, NTVM_MEM_COMMIT, RW,
		             NTVM_MEM_PRIVATE);
		ntvm_destroy(vm);
	}
}

/* windows-semantics.md MEM_TOP_DOWN: the highest free place; zero_bits
 * bound it (probe: TOP_DOWN with zero_bits 1 lands just below 2 GiB). */
TEST(top_down)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		nt_out a = nt_alloc(vm, 0, 0x1000, RES | NTVM_MEM_TOP_DOWN, RW);
		CHECK_EQ_U64(a.st, S_OK);
		CHECK_EQ_U64(a.base, 0x7FFFFFFE0000ull);
		nt_out b = nt_alloc(vm, 0, 0x1000, RES | NTVM_MEM_TOP_DOWN, RW);
		CHECK_EQ_U64(b.base, 0x7FFFFFFD0000ull);
		nt_out c = nt_alloc_zb(vm, 0, 0x1000, RC | NTVM_MEM_TOP_DOWN, RW, 1);
		CHECK_EQ_U64(c.st, S_OK);
		CHECK_EQ_U64(c.base, 0x7FFF0000ull);
		/* An explicit base ignores MEM_TOP_DOWN (probe: 0x101000 at X succeeds). */
		CHECK_OUT(nt_alloc(vm, X, 0x1000, RC | NTVM_MEM_TOP_DOWN, RW), S_OK, X, 0x1000);
		ntvm_destroy(vm);
	}
}

/* ntdll test_NtAllocateVirtualMemory: zero_bits counts. */
TEST(zero_bits_counts)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		for (uint64_t zb = 1; zb <= 20; zb++) {
			nt_out o = nt_alloc_zb(vm, 0, 0x1000, RC | NTVM_MEM_TOP_DOWN, RW, zb);
			if (zb <= 15) {
				CHECK_EQ_U64(o.st, S_OK);
				CHECK_EQ_U64(o.base >> (32 - zb), 0);
				CHECK_OUT(nt_free(vm, o.base, 0, NTVM_MEM_RELEASE), S_OK, o.base, 0x1000);
			} else {
				/* the limit is below 0x10000 + 64 KiB: nothing fits */
				CHECK(o.st == S_OK || o.st == NTVM_STATUS_NO_MEMORY);
			}
		}
		nt_out bu = nt_alloc_zb(vm, 0, 0x1000, RC, RW, 8);
		CHECK_EQ_U64(bu.st, S_OK);
		CHECK_EQ_U64(bu.base >> 24, 0);
		CHECK_EQ_U64(nt_alloc_zb(vm, 0, 0x1000, RC, RW, 21).st, NTVM_STATUS_NO_MEMORY);
		for (uint64_t zb = 22; zb <= 31; zb++)
			CHECK_EQ_U64(nt_alloc_zb(vm, 0, 0x1000, RC, RW, zb).st,
			             NTVM_STATUS_INVALID_PARAMETER_3);
		/* ntdll test: it conflicts even when zero_bits is given (explicit
		 * base: zero_bits are not applied, probe agrees). */
		CHECK_OUT(nt_alloc(vm, X, 0x1000, RC, RW), S_OK, X, 0x1000);
		CHECK_EQ_U64(nt_alloc_zb(vm, X + 0x1000, 0x1000, RC, RW, 12).st,
		             NTVM_STATUS_CONFLICTING_ADDRESSES);
		CHECK_OUT(nt_alloc_zb(vm, X + GR, 0x1000, RC, RW, 1), S_OK, X + GR, 0x1000);
		ntvm_destroy(vm);
	}
}

/* ntdll test_NtAllocateVirtualMemory: values above 31 are masks on Win64;
 * rows ALLOC_ZERO_BITS_SMALL_MASK and ALLOC_ZERO_BITS_TOP_BIT (probe). */
TEST(zero_bits_masks)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		nt_out o = nt_alloc_zb(vm, 0, 0x1000, RC | NTVM_MEM_TOP_DOWN, RW, 0x1aaaaaaa);
		CHECK_EQ_U64(o.st, S_OK);
		CHECK_EQ_U64(o.base & ~0x1fffffffull, 0);
		nt_out big = nt_alloc_zb(vm, 0, 0x1000, RC | NTVM_MEM_TOP_DOWN, RW, 0x7fffffffffffull);
		CHECK_EQ_U64(big.base, 0x7FFFFFFE0000ull);
		CHECK_EQ_U64(nt_alloc_zb(vm, 0, 0x1000, RC, RW, 32).st, NTVM_STATUS_NO_MEMORY);
		CHECK_EQ_U64(nt_alloc_zb(vm, 0, 0x1000, RC, RW, 0xffff).st, NTVM_STATUS_NO_MEMORY);
		uint32_t small = p == 0 ? NTVM_STATUS_NO_MEMORY : NTVM_STATUS_INVALID_PARAMETER_3;
		CHECK_EQ_U64(nt_alloc_zb(vm, 0, 0x1000, RC, RW, 33).st, small);
		CHECK_EQ_U64(nt_alloc_zb(vm, 0, 0x1000, RC, RW, 0xfffe).st, small);
		nt_out top = nt_alloc_zb(vm, 0, 0x1000, RC, RW, ~0ull);
		CHECK_EQ_U64(top.st, p == 0 ? S_OK : NTVM_STATUS_NO_MEMORY);
		ntvm_destroy(vm);
	}
}

/* Size, base and range limits: rows ALLOC_ZERO_SIZE, ALLOC_SIZE_ABOVE_LIMIT,
 * ALLOC_BASE_ABOVE_MAX, ALLOC_RANGE_PAST_MAX, ALLOC_BASE_BELOW_MIN
 * (reference/expectations/alloc-size-limits.trace, alloc-below-64k.trace;
 * probe for Wine). */
TEST(size_and_base_limits)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		bool w = p == 0;
		uint32_t ip = NTVM_STATUS_INVALID_PARAMETER;
		CHECK_EQ_U64(nt_alloc(vm, 0, 0, RES, NA).st, w ? NTVM_STATUS_INVALID_PARAMETER_4 : ip);
		CHECK_EQ_U64(nt_alloc(vm, X, 0, RC, RW).st, w ? NTVM_STATUS_INVALID_PARAMETER_4 : ip);
		uint32_t wslr = NTVM_STATUS_WORKING_SET_LIMIT_RANGE;
		CHECK_EQ_U64(nt_alloc(vm, X, ~0ull, RES, RW).st, w ? NTVM_STATUS_INVALID_PARAMETER_4 : wslr);
		CHECK_EQ_U64(nt_alloc(vm, X, 0x800000000000ull, RES, RW).st,
		             w ? NTVM_STATUS_INVALID_PARAMETER_4 : wslr);
		CHECK_EQ_U64(nt_alloc(vm, 0, ~0ull, RES, RW).st, w ? NTVM_STATUS_INVALID_PARAMETER_4 : wslr);
		CHECK_EQ_U64(nt_alloc(vm, 0x800000000000ull, 0x10000, RES, RW).st,
		             w ? NTVM_STATUS_INVALID_PARAMETER_2 : ip);
		CHECK_EQ_U64(nt_alloc(vm, 0xffffffffffff0000ull, 0x1000, RES, RW).st,
		             w ? NTVM_STATUS_INVALID_PARAMETER_2 : ip);
		CHECK_EQ_U64(nt_alloc(vm, ~0ull, 0x1000, COM, RW).st,
		             w ? NTVM_STATUS_INVALID_PARAMETER_2 : ip);
		CHECK_EQ_U64(nt_alloc(vm, 0x7FFFFFFE0000ull, 0x20000, RES, RW).st,
		             w ? NTVM_STATUS_INVALID_PARAMETER_4 : ip);
		CHECK_EQ_U64(nt_alloc(vm, 0xf000, 0x1000, RES, RW).st, w ? NTVM_STATUS_INVALID_PARAMETER_2 : ip);
		CHECK_EQ_U64(nt_alloc(vm, 0xffff, 0x1000, COM, RW).st, w ? NTVM_STATUS_INVALID_PARAMETER_2 : ip);
		/* The last granule below the highest address is usable. */
		CHECK_OUT(nt_alloc(vm, 0x7FFFFFFE0000ull, 0x10000, RC, RW), S_OK, 0x7FFFFFFE0000ull, 0x10000);
		CHECK_OUT(nt_alloc(vm, 0x10000, 0x1000, RES, RW), S_OK, 0x10000, 0x1000);
		ntvm_destroy(vm);
	}
}

/* Type checks: rows ALLOC_BAD_TYPE (ntdll test AT_ROUND_TO_PAGE),
 * ALLOC_WRITE_WATCH_NO_RESERVE, ALLOC_RESET_UNDO; MEM_WRITE_WATCH with
 * MEM_RESERVE is accepted by both. */
TEST(type_checks)
{
	static const uint32_t bad[] = { 0, NTVM_MEM_TOP_DOWN, RC | NTVM_AT_ROUND_TO_PAGE,
	                                RES | 0x800, RES | NTVM_MEM_RELEASE, RES | NTVM_MEM_PHYSICAL,
	                                RES | NTVM_MEM_LARGE_PAGES, RES | NTVM_MEM_ROTATE,
	                                NTVM_MEM_RESET_UNDO | COM };
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		uint32_t want = p == 0 ? NTVM_STATUS_INVALID_PARAMETER_5 : NTVM_STATUS_INVALID_PARAMETER;
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
			CHECK_EQ_U64(nt_alloc(vm, X, 0x1000, bad[i], RW).st, want);
		CHECK_OUT(nt_alloc(vm, X, 0x10000, RES | NTVM_MEM_WRITE_WATCH, RW), S_OK, X, 0x10000);
		nt_out ww = nt_alloc(vm, X, 0x1000, COM | NTVM_MEM_WRITE_WATCH, RW);
		CHECK_EQ_U64(ww.st, p == 0 ? NTVM_STATUS_INVALID_PARAMETER_5 : S_OK);
		nt_out undo = nt_alloc(vm, X, 0x1000, NTVM_MEM_RESET_UNDO, RW);
		CHECK_EQ_U64(undo.st, p == 0 ? S_OK : NTVM_STATUS_INVALID_PARAMETER);
		ntvm_destroy(vm);
	}
}

/* MEM_RESET: windows-semantics.md (state, protection and data stay; the
 * protection argument is not applied); rows ALLOC_RESET_COMBINED,
 * RESET_BAD_PROTECTION, COMMIT_OUTSIDE_ALLOCATION. */
TEST(mem_reset)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		bool w = p == 0;
		CHECK_OUT(nt_alloc(vm, X, 0x10000, RES, RW), S_OK, X, 0x10000);
		CHECK_OUT(nt_alloc(vm, X, 0x2000, COM, RW), S_OK, X, 0x2000);
		CHECK_EQ_U64(nt_write(vm, X, 0x5a, 1, NULL), S_OK);
		CHECK_OUT(nt_alloc(vm, X + 0x1800, 0x1000, NTVM_MEM_RESET, NA), S_OK, X + 0x1000, 0x2000);
		CHECK_REGION(vm, X, X, X, RW, 0x2000, NTVM_MEM_COMMIT, RW, NTVM_MEM_PRIVATE);
		CHECK_EQ_U64(nt_alloc(vm, X, 0x1000, NTVM_MEM_RESET, 0).st,
		             w ? NTVM_STATUS_INVALID_PAGE_PROTECTION : S_OK);
		CHECK_EQ_U64(nt_alloc(vm, X, 0x1000, NTVM_MEM_RESET, 0x14).st,
		             w ? NTVM_STATUS_INVALID_PAGE_PROTECTION : S_OK);
		uint32_t outside = w ? NTVM_STATUS_CONFLICTING_ADDRESSES : NTVM_STATUS_NOT_MAPPED_VIEW;
		CHECK_EQ_U64(nt_alloc(vm, X + 0xf000, 0x2000, NTVM_MEM_RESET, RW).st, outside);
		CHECK_EQ_U64(nt_alloc(vm, X + 0x100000, 0x1000, NTVM_MEM_RESET, RW).st, outside);
		/* MEM_RESET|MEM_COMMIT on a reserved page: Wine resets (page stays reserved). */
		nt_out rc = nt_alloc(vm, X + 0x4000, 0x1000, NTVM_MEM_RESET | COM, RW);
		CHECK_EQ_U64(rc.st, w ? NTVM_STATUS_INVALID_PARAMETER_5 : S_OK);
		CHECK_REGION(vm, X + 0x4000, X + 0x4000, X, RW, 0xc000, NTVM_MEM_RESERVE, 0,
		             NTVM_MEM_PRIVATE);
		/* MEM_RESET|MEM_RESERVE: Wine reserves. */
		nt_out rr = nt_alloc(vm, X + 0x20000, 0x1000, NTVM_MEM_RESET | RES, RW);
		CHECK_EQ_U64(rr.st, w ? NTVM_STATUS_INVALID_PARAMETER_5 : S_OK);
		/* Row RESET_DISCARDS_CONTENTS: Windows keeps the data (documented as kept
		 * or zeroed); Wine 8.0 zeroed it (the reset at X with protection 0
		 * succeeded there; reference/findings/wine-reset-zeroes). */
		uint8_t b = 0;
		CHECK_EQ_U64(nt_read(vm, X, &b, 1, NULL), S_OK);
		CHECK_EQ_U64(b, w ? 0x5a : 0);
		CHECK_EQ_U64(nt_write(vm, X + 0x1000, 0x66, 4, NULL), S_OK);
		CHECK_OUT(nt_alloc(vm, X + 0x1000, 0x1000, NTVM_MEM_RESET, RW), S_OK, X + 0x1000, 0x1000);
		CHECK_EQ_U64(nt_read(vm, X + 0x1003, &b, 1, NULL), S_OK);
		CHECK_EQ_U64(b, w ? 0x66 : 0);
		CHECK_REGION(vm, X, X, X, RW, 0x2000, NTVM_MEM_COMMIT, RW, NTVM_MEM_PRIVATE);
		ntvm_destroy(vm);
	}
}

/* Protection values: kernel32 test_VirtualAlloc_protection (one base value
 * in the low byte; WRITECOPY invalid for private memory); rows
 * PROT_UNKNOWN_BITS, PROT_GUARD_NOACCESS, PROT_CACHE_NOACCESS,
 * PROT_TWO_MODIFIERS, PROT_WRITECOMBINE_KEPT (probe for Wine). */
TEST(protection_values)
{
	static const uint32_t both_bad[] = { 0, 0x14, 0x03, 0x30, 0xFF, 0x100, 0x200, 0x400, 0x800,
	                                     NTVM_PAGE_WRITECOPY, NTVM_PAGE_EXECUTE_WRITECOPY };
	static const struct { uint32_t prot, wine_ap; } win_bad[] = {
		{ 0x101, 0x101 }, { 0x201, 0x201 }, { 0x401, 0x1 }, { 0x304, 0x304 },
		{ 0x504, 0x104 }, { 0x604, 0x204 }, { 0x704, 0x304 }, { 0x804, 0x4 }, { 0x40000004, 0x4 },
	};
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		for (size_t i = 0; i < sizeof both_bad / sizeof both_bad[0]; i++) {
			CHECK_EQ_U64(nt_alloc(vm, X, 0x1000, RC, both_bad[i]).st,
			             NTVM_STATUS_INVALID_PAGE_PROTECTION);
			CHECK_EQ_U64(nt_alloc(vm, 0, 0x1000, RES, both_bad[i]).st,
			             NTVM_STATUS_INVALID_PAGE_PROTECTION);
		}
		for (size_t i = 0; i < sizeof win_bad / sizeof win_bad[0]; i++) {
			nt_out o = nt_alloc(vm, X, 0x1000, RC, win_bad[i].prot);
			if (p == 0) {
				CHECK_EQ_U64(o.st, NTVM_STATUS_INVALID_PAGE_PROTECTION);
				continue;
			}
			CHECK_EQ_U64(o.st, S_OK);
			CHECK_REGION(vm, X, X, X, win_bad[i].wine_ap, 0x1000, NTVM_MEM_COMMIT,
			             win_bad[i].wine_ap, NTVM_MEM_PRIVATE);
			CHECK_EQ_U64(nt_free(vm, X, 0, NTVM_MEM_RELEASE).st, S_OK);
		}
		nt_out wc = nt_alloc(vm, X, 0x1000, RC, 0x404);
		CHECK_EQ_U64(wc.st, S_OK);
		uint32_t shown = p == 0 ? 0x404 : 0x4;
		CHECK_REGION(vm, X, X, X, shown, 0x1000, NTVM_MEM_COMMIT, shown, NTVM_MEM_PRIVATE);
		ntvm_destroy(vm);
	}
}

/* Row ALLOC_CHECK_ORDER: a commit with a bad protection over free memory
 * (probe: Wine looks the range up first). */
TEST(check_order)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		bool w = p == 0;
		/* WRITECOPY is a valid value; only private memory rejects it, after
		 * the lookup (ReactOS NtAllocateVirtualMemory commit path) */
		CHECK_EQ_U64(nt_alloc(vm, X, 0x1000, COM, NTVM_PAGE_WRITECOPY).st,
		             w ? NTVM_STATUS_CONFLICTING_ADDRESSES : NTVM_STATUS_NOT_MAPPED_VIEW);
		CHECK_EQ_U64(nt_alloc(vm, X, 0x1000, COM, 0).st,
		             w ? NTVM_STATUS_INVALID_PAGE_PROTECTION : NTVM_STATUS_NOT_MAPPED_VIEW);
		/* size 0 with a bad type: Wine checks the size first */
		CHECK_EQ_U64(nt_alloc(vm, X, 0, 0, RW).st,
		             w ? NTVM_STATUS_INVALID_PARAMETER_5 : NTVM_STATUS_INVALID_PARAMETER);
		/* bad zero_bits and bad type: both check zero_bits first */
		CHECK_EQ_U64(nt_alloc_zb(vm, X, 0x1000, 0, RW, 25).st, NTVM_STATUS_INVALID_PARAMETER_3);
		/* low base with bad protection: Windows checks the protection first */
		CHECK_EQ_U64(nt_alloc(vm, 0x1000, 0x1000, RES, 0).st,
		             w ? NTVM_STATUS_INVALID_PAGE_PROTECTION : NTVM_STATUS_INVALID_PARAMETER);
		CHECK_OUT(nt_alloc(vm, X, 0x10000, RES, RW), S_OK, X, 0x10000);
		CHECK_EQ_U64(nt_alloc(vm, X, 0x1000, COM, NTVM_PAGE_WRITECOPY).st,
		             NTVM_STATUS_INVALID_PAGE_PROTECTION);
		ntvm_destroy(vm);
	}
}

/* ReactOS CheckAdjacentVADs: commit across two allocations; a commit may
 * span committed and reserved pages; committed pages keep their data. */
TEST(commit_spans)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		uint32_t outside = p == 0 ? NTVM_STATUS_CONFLICTING_ADDRESSES : NTVM_STATUS_NOT_MAPPED_VIEW;
		CHECK_OUT(nt_alloc(vm, X, 0x10000, RES, NA), S_OK, X, 0x10000);
		CHECK_OUT(nt_alloc(vm, X + GR, 0x10000, RES, NA), S_OK, X + GR, 0x10000);
		CHECK_EQ_U64(nt_alloc(vm, X + 0x4000, 0x10000, COM, NA).st, outside);
		CHECK_OUT(nt_alloc(vm, X, 0x1000, COM, RW), S_OK, X, 0x1000);
		CHECK_EQ_U64(nt_write(vm, X, 7, 1, NULL), S_OK);
		CHECK_OUT(nt_alloc(vm, X + 0x2000, 0x1000, COM, NA), S_OK, X + 0x2000, 0x1000);
		CHECK_OUT(nt_alloc(vm, X, 0x3000, COM, NTVM_PAGE_READONLY), S_OK, X, 0x3000);
		CHECK_EQ_U64(nt_write(vm, X, 7, 1, NULL), NTVM_STATUS_ACCESS_VIOLATION);
		uint8_t b = 0;
		CHECK_EQ_U64(nt_read(vm, X, &b, 1, NULL), S_OK);
		CHECK_EQ_U64(b, 7);
		CHECK_REGION(vm, X + 0x700, X, X, NA, 0x3000, NTVM_MEM_COMMIT, NTVM_PAGE_READONLY,
		             NTVM_MEM_PRIVATE);
		CHECK_OUT(nt_alloc(vm, X + 0xF000, 0x1000, COM, RW), S_OK, X + 0xF000, 0x1000);
		CHECK_REGION(vm, X + 0xF700, X + 0xF000, X, NA, 0x1000, NTVM_MEM_COMMIT, RW,
		             NTVM_MEM_PRIVATE);
		ntvm_destroy(vm);
	}
}

/* kernel32 test_VirtualAlloc: PAGE_NOCACHE belongs to the allocation; a
 * commit into it gets NOCACHE, a commit with NOCACHE into a plain
 * allocation does not (probe). */
TEST(nocache_sticky_commit)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		CHECK_OUT(nt_alloc(vm, X, 0x10000, RES, RW | NTVM_PAGE_NOCACHE), S_OK, X, 0x10000);
		CHECK_OUT(nt_alloc(vm, X, 0x1000, COM, NTVM_PAGE_READONLY), S_OK, X, 0x1000);
		CHECK_REGION(vm, X, X, X, 0x204, 0x1000, NTVM_MEM_COMMIT, 0x202, NTVM_MEM_PRIVATE);
		CHECK_OUT(nt_alloc(vm, X + GR, 0x10000, RES, RW), S_OK, X + GR, 0x10000);
		CHECK_OUT(nt_alloc(vm, X + GR, 0x1000, COM, RW | NTVM_PAGE_NOCACHE), S_OK, X + GR, 0x1000);
		CHECK_REGION(vm, X + GR, X + GR, X + GR, RW, 0x1000, NTVM_MEM_COMMIT, RW, NTVM_MEM_PRIVATE);
		ntvm_destroy(vm);
	}
}

/* The 32-bit (WOW64) address profiles: highest addresses 0x7FFEFFFF and
 * 0xFFFEFFFF (windows-semantics.md). */
TEST(address_profiles_32)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm_profile(profiles[p], NTVM_ADDRESS_32);
		bool w = p == 0;
		CHECK_OUT(nt_alloc(vm, 0x7FFE0000, 0x10000, RC, RW), S_OK, 0x7FFE0000, 0x10000);
		CHECK_EQ_U64(nt_alloc(vm, 0x80000000, 0x1000, RES, RW).st,
		             w ? NTVM_STATUS_INVALID_PARAMETER_2 : NTVM_STATUS_INVALID_PARAMETER);
		CHECK_EQ_U64(nt_alloc(vm, 0x7FFF0000, 0x1000, RES, RW).st,
		             w ? NTVM_STATUS_INVALID_PARAMETER_2 : NTVM_STATUS_INVALID_PARAMETER);
		nt_out td = nt_alloc(vm, 0, 0x1000, RES | NTVM_MEM_TOP_DOWN, RW);
		CHECK_EQ_U64(td.base, 0x7FFD0000);
		nt_out n = nt_alloc(vm, 0, 0x1000, RES, RW);
		CHECK_EQ_U64(n.st, S_OK);
		CHECK(n.base >= 0x10000 && n.base + 0x1000 <= 0x80000000ull);
		CHECK_EQ_U64(nt_alloc(vm, 0, 0x80000000ull, RES, RW).st,
		             w ? NTVM_STATUS_INVALID_PARAMETER_4 : NTVM_STATUS_WORKING_SET_LIMIT_RANGE);
		ntvm_memory_basic_information m;
		CHECK_EQ_U64(nt_query(vm, 0x80000000ull, &m), NTVM_STATUS_INVALID_PARAMETER);
		ntvm_destroy(vm);
		vm = nt_vm_profile(profiles[p], NTVM_ADDRESS_32_LARGE);
		CHECK_OUT(nt_alloc(vm, 0x80000000ull, 0x1000, RC, RW), S_OK, 0x80000000ull, 0x1000);
		nt_out tl = nt_alloc(vm, 0, 0x1000, RES | NTVM_MEM_TOP_DOWN, RW);
		CHECK_EQ_U64(tl.base, 0xFFFE0000ull);
		CHECK_EQ_U64(nt_alloc(vm, 0xFFFF0000ull, 0x1000, RES, RW).st,
		             w ? NTVM_STATUS_INVALID_PARAMETER_2 : NTVM_STATUS_INVALID_PARAMETER);
		ntvm_destroy(vm);
	}
}

/* Bad pointers and exhaustion: NULL in/out pointers, no room left. */
TEST(null_pointers_and_no_room)
{
	ntvm *vm = nt_vm(WIN);
	uint64_t b = X, s = 0x1000;
	CHECK_EQ_U64(ntvm_nt_allocate_virtual_memory(vm, NULL, 0, &s, RES, RW),
	             NTVM_STATUS_ACCESS_VIOLATION);
	CHECK_EQ_U64(ntvm_nt_allocate_virtual_memory(vm, &b, 0, NULL, RES, RW),
	             NTVM_STATUS_ACCESS_VIOLATION);
	CHECK_EQ_U64(nt_alloc(vm, 0, 0x7FFFFFFF0000ull, RES, RW).st, NTVM_STATUS_NO_MEMORY);
	ntvm_destroy(vm);
}

/* Which check answers when a pointer is NULL and another argument is bad
 * too: Windows probes both pointers after the zero_bits, type and
 * protection checks (ReactOS NtAllocateVirtualMemory), Wine 8.0 reads the
 * size first and the base after the zero-size and zero_bits checks
 * (tests/nt/wine-probe/results-null-pointers.txt). */
TEST(null_pointer_check_order)
{
	ntvm *win = nt_vm(WIN), *wine = nt_vm(WINE);
	struct {
		bool null_base;
		uint64_t zero_bits, size;
		uint32_t type, protect;
		ntvm_ntstatus windows, wine;
	} cases[] = {
		{ true, 0, 0x1000, RES, 0, NTVM_STATUS_INVALID_PAGE_PROTECTION, NTVM_STATUS_ACCESS_VIOLATION },
		{ true, 0, 0x1000, 0, RW, NTVM_STATUS_INVALID_PARAMETER_5, NTVM_STATUS_ACCESS_VIOLATION },
		{ true, 22, 0x1000, RES, RW, NTVM_STATUS_INVALID_PARAMETER_3, NTVM_STATUS_INVALID_PARAMETER_3 },
		{ true, 0, 0, RES, RW, NTVM_STATUS_ACCESS_VIOLATION, NTVM_STATUS_INVALID_PARAMETER },
		{ false, 0, 0, 0, RW, NTVM_STATUS_INVALID_PARAMETER_5, NTVM_STATUS_ACCESS_VIOLATION },
		{ false, 22, 0, RES, RW, NTVM_STATUS_INVALID_PARAMETER_3, NTVM_STATUS_ACCESS_VIOLATION },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ntvm *vms[2] = { win, wine };
		for (int p = 0; p < 2; p++) {
			uint64_t digest = ntvm_test_digest(vms[p]);
			uint64_t b = X, s = cases[i].size;
			ntvm_ntstatus st = ntvm_nt_allocate_virtual_memory(
				vms[p], cases[i].null_base ? NULL : &b, cases[i].zero_bits,
				cases[i].null_base ? &s : NULL, cases[i].type, cases[i].protect);
			CHECK_EQ_U64(st, p ? cases[i].wine : cases[i].windows);
			CHECK_EQ_U64(b, X);
			CHECK_EQ_U64(s, cases[i].size);
			CHECK_EQ_U64(ntvm_test_digest(vms[p]), digest);
		}
	}
	ntvm_destroy(win);
	ntvm_destroy(wine);
}

TEST_MAIN(TEST_CASE(reserve_rounding_checksize), TEST_CASE(granule_ownership_and_commit),
          TEST_CASE(reserve_commit_unaligned), TEST_CASE(null_base), TEST_CASE(top_down),
          TEST_CASE(zero_bits_counts), TEST_CASE(zero_bits_masks), TEST_CASE(size_and_base_limits),
          TEST_CASE(type_checks), TEST_CASE(mem_reset), TEST_CASE(protection_values),
          TEST_CASE(check_order), TEST_CASE(commit_spans), TEST_CASE(nocache_sticky_commit),
          TEST_CASE(address_profiles_32), TEST_CASE(null_pointers_and_no_room),
          TEST_CASE(null_pointer_check_order))
