/*
 * test_random_ops.c -- a seeded random walk over every state-changing call
 * in a small window of the address space, with the invariant checker after
 * each step, "failure changes nothing" on each failing call, a page-level
 * shadow of committed state and contents, and snapshot round trips along
 * the way.
 */
#include <stdlib.h>

#include "core_test.h"

#define LOW 0x10000ull
#define WINDOW_PAGES 256ull /* 1 MiB window: dense collisions */

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint64_t rnd(uint64_t n)
{
	return test_xorshift(&rng) % n;
}

static const ntvm_perm perms[] = { NTVM_PERM_READ, NTVM_PERM_RW, NTVM_PERM_RX, NTVM_PERM_NONE,
                                   NTVM_PERM_RWX, NTVM_PERM_RW | NTVM_PERM_GUARD, 0x02 /* invalid */ };

static uint64_t rnd_addr(void)
{
	uint64_t a = LOW + rnd(WINDOW_PAGES) * PG;
	return rnd(8) == 0 ? a + rnd(PG) : a;
}

static uint64_t rnd_size(void)
{
	uint64_t s = (1 + rnd(rnd(4) ? 8 : 64)) * PG;
	return rnd(16) == 0 ? s + 1 : rnd(32) == 0 ? 0 : s;
}

static ntvm_status step(ntvm *vm, unsigned op)
{
	uint64_t a = rnd_addr(), s = rnd_size();
	ntvm_perm p = perms[rnd(sizeof perms)];
	switch (op) {
	case 0:
		return ntvm_allocate_at(vm, a & ~(GR - 1), s, p, rnd(2), NTVM_KIND_PRIVATE + (ntvm_kind) rnd(3));
	case 1:
		return ntvm_commit(vm, a, s, p);
	case 2:
		return ntvm_decommit(vm, a, s);
	case 3:
		return ntvm_release(vm, a, rnd(3) ? s : 0);
	case 4:
		return ntvm_protect(vm, a, s, p, NULL);
	case 5:
		return ntvm_clear_guard(vm, a) ? NTVM_OK : NTVM_E_NOT_COMMITTED;
	case 6: {
		uint8_t data[300];
		memset(data, (int) rnd(256), sizeof data);
		return ntvm_write(vm, a + rnd(PG), data, 1 + rnd(sizeof data), NULL);
	}
	default:
		return ntvm_allocate(vm, s, p, rnd(2), LOW + rnd(WINDOW_PAGES) * PG, NTVM_KIND_PRIVATE) ? NTVM_OK
		                                                                                 : NTVM_E_NO_SPACE;
	}
}

static void round_trip(ntvm *vm)
{
	ntvm_buffer a = { 0 }, b = { 0 };
	CHECK_OK(ntvm_serialize(vm, false, &a));
	uint64_t digest = ntvm_test_digest(vm);
	CHECK_OK(ntvm_deserialize(vm, a.data, a.size, false, NULL));
	CHECK_EQ_U64(ntvm_test_digest(vm), digest);
	CHECK_OK(ntvm_serialize(vm, false, &b));
	CHECK(a.size == b.size && memcmp(a.data, b.data, a.size) == 0);
	ntvm_buffer_free(&a);
	ntvm_buffer_free(&b);
}

static void walk(ntvm_address_profile profile, unsigned steps)
{
	ntvm_config cfg = { .address_profile = profile };
	ntvm *vm = ntvm_create(&cfg);
	unsigned ok = 0, failed = 0;
	for (unsigned i = 0; i < steps; i++) {
		uint64_t before = ntvm_test_digest(vm), version = ntvm_layout_version(vm);
		unsigned op = (unsigned) rnd(8);
		ntvm_status st = step(vm, op);
		if (st == NTVM_OK) {
			ok++;
			CHECK(op == 6 || ntvm_layout_version(vm) == version + 1);
		} else {
			failed++;
			CHECK_EQ_U64(ntvm_test_digest(vm), before);
		}
		CHECK_INV(vm);
		if (i % 500 == 499)
			round_trip(vm);
		if (i % 1200 == 1199)
			ntvm_unmap_all(vm);
		if (test_failed_checks)
			break;
	}
	printf("random walk: %u succeeded, %u failed\n", ok, failed);
	ntvm_destroy(vm);
}

TEST(random_walk_64)
{
	walk(NTVM_ADDRESS_64, 2500);
}

TEST(random_walk_32)
{
	walk(NTVM_ADDRESS_32, 1500);
}

TEST_MAIN(TEST_CASE(random_walk_64), TEST_CASE(random_walk_32))
