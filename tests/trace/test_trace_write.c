/*
 * test_trace_write.c -- the canonical writer: exact text for a trace with
 * every op and form, parse -> write -> parse gives the same model and the
 * same text, single-line formatters with snprintf semantics, traces built in
 * memory, and the address environment ($n bindings, canonical forms).
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

static int check_text(const char *got, const char *want)
{
	if (got && strcmp(got, want) == 0)
		return 1;
	fprintf(stderr, "  got:\n%s\n  want:\n%s\n", got ? got : "(null)", want);
	test_failed_checks++;
	return 0;
}

static const char messy[] =
	"# top\n"
	"ntvm-trace 0x1\n"
	"source   wine-8.0   x86_64  \n"
	"arena 17592186044416 0X1000000   # the arena\n"
	"title  t\n"
	"alloc 0x100000001000 4096 0x3000 0X4 => 0x00000000 0x100000000000 65536\n"
	"alloc 0 0x1000 MEM_COMMIT 0x104 0 => STATUS_SUCCESS $1 4096\n"
	"\n"
	"  # indented comment\n"
	"query $1+0 => 0xC0000005\n"
	"query A-0x10000 => STATUS_SUCCESS 0xfffff0000 0 0 0x10000 0x10000 1 0\n"
	"query A+0x1000000\n"
	"protect 0x100000002000 0x10 0x80000104 => 0x00000000 A+0x2000 4096 PAGE_READWRITE\n"
	"free A 0 MEM_RELEASE|0x4000000 => 0xc000000d A 0x0\n"
	"read $1-0x8 16 => STATUS_SUCCESS 0123456789ABCDEF0123456789abcdef\n"
	"write A 0x40 255 => 0x80000001 # guard\n"
	"alloc A 1 MEM_COMMIT|MEM_RESERVE|MEM_TOP_DOWN|AT_ROUND_TO_PAGE PAGE_NOACCESS => * * *\n"
	"query A => STATUS_SUCCESS A * 0 * MEM_COMMIT|MEM_RESERVE|0x10000000 * MEM_PRIVATE|0x8\n"
	"# end\n";

static const char canonical[] =
	"# top\n"
	"ntvm-trace 1\n"
	"source wine-8.0   x86_64\n"
	"arena 0x0000100000000000 0x1000000 # the arena\n"
	"title t\n"
	"alloc A+0x1000 0x1000 MEM_COMMIT|MEM_RESERVE PAGE_READWRITE => STATUS_SUCCESS A 0x10000\n"
	"alloc 0x0 0x1000 MEM_COMMIT PAGE_READWRITE|PAGE_GUARD 0x0 => STATUS_SUCCESS $1 0x1000\n"
	"\n"
	"  # indented comment\n"
	"query $1 => STATUS_ACCESS_VIOLATION\n"
	"query 0xfffffff0000 => STATUS_SUCCESS 0xfffff0000 0x0 0 0x10000 MEM_FREE PAGE_NOACCESS 0\n"
	"query 0x100001000000\n"
	"protect A+0x2000 0x10 PAGE_READWRITE|PAGE_GUARD|PAGE_REVERT_TO_FILE_MAP => STATUS_SUCCESS A+0x2000 0x1000 PAGE_READWRITE\n"
	"free A 0x0 MEM_RELEASE|0x4000000 => STATUS_INVALID_PARAMETER A 0x0\n"
	"read $1-0x8 16 => STATUS_SUCCESS 0123456789abcdef0123456789abcdef\n"
	"write A 64 0xff => STATUS_GUARD_PAGE_VIOLATION # guard\n"
	"alloc A 0x1 MEM_COMMIT|MEM_RESERVE|MEM_TOP_DOWN|AT_ROUND_TO_PAGE PAGE_NOACCESS => * * *\n"
	"query A => STATUS_SUCCESS A * 0 * MEM_COMMIT|MEM_RESERVE|0x10000000 * MEM_PRIVATE|0x8\n"
	"# end\n";

TEST(writer_canonical_text)
{
	struct ntvm_trace *t = parse_ok(messy);
	char *out;

	if (!t)
		return;
	out = ntvm_trace_write_string(t, NULL);
	check_text(out, canonical);
	free(out);
	ntvm_trace_free(t);
}

static int same_val(const struct ntvm_trace_val *a, const struct ntvm_trace_val *b)
{
	return a->wild == b->wild && (a->wild || (a->form == b->form && a->bind == b->bind && a->v == b->v));
}

/* Models equal up to the address spelling the writer normalises (values compared). */
static int same_stmt(const struct ntvm_trace *ta, const struct ntvm_trace_stmt *a,
                     const struct ntvm_trace *tb, const struct ntvm_trace_stmt *b)
{
	char x[512], y[512];

	ntvm_trace_format_stmt(ta, a, 1, x, sizeof x);
	ntvm_trace_format_stmt(tb, b, 1, y, sizeof y);
	return a->op == b->op && a->nargs == b->nargs && a->has_results == b->has_results &&
	       a->nres == b->nres && a->nbytes == b->nbytes && a->binds == b->binds &&
	       memcmp(a->bytes, b->bytes, a->nbytes) == 0 && strcmp(x, y) == 0;
}

