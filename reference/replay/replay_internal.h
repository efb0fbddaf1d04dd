/*
 * replay_internal.h -- what the replay engine's files share: the session,
 * the raw results of one call, and the helpers each file provides.
 */
#ifndef NTVM_REPLAY_INTERNAL_H
#define NTVM_REPLAY_INTERNAL_H

#include <ntvm/ntdefs.h>

#include "replay.h"
#include "replay_state.h"

struct ntvm_replay_session {
	const struct ntvm_trace *trace;
	ntvm *vm;
	ntvm_behaviour behaviour;
	struct ntvm_trace_env env;     /* the file's $n -> ntvm's base (size 0: not bound) */
	struct ntvm_trace *recording;  /* NULL unless recording */
	struct ntvm_trace_env rec_env; /* the recording's own $n */
	uint32_t *renumber;            /* file n -> recording n (0: none), index n - 1 */
	uint32_t renumber_cap;
	uint32_t *renumber_h;          /* file %n -> recording %n (0: none), index n - 1 */
	uint32_t renumber_h_cap;
	char *pending;                 /* comment lines for the next recorded line */
	replay_state before, after;
};

/* The arguments of a statement with every address resolved. */
struct replay_args {
	uint64_t addr;
	uint64_t size;     /* alloc/free/protect SIZE, read/write LEN */
	uint32_t type;     /* alloc/free TYPE */
	uint32_t prot;     /* alloc/protect PROT */
	uint64_t zero_bits;
	uint8_t byte;      /* write */
	/* sections (replay_sections.c); map uses type, prot, zero_bits, size too */
	uint64_t handle;   /* map/extend/close SECTION */
	uint64_t offset;   /* map OFFSET */
	bool has_offset;   /* map OFFSET is not `-` */
	bool has_size;     /* section SIZE is not `-` */
	uint64_t commit;   /* map COMMIT */
	uint32_t inherit;  /* map INHERIT */
	uint32_t access;   /* section ACCESS */
	uint32_t attrs;    /* section ATTRS */
};

/* What the call returned, in absolute values. */
struct replay_raw {
	uint32_t status;
	uint64_t base, size;
	uint32_t old;
	ntvm_memory_basic_information mbi;
	uint8_t bytes[NTVM_TRACE_MAX_BYTES];
	size_t nbytes;
	uint64_t fault; /* read/write: first faulting address */
	uint64_t handle; /* section: the new handle */
	uint64_t offset; /* map: OFFSET after the call */
	bool has_offset;
};

/* replay_exec.c */
void replay_exec(struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                 const struct replay_args *a, struct replay_raw *raw);
/* Number of result fields the raw results fill (query/read: 1 on failure). */
int replay_raw_count(const struct ntvm_trace_stmt *stmt, const struct replay_raw *raw);
/* Field i of the raw results as an absolute number (bytes excepted). */
uint64_t replay_raw_field(const struct ntvm_trace_stmt *stmt, const struct replay_raw *raw, int i);

/* replay_sections.c */
/* NT_SUCCESS: success and informational statuses. */
bool replay_nt_success(uint32_t status);
/* The arguments of a section statement; false when a $n or %n is not bound. */
bool replay_section_args(const struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                         struct replay_args *a, char *why, size_t why_size);
void replay_exec_section(struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                         const struct replay_args *a, struct replay_raw *raw);
/* A successful section: binds its %n to ntvm's handle, which must be a
 * non-zero multiple of 4. */
void replay_bind_section(struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                         const struct replay_raw *raw, char *why, size_t why_size);
/* Records %n = handle (0 marks a binding that did not happen). */
bool replay_bind_handle_at(struct ntvm_trace_env *env, uint32_t n, uint64_t handle);

/* replay_bind.c */
/* Resolves an address field through env; false when it names an unbound $n
 * (why then says which). */
bool replay_resolve(const struct ntvm_trace_env *env, const struct ntvm_trace_val *v,
                    uint64_t *out, char *why, size_t why_size);
/* Records $n = base (size 0 marks a binding that did not happen). */
bool replay_bind_at(struct ntvm_trace_env *env, uint32_t n, uint64_t base, uint64_t size);
/* Checks what the system guarantees for a base it chose; false and why. */
bool replay_check_chosen_base(const ntvm *vm, const replay_state *before,
                              const struct replay_args *a, uint64_t base, uint64_t size,
                              char *why, size_t why_size);

/* replay_check.c */
/* The window of contents a statement could touch. */
void replay_window(const struct ntvm_trace_stmt *stmt, const struct replay_args *a,
                   const replay_state *before, uint64_t *lo, uint64_t *hi);
/* Whether a statement that returned raw must have left the state unchanged. */
bool replay_must_not_change(const struct ntvm_trace_stmt *stmt, const struct replay_raw *raw);

/* replay_compare.c */
/* Compares expected results with raw; returns the mismatch bit set. */
uint32_t replay_compare(const struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                        const struct replay_raw *raw, char *why, size_t why_size);
/* Fills out->res from raw, addresses in canonical form through env. */
void replay_fill_results(const struct ntvm_trace_env *env, const struct ntvm_trace_stmt *stmt,
                         const struct replay_raw *raw, struct ntvm_trace_stmt *out);

/* replay_record.c */
/* The recording's header: source "ntvm <behaviour>", the rest copied. */
struct ntvm_trace *replay_record_begin(const struct ntvm_trace *t, ntvm_behaviour behaviour);
/* Appends stmt with ntvm's results; chosen: ntvm chose the base (binds). */
bool replay_record_stmt(struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                        const struct replay_raw *raw, bool chosen);
/* A statement that could not run becomes a comment line of the recording. */
bool replay_record_skipped(struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                           const char *why);
/* Moves pending comments to the recording's tail. */
bool replay_record_finish(struct ntvm_replay_session *s);

/* Append text to a why buffer ("; " between parts). */
void replay_why_add(char *why, size_t size, const char *text);

#endif /* NTVM_REPLAY_INTERNAL_H */
