/*
 * test_unicorn_cpu.c -- x86-64 code in unicorn reading, writing and
 * executing ntvm-managed memory.  Every fault's status and address must be
 * what ntvm_nt_access gives for the same access on a twin manager that got
 * the same NT calls.
 */
#include "unicorn_fixture.h"

#include "test.h"

static const uint8_t load[] = { 0x48, 0x8b, 0x03 };  /* mov rax, [rbx] */
static const uint8_t store[] = { 0x48, 0x89, 0x03 }; /* mov [rbx], rax */
static const uint8_t jump[] = { 0xff, 0xe3 };        /* jmp rbx */
static const uint8_t mov7[] = { 0x48, 0xc7, 0xc0, 0x07, 0x00, 0x00, 0x00 }; /* mov rax, 7 */

/* The run faulted with `status` at `address`, the same as the twin. */
static void check_fault(const struct fx_run *r, ntvm_ntstatus status, uint64_t address)
{
	CHECK(r->err != UC_ERR_OK);
	CHECK_EQ_U64(r->status, status);
	CHECK_EQ_U64(r->fault_address, address);
	CHECK_EQ_U64(r->twin_status, r->status);
	CHECK_EQ_U64(r->twin_fault_address, r->fault_address);
}

TEST(committed_read_write)
{
	struct fx f;
	CHECK(fx_open(&f, 0, false));
	uint64_t ld = fx_code(&f, load, sizeof load), st = fx_code(&f, store, sizeof store);
	uint64_t data = fx_alloc(&f, 0x3000, NTVM_PAGE_READWRITE);
	struct fx_run r = fx_run(&f, st, sizeof store, data + 0x1ff8, 0x1122334455667788ull);
	CHECK_EQ_U64(r.err, UC_ERR_OK);
	uint64_t got = 0;
	CHECK_EQ_U64(ntvm_read(f.vm, data + 0x1ff8, &got, 8, NULL), NTVM_OK);
	CHECK_EQ_U64(got, 0x1122334455667788ull);
	uint64_t poked = 0xa5a5a5a5deadbeefull;
	fx_poke(&f, data + 0x2000, &poked, 8);
	r = fx_run(&f, ld, sizeof load, data + 0x2000, 0);
	CHECK_EQ_U64(r.err, UC_ERR_OK);
	CHECK_EQ_U64(fx_rax(&f), poked);
	fx_close(&f);
}

TEST(guard_faults_once_then_retry_succeeds)
{
	struct fx f;
	CHECK(fx_open(&f, 0, false));
	uint64_t ld = fx_code(&f, load, sizeof load);
	uint64_t data = fx_alloc(&f, 0x2000, NTVM_PAGE_READWRITE);
	CHECK_EQ_U64(fx_protect(&f, data + 0x1000, 0x1000, NTVM_PAGE_READWRITE | NTVM_PAGE_GUARD),
	             NTVM_STATUS_SUCCESS);
	uint64_t value = 77;
	fx_poke(&f, data + 0x1010, &value, 8);
	struct fx_run r = fx_run(&f, ld, sizeof load, data + 0x1010, 0);
	check_fault(&r, NTVM_STATUS_GUARD_PAGE_VIOLATION, data + 0x1010);
	CHECK_EQ_U64(r.pc, ld);
	ntvm_region_info info;
	CHECK_EQ_U64(ntvm_region_info_at(f.vm, data + 0x1000, &info), NTVM_OK);
	CHECK_EQ_U64(info.perm, NTVM_PERM_RW);
	r = fx_run(&f, r.pc, sizeof load, data + 0x1010, 0);
	CHECK_EQ_U64(r.err, UC_ERR_OK);
	CHECK_EQ_U64(fx_rax(&f), 77);
	fx_close(&f);
}

TEST(noaccess_and_readonly_fault)
{
	struct fx f;
	CHECK(fx_open(&f, 0, false));
	uint64_t ld = fx_code(&f, load, sizeof load), st = fx_code(&f, store, sizeof store);
	uint64_t none = fx_alloc(&f, 0x1000, NTVM_PAGE_NOACCESS);
	uint64_t ro = fx_alloc(&f, 0x1000, NTVM_PAGE_READONLY);
	struct fx_run r = fx_run(&f, ld, sizeof load, none + 8, 0);
	check_fault(&r, NTVM_STATUS_ACCESS_VIOLATION, none + 8);
	r = fx_run(&f, ld, sizeof load, ro + 8, 0);
	CHECK_EQ_U64(r.err, UC_ERR_OK);
	r = fx_run(&f, st, sizeof store, ro + 8, 1);
	check_fault(&r, NTVM_STATUS_ACCESS_VIOLATION, ro + 8);
	uint64_t got = 1;
	CHECK_EQ_U64(ntvm_read(f.vm, ro + 8, &got, 8, NULL), NTVM_OK);
	CHECK_EQ_U64(got, 0);
	fx_close(&f);
}

