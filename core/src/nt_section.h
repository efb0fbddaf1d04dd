/*
 * nt_section.h -- helpers shared by the NT section calls (nt_section_*.c)
 * and the NT calls that treat views specially (NtAllocate, NtProtect).
 */
#ifndef NTVM_NT_SECTION_H
#define NTVM_NT_SECTION_H

#include "nt_internal.h"
#include "section.h"

/* The base protection (low byte) as an index 0..7 (WRK's protection mask
 * order: NOACCESS, READONLY, EXECUTE, EXECUTE_READ, READWRITE, WRITECOPY,
 * EXECUTE_READWRITE, EXECUTE_WRITECOPY); -1 when not exactly one base. */
int nt_section_prot_index(uint32_t protect);

/* May a view (or page) with protection `requested` live in a section, view
 * or allocation mapped with `granted`?  WRK MmCompatibleProtectionMask;
 * modifiers are ignored. */
bool nt_section_prot_compatible(uint32_t granted, uint32_t requested);

/* The SECTION_MAP_* rights a view with this protection needs (WRK
 * MmMakeSectionAccess). */
uint32_t nt_section_access_for(uint32_t protect);

/* A protection request for pages of a view made by NtMapViewOfSection
 * (NtProtectVirtualMemory, a commit in a view): an image view turns write
 * requests into copy-on-write ones (*protect is updated); the request must
 * be compatible with the view's protection (row VIEW_PROTECT_INCOMPATIBLE).
 * Other addresses: STATUS_SUCCESS, *protect unchanged. */
ntvm_ntstatus nt_section_view_protect(const ntvm *vm, uint64_t address, uint32_t *protect);

/* NtAllocateVirtualMemory MEM_COMMIT inside a view: the rules of
 * docs/nt-semantics.md ("Views in the other calls").  res is the view's
 * reservation, [base, base + size) the page-rounded range inside it. */
ntvm_ntstatus nt_section_commit_in_view(ntvm *vm, const ntvm_reservation *res, uint64_t base,
                                        uint64_t size, uint32_t protect);

/* The section handle's table entry in *out (STATUS_SUCCESS), or NULL and
 * STATUS_OBJECT_TYPE_MISMATCH for the process and thread pseudo-handles,
 * STATUS_INVALID_HANDLE for any other value. */
ntvm_ntstatus nt_section_handle(const ntvm *vm, ntvm_handle handle, struct ntvm__handle **out);

#endif /* NTVM_NT_SECTION_H */
