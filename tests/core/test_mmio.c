/*
 * test_mmio.c -- MMIO regions: callbacks with the guest address, reads and
 * writes that mix MMIO and RAM, region info, what is refused on MMIO.
 */
#include "core_test.h"
#include "manager.h"

#define BASE 0xB0000000ull

struct device {
	uint64_t last_address;
	size_t last_size;
	uint8_t reg[0x2000];
	int reads, writes;
};

static void dev_read(void *user, uint64_t address, void *data, size_t size)
{
	struct device *d = user;
	d->reads++;
	d->last_address = address;
	d->last_size = size;
	memcpy(data, d->reg + (address - BASE), size);
}

static void dev_write(void *user, uint64_t address, const void *data, size_t size)
{
	struct device *d = user;
	d->writes++;
	d->last_address = address;
	d->last_size = size;
	memcpy(d->reg + (address - BASE), data, size);
}

TEST(callbacks_get_guest_addresses)
{
	struct device dev = { 0 };
	ntvm *vm = ntvm_create(NULL);
	uint64_t v = ntvm_layout_version(vm);
	CHECK_OK(ntvm_allocate_mmio(vm, BASE, 0x2000, dev_read, dev_write, &dev));
	CHECK_EQ_U64(ntvm_layout_version(vm), v + 1);
	uint32_t x = 0x11223344, y = 0;
	CHECK_OK(ntvm_write(vm, BASE + 0x100, &x, sizeof x, NULL));
	CHECK_EQ_U64(dev.writes, 1);
	CHECK_EQ_U64(dev.last_address, BASE + 0x100);
	CHECK_EQ_U64(dev.last_size, 4);
	CHECK_OK(ntvm_read(vm, BASE + 0x100, &y, sizeof y, NULL));
	CHECK_EQ_U64(y, x);
	CHECK_EQ_U64(dev.reads, 1);
	ntvm_region_info ri;
	CHECK_OK(ntvm_region_info_at(vm, BASE + 0x1000, &ri));
	CHECK_EQ_U64(ri.kind, NTVM_KIND_MMIO);
	CHECK(ri.is_committed && ri.is_reserved);
	CHECK_EQ_U64(ri.perm, NTVM_PERM_RW);
	CHECK_EQ_U64(ri.start, BASE + 0x1000);
	CHECK_EQ_U64(ri.length, 0x1000);
	CHECK_EQ_U64(ntvm_region_kind(vm, BASE), NTVM_KIND_MMIO);
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST(reads_mixing_ram_and_mmio)
{
	struct device dev = { 0 };
	memset(dev.reg, 0xD0, sizeof dev.reg);
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE - 0x10000, 0x10000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_allocate_mmio(vm, BASE, 0x2000, dev_read, dev_write, &dev));
	uint8_t buf[0x20];
	memset(buf, 0xAA, sizeof buf);
	CHECK_OK(ntvm_write(vm, BASE - 0x10, buf, sizeof buf, NULL));
	CHECK_EQ_U64(dev.last_address, BASE);
	CHECK_EQ_U64(dev.last_size, 0x10);
	memset(buf, 0, sizeof buf);
	CHECK_OK(ntvm_read(vm, BASE - 0x10, buf, sizeof buf, NULL));
	CHECK_EQ_U64(buf[0], 0xAA);
	CHECK_EQ_U64(buf[0x1F], 0xAA);
	uint64_t fault = 0;
	CHECK_FAILS_UNCHANGED(vm, ntvm_read(vm, BASE + 0x1FF0, buf, sizeof buf, &fault), NTVM_E_NOT_COMMITTED);
	CHECK_EQ_U64(fault, BASE + 0x2000);
	ntvm_destroy(vm);
}

