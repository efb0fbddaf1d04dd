/*
 * record.c -- records one trace: checks that its arena is free, runs every
 * statement against the real calls with the in/out values the format
 * defines (BASE and SIZE start as the arguments, OLD as 0), binds $n for an
 * alloc with ADDR 0, writes each result in its canonical form, and finally
 * releases whatever the trace left allocated so the next trace starts from
 * the same clean process.  Section statements run in record_sections.c;
 * cleanup unmaps the views they left and closes their handles too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntvm/ntdefs.h"
#include "record_run.h"

#define SELF ((void *)(intptr_t)-1)

int rec_run_fail(struct run *r, uint32_t line, const char *fmt, ...)
{
	int n = line ? snprintf(r->why, r->cap, "%s:%u: ", r->t->file, (unsigned)line)
	             : snprintf(r->why, r->cap, "%s: ", r->t->file);
	va_list ap;

	if (n < 0 || (size_t)n >= r->cap)
		return -1;
	va_start(ap, fmt);
	vsnprintf(r->why + n, r->cap - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static uint32_t release(const struct rec_nt *nt, uint64_t base)
{
	void *b = (void *)(uintptr_t)base;
	size_t size = 0;

	return nt->free(SELF, &b, &size, NTVM_MEM_RELEASE);
}

static int check_arena(struct run *r)
{
	void *b = (void *)(uintptr_t)r->t->arena_base;
	size_t size = (size_t)r->t->arena_size;
	uint32_t st = r->nt->allocate(SELF, &b, 0, &size, NTVM_MEM_RESERVE, NTVM_PAGE_NOACCESS);

	if (st != 0 || (uint64_t)(uintptr_t)b != r->t->arena_base) {
		if (st == 0)
			release(r->nt, (uint64_t)(uintptr_t)b);
		return rec_run_fail(r, 0, "arena 0x%llx size 0x%llx is not free (reserving it gave 0x%08lx)",
		                (unsigned long long)r->t->arena_base,
		                (unsigned long long)r->t->arena_size, (unsigned long)st);
	}
	if (release(r->nt, r->t->arena_base) != 0)
		return rec_run_fail(r, 0, "cannot release the arena probe reservation");
	return 0;
}

void rec_own(struct run *r, uint64_t base)
{
	uint64_t *p;

	if (base >= r->t->arena_base && base - r->t->arena_base < r->t->arena_size)
		return; /* the arena walk releases these */
	if (r->nowned == r->capowned) {
		size_t cap = r->capowned ? r->capowned * 2 : 16;
		p = realloc(r->owned, cap * sizeof *p);
		if (!p)
			return;
		r->owned = p;
		r->capowned = cap;
	}
	r->owned[r->nowned++] = base;
}

void rec_disown(struct run *r, uint64_t base)
{
	for (size_t i = 0; i < r->nowned; i++)
		if (r->owned[i] == base)
			r->owned[i] = 0;
}

/* Unmaps a view, releases anything else. */
static void drop(const struct rec_nt *nt, uint64_t base, uint32_t type)
{
	if ((type == NTVM_MEM_MAPPED || type == NTVM_MEM_IMAGE) && nt->unmap_view)
		nt->unmap_view(base);
	else
		release(nt, base);
}

static uint32_t type_at(const struct rec_nt *nt, uint64_t a)
{
	ntvm_memory_basic_information mbi;
	size_t got = 0;

	if (nt->query(SELF, (void *)(uintptr_t)a, 0, &mbi, sizeof mbi, &got) != 0)
		return 0;
	return mbi.State == NTVM_MEM_FREE ? 0 : mbi.Type;
}

/* Releases or unmaps everything in the arena and everything made outside
 * it, then closes the section handles left open. */
static void cleanup(struct run *r)
{
	uint64_t a = r->t->arena_base, end = r->t->arena_base + r->t->arena_size;

	while (a < end) {
		ntvm_memory_basic_information mbi;
		size_t got = 0;
		if (r->nt->query(SELF, (void *)(uintptr_t)a, 0, &mbi, sizeof mbi, &got) != 0 ||
		    mbi.RegionSize == 0)
			break;
		if (mbi.State != NTVM_MEM_FREE)
			drop(r->nt, mbi.AllocationBase, mbi.Type);
		a = mbi.BaseAddress + mbi.RegionSize;
	}
	for (size_t i = 0; i < r->nowned; i++) {
		uint32_t type = r->owned[i] ? type_at(r->nt, r->owned[i]) : 0;
		if (type)
			drop(r->nt, r->owned[i], type);
	}
	rec_sections_cleanup(r);
}

/*
 * The absolute value of an argument.  $n is renumbered to the recording's and
 * otherwise kept as written (an offset past its allocation stays $n+off, which
 * records the same everywhere); an absolute or arena address inside a live
 * binding is written relative to it, as the format's writers do.
 */
