/*
 * test_unicorn_sections.c -- real x86-64 code in unicorn on section views
 * and image mappings managed by ntvm: a store through one view is loaded
 * through another (the views share host memory via uc_mem_map_ptr), code
 * written through a read-write view runs from an execute view, a store to
 * a WRITECOPY page faults once and is retried after the copy-on-write, and
 * an image runs from .text, writes its WRITECOPY .data and faults on its
 * read-only headers and on executing .data.  Every fault is compared with
 * ntvm_nt_access on the twin manager (embedded backend, same calls).
 */
#include <stdlib.h>

#include "pe_build.h"
#include "test.h"
#include "unicorn_fixture.h"

#define X 0x100000000000ull
#define IMG 0x140000000ull
#define AV NTVM_STATUS_ACCESS_VIOLATION

static ntvm_handle fx_section(struct fx *f, uint64_t size, uint32_t prot, uint32_t attrs,
                              const void *bytes, size_t len)
{
	ntvm_handle a = 0, b = 0;
	uint64_t s = size;
	CHECK_EQ_U64(ntvm_nt_create_section(f->vm, &a, NTVM_SECTION_ALL_ACCESS, size ? &s : NULL, prot, attrs,
	                                    bytes, len), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(ntvm_nt_create_section(f->twin, &b, NTVM_SECTION_ALL_ACCESS, size ? &s : NULL, prot, attrs,
	                                    bytes, len), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(a, b);
	return a;
}

static ntvm_ntstatus fx_view(struct fx *f, ntvm_handle h, uint64_t base, uint32_t prot)
{
	uint64_t b1 = base, s1 = 0, b2 = base, s2 = 0;
	ntvm_ntstatus st = ntvm_nt_map_view_of_section(f->vm, h, &b1, 0, 0, NULL, &s1, 1, 0, prot);
	CHECK_EQ_U64(ntvm_nt_map_view_of_section(f->twin, h, &b2, 0, 0, NULL, &s2, 1, 0, prot), st);
	CHECK_EQ_U64(b1, base);
	CHECK_EQ_U64(s1, s2);
	return st;
}

static uint64_t peek(struct fx *f, uint64_t address)
{
	uint64_t v = 0;
	CHECK_EQ_U64(ntvm_read(f->vm, address, &v, sizeof v, NULL), NTVM_OK);
	return v;
}

/* mov [rbx], rax ; mov rax, [rbx + 0x10000] */
static const uint8_t store_then_load[] = { 0x48, 0x89, 0x03, 0x48, 0x8b, 0x83, 0x00, 0x00, 0x01, 0x00 };
/* mov [rbx], rax */
static const uint8_t store[] = { 0x48, 0x89, 0x03 };

TEST(store_through_one_view_loads_through_another)
{
	struct fx f;
	CHECK(fx_open(&f, 0, false));
	ntvm_handle h = fx_section(&f, 0x2000, NTVM_PAGE_READWRITE, NTVM_SEC_COMMIT, NULL, 0);
	CHECK_EQ_U64(fx_view(&f, h, X, NTVM_PAGE_READWRITE), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(fx_view(&f, h, X + 0x10000, NTVM_PAGE_READWRITE), NTVM_STATUS_SUCCESS);
	uint64_t code = fx_code(&f, store_then_load, sizeof store_then_load);
	struct fx_run r = fx_run(&f, code, sizeof store_then_load, X + 0x1008, 0x1122334455667788ull);
	CHECK_EQ_U64(r.err, UC_ERR_OK);
	CHECK_EQ_U64(fx_rax(&f), 0x1122334455667788ull);
	CHECK_EQ_U64(peek(&f, X + 0x11008), 0x1122334455667788ull);
	/* a read-only view of the same section faults on a store, like the twin */
	CHECK_EQ_U64(fx_view(&f, h, X + 0x20000, NTVM_PAGE_READONLY), NTVM_STATUS_SUCCESS);
	uint64_t st = fx_code(&f, store, sizeof store);
	r = fx_run(&f, st, sizeof store, X + 0x20010, 1);
	CHECK_EQ_U64(r.err, UC_ERR_WRITE_PROT);
	CHECK_EQ_U64(r.status, AV);
	CHECK_EQ_U64(r.twin_status, AV);
	CHECK_EQ_U64(r.fault_address, r.twin_fault_address);
	/* unmapping one view leaves the others working */
	CHECK_EQ_U64(ntvm_nt_unmap_view_of_section(f.vm, X), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(ntvm_nt_unmap_view_of_section(f.twin, X), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(ntvm_nt_close(f.vm, h), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(ntvm_nt_close(f.twin, h), NTVM_STATUS_SUCCESS);
	r = fx_run(&f, st, sizeof store, X + 0x10100, 0x77);
	CHECK_EQ_U64(r.err, UC_ERR_OK);
	CHECK_EQ_U64(peek(&f, X + 0x20100), 0x77);
	fx_close(&f);
}

/* Code written through a read-write view runs from an execute-read view. */
TEST(code_runs_from_a_view)
{
	struct fx f;
	CHECK(fx_open(&f, 0, false));
	ntvm_handle h = fx_section(&f, 0x1000, NTVM_PAGE_EXECUTE_READWRITE, NTVM_SEC_COMMIT, NULL, 0);
	CHECK_EQ_U64(fx_view(&f, h, X, NTVM_PAGE_READWRITE), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(fx_view(&f, h, X + 0x10000, NTVM_PAGE_EXECUTE_READ), NTVM_STATUS_SUCCESS);
	static const uint8_t mov_rax[] = { 0x48, 0xc7, 0xc0, 0x34, 0x12, 0x00, 0x00 }; /* mov rax, 0x1234 */
	fx_poke(&f, X + 0x40, mov_rax, sizeof mov_rax);
	struct fx_run r = fx_run(&f, X + 0x10040, sizeof mov_rax, 0, 0);
	CHECK_EQ_U64(r.err, UC_ERR_OK);
	CHECK_EQ_U64(fx_rax(&f), 0x1234);
	/* the read-write view does not execute (DEP) */
	r = fx_run(&f, X + 0x40, sizeof mov_rax, 0, 0);
	CHECK_EQ_U64(r.err, UC_ERR_FETCH_PROT);
	CHECK_EQ_U64(r.status, AV);
	CHECK_EQ_U64(r.twin_status, AV);
	fx_close(&f);
}

/* A store to a WRITECOPY view faults once; the fault helper makes the copy
 * (status SUCCESS, as ntvm_nt_access on the twin) and the retried store
 * lands in the view's own page only. */
TEST(writecopy_store_is_copied_and_retried)
{
	struct fx f;
	CHECK(fx_open(&f, 0, false));
	ntvm_handle h = fx_section(&f, 0x2000, NTVM_PAGE_READWRITE, NTVM_SEC_COMMIT, NULL, 0);
	CHECK_EQ_U64(fx_view(&f, h, X, NTVM_PAGE_READWRITE), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(fx_view(&f, h, X + 0x10000, NTVM_PAGE_WRITECOPY), NTVM_STATUS_SUCCESS);
	uint64_t st = fx_code(&f, store, sizeof store);
	struct fx_run r = fx_run(&f, st, sizeof store, X + 0x10100, 0xABCD);
	CHECK_EQ_U64(r.err, UC_ERR_WRITE_PROT);
	CHECK_EQ_U64(r.status, NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(r.twin_status, NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(uc_emu_start(f.uc, r.pc, st + sizeof store, 0, 0), UC_ERR_OK);
	CHECK_EQ_U64(peek(&f, X + 0x10100), 0xABCD);
	CHECK_EQ_U64(peek(&f, X + 0x100), 0);
	ntvm_region_info info;
	CHECK_EQ_U64(ntvm_region_info_at(f.vm, X + 0x10000, &info), NTVM_OK);
	CHECK_EQ_U64(info.perm, NTVM_PERM_RW);
	CHECK_EQ_U64(info.kind, NTVM_KIND_SECTION_VIEW);
	/* the second page is still shared: a store through the first view shows */
	r = fx_run(&f, st, sizeof store, X + 0x1100, 0x5151);
	CHECK_EQ_U64(r.err, UC_ERR_OK);
	CHECK_EQ_U64(peek(&f, X + 0x11100), 0x5151);
	fx_close(&f);
}

/* pe_build's image with our code in .text: the file offset of .text's data. */
static uint8_t *image_with_code(const uint8_t *code, size_t len, size_t *size)
{
	ntvm_pe_spec spec;
	uint8_t *pe = NULL;
	if (ntvm_pe_spec_parse("base=0x140000000;text:rx:0x1000,data:rw:0x1000", &spec, NULL) ||
	    ntvm_pe_build(&spec, &pe, size, NULL))
		exit(2);
	uint32_t nt = pe[0x3C] | (uint32_t)pe[0x3D] << 8;
	uint32_t opt_size = pe[nt + 20] | (uint32_t)pe[nt + 21] << 8;
	const uint8_t *text = pe + nt + 24 + opt_size;
	uint32_t raw = text[20] | (uint32_t)text[21] << 8 | (uint32_t)text[22] << 16;
	memcpy(pe + raw, code, len);
	return pe;
}

TEST(image_runs_writes_data_and_faults)
{
	/* mov rax, [rbx] ; inc rax ; mov [rbx], rax */
	static const uint8_t bump[] = { 0x48, 0x8b, 0x03, 0x48, 0xff, 0xc0, 0x48, 0x89, 0x03 };
	struct fx f;
	CHECK(fx_open(&f, 0, false));
	size_t size;
	uint8_t *pe = image_with_code(bump, sizeof bump, &size);
	ntvm_handle h = fx_section(&f, 0, NTVM_PAGE_READONLY, NTVM_SEC_IMAGE, pe, size);
	free(pe);
	CHECK_EQ_U64(fx_view(&f, h, IMG, NTVM_PAGE_READONLY), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(fx_view(&f, h, X, NTVM_PAGE_READONLY), NTVM_STATUS_IMAGE_NOT_AT_BASE);
	uint64_t before = peek(&f, IMG + 0x2000);
	struct fx_run r = fx_run(&f, IMG + 0x1000, sizeof bump, IMG + 0x2000, 0);
	CHECK_EQ_U64(r.err, UC_ERR_WRITE_PROT); /* .data is WRITECOPY */
	CHECK_EQ_U64(r.status, NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(r.twin_status, NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(uc_emu_start(f.uc, r.pc, IMG + 0x1000 + sizeof bump, 0, 0), UC_ERR_OK);
	CHECK_EQ_U64(peek(&f, IMG + 0x2000), before + 1);
	CHECK_EQ_U64(peek(&f, X + 0x2000), before);
	/* headers are read-only, .data does not execute, .text is not writable */
	uint64_t st = fx_code(&f, store, sizeof store);
	r = fx_run(&f, st, sizeof store, IMG + 0x8, 1);
	CHECK_EQ_U64(r.err, UC_ERR_WRITE_PROT);
	CHECK_EQ_U64(r.status, AV);
	CHECK_EQ_U64(r.twin_status, AV);
	CHECK_EQ_U64(r.fault_address, IMG + 0x8);
	r = fx_run(&f, st, sizeof store, X + 0x1000, 1);
	CHECK_EQ_U64(r.err, UC_ERR_WRITE_PROT); /* .text is EXECUTE_READ */
	CHECK_EQ_U64(r.status, AV);
	CHECK_EQ_U64(r.twin_status, AV);
	r = fx_run(&f, X + 0x2000, 3, 0, 0);
	CHECK_EQ_U64(r.err, UC_ERR_FETCH_PROT);
	CHECK_EQ_U64(r.status, AV);
	CHECK_EQ_U64(r.twin_status, AV);
	fx_close(&f);
}

TEST_MAIN(TEST_CASE(store_through_one_view_loads_through_another), TEST_CASE(code_runs_from_a_view),
          TEST_CASE(writecopy_store_is_copied_and_retried), TEST_CASE(image_runs_writes_data_and_faults))
