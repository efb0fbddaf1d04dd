/*
 * trace_fields.c -- parsing one field of a statement: numbers, addresses
 * (absolute, A+off, $n+off), flag sets, status codes, LEN, BYTE and the hex
 * byte string of a read.  Each function sees only its token (pointer and
 * length, no NUL), so nothing here can read past the input, and each failure
 * names the column and the reason.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "trace_internal.h"

int trace_perr_set(struct trace_perr *e, uint32_t col, const char *fmt, ...)
{
	va_list ap;

	e->col = col;
	va_start(ap, fmt);
	vsnprintf(e->reason, sizeof e->reason, fmt, ap);
	va_end(ap);
	return -1;
}

const char *trace_tok_quote(const struct trace_tok *tk, char *buf, size_t cap)
{
	size_t n = tk->n < 40 ? tk->n : 40, i;

	if (cap < 5)
		return "";
	if (n > cap - 4)
		n = cap - 4;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)tk->s[i];
		buf[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (n < tk->n) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int trace_parse_number(const struct trace_tok *tk, uint64_t *out, struct trace_perr *e)
{
	char q[48];
	uint64_t v = 0;
	size_t i = 0;
	int hex = tk->n >= 2 && tk->s[0] == '0' && (tk->s[1] == 'x' || tk->s[1] == 'X');

	if (hex)
		i = 2;
	if (i == tk->n)
		return trace_perr_set(e, tk->col, "bad number '%s'", trace_tok_quote(tk, q, sizeof q));
	for (; i < tk->n; i++) {
		int d = hex ? hex_digit(tk->s[i]) : (tk->s[i] >= '0' && tk->s[i] <= '9' ? tk->s[i] - '0' : -1);
		uint64_t base = hex ? 16 : 10;
		if (d < 0)
			return trace_perr_set(e, tk->col + (uint32_t)i, "bad number '%s'",
			                      trace_tok_quote(tk, q, sizeof q));
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return trace_perr_set(e, tk->col, "number overflow in '%s' (more than 64 bits)",
			                      trace_tok_quote(tk, q, sizeof q));
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return 0;
}

/* "+NUM" or "-NUM" after A or $n; empty means offset 0. */
static int parse_offset(const struct trace_tok *tk, size_t at, uint64_t *off, struct trace_perr *e)
{
	char q[48];
	struct trace_tok num;

	*off = 0;
	if (at == tk->n)
		return 0;
	if ((tk->s[at] != '+' && tk->s[at] != '-') || at + 1 == tk->n)
		return trace_perr_set(e, tk->col + (uint32_t)at,
		                      "bad address form '%s' (expected A, A+N, A-N, $n, $n+N, $n-N or a number)",
		                      trace_tok_quote(tk, q, sizeof q));
	num.s = tk->s + at + 1;
	num.n = tk->n - at - 1;
	num.col = tk->col + (uint32_t)at + 1;
	if (trace_parse_number(&num, off, e) != 0)
		return -1;
	if (tk->s[at] == '-')
		*off = (uint64_t)0 - *off;
	return 0;
}

static int parse_bound(const struct trace_tok *tk, uint32_t nbinds, struct ntvm_trace_val *v,
                       struct trace_perr *e)
{
	char q[48];
	uint64_t n = 0;
	size_t i = 1;

	while (i < tk->n && tk->s[i] >= '0' && tk->s[i] <= '9') {
		n = n * 10 + (uint64_t)(tk->s[i] - '0');
		if (n > UINT32_MAX)
			return trace_perr_set(e, tk->col, "binding number too large in '%s'",
			                      trace_tok_quote(tk, q, sizeof q));
		i++;
	}
	if (i == 1 || n == 0)
		return trace_perr_set(e, tk->col, "bad address form '%s' ($n needs n >= 1)",
		                      trace_tok_quote(tk, q, sizeof q));
	if (n > nbinds) {
		if (nbinds == 0)
			return trace_perr_set(e, tk->col, "$%u is not bound yet (no binding so far)",
			                      (unsigned)n);
		return trace_perr_set(e, tk->col, "$%u is not bound yet (bound so far: $1..$%u)",
		                      (unsigned)n, (unsigned)nbinds);
	}
	v->form = NTVM_FORM_BOUND;
	v->bind = (uint32_t)n;
	return parse_offset(tk, i, &v->v, e);
}

