/*
 * test_nt_section.c -- NtCreateSection, NtMapViewOfSection,
 * NtUnmapViewOfSection, NtClose, NtExtendSection on page-file and data-file
 * sections, in both profiles: shared contents, copy-on-write, handle rules,
 * the statuses of docs/nt-semantics.md ("Sections") and their sources.
 * Every failing call is checked to change nothing (nt_section_test.c).
 */
#include "nt_section_test.h"

static const ntvm_behaviour profiles[2] = { WIN, WINE };

#define RW NTVM_PAGE_READWRITE
#define RO NTVM_PAGE_READONLY
#define WC NTVM_PAGE_WRITECOPY
#define COMMIT NTVM_SEC_COMMIT
#define RESERVE NTVM_SEC_RESERVE

static void check_byte(ntvm *vm, uint64_t address, uint8_t want)
{
	uint8_t b = 0xEE;
	CHECK_EQ_U64(nt_read(vm, address, &b, 1, NULL), S_OK);
	CHECK_EQ_U64(b, want);
}

/* kernel32 test_MapViewOfFile: two views of one mapping see each other's
 * writes; a view outlives its handle. */
TEST(two_views_share_pages)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		sec_out s = sec_create(vm, 0x3000, RW, COMMIT, NULL, 0);
		CHECK_EQ_U64(s.st, S_OK);
		CHECK_EQ_U64(s.handle, 4);
		sec_out a = sec_map(vm, s.handle, X, 0, 0, 0, RW);
		sec_out b = sec_map(vm, s.handle, 0, 0, 0, 0, RW);
		CHECK_OUT(((nt_out){ a.st, a.base, a.size, 0 }), S_OK, X, 0x3000);
		CHECK_EQ_U64(b.st, S_OK);
		CHECK_EQ_U64(b.base & 0xFFFF, 0);
		CHECK_EQ_U64(b.size, 0x3000);
		CHECK_EQ_U64(nt_write(vm, X + 0x1234, 0x5A, 3, NULL), S_OK);
		check_byte(vm, b.base + 0x1236, 0x5A);
		CHECK_EQ_U64(nt_write(vm, b.base + 0x2FFF, 0x77, 1, NULL), S_OK);
		check_byte(vm, X + 0x2FFF, 0x77);
		CHECK_REGION(vm, X + 0x1000, X + 0x1000, X, RW, 0x2000, NTVM_MEM_COMMIT, RW, NTVM_MEM_MAPPED);
		CHECK_EQ_U64(sec_close(vm, s.handle), S_OK);
		CHECK_EQ_U64(sec_close(vm, s.handle), NTVM_STATUS_INVALID_HANDLE);
		check_byte(vm, b.base + 0x1234, 0x5A);
		CHECK_EQ_U64(sec_unmap(vm, X + 0x2345), S_OK);
		CHECK_EQ_U64(sec_unmap(vm, X), NTVM_STATUS_NOT_MAPPED_VIEW);
		CHECK_REGION(vm, X, X, 0, 0, MAX64 + 1 - X, NTVM_MEM_FREE, NTVM_PAGE_NOACCESS, 0);
		check_byte(vm, b.base + 0x2FFF, 0x77);
		CHECK_EQ_U64(sec_unmap(vm, b.base), S_OK);
		ntvm_destroy(vm);
	}
}

/* Handles: lowest free multiple of 4; NtClose of junk; unmap of private memory. */
TEST(handles_and_unmap_rules)
{
	ntvm *vm = nt_vm(WIN);
	sec_out a = sec_create(vm, 0x1000, RW, COMMIT, NULL, 0);
	sec_out b = sec_create(vm, 0x1000, RW, COMMIT, NULL, 0);
	CHECK_EQ_U64(a.handle, 4);
	CHECK_EQ_U64(b.handle, 8);
	CHECK_EQ_U64(sec_close(vm, 4), S_OK);
	CHECK_EQ_U64(sec_create(vm, 0x1000, RW, COMMIT, NULL, 0).handle, 4);
	CHECK_EQ_U64(sec_close(vm, 0), NTVM_STATUS_INVALID_HANDLE);
	CHECK_EQ_U64(sec_close(vm, 6), NTVM_STATUS_INVALID_HANDLE);
	CHECK_EQ_U64(sec_close(vm, 12), NTVM_STATUS_INVALID_HANDLE);
	CHECK_EQ_U64(sec_map(vm, 12, 0, 0, 0, 0, RW).st, NTVM_STATUS_INVALID_HANDLE);
	CHECK_OUT(nt_alloc(vm, X, 0x1000, NTVM_MEM_RESERVE | NTVM_MEM_COMMIT, RW), S_OK, X, 0x1000);
	CHECK_EQ_U64(sec_unmap(vm, X), NTVM_STATUS_NOT_MAPPED_VIEW);
	CHECK_EQ_U64(sec_unmap(vm, 0), NTVM_STATUS_NOT_MAPPED_VIEW);
	ntvm_destroy(vm);
}

