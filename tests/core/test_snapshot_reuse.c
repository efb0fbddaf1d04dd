/*
 * test_snapshot_reuse.c -- snapshot loads that rebuild in the tree the
 * previous load replaced (vm->retired, core/src/snapshot_load.c).  Loads
 * alternating between states of different shapes must give exactly the
 * snapshot's state every time: a reused bitmap block starts clear, blocks
 * of another size are not reused, MMIO records are never reused; the nodes
 * are taken in order; a larger replaced tree is freed; a load that fails
 * after taking retired nodes, or runs out of memory, changes nothing.
 * (ASan's leak check covers the blocks left over.)
 */
#include <stdlib.h>

#include "core_test.h"
#include "manager.h"

#define BASE 0x70000000ull
#define MB 0x100000ull

static uint8_t mmio_value;

static void mmio_read(void *user, uint64_t address, void *data, size_t size)
{
	(void) address;
	memset(data, *(uint8_t *) user, size);
}

/* Accepts everything: metadata-only loads, checked by the invariants
 * without the embedded backend's mapping check. */
static int nop_map(void *c, uint64_t a, uint64_t s, ntvm_perm p) { (void) c; (void) a; (void) s; (void) p; return 0; }
static void nop_unmap(void *c, uint64_t a, uint64_t s) { (void) c; (void) a; (void) s; }
static int nop_read(void *c, uint64_t a, void *d, size_t s) { (void) c; (void) a; memset(d, 0, s); return 0; }
static int nop_write(void *c, uint64_t a, const void *d, size_t s) { (void) c; (void) a; (void) d; (void) s; return 0; }
static const ntvm_backend nop_backend = { .map = nop_map, .unmap = nop_unmap, .protect = nop_map,
	                                  .read = nop_read, .write = nop_write };

static ntvm *new_vm(bool nop)
{
	ntvm_config cfg = { .backend = nop ? &nop_backend : NULL };
	return ntvm_create(&cfg);
}

/* Shape A: a 128-page reservation with a bitmap block and a protection
 * array, a small mixed one (bitmap in the node), a committed one with a
 * protection array of 32 bytes, MMIO, a reserved one. */
