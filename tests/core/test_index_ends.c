/*
 * test_index_ends.c -- the index's cached ends and its probe (index.c):
 * vm->first / vm->last must stay the lowest and highest reservation through
 * every way the tree changes (allocate, release whole, release of a head,
 * tail or middle piece, unmap_all, snapshot load), since find-free reads
 * the head and tail gaps from them; and an allocation's overlap answer,
 * now the insert's own descent, must match a brute-force check.
 */
#include <stdlib.h>

#include "core_test.h"
#include "manager.h"

#define SPAN 0x4000000ull /* 64 MiB of address space above BASE: 1024 granules */
#define BASE 0x10000000ull

static uint64_t rng = 0x1234567u;
static uint64_t rnd(void)
{
	return test_xorshift(&rng);
}

struct ends {
	const struct ntvm__res *lowest, *highest;
	uint64_t count;
};

static bool note(void *user, const ntvm_reservation *r)
{
	(void) r;
	((struct ends *) user)->count++;
	return true;
}

/* The cached ends against an in-order walk of the tree. */
static void check_ends(ntvm *vm)
{
	struct ntvm__iter it;
	struct ntvm__res *r;
	struct ends e = { 0 };
	NTVM__FOR_EACH(it, r, vm->root) {
		if (e.lowest == NULL)
			e.lowest = r;
		e.highest = r;
	}
	CHECK(vm->first == e.lowest);
	CHECK(vm->last == e.highest);
	ntvm_for_each_reservation(vm, note, &e);
	CHECK(e.count == 0 ? vm->first == NULL : vm->first != NULL);
}

/* Does [base, base + size) touch any reservation (by querying every page)? */
static bool brute_overlap(const ntvm *vm, uint64_t base, uint64_t size)
{
	for (uint64_t a = base; a < base + size; a += PG) {
		ntvm_region_info info;
		if (ntvm_region_info_at(vm, a, &info) == NTVM_OK && info.is_reserved)
			return true;
	}
	return false;
}

static void one_op(ntvm *vm)
{
	uint64_t base = BASE + (rnd() % (SPAN / GR)) * GR;
	uint64_t size = (1 + rnd() % 40) * PG;
	ntvm_reservation res;
	switch (rnd() % 6) {
	case 0:
	case 1: {
		bool overlaps = brute_overlap(vm, base, size);
		ntvm_status st = ntvm_allocate_at(vm, base, size, NTVM_PERM_RW, rnd() & 1, NTVM_KIND_PRIVATE);
		CHECK_EQ_U64(st, overlaps ? NTVM_E_OVERLAP : NTVM_OK);
		break;
	}
	case 2: /* whole */
		if (ntvm_reservation_from(vm, base, &res))
			CHECK_OK(ntvm_release(vm, res.base, 0));
		break;
	case 3: /* a head piece */
		if (ntvm_reservation_from(vm, base, &res) && res.length > PG)
			CHECK_OK(ntvm_release(vm, res.base, PG));
		break;
	case 4: /* a tail piece */
		if (ntvm_reservation_from(vm, base, &res) && res.length > PG)
			CHECK_OK(ntvm_release(vm, res.base + res.length - PG, PG));
		break;
	default: /* a middle piece: the reservation splits */
		if (ntvm_reservation_from(vm, base, &res) && res.length > 2 * PG)
			CHECK_OK(ntvm_release(vm, res.base + PG, PG));
		break;
	}
}

TEST(ends_follow_every_change)
{
	ntvm *vm = ntvm_create(NULL);
	check_ends(vm);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 3000; i++) {
			one_op(vm);
			check_ends(vm);
		}
		CHECK_INV(vm);
		ntvm_unmap_all(vm);
		check_ends(vm);
	}
	ntvm_destroy(vm);
}

TEST(ends_after_snapshot_load)
{
	ntvm *vm = ntvm_create(NULL), *other = ntvm_create(NULL);
	for (int i = 0; i < 500; i++)
		one_op(vm);
	for (int i = 0; i < 50; i++)
		one_op(other);
	ntvm_buffer buf = { 0 };
	CHECK_OK(ntvm_serialize(vm, false, &buf)); /* with contents: other's backend follows */
	CHECK_OK(ntvm_deserialize(other, buf.data, buf.size, false, NULL));
	check_ends(other);
	/* and the loaded state keeps them through further changes */
	for (int i = 0; i < 500; i++) {
		one_op(other);
		check_ends(other);
	}
	CHECK_INV(other);
	ntvm_buffer_free(&buf);
	ntvm_destroy(vm);
	ntvm_destroy(other);
}

TEST(find_free_uses_the_ends)
{
	ntvm *vm = ntvm_create(NULL);
	uint64_t max = ntvm_max_address(vm);
	CHECK_OK(ntvm_allocate_at(vm, BASE, GR, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_allocate_at(vm, BASE + 4 * GR, GR, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	/* top-down lands below the top, bottom-up from BASE after the last one */
	CHECK_EQ_U64(ntvm_find_free(vm, GR, GR, NTVM_MIN_ADDRESS, max, true), max + 1 - GR);
	CHECK_EQ_U64(ntvm_find_free(vm, 4 * GR, GR, BASE, max, false), BASE + 5 * GR);
	CHECK_OK(ntvm_release(vm, BASE + 4 * GR, 0)); /* the last goes: the tail starts lower */
	CHECK_EQ_U64(ntvm_find_free(vm, 4 * GR, GR, BASE, max, false), BASE + GR);
	CHECK_OK(ntvm_release(vm, BASE, 0)); /* empty again */
	CHECK_EQ_U64(ntvm_find_free(vm, GR, GR, BASE, max, false), BASE);
	CHECK(vm->first == NULL && vm->last == NULL);
	ntvm_destroy(vm);
}

TEST_MAIN(TEST_CASE(ends_follow_every_change), TEST_CASE(ends_after_snapshot_load),
          TEST_CASE(find_free_uses_the_ends))