/* ReactOS NtCreateSection: attribute and protection checks; Wine 8.0's
 * answers from the probe (rows SECTION_CREATE_*). */
TEST(create_statuses)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		bool win = profiles[p] == WIN;
		uint32_t bad_type = win ? NTVM_STATUS_INVALID_PARAMETER_6 : NTVM_STATUS_INVALID_PARAMETER;
		CHECK_EQ_U64(sec_create(vm, 0x1000, RW, 0, NULL, 0).st, bad_type);
		CHECK_EQ_U64(sec_create(vm, 0x1000, RW, COMMIT | RESERVE, NULL, 0).st, bad_type);
		CHECK_EQ_U64(sec_create(vm, 0x1000, RW, NTVM_SEC_IMAGE | COMMIT, NULL, 0).st, bad_type);
		CHECK_EQ_U64(sec_create(vm, 0x1000, RW, COMMIT | 1, NULL, 0).st,
		             win ? NTVM_STATUS_INVALID_PARAMETER_6 : S_OK);
		uint32_t bad_prot = win ? NTVM_STATUS_INVALID_PAGE_PROTECTION : S_OK;
		CHECK_EQ_U64(sec_create(vm, 0x1000, NTVM_PAGE_NOACCESS, COMMIT, NULL, 0).st, bad_prot);
		sec_out guard = sec_create(vm, 0x1000, RW | NTVM_PAGE_GUARD, COMMIT, NULL, 0);
		CHECK_EQ_U64(guard.st, bad_prot);
		if (!win) {
			sec_out v = sec_map(vm, guard.handle, X, 0, 0, 0, RW);
			CHECK_EQ_U64(v.st, S_OK);
			CHECK_REGION(vm, X, X, X, RW, 0x1000, NTVM_MEM_COMMIT, RW, NTVM_MEM_MAPPED);
		}
		CHECK_EQ_U64(sec_create(vm, 0x1000, RW | RO, COMMIT, NULL, 0).st,
		             NTVM_STATUS_INVALID_PAGE_PROTECTION);
		CHECK_EQ_U64(sec_create(vm, 0, RW, COMMIT, NULL, 0).st,
		             win ? NTVM_STATUS_INVALID_PARAMETER_4 : NTVM_STATUS_INVALID_PARAMETER);
		CHECK_EQ_U64(sec_create(vm, 0x40000001, RW, COMMIT, NULL, 0).st, NTVM_STATUS_SECTION_TOO_BIG);
		CHECK_EQ_U64(sec_create(vm, 0x1000, RO, NTVM_SEC_IMAGE, NULL, 0).st,
		             NTVM_STATUS_INVALID_FILE_FOR_SECTION);
		CHECK_EQ_U64(sec_create(vm, 0x1000, RW, COMMIT | NTVM_SEC_LARGE_PAGES, NULL, 0).st,
		             NTVM_STATUS_NOT_SUPPORTED);
		uint8_t file[100] = { 1, 2, 3 };
		CHECK_EQ_U64(sec_create(vm, 0, RW, COMMIT, file, 0).st, NTVM_STATUS_MAPPED_FILE_SIZE_ZERO);
		CHECK_EQ_U64(sec_create(vm, 0x2000, RO, COMMIT, file, sizeof file).st, NTVM_STATUS_SECTION_TOO_BIG);
		ntvm_handle h = 0;
		CHECK_EQ_U64(ntvm_nt_create_section(vm, &h, 0, NULL, RW, COMMIT, NULL, 0),
		             win ? NTVM_STATUS_INVALID_PARAMETER_4 : NTVM_STATUS_INVALID_PARAMETER);
		CHECK_EQ_U64(ntvm_nt_create_section(vm, NULL, 0, NULL, RW, COMMIT, NULL, 0),
		             NTVM_STATUS_ACCESS_VIOLATION);
		ntvm_destroy(vm);
	}
}