TEST(dep_blocks_execution_until_protect)
{
	struct fx f;
	CHECK(fx_open(&f, 0, false));
	uint64_t jmp = fx_code(&f, jump, sizeof jump);
	uint64_t page = fx_alloc(&f, 0x1000, NTVM_PAGE_READWRITE);
	fx_poke(&f, page, mov7, sizeof mov7);
	struct fx_run r = fx_run(&f, jmp, page + sizeof mov7 - jmp, page, 0);
	check_fault(&r, NTVM_STATUS_ACCESS_VIOLATION, page);
	CHECK_EQ_U64(fx_protect(&f, page, 0x1000, NTVM_PAGE_EXECUTE_READ), NTVM_STATUS_SUCCESS);
	r = fx_run(&f, page, sizeof mov7, 0, 0);
	CHECK_EQ_U64(r.err, UC_ERR_OK);
	CHECK_EQ_U64(fx_rax(&f), 7);
	/* and back: code that ran must not run once the page is not executable */
	CHECK_EQ_U64(fx_protect(&f, page, 0x1000, NTVM_PAGE_READWRITE), NTVM_STATUS_SUCCESS);
	r = fx_run(&f, page, sizeof mov7, 0, 0);
	check_fault(&r, NTVM_STATUS_ACCESS_VIOLATION, page);
	fx_close(&f);
}

TEST(dep_off_executes_readable_pages)
{
	struct fx f;
	CHECK(fx_open(&f, 0, true));
	uint64_t page = fx_alloc(&f, 0x1000, NTVM_PAGE_READONLY);
	fx_poke(&f, page, mov7, sizeof mov7);
	struct fx_run r = fx_run(&f, page, sizeof mov7, 0, 0);
	CHECK_EQ_U64(r.err, UC_ERR_OK);
	CHECK_EQ_U64(fx_rax(&f), 7);
	fx_close(&f);
}

