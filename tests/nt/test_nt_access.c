/*
 * test_nt_access.c -- CPU accesses (ntvm_nt_access): faults lowest address
 * first, guard pages, DEP, WRITECOPY views, bytes before the fault.  Both
 * profiles answer alike here (access-* recordings under Wine 8.0 agree with
 * windows-semantics.md), except for reserved pages whose last protection has
 * the guard (row RESERVED_GUARD_FAULT).
 */
#include <stdlib.h>

#include "nt_test.h"

static const ntvm_behaviour profiles[2] = { WIN, WINE };

#define RC (NTVM_MEM_RESERVE | NTVM_MEM_COMMIT)
#define RW NTVM_PAGE_READWRITE

static uint32_t exec_at(ntvm *vm, uint64_t address, size_t length, uint64_t *fault)
{
	return ntvm_nt_access(vm, address, NULL, length, NTVM_ACCESS_EXECUTE, fault);
}

/* windows-semantics.md: new memory reads as zeros; free, reserved and
 * NOACCESS pages and writes to read-only pages fault with
 * STATUS_ACCESS_VIOLATION (ReactOS TestReadWrite). */
TEST(access_violations)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		uint8_t b[8];
		uint64_t fault = 0;
		CHECK_OUT(nt_alloc(vm, X, 0x10000, NTVM_MEM_RESERVE, RW), S_OK, X, 0x10000);
		CHECK_OUT(nt_alloc(vm, X, 0x1000, NTVM_MEM_COMMIT, RW), S_OK, X, 0x1000);
		CHECK_EQ_U64(nt_read(vm, X + 8, b, 8, NULL), S_OK);
		CHECK(b[0] == 0 && b[7] == 0);
		CHECK_EQ_U64(nt_read(vm, X + 0x1000, b, 1, &fault), NTVM_STATUS_ACCESS_VIOLATION);
		CHECK_EQ_U64(fault, X + 0x1000);
		CHECK_EQ_U64(nt_write(vm, X + 0x100000, 1, 1, &fault), NTVM_STATUS_ACCESS_VIOLATION);
		CHECK_EQ_U64(fault, X + 0x100000);
		CHECK_EQ_U64(nt_write(vm, X + 0x10, 0xAA, 1, NULL), S_OK);
		CHECK_EQ_U64(nt_prot(vm, X, 0x1000, NTVM_PAGE_READONLY).st, S_OK);
		CHECK_EQ_U64(nt_write(vm, X + 0x10, 0xBB, 1, &fault), NTVM_STATUS_ACCESS_VIOLATION);
		CHECK_EQ_U64(nt_read(vm, X + 0x10, b, 1, NULL), S_OK);
		CHECK_EQ_U64(b[0], 0xAA);
		CHECK_EQ_U64(nt_prot(vm, X, 0x1000, NTVM_PAGE_NOACCESS).st, S_OK);
		CHECK_EQ_U64(nt_read(vm, X + 0x10, b, 1, &fault), NTVM_STATUS_ACCESS_VIOLATION);
		CHECK_EQ_U64(nt_prot(vm, X, 0x1000, NTVM_PAGE_READONLY).st, S_OK);
		CHECK_EQ_U64(nt_read(vm, X + 0x10, b, 1, NULL), S_OK);
		CHECK_EQ_U64(b[0], 0xAA);
		CHECK_EQ_U64(nt_read(vm, ~0ull - 3, b, 4, &fault), NTVM_STATUS_ACCESS_VIOLATION);
		CHECK_EQ_U64(fault, ~0ull - 3);
		ntvm_destroy(vm);
	}
}

/* Trace format / windows-semantics.md: a fault in the second page leaves
 * the bytes before it written, and reports the first byte of that page. */
TEST(partial_write)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		uint64_t fault = 0;
		uint8_t b[4];
		CHECK_OUT(nt_alloc(vm, X, 0x2000, RC, RW), S_OK, X, 0x2000);
		CHECK_EQ_U64(nt_prot(vm, X + 0x1000, 0x1000, NTVM_PAGE_READONLY).st, S_OK);
		CHECK_EQ_U64(nt_write(vm, X + 0xFFE, 0x77, 4, &fault), NTVM_STATUS_ACCESS_VIOLATION);
		CHECK_EQ_U64(fault, X + 0x1000);
		CHECK_EQ_U64(nt_read(vm, X + 0xFFE, b, 4, NULL), S_OK);
		CHECK(b[0] == 0x77 && b[1] == 0x77 && b[2] == 0 && b[3] == 0);
		/* a read across the end of the allocation: bytes before are read */
		memset(b, 0xEE, sizeof b);
		CHECK_EQ_U64(nt_read(vm, X + 0x1FFE, b, 4, &fault), NTVM_STATUS_ACCESS_VIOLATION);
		CHECK_EQ_U64(fault, X + 0x2000);
		CHECK(b[0] == 0 && b[1] == 0 && b[2] == 0xEE);
		ntvm_destroy(vm);
	}
}

