/*
 * test_trace_names.c -- the name tables are complete and consistent: every
 * PAGE_*, MEM_* and STATUS_* constant of ntdefs.h has its name in both
 * directions, every table entry reads back to its value, values format as
 * names plus one hex number for unknown bits, and names of the wrong family
 * are refused.
 */
#include <string.h>

#include "ntvm/ntdefs.h"
#include "test.h"
#include "trace.h"

struct pair {
	const char *name;
	uint32_t value;
};

#define P(n) { #n, NTVM_##n }

static const struct pair prot[] = {
	P(PAGE_NOACCESS), P(PAGE_READONLY), P(PAGE_READWRITE), P(PAGE_WRITECOPY),
	P(PAGE_EXECUTE), P(PAGE_EXECUTE_READ), P(PAGE_EXECUTE_READWRITE),
	P(PAGE_EXECUTE_WRITECOPY), P(PAGE_GUARD), P(PAGE_NOCACHE), P(PAGE_WRITECOMBINE),
};

static const struct pair mem[] = {
	P(MEM_COMMIT), P(MEM_RESERVE), P(MEM_DECOMMIT), P(MEM_RELEASE), P(MEM_FREE),
	P(MEM_PRIVATE), P(MEM_MAPPED), P(MEM_RESET), P(MEM_TOP_DOWN), P(MEM_WRITE_WATCH),
	P(MEM_PHYSICAL), P(MEM_ROTATE), P(MEM_RESET_UNDO), P(MEM_LARGE_PAGES), P(MEM_4MB_PAGES),
	P(MEM_IMAGE), P(MEM_COALESCE_PLACEHOLDERS), P(MEM_PRESERVE_PLACEHOLDER),
	P(MEM_REPLACE_PLACEHOLDER), P(MEM_RESERVE_PLACEHOLDER), P(AT_ROUND_TO_PAGE),
};

static const struct pair status[] = {
	P(STATUS_SUCCESS), P(STATUS_GUARD_PAGE_VIOLATION), P(STATUS_INFO_LENGTH_MISMATCH),
	P(STATUS_ACCESS_VIOLATION), P(STATUS_INVALID_HANDLE), P(STATUS_INVALID_PARAMETER),
	P(STATUS_NO_MEMORY), P(STATUS_CONFLICTING_ADDRESSES), P(STATUS_NOT_MAPPED_VIEW),
	P(STATUS_UNABLE_TO_FREE_VM), P(STATUS_UNABLE_TO_DELETE_SECTION),
	P(STATUS_ALREADY_COMMITTED), P(STATUS_NOT_COMMITTED), P(STATUS_INVALID_PAGE_PROTECTION),
	P(STATUS_FREE_VM_NOT_AT_BASE), P(STATUS_MEMORY_NOT_ALLOCATED),
	P(STATUS_INVALID_PARAMETER_1), P(STATUS_INVALID_PARAMETER_2),
	P(STATUS_INVALID_PARAMETER_3), P(STATUS_INVALID_PARAMETER_4),
	P(STATUS_INVALID_PARAMETER_5), P(STATUS_INVALID_PARAMETER_6), P(STATUS_INVALID_ADDRESS),
	P(STATUS_INVALID_INFO_CLASS), P(STATUS_IMAGE_NOT_AT_BASE),
	P(STATUS_IMAGE_MACHINE_TYPE_MISMATCH), P(STATUS_INVALID_VIEW_SIZE),
	P(STATUS_INVALID_FILE_FOR_SECTION), P(STATUS_ACCESS_DENIED), P(STATUS_OBJECT_TYPE_MISMATCH),
	P(STATUS_SECTION_TOO_BIG), P(STATUS_SECTION_PROTECTION), P(STATUS_INVALID_IMAGE_FORMAT),
	P(STATUS_INSUFFICIENT_RESOURCES), P(STATUS_NOT_SUPPORTED), P(STATUS_INVALID_PARAMETER_7),
	P(STATUS_INVALID_PARAMETER_8), P(STATUS_INVALID_PARAMETER_9), P(STATUS_INVALID_PARAMETER_10),
	P(STATUS_INVALID_IMAGE_NOT_MZ), P(STATUS_INVALID_IMAGE_PROTECT), P(STATUS_MAPPED_ALIGNMENT),
	{ "STATUS_SECTION_NOT_EXTENDED", 0xC0000087u }, { "STATUS_MAPPED_FILE_SIZE_ZERO", 0xC000011Eu },
};

static const struct pair sec_attr[] = {
	P(SEC_FILE), P(SEC_IMAGE), P(SEC_RESERVE), P(SEC_COMMIT), P(SEC_NOCACHE),
	P(SEC_WRITECOMBINE), P(SEC_LARGE_PAGES),
};

