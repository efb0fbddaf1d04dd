/*
 * test_model_sections.c -- the oracle model's sections on their own,
 * against the facts of docs/nt-semantics.md ("Sections") and the Windows
 * tests it cites: views share their section's pages, copy-on-write makes a
 * page private, a closed section lives on in its views, the protections a
 * section allows, SEC_RESERVE commits, images laid out from PE bytes.
 */
#include <stdlib.h>

#include "model.h"
#include "pe_build.h"
#include "test.h"

static model fresh(ntvm_behaviour behaviour)
{
	model m;
	model_init(&m, NTVM_ADDRESS_64, behaviour);
	return m;
}

static ntvm_handle pagefile(model *m, uint64_t size, uint32_t protect, uint32_t attributes)
{
	ntvm_handle h = 0;
	CHECK_EQ_U64(model_nt_create_section(m, &h, NTVM_SECTION_ALL_ACCESS, &size, protect,
	                                     attributes, NULL, 0),
	             NTVM_STATUS_SUCCESS);
	return h;
}

static uint64_t map(model *m, ntvm_handle h, uint32_t protect, ntvm_ntstatus want)
{
	uint64_t base = 0, size = 0;
	CHECK_EQ_U64(model_nt_map_view(m, h, &base, 0, 0, NULL, &size, NTVM_VIEW_SHARE, 0, protect),
	             want);
	return base;
}

static uint32_t protect_at(const model *m, uint64_t address)
{
	ntvm_memory_basic_information mbi;
	model_nt_query(m, address, &mbi);
	return mbi.Protect;
}

/* kernel32 test_MapViewOfFile: two views of one mapping see each other's
 * writes; the view lives on after CloseHandle(mapping). */
