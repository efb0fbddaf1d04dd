/*
 * trace_stmt.c -- one statement from its tokens: the op's argument count,
 * each argument and result by its kind, the rule that query and read write
 * their further results only on success, and $n binding (an alloc with ADDR 0
 * binds the next number; a use before its binding is an error).
 */
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
};

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
	int partial_ok = op == NTVM_OP_QUERY || op == NTVM_OP_READ;

	if (nres == full || (partial_ok && nres == 1))
		return 0;
	if (nres == 0)
		return trace_perr_set(e, toks[at].col, "'=>' must be followed by results (%s)",
		                      res_names[op]);
	return trace_perr_set(e, nres > full ? toks[at + 1 + full].col : toks[at].col,
	                      "%s has results %s; got %d field%s", ntvm_trace_op_name(op),
	                      res_names[op], nres, nres == 1 ? "" : "s");
}

/* query and read: the further results are there exactly when the call succeeded. */
static int check_success_shape(const struct trace_tok *toks, int at, struct ntvm_trace_stmt *s,
                               struct trace_perr *e)
{
	const struct ntvm_trace_val *st = &s->res[NTVM_RES_STATUS];
	int full = ntvm_trace_op_results(s->op);

	if ((s->op != NTVM_OP_QUERY && s->op != NTVM_OP_READ) || st->wild)
		return 0;
	if (s->nres == full && st->v != NTVM_STATUS_SUCCESS)
		return trace_perr_set(e, toks[at + 2].col,
		                      "a failed %s has only its STATUS as result",
		                      ntvm_trace_op_name(s->op));
	if (s->nres == 1 && st->v == NTVM_STATUS_SUCCESS)
		return trace_perr_set(e, toks[at + 1].col, "a successful %s needs all results (%s)",
		                      ntvm_trace_op_name(s->op), res_names[s->op]);
	return 0;
}

/* A result BASE written $n for the next n is the binding of an alloc with ADDR 0. */
static int parse_results(const struct trace_tok *toks, int ntoks, int at, uint32_t *nbinds,
                         int binder, struct ntvm_trace_stmt *s, struct trace_perr *e)
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
		int base_field = s->op == NTVM_OP_ALLOC && i == NTVM_RES_BASE;
		uint32_t allowed = *nbinds + (base_field ? 1 : 0);
		if (trace_parse_field(ntvm_trace_res_kind(s->op, i), tk, 1, allowed, &s->res[i],
		                      s->bytes, s->nbytes, e) != 0)
			return -1;
		if (base_field && s->res[i].form == NTVM_FORM_BOUND && s->res[i].bind == allowed) {
			if (!binder)
				return trace_perr_set(e, tk->col, "$%u is not bound yet (only an alloc with ADDR 0 binds a new $n)",
				                      (unsigned)allowed);
			if (s->res[i].v != 0)
				return trace_perr_set(e, tk->col, "a new binding is written $%u, without offset",
				                      (unsigned)allowed);
			s->binds = allowed;
		}
	}
	if (s->op != NTVM_OP_READ || s->nres < 2 || s->res[NTVM_RES_BYTES].wild)
		s->nbytes = 0;
	if (check_success_shape(toks, at, s, e) != 0)
		return -1;
	if (s->binds)
		*nbinds = s->binds;
	return 0;
}

int trace_parse_stmt_toks(const struct trace_tok *toks, int ntoks, int op, uint64_t arena_base,
                          uint32_t *nbinds, struct ntvm_trace_stmt *s, struct trace_perr *e)
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
	for (int i = 0; i < nargs; i++)
		if (trace_parse_field(ntvm_trace_arg_kind(op, i), &toks[1 + i], 0, *nbinds, &s->args[i],
		                      NULL, 0, e) != 0)
			return -1;
	binder = op == NTVM_OP_ALLOC && is_zero_addr(&s->args[NTVM_ARG_ADDR], arena_base);
	if (at < ntoks)
		return parse_results(toks, ntoks, at, nbinds, binder, s, e);
	if (binder)
		s->binds = ++*nbinds;
	return 0;
}