/* Data-file sections: contents are the bytes then zeros; a writable one may
 * be larger than the file; writes do not reach the caller's buffer. */
TEST(data_file_section)
{
	ntvm *vm = nt_vm(WIN);
	uint8_t file[0x1800];
	memset(file, 0x11, sizeof file);
	sec_out s = sec_create(vm, 0x3000, RW, COMMIT, file, sizeof file);
	CHECK_EQ_U64(s.st, S_OK);
	sec_out v = sec_map(vm, s.handle, X, 0, 0, 0, RW);
	CHECK_EQ_U64(v.size, 0x3000);
	check_byte(vm, X + 0x17FF, 0x11);
	check_byte(vm, X + 0x1800, 0);
	CHECK_EQ_U64(nt_write(vm, X, 0x22, 1, NULL), S_OK);
	CHECK_EQ_U64(file[0], 0x11);
	/* file views: no commit, no free */
	CHECK_EQ_U64(nt_alloc(vm, X, 0x1000, NTVM_MEM_COMMIT, RW).st, NTVM_STATUS_ALREADY_COMMITTED);
	CHECK_EQ_U64(nt_free(vm, X, 0x1000, NTVM_MEM_DECOMMIT).st, NTVM_STATUS_UNABLE_TO_DELETE_SECTION);
	CHECK_EQ_U64(nt_free(vm, X, 0, NTVM_MEM_RELEASE).st, NTVM_STATUS_UNABLE_TO_DELETE_SECTION);
	CHECK_EQ_U64(ntvm_nt_extend_section(vm, s.handle, &(uint64_t){ 0x10000 }), NTVM_STATUS_INVALID_PARAMETER);
	ntvm_destroy(vm);
}

/* WRK NtMapViewOfSection / ntdll test_NtMapViewOfSection: argument
 * statuses; Wine 8.0's from the probe (rows MAP_*). */
