/*
 * test_nt_section_faults.c -- every section operation under host
 * allocation failures (the Nth allocation through ntvm__heap fails) and
 * under backend failures (the Nth fallible backend call fails), N = 0, 1,
 * ... until the operation succeeds.  A failing operation must report a
 * failure status and change nothing: the state digest, the number of live
 * sections, and every invariant of the manager and the embedded backend
 * behind the failing wrapper.
 */
#include <stdlib.h>

#include "invariants.h"
#include "manager.h"
#include "nt_section_test.h"
#include "pe_build.h"
#include "section.h"

#define RW NTVM_PAGE_READWRITE

/* ------------------------------------------------------------------ */
/* Failure injection                                                    */
/* ------------------------------------------------------------------ */
static long heap_left = -1, backend_left = -1; /* < 0: never fail */
static unsigned failures;

static bool fail(long *left)
{
	if (*left < 0 || (*left)-- > 0)
		return false;
	failures++;
	return true;
}

static void *t_malloc(size_t n) { return fail(&heap_left) ? NULL : malloc(n); }
static void *t_calloc(size_t n, size_t s) { return fail(&heap_left) ? NULL : calloc(n, s); }
static void *t_realloc(void *p, size_t n) { return fail(&heap_left) ? NULL : realloc(p, n); }

static ntvm_backend inner; /* the embedded backend behind the wrapper */

static int w_map(void *c, uint64_t a, uint64_t s, ntvm_perm e)
{
	(void)c;
	return fail(&backend_left) ? -1 : inner.map(inner.ctx, a, s, e);
}
static void w_unmap(void *c, uint64_t a, uint64_t s)
{
	(void)c;
	inner.unmap(inner.ctx, a, s);
}
static int w_protect(void *c, uint64_t a, uint64_t s, ntvm_perm e)
{
	(void)c;
	return fail(&backend_left) ? -1 : inner.protect(inner.ctx, a, s, e);
}
static int w_read(void *c, uint64_t a, void *d, size_t s)
{
	(void)c;
	return fail(&backend_left) ? -1 : inner.read(inner.ctx, a, d, s);
}
static int w_write(void *c, uint64_t a, const void *d, size_t s)
{
	(void)c;
	return fail(&backend_left) ? -1 : inner.write(inner.ctx, a, d, s);
}
static int w_map_shared(void *c, uint64_t a, uint64_t s, ntvm_perm e, void *host)
{
	(void)c;
	return fail(&backend_left) ? -1 : inner.map_shared(inner.ctx, a, s, e, host);
}
static void w_destroy(void *c)
{
	(void)c;
	inner.destroy(inner.ctx);
}

static const ntvm_backend wrapper = { NULL, w_map, w_unmap, w_protect, w_read, w_write, NULL, w_destroy,
                                      w_map_shared };

static ntvm *new_vm(void)
{
	if (!ntvm__backend_mem_create(&inner))
		exit(2);
	ntvm_config config = { .backend = &wrapper, .behaviour = NTVM_BEHAVIOUR_WINDOWS };
	ntvm *vm = ntvm_create(&config);
	if (vm == NULL)
		exit(2);
	return vm;
}

/* ------------------------------------------------------------------ */
/* Fixtures and operations                                              */
/* ------------------------------------------------------------------ */
static uint8_t *pe_bytes;
static size_t pe_size;

/* Handle 4: a SEC_RESERVE section with views at X and X+0x10000 (one
 * page committed); handle 8: a SEC_COMMIT section with a view at
 * X+0x20000, the second WRITECOPY at X+0x30000; handle 12: an image;
 * handle 16: a one-page SEC_RESERVE section without views. */
