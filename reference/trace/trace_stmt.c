/*
 * trace_stmt.c -- one statement from its tokens: the op's argument count,
 * each argument and result by its kind, the rule that query and read write
 * their further results only on success, and $n binding (an alloc with ADDR 0
 * binds the next number; a use before its binding is an error).  Sections
 * extend this: a map with ADDR 0 binds $n like an alloc, a section that
 * succeeds binds the next %n handle and has it as its second result.
 */
#include <stdlib.h>
#include <string.h>

#include "ntvm/ntdefs.h"
#include "trace_internal.h"

static const char *const res_names[NTVM_OP_COUNT] = {
	[NTVM_OP_ALLOC] = "STATUS BASE SIZE",
	[NTVM_OP_FREE] = "STATUS BASE SIZE",
	[NTVM_OP_PROTECT] = "STATUS BASE SIZE OLD",
	[NTVM_OP_QUERY] = "STATUS, or STATUS BASE ALLOCBASE ALLOCPROT SIZE STATE PROT TYPE",
	[NTVM_OP_READ] = "STATUS, or STATUS and the bytes",
	[NTVM_OP_WRITE] = "STATUS",
	[NTVM_OP_SECTION] = "STATUS, or STATUS and the new %n",
	[NTVM_OP_MAP] = "STATUS BASE OFFSET SIZE",
	[NTVM_OP_UNMAP] = "STATUS",
	[NTVM_OP_EXTEND] = "STATUS SIZE",
	[NTVM_OP_CLOSE] = "STATUS",
};

/* Ops whose further results are there only on success. */
static int has_partial_results(int op)
{
	return op == NTVM_OP_QUERY || op == NTVM_OP_READ || op == NTVM_OP_SECTION;
}

/* Ops whose result BASE (res[1]) binds $n when their ADDR is 0. */
static int binds_base(int op)
{
	return op == NTVM_OP_ALLOC || op == NTVM_OP_MAP;
}

static int check_nargs(const struct trace_tok *toks, int nargs, int op, struct trace_perr *e)
{
	int lo = ntvm_trace_op_min_args(op), hi = ntvm_trace_op_max_args(op);
	const char *name = ntvm_trace_op_name(op);

	if (nargs >= lo && nargs <= hi)
		return 0;
	if (lo == hi)
		return trace_perr_set(e, nargs > hi ? toks[hi + 1].col : toks[0].col,
		                      "%s takes %d argument%s, got %d", name, lo, lo == 1 ? "" : "s",
		                      nargs);
	return trace_perr_set(e, nargs > hi ? toks[hi + 1].col : toks[0].col,
	                      "%s takes %d or %d arguments, got %d", name, lo, hi, nargs);
}

/* ADDR 0 lets the system choose: absolute 0, or an arena form that comes to 0. */
static int is_zero_addr(const struct ntvm_trace_val *v, uint64_t arena_base)
{
	if (v->wild || v->form == NTVM_FORM_BOUND)
		return 0;
	return (v->form == NTVM_FORM_ARENA ? arena_base + v->v : v->v) == 0;
}

static int check_result_count(const struct trace_tok *toks, int at, int nres, int op,
                              struct trace_perr *e)
{
	int full = ntvm_trace_op_results(op);
	int partial_ok = has_partial_results(op);

	if (nres == full || (partial_ok && nres == 1))
		return 0;
	if (nres == 0)
		return trace_perr_set(e, toks[at].col, "'=>' must be followed by results (%s)",
		                      res_names[op]);
	return trace_perr_set(e, nres > full ? toks[at + 1 + full].col : toks[at].col,
	                      "%s has results %s; got %d field%s", ntvm_trace_op_name(op),
	                      res_names[op], nres, nres == 1 ? "" : "s");
}

/*
 * query and read: the further results are there exactly when the call
 * returned STATUS_SUCCESS; section: when it returned any success status.
 */
static int check_success_shape(const struct trace_tok *toks, int at, struct ntvm_trace_stmt *s,
                               struct trace_perr *e)
{
	const struct ntvm_trace_val *st = &s->res[NTVM_RES_STATUS];
	int full = ntvm_trace_op_results(s->op);
	int ok = s->op == NTVM_OP_SECTION ? st->v < 0x80000000u : st->v == NTVM_STATUS_SUCCESS;

	if (!has_partial_results(s->op) || st->wild)
		return 0;
	if (s->nres == full && !ok)
		return trace_perr_set(e, toks[at + 2].col,
		                      "a failed %s has only its STATUS as result",
		                      ntvm_trace_op_name(s->op));
	if (s->nres == 1 && ok)
		return trace_perr_set(e, toks[at + 1].col, "a successful %s needs all results (%s)",
		                      ntvm_trace_op_name(s->op), res_names[s->op]);
	return 0;
}

/* A successful section's handle: the next %n, written without anything else. */
static int parse_new_handle(const struct trace_tok *tk, uint32_t *nhandles,
                            struct ntvm_trace_stmt *s, struct trace_perr *e)
{
	uint32_t next = *nhandles + 1;
	struct ntvm_trace_val *v = &s->res[NTVM_RES_SEC_HANDLE];

	if (trace_parse_field(NTVM_KIND_HANDLE, tk, 1, 0, next, v, NULL, 0, e) != 0)
		return -1;
	if (v->wild || v->form != NTVM_FORM_HANDLE || v->bind != next)
		return trace_perr_set(e, tk->col, "a section's handle result is the next handle, %%%u",
		                      (unsigned)next);
	s->binds_handle = next;
	return 0;
}

