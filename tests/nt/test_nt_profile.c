/*
 * test_nt_profile.c -- the difference table (core/src/nt_profile.c) and its
 * mirror, docs/profile-differences.md.
 *
 * Each row must be complete and really differ between the profiles, and
 * the docs must hold exactly the same rows: one table line per row with
 * its name, Windows result and Wine 8.0 result as written in the code.
 * The behaviour of each row is tested in the test file of its call.
 */
#include <stdlib.h>

#include "nt_profile.h"
#include "nt_test.h"

static char *read_docs(void)
{
	FILE *f = fopen(NTVM_SOURCE_DIR "/docs/profile-differences.md", "rb");
	if (f == NULL)
		return NULL;
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	return buf;
}

TEST(rows_complete)
{
	size_t count = 0;
	const nt_profile_row *rows = nt_profile_rows(&count);
	CHECK_EQ_U64(count, NT_SIT_COUNT);
	for (size_t i = 0; i < count; i++) {
		const nt_profile_row *r = &rows[i];
		CHECK_EQ_U64(r->id, i);
		CHECK(r->name && r->situation && r->windows_text && r->wine_text && r->source);
		CHECK(r->windows != r->wine_8_0);
		CHECK(strlen(r->source) > 10);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(rows[j].name, r->name) != 0);
	}
}

TEST(lookup_follows_profile)
{
	ntvm *win = nt_vm(WIN), *wine = nt_vm(WINE);
	size_t count = 0;
	const nt_profile_row *rows = nt_profile_rows(&count);
	for (size_t i = 0; i < count; i++) {
		CHECK_EQ_U64(nt_profile_result(win, rows[i].id), rows[i].windows);
		CHECK_EQ_U64(nt_profile_result(wine, rows[i].id), rows[i].wine_8_0);
		CHECK_EQ_U64(nt_profile_alternative(wine, rows[i].id),
		             rows[i].wine_8_0 == NT_CHOICE_ALTERNATIVE);
	}
	ntvm_destroy(win);
	ntvm_destroy(wine);
}

/* A docs line for a row: "| NAME | ... | WINDOWS TEXT | WINE TEXT | ...". */
static const char *find_row_line(const char *docs, const char *name)
{
	char key[128];
	snprintf(key, sizeof key, "| %s |", name);
	return strstr(docs, key);
}

TEST(docs_mirror_table)
{
	char *docs = read_docs();
	CHECK(docs != NULL);
	if (docs == NULL)
		return;
	size_t count = 0, lines = 0;
	const nt_profile_row *rows = nt_profile_rows(&count);
	for (size_t i = 0; i < count; i++) {
		const char *line = find_row_line(docs, rows[i].name);
		if (line == NULL) {
			fprintf(stderr, "docs: no row %s\n", rows[i].name);
			test_failed_checks++;
			continue;
		}
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char *copy = malloc(len + 1);
		if (copy == NULL)
			continue;
		memcpy(copy, line, len);
		copy[len] = 0;
		if (!strstr(copy, rows[i].windows_text) || !strstr(copy, rows[i].wine_text)) {
			fprintf(stderr, "docs: row %s differs from the code\n", rows[i].name);
			test_failed_checks++;
		}
		free(copy);
	}
	for (const char *at = strstr(docs, "\n| "); at; at = strstr(at + 1, "\n| "))
		lines++;
	/* header and separator lines, then exactly one line per row */
	CHECK_EQ_U64(lines, count + 1);
}

TEST_MAIN(TEST_CASE(rows_complete), TEST_CASE(lookup_follows_profile), TEST_CASE(docs_mirror_table))