int rec_arg_addr(struct run *r, struct ntvm_trace_stmt *s, int i, uint64_t *out)
{
	struct ntvm_trace_val *v = &s->args[i];

	if (v->form == NTVM_FORM_BOUND) {
		uint32_t m = v->bind < r->nmap ? r->map[v->bind] : 0;
		if (m == 0)
			return rec_run_fail(r, s->line, "$%u is not bound: the alloc that should bind it failed",
			                (unsigned)v->bind);
		v->bind = m;
	}
	if (ntvm_trace_env_resolve(&r->env, v, out) != 0)
		return rec_run_fail(r, s->line, "cannot resolve an address argument");
	if (v->form != NTVM_FORM_BOUND && *out != 0)
		*v = ntvm_trace_env_canon(&r->env, *out);
	return 0;
}

void rec_set_val(struct ntvm_trace_val *v, uint64_t x)
{
	memset(v, 0, sizeof *v);
	v->v = x;
}

void rec_set_addr(struct run *r, struct ntvm_trace_val *v, uint64_t a)
{
	*v = ntvm_trace_env_canon(&r->env, a);
}

static void do_alloc(struct run *r, struct ntvm_trace_stmt *s, uint64_t addr)
{
	void *base = (void *)(uintptr_t)addr;
	size_t size = (size_t)s->args[NTVM_ARG_SIZE].v;
	uintptr_t zero_bits = s->nargs > NTVM_ARG_ZERO_BITS ? (uintptr_t)s->args[NTVM_ARG_ZERO_BITS].v : 0;
	uint32_t type = (uint32_t)s->args[NTVM_ARG_ALLOC_TYPE].v;
	uint32_t st = r->nt->allocate(SELF, &base, zero_bits, &size, type,
	                              (uint32_t)s->args[NTVM_ARG_ALLOC_PROT].v);
	uint32_t script_n = s->binds;
	int binder = s->args[NTVM_ARG_ADDR].form != NTVM_FORM_BOUND && addr == 0;

	s->binds = 0;
	if (st == 0 && binder) {
		s->binds = ntvm_trace_env_bind(&r->env, (uint64_t)(uintptr_t)base, size);
		if (script_n && script_n < r->nmap)
			r->map[script_n] = s->binds;
	}
	if (st == 0 && (binder || (type & NTVM_MEM_RESERVE)))
		rec_own(r, (uint64_t)(uintptr_t)base);
	s->nres = 3;
	rec_set_val(&s->res[NTVM_RES_STATUS], st);
	rec_set_addr(r, &s->res[NTVM_RES_BASE], (uint64_t)(uintptr_t)base);
	rec_set_val(&s->res[NTVM_RES_SIZE], size);
}

static void do_free(struct run *r, struct ntvm_trace_stmt *s, uint64_t addr)
{
	void *base = (void *)(uintptr_t)addr;
	size_t size = (size_t)s->args[NTVM_ARG_SIZE].v;
	uint32_t type = (uint32_t)s->args[NTVM_ARG_FREE_TYPE].v;
	uint32_t st = r->nt->free(SELF, &base, &size, type);

	if (st == 0 && (type & NTVM_MEM_RELEASE))
		rec_disown(r, (uint64_t)(uintptr_t)base);
	s->nres = 3;
	rec_set_val(&s->res[NTVM_RES_STATUS], st);
	rec_set_addr(r, &s->res[NTVM_RES_BASE], (uint64_t)(uintptr_t)base);
	rec_set_val(&s->res[NTVM_RES_SIZE], size);
}

static void do_protect(struct run *r, struct ntvm_trace_stmt *s, uint64_t addr)
{
	void *base = (void *)(uintptr_t)addr;
	size_t size = (size_t)s->args[NTVM_ARG_SIZE].v;
	uint32_t old = 0;
	uint32_t st = r->nt->protect(SELF, &base, &size, (uint32_t)s->args[NTVM_ARG_PROTECT_PROT].v,
	                             &old);

	s->nres = 4;
	rec_set_val(&s->res[NTVM_RES_STATUS], st);
	rec_set_addr(r, &s->res[NTVM_RES_BASE], (uint64_t)(uintptr_t)base);
	rec_set_val(&s->res[NTVM_RES_SIZE], size);
	rec_set_val(&s->res[NTVM_RES_OLD], old);
}

static void do_query(struct run *r, struct ntvm_trace_stmt *s, uint64_t addr)
{
	ntvm_memory_basic_information mbi;
	size_t got = 0;
	uint64_t base, size, end = r->t->arena_base + r->t->arena_size;
	uint32_t st;

	memset(&mbi, 0, sizeof mbi);
	st = r->nt->query(SELF, (void *)(uintptr_t)addr, 0, &mbi, sizeof mbi, &got);
	rec_set_val(&s->res[NTVM_RES_STATUS], st);
	s->nres = 1;
	if (st != 0)
		return;
	base = mbi.BaseAddress;
	size = mbi.RegionSize;
	/* A free range that starts inside the arena is cut at its end (the format's rule). */
	if (mbi.State == NTVM_MEM_FREE && base >= r->t->arena_base && base < end && size > end - base)
		size = end - base;
	s->nres = 8;
	rec_set_addr(r, &s->res[NTVM_RES_Q_BASE], base);
	rec_set_addr(r, &s->res[NTVM_RES_Q_ALLOCBASE], mbi.AllocationBase);
	rec_set_val(&s->res[NTVM_RES_Q_ALLOCPROT], mbi.AllocationProtect);
	rec_set_val(&s->res[NTVM_RES_Q_SIZE], size);
	rec_set_val(&s->res[NTVM_RES_Q_STATE], mbi.State);
	rec_set_val(&s->res[NTVM_RES_Q_PROT], mbi.Protect);
	rec_set_val(&s->res[NTVM_RES_Q_TYPE], mbi.Type);
}

