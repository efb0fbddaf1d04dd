/*
 * nt_section_create.c -- NtCreateSection and NtClose.
 *
 * The argument checks come first, in the order of Windows's NtCreateSection
 * (ReactOS's model of it): attributes, protection, then what kind of
 * section the "file" makes it.  A section's pages are host memory, so
 * ntvm caps a section at NT_SECTION_MAX bytes (STATUS_SECTION_TOO_BIG
 * above; documented as ntvm's limit in docs/nt-semantics.md).
 */
#include "image.h"
#include "nt_section.h"

#include <string.h>

#define NT_SECTION_MAX 0x40000000ull

#define SEC_KNOWN (NTVM_SEC_COMMIT | NTVM_SEC_RESERVE | NTVM_SEC_BASED | NTVM_SEC_LARGE_PAGES | \
                   NTVM_SEC_IMAGE | NTVM_SEC_NOCACHE | NTVM_SEC_NO_CHANGE)
#define SEC_NOT_FOR_IMAGE (NTVM_SEC_COMMIT | NTVM_SEC_RESERVE | NTVM_SEC_LARGE_PAGES | \
                           NTVM_SEC_NOCACHE | NTVM_SEC_NO_CHANGE)

/* Unknown bits (row SECTION_CREATE_UNKNOWN_BITS: Wine drops them, *a is
 * updated), then the kind (row SECTION_CREATE_BAD_TYPE). */
static ntvm_ntstatus check_attributes(const ntvm *vm, uint32_t *a)
{
	if (*a & ~SEC_KNOWN) {
		if (!nt_profile_alternative(vm, NT_SIT_SECTION_CREATE_UNKNOWN_BITS))
			return nt_profile_result(vm, NT_SIT_SECTION_CREATE_UNKNOWN_BITS);
		*a &= SEC_KNOWN;
	}
	bool bad = !(*a & (NTVM_SEC_COMMIT | NTVM_SEC_RESERVE | NTVM_SEC_IMAGE)) ||
	           ((*a & NTVM_SEC_IMAGE) && (*a & SEC_NOT_FOR_IMAGE)) ||
	           ((*a & NTVM_SEC_COMMIT) && (*a & NTVM_SEC_RESERVE));
	return bad ? nt_profile_result(vm, NT_SIT_SECTION_CREATE_BAD_TYPE) : NTVM_STATUS_SUCCESS;
}

/* One base value (both systems); no modifier and not NOACCESS on Windows
 * (row SECTION_CREATE_PROTECTION: Wine keeps the base value). */
static ntvm_ntstatus check_protection(const ntvm *vm, uint32_t *p)
{
	if ((*p & ~0x7FFu) || nt_section_prot_index(*p) < 0)
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	if ((*p & ~0xFFu) || *p == NTVM_PAGE_NOACCESS) {
		if (!nt_profile_alternative(vm, NT_SIT_SECTION_CREATE_PROTECTION))
			return nt_profile_result(vm, NT_SIT_SECTION_CREATE_PROTECTION);
		*p &= 0xFFu;
	}
	return NTVM_STATUS_SUCCESS;
}

/* Generic rights become the section rights they stand for. */
static uint32_t map_access(uint32_t a)
{
	if (a & (NTVM_GENERIC_ALL | NTVM_MAXIMUM_ALLOWED))
		return NTVM_SECTION_ALL_ACCESS;
	if (a & NTVM_GENERIC_READ)
		a |= NTVM_SECTION_MAP_READ | NTVM_SECTION_QUERY;
	if (a & NTVM_GENERIC_WRITE)
		a |= NTVM_SECTION_MAP_WRITE;
	if (a & NTVM_GENERIC_EXECUTE)
		a |= NTVM_SECTION_MAP_EXECUTE;
	return a & NTVM_SECTION_ALL_ACCESS;
}

static bool writable(uint32_t p)
{
	return p == NTVM_PAGE_READWRITE || p == NTVM_PAGE_EXECUTE_READWRITE;
}

