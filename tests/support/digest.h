/*
 * digest.h -- a 64-bit digest of everything a manager shows through its
 * public API, so that tests can assert "this failing call changed nothing".
 */
#ifndef NTVM_TEST_DIGEST_H
#define NTVM_TEST_DIGEST_H

#include <stdint.h>

#include <ntvm/ntvm.h>

/* Every region from ntvm_region_info_at_detailed over [0, max_address]
 * (with each run's last protection), the stats,
 * the layout version, the default allocation address, DEP, and the bytes of
 * every committed page (MMIO excluded: reading it would call back). */
uint64_t ntvm_test_digest(const ntvm *vm);

#endif
