/*
 * replay.h -- the replay engine: run a parsed trace (reference/trace) against
 * a fresh ntvm through the NT layer and compare every result.
 *
 * A session owns one ntvm and steps through statements one at a time, so the
 * fuzz harness can drive it statement by statement; ntvm_replay_run replays a
 * whole trace.  Besides the recorded results, every step checks what the
 * format promises without a recorded value:
 *  - a statement whose call fails leaves the address space unchanged (a guard
 *    fault clears that one page's PAGE_GUARD; a faulting write leaves the
 *    bytes before the fault written, and nothing else);
 *  - an alloc with ADDR 0 that succeeds binds $n to ntvm's base, which must
 *    be 64 KiB aligned, inside the address space and zero_bits limit, free
 *    before the call, and the highest such place for MEM_TOP_DOWN.
 * See docs/replay.md.
 */
#ifndef NTVM_REPLAY_H
#define NTVM_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ntvm/ntvm.h>

#include "trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/* wine-* sources (and ntvm's own "ntvm wine-*" recordings) replay as
 * Wine 8.0, everything else as Windows. */
ntvm_behaviour ntvm_replay_behaviour_for_source(const char *source);
/* "windows" or "wine-8.0". */
const char *ntvm_replay_behaviour_name(ntvm_behaviour behaviour);
/* Parses "windows" / "wine-8.0" (also "wine"); false if unknown. */
bool ntvm_replay_behaviour_from_name(const char *name, ntvm_behaviour *out);

/* What one statement did. */
struct ntvm_replay_outcome {
	const struct ntvm_trace_stmt *expected; /* the statement replayed */
	uint32_t line;                 /* its line in its file */
	bool executed;                 /* false: an address named an unbound $n */
	bool checked;                  /* the statement had results to compare */
	bool ok;                       /* results matched and every check held */
	uint32_t field_mismatch;       /* bit i: result field i differed */
	struct ntvm_trace_stmt actual; /* the statement with ntvm's results */
	char why[320];                 /* failed checks beyond the fields, or "" */
};

struct ntvm_replay_session;

/*
 * A session for trace t (its arena and header) on a fresh 64-bit ntvm with
 * the given behaviour.  record: also build a recording of ntvm's own results
 * (ntvm_replay_session_recording).  NULL when out of memory.
 */
struct ntvm_replay_session *ntvm_replay_session_new(const struct ntvm_trace *t,
                                                    ntvm_behaviour behaviour, bool record);
void ntvm_replay_session_free(struct ntvm_replay_session *s);
ntvm *ntvm_replay_session_vm(struct ntvm_replay_session *s);

/* Execute one statement of the session's trace and compare. */
void ntvm_replay_session_step(struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                              struct ntvm_replay_outcome *out);

/* The recording built so far (source "ntvm <behaviour>"), owned by the
 * session; NULL unless record was requested. */
const struct ntvm_trace *ntvm_replay_session_recording(const struct ntvm_replay_session *s);
/* Finishes the recording and hands it over (the caller frees it); NULL when
 * not recording or out of memory. */
struct ntvm_trace *ntvm_replay_session_take_recording(struct ntvm_replay_session *s);

/* A whole trace. */
struct ntvm_replay_report {
	ntvm_behaviour behaviour;
	struct ntvm_replay_outcome *outcomes; /* one per statement, in order */
	size_t count;
	size_t passed, failed;
	struct ntvm_trace *recording; /* when record was requested; owned */
};

/* 0, or -1 when out of memory (report then empty). */
int ntvm_replay_run(const struct ntvm_trace *t, ntvm_behaviour behaviour, bool record,
                    struct ntvm_replay_report *out);
void ntvm_replay_report_free(struct ntvm_replay_report *r);

/*
 * The mismatch text of one outcome:
 *   file:line: <statement>
 *     expected: <results>
 *     actual:   <results>
 *     check:    <why>            (only when a check beyond the fields failed)
 * snprintf semantics.
 */
int ntvm_replay_format_mismatch(const struct ntvm_trace *t, const struct ntvm_replay_outcome *o,
                                char *buf, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* NTVM_REPLAY_H */
