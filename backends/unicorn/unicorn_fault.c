/*
 * unicorn_fault.c -- unicorn memory faults as NTSTATUS values.
 *
 * Unicorn stops on an access to unmapped memory or to a region whose
 * UC_PROT_* forbid it; guard and no-access pages are mapped with
 * UC_PROT_NONE, so both stop it the same way.  What the fault means is the
 * manager's business: the status is computed from the manager's state page
 * by page, with the same rules as ntvm_nt_access (core/src/nt_access.c), and
 * a guard fault clears the guard through ntvm_clear_guard, which re-protects
 * the page in unicorn so that the retried instruction proceeds.  WRITECOPY
 * pages are mapped without write access: a store to one faults, and the
 * copy-on-write ntvm_nt_access would make is made here (the page becomes
 * the view's own, read-write), so that the retried store proceeds.
 */
#include "ntvm_unicorn.h"

uint32_t ntvm_unicorn_access_of_type(uc_mem_type type)
{
	switch (type) {
	case UC_MEM_READ:
	case UC_MEM_READ_UNMAPPED:
	case UC_MEM_READ_PROT:
	case UC_MEM_READ_AFTER:
		return NTVM_ACCESS_READ;
	case UC_MEM_WRITE:
	case UC_MEM_WRITE_UNMAPPED:
	case UC_MEM_WRITE_PROT:
		return NTVM_ACCESS_WRITE;
	case UC_MEM_FETCH:
	case UC_MEM_FETCH_UNMAPPED:
	case UC_MEM_FETCH_PROT:
		return NTVM_ACCESS_EXECUTE;
	}
	return 0;
}

uint32_t ntvm_unicorn_access_of_error(uc_err err)
{
	switch (err) {
	case UC_ERR_READ_UNMAPPED:
	case UC_ERR_READ_PROT:
	case UC_ERR_READ_UNALIGNED:
		return NTVM_ACCESS_READ;
	case UC_ERR_WRITE_UNMAPPED:
	case UC_ERR_WRITE_PROT:
	case UC_ERR_WRITE_UNALIGNED:
		return NTVM_ACCESS_WRITE;
	case UC_ERR_FETCH_UNMAPPED:
	case UC_ERR_FETCH_PROT:
	case UC_ERR_FETCH_UNALIGNED:
		return NTVM_ACCESS_EXECUTE;
	default:
		return 0;
	}
}

/* A store to a WRITECOPY page: make the copy now, through ntvm_nt_access
 * writing back the byte that is there (public API only). */
static void copy_on_write(ntvm *vm, uint64_t at)
{
	ntvm_region_info info;
	uint8_t byte;
	if (ntvm_region_info_at(vm, at, &info) == NTVM_OK && (info.perm & NTVM_PERM_WRITECOPY) &&
	    ntvm_read(vm, at, &byte, 1, NULL) == NTVM_OK)
		(void)ntvm_nt_access(vm, at, &byte, 1, NTVM_ACCESS_WRITE, NULL);
}

ntvm_ntstatus ntvm_unicorn_fault_status(ntvm *vm, uint32_t access, uint64_t address, size_t size,
                                        uint64_t *fault_address)
{
	uint64_t last = address + (size ? size - 1 : 0);
	if (last < address)
		last = UINT64_MAX;
	uint64_t at = address;
	for (;;) {
		ntvm_ntstatus st = ntvm_nt_access_status(vm, at, access);
		if (st != NTVM_STATUS_SUCCESS) {
			/* A guard fault clears the guard as ntvm_nt_access does: on a
			 * committed page, or (Wine 8.0, row RESERVED_GUARD_FAULT) in
			 * a reserved page's last protection. */
			if (st == NTVM_STATUS_GUARD_PAGE_VIOLATION && !ntvm_clear_guard(vm, at))
				(void)ntvm_clear_reserved_guard(vm, at, NULL);
			if (fault_address)
				*fault_address = at;
			return st;
		}
		if (access == NTVM_ACCESS_WRITE)
			copy_on_write(vm, at);
		uint64_t next = (at | (NTVM_PAGE_SIZE - 1)) + 1;
		if (next == 0 || next > last)
			return NTVM_STATUS_SUCCESS;
		at = next;
	}
}

static bool record_fault(uc_engine *uc, uc_mem_type type, uint64_t address, int size,
                         int64_t value, void *user)
{
	ntvm_unicorn_fault *fault = user;
	fault->pending = true;
	fault->access = ntvm_unicorn_access_of_type(type);
	fault->address = address;
	fault->size = size > 0 ? (size_t)size : 1;
	if (fault->have_last && fault->last_access == fault->access &&
	    fault->last_address <= address && address - fault->last_address < fault->last_size) {
		fault->address = fault->last_address;
		fault->size = fault->last_size;
	}
	if (fault->access == NTVM_ACCESS_EXECUTE)
		fault->pc = address;
	return false;
}

static void follow_pc(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
	ntvm_unicorn_fault *fault = user;
	fault->pc = address;
	fault->have_last = false;
}

static void follow_access(uc_engine *uc, uc_mem_type type, uint64_t address, int size,
                          int64_t value, void *user)
{
	ntvm_unicorn_fault *fault = user;
	fault->have_last = true;
	fault->last_access = ntvm_unicorn_access_of_type(type);
	fault->last_address = address;
	fault->last_size = size > 0 ? (size_t)size : 1;
}

uc_err ntvm_unicorn_watch_faults(uc_engine *uc, ntvm_unicorn_fault *fault)
{
	*fault = (ntvm_unicorn_fault){ 0 };
	uc_err err = uc_hook_add(uc, &fault->hooks[0], UC_HOOK_MEM_INVALID, (void *)record_fault,
	                         fault, 1, 0);
	if (err != UC_ERR_OK)
		return err;
	err = uc_hook_add(uc, &fault->hooks[1], UC_HOOK_CODE, (void *)follow_pc, fault, 1, 0);
	if (err != UC_ERR_OK) {
		(void)uc_hook_del(uc, fault->hooks[0]);
		return err;
	}
	err = uc_hook_add(uc, &fault->hooks[2], UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE,
	                  (void *)follow_access, fault, 1, 0);
	if (err != UC_ERR_OK) {
		(void)uc_hook_del(uc, fault->hooks[1]);
		(void)uc_hook_del(uc, fault->hooks[0]);
	}
	return err;
}

ntvm_ntstatus ntvm_unicorn_take_fault(ntvm *vm, ntvm_unicorn_fault *fault,
                                      uint64_t *fault_address)
{
	if (!fault->pending)
		return NTVM_STATUS_SUCCESS;
	fault->pending = false;
	return ntvm_unicorn_fault_status(vm, fault->access, fault->address, fault->size,
	                                 fault_address);
}
