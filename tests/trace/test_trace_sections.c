/*
 * test_trace_sections.c -- the section extension of the trace format
 * (docs/trace-format.md, "Sections"): section/map/unmap/extend/close parse
 * into the right fields, %n handle bindings and $n bindings of maps, `-`
 * for NULL pointers and files, pe: files kept in canonical form, the writer
 * giving the canonical text back, every error with its line, column and
 * reason, and ntvm_trace_stmt_check's rules for statements built in memory.
 */
#include <stdlib.h>
#include <string.h>

#include "ntvm/ntdefs.h"
#include "test.h"
#include "trace.h"

#define H "ntvm-trace 1\nsource wine-8.0 x86_64\narena 0x0000100000000000 0x1000000\n"

static struct ntvm_trace *parse_ok(const char *text)
{
	struct ntvm_trace *t = NULL;
	struct ntvm_trace_error err;

	if (ntvm_trace_parse(text, strlen(text), "s.trace", &t, &err) != 0) {
		fprintf(stderr, "  unexpected error %u:%u: %s\n", (unsigned)err.line,
		        (unsigned)err.column, err.reason);
		test_failed_checks++;
	}
	return t;
}

/* The canonical text of a recording: written back byte for byte. */
static const char recording[] =
	H
	"section 0x20000 PAGE_READWRITE SEC_COMMIT - => STATUS_SUCCESS %1\n"
	"map %1 A 0x0 0x0 0x0 0x20000 ViewShare 0 PAGE_READWRITE => STATUS_SUCCESS A 0x0 0x20000\n"
	"map %1 0x0 0x0 0x0 - 0x0 ViewUnmap MEM_TOP_DOWN PAGE_READONLY => STATUS_SUCCESS $1 - 0x20000\n"
	"write A+0x10 4 0x5a => STATUS_SUCCESS\n"
	"read $1+0x10 4 => STATUS_SUCCESS 5a5a5a5a\n"
	"unmap $1+0x1234 => STATUS_SUCCESS\n"
	"extend %1 0x30000 => STATUS_SUCCESS 0x30000\n"
	"close %1 => STATUS_SUCCESS\n"
	"section - PAGE_EXECUTE_WRITECOPY SEC_IMAGE pe:base=0x100000400000;text:rx:0x1000 SECTION_MAP_READ|SECTION_MAP_EXECUTE => STATUS_SUCCESS %2\n"
	"map %2 0x0 0x0 0x0 0x0 0x0 0x3 0 PAGE_READWRITE => STATUS_SUCCESS $2 0x0 0x2000\n"
	"section 0x1000 PAGE_READWRITE SEC_COMMIT - => STATUS_INVALID_PARAMETER\n"
	"section 0x1000 PAGE_READONLY SEC_IMAGE pe:base=0x100000800000;machine=0x14c => STATUS_IMAGE_MACHINE_TYPE_MISMATCH %3\n"
	"close 0x0 => STATUS_INVALID_HANDLE\n"
	"map 0x1234 A 0x0 0x0 0x0 0x0 ViewShare 0 PAGE_READWRITE => STATUS_INVALID_HANDLE A 0x0 0x0\n";

