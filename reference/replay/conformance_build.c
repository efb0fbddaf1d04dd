/*
 * conformance_build.c -- replays the reference traces for the report and
 * keeps counts and mismatch texts per file, column and API area.
 */
#define _POSIX_C_SOURCE 200809L
#include "conformance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "replay_files.h"

static const char *const area_names[CONF_AREAS] = { "alloc", "free", "protect", "query",
	                                            "access", "section" };

const char *conf_area_name(int area)
{
	return area >= 0 && area < CONF_AREAS ? area_names[area] : "?";
}

static int area_of(uint8_t op)
{
	switch (op) {
	case NTVM_OP_ALLOC: return CONF_ALLOC;
	case NTVM_OP_FREE: return CONF_FREE;
	case NTVM_OP_PROTECT: return CONF_PROTECT;
	case NTVM_OP_QUERY: return CONF_QUERY;
	case NTVM_OP_READ:
	case NTVM_OP_WRITE: return CONF_ACCESS;
	default: return CONF_SECTION;
	}
}

static void init_columns(struct conf_report *r)
{
	static const struct conf_column proto[CONF_COLUMNS] = {
		{ "wine-8.0", "Wine 8.0 recordings (wine-8.0 profile)", "recordings",
		  NTVM_BEHAVIOUR_WINE_8_0, { { 0, 0 } }, { 0, 0 }, 0, 0, 0 },
		{ "windows", "Windows expectations (windows profile)", "expectations",
		  NTVM_BEHAVIOUR_WINDOWS, { { 0, 0 } }, { 0, 0 }, 0, 0, 0 },
		{ "wine-as-windows", "Wine 8.0 recordings under the windows profile", "recordings",
		  NTVM_BEHAVIOUR_WINDOWS, { { 0, 0 } }, { 0, 0 }, 0, 0, 0 },
	};
	memcpy(r->columns, proto, sizeof proto);
}

static struct conf_file *new_file(struct conf_report *r, const char *path, int column)
{
	if (r->nfiles == r->capfiles) {
		size_t cap = r->capfiles ? r->capfiles * 2 : 64;
		struct conf_file *p = realloc(r->files, cap * sizeof *p);
		if (!p)
			return NULL;
		r->files = p;
		r->capfiles = cap;
	}
	struct conf_file *f = &r->files[r->nfiles];
	memset(f, 0, sizeof *f);
	size_t skip = strlen(r->reference);
	if (strncmp(path, r->reference, skip) == 0 && path[skip] == '/')
		path += skip + 1;
	f->path = strdup(path);
	f->column = column;
	if (!f->path)
		return NULL;
	r->nfiles++;
	return f;
}

static char *format_text(const struct ntvm_trace *t, const struct ntvm_trace_stmt *s,
                         int results)
{
	char buf[1024];
	if (results)
		ntvm_trace_format_results(t, s, buf, sizeof buf);
	else
		ntvm_trace_format_stmt(t, s, 0, buf, sizeof buf);
	return strdup(buf);
}

static const char *status_of(const struct ntvm_trace_stmt *s)
{
	if (!s->has_results || s->nres == 0 || s->res[0].wild)
		return NULL;
	const char *name = ntvm_trace_status_name((uint32_t)s->res[0].v);
	return name ? name : "";
}

/* Appends to out the |-separated names of word a missing from word b. */
static void names_missing(const char *a, size_t na, const char *b, size_t nb, char *out,
                          size_t cap)
{
	for (size_t i = 0; i < na;) {
		size_t n = strcspn(a + i, "|");
		n = n < na - i ? n : na - i;
		bool found = false;
		for (size_t j = 0; j < nb && !found;) {
			size_t m = strcspn(b + j, "|");
			m = m < nb - j ? m : nb - j;
			found = m == n && strncmp(a + i, b + j, n) == 0;
			j += m + 1;
		}
		size_t used = strlen(out);
		if (!found && used + n + 2 < cap)
			snprintf(out + used, cap - used, "%.*s ", (int)n, a + i);
		i += n + 1;
	}
}

/* The flag names that differ between two result texts, field by field. */
static void differing_names(const char *expected, const char *actual, char *out, size_t cap)
{
	out[0] = '\0';
	const char *p = expected, *q = actual;
	while (*p || *q) {
		size_t n = strcspn(p, " "), m = strcspn(q, " ");
		if (n != m || strncmp(p, q, n) != 0) {
			names_missing(p, n, q, m, out, cap);
			names_missing(q, m, p, n, out, cap);
		}
		p += n + strspn(p + n, " ");
		q += m + strspn(q + m, " ");
	}
}

static bool add_mismatch(const struct conf_report *r, struct conf_file *f,
                         const struct ntvm_trace *t, const struct ntvm_replay_outcome *o)
{
	struct conf_mismatch *p = realloc(f->mismatches, (f->nmismatches + 1) * sizeof *p);
	if (!p)
		return false;
	f->mismatches = p;
	struct conf_mismatch *m = &p[f->nmismatches++];
	memset(m, 0, sizeof *m);
	m->line = o->line;
	m->area = area_of(o->expected->op);
	m->row = -1;
	m->follows = f->nmismatches > 1;
	m->statement = format_text(t, o->expected, 0);
	m->expected = o->expected->has_results ? format_text(t, o->expected, 1) : strdup("(none)");
	m->actual = o->executed ? format_text(t, &o->actual, 1) : strdup("(not executed)");
	m->check = o->why[0] ? strdup(o->why) : NULL;
	if (f->column == CONF_COL_WINE_AS_WINDOWS && o->executed && m->expected && m->actual) {
		char differing[512], stem[256];
		differing_names(m->expected, m->actual, differing, sizeof differing);
		const char *base = replay_basename(f->path);
		snprintf(stem, sizeof stem, "%.*s", (int)strcspn(base, "."), base);
		struct conf_question q = { status_of(o->expected), status_of(&o->actual), m->statement,
			                   differing, stem };
		bool behaviour = false;
		m->row = conf_table_explain(&r->differences, &q, &m->weak, &behaviour);
		/* After an earlier difference, a behaviour row is weaker evidence
		 * than the difference it most likely follows from. */
		if (behaviour && m->follows)
			m->row = -1;
	}
	return m->statement && m->expected && m->actual && (!o->why[0] || m->check);
}