static int parse_addr(const struct trace_tok *tk, uint32_t nbinds, struct ntvm_trace_val *v,
                      struct trace_perr *e)
{
	if (tk->s[0] == 'A') {
		v->form = NTVM_FORM_ARENA;
		return parse_offset(tk, 1, &v->v, e);
	}
	if (tk->s[0] == '$')
		return parse_bound(tk, nbinds, v, e);
	if (tk->s[0] < '0' || tk->s[0] > '9') {
		char q[48];
		return trace_perr_set(e, tk->col,
		                      "bad address form '%s' (expected A, A+N, A-N, $n, $n+N, $n-N or a number)",
		                      trace_tok_quote(tk, q, sizeof q));
	}
	v->form = NTVM_FORM_ABS;
	return trace_parse_number(tk, &v->v, e);
}

/* "%n": a handle an earlier section bound. */
static int parse_handle_ref(const struct trace_tok *tk, uint32_t nhandles, struct ntvm_trace_val *v,
                            struct trace_perr *e)
{
	char q[48];
	uint64_t n = 0;
	size_t i = 1;

	while (i < tk->n && tk->s[i] >= '0' && tk->s[i] <= '9' && n <= UINT32_MAX)
		n = n * 10 + (uint64_t)(tk->s[i++] - '0');
	if (i == 1 || i != tk->n || n == 0 || n > UINT32_MAX)
		return trace_perr_set(e, tk->col, "bad handle '%s' (expected %%n with n >= 1, or a number)",
		                      trace_tok_quote(tk, q, sizeof q));
	if (n > nhandles)
		return trace_perr_set(e, tk->col, "%%%u is not bound yet (bound so far: %u handle%s)",
		                      (unsigned)n, (unsigned)nhandles, nhandles == 1 ? "" : "s");
	v->form = NTVM_FORM_HANDLE;
	v->bind = (uint32_t)n;
	return 0;
}

static int parse_handle(const struct trace_tok *tk, uint32_t nhandles, struct ntvm_trace_val *v,
                        struct trace_perr *e)
{
	if (tk->s[0] == '%')
		return parse_handle_ref(tk, nhandles, v, e);
	if (tk->s[0] < '0' || tk->s[0] > '9') {
		char q[48];
		return trace_perr_set(e, tk->col, "bad handle '%s' (expected %%n or a number)",
		                      trace_tok_quote(tk, q, sizeof q));
	}
	return trace_parse_number(tk, &v->v, e);
}

/* A number, or `-` for a NULL pointer. */
static int parse_opt_size(const struct trace_tok *tk, struct ntvm_trace_val *v, struct trace_perr *e)
{
	if (tk->n == 1 && tk->s[0] == '-') {
		v->form = NTVM_FORM_NULL;
		return 0;
	}
	return trace_parse_number(tk, &v->v, e);
}

/* ViewShare / ViewUnmap or a 32-bit number. */
static int parse_inherit(const struct trace_tok *tk, struct ntvm_trace_val *v, struct trace_perr *e)
{
	char q[48];
	uint32_t named;

	if (ntvm_trace_flag_from_name(NTVM_KIND_INHERIT, tk->s, tk->n, &named) == 0) {
		v->v = named;
		return 0;
	}
	if (tk->s[0] < '0' || tk->s[0] > '9')
		return trace_perr_set(e, tk->col, "bad INHERIT '%s' (ViewShare, ViewUnmap or a number)",
		                      trace_tok_quote(tk, q, sizeof q));
	if (trace_parse_number(tk, &v->v, e) != 0)
		return -1;
	if (v->v > UINT32_MAX)
		return trace_perr_set(e, tk->col, "INHERIT '%s' does not fit in 32 bits",
		                      trace_tok_quote(tk, q, sizeof q));
	return 0;
}