static const struct pair access[] = {
	P(SECTION_QUERY), P(SECTION_MAP_WRITE), P(SECTION_MAP_READ), P(SECTION_MAP_EXECUTE),
	P(SECTION_EXTEND_SIZE), P(SECTION_ALL_ACCESS), { "DELETE", 0x10000 },
	{ "READ_CONTROL", 0x20000 }, { "WRITE_DAC", 0x40000 }, { "WRITE_OWNER", 0x80000 },
	{ "SYNCHRONIZE", 0x100000 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

TEST(every_prot_constant_both_ways)
{
	char buf[64];

	for (size_t i = 0; i < N(prot); i++) {
		uint32_t v = 0;
		CHECK(ntvm_trace_flag_from_name(NTVM_KIND_PROT, prot[i].name, strlen(prot[i].name), &v) == 0);
		CHECK_EQ_U64(v, prot[i].value);
		ntvm_trace_format_flags(NTVM_KIND_PROT, prot[i].value, buf, sizeof buf);
		CHECK(strcmp(buf, prot[i].name) == 0);
	}
}

TEST(every_mem_constant_reads_in_every_mem_field)
{
	static const enum ntvm_trace_kind kinds[] = { NTVM_KIND_MEM_TYPE, NTVM_KIND_STATE,
	                                              NTVM_KIND_REGION_TYPE };
	for (size_t k = 0; k < N(kinds); k++) {
		for (size_t i = 0; i < N(mem); i++) {
			uint32_t v = 0;
			CHECK(ntvm_trace_flag_from_name(kinds[k], mem[i].name, strlen(mem[i].name), &v) == 0);
			CHECK_EQ_U64(v, mem[i].value);
		}
		CHECK(ntvm_trace_flag_from_name(kinds[k], "PAGE_READWRITE", 14, &(uint32_t){ 0 }) == -1);
	}
	CHECK(ntvm_trace_flag_from_name(NTVM_KIND_PROT, "MEM_COMMIT", 10, &(uint32_t){ 0 }) == -1);
	CHECK(ntvm_trace_flag_from_name(NTVM_KIND_STATUS, "MEM_COMMIT", 10, &(uint32_t){ 0 }) == -1);
}

TEST(section_names_both_ways)
{
	char buf[160];

	for (size_t i = 0; i < N(sec_attr); i++) {
		uint32_t v = 0;
		CHECK(ntvm_trace_flag_from_name(NTVM_KIND_SEC_ATTR, sec_attr[i].name,
		                                strlen(sec_attr[i].name), &v) == 0);
		CHECK_EQ_U64(v, sec_attr[i].value);
		ntvm_trace_format_flags(NTVM_KIND_SEC_ATTR, v, buf, sizeof buf);
		CHECK(strcmp(buf, sec_attr[i].name) == 0);
	}
	for (size_t i = 0; i < N(access); i++) {
		uint32_t v = 0;
		CHECK(ntvm_trace_flag_from_name(NTVM_KIND_ACCESS, access[i].name,
		                                strlen(access[i].name), &v) == 0);
		CHECK_EQ_U64(v, access[i].value);
		ntvm_trace_format_flags(NTVM_KIND_ACCESS, v, buf, sizeof buf);
		CHECK(strcmp(buf, access[i].name) == 0);
	}
	ntvm_trace_format_flags(NTVM_KIND_ACCESS, 0xf001f | 0x100000, buf, sizeof buf);
	CHECK(strcmp(buf, "SECTION_ALL_ACCESS|SYNCHRONIZE") == 0);
	ntvm_trace_format_flags(NTVM_KIND_ACCESS, 0xf001e, buf, sizeof buf);
	CHECK(strcmp(buf, "SECTION_MAP_WRITE|SECTION_MAP_READ|SECTION_MAP_EXECUTE|"
	                  "SECTION_EXTEND_SIZE|DELETE|READ_CONTROL|WRITE_DAC|WRITE_OWNER") == 0);
	ntvm_trace_format_flags(NTVM_KIND_SEC_ATTR, 0x08000001, buf, sizeof buf);
	CHECK(strcmp(buf, "SEC_COMMIT|0x1") == 0);
	CHECK(ntvm_trace_flag_from_name(NTVM_KIND_SEC_ATTR, "MEM_COMMIT", 10, &(uint32_t){ 0 }) == -1);
	CHECK(ntvm_trace_flag_from_name(NTVM_KIND_ACCESS, "SEC_COMMIT", 10, &(uint32_t){ 0 }) == -1);
	CHECK(ntvm_trace_flag_from_name(NTVM_KIND_PROT, "SEC_IMAGE", 9, &(uint32_t){ 0 }) == -1);
	CHECK(ntvm_trace_flag_from_name(NTVM_KIND_INHERIT, "ViewShare", 9, &(uint32_t){ 0 }) == 0);
}

TEST(every_status_constant_both_ways)
{
	size_t n = 0;

	for (size_t i = 0; i < N(status); i++) {
		uint32_t v = 1;
		const char *name = ntvm_trace_status_name(status[i].value);
		CHECK(name && strcmp(name, status[i].name) == 0);
		CHECK(ntvm_trace_status_from_name(status[i].name, strlen(status[i].name), &v) == 0);
		CHECK_EQ_U64(v, status[i].value);
	}
	while (ntvm_trace_status_entry(n, NULL))
		n++;
	CHECK_EQ_U64(n, N(status));
	CHECK(ntvm_trace_status_name(0xc0000999) == NULL);
	CHECK(ntvm_trace_status_from_name("STATUS_SUCCES", 13, &(uint32_t){ 0 }) == -1);
}

/* Every writing-table entry is one distinct bit that reads back to itself. */
TEST(writing_tables_are_single_distinct_bits)
{
	static const enum ntvm_trace_kind kinds[] = { NTVM_KIND_MEM_TYPE, NTVM_KIND_PROT,
	                                              NTVM_KIND_STATE, NTVM_KIND_REGION_TYPE };
	for (size_t k = 0; k < N(kinds); k++) {
		uint32_t seen = 0, v;
		const char *name;
		char buf[64];
		for (size_t i = 0; (name = ntvm_trace_flag_entry(kinds[k], i, &v)) != NULL; i++) {
			uint32_t back = 0;
			CHECK(v != 0 && (v & (v - 1)) == 0);
			CHECK((seen & v) == 0);
			seen |= v;
			CHECK(ntvm_trace_flag_from_name(kinds[k], name, strlen(name), &back) == 0);
			CHECK_EQ_U64(back, v);
			ntvm_trace_format_flags(kinds[k], v, buf, sizeof buf);
			CHECK(strcmp(buf, name) == 0);
		}
		CHECK(seen != 0);
	}
	CHECK(ntvm_trace_flag_entry(NTVM_KIND_SIZE, 0, NULL) == NULL);
}

TEST(format_flags_names_then_hex)
{
	char buf[128];
	int n;

	ntvm_trace_format_flags(NTVM_KIND_PROT, 0, buf, sizeof buf);
	CHECK(strcmp(buf, "0") == 0);
	ntvm_trace_format_flags(NTVM_KIND_PROT, 0x104, buf, sizeof buf);
	CHECK(strcmp(buf, "PAGE_READWRITE|PAGE_GUARD") == 0);
	ntvm_trace_format_flags(NTVM_KIND_PROT, 0x0800f014, buf, sizeof buf);
	CHECK(strcmp(buf, "PAGE_READWRITE|PAGE_EXECUTE|0x800f000") == 0);
	ntvm_trace_format_flags(NTVM_KIND_MEM_TYPE, 0x3000 | 0x100000, buf, sizeof buf);
	CHECK(strcmp(buf, "MEM_COMMIT|MEM_RESERVE|MEM_TOP_DOWN") == 0);
	ntvm_trace_format_flags(NTVM_KIND_STATE, 0x11000, buf, sizeof buf);
	CHECK(strcmp(buf, "MEM_COMMIT|MEM_FREE") == 0);
	ntvm_trace_format_flags(NTVM_KIND_STATE, 0x8000, buf, sizeof buf);
	CHECK(strcmp(buf, "0x8000") == 0);
	ntvm_trace_format_flags(NTVM_KIND_REGION_TYPE, NTVM_MEM_IMAGE, buf, sizeof buf);
	CHECK(strcmp(buf, "MEM_IMAGE") == 0);
	ntvm_trace_format_flags(NTVM_KIND_MEM_TYPE, NTVM_MEM_RESET_UNDO, buf, sizeof buf);
	CHECK(strcmp(buf, "MEM_RESET_UNDO") == 0);
	n = ntvm_trace_format_flags(NTVM_KIND_MEM_TYPE, 0xffffffff, buf, 4);
	CHECK_EQ_U64(strlen(buf), 3);
	CHECK(n > 100);
}

TEST_MAIN(TEST_CASE(every_prot_constant_both_ways), TEST_CASE(every_mem_constant_reads_in_every_mem_field),
          TEST_CASE(every_status_constant_both_ways), TEST_CASE(writing_tables_are_single_distinct_bits),
          TEST_CASE(format_flags_names_then_hex), TEST_CASE(section_names_both_ways))
