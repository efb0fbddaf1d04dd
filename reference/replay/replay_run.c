/*
 * replay_run.c -- a whole trace in one call, the behaviour a `source` line
 * asks for, and the text of a mismatch.
 */
#include "replay_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ntvm_behaviour ntvm_replay_behaviour_for_source(const char *source)
{
	if (source && strncmp(source, "ntvm ", 5) == 0)
		source += 5; /* ntvm's own recordings name the profile they ran in */
	return source && strncmp(source, "wine-", 5) == 0 ? NTVM_BEHAVIOUR_WINE_8_0
	                                                  : NTVM_BEHAVIOUR_WINDOWS;
}

const char *ntvm_replay_behaviour_name(ntvm_behaviour behaviour)
{
	return behaviour == NTVM_BEHAVIOUR_WINE_8_0 ? "wine-8.0" : "windows";
}

bool ntvm_replay_behaviour_from_name(const char *name, ntvm_behaviour *out)
{
	if (strcmp(name, "windows") == 0)
		*out = NTVM_BEHAVIOUR_WINDOWS;
	else if (strcmp(name, "wine-8.0") == 0 || strcmp(name, "wine") == 0)
		*out = NTVM_BEHAVIOUR_WINE_8_0;
	else
		return false;
	return true;
}

int ntvm_replay_run(const struct ntvm_trace *t, ntvm_behaviour behaviour, bool record,
                    struct ntvm_replay_report *out)
{
	memset(out, 0, sizeof *out);
	out->behaviour = behaviour;
	struct ntvm_replay_session *s = ntvm_replay_session_new(t, behaviour, record);
	out->outcomes = calloc(t->nstmts ? t->nstmts : 1, sizeof *out->outcomes);
	if (!s || !out->outcomes) {
		ntvm_replay_session_free(s);
		free(out->outcomes);
		out->outcomes = NULL;
		return -1;
	}
	for (size_t i = 0; i < t->nstmts; i++) {
		ntvm_replay_session_step(s, &t->stmts[i], &out->outcomes[i]);
		if (out->outcomes[i].ok)
			out->passed++;
		else
			out->failed++;
	}
	out->count = t->nstmts;
	if (record)
		out->recording = ntvm_replay_session_take_recording(s);
	ntvm_replay_session_free(s);
	return record && !out->recording ? -1 : 0;
}

void ntvm_replay_report_free(struct ntvm_replay_report *r)
{
	free(r->outcomes);
	ntvm_trace_free(r->recording);
	memset(r, 0, sizeof *r);
}

int ntvm_replay_format_mismatch(const struct ntvm_trace *t, const struct ntvm_replay_outcome *o,
                                char *buf, size_t cap)
{
	char stmt[512], want[512] = "(none)", got[512] = "(not executed)";
	ntvm_trace_format_stmt(t, &o->actual, 0, stmt, sizeof stmt);
	const struct ntvm_trace_stmt *orig = o->expected;
	if (orig && orig->has_results)
		ntvm_trace_format_results(t, orig, want, sizeof want);
	if (o->executed)
		ntvm_trace_format_results(t, &o->actual, got, sizeof got);
	int n = snprintf(buf, cap, "%s:%u: %s\n  expected: %s\n  actual:   %s\n", t->file,
	                 (unsigned)o->line, stmt, want, got);
	if (o->why[0] && n >= 0) {
		size_t used = (size_t)n < cap ? (size_t)n : cap;
		int m = snprintf(buf + used, cap - used, "  check:    %s\n", o->why);
		n = m < 0 ? m : n + m;
	}
	return n;
}
