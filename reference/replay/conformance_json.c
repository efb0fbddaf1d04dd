/*
 * conformance_json.c -- the report as JSON for machines: per column and area
 * counts, per file counts and every mismatch, and the difference table.
 */
#include "conformance.h"

static void str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void counts(FILE *f, const struct conf_count *c)
{
	fprintf(f, "{\"passed\": %zu, \"failed\": %zu}", c->passed, c->failed);
}

static void areas(FILE *f, const struct conf_count *a)
{
	fputc('{', f);
	for (int i = 0; i < CONF_AREAS; i++) {
		fprintf(f, "%s\"%s\": ", i ? ", " : "", conf_area_name(i));
		counts(f, &a[i]);
	}
	fputc('}', f);
}

static void columns(const struct conf_report *r, FILE *f)
{
	fputs("  \"sources\": [\n", f);
	for (int i = 0; i < CONF_COLUMNS; i++) {
		const struct conf_column *c = &r->columns[i];
		fprintf(f, "    {\"id\": \"%s\", \"title\": ", c->id);
		str(f, c->title);
		fprintf(f, ", \"folder\": \"%s\", \"profile\": \"%s\", \"files\": %zu, "
		           "\"files_failed\": %zu, \"explained\": %zu, \"total\": ",
		        c->folder, c->behaviour == NTVM_BEHAVIOUR_WINE_8_0 ? "wine-8.0" : "windows",
		        c->files, c->files_failed, c->explained);
		counts(f, &c->total);
		fputs(", \"areas\": ", f);
		areas(f, c->areas);
		fprintf(f, "}%s\n", i + 1 < CONF_COLUMNS ? "," : "");
	}
	fputs("  ],\n", f);
}

static void mismatch(const struct conf_report *r, const struct conf_file *file,
                     const struct conf_mismatch *m, FILE *f, bool last)
{
	fprintf(f, "        {\"line\": %u, \"area\": \"%s\", \"statement\": ", (unsigned)m->line,
	        conf_area_name(m->area));
	str(f, m->statement);
	fputs(", \"expected\": ", f);
	str(f, m->expected);
	fputs(", \"actual\": ", f);
	str(f, m->actual);
	fputs(", \"check\": ", f);
	str(f, m->check);
	if (file->column == CONF_COL_WINE_AS_WINDOWS) {
		char why[300];
		conf_explanation(r, m, why, sizeof why);
		fprintf(f, ", \"difference_row\": %d, \"behaviour_row\": %s, \"follows\": %s, "
		           "\"note\": ", m->row >= 0 ? m->row + 1 : 0, m->weak ? "true" : "false",
		        m->follows ? "true" : "false");
		str(f, why);
	}
	fprintf(f, "}%s\n", last ? "" : ",");
}

static void file_entry(const struct conf_report *r, const struct conf_file *file, FILE *f,
                       bool last)
{
	fprintf(f, "    {\"file\": ");
	str(f, file->path);
	fprintf(f, ", \"source\": \"%s\", \"title\": ", r->columns[file->column].id);
	str(f, file->title);
	fputs(", \"error\": ", f);
	str(f, file->error);
	fprintf(f, ", \"statements\": %zu, \"total\": ", file->statements);
	counts(f, &file->total);
	fputs(", \"areas\": ", f);
	areas(f, file->areas);
	fputs(",\n      \"mismatches\": [\n", f);
	for (size_t j = 0; j < file->nmismatches; j++)
		mismatch(r, file, &file->mismatches[j], f, j + 1 == file->nmismatches);
	fprintf(f, "      ]}%s\n", last ? "" : ",");
}

static void table(const struct conf_table *t, FILE *f)
{
	fputs("  \"profile_differences\": {\"path\": ", f);
	str(f, t->path);
	fputs(", \"header\": [", f);
	for (size_t j = 0; j < t->ncols; j++) {
		fputs(j ? ", " : "", f);
		str(f, t->header[j]);
	}
	fputs("], \"rows\": [", f);
	for (size_t i = 0; i < t->nrows; i++) {
		fputs(i ? ",\n    [" : "\n    [", f);
		for (size_t j = 0; j < t->ncols; j++) {
			fputs(j ? ", " : "", f);
			str(f, t->rows[i][j]);
		}
		fputc(']', f);
	}
	fputs("]}\n", f);
}

int conf_write_json(const struct conf_report *r, FILE *f)
{
	fputs("{\n  \"format\": \"ntvm-conformance 1\",\n  \"reference\": ", f);
	str(f, r->reference);
	fputs(",\n", f);
	columns(r, f);
	fputs("  \"files\": [\n", f);
	for (size_t i = 0; i < r->nfiles; i++)
		file_entry(r, &r->files[i], f, i + 1 == r->nfiles);
	fputs("  ],\n", f);
	table(&r->differences, f);
	fputs("}\n", f);
	return ferror(f) ? -1 : 0;
}
