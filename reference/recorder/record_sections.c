/*
 * record_sections.c -- records the section statements (docs/trace-format.md,
 * "Sections"): section, map, unmap, extend and close against the real calls
 * behind struct rec_nt.  A successful section binds the next %n to the handle
 * it got; a map with ADDR 0 binds $n like an alloc.  pe: files are built
 * with the PE builder and handed over as bytes.  The trace's views and open
 * handles are tracked so cleanup leaves the process as it found it: views
 * outside the arena join the owned list, handles are closed at the end.
 *
 * Safety: a literal handle argument is refused unless it is 0 or at least
 * 0x1000000 (pseudo-handles such as -1 included), so a script can never
 * close or map one of the recorder's own handles, which are small numbers.
 */
#include <stdlib.h>
#include <string.h>

#include "ntvm/ntdefs.h"
#include "pe_build.h"
#include "record_run.h"

#define LITERAL_HANDLE_MIN 0x1000000ull

static int nt_success(uint32_t st)
{
	return st < 0x80000000u;
}

static void keep_handle(struct run *r, uint64_t h)
{
	if (r->nhandles == r->caphandles) {
		size_t cap = r->caphandles ? r->caphandles * 2 : 16;
		uint64_t *p = realloc(r->handles, cap * sizeof *p);
		if (!p)
			return;
		r->handles = p;
		r->caphandles = cap;
	}
	r->handles[r->nhandles++] = h;
}

static void forget_handle(struct run *r, uint64_t h)
{
	for (size_t i = 0; i < r->nhandles; i++) {
		if (r->handles[i] == h) {
			r->handles[i] = r->handles[--r->nhandles];
			return;
		}
	}
}

/* A handle argument: %n renumbered to the recording's, or a safe literal. */
static int arg_handle(struct run *r, struct ntvm_trace_stmt *s, int i, uint64_t *out)
{
	struct ntvm_trace_val *v = &s->args[i];

	if (v->form != NTVM_FORM_HANDLE) {
		if (v->v != 0 && v->v < LITERAL_HANDLE_MIN)
			return rec_run_fail(r, s->line,
			                    "refusing to run: literal handle 0x%llx could be one of the "
			                    "recorder's own (use %%n, 0, or a value of at least 0x%llx)",
			                    (unsigned long long)v->v, (unsigned long long)LITERAL_HANDLE_MIN);
		*out = v->v;
		return 0;
	}
	{
		uint32_t m = v->bind < r->nhmap ? r->hmap[v->bind] : 0;
		if (m == 0)
			return rec_run_fail(r, s->line,
			                    "%%%u is not bound: the section that should bind it failed",
			                    (unsigned)v->bind);
		v->bind = m;
	}
	if (ntvm_trace_env_resolve(&r->env, v, out) != 0)
		return rec_run_fail(r, s->line, "cannot resolve a handle argument");
	return 0;
}

/* The bytes of the statement's pe: file (NULL for none). */
static int file_bytes(struct run *r, const struct ntvm_trace_stmt *s, uint8_t **bytes,
                      size_t *size)
{
	ntvm_pe_spec spec;
	const char *why = NULL;

	*bytes = NULL;
	*size = 0;
	if (!s->file)
		return 0;
	if (ntvm_pe_spec_parse(s->file, &spec, &why) != 0 ||
	    ntvm_pe_build(&spec, bytes, size, &why) != 0)
		return rec_run_fail(r, s->line, "cannot build the PE file: %s", why);
	return 0;
}

static int do_section(struct run *r, struct ntvm_trace_stmt *s)
{
	const struct ntvm_trace_val *size_arg = &s->args[NTVM_ARG_SEC_SIZE];
	uint64_t max_size = size_arg->v, handle = 0;
	uint32_t access = s->nargs > NTVM_ARG_SEC_ACCESS ? (uint32_t)s->args[NTVM_ARG_SEC_ACCESS].v
	                                                  : NTVM_SECTION_ALL_ACCESS;
	uint32_t script_n = s->binds_handle, st;
	uint8_t *bytes;
	size_t nbytes;

	if (file_bytes(r, s, &bytes, &nbytes) != 0)
		return -1;
	st = r->nt->create_section(&handle, access, size_arg->form == NTVM_FORM_NULL ? NULL : &max_size,
	                           (uint32_t)s->args[NTVM_ARG_SEC_PROT].v,
	                           (uint32_t)s->args[NTVM_ARG_SEC_ATTRS].v, bytes, nbytes);
	free(bytes);
	s->binds_handle = 0;
	rec_set_val(&s->res[NTVM_RES_STATUS], st);
	s->nres = 1;
	if (!nt_success(st))
		return 0;
	s->binds_handle = ntvm_trace_env_bind_handle(&r->env, handle);
	if (s->binds_handle == 0)
		return rec_run_fail(r, s->line, "out of memory");
	if (script_n && script_n < r->nhmap)
		r->hmap[script_n] = s->binds_handle;
	keep_handle(r, handle);
	s->nres = 2;
	s->res[NTVM_RES_SEC_HANDLE].form = NTVM_FORM_HANDLE;
	s->res[NTVM_RES_SEC_HANDLE].bind = s->binds_handle;
	return 0;
}

