/*
 * bench.h -- the benchmark program's shared pieces: the target interface
 * (the same workload code drives the ntvm library and the oracle model), the
 * result row, the measuring helpers and the workload groups.
 *
 * Every figure is a median over a few repeats of a timed loop whose length
 * is calibrated to take a few milliseconds; every workload checks the
 * results of the calls it makes and fails the run when one is unexpected,
 * so a fast but wrong manager cannot produce a figure.
 */
#ifndef NTVM_BENCH_H
#define NTVM_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ntvm/nt.h>
#include <ntvm/ntdefs.h>
#include <ntvm/ntvm.h>

/* ------------------------------------------------------------------ */
/* Targets: ntvm (target_ntvm.c) and the oracle model (target_model.c)  */
/* ------------------------------------------------------------------ */
typedef struct bench_ops {
	const char *name;
	void *(*create)(void); /* 64-bit profile, Windows behaviour, default backend */
	void (*destroy)(void *t);
	ntvm_ntstatus (*nt_alloc)(void *t, uint64_t *base, uint64_t *size, uint32_t type,
	                          uint32_t protect);
	ntvm_ntstatus (*nt_free)(void *t, uint64_t *base, uint64_t *size, uint32_t type);
	ntvm_ntstatus (*nt_protect)(void *t, uint64_t *base, uint64_t *size, uint32_t protect,
	                            uint32_t *old_protect);
	ntvm_ntstatus (*nt_query)(void *t, uint64_t address, ntvm_memory_basic_information *mbi);
	ntvm_ntstatus (*nt_access)(void *t, uint64_t address, void *data, size_t length,
	                           uint32_t access, uint64_t *fault_address);
	/* Manager calls, for fast set-up. */
	ntvm_status (*allocate_at)(void *t, uint64_t base, uint64_t size, ntvm_perm perm,
	                           bool reserve_only);
	ntvm_status (*commit)(void *t, uint64_t address, uint64_t size, ntvm_perm perm);
	ntvm_status (*protect)(void *t, uint64_t address, uint64_t size, ntvm_perm perm);
	void (*stats)(void *t, ntvm_stats *out);
} bench_ops;

extern const bench_ops bench_ntvm_ops;
/* ntvm with a backend whose calls do nothing: the manager's own cost. */
extern const bench_ops bench_ntvm_null_backend_ops;
/* NULL when the oracle model is not part of this build. */
const bench_ops *bench_model_ops(void);

/* ------------------------------------------------------------------ */
/* Result rows                                                          */
/* ------------------------------------------------------------------ */
#define BENCH_NAME_MAX 40
#define BENCH_NOTE_MAX 96

typedef struct bench_row {
	char name[BENCH_NAME_MAX];
	char group[16];
	uint64_t scale;          /* live reservations (regions for query-walk/snapshot) */
	double ns_op;            /* median ns per operation; < 0: not measured */
	double spread;           /* (max - min) / median over the repeats */
	double min_ns_op;        /* the fastest repeat (least disturbed by other load) */
	uint64_t metadata_bytes; /* ntvm_stats.metadata_bytes at the end of the set-up */
	uint64_t reserved_pages;
	uint64_t reservations;
	long peak_rss_kb;        /* getrusage: the workload's process so far */
	double model_ns_op;      /* < 0: no model figure */
	uint64_t model_scale;    /* the scale the model ran at */
	double ntvm_at_model_scale; /* ntvm's ns/op at model_scale (the ratio's numerator) */
	double extra;            /* a workload-specific figure, see extra_unit; < 0: none */
	char extra_unit[16];
	char note[BENCH_NOTE_MAX];
} bench_row;

/* ------------------------------------------------------------------ */
/* Run settings and the emitter                                         */
/* ------------------------------------------------------------------ */
typedef struct bench_ctx {
	int repeats;            /* timed repeats per figure (median) */
	double min_repeat_ms;   /* calibrated loop length */
	uint64_t scale_div;     /* 1 normally; larger in --quick */
	uint64_t model_cap;     /* largest scale the model runs at */
	const bench_ops *model; /* NULL: no model figures */
	const char *wine_exe;   /* the Windows cycle program, or NULL */
	const char *wine_loader;
	int out_fd;             /* rows are written here (a pipe to the parent) */
	bool failed;
} bench_ctx;

void bench_row_init(bench_row *row, const char *group, const char *name, uint64_t scale);
void bench_emit(bench_ctx *ctx, const bench_row *row);
/* Report a failed check: prints it and marks the run as failed. */
bool bench_fail(bench_ctx *ctx, const char *workload, const char *what);