static void build_a(ntvm *vm, bool with_mmio)
{
	CHECK_OK(ntvm_allocate_at(vm, BASE, 128 * PG, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_commit(vm, BASE, 100 * PG, NTVM_PERM_RW));
	CHECK_OK(ntvm_protect(vm, BASE + 7 * PG, 3 * PG, NTVM_PERM_READ, NULL));
	CHECK(ntvm_try_write(vm, BASE + 8 * PG, "a", 1));
	CHECK_OK(ntvm_allocate_at(vm, BASE + MB, 16 * PG, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_commit(vm, BASE + MB, PG, NTVM_PERM_RW));
	CHECK_OK(ntvm_commit(vm, BASE + MB + 15 * PG, PG, NTVM_PERM_READ));
	CHECK_OK(ntvm_allocate_at(vm, BASE + 2 * MB, 32 * PG, NTVM_PERM_RX, false, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_protect(vm, BASE + 2 * MB + 31 * PG, PG, NTVM_PERM_READ, NULL));
	if (with_mmio)
		CHECK_OK(ntvm_allocate_mmio(vm, BASE + 3 * MB, 2 * PG, mmio_read, NULL, &mmio_value));
	CHECK_OK(ntvm_allocate_at(vm, BASE + 4 * MB, 200 * PG, NTVM_PERM_READ, true, NTVM_KIND_PRIVATE));
}

/* Shape B, reservation for reservation: the 128-page one with one
 * committed page (same bitmap block size, no protection array), the small
 * one reserved, a 200-page mixed one with a protection array (other sizes),
 * a private region where A has MMIO, then more reservations than A has. */
static void build_b(ntvm *vm)
{
	CHECK_OK(ntvm_allocate_at(vm, BASE, 128 * PG, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_commit(vm, BASE + 120 * PG, PG, NTVM_PERM_RW));
	CHECK_OK(ntvm_allocate_at(vm, BASE + MB, 16 * PG, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_allocate_at(vm, BASE + 2 * MB, 200 * PG, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_commit(vm, BASE + 2 * MB + 10 * PG, 50 * PG, NTVM_PERM_RW));
	CHECK_OK(ntvm_protect(vm, BASE + 2 * MB + 20 * PG, PG, NTVM_PERM_READ | NTVM_PERM_GUARD, NULL));
	CHECK_OK(ntvm_allocate_at(vm, BASE + 3 * MB, 2 * PG, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	for (uint64_t i = 0; i < 6; i++)
		CHECK_OK(ntvm_allocate_at(vm, BASE + (5 + i) * MB, (i + 1) * GR, NTVM_PERM_RW, i & 1,
		                          NTVM_KIND_PRIVATE));
}

static void snapshot_of(void (*build)(ntvm *), bool is_snapshot, ntvm_buffer *out, uint64_t *digest)
{
	ntvm *vm = new_vm(false);
	build(vm);
	CHECK_OK(ntvm_serialize(vm, is_snapshot, out));
	*digest = ntvm_test_digest(vm);
	ntvm_destroy(vm);
}

static void build_a_mmio(ntvm *vm) { build_a(vm, true); }
static void build_a_plain(ntvm *vm) { build_a(vm, false); }

/* Snapshots of shapes A and B and the digests of their states. */
struct shapes {
	ntvm_buffer a, b;
	uint64_t da, db;
};

static void shapes_take(struct shapes *s, bool is_snapshot, bool mmio)
{
	*s = (struct shapes){ 0 };
	snapshot_of(mmio ? build_a_mmio : build_a_plain, is_snapshot, &s->a, &s->da);
	snapshot_of(build_b, is_snapshot, &s->b, &s->db);
}

static void shapes_free(struct shapes *s)
{
	ntvm_buffer_free(&s->a);
	ntvm_buffer_free(&s->b);
}

/* Load s into vm and check that vm is exactly s's state. */
static void load_exact(ntvm *vm, const ntvm_buffer *s, bool is_snapshot, uint64_t digest)
{
	ntvm_snapshot_error err = { 0 };
	CHECK_OK(ntvm_deserialize(vm, s->data, s->size, is_snapshot, &err));
	CHECK_INV(vm);
	if (!is_snapshot)
		CHECK_EQ_U64(ntvm_test_digest(vm), digest);
	ntvm_buffer again = { 0 };
	CHECK_OK(ntvm_serialize(vm, is_snapshot, &again));
	CHECK(again.size == s->size && memcmp(again.data, s->data, s->size) == 0);
	ntvm_buffer_free(&again);
}

static void alternate(bool is_snapshot)
{
	struct shapes s;
	shapes_take(&s, is_snapshot, is_snapshot);
	ntvm *vm = new_vm(is_snapshot);
	for (int round = 0; round < 6; round++) {
		bool use_a = round % 3 != 1; /* A, B, A, A, B, A: reuse across and within shapes */
		load_exact(vm, use_a ? &s.a : &s.b, is_snapshot, use_a ? s.da : s.db);
	}
	shapes_free(&s);
	ntvm_destroy(vm);
}

TEST(alternating_full_loads_are_exact)
{
	alternate(false);
}

TEST(alternating_metadata_loads_are_exact)
{
	alternate(true);
}

static size_t tree_nodes(const struct ntvm__res *root, struct ntvm__res **out, size_t max)
{
	struct ntvm__iter it;
	struct ntvm__res *r;
	size_t n = 0;
	NTVM__FOR_EACH(it, r, root)
		if (n < max)
			out[n++] = r;
	return n;
}

/* The second load of a snapshot builds in the nodes of the first, in order;
 * a load that replaces a state holding more metadata frees it instead. */
TEST(nodes_are_reused_in_order_and_larger_trees_freed)
{
	struct shapes s;
	shapes_take(&s, false, false);
	ntvm *vm = new_vm(false);
	struct ntvm__res *first[16], *now[16];
	load_exact(vm, &s.a, false, s.da);
	size_t n = tree_nodes(vm->root, first, 16);
	CHECK(vm->retired == NULL); /* the empty manager had no tree */
	load_exact(vm, &s.a, false, s.da);
	CHECK_EQ_U64(tree_nodes(vm->retired, now, 16), n);
	for (size_t i = 0; i < n; i++)
		CHECK(now[i] == first[i]);
	load_exact(vm, &s.a, false, s.da);
	CHECK_EQ_U64(tree_nodes(vm->root, now, 16), n);
	for (size_t i = 0; i < n; i++)
		CHECK(now[i] == first[i]);
	/* B holds more metadata than A: A's tree is kept; back to A: B's is not */
	load_exact(vm, &s.b, false, s.db);
	CHECK(vm->retired != NULL);
	load_exact(vm, &s.a, false, s.da);
	CHECK(vm->retired == NULL);
	/* an empty snapshot frees everything */
	ntvm_buffer empty = { 0 };
	ntvm *e = new_vm(false);
	CHECK_OK(ntvm_serialize(e, false, &empty));
	load_exact(vm, &empty, false, ntvm_test_digest(e));
	CHECK(vm->retired == NULL && vm->root == NULL);
	ntvm_destroy(e);
	ntvm_buffer_free(&empty);
	shapes_free(&s);
	ntvm_destroy(vm);
}

/* A load rejected at its last reservation has used every retired node by
 * then: it must still leave the state as it was, and later loads work. */
TEST(failed_load_after_reuse_changes_nothing)
{
	struct shapes s;
	shapes_take(&s, false, false);
	ntvm *vm = new_vm(false);
	load_exact(vm, &s.a, false, s.da);
	load_exact(vm, &s.b, false, s.db);
	CHECK(vm->retired != NULL);
	/* the last reservation of B: kind byte at its record + 16 */
	uint64_t count = 0;
	memcpy(&count, s.b.data + 40, 8);
	size_t last = 48;
	for (size_t at = 48, k = 0; k < count; k++) {
		last = at;
		uint64_t runs = 0;
		memcpy(&runs, s.b.data + at + 18, 8);
		at += 26 + runs * 10;
	}
	uint8_t *bad = malloc(s.b.size);
	memcpy(bad, s.b.data, s.b.size);
	bad[last + 16] = 9;
	ntvm_snapshot_error err = { 0 };
	uint64_t before = ntvm_test_digest(vm);
	CHECK_STATUS(ntvm_deserialize(vm, bad, s.b.size, false, &err), NTVM_E_MALFORMED);
	CHECK_EQ_U64(err.offset, last + 16);
	CHECK(err.reason && strcmp(err.reason, "bad region kind") == 0);
	CHECK_EQ_U64(ntvm_test_digest(vm), before);
	CHECK_INV(vm);
	CHECK(vm->retired == NULL);
	load_exact(vm, &s.a, false, s.da);
	load_exact(vm, &s.b, false, s.db);
	free(bad);
	shapes_free(&s);
	ntvm_destroy(vm);
}

static long countdown; /* allocations left before one fails; < 0: never */

static bool fail_now(void) { return countdown >= 0 && countdown-- == 0; }
static void *t_malloc(size_t n) { return fail_now() ? NULL : malloc(n); }
static void *t_calloc(size_t n, size_t s) { return fail_now() ? NULL : calloc(n, s); }
static void *t_realloc(void *p, size_t n) { return fail_now() ? NULL : realloc(p, n); }

/* Loading B over a retired A tree allocates what A's blocks cannot give
 * (other sizes, more nodes): each of those allocations failing in turn
 * gives NO_MEMORY with the state unchanged. */
TEST(allocation_failures_with_a_retired_tree_change_nothing)
{
	struct shapes s;
	shapes_take(&s, true, false);
	ntvm *vm = new_vm(true);
	struct ntvm__heap_hooks saved = ntvm__heap;
	long n;
	for (n = 0; n < 100; n++) {
		load_exact(vm, &s.a, true, s.da);
		load_exact(vm, &s.a, true, s.da);
		CHECK(vm->retired != NULL);
		ntvm_buffer before = { 0 };
		CHECK_OK(ntvm_serialize(vm, true, &before));
		ntvm__heap = (struct ntvm__heap_hooks){ t_malloc, t_calloc, t_realloc };
		countdown = n;
		ntvm_status st = ntvm_deserialize(vm, s.b.data, s.b.size, true, NULL);
		bool failed = countdown < 0;
		countdown = -1;
		ntvm__heap = saved;
		CHECK_INV(vm);
		if (st == NTVM_OK) {
			CHECK(!failed);
			ntvm_buffer_free(&before);
			break;
		}
		CHECK_STATUS(st, NTVM_E_NO_MEMORY);
		ntvm_buffer now = { 0 };
		CHECK_OK(ntvm_serialize(vm, true, &now));
		CHECK(now.size == before.size && memcmp(now.data, before.data, now.size) == 0);
		ntvm_buffer_free(&now);
		ntvm_buffer_free(&before);
	}
	CHECK(n >= 5); /* B needs new nodes and blocks of other sizes */
	load_exact(vm, &s.b, true, s.db);
	shapes_free(&s);
	ntvm_destroy(vm);
}

TEST_MAIN(TEST_CASE(alternating_full_loads_are_exact), TEST_CASE(alternating_metadata_loads_are_exact),
          TEST_CASE(nodes_are_reused_in_order_and_larger_trees_freed),
          TEST_CASE(failed_load_after_reuse_changes_nothing),
          TEST_CASE(allocation_failures_with_a_retired_tree_change_nothing))