TEST(map_statuses)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		bool win = profiles[p] == WIN;
		ntvm_handle h = sec_create(vm, 0x20000, RW, COMMIT, NULL, 0).handle;
		CHECK_EQ_U64(sec_map(vm, h, X, 0, 0, 0, RW).st, S_OK);
		CHECK_EQ_U64(sec_map(vm, h, X, 0, 0, 0, RW).st, NTVM_STATUS_CONFLICTING_ADDRESSES);
		CHECK_EQ_U64(sec_map(vm, h, X + 0x10000, 0, 0, 0, RW).st, NTVM_STATUS_CONFLICTING_ADDRESSES);
		CHECK_EQ_U64(sec_map(vm, h, X + 42, 0, 0, 0, RW).st, NTVM_STATUS_MAPPED_ALIGNMENT);
		CHECK_EQ_U64(sec_map(vm, h, X + 0x1000, 0, 0, 0, RW).st, NTVM_STATUS_MAPPED_ALIGNMENT);
		CHECK_EQ_U64(sec_map(vm, h, 0, 1, 0, 0, RW).st, NTVM_STATUS_MAPPED_ALIGNMENT);
		CHECK_EQ_U64(sec_map(vm, h, 0, 0x1000, 0, 0, RW).st, NTVM_STATUS_MAPPED_ALIGNMENT);
		CHECK_EQ_U64(sec_map(vm, h, 0, 0x20000, 0, 0, RW).st,
		             win ? NTVM_STATUS_INVALID_VIEW_SIZE : NTVM_STATUS_INVALID_PARAMETER);
		CHECK_EQ_U64(sec_map(vm, h, 0, 0x30000, 0x1000, 0, RW).st,
		             win ? NTVM_STATUS_INVALID_VIEW_SIZE : NTVM_STATUS_INVALID_PARAMETER);
		CHECK_EQ_U64(sec_map(vm, h, 0, 0x10000, 0x10001, 0, RW).st, NTVM_STATUS_INVALID_VIEW_SIZE);
		CHECK_EQ_U64(sec_map(vm, h, 0, 0, 0x20001, 0, RW).st, NTVM_STATUS_INVALID_VIEW_SIZE);
		uint32_t ignored = win ? NTVM_STATUS_INVALID_PARAMETER_9 : S_OK;
		CHECK_EQ_U64(sec_map(vm, h, 0, 0, 0, NTVM_AT_ROUND_TO_PAGE, RW).st, ignored);
		CHECK_EQ_U64(sec_map(vm, h, 0, 0, 0, NTVM_MEM_COMMIT, RW).st, ignored);
		CHECK_EQ_U64(sec_map(vm, h, X + 0x401000, 0, 0, NTVM_AT_ROUND_TO_PAGE, RW).st,
		             win ? NTVM_STATUS_INVALID_PARAMETER_9 : NTVM_STATUS_MAPPED_ALIGNMENT);
		CHECK_EQ_U64(sec_map(vm, h, 0, 0, 0, 0, RW | RO).st, NTVM_STATUS_INVALID_PAGE_PROTECTION);
		CHECK_EQ_U64(sec_map(vm, h, 0, 0, 0, 0, RW | NTVM_PAGE_WRITECOMBINE).st,
		             win ? NTVM_STATUS_INVALID_PARAMETER_10 : NTVM_STATUS_INVALID_PAGE_PROTECTION);
		sec_out erw = sec_map(vm, h, X + 0x200000, 0, 0, 0, NTVM_PAGE_EXECUTE_READWRITE);
		CHECK_EQ_U64(erw.st, win ? NTVM_STATUS_SECTION_PROTECTION : S_OK);
		if (!win)
			CHECK_REGION(vm, erw.base, erw.base, erw.base, NTVM_PAGE_EXECUTE_READWRITE, 0x20000,
			             NTVM_MEM_COMMIT, NTVM_PAGE_EXECUTE_READWRITE, NTVM_MEM_MAPPED);
		CHECK_EQ_U64(sec_map(vm, h, 0x800000000000, 0, 0, 0, RW).st,
		             win ? NTVM_STATUS_INVALID_PARAMETER_3 : NTVM_STATUS_WORKING_SET_LIMIT_RANGE);
		CHECK_EQ_U64(sec_map(vm, h, 0x7FFFFFFE0000, 0, 0x20000, 0, RW).st, NTVM_STATUS_INVALID_PARAMETER_3);
		CHECK_EQ_U64(sec_map_full(vm, h, 0, 22, 0, 0, 0, 1, 0, RW).st, NTVM_STATUS_INVALID_PARAMETER_4);
		CHECK_EQ_U64(sec_map_full(vm, h, X + 0x100000, 1, 0, 0, 0, 1, 0, RW).st,
		             NTVM_STATUS_INVALID_PARAMETER_4);
		CHECK_EQ_U64(sec_map_full(vm, h, 0, 0, 0, 0, 0, 3, 0, RW).st,
		             win ? NTVM_STATUS_INVALID_PARAMETER_8 : S_OK);
		CHECK_EQ_U64(sec_map_full(vm, h, 0, 0, 0x20001, 0, 0x20000, 1, 0, RW).st,
		             win ? NTVM_STATUS_INVALID_PARAMETER_5 : S_OK); /* MAP_COMMIT_PAST_VIEW */
		CHECK_EQ_U64(sec_map(vm, h, 0, 0, 0, NTVM_MEM_RESERVE, RW).st,
		             win ? NTVM_STATUS_INVALID_PARAMETER_9 : S_OK); /* page-file section */
		sec_out z = sec_map_full(vm, h, 0, 1, 0, 0, 0, 1, NTVM_MEM_TOP_DOWN, RW);
		CHECK_EQ_U64(z.st, S_OK);
		CHECK(z.base >> 31 == 0);
		sec_out t = sec_map(vm, h, 0, 0x10000, 0x1001, NTVM_MEM_TOP_DOWN, RO);
		CHECK_EQ_U64(t.st, S_OK);
		CHECK_EQ_U64(t.size, 0x2000);
		CHECK_EQ_U64(t.offset, 0x10000);
		CHECK(t.base > X);
		CHECK_REGION(vm, t.base, t.base, t.base, RO, 0x2000, NTVM_MEM_COMMIT, RO, NTVM_MEM_MAPPED);
		ntvm_destroy(vm);
	}
}

