/*
 * test_profiles.c -- the three address-space profiles: limits, defaults,
 * allocation at both ends, queries above the limit.
 */
#include "core_test.h"

struct profile_case {
	ntvm_address_profile profile;
	uint64_t max, default_base;
};

static const struct profile_case cases[] = {
	{ NTVM_ADDRESS_64, 0x7FFFFFFEFFFFull, 0x100000000ull },
	{ NTVM_ADDRESS_32, 0x7FFEFFFFull, 0x10000 },
	{ NTVM_ADDRESS_32_LARGE, 0xFFFEFFFFull, 0x10000 },
};

TEST(limits_and_defaults)
{
	for (size_t i = 0; i < 3; i++) {
		ntvm_config cfg = { .address_profile = cases[i].profile };
		ntvm *vm = ntvm_create(&cfg);
		CHECK_EQ_U64(ntvm_max_address(vm), cases[i].max);
		CHECK_EQ_U64(ntvm_get_default_allocation_address(vm), cases[i].default_base);
		CHECK_EQ_U64(ntvm_allocate(vm, PG, NTVM_PERM_RW, false, 0, NTVM_KIND_PRIVATE), cases[i].default_base);
		ntvm_region_info ri;
		CHECK_OK(ntvm_region_info_at(vm, cases[i].max, &ri));
		CHECK_EQ_U64(ri.start + ri.length, cases[i].max + 1);
		CHECK_STATUS(ntvm_region_info_at(vm, cases[i].max + 1, &ri), NTVM_E_OUT_OF_RANGE);
		CHECK_INV(vm);
		ntvm_destroy(vm);
	}
}

TEST(both_ends_of_each_space)
{
	for (size_t i = 0; i < 3; i++) {
		ntvm_config cfg = { .address_profile = cases[i].profile };
		ntvm *vm = ntvm_create(&cfg);
		uint64_t top = cases[i].max + 1 - GR;
		CHECK_OK(ntvm_allocate_at(vm, 0x10000, GR, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
		CHECK_OK(ntvm_allocate_at(vm, top, GR, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
		CHECK_FAILS_UNCHANGED(vm, ntvm_allocate_at(vm, top + GR, GR, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE),
		                      NTVM_E_OUT_OF_RANGE);
		CHECK_FAILS_UNCHANGED(vm, ntvm_allocate_at(vm, top - GR, 2 * GR, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE),
		                      NTVM_E_OVERLAP);
		CHECK_FAILS_UNCHANGED(vm, ntvm_commit(vm, cases[i].max + 1, PG, NTVM_PERM_RW), NTVM_E_OUT_OF_RANGE);
		CHECK_EQ_U64(ntvm_find_free(vm, GR, GR, 0, UINT64_MAX, true), top - GR);
		CHECK_EQ_U64(ntvm_find_free(vm, GR, GR, 0, UINT64_MAX, false), 0x20000);
		uint8_t b = 0x5A;
		CHECK(ntvm_try_write(vm, cases[i].max, &b, 1));
		CHECK(!ntvm_try_write(vm, cases[i].max, &b, 2));
		CHECK_INV(vm);
		ntvm_destroy(vm);
	}
}

TEST(thirty_two_bit_space_fills_up)
{
	ntvm_config cfg = { .address_profile = NTVM_ADDRESS_32 };
	ntvm *vm = ntvm_create(&cfg);
	uint64_t got = 0, n = 0;
	while ((got = ntvm_allocate(vm, 0x1000000, NTVM_PERM_RW, true, 0, NTVM_KIND_PRIVATE)) != 0)
		n++;
	CHECK_EQ_U64(n, 127); /* 0x10000..0x7FFEFFFF holds 127 whole 16 MiB blocks */
	ntvm_stats st;
	ntvm_get_stats(vm, &st);
	CHECK_EQ_U64(st.reservation_count, 127);
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST_MAIN(TEST_CASE(limits_and_defaults), TEST_CASE(both_ends_of_each_space),
          TEST_CASE(thirty_two_bit_space_fills_up))
