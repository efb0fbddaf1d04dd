/*
 * test_commit.c -- ntvm_commit and ntvm_decommit: partial and repeated
 * commits, the compact page state moving between its forms, contents kept
 * or zeroed, and every failure status.
 */
#include "core_test.h"

#define BASE 0x40000000ull

static ntvm *reserved_vm(uint64_t size)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, size, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	return vm;
}

static uint64_t committed(const ntvm *vm)
{
	ntvm_stats st;
	ntvm_get_stats(vm, &st);
	return st.committed_bytes;
}

TEST(commit_middle_then_all)
{
	ntvm *vm = reserved_vm(0x100000);
	CHECK_OK(ntvm_commit(vm, BASE + 0x3000, 0x2000, NTVM_PERM_READ));
	CHECK_EQ_U64(committed(vm), 0x2000);
	CHECK_INV(vm);
	ntvm_region_info ri;
	CHECK_OK(ntvm_region_info_at(vm, BASE, &ri));
	CHECK(!ri.is_committed);
	CHECK_EQ_U64(ri.length, 0x3000);
	CHECK_OK(ntvm_region_info_at(vm, BASE + 0x3000, &ri));
	CHECK(ri.is_committed);
	CHECK_EQ_U64(ri.length, 0x2000);
	CHECK_EQ_U64(ri.perm, NTVM_PERM_READ);
	CHECK_OK(ntvm_region_info_at(vm, BASE + 0x5000, &ri));
	CHECK_EQ_U64(ri.length, 0x100000 - 0x5000);
	uint8_t w = 0xAB;
	CHECK(ntvm_try_write(vm, BASE + 0x3010, &w, 1));
	CHECK_OK(ntvm_commit(vm, BASE, 0x100000, NTVM_PERM_RW));
	CHECK_EQ_U64(committed(vm), 0x100000);
	uint8_t r = 0;
	CHECK(ntvm_try_read(vm, BASE + 0x3010, &r, 1));
	CHECK_EQ_U64(r, 0xAB); /* recommit keeps contents */
	CHECK_OK(ntvm_region_info_at(vm, BASE, &ri));
	CHECK_EQ_U64(ri.length, 0x100000);
	CHECK_EQ_U64(ri.perm, NTVM_PERM_RW);
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST(commit_mixed_protections_and_bitmap_forms)
{
	ntvm *vm = reserved_vm(0x80000); /* 128 pages: two bitmap words */
	for (uint64_t i = 0; i < 128; i += 2) {
		CHECK_OK(ntvm_commit(vm, BASE + i * PG, PG, i % 4 ? NTVM_PERM_READ : NTVM_PERM_RX));
		CHECK_INV(vm);
	}
	CHECK_EQ_U64(committed(vm), 64 * PG);
	ntvm_region_info ri;
	CHECK_OK(ntvm_region_info_at(vm, BASE + 2 * PG, &ri));
	CHECK_EQ_U64(ri.length, PG);
	CHECK_EQ_U64(ri.perm, NTVM_PERM_READ);
	CHECK_OK(ntvm_region_info_at(vm, BASE + 4 * PG, &ri));
	CHECK_EQ_U64(ri.perm, NTVM_PERM_RX);
	for (uint64_t i = 1; i < 128; i += 2)
		CHECK_OK(ntvm_commit(vm, BASE + i * PG, PG, NTVM_PERM_RX));
	CHECK_INV(vm);
	CHECK_OK(ntvm_commit(vm, BASE, 0x80000, NTVM_PERM_RWX)); /* collapses to uniform */
	CHECK_INV(vm);
	CHECK_OK(ntvm_region_info_at(vm, BASE, &ri));
	CHECK_EQ_U64(ri.length, 0x80000);
	CHECK_EQ_U64(ri.perm, NTVM_PERM_RWX);
	ntvm_destroy(vm);
}

TEST(decommit_zeroes_and_frees)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x10000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	uint8_t w[0x3000];
	memset(w, 0x5C, sizeof w);
	CHECK(ntvm_try_write(vm, BASE, w, sizeof w));
	uint64_t v = ntvm_layout_version(vm);
	CHECK_OK(ntvm_decommit(vm, BASE + PG, PG));
	CHECK_EQ_U64(ntvm_layout_version(vm), v + 1);
	CHECK_EQ_U64(committed(vm), 0xF000);
	CHECK_INV(vm);
	uint64_t fault = 0;
	CHECK_STATUS(ntvm_read(vm, BASE, w, sizeof w, &fault), NTVM_E_NOT_COMMITTED);
	CHECK_EQ_U64(fault, BASE + PG);
	CHECK_OK(ntvm_commit(vm, BASE + PG, PG, NTVM_PERM_RW));
	CHECK_OK(ntvm_read(vm, BASE, w, sizeof w, NULL));
	CHECK_EQ_U64(w[0], 0x5C);
	CHECK_EQ_U64(w[PG], 0);
	CHECK_EQ_U64(w[2 * PG], 0x5C);
	CHECK_OK(ntvm_decommit(vm, BASE, 0x10000));
	CHECK_EQ_U64(committed(vm), 0);
	CHECK_OK(ntvm_decommit(vm, BASE, 0x10000)); /* never-committed pages are fine */
	CHECK_INV(vm);
	ntvm_stats st;
	ntvm_get_stats(vm, &st);
	CHECK_EQ_U64(st.reserved_bytes, 0x10000);
	ntvm_destroy(vm);
}

