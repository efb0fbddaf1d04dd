/*
 * test_nt_section_image.c -- SEC_IMAGE sections from PE bytes: the layout
 * (headers READONLY, section protections from their characteristics,
 * MEM_IMAGE, AllocationProtect EXECUTE_WRITECOPY), mapping at and away from
 * ImageBase, copy-on-write of writable sections, the view rules, and bad PE
 * input rejected with a status (every truncation and many corruptions of a
 * valid file).  Images come from the project's PE builder
 * (reference/pe/pe_build.h) and from nt_section_test.c's writer for the
 * malformed ones.  Sources: docs/nt-semantics.md, "PE images".
 */
#include <stdlib.h>

#include "nt_section_test.h"
#include "pe_build.h"

static const ntvm_behaviour profiles[2] = { WIN, WINE };

#define IMG_BASE 0x140000000ull
#define EWC NTVM_PAGE_EXECUTE_WRITECOPY

static uint8_t *build(const char *text, size_t *size)
{
	ntvm_pe_spec spec;
	const char *error = NULL;
	uint8_t *out = NULL;
	if (ntvm_pe_spec_parse(text, &spec, &error) || ntvm_pe_build(&spec, &out, size, &error)) {
		fprintf(stderr, "pe build failed: %s\n", error ? error : "?");
		exit(2);
	}
	return out;
}

static sec_out image_section(ntvm *vm, const uint8_t *pe, size_t size)
{
	return sec_create(vm, 0, NTVM_PAGE_READONLY, NTVM_SEC_IMAGE, pe, size);
}

/* text rx 0x1800 at 0x1000, data rw 0x2000 at 0x3000, rdata r 0x800 at 0x5000. */
static const char *const layout = "base=0x140000000;text:rx:0x1800,data:rw:0x2000,rdata:r:0x800";

TEST(image_layout_and_protections)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		size_t size;
		uint8_t *pe = build(layout, &size);
		sec_out s = image_section(vm, pe, size);
		CHECK_EQ_U64(s.st, S_OK);
		sec_out v = sec_map(vm, s.handle, 0, 0x10000, 0x1234, 0, NTVM_PAGE_READWRITE);
		CHECK_EQ_U64(v.st, S_OK);
		CHECK_EQ_U64(v.base, IMG_BASE);
		CHECK_EQ_U64(v.size, 0x6000);
		CHECK_EQ_U64(v.offset, 0);
		uint64_t b = IMG_BASE;
		CHECK_REGION(vm, b, b, b, EWC, 0x1000, NTVM_MEM_COMMIT, NTVM_PAGE_READONLY, NTVM_MEM_IMAGE);
		CHECK_REGION(vm, b + 0x1000, b + 0x1000, b, EWC, 0x2000, NTVM_MEM_COMMIT, NTVM_PAGE_EXECUTE_READ,
		             NTVM_MEM_IMAGE);
		CHECK_REGION(vm, b + 0x3000, b + 0x3000, b, EWC, 0x2000, NTVM_MEM_COMMIT, NTVM_PAGE_WRITECOPY,
		             NTVM_MEM_IMAGE);
		CHECK_REGION(vm, b + 0x5000, b + 0x5000, b, EWC, 0x1000, NTVM_MEM_COMMIT, NTVM_PAGE_READONLY,
		             NTVM_MEM_IMAGE);
		/* contents: the headers and each section's file data (pe_build's pattern) */
		uint8_t head[2], t = 0, d = 0, r = 0;
		CHECK_EQ_U64(nt_read(vm, b, head, 2, NULL), S_OK);
		CHECK(head[0] == 'M' && head[1] == 'Z');
		CHECK_EQ_U64(nt_read(vm, b + 0x1000, &t, 1, NULL), S_OK);
		CHECK_EQ_U64(nt_read(vm, b + 0x3000 + 0x200, &d, 1, NULL), S_OK);
		CHECK_EQ_U64(nt_read(vm, b + 0x5000, &r, 1, NULL), S_OK);
		CHECK_EQ_U64(t, 0x10);
		CHECK_EQ_U64(d, 0x21);
		CHECK_EQ_U64(r, 0x30);
		free(pe);
		ntvm_destroy(vm);
	}
}