TEST(round_trip_is_identical)
{
	struct ntvm_trace *a = parse_ok(messy), *b, *c;
	char *ta, *tb;

	if (!a)
		return;
	ta = ntvm_trace_write_string(a, NULL);
	b = parse_ok(ta);
	tb = b ? ntvm_trace_write_string(b, NULL) : NULL;
	check_text(tb, ta);
	if (b) {
		CHECK_EQ_U64(a->nstmts, b->nstmts);
		for (size_t i = 0; i < a->nstmts && i < b->nstmts; i++)
			CHECK(same_stmt(a, &a->stmts[i], b, &b->stmts[i]));
		c = parse_ok(tb);
		for (size_t i = 0; c && i < b->nstmts; i++) {
			for (int k = 0; k < b->stmts[i].nargs; k++)
				CHECK(same_val(&b->stmts[i].args[k], &c->stmts[i].args[k]));
			for (int k = 0; k < b->stmts[i].nres; k++)
				CHECK(same_val(&b->stmts[i].res[k], &c->stmts[i].res[k]));
			CHECK_EQ_U64(b->stmts[i].line, c->stmts[i].line);
		}
		ntvm_trace_free(c);
	}
	free(ta);
	free(tb);
	ntvm_trace_free(a);
	ntvm_trace_free(b);
}

TEST(format_single_lines)
{
	struct ntvm_trace *t = parse_ok(messy);
	char buf[256], small[8];
	int n;

	if (!t)
		return;
	n = ntvm_trace_format_stmt(t, &t->stmts[0], 0, buf, sizeof buf);
	CHECK(strcmp(buf, "alloc A+0x1000 0x1000 MEM_COMMIT|MEM_RESERVE PAGE_READWRITE") == 0);
	CHECK_EQ_U64(n, strlen(buf));
	ntvm_trace_format_stmt(t, &t->stmts[0], 1, buf, sizeof buf);
	CHECK(strcmp(buf, "alloc A+0x1000 0x1000 MEM_COMMIT|MEM_RESERVE PAGE_READWRITE => STATUS_SUCCESS A 0x10000") == 0);
	n = ntvm_trace_format_results(t, &t->stmts[0], buf, sizeof buf);
	CHECK(strcmp(buf, "STATUS_SUCCESS A 0x10000") == 0);
	CHECK_EQ_U64(n, 24);
	n = ntvm_trace_format_results(t, &t->stmts[0], small, sizeof small);
	CHECK_EQ_U64(n, 24);
	CHECK(strcmp(small, "STATUS_") == 0);
	n = ntvm_trace_format_stmt(NULL, &t->stmts[0], 0, buf, sizeof buf);
	CHECK(strcmp(buf, "alloc 0x100000001000 0x1000 MEM_COMMIT|MEM_RESERVE PAGE_READWRITE") == 0);
	n = ntvm_trace_format_stmt(t, &t->stmts[0], 0, NULL, 0);
	CHECK_EQ_U64(n, strlen("alloc A+0x1000 0x1000 MEM_COMMIT|MEM_RESERVE PAGE_READWRITE"));
	{
		struct ntvm_trace_val v = { 0, NTVM_FORM_ABS, 0, NTVM_STATUS_NOT_COMMITTED };
		ntvm_trace_format_val(t, NTVM_KIND_STATUS, &v, NULL, 0, buf, sizeof buf);
		CHECK(strcmp(buf, "STATUS_NOT_COMMITTED") == 0);
		v.v = 0xc0000999;
		ntvm_trace_format_val(t, NTVM_KIND_STATUS, &v, NULL, 0, buf, sizeof buf);
		CHECK(strcmp(buf, "0xc0000999") == 0);
		v.wild = 1;
		ntvm_trace_format_val(t, NTVM_KIND_PROT, &v, NULL, 0, buf, sizeof buf);
		CHECK(strcmp(buf, "*") == 0);
	}
	ntvm_trace_free(t);
}

