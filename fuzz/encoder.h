/*
 * encoder.h -- the decoder's inverse for traces: a trace's statements
 * become an nt_ops input that runs the same calls (A+off addresses are
 * rebased onto the fuzz arena, $n stays $n, exact values go through
 * literal records).  Used to seed the nt_ops corpus with every reference
 * script and to turn a trace back into a fuzz input.
 */
#ifndef NTVM_FUZZ_ENCODER_H
#define NTVM_FUZZ_ENCODER_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

/*
 * A malloc'd nt_ops input in *out and its size (0 and *out NULL when out of
 * memory) for the statements from *next on, as many as fit in FUZZ_MAX_OPS
 * records; *next moves past them, so a long trace becomes several inputs.
 * *skipped counts statements that could not be expressed exactly.
 */
size_t fuzz_encode_trace(const struct ntvm_trace *t, size_t *next, uint8_t **out,
                         size_t *skipped);

#endif /* NTVM_FUZZ_ENCODER_H */
