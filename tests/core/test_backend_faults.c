/*
 * test_backend_faults.c -- a backend that fails its Nth fallible call: each
 * operation is retried with N = 1, 2, ... until it succeeds; every failure
 * must report NTVM_E_BACKEND, leave the digest unchanged and the backend's
 * mappings exactly the committed pages (the undo really happened).  Also
 * checks that backend calls are coalesced per run and skipped when the
 * effective permission does not change.
 */
#include <stdlib.h>

#include "core_test.h"

#define BASE 0xA0000000ull

#define CHECK_INV_MEM(vm, f)                                                            \
	do {                                                                            \
		char why_[256];                                                         \
		if (!ntvm_check_invariants_mem((vm), (f)->inner.ctx, why_, sizeof why_)) { \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, why_); \
			test_failed_checks++;                                           \
		}                                                                       \
	} while (0)

struct op_ctx {
	ntvm *vm;
	struct faulty *f;
	const ntvm_buffer *snapshot;
};

typedef ntvm_status (*op_fn)(struct op_ctx *c);

/* Retry op with the Nth call failing; returns how many failures were seen. */
static unsigned exhaust(struct op_ctx *c, op_fn op, const char *name)
{
	for (unsigned n = 1; n < 1000; n++) {
		uint64_t before = ntvm_test_digest(c->vm);
		c->f->calls = 0;
		c->f->fail_at = n;
		ntvm_status st = op(c);
		c->f->fail_at = 0;
		CHECK_INV_MEM(c->vm, c->f);
		if (st == NTVM_OK)
			return n - 1;
		if (st != NTVM_E_BACKEND)
			fprintf(stderr, "%s: call %u: %s\n", name, n, ntvm_status_name(st));
		CHECK_EQ_U64(st, NTVM_E_BACKEND);
		CHECK_EQ_U64(ntvm_test_digest(c->vm), before);
	}
	CHECK(!"operation never succeeded");
	return 0;
}

static ntvm_status op_alloc(struct op_ctx *c)
{
	return ntvm_allocate_at(c->vm, BASE, 0x40000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE);
}

static ntvm_status op_commit_mixed(struct op_ctx *c)
{
	return ntvm_commit(c->vm, BASE + 0x40000, 0x40000, NTVM_PERM_RX);
}

static ntvm_status op_protect_mixed(struct op_ctx *c)
{
	return ntvm_protect(c->vm, BASE, 0x30000, NTVM_PERM_READ | NTVM_PERM_GUARD, NULL);
}

static ntvm_status op_clear_guard(struct op_ctx *c)
{
	return ntvm_clear_guard(c->vm, BASE + 0x5000) ? NTVM_OK : NTVM_E_BACKEND;
}

static ntvm_status op_mmio(struct op_ctx *c)
{
	return ntvm_allocate_mmio(c->vm, BASE + 0x200000, 0x3000, NULL, NULL, NULL);
}

static ntvm_status op_write(struct op_ctx *c)
{
	uint8_t data[0x2000];
	memset(data, 0x3C, sizeof data);
	return ntvm_write(c->vm, BASE + 0x10800, data, sizeof data, NULL);
}

static ntvm_status op_deserialize(struct op_ctx *c)
{
	return ntvm_deserialize(c->vm, c->snapshot->data, c->snapshot->size, false, NULL);
}

static ntvm_status op_dep(struct op_ctx *c)
{
	bool was = ntvm_get_dep(c->vm);
	ntvm_set_dep(c->vm, !was);
	return ntvm_get_dep(c->vm) != was ? NTVM_OK : NTVM_E_BACKEND;
}

