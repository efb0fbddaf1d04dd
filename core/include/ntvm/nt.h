/*
 * nt.h -- the NT system-call layer: NtAllocateVirtualMemory,
 * NtFreeVirtualMemory, NtProtectVirtualMemory, NtQueryVirtualMemory and CPU
 * access, with the argument checks, rounding, NTSTATUS codes and in/out
 * parameter updates of the real calls.  The manager's behaviour profile
 * (ntvm_config.behaviour) selects Windows (default) or Wine 8.0 results where
 * the two differ; every such difference is a row of the table in
 * core/nt_profile.c (and docs/profile-differences.md).
 *
 * All in/out parameters follow the real calls: on failure they keep their
 * input values unless the real call changes them.
 */
#ifndef NTVM_NT_H
#define NTVM_NT_H

#include <stddef.h>
#include <stdint.h>

#include "ntvm.h"
#include "ntdefs.h"

#ifdef __cplusplus
extern "C" {
#endif

ntvm_ntstatus ntvm_nt_allocate_virtual_memory(ntvm *vm, uint64_t *base, uint64_t zero_bits,
                                              uint64_t *size, uint32_t type, uint32_t protect);

ntvm_ntstatus ntvm_nt_free_virtual_memory(ntvm *vm, uint64_t *base, uint64_t *size,
                                          uint32_t type);

ntvm_ntstatus ntvm_nt_protect_virtual_memory(ntvm *vm, uint64_t *base, uint64_t *size,
                                             uint32_t protect, uint32_t *old_protect);

/* info_class: NTVM_MEMORY_BASIC_INFORMATION_CLASS (buffer receives an
 * ntvm_memory_basic_information) or NTVM_MEMORY_REGION_INFORMATION_CLASS.
 * return_length may be NULL. */
ntvm_ntstatus ntvm_nt_query_virtual_memory(ntvm *vm, uint64_t address, uint32_t info_class,
                                           void *buffer, uint64_t length,
                                           uint64_t *return_length);

enum {
	NTVM_ACCESS_READ = 1,
	NTVM_ACCESS_WRITE = 2,
	NTVM_ACCESS_EXECUTE = 4,
};

/*
 * A CPU access of length bytes at address, lowest address first.  For
 * NTVM_ACCESS_WRITE data is the source; for READ and EXECUTE the destination
 * (may be NULL for EXECUTE).  Returns STATUS_SUCCESS, or
 * STATUS_ACCESS_VIOLATION / STATUS_GUARD_PAGE_VIOLATION for the first
 * faulting byte, whose address goes to *fault_address (if non-NULL).  A guard
 * fault clears PAGE_GUARD on that page only.  Bytes before the fault are
 * moved (written bytes stay written).
 */
ntvm_ntstatus ntvm_nt_access(ntvm *vm, uint64_t address, void *data, size_t length,
                             uint32_t access, uint64_t *fault_address);

#ifdef __cplusplus
}
#endif

#endif /* NTVM_NT_H */
