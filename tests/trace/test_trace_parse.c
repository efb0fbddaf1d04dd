/*
 * test_trace_parse.c -- what the parser builds from valid traces: header
 * fields and extra keys in order, every op's arguments and results with
 * their forms, wildcards, $n bindings, comments kept with their lines, and
 * the lexical allowances (CRLF, tabs, no final newline, any-case hex).
 */
#include <stdlib.h>
#include <string.h>

#include "ntvm/ntdefs.h"
#include "test.h"
#include "trace.h"

static struct ntvm_trace *parse_ok(const char *text)
{
	struct ntvm_trace *t = NULL;
	struct ntvm_trace_error err;

	if (ntvm_trace_parse(text, strlen(text), "t.trace", &t, &err) != 0) {
		fprintf(stderr, "  unexpected error %u:%u: %s\n", (unsigned)err.line,
		        (unsigned)err.column, err.reason);
		test_failed_checks++;
	}
	return t;
}

static const char example[] =
	"ntvm-trace 1\n"
	"source wine-8.0 x86_64\n"
	"arena 0x0000100000000000 0x1000000\n"
	"title commit inside a reservation rounds to pages\n"
	"alloc A 0x20000 MEM_RESERVE PAGE_READWRITE => STATUS_SUCCESS A 0x20000\n"
	"alloc A+0x1234 0x10 MEM_COMMIT PAGE_READONLY => STATUS_SUCCESS A+0x1000 0x1000\n"
	"query A => STATUS_SUCCESS A A PAGE_READWRITE 0x1000 MEM_RESERVE 0 MEM_PRIVATE\n"
	"query A+0x1000 => STATUS_SUCCESS A+0x1000 A PAGE_READWRITE 0x1000 MEM_COMMIT PAGE_READONLY MEM_PRIVATE\n"
	"read A+0x1000 4 => STATUS_SUCCESS 00000000\n"
	"write A+0x1000 1 0xab => STATUS_ACCESS_VIOLATION\n"
	"free A 0 MEM_RELEASE => STATUS_SUCCESS A 0x20000\n"
	"query A => STATUS_SUCCESS A 0x0 0 0x1000000 MEM_FREE PAGE_NOACCESS 0\n";

TEST(spec_example)
{
	struct ntvm_trace *t = parse_ok(example);
	const struct ntvm_trace_stmt *s;

	if (!t)
		return;
	CHECK_EQ_U64(t->version, 1);
	CHECK(strcmp(t->source, "wine-8.0 x86_64") == 0);
	CHECK_EQ_U64(t->arena_base, 0x100000000000ull);
	CHECK_EQ_U64(t->arena_size, 0x1000000);
	CHECK(t->title && strcmp(t->title, "commit inside a reservation rounds to pages") == 0);
	CHECK(t->origin == NULL);
	CHECK_EQ_U64(t->nstmts, 8);
	s = &t->stmts[1];
	CHECK_EQ_U64(s->op, NTVM_OP_ALLOC);
	CHECK_EQ_U64(s->line, 6);
	CHECK_EQ_U64(s->nargs, 4);
	CHECK_EQ_U64(s->args[0].form, NTVM_FORM_ARENA);
	CHECK_EQ_U64(s->args[0].v, 0x1234);
	CHECK_EQ_U64(s->args[1].v, 0x10);
	CHECK_EQ_U64(s->args[2].v, NTVM_MEM_COMMIT);
	CHECK_EQ_U64(s->args[3].v, NTVM_PAGE_READONLY);
	CHECK(s->has_results);
	CHECK_EQ_U64(s->nres, 3);
	CHECK_EQ_U64(s->res[NTVM_RES_BASE].form, NTVM_FORM_ARENA);
	CHECK_EQ_U64(s->res[NTVM_RES_BASE].v, 0x1000);
	s = &t->stmts[2];
	CHECK_EQ_U64(s->nres, 8);
	CHECK_EQ_U64(s->res[NTVM_RES_Q_STATE].v, NTVM_MEM_RESERVE);
	CHECK_EQ_U64(s->res[NTVM_RES_Q_PROT].v, 0);
	CHECK_EQ_U64(s->res[NTVM_RES_Q_TYPE].v, NTVM_MEM_PRIVATE);
	s = &t->stmts[4];
	CHECK_EQ_U64(s->op, NTVM_OP_READ);
	CHECK_EQ_U64(s->nbytes, 4);
	CHECK_EQ_U64(s->args[NTVM_ARG_LEN].v, 4);
	s = &t->stmts[5];
	CHECK_EQ_U64(s->res[0].v, NTVM_STATUS_ACCESS_VIOLATION);
	CHECK_EQ_U64(s->args[NTVM_ARG_BYTE].v, 0xab);
	s = &t->stmts[7];
	CHECK_EQ_U64(s->res[NTVM_RES_Q_ALLOCBASE].form, NTVM_FORM_ABS);
	CHECK_EQ_U64(s->res[NTVM_RES_Q_ALLOCBASE].v, 0);
	CHECK_EQ_U64(s->res[NTVM_RES_Q_STATE].v, NTVM_MEM_FREE);
	ntvm_trace_free(t);
}

