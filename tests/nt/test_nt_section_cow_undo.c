/*
 * test_nt_section_cow_undo.c -- a CPU write over many WRITECOPY pages of a
 * view (each page needs its own copy-on-write) with the Nth host allocation
 * failing, N = 0, 1, ... until the write goes through.  Every failed write
 * must leave the layout version, the bytes of the view and the WRITECOPY
 * protections as they were (view_cow.c's undo log takes the earlier pages'
 * copies back), and the manager's invariants must hold.  Seven copies in one
 * write also grow the log past its first allocation.
 */
#include <stdlib.h>
#include <string.h>

#include "invariants.h"
#include "manager.h"
#include "nt_test.h"
#include "section.h"

static long heap_left = -1; /* < 0: never fail */
static unsigned failures;

static bool fail(void)
{
	if (heap_left < 0 || heap_left-- > 0)
		return false;
	failures++;
	return true;
}

static void *t_malloc(size_t n) { return fail() ? NULL : malloc(n); }
static void *t_calloc(size_t n, size_t s) { return fail() ? NULL : calloc(n, s); }
static void *t_realloc(void *p, size_t n) { return fail() ? NULL : realloc(p, n); }

/* A 16-page SEC_COMMIT section viewed WRITECOPY at X; page 3 already the view's own. */
static ntvm *fixture(void)
{
	ntvm *vm = nt_vm(NTVM_BEHAVIOUR_WINDOWS);
	uint64_t size = 0x10000, base = X, view = 0;
	ntvm_handle h = 0;
	CHECK_EQ_U64(ntvm_nt_create_section(vm, &h, NTVM_SECTION_ALL_ACCESS, &size, NTVM_PAGE_READWRITE,
	                                    NTVM_SEC_COMMIT, NULL, 0), S_OK);
	CHECK_EQ_U64(ntvm_nt_map_view_of_section(vm, h, &base, 0, 0, NULL, &view, 1, 0, NTVM_PAGE_WRITECOPY),
	             S_OK);
	CHECK_EQ_U64(nt_write(vm, X + 0x3000, 0x11, 1, NULL), S_OK);
	return vm;
}

TEST(long_write_fails_whole)
{
	static uint8_t data[0x8000], before[0x9000], after[0x9000];
	unsigned n;
	memset(data, 0x5a, sizeof data);
	for (n = 0; n < 200; n++) {
		ntvm *vm = fixture();
		uint64_t version = ntvm_layout_version(vm);
		CHECK_EQ_U64(ntvm_read(vm, X, before, sizeof before, NULL), NTVM_OK);
		struct ntvm__heap_hooks hooks = ntvm__heap;
		heap_left = n;
		failures = 0;
		ntvm__heap = (struct ntvm__heap_hooks){ t_malloc, t_calloc, t_realloc };
		uint32_t st = ntvm_nt_access(vm, X + 0x800, data, sizeof data, NTVM_ACCESS_WRITE, NULL);
		ntvm__heap = hooks;
		heap_left = -1;
		char why[256];
		CHECK(ntvm_check_invariants(vm, why, sizeof why));
		CHECK_EQ_U64(ntvm_read(vm, X, after, sizeof after, NULL), NTVM_OK);
		if (st != S_OK) {
			CHECK(failures > 0);
			CHECK_EQ_U64(ntvm_layout_version(vm), version);
			CHECK(memcmp(before, after, sizeof after) == 0);
			CHECK_REGION(vm, X + 0x1000, X + 0x1000, X, NTVM_PAGE_WRITECOPY, 0x2000, NTVM_MEM_COMMIT,
			             NTVM_PAGE_WRITECOPY, NTVM_MEM_MAPPED);
		} else {
			CHECK(after[0x800] == 0x5a && after[0x87ff] == 0x5a && after[0x7ff] == 0);
			CHECK_REGION(vm, X + 0x1000, X + 0x1000, X, NTVM_PAGE_WRITECOPY, 0x8000, NTVM_MEM_COMMIT,
			             NTVM_PAGE_READWRITE, NTVM_MEM_MAPPED);
		}
		ntvm_destroy(vm);
		if (st == S_OK)
			break;
	}
	CHECK(n > 7 && n < 200); /* seven pages' copies failed along the way */
}

TEST_MAIN(TEST_CASE(long_write_fails_whole))
