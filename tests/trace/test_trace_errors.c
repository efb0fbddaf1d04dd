/*
 * test_trace_errors.c -- every way the parser rejects a trace names the
 * right line, column and reason.  Each case is a small text and the error it
 * must produce; the reason is matched as a substring so wording can carry
 * detail beyond what is pinned here.
 */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "trace.h"

#define H "ntvm-trace 1\nsource script\narena 0x100000000000 0x1000000\n"

struct err_case {
	const char *text;
	uint32_t line, col;
	const char *reason;
};

static const struct err_case cases[] = {
	/* header */
	{ "", 1, 0, "ends before the 'ntvm-trace 1' header line" },
	{ "# only a comment\n\n", 2, 0, "ends before the 'ntvm-trace 1' header line" },
	{ "ntvm-trace 2\n", 1, 12, "unsupported trace version 2" },
	{ "ntvm-trace x\n", 1, 12, "bad number 'x'" },
	{ "ntvm-trace 1 2\n", 1, 14, "takes exactly one field" },
	{ "ntvm-trace\n", 1, 1, "takes exactly one field" },
	{ "source x\n", 1, 1, "expected the header line 'ntvm-trace 1' first" },
	{ "ntvm-trace 1\narena 0 0x1000\n", 2, 1, "expected the header line 'source TEXT'" },
	{ "ntvm-trace 1\nsource   # nothing\n", 2, 1, "'source' needs a text" },
	{ "ntvm-trace 1\nsource s\n", 2, 0, "ends before the 'arena' header line" },
	{ "ntvm-trace 1\nsource s\ntitle t\n", 3, 1, "expected the header line 'arena BASE SIZE'" },
	{ "ntvm-trace 1\nsource s\narena 0x100000001000 0x1000\n", 3, 7, "not 64 KiB aligned" },
	{ "ntvm-trace 1\nsource s\narena 0x100000000000 0\n", 3, 22, "arena size must not be 0" },
	{ "ntvm-trace 1\nsource s\narena 0xffffffffffff0000 0x20000\n", 3, 26, "runs past the end" },
	{ "ntvm-trace 1\nsource s\narena 0x10zz 0x1000\n", 3, 11, "bad number '0x10zz'" },
	{ "ntvm-trace 1\nsource s\narena A 0x1000\n", 3, 7, "bad number 'A'" },
	{ "ntvm-trace 1\nsource s\narena 0x10000\n", 3, 1, "takes exactly BASE and SIZE" },
	{ H "source y\n", 4, 1, "duplicate header line 'source'" },
	{ H "arena 0 0\n", 4, 1, "duplicate header line 'arena'" },
	{ H "query A\ntitle x\n", 5, 1, "header line 'title' after the first statement" },
	{ H "query A\narena 0x0 0x10000\n", 5, 1, "header line 'arena' after the first statement" },
	/* ops and argument counts */
	{ H "query A\nfrob A\n", 5, 1, "unknown op 'frob'" },
	{ H "Alloc A 1 MEM_COMMIT PAGE_READWRITE\n", 4, 1, "unknown op 'Alloc'" },
	{ H "query A A\n", 4, 9, "query takes 1 argument, got 2" },
	{ H "query\n", 4, 1, "query takes 1 argument, got 0" },
	{ H "alloc A 0x1000 MEM_COMMIT\n", 4, 1, "alloc takes 4 or 5 arguments, got 3" },
	{ H "alloc A 0x1000 MEM_COMMIT PAGE_READWRITE 0 0\n", 4, 44, "alloc takes 4 or 5 arguments, got 6" },
	{ H "free A 0\n", 4, 1, "free takes 3 arguments, got 2" },
	{ H "protect A 0 4 5\n", 4, 15, "protect takes 3 arguments, got 4" },
	{ H "write A 1\n", 4, 1, "write takes 3 arguments, got 2" },
	{ H "read A\n", 4, 1, "read takes 2 arguments, got 1" },
	/* numbers */
	{ H "query 0x\n", 4, 7, "bad number '0x'" },
	{ H "query 12a\n", 4, 9, "bad number '12a'" },
	{ H "query 0x10000000000000000\n", 4, 7, "number overflow" },
	{ H "query 18446744073709551616\n", 4, 7, "number overflow" },
	{ H "alloc A 0x1ffffffffffffffff MEM_COMMIT 4\n", 4, 9, "number overflow" },
	/* flags */
	{ H "alloc A 1 MEM_COMMIT|MEM_FOO PAGE_READWRITE\n", 4, 22, "unknown flag name 'MEM_FOO'" },
	{ H "alloc A 1 PAGE_READWRITE MEM_COMMIT\n", 4, 11, "'PAGE_READWRITE' is not a MEM_* flag" },
	{ H "alloc A 1 MEM_COMMIT MEM_COMMIT\n", 4, 22, "'MEM_COMMIT' is not a PAGE_* flag" },
	{ H "alloc A 1 MEM_COMMIT| PAGE_READWRITE\n", 4, 22, "empty flag name" },
	{ H "alloc A 1 |MEM_COMMIT PAGE_READWRITE\n", 4, 11, "empty flag name" },
	{ H "alloc A 1 0x100000000 4\n", 4, 11, "does not fit in 32 bits" },
	{ H "protect A 1 PAGE_READWRITE|0xq\n", 4, 30, "bad number '0xq'" },
	{ H "protect A 1 page_readwrite\n", 4, 13, "unknown flag name 'page_readwrite'" },
	/* addresses */
	{ H "query B\n", 4, 7, "bad address form 'B'" },
	{ H "query A+\n", 4, 8, "bad address form 'A+'" },
	{ H "query A*3\n", 4, 8, "bad address form 'A*3'" },
	{ H "query A+0xg\n", 4, 11, "bad number '0xg'" },
	{ H "query A+0x10000000000000000\n", 4, 9, "number overflow" },
	{ H "query $0\n", 4, 7, "$n needs n >= 1" },
	{ H "query $\n", 4, 7, "$n needs n >= 1" },
	{ H "query $x\n", 4, 7, "$n needs n >= 1" },
	{ H "query $99999999999\n", 4, 7, "binding number too large" },
	{ H "query $1\n", 4, 7, "$1 is not bound yet (no binding so far)" },
	{ H "alloc 0 1 MEM_COMMIT 4\nquery $2\n", 5, 7, "$2 is not bound yet (bound so far: $1..$1)" },
	{ H "alloc 0 1 MEM_COMMIT 4\nquery $1-\n", 5, 9, "bad address form '$1-'" },
	{ H "alloc 0 1 MEM_COMMIT 4 => STATUS_NO_MEMORY 0x0 0x1000\nquery $1\n", 5, 7,
	  "$1 is not bound yet (no binding so far)" },
	/* LEN, BYTE, wildcards */
	{ H "read A 0\n", 4, 8, "LEN 0 is outside 1..64" },
	{ H "read A 65\n", 4, 8, "LEN 65 is outside 1..64" },
	{ H "write A 1 0x100\n", 4, 11, "BYTE 256 is outside 0..255" },
	{ H "query *\n", 4, 7, "'*' is only allowed in results" },
	/* results */
	{ H "query A =>\n", 4, 9, "'=>' must be followed by results" },
	{ H "alloc A 1 MEM_COMMIT 4 => STATUS_SUCCESS A\n", 4, 24, "alloc has results STATUS BASE SIZE; got 2 fields" },
	{ H "write A 1 0 => STATUS_SUCCESS 0\n", 4, 31, "write has results STATUS; got 2 fields" },
	{ H "query A => STATUS_SUCCESS A\n", 4, 9, "query has results" },
	{ H "write A 1 0 => STATUS_FOO\n", 4, 16, "unknown status name 'STATUS_FOO'" },
	{ H "write A 1 0 => 0x5\n", 4, 16, "bad status '0x5'" },
	{ H "write A 1 0 => 3221225477\n", 4, 16, "bad status" },
	{ H "write A 1 0 => 0xc000000g\n", 4, 25, "bad status" },
	{ H "query A => STATUS_INVALID_PARAMETER A 0x0 0 0x1000 MEM_FREE PAGE_NOACCESS 0\n", 4, 37,
	  "a failed query has only its STATUS" },
	{ H "query A => STATUS_SUCCESS\n", 4, 12, "a successful query needs all results" },
	{ H "read A 1 => STATUS_SUCCESS\n", 4, 13, "a successful read needs all results" },
	{ H "read A 1 => STATUS_ACCESS_VIOLATION 00\n", 4, 37, "a failed read has only its STATUS" },
	{ H "read A 2 => STATUS_SUCCESS 00\n", 4, 28, "read of 2 bytes needs 4 hex digits, got 2" },
	{ H "read A 2 => STATUS_SUCCESS 00zz\n", 4, 30, "bad hex digit" },
	{ H "read A 2 => STATUS_SUCCESS 000z\n", 4, 31, "bad hex digit" },
	{ H "query A => STATUS_SUCCESS A A PAGE_FOO 0x1000 MEM_COMMIT 4 MEM_PRIVATE\n", 4, 31,
	  "unknown flag name 'PAGE_FOO'" },
	{ H "query A => STATUS_SUCCESS A A 4 0x1000 PAGE_READWRITE 4 MEM_PRIVATE\n", 4, 40,
	  "'PAGE_READWRITE' is not a MEM_* flag" },
	/* bindings in results */
	{ H "alloc A 1 MEM_COMMIT 4 => STATUS_SUCCESS $1 0x1000\n", 4, 42, "only an alloc or map with ADDR 0 binds" },
	{ H "alloc 0 1 MEM_COMMIT 4 => STATUS_SUCCESS $1+0x10 0x1000\n", 4, 42, "without offset" },
	{ H "alloc 0 1 MEM_COMMIT 4 => STATUS_SUCCESS $2 0x1000\n", 4, 42, "$2 is not bound yet" },
	{ H "free 0 0 MEM_RELEASE => STATUS_SUCCESS $1 0\n", 4, 40, "$1 is not bound yet" },
	/* bytes */
	{ H "query\rA\n", 4, 6, "carriage return inside a line" },
	{ H "query A A A A A A A A A A A A A A A A A A A A A A A A A A\n", 4, 53, "too many fields" },
};

