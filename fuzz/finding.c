/*
 * finding.c -- a difference becomes a trace (docs/trace-format.md).  NT
 * operations (the section calls too, finding_sections.c) become statements
 * whose recorded results are the MODEL's (so
 * `ntvm-replay` fails exactly where core disagrees) with core's results in a
 * comment; operations the format cannot express (manager-API calls,
 * execute, short query buffers) become comment lines.  The trace goes to
 * stderr and, when NTVM_FINDING_DIR is set, to
 * $NTVM_FINDING_DIR/finding-<target>-<input hash>.trace.
 */
#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

typedef struct text {
	char buf[16384];
	size_t len;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...)
{
	va_list ap;
	if (t->len >= sizeof t->buf)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n < sizeof t->buf - t->len ? (size_t)n : sizeof t->buf - t->len - 1;
}

static const char *status_text(uint8_t op, uint64_t v, char *buf, size_t cap)
{
	const char *name = op >= FOP_NT_ALLOC ? ntvm_trace_status_name((uint32_t)v)
	                                      : ntvm_status_name((ntvm_status)v);
	if (fuzz_returns_status(op) && name)
		return name;
	snprintf(buf, cap, "0x%llx", (unsigned long long)v);
	return buf;
}

/* "op arg... => core R... | model R..." as a comment line. */
static void describe(text *t, size_t i, const fuzz_log *l);

void fuzz_print_op(const fuzz_run *run)
{
	static text t;
	t.len = 0;
	t.buf[0] = 0;
	describe(&t, run->done - 1, &run->log[run->done - 1]);
	fputs(t.buf, stderr);
}

static void describe(text *t, size_t i, const fuzz_log *l)
{
	char a[32], b[32];
	add(t, "# %zu: %s", i, fuzz_opcode_name(l->op));
	for (size_t k = 0; k < l->nargs; k++)
		add(t, " 0x%llx", (unsigned long long)l->arg[k]);
	add(t, " => core %s", status_text(l->op, l->core[0], a, sizeof a));
	for (size_t k = 1; k < 4; k++)
		add(t, " 0x%llx", (unsigned long long)l->core[k]);
	add(t, " | model %s", status_text(l->op, l->model[0], b, sizeof b));
	for (size_t k = 1; k < 4; k++)
		add(t, " 0x%llx", (unsigned long long)l->model[k]);
	add(t, "\n");
	if (l->file[0])
		add(t, "#   file pe:%s%s\n", l->file, l->file_exact ? "" : " (with one byte changed)");
}

static struct ntvm_trace_val abs_val(uint64_t v)
{
	return (struct ntvm_trace_val){0, NTVM_FORM_ABS, 0, v};
}

static void query_results(const fuzz_run *run, struct ntvm_trace_env *env,
                          struct ntvm_trace_stmt *s, uint64_t at)
{
	ntvm_memory_basic_information mbi;
	uint32_t st = model_nt_query(&run->m, at, &mbi);
	s->res[0] = abs_val(st);
	s->nres = 1;
	if (st != NTVM_STATUS_SUCCESS)
		return;
	uint64_t arena_end = run->env.arena_base + run->env.arena_size;
	if (mbi.State == NTVM_MEM_FREE && mbi.BaseAddress >= run->env.arena_base &&
	    mbi.BaseAddress < arena_end && mbi.BaseAddress + mbi.RegionSize > arena_end)
		mbi.RegionSize = arena_end - mbi.BaseAddress; /* the format cuts free ranges */
	s->res[1] = ntvm_trace_env_canon(env, mbi.BaseAddress);
	s->res[2] = mbi.AllocationBase ? ntvm_trace_env_canon(env, mbi.AllocationBase) : abs_val(0);
	s->res[3] = abs_val(mbi.AllocationProtect);
	s->res[4] = abs_val(mbi.RegionSize);
	s->res[5] = abs_val(mbi.State);
	s->res[6] = abs_val(mbi.Protect);
	s->res[7] = abs_val(mbi.Type);
	s->nres = 8;
}