TEST(bindings_and_forms)
{
	struct ntvm_trace *t = parse_ok(
		"ntvm-trace 1\nsource script\narena 0x100000000000 0x1000000\n"
		"alloc 0 0x1000 MEM_COMMIT PAGE_READWRITE\n"
		"alloc 0x0 0x1000 MEM_COMMIT PAGE_READWRITE 0x3 => STATUS_SUCCESS $2 0x1000\n"
		"alloc 0 0x1000 MEM_COMMIT PAGE_READWRITE => STATUS_NO_MEMORY 0x0 0x1000\n"
		"alloc 0 0x1000 MEM_COMMIT PAGE_READWRITE => * * *\n"
		"query $2+0x10 => STATUS_SUCCESS $2 $2 PAGE_READWRITE 0x1000 MEM_COMMIT PAGE_READWRITE MEM_PRIVATE\n"
		"query $1-0x10\n"
		"query A-0x10000\n"
		"free 0x7ffe0000 0 MEM_RELEASE => * $1 *\n");

	if (!t)
		return;
	CHECK_EQ_U64(t->nbinds, 2);
	CHECK_EQ_U64(t->stmts[0].binds, 1);
	CHECK(!t->stmts[0].has_results);
	CHECK_EQ_U64(t->stmts[1].binds, 2);
	CHECK_EQ_U64(t->stmts[1].nargs, 5);
	CHECK_EQ_U64(t->stmts[1].args[NTVM_ARG_ZERO_BITS].v, 3);
	CHECK_EQ_U64(t->stmts[2].binds, 0);
	CHECK_EQ_U64(t->stmts[3].binds, 0);
	CHECK(t->stmts[3].res[0].wild && t->stmts[3].res[1].wild && t->stmts[3].res[2].wild);
	CHECK_EQ_U64(t->stmts[4].args[0].form, NTVM_FORM_BOUND);
	CHECK_EQ_U64(t->stmts[4].args[0].bind, 2);
	CHECK_EQ_U64(t->stmts[4].args[0].v, 0x10);
	CHECK_EQ_U64(t->stmts[5].args[0].bind, 1);
	CHECK_EQ_U64(t->stmts[5].args[0].v, (uint64_t)-0x10);
	CHECK_EQ_U64(t->stmts[6].args[0].form, NTVM_FORM_ARENA);
	CHECK_EQ_U64(t->stmts[6].args[0].v, (uint64_t)-0x10000);
	CHECK_EQ_U64(t->stmts[7].args[0].form, NTVM_FORM_ABS);
	CHECK_EQ_U64(t->stmts[7].args[0].v, 0x7ffe0000);
	CHECK(t->stmts[7].res[0].wild && !t->stmts[7].res[1].wild && t->stmts[7].res[2].wild);
	ntvm_trace_free(t);
}

