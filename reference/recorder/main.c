/*
 * main.c -- ntvm-recorder.exe: records trace scripts against the real NT
 * virtual-memory calls.
 *
 *   ntvm-recorder.exe [--quiet] INPUT... OUTDIR
 *   ntvm-recorder.exe --serve      (scripts on stdin, recordings on stdout: serve.c)
 *
 * Each INPUT is a .trace file or a folder whose *.trace files are taken in
 * name order.  Each trace is recorded in this one process, one after the
 * other, and written through the trace library to OUTDIR/<same name>.  Exit
 * status 0 when every input was recorded, 1 otherwise, 2 on bad usage.
 */
#include <windows.h>

#include <fcntl.h>
#include <io.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recorder.h"

struct names {
	char **v;
	size_t n, cap;
};

static int names_add(struct names *l, const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *p = malloc(len);

	if (!p)
		return -1;
	if (dir[0])
		snprintf(p, len, "%s/%s", dir, name);
	else
		snprintf(p, len, "%s", name);
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **v = realloc(l->v, cap * sizeof *v);
		if (!v) {
			free(p);
			return -1;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = p;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds dir's *.trace files, sorted, so that recording order never depends on the file system. */
static int add_dir(struct names *l, const char *dir)
{
	char pattern[MAX_PATH];
	WIN32_FIND_DATAA fd;
	HANDLE h;
	size_t first = l->n;

	snprintf(pattern, sizeof pattern, "%s/*.trace", dir);
	h = FindFirstFileA(pattern, &fd);
	if (h == INVALID_HANDLE_VALUE)
		return 0;
	do {
		if (!(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) && names_add(l, dir, fd.cFileName) != 0) {
			FindClose(h);
			return -1;
		}
	} while (FindNextFileA(h, &fd));
	FindClose(h);
	qsort(l->v + first, l->n - first, sizeof *l->v, cmp_str);
	return 0;
}

static const char *base_name(const char *path)
{
	const char *a = strrchr(path, '/'), *b = strrchr(path, '\\');

	if (b && (!a || b > a))
		a = b;
	return a ? a + 1 : path;
}

static int record_file(const struct rec_nt *nt, const char *path, const char *outdir, int quiet)
{
	struct ntvm_trace *t;
	struct ntvm_trace_error err;
	char msg[600], out[MAX_PATH];
	FILE *f;
	int rc;

	if (ntvm_trace_load(path, &t, &err) != 0) {
		ntvm_trace_error_format(&err, msg, sizeof msg);
		fprintf(stderr, "ntvm-recorder: %s\n", msg);
		return -1;
	}
	if (rec_record(nt, t, msg, sizeof msg) != 0) {
		fprintf(stderr, "ntvm-recorder: %s\n", msg);
		ntvm_trace_free(t);
		return -1;
	}
	snprintf(out, sizeof out, "%s/%s", outdir, base_name(path));
	f = fopen(out, "wb");
	rc = f ? ntvm_trace_write(t, f) : -1;
	if (f && fclose(f) != 0)
		rc = -1;
	if (rc != 0)
		fprintf(stderr, "ntvm-recorder: cannot write %s\n", out);
	else if (!quiet)
		printf("recorded %s: %zu statements\n", out, t->nstmts);
	ntvm_trace_free(t);
	return rc;
}

static int collect(struct names *l, int argc, char **argv, int first, int last)
{
	for (int i = first; i < last; i++) {
		DWORD attr = GetFileAttributesA(argv[i]);
		int rc;
		if (attr == INVALID_FILE_ATTRIBUTES) {
			fprintf(stderr, "ntvm-recorder: %s: no such file or folder\n", argv[i]);
			return -1;
		}
		rc = (attr & FILE_ATTRIBUTE_DIRECTORY) ? add_dir(l, argv[i]) : names_add(l, "", argv[i]);
		if (rc != 0)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct rec_nt nt;
	struct names inputs = { 0 };
	int first = 1, quiet = 0, failed = 0;
	const char *outdir;

	if (argc == 2 && strcmp(argv[1], "--serve") == 0) {
		/* binary: the answers' lines end in \n, as the trace format writes them */
		_setmode(_fileno(stdin), _O_BINARY);
		_setmode(_fileno(stdout), _O_BINARY);
		if (rec_nt_init(&nt) != 0 || rec_probe_init() != 0)
			return 1;
		return rec_serve(&nt, stdin, stdout) == 0 ? 0 : 1;
	}
	if (argc > 1 && strcmp(argv[1], "--quiet") == 0) {
		quiet = 1;
		first = 2;
	}
	if (argc - first < 2) {
		fprintf(stderr, "usage: ntvm-recorder.exe [--quiet] SCRIPT|FOLDER... OUTDIR\n");
		return 2;
	}
	outdir = argv[argc - 1];
	CreateDirectoryA(outdir, NULL);
	if (rec_nt_init(&nt) != 0 || rec_probe_init() != 0)
		return 1;
	if (collect(&inputs, argc, argv, first, argc - 1) != 0)
		return 1;
	for (size_t i = 0; i < inputs.n; i++)
		if (record_file(&nt, inputs.v[i], outdir, quiet) != 0)
			failed++;
	printf("%zu recorded, %d failed (%s)\n", inputs.n - (size_t)failed, failed, nt.source);
	for (size_t i = 0; i < inputs.n; i++)
		free(inputs.v[i]);
	free(inputs.v);
	return failed ? 1 : 0;
}
