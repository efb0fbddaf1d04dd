/*
 * ntvm_side.c -- the recorder's own logic (reference/recorder/record.c)
 * run over ntvm's NT layer in the Wine 8.0 profile instead of ntdll, so
 * that ntvm's answer to a script comes out in exactly the form the recorder
 * under Wine writes (same bindings, canonical forms, arena rules).
 */
#include <string.h>

#include "ntvm/nt.h"
#include "ntvm/ntvm.h"
#include "nt_vs_wine.h"
#include "rec_ntvm.h"
#include "recorder.h"

char *nvw_record_ntvm(const char *script, char *why, size_t cap)
{
	struct ntvm_trace *t = NULL;
	struct ntvm_trace_error err;
	ntvm_config cfg;
	char *out = NULL;

	memset(&cfg, 0, sizeof cfg);
	cfg.behaviour = NTVM_BEHAVIOUR_WINE_8_0;
	ntvm *vm = ntvm_create(&cfg);
	why[0] = 0;
	if (!vm) {
		snprintf(why, cap, "ntvm_create failed");
		return NULL;
	}
	if (ntvm_trace_parse(script, strlen(script), "stdin", &t, &err) != 0) {
		char msg[600];
		ntvm_trace_error_format(&err, msg, sizeof msg);
		snprintf(why, cap, "%s", msg);
	} else if (rec_record(rec_ntvm_calls(vm, "wine-8.0 x86_64"), t, why, cap) == 0) {
		out = ntvm_trace_write_string(t, NULL);
	}
	ntvm_trace_free(t);
	ntvm_destroy(vm);
	return out;
}
