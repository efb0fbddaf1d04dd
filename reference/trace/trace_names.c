/*
 * trace_names.c -- symbolic names of PAGE_*, MEM_* and STATUS_* values, in
 * both directions.  Each flag kind has a writing table (the names a writer
 * emits, one per bit, no aliases) and a reading family (every name a reader
 * accepts in that field, aliases included), so that `PAGE_READWRITE` in a
 * MEM_* field is an error rather than a silent swap of arguments.
 *
 * Values come from ntdefs.h (Windows SDK values); a few SDK names that
 * ntdefs.h does not carry are defined here with their SDK values.
 */
#include "trace.h"

#include <string.h>

#include "ntvm/ntdefs.h"
#include "trace_internal.h"

/* SDK protection modifiers not in ntdefs.h (winnt.h values). */
#define TRACE_PAGE_ENCLAVE_DECOMMIT 0x10000000u
#define TRACE_PAGE_ENCLAVE_UNVALIDATED 0x20000000u
#define TRACE_PAGE_TARGETS_INVALID 0x40000000u
#define TRACE_PAGE_REVERT_TO_FILE_MAP 0x80000000u

/* Standard access rights and section statuses not in ntdefs.h (SDK values). */
#define TRACE_DELETE 0x00010000u
#define TRACE_READ_CONTROL 0x00020000u
#define TRACE_WRITE_DAC 0x00040000u
#define TRACE_WRITE_OWNER 0x00080000u
#define TRACE_SYNCHRONIZE 0x00100000u
#define TRACE_STATUS_SECTION_NOT_EXTENDED 0xC0000087u
#define TRACE_STATUS_MAPPED_FILE_SIZE_ZERO 0xC000011Eu

struct name_entry {
	const char *name;
	uint32_t value;
};

#define ENTRY(n) { #n, NTVM_##n }

static const struct name_entry prot_names[] = {
	ENTRY(PAGE_NOACCESS),
	ENTRY(PAGE_READONLY),
	ENTRY(PAGE_READWRITE),
	ENTRY(PAGE_WRITECOPY),
	ENTRY(PAGE_EXECUTE),
	ENTRY(PAGE_EXECUTE_READ),
	ENTRY(PAGE_EXECUTE_READWRITE),
	ENTRY(PAGE_EXECUTE_WRITECOPY),
	ENTRY(PAGE_GUARD),
	ENTRY(PAGE_NOCACHE),
	ENTRY(PAGE_WRITECOMBINE),
	{ "PAGE_ENCLAVE_DECOMMIT", TRACE_PAGE_ENCLAVE_DECOMMIT },
	{ "PAGE_ENCLAVE_UNVALIDATED", TRACE_PAGE_ENCLAVE_UNVALIDATED },
	{ "PAGE_TARGETS_INVALID", TRACE_PAGE_TARGETS_INVALID },
	{ "PAGE_REVERT_TO_FILE_MAP", TRACE_PAGE_REVERT_TO_FILE_MAP },
	{ NULL, 0 },
};

/* Read-only aliases of PAGE_* bits. */
static const struct name_entry prot_aliases[] = {
	{ "PAGE_TARGETS_NO_UPDATE", TRACE_PAGE_TARGETS_INVALID },
	{ "PAGE_ENCLAVE_THREAD_CONTROL", TRACE_PAGE_REVERT_TO_FILE_MAP },
	{ NULL, 0 },
};

/* What alloc and free take as TYPE. */
static const struct name_entry mem_type_names[] = {
	ENTRY(MEM_COALESCE_PLACEHOLDERS),
	ENTRY(MEM_PRESERVE_PLACEHOLDER),
	ENTRY(MEM_COMMIT),
	ENTRY(MEM_RESERVE),
	ENTRY(MEM_DECOMMIT),
	ENTRY(MEM_RELEASE),
	ENTRY(MEM_FREE),
	ENTRY(MEM_PRIVATE),
	ENTRY(MEM_RESERVE_PLACEHOLDER),
	ENTRY(MEM_RESET),
	ENTRY(MEM_TOP_DOWN),
	ENTRY(MEM_WRITE_WATCH),
	ENTRY(MEM_PHYSICAL),
	ENTRY(MEM_ROTATE),
	ENTRY(MEM_RESET_UNDO),
	ENTRY(MEM_LARGE_PAGES),
	ENTRY(AT_ROUND_TO_PAGE),
	ENTRY(MEM_4MB_PAGES),
	{ NULL, 0 },
};

