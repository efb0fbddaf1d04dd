/*
 * report.h -- printing the results: the table (with the targets checked
 * below it) or JSON, the machine description, and the committed baseline.
 */
#ifndef NTVM_BENCH_REPORT_H
#define NTVM_BENCH_REPORT_H

#include <stdio.h>

#include "bench.h"

typedef struct bench_baseline_entry {
	char name[BENCH_NAME_MAX];
	double ns_op, min_ns_op, scale; /* min_ns_op < 0: not in the file */
} bench_baseline_entry;

typedef struct bench_baseline {
	bench_baseline_entry *entries;
	size_t count;
	char source[256];
} bench_baseline;

/* Reads the rows' names, scales and ns_op from a file written by --json;
 * false if the file cannot be read (an empty baseline is then used).  A row
 * is compared with a baseline entry of the same name and scale only. */
bool bench_baseline_load(bench_baseline *b, const char *path);
void bench_baseline_free(bench_baseline *b);

typedef struct bench_results {
	bench_row *rows;
	size_t count;
	const bench_baseline *baseline;
	bool model_built;
	bool quick; /* --quick: reduced scale, the targets are not judged */
	int failures; /* workload groups that failed */
} bench_results;

void bench_report_table(FILE *out, const bench_results *res);
void bench_report_json(FILE *out, const bench_results *res);
/* Number of workloads more than 1.5x slower than the baseline. */
int bench_regressions(const bench_results *res);
/* Is this row more than 1.5x slower than the baseline? */
bool bench_row_regressed(const bench_results *res, const bench_row *row);

#endif /* NTVM_BENCH_REPORT_H */
