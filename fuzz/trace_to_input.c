/*
 * trace_to_input.c -- `ntvm-trace-to-input OUT_DIR TRACE...`: writes
 * OUT_DIR/<trace name>.bin, the nt_ops input that runs each trace's calls
 * (see encoder.h); a trace too long for one input continues in
 * <trace name>.2.bin, .3.bin, ...  Used to seed corpus/nt_ops with the
 * reference scripts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoder.h"

static int write_input(const char *path, const uint8_t *bytes, size_t size)
{
	FILE *f = fopen(path, "wb");
	int failed = !f || fwrite(bytes, 1, size, f) != size;
	if (f)
		failed |= fclose(f) != 0;
	if (failed)
		fprintf(stderr, "trace-to-input: cannot write %s\n", path);
	return failed;
}

static int convert(const char *dir, const char *path)
{
	struct ntvm_trace *t = NULL;
	struct ntvm_trace_error err;
	char out_path[4096], msg[512];
	size_t skipped = 0, next = 0;
	int failed = 0;
	if (ntvm_trace_load(path, &t, &err) != 0) {
		ntvm_trace_error_format(&err, msg, sizeof msg);
		fprintf(stderr, "trace-to-input: %s\n", msg);
		return 1;
	}
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int stem = (int)(strstr(name, ".trace") ? (size_t)(strstr(name, ".trace") - name) : strlen(name));
	for (int part = 1; !failed && (part == 1 || next < t->nstmts); part++) {
		uint8_t *bytes = NULL;
		size_t size = fuzz_encode_trace(t, &next, &bytes, &skipped);
		if (part == 1)
			snprintf(out_path, sizeof out_path, "%s/%.*s.bin", dir, stem, name);
		else
			snprintf(out_path, sizeof out_path, "%s/%.*s.%d.bin", dir, stem, name, part);
		failed = size == 0 || write_input(out_path, bytes, size);
		free(bytes);
	}
	if (skipped)
		fprintf(stderr, "trace-to-input: %s: %zu statement(s) not expressed exactly\n", path,
		        skipped);
	ntvm_trace_free(t);
	return failed;
}

int main(int argc, char **argv)
{
	int failures = 0;
	if (argc < 3) {
		fprintf(stderr, "usage: %s OUT_DIR TRACE...\n", argv[0]);
		return 2;
	}
	for (int i = 2; i < argc; i++)
		failures += convert(argv[1], argv[i]);
	return failures ? 1 : 0;
}
