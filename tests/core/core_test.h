/*
 * core_test.h -- helpers shared by the core unit tests: invariant and
 * "nothing changed" checks, and a backend wrapper that fails on request.
 */
#ifndef NTVM_CORE_TEST_H
#define NTVM_CORE_TEST_H

#include <ntvm/ntvm.h>

#include "digest.h"
#include "invariants.h"
#include "test.h"

#define PG NTVM_PAGE_SIZE
#define GR NTVM_ALLOCATION_GRANULARITY

/* Check every invariant of vm, printing the first broken one. */
#define CHECK_INV(vm)                                                                 \
	do {                                                                          \
		char why_[256];                                                       \
		if (!ntvm_check_invariants((vm), why_, sizeof why_)) {                \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, why_); \
			test_failed_checks++;                                         \
		}                                                                     \
	} while (0)

/* Expect call to fail with status and to leave the digest unchanged. */
#define CHECK_FAILS_UNCHANGED(vm, call, status)                                       \
	do {                                                                          \
		uint64_t before_ = ntvm_test_digest(vm);                              \
		ntvm_status st_ = (call);                                             \
		if (st_ != (status)) {                                                \
			fprintf(stderr, "%s:%d: %s returned %s, expected %s\n", __FILE__, __LINE__, \
			        #call, ntvm_status_name(st_), ntvm_status_name(status)); \
			test_failed_checks++;                                         \
		}                                                                     \
		CHECK_EQ_U64(ntvm_test_digest(vm), before_);                          \
		CHECK_INV(vm);                                                        \
	} while (0)

#define CHECK_OK(call) CHECK_STATUS(call, NTVM_OK)
#define CHECK_STATUS(call, status)                                                    \
	do {                                                                          \
		ntvm_status st_ = (call);                                             \
		if (st_ != (status)) {                                                \
			fprintf(stderr, "%s:%d: %s returned %s, expected %s\n", __FILE__, __LINE__, \
			        #call, ntvm_status_name(st_), ntvm_status_name(status)); \
			test_failed_checks++;                                         \
		}                                                                     \
	} while (0)

/*
 * A backend that forwards to an embedded backend of its own and fails
 * the Nth fallible call (map, protect, write, map_mmio; counting from 1) when
 * fail_at is set.  It counts calls by kind for tests that check coalescing.
 */
struct faulty {
	ntvm_backend inner;
	unsigned calls;     /* fallible calls seen */
	unsigned fail_at;   /* 0: never fail */
	unsigned maps, unmaps, protects;
};

/* Make a manager whose backend is a faulty wrapper around the embedded one. */
ntvm *faulty_create(struct faulty *f, const ntvm_config *config);
void faulty_destroy(ntvm *vm, struct faulty *f);

#endif
