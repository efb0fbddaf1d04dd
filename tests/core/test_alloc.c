/*
 * test_alloc.c -- creating managers, ntvm_allocate_at and ntvm_allocate:
 * success, every failure status, the address-space edges, layout version
 * and statistics.
 */
#include "core_test.h"

TEST(create_defaults)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK(vm != NULL);
	const ntvm_config *c = ntvm_get_config(vm);
	CHECK_EQ_U64(c->address_profile, NTVM_ADDRESS_64);
	CHECK_EQ_U64(ntvm_max_address(vm), 0x7FFFFFFEFFFFull);
	CHECK_EQ_U64(ntvm_get_default_allocation_address(vm), 0x100000000ull);
	CHECK(ntvm_get_dep(vm));
	CHECK_EQ_U64(ntvm_get_behaviour(vm), NTVM_BEHAVIOUR_WINDOWS);
	CHECK_EQ_U64(ntvm_layout_version(vm), 0);
	ntvm_stats st;
	ntvm_get_stats(vm, &st);
	CHECK_EQ_U64(st.reserved_bytes, 0);
	CHECK_EQ_U64(st.committed_bytes, 0);
	CHECK_EQ_U64(st.reservation_count, 0);
	CHECK(st.metadata_bytes > 0);
	CHECK_INV(vm);
	ntvm_set_default_allocation_address(vm, 0x20000000);
	CHECK_EQ_U64(ntvm_get_default_allocation_address(vm), 0x20000000);
	CHECK_EQ_U64(ntvm_layout_version(vm), 0);
	ntvm_destroy(vm);
	ntvm_destroy(NULL);
}

TEST(create_rejects_bad_configs)
{
	ntvm_config c = { 0 };
	c.address_profile = (ntvm_address_profile) 3;
	CHECK(ntvm_create(&c) == NULL);
	c.address_profile = NTVM_ADDRESS_64;
	c.behaviour = (ntvm_behaviour) 2;
	CHECK(ntvm_create(&c) == NULL);
	c.behaviour = NTVM_BEHAVIOUR_WINE_8_0;
	ntvm_backend incomplete = { 0 };
	c.backend = &incomplete;
	CHECK(ntvm_create(&c) == NULL);
	c.backend = NULL;
	c.dep_disabled = true;
	c.default_allocation_address = 0x30000000;
	ntvm *vm = ntvm_create(&c);
	CHECK(vm != NULL);
	CHECK(!ntvm_get_dep(vm));
	CHECK_EQ_U64(ntvm_get_behaviour(vm), NTVM_BEHAVIOUR_WINE_8_0);
	CHECK_EQ_U64(ntvm_get_default_allocation_address(vm), 0x30000000);
	ntvm_destroy(vm);
}

TEST(allocate_at_reserves_and_commits)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, 0x10000000, 0x5000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	CHECK_EQ_U64(ntvm_layout_version(vm), 1);
	CHECK_OK(ntvm_allocate_at(vm, 0x20000000, 0x20000, NTVM_PERM_RX, true, NTVM_KIND_SECTION_IMAGE));
	CHECK_EQ_U64(ntvm_layout_version(vm), 2);
	ntvm_stats st;
	ntvm_get_stats(vm, &st);
	CHECK_EQ_U64(st.reserved_bytes, 0x25000);
	CHECK_EQ_U64(st.committed_bytes, 0x5000);
	CHECK_EQ_U64(st.reservation_count, 2);
	ntvm_region_info ri;
	CHECK_OK(ntvm_region_info_at(vm, 0x10001234, &ri));
	CHECK_EQ_U64(ri.start, 0x10001000);
	CHECK_EQ_U64(ri.length, 0x4000);
	CHECK_EQ_U64(ri.allocation_base, 0x10000000);
	CHECK_EQ_U64(ri.allocation_length, 0x5000);
	CHECK(ri.is_reserved && ri.is_committed);
	CHECK_EQ_U64(ri.perm, NTVM_PERM_RW);
	CHECK_EQ_U64(ri.kind, NTVM_KIND_PRIVATE);
	CHECK_OK(ntvm_region_info_at(vm, 0x2000F000, &ri));
	CHECK(ri.is_reserved && !ri.is_committed);
	CHECK_EQ_U64(ri.perm, NTVM_PERM_NONE);
	CHECK_EQ_U64(ri.initial_perm, NTVM_PERM_RX);
	CHECK_EQ_U64(ri.kind, NTVM_KIND_SECTION_IMAGE);
	CHECK_EQ_U64(ri.length, 0x11000);
	uint8_t buf[16] = { 1 };
	CHECK(ntvm_try_read(vm, 0x10000000, buf, sizeof buf));
	CHECK_EQ_U64(buf[0], 0);
	CHECK(!ntvm_try_read(vm, 0x20000000, buf, sizeof buf));
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST(allocate_at_failures_change_nothing)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, 0x10000000, 0x5000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	CHECK_FAILS_UNCHANGED(vm, ntvm_allocate_at(vm, 0x10001000, 0x1000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE),
	                      NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_allocate_at(vm, 0x20000000, 0, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE),
	                      NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_allocate_at(vm, 0x20000000, 0x1001, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE),
	                      NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_allocate_at(vm, 0x20000000, 0x1000, NTVM_PERM_WRITE, false, NTVM_KIND_PRIVATE),
	                      NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_allocate_at(vm, 0x20000000, 0x1000, NTVM_PERM_RW, false, NTVM_KIND_MMIO),
	                      NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_allocate_at(vm, 0x20000000, 0x1000, NTVM_PERM_RW, false, NTVM_KIND_FREE),
	                      NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_allocate_at(vm, 0xFFFFFFFFFFFF0000ull, 0x20000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE),
	                      NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_allocate_at(vm, 0, 0x1000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE),
	                      NTVM_E_OUT_OF_RANGE);
	CHECK_FAILS_UNCHANGED(vm, ntvm_allocate_at(vm, 0x7FFFFFFF0000ull, 0x1000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE),
	                      NTVM_E_OUT_OF_RANGE);
	CHECK_FAILS_UNCHANGED(vm, ntvm_allocate_at(vm, 0x7FFFFFFE0000ull, 0x11000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE),
	                      NTVM_E_OUT_OF_RANGE);
	CHECK_FAILS_UNCHANGED(vm, ntvm_allocate_at(vm, 0x10000000, 0x1000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE),
	                      NTVM_E_OVERLAP);
	CHECK_FAILS_UNCHANGED(vm, ntvm_allocate_at(vm, 0xFFF0000, 0x11000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE),
	                      NTVM_E_OVERLAP);
	ntvm_destroy(vm);
}

