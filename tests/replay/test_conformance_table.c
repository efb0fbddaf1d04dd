/*
 * test_conformance_table.c -- the conformance report reads the
 * profile-difference table from markdown and cites the row that explains a
 * Windows-versus-Wine difference: the right columns, the best-fitting row,
 * and no row when nothing fits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance.h"
#include "test.h"

static const char table_md[] =
	"# Differences\n\nSome text | with a bar that is not a table.\n\n"
	"| row | situation | Windows | Wine 8.0 | source |\n"
	"|---|---|---|---|---|\n"
	"| ALLOC_BASE_BELOW_MIN | NtAllocateVirtualMemory base below 0x10000 | "
	"STATUS_INVALID_PARAMETER_2 | STATUS_INVALID_PARAMETER | ReactOS |\n"
	"| FREE_BAD_TYPE | NtFreeVirtualMemory type MEM_DECOMMIT\\|MEM_RELEASE | "
	"STATUS_INVALID_PARAMETER_4 | STATUS_INVALID_PARAMETER | probe |\n"
	"| PROT_GUARD_NOACCESS | PAGE_GUARD \\| PAGE_NOACCESS | STATUS_INVALID_PAGE_PROTECTION | "
	"accepted | docs |\n"
	"| RELEASE_NONZERO_SIZE | NtFreeVirtualMemory MEM_RELEASE with a non-zero size | "
	"releases the pages | STATUS_INVALID_PARAMETER | test |\n"
	"| PROTECT_CHECK_ORDER | NtProtectVirtualMemory order of the checks | protection first | "
	"range first | recording protect-order |\n"
	"| PROT_WRITECOMBINE_KEPT | PAGE_WRITECOMBINE on an allocation | kept | dropped | x |\n"
	"| SHORT | only two cells |\n"
	"\nAfter the table | not read |\n";

static char *write_temp(const char *text)
{
	char *path = malloc(64);
	snprintf(path, 64, "/tmp/ntvm-conf-table-%ld.md", (long)rand());
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	return path;
}

TEST(reads_the_first_table)
{
	char *path = write_temp(table_md);
	struct conf_table t;
	CHECK(conf_table_read(&t, path));
	CHECK_EQ_U64(t.ncols, 5);
	CHECK_EQ_U64(t.nrows, 7);
	CHECK(t.path && strcmp(t.path, path) == 0);
	CHECK(strcmp(t.header[2], "Windows") == 0);
	CHECK(strcmp(t.rows[1][2], "STATUS_INVALID_PARAMETER_4") == 0);
	CHECK(strcmp(t.rows[2][1], "PAGE_GUARD \\| PAGE_NOACCESS") == 0);
	CHECK(strcmp(t.rows[6][1], "only two cells") == 0 && strcmp(t.rows[6][4], "") == 0);
	conf_table_free(&t);
	remove(path);
	free(path);
}

TEST(missing_file_is_an_empty_table)
{
	struct conf_table t;
	CHECK(conf_table_read(&t, "/nonexistent/profile-differences.md"));
	CHECK(t.path == NULL && t.nrows == 0 && t.ncols == 0);
	conf_table_free(&t);
}

static bool last_weak;

static int explain_diff(const struct conf_table *t, const char *want, const char *got,
                        const char *statement, const char *differing)
{
	struct conf_question q = { want, got, statement, differing, "some-file" };
	return conf_table_explain(t, &q, &last_weak, NULL);
}

static int explain(const struct conf_table *t, const char *want, const char *got,
                   const char *statement)
{
	return explain_diff(t, want, got, statement, "");
}

TEST(explains_by_columns_and_statement)
{
	char *path = write_temp(table_md);
	struct conf_table t;
	CHECK(conf_table_read(&t, path));
	/* Same status pair, two rows: the op's NT function decides. */
	CHECK(explain(&t, "STATUS_INVALID_PARAMETER", "STATUS_INVALID_PARAMETER_2",
	                         "alloc 0xf000 0x1000 MEM_RESERVE PAGE_READWRITE") == 0);
	CHECK(explain(&t, "STATUS_INVALID_PARAMETER", "STATUS_INVALID_PARAMETER_4",
	                         "free A 0x1000 MEM_DECOMMIT|MEM_RELEASE") == 1);
	/* Wine's status must be in the Wine column, Windows' in the Windows one. */
	CHECK(explain(&t, "STATUS_INVALID_PARAMETER_4", "STATUS_INVALID_PARAMETER",
	                         "free A 0x1000 MEM_DECOMMIT|MEM_RELEASE") == -1);
	/* "accepted" is a success; flag names tie the row to the statement. */
	CHECK(explain(&t, "STATUS_SUCCESS", "STATUS_INVALID_PAGE_PROTECTION",
	                         "alloc A 0x1000 MEM_COMMIT PAGE_NOACCESS|PAGE_GUARD") == 2);
	/* A Windows cell naming no status describes a success. */
	CHECK(explain(&t, "STATUS_INVALID_PARAMETER", "STATUS_SUCCESS",
	                         "free A 0x1000 MEM_RELEASE") == 3);
	CHECK(!last_weak);
	/* A row citing the trace makes a behaviour row a firm match. */
	struct conf_question cited = { "STATUS_NOT_COMMITTED", "STATUS_INVALID_PAGE_PROTECTION",
		                       "protect A 0x1000 0", "", "protect-order" };
	bool behaviour = false;
	CHECK(conf_table_explain(&t, &cited, &last_weak, &behaviour) == 4 && !last_weak && behaviour);
	/* No row names the pair: a behaviour row of the same call may. */
	CHECK(explain(&t, "STATUS_NOT_COMMITTED", "STATUS_INVALID_PAGE_PROTECTION",
	              "protect A 0x1000 0") == 4);
	CHECK(last_weak);
	/* A row sharing nothing with the statement explains nothing. */
	CHECK(explain(&t, "STATUS_INVALID_PARAMETER", "STATUS_INVALID_PARAMETER_2",
	              "query 0x0") == -1);
	/* Equal statuses: a behaviour row naming a differing flag explains it;
	 * without one nothing does. */
	CHECK(explain(&t, "STATUS_SUCCESS", "STATUS_SUCCESS", "query A") == -1);
	CHECK(explain_diff(&t, "STATUS_SUCCESS", "STATUS_SUCCESS", "protect A 0x1000 PAGE_READONLY",
	                   "PAGE_WRITECOMBINE ") == 5);
	CHECK(!last_weak);
	/* Whole words only: _2 does not stand for the plain name. */
	CHECK(explain(&t, "STATUS_INVALID_PARAMETER_2", "STATUS_INVALID_PARAMETER",
	                         "alloc 0xf000 0x1000 MEM_RESERVE PAGE_READWRITE") == -1);
	conf_table_free(&t);
	remove(path);
	free(path);
}

TEST(area_names)
{
	CHECK(strcmp(conf_area_name(CONF_ALLOC), "alloc") == 0);
	CHECK(strcmp(conf_area_name(CONF_ACCESS), "access") == 0);
	CHECK(strcmp(conf_area_name(CONF_SECTION), "section") == 0);
	CHECK(strcmp(conf_area_name(CONF_AREAS), "?") == 0);
}

TEST_MAIN(TEST_CASE(reads_the_first_table), TEST_CASE(missing_file_is_an_empty_table),
          TEST_CASE(explains_by_columns_and_statement), TEST_CASE(area_names))