TEST(what_mmio_refuses)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_mmio(vm, BASE, 0x2000, NULL, NULL, NULL));
	uint8_t b;
	uint64_t fault = 0;
	CHECK_FAILS_UNCHANGED(vm, ntvm_read(vm, BASE + 8, &b, 1, &fault), NTVM_E_UNBOUND_MMIO);
	CHECK_EQ_U64(fault, BASE + 8);
	CHECK_FAILS_UNCHANGED(vm, ntvm_write(vm, BASE, &b, 1, NULL), NTVM_E_UNBOUND_MMIO);
	CHECK_FAILS_UNCHANGED(vm, ntvm_commit(vm, BASE, 0x1000, NTVM_PERM_RW), NTVM_E_WRONG_KIND);
	CHECK_FAILS_UNCHANGED(vm, ntvm_decommit(vm, BASE, 0x1000), NTVM_E_WRONG_KIND);
	CHECK_FAILS_UNCHANGED(vm, ntvm_protect(vm, BASE, 0x1000, NTVM_PERM_READ, NULL), NTVM_E_WRONG_KIND);
	CHECK_FAILS_UNCHANGED(vm, ntvm_release(vm, BASE, 0x1000), NTVM_E_WRONG_KIND);
	CHECK(!ntvm_clear_guard(vm, BASE));
	CHECK_FAILS_UNCHANGED(vm, ntvm_allocate_mmio(vm, BASE + 0x1000, 0x1000, NULL, NULL, NULL), NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_allocate_mmio(vm, BASE, 0x1000, NULL, NULL, NULL), NTVM_E_OVERLAP);
	CHECK_FAILS_UNCHANGED(vm, ntvm_allocate_mmio(vm, BASE + 0x10000, 0, NULL, NULL, NULL), NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_allocate_mmio(vm, BASE + 0x10000, 0x800, NULL, NULL, NULL), NTVM_E_INVALID_ARGUMENT);
	CHECK_FAILS_UNCHANGED(vm, ntvm_allocate_mmio(vm, 0x7FFFFFFF0000ull, 0x1000, NULL, NULL, NULL), NTVM_E_OUT_OF_RANGE);
	CHECK_FAILS_UNCHANGED(vm, ntvm_rebind_mmio(vm, BASE + 0x10000, NULL, NULL, NULL), NTVM_E_NOT_RESERVED);
	CHECK_OK(ntvm_release(vm, BASE, 0));
	CHECK_INV(vm);
	ntvm_destroy(vm);
}

TEST(backend_without_mmio_support)
{
	ntvm_backend b;
	CHECK(ntvm__backend_mem_create(&b));
	b.map_mmio = NULL;
	ntvm_config cfg = { .backend = &b };
	ntvm *vm = ntvm_create(&cfg);
	CHECK_FAILS_UNCHANGED(vm, ntvm_allocate_mmio(vm, BASE, 0x1000, NULL, NULL, NULL), NTVM_E_BACKEND);
	ntvm_destroy(vm); /* calls b.destroy */
}

/* A backend that remembers the MMIO callbacks it was given, as a CPU
 * emulator would, so the test can access the device "from the guest". */
static ntvm_backend inner;
static ntvm_mmio_read_fn seen_read;
static ntvm_mmio_write_fn seen_write;
static void *seen_user;

static int spy_map_mmio(void *ctx, uint64_t address, uint64_t size, ntvm_mmio_read_fn read,
                        ntvm_mmio_write_fn write, void *user)
{
	seen_read = read;
	seen_write = write;
	seen_user = user;
	return inner.map_mmio(ctx, address, size, read, write, user);
}

TEST(backend_callbacks_follow_rebinding)
{
	CHECK(ntvm__backend_mem_create(&inner));
	ntvm_backend spy = inner;
	spy.map_mmio = spy_map_mmio;
	ntvm_config cfg = { .backend = &spy };
	ntvm *vm = ntvm_create(&cfg);
	struct device dev = { 0 };
	CHECK_OK(ntvm_allocate_mmio(vm, BASE, 0x2000, dev_read, dev_write, &dev));
	uint16_t v = 0xBEEF, back = 0;
	seen_write(seen_user, BASE + 0x20, &v, sizeof v);
	CHECK_EQ_U64(dev.writes, 1);
	seen_read(seen_user, BASE + 0x20, &back, sizeof back);
	CHECK_EQ_U64(back, 0xBEEF);
	ntvm_buffer meta = { 0 };
	CHECK_OK(ntvm_serialize(vm, true, &meta));
	CHECK_OK(ntvm_deserialize(vm, meta.data, meta.size, true, NULL));
	back = 1;
	seen_read(seen_user, BASE + 0x20, &back, sizeof back); /* unbound: zeros */
	CHECK_EQ_U64(back, 0);
	seen_write(seen_user, BASE + 0x20, &v, sizeof v);      /* unbound: ignored */
	CHECK_EQ_U64(dev.writes, 1);
	CHECK_OK(ntvm_rebind_mmio(vm, BASE, dev_read, dev_write, &dev));
	seen_read(seen_user, BASE + 0x20, &back, sizeof back);
	CHECK_EQ_U64(back, 0xBEEF);
	ntvm_buffer_free(&meta);
	ntvm_destroy(vm);
}

TEST_MAIN(TEST_CASE(callbacks_get_guest_addresses), TEST_CASE(backend_callbacks_follow_rebinding), TEST_CASE(reads_mixing_ram_and_mmio),
          TEST_CASE(what_mmio_refuses), TEST_CASE(backend_without_mmio_support))
