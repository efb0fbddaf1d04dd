/*
 * test_find_free.c -- ntvm_find_free and ntvm_find_free_allocation_base
 * against a brute-force search over random layouts (bottom-up and top-down,
 * any alignment, windows), plus the documented edge cases.
 */
#include <stdlib.h>

#include "core_test.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	return test_xorshift(&rng_state);
}

struct span {
	uint64_t base, end;
};

static bool collect(void *user, const ntvm_reservation *r)
{
	struct span **p = user;
	(*p)->base = r->base;
	(*p)->end = r->base + r->length;
	(*p)++;
	return true;
}

static uint64_t up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
static uint64_t down(uint64_t v, uint64_t a) { return v & ~(a - 1); }

/* The reference: every free granule-gap, in order, the best fit in each. */
static uint64_t brute(const struct span *s, size_t n, uint64_t max, uint64_t size, uint64_t align,
                      uint64_t lowest, uint64_t highest, bool top_down)
{
	if (lowest < 0x10000)
		lowest = 0x10000;
	if (highest > max)
		highest = max;
	uint64_t best = 0;
	uint64_t prev_end = 0x10000;
	for (size_t i = 0; i <= n; i++) {
		uint64_t gs = up(prev_end, GR), ge = i < n ? down(s[i].base, GR) : max + 1;
		if (i < n)
			prev_end = s[i].end;
		uint64_t lo = up(gs > lowest ? gs : lowest, align);
		uint64_t hi = ge < highest + 1 ? ge : highest + 1;
		if (ge <= gs || lo >= hi || hi - lo < size)
			continue;
		uint64_t cand = top_down ? down(hi - size, align) : lo;
		if (!top_down && best == 0)
			best = cand;
		if (top_down)
			best = cand;
	}
	return best;
}

static void random_layout(ntvm *vm, int count, uint64_t span)
{
	for (int i = 0; i < count; i++) {
		uint64_t base = 0x10000 + down(rnd() % span, GR);
		uint64_t size = (1 + rnd() % 40) * PG;
		ntvm_allocate_at(vm, base, size, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE);
		if (i % 5 == 0) {
			ntvm_reservation r;
			if (ntvm_reservation_containing(vm, base, &r) && r.length > 2 * PG)
				ntvm_release(vm, r.base, PG); /* a page-aligned split piece */
		}
	}
}

static void compare_random(ntvm_address_profile profile, uint64_t span, int reservations, int queries)
{
	ntvm_config cfg = { .address_profile = profile };
	ntvm *vm = ntvm_create(&cfg);
	random_layout(vm, reservations, span);
	CHECK_INV(vm);
	ntvm_stats st;
	ntvm_get_stats(vm, &st);
	struct span *spans = malloc((st.reservation_count + 1) * sizeof *spans), *p = spans;
	ntvm_for_each_reservation(vm, collect, &p);
	CHECK_EQ_U64((uint64_t) (p - spans), st.reservation_count);
	uint64_t max = ntvm_max_address(vm);
	int mismatches = 0;
	for (int q = 0; q < queries; q++) {
		uint64_t size = 1 + rnd() % (q % 3 ? 0x40000 : 0x400000);
		uint64_t align = PG << (rnd() % 9);
		uint64_t lowest = rnd() % (span + 0x100000), highest = lowest + rnd() % (span + 0x100000);
		if (q % 7 == 0)
			highest = UINT64_MAX;
		bool top = rnd() & 1;
		uint64_t got = ntvm_find_free(vm, size, align, lowest, highest, top);
		uint64_t want = brute(spans, st.reservation_count, max, size, align, lowest, highest, top);
		if (got != want && mismatches++ < 5)
			fprintf(stderr, "find_free(0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64
			        ", %d) = 0x%" PRIx64 ", want 0x%" PRIx64 "\n", size, align, lowest, highest, top, got, want);
	}
	CHECK_EQ_U64(mismatches, 0);
	free(spans);
	ntvm_destroy(vm);
}

TEST(matches_brute_force_64)
{
	compare_random(NTVM_ADDRESS_64, 0x4000000, 400, 4000);
}

TEST(matches_brute_force_32)
{
	compare_random(NTVM_ADDRESS_32, 0x7FFD0000, 300, 3000);
	compare_random(NTVM_ADDRESS_32_LARGE, 0x10000000, 1000, 3000);
}

