/*
 * test_replay_state.c -- the replayer's "a failing call changed nothing"
 * check and its $n guarantee checks, on states built with the manager API:
 * every kind of change must be caught, and only the two legitimate ones
 * (a guard bit cleared by a guard fault, bytes written before a fault) may
 * be excused.
 */
#include <string.h>

#include <ntvm/ntvm.h>

#include "replay_internal.h"
#include "test.h"

#define BASE 0x100000000000ull

static ntvm *vm_with_allocation(void)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK(vm != NULL);
	CHECK(ntvm_allocate_at(vm, BASE, 0x20000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE) == NTVM_OK);
	CHECK(ntvm_commit(vm, BASE, 0x3000, NTVM_PERM_RW) == NTVM_OK);
	return vm;
}

static void picture(replay_state *s, const ntvm *vm, const replay_overlay *overlay)
{
	replay_state_take(s, vm);
	replay_state_hash(s, vm, BASE, BASE + 0x20000, overlay);
}

TEST(same_state_is_equal)
{
	ntvm *vm = vm_with_allocation();
	replay_state a = { 0 }, b = { 0 };
	char why[300] = "";
	picture(&a, vm, NULL);
	picture(&b, vm, NULL);
	CHECK(replay_state_equal(&a, &b, UINT64_MAX, why, sizeof why));
	CHECK(a.count >= 2); /* committed and reserved parts */
	CHECK(replay_state_find(&a, BASE + 0x1000) != NULL);
	CHECK(replay_state_find(&a, BASE + 0x20000) == NULL);
	replay_state_free(&a);
	replay_state_free(&b);
	ntvm_destroy(vm);
}

TEST(protection_change_is_caught)
{
	ntvm *vm = vm_with_allocation();
	replay_state a = { 0 }, b = { 0 };
	char why[300] = "";
	picture(&a, vm, NULL);
	CHECK(ntvm_protect(vm, BASE + 0x1000, 0x1000, NTVM_PERM_READ, NULL) == NTVM_OK);
	picture(&b, vm, NULL);
	CHECK(!replay_state_equal(&a, &b, UINT64_MAX, why, sizeof why));
	CHECK(strstr(why, "state changed at 0x100000001000") != NULL);
	replay_state_free(&a);
	replay_state_free(&b);
	ntvm_destroy(vm);
}

TEST(release_and_decommit_are_caught)
{
	ntvm *vm = vm_with_allocation();
	replay_state a = { 0 }, b = { 0 };
	char why[300] = "";
	picture(&a, vm, NULL);
	CHECK(ntvm_decommit(vm, BASE + 0x2000, 0x1000) == NTVM_OK);
	picture(&b, vm, NULL);
	CHECK(!replay_state_equal(&a, &b, UINT64_MAX, why, sizeof why));
	picture(&a, vm, NULL);
	CHECK(ntvm_release(vm, BASE, 0) == NTVM_OK);
	picture(&b, vm, NULL);
	why[0] = '\0';
	CHECK(!replay_state_equal(&a, &b, UINT64_MAX, why, sizeof why));
	CHECK(strstr(why, "now free") != NULL);
	replay_state_free(&a);
	replay_state_free(&b);
	ntvm_destroy(vm);
}

TEST(remembered_protection_of_reserved_pages_is_compared)
{
	ntvm *vm = vm_with_allocation();
	replay_state a = { 0 }, b = { 0 };
	char why[300] = "";
	CHECK(ntvm_decommit(vm, BASE + 0x2000, 0x1000) == NTVM_OK);
	picture(&a, vm, NULL);
	/* Commit read-only and decommit again: still reserved, but the page
	 * now remembers PAGE_READONLY (Wine reports reserved runs by it). */
	CHECK(ntvm_commit(vm, BASE + 0x2000, 0x1000, NTVM_PERM_READ) == NTVM_OK);
	CHECK(ntvm_decommit(vm, BASE + 0x2000, 0x1000) == NTVM_OK);
	picture(&b, vm, NULL);
	CHECK(!replay_state_equal(&a, &b, UINT64_MAX, why, sizeof why));
	CHECK(strstr(why, "state changed at 0x100000002000") != NULL);
	CHECK(strstr(why, "last 0x3") != NULL && strstr(why, "last 0x1") != NULL);
	replay_state_free(&a);
	replay_state_free(&b);
	ntvm_destroy(vm);
}

