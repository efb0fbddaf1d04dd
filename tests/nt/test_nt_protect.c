/*
 * test_nt_protect.c -- NtProtectVirtualMemory in both behaviour profiles.
 * Each test names its source; rows are those of core/src/nt_profile.c.
 */
#include "nt_test.h"

static const ntvm_behaviour profiles[2] = { WIN, WINE };

#define RES NTVM_MEM_RESERVE
#define COM NTVM_MEM_COMMIT
#define RC (NTVM_MEM_RESERVE | NTVM_MEM_COMMIT)
#define RW NTVM_PAGE_READWRITE
#define RO NTVM_PAGE_READONLY

#define CHECK_PROT(o, status, b, s, o_old)      \
	do {                                    \
		nt_out p_ = (o);                \
		CHECK_OUT(p_, status, b, s);    \
		CHECK_EQ_U64(p_.old, o_old);    \
	} while (0)

/* ntdll/kernel32 tests: the range covers [addr, addr+size) in pages, *old
 * is the first page's protection even when pages differ; ReactOS
 * TestReadWrite: contents survive NOACCESS. */
TEST(rounding_and_old)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		CHECK_OUT(nt_alloc(vm, X, 0x10000, RC, RW), S_OK, X, 0x10000);
		CHECK_PROT(nt_prot(vm, X + 0x1800, 0x1000, NTVM_PAGE_EXECUTE_READWRITE), S_OK, X + 0x1000,
		           0x2000, RW);
		CHECK_PROT(nt_prot(vm, X + 0x2000, 0x1000, RO), S_OK, X + 0x2000, 0x1000,
		           NTVM_PAGE_EXECUTE_READWRITE);
		CHECK_PROT(nt_prot(vm, X, 0x4000, NTVM_PAGE_NOACCESS), S_OK, X, 0x4000, RW);
		CHECK_REGION(vm, X, X, X, RW, 0x4000, NTVM_MEM_COMMIT, NTVM_PAGE_NOACCESS, NTVM_MEM_PRIVATE);
		/* size 0: nothing changes, *old reported (probe) */
		CHECK_PROT(nt_prot(vm, X, 0, RW), S_OK, X, 0, NTVM_PAGE_NOACCESS);
		CHECK_PROT(nt_prot(vm, X + 0x1001, 0, RW), S_OK, X + 0x1000, 0x1000, NTVM_PAGE_NOACCESS);
		ntvm_destroy(vm);
	}
}

/* kernel32 test_VirtualAlloc: not committed -> STATUS_NOT_COMMITTED
 * (ERROR_INVALID_ADDRESS); row PROTECT_CHECK_ORDER (probe: Wine checks the
 * protection value last). */
TEST(not_committed_and_order)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		bool w = p == 0;
		CHECK_OUT(nt_alloc(vm, X, 0xFFFC, RES, NTVM_PAGE_NOACCESS), S_OK, X, 0x10000);
		CHECK_EQ_U64(nt_prot(vm, X, 0xFFFC, RO).st, NTVM_STATUS_NOT_COMMITTED);
		CHECK_OUT(nt_alloc(vm, X, 0x1000, COM, NTVM_PAGE_NOACCESS), S_OK, X, 0x1000);
		CHECK_EQ_U64(nt_prot(vm, X, 0xFFFC, RO).st, NTVM_STATUS_NOT_COMMITTED);
		CHECK_EQ_U64(nt_prot(vm, X + 0x4000, 0, RO).st, NTVM_STATUS_NOT_COMMITTED);
		CHECK_PROT(nt_prot(vm, X, 0x1000, RO), S_OK, X, 0x1000, NTVM_PAGE_NOACCESS);
		CHECK_PROT(nt_prot(vm, X, 0x1000, RW), S_OK, X, 0x1000, RO);
		uint32_t bad[] = { 0, 0x14, 0x800 | 0x300 };
		for (int i = 0; i < 3; i++)
			CHECK_EQ_U64(nt_prot(vm, X + 0x4000, 0x1000, bad[i]).st,
			             w ? NTVM_STATUS_INVALID_PAGE_PROTECTION : NTVM_STATUS_NOT_COMMITTED);
		CHECK_EQ_U64(nt_prot(vm, X, 0x1000, 0).st, NTVM_STATUS_INVALID_PAGE_PROTECTION);
		CHECK_EQ_U64(nt_prot(vm, X + 0x100000, 0x1000, 0).st,
		             w ? NTVM_STATUS_INVALID_PAGE_PROTECTION : NTVM_STATUS_INVALID_PARAMETER);
		ntvm_destroy(vm);
	}
}

