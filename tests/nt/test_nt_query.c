/*
 * test_nt_query.c -- NtQueryVirtualMemory (MemoryBasicInformation and
 * MemoryRegionInformation) in both behaviour profiles.  Each test names its
 * source; rows are those of core/src/nt_profile.c.
 */
#include "nt_test.h"

static const ntvm_behaviour profiles[2] = { WIN, WINE };

#define RES NTVM_MEM_RESERVE
#define COM NTVM_MEM_COMMIT
#define RC (NTVM_MEM_RESERVE | NTVM_MEM_COMMIT)
#define RW NTVM_PAGE_READWRITE
#define FREE_TOP 0x7FFFFFFF0000ull

/* windows-semantics.md: free memory fields; the region runs to the next
 * allocation (or the top); reserved pages report Protect 0 (kernel32
 * test_VirtualAlloc); committed runs inside a NOACCESS reservation
 * (ReactOS CheckAdjacentVADs). */
TEST(basic_fields)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		CHECK_REGION(vm, X + 0x123, X, 0, 0, FREE_TOP - X, NTVM_MEM_FREE, NTVM_PAGE_NOACCESS, 0);
		CHECK_REGION(vm, 0, 0, 0, 0, FREE_TOP, NTVM_MEM_FREE, NTVM_PAGE_NOACCESS, 0);
		CHECK_OUT(nt_alloc(vm, X + 0x20000, 0xFFFC, RES, NTVM_PAGE_NOACCESS), S_OK, X + 0x20000, 0x10000);
		CHECK_REGION(vm, X, X, 0, 0, 0x20000, NTVM_MEM_FREE, NTVM_PAGE_NOACCESS, 0);
		CHECK_REGION(vm, X + 0x20000, X + 0x20000, X + 0x20000, NTVM_PAGE_NOACCESS, 0x10000,
		             NTVM_MEM_RESERVE, 0, NTVM_MEM_PRIVATE);
		CHECK_OUT(nt_alloc(vm, X + 0x2F000, 0x1000, COM, RW), S_OK, X + 0x2F000, 0x1000);
		CHECK_REGION(vm, X + 0x2F700, X + 0x2F000, X + 0x20000, NTVM_PAGE_NOACCESS, 0x1000,
		             NTVM_MEM_COMMIT, RW, NTVM_MEM_PRIVATE);
		CHECK_REGION(vm, X + 0x20000, X + 0x20000, X + 0x20000, NTVM_PAGE_NOACCESS, 0xF000,
		             NTVM_MEM_RESERVE, 0, NTVM_MEM_PRIVATE);
		CHECK_REGION(vm, X + 0x30000, X + 0x30000, 0, 0, FREE_TOP - X - 0x30000, NTVM_MEM_FREE,
		             NTVM_PAGE_NOACCESS, 0);
		/* the free tail of a granule is free memory */
		CHECK_OUT(nt_alloc(vm, X + 0x40000, 0x1000, RC, RW), S_OK, X + 0x40000, 0x1000);
		CHECK_REGION(vm, X + 0x41000, X + 0x41000, 0, 0, FREE_TOP - X - 0x41000, NTVM_MEM_FREE,
		             NTVM_PAGE_NOACCESS, 0);
		ntvm_destroy(vm);
	}
}

/* info.c test_queryvirtualmemory: above the highest user address (and ~0)
 * -> STATUS_INVALID_PARAMETER, at it: success; short buffers -> 
 * STATUS_INFO_LENGTH_MISMATCH; unknown classes -> STATUS_INVALID_INFO_CLASS;
 * probe: class, then length, then address; outputs untouched on failure. */
TEST(basic_checks)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		ntvm_memory_basic_information m;
		uint64_t len = 0xDEAD;
		CHECK_EQ_U64(nt_query(vm, MAX64, &m), S_OK);
		CHECK_EQ_U64(m.BaseAddress, 0x7FFFFFFEF000ull);
		CHECK_EQ_U64(m.RegionSize, 0x1000);
		CHECK_EQ_U64(nt_query(vm, MAX64 + 1, &m), NTVM_STATUS_INVALID_PARAMETER);
		CHECK_EQ_U64(nt_query(vm, 0x800000000000ull, &m), NTVM_STATUS_INVALID_PARAMETER);
		CHECK_EQ_U64(nt_query(vm, ~0ull, &m), NTVM_STATUS_INVALID_PARAMETER);
		CHECK_EQ_U64(ntvm_nt_query_virtual_memory(vm, X, 0, &m, sizeof m - 1, &len),
		             NTVM_STATUS_INFO_LENGTH_MISMATCH);
		CHECK_EQ_U64(ntvm_nt_query_virtual_memory(vm, ~0ull, 0, &m, 0x10, &len),
		             NTVM_STATUS_INFO_LENGTH_MISMATCH);
		CHECK_EQ_U64(ntvm_nt_query_virtual_memory(vm, X, 1, &m, sizeof m, &len),
		             NTVM_STATUS_INVALID_INFO_CLASS);
		CHECK_EQ_U64(ntvm_nt_query_virtual_memory(vm, ~0ull, 9, &m, 0, &len),
		             NTVM_STATUS_INVALID_INFO_CLASS);
		CHECK_EQ_U64(len, 0xDEAD);
		uint8_t big[0x60];
		CHECK_EQ_U64(ntvm_nt_query_virtual_memory(vm, X, 0, big, sizeof big, &len), S_OK);
		CHECK_EQ_U64(len, sizeof m);
		CHECK_EQ_U64(ntvm_nt_query_virtual_memory(vm, X, 0, &m, sizeof m, NULL), S_OK);
		ntvm_destroy(vm);
	}
}

