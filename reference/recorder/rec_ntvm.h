/*
 * rec_ntvm.h -- the recorder's NT calls (struct rec_nt) served by ntvm's NT
 * layer instead of ntdll, so the recorder's own logic can run natively: its
 * tests and the live differential fuzzer (fuzz/nt_vs_wine/) record ntvm's
 * answers in exactly the form the recorder writes under Wine.  Native builds
 * only; the Windows recorder never links it.
 */
#ifndef NTVM_REC_NTVM_H
#define NTVM_REC_NTVM_H

#include "ntvm/ntvm.h"
#include "recorder.h"

/* The calls over vm, labelled `source` (e.g. "wine-8.0 x86_64").  One vm at
 * a time: a later call re-targets the table. */
const struct rec_nt *rec_ntvm_calls(ntvm *vm, const char *source);

#endif
