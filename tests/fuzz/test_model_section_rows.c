/*
 * test_model_section_rows.c -- the oracle model's copies of the section rows
 * of the difference table (core/src/nt_profile.c, docs/profile-differences.md):
 * each situation answered as Windows does in one profile and as Wine 8.0
 * recorded it (reference/recordings/section-wine-rows.trace) in the other,
 * plus the pseudo-handle status both share.
 */
#include "model.h"
#include "test.h"

#define WIN NTVM_BEHAVIOUR_WINDOWS
#define WINE NTVM_BEHAVIOUR_WINE_8_0

static ntvm_ntstatus create(model *m, ntvm_handle *h, uint64_t size, uint32_t protect, uint32_t attributes)
{
	return model_nt_create_section(m, h, NTVM_SECTION_ALL_ACCESS, &size, protect, attributes, NULL, 0);
}

static ntvm_ntstatus map_at(model *m, ntvm_handle h, uint64_t *base, uint64_t commit, uint64_t offset,
                            uint32_t inherit, uint32_t type, uint32_t protect)
{
	uint64_t size = 0;
	return model_nt_map_view(m, h, base, 0, commit, &offset, &size, inherit, type, protect);
}

/* One map of a fresh 0x10000-byte section (protection sp) with the given arguments. */
static ntvm_ntstatus map_once(ntvm_behaviour b, uint32_t sp, uint64_t offset, uint32_t inherit,
                              uint32_t type, uint32_t protect)
{
	model m;
	ntvm_handle h = 0;
	model_init(&m, NTVM_ADDRESS_64, b);
	CHECK_EQ_U64(create(&m, &h, 0x10000, sp, NTVM_SEC_COMMIT), NTVM_STATUS_SUCCESS);
	uint64_t base = 0;
	ntvm_ntstatus st = map_at(&m, h, &base, 0, offset, inherit, type, protect);
	model_fini(&m);
	return st;
}

static ntvm_ntstatus create_once(ntvm_behaviour b, uint64_t size, uint32_t protect, uint32_t attributes)
{
	model m;
	ntvm_handle h = 0;
	model_init(&m, NTVM_ADDRESS_64, b);
	ntvm_ntstatus st = create(&m, &h, size, protect, attributes);
	model_fini(&m);
	return st;
}

