/*
 * trace_load.c -- reading a trace from a file and printing parse errors in
 * the usual "file:line:column: reason" shape that editors understand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_internal.h"

static int load_fail(struct ntvm_trace_error *err, const char *path, const char *why)
{
	if (err) {
		memset(err, 0, sizeof *err);
		snprintf(err->file, sizeof err->file, "%s", path);
		snprintf(err->reason, sizeof err->reason, "%s", why);
	}
	return -1;
}

static char *read_all(FILE *f, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);

	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap) {
			if (ferror(f))
				break;
			*len = n;
			return buf;
		}
		{
			char *p = cap > ((size_t)-1) / 2 ? NULL : realloc(buf, cap * 2);
			if (!p)
				break;
			buf = p;
			cap *= 2;
		}
	}
	free(buf);
	return NULL;
}

int ntvm_trace_load(const char *path, struct ntvm_trace **out, struct ntvm_trace_error *err)
{
	FILE *f = fopen(path, "rb");
	size_t len = 0;
	char *data;
	int rc;

	*out = NULL;
	if (!f)
		return load_fail(err, path, "cannot open the file");
	data = read_all(f, &len);
	fclose(f);
	if (!data)
		return load_fail(err, path, "cannot read the file");
	rc = ntvm_trace_parse(data, len, path, out, err);
	free(data);
	return rc;
}

int ntvm_trace_error_format(const struct ntvm_trace_error *err, char *buf, size_t cap)
{
	if (err->line && err->column)
		return snprintf(buf, cap, "%s:%u:%u: %s", err->file, (unsigned)err->line,
		                (unsigned)err->column, err->reason);
	if (err->line)
		return snprintf(buf, cap, "%s:%u: %s", err->file, (unsigned)err->line, err->reason);
	return snprintf(buf, cap, "%s: %s", err->file, err->reason);
}
