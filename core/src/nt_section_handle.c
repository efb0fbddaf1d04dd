/*
 * nt_section_handle.c -- a handle passed where a section handle is expected.
 *
 * The handle table holds only sections, but a caller can also name the two
 * objects every process has without a handle table entry: the current
 * process (pseudo-handle -1) and the current thread (-2).  Windows's
 * ObReferenceObjectByHandle resolves them and then finds the object type
 * wrong (STATUS_OBJECT_TYPE_MISMATCH), and so does Wine 8.0 (recorded:
 * reference/findings, map of -1); any other unknown value is
 * STATUS_INVALID_HANDLE.
 */
#include "nt_section.h"

#define NT_CURRENT_PROCESS ((ntvm_handle)-1)
#define NT_CURRENT_THREAD ((ntvm_handle)-2)

ntvm_ntstatus nt_section_handle(const ntvm *vm, ntvm_handle handle, struct ntvm__handle **out)
{
	*out = ntvm__handle_get(vm, handle);
	if (*out)
		return NTVM_STATUS_SUCCESS;
	if (handle == NT_CURRENT_PROCESS || handle == NT_CURRENT_THREAD)
		return NTVM_STATUS_OBJECT_TYPE_MISMATCH;
	return NTVM_STATUS_INVALID_HANDLE;
}