/* The statement for an NT operation; false when the format cannot express it. */
static bool nt_statement(const fuzz_log *l, struct ntvm_trace_env *env,
                         struct ntvm_trace_stmt *s)
{
	static const uint8_t ops[] = {NTVM_OP_ALLOC, NTVM_OP_FREE, NTVM_OP_PROTECT,
	                              NTVM_OP_QUERY, NTVM_OP_READ, NTVM_OP_WRITE};
	if (l->op < FOP_NT_ALLOC || l->op > FOP_NT_WRITE ||
	    (l->op == FOP_NT_QUERY && (l->arg[1] < sizeof(ntvm_memory_basic_information) ||
	                               l->arg[2] != NTVM_MEMORY_BASIC_INFORMATION_CLASS ||
	                               l->nargs > 3 /* a NULL buffer or return length */)))
		return false;
	memset(s, 0, sizeof *s);
	s->op = ops[l->op - FOP_NT_ALLOC];
	s->has_results = 1;
	s->args[0] = l->arg[0] ? ntvm_trace_env_canon(env, l->arg[0]) : abs_val(0);
	for (size_t k = 1; k < l->nargs; k++)
		s->args[k] = abs_val(l->arg[k]);
	s->nargs = l->op == FOP_NT_QUERY ? 1 : l->nargs;
	if (l->op == FOP_NT_ALLOC && l->arg[4] == 0)
		s->nargs = 4;
	if (l->op == FOP_NT_READ)
		s->nargs = 2;
	s->res[0] = abs_val(l->model[0]);
	s->nres = 1;
	if (l->op <= FOP_NT_PROTECT) {
		bool binds = l->op == FOP_NT_ALLOC && l->arg[0] == 0 && l->model[0] == 0;
		if (binds)
			s->binds = ntvm_trace_env_bind(env, l->model[1], l->model[2]);
		s->res[1] = ntvm_trace_env_canon(env, l->model[1]);
		s->res[2] = abs_val(l->model[2]);
		s->res[3] = abs_val(l->model[3]);
		s->nres = l->op == FOP_NT_PROTECT ? 4 : 3;
	} else if (l->op == FOP_NT_READ && l->model[0] == 0) {
		s->nres = 2;
		s->nbytes = (uint8_t)l->arg[1];
		memcpy(s->bytes, l->bytes, s->nbytes);
	}
	return true;
}

static char *finding_path(const fuzz_run *run)
{
	const char *dir = getenv("NTVM_FINDING_DIR");
	uint64_t h = 14695981039346656037ull;
	static char path[4096];
	if (!dir || !*dir)
		return NULL;
	for (size_t i = 0; i < run->input_size; i++)
		h = (h ^ run->input[i]) * 1099511628211ull;
	snprintf(path, sizeof path, "%s/finding-%s-%016llx.trace", dir, run->target,
	         (unsigned long long)h);
	return path;
}

static void build(const fuzz_run *run, struct ntvm_trace *t, const char *why, bool at_valid,
                  uint64_t at)
{
	struct ntvm_trace_env env;
	text pending = {.len = 0};
	ntvm_trace_env_init(&env, run->env.arena_base, run->env.arena_size);
	for (size_t i = 0; i < run->done; i++) {
		struct ntvm_trace_stmt s;
		const fuzz_log *l = &run->log[i];
		describe(&pending, i, l);
		if (!run->nt || (!nt_statement(l, &env, &s) && !fuzz_section_statement(l, &env, &s)))
			continue;
		s.pre = pending.len ? pending.buf : NULL;
		ntvm_trace_append(t, &s);
		pending.len = 0;
		pending.buf[0] = 0;
	}
	if (at_valid && run->nt) {
		struct ntvm_trace_stmt s;
		memset(&s, 0, sizeof s);
		s.op = NTVM_OP_QUERY;
		s.nargs = 1;
		s.has_results = 1;
		s.args[0] = ntvm_trace_env_canon(&env, at);
		query_results(run, &env, &s, at);
		add(&pending, "# the state differs here; the results below are the model's\n");
		s.pre = pending.len ? pending.buf : NULL;
		ntvm_trace_append(t, &s);
		pending.len = 0;
		pending.buf[0] = 0;
	}
	add(&pending, "# DIFFERENCE: %s\n", why);
	t->tail = malloc(pending.len + 1);
	if (t->tail)
		memcpy(t->tail, pending.buf, pending.len + 1);
	ntvm_trace_env_free(&env);
}

void fuzz_write_finding(const fuzz_run *run, const char *why, bool at_valid, uint64_t at)
{
	const char *source = run->m.behaviour == NTVM_BEHAVIOUR_WINE_8_0 ? "wine-8.0 oracle-model"
	                                                                 : "windows oracle-model";
	struct ntvm_trace *t = ntvm_trace_new(NULL, source, run->env.arena_base, run->env.arena_size);
	char title[128];
	if (!t)
		return;
	snprintf(title, sizeof title, "fuzz finding of %s: %s", run->target,
	         run->nt ? "the recorded results are the oracle model's, core's are in comments"
	                 : "manager-API calls have no statement; each is a comment");
	ntvm_trace_add_header(t, "title", title);
	ntvm_trace_add_header(t, "origin", "fuzz/finding.c");
	build(run, t, why, at_valid, at);
	ntvm_trace_write(t, stderr);
	const char *path = finding_path(run);
	FILE *f = path ? fopen(path, "w") : NULL;
	if (f) {
		ntvm_trace_write(t, f);
		fclose(f);
		fprintf(stderr, "ntvm-fuzz: finding trace written to %s\n", path);
	}
	ntvm_trace_free(t);
}