static void count(struct conf_count *c, bool ok)
{
	if (ok)
		c->passed++;
	else
		c->failed++;
}

static bool replay_into(struct conf_report *r, struct conf_file *f, const struct ntvm_trace *t)
{
	struct conf_column *c = &r->columns[f->column];
	struct ntvm_replay_report rep;
	if (ntvm_replay_run(t, c->behaviour, false, &rep) != 0)
		return false;
	bool ok = true;
	f->statements = rep.count;
	for (size_t i = 0; ok && i < rep.count; i++) {
		const struct ntvm_replay_outcome *o = &rep.outcomes[i];
		int area = area_of(o->expected->op);
		count(&f->areas[area], o->ok);
		count(&f->total, o->ok);
		count(&c->areas[area], o->ok);
		count(&c->total, o->ok);
		if (!o->ok) {
			ok = add_mismatch(r, f, t, o);
			if (ok && f->mismatches[f->nmismatches - 1].row >= 0 &&
			    !f->mismatches[f->nmismatches - 1].weak)
				c->explained++;
		}
	}
	ntvm_replay_report_free(&rep);
	return ok;
}

static bool run_file(struct conf_report *r, const char *path, int column)
{
	struct conf_file *f = new_file(r, path, column);
	if (!f)
		return false;
	struct conf_column *c = &r->columns[column];
	c->files++;
	struct ntvm_trace *t = NULL;
	struct ntvm_trace_error err;
	bool ok = true;
	if (ntvm_trace_load(path, &t, &err) != 0) {
		char text[700];
		ntvm_trace_error_format(&err, text, sizeof text);
		f->error = strdup(text);
		f->total.failed = 1;
		c->total.failed++;
		ok = f->error != NULL;
	} else {
		f->title = t->title ? strdup(t->title) : NULL;
		ok = replay_into(r, f, t) && (!t->title || f->title);
	}
	if (f->total.failed)
		c->files_failed++;
	ntvm_trace_free(t);
	return ok;
}

static bool run_column(struct conf_report *r, int column)
{
	char dir[4096], err[512];
	snprintf(dir, sizeof dir, "%s/%s", r->reference, r->columns[column].folder);
	if (!replay_is_dir(dir))
		return true;
	struct replay_files files = { 0 };
	bool ok = replay_files_add(&files, dir, err, sizeof err);
	for (size_t i = 0; ok && i < files.count; i++)
		ok = run_file(r, files.paths[i], column);
	replay_files_free(&files);
	return ok;
}

bool conf_build(struct conf_report *r, const char *reference, const char *differences_md)
{
	memset(r, 0, sizeof *r);
	init_columns(r);
	r->reference = strdup(reference);
	if (!r->reference || !conf_table_read(&r->differences, differences_md))
		return false;
	for (int c = 0; c < CONF_COLUMNS; c++)
		if (!run_column(r, c))
			return false;
	return true;
}

void conf_free(struct conf_report *r)
{
	for (size_t i = 0; i < r->nfiles; i++) {
		struct conf_file *f = &r->files[i];
		for (size_t j = 0; j < f->nmismatches; j++) {
			free(f->mismatches[j].statement);
			free(f->mismatches[j].expected);
			free(f->mismatches[j].actual);
			free(f->mismatches[j].check);
		}
		free(f->mismatches);
		free(f->path);
		free(f->title);
		free(f->error);
	}
	free(r->files);
	free(r->reference);
	conf_table_free(&r->differences);
	memset(r, 0, sizeof *r);
}

/* The first cell of a row that is more than a number: its situation. */
static const char *row_label(char **row, size_t ncols)
{
	for (size_t j = 0; j < ncols; j++)
		if (row[j] && row[j][strspn(row[j], "#0123456789 ")] != '\0')
			return row[j];
	return "";
}

void conf_explanation(const struct conf_report *r, const struct conf_mismatch *m, char *buf,
                      size_t cap)
{
	const struct conf_table *t = &r->differences;
	const char *label = m->row >= 0 && t->ncols ? row_label(t->rows[m->row], t->ncols) : "";
	if (m->row >= 0 && !m->weak)
		snprintf(buf, cap, "explained by profile-difference row %d: %s", m->row + 1, label);
	else if (m->follows)
		snprintf(buf, cap, "follows an earlier difference in this file");
	else if (m->row >= 0)
		snprintf(buf, cap, "probably profile-difference row %d: %s (a behaviour row of this "
		                   "call; it names none of the differing values)", m->row + 1, label);
	else
		snprintf(buf, cap, "not matched to a profile-difference row");
}

size_t conf_unexplained(const struct conf_report *r, int column, int area)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nfiles; i++) {
		const struct conf_file *f = &r->files[i];
		if (f->column != column)
			continue;
		n += f->error && area < 0;
		for (size_t j = 0; j < f->nmismatches; j++) {
			const struct conf_mismatch *m = &f->mismatches[j];
			n += (area < 0 || m->area == area) && (m->row < 0 || m->weak) && !m->follows;
		}
	}
	return n;
}