TEST(build_in_memory)
{
	struct ntvm_trace *t = ntvm_trace_new("mem.trace", "ntvm 0.1", 0x100000000000ull, 0x100000);
	struct ntvm_trace_stmt s;
	char *out;
	FILE *f;

	if (!t)
		return;
	CHECK(ntvm_trace_add_header(t, "title", "built") == 0);
	CHECK(ntvm_trace_add_header(t, "origin", "test_trace_write.c") == 0);
	memset(&s, 0, sizeof s);
	s.op = NTVM_OP_ALLOC;
	s.nargs = 4;
	s.args[0].form = NTVM_FORM_ARENA;
	s.args[1].v = 0x10000;
	s.args[2].v = NTVM_MEM_RESERVE;
	s.args[3].v = NTVM_PAGE_READWRITE;
	s.has_results = 1;
	s.nres = 3;
	s.res[1].form = NTVM_FORM_ARENA;
	s.res[2].v = 0x10000;
	s.comment = "# made here";
	CHECK(ntvm_trace_append(t, &s) == 0);
	memset(&s, 0, sizeof s);
	s.op = NTVM_OP_READ;
	s.nargs = 2;
	s.args[0].form = NTVM_FORM_ARENA;
	s.args[1].v = 2;
	s.has_results = 1;
	s.nres = 2;
	s.nbytes = 2;
	s.bytes[1] = 0x7f;
	CHECK(ntvm_trace_append(t, &s) == 0);
	CHECK(ntvm_trace_set_source(t, "ntvm 0.2") == 0);
	out = ntvm_trace_write_string(t, NULL);
	check_text(out, "ntvm-trace 1\nsource ntvm 0.2\narena 0x0000100000000000 0x100000\n"
	                "title built\norigin test_trace_write.c\n"
	                "alloc A 0x10000 MEM_RESERVE PAGE_READWRITE => STATUS_SUCCESS A 0x10000 # made here\n"
	                "read A 2 => STATUS_SUCCESS 007f\n");
	CHECK(strcmp(t->title, "built") == 0);
	f = tmpfile();
	if (f) {
		char back[512];
		size_t n;
		CHECK(ntvm_trace_write(t, f) == 0);
		rewind(f);
		n = fread(back, 1, sizeof back - 1, f);
		back[n] = '\0';
		check_text(back, out);
		fclose(f);
	}
	ntvm_trace_strip_results(t);
	free(out);
	out = ntvm_trace_write_string(t, NULL);
	CHECK(out && strstr(out, "=>") == NULL);
	free(out);
	ntvm_trace_free(t);
}

TEST(env_binds_and_canonical_forms)
{
	struct ntvm_trace_env env;
	struct ntvm_trace_val v;
	uint64_t a = 0;

	ntvm_trace_env_init(&env, 0x100000000000ull, 0x1000000);
	v = ntvm_trace_env_canon(&env, 0x100000001000ull);
	CHECK(v.form == NTVM_FORM_ARENA && v.v == 0x1000);
	v = ntvm_trace_env_canon(&env, 0x100001000000ull);
	CHECK(v.form == NTVM_FORM_ABS && v.v == 0x100001000000ull);
	for (int i = 0; i < 40; i++)
		CHECK_EQ_U64(ntvm_trace_env_bind(&env, 0x10000000ull + (uint64_t)i * 0x10000, 0x2000), i + 1);
	CHECK_EQ_U64(ntvm_trace_env_bind(&env, 0x10000000ull, 0x1000), 41);
	v = ntvm_trace_env_canon(&env, 0x10000800);
	CHECK(v.form == NTVM_FORM_BOUND && v.bind == 41 && v.v == 0x800);
	v = ntvm_trace_env_canon(&env, 0x10001800);
	CHECK(v.form == NTVM_FORM_BOUND && v.bind == 1 && v.v == 0x1800);
	v = ntvm_trace_env_canon(&env, 0x10002000);
	CHECK(v.form == NTVM_FORM_ABS);
	v.form = NTVM_FORM_BOUND;
	v.bind = 2;
	v.v = (uint64_t)-0x10;
	CHECK(ntvm_trace_env_resolve(&env, &v, &a) == 0);
	CHECK_EQ_U64(a, 0x1000fff0);
	v.bind = 42;
	CHECK(ntvm_trace_env_resolve(&env, &v, &a) == -1);
	v.bind = 0;
	CHECK(ntvm_trace_env_resolve(&env, &v, &a) == -1);
	v.form = NTVM_FORM_ARENA;
	v.v = (uint64_t)-0x10000;
	CHECK(ntvm_trace_env_resolve(&env, &v, &a) == 0);
	CHECK_EQ_U64(a, 0xfffffff0000ull);
	ntvm_trace_env_free(&env);
	CHECK_EQ_U64(env.nbinds, 0);
}