/* MEM_* names with the same value as an entry above: read only. */
static const struct name_entry mem_aliases[] = {
	ENTRY(MEM_MAPPED),
	ENTRY(MEM_IMAGE),
	ENTRY(MEM_REPLACE_PLACEHOLDER),
	{ NULL, 0 },
};

static const struct name_entry state_names[] = {
	ENTRY(MEM_COMMIT),
	ENTRY(MEM_RESERVE),
	ENTRY(MEM_FREE),
	{ NULL, 0 },
};

static const struct name_entry region_type_names[] = {
	ENTRY(MEM_PRIVATE),
	ENTRY(MEM_MAPPED),
	ENTRY(MEM_IMAGE),
	{ NULL, 0 },
};

static const struct name_entry sec_attr_names[] = {
	ENTRY(SEC_FILE),
	ENTRY(SEC_IMAGE),
	ENTRY(SEC_RESERVE),
	ENTRY(SEC_COMMIT),
	ENTRY(SEC_NOCACHE),
	ENTRY(SEC_WRITECOMBINE),
	ENTRY(SEC_LARGE_PAGES),
	{ NULL, 0 },
};

/* SECTION_ALL_ACCESS first: the writer takes it whole when all its bits are set. */
static const struct name_entry access_names[] = {
	ENTRY(SECTION_ALL_ACCESS),
	ENTRY(SECTION_QUERY),
	ENTRY(SECTION_MAP_WRITE),
	ENTRY(SECTION_MAP_READ),
	ENTRY(SECTION_MAP_EXECUTE),
	ENTRY(SECTION_EXTEND_SIZE),
	{ "DELETE", TRACE_DELETE },
	{ "READ_CONTROL", TRACE_READ_CONTROL },
	{ "WRITE_DAC", TRACE_WRITE_DAC },
	{ "WRITE_OWNER", TRACE_WRITE_OWNER },
	{ "SYNCHRONIZE", TRACE_SYNCHRONIZE },
	{ NULL, 0 },
};

static const struct name_entry inherit_names[] = {
	{ "ViewShare", NTVM_VIEW_SHARE },
	{ "ViewUnmap", NTVM_VIEW_UNMAP },
	{ NULL, 0 },
};

static const struct name_entry status_names[] = {
	ENTRY(STATUS_SUCCESS),
	ENTRY(STATUS_GUARD_PAGE_VIOLATION),
	ENTRY(STATUS_INVALID_INFO_CLASS),
	ENTRY(STATUS_INFO_LENGTH_MISMATCH),
	ENTRY(STATUS_ACCESS_VIOLATION),
	ENTRY(STATUS_INVALID_HANDLE),
	ENTRY(STATUS_INVALID_PARAMETER),
	ENTRY(STATUS_NO_MEMORY),
	ENTRY(STATUS_CONFLICTING_ADDRESSES),
	ENTRY(STATUS_NOT_MAPPED_VIEW),
	ENTRY(STATUS_UNABLE_TO_FREE_VM),
	ENTRY(STATUS_UNABLE_TO_DELETE_SECTION),
	ENTRY(STATUS_ALREADY_COMMITTED),
	ENTRY(STATUS_NOT_COMMITTED),
	ENTRY(STATUS_INVALID_PAGE_PROTECTION),
	ENTRY(STATUS_FREE_VM_NOT_AT_BASE),
	ENTRY(STATUS_MEMORY_NOT_ALLOCATED),
	ENTRY(STATUS_INVALID_PARAMETER_1),
	ENTRY(STATUS_INVALID_PARAMETER_2),
	ENTRY(STATUS_INVALID_PARAMETER_3),
	ENTRY(STATUS_INVALID_PARAMETER_4),
	ENTRY(STATUS_INVALID_PARAMETER_5),
	ENTRY(STATUS_INVALID_PARAMETER_6),
	ENTRY(STATUS_INVALID_ADDRESS),
	ENTRY(STATUS_IMAGE_NOT_AT_BASE),
	ENTRY(STATUS_IMAGE_MACHINE_TYPE_MISMATCH),
	ENTRY(STATUS_INVALID_VIEW_SIZE),
	ENTRY(STATUS_INVALID_FILE_FOR_SECTION),
	ENTRY(STATUS_ACCESS_DENIED),
	ENTRY(STATUS_OBJECT_TYPE_MISMATCH),
	ENTRY(STATUS_SECTION_TOO_BIG),
	ENTRY(STATUS_SECTION_PROTECTION),
	ENTRY(STATUS_INVALID_IMAGE_FORMAT),
	ENTRY(STATUS_INSUFFICIENT_RESOURCES),
	ENTRY(STATUS_NOT_SUPPORTED),
	ENTRY(STATUS_INVALID_PARAMETER_7),
	ENTRY(STATUS_INVALID_PARAMETER_8),
	ENTRY(STATUS_INVALID_PARAMETER_9),
	ENTRY(STATUS_INVALID_PARAMETER_10),
	ENTRY(STATUS_INVALID_IMAGE_NOT_MZ),
	ENTRY(STATUS_INVALID_IMAGE_PROTECT),
	ENTRY(STATUS_MAPPED_ALIGNMENT),
	{ "STATUS_SECTION_NOT_EXTENDED", TRACE_STATUS_SECTION_NOT_EXTENDED },
	{ "STATUS_MAPPED_FILE_SIZE_ZERO", TRACE_STATUS_MAPPED_FILE_SIZE_ZERO },
	{ NULL, 0 },
};

