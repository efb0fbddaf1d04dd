/*
 * test_release.c -- ntvm_release: whole reservations, shrinking from either
 * end, punching holes that split a reservation, MMIO, failures.
 */
#include "core_test.h"

#define BASE 0x60000000ull

TEST(release_whole)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x30000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	CHECK_FAILS_UNCHANGED(vm, ntvm_release(vm, BASE + 0x1000, 0), NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_release(vm, BASE + 0x40000, 0), NTVM_E_NOT_RESERVED);
	CHECK_FAILS_UNCHANGED(vm, ntvm_release(vm, 0x7FFFFFFF0000ull, 0), NTVM_E_OUT_OF_RANGE);
	CHECK_FAILS_UNCHANGED(vm, ntvm_release(vm, 0x1000, 0), NTVM_E_OUT_OF_RANGE);
	CHECK_FAILS_UNCHANGED(vm, ntvm_release(vm, 0x1000, 0x1000), NTVM_E_OUT_OF_RANGE);
	CHECK_OK(ntvm_release(vm, BASE, 0));
	ntvm_stats st;
	ntvm_get_stats(vm, &st);
	CHECK_EQ_U64(st.reservation_count, 0);
	CHECK_EQ_U64(st.reserved_bytes, 0);
	CHECK_EQ_U64(st.committed_bytes, 0);
	CHECK_INV(vm);
	CHECK_FAILS_UNCHANGED(vm, ntvm_release(vm, BASE, 0), NTVM_E_NOT_RESERVED);
	ntvm_destroy(vm);
}

TEST(release_punches_a_hole_and_splits)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x100000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_commit(vm, BASE + 0x1000, 0x8000, NTVM_PERM_READ));
	CHECK_OK(ntvm_protect(vm, BASE + 0x7000, 0x1000, NTVM_PERM_RX, NULL));
	uint8_t w = 0x42;
	CHECK(ntvm_try_write(vm, BASE + 0x7000, &w, 1));
	CHECK_OK(ntvm_release(vm, BASE + 0x3000, 0x3000));
	CHECK_INV(vm);
	ntvm_stats st;
	ntvm_get_stats(vm, &st);
	CHECK_EQ_U64(st.reservation_count, 2);
	CHECK_EQ_U64(st.reserved_bytes, 0x100000 - 0x3000);
	CHECK_EQ_U64(st.committed_bytes, 0x8000 - 0x3000);
	ntvm_region_info ri;
	CHECK_OK(ntvm_region_info_at(vm, BASE + 0x3000, &ri));
	CHECK_EQ_U64(ri.kind, NTVM_KIND_FREE);
	CHECK_EQ_U64(ri.length, 0x3000);
	CHECK_OK(ntvm_region_info_at(vm, BASE + 0x6000, &ri));
	CHECK_EQ_U64(ri.allocation_base, BASE + 0x6000);
	CHECK_EQ_U64(ri.allocation_length, 0x100000 - 0x6000);
	CHECK_EQ_U64(ri.length, 0x1000);
	CHECK_EQ_U64(ri.perm, NTVM_PERM_READ);
	CHECK_OK(ntvm_region_info_at(vm, BASE + 0x7000, &ri));
	CHECK_EQ_U64(ri.perm, NTVM_PERM_RX);
	uint8_t r = 0;
	CHECK(ntvm_try_read(vm, BASE + 0x7000, &r, 1));
	CHECK_EQ_U64(r, 0x42);
	CHECK_OK(ntvm_region_info_at(vm, BASE, &ri));
	CHECK_EQ_U64(ri.allocation_length, 0x3000);
	/* the piece after the hole is a reservation of its own */
	CHECK_OK(ntvm_release(vm, BASE + 0x6000, 0));
	CHECK_INV(vm);
	/* the hole is not an allocation base: a new one cannot start in the
	 * granule of the first piece, but find-free skips the whole granule */
	CHECK_EQ_U64(ntvm_find_free_allocation_base(vm, 0x1000, BASE), BASE + 0x10000);
	ntvm_destroy(vm);
}

TEST(release_shrinks_from_either_end)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x20000, NTVM_PERM_RW, false, NTVM_KIND_SECTION_VIEW));
	CHECK_OK(ntvm_release(vm, BASE, 0x2000));
	CHECK_INV(vm);
	ntvm_reservation res;
	CHECK(ntvm_reservation_containing(vm, BASE + 0x2000, &res));
	CHECK_EQ_U64(res.base, BASE + 0x2000);
	CHECK_EQ_U64(res.length, 0x1E000);
	CHECK_EQ_U64(res.kind, NTVM_KIND_SECTION_VIEW);
	CHECK_EQ_U64(res.committed_bytes, 0x1E000);
	CHECK_OK(ntvm_release(vm, BASE + 0x1F000, 0x1000));
	CHECK_INV(vm);
	CHECK(ntvm_reservation_containing(vm, BASE + 0x2000, &res));
	CHECK_EQ_U64(res.length, 0x1D000);
	CHECK_OK(ntvm_release(vm, BASE + 0x2000, 0x1D000));
	CHECK_INV(vm);
	ntvm_stats st;
	ntvm_get_stats(vm, &st);
	CHECK_EQ_U64(st.reservation_count, 0);
	ntvm_destroy(vm);
}

TEST(release_failures_change_nothing)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x10000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_allocate_at(vm, BASE + 0x10000, 0x10000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_allocate_mmio(vm, BASE + 0x40000, 0x2000, NULL, NULL, NULL));
	CHECK_FAILS_UNCHANGED(vm, ntvm_release(vm, BASE + 0xF000, 0x2000), NTVM_E_SPANS_REGIONS);
	CHECK_FAILS_UNCHANGED(vm, ntvm_release(vm, BASE + 0x100, 0x1000), NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_release(vm, BASE, 0x1001), NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_release(vm, BASE, 0xFFFFFFFFFFFFF000ull), NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_release(vm, BASE + 0x20000, 0x1000), NTVM_E_NOT_RESERVED);
	CHECK_FAILS_UNCHANGED(vm, ntvm_release(vm, BASE + 0x40000, 0x1000), NTVM_E_WRONG_KIND);
	CHECK_FAILS_UNCHANGED(vm, ntvm_release(vm, 0x7FFFFFFFF000ull, 0x1000), NTVM_E_OUT_OF_RANGE);
	CHECK_OK(ntvm_release(vm, BASE + 0x40000, 0));
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST(many_splits_keep_the_tree_valid)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x400000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	for (uint64_t i = 1; i < 1024; i += 2) {
		CHECK_OK(ntvm_release(vm, BASE + i * PG, PG));
		if (i % 64 == 1)
			CHECK_INV(vm);
	}
	CHECK_INV(vm);
	ntvm_stats st;
	ntvm_get_stats(vm, &st);
	CHECK_EQ_U64(st.reservation_count, 512);
	CHECK_EQ_U64(st.committed_bytes, 512 * PG);
	ntvm_destroy(vm);
}

TEST_MAIN(TEST_CASE(release_whole), TEST_CASE(release_punches_a_hole_and_splits),
          TEST_CASE(release_shrinks_from_either_end), TEST_CASE(release_failures_change_nothing),
          TEST_CASE(many_splits_keep_the_tree_valid))
