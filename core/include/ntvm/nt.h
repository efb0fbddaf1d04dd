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

/*
 * The status a one-byte access of kind `access` at address would get from
 * ntvm_nt_access, without any of its effects (no guard cleared, no copy on
 * write, nothing moved).  For CPU emulators that decide faults themselves.
 */
ntvm_ntstatus ntvm_nt_access_status(const ntvm *vm, uint64_t address, uint32_t access);

/* ------------------------------------------------------------------ */
/* Sections                                                             */
/* ------------------------------------------------------------------ */
/*
 * Section objects live in the manager, named by handles that behave like a
 * process's handles (non-zero multiples of 4; NtClose frees them).  A view
 * keeps its section alive after the handle is closed, as on Windows.
 */
typedef uint64_t ntvm_handle;

/*
 * NtCreateSection.  file_bytes/file_size stand in for the FileHandle:
 *  - file_bytes NULL: a page-file-backed section of *maximum_size bytes
 *    (maximum_size required), SEC_COMMIT or SEC_RESERVE;
 *  - with SEC_IMAGE: file_bytes is a PE file, parsed and laid out as the
 *    image loader would (maximum_size may be NULL); bad PE input gives a
 *    status, never a crash;
 *  - otherwise: a data-file section whose initial contents are the bytes
 *    (writes through views do not go back to the caller's buffer).
 * On success *section receives a new handle.  Checks and statuses follow the
 * real call (docs/nt-semantics.md, "Sections").
 */
ntvm_ntstatus ntvm_nt_create_section(ntvm *vm, ntvm_handle *section, uint32_t desired_access,
                                     const uint64_t *maximum_size, uint32_t page_protection,
                                     uint32_t allocation_attributes, const void *file_bytes,
                                     size_t file_size);

/*
 * NtMapViewOfSection into the current process.  *base (in/out; 0: the system
 * chooses), section_offset (in/out, may be NULL), *view_size (in/out; 0: to
 * the end of the section) as the real call: rounding, 64 KiB alignment,
 * MEM_TOP_DOWN and AT_ROUND_TO_PAGE in allocation_type, win32_protect checked
 * against the section's protection.  Image views may answer
 * STATUS_IMAGE_NOT_AT_BASE (a success) when mapped away from their base.
 */
ntvm_ntstatus ntvm_nt_map_view_of_section(ntvm *vm, ntvm_handle section, uint64_t *base,
                                          uint64_t zero_bits, uint64_t commit_size,
                                          uint64_t *section_offset, uint64_t *view_size,
                                          uint32_t inherit_disposition,
                                          uint32_t allocation_type, uint32_t win32_protect);

/* NtUnmapViewOfSection: any address inside a view unmaps the whole view. */
ntvm_ntstatus ntvm_nt_unmap_view_of_section(ntvm *vm, uint64_t base);

/* NtExtendSection: grows a page-file-backed section; *new_size in/out. */
ntvm_ntstatus ntvm_nt_extend_section(ntvm *vm, ntvm_handle section, uint64_t *new_size);

/* NtClose of a handle the manager gave out. */
ntvm_ntstatus ntvm_nt_close(ntvm *vm, ntvm_handle handle);

#ifdef __cplusplus
}
#endif

#endif /* NTVM_NT_H */