static const struct name_entry *write_table(enum ntvm_trace_kind kind)
{
	switch (kind) {
	case NTVM_KIND_MEM_TYPE: return mem_type_names;
	case NTVM_KIND_PROT: return prot_names;
	case NTVM_KIND_STATE: return state_names;
	case NTVM_KIND_REGION_TYPE: return region_type_names;
	case NTVM_KIND_SEC_ATTR: return sec_attr_names;
	case NTVM_KIND_ACCESS: return access_names;
	case NTVM_KIND_INHERIT: return inherit_names;
	default: return NULL;
	}
}

static int table_lookup(const struct name_entry *tab, const char *name, size_t len,
                        uint32_t *value)
{
	for (size_t i = 0; tab && tab[i].name; i++) {
		if (strlen(tab[i].name) == len && memcmp(tab[i].name, name, len) == 0) {
			*value = tab[i].value;
			return 0;
		}
	}
	return -1;
}

int ntvm_trace_flag_from_name(enum ntvm_trace_kind kind, const char *name, size_t len,
                              uint32_t *value)
{
	switch (kind) {
	case NTVM_KIND_PROT:
		if (table_lookup(prot_names, name, len, value) == 0)
			return 0;
		return table_lookup(prot_aliases, name, len, value);
	case NTVM_KIND_MEM_TYPE:
	case NTVM_KIND_STATE:
	case NTVM_KIND_REGION_TYPE:
		if (table_lookup(mem_type_names, name, len, value) == 0)
			return 0;
		return table_lookup(mem_aliases, name, len, value);
	case NTVM_KIND_SEC_ATTR:
	case NTVM_KIND_ACCESS:
	case NTVM_KIND_INHERIT:
		return table_lookup(write_table(kind), name, len, value);
	default:
		return -1;
	}
}

const char *ntvm_trace_flag_entry(enum ntvm_trace_kind kind, size_t i, uint32_t *value)
{
	const struct name_entry *tab = write_table(kind);
	size_t n = 0;

	while (tab && tab[n].name)
		n++;
	if (i >= n)
		return NULL;
	if (value)
		*value = tab[i].value;
	return tab[i].name;
}

int ntvm_trace_format_flags(enum ntvm_trace_kind kind, uint32_t value, char *buf, size_t cap)
{
	struct trace_buf b;
	int n;

	trace_buf_init_fixed(&b, buf, cap);
	trace_buf_flags(&b, kind, value);
	n = (int)b.len;
	trace_buf_finish_fixed(&b);
	return n;
}

void trace_buf_flags(struct trace_buf *b, enum ntvm_trace_kind kind, uint32_t value)
{
	const struct name_entry *tab = write_table(kind);
	uint32_t rest = value;
	int first = 1;

	if (value == 0) {
		trace_buf_puts(b, "0");
		return;
	}
	for (size_t i = 0; tab && tab[i].name; i++) {
		if ((rest & tab[i].value) != tab[i].value || tab[i].value == 0)
			continue;
		trace_buf_printf(b, "%s%s", first ? "" : "|", tab[i].name);
		rest &= ~tab[i].value;
		first = 0;
	}
	if (rest)
		trace_buf_printf(b, "%s0x%x", first ? "" : "|", (unsigned)rest);
}

const char *ntvm_trace_status_name(uint32_t status)
{
	for (size_t i = 0; status_names[i].name; i++)
		if (status_names[i].value == status)
			return status_names[i].name;
	return NULL;
}

int ntvm_trace_status_from_name(const char *name, size_t len, uint32_t *value)
{
	return table_lookup(status_names, name, len, value);
}

const char *ntvm_trace_status_entry(size_t i, uint32_t *value)
{
	size_t n = 0;

	while (status_names[n].name)
		n++;
	if (i >= n)
		return NULL;
	if (value)
		*value = status_names[i].value;
	return status_names[i].name;
}
