/*
 * test_metadata.c -- what the bookkeeping costs: the node size, a uniform
 * reservation, a partly committed one, and the worst case (every committed
 * page with a protection different from its neighbour).  Prints the
 * numbers and checks the design limits: <= 64 bytes per uniform
 * reservation, <= 1.25 bytes per reserved page in the worst case.
 */
#include "core_test.h"
#include "manager.h"

#define BASE 0xC0000000ull
#define PAGES ((uint64_t) 4096)

static uint64_t metadata(const ntvm *vm)
{
	ntvm_stats st;
	ntvm_get_stats(vm, &st);
	return st.metadata_bytes;
}

TEST(node_size)
{
	printf("reservation node: %zu bytes\n", sizeof(struct ntvm__res));
	CHECK(sizeof(struct ntvm__res) <= 64);
}

TEST(uniform_reservation_costs_one_node)
{
	ntvm *vm = ntvm_create(NULL);
	uint64_t empty = metadata(vm);
	CHECK_OK(ntvm_allocate_at(vm, BASE, PAGES * PG, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	uint64_t committed = metadata(vm) - empty;
	CHECK_OK(ntvm_allocate_at(vm, BASE + PAGES * PG, 1ull << 40, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	uint64_t huge = metadata(vm) - empty - committed;
	printf("uniform: %" PRIu64 " bytes for %" PRIu64 " committed pages, %" PRIu64
	       " bytes for a reserved TiB\n", committed, PAGES, huge);
	CHECK(committed <= 64);
	CHECK(huge <= 64);
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST(partly_committed_costs_a_bit_per_page)
{
	ntvm *vm = ntvm_create(NULL);
	uint64_t empty = metadata(vm);
	CHECK_OK(ntvm_allocate_at(vm, BASE, PAGES * PG, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	for (uint64_t i = 0; i < PAGES; i += 2)
		CHECK_OK(ntvm_commit(vm, BASE + i * PG, PG, NTVM_PERM_RW));
	uint64_t bytes = metadata(vm) - empty;
	printf("half committed, one protection: %" PRIu64 " bytes = 64 + 8 (count) + %" PRIu64
	       " (bitmap) for %" PRIu64 " pages, %.4f bytes/page\n", bytes, PAGES / 8, PAGES,
	       (double) bytes / PAGES);
	CHECK(bytes <= 64 + 8 + PAGES / 8);
	CHECK_INV(vm);
	for (uint64_t i = 1; i < PAGES; i += 2)
		CHECK_OK(ntvm_commit(vm, BASE + i * PG, PG, NTVM_PERM_RW));
	CHECK_EQ_U64(metadata(vm) - empty, sizeof(struct ntvm__res)); /* the bitmap is gone again */
	ntvm_destroy(vm);
}

static const ntvm_perm cycle[] = { NTVM_PERM_READ, NTVM_PERM_RW, NTVM_PERM_RX, NTVM_PERM_NONE,
                                   NTVM_PERM_RWX, NTVM_PERM_READ | NTVM_PERM_GUARD };

static double worst_case(bool half_committed)
{
	ntvm *vm = ntvm_create(NULL);
	uint64_t empty = metadata(vm);
	CHECK_OK(ntvm_allocate_at(vm, BASE, PAGES * PG, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	for (uint64_t i = 0; i < PAGES; i++)
		CHECK_OK(ntvm_protect(vm, BASE + i * PG, PG, cycle[i % 6], NULL));
	if (half_committed)
		for (uint64_t i = 0; i < PAGES; i += 4)
			CHECK_OK(ntvm_decommit(vm, BASE + i * PG, PG));
	uint64_t bytes = metadata(vm) - empty;
	ntvm_region_info ri;
	CHECK_OK(ntvm_region_info_at(vm, BASE + PG, &ri));
	CHECK_EQ_U64(ri.length, PG);
	CHECK_INV(vm);
	ntvm_destroy(vm);
	printf("worst case%s: %" PRIu64 " bytes for %" PRIu64 " pages, %.4f bytes/page\n",
	       half_committed ? " (3/4 committed)" : " (all committed)", bytes, PAGES, (double) bytes / PAGES);
	return (double) bytes / PAGES;
}

TEST(worst_case_stays_under_1_25_bytes_per_page)
{
	CHECK(worst_case(false) <= 1.25);
	CHECK(worst_case(true) <= 1.25);
}

TEST(metadata_returns_to_baseline)
{
	ntvm *vm = ntvm_create(NULL);
	uint64_t empty = metadata(vm);
	CHECK_OK(ntvm_allocate_at(vm, BASE, PAGES * PG, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_protect(vm, BASE + PG, PG, NTVM_PERM_READ, NULL));
	CHECK_OK(ntvm_decommit(vm, BASE + 5 * PG, PG));
	CHECK_OK(ntvm_release(vm, BASE + 9 * PG, 3 * PG));
	CHECK_OK(ntvm_allocate_mmio(vm, BASE + 0x10000000, PG, NULL, NULL, NULL));
	CHECK(metadata(vm) > empty);
	CHECK_INV(vm);
	ntvm_unmap_all(vm);
	CHECK_EQ_U64(metadata(vm), empty);
	ntvm_destroy(vm);
}

/* Up to 64 pages the commit bitmap is in the node: a partly committed
 * small reservation costs the node alone, and releasing the middle of a
 * large one leaves pieces whose bitmaps move into the nodes as they shrink. */
TEST(small_reservation_bitmap_in_the_node)
{
	ntvm *vm = ntvm_create(NULL);
	uint64_t empty = metadata(vm);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 16 * PG, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_commit(vm, BASE + 3 * PG, PG, NTVM_PERM_RW));
	CHECK_EQ_U64(metadata(vm) - empty, sizeof(struct ntvm__res));
	CHECK_OK(ntvm_decommit(vm, BASE + 3 * PG, PG));
	CHECK_OK(ntvm_commit(vm, BASE, 15 * PG, NTVM_PERM_RW));
	CHECK_EQ_U64(metadata(vm) - empty, sizeof(struct ntvm__res));
	CHECK_INV(vm);
	uint64_t big = BASE + 0x100000;
	CHECK_OK(ntvm_allocate_at(vm, big, 200 * PG, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	for (uint64_t i = 0; i < 200; i += 3)
		CHECK_OK(ntvm_commit(vm, big + i * PG, PG, NTVM_PERM_RW));
	CHECK(metadata(vm) - empty > 2 * sizeof(struct ntvm__res)); /* a bitmap block */
	CHECK_OK(ntvm_release(vm, big + 40 * PG, 120 * PG));
	CHECK_INV(vm);
	CHECK_EQ_U64(metadata(vm) - empty, 3 * sizeof(struct ntvm__res));
	ntvm_region_info ri;
	CHECK_OK(ntvm_region_info_at(vm, big + 39 * PG, &ri));
	CHECK(ri.is_committed);
	CHECK_OK(ntvm_region_info_at(vm, big + 160 * PG, &ri));
	CHECK(ri.is_reserved && !ri.is_committed);
	CHECK_OK(ntvm_region_info_at(vm, big + 162 * PG, &ri));
	CHECK(ri.is_committed);
	CHECK_OK(ntvm_release(vm, big + 160 * PG, PG));
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST_MAIN(TEST_CASE(node_size), TEST_CASE(uniform_reservation_costs_one_node),
          TEST_CASE(partly_committed_costs_a_bit_per_page),
          TEST_CASE(worst_case_stays_under_1_25_bytes_per_page), TEST_CASE(metadata_returns_to_baseline),
          TEST_CASE(small_reservation_bitmap_in_the_node))