/* windows-semantics.md guard pages: the first access faults with
 * STATUS_GUARD_PAGE_VIOLATION and clears PAGE_GUARD on that page only;
 * AllocationProtect keeps the guard; GUARD|NOACCESS (Wine) faults as a
 * guard first, then as no access (probe). */
TEST(guard_pages)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		uint64_t fault = 0;
		uint8_t b[2];
		CHECK_OUT(nt_alloc(vm, X, 0x3000, RC, RW | NTVM_PAGE_GUARD), S_OK, X, 0x3000);
		CHECK_EQ_U64(nt_write(vm, X + 0x1FFF, 1, 2, &fault), NTVM_STATUS_GUARD_PAGE_VIOLATION);
		CHECK_EQ_U64(fault, X + 0x1FFF);
		CHECK_REGION(vm, X + 0x1000, X + 0x1000, X, RW | NTVM_PAGE_GUARD, 0x1000, NTVM_MEM_COMMIT,
		             RW, NTVM_MEM_PRIVATE);
		CHECK_EQ_U64(nt_write(vm, X + 0x1FFF, 1, 2, &fault), NTVM_STATUS_GUARD_PAGE_VIOLATION);
		CHECK_EQ_U64(fault, X + 0x2000);
		CHECK_EQ_U64(nt_write(vm, X + 0x1FFF, 1, 2, &fault), S_OK);
		CHECK_REGION(vm, X, X, X, RW | NTVM_PAGE_GUARD, 0x1000, NTVM_MEM_COMMIT,
		             RW | NTVM_PAGE_GUARD, NTVM_MEM_PRIVATE);
		CHECK_EQ_U64(exec_at(vm, X, 1, &fault), NTVM_STATUS_GUARD_PAGE_VIOLATION);
		CHECK_EQ_U64(nt_read(vm, X, b, 1, NULL), S_OK);
		if (p == 1) {
			CHECK_OUT(nt_alloc(vm, X + GR, 0x1000, RC, NTVM_PAGE_NOACCESS | NTVM_PAGE_GUARD), S_OK,
			          X + GR, 0x1000);
			CHECK_EQ_U64(nt_read(vm, X + GR, b, 1, NULL), NTVM_STATUS_GUARD_PAGE_VIOLATION);
			CHECK_EQ_U64(nt_read(vm, X + GR, b, 1, NULL), NTVM_STATUS_ACCESS_VIOLATION);
		}
		ntvm_destroy(vm);
	}
}

/* Row RESERVED_GUARD_FAULT: a reserved page whose last protection has the
 * guard (never committed in a PAGE_GUARD reservation, or a guard page
 * decommitted) faults with STATUS_ACCESS_VIOLATION on Windows; Wine 8.0
 * raises the guard fault once per page, then STATUS_ACCESS_VIOLATION, and
 * the query splits the reserved run (recording access-reserved-guard). */