TEST(edges_of_the_64bit_space)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, 0x10000, 0x10000, NTVM_PERM_READ, false, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_allocate_at(vm, 0x7FFFFFFE0000ull, 0x10000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	uint8_t b = 7;
	CHECK(ntvm_try_write(vm, 0x7FFFFFFEFFFFull, &b, 1));
	b = 0;
	CHECK(ntvm_try_read(vm, 0x7FFFFFFEFFFFull, &b, 1));
	CHECK_EQ_U64(b, 7);
	ntvm_region_info ri;
	CHECK_OK(ntvm_region_info_at(vm, 0x7FFFFFFEFFFFull, &ri));
	CHECK_EQ_U64(ri.start + ri.length, 0x7FFFFFFF0000ull);
	CHECK_STATUS(ntvm_region_info_at(vm, 0x7FFFFFFF0000ull, &ri), NTVM_E_OUT_OF_RANGE);
	CHECK_OK(ntvm_region_info_at(vm, 0, &ri));
	CHECK_EQ_U64(ri.kind, NTVM_KIND_FREE);
	CHECK_EQ_U64(ri.length, 0x10000);
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST(allocate_anywhere)
{
	ntvm *vm = ntvm_create(NULL);
	uint64_t a = ntvm_allocate(vm, 0x3000, NTVM_PERM_RW, false, 0, NTVM_KIND_PRIVATE);
	CHECK_EQ_U64(a, 0x100000000ull);
	uint64_t b = ntvm_allocate(vm, 0x3000, NTVM_PERM_RW, true, 0, NTVM_KIND_PRIVATE);
	CHECK_EQ_U64(b, 0x100010000ull); /* the tail of a's granule is not free */
	uint64_t c = ntvm_allocate(vm, 0x1000, NTVM_PERM_READ, false, 0x12345, NTVM_KIND_SECTION_VIEW);
	CHECK_EQ_U64(c, 0x20000);
	CHECK_EQ_U64(ntvm_region_kind(vm, c), NTVM_KIND_SECTION_VIEW);
	uint64_t before = ntvm_test_digest(vm);
	CHECK_EQ_U64(ntvm_allocate(vm, 0, NTVM_PERM_RW, false, 0, NTVM_KIND_PRIVATE), 0);
	CHECK_EQ_U64(ntvm_allocate(vm, 0x1800, NTVM_PERM_RW, false, 0, NTVM_KIND_PRIVATE), 0);
	CHECK_EQ_U64(ntvm_allocate(vm, 0x1000, NTVM_PERM_WRITE, false, 0, NTVM_KIND_PRIVATE), 0);
	CHECK_EQ_U64(ntvm_allocate(vm, 0x1000, NTVM_PERM_RW, false, 0, NTVM_KIND_MMIO), 0);
	CHECK_EQ_U64(ntvm_allocate(vm, 0x800000000000ull, NTVM_PERM_RW, true, 0, NTVM_KIND_PRIVATE), 0);
	CHECK_EQ_U64(ntvm_allocate(vm, 0x1000, NTVM_PERM_RW, true, 0x7FFFFFFF0000ull, NTVM_KIND_PRIVATE), 0);
	CHECK_EQ_U64(ntvm_test_digest(vm), before);
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST(unmap_all_releases_everything)
{
	ntvm *vm = ntvm_create(NULL);
	for (int i = 0; i < 50; i++)
		CHECK(ntvm_allocate(vm, (uint64_t) (i + 1) * PG, NTVM_PERM_RW, i % 2, 0, NTVM_KIND_PRIVATE) != 0);
	uint8_t data[100] = { 9 };
	CHECK(ntvm_try_write(vm, 0x100000000ull, data, sizeof data));
	uint64_t v = ntvm_layout_version(vm);
	ntvm_unmap_all(vm);
	CHECK_EQ_U64(ntvm_layout_version(vm), v + 1);
	ntvm_stats st;
	ntvm_get_stats(vm, &st);
	CHECK_EQ_U64(st.reserved_bytes, 0);
	CHECK_EQ_U64(st.committed_bytes, 0);
	CHECK_EQ_U64(st.reservation_count, 0);
	ntvm_region_info ri;
	CHECK_OK(ntvm_region_info_at(vm, 0x100000000ull, &ri));
	CHECK_EQ_U64(ri.kind, NTVM_KIND_FREE);
	CHECK_EQ_U64(ri.start + ri.length, 0x7FFFFFFF0000ull);
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST_MAIN(TEST_CASE(create_defaults), TEST_CASE(create_rejects_bad_configs),
          TEST_CASE(allocate_at_reserves_and_commits), TEST_CASE(allocate_at_failures_change_nothing),
          TEST_CASE(edges_of_the_64bit_space), TEST_CASE(allocate_anywhere),
          TEST_CASE(unmap_all_releases_everything))
