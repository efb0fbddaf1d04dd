/*
 * replay_main.c -- ntvm-replay: replay trace files against ntvm.
 *
 *   ntvm-replay [--profile windows|wine-8.0] [--record OUT] [--quiet] PATH...
 *
 * One fresh ntvm per file, in the behaviour its `source` line asks for
 * (--profile overrides).  Prints one line per file, every mismatch with
 * file:line, statement, expected and actual results, and a last line
 * "N passed, M failed" counting statements (a malformed file counts as one
 * failed statement).  Exit status 0 only if nothing failed, 2 for usage
 * errors.  --record writes ntvm's own results as recordings (source
 * "ntvm <profile>"): into OUT/<name> when OUT is a directory, ends in '/' or
 * several files are replayed, else into the file OUT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "replay_files.h"

struct options {
	bool has_profile;
	ntvm_behaviour profile;
	const char *record;
	bool quiet;
	struct replay_files files;
};

struct totals {
	size_t passed, failed;
};

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "ntvm-replay: %s\n", why);
	fprintf(stderr, "usage: ntvm-replay [--profile windows|wine-8.0] [--record OUT] [--quiet] "
	                "PATH...\n");
	return 2;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	char err[512];
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--profile") == 0 && i + 1 < argc) {
			if (!ntvm_replay_behaviour_from_name(argv[++i], &o->profile))
				return usage("unknown profile (windows or wine-8.0)");
			o->has_profile = true;
		} else if (strcmp(arg, "--record") == 0 && i + 1 < argc) {
			o->record = argv[++i];
		} else if (strcmp(arg, "--quiet") == 0) {
			o->quiet = true;
		} else if (strcmp(arg, "--help") == 0 || arg[0] == '-') {
			return usage(strcmp(arg, "--help") == 0 ? NULL : "unknown option");
		} else if (!replay_files_add(&o->files, arg, err, sizeof err)) {
			fprintf(stderr, "ntvm-replay: %s\n", err);
			return 2;
		}
	}
	return o->files.count ? 0 : usage("no trace files given");
}

static bool record_to_dir(const struct options *o)
{
	size_t n = strlen(o->record);
	return o->files.count > 1 || replay_is_dir(o->record) || (n && o->record[n - 1] == '/');
}

static bool write_recording(const struct options *o, const char *input,
                            const struct ntvm_trace *rec)
{
	char path[4096];
	if (record_to_dir(o))
		snprintf(path, sizeof path, "%s/%s", o->record, replay_basename(input));
	else
		snprintf(path, sizeof path, "%s", o->record);
	FILE *f = fopen(path, "w");
	bool ok = f && ntvm_trace_write(rec, f) == 0;
	if (f && fclose(f) != 0)
		ok = false;
	if (!ok)
		fprintf(stderr, "ntvm-replay: cannot write %s\n", path);
	return ok;
}

static void print_report(const struct options *o, const struct ntvm_trace *t,
                         const struct ntvm_replay_report *r)
{
	if (r->failed == 0) {
		if (!o->quiet)
			printf("PASS %s (%zu statements)\n", t->file, r->count);
		return;
	}
	printf("FAIL %s (%zu of %zu)\n", t->file, r->failed, r->count);
	for (size_t i = 0; i < r->count; i++) {
		char text[2048];
		if (r->outcomes[i].ok)
			continue;
		ntvm_replay_format_mismatch(t, &r->outcomes[i], text, sizeof text);
		fputs(text, stdout);
	}
}

static void replay_file(const struct options *o, const char *path, struct totals *tot)
{
	struct ntvm_trace *t = NULL;
	struct ntvm_trace_error err;
	if (ntvm_trace_load(path, &t, &err) != 0) {
		char text[700];
		ntvm_trace_error_format(&err, text, sizeof text);
		printf("%s\nFAIL %s (malformed)\n", text, path);
		tot->failed++;
		return;
	}
	ntvm_behaviour b = o->has_profile ? o->profile : ntvm_replay_behaviour_for_source(t->source);
	struct ntvm_replay_report r;
	if (ntvm_replay_run(t, b, o->record != NULL, &r) != 0) {
		printf("FAIL %s (out of memory)\n", path);
		tot->failed++;
	} else {
		print_report(o, t, &r);
		tot->passed += r.passed;
		tot->failed += r.failed;
		if (o->record && !write_recording(o, path, r.recording))
			tot->failed++;
	}
	ntvm_replay_report_free(&r);
	ntvm_trace_free(t);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	int rc = parse_options(argc, argv, &o);
	if (rc == 0 && o.record && record_to_dir(&o) && !replay_make_dirs(o.record)) {
		fprintf(stderr, "ntvm-replay: cannot create %s\n", o.record);
		rc = 2;
	}
	if (rc != 0) {
		replay_files_free(&o.files);
		return rc;
	}
	struct totals tot = { 0 };
	for (size_t i = 0; i < o.files.count; i++) {
		replay_file(&o, o.files.paths[i], &tot);
		fflush(stdout);
	}
	printf("%zu passed, %zu failed\n", tot.passed, tot.failed);
	replay_files_free(&o.files);
	return tot.failed ? 1 : 0;
}