/* WRK MmMakeSectionAccess: the handle's rights against the view protection. */
TEST(map_access_rights)
{
	ntvm *vm = nt_vm(WIN);
	uint64_t max = 0x1000;
	ntvm_handle h = 0;
	CHECK_EQ_U64(ntvm_nt_create_section(vm, &h, NTVM_SECTION_MAP_READ, &max, RW, COMMIT, NULL, 0), S_OK);
	CHECK_EQ_U64(sec_map(vm, h, 0, 0, 0, 0, RW).st, NTVM_STATUS_ACCESS_DENIED);
	CHECK_EQ_U64(sec_map(vm, h, 0, 0, 0, 0, NTVM_PAGE_EXECUTE_READ).st, NTVM_STATUS_ACCESS_DENIED);
	CHECK_EQ_U64(sec_map(vm, h, 0, 0, 0, 0, RO).st, S_OK);
	CHECK_EQ_U64(sec_map(vm, h, 0, 0, 0, 0, WC).st, S_OK);
	CHECK_EQ_U64(ntvm_nt_extend_section(vm, h, &max), NTVM_STATUS_ACCESS_DENIED);
	ntvm_handle g = 0;
	CHECK_EQ_U64(ntvm_nt_create_section(vm, &g, NTVM_GENERIC_WRITE, &max, RW, COMMIT, NULL, 0), S_OK);
	CHECK_EQ_U64(sec_map(vm, g, 0, 0, 0, 0, RW).st, S_OK);
	CHECK_EQ_U64(sec_map(vm, g, 0, 0, 0, 0, RO).st, NTVM_STATUS_ACCESS_DENIED);
	ntvm_destroy(vm);
}

/* WRK MmCompatibleProtectionMask: which view protections a section allows. */
TEST(view_protection_against_section)
{
	static const struct {
		uint32_t section, view;
		bool ok;
	} cases[] = {
		{ RO, RO, true }, { RO, WC, true }, { RO, RW, false }, { RO, NTVM_PAGE_EXECUTE_READ, false },
		{ WC, RO, true }, { WC, RW, false }, { RW, NTVM_PAGE_NOACCESS, true },
		{ NTVM_PAGE_EXECUTE_READ, NTVM_PAGE_EXECUTE, true },
		{ NTVM_PAGE_EXECUTE_READ, NTVM_PAGE_EXECUTE_WRITECOPY, false },
		{ NTVM_PAGE_EXECUTE_WRITECOPY, NTVM_PAGE_EXECUTE_WRITECOPY, true },
		{ NTVM_PAGE_EXECUTE, RO, false },
		{ NTVM_PAGE_EXECUTE_READWRITE, NTVM_PAGE_EXECUTE_READWRITE, true },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		ntvm *vm = nt_vm(WIN);
		ntvm_handle h = sec_create(vm, 0x1000, cases[i].section, COMMIT, NULL, 0).handle;
		uint32_t st = sec_map(vm, h, 0, 0, 0, 0, cases[i].view).st;
		CHECK_EQ_U64(st, cases[i].ok ? S_OK : NTVM_STATUS_SECTION_PROTECTION);
		ntvm_destroy(vm);
	}
}

/* A WRITECOPY view: a write copies the page into the view (READWRITE,
 * still MEM_MAPPED); the other view keeps the section's bytes, and later
 * section writes no longer show in the copied page. */
