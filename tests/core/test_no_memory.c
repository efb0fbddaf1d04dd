/*
 * test_no_memory.c -- host allocation failures.  The core's allocations go
 * through ntvm__heap (core/src/heap.c); here the Nth one from a point on
 * fails, for N = 1, 2, ... until the operation succeeds.  Every failure must
 * be NTVM_E_NO_MEMORY (NTVM_E_BACKEND when the embedded backend's own
 * allocation failed), with the digest unchanged and every invariant intact.
 */
#include <stdlib.h>

#include "core_test.h"
#include "manager.h"

#define BASE 0xE0000000ull

static long countdown; /* allocations left before one fails; < 0: never */
static unsigned failures;

static bool fail_now(void)
{
	if (countdown < 0 || countdown-- > 0)
		return false;
	failures++;
	return true;
}

static void *t_malloc(size_t n) { return fail_now() ? NULL : malloc(n); }
static void *t_calloc(size_t n, size_t s) { return fail_now() ? NULL : calloc(n, s); }
static void *t_realloc(void *p, size_t n) { return fail_now() ? NULL : realloc(p, n); }

typedef ntvm_status (*op_fn)(ntvm *vm, void *arg);

/* Run op with allocation N failing until it succeeds; returns the number of
 * failed attempts. */
static unsigned exhaust(ntvm *vm, op_fn op, void *arg, const char *name)
{
	struct ntvm__heap_hooks saved = ntvm__heap;
	ntvm__heap = (struct ntvm__heap_hooks){ t_malloc, t_calloc, t_realloc };
	unsigned n;
	for (n = 0; n < 200; n++) {
		uint64_t before = ntvm_test_digest(vm);
		countdown = n;
		failures = 0;
		ntvm_status st = op(vm, arg);
		countdown = -1;
		CHECK_INV(vm);
		if (failures == 0)
			CHECK_EQ_U64(st, NTVM_OK);
		if (st == NTVM_OK)
			break; /* (a failed allocation may be optional: spare capacity) */
		if (st != NTVM_E_NO_MEMORY && st != NTVM_E_BACKEND)
			fprintf(stderr, "%s: allocation %u: %s\n", name, n, ntvm_status_name(st));
		CHECK(st == NTVM_E_NO_MEMORY || st == NTVM_E_BACKEND);
		CHECK_EQ_U64(ntvm_test_digest(vm), before);
	}
	ntvm__heap = saved;
	return n;
}

/* 128 pages: more than NTVM__INLINE_PAGES, so a partial decommit needs a
 * bitmap block (the 16-page reservation at BASE keeps its bitmap in the node). */
static ntvm_status op_alloc(ntvm *vm, void *arg)
{
	return ntvm_allocate_at(vm, BASE + 0x100000 * (uint64_t) (uintptr_t) arg, 0x80000, NTVM_PERM_RW, false,
	                        NTVM_KIND_PRIVATE);
}

static ntvm_status op_commit(ntvm *vm, void *arg)
{
	return ntvm_commit(vm, BASE + 0x3000, 0x2000, NTVM_PERM_RX);
}

static ntvm_status op_decommit(ntvm *vm, void *arg)
{
	return ntvm_decommit(vm, BASE + 0x100000 + 0x5000, 0x1000);
}

static ntvm_status op_protect(ntvm *vm, void *arg)
{
	return ntvm_protect(vm, BASE + 0x100000 + 0x8000, 0x1000, NTVM_PERM_READ | NTVM_PERM_GUARD, NULL);
}

static ntvm_status op_clear_guard(ntvm *vm, void *arg)
{
	return ntvm_clear_guard(vm, BASE + 0x100000 + 0x8000) ? NTVM_OK : NTVM_E_NO_MEMORY;
}

static ntvm_status op_clear_reserved_guard(ntvm *vm, void *arg)
{
	return ntvm_clear_reserved_guard(vm, BASE + 0x300000 + 0x1000, NULL);
}

static ntvm_status op_release(ntvm *vm, void *arg)
{
	return ntvm_release(vm, BASE + 0x100000 + 0x4000, 0x2000);
}

static ntvm_status op_mmio(ntvm *vm, void *arg)
{
	return ntvm_allocate_mmio(vm, BASE + 0x800000, 0x1000, NULL, NULL, NULL);
}

static ntvm_status op_write(ntvm *vm, void *arg)
{
	uint8_t data[0x3000];
	memset(data, 0x61, sizeof data);
	return ntvm_write(vm, BASE + 0x100000 + 0x10000, data, sizeof data, NULL);
}

static ntvm_status op_serialize(ntvm *vm, void *arg)
{
	ntvm_buffer *b = arg;
	b->size = 0;
	return ntvm_serialize(vm, false, b);
}

static ntvm_status op_deserialize(ntvm *vm, void *arg)
{
	const ntvm_buffer *b = arg;
	return ntvm_deserialize(vm, b->data, b->size, false, NULL);
}

TEST(every_allocation_failure_changes_nothing)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x10000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK(exhaust(vm, op_alloc, (void *) (uintptr_t) 1, "allocate") >= 1);
	CHECK(exhaust(vm, op_commit, NULL, "commit") >= 1);
	CHECK(exhaust(vm, op_commit, NULL, "commit again") == 0);
	CHECK(exhaust(vm, op_decommit, NULL, "decommit") >= 1);
	CHECK(exhaust(vm, op_protect, NULL, "protect") >= 1);
	CHECK(exhaust(vm, op_clear_guard, NULL, "clear_guard") <= 3); /* backend spares only */
	CHECK_OK(ntvm_allocate_at(vm, BASE + 0x300000, 0x3000, NTVM_PERM_RW | NTVM_PERM_GUARD, true,
	                          NTVM_KIND_PRIVATE));
	CHECK(exhaust(vm, op_clear_reserved_guard, NULL, "clear_reserved_guard") == 1);
	CHECK(exhaust(vm, op_write, NULL, "write") >= 1);
	CHECK(exhaust(vm, op_release, NULL, "release") >= 2);
	CHECK(exhaust(vm, op_mmio, NULL, "mmio") >= 2);
	ntvm_buffer snap = { 0 };
	CHECK(exhaust(vm, op_serialize, &snap, "serialize") >= 1);
	ntvm *other = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(other, 0x10000, 0x3000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	CHECK(ntvm_try_write(other, 0x10010, "x", 1));
	CHECK(exhaust(other, op_deserialize, &snap, "deserialize") >= 4);
	CHECK_EQ_U64(ntvm_test_digest(other), ntvm_test_digest(vm));
	ntvm_buffer_free(&snap);
	ntvm_destroy(other);
	ntvm_destroy(vm);
}

TEST(create_fails_cleanly)
{
	struct ntvm__heap_hooks saved = ntvm__heap;
	ntvm__heap = (struct ntvm__heap_hooks){ t_malloc, t_calloc, t_realloc };
	int nulls = 0;
	for (long n = 0; n < 10; n++) {
		countdown = n;
		ntvm *vm = ntvm_create(NULL);
		countdown = -1;
		if (vm == NULL) {
			nulls++;
			continue;
		}
		ntvm_destroy(vm);
		break;
	}
	ntvm__heap = saved;
	CHECK(nulls >= 2);
}

TEST_MAIN(TEST_CASE(every_allocation_failure_changes_nothing), TEST_CASE(create_fails_cleanly))
