/*
 * test_query.c -- region info, overlap and kind tests, reservation
 * iteration and statistics.
 */
#include "core_test.h"

#define BASE 0x80000000ull

TEST(region_info_free_memory)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x3000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	ntvm_region_info ri;
	CHECK_OK(ntvm_region_info_at(vm, 0x12345, &ri));
	CHECK_EQ_U64(ri.start, 0x12000);
	CHECK_EQ_U64(ri.length, BASE - 0x12000);
	CHECK_EQ_U64(ri.allocation_base, 0);
	CHECK_EQ_U64(ri.allocation_length, 0);
	CHECK(!ri.is_reserved && !ri.is_committed);
	CHECK_EQ_U64(ri.kind, NTVM_KIND_FREE);
	CHECK_EQ_U64(ri.initial_perm, 0);
	CHECK_EQ_U64(ri.perm, 0);
	CHECK_OK(ntvm_region_info_at(vm, BASE + 0x3000, &ri));
	CHECK_EQ_U64(ri.start, BASE + 0x3000);
	CHECK_EQ_U64(ri.start + ri.length, ntvm_max_address(vm) + 1);
	CHECK_OK(ntvm_region_info_at(vm, 5, &ri));
	CHECK_EQ_U64(ri.start, 0);
	CHECK_STATUS(ntvm_region_info_at(vm, UINT64_MAX, &ri), NTVM_E_OUT_OF_RANGE);
	ntvm_destroy(vm);
}

TEST(region_runs_stop_at_allocation_end)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x10000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_allocate_at(vm, BASE + 0x10000, 0x10000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	ntvm_region_info ri;
	CHECK_OK(ntvm_region_info_at(vm, BASE + 0x8000, &ri));
	CHECK_EQ_U64(ri.length, 0x8000);
	CHECK_OK(ntvm_region_info_at(vm, BASE + 0x10000, &ri));
	CHECK_EQ_U64(ri.allocation_base, BASE + 0x10000);
	CHECK_EQ_U64(ri.length, 0x10000);
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST(long_mixed_runs_scan_words)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 1000 * PG, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_commit(vm, BASE + 3 * PG, 700 * PG, NTVM_PERM_RW));
	CHECK_OK(ntvm_commit(vm, BASE + 900 * PG, PG, NTVM_PERM_RW));
	ntvm_region_info ri;
	CHECK_OK(ntvm_region_info_at(vm, BASE + 5 * PG, &ri));
	CHECK_EQ_U64(ri.length, 698 * PG);
	CHECK_OK(ntvm_region_info_at(vm, BASE + 703 * PG, &ri));
	CHECK_EQ_U64(ri.length, 197 * PG);
	CHECK(!ri.is_committed);
	CHECK_OK(ntvm_region_info_at(vm, BASE + 901 * PG, &ri));
	CHECK_EQ_U64(ri.length, 99 * PG);
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST(overlap_and_kind)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x2000, NTVM_PERM_RW, true, NTVM_KIND_SECTION_VIEW));
	CHECK(ntvm_overlaps_reserved_region(vm, BASE, 1));
	CHECK(ntvm_overlaps_reserved_region(vm, BASE + 0x1FFF, 1));
	CHECK(!ntvm_overlaps_reserved_region(vm, BASE + 0x2000, 0x1000));
	CHECK(ntvm_overlaps_reserved_region(vm, BASE - 0x1000, 0x1001));
	CHECK(!ntvm_overlaps_reserved_region(vm, BASE - 0x1000, 0x1000));
	CHECK(!ntvm_overlaps_reserved_region(vm, BASE, 0));
	CHECK(ntvm_overlaps_reserved_region(vm, 0, UINT64_MAX));
	CHECK(ntvm_overlaps_reserved_region(vm, BASE + 0x1000, UINT64_MAX));
	CHECK(!ntvm_overlaps_reserved_region(vm, BASE + 0x2000, UINT64_MAX));
	CHECK_EQ_U64(ntvm_region_kind(vm, BASE + 0x1000), NTVM_KIND_SECTION_VIEW);
	CHECK_EQ_U64(ntvm_region_kind(vm, BASE + 0x2000), NTVM_KIND_FREE);
	CHECK_EQ_U64(ntvm_region_kind(vm, UINT64_MAX), NTVM_KIND_FREE);
	ntvm_destroy(vm);
}

struct visit_log {
	uint64_t bases[8];
	int n, stop_after;
};