static ntvm *fixture(void)
{
	ntvm *vm = new_vm();
	uint64_t size = 0x4000, base, view;
	ntvm_handle h;
	(void)ntvm_nt_create_section(vm, &h, NTVM_SECTION_ALL_ACCESS, &size, RW, NTVM_SEC_RESERVE, NULL, 0);
	for (int i = 0; i < 2; i++) {
		base = X + 0x10000 * (uint64_t)i, view = 0;
		(void)ntvm_nt_map_view_of_section(vm, h, &base, 0, 0, NULL, &view, 1, 0, RW);
	}
	base = X + 0x1000, size = 0x1000;
	(void)ntvm_nt_allocate_virtual_memory(vm, &base, 0, &size, NTVM_MEM_COMMIT, RW);
	size = 0x3000;
	(void)ntvm_nt_create_section(vm, &h, NTVM_SECTION_ALL_ACCESS, &size, RW, NTVM_SEC_COMMIT, NULL, 0);
	base = X + 0x20000, view = 0;
	(void)ntvm_nt_map_view_of_section(vm, h, &base, 0, 0, NULL, &view, 1, 0, RW);
	base = X + 0x30000, view = 0;
	(void)ntvm_nt_map_view_of_section(vm, h, &base, 0, 0, NULL, &view, 1, 0, NTVM_PAGE_WRITECOPY);
	(void)ntvm_nt_access(vm, X + 0x20010, &(uint8_t){ 7 }, 1, NTVM_ACCESS_WRITE, NULL);
	(void)ntvm_nt_create_section(vm, &h, NTVM_SECTION_ALL_ACCESS, NULL, NTVM_PAGE_READONLY, NTVM_SEC_IMAGE,
	                             pe_bytes, pe_size);
	size = 0x1000;
	(void)ntvm_nt_create_section(vm, &h, NTVM_SECTION_ALL_ACCESS, &size, RW, NTVM_SEC_RESERVE, NULL, 0);
	return vm;
}

static bool ok_status(uint32_t st)
{
	return st == S_OK || st == NTVM_STATUS_IMAGE_NOT_AT_BASE;
}

static uint32_t op_create_reserve(ntvm *vm)
{
	uint64_t size = 0x9000;
	ntvm_handle h;
	return ntvm_nt_create_section(vm, &h, NTVM_SECTION_ALL_ACCESS, &size, RW, NTVM_SEC_RESERVE, NULL, 0);
}

static uint32_t op_create_image(ntvm *vm)
{
	ntvm_handle h;
	return ntvm_nt_create_section(vm, &h, NTVM_SECTION_ALL_ACCESS, NULL, NTVM_PAGE_READONLY, NTVM_SEC_IMAGE,
	                              pe_bytes, pe_size);
}

static uint32_t op_create_file(ntvm *vm)
{
	ntvm_handle h;
	return ntvm_nt_create_section(vm, &h, NTVM_SECTION_ALL_ACCESS, NULL, RW, NTVM_SEC_COMMIT, pe_bytes, pe_size);
}

static uint32_t op_map_view(ntvm *vm)
{
	uint64_t base = 0, size = 0;
	return ntvm_nt_map_view_of_section(vm, 8, &base, 0, 0, NULL, &size, 1, 0, NTVM_PAGE_READONLY);
}

/* A third view of the SEC_RESERVE section committing three pages: the
 * other two views get them too. */
static uint32_t op_map_commit(ntvm *vm)
{
	uint64_t base = X + 0x50000, size = 0;
	return ntvm_nt_map_view_of_section(vm, 4, &base, 0, 0x3000, NULL, &size, 1, 0, RW);
}

static uint32_t op_commit_in_view(ntvm *vm)
{
	uint64_t base = X + 0x10000, size = 0x4000;
	return ntvm_nt_allocate_virtual_memory(vm, &base, 0, &size, NTVM_MEM_COMMIT, NTVM_PAGE_READONLY);
}

static uint32_t op_copy_on_write(ntvm *vm)
{
	return ntvm_nt_access(vm, X + 0x31FF0, &(uint64_t){ 0x1122334455667788ull }, 8, NTVM_ACCESS_WRITE,
	                      NULL) == S_OK ? S_OK : NTVM_STATUS_ACCESS_VIOLATION;
}

static uint32_t op_map_image(ntvm *vm)
{
	uint64_t base = 0, size = 0;
	return ntvm_nt_map_view_of_section(vm, 12, &base, 0, 0, NULL, &size, 1, 0, NTVM_PAGE_READONLY);
}

static uint32_t op_protect_view(ntvm *vm)
{
	uint64_t base = X + 0x30000, size = 0x2000;
	uint32_t old;
	return ntvm_nt_protect_virtual_memory(vm, &base, &size, NTVM_PAGE_READONLY, &old);
}

static ntvm_buffer saved;

static uint32_t op_load_snapshot(ntvm *vm)
{
	return ntvm_deserialize(vm, saved.data, saved.size, false, NULL) == NTVM_OK ? S_OK : NTVM_STATUS_NO_MEMORY;
}

static uint32_t op_extend(ntvm *vm)
{
	uint64_t size = 0x40000;
	return ntvm_nt_extend_section(vm, 16, &size);
}