/* MEM_MAPPED / MEM_IMAGE for views made through the manager
 * (windows-semantics.md Type). */
TEST(region_types)
{
	ntvm *vm = nt_vm(WIN);
	CHECK_EQ_U64(ntvm_allocate_at(vm, X, 0x10000, NTVM_PERM_READ, false, NTVM_KIND_SECTION_VIEW),
	             NTVM_OK);
	CHECK_EQ_U64(ntvm_allocate_at(vm, X + GR, 0x10000, NTVM_PERM_RX, false, NTVM_KIND_SECTION_IMAGE),
	             NTVM_OK);
	CHECK_REGION(vm, X, X, X, NTVM_PAGE_READONLY, 0x10000, NTVM_MEM_COMMIT, NTVM_PAGE_READONLY,
	             NTVM_MEM_MAPPED);
	CHECK_REGION(vm, X + GR, X + GR, X + GR, NTVM_PAGE_EXECUTE_READ, 0x10000, NTVM_MEM_COMMIT,
	             NTVM_PAGE_EXECUTE_READ, NTVM_MEM_IMAGE);
	ntvm_destroy(vm);
}

static uint32_t region_info(ntvm *vm, uint64_t address, ntvm_memory_region_information *ri,
                            uint64_t length)
{
	uint64_t before = ntvm_test_digest(vm), len = 0xDEAD;
	memset(ri, 0xCC, sizeof *ri);
	uint32_t st = ntvm_nt_query_virtual_memory(vm, address, NTVM_MEMORY_REGION_INFORMATION_CLASS,
	                                           ri, length, &len);
	CHECK_EQ_U64(ntvm_test_digest(vm), before);
	CHECK_EQ_U64(len, st == S_OK ? sizeof *ri : 0xDEAD);
	return st;
}

/* MemoryRegionInformation: rows QUERY_REGION_INFO_FREE and
 * QUERY_REGION_INFO_FIELDS (probe: minimum length 0x18, Wine answers with
 * the basic region and RegionType 0). */
TEST(region_information)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		bool w = p == 0;
		ntvm_memory_region_information ri;
		CHECK_OUT(nt_alloc(vm, X, 0x10000, RES, RW), S_OK, X, 0x10000);
		CHECK_OUT(nt_alloc(vm, X + 0x2000, 0x2000, COM, NTVM_PAGE_READONLY), S_OK, X + 0x2000, 0x2000);
		CHECK_EQ_U64(region_info(vm, X + 0x3000, &ri, sizeof ri), S_OK);
		CHECK_EQ_U64(ri.AllocationBase, X);
		CHECK_EQ_U64(ri.AllocationProtect, RW);
		CHECK_EQ_U64(ri.RegionType, w ? 1 : 0);
		CHECK_EQ_U64(ri.RegionSize, w ? 0x10000 : 0x1000);
		CHECK_EQ_U64(ri.CommitSize, w ? 0x2000 : 0x1000);
		CHECK_EQ_U64(ri.PartitionId, w ? 0 : 0xCCCCCCCCCCCCCCCCull);
		CHECK_EQ_U64(region_info(vm, X, &ri, sizeof ri), S_OK);
		CHECK_EQ_U64(ri.RegionSize, w ? 0x10000 : 0x2000);
		CHECK_EQ_U64(ri.CommitSize, w ? 0x2000 : 0);
		CHECK_EQ_U64(region_info(vm, X, &ri, 0x18), S_OK);
		CHECK_EQ_U64(ri.CommitSize, 0xCCCCCCCCCCCCCCCCull);
		CHECK_EQ_U64(region_info(vm, X, &ri, 0x1f), S_OK);
		CHECK_EQ_U64(ri.RegionSize, w ? 0x10000 : 0x2000);
		CHECK_EQ_U64(ri.CommitSize, 0xCCCCCCCCCCCCCCCCull);
		CHECK_EQ_U64(region_info(vm, X, &ri, 0x2f), S_OK);
		CHECK_EQ_U64(ri.CommitSize, w ? 0x2000 : 0);
		CHECK_EQ_U64(ri.PartitionId, w ? 0 : 0xCCCCCCCCCCCCCCCCull);
		CHECK_EQ_U64(ri.NodePreference, 0xCCCCCCCCCCCCCCCCull);
		CHECK_EQ_U64(region_info(vm, X, &ri, 0x17), NTVM_STATUS_INFO_LENGTH_MISMATCH);
		CHECK_EQ_U64(region_info(vm, MAX64 + 1, &ri, sizeof ri), NTVM_STATUS_INVALID_PARAMETER);
		uint32_t st = region_info(vm, X + 0x20000, &ri, sizeof ri);
		CHECK_EQ_U64(st, w ? NTVM_STATUS_INVALID_ADDRESS : S_OK);
		if (!w) {
			CHECK_EQ_U64(ri.AllocationBase, 0);
			CHECK_EQ_U64(ri.RegionSize, FREE_TOP - X - 0x20000);
			CHECK_EQ_U64(ri.CommitSize, 0);
		}
		ntvm_destroy(vm);
	}
}

