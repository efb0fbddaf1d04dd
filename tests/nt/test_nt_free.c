/*
 * test_nt_free.c -- NtFreeVirtualMemory in both behaviour profiles.  Each
 * test names its source; rows are those of core/src/nt_profile.c.  Failing
 * calls are checked by the wrappers to change nothing.
 */
#include "nt_test.h"

static const ntvm_behaviour profiles[2] = { WIN, WINE };

#define RES NTVM_MEM_RESERVE
#define RC (NTVM_MEM_RESERVE | NTVM_MEM_COMMIT)
#define RW NTVM_PAGE_READWRITE
#define DEC NTVM_MEM_DECOMMIT
#define REL NTVM_MEM_RELEASE

/* ntdll test_NtAllocateVirtualMemory ("NtFreeVirtualMemory tests"). */
TEST(decommit_and_size0_rules)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		CHECK_OUT(nt_alloc(vm, X, 0x10000, RC, RW), S_OK, X, 0x10000);
		CHECK_OUT(nt_free(vm, X + 0x1fff, 2, DEC), S_OK, X + 0x1000, 0x2000);
		CHECK_REGION(vm, X + 0x1000, X + 0x1000, X, RW, 0x2000, NTVM_MEM_RESERVE, 0, NTVM_MEM_PRIVATE);
		CHECK_OUT(nt_free(vm, X + 0x1001, 0, DEC), NTVM_STATUS_FREE_VM_NOT_AT_BASE, X + 0x1001, 0);
		CHECK_OUT(nt_free(vm, X + 0xffe, 0, DEC), S_OK, X, 0);
		CHECK_REGION(vm, X, X, X, RW, 0x10000, NTVM_MEM_RESERVE, 0, NTVM_MEM_PRIVATE);
		CHECK_OUT(nt_free(vm, X + 0x1001, 0, REL), NTVM_STATUS_FREE_VM_NOT_AT_BASE, X + 0x1001, 0);
		CHECK_OUT(nt_free(vm, X + 0xfff, 0, REL), S_OK, X, 0x10000);
		CHECK_REGION(vm, X, X, 0, 0, 0x7FFFFFFF0000ull - X, NTVM_MEM_FREE, NTVM_PAGE_NOACCESS, 0);
		ntvm_destroy(vm);
	}
}

/* ReactOS NtAllocateVirtualMemory.c CheckAlignment: decommit of pages
 * that were never committed succeeds. */
TEST(decommit_never_committed)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		CHECK_OUT(nt_alloc(vm, X + 0x1010, 0x1000, RES, NTVM_PAGE_NOACCESS), S_OK, X, 0x3000);
		CHECK_OUT(nt_alloc(vm, X + 0x2000, 0x1000, NTVM_MEM_COMMIT, RW), S_OK, X + 0x2000, 0x1000);
		CHECK_OUT(nt_free(vm, X, 0x3000, DEC), S_OK, X, 0x3000);
		if (profiles[p] == WIN) {
			CHECK_REGION(vm, X, X, X, NTVM_PAGE_NOACCESS, 0x3000, NTVM_MEM_RESERVE, 0, NTVM_MEM_PRIVATE);
		} else {
			/* row QUERY_RESERVED_LAST_PROT: the decommitted page keeps RW */
			CHECK_REGION(vm, X, X, X, NTVM_PAGE_NOACCESS, 0x2000, NTVM_MEM_RESERVE, 0, NTVM_MEM_PRIVATE);
			CHECK_REGION(vm, X + 0x2000, X + 0x2000, X, NTVM_PAGE_NOACCESS, 0x1000, NTVM_MEM_RESERVE, 0,
			             NTVM_MEM_PRIVATE);
		}
		ntvm_destroy(vm);
	}
}

/* Rows FREE_BAD_TYPE (ReactOS Test_NtFreeVirtualMemory_Parameters),
 * FREE_NOT_ALLOCATED (ReactOS CheckAlignment), FREE_PAST_ALLOCATION (ReactOS
 * Test_NtFreeVirtualMemory, CheckAdjacentVADs). */