static struct ntvm_trace_stmt query_stmt(void)
{
	struct ntvm_trace_stmt s;

	memset(&s, 0, sizeof s);
	s.op = NTVM_OP_QUERY;
	s.nargs = 1;
	s.args[0].form = NTVM_FORM_ARENA;
	return s;
}

TEST(append_refuses_what_would_not_parse_back)
{
	struct ntvm_trace *t = ntvm_trace_new("x", "script", 0x100000000000ull, 0x10000);
	struct ntvm_trace_stmt s;
	char why[128];

	if (!t)
		return;
	s = query_stmt();
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == 0);
	s.op = NTVM_OP_COUNT;
	CHECK(ntvm_trace_append(t, &s) == -1);
	s = query_stmt();
	s.nargs = 2;
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == -1 && strstr(why, "2 arguments for query"));
	s = query_stmt();
	s.args[0].wild = 1;
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == -1 && strstr(why, "'*' in an argument"));
	s = query_stmt();
	s.args[0].form = NTVM_FORM_BOUND;
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == -1 && strstr(why, "$0"));
	s = query_stmt();
	s.has_results = 1;
	s.nres = 1;
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == -1 && strstr(why, "exactly when it succeeded"));
	s.nres = 3;
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == -1 && strstr(why, "3 results for query"));
	s.nres = 8;
	s.res[NTVM_RES_Q_PROT].v = 0x100000000ull;
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == -1 && strstr(why, "32 bits"));
	s.res[NTVM_RES_Q_PROT].v = 4;
	s.res[NTVM_RES_Q_SIZE].form = NTVM_FORM_ARENA;
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == -1 && strstr(why, "not an address"));
	s.res[NTVM_RES_Q_SIZE].form = NTVM_FORM_ABS;
	CHECK(ntvm_trace_append(t, &s) == 0);
	memset(&s, 0, sizeof s);
	s.op = NTVM_OP_WRITE;
	s.nargs = 3;
	s.args[NTVM_ARG_LEN].v = 0;
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == -1 && strstr(why, "LEN outside"));
	s.args[NTVM_ARG_LEN].v = 1;
	s.args[NTVM_ARG_BYTE].v = 256;
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == -1 && strstr(why, "BYTE outside"));
	memset(&s, 0, sizeof s);
	s.op = NTVM_OP_READ;
	s.nargs = 2;
	s.args[NTVM_ARG_LEN].v = 4;
	s.has_results = 1;
	s.nres = 2;
	s.nbytes = 3;
	CHECK(ntvm_trace_stmt_check(&s, why, sizeof why) == -1 && strstr(why, "do not match LEN"));
	CHECK_EQ_U64(t->nstmts, 1);
	ntvm_trace_free(t);
}

TEST(header_texts_are_checked)
{
	struct ntvm_trace *t = ntvm_trace_new("x", "script", 0x100000000000ull, 0x10000);

	if (!t)
		return;
	CHECK(ntvm_trace_add_header(t, "Title", "x") == -1);
	CHECK(ntvm_trace_add_header(t, "source", "x") == -1);
	CHECK(ntvm_trace_add_header(t, "alloc", "x") == -1);
	CHECK(ntvm_trace_add_header(t, "title", "a # b") == -1);
	CHECK(ntvm_trace_add_header(t, "title", "a\nb") == -1);
	CHECK(ntvm_trace_add_header(t, "x-key.2_b", NULL) == 0);
	CHECK(ntvm_trace_set_source(t, "") == -1);
	CHECK(ntvm_trace_set_source(t, "a\rb") == -1);
	CHECK(strcmp(t->source, "script") == 0);
	CHECK(ntvm_trace_new("x", "bad#source", 0, 0x10000) == NULL);
	CHECK_EQ_U64(t->nhdr, 1);
	ntvm_trace_free(t);
}