TEST(writecopy_view)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		ntvm_handle h = sec_create(vm, 0x2000, RW, COMMIT, NULL, 0).handle;
		CHECK_EQ_U64(sec_map(vm, h, X, 0, 0, 0, RW).st, S_OK);
		CHECK_EQ_U64(sec_map(vm, h, X + 0x10000, 0, 0, 0, WC).st, S_OK);
		CHECK_EQ_U64(nt_write(vm, X + 0x10, 0x01, 1, NULL), S_OK);
		check_byte(vm, X + 0x10010, 0x01);
		CHECK_EQ_U64(nt_write(vm, X + 0x10020, 0x02, 1, NULL), S_OK);
		CHECK_REGION(vm, X + 0x10000, X + 0x10000, X + 0x10000, WC, 0x1000, NTVM_MEM_COMMIT, RW,
		             NTVM_MEM_MAPPED);
		CHECK_REGION(vm, X + 0x11000, X + 0x11000, X + 0x10000, WC, 0x1000, NTVM_MEM_COMMIT, WC,
		             NTVM_MEM_MAPPED);
		check_byte(vm, X + 0x20, 0);
		check_byte(vm, X + 0x10010, 0x01);
		CHECK_EQ_U64(nt_write(vm, X + 0x10, 0x03, 1, NULL), S_OK);
		check_byte(vm, X + 0x10010, 0x01);
		/* the second page is still shared */
		CHECK_EQ_U64(nt_write(vm, X + 0x1000, 0x04, 1, NULL), S_OK);
		check_byte(vm, X + 0x11000, 0x04);
		/* protect back to WRITECOPY and write again: stays private */
		CHECK_EQ_U64(nt_prot(vm, X + 0x10000, 0x1000, WC).st, S_OK);
		CHECK_EQ_U64(nt_write(vm, X + 0x10030, 0x05, 1, NULL), S_OK);
		check_byte(vm, X + 0x30, 0);
		CHECK_EQ_U64(sec_unmap(vm, X + 0x10000), S_OK);
		check_byte(vm, X + 0x10, 0x03);
		ntvm_destroy(vm);
	}
}

/* NtProtect in views: WRITECOPY is fine, beyond the view's protection is
 * row VIEW_PROTECT_INCOMPATIBLE. */
TEST(protect_in_views)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		ntvm_handle h = sec_create(vm, 0x2000, RW, COMMIT, NULL, 0).handle;
		CHECK_EQ_U64(sec_map(vm, h, X, 0, 0, 0, RO).st, S_OK);
		nt_out o = nt_prot(vm, X, 0x1000, WC);
		CHECK_EQ_U64(o.st, S_OK);
		CHECK_EQ_U64(o.old, RO);
		CHECK_EQ_U64(nt_prot(vm, X, 0x1000, RW).st,
		             profiles[p] == WIN ? NTVM_STATUS_SECTION_PROTECTION : NTVM_STATUS_INVALID_PAGE_PROTECTION);
		CHECK_EQ_U64(nt_prot(vm, X, 0x1000, NTVM_PAGE_NOACCESS).st, S_OK);
		uint64_t fault = 0;
		CHECK_EQ_U64(nt_read(vm, X, &(uint8_t){ 0 }, 1, &fault), NTVM_STATUS_ACCESS_VIOLATION);
		ntvm_destroy(vm);
	}
}

/* SEC_RESERVE: views start reserved; a commit through one view commits the
 * section's pages, so every view shows them committed with its own
 * protection (WRK; row SECTION_COMMIT_OTHER_VIEWS); views mapped later show
 * them in both profiles; the commit size of a map commits the head on
 * Windows, Wine ignores it (row MAP_COMMIT_SIZE). */