TEST(section_recording_fields)
{
	struct ntvm_trace *t = parse_ok(recording);
	const struct ntvm_trace_stmt *s;

	if (!t)
		return;
	CHECK_EQ_U64(t->nstmts, 14);
	CHECK_EQ_U64(t->nhandles, 3);
	CHECK_EQ_U64(t->nbinds, 2);
	s = &t->stmts[0];
	CHECK(s->op == NTVM_OP_SECTION && s->nargs == 4 && s->nres == 2);
	CHECK_EQ_U64(s->args[NTVM_ARG_SEC_SIZE].v, 0x20000);
	CHECK(s->args[NTVM_ARG_SEC_FILE].form == NTVM_FORM_NULL && s->file == NULL);
	CHECK_EQ_U64(s->args[NTVM_ARG_SEC_ATTRS].v, NTVM_SEC_COMMIT);
	CHECK(s->res[NTVM_RES_SEC_HANDLE].form == NTVM_FORM_HANDLE);
	CHECK_EQ_U64(s->binds_handle, 1);
	s = &t->stmts[1];
	CHECK(s->op == NTVM_OP_MAP && s->nargs == 9 && s->binds == 0);
	CHECK(s->args[NTVM_ARG_MAP_SECTION].form == NTVM_FORM_HANDLE);
	CHECK_EQ_U64(s->args[NTVM_ARG_MAP_SECTION].bind, 1);
	CHECK_EQ_U64(s->args[NTVM_ARG_MAP_INHERIT].v, NTVM_VIEW_SHARE);
	s = &t->stmts[2];
	CHECK_EQ_U64(s->binds, 1);
	CHECK(s->args[NTVM_ARG_MAP_OFFSET].form == NTVM_FORM_NULL);
	CHECK(s->res[NTVM_RES_MAP_OFFSET].form == NTVM_FORM_NULL);
	CHECK_EQ_U64(s->args[NTVM_ARG_MAP_TYPE].v, NTVM_MEM_TOP_DOWN);
	s = &t->stmts[8];
	CHECK(s->nargs == 5 && s->file && strcmp(s->file, "base=0x100000400000;text:rx:0x1000") == 0);
	CHECK_EQ_U64(s->args[NTVM_ARG_SEC_ACCESS].v, NTVM_SECTION_MAP_READ | NTVM_SECTION_MAP_EXECUTE);
	CHECK(s->args[NTVM_ARG_SEC_SIZE].form == NTVM_FORM_NULL);
	CHECK_EQ_U64(t->stmts[9].binds, 2);
	CHECK_EQ_U64(t->stmts[10].binds_handle, 0);
	CHECK_EQ_U64(t->stmts[10].nres, 1);
	CHECK_EQ_U64(t->stmts[11].binds_handle, 3);
	CHECK(t->stmts[12].args[0].form == NTVM_FORM_ABS && t->stmts[12].args[0].v == 0);
	ntvm_trace_free(t);
}

TEST(section_recording_writes_back_identically)
{
	struct ntvm_trace *t = parse_ok(recording);
	size_t len = 0;
	char *text;

	if (!t)
		return;
	text = ntvm_trace_write_string(t, &len);
	CHECK(text && strcmp(text, recording) == 0);
	if (text && strcmp(text, recording) != 0)
		fprintf(stderr, "%s", text);
	free(text);
	ntvm_trace_free(t);
}

TEST(pe_descriptions_become_canonical)
{
	const char *text = H "section - 2 SEC_IMAGE pe:align=0x1000;text:xr:4096,d:wr:8192:0\n";
	struct ntvm_trace *t = parse_ok(text);
	char *out;

	if (!t)
		return;
	CHECK(strcmp(t->stmts[0].file, "base=0x140000000;text:rx:0x1000,d:rw:0x2000:0x0") == 0);
	out = ntvm_trace_write_string(t, NULL);
	CHECK(out && strstr(out, "section - PAGE_READONLY SEC_IMAGE "
	                         "pe:base=0x140000000;text:rx:0x1000,d:rw:0x2000:0x0\n"));
	free(out);
	ntvm_trace_free(t);
}

TEST(script_lines_reserve_numbers)
{
	const char *text = H "section 0x1000 4 SEC_COMMIT -\n"
	                     "map %1 0 0 0 0 0 1 0 4\n"
	                     "section 0x1000 4 SEC_COMMIT -\n"
	                     "map %2 0 0 0 0 0 1 0 4\n"
	                     "query $2\nclose %2\nclose %1\n";
	struct ntvm_trace *t = parse_ok(text);

	if (!t)
		return;
	CHECK_EQ_U64(t->stmts[0].binds_handle, 1);
	CHECK_EQ_U64(t->stmts[1].binds, 1);
	CHECK_EQ_U64(t->stmts[2].binds_handle, 2);
	CHECK_EQ_U64(t->stmts[3].binds, 2);
	CHECK_EQ_U64(t->nhandles, 2);
	ntvm_trace_strip_results(t);
	CHECK_EQ_U64(t->stmts[2].binds_handle, 2);
	ntvm_trace_free(t);
}

struct err_case {
	const char *text;
	uint32_t line, col;
	const char *reason;
};

#define S "section 0x1000 PAGE_READWRITE SEC_COMMIT - => STATUS_SUCCESS %1\n"