TEST(free_failures)
{
	static const uint32_t bad_types[] = { 0, DEC | REL, NTVM_MEM_COMMIT, NTVM_MEM_FREE, 0xffffffffu,
	                                      REL | 1, DEC | NTVM_MEM_COALESCE_PLACEHOLDERS };
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		bool w = p == 0;
		uint32_t ip = NTVM_STATUS_INVALID_PARAMETER;
		CHECK_OUT(nt_alloc(vm, X + 0x1010, 0x1000, RES, RW), S_OK, X, 0x3000);
		for (size_t i = 0; i < sizeof bad_types / sizeof bad_types[0]; i++)
			CHECK_EQ_U64(nt_free(vm, X, 0x1000, bad_types[i]).st,
			             w ? NTVM_STATUS_INVALID_PARAMETER_4 : ip);
		CHECK_EQ_U64(nt_free(vm, X + 0x100000, 0, 0).st, w ? NTVM_STATUS_INVALID_PARAMETER_4 : ip);
		uint32_t na = w ? NTVM_STATUS_MEMORY_NOT_ALLOCATED : ip;
		CHECK_EQ_U64(nt_free(vm, X + GR, 0x1000, REL).st, na);
		CHECK_EQ_U64(nt_free(vm, X + 0x8000, 0x1000, REL).st, na);
		CHECK_EQ_U64(nt_free(vm, X + 0x3000, 0, REL).st, na);
		CHECK_EQ_U64(nt_free(vm, X + 0x3000, 0x1000, DEC).st, na);
		CHECK_EQ_U64(nt_free(vm, 0, 0, REL).st, na);
		CHECK_EQ_U64(nt_free(vm, 0, 0x1000, DEC).st, na);
		uint32_t past = w ? NTVM_STATUS_UNABLE_TO_FREE_VM : ip;
		CHECK_EQ_U64(nt_free(vm, X, 0x4000, REL).st, past);
		CHECK_EQ_U64(nt_free(vm, X, 0x3001, DEC).st, past);
		CHECK_EQ_U64(nt_free(vm, X + 1, 0x3000, DEC).st, past);
		CHECK_OUT(nt_alloc(vm, X + GR, 0x10000, RES, RW), S_OK, X + GR, 0x10000);
		CHECK_EQ_U64(nt_free(vm, X, 0x20000, REL).st, past);
		CHECK_EQ_U64(nt_free(vm, X + 0x2000, 0xf000, DEC).st, past);
		CHECK_OUT(nt_free(vm, X, 0, REL), S_OK, X, 0x3000);
		CHECK_EQ_U64(nt_free(vm, X, 0, REL).st, na);
		ntvm_destroy(vm);
	}
}

/* Row RELEASE_NONZERO_SIZE: ReactOS Test_NtFreeVirtualMemory (page by
 * page, either order; a range from base+1 covers two pages) and
 * windows-semantics.md (the piece after the hole is an allocation of its
 * own); Wine refuses every non-zero size (probe). */
TEST(partial_release)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		bool w = p == 0;
		CHECK_OUT(nt_alloc(vm, X, 0x30000, RC, RW), S_OK, X, 0x30000);
		CHECK_EQ_U64(nt_write(vm, X + 0x20000, 0x21, 4, NULL), S_OK);
		nt_out hole = nt_free(vm, X + 0x10000, 0x10000, REL);
		if (!w) {
			CHECK_EQ_U64(hole.st, NTVM_STATUS_INVALID_PARAMETER);
			CHECK_EQ_U64(nt_free(vm, X, 0x30000, REL).st, NTVM_STATUS_INVALID_PARAMETER);
			CHECK_EQ_U64(nt_free(vm, X + 1, 0xfff, REL).st, NTVM_STATUS_INVALID_PARAMETER);
			ntvm_destroy(vm);
			continue;
		}
		CHECK_OUT(hole, S_OK, X + 0x10000, 0x10000);
		CHECK_REGION(vm, X, X, X, RW, 0x10000, NTVM_MEM_COMMIT, RW, NTVM_MEM_PRIVATE);
		CHECK_REGION(vm, X + 0x10000, X + 0x10000, 0, 0, 0x10000, NTVM_MEM_FREE, NTVM_PAGE_NOACCESS, 0);
		CHECK_REGION(vm, X + 0x20000, X + 0x20000, X + 0x20000, RW, 0x10000, NTVM_MEM_COMMIT, RW,
		             NTVM_MEM_PRIVATE);
		uint8_t b[4];
		CHECK_EQ_U64(nt_read(vm, X + 0x20000, b, 4, NULL), S_OK);
		CHECK(b[0] == 0x21 && b[3] == 0x21);
		CHECK_OUT(nt_free(vm, X + 0x20000, 0, REL), S_OK, X + 0x20000, 0x10000);
		CHECK_OUT(nt_free(vm, X, 0, REL), S_OK, X, 0x10000);
		/* page by page, second page first */
		CHECK_OUT(nt_alloc(vm, X, 0x2000, RES, RW), S_OK, X, 0x2000);
		CHECK_OUT(nt_free(vm, X + 0x1000, 0x1000, REL), S_OK, X + 0x1000, 0x1000);
		CHECK_REGION(vm, X, X, X, RW, 0x1000, NTVM_MEM_RESERVE, 0, NTVM_MEM_PRIVATE);
		CHECK_OUT(nt_free(vm, X, 0x1000, REL), S_OK, X, 0x1000);
		/* base+1 with one page covers both pages: the whole allocation */
		CHECK_OUT(nt_alloc(vm, X, 0x2000, RES, RW), S_OK, X, 0x2000);
		CHECK_OUT(nt_free(vm, X + 1, 0x1000, REL), S_OK, X, 0x2000);
		CHECK_REGION(vm, X, X, 0, 0, 0x7FFFFFFF0000ull - X, NTVM_MEM_FREE, NTVM_PAGE_NOACCESS, 0);
		ntvm_destroy(vm);
	}
}

