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
#include "recorder.h"

static ntvm *vm;

static uint32_t n_alloc(void *process, void **base, uintptr_t zero_bits, size_t *size,
                        uint32_t type, uint32_t protect)
{
	uint64_t b = (uint64_t)(uintptr_t)*base, s = *size;
	uint32_t st = ntvm_nt_allocate_virtual_memory(vm, &b, zero_bits, &s, type, protect);

	*base = (void *)(uintptr_t)b;
	*size = (size_t)s;
	return st;
}

static uint32_t n_free(void *process, void **base, size_t *size, uint32_t type)
{
	uint64_t b = (uint64_t)(uintptr_t)*base, s = *size;
	uint32_t st = ntvm_nt_free_virtual_memory(vm, &b, &s, type);

	*base = (void *)(uintptr_t)b;
	*size = (size_t)s;
	return st;
}

static uint32_t n_protect(void *process, void **base, size_t *size, uint32_t prot, uint32_t *old)
{
	uint64_t b = (uint64_t)(uintptr_t)*base, s = *size;
	uint32_t st = ntvm_nt_protect_virtual_memory(vm, &b, &s, prot, old);

	*base = (void *)(uintptr_t)b;
	*size = (size_t)s;
	return st;
}

static uint32_t n_query(void *process, void *address, int info_class, void *buffer, size_t length,
                        size_t *return_length)
{
	uint64_t got = 0;
	uint32_t st = ntvm_nt_query_virtual_memory(vm, (uint64_t)(uintptr_t)address,
	                                           (uint32_t)info_class, buffer, length, &got);

	if (return_length)
		*return_length = (size_t)got;
	return st;
}

static uint32_t n_read(uint64_t address, uint8_t *out, size_t len)
{
	return ntvm_nt_access(vm, address, out, len, NTVM_ACCESS_READ, NULL);
}

static uint32_t n_write(uint64_t address, uint8_t value, size_t len)
{
	uint8_t data[NTVM_TRACE_MAX_BYTES];

	memset(data, value, sizeof data);
	return ntvm_nt_access(vm, address, data, len, NTVM_ACCESS_WRITE, NULL);
}

static const struct rec_nt ntvm_calls = { n_alloc, n_free, n_protect, n_query, n_read, n_write,
	                                  "wine-8.0 x86_64" };

const struct rec_nt *nvw_ntvm_calls(ntvm *v)
{
	vm = v;
	return &ntvm_calls;
}

char *nvw_record_ntvm(const char *script, char *why, size_t cap)
{
	struct ntvm_trace *t = NULL;
	struct ntvm_trace_error err;
	ntvm_config cfg;
	char *out = NULL;

	memset(&cfg, 0, sizeof cfg);
	cfg.behaviour = NTVM_BEHAVIOUR_WINE_8_0;
	vm = ntvm_create(&cfg);
	why[0] = 0;
	if (!vm) {
		snprintf(why, cap, "ntvm_create failed");
		return NULL;
	}
	if (ntvm_trace_parse(script, strlen(script), "stdin", &t, &err) != 0) {
		char msg[600];
		ntvm_trace_error_format(&err, msg, sizeof msg);
		snprintf(why, cap, "%s", msg);
	} else if (rec_record(&ntvm_calls, t, why, cap) == 0) {
		out = ntvm_trace_write_string(t, NULL);
	}
	ntvm_trace_free(t);
	ntvm_destroy(vm);
	vm = NULL;
	return out;
}
