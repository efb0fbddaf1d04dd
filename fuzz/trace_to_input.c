/*
 * trace_to_input.c -- `ntvm-trace-to-input OUT_DIR TRACE...`: writes
 * OUT_DIR/<trace name>.bin, the nt_ops input that runs each trace's calls
 * (see encoder.h).  Used to seed corpus/nt_ops with the reference scripts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoder.h"

static int convert(const char *dir, const char *path)
{
	struct ntvm_trace *t = NULL;
	struct ntvm_trace_error err;
	char out_path[4096], msg[512];
	uint8_t *bytes = NULL;
	size_t skipped = 0;
	if (ntvm_trace_load(path, &t, &err) != 0) {
		ntvm_trace_error_format(&err, msg, sizeof msg);
		fprintf(stderr, "trace-to-input: %s\n", msg);
		return 1;
	}
	size_t size = fuzz_encode_trace(t, &bytes, &skipped);
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	snprintf(out_path, sizeof out_path, "%s/%.*s.bin", dir,
	         (int)(strstr(name, ".trace") ? (size_t)(strstr(name, ".trace") - name) : strlen(name)),
	         name);
	FILE *f = size ? fopen(out_path, "wb") : NULL;
	int failed = !f || fwrite(bytes, 1, size, f) != size;
	if (f)
		failed |= fclose(f) != 0;
	if (failed)
		fprintf(stderr, "trace-to-input: cannot write %s\n", out_path);
	else if (skipped)
		fprintf(stderr, "trace-to-input: %s: %zu statement(s) not expressed exactly\n", path,
		        skipped);
	free(bytes);
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
