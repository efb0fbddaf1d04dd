/*
 * nt_vs_wine.h -- live differential fuzzing of ntvm against Wine: fuzz
 * inputs (the nt_ops encoding, fuzz/decoder.h) become trace scripts, each
 * script is recorded twice -- by the recorder's logic over ntvm's NT layer
 * in the Wine 8.0 profile, and by `ntvm-recorder.exe --serve` under Wine --
 * and the two recordings are compared statement by statement.
 */
#ifndef NTVM_NT_VS_WINE_H
#define NTVM_NT_VS_WINE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ntvm/ntvm.h"
#include "trace.h"

struct rec_nt;

#define NVW_ARENA_BASE NTVM_TRACE_DEFAULT_ARENA_BASE
#define NVW_ARENA_SIZE 0x400000ull /* FUZZ_ARENA_SIZE */

/* The script an input decodes to (script.c); NULL if it has no statement.
 * *dropped counts operations left out (outside the arena and the script's
 * own allocations, which the recorder refuses, or not expressible). */
char *nvw_script(const uint8_t *data, size_t size, size_t *nstmts, size_t *dropped);

/* The script recorded on ntvm (ntvm_side.c): the recording's text, or NULL
 * and the reason in why. */
char *nvw_record_ntvm(const char *script, char *why, size_t cap);

/* The recorder under Wine (wine_pipe.c). */
struct nvw_wine {
	pid_t pid;
	int to, from; /* pipe ends: its stdin, its stdout */
	char *buf;    /* bytes read and not yet consumed */
	size_t len, cap;
	unsigned starts;
};
/* Starts it if needed; 0 or -1. */
int nvw_wine_start(struct nvw_wine *w);
void nvw_wine_stop(struct nvw_wine *w);
/*
 * Sends script and reads the answer up to its `end` line within timeout_ms.
 * 0 and a malloc'd answer (recording text, or "error ..." text); -1 if the
 * process died or timed out (it is then stopped; the next call restarts it).
 */
int nvw_wine_record(struct nvw_wine *w, const char *script, int timeout_ms, char **answer);

#endif /* NTVM_NT_VS_WINE_H */
