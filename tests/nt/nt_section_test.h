/*
 * nt_section_test.h -- helpers for the section tests: wrappers of the NT
 * section calls that check a failing call changed nothing (state digest,
 * section count, out parameters), and a small PE writer for image tests.
 */
#ifndef NTVM_NT_SECTION_TEST_H
#define NTVM_NT_SECTION_TEST_H

#include "nt_test.h"

typedef struct sec_out {
	uint32_t st;
	ntvm_handle handle;
	uint64_t base, size, offset;
} sec_out;

/* NtCreateSection of a page-file section (bytes NULL) or from bytes. */
sec_out sec_create(ntvm *vm, uint64_t max, uint32_t prot, uint32_t attrs, const void *bytes,
                   size_t size);
sec_out sec_map(ntvm *vm, ntvm_handle h, uint64_t base, uint64_t offset, uint64_t size,
                uint32_t type, uint32_t prot);
/* The same with every argument. */
sec_out sec_map_full(ntvm *vm, ntvm_handle h, uint64_t base, uint64_t zero_bits, uint64_t commit,
                     uint64_t offset, uint64_t size, uint32_t inherit, uint32_t type, uint32_t prot);
uint32_t sec_unmap(ntvm *vm, uint64_t base);
uint32_t sec_close(ntvm *vm, ntvm_handle h);

/* A PE32+ image: sections of (virtual size, raw size, characteristics),
 * raw bytes filled with the section's index + 1. */
typedef struct pe_sec {
	uint32_t vsize, raw, characteristics;
} pe_sec;
size_t pe_write(uint8_t *out, size_t cap, uint64_t image_base, const pe_sec *secs, unsigned count);

#define SCN_R 0x40000000u
#define SCN_W 0x80000000u
#define SCN_X 0x20000000u
#define SCN_S 0x10000000u

#endif
