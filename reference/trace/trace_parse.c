/*
 * trace_parse.c -- text to trace.  The input is split into lines with
 * bounded scans (no NUL terminator needed, NUL bytes rejected), each line
 * into its code and its comment, the code into blank-separated tokens.  The
 * header is a small state machine (magic, source, arena, then free keys);
 * statements are checked field by field against the op's shape, and $n
 * bindings are counted as they appear so that a use before its binding is an
 * error.  Every failure reports file, line, column and reason.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_internal.h"

#define MAX_TOKS 24

enum stage { ST_MAGIC, ST_SOURCE, ST_ARENA, ST_KEYS, ST_STMTS };

struct parser {
	const char *data;
	size_t len, pos;
	uint32_t lineno;
	struct ntvm_trace *t;
	struct ntvm_trace_error *err;
	struct trace_buf pre;    /* comment and blank lines waiting for their line */
	enum stage stage;
	const char *code;        /* the current line without its comment */
	size_t ncode;
	const char *comment;     /* from '#' on, trailing blanks cut; NULL if none */
	size_t ncomment;
	struct trace_tok toks[MAX_TOKS];
	int ntoks;
};

static int fail(struct parser *p, uint32_t col, const char *fmt, ...)
{
	va_list ap;

	if (!p->err)
		return -1;
	p->err->line = p->lineno;
	p->err->column = col;
	va_start(ap, fmt);
	vsnprintf(p->err->reason, sizeof p->err->reason, fmt, ap);
	va_end(ap);
	return -1;
}

static int fail_perr(struct parser *p, const struct trace_perr *e)
{
	return fail(p, e->col, "%s", e->reason);
}

