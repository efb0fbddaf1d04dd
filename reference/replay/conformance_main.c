/*
 * conformance_main.c -- ntvm-conformance: replay every reference trace and
 * write the conformance report.
 *
 *   ntvm-conformance [--reference DIR] [--differences FILE] [--strict] OUTDIR
 *
 * Writes OUTDIR/conformance.md, OUTDIR/conformance.html (self-contained) and
 * OUTDIR/conformance.json, prints their paths and a one-line summary.  Exit
 * status 0 when the report was written (with --strict: and every Wine
 * recording and Windows expectation passed), 1 otherwise, 2 for usage errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance.h"
#include "replay_files.h"

#ifndef NTVM_SOURCE_DIR
#define NTVM_SOURCE_DIR "."
#endif

struct options {
	const char *reference;
	const char *differences;
	const char *out;
	bool strict;
};

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "ntvm-conformance: %s\n", why);
	fprintf(stderr, "usage: ntvm-conformance [--reference DIR] [--differences FILE] [--strict] "
	                "OUTDIR\n");
	return 2;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--reference") == 0 && i + 1 < argc)
			o->reference = argv[++i];
		else if (strcmp(argv[i], "--differences") == 0 && i + 1 < argc)
			o->differences = argv[++i];
		else if (strcmp(argv[i], "--strict") == 0)
			o->strict = true;
		else if (argv[i][0] == '-' || o->out)
			return usage(strcmp(argv[i], "--help") == 0 ? NULL : "bad arguments");
		else
			o->out = argv[i];
	}
	return o->out ? 0 : usage("no output folder given");
}

/* docs/profile-differences.md beside the reference folder; while that file
 * does not exist, the table in docs/windows-semantics-notes.md. */
static const char *default_differences(const char *reference, char *buf, size_t cap)
{
	static const char *const names[] = { "profile-differences.md", "windows-semantics-notes.md" };
	/* "reference" -> "docs/...", "/src/reference" -> "/src/docs/...". */
	size_t n = strlen(reference);
	const char *tail = "reference";
	bool plain = n >= 9 && strcmp(reference + n - 9, tail) == 0 &&
	             (n == 9 || reference[n - 10] == '/');
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (plain)
			snprintf(buf, cap, "%.*sdocs/%s", (int)(n - 9), reference, names[i]);
		else
			snprintf(buf, cap, "%s/../docs/%s", reference, names[i]);
		FILE *f = fopen(buf, "r");
		if (f) {
			fclose(f);
			return buf;
		}
	}
	return buf;
}

typedef int (*writer_fn)(const struct conf_report *r, FILE *f);

static bool write_one(const struct conf_report *r, const char *dir, const char *name,
                      writer_fn write)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	bool ok = f && write(r, f) == 0;
	if (f && fclose(f) != 0)
		ok = false;
	if (ok)
		printf("%s\n", path);
	else
		fprintf(stderr, "ntvm-conformance: cannot write %s\n", path);
	return ok;
}

static void print_summary(const struct conf_report *r)
{
	printf("conformance:");
	for (int i = 0; i < CONF_COLUMNS; i++) {
		const struct conf_column *c = &r->columns[i];
		printf("%s %s %zu/%zu passed", i ? "," : "", c->id, c->total.passed,
		       c->total.passed + c->total.failed);
	}
	printf(" (%zu of %zu wine-as-windows differences matched to the table)\n",
	       r->columns[CONF_COL_WINE_AS_WINDOWS].explained,
	       r->columns[CONF_COL_WINE_AS_WINDOWS].total.failed);
}

int main(int argc, char **argv)
{
	struct options o = { NTVM_SOURCE_DIR "/reference", NULL, NULL, false };
	int rc = parse_options(argc, argv, &o);
	if (rc)
		return rc;
	char differences[4096];
	if (!o.differences)
		o.differences = default_differences(o.reference, differences, sizeof differences);
	if (!replay_make_dirs(o.out)) {
		fprintf(stderr, "ntvm-conformance: cannot create %s\n", o.out);
		return 1;
	}
	struct conf_report r;
	if (!conf_build(&r, o.reference, o.differences)) {
		fprintf(stderr, "ntvm-conformance: out of memory\n");
		conf_free(&r);
		return 1;
	}
	bool ok = write_one(&r, o.out, "conformance.md", conf_write_markdown) &&
	          write_one(&r, o.out, "conformance.html", conf_write_html) &&
	          write_one(&r, o.out, "conformance.json", conf_write_json);
	print_summary(&r);
	if (o.strict && (r.columns[CONF_COL_WINE].total.failed || r.columns[CONF_COL_WINDOWS].total.failed))
		ok = false;
	conf_free(&r);
	return ok ? 0 : 1;
}