static const char *family_name(enum ntvm_trace_kind kind)
{
	switch (kind) {
	case NTVM_KIND_PROT: return "PAGE_*";
	case NTVM_KIND_SEC_ATTR: return "SEC_*";
	case NTVM_KIND_ACCESS: return "SECTION_* access";
	default: return "MEM_*";
	}
}

/* The flag families a name can belong to; MEM_TYPE stands for STATE and
 * REGION_TYPE too, which share its names. */
static const enum ntvm_trace_kind families[] = { NTVM_KIND_PROT, NTVM_KIND_MEM_TYPE,
	                                         NTVM_KIND_SEC_ATTR, NTVM_KIND_ACCESS };

static int other_family_has(enum ntvm_trace_kind kind, const struct trace_tok *part)
{
	enum ntvm_trace_kind own = kind == NTVM_KIND_STATE || kind == NTVM_KIND_REGION_TYPE
	                                   ? NTVM_KIND_MEM_TYPE : kind;
	uint32_t other;

	for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
		if (families[i] != own &&
		    ntvm_trace_flag_from_name(families[i], part->s, part->n, &other) == 0)
			return 1;
	return 0;
}

static int parse_flag_part(enum ntvm_trace_kind kind, const struct trace_tok *part,
                           uint32_t *out, struct trace_perr *e)
{
	char q[48];
	uint64_t n;

	if (part->n == 0)
		return trace_perr_set(e, part->col, "empty flag name (stray '|')");
	if (part->s[0] >= '0' && part->s[0] <= '9') {
		if (trace_parse_number(part, &n, e) != 0)
			return -1;
		if (n > UINT32_MAX)
			return trace_perr_set(e, part->col, "flag value '%s' does not fit in 32 bits",
			                      trace_tok_quote(part, q, sizeof q));
		*out = (uint32_t)n;
		return 0;
	}
	if (ntvm_trace_flag_from_name(kind, part->s, part->n, out) == 0)
		return 0;
	if (other_family_has(kind, part))
		return trace_perr_set(e, part->col, "'%s' is not a %s flag (arguments swapped?)",
		                      trace_tok_quote(part, q, sizeof q), family_name(kind));
	return trace_perr_set(e, part->col, "unknown flag name '%s'", trace_tok_quote(part, q, sizeof q));
}

static int parse_flags(enum ntvm_trace_kind kind, const struct trace_tok *tk, uint64_t *out,
                       struct trace_perr *e)
{
	uint32_t acc = 0, v;
	size_t start = 0;

	for (size_t i = 0; i <= tk->n; i++) {
		struct trace_tok part;
		if (i < tk->n && tk->s[i] != '|')
			continue;
		part.s = tk->s + start;
		part.n = i - start;
		part.col = tk->col + (uint32_t)start;
		if (parse_flag_part(kind, &part, &v, e) != 0)
			return -1;
		acc |= v;
		start = i + 1;
	}
	*out = acc;
	return 0;
}

