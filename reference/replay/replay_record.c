/*
 * replay_record.c -- ntvm's own results written as a recording
 * (`source ntvm <behaviour>`), so a replay can be diffed line by line with
 * the Wine recording it came from.
 *
 * The recording numbers its own $n: when ntvm's choices of success differ
 * from the file's (a script assumes every ADDR 0 alloc succeeds), the file's
 * $k is mapped to the recording's number, and an address naming a $k that
 * ntvm never bound makes its statement a comment line instead.
 */
#include "replay_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_str(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

struct ntvm_trace *replay_record_begin(const struct ntvm_trace *t, ntvm_behaviour behaviour)
{
	char source[64];
	snprintf(source, sizeof source, "ntvm %s", ntvm_replay_behaviour_name(behaviour));
	struct ntvm_trace *r = ntvm_trace_new(t->file, source, t->arena_base, t->arena_size);
	if (!r)
		return NULL;
	bool ok = true;
	for (size_t i = 0; ok && i < t->nhdr; i++) {
		ok = ntvm_trace_add_header(r, t->hdr[i].key, t->hdr[i].text) == 0;
		if (ok && t->hdr[i].pre)
			ok = (r->hdr[i].pre = dup_str(t->hdr[i].pre)) != NULL;
	}
	for (int i = 0; ok && i < NTVM_HDR_FIXED; i++)
		if (t->fixed_pre[i])
			ok = (r->fixed_pre[i] = dup_str(t->fixed_pre[i])) != NULL;
	if (!ok) {
		ntvm_trace_free(r);
		return NULL;
	}
	return r;
}

static bool set_renumber(struct ntvm_replay_session *s, uint32_t file_n, uint32_t rec_n)
{
	if (file_n > s->renumber_cap) {
		uint32_t cap = file_n * 2;
		uint32_t *p = realloc(s->renumber, cap * sizeof *p);
		if (!p)
			return false;
		memset(p + s->renumber_cap, 0, (cap - s->renumber_cap) * sizeof *p);
		s->renumber = p;
		s->renumber_cap = cap;
	}
	s->renumber[file_n - 1] = rec_n;
	return true;
}

static bool set_renumber_h(struct ntvm_replay_session *s, uint32_t file_n, uint32_t rec_n)
{
	if (file_n > s->renumber_h_cap) {
		uint32_t cap = file_n * 2;
		uint32_t *p = realloc(s->renumber_h, cap * sizeof *p);
		if (!p)
			return false;
		memset(p + s->renumber_h_cap, 0, (cap - s->renumber_h_cap) * sizeof *p);
		s->renumber_h = p;
		s->renumber_h_cap = cap;
	}
	s->renumber_h[file_n - 1] = rec_n;
	return true;
}

/* Rewrites the statement's $k and %k arguments into the recording's numbering. */
static void renumber_args(const struct ntvm_replay_session *s, struct ntvm_trace_stmt *rec)
{
	for (int i = 0; i < rec->nargs; i++) {
		struct ntvm_trace_val *v = &rec->args[i];
		if (v->form == NTVM_FORM_HANDLE) {
			/* resolve_args failed for an unbound %k: this statement is not recorded */
			if (v->bind <= s->renumber_h_cap && s->renumber_h[v->bind - 1])
				v->bind = s->renumber_h[v->bind - 1];
			continue;
		}
		if (v->form != NTVM_FORM_BOUND)
			continue;
		uint32_t n = v->bind <= s->renumber_cap ? s->renumber[v->bind - 1] : 0;
		uint64_t abs = 0;
		if (n) {
			v->bind = n;
		} else if (ntvm_trace_env_resolve(&s->env, v, &abs) == 0) {
			*v = ntvm_trace_env_canon(&s->rec_env, abs);
		}
	}
}

/* Joins the pending comment lines with stmt's own; NULL when there are none. */
static char *take_pre(struct ntvm_replay_session *s, const char *own, bool *oom)
{
	size_t a = s->pending ? strlen(s->pending) : 0, b = own ? strlen(own) : 0;
	*oom = false;
	if (a + b == 0)
		return NULL;
	char *pre = malloc(a + b + 1);
	if (!pre) {
		*oom = true;
		return NULL;
	}
	memcpy(pre, s->pending ? s->pending : "", a);
	memcpy(pre + a, own ? own : "", b + 1);
	free(s->pending);
	s->pending = NULL;
	return pre;
}

bool replay_record_stmt(struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                        const struct replay_raw *raw, bool chosen)
{
	if (!s->recording)
		return true;
	uint32_t n = 0;
	if (chosen && (n = ntvm_trace_env_bind(&s->rec_env, raw->base, raw->size)) == 0)
		return false;
	if (chosen && stmt->binds && !set_renumber(s, stmt->binds, n))
		return false;
	uint32_t h = 0;
	bool bound = stmt->op == NTVM_OP_SECTION && replay_nt_success(raw->status);
	if (bound && (h = ntvm_trace_env_bind_handle(&s->rec_env, raw->handle)) == 0)
		return false;
	if (bound && stmt->binds_handle && !set_renumber_h(s, stmt->binds_handle, h))
		return false;
	struct ntvm_trace_stmt rec;
	replay_fill_results(&s->rec_env, stmt, raw, &rec);
	renumber_args(s, &rec);
	rec.binds = n;
	rec.binds_handle = h;
	if (bound)
		rec.res[NTVM_RES_SEC_HANDLE].bind = h;
	rec.comment = stmt->comment;
	bool oom;
	rec.pre = take_pre(s, stmt->pre, &oom);
	bool ok = !oom && ntvm_trace_append(s->recording, &rec) == 0;
	free(rec.pre);
	return ok;
}

/* Appends text verbatim to the pending comments. */
static bool add_pending(struct ntvm_replay_session *s, const char *text)
{
	size_t a = s->pending ? strlen(s->pending) : 0, b = strlen(text);
	char *p = realloc(s->pending, a + b + 1);
	if (!p)
		return false;
	memcpy(p + a, text, b + 1);
	s->pending = p;
	return true;
}

bool replay_record_skipped(struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                           const char *why)
{
	if (!s->recording)
		return true;
	char text[512], line[900];
	ntvm_trace_format_stmt(s->trace, stmt, 0, text, sizeof text);
	snprintf(line, sizeof line, "# not replayed (%s): %s\n", why, text);
	if (stmt->pre && !add_pending(s, stmt->pre))
		return false;
	return add_pending(s, line);
}

bool replay_record_finish(struct ntvm_replay_session *s)
{
	if (!s->recording || !s->pending)
		return true;
	bool oom;
	char *tail = take_pre(s, s->recording->tail, &oom);
	if (oom)
		return false;
	free(s->recording->tail);
	s->recording->tail = tail;
	return true;
}
