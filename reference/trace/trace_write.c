/*
 * trace_write.c -- the canonical text of a trace.  Every writer in the
 * project (recorder, replayer --record, fuzz reproducers) goes through here,
 * so recordings differ only where results differ: lowercase hex, names for
 * known flag bits plus one hex number for the rest, A+off for addresses
 * inside the arena, $n forms as stored, absolute hex otherwise.  Comments and
 * blank lines kept by the parser are written back in place.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "trace_internal.h"

static void put_offset(struct trace_buf *b, uint64_t off)
{
	if (off == 0)
		return;
	if (off < (1ull << 63))
		trace_buf_printf(b, "+0x%" PRIx64, off);
	else
		trace_buf_printf(b, "-0x%" PRIx64, (uint64_t)0 - off);
}

static void put_addr(struct trace_buf *b, const struct ntvm_trace *t,
                     const struct ntvm_trace_val *v)
{
	uint64_t base = t ? t->arena_base : 0, size = t ? t->arena_size : 0, a;

	if (v->form == NTVM_FORM_BOUND) {
		trace_buf_printf(b, "$%" PRIu32, v->bind);
		put_offset(b, v->v);
		return;
	}
	a = v->form == NTVM_FORM_ARENA ? base + v->v : v->v;
	if (a >= base && a - base < size) {
		trace_buf_puts(b, "A");
		put_offset(b, a - base);
		return;
	}
	trace_buf_printf(b, "0x%" PRIx64, a);
}

static void put_status(struct trace_buf *b, uint32_t status)
{
	const char *name = ntvm_trace_status_name(status);

	if (name)
		trace_buf_puts(b, name);
	else
		trace_buf_printf(b, "0x%08" PRIx32, status);
}

static void put_inherit(struct trace_buf *b, uint32_t value)
{
	uint32_t named;

	for (size_t i = 0;; i++) {
		const char *name = ntvm_trace_flag_entry(NTVM_KIND_INHERIT, i, &named);
		if (!name)
			break;
		if (named == value) {
			trace_buf_puts(b, name);
			return;
		}
	}
	trace_buf_printf(b, "0x%" PRIx32, value);
}

void trace_buf_val(struct trace_buf *b, const struct ntvm_trace *t, enum ntvm_trace_kind kind,
                   const struct ntvm_trace_val *v, const uint8_t *bytes, size_t nbytes)
{
	if (v->wild) {
		trace_buf_puts(b, "*");
		return;
	}
	if (v->form == NTVM_FORM_NULL) {
		trace_buf_puts(b, "-");
		return;
	}
	if (v->form == NTVM_FORM_HANDLE) {
		trace_buf_printf(b, "%%%" PRIu32, v->bind);
		return;
	}
	switch (kind) {
	case NTVM_KIND_ADDR:
		put_addr(b, t, v);
		break;
	case NTVM_KIND_LEN:
		trace_buf_printf(b, "%" PRIu64, v->v);
		break;
	case NTVM_KIND_MEM_TYPE:
	case NTVM_KIND_PROT:
	case NTVM_KIND_STATE:
	case NTVM_KIND_REGION_TYPE:
	case NTVM_KIND_SEC_ATTR:
	case NTVM_KIND_ACCESS:
		trace_buf_flags(b, kind, (uint32_t)v->v);
		break;
	case NTVM_KIND_INHERIT:
		put_inherit(b, (uint32_t)v->v);
		break;
	case NTVM_KIND_FILE:
		trace_buf_puts(b, "pe:");
		trace_buf_put(b, (const char *)bytes, bytes ? nbytes : 0);
		break;
	case NTVM_KIND_STATUS:
		put_status(b, (uint32_t)v->v);
		break;
	case NTVM_KIND_BYTES:
		for (size_t i = 0; i < nbytes && bytes; i++)
			trace_buf_printf(b, "%02x", bytes[i]);
		break;
	default:
		trace_buf_printf(b, "0x%" PRIx64, v->v);
		break;
	}
}

void trace_buf_results(struct trace_buf *b, const struct ntvm_trace *t,
                       const struct ntvm_trace_stmt *s)
{
	for (int i = 0; i < s->nres && i < NTVM_TRACE_MAX_RESULTS; i++) {
		enum ntvm_trace_kind kind = ntvm_trace_res_kind((enum ntvm_trace_op)s->op, i);
		if (i)
			trace_buf_puts(b, " ");
		trace_buf_val(b, t, kind, &s->res[i], s->bytes, s->nbytes);
	}
}

void trace_buf_stmt(struct trace_buf *b, const struct ntvm_trace *t,
                    const struct ntvm_trace_stmt *s, int with_results)
{
	const char *name = ntvm_trace_op_name((enum ntvm_trace_op)s->op);

	trace_buf_puts(b, name ? name : "?");
	for (int i = 0; i < s->nargs && i < NTVM_TRACE_MAX_ARGS; i++) {
		enum ntvm_trace_kind kind = ntvm_trace_arg_kind((enum ntvm_trace_op)s->op, i);
		const char *file = kind == NTVM_KIND_FILE ? s->file : NULL;
		trace_buf_puts(b, " ");
		trace_buf_val(b, t, kind, &s->args[i], (const uint8_t *)file, file ? strlen(file) : 0);
	}
	if (with_results && s->has_results) {
		trace_buf_puts(b, " => ");
		trace_buf_results(b, t, s);
	}
}

/* Text that stays on its line: line breaks become spaces. */
static void put_one_line(struct trace_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		trace_buf_put(b, (s[i] == '\n' || s[i] == '\r') ? " " : &s[i], 1);
}

