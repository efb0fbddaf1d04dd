/*
 * nt_test.h -- helpers for the NT layer's unit tests.
 *
 * Every call wrapper returns the status and the in/out values after the
 * call, and when the call fails it checks, for every test at once, that the
 * call changed nothing: the state digest (tests/support/digest.h) is the
 * same and the out parameters kept their input values.
 */
#ifndef NTVM_NT_TEST_H
#define NTVM_NT_TEST_H

#include <ntvm/nt.h>

#include "digest.h"
#include "test.h"

#define WIN NTVM_BEHAVIOUR_WINDOWS
#define WINE NTVM_BEHAVIOUR_WINE_8_0
#define PG 0x1000ull
#define GR 0x10000ull
/* The arena the recordings use: free in a fresh manager and under Wine. */
#define X 0x100000000000ull
#define MAX64 0x7FFFFFFEFFFFull

#define S_OK NTVM_STATUS_SUCCESS

typedef struct nt_out {
	uint32_t st;
	uint64_t base, size;
	uint32_t old;
} nt_out;

ntvm *nt_vm(ntvm_behaviour behaviour);
ntvm *nt_vm_profile(ntvm_behaviour behaviour, ntvm_address_profile profile);

nt_out nt_alloc(ntvm *vm, uint64_t base, uint64_t size, uint32_t type, uint32_t prot);
nt_out nt_alloc_zb(ntvm *vm, uint64_t base, uint64_t size, uint32_t type, uint32_t prot,
                   uint64_t zero_bits);
nt_out nt_free(ntvm *vm, uint64_t base, uint64_t size, uint32_t type);
nt_out nt_prot(ntvm *vm, uint64_t base, uint64_t size, uint32_t prot);
/* MemoryBasicInformation; the status is returned, the fields go to *mbi. */
uint32_t nt_query(ntvm *vm, uint64_t address, ntvm_memory_basic_information *mbi);
/* Read or write length bytes (write: copies of byte); returns the status. */
uint32_t nt_read(ntvm *vm, uint64_t address, void *data, size_t length, uint64_t *fault);
uint32_t nt_write(ntvm *vm, uint64_t address, uint8_t byte, size_t length, uint64_t *fault);

/* Check every MemoryBasicInformation field of the region at address. */
void nt_check_region(ntvm *vm, uint64_t address, uint64_t base, uint64_t alloc_base,
                     uint32_t alloc_prot, uint64_t size, uint32_t state, uint32_t prot,
                     uint32_t type, int line);
#define CHECK_REGION(vm, addr, base, ab, ap, size, state, prot, type) \
	nt_check_region(vm, addr, base, ab, ap, size, state, prot, type, __LINE__)

/* Status and out values of an nt_out in one line. */
#define CHECK_OUT(o, status, b, s)                  \
	do {                                        \
		nt_out o_ = (o);                    \
		CHECK_EQ_U64(o_.st, status);        \
		CHECK_EQ_U64(o_.base, b);           \
		CHECK_EQ_U64(o_.size, s);           \
	} while (0)

#endif