TEST(flags_mixed_and_aliases)
{
	struct ntvm_trace *t = parse_ok(
		"ntvm-trace 1\nsource script\narena 0x100000000000 0x1000000\n"
		"alloc A 1 MEM_COMMIT|0x10000000|MEM_RESERVE PAGE_READWRITE|PAGE_GUARD|0x800\n"
		"alloc A 1 4096 PAGE_TARGETS_NO_UPDATE|PAGE_EXECUTE\n"
		"free A 1 MEM_REPLACE_PLACEHOLDER|MEM_COALESCE_PLACEHOLDERS\n"
		"query A => 0XC0000005\n"
		"query A => STATUS_SUCCESS A 0 0 0x1000 MEM_FREE 1 MEM_IMAGE|MEM_MAPPED\n");

	if (!t)
		return;
	CHECK_EQ_U64(t->stmts[0].args[2].v, 0x10003000);
	CHECK_EQ_U64(t->stmts[0].args[3].v, 0x904);
	CHECK_EQ_U64(t->stmts[1].args[2].v, 0x1000);
	CHECK_EQ_U64(t->stmts[1].args[3].v, 0x40000010);
	CHECK_EQ_U64(t->stmts[2].args[2].v, 0x4001);
	CHECK_EQ_U64(t->stmts[3].res[0].v, 0xc0000005);
	CHECK_EQ_U64(t->stmts[4].res[NTVM_RES_Q_TYPE].v, 0x1040000);
	ntvm_trace_free(t);
}

TEST(comments_and_header_keys)
{
	struct ntvm_trace *t = parse_ok(
		"# leading\n\n"
		"ntvm-trace 1 # magic\n"
		"source  two  words  \t\n"
		"\t# before arena\n"
		"arena 0x100000000000 0x10000\n"
		"title  a title # c\n"
		"origin virtual.c test_x\n"
		"x-custom-key\n"
		"title second\n"
		"# before stmt\n"
		"query A # trailing   \n"
		"# tail\n");

	if (!t)
		return;
	CHECK(strcmp(t->fixed_pre[NTVM_HDR_MAGIC], "# leading\n\n") == 0);
	CHECK(strcmp(t->fixed_comment[NTVM_HDR_MAGIC], "# magic") == 0);
	CHECK(strcmp(t->source, "two  words") == 0);
	CHECK(strcmp(t->fixed_pre[NTVM_HDR_ARENA], "\t# before arena\n") == 0);
	CHECK_EQ_U64(t->nhdr, 4);
	CHECK(strcmp(t->hdr[0].key, "title") == 0 && strcmp(t->hdr[0].text, "a title") == 0);
	CHECK(strcmp(t->hdr[0].comment, "# c") == 0);
	CHECK(strcmp(t->hdr[2].key, "x-custom-key") == 0 && t->hdr[2].text[0] == '\0');
	CHECK_EQ_U64(t->hdr[3].line, 10);
	CHECK(strcmp(t->title, "a title") == 0);
	CHECK(strcmp(t->origin, "virtual.c test_x") == 0);
	CHECK(strcmp(t->stmts[0].pre, "# before stmt\n") == 0);
	CHECK(strcmp(t->stmts[0].comment, "# trailing") == 0);
	CHECK_EQ_U64(t->stmts[0].line, 12);
	CHECK(strcmp(t->tail, "# tail\n") == 0);
	ntvm_trace_free(t);
}

TEST(lexical_allowances)
{
	struct ntvm_trace *t = parse_ok(
		"ntvm-trace 1\r\nsource s\r\narena 0X100000000000 16777216\r\n"
		"\tread\tA+0XFF \t 64 => STATUS_SUCCESS "
		"ABCDEFabcdef0000000000000000000000000000000000000000000000000000"
		"0000000000000000000000000000000000000000000000000000000000000000\r\n"
		"query 18446744073709551615");

	if (!t)
		return;
	CHECK_EQ_U64(t->arena_size, 0x1000000);
	CHECK_EQ_U64(t->stmts[0].args[0].v, 0xff);
	CHECK_EQ_U64(t->stmts[0].nbytes, 64);
	CHECK_EQ_U64(t->stmts[0].bytes[0], 0xab);
	CHECK_EQ_U64(t->stmts[0].bytes[5], 0xef);
	CHECK_EQ_U64(t->stmts[1].args[0].v, UINT64_MAX);
	CHECK_EQ_U64(t->stmts[1].line, 5);
	ntvm_trace_free(t);
}

