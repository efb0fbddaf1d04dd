/*
 * test_model.c -- the oracle model on its own, against facts written in
 * the specs (windows-semantics.md, trace-format.md) and ntvm.h: if the
 * model drifts from them, the fuzzer would compare core with the wrong
 * answers, so the model gets tests of its own.
 */
#include "model.h"
#include "test.h"

static model fresh(ntvm_behaviour behaviour)
{
	model m;
	model_init(&m, NTVM_ADDRESS_64, behaviour);
	return m;
}

TEST(reserve_commit_query_release)
{
	model m = fresh(NTVM_BEHAVIOUR_WINDOWS);
	uint64_t base = model_allocate(&m, 0x100000, NTVM_PERM_RW, true, 0, NTVM_KIND_PRIVATE);
	CHECK_EQ_U64(base, 0x100000000ull); /* the 64-bit default allocation address */
	CHECK_EQ_U64(model_commit(&m, base + 0x1000, 0x2000, NTVM_PERM_READ), NTVM_OK);
	ntvm_region_info info;
	CHECK_EQ_U64(model_region_info_at(&m, base + 0x1234, &info), NTVM_OK);
	CHECK_EQ_U64(info.start, base + 0x1000);
	CHECK_EQ_U64(info.length, 0x2000);
	CHECK(info.is_committed && info.perm == NTVM_PERM_READ);
	CHECK_EQ_U64(model_region_info_at(&m, base, &info), NTVM_OK);
	CHECK(!info.is_committed && info.length == 0x1000);
	ntvm_stats stats;
	model_get_stats(&m, &stats);
	CHECK_EQ_U64(stats.reserved_bytes, 0x100000);
	CHECK_EQ_U64(stats.committed_bytes, 0x2000);
	uint64_t version = m.version;
	CHECK_EQ_U64(model_commit(&m, base + 0x100000, 0x1000, NTVM_PERM_RW), NTVM_E_NOT_RESERVED);
	CHECK_EQ_U64(m.version, version); /* a failure changes nothing */
	CHECK_EQ_U64(model_release(&m, base + 0x1000, 0), NTVM_E_INVALID_ARGUMENT);
	CHECK_EQ_U64(model_release(&m, base, 0), NTVM_OK);
	model_get_stats(&m, &stats);
	CHECK_EQ_U64(stats.reservation_count, 0);
	model_fini(&m);
}

TEST(partial_release_splits)
{
	model m = fresh(NTVM_BEHAVIOUR_WINDOWS);
	CHECK_EQ_U64(model_allocate_at(&m, 0x200000000ull, 0x30000, NTVM_PERM_RW, false,
	                               NTVM_KIND_PRIVATE),
	             NTVM_OK);
	CHECK_EQ_U64(model_release(&m, 0x200010000ull, 0x1000), NTVM_OK);
	CHECK_EQ_U64(m.resv_count, 2);
	CHECK_EQ_U64(m.resv[1].base, 0x200011000ull);
	CHECK_EQ_U64(m.resv[1].length, 0x1F000);
	CHECK_EQ_U64(model_release(&m, 0x200011000ull, 0), NTVM_OK);
	model_fini(&m);
}

TEST(data_survives_recommit_not_decommit)
{
	model m = fresh(NTVM_BEHAVIOUR_WINDOWS);
	uint8_t in = 0x5A, out = 0;
	model_allocate_at(&m, 0x200000000ull, 0x10000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE);
	CHECK_EQ_U64(model_write(&m, 0x200000010ull, &in, 1, NULL), NTVM_OK);
	model_commit(&m, 0x200000000ull, 0x1000, NTVM_PERM_READ);
	model_read(&m, 0x200000010ull, &out, 1, NULL);
	CHECK_EQ_U64(out, 0x5A);
	model_decommit(&m, 0x200000000ull, 0x1000);
	model_commit(&m, 0x200000000ull, 0x1000, NTVM_PERM_RW);
	model_read(&m, 0x200000010ull, &out, 1, NULL);
	CHECK_EQ_U64(out, 0);
	model_fini(&m);
}