TEST(reserved_guard_pages)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		uint32_t guard = p ? NTVM_STATUS_GUARD_PAGE_VIOLATION : NTVM_STATUS_ACCESS_VIOLATION;
		uint64_t fault = 0;
		uint8_t b[2];
		CHECK_OUT(nt_alloc(vm, X, 0x4000, NTVM_MEM_RESERVE, RW | NTVM_PAGE_GUARD), S_OK, X, 0x4000);
		CHECK_EQ_U64(nt_read(vm, X + 0x1000, b, 1, &fault), guard);
		CHECK_EQ_U64(fault, X + 0x1000);
		CHECK_EQ_U64(nt_read(vm, X + 0x1000, b, 1, NULL), NTVM_STATUS_ACCESS_VIOLATION);
		CHECK_REGION(vm, X + 0x1000, X + 0x1000, X, RW | NTVM_PAGE_GUARD, p ? 0x1000 : 0x3000,
		             NTVM_MEM_RESERVE, 0, NTVM_MEM_PRIVATE);
		CHECK_EQ_U64(exec_at(vm, X + 0x2000, 1, NULL), guard);
		/* a committed page before it: the byte before the fault goes through */
		CHECK_OUT(nt_alloc(vm, X + 0x2000, 0x1000, NTVM_MEM_COMMIT, RW), S_OK, X + 0x2000, 0x1000);
		CHECK_EQ_U64(nt_write(vm, X + 0x2FFF, 7, 2, &fault), guard);
		CHECK_EQ_U64(fault, X + 0x3000);
		CHECK_EQ_U64(nt_read(vm, X + 0x2FFF, b, 1, NULL), S_OK);
		CHECK_EQ_U64(b[0], 7);
		/* a decommitted guard page keeps its guard as its last protection */
		CHECK_OUT(nt_alloc(vm, X, 0x1000, NTVM_MEM_COMMIT, RW | NTVM_PAGE_GUARD), S_OK, X, 0x1000);
		CHECK_OUT(nt_free(vm, X, 0x1000, NTVM_MEM_DECOMMIT), S_OK, X, 0x1000);
		CHECK_EQ_U64(nt_write(vm, X, 1, 1, NULL), guard);
		CHECK_EQ_U64(nt_write(vm, X, 1, 1, NULL), NTVM_STATUS_ACCESS_VIOLATION);
		/* committing again sets a new protection: the page is an ordinary one */
		CHECK_OUT(nt_alloc(vm, X, 0x4000, NTVM_MEM_COMMIT, RW), S_OK, X, 0x4000);
		CHECK_EQ_U64(nt_write(vm, X, 1, 1, NULL), S_OK);
		CHECK_REGION(vm, X, X, X, RW | NTVM_PAGE_GUARD, 0x4000, NTVM_MEM_COMMIT, RW, NTVM_MEM_PRIVATE);
		ntvm_destroy(vm);
	}
}

/* DEP (ntvm.h config): execute needs PAGE_EXECUTE*; with DEP off a readable
 * page is executable.  PAGE_EXECUTE pages are readable (probe: a read of a
 * PAGE_EXECUTE page succeeds under Wine; x86 has no execute-only pages). */
TEST(execute_and_dep)
{
	ntvm *vm = nt_vm(WIN);
	uint64_t fault = 0;
	uint8_t b[1];
	CHECK_OUT(nt_alloc(vm, X, 0x1000, RC, NTVM_PAGE_READONLY), S_OK, X, 0x1000);
	CHECK_OUT(nt_alloc(vm, X + GR, 0x1000, RC, NTVM_PAGE_EXECUTE), S_OK, X + GR, 0x1000);
	CHECK_EQ_U64(exec_at(vm, X, 1, &fault), NTVM_STATUS_ACCESS_VIOLATION);
	CHECK_EQ_U64(exec_at(vm, X + GR, 1, NULL), S_OK);
	CHECK_EQ_U64(nt_read(vm, X + GR, b, 1, NULL), S_OK);
	CHECK_EQ_U64(nt_write(vm, X + GR, 1, 1, NULL), NTVM_STATUS_ACCESS_VIOLATION);
	ntvm_set_dep(vm, false);
	CHECK_EQ_U64(exec_at(vm, X, 1, NULL), S_OK);
	CHECK_EQ_U64(nt_prot(vm, X, 0x1000, NTVM_PAGE_NOACCESS).st, S_OK);
	CHECK_EQ_U64(exec_at(vm, X, 1, NULL), NTVM_STATUS_ACCESS_VIOLATION);
	ntvm_destroy(vm);
}

/* Windows: a write to a WRITECOPY page of a view makes the page private
 * READWRITE (EXECUTE_WRITECOPY -> EXECUTE_READWRITE). */
TEST(writecopy_view)
{
	ntvm *vm = nt_vm(WIN);
	CHECK_EQ_U64(ntvm_allocate_at(vm, X, 0x2000, NTVM_PERM_RW | NTVM_PERM_WRITECOPY, false,
	                              NTVM_KIND_SECTION_VIEW), NTVM_OK);
	CHECK_EQ_U64(nt_prot(vm, X + 0x1000, 0x1000, NTVM_PAGE_EXECUTE_WRITECOPY).st, S_OK);
	CHECK_EQ_U64(nt_write(vm, X + 0xFFF, 5, 2, NULL), S_OK);
	CHECK_REGION(vm, X, X, X, NTVM_PAGE_WRITECOPY, 0x1000, NTVM_MEM_COMMIT, RW, NTVM_MEM_MAPPED);
	CHECK_REGION(vm, X + 0x1000, X + 0x1000, X, NTVM_PAGE_WRITECOPY, 0x1000, NTVM_MEM_COMMIT,
	             NTVM_PAGE_EXECUTE_READWRITE, NTVM_MEM_MAPPED);
	ntvm_destroy(vm);
}

/* A long write crosses regions run by run and stops at the first page
 * without write access; everything before it is written. */
