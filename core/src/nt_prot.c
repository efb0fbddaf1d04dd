/*
 * nt_prot.c -- validation of PAGE_* protection values for the NT calls.
 *
 * A value needs exactly one of the eight base protections in its low byte
 * (both systems).  Everything else differs between Windows and Wine 8.0 and
 * is looked up in the profile table: unknown high bits, the modifier
 * combinations Windows forbids, and whether PAGE_WRITECOMBINE is kept.
 */
#include "nt_internal.h"

#define PAGE_MODIFIERS (NTVM_PAGE_GUARD | NTVM_PAGE_NOCACHE | NTVM_PAGE_WRITECOMBINE)

static unsigned modifier_count(uint32_t protect)
{
	return (unsigned)__builtin_popcount(protect & PAGE_MODIFIERS);
}

/* The Windows restrictions on modifiers, each a row of the table. */
static ntvm_ntstatus check_modifiers(const ntvm *vm, uint32_t protect)
{
	bool noaccess = (protect & 0xFFu) == NTVM_PAGE_NOACCESS;
	uint32_t st;
	if (noaccess && (protect & NTVM_PAGE_GUARD)) {
		st = nt_profile_result(vm, NT_SIT_PROT_GUARD_NOACCESS);
		if (st != NTVM_STATUS_SUCCESS)
			return st;
	}
	if (noaccess && (protect & (NTVM_PAGE_NOCACHE | NTVM_PAGE_WRITECOMBINE))) {
		st = nt_profile_result(vm, NT_SIT_PROT_CACHE_NOACCESS);
		if (st != NTVM_STATUS_SUCCESS)
			return st;
	}
	if (modifier_count(protect) > 1) {
		st = nt_profile_result(vm, NT_SIT_PROT_TWO_MODIFIERS);
		if (st != NTVM_STATUS_SUCCESS)
			return st;
	}
	return NTVM_STATUS_SUCCESS;
}

ntvm_ntstatus nt_prot_check(const ntvm *vm, uint32_t protect, ntvm_perm *perm)
{
	if (protect & ~(0xFFu | PAGE_MODIFIERS)) {
		if (!nt_profile_alternative(vm, NT_SIT_PROT_UNKNOWN_BITS))
			return nt_profile_result(vm, NT_SIT_PROT_UNKNOWN_BITS);
		protect &= 0xFFu | PAGE_MODIFIERS;
	}
	uint32_t base = protect & 0xFFu;
	if (base == 0 || (base & (base - 1)) != 0)
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	if (protect & PAGE_MODIFIERS) { /* without modifiers no row applies */
		ntvm_ntstatus st = check_modifiers(vm, protect);
		if (st != NTVM_STATUS_SUCCESS)
			return st;
		if ((protect & NTVM_PAGE_WRITECOMBINE) &&
		    nt_profile_alternative(vm, NT_SIT_PROT_WRITECOMBINE_KEPT))
			protect &= ~NTVM_PAGE_WRITECOMBINE;
	}
	if (!ntvm_perm_from_page(protect, perm))
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	return NTVM_STATUS_SUCCESS;
}

bool nt_prot_is_writecopy(ntvm_perm perm)
{
	return (perm & NTVM_PERM_WRITECOPY) != 0;
}

ntvm_perm nt_prot_for_pages(ntvm_perm requested, const ntvm_reservation *res)
{
	return (ntvm_perm)((requested & (ntvm_perm)~NT_PERM_CACHE_BITS) |
	                   (res->initial_perm & NT_PERM_CACHE_BITS));
}