static const struct err_case cases[] = {
	{ H "section 0x1000 4 SEC_COMMIT\n", 4, 1, "section takes 4 or 5 arguments, got 3" },
	{ H "section 0x1000 4 SEC_COMMIT - 1 2\n", 4, 33, "section takes 4 or 5 arguments, got 6" },
	{ H "map %1 A 0 0 0 0 1 0\n", 4, 1, "map takes 9 arguments, got 8" },
	{ H "unmap\n", 4, 1, "unmap takes 1 argument, got 0" },
	{ H "extend 0x4\n", 4, 1, "extend takes 2 arguments, got 1" },
	{ H "close 4 4\n", 4, 9, "close takes 1 argument, got 2" },
	{ H "section 0x1000 4 MEM_COMMIT -\n", 4, 18, "'MEM_COMMIT' is not a SEC_* flag" },
	{ H "section 0x1000 SEC_COMMIT SEC_COMMIT -\n", 4, 16, "'SEC_COMMIT' is not a PAGE_* flag" },
	{ H "section 0x1000 4 SEC_COMMIT - SEC_COMMIT\n", 4, 31, "is not a SECTION_* access flag" },
	{ H "section 0x1000 4 SEC_COMMIT - SECTION_FOO\n", 4, 31, "unknown flag name 'SECTION_FOO'" },
	{ H "section -1 4 SEC_COMMIT -\n", 4, 9, "bad number '-1'" },
	{ H "section 0x1000 4 SEC_COMMIT file.dll\n", 4, 29, "bad FILE 'file.dll' (expected - or pe:DESC)" },
	{ H "section - 4 SEC_IMAGE pe:text:q:0x10\n", 4, 26, "bad PE description: section protection" },
	{ H "section - 4 SEC_IMAGE pe:base=0x1234\n", 4, 26, "bad PE description: base: a multiple of 64 KiB" },
	{ H "section - 4 SEC_IMAGE pe:a:r:0x10000000,b:r:1\n", 4, 26, "256 MiB" },
	{ H "section 0x1000 4 SEC_COMMIT - => STATUS_SUCCESS\n", 4, 34, "a successful section needs all results" },
	{ H "section 0x1000 4 SEC_COMMIT - => STATUS_NO_MEMORY %1\n", 4, 51, "a failed section has only its STATUS" },
	{ H "section 0x1000 4 SEC_COMMIT - => STATUS_SUCCESS %2\n", 4, 49, "%2 is not bound yet" },
	{ H "section 0x1000 4 SEC_COMMIT - => STATUS_SUCCESS 0x4\n", 4, 49, "the next handle, %1" },
	{ H "section 0x1000 4 SEC_COMMIT - => STATUS_SUCCESS *\n", 4, 49, "the next handle, %1" },
	{ H "section 0x1000 4 SEC_COMMIT - => STATUS_SUCCESS %1 %2\n", 4, 52, "section has results" },
	{ H "close %1\n", 4, 7, "%1 is not bound yet (bound so far: 0 handles)" },
	{ H S "close %2\n", 5, 7, "%2 is not bound yet (bound so far: 1 handle)" },
	{ H S "close %0\n", 5, 7, "bad handle '%0'" },
	{ H S "close %1x\n", 5, 7, "bad handle '%1x'" },
	{ H S "close %\n", 5, 7, "bad handle '%'" },
	{ H S "close $1\n", 5, 7, "bad handle '$1' (expected %n or a number)" },
	{ H S "close A\n", 5, 7, "bad handle 'A'" },
	{ H "section 0x1000 4 SEC_COMMIT - => STATUS_NO_MEMORY\nclose %1\n", 5, 7, "%1 is not bound yet" },
	{ H S "map %1 %1 0 0 0 0 1 0 4\n", 5, 8, "bad address form '%1'" },
	{ H S "map %1 A 0 0 0 0 ViewFoo 0 4\n", 5, 18, "bad INHERIT 'ViewFoo'" },
	{ H S "map %1 A 0 0 0 0 0x100000000 0 4\n", 5, 18, "does not fit in 32 bits" },
	{ H S "map %1 A 0 0 - - 1 0 4\n", 5, 16, "bad number '-'" },
	{ H S "map %1 A 0 0 0 0 1 0 4 => STATUS_SUCCESS A - 0x1000\n", 5, 44, "'-' exactly when its OFFSET argument is" },
	{ H S "map %1 A 0 0 - 0 1 0 4 => STATUS_SUCCESS A 0x0 0x1000\n", 5, 44, "'-' exactly when its OFFSET argument is" },
	{ H S "map %1 A 0 0 0 0 1 0 4 => STATUS_SUCCESS A 0x0\n", 5, 24, "map has results STATUS BASE OFFSET SIZE" },
	{ H S "map %1 A 0 0 0 0 1 0 4 => STATUS_SUCCESS $1 0x0 0x1000\n", 5, 42, "only an alloc or map with ADDR 0 binds" },
	{ H S "map %1 0 0 0 0 0 1 0 4 => STATUS_SUCCESS $1+0x10 0 0x1000\n", 5, 42, "without offset" },
	{ H "unmap %1\n", 4, 7, "bad address form '%1'" },
	{ H "unmap A => STATUS_SUCCESS A\n", 4, 27, "unmap has results STATUS; got 2 fields" },
	{ H "extend 4 - => STATUS_SUCCESS 0\n", 4, 10, "bad number '-'" },
	{ H "extend 4 1 => STATUS_SUCCESS\n", 4, 12, "extend has results STATUS SIZE; got 1 field" },
	{ H "close 4 => STATUS_SUCCESS %1\n", 4, 27, "close has results STATUS; got 2 fields" },
};