/* A second mapping lands elsewhere: STATUS_IMAGE_NOT_AT_BASE (a success),
 * same bytes; writes to a WRITECOPY section stay in their view; headers
 * are read-only; .text runs, .data does not (DEP). */
TEST(image_views_and_copy_on_write)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		size_t size;
		uint8_t *pe = build(layout, &size);
		ntvm_handle h = image_section(vm, pe, size).handle;
		CHECK_EQ_U64(sec_map(vm, h, 0, 0, 0, 0, NTVM_PAGE_READONLY).st, S_OK);
		sec_out two = sec_map(vm, h, 0, 0, 0, 0, NTVM_PAGE_READONLY);
		CHECK_EQ_U64(two.st, NTVM_STATUS_IMAGE_NOT_AT_BASE);
		CHECK(two.base != IMG_BASE);
		sec_out three = sec_map(vm, h, X, 0, 0, 0, NTVM_PAGE_READONLY);
		CHECK_EQ_U64(three.st, NTVM_STATUS_IMAGE_NOT_AT_BASE);
		CHECK_EQ_U64(three.base, X);
		uint64_t fault = 0;
		CHECK_EQ_U64(nt_write(vm, IMG_BASE + 0x10, 1, 1, &fault), NTVM_STATUS_ACCESS_VIOLATION);
		CHECK_EQ_U64(nt_write(vm, IMG_BASE + 0x1000, 1, 1, &fault), NTVM_STATUS_ACCESS_VIOLATION);
		CHECK_EQ_U64(ntvm_nt_access(vm, IMG_BASE + 0x1000, NULL, 16, NTVM_ACCESS_EXECUTE, NULL), S_OK);
		CHECK_EQ_U64(ntvm_nt_access(vm, IMG_BASE + 0x3000, NULL, 1, NTVM_ACCESS_EXECUTE, &fault),
		             NTVM_STATUS_ACCESS_VIOLATION);
		CHECK_EQ_U64(nt_write(vm, IMG_BASE + 0x3004, 0xAB, 1, NULL), S_OK);
		CHECK_REGION(vm, IMG_BASE + 0x3000, IMG_BASE + 0x3000, IMG_BASE, EWC, 0x1000, NTVM_MEM_COMMIT,
		             NTVM_PAGE_READWRITE, NTVM_MEM_IMAGE);
		uint8_t other = 0;
		CHECK_EQ_U64(nt_read(vm, X + 0x3004, &other, 1, NULL), S_OK);
		CHECK_EQ_U64(other, 0x20);
		/* view rules: no commit, no free, unmap from any address */
		CHECK_EQ_U64(nt_alloc(vm, X, 0x1000, NTVM_MEM_COMMIT, NTVM_PAGE_READWRITE).st,
		             NTVM_STATUS_ALREADY_COMMITTED);
		CHECK_EQ_U64(nt_free(vm, X, 0, NTVM_MEM_RELEASE).st, profiles[p] == WIN
		             ? NTVM_STATUS_UNABLE_TO_DELETE_SECTION : NTVM_STATUS_INVALID_PARAMETER);
		/* protect: READWRITE on an image page is WRITECOPY */
		nt_out o = nt_prot(vm, X + 0x1000, 0x1000, NTVM_PAGE_READWRITE);
		CHECK_EQ_U64(o.st, S_OK);
		CHECK_EQ_U64(o.old, NTVM_PAGE_EXECUTE_READ);
		CHECK_REGION(vm, X + 0x1000, X + 0x1000, X, EWC, 0x1000, NTVM_MEM_COMMIT, NTVM_PAGE_WRITECOPY,
		             NTVM_MEM_IMAGE);
		CHECK_EQ_U64(nt_prot(vm, X + 0x1000, 0x1000, NTVM_PAGE_EXECUTE_READWRITE).st, S_OK);
		CHECK_REGION(vm, X + 0x1000, X + 0x1000, X, EWC, 0x1000, NTVM_MEM_COMMIT, EWC, NTVM_MEM_IMAGE);
		CHECK_EQ_U64(sec_unmap(vm, X + 0x5FFF), S_OK);
		CHECK_EQ_U64(sec_unmap(vm, two.base + 0x2000), S_OK);
		CHECK_EQ_U64(sec_close(vm, h), S_OK);
		uint8_t d = 0;
		CHECK_EQ_U64(nt_read(vm, IMG_BASE + 0x3004, &d, 1, NULL), S_OK);
		CHECK_EQ_U64(d, 0xAB);
		CHECK_EQ_U64(sec_unmap(vm, IMG_BASE), S_OK);
		free(pe);
		ntvm_destroy(vm);
	}
}