TEST(guard_clear_is_excused_on_its_page_only)
{
	ntvm *vm = vm_with_allocation();
	replay_state a = { 0 }, b = { 0 };
	char why[300] = "";
	CHECK(ntvm_protect(vm, BASE, 0x3000, NTVM_PERM_RW | NTVM_PERM_GUARD, NULL) == NTVM_OK);
	picture(&a, vm, NULL);
	CHECK(ntvm_clear_guard(vm, BASE + 0x1000));
	picture(&b, vm, NULL);
	CHECK(replay_state_equal(&a, &b, BASE + 0x1000, why, sizeof why));
	CHECK(!replay_state_equal(&a, &b, UINT64_MAX, why, sizeof why));
	why[0] = '\0';
	CHECK(!replay_state_equal(&a, &b, BASE + 0x2000, why, sizeof why));
	CHECK(strstr(why, "0x100000001000") != NULL);
	replay_state_free(&a);
	replay_state_free(&b);
	ntvm_destroy(vm);
}

TEST(guard_excuse_needs_a_guard_page)
{
	ntvm *vm = vm_with_allocation();
	replay_state a = { 0 }, b = { 0 };
	char why[300] = "";
	picture(&a, vm, NULL);
	picture(&b, vm, NULL);
	CHECK(!replay_state_equal(&a, &b, BASE + 0x1000, why, sizeof why));
	CHECK(strstr(why, "without PAGE_GUARD") != NULL);
	replay_state_free(&a);
	replay_state_free(&b);
	ntvm_destroy(vm);
}

TEST(contents_change_is_caught_and_overlay_excuses_it)
{
	ntvm *vm = vm_with_allocation();
	replay_state a = { 0 }, b = { 0 };
	char why[300] = "";
	picture(&a, vm, NULL);
	uint8_t old[2] = { 0, 0 }, new_bytes[2] = { 0x11, 0x22 };
	CHECK(ntvm_write(vm, BASE + 0x1ffe, new_bytes, 2, NULL) == NTVM_OK);
	picture(&b, vm, NULL);
	CHECK(!replay_state_equal(&a, &b, UINT64_MAX, why, sizeof why));
	CHECK(strstr(why, "contents changed") != NULL);
	replay_overlay all = { BASE + 0x1ffe, old, 2 }, one = { BASE + 0x1ffe, old, 1 };
	picture(&b, vm, &all);
	CHECK(replay_state_equal(&a, &b, UINT64_MAX, why, sizeof why));
	picture(&b, vm, &one);
	CHECK(!replay_state_equal(&a, &b, UINT64_MAX, why, sizeof why));
	replay_state_free(&a);
	replay_state_free(&b);
	ntvm_destroy(vm);
}

TEST(range_free)
{
	ntvm *vm = vm_with_allocation();
	replay_state a = { 0 };
	picture(&a, vm, NULL);
	CHECK(!replay_state_range_free(&a, BASE, 0x1000));
	CHECK(!replay_state_range_free(&a, BASE - 0x1000, 0x2000));
	CHECK(replay_state_range_free(&a, BASE + 0x20000, 0x10000));
	CHECK(replay_state_range_free(&a, BASE - 0x10000, 0x10000));
	CHECK(!replay_state_range_free(&a, UINT64_MAX - 0xfff, 0x2000)); /* wraps */
	replay_state_free(&a);
	ntvm_destroy(vm);
}

static bool chosen_ok(const ntvm *vm, const replay_state *before, uint32_t type,
                      uint64_t zero_bits, uint64_t base, uint64_t size, char *why)
{
	struct replay_args a = { 0 };
	a.type = type;
	a.zero_bits = zero_bits;
	why[0] = '\0';
	return replay_check_chosen_base(vm, before, &a, base, size, why, 300);
}