TEST(comments_set_in_memory_are_made_safe)
{
	struct ntvm_trace *t = ntvm_trace_new("x", "script", 0x100000000000ull, 0x10000), *u = NULL;
	struct ntvm_trace_stmt s = query_stmt();
	struct ntvm_trace_error err;
	char *out;

	if (!t)
		return;
	s.pre = "not a comment\n  # fine\n\nlast";
	s.comment = "no hash\nsecond\rline";
	CHECK(ntvm_trace_append(t, &s) == 0);
	t->tail = malloc(16);
	if (t->tail)
		strcpy(t->tail, "why\n# ok");
	out = ntvm_trace_write_string(t, NULL);
	check_text(out, "ntvm-trace 1\nsource script\narena 0x0000100000000000 0x10000\n"
	                "# not a comment\n  # fine\n\n# last\nquery A # no hash second line\n"
	                "# why\n# ok\n");
	CHECK(out && ntvm_trace_parse(out, strlen(out), "x", &u, &err) == 0);
	free(out);
	ntvm_trace_free(u);
	ntvm_trace_free(t);
}

/* A file larger than the loader's first 64 KiB buffer comes back whole. */
TEST(load_large_file)
{
	const char *path = "test_trace_write_large.trace.tmp";
	struct ntvm_trace *t = ntvm_trace_new("x", "script", 0x100000000000ull, 0x10000000);
	struct ntvm_trace *u = NULL;
	struct ntvm_trace_error err;
	struct ntvm_trace_stmt s;
	FILE *f;

	if (!t)
		return;
	memset(&s, 0, sizeof s);
	s.op = NTVM_OP_QUERY;
	s.nargs = 1;
	s.args[0].form = NTVM_FORM_ARENA;
	for (uint64_t i = 0; i < 10000; i++) {
		s.args[0].v = i * 0x1000;
		CHECK(ntvm_trace_append(t, &s) == 0);
	}
	f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f) {
		CHECK(ntvm_trace_write(t, f) == 0);
		fclose(f);
		CHECK(ntvm_trace_load(path, &u, &err) == 0);
		remove(path);
	}
	if (u) {
		CHECK_EQ_U64(u->nstmts, 10000);
		CHECK_EQ_U64(u->stmts[9999].args[0].v, 9999 * 0x1000);
		CHECK(strcmp(u->file, path) == 0);
	}
	ntvm_trace_free(t);
	ntvm_trace_free(u);
}

TEST(op_shapes)
{
	CHECK(strcmp(ntvm_trace_op_name(NTVM_OP_PROTECT), "protect") == 0);
	CHECK(ntvm_trace_op_name(NTVM_OP_COUNT) == NULL);
	CHECK_EQ_U64(ntvm_trace_op_from_name("write", 5), NTVM_OP_WRITE);
	CHECK(ntvm_trace_op_from_name("writ", 4) == -1);
	CHECK_EQ_U64(ntvm_trace_op_min_args(NTVM_OP_ALLOC), 4);
	CHECK_EQ_U64(ntvm_trace_op_max_args(NTVM_OP_ALLOC), 5);
	CHECK_EQ_U64(ntvm_trace_op_results(NTVM_OP_QUERY), 8);
	CHECK_EQ_U64(ntvm_trace_op_results(NTVM_OP_WRITE), 1);
	CHECK_EQ_U64(ntvm_trace_res_kind(NTVM_OP_QUERY, NTVM_RES_Q_ALLOCBASE), NTVM_KIND_ADDR);
	CHECK_EQ_U64(ntvm_trace_res_kind(NTVM_OP_QUERY, NTVM_RES_Q_TYPE), NTVM_KIND_REGION_TYPE);
	CHECK_EQ_U64(ntvm_trace_res_kind(NTVM_OP_QUERY, 8), NTVM_KIND_COUNT);
	CHECK_EQ_U64(ntvm_trace_arg_kind(NTVM_OP_ALLOC, NTVM_ARG_ZERO_BITS), NTVM_KIND_ZERO_BITS);
	CHECK_EQ_U64(ntvm_trace_arg_kind(NTVM_OP_FREE, 3), NTVM_KIND_COUNT);
	CHECK_EQ_U64(ntvm_trace_arg_kind(NTVM_OP_WRITE, NTVM_ARG_BYTE), NTVM_KIND_BYTE);
}

TEST_MAIN(TEST_CASE(writer_canonical_text), TEST_CASE(round_trip_is_identical),
          TEST_CASE(format_single_lines), TEST_CASE(build_in_memory),
          TEST_CASE(env_binds_and_canonical_forms), TEST_CASE(load_large_file),
          TEST_CASE(append_refuses_what_would_not_parse_back), TEST_CASE(header_texts_are_checked),
          TEST_CASE(comments_set_in_memory_are_made_safe),
          TEST_CASE(op_shapes))
