/*
 * trace_check.c -- what a statement or header line built in memory must
 * satisfy so that the writer's text parses back to it: field counts of the
 * op, LEN 1..64, BYTE 0..255, 32-bit flags and statuses, read bytes that
 * match LEN, wildcards only in results, $n numbers from 1, and header texts
 * without line breaks or '#'.  The parser never produces anything else; this
 * catches the same mistakes in code that builds traces (replayer --record,
 * fuzz findings).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ntvm/ntdefs.h"
#include "trace_internal.h"

static int bad(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (why && cap) {
		va_start(ap, fmt);
		vsnprintf(why, cap, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Which forms a field of the kind may take. */
static int form_ok(enum ntvm_trace_kind kind, unsigned form)
{
	switch (form) {
	case NTVM_FORM_ABS: return 1; /* FILE: pe:, its text in stmt.file */
	case NTVM_FORM_ARENA:
	case NTVM_FORM_BOUND: return kind == NTVM_KIND_ADDR;
	case NTVM_FORM_HANDLE: return kind == NTVM_KIND_HANDLE;
	case NTVM_FORM_NULL: return kind == NTVM_KIND_OPT_SIZE || kind == NTVM_KIND_FILE;
	default: return 0;
	}
}

static int check_val(enum ntvm_trace_kind kind, const struct ntvm_trace_val *v, int result,
                     char *why, size_t cap)
{
	if (v->wild)
		return result ? 0 : bad(why, cap, "'*' in an argument");
	if (!form_ok(kind, v->form))
		return bad(why, cap, "a form its field does not take (A, $n: not an address; "
		           "%%n: not a handle; -: not a pointer or file)");
	if ((v->form == NTVM_FORM_BOUND || v->form == NTVM_FORM_HANDLE) && v->bind == 0)
		return bad(why, cap, "$0 or %%0 is not a binding");
	switch (kind) {
	case NTVM_KIND_LEN:
		return v->v >= 1 && v->v <= NTVM_TRACE_MAX_BYTES ? 0 : bad(why, cap, "LEN outside 1..64");
	case NTVM_KIND_BYTE:
		return v->v <= 0xff ? 0 : bad(why, cap, "BYTE outside 0..255");
	case NTVM_KIND_MEM_TYPE:
	case NTVM_KIND_PROT:
	case NTVM_KIND_STATE:
	case NTVM_KIND_REGION_TYPE:
	case NTVM_KIND_STATUS:
	case NTVM_KIND_SEC_ATTR:
	case NTVM_KIND_ACCESS:
	case NTVM_KIND_INHERIT:
		return v->v <= UINT32_MAX ? 0 : bad(why, cap, "a flag or status wider than 32 bits");
	default:
		return 0;
	}
}

/* The section extension's result rules: the handle of a successful
 * section, map's OFFSET form. */
static int check_section_results(const struct ntvm_trace_stmt *s, char *why, size_t cap)
{
	const struct ntvm_trace_val *h = &s->res[NTVM_RES_SEC_HANDLE];

	if (s->op == NTVM_OP_SECTION && s->nres == 2 &&
	    (h->wild || h->form != NTVM_FORM_HANDLE || h->bind != s->binds_handle))
		return bad(why, cap, "a section's handle result is its own new %%n (binds_handle)");
	if (s->op == NTVM_OP_MAP && !s->res[NTVM_RES_MAP_OFFSET].wild &&
	    (s->args[NTVM_ARG_MAP_OFFSET].form == NTVM_FORM_NULL) !=
	    (s->res[NTVM_RES_MAP_OFFSET].form == NTVM_FORM_NULL))
		return bad(why, cap, "map's OFFSET result is '-' exactly when its argument is");
	return 0;
}

static int check_results(const struct ntvm_trace_stmt *s, char *why, size_t cap)
{
	int full = ntvm_trace_op_results(s->op);
	int partial = s->op == NTVM_OP_QUERY || s->op == NTVM_OP_READ || s->op == NTVM_OP_SECTION;
	const struct ntvm_trace_val *st = &s->res[NTVM_RES_STATUS];
	int ok = s->op == NTVM_OP_SECTION ? st->v < 0x80000000u : st->v == NTVM_STATUS_SUCCESS;

	if (s->nres != full && !(partial && s->nres == 1))
		return bad(why, cap, "%d results for %s", s->nres, ntvm_trace_op_name(s->op));
	if (partial && !st->wild && (s->nres == full) != ok)
		return bad(why, cap, "%s has all its results exactly when it succeeded",
		           ntvm_trace_op_name(s->op));
	if (check_section_results(s, why, cap) != 0)
		return -1;
	for (int i = 0; i < s->nres; i++)
		if (check_val(ntvm_trace_res_kind(s->op, i), &s->res[i], 1, why, cap) != 0)
			return -1;
	if (s->op == NTVM_OP_READ && s->nres == 2 && !s->res[NTVM_RES_BYTES].wild &&
	    s->nbytes != s->args[NTVM_ARG_LEN].v)
		return bad(why, cap, "read bytes do not match LEN");
	return 0;
}

/* section's FILE: `-` with no text, or pe: with a canonical description. */
static int check_file(const struct ntvm_trace_stmt *s, char *why, size_t cap)
{
	const char *reason = NULL;

	if (s->op != NTVM_OP_SECTION)
		return s->file ? bad(why, cap, "a file text on a statement other than section") : 0;
	if ((s->args[NTVM_ARG_SEC_FILE].form == NTVM_FORM_NULL) != (s->file == NULL))
		return bad(why, cap, "section's FILE is '-' exactly when it has no file text");
	if (s->file && trace_file_check(s->file, &reason) != 0)
		return bad(why, cap, "section's file: %s", reason);
	return 0;
}

int ntvm_trace_stmt_check(const struct ntvm_trace_stmt *s, char *why, size_t cap)
{
	if (s->op >= NTVM_OP_COUNT)
		return bad(why, cap, "unknown op %u", (unsigned)s->op);
	if (s->nargs < ntvm_trace_op_min_args(s->op) || s->nargs > ntvm_trace_op_max_args(s->op))
		return bad(why, cap, "%d arguments for %s", s->nargs, ntvm_trace_op_name(s->op));
	for (int i = 0; i < s->nargs; i++)
		if (check_val(ntvm_trace_arg_kind(s->op, i), &s->args[i], 0, why, cap) != 0)
			return -1;
	if (check_file(s, why, cap) != 0)
		return -1;
	if (s->has_results)
		return check_results(s, why, cap);
	return 0;
}

int trace_text_ok(const char *text)
{
	return text && strpbrk(text, "\n\r#") == NULL;
}

int trace_key_ok(const char *key)
{
	if (!key || key[0] < 'a' || key[0] > 'z')
		return 0;
	for (const char *p = key + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		      *p == '.'))
			return 0;
	return strcmp(key, "ntvm-trace") && strcmp(key, "source") && strcmp(key, "arena") &&
	       ntvm_trace_op_from_name(key, strlen(key)) < 0;
}
