/*
 * targets.h -- the targets, checked against the measured rows.
 */
#ifndef NTVM_BENCH_TARGETS_H
#define NTVM_BENCH_TARGETS_H

#include <stdio.h>

#include "bench.h"

void bench_targets_print(FILE *out, const bench_row *rows, size_t count);
void bench_targets_json(FILE *out, const bench_row *rows, size_t count);

#endif /* NTVM_BENCH_TARGETS_H */
