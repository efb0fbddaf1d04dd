/*
 * test_unicorn_random.c -- a differential run: random NT protections,
 * decommits and commits on a 16-page block, each followed by a real CPU
 * load, store or jump into the block.  Whatever unicorn does (fault or not)
 * must be what ntvm_nt_access does on the twin manager: same status, same
 * fault address, same bytes afterwards.  After each step unicorn's own
 * region list must map exactly the committed pages with their protection.
 */
#include "unicorn_fixture.h"

#include "test.h"

static const uint8_t load[] = { 0x48, 0x8b, 0x03 };  /* mov rax, [rbx] */
static const uint8_t store[] = { 0x48, 0x89, 0x03 }; /* mov [rbx], rax */
static const uint8_t mov7[] = { 0x48, 0xc7, 0xc0, 0x07, 0x00, 0x00, 0x00 }; /* mov rax, 7 */

static const uint32_t protections[] = {
	NTVM_PAGE_NOACCESS,      NTVM_PAGE_READONLY,
	NTVM_PAGE_READWRITE,     NTVM_PAGE_EXECUTE_READ,
	NTVM_PAGE_READWRITE | NTVM_PAGE_GUARD, NTVM_PAGE_READONLY | NTVM_PAGE_GUARD,
	0x40 /* PAGE_EXECUTE_READWRITE */,
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* Outcomes seen, [kind][0 success, 1 access violation, 2 guard]: the run
 * must cover each, or it proves little. */
static int seen[3][3];

static uint64_t rnd(uint64_t n)
{
	return test_xorshift(&rng_state) % n;
}

static void change_layout(struct fx *f, uint64_t base)
{
	uint64_t page = base + rnd(16) * NTVM_PAGE_SIZE, size = (1 + rnd(3)) * NTVM_PAGE_SIZE;
	if (page + size > base + 0x10000)
		size = base + 0x10000 - page;
	uint64_t r = rnd(10);
	if (r < 6) {
		(void)fx_protect(f, page, size, protections[rnd(7)]);
	} else if (r < 8) {
		(void)fx_free(f, page, size, NTVM_MEM_DECOMMIT);
	} else {
		uint32_t prot = protections[rnd(7)];
		uint64_t b1 = page, s1 = size, b2 = page, s2 = size;
		ntvm_ntstatus st = ntvm_nt_allocate_virtual_memory(f->vm, &b1, 0, &s1, NTVM_MEM_COMMIT,
		                                                   prot);
		CHECK_EQ_U64(ntvm_nt_allocate_virtual_memory(f->twin, &b2, 0, &s2, NTVM_MEM_COMMIT,
		                                             prot), st);
	}
}

/* One CPU access into the block, compared with the twin. */
static void access_once(struct fx *f, uint64_t base, uint64_t ld, uint64_t st)
{
	uint64_t page = base + rnd(16) * NTVM_PAGE_SIZE;
	uint64_t at = rnd(4) == 0 && page > base ? page - 4 : page + 8 * rnd(8);
	uint64_t value = rnd(UINT64_MAX);
	uint64_t kind = rnd(3), start = kind == 0 ? ld : kind == 1 ? st : page;
	size_t length = kind == 0 ? sizeof load : kind == 1 ? sizeof store : sizeof mov7;
	if (kind == 2 && ntvm_try_write(f->vm, page, mov7, sizeof mov7))
		CHECK(ntvm_try_write(f->twin, page, mov7, sizeof mov7));
	struct fx_run r = fx_run(f, start, length, at, value);
	if (r.err != UC_ERR_OK) {
		CHECK_EQ_U64(r.twin_status, r.status);
		CHECK_EQ_U64(r.twin_fault_address, r.fault_address);
		CHECK(r.status != NTVM_STATUS_SUCCESS);
		seen[kind][r.status == NTVM_STATUS_GUARD_PAGE_VIOLATION ? 2 : 1]++;
	} else {
		seen[kind][0]++;
		uint8_t buf[8];
		memcpy(buf, &value, 8);
		uint32_t access = kind == 0 ? NTVM_ACCESS_READ : kind == 1 ? NTVM_ACCESS_WRITE
		                                                           : NTVM_ACCESS_EXECUTE;
		uint64_t where = kind == 2 ? page : at;
		CHECK_EQ_U64(ntvm_nt_access(f->twin, where, kind == 2 ? NULL : buf,
		                            kind == 2 ? sizeof mov7 : 8, access, NULL),
		             NTVM_STATUS_SUCCESS);
	}
	uint64_t a = 0, b = 0;
	bool ra = ntvm_try_read(f->vm, at, &a, 8), rb = ntvm_try_read(f->twin, at, &b, 8);
	CHECK_EQ_U64(ra, rb);
	CHECK_EQ_U64(a, b);
}

/* The UC_PROT_* a committed page of permission perm must have in unicorn
 * (DEP on): guard and no access are NONE, write or execute imply read. */
static uint32_t expected_prot(ntvm_perm perm)
{
	if (perm & NTVM_PERM_GUARD)
		return UC_PROT_NONE;
	uint32_t prot = UC_PROT_NONE;
	if (perm & NTVM_PERM_ACCESS_MASK)
		prot |= UC_PROT_READ;
	if (perm & NTVM_PERM_WRITE)
		prot |= UC_PROT_WRITE;
	if (perm & NTVM_PERM_EXEC)
		prot |= UC_PROT_EXEC;
	return prot;
}

/* Unicorn's own region list maps exactly the committed pages of the block,
 * each with the protection its permission asks for. */
static void check_unicorn_layout(struct fx *f, uint64_t base)
{
	uc_mem_region *regions;
	uint32_t count;
	CHECK_EQ_U64(uc_mem_regions(f->uc, &regions, &count), UC_ERR_OK);
	for (uint64_t page = base; page < base + 0x10000; page += NTVM_PAGE_SIZE) {
		const uc_mem_region *hit = NULL;
		for (uint32_t i = 0; i < count; i++)
			if (regions[i].begin <= page && page <= regions[i].end)
				hit = &regions[i];
		ntvm_region_info info;
		CHECK_EQ_U64(ntvm_region_info_at(f->vm, page, &info), NTVM_OK);
		CHECK_EQ_U64(hit != NULL, info.is_committed);
		if (hit && info.is_committed)
			CHECK_EQ_U64(hit->perms, expected_prot(info.perm));
	}
	uc_free(regions);
	CHECK_EQ_U64(count, ntvm_unicorn_region_count(&f->backend));
}

TEST(random_layouts_fault_like_ntvm_nt_access)
{
	struct fx f;
	CHECK(fx_open(&f, 0, false));
	uint64_t ld = fx_code(&f, load, sizeof load), st = fx_code(&f, store, sizeof store);
	uint64_t base = fx_alloc(&f, 0x10000, NTVM_PAGE_READWRITE);
	for (int i = 0; i < 1000; i++) {
		change_layout(&f, base);
		access_once(&f, base, ld, st);
		check_unicorn_layout(&f, base);
	}
	for (int k = 0; k < 3; k++) {
		printf("  %s: %d ok, %d access violations, %d guard faults\n",
		       k == 0 ? "load" : k == 1 ? "store" : "execute", seen[k][0], seen[k][1], seen[k][2]);
		for (int o = 0; o < 3; o++)
			CHECK(seen[k][o] > 0);
	}
	fx_close(&f);
}

TEST_MAIN(TEST_CASE(random_layouts_fault_like_ntvm_nt_access))