static bool visit(void *user, const ntvm_reservation *r)
{
	struct visit_log *log = user;
	log->bases[log->n++] = r->base;
	return log->n != log->stop_after;
}

TEST(iteration_in_address_order)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE + 0x40000, 0x1000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x4000, NTVM_PERM_READ, false, NTVM_KIND_SECTION_IMAGE));
	CHECK_OK(ntvm_allocate_at(vm, BASE + 0x20000, 0x1000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	struct visit_log log = { .stop_after = -1 };
	ntvm_for_each_reservation(vm, visit, &log);
	CHECK_EQ_U64(log.n, 3);
	CHECK_EQ_U64(log.bases[0], BASE);
	CHECK_EQ_U64(log.bases[1], BASE + 0x20000);
	CHECK_EQ_U64(log.bases[2], BASE + 0x40000);
	struct visit_log first = { .stop_after = 1 };
	ntvm_for_each_reservation(vm, visit, &first);
	CHECK_EQ_U64(first.n, 1);
	ntvm_reservation r;
	CHECK(ntvm_reservation_from(vm, 0, &r));
	CHECK_EQ_U64(r.base, BASE);
	CHECK_EQ_U64(r.length, 0x4000);
	CHECK_EQ_U64(r.committed_bytes, 0x4000);
	CHECK_EQ_U64(r.initial_perm, NTVM_PERM_READ);
	CHECK_EQ_U64(r.kind, NTVM_KIND_SECTION_IMAGE);
	CHECK(ntvm_reservation_from(vm, BASE, &r));
	CHECK_EQ_U64(r.base, BASE);
	CHECK(ntvm_reservation_from(vm, BASE + 1, &r));
	CHECK_EQ_U64(r.base, BASE + 0x20000);
	CHECK(!ntvm_reservation_from(vm, BASE + 0x40001, &r));
	CHECK(ntvm_reservation_containing(vm, BASE + 0x3FFF, &r));
	CHECK_EQ_U64(r.base, BASE);
	CHECK(!ntvm_reservation_containing(vm, BASE + 0x4000, &r));
	CHECK(!ntvm_reservation_containing(vm, 0, &r));
	ntvm_destroy(vm);
}

TEST(stats_follow_every_operation)
{
	ntvm *vm = ntvm_create(NULL);
	ntvm_stats st;
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x10000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_commit(vm, BASE, 0x4000, NTVM_PERM_RW));
	CHECK_OK(ntvm_commit(vm, BASE + 0x2000, 0x4000, NTVM_PERM_READ));
	ntvm_get_stats(vm, &st);
	CHECK_EQ_U64(st.committed_bytes, 0x6000);
	CHECK_OK(ntvm_decommit(vm, BASE + 0x1000, 0x2000));
	ntvm_get_stats(vm, &st);
	CHECK_EQ_U64(st.committed_bytes, 0x4000);
	CHECK_OK(ntvm_release(vm, BASE + 0x4000, 0x4000)); /* pages 0 and 3 stay committed */
	ntvm_get_stats(vm, &st);
	CHECK_EQ_U64(st.committed_bytes, 0x2000);
	CHECK_EQ_U64(st.reserved_bytes, 0xC000);
	CHECK_EQ_U64(st.reservation_count, 2);
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

/* The scenario of reference/recordings/query-decommitted-runs.trace: the
 * detailed query splits reserved runs by their last protection (Wine 8.0),
 * the plain one does not (Windows). */
static uint64_t detailed_length(const ntvm *vm, uint64_t a, ntvm_perm *last)
{
	ntvm_region_info ri;
	CHECK_OK(ntvm_region_info_at_detailed(vm, a, &ri, last));
	CHECK(!ri.is_committed || ri.perm == *last);
	return ri.length;
}

TEST(detailed_runs_follow_last_protections)
{
	ntvm *vm = ntvm_create(NULL);
	ntvm_perm last;
	ntvm_region_info ri;
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x10000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_commit(vm, BASE, 0x4000, NTVM_PERM_RW));
	CHECK_OK(ntvm_decommit(vm, BASE, 0x4000));
	CHECK_EQ_U64(detailed_length(vm, BASE, &last), 0x10000);
	CHECK_EQ_U64(last, NTVM_PERM_RW);
	CHECK_OK(ntvm_commit(vm, BASE + 0x1000, 0x1000, NTVM_PERM_READ));
	CHECK_OK(ntvm_commit(vm, BASE + 0x2000, 0x1000, NTVM_PERM_RX));
	CHECK_OK(ntvm_commit(vm, BASE + 0x3000, 0x1000, NTVM_PERM_RW | NTVM_PERM_GUARD));
	CHECK_OK(ntvm_decommit(vm, BASE + 0x1000, 0x3000));
	CHECK_INV(vm);
	CHECK_OK(ntvm_region_info_at(vm, BASE, &ri));
	CHECK_EQ_U64(ri.length, 0x10000); /* Windows: one reserved run */
	CHECK_EQ_U64(detailed_length(vm, BASE, &last), 0x1000);
	CHECK_EQ_U64(last, NTVM_PERM_RW);
	CHECK_EQ_U64(detailed_length(vm, BASE + 0x1000, &last), 0x1000);
	CHECK_EQ_U64(last, NTVM_PERM_READ);
	CHECK_EQ_U64(detailed_length(vm, BASE + 0x2000, &last), 0x1000);
	CHECK_EQ_U64(last, NTVM_PERM_RX);
	CHECK_EQ_U64(detailed_length(vm, BASE + 0x3000, &last), 0x1000);
	CHECK_EQ_U64(last, NTVM_PERM_RW | NTVM_PERM_GUARD);
	CHECK_EQ_U64(detailed_length(vm, BASE + 0x4000, &last), 0xC000);
	CHECK_OK(ntvm_commit(vm, BASE, 0x10000, NTVM_PERM_RW)); /* joins up again */
	CHECK_OK(ntvm_decommit(vm, BASE, 0x10000));
	CHECK_EQ_U64(detailed_length(vm, BASE, &last), 0x10000);
	CHECK_OK(ntvm_commit(vm, BASE + 0x8000, 0x2000, NTVM_PERM_RW));
	CHECK_OK(ntvm_protect(vm, BASE + 0x9000, 0x1000, NTVM_PERM_NONE, NULL));
	CHECK_OK(ntvm_decommit(vm, BASE + 0x8000, 0x2000));
	CHECK_EQ_U64(detailed_length(vm, BASE + 0x8000, &last), 0x1000);
	CHECK_EQ_U64(detailed_length(vm, BASE + 0x9000, &last), 0x1000);
	CHECK_EQ_U64(last, NTVM_PERM_NONE);
	CHECK_EQ_U64(detailed_length(vm, BASE + 0xA000, &last), 0x6000);
	CHECK_OK(ntvm_release(vm, BASE, 0));
	/* reserved with one protection, committed with another, decommitted */
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x10000, NTVM_PERM_NONE, true, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_commit(vm, BASE + 0x4000, 0x4000, NTVM_PERM_RW));
	CHECK_OK(ntvm_decommit(vm, BASE + 0x4000, 0x4000));
	CHECK_EQ_U64(detailed_length(vm, BASE, &last), 0x4000);
	CHECK_EQ_U64(last, NTVM_PERM_NONE);
	CHECK_EQ_U64(detailed_length(vm, BASE + 0x4000, &last), 0x4000);
	CHECK_EQ_U64(last, NTVM_PERM_RW);
	CHECK_EQ_U64(detailed_length(vm, BASE + 0x8000, &last), 0x8000);
	/* split pieces keep their pages' last protections */
	CHECK_OK(ntvm_release(vm, BASE + 0x2000, 0x3000));
	CHECK_EQ_U64(detailed_length(vm, BASE + 0x5000, &last), 0x3000);
	CHECK_EQ_U64(last, NTVM_PERM_RW);
	CHECK_INV(vm);
	CHECK_OK(ntvm_region_info_at_detailed(vm, BASE + 0x3000, &ri, &last));
	CHECK_EQ_U64(ri.kind, NTVM_KIND_FREE);
	CHECK_EQ_U64(last, NTVM_PERM_NONE);
	CHECK_STATUS(ntvm_region_info_at_detailed(vm, UINT64_MAX, &ri, NULL), NTVM_E_OUT_OF_RANGE);
	ntvm_destroy(vm);
}

TEST_MAIN(TEST_CASE(detailed_runs_follow_last_protections), TEST_CASE(region_info_free_memory), TEST_CASE(region_runs_stop_at_allocation_end),
          TEST_CASE(long_mixed_runs_scan_words), TEST_CASE(overlap_and_kind),
          TEST_CASE(iteration_in_address_order), TEST_CASE(stats_follow_every_operation))