TEST(commit_failures_change_nothing)
{
	ntvm *vm = reserved_vm(0x10000);
	CHECK_OK(ntvm_allocate_at(vm, BASE + 0x10000, 0x10000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_allocate_mmio(vm, BASE + 0x40000, 0x1000, NULL, NULL, NULL));
	CHECK_OK(ntvm_commit(vm, BASE + 0x2000, PG, NTVM_PERM_READ));
	CHECK_FAILS_UNCHANGED(vm, ntvm_commit(vm, BASE, 0, NTVM_PERM_RW), NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_commit(vm, BASE + 1, PG, NTVM_PERM_RW), NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_commit(vm, BASE, PG + 1, NTVM_PERM_RW), NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_commit(vm, BASE, PG, 0x08), NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_commit(vm, BASE, 0xFFFFFFFFFFFFF000ull, NTVM_PERM_RW), NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_commit(vm, 0x1000, PG, NTVM_PERM_RW), NTVM_E_OUT_OF_RANGE);
	CHECK_FAILS_UNCHANGED(vm, ntvm_commit(vm, 0x7FFFFFFF0000ull, PG, NTVM_PERM_RW), NTVM_E_OUT_OF_RANGE);
	CHECK_FAILS_UNCHANGED(vm, ntvm_commit(vm, BASE + 0x20000, PG, NTVM_PERM_RW), NTVM_E_NOT_RESERVED);
	CHECK_FAILS_UNCHANGED(vm, ntvm_commit(vm, BASE + 0xF000, 0x2000, NTVM_PERM_RW), NTVM_E_SPANS_REGIONS);
	CHECK_FAILS_UNCHANGED(vm, ntvm_commit(vm, BASE + 0x40000, PG, NTVM_PERM_RW), NTVM_E_WRONG_KIND);
	CHECK_FAILS_UNCHANGED(vm, ntvm_decommit(vm, BASE + 0x40000, PG), NTVM_E_WRONG_KIND);
	CHECK_FAILS_UNCHANGED(vm, ntvm_decommit(vm, BASE, 0), NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_decommit(vm, BASE + 0x800, PG), NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_decommit(vm, BASE + 0x20000, PG), NTVM_E_NOT_RESERVED);
	CHECK_FAILS_UNCHANGED(vm, ntvm_decommit(vm, BASE + 0xF000, 0x2000), NTVM_E_SPANS_REGIONS);
	CHECK_FAILS_UNCHANGED(vm, ntvm_decommit(vm, 0x7FFFFFFFF000ull, PG), NTVM_E_OUT_OF_RANGE);
	/* Ranges ending exactly at 2^64: address + size wraps to 0 and once slipped
	 * past the end-of-reservation check (fuzz finding, corpus/regression/core_ops). */
	CHECK_FAILS_UNCHANGED(vm, ntvm_commit(vm, BASE, 0 - BASE, NTVM_PERM_RW), NTVM_E_SPANS_REGIONS);
	CHECK_FAILS_UNCHANGED(vm, ntvm_decommit(vm, BASE, 0 - BASE), NTVM_E_SPANS_REGIONS);
	CHECK_FAILS_UNCHANGED(vm, ntvm_protect(vm, BASE + 0x2000, 0 - (BASE + 0x2000), NTVM_PERM_RW, NULL),
	                      NTVM_E_SPANS_REGIONS);
	CHECK_FAILS_UNCHANGED(vm, ntvm_release(vm, BASE, 0 - BASE), NTVM_E_SPANS_REGIONS);
	ntvm_destroy(vm);
}

TEST(commit_in_views_and_images)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x10000, NTVM_PERM_READ, true, NTVM_KIND_SECTION_VIEW));
	CHECK_OK(ntvm_allocate_at(vm, BASE + 0x10000, 0x10000, NTVM_PERM_RX, true, NTVM_KIND_SECTION_IMAGE));
	CHECK_OK(ntvm_commit(vm, BASE, PG, NTVM_PERM_RW | NTVM_PERM_WRITECOPY));
	CHECK_OK(ntvm_commit(vm, BASE + 0x10000, PG, NTVM_PERM_RX));
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST(dep_off_adds_exec_in_the_backend)
{
	ntvm_config cfg = { .dep_disabled = true };
	ntvm *vm = ntvm_create(&cfg);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x10000, NTVM_PERM_READ, false, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_commit(vm, BASE + PG, PG, NTVM_PERM_RX)); /* same effective: no protect */
	CHECK_INV(vm);
	ntvm_set_dep(vm, true);
	CHECK(ntvm_get_dep(vm));
	CHECK_INV(vm);
	ntvm_set_dep(vm, false);
	CHECK(!ntvm_get_dep(vm));
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST_MAIN(TEST_CASE(commit_middle_then_all), TEST_CASE(commit_mixed_protections_and_bitmap_forms),
          TEST_CASE(decommit_zeroes_and_frees), TEST_CASE(commit_failures_change_nothing),
          TEST_CASE(commit_in_views_and_images), TEST_CASE(dep_off_adds_exec_in_the_backend))
