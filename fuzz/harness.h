/*
 * harness.h -- what every differential target shares: one run of a decoded
 * program on core and model side by side, a log of each operation's
 * arguments and both results (kept as numbers, formatted only when
 * something fails), the state comparison after every operation, and the
 * failure path that writes the finding as a trace and aborts.
 */
#ifndef NTVM_FUZZ_HARNESS_H
#define NTVM_FUZZ_HARNESS_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decoder.h"
#include "model.h"

/* One executed operation: arguments in call order, then both results. */
typedef struct fuzz_log {
	uint8_t op;
	uint8_t nargs;
	const fuzz_record *rec; /* the record it came from (a section's PE is decoded again) */
	uint64_t arg[10];
	uint64_t core[4];  /* [0] the status or return value, then out values */
	uint64_t model[4];
	uint8_t bytes[64]; /* nt_read: what the model read */
	char file[192];    /* nt_section: the PE description (pe_build text), "" for none */
	bool file_exact;   /* nt_section: the file is exactly what `file` describes */
} fuzz_log;

typedef struct fuzz_run fuzz_run;
struct fuzz_run {
	const char *target;
	const uint8_t *input;
	size_t input_size;
	ntvm *vm;
	model m;
	fuzz_env env;
	fuzz_program prog;
	size_t done; /* operations logged so far */
	fuzz_log log[FUZZ_MAX_OPS];
	bool nt; /* findings are NT statements (else comments only) */
	/* backend_faults: when set and excuse() says the difference comes from an
	 * injected backend failure, fuzz_fail jumps here instead of aborting. */
	jmp_buf *recover;
	bool (*excuse)(fuzz_run *run);
	bool verbose; /* NTVM_FUZZ_VERBOSE set: every NT operation is printed */
	/* backend_faults: called with true before the harness's own reads through
	 * the backend (fuzz_compare_views) and false after, so that injected
	 * failures meet only the operations themselves; NULL: none. */
	void (*checking)(bool on);
	/* core_ops: after each operation the per-page comparison and invariant
	 * checks cover only what the operation can have changed (its range and
	 * the reservations either side); the whole state is compared at the end
	 * of the input (fuzz_run_end).  Off (full checks after every operation)
	 * with NTVM_FUZZ_FULL_CHECK set, and for the other targets. */
	bool incremental;
};

/* Decode, create the manager (config may be NULL) and the model; false: skip the input.
 * fuzz_run_end compares the whole state first when the run is incremental. */
bool fuzz_run_start(fuzz_run *run, const char *target, const uint8_t *data, size_t size,
                    fuzz_op_set set, const ntvm_config *config);
void fuzz_run_end(fuzz_run *run);

/* NTVM_FUZZ_FULL_CHECK is set: incremental runs compare everything after every operation. */
bool fuzz_full_checks(void);

/* Does the operation return an ntvm_status / NTSTATUS (not a value)? */
bool fuzz_returns_status(uint8_t op);

/* Fail unless the first n logged results of core and model agree. */
void fuzz_expect_same(fuzz_run *run, const fuzz_log *l, size_t n);

/* A fresh log entry for the operation being run. */
fuzz_log *fuzz_log_op(fuzz_run *run, uint8_t op, size_t nargs, const uint64_t *args);

/* Print, write the finding trace, abort().  at_valid: add a query of `at`. */
_Noreturn void fuzz_fail(fuzz_run *run, bool at_valid, uint64_t at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Core keeps per-page metadata once a reservation's pages differ (README,
 * "Page state"), so one guard clear in a 64 TiB reservation costs it
 * gigabytes.  Allocations above FUZZ_MAX_RESERVATION are therefore checked
 * only when they fail: fuzz_huge_begin saves the model before such an
 * allocation, fuzz_huge_end restores it and returns true (skip core) when
 * the model's call succeeded.  The written pages are moved aside, not
 * copied: the call runs on the model without them (no allocation reads or
 * changes page contents) and they are put back either way.
 */
#define FUZZ_MAX_RESERVATION 0x10000000ull /* 256 MiB */
bool fuzz_huge_begin(fuzz_run *run, uint64_t size, model *saved);
bool fuzz_huge_end(fuzz_run *run, bool saving, model *saved, bool model_succeeded);

/* Arena walk, reservation list, statistics and core's invariants; in an
 * incremental run the walk and the per-page invariants cover the last
 * logged operation's window only. */
void fuzz_compare_state(fuzz_run *run);
/* The same over the whole state, always. */
void fuzz_compare_state_full(fuzz_run *run);

/* An MMIO region of two pages 64 KiB below the arena's end, made through
 * the manager API on core and model alike (nt_ops and snapshot header bit 4). */
void fuzz_arena_mmio(fuzz_run *run);

/* The harness's MMIO device: what it answers at an address (writes are dropped). */
uint8_t fuzz_mmio_byte(uint64_t address);
void fuzz_mmio_read(void *user, uint64_t address, void *data, size_t size);
void fuzz_mmio_write(void *user, uint64_t address, const void *data, size_t size);

/* Every core operation the decoder knows (core_exec.c, core_misc.c); NT ones in nt_exec.c. */
void fuzz_exec_misc_op(fuzz_run *run, const fuzz_record *r);
void fuzz_exec_core_op(fuzz_run *run, const fuzz_record *r);
void fuzz_exec_nt_op(fuzz_run *run, const fuzz_record *r);
/* The section calls (nt_section_exec.c); false: not a section call. */
bool fuzz_exec_section_op(fuzz_run *run, const fuzz_record *r);
/* Every NT view's committed pages (the first 64 of each) read the same on both sides. */
void fuzz_compare_views(fuzz_run *run);

/* The last logged operation as a comment line on stderr (NTVM_FUZZ_VERBOSE). */
void fuzz_print_op(const fuzz_run *run);

/* The trace statement of a section call with the model's results; false for
 * other operations and sections whose file has no pe: description
 * (finding_sections.c). */
struct ntvm_trace_env;
struct ntvm_trace_stmt;
bool fuzz_section_statement(const fuzz_log *l, struct ntvm_trace_env *env,
                            struct ntvm_trace_stmt *s);

/* Writes the finding (finding.c). */
void fuzz_write_finding(const fuzz_run *run, const char *why, bool at_valid, uint64_t at);

#endif /* NTVM_FUZZ_HARNESS_H */