/* Rows PROTECT_NOT_IN_ALLOCATION (windows-semantics.md: NULL ->
 * CONFLICTING_ADDRESSES on Windows), PROTECT_BASE_ABOVE_MAX, SIZE_PAST_MAX,
 * SIZE_ROUND_WRAP (probe: protect ~0 succeeds with size 0 on Wine). */
TEST(outside_and_limits)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		bool w = p == 0;
		uint32_t ip = NTVM_STATUS_INVALID_PARAMETER, ca = NTVM_STATUS_CONFLICTING_ADDRESSES;
		CHECK_OUT(nt_alloc(vm, X, 0x10000, RC, RW), S_OK, X, 0x10000);
		CHECK_OUT(nt_alloc(vm, X + GR, 0x10000, RC, RW), S_OK, X + GR, 0x10000);
		CHECK_EQ_U64(nt_prot(vm, X + 0xf000, 0x2000, RO).st, w ? ca : ip);
		CHECK_EQ_U64(nt_prot(vm, X + GR, 0x11000, RO).st, w ? ca : ip);
		CHECK_EQ_U64(nt_prot(vm, 0, 0x1000, RO).st, w ? ca : ip);
		CHECK_EQ_U64(nt_prot(vm, 0, 0, RO).st, w ? ca : ip);
		CHECK_EQ_U64(nt_prot(vm, X + 0x100000, 0x1000, RO).st, w ? ca : ip);
		CHECK_EQ_U64(nt_prot(vm, 0x800000000000ull, 0x1000, RO).st,
		             w ? NTVM_STATUS_INVALID_PARAMETER_2 : ip);
		CHECK_EQ_U64(nt_prot(vm, 0xfffffffffffff000ull, 0x2000, RO).st,
		             w ? NTVM_STATUS_INVALID_PARAMETER_2 : ip);
		nt_out wrap = nt_prot(vm, X + 0x1000, ~0ull, RO);
		if (w) {
			CHECK_EQ_U64(wrap.st, NTVM_STATUS_INVALID_PARAMETER_3);
		} else {
			CHECK_PROT(wrap, S_OK, X + 0x1000, 0, RW);
		}
		CHECK_EQ_U64(nt_prot(vm, X + 0x1000, 0x7FFFFFFF0000ull, RO).st,
		             w ? NTVM_STATUS_INVALID_PARAMETER_3 : ip);
		ntvm_destroy(vm);
	}
}

/* kernel32 test_VirtualProtect: WRITECOPY invalid for private memory, two
 * base bits invalid; rows PROT_* through NtProtect; a view takes WRITECOPY. */
TEST(protection_values)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		bool w = p == 0;
		CHECK_OUT(nt_alloc(vm, X, 0x1000, RC, RW), S_OK, X, 0x1000);
		CHECK_EQ_U64(nt_prot(vm, X, 0x1000, NTVM_PAGE_WRITECOPY).st, NTVM_STATUS_INVALID_PAGE_PROTECTION);
		CHECK_EQ_U64(nt_prot(vm, X, 0x1000, NTVM_PAGE_EXECUTE_WRITECOPY).st,
		             NTVM_STATUS_INVALID_PAGE_PROTECTION);
		CHECK_EQ_U64(nt_prot(vm, X, 0x1000, 0x14).st, NTVM_STATUS_INVALID_PAGE_PROTECTION);
		uint32_t ipp = NTVM_STATUS_INVALID_PAGE_PROTECTION;
		CHECK_EQ_U64(nt_prot(vm, X, 0x1000, NTVM_PAGE_NOACCESS | NTVM_PAGE_GUARD).st, w ? ipp : S_OK);
		CHECK_EQ_U64(nt_prot(vm, X, 0x1000, 0x601).st, w ? ipp : S_OK);
		CHECK_EQ_U64(nt_prot(vm, X, 0x1000, 0x804).st, w ? ipp : S_OK);
		CHECK_REGION(vm, X, X, X, RW, 0x1000, NTVM_MEM_COMMIT, w ? RW : RW, NTVM_MEM_PRIVATE);
		CHECK_EQ_U64(ntvm_allocate_at(vm, X + GR, 0x10000, NTVM_PERM_RW | NTVM_PERM_WRITECOPY, false,
		                              NTVM_KIND_SECTION_VIEW), NTVM_OK);
		CHECK_PROT(nt_prot(vm, X + GR, 0x1000, RO), S_OK, X + GR, 0x1000, NTVM_PAGE_WRITECOPY);
		CHECK_PROT(nt_prot(vm, X + GR, 0x1000, NTVM_PAGE_EXECUTE_WRITECOPY), S_OK, X + GR, 0x1000, RO);
		CHECK_REGION(vm, X + GR, X + GR, X + GR, NTVM_PAGE_WRITECOPY, 0x1000, NTVM_MEM_COMMIT,
		             NTVM_PAGE_EXECUTE_WRITECOPY, NTVM_MEM_MAPPED);
		ntvm_destroy(vm);
	}
}