static int oom(struct parser *p)
{
	return fail(p, 0, "out of memory");
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits the code part of the line into tokens. */
static int tokenize(struct parser *p)
{
	size_t i = 0;

	p->ntoks = 0;
	while (i < p->ncode) {
		size_t start;
		while (i < p->ncode && is_blank(p->code[i]))
			i++;
		if (i == p->ncode)
			break;
		start = i;
		while (i < p->ncode && !is_blank(p->code[i]))
			i++;
		if (p->ntoks == MAX_TOKS)
			return fail(p, (uint32_t)start + 1, "too many fields on one line (more than %d)",
			            MAX_TOKS);
		p->toks[p->ntoks].s = p->code + start;
		p->toks[p->ntoks].n = i - start;
		p->toks[p->ntoks].col = (uint32_t)start + 1;
		p->ntoks++;
	}
	return 0;
}

/* Takes the waiting comment lines as a string (NULL if none). */
static int take_pre(struct parser *p, char **out)
{
	*out = NULL;
	if (p->pre.len == 0)
		return 0;
	if (p->pre.oom)
		return oom(p);
	*out = trace_strndup(p->pre.data, p->pre.len);
	p->pre.len = 0;
	return *out ? 0 : oom(p);
}

static int take_comment(struct parser *p, char **out)
{
	*out = NULL;
	if (!p->comment)
		return 0;
	*out = trace_strndup(p->comment, p->ncomment);
	return *out ? 0 : oom(p);
}

/* The text after the first token, blanks at both ends cut. */
static void rest_text(const struct parser *p, const char **s, size_t *n)
{
	const char *a = p->toks[0].s + p->toks[0].n, *end = p->code + p->ncode;

	while (a < end && is_blank(*a))
		a++;
	while (end > a && is_blank(end[-1]))
		end--;
	*s = a;
	*n = (size_t)(end - a);
}

static int tok_is(const struct trace_tok *tk, const char *word)
{
	return tk->n == strlen(word) && memcmp(tk->s, word, tk->n) == 0;
}

static int attach_fixed(struct parser *p, int which)
{
	if (take_pre(p, &p->t->fixed_pre[which]) != 0)
		return -1;
	return take_comment(p, &p->t->fixed_comment[which]);
}

static int parse_magic(struct parser *p)
{
	struct trace_perr e;
	uint64_t v;

	if (!tok_is(&p->toks[0], "ntvm-trace"))
		return fail(p, 1, "expected the header line 'ntvm-trace 1' first");
	if (p->ntoks != 2)
		return fail(p, p->ntoks > 2 ? p->toks[2].col : 1,
		            "'ntvm-trace' takes exactly one field, the version");
	if (trace_parse_number(&p->toks[1], &v, &e) != 0)
		return fail_perr(p, &e);
	if (v != NTVM_TRACE_VERSION)
		return fail(p, p->toks[1].col, "unsupported trace version %llu (this reader knows %d)",
		            (unsigned long long)v, NTVM_TRACE_VERSION);
	p->t->version = (uint32_t)v;
	return attach_fixed(p, NTVM_HDR_MAGIC);
}

static int parse_source(struct parser *p)
{
	const char *s;
	size_t n;

	if (!tok_is(&p->toks[0], "source"))
		return fail(p, 1, "expected the header line 'source TEXT' after 'ntvm-trace 1'");
	rest_text(p, &s, &n);
	if (n == 0)
		return fail(p, 1, "'source' needs a text (e.g. 'script' or 'wine-8.0 x86_64')");
	free(p->t->source);
	p->t->source = trace_strndup(s, n);
	if (!p->t->source)
		return oom(p);
	return attach_fixed(p, NTVM_HDR_SOURCE);
}

static int parse_arena(struct parser *p)
{
	struct trace_perr e;
	uint64_t base, size;

	if (!tok_is(&p->toks[0], "arena"))
		return fail(p, 1, "expected the header line 'arena BASE SIZE' after 'source'");
	if (p->ntoks != 3)
		return fail(p, p->ntoks > 3 ? p->toks[3].col : 1, "'arena' takes exactly BASE and SIZE");
	if (trace_parse_number(&p->toks[1], &base, &e) != 0 ||
	    trace_parse_number(&p->toks[2], &size, &e) != 0)
		return fail_perr(p, &e);
	if (base % NTVM_TRACE_ARENA_ALIGN)
		return fail(p, p->toks[1].col, "arena base 0x%llx is not 64 KiB aligned",
		            (unsigned long long)base);
	if (size == 0)
		return fail(p, p->toks[2].col, "arena size must not be 0");
	if (base + size < base)
		return fail(p, p->toks[2].col, "arena runs past the end of the address space");
	p->t->arena_base = base;
	p->t->arena_size = size;
	return attach_fixed(p, NTVM_HDR_ARENA);
}

static int is_key_word(const struct trace_tok *tk)
{
	if (tk->s[0] < 'a' || tk->s[0] > 'z')
		return 0;
	for (size_t i = 1; i < tk->n; i++) {
		char c = tk->s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

static int is_fixed_key(const struct trace_tok *tk)
{
	return tok_is(tk, "ntvm-trace") || tok_is(tk, "source") || tok_is(tk, "arena");
}

static int parse_key(struct parser *p)
{
	struct ntvm_trace *t = p->t;
	struct ntvm_trace_hdr *h;
	const char *s;
	size_t n;
	char q[48];

	if (is_fixed_key(&p->toks[0]))
		return fail(p, 1, "duplicate header line '%s'", trace_tok_quote(&p->toks[0], q, sizeof q));
	if (!is_key_word(&p->toks[0]))
		return fail(p, 1, "unknown op '%s'", trace_tok_quote(&p->toks[0], q, sizeof q));
	rest_text(p, &s, &n);
	{
		char *key = trace_strndup(p->toks[0].s, p->toks[0].n), *text = trace_strndup(s, n);
		int rc = (key && text) ? ntvm_trace_add_header(t, key, text) : -1;
		free(key);
		free(text);
		if (rc != 0)
			return oom(p);
	}
	h = &t->hdr[t->nhdr - 1];
	h->line = p->lineno;
	if (take_pre(p, &h->pre) != 0)
		return -1;
	return take_comment(p, &h->comment);
}

static int parse_stmt(struct parser *p, int op)
{
	struct ntvm_trace_stmt s;
	struct trace_perr e;
	int rc;

	memset(&s, 0, sizeof s);
	if (trace_parse_stmt_toks(p->toks, p->ntoks, op, p->t->arena_base, &p->t->nbinds,
	                          &p->t->nhandles, &s, &e) != 0)
		return fail_perr(p, &e);
	s.line = p->lineno;
	if (take_pre(p, &s.pre) != 0 || take_comment(p, &s.comment) != 0) {
		free(s.pre);
		free(s.file);
		return -1;
	}
	rc = ntvm_trace_append(p->t, &s);
	free(s.pre);
	free(s.comment);
	free(s.file);
	return rc == 0 ? 0 : oom(p);
}

static int parse_line(struct parser *p)
{
	int op = ntvm_trace_op_from_name(p->toks[0].s, p->toks[0].n);
	char q[48];

	switch (p->stage) {
	case ST_MAGIC: p->stage = ST_SOURCE; return parse_magic(p);
	case ST_SOURCE: p->stage = ST_ARENA; return parse_source(p);
	case ST_ARENA: p->stage = ST_KEYS; return parse_arena(p);
	case ST_KEYS:
		if (op < 0)
			return parse_key(p);
		p->stage = ST_STMTS;
		return parse_stmt(p, op);
	default:
		if (op >= 0)
			return parse_stmt(p, op);
		if (is_fixed_key(&p->toks[0]) || tok_is(&p->toks[0], "title") ||
		    tok_is(&p->toks[0], "origin"))
			return fail(p, 1, "header line '%s' after the first statement",
			            trace_tok_quote(&p->toks[0], q, sizeof q));
		return fail(p, 1, "unknown op '%s'", trace_tok_quote(&p->toks[0], q, sizeof q));
	}
}

/* Splits one line (without its \n) into code and comment, checks its bytes. */
static int split_line(struct parser *p, const char *line, size_t n)
{
	const char *hash;

	if (n && line[n - 1] == '\r')
		n--;
	if (memchr(line, '\0', n))
		return fail(p, (uint32_t)((const char *)memchr(line, '\0', n) - line) + 1, "NUL byte in the text");
	if (memchr(line, '\r', n))
		return fail(p, (uint32_t)((const char *)memchr(line, '\r', n) - line) + 1,
		            "carriage return inside a line");
	hash = memchr(line, '#', n);
	p->code = line;
	p->ncode = hash ? (size_t)(hash - line) : n;
	p->comment = hash;
	p->ncomment = hash ? n - p->ncode : 0;
	while (p->ncomment && is_blank(p->comment[p->ncomment - 1]))
		p->ncomment--;
	return 0;
}

static int do_line(struct parser *p, const char *line, size_t n)
{
	if (split_line(p, line, n) != 0 || tokenize(p) != 0)
		return -1;
	if (p->ntoks > 0)
		return parse_line(p);
	/* A comment or blank line: kept verbatim (blanks at the end cut). */
	{
		size_t keep = p->comment ? (size_t)(p->comment - line) + p->ncomment : 0;
		trace_buf_put(&p->pre, line, keep);
		trace_buf_put(&p->pre, "\n", 1);
	}
	return p->pre.oom ? oom(p) : 0;
}

static int finish(struct parser *p)
{
	static const char *const missing[] = { "'ntvm-trace 1'", "'source'", "'arena'" };

	if (p->stage < ST_KEYS) {
		if (p->lineno == 0)
			p->lineno = 1;
		return fail(p, 0, "the file ends before the %s header line", missing[p->stage]);
	}
	return take_pre(p, &p->t->tail);
}

static void set_file(struct ntvm_trace_error *err, const char *file)
{
	if (!err)
		return;
	memset(err, 0, sizeof *err);
	snprintf(err->file, sizeof err->file, "%s", file ? file : "<trace>");
}

int ntvm_trace_parse(const char *data, size_t len, const char *file, struct ntvm_trace **out,
                     struct ntvm_trace_error *err)
{
	struct parser p;
	int rc = 0;

	*out = NULL;
	set_file(err, file);
	memset(&p, 0, sizeof p);
	p.data = data;
	p.len = data ? len : 0;
	p.err = err;
	trace_buf_init(&p.pre);
	p.t = ntvm_trace_new(file, "script", 0, 0);
	if (!p.t)
		return oom(&p);
	while (rc == 0 && p.pos < p.len) {
		const char *line = p.data + p.pos;
		const char *nl = memchr(line, '\n', p.len - p.pos);
		size_t n = nl ? (size_t)(nl - line) : p.len - p.pos;
		p.lineno++;
		p.pos += n + (nl ? 1 : 0);
		rc = do_line(&p, line, n);
	}
	if (rc == 0)
		rc = finish(&p);
	free(p.pre.data);
	if (rc != 0) {
		ntvm_trace_free(p.t);
		return -1;
	}
	*out = p.t;
	return 0;
}
