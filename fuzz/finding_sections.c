/*
 * finding_sections.c -- the section calls of a finding as trace statements
 * (docs/trace-format.md, "Sections"): section, map, unmap, extend, close,
 * with the model's results.  A section's handle binds the next %n, and
 * later calls name a handle by the newest %n bound to its value; a map
 * that lets the system choose binds the next $n, as an alloc does.  A data
 * file or a PE with a changed byte has no pe: description: such a section
 * stays a comment line (and the calls on its handle name it by number).
 */
#include <string.h>

#include "harness.h"
#include "trace.h"

static struct ntvm_trace_val value(uint64_t v)
{
	return (struct ntvm_trace_val){0, NTVM_FORM_ABS, 0, v};
}

static struct ntvm_trace_val null_or(bool given, uint64_t v)
{
	return given ? value(v) : (struct ntvm_trace_val){0, NTVM_FORM_NULL, 0, 0};
}

static struct ntvm_trace_val handle(const struct ntvm_trace_env *env, uint64_t h)
{
	for (uint32_t n = env->nhandles; h && n > 0; n--)
		if (env->handles[n - 1] == h)
			return (struct ntvm_trace_val){0, NTVM_FORM_HANDLE, n, 0};
	return value(h);
}

static struct ntvm_trace_val address(const struct ntvm_trace_env *env, uint64_t a)
{
	return a ? ntvm_trace_env_canon(env, a) : value(0);
}

static bool is_success(uint64_t status)
{
	return (uint32_t)status < 0x80000000u;
}

static bool section_stmt(const fuzz_log *l, struct ntvm_trace_env *env, struct ntvm_trace_stmt *s)
{
	if (l->arg[5] == 2 || (l->arg[5] == 1 && !l->file_exact))
		return false;
	s->nargs = 5;
	s->args[0] = null_or(l->arg[4] != 0, l->arg[0]);
	s->args[1] = value(l->arg[1]);
	s->args[2] = value(l->arg[2]);
	s->args[3] = (struct ntvm_trace_val){0, NTVM_FORM_NULL, 0, 0};
	s->args[4] = value(l->arg[3]);
	if (l->arg[5] == 1)
		s->file = (char *)l->file; /* ntvm_trace_append copies it */
	if (l->arg[5] == 1)
		s->args[3].form = NTVM_FORM_ABS;
	if (is_success(l->model[0])) {
		s->binds_handle = ntvm_trace_env_bind_handle(env, l->model[1]);
		s->res[1] = (struct ntvm_trace_val){0, NTVM_FORM_HANDLE, s->binds_handle, 0};
		s->nres = 2;
	}
	return true;
}

static void map_stmt(const fuzz_log *l, struct ntvm_trace_env *env, struct ntvm_trace_stmt *s)
{
	s->nargs = 9;
	s->args[0] = handle(env, l->arg[0]);
	s->args[1] = address(env, l->arg[1]);
	s->args[2] = value(l->arg[2]);
	s->args[3] = value(l->arg[3]);
	s->args[4] = null_or(l->arg[9] != 0, l->arg[4]);
	for (int k = 5; k < 9; k++)
		s->args[k] = value(l->arg[k]);
	bool chose = l->arg[1] == 0 && (l->model[0] == NTVM_STATUS_SUCCESS ||
	                                l->model[0] == NTVM_STATUS_IMAGE_NOT_AT_BASE);
	if (chose)
		s->binds = ntvm_trace_env_bind(env, l->model[1], l->model[3]);
	s->res[1] = address(env, l->model[1]);
	s->res[2] = null_or(l->arg[9] != 0, l->model[2]);
	s->res[3] = value(l->model[3]);
	s->nres = 4;
}

bool fuzz_section_statement(const fuzz_log *l, struct ntvm_trace_env *env,
                            struct ntvm_trace_stmt *s)
{
	static const uint8_t ops[] = {NTVM_OP_SECTION, NTVM_OP_MAP, NTVM_OP_UNMAP, NTVM_OP_EXTEND,
	                              NTVM_OP_CLOSE};
	if (l->op < FOP_NT_SECTION || l->op > FOP_NT_CLOSE)
		return false;
	memset(s, 0, sizeof *s);
	s->op = ops[l->op - FOP_NT_SECTION];
	s->has_results = 1;
	s->res[0] = value(l->model[0]);
	s->nres = 1;
	switch (l->op) {
	case FOP_NT_SECTION: return section_stmt(l, env, s);
	case FOP_NT_MAP: map_stmt(l, env, s); return true;
	case FOP_NT_UNMAP:
		s->nargs = 1;
		s->args[0] = address(env, l->arg[0]);
		return true;
	case FOP_NT_EXTEND:
		s->nargs = 2;
		s->args[0] = handle(env, l->arg[0]);
		s->args[1] = value(l->arg[1]);
		s->res[1] = value(l->model[1]);
		s->nres = 2;
		return true;
	default:
		s->nargs = 1;
		s->args[0] = handle(env, l->arg[0]);
		return true;
	}
}
