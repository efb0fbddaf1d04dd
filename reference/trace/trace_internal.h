/*
 * trace_internal.h -- what the trace library's files share and nothing else
 * sees: a small text buffer that either grows (malloc) or fills a caller's
 * fixed array with snprintf semantics, and the per-field formatting the
 * writer and the single-line formatters both use.
 */
#ifndef NTVM_TRACE_INTERNAL_H
#define NTVM_TRACE_INTERNAL_H

#include <stddef.h>

#include "trace.h"

struct trace_buf {
	char *data;
	size_t len;   /* length of the full text, even past cap for fixed buffers */
	size_t cap;
	int fixed;    /* 1: data is the caller's array of cap bytes */
	int oom;      /* a growable buffer failed to grow */
};

void trace_buf_init(struct trace_buf *b);
void trace_buf_init_fixed(struct trace_buf *b, char *buf, size_t cap);
/* NUL-terminates a fixed buffer (truncating). */
void trace_buf_finish_fixed(struct trace_buf *b);
void trace_buf_put(struct trace_buf *b, const char *s, size_t n);
void trace_buf_puts(struct trace_buf *b, const char *s);
#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 2, 3)))
#endif
void trace_buf_printf(struct trace_buf *b, const char *fmt, ...);

void trace_buf_flags(struct trace_buf *b, enum ntvm_trace_kind kind, uint32_t value);
void trace_buf_val(struct trace_buf *b, const struct ntvm_trace *t, enum ntvm_trace_kind kind,
                   const struct ntvm_trace_val *v, const uint8_t *bytes, size_t nbytes);
void trace_buf_stmt(struct trace_buf *b, const struct ntvm_trace *t,
                    const struct ntvm_trace_stmt *s, int with_results);
void trace_buf_results(struct trace_buf *b, const struct ntvm_trace *t,
                       const struct ntvm_trace_stmt *s);

char *trace_strndup(const char *s, size_t n);

/* A token of a line being parsed, and a parse error inside that line. */
struct trace_tok {
	const char *s;
	size_t n;
	uint32_t col; /* 1-based */
};
struct trace_perr {
	uint32_t col;
	char reason[200];
};

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 3, 4)))
#endif
int trace_perr_set(struct trace_perr *e, uint32_t col, const char *fmt, ...);
/* The token for a message: at most 40 bytes, unprintable bytes as '?'. */
const char *trace_tok_quote(const struct trace_tok *tk, char *buf, size_t cap);
int trace_parse_number(const struct trace_tok *tk, uint64_t *out, struct trace_perr *e);

/*
 * One field of the given kind.  allow_wild: `*` accepted (results).
 * nbinds: highest $n a bound address may name.  For NTVM_KIND_BYTES, bytes
 * receives nbytes bytes (the hex string must have exactly 2 * nbytes digits).
 */
int trace_parse_field(enum ntvm_trace_kind kind, const struct trace_tok *tk, int allow_wild,
                      uint32_t nbinds, uint32_t nhandles, struct ntvm_trace_val *v, uint8_t *bytes,
                      size_t nbytes, struct trace_perr *e);

/*
 * A FILE field: `-` (form NULL, *desc NULL) or pe:DESC, where DESC must parse
 * and lay out with the PE builder; *desc receives its canonical text
 * (malloc'd).
 */
int trace_parse_file(const struct trace_tok *tk, struct ntvm_trace_val *v, char **desc,
                     struct trace_perr *e);
/* 0 if desc is a PE description in canonical form, else -1 and a reason. */
int trace_file_check(const char *desc, const char **why);

/*
 * One statement from its tokens (toks[0] is the op, already known to be op).
 * *nbinds / *nhandles are the highest $n / %n bound so far; they grow when
 * the statement binds.  Fills everything in *s but line, pre and comment; on
 * success s->file may hold a malloc'd text the caller frees.
 */
int trace_parse_stmt_toks(const struct trace_tok *toks, int ntoks, int op, uint64_t arena_base,
                          uint32_t *nbinds, uint32_t *nhandles, struct ntvm_trace_stmt *s,
                          struct trace_perr *e);

/* 1 if text can be a header text (no line break, no '#'); key: a header key word. */
int trace_text_ok(const char *text);
int trace_key_ok(const char *key);

#endif /* NTVM_TRACE_INTERNAL_H */
