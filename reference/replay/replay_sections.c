/*
 * replay_sections.c -- the section statements (docs/trace-format.md,
 * "Sections") on ntvm: section, map, unmap, extend and close as calls of the
 * NT layer's section API, with a pe: file built by the PE builder and passed
 * as bytes.  Handles are bound like bases: the file's %n stands for the
 * handle ntvm gave the section that bound it, and only what every system
 * guarantees is checked about it (a non-zero multiple of 4).
 */
#include "replay_internal.h"

#include <ntvm/nt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pe_build.h"

bool replay_nt_success(uint32_t status)
{
	return status < 0x80000000u;
}

bool replay_bind_handle_at(struct ntvm_trace_env *env, uint32_t n, uint64_t handle)
{
	if (n == 0)
		return true;
	while (env->nhandles + 1 < n)
		if (ntvm_trace_env_bind_handle(env, 0) == 0)
			return false;
	if (env->nhandles >= n) {
		env->handles[n - 1] = handle;
		return true;
	}
	return ntvm_trace_env_bind_handle(env, handle) != 0;
}

static bool resolve_handle(const struct ntvm_trace_env *env, const struct ntvm_trace_val *v,
                           uint64_t *out, char *why, size_t why_size)
{
	if (v->form == NTVM_FORM_HANDLE &&
	    (v->bind == 0 || v->bind > env->nhandles || env->handles[v->bind - 1] == 0)) {
		char text[64];
		snprintf(text, sizeof text, "%%%u is not bound (its section did not succeed)",
		         (unsigned)v->bind);
		replay_why_add(why, why_size, text);
		return false;
	}
	return ntvm_trace_env_resolve(env, v, out) == 0;
}

static void section_args(const struct ntvm_trace_stmt *stmt, struct replay_args *a)
{
	a->has_size = stmt->args[NTVM_ARG_SEC_SIZE].form != NTVM_FORM_NULL;
	a->size = stmt->args[NTVM_ARG_SEC_SIZE].v;
	a->prot = (uint32_t)stmt->args[NTVM_ARG_SEC_PROT].v;
	a->attrs = (uint32_t)stmt->args[NTVM_ARG_SEC_ATTRS].v;
	a->access = stmt->nargs > NTVM_ARG_SEC_ACCESS ? (uint32_t)stmt->args[NTVM_ARG_SEC_ACCESS].v
	                                               : NTVM_SECTION_ALL_ACCESS;
}

static bool map_args(const struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                     struct replay_args *a, char *why, size_t why_size)
{
	if (!resolve_handle(&s->env, &stmt->args[NTVM_ARG_MAP_SECTION], &a->handle, why, why_size) ||
	    !replay_resolve(&s->env, &stmt->args[NTVM_ARG_MAP_ADDR], &a->addr, why, why_size))
		return false;
	a->zero_bits = stmt->args[NTVM_ARG_MAP_ZERO_BITS].v;
	a->commit = stmt->args[NTVM_ARG_MAP_COMMIT].v;
	a->has_offset = stmt->args[NTVM_ARG_MAP_OFFSET].form != NTVM_FORM_NULL;
	a->offset = stmt->args[NTVM_ARG_MAP_OFFSET].v;
	a->size = stmt->args[NTVM_ARG_MAP_SIZE].v;
	a->inherit = (uint32_t)stmt->args[NTVM_ARG_MAP_INHERIT].v;
	a->type = (uint32_t)stmt->args[NTVM_ARG_MAP_TYPE].v;
	a->prot = (uint32_t)stmt->args[NTVM_ARG_MAP_PROT].v;
	return true;
}

bool replay_section_args(const struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                         struct replay_args *a, char *why, size_t why_size)
{
	memset(a, 0, sizeof *a);
	switch (stmt->op) {
	case NTVM_OP_SECTION:
		section_args(stmt, a);
		return true;
	case NTVM_OP_MAP:
		return map_args(s, stmt, a, why, why_size);
	case NTVM_OP_UNMAP:
		return replay_resolve(&s->env, &stmt->args[NTVM_ARG_ADDR], &a->addr, why, why_size);
	default: /* extend, close */
		a->size = stmt->op == NTVM_OP_EXTEND ? stmt->args[NTVM_ARG_EXTEND_SIZE].v : 0;
		return resolve_handle(&s->env, &stmt->args[NTVM_ARG_HANDLE], &a->handle, why, why_size);
	}
}

/* NtCreateSection; a pe: file is built here (the parser checked it builds). */
static void exec_create(struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                        const struct replay_args *a, struct replay_raw *raw)
{
	uint8_t *bytes = NULL;
	size_t nbytes = 0;
	ntvm_pe_spec spec;
	ntvm_handle h = 0;

	if (stmt->file && (ntvm_pe_spec_parse(stmt->file, &spec, NULL) != 0 ||
	                   ntvm_pe_build(&spec, &bytes, &nbytes, NULL) != 0)) {
		raw->status = NTVM_STATUS_NO_MEMORY; /* only out of memory gets here */
		return;
	}
	raw->status = ntvm_nt_create_section(s->vm, &h, a->access, a->has_size ? &a->size : NULL,
	                                     a->prot, a->attrs, bytes, nbytes);
	raw->handle = h;
	free(bytes);
}

void replay_exec_section(struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                         const struct replay_args *a, struct replay_raw *raw)
{
	switch (stmt->op) {
	case NTVM_OP_SECTION:
		exec_create(s, stmt, a, raw);
		break;
	case NTVM_OP_MAP:
		raw->offset = a->offset;
		raw->has_offset = a->has_offset;
		raw->status = ntvm_nt_map_view_of_section(s->vm, a->handle, &raw->base, a->zero_bits,
		                                          a->commit, a->has_offset ? &raw->offset : NULL,
		                                          &raw->size, a->inherit, a->type, a->prot);
		break;
	case NTVM_OP_UNMAP:
		raw->status = ntvm_nt_unmap_view_of_section(s->vm, a->addr);
		break;
	case NTVM_OP_EXTEND:
		raw->status = ntvm_nt_extend_section(s->vm, a->handle, &raw->size);
		break;
	default:
		raw->status = ntvm_nt_close(s->vm, a->handle);
		break;
	}
}

void replay_bind_section(struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                         const struct replay_raw *raw, char *why, size_t why_size)
{
	char text[96];

	if (raw->handle == 0 || raw->handle % 4) {
		snprintf(text, sizeof text, "section handle 0x%llx is not a non-zero multiple of 4",
		         (unsigned long long)raw->handle);
		replay_why_add(why, why_size, text);
	}
	if (stmt->binds_handle && !replay_bind_handle_at(&s->env, stmt->binds_handle, raw->handle))
		replay_why_add(why, why_size, "out of memory binding %n");
}
