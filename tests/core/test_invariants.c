/*
 * test_invariants.c -- the invariant checker must notice broken state:
 * each case corrupts one internal field of a valid manager, expects the
 * checker to fail with a reason, then repairs it and expects success.
 */
#include "core_test.h"
#include "manager.h"

#define BASE 0xD0000000ull

static ntvm *sample(void)
{
	ntvm *vm = ntvm_create(NULL);
	for (uint64_t i = 0; i < 8; i++)
		CHECK_OK(ntvm_allocate_at(vm, BASE + i * 0x30000, 0x20000, NTVM_PERM_RW, i % 2, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_commit(vm, BASE + 0x30000, 0x3000, NTVM_PERM_READ));
	CHECK_OK(ntvm_protect(vm, BASE + 0x1000, 0x1000, NTVM_PERM_RX, NULL));
	CHECK_INV(vm);
	return vm;
}

static void expect_broken(ntvm *vm, const char *what)
{
	char why[256] = "";
	bool ok = ntvm_check_invariants(vm, why, sizeof why);
	if (ok)
		fprintf(stderr, "checker missed: %s\n", what);
	CHECK(!ok);
	CHECK(why[0] != 0);
}

#define CORRUPT(vm, field, value, what)                  \
	do {                                             \
		__typeof__(field) saved_ = (field);      \
		(field) = (value);                       \
		expect_broken((vm), (what));             \
		(field) = saved_;                        \
		CHECK_INV(vm);                           \
	} while (0)

TEST(checker_catches_corruption)
{
	ntvm *vm = sample();
	struct ntvm__res *root = vm->root;
	struct ntvm__res *mixed = ntvm__index_containing(vm->root, BASE + 0x30000);
	struct ntvm__res *arr = ntvm__index_containing(vm->root, BASE);
	CHECK(mixed && mixed->state == NTVM__MIXED && arr && arr->u.perms);
	CORRUPT(vm, root->height, (uint8_t) (root->height + 1), "height");
	CORRUPT(vm, root->max_gap, root->max_gap + 1, "max_gap");
	CORRUPT(vm, root->gap_before, root->gap_before + 1, "gap_before");
	CORRUPT(vm, root->base, root->base + 0x1000, "base moved (gap / order)");
	CORRUPT(vm, root->size, 0x20800ull, "unaligned size");
	/* 32 pages: the bitmap is in the node (no count word) */
	CHECK(ntvm__res_bits_inline(mixed));
	CORRUPT(vm, mixed->small_map, mixed->small_map ^ 0x100, "bitmap bit without mapping");
	CORRUPT(vm, mixed->small_map, mixed->small_map | (1ull << 40), "bit past the last page");
	CORRUPT(vm, mixed->small_map, 0ull, "mixed with nothing committed");
	CORRUPT(vm, mixed->state, (uint8_t) NTVM__ALL_COMMITTED, "state vs bitmap");
	CORRUPT(vm, arr->u.perms[1], (uint8_t) 0x08, "invalid page perm");
	CORRUPT(vm, arr->u.perms[2], (uint8_t) NTVM_PERM_RX, "run not maximal / backend perm");
	CORRUPT(vm, arr->initial_perm, (uint8_t) NTVM_PERM_WRITE, "initial perm");
	CORRUPT(vm, arr->kind, (uint8_t) 9, "kind");
	CORRUPT(vm, vm->stats.reserved_bytes, vm->stats.reserved_bytes + 1, "reserved stat");
	CORRUPT(vm, vm->stats.committed_bytes, 0, "committed stat");
	CORRUPT(vm, vm->stats.reservation_count, 3, "count stat");
	CORRUPT(vm, vm->stats.metadata_bytes, 1, "metadata stat");
	CORRUPT(vm, vm->dep_enabled, false, "backend permissions under DEP");
	/* a backend mapping nobody committed */
	CHECK_EQ_U64(vm->backend.map(vm->backend.ctx, 0x10000, 0x1000, NTVM_PERM_RW), 0);
	expect_broken(vm, "stray mapping");
	vm->backend.unmap(vm->backend.ctx, 0x10000, 0x1000);
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

/* More than 64 pages: the bitmap is a heap block with a count word. */
TEST(checker_catches_block_bitmap_corruption)
{
	ntvm *vm = ntvm_create(NULL);
	/* 240 pages */
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0xF0000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_commit(vm, BASE + 0x3000, 0x2000, NTVM_PERM_RW));
	CHECK_INV(vm);
	struct ntvm__res *r = ntvm__index_containing(vm->root, BASE);
	CHECK(r && r->state == NTVM__MIXED && !ntvm__res_bits_inline(r));
	CORRUPT(vm, r->bits[0], r->bits[0] + 1, "bitmap count");
	CORRUPT(vm, r->bits[1], r->bits[1] ^ 0x100, "bitmap bit without count");
	CORRUPT(vm, r->bits[4], r->bits[4] | (1ull << 60), "bit past the last page");
	ntvm_destroy(vm);
}

TEST_MAIN(TEST_CASE(checker_catches_corruption), TEST_CASE(checker_catches_block_bitmap_corruption))