/* trace-format.md's example: rounding of a commit inside a reservation. */
TEST(nt_rounding_example)
{
	model m = fresh(NTVM_BEHAVIOUR_WINE_8_0);
	uint64_t a = 0x100000000000ull, base = a, size = 0x20000;
	CHECK_EQ_U64(model_nt_allocate(&m, &base, 0, &size, NTVM_MEM_RESERVE, NTVM_PAGE_READWRITE),
	             NTVM_STATUS_SUCCESS);
	base = a + 0x1234, size = 0x10;
	CHECK_EQ_U64(model_nt_allocate(&m, &base, 0, &size, NTVM_MEM_COMMIT, NTVM_PAGE_READONLY),
	             NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(base, a + 0x1000);
	CHECK_EQ_U64(size, 0x1000);
	ntvm_memory_basic_information mbi;
	CHECK_EQ_U64(model_nt_query(&m, a, &mbi), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(mbi.AllocationProtect, NTVM_PAGE_READWRITE);
	CHECK_EQ_U64(mbi.State, NTVM_MEM_RESERVE);
	CHECK_EQ_U64(mbi.Protect, 0);
	CHECK_EQ_U64(mbi.RegionSize, 0x1000);
	uint8_t byte = 1;
	CHECK_EQ_U64(model_nt_access(&m, a + 0x1000, &byte, 1, NTVM_ACCESS_WRITE, NULL),
	             NTVM_STATUS_ACCESS_VIOLATION);
	base = a, size = 0;
	CHECK_EQ_U64(model_nt_free(&m, &base, &size, NTVM_MEM_RELEASE), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(size, 0x20000);
	model_fini(&m);
}

/* windows-semantics.md: ReactOS CheckSize and the unaligned reserve+commit. */
TEST(nt_reservation_rounding)
{
	model m = fresh(NTVM_BEHAVIOUR_WINDOWS);
	uint64_t base = 0x5000FFFF, size = 0x3000;
	CHECK_EQ_U64(model_nt_allocate(&m, &base, 0, &size, NTVM_MEM_RESERVE, NTVM_PAGE_READWRITE),
	             NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(base, 0x50000000);
	CHECK_EQ_U64(size, 0x13000);
	base = 0x60004080, size = 0x1000;
	CHECK_EQ_U64(model_nt_allocate(&m, &base, 0, &size, NTVM_MEM_RESERVE | NTVM_MEM_COMMIT,
	                               NTVM_PAGE_READWRITE),
	             NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(base, 0x60000000);
	CHECK_EQ_U64(size, 0x6000);
	model_fini(&m);
}

/* The profile differences the spec names. */
TEST(nt_profiles_differ)
{
	model w = fresh(NTVM_BEHAVIOUR_WINDOWS), e = fresh(NTVM_BEHAVIOUR_WINE_8_0);
	uint64_t base = 0x5000, size = 0x1000;
	CHECK_EQ_U64(model_nt_allocate(&w, &base, 0, &size, NTVM_MEM_RESERVE, NTVM_PAGE_READWRITE),
	             NTVM_STATUS_INVALID_PARAMETER_2);
	CHECK_EQ_U64(model_nt_allocate(&e, &base, 0, &size, NTVM_MEM_RESERVE, NTVM_PAGE_READWRITE),
	             NTVM_STATUS_INVALID_PARAMETER);
	base = 0x70000000, size = 0x1000;
	CHECK_EQ_U64(model_nt_free(&w, &base, &size, NTVM_MEM_RELEASE),
	             NTVM_STATUS_MEMORY_NOT_ALLOCATED);
	CHECK_EQ_U64(model_nt_free(&e, &base, &size, NTVM_MEM_RELEASE), NTVM_STATUS_INVALID_PARAMETER);
	uint32_t old = 0;
	base = 0, size = 0x1000;
	CHECK_EQ_U64(model_nt_protect(&w, &base, &size, NTVM_PAGE_READONLY, &old),
	             NTVM_STATUS_CONFLICTING_ADDRESSES);
	CHECK_EQ_U64(model_nt_protect(&e, &base, &size, NTVM_PAGE_READONLY, &old),
	             NTVM_STATUS_INVALID_PARAMETER);
	model_fini(&w);
	model_fini(&e);
}

TEST(guard_page_faults_once)
{
	model m = fresh(NTVM_BEHAVIOUR_WINDOWS);
	uint64_t base = 0, size = 0x2000, fault = 0;
	uint8_t byte;
	model_nt_allocate(&m, &base, 0, &size, NTVM_MEM_RESERVE | NTVM_MEM_COMMIT,
	                  NTVM_PAGE_READWRITE | NTVM_PAGE_GUARD);
	CHECK_EQ_U64(model_nt_access(&m, base + 0x1001, &byte, 1, NTVM_ACCESS_READ, &fault),
	             NTVM_STATUS_GUARD_PAGE_VIOLATION);
	CHECK_EQ_U64(fault, base + 0x1001);
	CHECK_EQ_U64(model_nt_access(&m, base + 0x1001, &byte, 1, NTVM_ACCESS_READ, &fault),
	             NTVM_STATUS_SUCCESS);
	ntvm_memory_basic_information mbi;
	model_nt_query(&m, base, &mbi);
	CHECK_EQ_U64(mbi.Protect, NTVM_PAGE_READWRITE | NTVM_PAGE_GUARD);
	CHECK_EQ_U64(mbi.AllocationProtect, NTVM_PAGE_READWRITE | NTVM_PAGE_GUARD);
	model_fini(&m);
}

TEST_MAIN(TEST_CASE(reserve_commit_query_release), TEST_CASE(partial_release_splits),
          TEST_CASE(data_survives_recommit_not_decommit), TEST_CASE(nt_rounding_example),
          TEST_CASE(nt_reservation_rounding), TEST_CASE(nt_profiles_differ),
          TEST_CASE(guard_page_faults_once))