/* ------------------------------------------------------------------ */
/* Measuring (runner.c)                                                 */
/* ------------------------------------------------------------------ */
/* Runs n operations on state; false when a call gave an unexpected result. */
typedef bool (*bench_op_fn)(void *state, uint64_t n);

typedef struct bench_timing {
	double ns_op, spread, min_ns_op;
	bool ok;
} bench_timing;

uint64_t bench_now_ns(void);
bench_timing bench_measure(const bench_ctx *ctx, bench_op_fn op, void *state);
long bench_peak_rss_kb(void);
uint64_t bench_rand(uint64_t *state); /* splitmix64 */
/* Fill metadata, pages and reservation counts from the target's statistics. */
void bench_row_stats(bench_row *row, const bench_ops *ops, void *t);

/*
 * The common shape of a workload case: set-up at a scale, an operation loop,
 * tear-down.  bench_run_case measures it on ntvm at `scale`, then on the
 * model at min(scale, model_cap) (and ntvm again at that scale when capped,
 * so that the ratio compares equal states), and emits the row.
 */
typedef struct bench_case {
	const char *group, *name;
	uint64_t scale;
	void *(*setup)(const bench_ops *ops, uint64_t scale);
	bench_op_fn op;
	void (*teardown)(void *state);
	void *(*target_of)(void *state); /* the target inside the state, for statistics */
	uint64_t model_cap; /* 0: ctx->model_cap; lower where the model is O(n^2) per call */
	const bench_ops *ntvm; /* NULL: bench_ntvm_ops; another: no model figure */
	/* > 1: one loop op makes this many NT calls; the row's ns/op figures
	 * are then per call, and extra is the time of the whole op. */
	unsigned calls_per_op;
	const char *op_unit; /* with calls_per_op: extra's unit, e.g. "ns/cycle" */
} bench_case;

void bench_run_case(bench_ctx *ctx, const bench_case *c);
/* Model figures for a row already measured on ntvm at c->scale. */
void bench_model_side(bench_ctx *ctx, const bench_case *c, bench_row *row);

/* ------------------------------------------------------------------ */
/* Workload groups (wl_*.c)                                             */
/* ------------------------------------------------------------------ */
void wl_cycle(bench_ctx *ctx);
void wl_fragmented(bench_ctx *ctx);
void wl_sparse_huge(bench_ctx *ctx);
void wl_find_free(bench_ctx *ctx);
void wl_query_walk(bench_ctx *ctx);
void wl_snapshot(bench_ctx *ctx);
void wl_access(bench_ctx *ctx);
void wl_wine(bench_ctx *ctx);
void wl_metadata(bench_ctx *ctx);

/* Shared set-up helpers (wl_common.c) */
#define BENCH_BASE 0x100000000ull /* the 64-bit profile's default allocation address */
#define BENCH_GRANULE NTVM_ALLOCATION_GRANULARITY
#define BENCH_PAGE NTVM_PAGE_SIZE

/* The NT calls of one `cycle` op (reserve, commit, query, release): its
 * ns/op is per call, as the target and Wine's figure are. */
#define BENCH_CYCLE_CALLS 4

/* The state every workload keeps first. */
typedef struct bench_target {
	const bench_ops *ops;
	void *t;
} bench_target;

bool bench_target_open(bench_target *bt, const bench_ops *ops);
void bench_target_close(bench_target *bt);
void *bench_target_of(void *state); /* state begins with a bench_target */

/* A state of `regions` query regions (wl_query_walk.c): reservations of 16
 * pages (first page committed read-write, last page committed read-only,
 * the rest reserved) separated by 64 KiB of free space, four regions each.
 * Returns the number of reservations made, or 0 on failure. */
uint64_t bench_build_regions(const bench_target *bt, uint64_t regions);
#define BENCH_REGIONS_STRIDE (2 * BENCH_GRANULE) /* one reservation, one free granule */

/* One NT reservation of 64 KiB at a system-chosen base with its first page
 * committed read-write; returns the base or 0. */
uint64_t bench_nt_reserve_commit(const bench_target *bt);

/* Model caps: where the model chooses bases itself (O(n^2) per call) it runs
 * at a tenth of the usual cap. */
#define BENCH_MODEL_CAP_CHOOSING(ctx) ((ctx)->model_cap / 10)

#endif /* NTVM_BENCH_H */