TEST(sec_reserve_commit)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		ntvm_handle h = sec_create(vm, 0x4000, RW, RESERVE, NULL, 0).handle;
		CHECK_EQ_U64(sec_map(vm, h, X, 0, 0, 0, RW).st, S_OK);
		CHECK_EQ_U64(sec_map(vm, h, X + 0x10000, 0, 0, 0, RO).st, S_OK);
		CHECK_REGION(vm, X, X, X, RW, 0x4000, NTVM_MEM_RESERVE, 0, NTVM_MEM_MAPPED);
		uint64_t fault = 0;
		CHECK_EQ_U64(nt_write(vm, X + 0x1000, 1, 1, &fault), NTVM_STATUS_ACCESS_VIOLATION);
		CHECK_EQ_U64(nt_alloc(vm, X + 0x10000, 0x1000, NTVM_MEM_COMMIT, RW).st,
		             profiles[p] == WIN ? NTVM_STATUS_SECTION_PROTECTION : NTVM_STATUS_INVALID_PAGE_PROTECTION);
		CHECK_OUT(nt_alloc(vm, X + 0x1800, 0x1000, NTVM_MEM_COMMIT, RW), S_OK, X + 0x1000, 0x2000);
		CHECK_REGION(vm, X + 0x1000, X + 0x1000, X, RW, 0x2000, NTVM_MEM_COMMIT, RW, NTVM_MEM_MAPPED);
		CHECK_EQ_U64(nt_write(vm, X + 0x1000, 0x66, 1, NULL), S_OK);
		if (profiles[p] == WIN) {
			CHECK_REGION(vm, X + 0x11000, X + 0x11000, X + 0x10000, RO, 0x2000, NTVM_MEM_COMMIT, RO,
			             NTVM_MEM_MAPPED);
			check_byte(vm, X + 0x11000, 0x66);
		} else {
			CHECK_REGION(vm, X + 0x11000, X + 0x11000, X + 0x10000, RO, 0x3000, NTVM_MEM_RESERVE, 0,
			             NTVM_MEM_MAPPED);
		}
		/* committing through the read-only view with its protection */
		CHECK_OUT(nt_alloc(vm, X + 0x10000, 0x1000, NTVM_MEM_COMMIT, RO), S_OK, X + 0x10000, 0x1000);
		if (profiles[p] == WIN)
			CHECK_REGION(vm, X, X, X, RW, 0x3000, NTVM_MEM_COMMIT, RW, NTVM_MEM_MAPPED);
		sec_out late = sec_map(vm, h, 0, 0, 0, 0, RO);
		CHECK_EQ_U64(late.st, S_OK);
		CHECK_REGION(vm, late.base + 0x1000, late.base + 0x1000, late.base, RO, 0x2000, NTVM_MEM_COMMIT, RO,
		             NTVM_MEM_MAPPED);
		check_byte(vm, late.base + 0x1000, 0x66);
		/* decommit and release of views stay refused */
		uint32_t free_view = profiles[p] == WIN ? NTVM_STATUS_UNABLE_TO_DELETE_SECTION
		                                        : NTVM_STATUS_INVALID_PARAMETER;
		CHECK_EQ_U64(nt_free(vm, X + 0x1000, 0x1000, NTVM_MEM_DECOMMIT).st, free_view);
		CHECK_EQ_U64(nt_free(vm, X, 0, NTVM_MEM_RELEASE).st, free_view);
		sec_out c = sec_map_full(vm, h, 0, 0, 0x3001, 0, 0, 1, 0, RW);
		CHECK_EQ_U64(c.st, S_OK);
		if (profiles[p] == WIN)
			CHECK_REGION(vm, c.base, c.base, c.base, RW, 0x4000, NTVM_MEM_COMMIT, RW, NTVM_MEM_MAPPED);
		else
			CHECK_REGION(vm, c.base + 0x3000, c.base + 0x3000, c.base, RW, 0x1000, NTVM_MEM_RESERVE, 0,
			             NTVM_MEM_MAPPED);
		ntvm_destroy(vm);
	}
}

/* NtExtendSection: grows a page-file section without views; returns the
 * current size when asked for less. */
TEST(extend_section)
{
	ntvm *vm = nt_vm(WIN);
	ntvm_handle h = sec_create(vm, 0x1800, RW, COMMIT, NULL, 0).handle;
	uint64_t size = 0x1000;
	CHECK_EQ_U64(ntvm_nt_extend_section(vm, h, &size), S_OK);
	CHECK_EQ_U64(size, 0x1800);
	size = 0x5000;
	CHECK_EQ_U64(ntvm_nt_extend_section(vm, h, &size), S_OK);
	sec_out v = sec_map(vm, h, X, 0, 0, 0, RW);
	CHECK_EQ_U64(v.size, 0x5000);
	CHECK_EQ_U64(nt_write(vm, X + 0x4FFF, 9, 1, NULL), S_OK);
	size = 0x6000;
	CHECK_EQ_U64(ntvm_nt_extend_section(vm, h, &size), NTVM_STATUS_NOT_SUPPORTED);
	CHECK_EQ_U64(ntvm_nt_extend_section(vm, 40, &size), NTVM_STATUS_INVALID_HANDLE);
	ntvm_destroy(vm);
}

TEST_MAIN(TEST_CASE(two_views_share_pages), TEST_CASE(handles_and_unmap_rules), TEST_CASE(create_statuses),
          TEST_CASE(data_file_section), TEST_CASE(map_statuses), TEST_CASE(map_access_rights),
          TEST_CASE(view_protection_against_section), TEST_CASE(writecopy_view), TEST_CASE(protect_in_views),
          TEST_CASE(sec_reserve_commit), TEST_CASE(extend_section))