TEST(partial_results_of_query_and_read)
{
	struct ntvm_trace *t = parse_ok(
		"ntvm-trace 1\nsource s\narena 0x100000000000 0x10000\n"
		"query 0xffffffffffffffff => STATUS_INVALID_PARAMETER\n"
		"read A 2 => STATUS_ACCESS_VIOLATION\n"
		"read A 2 => * *\n"
		"read A 2 => *\n"
		"query A => *\n");

	if (!t)
		return;
	CHECK_EQ_U64(t->stmts[0].nres, 1);
	CHECK_EQ_U64(t->stmts[1].nres, 1);
	CHECK_EQ_U64(t->stmts[2].nres, 2);
	CHECK_EQ_U64(t->stmts[2].nbytes, 0);
	CHECK(t->stmts[2].res[NTVM_RES_BYTES].wild);
	CHECK_EQ_U64(t->stmts[3].nres, 1);
	CHECK_EQ_U64(t->stmts[4].nres, 1);
	ntvm_trace_free(t);
}

TEST(header_only_is_a_valid_empty_trace)
{
	struct ntvm_trace *t = parse_ok("ntvm-trace 1\nsource s\narena 0x0 0x10000");

	if (!t)
		return;
	CHECK_EQ_U64(t->nstmts, 0);
	CHECK_EQ_U64(t->arena_base, 0);
	ntvm_trace_free(t);
}

/* ADDR 0 binds however it is spelled, so writing A for it keeps the binding. */
TEST(zero_addr_binds_in_any_spelling)
{
	struct ntvm_trace *t = parse_ok(
		"ntvm-trace 1\nsource s\narena 0x0 0x10000\n"
		"alloc A 1 MEM_COMMIT PAGE_READWRITE\n"
		"alloc 0x10000 1 MEM_COMMIT PAGE_READWRITE\n"
		"alloc A-0x10000 1 MEM_COMMIT PAGE_READWRITE\n");
	struct ntvm_trace *u = parse_ok(
		"ntvm-trace 1\nsource s\narena 0x100000000000 0x10000\n"
		"alloc A-0x100000000000 1 MEM_COMMIT PAGE_READWRITE => STATUS_SUCCESS $1 0x1000\n");

	if (t) {
		CHECK_EQ_U64(t->stmts[0].binds, 1);
		CHECK_EQ_U64(t->stmts[1].binds, 0);
		CHECK_EQ_U64(t->stmts[2].binds, 0);
		CHECK_EQ_U64(t->nbinds, 1);
	}
	if (u)
		CHECK_EQ_U64(u->stmts[0].binds, 1);
	ntvm_trace_free(t);
	ntvm_trace_free(u);
}

TEST(many_statements_grow)
{
	size_t n = 5000, cap = 100 + n * 16, len;
	char *text = malloc(cap);
	struct ntvm_trace *t;

	len = (size_t)snprintf(text, cap, "ntvm-trace 1\nsource s\narena 0x100000000000 0x10000\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len, "query A+0x%zx\n", i);
	t = parse_ok(text);
	free(text);
	if (!t)
		return;
	CHECK_EQ_U64(t->nstmts, n);
	CHECK_EQ_U64(t->stmts[n - 1].args[0].v, n - 1);
	CHECK_EQ_U64(t->stmts[n - 1].line, n + 3);
	ntvm_trace_free(t);
}

TEST_MAIN(TEST_CASE(spec_example), TEST_CASE(bindings_and_forms), TEST_CASE(flags_mixed_and_aliases),
          TEST_CASE(comments_and_header_keys), TEST_CASE(lexical_allowances),
          TEST_CASE(partial_results_of_query_and_read),
          TEST_CASE(header_only_is_a_valid_empty_trace), TEST_CASE(zero_addr_binds_in_any_spelling),
          TEST_CASE(many_statements_grow))
