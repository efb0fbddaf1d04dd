/*
 * trace_parse.c -- fuzz target: arbitrary text into the trace parser
 * (reference/trace).  The parser must never crash; when it accepts the
 * text, the canonical text it writes must parse again and write the same
 * canonical text (writing is a fixed point after one step).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *first, const char *second)
{
	fprintf(stderr, "ntvm-fuzz trace_parse: %s\n--- first\n%s\n--- second\n%s\n", what,
	        first ? first : "", second ? second : "");
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ntvm_trace *t = NULL, *t2 = NULL;
	struct ntvm_trace_error err;
	size_t len = 0, len2 = 0;
	if (ntvm_trace_parse((const char *)data, size, "input", &t, &err) != 0)
		return 0;
	char *text = ntvm_trace_write_string(t, &len);
	if (!text)
		fail("writing an accepted trace failed", NULL, NULL);
	if (ntvm_trace_parse(text, len, "rewritten", &t2, &err) != 0) {
		char msg[512];
		ntvm_trace_error_format(&err, msg, sizeof msg);
		fail(msg, text, NULL);
	}
	char *text2 = ntvm_trace_write_string(t2, &len2);
	if (!text2 || len != len2 || memcmp(text, text2, len) != 0)
		fail("the rewritten trace writes differently", text, text2);
	free(text);
	free(text2);
	ntvm_trace_free(t);
	ntvm_trace_free(t2);
	return 0;
}