/* map: a NULL SectionOffset stays NULL; a pointer stays a pointer. */
static int check_map_offset(const struct trace_tok *toks, int at, const struct ntvm_trace_stmt *s,
                            struct trace_perr *e)
{
	const struct ntvm_trace_val *arg = &s->args[NTVM_ARG_MAP_OFFSET];
	const struct ntvm_trace_val *res = &s->res[NTVM_RES_MAP_OFFSET];

	if (s->op != NTVM_OP_MAP || res->wild || (arg->form == NTVM_FORM_NULL) == (res->form == NTVM_FORM_NULL))
		return 0;
	return trace_perr_set(e, toks[at + 1 + NTVM_RES_MAP_OFFSET].col,
	                      "map's OFFSET result is '-' exactly when its OFFSET argument is");
}

/* A result BASE written $n for the next n is the binding of an alloc or map with ADDR 0. */
static int parse_results(const struct trace_tok *toks, int ntoks, int at, uint32_t *nbinds,
                         uint32_t *nhandles, int binder, struct ntvm_trace_stmt *s,
                         struct trace_perr *e)
{
	int nres = ntoks - at - 1;

	if (check_result_count(toks, at, nres, s->op, e) != 0)
		return -1;
	s->has_results = 1;
	s->nres = (uint8_t)nres;
	if (s->op == NTVM_OP_READ)
		s->nbytes = (uint8_t)s->args[NTVM_ARG_LEN].v;
	for (int i = 0; i < nres; i++) {
		const struct trace_tok *tk = &toks[at + 1 + i];
		int base_field = binds_base(s->op) && i == NTVM_RES_BASE;
		uint32_t allowed = *nbinds + (base_field ? 1 : 0);
		if (s->op == NTVM_OP_SECTION && i == NTVM_RES_SEC_HANDLE) {
			if (parse_new_handle(tk, nhandles, s, e) != 0)
				return -1;
			continue;
		}
		if (trace_parse_field(ntvm_trace_res_kind(s->op, i), tk, 1, allowed, *nhandles,
		                      &s->res[i], s->bytes, s->nbytes, e) != 0)
			return -1;
		if (base_field && s->res[i].form == NTVM_FORM_BOUND && s->res[i].bind == allowed) {
			if (!binder)
				return trace_perr_set(e, tk->col, "$%u is not bound yet (only an alloc or map with ADDR 0 binds a new $n)",
				                      (unsigned)allowed);
			if (s->res[i].v != 0)
				return trace_perr_set(e, tk->col, "a new binding is written $%u, without offset",
				                      (unsigned)allowed);
			s->binds = allowed;
		}
	}
	if (s->op != NTVM_OP_READ || s->nres < 2 || s->res[NTVM_RES_BYTES].wild)
		s->nbytes = 0;
	if (check_success_shape(toks, at, s, e) != 0 || check_map_offset(toks, at, s, e) != 0)
		return -1;
	if (s->binds)
		*nbinds = s->binds;
	if (s->binds_handle)
		*nhandles = s->binds_handle;
	return 0;
}

static int parse_args(const struct trace_tok *toks, int nargs, uint32_t nbinds, uint32_t nhandles,
                      struct ntvm_trace_stmt *s, struct trace_perr *e)
{
	for (int i = 0; i < nargs; i++) {
		enum ntvm_trace_kind kind = ntvm_trace_arg_kind(s->op, i);
		int rc = kind == NTVM_KIND_FILE
		         ? trace_parse_file(&toks[1 + i], &s->args[i], &s->file, e)
		         : trace_parse_field(kind, &toks[1 + i], 0, nbinds, nhandles, &s->args[i],
		                             NULL, 0, e);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int parse_stmt(const struct trace_tok *toks, int ntoks, int op, uint64_t arena_base,
                      uint32_t *nbinds, uint32_t *nhandles, struct ntvm_trace_stmt *s,
                      struct trace_perr *e)
{
	int at = 1, nargs, binder;

	while (at < ntoks && !(toks[at].n == 2 && memcmp(toks[at].s, "=>", 2) == 0))
		at++;
	nargs = at - 1;
	memset(s, 0, sizeof *s);
	s->op = (uint8_t)op;
	if (check_nargs(toks, nargs, op, e) != 0)
		return -1;
	s->nargs = (uint8_t)nargs;
	if (parse_args(toks, nargs, *nbinds, *nhandles, s, e) != 0)
		return -1;
	binder = binds_base(op) &&
	         is_zero_addr(&s->args[op == NTVM_OP_MAP ? NTVM_ARG_MAP_ADDR : NTVM_ARG_ADDR], arena_base);
	if (at < ntoks)
		return parse_results(toks, ntoks, at, nbinds, nhandles, binder, s, e);
	if (binder)
		s->binds = ++*nbinds;
	if (op == NTVM_OP_SECTION)
		s->binds_handle = ++*nhandles;
	return 0;
}

int trace_parse_stmt_toks(const struct trace_tok *toks, int ntoks, int op, uint64_t arena_base,
                          uint32_t *nbinds, uint32_t *nhandles, struct ntvm_trace_stmt *s,
                          struct trace_perr *e)
{
	if (parse_stmt(toks, ntoks, op, arena_base, nbinds, nhandles, s, e) == 0)
		return 0;
	free(s->file);
	s->file = NULL;
	return -1;
}