/* ------------------------------------------------------------------ */
/* The runner                                                           */
/* ------------------------------------------------------------------ */
static void check_state(ntvm *vm)
{
	char why[256];
	if (!ntvm_check_invariants_mem(vm, inner.ctx, why, sizeof why)) {
		fprintf(stderr, "invariant broken: %s\n", why);
		test_failed_checks++;
	}
}

/* Run op on a fresh fixture with failure N (heap or backend), N = 0, 1,
 * ... until it succeeds; returns the number of failing runs. */
static unsigned exhaust(const char *name, uint32_t (*op)(ntvm *), bool backend)
{
	unsigned n;
	for (n = 0; n < 400; n++) {
		ntvm *vm = fixture();
		uint64_t digest = ntvm_test_digest(vm), sections = ntvm__section_count(vm);
		struct ntvm__heap_hooks hooks = ntvm__heap;
		failures = 0;
		if (backend)
			backend_left = n;
		else {
			heap_left = n;
			ntvm__heap = (struct ntvm__heap_hooks){ t_malloc, t_calloc, t_realloc };
		}
		uint32_t st = op(vm);
		ntvm__heap = hooks;
		heap_left = backend_left = -1;
		check_state(vm);
		bool done = ok_status(st);
		if (!done) {
			if (ntvm_test_digest(vm) != digest || ntvm__section_count(vm) != sections) {
				fprintf(stderr, "%s: failure %u (status 0x%08x) changed the state\n", name, n, st);
				test_failed_checks++;
			}
			if (failures == 0) {
				fprintf(stderr, "%s: failed with 0x%08x and no injected failure\n", name, st);
				test_failed_checks++;
			}
		}
		ntvm_destroy(vm);
		if (done)
			break;
	}
	CHECK(n < 400);
	return n;
}

#define BOTH(op)                                                      \
	TEST(op##_faults)                                             \
	{                                                             \
		unsigned h = exhaust(#op " heap", op, false);         \
		unsigned b = exhaust(#op " backend", op, true);       \
		fprintf(stderr, "%s: %u heap, %u backend failures\n", #op, h, b); \
	}

BOTH(op_create_reserve)
BOTH(op_create_image)
BOTH(op_create_file)
BOTH(op_map_view)
BOTH(op_map_commit)
BOTH(op_commit_in_view)
BOTH(op_copy_on_write)
BOTH(op_map_image)
BOTH(op_protect_view)
BOTH(op_load_snapshot)
BOTH(op_extend)

static void setup(void)
{
	ntvm_pe_spec spec;
	if (ntvm_pe_spec_parse("base=0x140000000;text:rx:0x1000,data:rw:0x2000", &spec, NULL) ||
	    ntvm_pe_build(&spec, &pe_bytes, &pe_size, NULL))
		exit(2);
	ntvm *vm = fixture();
	uint64_t base = 0, size = 0;
	(void)ntvm_nt_map_view_of_section(vm, 12, &base, 0, 0, NULL, &size, 1, 0, NTVM_PAGE_READONLY);
	(void)ntvm_nt_access(vm, X + 0x30010, &(uint8_t){ 9 }, 1, NTVM_ACCESS_WRITE, NULL);
	if (ntvm_serialize(vm, false, &saved) != NTVM_OK)
		exit(2);
	ntvm_destroy(vm);
}

TEST(fixture_is_as_described)
{
	setup();
	ntvm *vm = fixture();
	CHECK_EQ_U64(ntvm__section_count(vm), 4);
	CHECK_REGION(vm, X + 0x11000, X + 0x11000, X + 0x10000, RW, 0x1000, NTVM_MEM_COMMIT, RW, NTVM_MEM_MAPPED);
	uint8_t b = 0;
	CHECK_EQ_U64(nt_read(vm, X + 0x30010, &b, 1, NULL), S_OK);
	CHECK_EQ_U64(b, 7);
	ntvm_destroy(vm);
}

TEST_MAIN(TEST_CASE(fixture_is_as_described), TEST_CASE(op_create_reserve_faults),
          TEST_CASE(op_create_image_faults), TEST_CASE(op_create_file_faults), TEST_CASE(op_map_view_faults),
          TEST_CASE(op_map_commit_faults), TEST_CASE(op_commit_in_view_faults),
          TEST_CASE(op_copy_on_write_faults), TEST_CASE(op_map_image_faults),
          TEST_CASE(op_protect_view_faults), TEST_CASE(op_load_snapshot_faults), TEST_CASE(op_extend_faults))