TEST(create_rows)
{
	CHECK_EQ_U64(create_once(WIN, 0, NTVM_PAGE_READWRITE, NTVM_SEC_COMMIT), NTVM_STATUS_INVALID_PARAMETER_4);
	CHECK_EQ_U64(create_once(WINE, 0, NTVM_PAGE_READWRITE, NTVM_SEC_COMMIT), NTVM_STATUS_INVALID_PARAMETER);
	CHECK_EQ_U64(create_once(WIN, 0x10000, NTVM_PAGE_READWRITE, 0), NTVM_STATUS_INVALID_PARAMETER_6);
	CHECK_EQ_U64(create_once(WINE, 0x10000, NTVM_PAGE_READWRITE, NTVM_SEC_COMMIT | NTVM_SEC_RESERVE),
	             NTVM_STATUS_INVALID_PARAMETER);
	CHECK_EQ_U64(create_once(WIN, 0x10000, NTVM_PAGE_READWRITE, NTVM_SEC_COMMIT | 1),
	             NTVM_STATUS_INVALID_PARAMETER_6);
	CHECK_EQ_U64(create_once(WINE, 0x10000, NTVM_PAGE_READWRITE, NTVM_SEC_COMMIT | 1), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(create_once(WIN, 0x10000, NTVM_PAGE_NOACCESS, NTVM_SEC_COMMIT),
	             NTVM_STATUS_INVALID_PAGE_PROTECTION);
	CHECK_EQ_U64(create_once(WINE, 0x10000, NTVM_PAGE_NOACCESS, NTVM_SEC_COMMIT), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(create_once(WINE, 0x10000, NTVM_PAGE_READWRITE | NTVM_PAGE_GUARD, NTVM_SEC_COMMIT),
	             NTVM_STATUS_SUCCESS);
	/* two base values are refused in both */
	CHECK_EQ_U64(create_once(WINE, 0x10000, 0x6, NTVM_SEC_COMMIT), NTVM_STATUS_INVALID_PAGE_PROTECTION);
}

TEST(map_argument_rows)
{
	const uint32_t rw = NTVM_PAGE_READWRITE, share = NTVM_VIEW_SHARE;
	CHECK_EQ_U64(map_once(WIN, rw, 0, 0, 0, rw), NTVM_STATUS_INVALID_PARAMETER_8);
	CHECK_EQ_U64(map_once(WINE, rw, 0, 0, 0, rw), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(map_once(WIN, rw, 0, share, NTVM_MEM_COMMIT, rw), NTVM_STATUS_INVALID_PARAMETER_9);
	CHECK_EQ_U64(map_once(WINE, rw, 0, share, NTVM_MEM_COMMIT, rw), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(map_once(WINE, rw, 0, share, NTVM_MEM_RESERVE, rw), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(map_once(WIN, NTVM_PAGE_READONLY, 0, share, 0, rw), NTVM_STATUS_SECTION_PROTECTION);
	CHECK_EQ_U64(map_once(WINE, NTVM_PAGE_READONLY, 0, share, 0, rw), NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(map_once(WIN, rw, 0x10000, share, 0, rw), NTVM_STATUS_INVALID_VIEW_SIZE);
	CHECK_EQ_U64(map_once(WINE, rw, 0x10000, share, 0, rw), NTVM_STATUS_INVALID_PARAMETER);
	CHECK_EQ_U64(map_once(WIN, rw, 0, share, 0, rw | NTVM_PAGE_WRITECOMBINE), NTVM_STATUS_INVALID_PARAMETER_10);
	CHECK_EQ_U64(map_once(WINE, rw, 0, share, 0, rw | NTVM_PAGE_WRITECOMBINE),
	             NTVM_STATUS_INVALID_PAGE_PROTECTION);
}

/* The process pseudo-handle is an object of another type; the thread's too. */
TEST(pseudo_handles)
{
	for (int p = 0; p < 2; p++) {
		model m;
		model_init(&m, NTVM_ADDRESS_64, p ? WINE : WIN);
		uint64_t base = 0, size = 0x10000;
		CHECK_EQ_U64(map_at(&m, (ntvm_handle)-1, &base, 0, 0, NTVM_VIEW_SHARE, 0, NTVM_PAGE_READWRITE),
		             NTVM_STATUS_OBJECT_TYPE_MISMATCH);
		CHECK_EQ_U64(model_nt_extend_section(&m, (ntvm_handle)-2, &size), NTVM_STATUS_OBJECT_TYPE_MISMATCH);
		CHECK_EQ_U64(map_at(&m, 0x40, &base, 0, 0, NTVM_VIEW_SHARE, 0, NTVM_PAGE_READWRITE),
		             NTVM_STATUS_INVALID_HANDLE);
		model_fini(&m);
	}
}

/* FREE_VIEW, and MAP_COMMIT_SIZE: Wine commits nothing for a commit size. */
TEST(view_rows)
{
	for (int p = 0; p < 2; p++) {
		model m;
		ntvm_handle h = 0;
		model_init(&m, NTVM_ADDRESS_64, p ? WINE : WIN);
		CHECK_EQ_U64(create(&m, &h, 0x20000, NTVM_PAGE_READWRITE, NTVM_SEC_RESERVE), NTVM_STATUS_SUCCESS);
		uint64_t base = 0;
		CHECK_EQ_U64(map_at(&m, h, &base, 0x3001, 0, NTVM_VIEW_SHARE, 0, NTVM_PAGE_READWRITE),
		             NTVM_STATUS_SUCCESS);
		ntvm_memory_basic_information mbi;
		CHECK_EQ_U64(model_nt_query(&m, base, &mbi), NTVM_STATUS_SUCCESS);
		CHECK_EQ_U64(mbi.State, p ? NTVM_MEM_RESERVE : NTVM_MEM_COMMIT);
		uint64_t b = base, size = 0;
		CHECK_EQ_U64(model_nt_free(&m, &b, &size, NTVM_MEM_RELEASE),
		             p ? NTVM_STATUS_INVALID_PARAMETER : NTVM_STATUS_UNABLE_TO_DELETE_SECTION);
		model_fini(&m);
	}
}

TEST_MAIN(TEST_CASE(create_rows), TEST_CASE(map_argument_rows), TEST_CASE(pseudo_handles),
          TEST_CASE(view_rows))