/* kernel32 test_VirtualAlloc: PAGE_NOCACHE stays with the allocation
 * (RW|NOCACHE, protect READONLY -> READONLY|NOCACHE); a NOCACHE request on
 * a plain allocation does not add it (probe). */
TEST(nocache_sticky)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		CHECK_OUT(nt_alloc(vm, X, 0x1000, RC, RW | NTVM_PAGE_NOCACHE), S_OK, X, 0x1000);
		CHECK_PROT(nt_prot(vm, X, 0x1000, RO), S_OK, X, 0x1000, RW | NTVM_PAGE_NOCACHE);
		CHECK_REGION(vm, X, X, X, 0x204, 0x1000, NTVM_MEM_COMMIT, RO | NTVM_PAGE_NOCACHE,
		             NTVM_MEM_PRIVATE);
		CHECK_PROT(nt_prot(vm, X, 0x1000, RW), S_OK, X, 0x1000, RO | NTVM_PAGE_NOCACHE);
		CHECK_OUT(nt_alloc(vm, X + GR, 0x1000, RC, RW), S_OK, X + GR, 0x1000);
		CHECK_PROT(nt_prot(vm, X + GR, 0x1000, RW | NTVM_PAGE_NOCACHE), S_OK, X + GR, 0x1000, RW);
		CHECK_REGION(vm, X + GR, X + GR, X + GR, RW, 0x1000, NTVM_MEM_COMMIT, RW, NTVM_MEM_PRIVATE);
		ntvm_destroy(vm);
	}
}

/* windows-semantics.md guard pages: PAGE_GUARD through protect shows in the
 * query and splits the region (query-guard recording). */
TEST(guard_region)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		CHECK_OUT(nt_alloc(vm, X, 0x4000, RC, RW), S_OK, X, 0x4000);
		CHECK_PROT(nt_prot(vm, X + 0x1000, 0x1000, RW | NTVM_PAGE_GUARD), S_OK, X + 0x1000, 0x1000, RW);
		CHECK_REGION(vm, X, X, X, RW, 0x1000, NTVM_MEM_COMMIT, RW, NTVM_MEM_PRIVATE);
		CHECK_REGION(vm, X + 0x1000, X + 0x1000, X, RW, 0x1000, NTVM_MEM_COMMIT,
		             RW | NTVM_PAGE_GUARD, NTVM_MEM_PRIVATE);
		CHECK_REGION(vm, X + 0x2000, X + 0x2000, X, RW, 0x2000, NTVM_MEM_COMMIT, RW, NTVM_MEM_PRIVATE);
		ntvm_destroy(vm);
	}
}

TEST(null_pointers)
{
	ntvm *vm = nt_vm(WIN);
	uint64_t b = X, s = 0x1000;
	uint32_t old;
	CHECK_EQ_U64(ntvm_nt_protect_virtual_memory(vm, &b, &s, RW, NULL), NTVM_STATUS_ACCESS_VIOLATION);
	CHECK_EQ_U64(ntvm_nt_protect_virtual_memory(vm, NULL, &s, RW, &old), NTVM_STATUS_ACCESS_VIOLATION);
	ntvm_destroy(vm);
}

TEST_MAIN(TEST_CASE(rounding_and_old), TEST_CASE(not_committed_and_order),
          TEST_CASE(outside_and_limits), TEST_CASE(protection_values), TEST_CASE(nocache_sticky),
          TEST_CASE(guard_region), TEST_CASE(null_pointers))
