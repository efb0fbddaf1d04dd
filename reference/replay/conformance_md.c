/*
 * conformance_md.c -- the report as markdown: summary, the area x source
 * matrix, every mismatch, and the profile-difference table.
 */
#include "conformance.h"

#include <string.h>

static double rate(const struct conf_count *c)
{
	size_t n = c->passed + c->failed;
	return n ? 100.0 * (double)c->passed / (double)n : 100.0;
}

static void summary(const struct conf_report *r, FILE *f)
{
	fprintf(f, "## Summary\n\n| source | profile | files | files failing | statements | passed "
	           "| failed | pass rate |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
	for (int i = 0; i < CONF_COLUMNS; i++) {
		const struct conf_column *c = &r->columns[i];
		fprintf(f, "| %s | %s | %zu | %zu | %zu | %zu | %zu | %.1f%% |\n", c->title,
		        c->behaviour == NTVM_BEHAVIOUR_WINE_8_0 ? "wine-8.0" : "windows", c->files,
		        c->files_failed, c->total.passed + c->total.failed, c->total.passed,
		        c->total.failed, rate(&c->total));
	}
	fprintf(f, "\n");
}

static void matrix(const struct conf_report *r, FILE *f)
{
	fprintf(f, "## API area x source\n\nEach cell: statements passed / replayed (failed).\n\n"
	           "| area |");
	for (int i = 0; i < CONF_COLUMNS; i++)
		fprintf(f, " %s |", r->columns[i].id);
	fprintf(f, "\n| --- |");
	for (int i = 0; i < CONF_COLUMNS; i++)
		fprintf(f, " ---: |");
	fprintf(f, "\n");
	for (int a = 0; a < CONF_AREAS; a++) {
		fprintf(f, "| %s |", conf_area_name(a));
		for (int i = 0; i < CONF_COLUMNS; i++) {
			const struct conf_count *c = &r->columns[i].areas[a];
			fprintf(f, " %zu / %zu (%zu) |", c->passed, c->passed + c->failed, c->failed);
		}
		fprintf(f, "\n");
	}
	fprintf(f, "\n");
}

static void file_mismatches(const struct conf_report *r, const struct conf_file *file, FILE *f)
{
	fprintf(f, "#### `%s` (%zu of %zu failed)\n\n", file->path, file->total.failed,
	        file->statements);
	if (file->error) {
		fprintf(f, "Malformed: `%s`\n\n", file->error);
		return;
	}
	fprintf(f, "```\n");
	for (size_t j = 0; j < file->nmismatches; j++) {
		const struct conf_mismatch *m = &file->mismatches[j];
		fprintf(f, "%s:%u: %s\n  expected: %s\n  actual:   %s\n", file->path, (unsigned)m->line,
		        m->statement, m->expected, m->actual);
		if (m->check)
			fprintf(f, "  check:    %s\n", m->check);
		if (file->column == CONF_COL_WINE_AS_WINDOWS) {
			char why[300];
			conf_explanation(r, m, why, sizeof why);
			fprintf(f, "  note:     %s\n", why);
		}
	}
	fprintf(f, "```\n\n");
}

static void mismatches(const struct conf_report *r, FILE *f)
{
	fprintf(f, "## Mismatches\n\n");
	for (int i = 0; i < CONF_COLUMNS; i++) {
		const struct conf_column *c = &r->columns[i];
		fprintf(f, "### %s: %zu mismatches\n\n", c->title, c->total.failed);
		if (i == CONF_COL_WINE_AS_WINDOWS)
			fprintf(f, "These are where ntvm in the Windows profile differs from Wine 8.0: "
			           "expected differences, %zu of them matched to a row of the "
			           "profile-difference table below.\n\n", c->explained);
		for (size_t j = 0; j < r->nfiles; j++)
			if (r->files[j].column == i && r->files[j].total.failed)
				file_mismatches(r, &r->files[j], f);
	}
}

static void differences(const struct conf_report *r, FILE *f)
{
	const struct conf_table *t = &r->differences;
	fprintf(f, "## Profile differences\n\n");
	if (!t->path || !t->ncols) {
		fprintf(f, "The difference table (docs/profile-differences.md) was not found.\n");
		return;
	}
	fprintf(f, "From `%s`:\n\n|", t->path);
	for (size_t j = 0; j < t->ncols; j++)
		fprintf(f, " %s |", t->header[j] ? t->header[j] : "");
	fprintf(f, "\n|");
	for (size_t j = 0; j < t->ncols; j++)
		fprintf(f, " --- |");
	fprintf(f, "\n");
	for (size_t i = 0; i < t->nrows; i++) {
		fprintf(f, "|");
		for (size_t j = 0; j < t->ncols; j++)
			fprintf(f, " %s |", t->rows[i][j] ? t->rows[i][j] : "");
		fprintf(f, "\n");
	}
}

int conf_write_markdown(const struct conf_report *r, FILE *f)
{
	fprintf(f, "# ntvm conformance report\n\n"
	           "Every committed trace under `%s` replayed against a fresh ntvm (64-bit "
	           "address profile) with `ntvm-replay`'s engine; every result field compared, "
	           "failing calls checked to change nothing, `$n` bases checked. "
	           "See docs/conformance.md for how to read this report.\n\n", r->reference);
	summary(r, f);
	matrix(r, f);
	mismatches(r, f);
	differences(r, f);
	return ferror(f) ? -1 : 0;
}
