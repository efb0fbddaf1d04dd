/*
 * test_protect.c -- ntvm_protect and ntvm_clear_guard: old permission of
 * the first page, per-page protections, collapse back to uniform, guard
 * pages, failures.
 */
#include "core_test.h"

#define BASE 0x50000000ull

TEST(protect_reports_first_page_and_splits_runs)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x10000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	ntvm_perm old = 0xEE;
	CHECK_OK(ntvm_protect(vm, BASE + 0x2000, 0x3000, NTVM_PERM_READ, &old));
	CHECK_EQ_U64(old, NTVM_PERM_RW);
	CHECK_INV(vm);
	CHECK_OK(ntvm_protect(vm, BASE + 0x1000, 0x2000, NTVM_PERM_RX, &old));
	CHECK_EQ_U64(old, NTVM_PERM_RW);
	CHECK_OK(ntvm_protect(vm, BASE + 0x2000, 0x1000, NTVM_PERM_RX, &old));
	CHECK_EQ_U64(old, NTVM_PERM_RX);
	CHECK_INV(vm);
	ntvm_region_info ri;
	CHECK_OK(ntvm_region_info_at(vm, BASE, &ri));
	CHECK_EQ_U64(ri.length, 0x1000);
	CHECK_EQ_U64(ri.perm, NTVM_PERM_RW);
	CHECK_OK(ntvm_region_info_at(vm, BASE + 0x1000, &ri));
	CHECK_EQ_U64(ri.length, 0x2000);
	CHECK_EQ_U64(ri.perm, NTVM_PERM_RX);
	CHECK_OK(ntvm_region_info_at(vm, BASE + 0x3000, &ri));
	CHECK_EQ_U64(ri.length, 0x2000);
	CHECK_EQ_U64(ri.perm, NTVM_PERM_READ);
	CHECK_OK(ntvm_region_info_at(vm, BASE + 0x5000, &ri));
	CHECK_EQ_U64(ri.length, 0xB000);
	CHECK_OK(ntvm_protect(vm, BASE, 0x10000, NTVM_PERM_NONE, NULL));
	CHECK_OK(ntvm_region_info_at(vm, BASE, &ri));
	CHECK_EQ_U64(ri.length, 0x10000);
	CHECK_EQ_U64(ri.perm, NTVM_PERM_NONE);
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST(protect_failures_change_nothing)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x10000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_commit(vm, BASE, 0x4000, NTVM_PERM_RW));
	CHECK_OK(ntvm_allocate_at(vm, BASE + 0x10000, 0x10000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_allocate_mmio(vm, BASE + 0x40000, 0x1000, NULL, NULL, NULL));
	ntvm_perm old = 0x77;
	CHECK_FAILS_UNCHANGED(vm, ntvm_protect(vm, BASE, 0x5000, NTVM_PERM_READ, &old), NTVM_E_NOT_COMMITTED);
	CHECK_FAILS_UNCHANGED(vm, ntvm_protect(vm, BASE + 0x8000, 0x1000, NTVM_PERM_READ, &old), NTVM_E_NOT_COMMITTED);
	CHECK_FAILS_UNCHANGED(vm, ntvm_protect(vm, BASE, 0x1000, NTVM_PERM_WRITE, &old), NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_protect(vm, BASE, 0, NTVM_PERM_READ, &old), NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_protect(vm, BASE + 8, 0x1000, NTVM_PERM_READ, &old), NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_protect(vm, BASE + 0xF000, 0x2000, NTVM_PERM_READ, &old), NTVM_E_SPANS_REGIONS);
	CHECK_FAILS_UNCHANGED(vm, ntvm_protect(vm, BASE + 0x30000, 0x1000, NTVM_PERM_READ, &old), NTVM_E_NOT_RESERVED);
	CHECK_FAILS_UNCHANGED(vm, ntvm_protect(vm, BASE + 0x40000, 0x1000, NTVM_PERM_READ, &old), NTVM_E_WRONG_KIND);
	CHECK_FAILS_UNCHANGED(vm, ntvm_protect(vm, 0x8000, 0x1000, NTVM_PERM_READ, &old), NTVM_E_OUT_OF_RANGE);
	CHECK_EQ_U64(old, 0x77);
	ntvm_destroy(vm);
}

