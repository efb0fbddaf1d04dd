/*
 * test_trace_files.c -- every trace committed under reference/ (scripts,
 * recordings, expectations, ...) parses, and writing it is a fixed point:
 * write(parse(write(parse(file)))) == write(parse(file)).
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "trace.h"

static size_t files_seen;

static void check_file(const char *path)
{
	struct ntvm_trace *a, *b = NULL;
	struct ntvm_trace_error err;
	char msg[600];
	char *ta, *tb = NULL;

	files_seen++;
	if (ntvm_trace_load(path, &a, &err) != 0) {
		ntvm_trace_error_format(&err, msg, sizeof msg);
		fprintf(stderr, "  %s\n", msg);
		test_failed_checks++;
		return;
	}
	ta = ntvm_trace_write_string(a, NULL);
	CHECK(ta != NULL);
	if (ta && ntvm_trace_parse(ta, strlen(ta), path, &b, &err) == 0)
		tb = ntvm_trace_write_string(b, NULL);
	if (!ta || !tb || strcmp(ta, tb) != 0) {
		fprintf(stderr, "  %s: writing is not a fixed point\n", path);
		test_failed_checks++;
	}
	CHECK(b && a->nstmts == b->nstmts && a->nbinds == b->nbinds);
	free(ta);
	free(tb);
	ntvm_trace_free(a);
	ntvm_trace_free(b);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void walk(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[1024];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (ends_with(e->d_name, ".trace"))
			check_file(path);
		else if (depth < 3)
			walk(path, depth + 1);
	}
	closedir(d);
}

TEST(every_committed_trace_round_trips)
{
	walk(NTVM_SOURCE_DIR "/reference", 0);
	fprintf(stderr, "  %zu trace files checked\n", files_seen);
	CHECK(files_seen > 0);
}

TEST_MAIN(TEST_CASE(every_committed_trace_round_trips))