static int parse_status(const struct trace_tok *tk, uint64_t *out, struct trace_perr *e)
{
	char q[48];
	uint32_t v = 0;

	if (ntvm_trace_status_from_name(tk->s, tk->n, &v) == 0) {
		*out = v;
		return 0;
	}
	if (tk->n >= 7 && memcmp(tk->s, "STATUS_", 7) == 0)
		return trace_perr_set(e, tk->col, "unknown status name '%s'", trace_tok_quote(tk, q, sizeof q));
	if (tk->n != 10 || tk->s[0] != '0' || (tk->s[1] != 'x' && tk->s[1] != 'X'))
		return trace_perr_set(e, tk->col,
		                      "bad status '%s' (a STATUS_* name or 0x and 8 hex digits)",
		                      trace_tok_quote(tk, q, sizeof q));
	for (size_t i = 2; i < 10; i++) {
		int d = hex_digit(tk->s[i]);
		if (d < 0)
			return trace_perr_set(e, tk->col + (uint32_t)i,
			                      "bad status '%s' (a STATUS_* name or 0x and 8 hex digits)",
			                      trace_tok_quote(tk, q, sizeof q));
		v = v * 16 + (uint32_t)d;
	}
	*out = v;
	return 0;
}

static int parse_bytes(const struct trace_tok *tk, uint8_t *bytes, size_t nbytes,
                       struct trace_perr *e)
{
	if (tk->n != 2 * nbytes)
		return trace_perr_set(e, tk->col, "read of %u bytes needs %u hex digits, got %u",
		                      (unsigned)nbytes, (unsigned)(2 * nbytes), (unsigned)tk->n);
	for (size_t i = 0; i < nbytes; i++) {
		int hi = hex_digit(tk->s[2 * i]), lo = hex_digit(tk->s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return trace_perr_set(e, tk->col + (uint32_t)(2 * i + (hi < 0 ? 0 : 1)),
			                      "bad hex digit in read bytes");
		bytes[i] = (uint8_t)(hi * 16 + lo);
	}
	return 0;
}

static int parse_ranged(const struct trace_tok *tk, const char *what, uint64_t lo, uint64_t hi,
                        uint64_t *out, struct trace_perr *e)
{
	if (trace_parse_number(tk, out, e) != 0)
		return -1;
	if (*out < lo || *out > hi)
		return trace_perr_set(e, tk->col, "%s %llu is outside %llu..%llu", what,
		                      (unsigned long long)*out, (unsigned long long)lo,
		                      (unsigned long long)hi);
	return 0;
}

int trace_parse_field(enum ntvm_trace_kind kind, const struct trace_tok *tk, int allow_wild,
                      uint32_t nbinds, uint32_t nhandles, struct ntvm_trace_val *v, uint8_t *bytes,
                      size_t nbytes, struct trace_perr *e)
{
	memset(v, 0, sizeof *v);
	if (tk->n == 1 && tk->s[0] == '*') {
		if (!allow_wild)
			return trace_perr_set(e, tk->col, "'*' is only allowed in results");
		v->wild = 1;
		return 0;
	}
	switch (kind) {
	case NTVM_KIND_ADDR: return parse_addr(tk, nbinds, v, e);
	case NTVM_KIND_LEN: return parse_ranged(tk, "LEN", 1, NTVM_TRACE_MAX_BYTES, &v->v, e);
	case NTVM_KIND_BYTE: return parse_ranged(tk, "BYTE", 0, 255, &v->v, e);
	case NTVM_KIND_MEM_TYPE:
	case NTVM_KIND_PROT:
	case NTVM_KIND_STATE:
	case NTVM_KIND_REGION_TYPE:
	case NTVM_KIND_SEC_ATTR:
	case NTVM_KIND_ACCESS: return parse_flags(kind, tk, &v->v, e);
	case NTVM_KIND_OPT_SIZE: return parse_opt_size(tk, v, e);
	case NTVM_KIND_HANDLE: return parse_handle(tk, nhandles, v, e);
	case NTVM_KIND_INHERIT: return parse_inherit(tk, v, e);
	case NTVM_KIND_FILE: return trace_perr_set(e, tk->col, "a FILE field is parsed with its statement");
	case NTVM_KIND_STATUS: return parse_status(tk, &v->v, e);
	case NTVM_KIND_BYTES: return parse_bytes(tk, bytes, nbytes, e);
	default: return trace_parse_number(tk, &v->v, e);
	}
}
