/*
 * conformance_html.c -- the report as one self-contained HTML page (inline
 * CSS, no scripts, no external assets): summary, the area x source matrix in
 * green/amber/red, every mismatch with the differing result fields marked,
 * and the profile-difference table.
 */
#include "conformance.h"

#include <string.h>

static const char css[] =
	"body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;"
	"margin:2em auto;max-width:70em;padding:0 1em;color:#1b1f23;line-height:1.45}"
	"h1{font-size:1.7em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}"
	"table{border-collapse:collapse;margin:.6em 0}"
	"th,td{border:1px solid #c8ccd0;padding:.35em .7em;text-align:left;vertical-align:top}"
	"th{background:#f3f4f6}td.n{text-align:right;font-variant-numeric:tabular-nums}"
	"td.pass{background:#d4f4dd;color:#0b5d1e}td.fail{background:#fbd5d5;color:#8a1313}"
	"td.diff{background:#fdebc8;color:#7a4a00}td.none{background:#f3f4f6;color:#888}"
	"td.cell{text-align:center;font-weight:600;min-width:9em}"
	"pre{background:#f6f8fa;border:1px solid #e1e4e8;padding:.6em;overflow-x:auto;"
	"font-size:.86em;margin:.3em 0}"
	"del{background:#fbd5d5;text-decoration:none}ins{background:#c9f0d3;text-decoration:none}"
	"details{margin:.4em 0}summary{cursor:pointer;font-family:monospace}"
	".note{color:#555;font-style:italic}.legend span{padding:.1em .5em;margin-right:.5em}"
	"code{background:#f3f4f6;padding:0 .2em}"
	"div.wide{overflow-x:auto}div.wide table{font-size:.8em;width:100%}div.wide td{overflow-wrap:break-word}";

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* A markdown table cell: escaped, `code` spans as <code>. */
static void esc_cell(FILE *f, const char *s)
{
	bool code = false;
	for (; s && *s; s++) {
		if (*s == '`') {
			fputs(code ? "</code>" : "<code>", f);
			code = !code;
		} else if (*s == '\\' && s[1] == '|') {
			continue;
		} else {
			char c[2] = { *s, 0 };
			esc(f, c);
		}
	}
	if (code)
		fputs("</code>", f);
}

static void summary(const struct conf_report *r, FILE *f)
{
	fputs("<h2 id=summary>Summary</h2>\n<table><tr><th>source</th><th>files</th><th>files failing</th>"
	      "<th>statements</th><th>passed</th><th>failed</th><th>pass rate</th></tr>\n", f);
	for (int i = 0; i < CONF_COLUMNS; i++) {
		const struct conf_column *c = &r->columns[i];
		size_t n = c->total.passed + c->total.failed;
		double pct = n ? 100.0 * (double)c->total.passed / (double)n : 100.0;
		fprintf(f, "<tr><td>%s</td><td class=n>%zu</td><td class=n>%zu</td><td class=n>%zu</td>"
		           "<td class=n>%zu</td><td class=n>%zu</td><td class=n>%.1f%%</td></tr>\n",
		        c->title, c->files, c->files_failed, n, c->total.passed, c->total.failed, pct);
	}
	fputs("</table>\n", f);
}

static const char *cell_class(const struct conf_report *r, int column, int area)
{
	const struct conf_count *c = &r->columns[column].areas[area];
	if (c->passed + c->failed == 0)
		return "none";
	if (c->failed == 0)
		return "pass";
	if (column == CONF_COL_WINE_AS_WINDOWS && conf_unexplained(r, column, area) == 0)
		return "diff";
	return "fail";
}