TEST(guard_pages)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x4000, NTVM_PERM_RW | NTVM_PERM_GUARD, false, NTVM_KIND_PRIVATE));
	ntvm_region_info ri;
	CHECK_OK(ntvm_region_info_at(vm, BASE, &ri));
	CHECK_EQ_U64(ri.perm, NTVM_PERM_RW | NTVM_PERM_GUARD);
	CHECK_EQ_U64(ri.length, 0x4000);
	uint8_t b = 1;
	CHECK(ntvm_try_write(vm, BASE + 0x1000, &b, 1)); /* host view ignores guard */
	uint64_t v = ntvm_layout_version(vm);
	CHECK(ntvm_clear_guard(vm, BASE + 0x1234));
	CHECK_EQ_U64(ntvm_layout_version(vm), v + 1);
	CHECK(!ntvm_clear_guard(vm, BASE + 0x1000));
	CHECK_EQ_U64(ntvm_layout_version(vm), v + 1);
	CHECK_OK(ntvm_region_info_at(vm, BASE + 0x1000, &ri));
	CHECK_EQ_U64(ri.perm, NTVM_PERM_RW);
	CHECK_EQ_U64(ri.length, 0x1000);
	CHECK_EQ_U64(ri.initial_perm, NTVM_PERM_RW | NTVM_PERM_GUARD);
	CHECK_OK(ntvm_region_info_at(vm, BASE + 0x2000, &ri));
	CHECK_EQ_U64(ri.perm, NTVM_PERM_RW | NTVM_PERM_GUARD);
	CHECK_EQ_U64(ri.length, 0x2000);
	CHECK_INV(vm);
	CHECK(!ntvm_clear_guard(vm, BASE + 0x10000));
	CHECK_OK(ntvm_decommit(vm, BASE, 0x1000));
	CHECK(!ntvm_clear_guard(vm, BASE));
	CHECK(ntvm_clear_guard(vm, BASE + 0x3000));
	CHECK(ntvm_clear_guard(vm, BASE + 0x2000));
	CHECK_OK(ntvm_region_info_at(vm, BASE + 0x1000, &ri));
	CHECK_EQ_U64(ri.length, 0x3000);
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

/* A reserved page's last protection loses its guard (Wine 8.0's fault on
 * such a page): no-ops elsewhere, per-page storage when others stay, the
 * layout version moves exactly when something changed. */
