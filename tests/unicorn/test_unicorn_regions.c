/*
 * test_unicorn_regions.c -- how the unicorn backend lays out its regions:
 * protection churn on a large block re-cuts and merges without losing
 * contents and leaves one region behind, decommit and re-commit keep the
 * neighbours' contents, the region limit makes the manager fail cleanly
 * instead of letting unicorn abort.
 */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include "unicorn_fixture.h"

#include "test.h"

#include <time.h>

static double seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void put(ntvm *vm, uint64_t address, uint64_t value)
{
	CHECK_EQ_U64(ntvm_write(vm, address, &value, 8, NULL), NTVM_OK);
}

static uint64_t get(const ntvm *vm, uint64_t address)
{
	uint64_t value = ~0ull;
	CHECK_EQ_U64(ntvm_read(vm, address, &value, 8, NULL), NTVM_OK);
	return value;
}

TEST(protect_churn_on_64_mib_merges_back)
{
	struct fx f;
	CHECK(fx_open(&f, 0, false));
	uint64_t size = 64ull << 20, pages = size / NTVM_PAGE_SIZE;
	uint64_t base = ntvm_allocate(f.vm, size, NTVM_PERM_RW, false, 0, NTVM_KIND_PRIVATE);
	CHECK(base != 0);
	for (uint64_t p = 0; p < pages; p += 997)
		put(f.vm, base + p * NTVM_PAGE_SIZE + 8, p);
	CHECK_EQ_U64(ntvm_unicorn_region_count(&f.backend), 1);
	double t = seconds();
	int rounds = 200;
	for (int i = 0; i < rounds; i++) {
		uint64_t at = base + ((uint64_t)i * 7919 % pages) * NTVM_PAGE_SIZE;
		CHECK_EQ_U64(ntvm_protect(f.vm, at, NTVM_PAGE_SIZE, NTVM_PERM_READ, NULL), NTVM_OK);
		CHECK_EQ_U64(ntvm_unicorn_region_count(&f.backend), at == base ? 2 : 3);
		CHECK_EQ_U64(ntvm_protect(f.vm, at, NTVM_PAGE_SIZE, NTVM_PERM_RW, NULL), NTVM_OK);
		CHECK_EQ_U64(ntvm_unicorn_region_count(&f.backend), 1);
	}
	t = seconds() - t;
	printf("  64 MiB block: %d protect pairs in %.3f s (%.0f us per protect)\n", rounds, t,
	       t / (2 * rounds) * 1e6);
	for (uint64_t p = 0; p < pages; p += 997)
		CHECK_EQ_U64(get(f.vm, base + p * NTVM_PAGE_SIZE + 8), p);
	fx_close(&f);
}

TEST(decommit_and_recommit_keep_neighbours)
{
	struct fx f;
	CHECK(fx_open(&f, 0, false));
	uint64_t base = ntvm_allocate(f.vm, 0x8000, NTVM_PERM_RW, false, 0, NTVM_KIND_PRIVATE);
	for (uint64_t p = 0; p < 8; p++)
		put(f.vm, base + p * NTVM_PAGE_SIZE, 100 + p);
	CHECK_EQ_U64(ntvm_decommit(f.vm, base + 0x3000, 0x2000), NTVM_OK);
	CHECK_EQ_U64(ntvm_unicorn_region_count(&f.backend), 2);
	CHECK_EQ_U64(ntvm_commit(f.vm, base + 0x3000, 0x2000, NTVM_PERM_RW), NTVM_OK);
	for (uint64_t p = 0; p < 8; p++)
		CHECK_EQ_U64(get(f.vm, base + p * NTVM_PAGE_SIZE), p == 3 || p == 4 ? 0 : 100 + p);
	/* one protect over three regions of different host blocks */
	CHECK_EQ_U64(ntvm_protect(f.vm, base, 0x8000, NTVM_PERM_READ, NULL), NTVM_OK);
	CHECK(ntvm_unicorn_region_count(&f.backend) <= 3);
	CHECK_EQ_U64(get(f.vm, base + 0x7000), 107);
	fx_close(&f);
}

TEST(region_limit_fails_the_operation_cleanly)
{
	struct fx f;
	CHECK(fx_open(&f, 8, false));
	uint64_t base = ntvm_allocate(f.vm, 0x10000, NTVM_PERM_RW, false, 0, NTVM_KIND_PRIVATE);
	put(f.vm, base + 0x9000, 9);
	uint64_t page = 1;
	for (; page < 16; page += 2) {
		if (ntvm_protect(f.vm, base + page * NTVM_PAGE_SIZE, NTVM_PAGE_SIZE, NTVM_PERM_READ,
		                 NULL) != NTVM_OK)
			break;
	}
	CHECK_EQ_U64(page, 7); /* pages 1, 3, 5 cut 7 regions; page 7 would make 9 */
	CHECK(ntvm_unicorn_region_count(&f.backend) <= 8);
	ntvm_region_info info;
	CHECK_EQ_U64(ntvm_region_info_at(f.vm, base + 7 * NTVM_PAGE_SIZE, &info), NTVM_OK);
	CHECK_EQ_U64(info.perm, NTVM_PERM_RW);
	CHECK_EQ_U64(get(f.vm, base + 0x9000), 9);
	CHECK_EQ_U64(ntvm_protect(f.vm, base, 0x10000, NTVM_PERM_RW, NULL), NTVM_OK);
	CHECK_EQ_U64(ntvm_unicorn_region_count(&f.backend), 1);
	fx_close(&f);
}

TEST_MAIN(TEST_CASE(protect_churn_on_64_mib_merges_back),
          TEST_CASE(decommit_and_recommit_keep_neighbours),
          TEST_CASE(region_limit_fails_the_operation_cleanly))
