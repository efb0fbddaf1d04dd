/*
 * test_nt_random.c -- random NT calls with edge values (page and granule
 * edges, the highest user address, sizes near 2^64) in every behaviour and
 * address profile.  Checks: nothing crashes or leaks (sanitizers), every
 * failing call leaves the digest and its outputs unchanged (the wrappers),
 * the manager's invariants hold after every call (oracle/invariants.h), and
 * successful calls return page-aligned results inside the user space.
 */
#include "invariants.h"
#include "nt_test.h"

static uint64_t rng_state;
static int successes[4]; /* alloc, free, protect, access */

static uint64_t rnd(void)
{
	return test_xorshift(&rng_state);
}

static uint64_t pick(const uint64_t *v, size_t n)
{
	return v[rnd() % n];
}

static uint64_t recent[16];

static void remember(uint64_t base)
{
	recent[rnd() % 16] = base;
}

static uint64_t rnd_address(const ntvm *vm)
{
	uint64_t r = recent[rnd() % 16];
	if (r && rnd() % 2)
		return r + (rnd() % 4) * 0x1000 + (rnd() % 8 ? 0 : rnd() % 0x1000);
	static const uint64_t edges[] = { 0, 1, 0xFFF, 0x1000, 0xFFFF, 0x10000, 0x7FFEFFFF,
	                                  0x7FFF0000, 0xFFFEFFFF, 0x7FFFFFFEFFFFull,
	                                  0x7FFFFFFF0000ull, 0x800000000000ull, ~0ull, ~0ull - 0xFFF };
	uint64_t max = ntvm_max_address(vm);
	uint64_t arena = max > 0x100000000ull ? X : 0x40000000ull;
	switch (rnd() % 4) {
	case 0:
		return pick(edges, sizeof edges / sizeof edges[0]);
	case 1:
		return max - (rnd() % 0x30000);
	default:
		return arena + (rnd() % 0x80000) - (rnd() % 2 ? rnd() % 0x2000 : 0);
	}
}

static uint64_t rnd_size(void)
{
	static const uint64_t edges[] = { 0, 1, 0xFFF, 0x1000, 0x1001, 0x2000, 0xFFFF, 0x10000,
	                                  0x10001, 0x30000, ~0ull, ~0ull - 0xFFF, 0x800000000000ull,
	                                  0x7FFFFFFF0000ull };
	return rnd() % 4 ? (rnd() % 0x20) * 0x800 + (rnd() % 2) : pick(edges, sizeof edges / sizeof edges[0]);
}

static uint32_t rnd_prot(void)
{
	static const uint32_t v[] = { 1, 2, 4, 4, 4, 0x10, 0x20, 0x40, 0x40, 2, 4, 8, 0x80, 0, 0x14,
	                              0x104, 0x204, 0x404, 0x101, 0x604, 0x804, 0x302 };
	return v[rnd() % (sizeof v / sizeof v[0])];
}

static uint32_t rnd_type(void)
{
	static const uint32_t v[] = { 0x1000, 0x2000, 0x3000, 0x3000, 0x80000, 0x1000000, 0x102000,
	                              0x203000, 0x81000, 0, 0x40003000, 0x4000, 0x8000, 0xC000 };
	return v[rnd() % (sizeof v / sizeof v[0])];
}

static void check_success(const ntvm *vm, const nt_out *o, bool sized)
{
	if (o->st != S_OK)
		return;
	CHECK_EQ_U64(o->base & 0xFFF, 0);
	CHECK_EQ_U64(o->size & 0xFFF, 0);
	CHECK(o->base >= NTVM_MIN_ADDRESS);
	if (sized)
		CHECK(o->size <= ntvm_max_address(vm) + 1 - o->base);
}

static void one_call(ntvm *vm)
{
	uint8_t buf[64];
	uint64_t fault;
	nt_out o;
	switch (rnd() % 6) {
	case 0:
	case 1:
		o = nt_alloc_zb(vm, rnd() % 4 ? rnd_address(vm) : 0, rnd_size(), rnd_type(), rnd_prot(),
		                rnd() % 8 ? 0 : rnd() % 40);
		check_success(vm, &o, true);
		successes[0] += o.st == S_OK;
		if (o.st == S_OK)
			remember(o.base);
		break;
	case 2:
		o = nt_free(vm, rnd_address(vm), rnd() % 3 ? 0 : rnd_size(),
		            rnd() % 8 ? 0x4000u << (rnd() % 2) : rnd_type());
		check_success(vm, &o, false);
		successes[1] += o.st == S_OK;
		break;
	case 3:
		o = nt_prot(vm, rnd_address(vm), rnd_size(), rnd_prot());
		check_success(vm, &o, false);
		successes[2] += o.st == S_OK;
		break;
	case 4: {
		ntvm_memory_basic_information m;
		if (nt_query(vm, rnd_address(vm), &m) == S_OK)
			CHECK(m.RegionSize > 0 && (m.BaseAddress & 0xFFF) == 0);
		break;
	}
	default:
		if (rnd() % 2)
			successes[3] += nt_read(vm, rnd_address(vm), buf, 1 + rnd() % 64, &fault) == S_OK;
		else
			successes[3] += nt_write(vm, rnd_address(vm), (uint8_t)rnd(), 1 + rnd() % 64,
			                         &fault) == S_OK;
		break;
	}
}

static void run(ntvm_behaviour b, ntvm_address_profile p, uint64_t seed, int calls)
{
	ntvm *vm = nt_vm_profile(b, p);
	rng_state = seed;
	memset(successes, 0, sizeof successes);
	memset(recent, 0, sizeof recent);
	char why[256];
	for (int i = 0; i < calls; i++) {
		one_call(vm);
		if (!ntvm_check_invariants(vm, why, sizeof why)) {
			fprintf(stderr, "seed %" PRIu64 " call %d: %s\n", seed, i, why);
			test_failed_checks++;
			break;
		}
	}
	ntvm_destroy(vm);
	/* the sequence must exercise successes of every call, not just errors */
	for (int k = 0; k < 4; k++)
		CHECK(successes[k] > calls / 100);
	printf("     %d calls: %d allocs, %d frees, %d protects, %d accesses succeeded\n", calls,
	       successes[0], successes[1], successes[2], successes[3]);
}

TEST(random_windows_64) { run(WIN, NTVM_ADDRESS_64, 0x9E3779B97F4A7C15ull, 3000); }
TEST(random_wine_64) { run(WINE, NTVM_ADDRESS_64, 0xD1B54A32D192ED03ull, 3000); }
TEST(random_windows_32) { run(WIN, NTVM_ADDRESS_32, 0x94D049BB133111EBull, 1500); }
TEST(random_wine_32_large) { run(WINE, NTVM_ADDRESS_32_LARGE, 0xBF58476D1CE4E5B9ull, 1500); }

TEST_MAIN(TEST_CASE(random_windows_64), TEST_CASE(random_wine_64), TEST_CASE(random_windows_32),
          TEST_CASE(random_wine_32_large))