static void matrix(const struct conf_report *r, FILE *f)
{
	fputs("<h2 id=matrix>API area &times; source</h2>\n<p class=legend><span class=pass "
	      "style=\"background:#d4f4dd\">all pass</span><span style=\"background:#fdebc8\">"
	      "expected profile differences only</span><span style=\"background:#fbd5d5\">"
	      "failures</span></p>\n<table><tr><th>area</th>", f);
	for (int i = 0; i < CONF_COLUMNS; i++) {
		fputs("<th>", f);
		esc(f, r->columns[i].title);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (int a = 0; a < CONF_AREAS; a++) {
		fprintf(f, "<tr><th>%s</th>", conf_area_name(a));
		for (int i = 0; i < CONF_COLUMNS; i++) {
			const struct conf_count *c = &r->columns[i].areas[a];
			fprintf(f, "<td class=\"cell %s\">%zu / %zu passed<br>%zu failed</td>",
			        cell_class(r, i, a), c->passed, c->passed + c->failed, c->failed);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* Writes `label` then the words of line, marking those that differ from
 * the same position in other with tag. */
static void diff_line(FILE *f, const char *label, const char *line, const char *other,
                      const char *tag)
{
	fputs(label, f);
	const char *p = line, *q = other;
	while (*p) {
		size_t n = strcspn(p, " "), m = strcspn(q, " ");
		bool same = n == m && strncmp(p, q, n) == 0;
		char word[512];
		snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word - 1 ? n : sizeof word - 1), p);
		if (!same)
			fprintf(f, "<%s>", tag);
		esc(f, word);
		if (!same)
			fprintf(f, "</%s>", tag);
		p += n;
		q += m;
		for (; *p == ' '; p++)
			fputc(' ', f);
		while (*q == ' ')
			q++;
	}
	fputc('\n', f);
}

static void mismatch(const struct conf_report *r, const struct conf_file *file,
                     const struct conf_mismatch *m, FILE *f)
{
	fputs("<pre>", f);
	esc(f, file->path);
	fprintf(f, ":%u: ", (unsigned)m->line);
	esc(f, m->statement);
	fputc('\n', f);
	diff_line(f, "  expected: ", m->expected, m->actual, "del");
	diff_line(f, "  actual:   ", m->actual, m->expected, "ins");
	if (m->check) {
		fputs("  check:    ", f);
		esc(f, m->check);
		fputc('\n', f);
	}
	if (file->column == CONF_COL_WINE_AS_WINDOWS) {
		char why[300];
		conf_explanation(r, m, why, sizeof why);
		fputs("  <span class=note>", f);
		esc(f, why);
		fputs("</span>\n", f);
	}
	fputs("</pre>\n", f);
}

static void file_block(const struct conf_report *r, const struct conf_file *file, FILE *f)
{
	fputs("<details open><summary>", f);
	esc(f, file->path);
	fprintf(f, " &mdash; %zu of %zu failed", file->total.failed, file->statements);
	if (file->title) {
		fputs(" &mdash; ", f);
		esc(f, file->title);
	}
	fputs("</summary>\n", f);
	if (file->error) {
		fputs("<pre>malformed: ", f);
		esc(f, file->error);
		fputs("</pre>\n", f);
	}
	for (size_t j = 0; j < file->nmismatches; j++)
		mismatch(r, file, &file->mismatches[j], f);
	fputs("</details>\n", f);
}

static void mismatches(const struct conf_report *r, FILE *f)
{
	for (int i = 0; i < CONF_COLUMNS; i++) {
		const struct conf_column *c = &r->columns[i];
		fprintf(f, "<h2 id=\"mismatches-%s\">", c->id);
		esc(f, c->title);
		fprintf(f, ": %zu mismatches</h2>\n", c->total.failed);
		if (i == CONF_COL_WINE_AS_WINDOWS)
			fprintf(f, "<p>Where ntvm in the Windows profile differs from Wine 8.0. These are "
			           "expected differences; %zu are matched to a row of the profile-difference "
			           "table.</p>\n", c->explained);
		if (c->total.failed == 0)
			fputs("<p>None.</p>\n", f);
		for (size_t j = 0; j < r->nfiles; j++)
			if (r->files[j].column == i && r->files[j].total.failed)
				file_block(r, &r->files[j], f);
	}
}

/* Every file of every source, folded away: counts and a colour each. */
static void files(const struct conf_report *r, FILE *f)
{
	fputs("<h2 id=files>Files</h2>\n<details><summary>every replayed file (click to open)"
	      "</summary>\n<table><tr><th>source</th><th>file</th><th>title</th><th>passed</th>"
	      "<th>failed</th></tr>\n", f);
	for (size_t i = 0; i < r->nfiles; i++) {
		const struct conf_file *file = &r->files[i];
		fprintf(f, "<tr><td>%s</td><td><code>", r->columns[file->column].id);
		esc(f, file->path);
		fputs("</code></td><td>", f);
		esc(f, file->error ? file->error : file->title);
		fprintf(f, "</td><td class=n>%zu</td><td class=\"n %s\">%zu</td></tr>\n",
		        file->total.passed, file->total.failed ? "fail" : "pass", file->total.failed);
	}
	fputs("</table></details>\n", f);
}

static void differences(const struct conf_report *r, FILE *f)
{
	const struct conf_table *t = &r->differences;
	fputs("<h2 id=differences>Profile differences</h2>\n", f);
	if (!t->path || !t->ncols) {
		fputs("<p>The difference table (docs/profile-differences.md) was not found.</p>\n", f);
		return;
	}
	fputs("<p>From <code>", f);
	esc(f, t->path);
	bool numbered = t->ncols && t->header[0] && strcmp(t->header[0], "#") == 0;
	fputs("</code>:</p>\n<div class=wide><table>", f);
	fputs(numbered ? "<tr>" : "<tr><th>#</th>", f);
	for (size_t j = 0; j < t->ncols; j++) {
		fputs("<th>", f);
		esc_cell(f, t->header[j]);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (size_t i = 0; i < t->nrows; i++) {
		if (numbered)
			fputs("<tr>", f);
		else
			fprintf(f, "<tr><td class=n>%zu</td>", i + 1);
		for (size_t j = 0; j < t->ncols; j++) {
			fputs("<td>", f);
			esc_cell(f, t->rows[i][j]);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

int conf_write_html(const struct conf_report *r, FILE *f)
{
	fprintf(f, "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n"
	           "<title>ntvm conformance report</title>\n<style>%s</style></head><body>\n"
	           "<h1>ntvm conformance report</h1>\n<p>Every committed trace under <code>",
	        css);
	esc(f, r->reference);
	fputs("</code> replayed against a fresh ntvm (64-bit address profile): every result field "
	      "compared, failing calls checked to change nothing, <code>$n</code> bases checked. "
	      "See <code>docs/conformance.md</code>.</p>\n", f);
	fputs("<p>Contents: <a href=\"#summary\">summary</a> &middot; <a href=\"#matrix\">matrix</a>", f);
	for (int i = 0; i < CONF_COLUMNS; i++)
		fprintf(f, " &middot; <a href=\"#mismatches-%s\">%s mismatches</a>", r->columns[i].id,
		        r->columns[i].id);
	fputs(" &middot; <a href=\"#files\">files</a> &middot; <a href=\"#differences\">profile "
	      "differences</a></p>\n", f);
	summary(r, f);
	matrix(r, f);
	mismatches(r, f);
	files(r, f);
	differences(r, f);
	fputs("</body></html>\n", f);
	return ferror(f) ? -1 : 0;
}
