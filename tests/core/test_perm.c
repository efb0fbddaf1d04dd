/*
 * test_perm.c -- PAGE_* conversions, status names and profile constants.
 */
#include <ntvm/ntdefs.h>

#include "core_test.h"

TEST(every_base_protection_round_trips)
{
	static const struct { uint32_t page; ntvm_perm perm; } table[] = {
		{ NTVM_PAGE_NOACCESS, NTVM_PERM_NONE },
		{ NTVM_PAGE_READONLY, NTVM_PERM_READ },
		{ NTVM_PAGE_READWRITE, NTVM_PERM_RW },
		{ NTVM_PAGE_WRITECOPY, NTVM_PERM_RW | NTVM_PERM_WRITECOPY },
		{ NTVM_PAGE_EXECUTE, NTVM_PERM_EXEC },
		{ NTVM_PAGE_EXECUTE_READ, NTVM_PERM_RX },
		{ NTVM_PAGE_EXECUTE_READWRITE, NTVM_PERM_RWX },
		{ NTVM_PAGE_EXECUTE_WRITECOPY, NTVM_PERM_RWX | NTVM_PERM_WRITECOPY },
	};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		ntvm_perm p = 0xFF;
		CHECK(ntvm_perm_from_page(table[i].page, &p));
		CHECK_EQ_U64(p, table[i].perm);
		CHECK_EQ_U64(ntvm_perm_to_page(table[i].perm), table[i].page);
		CHECK(ntvm_perm_is_valid(table[i].perm));
	}
}

TEST(modifiers_convert_both_ways)
{
	static const uint32_t mods[] = { 0, NTVM_PAGE_GUARD, NTVM_PAGE_NOCACHE, NTVM_PAGE_WRITECOMBINE,
	                                 NTVM_PAGE_GUARD | NTVM_PAGE_NOCACHE,
	                                 NTVM_PAGE_NOCACHE | NTVM_PAGE_WRITECOMBINE,
	                                 NTVM_PAGE_GUARD | NTVM_PAGE_NOCACHE | NTVM_PAGE_WRITECOMBINE };
	for (size_t m = 0; m < sizeof mods / sizeof mods[0]; m++) {
		for (int bit = 0; bit < 8; bit++) {
			uint32_t page = (1u << bit) | mods[m];
			ntvm_perm p;
			CHECK(ntvm_perm_from_page(page, &p));
			CHECK_EQ_U64(ntvm_perm_to_page(p), page);
			CHECK_EQ_U64(!!(p & NTVM_PERM_GUARD), !!(mods[m] & NTVM_PAGE_GUARD));
			CHECK_EQ_U64(!!(p & NTVM_PERM_NOCACHE), !!(mods[m] & NTVM_PAGE_NOCACHE));
			CHECK_EQ_U64(!!(p & NTVM_PERM_WRITECOMBINE), !!(mods[m] & NTVM_PAGE_WRITECOMBINE));
		}
	}
}

TEST(invalid_page_values_are_rejected)
{
	static const uint32_t bad[] = { 0, NTVM_PAGE_READWRITE | NTVM_PAGE_EXECUTE, 0x03, 0xFF,
	                                NTVM_PAGE_GUARD, NTVM_PAGE_READONLY | 0x800,
	                                NTVM_PAGE_READONLY | 0x80000000u, 0x1000 };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ntvm_perm p = 0x5A;
		CHECK(!ntvm_perm_from_page(bad[i], &p));
		CHECK_EQ_U64(p, 0x5A);
	}
}

TEST(exactly_the_representable_perms_are_valid)
{
	int valid = 0;
	for (unsigned v = 0; v < 256; v++) {
		ntvm_perm p = (ntvm_perm) v, back;
		uint32_t page = ntvm_perm_to_page(p);
		CHECK_EQ_U64(ntvm_perm_is_valid(p), page != 0);
		if (page) {
			valid++;
			CHECK(ntvm_perm_from_page(page, &back));
			CHECK_EQ_U64(back, p);
		}
	}
	CHECK_EQ_U64(valid, 8 * 8); /* 8 base values x 2^3 modifier sets */
	CHECK(!ntvm_perm_is_valid(NTVM_PERM_WRITE));
	CHECK(!ntvm_perm_is_valid(NTVM_PERM_WRITE | NTVM_PERM_EXEC));
	CHECK(!ntvm_perm_is_valid(NTVM_PERM_READ | NTVM_PERM_WRITECOPY));
	CHECK(!ntvm_perm_is_valid(0x08));
}

TEST(status_names)
{
	CHECK(strcmp(ntvm_status_name(NTVM_OK), "NTVM_OK") == 0);
	CHECK(strcmp(ntvm_status_name(NTVM_E_OVERLAP), "NTVM_E_OVERLAP") == 0);
	CHECK(strcmp(ntvm_status_name(NTVM_E_UNBOUND_MMIO), "NTVM_E_UNBOUND_MMIO") == 0);
	CHECK(strcmp(ntvm_status_name((ntvm_status) 999), "NTVM_E_UNKNOWN") == 0);
	for (int s = NTVM_OK; s <= NTVM_E_UNBOUND_MMIO; s++)
		CHECK(strncmp(ntvm_status_name((ntvm_status) s), "NTVM_", 5) == 0);
}

TEST(profiles)
{
	CHECK_EQ_U64(ntvm_profile_max_address(NTVM_ADDRESS_64), 0x7FFFFFFEFFFFull);
	CHECK_EQ_U64(ntvm_profile_max_address(NTVM_ADDRESS_32), 0x7FFEFFFFull);
	CHECK_EQ_U64(ntvm_profile_max_address(NTVM_ADDRESS_32_LARGE), 0xFFFEFFFFull);
	CHECK_EQ_U64(ntvm_profile_default_base(NTVM_ADDRESS_64), 0x100000000ull);
	CHECK_EQ_U64(ntvm_profile_default_base(NTVM_ADDRESS_32), 0x10000);
	CHECK_EQ_U64(ntvm_profile_default_base(NTVM_ADDRESS_32_LARGE), 0x10000);
	CHECK_EQ_U64(ntvm_profile_max_address((ntvm_address_profile) 7), 0);
}

TEST_MAIN(TEST_CASE(every_base_protection_round_trips), TEST_CASE(modifiers_convert_both_ways),
          TEST_CASE(invalid_page_values_are_rejected),
          TEST_CASE(exactly_the_representable_perms_are_valid), TEST_CASE(status_names),
          TEST_CASE(profiles))