static void do_access(struct run *r, struct ntvm_trace_stmt *s, uint64_t addr)
{
	size_t len = (size_t)s->args[NTVM_ARG_LEN].v;
	uint32_t st;

	if (s->op == NTVM_OP_WRITE) {
		st = r->nt->write(addr, (uint8_t)s->args[NTVM_ARG_BYTE].v, len);
		s->nres = 1;
	} else {
		st = r->nt->read(addr, s->bytes, len);
		s->nres = st == 0 ? 2 : 1;
		s->nbytes = st == 0 ? (uint8_t)len : 0;
	}
	rec_set_val(&s->res[NTVM_RES_STATUS], st);
}

/*
 * How much memory from the statement's address it may change or read, or 0
 * if it cannot touch existing memory.  The NT calls act only inside the one
 * allocation that holds their start (they fail before changing anything
 * otherwise), so their start decides; CPU accesses run on byte by byte.
 */
static uint64_t touched_len(const struct ntvm_trace_stmt *s, uint64_t addr)
{
	switch (s->op) {
	case NTVM_OP_ALLOC:
		/* A reservation never changes existing memory; it fails instead. */
		if (addr == 0 || (s->args[NTVM_ARG_ALLOC_TYPE].v & NTVM_MEM_RESERVE))
			return 0;
		return 1;
	case NTVM_OP_FREE:
	case NTVM_OP_PROTECT: return 1;
	case NTVM_OP_READ:
	case NTVM_OP_WRITE: return s->args[NTVM_ARG_LEN].v;
	default: return 0;
	}
}

int rec_guard(struct run *r, const struct ntvm_trace_stmt *s, uint64_t addr, uint64_t len)
{
	struct rec_owner o = { r->t->arena_base, r->t->arena_size, r->owned, r->nowned };
	uint64_t foreign = 0;

	if (len && rec_guard_foreign(r->nt, &o, addr, len, &foreign))
		return rec_run_fail(r, s->line,
		                "refusing to run: the statement reaches memory the trace did not allocate "
		                "(allocation at 0x%llx); keep scripts inside the arena and their own allocations",
		                (unsigned long long)foreign);
	return 0;
}

static int record_stmt(struct run *r, struct ntvm_trace_stmt *s)
{
	uint64_t addr;

	if (s->op >= NTVM_OP_SECTION)
		return rec_section_stmt(r, s);
	if (rec_arg_addr(r, s, NTVM_ARG_ADDR, &addr) != 0 ||
	    rec_guard(r, s, addr, touched_len(s, addr)) != 0)
		return -1;
	memset(s->res, 0, sizeof s->res);
	memset(s->bytes, 0, sizeof s->bytes);
	s->nbytes = 0;
	s->has_results = 1;
	switch (s->op) {
	case NTVM_OP_ALLOC: do_alloc(r, s, addr); break;
	case NTVM_OP_FREE: do_free(r, s, addr); break;
	case NTVM_OP_PROTECT: do_protect(r, s, addr); break;
	case NTVM_OP_QUERY: do_query(r, s, addr); break;
	default: do_access(r, s, addr); break;
	}
	return 0;
}

int rec_record(const struct rec_nt *nt, struct ntvm_trace *t, char *why, size_t cap)
{
	struct run r;
	int rc = 0;

	memset(&r, 0, sizeof r);
	r.nt = nt;
	r.t = t;
	r.why = why;
	r.cap = cap;
	ntvm_trace_env_init(&r.env, t->arena_base, t->arena_size);
	r.nmap = t->nbinds + 1;
	r.map = calloc(r.nmap, sizeof *r.map);
	r.nhmap = t->nhandles + 1;
	r.hmap = calloc(r.nhmap, sizeof *r.hmap);
	if (!r.map || !r.hmap) {
		free(r.map);
		free(r.hmap);
		return rec_run_fail(&r, 0, "out of memory");
	}
	if (check_arena(&r) != 0)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < t->nstmts; i++)
		rc = record_stmt(&r, &t->stmts[i]);
	cleanup(&r);
	t->nbinds = r.env.nbinds;
	t->nhandles = r.env.nhandles;
	if (rc == 0 && ntvm_trace_set_source(t, nt->source) != 0)
		rc = rec_run_fail(&r, 0, "out of memory");
	ntvm_trace_env_free(&r.env);
	free(r.map);
	free(r.hmap);
	free(r.owned);
	free(r.handles);
	return rc;
}
