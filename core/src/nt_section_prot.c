/*
 * nt_section_prot.c -- protections and access rights of sections and
 * views: which view protections a section allows, which handle rights a
 * view protection needs.  Both tables are the Windows kernel's (WRK
 * base/ntos/mm: MmCompatibleProtectionMask, MmMakeSectionAccess), indexed
 * by the base protection in the kernel's order.
 */
#include "nt_section.h"

/* PAGE_* base value -> kernel order index */
static const uint32_t by_index[8] = {
	NTVM_PAGE_NOACCESS, NTVM_PAGE_READONLY,          NTVM_PAGE_EXECUTE,
	NTVM_PAGE_EXECUTE_READ, NTVM_PAGE_READWRITE,     NTVM_PAGE_WRITECOPY,
	NTVM_PAGE_EXECUTE_READWRITE, NTVM_PAGE_EXECUTE_WRITECOPY,
};

#define RO_SET (NTVM_PAGE_NOACCESS | NTVM_PAGE_READONLY | NTVM_PAGE_WRITECOPY)
#define RX_SET (RO_SET | NTVM_PAGE_EXECUTE | NTVM_PAGE_EXECUTE_READ)

static const uint32_t compatible[8] = {
	NTVM_PAGE_NOACCESS,
	RO_SET,
	NTVM_PAGE_NOACCESS | NTVM_PAGE_EXECUTE,
	RX_SET,
	RO_SET | NTVM_PAGE_READWRITE,
	RO_SET,
	0xFFu,
	RX_SET | NTVM_PAGE_EXECUTE_WRITECOPY,
};

static const uint32_t access_for[8] = {
	NTVM_SECTION_MAP_READ,
	NTVM_SECTION_MAP_READ,
	NTVM_SECTION_MAP_EXECUTE,
	NTVM_SECTION_MAP_READ | NTVM_SECTION_MAP_EXECUTE,
	NTVM_SECTION_MAP_WRITE,
	NTVM_SECTION_MAP_READ,
	NTVM_SECTION_MAP_WRITE | NTVM_SECTION_MAP_EXECUTE,
	NTVM_SECTION_MAP_READ | NTVM_SECTION_MAP_EXECUTE,
};

int nt_section_prot_index(uint32_t protect)
{
	uint32_t base = protect & 0xFFu;
	for (int i = 0; i < 8; i++)
		if (by_index[i] == base)
			return i;
	return -1;
}

bool nt_section_prot_compatible(uint32_t granted, uint32_t requested)
{
	int g = nt_section_prot_index(granted);
	uint32_t r = requested & 0xFFu;
	return g >= 0 && (r & ~compatible[g]) == 0;
}

uint32_t nt_section_access_for(uint32_t protect)
{
	int i = nt_section_prot_index(protect);
	return i < 0 ? 0 : access_for[i];
}

/* An image view's pages may ask for write access only as copy-on-write:
 * READWRITE becomes WRITECOPY, EXECUTE_READWRITE EXECUTE_WRITECOPY (both
 * Windows's NtProtectVirtualMemory and Wine's get_vprot_flags do this). */
static uint32_t image_request(uint32_t protect)
{
	uint32_t base = protect & 0xFFu, mods = protect & ~0xFFu;
	if (base == NTVM_PAGE_READWRITE)
		return NTVM_PAGE_WRITECOPY | mods;
	if (base == NTVM_PAGE_EXECUTE_READWRITE)
		return NTVM_PAGE_EXECUTE_WRITECOPY | mods;
	return protect;
}

ntvm_ntstatus nt_section_view_protect(const ntvm *vm, uint64_t address, uint32_t *protect)
{
	const struct ntvm__view *v = ntvm__view_containing(vm, address);
	if (v == NULL)
		return NTVM_STATUS_SUCCESS;
	bool image = v->section->image_perms != NULL;
	if (image)
		*protect = image_request(*protect);
	uint32_t granted = image ? NTVM_PAGE_EXECUTE_WRITECOPY : v->protect;
	if (!nt_section_prot_compatible(granted, *protect))
		return nt_profile_result(vm, NT_SIT_VIEW_PROTECT_INCOMPATIBLE);
	return NTVM_STATUS_SUCCESS;
}

ntvm_ntstatus nt_section_commit_in_view(ntvm *vm, const ntvm_reservation *res, uint64_t base,
                                        uint64_t size, uint32_t protect)
{
	struct ntvm__view *v = ntvm__view_at(vm, res->base);
	if (v == NULL || v->section->file || res->kind != NTVM_KIND_SECTION_VIEW)
		return NTVM_STATUS_ALREADY_COMMITTED;
	ntvm_ntstatus st = nt_section_view_protect(vm, base, &protect);
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	/* protect passed nt_prot_check already; its unknown bits (kept only
	 * when the profile ignores them) and WRITECOMBINE are not page state. */
	ntvm_perm perm;
	if (!ntvm_perm_from_page(protect & (0xFFu | NTVM_PAGE_GUARD | NTVM_PAGE_NOCACHE), &perm))
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	perm = nt_prot_for_pages(perm, res);
	bool others = !nt_profile_alternative(vm, NT_SIT_SECTION_COMMIT_OTHER_VIEWS);
	uint64_t first = (base - res->base) >> NTVM__PAGE_SHIFT;
	return nt_status_from_manager(ntvm__section_commit(vm, v, first, size >> NTVM__PAGE_SHIFT, perm, others));
}