/* WRK: MEM_RESERVE on an image is _9; the base must still be 64 KiB aligned. */
TEST(image_map_statuses)
{
	ntvm *vm = nt_vm(WIN);
	size_t size;
	uint8_t *pe = build(layout, &size);
	ntvm_handle h = image_section(vm, pe, size).handle;
	CHECK_EQ_U64(sec_map(vm, h, 0, 0, 0, NTVM_MEM_RESERVE, NTVM_PAGE_READONLY).st,
	             NTVM_STATUS_INVALID_PARAMETER_9);
	CHECK_EQ_U64(sec_map(vm, h, X + 0x1000, 0, 0, 0, NTVM_PAGE_READONLY).st, NTVM_STATUS_MAPPED_ALIGNMENT);
	CHECK_EQ_U64(sec_map(vm, h, IMG_BASE, 0, 0, 0, NTVM_PAGE_READONLY).st, S_OK);
	CHECK_EQ_U64(sec_map(vm, h, IMG_BASE, 0, 0, 0, NTVM_PAGE_READONLY).st, NTVM_STATUS_CONFLICTING_ADDRESSES);
	free(pe);
	ntvm_destroy(vm);
}

/* A 32-bit (i386 PE32) image maps with STATUS_IMAGE_MACHINE_TYPE_MISMATCH. */
TEST(image_pe32)
{
	ntvm *vm = nt_vm(WIN);
	uint8_t pe[0x2000];
	pe_sec secs[1] = { { 0x1000, 0x200, SCN_R | SCN_X } };
	size_t size = pe_write(pe, sizeof pe, 0x400000, secs, 1);
	pe[0x58] = 0x0B;
	pe[0x59] = 0x01;
	pe[0x44] = 0x4C;
	pe[0x45] = 0x01;
	memset(pe + 0x58 + 24, 0, 8);
	pe[0x58 + 28 + 2] = 0x40; /* ImageBase 0x400000 as a 32-bit field */
	sec_out s = image_section(vm, pe, size);
	CHECK_EQ_U64(s.st, S_OK);
	sec_out v = sec_map(vm, s.handle, 0, 0, 0, 0, NTVM_PAGE_READONLY);
	CHECK_EQ_U64(v.st, NTVM_STATUS_IMAGE_MACHINE_TYPE_MISMATCH);
	CHECK_EQ_U64(v.base, 0x400000);
	ntvm_destroy(vm);
}

/* Characteristics to protections, SHARED writable sections shared between views. */
TEST(image_section_protections)
{
	static const struct {
		uint32_t c, prot;
	} cases[] = {
		{ 0, NTVM_PAGE_NOACCESS },
		{ SCN_X, NTVM_PAGE_EXECUTE },
		{ SCN_R, NTVM_PAGE_READONLY },
		{ SCN_R | SCN_X, NTVM_PAGE_EXECUTE_READ },
		{ SCN_W, NTVM_PAGE_WRITECOPY },
		{ SCN_R | SCN_W, NTVM_PAGE_WRITECOPY },
		{ SCN_W | SCN_X, EWC },
		{ SCN_R | SCN_W | SCN_X, EWC },
		{ SCN_R | SCN_W | SCN_S, NTVM_PAGE_READWRITE },
		{ SCN_R | SCN_W | SCN_X | SCN_S, NTVM_PAGE_EXECUTE_READWRITE },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		ntvm *vm = nt_vm(WIN);
		uint8_t pe[0x2000];
		pe_sec secs[1] = { { 0x1000, 0x200, cases[i].c } };
		size_t size = pe_write(pe, sizeof pe, IMG_BASE, secs, 1);
		ntvm_handle h = image_section(vm, pe, size).handle;
		CHECK_EQ_U64(sec_map(vm, h, 0, 0, 0, 0, NTVM_PAGE_READONLY).st, S_OK);
		ntvm_memory_basic_information mbi;
		CHECK_EQ_U64(nt_query(vm, IMG_BASE + 0x1000, &mbi), S_OK);
		CHECK_EQ_U64(mbi.Protect, cases[i].prot);
		if (cases[i].c & SCN_S) {
			sec_out two = sec_map(vm, h, X, 0, 0, 0, NTVM_PAGE_READONLY);
			CHECK_EQ_U64(nt_write(vm, IMG_BASE + 0x1000, 0x99, 1, NULL), S_OK);
			uint8_t b = 0;
			CHECK_EQ_U64(nt_read(vm, two.base + 0x1000, &b, 1, NULL), S_OK);
			CHECK_EQ_U64(b, 0x99);
		}
		ntvm_destroy(vm);
	}
}

