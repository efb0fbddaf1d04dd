/*
 * test_access.c -- ntvm_read / ntvm_write and the try_ forms: the whole
 * range must be committed, fault addresses, wrapping ranges, ranges across
 * adjacent reservations, size 0.
 */
#include "core_test.h"

#define BASE 0x90000000ull

TEST(read_write_across_pages_and_reservations)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x10000, NTVM_PERM_NONE, false, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_allocate_at(vm, BASE + 0x10000, 0x10000, NTVM_PERM_READ | NTVM_PERM_GUARD, false, NTVM_KIND_PRIVATE));
	uint8_t w[0x3000], r[0x3000];
	for (size_t i = 0; i < sizeof w; i++)
		w[i] = (uint8_t) (i * 7);
	uint64_t v = ntvm_layout_version(vm);
	CHECK_OK(ntvm_write(vm, BASE + 0xF800, w, sizeof w, NULL));
	CHECK_OK(ntvm_read(vm, BASE + 0xF800, r, sizeof r, NULL));
	CHECK(memcmp(w, r, sizeof w) == 0);
	CHECK_EQ_U64(ntvm_layout_version(vm), v);
	CHECK_OK(ntvm_read(vm, BASE, r, 0, NULL));
	CHECK_OK(ntvm_read(vm, 0, r, 0, NULL));
	CHECK(ntvm_try_read(vm, BASE + 0x1FFFF, r, 1));
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST(failures_copy_nothing_and_name_the_fault)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x10000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_commit(vm, BASE, 0x2000, NTVM_PERM_RW));
	CHECK_OK(ntvm_commit(vm, BASE + 0x3000, 0x1000, NTVM_PERM_RW));
	uint8_t buf[0x4000];
	memset(buf, 0xEE, sizeof buf);
	uint64_t fault = 0;
	CHECK_FAILS_UNCHANGED(vm, ntvm_write(vm, BASE + 0x1000, buf, 0x3000, &fault), NTVM_E_NOT_COMMITTED);
	CHECK_EQ_U64(fault, BASE + 0x2000);
	CHECK_FAILS_UNCHANGED(vm, ntvm_read(vm, BASE + 0x1800, buf, 0x3000, &fault), NTVM_E_NOT_COMMITTED);
	CHECK_EQ_U64(fault, BASE + 0x2000);
	CHECK_EQ_U64(buf[0], 0xEE);
	CHECK_FAILS_UNCHANGED(vm, ntvm_read(vm, BASE + 0x2800, buf, 0x10, &fault), NTVM_E_NOT_COMMITTED);
	CHECK_EQ_U64(fault, BASE + 0x2800);
	CHECK_FAILS_UNCHANGED(vm, ntvm_read(vm, BASE + 0xFFF8, buf, 0x10, &fault), NTVM_E_NOT_COMMITTED);
	CHECK_EQ_U64(fault, BASE + 0xFFF8);
	CHECK_FAILS_UNCHANGED(vm, ntvm_read(vm, BASE - 1, buf, 2, &fault), NTVM_E_NOT_COMMITTED);
	CHECK_EQ_U64(fault, BASE - 1);
	CHECK_FAILS_UNCHANGED(vm, ntvm_write(vm, BASE + 0x3FFF, buf, 2, &fault), NTVM_E_NOT_COMMITTED);
	CHECK_EQ_U64(fault, BASE + 0x4000);
	fault = 1;
	CHECK_FAILS_UNCHANGED(vm, ntvm_read(vm, UINT64_MAX, buf, 2, &fault), NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_read(vm, UINT64_MAX, buf, 1, &fault), NTVM_E_NOT_COMMITTED);
	CHECK_EQ_U64(fault, UINT64_MAX);
	CHECK_FAILS_UNCHANGED(vm, ntvm_write(vm, 0xFFFFFFFFFFFFF000ull, buf, 0x1000, NULL), NTVM_E_NOT_COMMITTED);
	CHECK_FAILS_UNCHANGED(vm, ntvm_write(vm, 0xFFFFFFFFFFFFF000ull, buf, 0x1001, NULL), NTVM_E_INVALID_ARGUMENT);
	CHECK(!ntvm_try_read(vm, BASE + 0x2000, buf, 1));
	CHECK(!ntvm_try_write(vm, BASE + 0x2000, buf, 1));
	CHECK(ntvm_try_write(vm, BASE + 0x3000, buf, 0x1000));
	ntvm_destroy(vm);
}

TEST(contents_survive_protect_and_vanish_on_release)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x4000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	uint32_t v = 0xCAFEF00D, back = 0;
	CHECK(ntvm_try_write(vm, BASE + 0x2FFE, &v, sizeof v));
	CHECK_OK(ntvm_protect(vm, BASE, 0x4000, NTVM_PERM_NONE, NULL));
	CHECK(ntvm_try_read(vm, BASE + 0x2FFE, &back, sizeof back));
	CHECK_EQ_U64(back, v);
	CHECK_OK(ntvm_release(vm, BASE, 0));
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x4000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	CHECK(ntvm_try_read(vm, BASE + 0x2FFE, &back, sizeof back));
	CHECK_EQ_U64(back, 0);
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST_MAIN(TEST_CASE(read_write_across_pages_and_reservations),
          TEST_CASE(failures_copy_nothing_and_name_the_fault),
          TEST_CASE(contents_survive_protect_and_vanish_on_release))