static void put_line_end(struct trace_buf *b, const char *comment)
{
	if (comment) {
		trace_buf_puts(b, comment[0] == '#' ? " " : " # ");
		put_one_line(b, comment, strlen(comment));
	}
	trace_buf_puts(b, "\n");
}

/* Comment and blank lines; any other line is made a comment. */
static void put_pre(struct trace_buf *b, const char *pre)
{
	while (pre && *pre) {
		const char *nl = strchr(pre, '\n');
		size_t n = nl ? (size_t)(nl - pre) : strlen(pre), k = 0;
		while (k < n && (pre[k] == ' ' || pre[k] == '\t'))
			k++;
		if (k < n && pre[k] != '#')
			trace_buf_puts(b, "# ");
		put_one_line(b, pre, n);
		trace_buf_puts(b, "\n");
		pre += n + (nl ? 1 : 0);
	}
}

static void write_header(struct trace_buf *b, const struct ntvm_trace *t)
{
	put_pre(b, t->fixed_pre[NTVM_HDR_MAGIC]);
	trace_buf_printf(b, "ntvm-trace %" PRIu32, t->version);
	put_line_end(b, t->fixed_comment[NTVM_HDR_MAGIC]);
	put_pre(b, t->fixed_pre[NTVM_HDR_SOURCE]);
	trace_buf_puts(b, "source ");
	trace_buf_puts(b, t->source ? t->source : "");
	put_line_end(b, t->fixed_comment[NTVM_HDR_SOURCE]);
	put_pre(b, t->fixed_pre[NTVM_HDR_ARENA]);
	trace_buf_printf(b, "arena 0x%016" PRIx64 " 0x%" PRIx64, t->arena_base, t->arena_size);
	put_line_end(b, t->fixed_comment[NTVM_HDR_ARENA]);
	for (size_t i = 0; i < t->nhdr; i++) {
		const struct ntvm_trace_hdr *h = &t->hdr[i];
		put_pre(b, h->pre);
		trace_buf_puts(b, h->key);
		if (h->text && h->text[0]) {
			trace_buf_puts(b, " ");
			trace_buf_puts(b, h->text);
		}
		put_line_end(b, h->comment);
	}
}

static void write_all(struct trace_buf *b, const struct ntvm_trace *t)
{
	write_header(b, t);
	for (size_t i = 0; i < t->nstmts; i++) {
		put_pre(b, t->stmts[i].pre);
		trace_buf_stmt(b, t, &t->stmts[i], 1);
		put_line_end(b, t->stmts[i].comment);
	}
	put_pre(b, t->tail);
}

char *ntvm_trace_write_string(const struct ntvm_trace *t, size_t *len)
{
	struct trace_buf b;

	trace_buf_init(&b);
	write_all(&b, t);
	if (b.oom || !b.data) {
		free(b.data);
		return NULL;
	}
	if (len)
		*len = b.len;
	return b.data;
}

int ntvm_trace_write(const struct ntvm_trace *t, FILE *f)
{
	size_t len;
	char *s = ntvm_trace_write_string(t, &len);
	int rc = 0;

	if (!s)
		return -1;
	if (fwrite(s, 1, len, f) != len)
		rc = -1;
	free(s);
	return rc;
}

static int finish(struct trace_buf *b)
{
	int n = (int)b->len;

	trace_buf_finish_fixed(b);
	return n;
}

int ntvm_trace_format_stmt(const struct ntvm_trace *t, const struct ntvm_trace_stmt *s,
                           int with_results, char *buf, size_t cap)
{
	struct trace_buf b;

	trace_buf_init_fixed(&b, buf, cap);
	trace_buf_stmt(&b, t, s, with_results);
	return finish(&b);
}

int ntvm_trace_format_results(const struct ntvm_trace *t, const struct ntvm_trace_stmt *s,
                              char *buf, size_t cap)
{
	struct trace_buf b;

	trace_buf_init_fixed(&b, buf, cap);
	trace_buf_results(&b, t, s);
	return finish(&b);
}

int ntvm_trace_format_val(const struct ntvm_trace *t, enum ntvm_trace_kind kind,
                          const struct ntvm_trace_val *v, const uint8_t *bytes, size_t nbytes,
                          char *buf, size_t cap)
{
	struct trace_buf b;

	trace_buf_init_fixed(&b, buf, cap);
	trace_buf_val(&b, t, kind, v, bytes, nbytes);
	return finish(&b);
}