/* Row QUERY_RESERVED_LAST_PROT (recording query-decommitted-runs): pages
 * committed READONLY and READWRITE, then decommitted, form one reserved
 * region on Windows; Wine 8.0 ends the reserved run where the protection the
 * pages last had changes, and never-committed pages carry the allocation's
 * protection. */
TEST(reserved_last_protection)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		CHECK_OUT(nt_alloc(vm, X, 0x10000, RES, NTVM_PAGE_NOACCESS), S_OK, X, 0x10000);
		CHECK_OUT(nt_alloc(vm, X + 0x4000, 0x2000, COM, NTVM_PAGE_READONLY), S_OK, X + 0x4000, 0x2000);
		CHECK_OUT(nt_alloc(vm, X + 0x6000, 0x2000, COM, RW), S_OK, X + 0x6000, 0x2000);
		CHECK_OUT(nt_free(vm, X + 0x4000, 0x4000, NTVM_MEM_DECOMMIT), S_OK, X + 0x4000, 0x4000);
		if (profiles[p] == WIN) {
			CHECK_REGION(vm, X, X, X, NTVM_PAGE_NOACCESS, 0x10000, NTVM_MEM_RESERVE, 0, NTVM_MEM_PRIVATE);
			CHECK_REGION(vm, X + 0x5000, X + 0x5000, X, NTVM_PAGE_NOACCESS, 0xB000, NTVM_MEM_RESERVE, 0,
			             NTVM_MEM_PRIVATE);
		} else {
			CHECK_REGION(vm, X, X, X, NTVM_PAGE_NOACCESS, 0x4000, NTVM_MEM_RESERVE, 0, NTVM_MEM_PRIVATE);
			CHECK_REGION(vm, X + 0x5000, X + 0x5000, X, NTVM_PAGE_NOACCESS, 0x1000, NTVM_MEM_RESERVE, 0,
			             NTVM_MEM_PRIVATE);
			CHECK_REGION(vm, X + 0x6000, X + 0x6000, X, NTVM_PAGE_NOACCESS, 0x2000, NTVM_MEM_RESERVE, 0,
			             NTVM_MEM_PRIVATE);
			CHECK_REGION(vm, X + 0x8000, X + 0x8000, X, NTVM_PAGE_NOACCESS, 0x8000, NTVM_MEM_RESERVE, 0,
			             NTVM_MEM_PRIVATE);
		}
		/* a commit over the run rewrites the remembered protection: one run again */
		CHECK_OUT(nt_alloc(vm, X, 0x10000, COM, RW), S_OK, X, 0x10000);
		CHECK_OUT(nt_free(vm, X, 0x10000, NTVM_MEM_DECOMMIT), S_OK, X, 0x10000);
		if (profiles[p] == WINE)
			CHECK_REGION(vm, X + 0x3000, X + 0x3000, X, NTVM_PAGE_NOACCESS, 0xD000, NTVM_MEM_RESERVE, 0,
			             NTVM_MEM_PRIVATE);
		ntvm_destroy(vm);
	}
}

TEST_MAIN(TEST_CASE(basic_fields), TEST_CASE(reserved_last_protection), TEST_CASE(basic_checks), TEST_CASE(region_types),
          TEST_CASE(region_information))