static void check_case(const struct err_case *c)
{
	struct ntvm_trace *t = NULL;
	struct ntvm_trace_error err;
	int rc = ntvm_trace_parse(c->text, strlen(c->text), "case.trace", &t, &err);

	CHECK(rc == -1 && t == NULL);
	if (rc != -1) {
		ntvm_trace_free(t);
		fprintf(stderr, "  accepted: %s\n", c->text);
		return;
	}
	if (err.line != c->line || err.column != c->col || !strstr(err.reason, c->reason)) {
		fprintf(stderr, "  case: %s\n  want %u:%u: %s\n  got  %u:%u: %s\n", c->text,
		        (unsigned)c->line, (unsigned)c->col, c->reason, (unsigned)err.line,
		        (unsigned)err.column, err.reason);
		test_failed_checks++;
	}
}

TEST(every_section_error_case)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_case(&cases[i]);
}

static struct ntvm_trace_stmt section_stmt(void)
{
	struct ntvm_trace_stmt s;

	memset(&s, 0, sizeof s);
	s.op = NTVM_OP_SECTION;
	s.nargs = 4;
	s.args[NTVM_ARG_SEC_SIZE].v = 0x1000;
	s.args[NTVM_ARG_SEC_PROT].v = NTVM_PAGE_READWRITE;
	s.args[NTVM_ARG_SEC_ATTRS].v = NTVM_SEC_COMMIT;
	s.args[NTVM_ARG_SEC_FILE].form = NTVM_FORM_NULL;
	s.has_results = 1;
	s.nres = 2;
	s.res[NTVM_RES_SEC_HANDLE].form = NTVM_FORM_HANDLE;
	s.res[NTVM_RES_SEC_HANDLE].bind = 1;
	s.binds_handle = 1;
	return s;
}

