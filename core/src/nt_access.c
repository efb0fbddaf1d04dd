/*
 * nt_access.c -- CPU accesses as the guest's processor makes them.
 *
 * An access walks its pages lowest address first and stops at the first
 * page that faults: not committed, guard (STATUS_GUARD_PAGE_VIOLATION, the
 * guard is cleared on that page only; Wine 8.0 also faults so on a reserved
 * page whose last protection has the guard, row RESERVED_GUARD_FAULT), no
 * access, a write to a page without write access, an execution of a page
 * without execute access (with DEP off, readable implies executable).  The
 * bytes before the fault are moved through the manager; a host failure
 * (backend, memory) while moving them takes the access's copy-on-writes
 * back, so that the failed access changes no page state.  A write to a
 * PAGE_WRITECOPY page of a view turns it into a private read-write page
 * (PAGE_EXECUTE_WRITECOPY into PAGE_EXECUTE_READWRITE), as Windows does.
 * PAGE_EXECUTE pages are readable: x86 cannot map execute-only pages
 * (Wine 8.0 probe agrees).
 */
#include "nt_internal.h"
#include "section.h"

/* The status of an access of kind `access` to the page holding `at`; *run
 * receives the bytes from `at` that share that page's state (its region). */
static ntvm_ntstatus page_status(const ntvm *vm, uint64_t at, uint32_t access, uint64_t *run)
{
	ntvm_region_info info;
	ntvm_perm last = NTVM_PERM_NONE;
	*run = NT_PAGE - (at & (NT_PAGE - 1));
	if (ntvm_region_info_at_detailed(vm, at, &info, &last) != NTVM_OK)
		return NTVM_STATUS_ACCESS_VIOLATION;
	if (!info.is_committed)
		return last & NTVM_PERM_GUARD ? nt_profile_result(vm, NT_SIT_RESERVED_GUARD_FAULT)
		                              : NTVM_STATUS_ACCESS_VIOLATION;
	if (info.length > at - info.start)
		*run = info.length - (at - info.start);
	if (info.perm & NTVM_PERM_GUARD)
		return NTVM_STATUS_GUARD_PAGE_VIOLATION;
	ntvm_perm a = info.perm & NTVM_PERM_ACCESS_MASK;
	bool ok;
	if (access == NTVM_ACCESS_WRITE)
		ok = (a & NTVM_PERM_WRITE) != 0;
	else if (access == NTVM_ACCESS_EXECUTE)
		ok = (a & NTVM_PERM_EXEC) || (!ntvm_get_dep(vm) && (a & NTVM_PERM_READ));
	else
		ok = a != 0;
	return ok ? NTVM_STATUS_SUCCESS : NTVM_STATUS_ACCESS_VIOLATION;
}

ntvm_ntstatus ntvm_nt_access_status(const ntvm *vm, uint64_t address, uint32_t access)
{
	uint64_t run;
	return page_status(vm, address, access, &run);
}

/* Bytes from at to the end of its page, at most left. */
static size_t chunk_len(uint64_t at, size_t left)
{
	uint64_t room = NT_PAGE - (at & (NT_PAGE - 1));
	return room < left ? (size_t)room : left;
}

/* Where the access faults: the number of bytes that go through first.
 * Whole regions are skipped at once, so a long access costs one lookup per
 * region, not per page. */
static ntvm_ntstatus find_fault(const ntvm *vm, uint64_t address, size_t length, uint32_t access,
                                size_t *done)
{
	size_t offset = 0;
	while (offset < length) {
		uint64_t run;
		ntvm_ntstatus st = page_status(vm, address + offset, access, &run);
		if (st != NTVM_STATUS_SUCCESS) {
			*done = offset;
			return st;
		}
		offset += run < length - offset ? (size_t)run : length - offset;
	}
	*done = length;
	return NTVM_STATUS_SUCCESS;
}

/* A write made a WRITECOPY page of a view private: it loses WRITECOPY and,
 * in a view of a section, gets its own copy of the page with the written
 * bytes in it (view_cow.c; *done then says the bytes went in). */
static bool convert_writecopy(ntvm *vm, uint64_t at, const uint8_t *data, size_t n, bool *done,
                              struct ntvm__cow_undo *undo)
{
	ntvm_region_info info;
	*done = false;
	if (ntvm_region_info_at(vm, at, &info) != NTVM_OK || !(info.perm & NTVM_PERM_WRITECOPY))
		return true;
	return ntvm__view_copy_on_write(vm, at, data, n, done, undo) == NTVM_OK;
}

/* The bytes before the fault.  A write first turns every WRITECOPY page
 * it meets into the view's own (each copy logged), then moves all its bytes
 * with one manager write; a host failure (backend, memory) on any page
 * takes the copies back, so that a failed write has moved nothing. */
static bool move_bytes(ntvm *vm, uint64_t address, uint8_t *data, size_t length, uint32_t access)
{
	if (length == 0 || (access != NTVM_ACCESS_WRITE && data == NULL))
		return true;
	if (access != NTVM_ACCESS_WRITE)
		return ntvm_read(vm, address, data, length, NULL) == NTVM_OK;
	struct ntvm__cow_undo undo = { 0 };
	bool ok = true;
	for (size_t offset = 0; ok && offset < length;) {
		size_t n = chunk_len(address + offset, length - offset);
		bool copied;
		ok = convert_writecopy(vm, address + offset, data + offset, n, &copied, &undo);
		offset += n;
	}
	if (ok)
		ok = ntvm_write(vm, address, data, length, NULL) == NTVM_OK;
	if (ok)
		ntvm__cow_keep(&undo);
	else
		ntvm__cow_undo(vm, &undo);
	return ok;
}

ntvm_ntstatus ntvm_nt_access(ntvm *vm, uint64_t address, void *data, size_t length,
                             uint32_t access, uint64_t *fault_address)
{
	if (vm == NULL)
		return NTVM_STATUS_INVALID_PARAMETER;
	if (access != NTVM_ACCESS_READ && access != NTVM_ACCESS_WRITE &&
	    access != NTVM_ACCESS_EXECUTE)
		return NTVM_STATUS_INVALID_PARAMETER;
	if (data == NULL && access != NTVM_ACCESS_EXECUTE && length != 0)
		return NTVM_STATUS_INVALID_PARAMETER;
	size_t done;
	ntvm_ntstatus st = find_fault(vm, address, length, access, &done);
	if (!move_bytes(vm, address, data, done, access))
		return NTVM_STATUS_ACCESS_VIOLATION;
	if (st == NTVM_STATUS_SUCCESS)
		return st;
	uint64_t at = address + done;
	if (st == NTVM_STATUS_GUARD_PAGE_VIOLATION && !ntvm_clear_guard(vm, at))
		(void)ntvm_clear_reserved_guard(vm, at, NULL);
	if (fault_address)
		*fault_address = at;
	return st;
}
