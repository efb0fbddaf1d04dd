/*
 * serve.c -- the recorder's persistent mode (`ntvm-recorder.exe --serve`),
 * for live differential fuzzing (fuzz/nt_vs_wine.c): one Wine process
 * answers many scripts, so Wine's start-up (about a second) is paid once.
 *
 * Protocol on stdin/stdout, one line at a time:
 *   a script's lines (header, then statements, as in docs/trace-format.md),
 *   then `end`        -> the recording of that script (rec_record: arena
 *                        check, every statement, release of everything the
 *                        script left allocated), then a line `end`;
 *                        or `error REASON` and `end` if it cannot be recorded
 *   `reset`           -> drops the lines collected so far; answers `end`
 *   `quit` or EOF     -> leaves
 * Every answer is flushed.  Plain C over struct rec_nt, like record.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recorder.h"

struct text {
	char *p;
	size_t len, cap;
};

static int text_add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = (t->len + n + 1) * 2;
		char *p = realloc(t->p, cap);
		if (!p)
			return -1;
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = 0;
	return 0;
}

/* The command a line is, ignoring a trailing \r\n: 1 end, 2 reset, 3 quit, 0 none. */
static int command(const char *line)
{
	size_t n = strcspn(line, "\r\n");

	if (n == 3 && memcmp(line, "end", 3) == 0)
		return 1;
	if (n == 5 && memcmp(line, "reset", 5) == 0)
		return 2;
	if (n == 4 && memcmp(line, "quit", 4) == 0)
		return 3;
	return 0;
}

/* Records the collected script and writes the answer. */
static void answer(const struct rec_nt *nt, const struct text *script, FILE *out)
{
	struct ntvm_trace *t = NULL;
	struct ntvm_trace_error err;
	char why[600];

	if (ntvm_trace_parse(script->p ? script->p : "", script->len, "stdin", &t, &err) != 0) {
		ntvm_trace_error_format(&err, why, sizeof why);
		fprintf(out, "error %s\n", why);
	} else if (rec_record(nt, t, why, sizeof why) != 0) {
		fprintf(out, "error %s\n", why);
	} else if (ntvm_trace_write(t, out) != 0) {
		fprintf(out, "\nerror cannot write the recording\n");
	}
	ntvm_trace_free(t);
	fputs("end\n", out);
	fflush(out);
}

int rec_serve(const struct rec_nt *nt, FILE *in, FILE *out)
{
	struct text script = { 0 };
	char line[4096];
	int rc = 0;

	while (fgets(line, sizeof line, in)) {
		int c = command(line);
		if (c == 3)
			break;
		if (c == 1)
			answer(nt, &script, out);
		if (c == 2) {
			fputs("end\n", out);
			fflush(out);
		}
		if (c != 0) {
			script.len = 0;
			continue;
		}
		if (text_add(&script, line, strlen(line)) != 0) {
			rc = -1;
			break;
		}
	}
	free(script.p);
	return rc;
}