TEST(chosen_base_guarantees)
{
	ntvm *vm = vm_with_allocation();
	replay_state a = { 0 };
	char why[300];
	picture(&a, vm, NULL);
	uint32_t reserve = NTVM_MEM_RESERVE;
	CHECK(chosen_ok(vm, &a, reserve, 0, 0x100000000ull, 0x1000, why));
	CHECK(!chosen_ok(vm, &a, reserve, 0, 0x100001000ull, 0x1000, why));
	CHECK(strstr(why, "not 64 KiB aligned") != NULL);
	CHECK(!chosen_ok(vm, &a, reserve, 0, BASE, 0x1000, why));
	CHECK(strstr(why, "overlaps a live allocation") != NULL);
	CHECK(!chosen_ok(vm, &a, reserve, 0, 0x7ffffffe0000ull, 0x20000, why));
	CHECK(strstr(why, "outside the address space") != NULL);
	CHECK(!chosen_ok(vm, &a, reserve, 0, 0, 0x1000, why));
	/* zero_bits 1: below 2 GiB; a mask above 31: below its highest bit. */
	CHECK(chosen_ok(vm, &a, reserve, 1, 0x7fff0000ull, 0x10000, why));
	CHECK(!chosen_ok(vm, &a, reserve, 1, 0x80000000ull, 0x1000, why));
	CHECK(strstr(why, "zero_bits limit 0x7fffffff") != NULL);
	CHECK(chosen_ok(vm, &a, reserve, 0x3fffffffffull, 0x3fffff0000ull, 0x10000, why));
	CHECK(!chosen_ok(vm, &a, reserve, 0x3fffffffffull, 0x4000000000ull, 0x1000, why));
	replay_state_free(&a);
	ntvm_destroy(vm);
}

TEST(top_down_must_be_highest)
{
	ntvm *vm = vm_with_allocation();
	replay_state a = { 0 };
	char why[300];
	uint32_t td = NTVM_MEM_RESERVE | NTVM_MEM_TOP_DOWN;
	picture(&a, vm, NULL);
	CHECK(chosen_ok(vm, &a, td, 0, 0x7ffffffe0000ull, 0x10000, why));
	CHECK(chosen_ok(vm, &a, td, 0, 0x7ffffffe0000ull, 0x3000, why));
	CHECK(!chosen_ok(vm, &a, td, 0, 0x7ffffffd0000ull, 0x10000, why));
	CHECK(strstr(why, "highest free place is 0x7ffffffe0000") != NULL);
	/* Occupy the top granule: the next one down is the highest. */
	CHECK(ntvm_allocate_at(vm, 0x7ffffffe0000ull, 0x1000, NTVM_PERM_RW, true,
	                       NTVM_KIND_PRIVATE) == NTVM_OK);
	picture(&a, vm, NULL);
	CHECK(chosen_ok(vm, &a, td, 0, 0x7ffffffd0000ull, 0x10000, why));
	CHECK(!chosen_ok(vm, &a, td, 0, 0x7ffffffc0000ull, 0x10000, why));
	/* zero_bits with top-down: the highest place below the limit. */
	CHECK(chosen_ok(vm, &a, td, 1, 0x7fff0000ull, 0x10000, why));
	CHECK(!chosen_ok(vm, &a, td, 1, 0x7ffe0000ull, 0x10000, why));
	replay_state_free(&a);
	ntvm_destroy(vm);
}

TEST(why_accumulates)
{
	char why[16] = "";
	replay_why_add(why, sizeof why, "first");
	replay_why_add(why, sizeof why, "second");
	CHECK(strcmp(why, "first; second") == 0);
	replay_why_add(why, sizeof why, "third, cut");
	CHECK(strlen(why) == sizeof why - 1);
}

TEST_MAIN(TEST_CASE(same_state_is_equal), TEST_CASE(protection_change_is_caught),
          TEST_CASE(release_and_decommit_are_caught),
          TEST_CASE(remembered_protection_of_reserved_pages_is_compared),
          TEST_CASE(guard_clear_is_excused_on_its_page_only),
          TEST_CASE(guard_excuse_needs_a_guard_page),
          TEST_CASE(contents_change_is_caught_and_overlay_excuses_it), TEST_CASE(range_free),
          TEST_CASE(chosen_base_guarantees), TEST_CASE(top_down_must_be_highest),
          TEST_CASE(why_accumulates))
