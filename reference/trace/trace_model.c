/*
 * trace_model.c -- building and releasing traces in memory: a new empty
 * trace, header lines, appending statements (deep copies), dropping results.
 * The parser builds through the same calls, so a trace made in memory and one
 * read from text have one shape.
 */
#include <stdlib.h>
#include <string.h>

#include "trace_internal.h"

static char *dup_or_null(const char *s)
{
	return s ? trace_strndup(s, strlen(s)) : NULL;
}

struct ntvm_trace *ntvm_trace_new(const char *file, const char *source, uint64_t arena_base,
                                  uint64_t arena_size)
{
	struct ntvm_trace *t;

	if (source && (!trace_text_ok(source) || !source[0]))
		return NULL;
	t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->version = NTVM_TRACE_VERSION;
	t->arena_base = arena_base;
	t->arena_size = arena_size;
	t->file = dup_or_null(file ? file : "<trace>");
	t->source = dup_or_null(source ? source : "script");
	if (!t->file || !t->source) {
		ntvm_trace_free(t);
		return NULL;
	}
	return t;
}

int ntvm_trace_set_source(struct ntvm_trace *t, const char *source)
{
	char *s;

	if (!trace_text_ok(source) || !source[0])
		return -1;
	s = dup_or_null(source);
	if (!s)
		return -1;
	free(t->source);
	t->source = s;
	return 0;
}

static void refresh_named(struct ntvm_trace *t)
{
	t->title = t->origin = NULL;
	for (size_t i = t->nhdr; i > 0; i--) {
		if (strcmp(t->hdr[i - 1].key, "title") == 0)
			t->title = t->hdr[i - 1].text;
		if (strcmp(t->hdr[i - 1].key, "origin") == 0)
			t->origin = t->hdr[i - 1].text;
	}
}

int ntvm_trace_add_header(struct ntvm_trace *t, const char *key, const char *text)
{
	struct ntvm_trace_hdr *p;

	if (!trace_key_ok(key) || (text && !trace_text_ok(text)))
		return -1;
	p = realloc(t->hdr, (t->nhdr + 1) * sizeof *p);
	if (!p)
		return -1;
	t->hdr = p;
	memset(&p[t->nhdr], 0, sizeof p[t->nhdr]);
	p[t->nhdr].key = dup_or_null(key);
	p[t->nhdr].text = dup_or_null(text ? text : "");
	if (!p[t->nhdr].key || !p[t->nhdr].text) {
		free(p[t->nhdr].key);
		free(p[t->nhdr].text);
		return -1;
	}
	t->nhdr++;
	refresh_named(t);
	return 0;
}

int ntvm_trace_append(struct ntvm_trace *t, const struct ntvm_trace_stmt *s)
{
	struct ntvm_trace_stmt *d;

	if (ntvm_trace_stmt_check(s, NULL, 0) != 0)
		return -1;
	if (t->nstmts == t->cap_stmts) {
		size_t cap = t->cap_stmts ? t->cap_stmts * 2 : 32;
		struct ntvm_trace_stmt *p;

		if (cap > ((size_t)-1) / sizeof *p)
			return -1;
		p = realloc(t->stmts, cap * sizeof *p);
		if (!p)
			return -1;
		t->stmts = p;
		t->cap_stmts = cap;
	}
	d = &t->stmts[t->nstmts];
	*d = *s;
	d->pre = dup_or_null(s->pre);
	d->comment = dup_or_null(s->comment);
	d->file = dup_or_null(s->file);
	if ((s->pre && !d->pre) || (s->comment && !d->comment) || (s->file && !d->file)) {
		free(d->pre);
		free(d->comment);
		free(d->file);
		return -1;
	}
	if (d->binds > t->nbinds)
		t->nbinds = d->binds;
	if (d->binds_handle > t->nhandles)
		t->nhandles = d->binds_handle;
	t->nstmts++;
	return 0;
}

void ntvm_trace_strip_results(struct ntvm_trace *t)
{
	for (size_t i = 0; i < t->nstmts; i++) {
		struct ntvm_trace_stmt *s = &t->stmts[i];
		s->has_results = 0;
		s->nres = 0;
		s->nbytes = 0;
		memset(s->res, 0, sizeof s->res);
		memset(s->bytes, 0, sizeof s->bytes);
	}
}

void ntvm_trace_free(struct ntvm_trace *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nstmts; i++) {
		free(t->stmts[i].pre);
		free(t->stmts[i].comment);
		free(t->stmts[i].file);
	}
	for (size_t i = 0; i < t->nhdr; i++) {
		free(t->hdr[i].key);
		free(t->hdr[i].text);
		free(t->hdr[i].pre);
		free(t->hdr[i].comment);
	}
	for (int i = 0; i < NTVM_HDR_FIXED; i++) {
		free(t->fixed_pre[i]);
		free(t->fixed_comment[i]);
	}
	free(t->stmts);
	free(t->hdr);
	free(t->file);
	free(t->source);
	free(t->tail);
	free(t);
}