TEST(reserved_guard_clear)
{
	ntvm *vm = ntvm_create(NULL);
	bool cleared = true;
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x4000, NTVM_PERM_RW | NTVM_PERM_GUARD, true, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_allocate_at(vm, BASE + 0x10000, 0x1000, NTVM_PERM_READ, true, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_allocate_mmio(vm, BASE + 0x20000, 0x1000, NULL, NULL, NULL));
	uint64_t v = ntvm_layout_version(vm);
	CHECK_OK(ntvm_clear_reserved_guard(vm, BASE + 0x1234, &cleared));
	CHECK(cleared);
	CHECK_EQ_U64(ntvm_layout_version(vm), v + 1);
	CHECK_INV(vm);
	ntvm_region_info ri;
	ntvm_perm last = 0;
	CHECK_OK(ntvm_region_info_at_detailed(vm, BASE, &ri, &last));
	CHECK_EQ_U64(ri.length, 0x1000);
	CHECK_EQ_U64(last, NTVM_PERM_RW | NTVM_PERM_GUARD);
	CHECK_OK(ntvm_region_info_at_detailed(vm, BASE + 0x1000, &ri, &last));
	CHECK_EQ_U64(ri.length, 0x1000);
	CHECK_EQ_U64(last, NTVM_PERM_RW);
	CHECK_EQ_U64(ri.perm, NTVM_PERM_NONE);
	CHECK_OK(ntvm_region_info_at(vm, BASE, &ri));
	CHECK_EQ_U64(ri.length, 0x4000); /* the plain query does not see it */
	/* nothing to clear: no guard, free, MMIO, a committed page, out of range */
	CHECK_OK(ntvm_clear_reserved_guard(vm, BASE + 0x1000, &cleared));
	CHECK(!cleared);
	CHECK_OK(ntvm_clear_reserved_guard(vm, BASE + 0x10000, &cleared));
	CHECK_OK(ntvm_clear_reserved_guard(vm, BASE + 0x30000, &cleared));
	CHECK_OK(ntvm_clear_reserved_guard(vm, BASE + 0x20000, &cleared));
	CHECK_OK(ntvm_commit(vm, BASE + 0x3000, 0x1000, NTVM_PERM_RW | NTVM_PERM_GUARD));
	v = ntvm_layout_version(vm);
	CHECK_OK(ntvm_clear_reserved_guard(vm, BASE + 0x3000, &cleared));
	CHECK_OK(ntvm_clear_reserved_guard(vm, UINT64_MAX, NULL));
	CHECK(!cleared);
	CHECK_EQ_U64(ntvm_layout_version(vm), v);
	/* the last reserved page is stored in the uniform bytes */
	CHECK_OK(ntvm_commit(vm, BASE, 0x4000, NTVM_PERM_RW | NTVM_PERM_GUARD));
	CHECK_OK(ntvm_decommit(vm, BASE + 0x2000, 0x1000));
	CHECK_OK(ntvm_clear_reserved_guard(vm, BASE + 0x2000, NULL));
	CHECK_OK(ntvm_region_info_at_detailed(vm, BASE + 0x2000, &ri, &last));
	CHECK_EQ_U64(last, NTVM_PERM_RW);
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST(nocache_and_writecombine_are_kept)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x2000, NTVM_PERM_RW | NTVM_PERM_NOCACHE, false, NTVM_KIND_PRIVATE));
	ntvm_perm old;
	CHECK_OK(ntvm_protect(vm, BASE, 0x1000, NTVM_PERM_READ | NTVM_PERM_WRITECOMBINE, &old));
	CHECK_EQ_U64(old, NTVM_PERM_RW | NTVM_PERM_NOCACHE);
	ntvm_region_info ri;
	CHECK_OK(ntvm_region_info_at(vm, BASE, &ri));
	CHECK_EQ_U64(ri.perm, NTVM_PERM_READ | NTVM_PERM_WRITECOMBINE);
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST(layout_version_only_moves_on_success)
{
	ntvm *vm = ntvm_create(NULL);
	uint64_t v = ntvm_layout_version(vm);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x2000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	CHECK_EQ_U64(ntvm_layout_version(vm), ++v);
	CHECK_OK(ntvm_protect(vm, BASE, 0x1000, NTVM_PERM_RW, NULL)); /* no change, still a success */
	CHECK_EQ_U64(ntvm_layout_version(vm), ++v);
	uint8_t b[8] = { 0 };
	CHECK(ntvm_try_write(vm, BASE, b, sizeof b));
	CHECK(ntvm_try_read(vm, BASE, b, sizeof b));
	ntvm_region_info ri;
	CHECK_OK(ntvm_region_info_at(vm, BASE, &ri));
	CHECK_EQ_U64(ntvm_layout_version(vm), v);
	CHECK_STATUS(ntvm_protect(vm, BASE, 0x3000, NTVM_PERM_RW, NULL), NTVM_E_SPANS_REGIONS);
	CHECK_EQ_U64(ntvm_layout_version(vm), v);
	CHECK_OK(ntvm_commit(vm, BASE, 0x1000, NTVM_PERM_READ));
	CHECK_EQ_U64(ntvm_layout_version(vm), ++v);
	CHECK_OK(ntvm_decommit(vm, BASE, 0x1000));
	CHECK_EQ_U64(ntvm_layout_version(vm), ++v);
	CHECK_OK(ntvm_release(vm, BASE, 0));
	CHECK_EQ_U64(ntvm_layout_version(vm), ++v);
	ntvm_destroy(vm);
}

TEST_MAIN(TEST_CASE(protect_reports_first_page_and_splits_runs), TEST_CASE(protect_failures_change_nothing),
          TEST_CASE(guard_pages), TEST_CASE(reserved_guard_clear),
          TEST_CASE(nocache_and_writecombine_are_kept),
          TEST_CASE(layout_version_only_moves_on_success))