static int do_map(struct run *r, struct ntvm_trace_stmt *s)
{
	const struct ntvm_trace_val *off_arg = &s->args[NTVM_ARG_MAP_OFFSET];
	uint64_t handle, addr, base, offset = off_arg->v, size = s->args[NTVM_ARG_MAP_SIZE].v;
	uint32_t script_n = s->binds, st;
	int binder;

	if (arg_handle(r, s, NTVM_ARG_MAP_SECTION, &handle) != 0 ||
	    rec_arg_addr(r, s, NTVM_ARG_MAP_ADDR, &addr) != 0)
		return -1;
	binder = s->args[NTVM_ARG_MAP_ADDR].form != NTVM_FORM_BOUND && addr == 0;
	base = addr;
	st = r->nt->map_view(handle, &base, s->args[NTVM_ARG_MAP_ZERO_BITS].v,
	                     s->args[NTVM_ARG_MAP_COMMIT].v,
	                     off_arg->form == NTVM_FORM_NULL ? NULL : &offset, &size,
	                     (uint32_t)s->args[NTVM_ARG_MAP_INHERIT].v,
	                     (uint32_t)s->args[NTVM_ARG_MAP_TYPE].v,
	                     (uint32_t)s->args[NTVM_ARG_MAP_PROT].v);
	s->binds = 0;
	if (nt_success(st)) {
		rec_own(r, base);
		if (binder) {
			s->binds = ntvm_trace_env_bind(&r->env, base, size);
			if (s->binds == 0)
				return rec_run_fail(r, s->line, "out of memory");
			if (script_n && script_n < r->nmap)
				r->map[script_n] = s->binds;
		}
	}
	s->nres = 4;
	rec_set_val(&s->res[NTVM_RES_STATUS], st);
	rec_set_addr(r, &s->res[NTVM_RES_MAP_BASE], base);
	rec_set_val(&s->res[NTVM_RES_MAP_OFFSET], offset);
	s->res[NTVM_RES_MAP_OFFSET].form = off_arg->form == NTVM_FORM_NULL ? NTVM_FORM_NULL : NTVM_FORM_ABS;
	rec_set_val(&s->res[NTVM_RES_MAP_SIZE], size);
	return 0;
}

static int do_unmap(struct run *r, struct ntvm_trace_stmt *s)
{
	ntvm_memory_basic_information mbi;
	uint64_t addr;
	size_t got = 0;
	uint32_t st;

	if (rec_arg_addr(r, s, NTVM_ARG_ADDR, &addr) != 0 || rec_guard(r, s, addr, 1) != 0)
		return -1;
	memset(&mbi, 0, sizeof mbi);
	r->nt->query((void *)(intptr_t)-1, (void *)(uintptr_t)addr, 0, &mbi, sizeof mbi, &got);
	st = r->nt->unmap_view(addr);
	if (st == 0 && mbi.AllocationBase)
		rec_disown(r, mbi.AllocationBase);
	s->nres = 1;
	rec_set_val(&s->res[NTVM_RES_STATUS], st);
	return 0;
}

static int do_extend(struct run *r, struct ntvm_trace_stmt *s)
{
	uint64_t handle, size = s->args[NTVM_ARG_EXTEND_SIZE].v;
	uint32_t st;

	if (!r->nt->extend_section)
		return rec_run_fail(r, s->line, "this system's ntdll has no NtExtendSection");
	if (arg_handle(r, s, NTVM_ARG_HANDLE, &handle) != 0)
		return -1;
	st = r->nt->extend_section(handle, &size);
	s->nres = 2;
	rec_set_val(&s->res[NTVM_RES_STATUS], st);
	rec_set_val(&s->res[NTVM_RES_EXTEND_SIZE], size);
	return 0;
}

static int do_close(struct run *r, struct ntvm_trace_stmt *s)
{
	uint64_t handle;
	uint32_t st;

	if (arg_handle(r, s, NTVM_ARG_HANDLE, &handle) != 0)
		return -1;
	st = r->nt->close(handle);
	if (st == 0)
		forget_handle(r, handle);
	s->nres = 1;
	rec_set_val(&s->res[NTVM_RES_STATUS], st);
	return 0;
}

int rec_section_stmt(struct run *r, struct ntvm_trace_stmt *s)
{
	if (!r->nt->create_section)
		return rec_run_fail(r, s->line, "this recorder has no section calls");
	memset(s->res, 0, sizeof s->res);
	memset(s->bytes, 0, sizeof s->bytes);
	s->nbytes = 0;
	s->has_results = 1;
	switch (s->op) {
	case NTVM_OP_SECTION: return do_section(r, s);
	case NTVM_OP_MAP: return do_map(r, s);
	case NTVM_OP_UNMAP: return do_unmap(r, s);
	case NTVM_OP_EXTEND: return do_extend(r, s);
	default: return do_close(r, s);
	}
}

void rec_sections_cleanup(struct run *r)
{
	for (size_t i = 0; i < r->nhandles; i++)
		r->nt->close(r->handles[i]);
	r->nhandles = 0;
	if (r->nt->section_cleanup)
		r->nt->section_cleanup();
}
