/*
 * test_backend_mem.c -- the embedded backend on its own terms: many page
 * buffers (its hash table growing), buffers allocated only on write and
 * freed on decommit, unmapping ranges larger than the table, and its
 * inspection functions.
 */
#include "core_test.h"
#include "manager.h"

#define BASE 0x110000000ull
#define PAGES 3000u

TEST(thousands_of_pages_keep_their_contents)
{
	ntvm *vm = ntvm_create(NULL);
	void *ctx = vm->backend.ctx;
	CHECK_OK(ntvm_allocate_at(vm, BASE, PAGES * PG, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	CHECK_EQ_U64(ntvm__backend_mem_buffer_count(ctx), 0); /* nothing written yet */
	CHECK_EQ_U64(ntvm__backend_mem_mapped_pages(ctx), PAGES);
	for (uint64_t i = 0; i < PAGES; i++) {
		uint64_t v = i * 0x9E3779B97F4A7C15ull;
		CHECK(ntvm_try_write(vm, BASE + i * PG + (i % 500) * 8, &v, sizeof v));
	}
	CHECK_EQ_U64(ntvm__backend_mem_buffer_count(ctx), PAGES);
	int bad = 0;
	for (uint64_t i = 0; i < PAGES; i++) {
		uint64_t v = 0;
		CHECK(ntvm_try_read(vm, BASE + i * PG + (i % 500) * 8, &v, sizeof v));
		bad += v != i * 0x9E3779B97F4A7C15ull;
	}
	CHECK_EQ_U64(bad, 0);
	/* decommit every other page: their buffers go, the rest survive */
	for (uint64_t i = 0; i < PAGES; i += 2)
		CHECK_OK(ntvm_decommit(vm, BASE + i * PG, PG));
	CHECK_EQ_U64(ntvm__backend_mem_buffer_count(ctx), PAGES / 2);
	for (uint64_t i = 1; i < PAGES; i += 2) {
		uint64_t v = 0;
		CHECK(ntvm_try_read(vm, BASE + i * PG + (i % 500) * 8, &v, sizeof v));
		bad += v != i * 0x9E3779B97F4A7C15ull;
	}
	CHECK_EQ_U64(bad, 0);
	CHECK_INV(vm);
	/* one release far larger than the table: the full-scan path */
	CHECK_OK(ntvm_release(vm, BASE, 0));
	CHECK_EQ_U64(ntvm__backend_mem_buffer_count(ctx), 0);
	CHECK_EQ_U64(ntvm__backend_mem_mapped_pages(ctx), 0);
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST(inspection)
{
	ntvm_config cfg = { .dep_disabled = true };
	ntvm *vm = ntvm_create(&cfg);
	void *ctx = vm->backend.ctx;
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x4000, NTVM_PERM_READ, false, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_protect(vm, BASE + 0x1000, 0x1000, NTVM_PERM_RW | NTVM_PERM_GUARD, NULL));
	CHECK_OK(ntvm_decommit(vm, BASE + 0x3000, 0x1000));
	CHECK_OK(ntvm_allocate_mmio(vm, BASE + 0x10000, 0x1000, NULL, NULL, NULL));
	ntvm_perm eff = 0xFF;
	bool mmio = true;
	CHECK(ntvm__backend_mem_is_mapped(ctx, BASE, &eff, &mmio));
	CHECK_EQ_U64(eff, NTVM_PERM_RX); /* DEP off: readable implies executable */
	CHECK(!mmio);
	CHECK(ntvm__backend_mem_is_mapped(ctx, BASE + 0x1FFF, &eff, NULL));
	CHECK_EQ_U64(eff, NTVM_PERM_NONE); /* guard */
	CHECK(!ntvm__backend_mem_is_mapped(ctx, BASE + 0x3000, NULL, NULL));
	CHECK(ntvm__backend_mem_is_mapped(ctx, BASE + 0x10000, &eff, &mmio));
	CHECK(mmio);
	CHECK_EQ_U64(ntvm__backend_mem_coverage(ctx, BASE, BASE + 0x1000, &eff, &mmio), 1);
	CHECK_EQ_U64(ntvm__backend_mem_coverage(ctx, BASE, BASE + 0x3000, &eff, &mmio), 2);
	CHECK_EQ_U64(ntvm__backend_mem_coverage(ctx, BASE + 0x3000, BASE + 0x4000, &eff, &mmio), 0);
	CHECK_EQ_U64(ntvm__backend_mem_coverage(ctx, BASE + 0x2000, BASE + 0x4000, &eff, &mmio), 2);
	CHECK_EQ_U64(ntvm__backend_mem_coverage(ctx, BASE - 0x1000, BASE + 0x1000, &eff, &mmio), 2);
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST_MAIN(TEST_CASE(thousands_of_pages_keep_their_contents), TEST_CASE(inspection))