static ntvm_ntstatus pagefile_section(const ntvm *vm, const uint64_t *max, uint32_t attributes,
                                      struct ntvm__section **out)
{
	if (max == NULL || *max == 0)
		return nt_profile_result(vm, NT_SIT_SECTION_CREATE_ZERO_SIZE);
	if (*max > NT_SECTION_MAX)
		return NTVM_STATUS_SECTION_TOO_BIG;
	uint64_t pages = ntvm__align_up(*max, NT_PAGE) >> NTVM__PAGE_SHIFT;
	struct ntvm__section *s = ntvm__section_new(*max, pages);
	if (s == NULL)
		return NTVM_STATUS_NO_MEMORY;
	if (attributes & NTVM_SEC_RESERVE) {
		s->committed = ntvm__heap.calloc(NTVM_BITMAP_WORDS(pages), sizeof *s->committed);
		if (s->committed == NULL) {
			s->refs = 1;
			ntvm__section_unref(s);
			return NTVM_STATUS_NO_MEMORY;
		}
	}
	*out = s;
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus file_section(const uint64_t *max, uint32_t protect, const void *bytes, size_t size,
                                  struct ntvm__section **out)
{
	if (size == 0)
		return NTVM_STATUS_MAPPED_FILE_SIZE_ZERO;
	uint64_t want = max && *max ? *max : size;
	if (want > size && !writable(protect))
		return NTVM_STATUS_SECTION_TOO_BIG;
	if (want > NT_SECTION_MAX)
		return NTVM_STATUS_SECTION_TOO_BIG;
	uint64_t pages = ntvm__align_up(want, NT_PAGE) >> NTVM__PAGE_SHIFT;
	struct ntvm__section *s = ntvm__section_new(want, pages);
	if (s == NULL)
		return NTVM_STATUS_NO_MEMORY;
	memcpy(s->storage, bytes, size < want ? size : (size_t)want);
	s->file = true;
	*out = s;
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus image_section(const void *bytes, size_t size, struct ntvm__section **out)
{
	struct ntvm__image_info info;
	ntvm_ntstatus st = ntvm__image_parse(bytes, size, &info);
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	uint64_t pages = info.size >> NTVM__PAGE_SHIFT;
	struct ntvm__section *s = ntvm__section_new(info.size, pages);
	uint8_t *perms = s ? ntvm__heap.malloc((size_t)pages) : NULL;
	if (perms == NULL) {
		if (s) {
			s->refs = 1;
			ntvm__section_unref(s);
		}
		return NTVM_STATUS_NO_MEMORY;
	}
	ntvm__image_layout(bytes, size, &info, s->storage, perms);
	s->image_perms = perms;
	s->image_base = info.image_base;
	s->image_foreign = info.foreign;
	s->file = true;
	*out = s;
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus make_section(const ntvm *vm, const uint64_t *max, uint32_t protect, uint32_t attributes,
                                  const void *bytes, size_t size, struct ntvm__section **out)
{
	if (attributes & (NTVM_SEC_LARGE_PAGES | NTVM_SEC_BASED | NTVM_SEC_NO_CHANGE))
		return NTVM_STATUS_NOT_SUPPORTED;
	if (attributes & NTVM_SEC_IMAGE)
		return bytes ? image_section(bytes, size, out) : NTVM_STATUS_INVALID_FILE_FOR_SECTION;
	if (bytes)
		return file_section(max, protect, bytes, size, out);
	return pagefile_section(vm, max, attributes, out);
}

ntvm_ntstatus ntvm_nt_create_section(ntvm *vm, ntvm_handle *section, uint32_t desired_access,
                                     const uint64_t *maximum_size, uint32_t page_protection,
                                     uint32_t allocation_attributes, const void *file_bytes,
                                     size_t file_size)
{
	if (vm == NULL || section == NULL)
		return NTVM_STATUS_ACCESS_VIOLATION;
	ntvm_ntstatus st = check_attributes(vm, &allocation_attributes);
	if (st == NTVM_STATUS_SUCCESS)
		st = check_protection(vm, &page_protection);
	struct ntvm__section *s = NULL;
	if (st == NTVM_STATUS_SUCCESS)
		st = make_section(vm, maximum_size, page_protection, allocation_attributes, file_bytes, file_size, &s);
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	s->protect = page_protection | (allocation_attributes & NTVM_SEC_NOCACHE ? NTVM_PAGE_NOCACHE : 0);
	s->attributes = allocation_attributes;
	ntvm_handle h = ntvm__handle_add(vm, s, map_access(desired_access));
	if (h == 0) {
		s->refs = 1;
		ntvm__section_unref(s);
		return NTVM_STATUS_NO_MEMORY;
	}
	*section = h;
	return NTVM_STATUS_SUCCESS;
}

ntvm_ntstatus ntvm_nt_close(ntvm *vm, ntvm_handle handle)
{
	if (vm == NULL)
		return NTVM_STATUS_ACCESS_VIOLATION;
	if (ntvm__handle_get(vm, handle) == NULL)
		return NTVM_STATUS_INVALID_HANDLE;
	ntvm__handle_close(vm, handle);
	return NTVM_STATUS_SUCCESS;
}