TEST(protect_changes_what_the_cpu_sees)
{
	struct fx f;
	CHECK(fx_open(&f, 0, false));
	uint64_t st = fx_code(&f, store, sizeof store);
	uint64_t data = fx_alloc(&f, 0x10000, NTVM_PAGE_READWRITE);
	uint64_t at = data + 0x5000;
	CHECK_EQ_U64(fx_run(&f, st, sizeof store, at, 1).err, UC_ERR_OK);
	CHECK_EQ_U64(fx_protect(&f, at, 0x1000, NTVM_PAGE_READONLY), NTVM_STATUS_SUCCESS);
	struct fx_run r = fx_run(&f, st, sizeof store, at, 2);
	check_fault(&r, NTVM_STATUS_ACCESS_VIOLATION, at);
	CHECK_EQ_U64(fx_run(&f, st, sizeof store, at + 0x1000, 3).err, UC_ERR_OK);
	CHECK_EQ_U64(fx_protect(&f, at, 0x1000, NTVM_PAGE_READWRITE), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(fx_run(&f, st, sizeof store, at, 4).err, UC_ERR_OK);
	uint64_t got = 0;
	CHECK_EQ_U64(ntvm_read(f.vm, at, &got, 8, NULL), NTVM_OK);
	CHECK_EQ_U64(got, 4);
	fx_close(&f);
}

TEST(decommit_and_release_fault)
{
	struct fx f;
	CHECK(fx_open(&f, 0, false));
	uint64_t ld = fx_code(&f, load, sizeof load);
	uint64_t data = fx_alloc(&f, 0x4000, NTVM_PAGE_READWRITE);
	CHECK_EQ_U64(fx_run(&f, ld, sizeof load, data + 0x2000, 0).err, UC_ERR_OK);
	CHECK_EQ_U64(fx_free(&f, data + 0x2000, 0x1000, NTVM_MEM_DECOMMIT), NTVM_STATUS_SUCCESS);
	struct fx_run r = fx_run(&f, ld, sizeof load, data + 0x2000, 0);
	check_fault(&r, NTVM_STATUS_ACCESS_VIOLATION, data + 0x2000);
	CHECK_EQ_U64(fx_run(&f, ld, sizeof load, data + 0x3000, 0).err, UC_ERR_OK);
	CHECK_EQ_U64(fx_free(&f, data, 0, NTVM_MEM_RELEASE), NTVM_STATUS_SUCCESS);
	r = fx_run(&f, ld, sizeof load, data + 0x3000, 0);
	check_fault(&r, NTVM_STATUS_ACCESS_VIOLATION, data + 0x3000);
	CHECK_EQ_U64(ntvm_unicorn_region_count(&f.backend), 1);
	fx_close(&f);
}

/* An MMIO device: a register file the callbacks read and write, and a log
 * of what the CPU asked for. */
struct mmio_dev {
	uint64_t base;
	uint8_t regs[0x2000];
	uint64_t lowest;
	size_t bytes;
	int reads, writes;
};

static void mmio_note(struct mmio_dev *d, uint64_t address, size_t size)
{
	if (d->bytes == 0 || address < d->lowest)
		d->lowest = address;
	d->bytes += size;
}

static void mmio_read(void *user, uint64_t address, void *data, size_t size)
{
	struct mmio_dev *d = user;
	mmio_note(d, address, size);
	d->reads++;
	memcpy(data, &d->regs[address - d->base], size);
}

static void mmio_write(void *user, uint64_t address, const void *data, size_t size)
{
	struct mmio_dev *d = user;
	mmio_note(d, address, size);
	d->writes++;
	memcpy(&d->regs[address - d->base], data, size);
}

/* Unicorn 2.0.1 hands an 8-byte MMIO access to the callbacks as two 4-byte
 * ones; the device sees every byte once, at absolute addresses. */
TEST(mmio_hits_the_callbacks)
{
	struct fx f;
	CHECK(fx_open(&f, 0, false));
	uint64_t ld = fx_code(&f, load, sizeof load), st = fx_code(&f, store, sizeof store);
	static struct mmio_dev dev;
	dev.base = 0x7f000000;
	CHECK_EQ_U64(ntvm_allocate_mmio(f.vm, dev.base, 0x2000, mmio_read, mmio_write, &dev),
	             NTVM_OK);
	CHECK_EQ_U64(fx_run(&f, st, sizeof store, dev.base + 0x1010, 0x11223344cafef00dull).err,
	             UC_ERR_OK);
	CHECK(dev.writes >= 1 && dev.reads == 0);
	CHECK_EQ_U64(dev.lowest, dev.base + 0x1010);
	CHECK_EQ_U64(dev.bytes, 8);
	uint64_t stored;
	memcpy(&stored, &dev.regs[0x1010], 8);
	CHECK_EQ_U64(stored, 0x11223344cafef00dull);
	uint64_t reg = 0x0102030405060708ull;
	memcpy(&dev.regs[0x18], &reg, 8);
	dev.bytes = 0;
	CHECK_EQ_U64(fx_run(&f, ld, sizeof load, dev.base + 0x18, 0).err, UC_ERR_OK);
	CHECK(dev.reads >= 1);
	CHECK_EQ_U64(dev.lowest, dev.base + 0x18);
	CHECK_EQ_U64(dev.bytes, 8);
	CHECK_EQ_U64(fx_rax(&f), reg);
	CHECK_EQ_U64(ntvm_release(f.vm, dev.base, 0), NTVM_OK);
	CHECK_EQ_U64(ntvm_unicorn_region_count(&f.backend), 2);
	fx_close(&f);
}

/* An 8-byte access across a page boundary faults at the second page's
 * first byte, as ntvm_nt_access says; a store leaves its first bytes
 * written in both (unicorn stores them; ntvm_nt_access moves the bytes
 * before the fault). */
TEST(straddling_access_faults_at_the_second_page)
{
	struct fx f;
	CHECK(fx_open(&f, 0, false));
	uint64_t ld = fx_code(&f, load, sizeof load), st = fx_code(&f, store, sizeof store);
	uint64_t data = fx_alloc(&f, 0x3000, NTVM_PAGE_READWRITE);
	CHECK_EQ_U64(fx_protect(&f, data + 0x1000, 0x1000, NTVM_PAGE_NOACCESS), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(fx_protect(&f, data + 0x2000, 0x1000, NTVM_PAGE_READWRITE | NTVM_PAGE_GUARD),
	             NTVM_STATUS_SUCCESS);
	struct fx_run r = fx_run(&f, ld, sizeof load, data + 0xffc, 0);
	check_fault(&r, NTVM_STATUS_ACCESS_VIOLATION, data + 0x1000);
	r = fx_run(&f, st, sizeof store, data + 0xffc, ~0ull);
	check_fault(&r, NTVM_STATUS_ACCESS_VIOLATION, data + 0x1000);
	uint32_t low = 1, twin_low = 2;
	CHECK_EQ_U64(ntvm_read(f.vm, data + 0xffc, &low, 4, NULL), NTVM_OK);
	CHECK_EQ_U64(ntvm_read(f.twin, data + 0xffc, &twin_low, 4, NULL), NTVM_OK);
	CHECK_EQ_U64(low, twin_low);
	CHECK_EQ_U64(fx_protect(&f, data + 0x1000, 0x1000, NTVM_PAGE_READWRITE), NTVM_STATUS_SUCCESS);
	r = fx_run(&f, ld, sizeof load, data + 0x1ffc, 0);
	check_fault(&r, NTVM_STATUS_GUARD_PAGE_VIOLATION, data + 0x2000);
	CHECK_EQ_U64(fx_run(&f, r.pc, sizeof load, data + 0x1ffc, 0).err, UC_ERR_OK);
	fx_close(&f);
}

/* ntvm_set_dep re-protects the committed pages through the backend: the
 * CPU follows in both directions. */
TEST(dep_switch_reaches_the_cpu)
{
	struct fx f;
	CHECK(fx_open(&f, 0, false));
	uint64_t page = fx_alloc(&f, 0x1000, NTVM_PAGE_READWRITE);
	fx_poke(&f, page, mov7, sizeof mov7);
	struct fx_run r = fx_run(&f, page, sizeof mov7, 0, 0);
	check_fault(&r, NTVM_STATUS_ACCESS_VIOLATION, page);
	ntvm_set_dep(f.vm, false);
	ntvm_set_dep(f.twin, false);
	CHECK_EQ_U64(fx_run(&f, page, sizeof mov7, 0, 0).err, UC_ERR_OK);
	CHECK_EQ_U64(fx_rax(&f), 7);
	ntvm_set_dep(f.vm, true);
	ntvm_set_dep(f.twin, true);
	r = fx_run(&f, page, sizeof mov7, 0, 0);
	check_fault(&r, NTVM_STATUS_ACCESS_VIOLATION, page);
	fx_close(&f);
}

/* At the region limit a new commit fails with NTVM_E_BACKEND and leaves
 * nothing behind; an MMIO map too. */
TEST(allocation_at_the_region_limit_fails_cleanly)
{
	struct fx f;
	CHECK(fx_open(&f, 2, false));
	CHECK(ntvm_allocate(f.vm, 0x1000, NTVM_PERM_RW, false, 0, NTVM_KIND_PRIVATE) != 0);
	CHECK(ntvm_allocate(f.vm, 0x1000, NTVM_PERM_RW, false, 0, NTVM_KIND_PRIVATE) != 0);
	ntvm_stats before, after;
	ntvm_get_stats(f.vm, &before);
	CHECK_EQ_U64(ntvm_allocate_at(f.vm, 0x200000000ull, 0x1000, NTVM_PERM_RW, false,
	                              NTVM_KIND_PRIVATE), NTVM_E_BACKEND);
	CHECK_EQ_U64(ntvm_allocate_mmio(f.vm, 0x210000000ull, 0x1000, NULL, NULL, NULL),
	             NTVM_E_BACKEND);
	ntvm_get_stats(f.vm, &after);
	CHECK_EQ_U64(after.committed_bytes, before.committed_bytes);
	CHECK_EQ_U64(after.reservation_count, before.reservation_count);
	CHECK_EQ_U64(ntvm_unicorn_region_count(&f.backend), 2);
	fx_close(&f);
}

TEST_MAIN(TEST_CASE(committed_read_write), TEST_CASE(guard_faults_once_then_retry_succeeds),
          TEST_CASE(noaccess_and_readonly_fault), TEST_CASE(dep_blocks_execution_until_protect),
          TEST_CASE(dep_off_executes_readable_pages), TEST_CASE(protect_changes_what_the_cpu_sees),
          TEST_CASE(decommit_and_release_fault), TEST_CASE(mmio_hits_the_callbacks),
          TEST_CASE(straddling_access_faults_at_the_second_page),
          TEST_CASE(dep_switch_reaches_the_cpu),
          TEST_CASE(allocation_at_the_region_limit_fails_cleanly))