TEST(long_write)
{
	ntvm *vm = nt_vm(WIN);
	size_t len = 0x40000;
	uint8_t *buf = malloc(len);
	CHECK(buf != NULL);
	if (buf == NULL)
		return;
	memset(buf, 0x3c, len);
	uint64_t fault = 0;
	CHECK_OUT(nt_alloc(vm, X, len, RC, RW), S_OK, X, len);
	CHECK_EQ_U64(nt_prot(vm, X + 0x8000, 0x1000, NTVM_PAGE_EXECUTE_READWRITE).st, S_OK);
	CHECK_EQ_U64(nt_prot(vm, X + 0x30000, 0x1000, NTVM_PAGE_READONLY).st, S_OK);
	CHECK_EQ_U64(ntvm_nt_access(vm, X + 0x10, buf, len - 0x10, NTVM_ACCESS_WRITE, &fault),
	             NTVM_STATUS_ACCESS_VIOLATION);
	CHECK_EQ_U64(fault, X + 0x30000);
	memset(buf, 0, len);
	CHECK_EQ_U64(ntvm_nt_access(vm, X, buf, len, NTVM_ACCESS_READ, NULL), S_OK);
	CHECK(buf[0xF] == 0 && buf[0x10] == 0x3c && buf[0x2FFFF] == 0x3c && buf[0x30000] == 0);
	free(buf);
	ntvm_destroy(vm);
}

/* Bad arguments: no access kind, NULL data for a read or write. */
TEST(bad_arguments)
{
	ntvm *vm = nt_vm(WIN);
	uint8_t b[1];
	CHECK_EQ_U64(ntvm_nt_access(vm, X, b, 1, 0, NULL), NTVM_STATUS_INVALID_PARAMETER);
	CHECK_EQ_U64(ntvm_nt_access(vm, X, b, 1, 3, NULL), NTVM_STATUS_INVALID_PARAMETER);
	CHECK_EQ_U64(ntvm_nt_access(vm, X, NULL, 1, NTVM_ACCESS_READ, NULL),
	             NTVM_STATUS_INVALID_PARAMETER);
	CHECK_EQ_U64(ntvm_nt_access(vm, X, b, 0, NTVM_ACCESS_READ, NULL), S_OK);
	ntvm_destroy(vm);
}

/* ntvm_nt_access_status answers what ntvm_nt_access would, with no effect:
 * a guard page stays a guard page until the real access. */
TEST(access_status_has_no_effect)
{
	for (int p = 0; p < 2; p++) {
		ntvm *vm = nt_vm(profiles[p]);
		uint8_t b[1];
		CHECK_OUT(nt_alloc(vm, X, 0x2000, RC, RW), S_OK, X, 0x2000);
		CHECK_EQ_U64(nt_prot(vm, X + 0x1000, 0x1000, RW | NTVM_PAGE_GUARD).st, S_OK);
		uint64_t before = ntvm_test_digest(vm);
		CHECK_EQ_U64(ntvm_nt_access_status(vm, X, NTVM_ACCESS_WRITE), S_OK);
		CHECK_EQ_U64(ntvm_nt_access_status(vm, X, NTVM_ACCESS_EXECUTE),
		             NTVM_STATUS_ACCESS_VIOLATION);
		CHECK_EQ_U64(ntvm_nt_access_status(vm, X + 0x1000, NTVM_ACCESS_READ),
		             NTVM_STATUS_GUARD_PAGE_VIOLATION);
		CHECK_EQ_U64(ntvm_nt_access_status(vm, X + 0x1000, NTVM_ACCESS_READ),
		             NTVM_STATUS_GUARD_PAGE_VIOLATION);
		CHECK_EQ_U64(ntvm_nt_access_status(vm, X + 0x10000, NTVM_ACCESS_READ),
		             NTVM_STATUS_ACCESS_VIOLATION);
		CHECK_EQ_U64(ntvm_test_digest(vm), before);
		CHECK_EQ_U64(nt_read(vm, X + 0x1000, b, 1, NULL), NTVM_STATUS_GUARD_PAGE_VIOLATION);
		CHECK_EQ_U64(ntvm_nt_access_status(vm, X + 0x1000, NTVM_ACCESS_READ), S_OK);
		ntvm_destroy(vm);
	}
}

TEST_MAIN(TEST_CASE(access_violations), TEST_CASE(partial_write), TEST_CASE(guard_pages),
          TEST_CASE(reserved_guard_pages),
          TEST_CASE(execute_and_dep), TEST_CASE(writecopy_view), TEST_CASE(long_write),
          TEST_CASE(bad_arguments), TEST_CASE(access_status_has_no_effect))