TEST(views_share_pages)
{
	model m = fresh(NTVM_BEHAVIOUR_WINDOWS);
	ntvm_handle h = pagefile(&m, 0x20000, NTVM_PAGE_READWRITE, NTVM_SEC_COMMIT);
	CHECK_EQ_U64(h, 4); /* the lowest free multiple of 4 */
	uint64_t a = map(&m, h, NTVM_PAGE_READWRITE, NTVM_STATUS_SUCCESS);
	uint64_t b = map(&m, h, NTVM_PAGE_READONLY, NTVM_STATUS_SUCCESS);
	uint8_t in = 0x5A, out = 0;
	CHECK(a != b);
	CHECK_EQ_U64(model_nt_access(&m, a + 0x1234, &in, 1, NTVM_ACCESS_WRITE, NULL), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(model_nt_access(&m, b + 0x1234, &out, 1, NTVM_ACCESS_READ, NULL), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(out, 0x5A);
	CHECK_EQ_U64(model_nt_access(&m, b, &in, 1, NTVM_ACCESS_WRITE, NULL), NTVM_STATUS_ACCESS_VIOLATION);
	CHECK_EQ_U64(model_nt_close(&m, h), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(model_nt_close(&m, h), NTVM_STATUS_INVALID_HANDLE);
	CHECK_EQ_U64(m.section_count, 1); /* alive through its views */
	CHECK_EQ_U64(model_nt_unmap_view(&m, a + 0x5000), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(model_nt_unmap_view(&m, a), NTVM_STATUS_NOT_MAPPED_VIEW);
	CHECK_EQ_U64(model_nt_unmap_view(&m, b), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(m.section_count, 0);
	model_fini(&m);
}

/* A write to a WRITECOPY page copies it into the view: later writes through
 * the other view are not seen there, and the page turns READWRITE. */
TEST(copy_on_write_privatizes)
{
	model m = fresh(NTVM_BEHAVIOUR_WINDOWS);
	ntvm_handle h = pagefile(&m, 0x10000, NTVM_PAGE_READWRITE, NTVM_SEC_COMMIT);
	uint64_t shared = map(&m, h, NTVM_PAGE_READWRITE, NTVM_STATUS_SUCCESS);
	uint64_t copy = map(&m, h, NTVM_PAGE_WRITECOPY, NTVM_STATUS_SUCCESS);
	uint8_t one = 1, two = 2, out = 0;
	CHECK_EQ_U64(protect_at(&m, copy), NTVM_PAGE_WRITECOPY);
	model_nt_access(&m, shared, &one, 1, NTVM_ACCESS_WRITE, NULL);
	model_nt_access(&m, copy, &out, 1, NTVM_ACCESS_READ, NULL);
	CHECK_EQ_U64(out, 1); /* not yet copied: shared */
	CHECK_EQ_U64(model_nt_access(&m, copy + 1, &two, 1, NTVM_ACCESS_WRITE, NULL), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(protect_at(&m, copy), NTVM_PAGE_READWRITE);
	CHECK_EQ_U64(protect_at(&m, copy + 0x1000), NTVM_PAGE_WRITECOPY);
	model_nt_access(&m, shared, &two, 1, NTVM_ACCESS_WRITE, NULL);
	model_nt_access(&m, copy, &out, 1, NTVM_ACCESS_READ, NULL);
	CHECK_EQ_U64(out, 1); /* the private copy keeps the byte it had */
	model_nt_access(&m, shared + 1, &out, 1, NTVM_ACCESS_READ, NULL);
	CHECK_EQ_U64(out, 0); /* the copy's write stays in the copy */
	model_fini(&m);
}

/* ReactOS kmtest ZwMapViewOfSection, win32protect: a READONLY section maps
 * READONLY, WRITECOPY, NOACCESS, not READWRITE or EXECUTE_READ. */
TEST(section_protection_bounds_views)
{
	model m = fresh(NTVM_BEHAVIOUR_WINDOWS);
	ntvm_handle ro = pagefile(&m, 0x1000, NTVM_PAGE_READONLY, NTVM_SEC_COMMIT);
	map(&m, ro, NTVM_PAGE_READWRITE, NTVM_STATUS_SECTION_PROTECTION);
	map(&m, ro, NTVM_PAGE_EXECUTE_READ, NTVM_STATUS_SECTION_PROTECTION);
	map(&m, ro, NTVM_PAGE_WRITECOPY, NTVM_STATUS_SUCCESS);
	map(&m, ro, NTVM_PAGE_NOACCESS, NTVM_STATUS_SUCCESS);
	map(&m, ro + 4, NTVM_PAGE_READONLY, NTVM_STATUS_INVALID_HANDLE);
	uint64_t base = 0x100000800, size = 0;
	CHECK_EQ_U64(model_nt_map_view(&m, ro, &base, 0, 0, NULL, &size, NTVM_VIEW_SHARE, 0,
	                               NTVM_PAGE_READONLY),
	             NTVM_STATUS_MAPPED_ALIGNMENT);
	uint64_t too_big = 0x2000;
	base = 0;
	CHECK_EQ_U64(model_nt_map_view(&m, ro, &base, 0, 0, NULL, &too_big, NTVM_VIEW_SHARE, 0,
	                               NTVM_PAGE_READONLY),
	             NTVM_STATUS_INVALID_VIEW_SIZE);
	model_fini(&m);
}

/* SEC_RESERVE: a commit through one view commits the section; Windows shows
 * it in the other views (row SECTION_COMMIT_OTHER_VIEWS), Wine 8.0 not. */
static void reserve_commit(ntvm_behaviour behaviour, uint32_t other_state)
{
	model m = fresh(behaviour);
	ntvm_handle h = pagefile(&m, 0x4000, NTVM_PAGE_READWRITE, NTVM_SEC_RESERVE);
	uint64_t a = map(&m, h, NTVM_PAGE_READWRITE, NTVM_STATUS_SUCCESS);
	uint64_t b = map(&m, h, NTVM_PAGE_READONLY, NTVM_STATUS_SUCCESS);
	ntvm_memory_basic_information mbi;
	model_nt_query(&m, b, &mbi);
	CHECK_EQ_U64(mbi.State, NTVM_MEM_RESERVE);
	CHECK_EQ_U64(mbi.Type, NTVM_MEM_MAPPED);
	uint64_t base = a + 0x1000, size = 0x1000;
	CHECK_EQ_U64(model_nt_allocate(&m, &base, 0, &size, NTVM_MEM_COMMIT, NTVM_PAGE_READWRITE),
	             NTVM_STATUS_SUCCESS);
	model_nt_query(&m, b + 0x1000, &mbi);
	CHECK_EQ_U64(mbi.State, other_state);
	uint64_t c = map(&m, h, NTVM_PAGE_READONLY, NTVM_STATUS_SUCCESS);
	model_nt_query(&m, c + 0x1000, &mbi);
	CHECK_EQ_U64(mbi.State, NTVM_MEM_COMMIT); /* views mapped later show it either way */
	CHECK_EQ_U64(mbi.Protect, NTVM_PAGE_READONLY);
	model_fini(&m);
}

TEST(reserve_commit_windows) { reserve_commit(NTVM_BEHAVIOUR_WINDOWS, NTVM_MEM_COMMIT); }
TEST(reserve_commit_wine) { reserve_commit(NTVM_BEHAVIOUR_WINE_8_0, NTVM_MEM_RESERVE); }

/* An image: headers READONLY, sections by characteristics, MEM_IMAGE,
 * AllocationProtect EXECUTE_WRITECOPY, IMAGE_NOT_AT_BASE away from its base. */
TEST(image_layout)
{
	model m = fresh(NTVM_BEHAVIOUR_WINDOWS);
	ntvm_pe_spec spec;
	uint8_t *file = NULL;
	size_t size = 0;
	ntvm_handle h = 0;
	CHECK_EQ_U64(ntvm_pe_spec_parse("base=0x100000400000;text:rx:0x1800,data:rw:0x1000", &spec, NULL), 0);
	CHECK_EQ_U64(ntvm_pe_build(&spec, &file, &size, NULL), 0);
	CHECK_EQ_U64(model_nt_create_section(&m, &h, NTVM_SECTION_ALL_ACCESS, NULL, NTVM_PAGE_READONLY,
	                                     NTVM_SEC_IMAGE, file, size),
	             NTVM_STATUS_SUCCESS);
	uint64_t base = map(&m, h, NTVM_PAGE_READONLY, NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(base, 0x100000400000ull);
	ntvm_memory_basic_information mbi;
	model_nt_query(&m, base, &mbi);
	CHECK_EQ_U64(mbi.Protect, NTVM_PAGE_READONLY);
	CHECK_EQ_U64(mbi.AllocationProtect, NTVM_PAGE_EXECUTE_WRITECOPY);
	CHECK_EQ_U64(mbi.Type, NTVM_MEM_IMAGE);
	CHECK_EQ_U64(protect_at(&m, base + 0x1000), NTVM_PAGE_EXECUTE_READ);
	CHECK_EQ_U64(protect_at(&m, base + 0x3000), NTVM_PAGE_WRITECOPY);
	uint8_t mz[2];
	model_nt_access(&m, base, mz, 2, NTVM_ACCESS_READ, NULL);
	CHECK(mz[0] == 'M' && mz[1] == 'Z');
	map(&m, h, NTVM_PAGE_READONLY, NTVM_STATUS_IMAGE_NOT_AT_BASE);
	file[0] = 'X';
	CHECK_EQ_U64(model_nt_create_section(&m, &h, NTVM_SECTION_ALL_ACCESS, NULL, NTVM_PAGE_READONLY,
	                                     NTVM_SEC_IMAGE, file, size),
	             NTVM_STATUS_INVALID_IMAGE_NOT_MZ);
	free(file);
	model_fini(&m);
}

TEST_MAIN(TEST_CASE(views_share_pages), TEST_CASE(copy_on_write_privatizes),
          TEST_CASE(section_protection_bounds_views), TEST_CASE(reserve_commit_windows),
          TEST_CASE(reserve_commit_wine), TEST_CASE(image_layout))
