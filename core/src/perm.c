/*
 * perm.c -- permissions, status names and address-space profiles.
 *
 * ntvm_perm is sogen's nt_memory_permission in one byte: three access bits
 * and four modifiers.  The conversion to and from Windows PAGE_* values is
 * exact: a PAGE_* value holds exactly one of the eight base protections in
 * its low byte plus any of GUARD/NOCACHE/WRITECOMBINE; an ntvm_perm is valid
 * exactly when it maps back to such a value.  Nothing is silently mapped.
 */
#include "manager.h"

#include <ntvm/ntdefs.h>

/* The eight base protections, indexed by the PAGE_* bit number (0..7). */
static const ntvm_perm base_perms[8] = {
	NTVM_PERM_NONE,                            /* PAGE_NOACCESS */
	NTVM_PERM_READ,                            /* PAGE_READONLY */
	NTVM_PERM_RW,                              /* PAGE_READWRITE */
	NTVM_PERM_RW | NTVM_PERM_WRITECOPY,        /* PAGE_WRITECOPY */
	NTVM_PERM_EXEC,                            /* PAGE_EXECUTE */
	NTVM_PERM_RX,                              /* PAGE_EXECUTE_READ */
	NTVM_PERM_RWX,                             /* PAGE_EXECUTE_READWRITE */
	NTVM_PERM_RWX | NTVM_PERM_WRITECOPY,       /* PAGE_EXECUTE_WRITECOPY */
};

#define PAGE_MODIFIERS (NTVM_PAGE_GUARD | NTVM_PAGE_NOCACHE | NTVM_PAGE_WRITECOMBINE)
#define PERM_MODIFIERS (NTVM_PERM_GUARD | NTVM_PERM_NOCACHE | NTVM_PERM_WRITECOMBINE)

bool ntvm_perm_from_page(uint32_t page_protect, ntvm_perm *out)
{
	uint32_t base = page_protect & 0xFFu;
	if (page_protect & ~(0xFFu | PAGE_MODIFIERS))
		return false;
	if (base == 0 || (base & (base - 1)) != 0)
		return false;
	int bit = __builtin_ctz(base);
	ntvm_perm perm = base_perms[bit];
	if (page_protect & NTVM_PAGE_GUARD)
		perm |= NTVM_PERM_GUARD;
	if (page_protect & NTVM_PAGE_NOCACHE)
		perm |= NTVM_PERM_NOCACHE;
	if (page_protect & NTVM_PAGE_WRITECOMBINE)
		perm |= NTVM_PERM_WRITECOMBINE;
	if (out)
		*out = perm;
	return true;
}

uint32_t ntvm_perm_to_page(ntvm_perm perm)
{
	uint32_t page;
	switch ((ntvm_perm) (perm & (ntvm_perm) ~PERM_MODIFIERS)) { /* base_perms inverted */
	case NTVM_PERM_NONE: page = NTVM_PAGE_NOACCESS; break;
	case NTVM_PERM_READ: page = NTVM_PAGE_READONLY; break;
	case NTVM_PERM_RW: page = NTVM_PAGE_READWRITE; break;
	case NTVM_PERM_RW | NTVM_PERM_WRITECOPY: page = NTVM_PAGE_WRITECOPY; break;
	case NTVM_PERM_EXEC: page = NTVM_PAGE_EXECUTE; break;
	case NTVM_PERM_RX: page = NTVM_PAGE_EXECUTE_READ; break;
	case NTVM_PERM_RWX: page = NTVM_PAGE_EXECUTE_READWRITE; break;
	case NTVM_PERM_RWX | NTVM_PERM_WRITECOPY: page = NTVM_PAGE_EXECUTE_WRITECOPY; break;
	default: return 0;
	}
	if (perm & NTVM_PERM_GUARD)
		page |= NTVM_PAGE_GUARD;
	if (perm & NTVM_PERM_NOCACHE)
		page |= NTVM_PAGE_NOCACHE;
	if (perm & NTVM_PERM_WRITECOMBINE)
		page |= NTVM_PAGE_WRITECOMBINE;
	return page;
}

bool ntvm_perm_is_valid(ntvm_perm perm)
{
	return ntvm_perm_to_page(perm) != 0;
}

ntvm_perm ntvm__effective_perm(ntvm_perm perm, bool dep_enabled)
{
	if (perm & NTVM_PERM_GUARD)
		return NTVM_PERM_NONE;
	ntvm_perm access = perm & NTVM_PERM_ACCESS_MASK;
	/* copy-on-write: the first write must fault, so the copy can be made */
	if (perm & NTVM_PERM_WRITECOPY)
		access &= (ntvm_perm)~NTVM_PERM_WRITE;
	if (!dep_enabled && (access & NTVM_PERM_READ))
		access |= NTVM_PERM_EXEC;
	return access;
}

const char *ntvm_status_name(ntvm_status status)
{
	static const char *const names[] = {
		[NTVM_OK] = "NTVM_OK",
		[NTVM_E_INVALID_ARGUMENT] = "NTVM_E_INVALID_ARGUMENT",
		[NTVM_E_OUT_OF_RANGE] = "NTVM_E_OUT_OF_RANGE",
		[NTVM_E_OVERLAP] = "NTVM_E_OVERLAP",
		[NTVM_E_NOT_RESERVED] = "NTVM_E_NOT_RESERVED",
		[NTVM_E_NOT_COMMITTED] = "NTVM_E_NOT_COMMITTED",
		[NTVM_E_SPANS_REGIONS] = "NTVM_E_SPANS_REGIONS",
		[NTVM_E_WRONG_KIND] = "NTVM_E_WRONG_KIND",
		[NTVM_E_NO_SPACE] = "NTVM_E_NO_SPACE",
		[NTVM_E_NO_MEMORY] = "NTVM_E_NO_MEMORY",
		[NTVM_E_BACKEND] = "NTVM_E_BACKEND",
		[NTVM_E_MALFORMED] = "NTVM_E_MALFORMED",
		[NTVM_E_UNBOUND_MMIO] = "NTVM_E_UNBOUND_MMIO",
	};
	if ((unsigned) status >= sizeof names / sizeof names[0] || names[status] == NULL)
		return "NTVM_E_UNKNOWN";
	return names[status];
}

uint64_t ntvm_profile_max_address(ntvm_address_profile profile)
{
	switch (profile) {
	case NTVM_ADDRESS_64:
		return 0x7FFFFFFEFFFFull;
	case NTVM_ADDRESS_32:
		return 0x7FFEFFFFull;
	case NTVM_ADDRESS_32_LARGE:
		return 0xFFFEFFFFull;
	}
	return 0;
}

uint64_t ntvm_profile_default_base(ntvm_address_profile profile)
{
	switch (profile) {
	case NTVM_ADDRESS_64:
		return 0x100000000ull;
	case NTVM_ADDRESS_32:
	case NTVM_ADDRESS_32_LARGE:
		return NTVM_MIN_ADDRESS;
	}
	return 0;
}