TEST(stmt_check_section_rules)
{
	struct ntvm_trace *t = ntvm_trace_new(NULL, "wine-8.0 x86_64", 0x100000000000ull, 0x1000000);
	struct ntvm_trace_stmt s = section_stmt();
	char why[200], pe[] = "base=0x140000000;t:rx:0x1000", odd[] = "t:rx:0x1000";
	char *out;

	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == 0);
	s.binds_handle = 2;
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == -1 && strstr(why, "its own new %n"));
	s = section_stmt();
	s.res[NTVM_RES_STATUS].v = NTVM_STATUS_NO_MEMORY;
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == -1 && strstr(why, "exactly when it succeeded"));
	s = section_stmt();
	s.file = pe;
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == -1 && strstr(why, "'-' exactly when"));
	s.args[NTVM_ARG_SEC_FILE].form = NTVM_FORM_ABS;
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == 0);
	s.file = odd;
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == -1 && strstr(why, "canonical"));
	s.file = pe;
	s.args[NTVM_ARG_SEC_SIZE].form = NTVM_FORM_ARENA;
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == -1 && strstr(why, "not an address"));
	s.args[NTVM_ARG_SEC_SIZE].form = NTVM_FORM_NULL;
	s.args[NTVM_ARG_SEC_PROT].form = NTVM_FORM_NULL;
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == -1 && strstr(why, "not a pointer"));
	s.args[NTVM_ARG_SEC_PROT].form = NTVM_FORM_ABS;
	CHECK(ntvm_trace_append(t, &s) == 0);
	CHECK_EQ_U64(t->nhandles, 1);
	s = section_stmt();
	s.op = NTVM_OP_CLOSE;
	s.nargs = 1;
	s.nres = 1;
	s.binds_handle = 0;
	s.args[0].form = NTVM_FORM_HANDLE;
	s.args[0].bind = 0;
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == -1 && strstr(why, "%0"));
	s.args[0].bind = 1;
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == 0);
	s.file = pe;
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == -1 && strstr(why, "other than section"));
	s.file = NULL;
	CHECK(ntvm_trace_append(t, &s) == 0);
	out = ntvm_trace_write_string(t, NULL);
	CHECK(out && strstr(out, "section - PAGE_READWRITE SEC_COMMIT pe:base=0x140000000;t:rx:0x1000 "
	                         "=> STATUS_SUCCESS %1\nclose %1 => STATUS_SUCCESS\n"));
	free(out);
	ntvm_trace_free(t);
}

TEST(env_handles)
{
	struct ntvm_trace_env env;
	struct ntvm_trace_val v = { 0, NTVM_FORM_HANDLE, 1, 0 };
	uint64_t out = 0;

	ntvm_trace_env_init(&env, 0x100000000000ull, 0x10000);
	CHECK(ntvm_trace_env_resolve(&env, &v, &out) == -1);
	for (int i = 0; i < 40; i++)
		CHECK_EQ_U64(ntvm_trace_env_bind_handle(&env, 0x100 + 4 * (uint64_t)i), (uint64_t)i + 1);
	v.bind = 33;
	CHECK(ntvm_trace_env_resolve(&env, &v, &out) == 0);
	CHECK_EQ_U64(out, 0x180);
	v.bind = 41;
	CHECK(ntvm_trace_env_resolve(&env, &v, &out) == -1);
	v.form = NTVM_FORM_NULL;
	CHECK(ntvm_trace_env_resolve(&env, &v, &out) == -1);
	ntvm_trace_env_free(&env);
	CHECK(env.handles == NULL && env.nhandles == 0);
}

TEST(op_shapes_of_sections)
{
	CHECK(ntvm_trace_op_from_name("section", 7) == NTVM_OP_SECTION);
	CHECK(ntvm_trace_op_from_name("map", 3) == NTVM_OP_MAP);
	CHECK(ntvm_trace_op_from_name("unmap", 5) == NTVM_OP_UNMAP);
	CHECK(ntvm_trace_op_from_name("extend", 6) == NTVM_OP_EXTEND);
	CHECK(ntvm_trace_op_from_name("close", 5) == NTVM_OP_CLOSE);
	CHECK(ntvm_trace_op_max_args(NTVM_OP_MAP) == NTVM_TRACE_MAX_ARGS);
	CHECK(ntvm_trace_arg_kind(NTVM_OP_SECTION, NTVM_ARG_SEC_FILE) == NTVM_KIND_FILE);
	CHECK(ntvm_trace_res_kind(NTVM_OP_MAP, NTVM_RES_MAP_OFFSET) == NTVM_KIND_OPT_SIZE);
	CHECK(ntvm_trace_op_results(NTVM_OP_SECTION) == 2);
}

TEST_MAIN(TEST_CASE(section_recording_fields), TEST_CASE(section_recording_writes_back_identically),
          TEST_CASE(pe_descriptions_become_canonical), TEST_CASE(script_lines_reserve_numbers),
          TEST_CASE(every_section_error_case), TEST_CASE(stmt_check_section_rules),
          TEST_CASE(env_handles), TEST_CASE(op_shapes_of_sections))