static void check_case(const struct err_case *c, size_t len)
{
	struct ntvm_trace *t = (struct ntvm_trace *)1;
	struct ntvm_trace_error err;
	char *copy = malloc(len ? len : 1);
	int rc;

	memcpy(copy, c->text, len);
	rc = ntvm_trace_parse(copy, len, "case.trace", &t, &err);
	free(copy);
	CHECK(rc == -1);
	CHECK(t == NULL);
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
	CHECK(strcmp(err.file, "case.trace") == 0);
}

TEST(every_error_case)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_case(&cases[i], strlen(cases[i].text));
}

TEST(nul_byte_is_an_error)
{
	static const char text[] = H "query A\0B\n";
	struct err_case c = { text, 4, 8, "NUL byte" };

	check_case(&c, sizeof text - 1);
}

TEST(error_format_has_file_line_column)
{
	struct ntvm_trace *t;
	struct ntvm_trace_error err;
	char buf[300];
	const char *text = H "read A 65\n";

	CHECK(ntvm_trace_parse(text, strlen(text), "x.trace", &t, &err) == -1);
	ntvm_trace_error_format(&err, buf, sizeof buf);
	CHECK(strcmp(buf, "x.trace:4:8: LEN 65 is outside 1..64") == 0);
	CHECK(ntvm_trace_parse("", 0, NULL, &t, &err) == -1);
	ntvm_trace_error_format(&err, buf, sizeof buf);
	CHECK(strcmp(buf, "<trace>:1: the file ends before the 'ntvm-trace 1' header line") == 0);
}

TEST(load_missing_file)
{
	struct ntvm_trace *t;
	struct ntvm_trace_error err;
	char buf[300];

	CHECK(ntvm_trace_load("/nonexistent/none.trace", &t, &err) == -1);
	CHECK(t == NULL);
	CHECK(err.line == 0);
	ntvm_trace_error_format(&err, buf, sizeof buf);
	CHECK(strcmp(buf, "/nonexistent/none.trace: cannot open the file") == 0);
}

TEST(long_token_is_quoted_short)
{
	struct ntvm_trace *t;
	struct ntvm_trace_error err;
	char text[400];

	snprintf(text, sizeof text, H "query B%0200d\n", 0);
	CHECK(ntvm_trace_parse(text, strlen(text), "x", &t, &err) == -1);
	CHECK(strstr(err.reason, "...'") != NULL);
	CHECK(strlen(err.reason) < 200);
}

TEST_MAIN(TEST_CASE(every_error_case), TEST_CASE(nul_byte_is_an_error),
          TEST_CASE(error_format_has_file_line_column), TEST_CASE(load_missing_file),
          TEST_CASE(long_token_is_quoted_short))