/* Rows FREE_BASE_ABOVE_MAX, SIZE_PAST_MAX, SIZE_ROUND_WRAP
 * (reference/expectations/free-size-overflow.trace; probe: Wine's rounded
 * size wraps, so size ~0 releases the whole allocation). */
TEST(limits_and_wrap)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		bool w = p == 0;
		uint32_t ip = NTVM_STATUS_INVALID_PARAMETER;
		CHECK_OUT(nt_alloc(vm, X, 0x10000, RC, RW), S_OK, X, 0x10000);
		CHECK_EQ_U64(nt_free(vm, X + 0x1000, 0xfffffffffffff000ull, DEC).st,
		             w ? NTVM_STATUS_INVALID_PARAMETER_3 : ip);
		CHECK_EQ_U64(nt_free(vm, 0x800000000000ull, 0x1000, DEC).st,
		             w ? NTVM_STATUS_INVALID_PARAMETER_2 : ip);
		CHECK_EQ_U64(nt_free(vm, 0xfffffffffffff000ull, 0x1000, REL).st,
		             w ? NTVM_STATUS_INVALID_PARAMETER_2 : ip);
		CHECK_EQ_U64(nt_free(vm, ~0ull, ~0ull, REL).st, w ? NTVM_STATUS_INVALID_PARAMETER_2 : ip);
		CHECK_EQ_U64(nt_free(vm, MAX64, 2, DEC).st, w ? NTVM_STATUS_INVALID_PARAMETER_3 : ip);
		/* Wine: ~0 from base+0x1000 rounds to size 0, a size-0 free off the base */
		CHECK_EQ_U64(nt_free(vm, X + 0x1000, ~0ull, DEC).st,
		             w ? NTVM_STATUS_INVALID_PARAMETER_3 : NTVM_STATUS_FREE_VM_NOT_AT_BASE);
		nt_out wrap = nt_free(vm, X, ~0ull, REL);
		if (w) {
			CHECK_EQ_U64(wrap.st, NTVM_STATUS_INVALID_PARAMETER_3);
		} else {
			CHECK_OUT(wrap, S_OK, X, 0x10000);
		}
		ntvm_destroy(vm);
	}
}

TEST(null_pointers)
{
	ntvm *vm = nt_vm(WIN);
	uint64_t b = X, s = 0;
	CHECK_EQ_U64(ntvm_nt_free_virtual_memory(vm, NULL, &s, REL), NTVM_STATUS_ACCESS_VIOLATION);
	CHECK_EQ_U64(ntvm_nt_free_virtual_memory(vm, &b, NULL, REL), NTVM_STATUS_ACCESS_VIOLATION);
	ntvm_destroy(vm);
}

/* A view (here made through the manager) cannot be freed with
 * NtFreeVirtualMemory (ReactOS NtFreeVirtualMemory model; row FREE_VIEW:
 * Wine 8.0 answers STATUS_INVALID_PARAMETER, sections probe). */
TEST(view_not_freed)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		uint32_t want = profiles[p] == WIN ? NTVM_STATUS_UNABLE_TO_DELETE_SECTION
		                                   : NTVM_STATUS_INVALID_PARAMETER;
		CHECK_EQ_U64(ntvm_allocate_at(vm, X, 0x10000, NTVM_PERM_RW, false, NTVM_KIND_SECTION_VIEW),
		             NTVM_OK);
		CHECK_EQ_U64(nt_free(vm, X, 0, REL).st, want);
		CHECK_EQ_U64(nt_free(vm, X, 0x1000, DEC).st, want);
		ntvm_destroy(vm);
	}
}

TEST_MAIN(TEST_CASE(decommit_and_size0_rules), TEST_CASE(decommit_never_committed),
          TEST_CASE(free_failures), TEST_CASE(partial_release), TEST_CASE(limits_and_wrap),
          TEST_CASE(null_pointers), TEST_CASE(view_not_freed))