TEST(every_failing_call_is_undone)
{
	struct faulty f;
	ntvm *vm = faulty_create(&f, NULL);
	struct op_ctx c = { vm, &f, NULL };
	CHECK_EQ_U64(exhaust(&c, op_alloc, "alloc"), 1);
	/* a reservation with a patchwork of committed runs and protections */
	CHECK_OK(ntvm_allocate_at(vm, BASE + 0x40000, 0x40000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	for (uint64_t i = 0; i < 64; i += 3)
		CHECK_OK(ntvm_commit(vm, BASE + 0x40000 + i * PG, PG, i % 2 ? NTVM_PERM_READ : NTVM_PERM_RX));
	CHECK_OK(ntvm_protect(vm, BASE + 0x4000, 0x4000, NTVM_PERM_RWX, NULL));
	CHECK_OK(ntvm_protect(vm, BASE + 0x10000, 0x1000, NTVM_PERM_NONE, NULL));
	CHECK(exhaust(&c, op_write, "write") >= 1);
	CHECK(exhaust(&c, op_commit_mixed, "commit") >= 5);
	CHECK(exhaust(&c, op_protect_mixed, "protect") >= 3);
	CHECK_EQ_U64(exhaust(&c, op_clear_guard, "clear_guard"), 1);
	CHECK_EQ_U64(exhaust(&c, op_mmio, "mmio"), 1);
	CHECK(exhaust(&c, op_dep, "dep") >= 1);
	faulty_destroy(vm, &f);
}

TEST(failed_snapshot_load_restores_the_old_state)
{
	ntvm *src = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(src, BASE, 0x8000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_protect(src, BASE + 0x2000, 0x1000, NTVM_PERM_READ, NULL));
	CHECK(ntvm_try_write(src, BASE + 0x10, "new", 4));
	CHECK(ntvm_try_write(src, BASE + 0x7000, "tail", 5));
	ntvm_buffer snap = { 0 };
	CHECK_OK(ntvm_serialize(src, false, &snap));
	struct faulty f;
	ntvm *vm = faulty_create(&f, NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE + 0x4000000, 0x6000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_protect(vm, BASE + 0x4001000, 0x1000, NTVM_PERM_RX, NULL));
	CHECK(ntvm_try_write(vm, BASE + 0x4000020, "old", 4));
	struct op_ctx c = { vm, &f, &snap };
	CHECK(exhaust(&c, op_deserialize, "deserialize") >= 3);
	CHECK_EQ_U64(ntvm_test_digest(vm), ntvm_test_digest(src));
	ntvm_buffer_free(&snap);
	faulty_destroy(vm, &f);
	ntvm_destroy(src);
}

TEST(backend_calls_are_coalesced_and_skipped)
{
	struct faulty f;
	ntvm *vm = faulty_create(&f, NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 16 * PG, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_EQ_U64(f.maps, 0);
	CHECK_OK(ntvm_commit(vm, BASE, 4 * PG, NTVM_PERM_RW));
	CHECK_OK(ntvm_commit(vm, BASE + 8 * PG, 4 * PG, NTVM_PERM_READ));
	f.maps = f.protects = f.unmaps = 0;
	CHECK_OK(ntvm_commit(vm, BASE, 16 * PG, NTVM_PERM_RW));
	CHECK_EQ_U64(f.maps, 2);     /* [4,8) and [12,16) */
	CHECK_EQ_U64(f.protects, 1); /* [8,12) READ -> RW; [0,4) unchanged */
	f.maps = f.protects = 0;
	CHECK_OK(ntvm_protect(vm, BASE, 16 * PG, NTVM_PERM_RW | NTVM_PERM_NOCACHE, NULL));
	CHECK_EQ_U64(f.protects, 0); /* same access bits: nothing to tell the backend */
	CHECK_OK(ntvm_protect(vm, BASE, 16 * PG, NTVM_PERM_READ, NULL));
	CHECK_EQ_U64(f.protects, 1);
	CHECK_OK(ntvm_decommit(vm, BASE + 2 * PG, 12 * PG));
	CHECK_EQ_U64(f.unmaps, 1);
	f.unmaps = 0;
	CHECK_OK(ntvm_release(vm, BASE, 0));
	CHECK_EQ_U64(f.unmaps, 2); /* the two committed runs left */
	CHECK_INV_MEM(vm, &f);
	faulty_destroy(vm, &f);
}

TEST_MAIN(TEST_CASE(every_failing_call_is_undone), TEST_CASE(failed_snapshot_load_restores_the_old_state),
          TEST_CASE(backend_calls_are_coalesced_and_skipped))