/* Low-alignment images (SectionAlignment below a page): the file as it is,
 * every page EXECUTE_WRITECOPY. */
TEST(image_low_alignment)
{
	ntvm *vm = nt_vm(WINE);
	size_t size;
	uint8_t *pe = build("base=0x140000000;align=0x200;falign=0x200;text:rx:0x400", &size);
	sec_out s = image_section(vm, pe, size);
	CHECK_EQ_U64(s.st, S_OK);
	sec_out v = sec_map(vm, s.handle, 0, 0, 0, 0, NTVM_PAGE_READONLY);
	CHECK_EQ_U64(v.st, S_OK);
	CHECK_REGION(vm, IMG_BASE, IMG_BASE, IMG_BASE, EWC, v.size, NTVM_MEM_COMMIT, EWC, NTVM_MEM_IMAGE);
	free(pe);
	ntvm_destroy(vm);
}

static uint32_t create_status(const uint8_t *pe, size_t size)
{
	ntvm *vm = nt_vm(WIN);
	uint32_t st = image_section(vm, pe, size).st;
	ntvm_destroy(vm);
	return st;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* WRK MiCreateImageFileMap: not MZ, no PE header, anything inconsistent. */
TEST(bad_pe_statuses)
{
	uint8_t good[0x2000], pe[0x2000];
	pe_sec secs[2] = { { 0x1000, 0x200, SCN_R | SCN_X }, { 0x1000, 0x200, SCN_R | SCN_W } };
	size_t size = pe_write(good, sizeof good, IMG_BASE, secs, 2);
	CHECK_EQ_U64(create_status(good, size), S_OK);
	struct {
		size_t at;
		uint32_t value, bytes, status;
	} edits[] = {
		{ 0, 'X', 1, NTVM_STATUS_INVALID_IMAGE_NOT_MZ },
		{ 0x3C, 0x1FF0, 4, NTVM_STATUS_INVALID_IMAGE_PROTECT },
		{ 0x3C, 0xFFFFFFFF, 4, NTVM_STATUS_INVALID_IMAGE_PROTECT },
		{ 0x41, 'X', 1, NTVM_STATUS_INVALID_IMAGE_PROTECT },
		{ 0x44, 0x14C, 2, NTVM_STATUS_INVALID_IMAGE_FORMAT },      /* machine */
		{ 0x46, 0, 2, NTVM_STATUS_INVALID_IMAGE_FORMAT },          /* no sections */
		{ 0x46, 97, 2, NTVM_STATUS_INVALID_IMAGE_FORMAT },         /* too many */
		{ 0x54, 8, 2, NTVM_STATUS_INVALID_IMAGE_FORMAT },          /* optional header size */
		{ 0x58, 0x107, 2, NTVM_STATUS_INVALID_IMAGE_FORMAT },      /* magic */
		{ 0x58 + 24, 0x1234, 4, NTVM_STATUS_INVALID_IMAGE_FORMAT }, /* ImageBase unaligned */
		{ 0x58 + 32, 0x1800, 4, NTVM_STATUS_INVALID_IMAGE_FORMAT }, /* SectionAlignment */
		{ 0x58 + 36, 0x100, 4, NTVM_STATUS_INVALID_IMAGE_FORMAT },  /* FileAlignment */
		{ 0x58 + 56, 0, 4, NTVM_STATUS_INVALID_IMAGE_FORMAT },      /* SizeOfImage 0 */
		{ 0x58 + 56, 0x2000, 4, NTVM_STATUS_INVALID_IMAGE_FORMAT }, /* section past the image */
		{ 0x58 + 60, 0x100000, 4, NTVM_STATUS_INVALID_IMAGE_FORMAT }, /* headers past the file */
		{ 0x58 + 240 + 12, 0x1800, 4, NTVM_STATUS_INVALID_IMAGE_FORMAT }, /* VA unaligned */
		{ 0x58 + 240 + 40 + 12, 0x1000, 4, NTVM_STATUS_INVALID_IMAGE_FORMAT }, /* overlap */
		{ 0x58 + 240 + 20, 0x1FFF00, 4, NTVM_STATUS_INVALID_IMAGE_FORMAT }, /* raw past file */
	};
	for (size_t i = 0; i < sizeof edits / sizeof *edits; i++) {
		memcpy(pe, good, size);
		if (edits[i].bytes == 1)
			pe[edits[i].at] = (uint8_t)edits[i].value;
		else if (edits[i].bytes == 2) {
			pe[edits[i].at] = (uint8_t)edits[i].value;
			pe[edits[i].at + 1] = (uint8_t)(edits[i].value >> 8);
		} else
			put32(pe + edits[i].at, edits[i].value);
		uint32_t st = create_status(pe, size);
		if (st != edits[i].status)
			fprintf(stderr, "edit %zu: 0x%08x\n", i, st);
		CHECK_EQ_U64(st, edits[i].status);
	}
	CHECK_EQ_U64(create_status(good, 63), NTVM_STATUS_INVALID_IMAGE_NOT_MZ);
	CHECK_EQ_U64(create_status(good, 0x50), NTVM_STATUS_INVALID_IMAGE_PROTECT);
}

/* Every truncation and a few thousand random corruptions: a status, never
 * a crash (ASan/UBSan watch the reads); successes map and unmap cleanly. */
TEST(bad_pe_never_crashes)
{
	size_t size;
	uint8_t *pe = build(layout, &size);
	ntvm *vm = nt_vm(WIN);
	for (size_t n = 0; n <= size; n += (n < 0x400 ? 1 : 0x41)) {
		uint8_t *copy = malloc(n ? n : 1);
		memcpy(copy, pe, n);
		sec_out s = image_section(vm, copy, n);
		CHECK(s.st == S_OK || (s.st & 0xC0000000u) == 0xC0000000u);
		if (s.st == S_OK)
			CHECK_EQ_U64(sec_close(vm, s.handle), S_OK);
		free(copy);
	}
	uint64_t seed = 0x9E3779B97F4A7C15ull;
	uint8_t *copy = malloc(size);
	for (int round = 0; round < 3000; round++) {
		memcpy(copy, pe, size);
		for (int k = 0; k < 1 + round % 4; k++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			size_t at = (size_t)(seed >> 33) % (round % 2 ? 0x200 : size);
			copy[at] = (uint8_t)(seed >> 17);
		}
		sec_out s = image_section(vm, copy, size);
		if (s.st != S_OK)
			continue;
		sec_out v = sec_map(vm, s.handle, 0, 0, 0, 0, NTVM_PAGE_READONLY);
		if (v.st == S_OK || v.st == NTVM_STATUS_IMAGE_NOT_AT_BASE)
			CHECK_EQ_U64(sec_unmap(vm, v.base), S_OK);
		CHECK_EQ_U64(sec_close(vm, s.handle), S_OK);
	}
	free(copy);
	free(pe);
	ntvm_destroy(vm);
}

TEST_MAIN(TEST_CASE(image_layout_and_protections), TEST_CASE(image_views_and_copy_on_write),
          TEST_CASE(image_map_statuses), TEST_CASE(image_pe32), TEST_CASE(image_section_protections),
          TEST_CASE(image_low_alignment), TEST_CASE(bad_pe_statuses), TEST_CASE(bad_pe_never_crashes))