TEST(allocation_base_defaults_and_start)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_EQ_U64(ntvm_find_free_allocation_base(vm, 0x1000, 0), 0x100000000ull);
	CHECK_EQ_U64(ntvm_find_free_allocation_base(vm, 0x1000, 1), 0x10000);
	CHECK_EQ_U64(ntvm_find_free_allocation_base(vm, 0x1000, 0x10001), 0x20000);
	CHECK_EQ_U64(ntvm_find_free_allocation_base(vm, 0, 0), 0);
	CHECK_EQ_U64(ntvm_find_free_allocation_base(vm, 0x1000, 0x7FFFFFFF0000ull), 0);
	CHECK_EQ_U64(ntvm_find_free_allocation_base(vm, 0x10000, 0x7FFFFFFE0000ull), 0x7FFFFFFE0000ull);
	CHECK_EQ_U64(ntvm_find_free_allocation_base(vm, 0x10001, 0x7FFFFFFE0000ull), 0);
	CHECK_EQ_U64(ntvm_find_free_allocation_base(vm, UINT64_MAX, 0), 0);
	CHECK_OK(ntvm_allocate_at(vm, 0x100000000ull, 0x1000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_EQ_U64(ntvm_find_free_allocation_base(vm, 0x1000, 0), 0x100010000ull);
	ntvm_set_default_allocation_address(vm, 0x5);
	CHECK_EQ_U64(ntvm_find_free_allocation_base(vm, 0x1000, 0), 0x10000);
	ntvm_destroy(vm);
}

TEST(general_search_edges)
{
	ntvm *vm = ntvm_create(NULL);
	uint64_t max = ntvm_max_address(vm);
	CHECK_EQ_U64(ntvm_find_free(vm, 0x1000, 0x1000, 0, UINT64_MAX, true), max + 1 - 0x1000);
	CHECK_EQ_U64(ntvm_find_free(vm, 0x1000, 0x10000, 0, UINT64_MAX, true), max + 1 - 0x10000);
	CHECK_EQ_U64(ntvm_find_free(vm, 0x1000, 0x1000, 0, UINT64_MAX, false), 0x10000);
	CHECK_EQ_U64(ntvm_find_free(vm, 0x1000, 0x800, 0, UINT64_MAX, false), 0);  /* alignment < page */
	CHECK_EQ_U64(ntvm_find_free(vm, 0x1000, 0x3000, 0, UINT64_MAX, false), 0); /* not a power of two */
	CHECK_EQ_U64(ntvm_find_free(vm, 0, 0x1000, 0, UINT64_MAX, false), 0);
	CHECK_EQ_U64(ntvm_find_free(vm, 0x1000, 0x1000, 0x30000, 0x20000, false), 0);
	CHECK_EQ_U64(ntvm_find_free(vm, 0x2000, 0x1000, 0x30000, 0x30FFF, false), 0);
	CHECK_EQ_U64(ntvm_find_free(vm, 0x1000, 0x1000, 0x30000, 0x30FFF, true), 0x30000);
	/* zero_bits style window below 4 GiB, top-down */
	CHECK_EQ_U64(ntvm_find_free(vm, 0x20000, 0x10000, 0, 0xFFFFFFFF, true), 0xFFFE0000ull);
	CHECK_OK(ntvm_allocate_at(vm, 0xFFFF0000ull, 0x1000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_EQ_U64(ntvm_find_free(vm, 0x20000, 0x10000, 0, 0xFFFFFFFF, true), 0xFFFD0000ull);
	CHECK_EQ_U64(ntvm_find_free(vm, 0x10000, 0x10000, 0x100000000ull, UINT64_MAX, false), 0x100000000ull);
	CHECK_EQ_U64(ntvm_find_free(vm, UINT64_MAX, 0x1000, 0, UINT64_MAX, false), 0);
	CHECK_EQ_U64(ntvm_find_free(vm, 0x1000, 1ull << 63, 0, UINT64_MAX, false), 0);
	ntvm_destroy(vm);
}

TEST(full_space_has_no_room)
{
	ntvm_config cfg = { .address_profile = NTVM_ADDRESS_32 };
	ntvm *vm = ntvm_create(&cfg);
	uint64_t max = ntvm_max_address(vm);
	CHECK_OK(ntvm_allocate_at(vm, 0x10000, max + 1 - 0x10000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_EQ_U64(ntvm_find_free(vm, 0x1000, 0x1000, 0, UINT64_MAX, false), 0);
	CHECK_EQ_U64(ntvm_find_free(vm, 0x1000, 0x1000, 0, UINT64_MAX, true), 0);
	CHECK_EQ_U64(ntvm_allocate(vm, 0x1000, NTVM_PERM_RW, false, 0, NTVM_KIND_PRIVATE), 0);
	CHECK_OK(ntvm_release(vm, 0x50000000, 0x20000));
	CHECK_EQ_U64(ntvm_find_free(vm, 0x1000, 0x1000, 0, UINT64_MAX, false), 0x50000000);
	CHECK_EQ_U64(ntvm_find_free(vm, 0x10000, 0x1000, 0, UINT64_MAX, true), 0x50010000);
	CHECK_EQ_U64(ntvm_find_free(vm, 0x20001, 0x1000, 0, UINT64_MAX, true), 0);
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST(many_reservations_stay_logarithmic)
{
	ntvm *vm = ntvm_create(NULL);
	/* 20000 one-page reservations, each in its own granule: every gap is
	 * zero except the tail, which a linear scan would reach last */
	for (uint64_t i = 0; i < 20000; i++)
		CHECK_OK(ntvm_allocate_at(vm, 0x10000 + i * GR, PG, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_INV(vm);
	uint64_t expect = 0x10000 + 20000 * GR;
	for (int q = 0; q < 20000; q++)
		CHECK_EQ_U64(ntvm_find_free(vm, 0x20000, GR, 0, UINT64_MAX, false), expect);
	for (int q = 0; q < 20000; q++)
		CHECK_EQ_U64(ntvm_allocate(vm, PG, NTVM_PERM_RW, true, 0x10000, NTVM_KIND_PRIVATE), expect + (uint64_t) q * GR);
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST_MAIN(TEST_CASE(matches_brute_force_64), TEST_CASE(matches_brute_force_32),
          TEST_CASE(allocation_base_defaults_and_start), TEST_CASE(general_search_edges),
          TEST_CASE(full_space_has_no_room), TEST_CASE(many_reservations_stay_logarithmic))
