/*
 * nt_section_unmap.c -- NtUnmapViewOfSection and NtExtendSection.
 *
 * Unmapping takes any address inside a view made by NtMapViewOfSection and
 * removes the whole view (the core drops its record and its reference to
 * the section).  Extending grows a page-file-backed section's storage;
 * views already mapped keep their size, as on Windows.
 */
#include "nt_section.h"

#define NT_SECTION_MAX 0x40000000ull

ntvm_ntstatus ntvm_nt_unmap_view_of_section(ntvm *vm, uint64_t base)
{
	if (vm == NULL)
		return NTVM_STATUS_ACCESS_VIOLATION;
	struct ntvm__view *v = ntvm__view_containing(vm, base);
	if (v == NULL)
		return NTVM_STATUS_NOT_MAPPED_VIEW;
	ntvm__view_unmap(vm, v);
	return NTVM_STATUS_SUCCESS;
}

ntvm_ntstatus ntvm_nt_extend_section(ntvm *vm, ntvm_handle section, uint64_t *new_size)
{
	if (vm == NULL || new_size == NULL)
		return NTVM_STATUS_ACCESS_VIOLATION;
	struct ntvm__handle *h;
	ntvm_ntstatus st = nt_section_handle(vm, section, &h);
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	if (!(h->access & NTVM_SECTION_EXTEND_SIZE))
		return NTVM_STATUS_ACCESS_DENIED;
	struct ntvm__section *s = h->section;
	if (s->file)
		return NTVM_STATUS_INVALID_PARAMETER;
	if (*new_size <= s->size) {
		*new_size = s->size;
		return NTVM_STATUS_SUCCESS;
	}
	if (*new_size > NT_SECTION_MAX)
		return NTVM_STATUS_SECTION_TOO_BIG;
	/* Views point into the storage: growing would move it under them. */
	for (size_t i = 0; vm->sections && i < vm->sections->view_count; i++)
		if (vm->sections->views[i]->section == s)
			return NTVM_STATUS_NOT_SUPPORTED;
	if (!ntvm__section_grow(s, *new_size, ntvm__align_up(*new_size, NT_PAGE) >> NTVM__PAGE_SHIFT))
		return NTVM_STATUS_NO_MEMORY;
	return NTVM_STATUS_SUCCESS;
}
