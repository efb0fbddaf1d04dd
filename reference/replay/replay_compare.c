/*
 * replay_compare.c -- recorded results against ntvm's, field by field.
 *
 * Expected addresses are resolved through the session's bindings ($n is the
 * base ntvm chose), so `$1+0x1000` compares with ntvm's own address.  A
 * field written `*` is skipped.  ntvm's results are also turned back into
 * trace fields (canonical address forms) for printing and recording.
 */
#include "replay_internal.h"

#include <string.h>

static bool field_differs(const struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                          const struct replay_raw *raw, int i, char *why, size_t why_size)
{
	if (stmt->op == NTVM_OP_READ && i == NTVM_RES_BYTES)
		return stmt->nbytes != raw->nbytes || memcmp(stmt->bytes, raw->bytes, raw->nbytes) != 0;
	uint64_t want = stmt->res[i].v;
	enum ntvm_trace_kind kind = ntvm_trace_res_kind((enum ntvm_trace_op)stmt->op, i);
	if (kind == NTVM_KIND_HANDLE)
		return false; /* each system its own handles: replay_bind_section checks it */
	if (kind == NTVM_KIND_OPT_SIZE && (stmt->res[i].form == NTVM_FORM_NULL) != !raw->has_offset)
		return true;
	if (kind == NTVM_KIND_OPT_SIZE && !raw->has_offset)
		return false;
	if (kind == NTVM_KIND_ADDR && !replay_resolve(&s->env, &stmt->res[i], &want, why, why_size))
		return true;
	return want != replay_raw_field(stmt, raw, i);
}

uint32_t replay_compare(const struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                        const struct replay_raw *raw, char *why, size_t why_size)
{
	if (!stmt->has_results)
		return 0;
	int have = replay_raw_count(stmt, raw);
	int n = stmt->nres > have ? stmt->nres : have;
	uint32_t bits = 0;
	for (int i = 0; i < n; i++) {
		if (i < stmt->nres && stmt->res[i].wild)
			continue;
		if (i >= stmt->nres || i >= have || field_differs(s, stmt, raw, i, why, why_size))
			bits |= 1u << i;
	}
	return bits;
}

void replay_fill_results(const struct ntvm_trace_env *env, const struct ntvm_trace_stmt *stmt,
                         const struct replay_raw *raw, struct ntvm_trace_stmt *out)
{
	*out = *stmt;
	out->pre = NULL;
	out->comment = NULL;
	out->has_results = 1;
	out->nres = (uint8_t)replay_raw_count(stmt, raw);
	out->nbytes = 0;
	memset(out->res, 0, sizeof out->res);
	for (int i = 0; i < out->nres; i++) {
		if (stmt->op == NTVM_OP_READ && i == NTVM_RES_BYTES) {
			memcpy(out->bytes, raw->bytes, raw->nbytes);
			out->nbytes = (uint8_t)raw->nbytes;
			continue;
		}
		uint64_t value = replay_raw_field(stmt, raw, i);
		enum ntvm_trace_kind kind = ntvm_trace_res_kind((enum ntvm_trace_op)stmt->op, i);
		if (kind == NTVM_KIND_ADDR)
			out->res[i] = ntvm_trace_env_canon(env, value);
		else
			out->res[i].v = value;
		if (kind == NTVM_KIND_HANDLE) /* the file's %n; the recorder renumbers */
			out->res[i] = (struct ntvm_trace_val){ 0, NTVM_FORM_HANDLE, stmt->binds_handle, 0 };
		if (kind == NTVM_KIND_OPT_SIZE && !raw->has_offset)
			out->res[i].form = NTVM_FORM_NULL;
	}
}
