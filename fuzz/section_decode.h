/*
 * section_decode.h -- the arguments of the section calls (FOP_NT_SECTION,
 * _MAP, _UNMAP, _EXTEND, _CLOSE), resolved from one record against the
 * state, like every other operation (decoder.h).  Record layouts:
 *
 *   section  b1 == 0xFF: attributes, protection, size, access from the
 *               literal registers (LIT_TYPE, LIT_PROT, LIT_SIZE or NULL by
 *               LIT_NULLS bit 1, LIT_ACCESS), file by b2 (0: none, 1..15:
 *               fuzz_pe_table[b2 - 1], else a PE decoded from b2..b7);
 *            else b1 bits 0-1 the kind (SEC_COMMIT, SEC_RESERVE, SEC_IMAGE,
 *               a data file), bits 2-4 an attribute twist (4: SEC_NOCACHE,
 *               5: an odd value, 6: LIT_TYPE, 7: COMMIT|RESERVE), bits 5-7
 *               the protection (6, 7: from b6 as for NtAllocate);
 *               b3/b4 the size (NULL when b7 bit 7), b5 the access; an
 *               image's PE comes from b2 (below 0x10: the table) and b4, b6,
 *               b7, and b3 >= 0x80 corrupts one of its header bytes.
 *   map      b5 == 0xFF: handle, type, commit from the literal registers,
 *               base by b1/b2, size by b3/b4;
 *            else b5 bits 0-2 the handle, 3-4 the type (2: odd, 3: LIT_TYPE),
 *               bit 5 a commit size, bit 6 the size by b3/b4 (else 0),
 *               bit 7 the base by b1/b2 (else 0); b6 the protection;
 *            b7 == 0xFF: zero bits, offset (NULL by LIT_NULLS bit 0) and
 *               inherit from the literal registers;
 *            else b7 bits 0-3 zero bits (bit 3 clear: 0), 4-5 the offset (NULL,
 *               0, granules, LIT_OFFSET), bit 6 MEM_TOP_DOWN, bit 7 another
 *               inherit (ViewShare, ViewUnmap or an invalid one).
 *   unmap    b5 bit 0: inside a view (b2 picks it, b4 the page), else by b1/b2.
 *   extend   b5 the handle, b3/b4 the new size.
 *   close    b5 the handle.
 * A handle selector (3 bits): 0-5 a live section of the model (creation
 * order), 6 an odd value (0, unaligned, never given, the last closed), 7
 * LIT_HANDLE.
 */
#ifndef NTVM_FUZZ_SECTION_DECODE_H
#define NTVM_FUZZ_SECTION_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decoder.h"
#include "pe_build.h"

typedef struct fuzz_section_args {
	uint32_t access, protect, attributes;
	bool has_size;
	uint64_t size;
	bool image;             /* file: the PE built from spec (then corrupted) */
	ntvm_pe_spec spec;
	bool corrupt;
	size_t corrupt_at;
	uint8_t corrupt_xor;
	bool data_file;         /* file: data_size pattern bytes */
	size_t data_size;
} fuzz_section_args;

typedef struct fuzz_map_args {
	uint64_t handle, base, zero_bits, commit, offset, size;
	bool has_offset;
	uint32_t inherit, type, protect;
} fuzz_map_args;

/* PE descriptions the encoder can name exactly (fuzz_pe_table_index). */
#define FUZZ_PE_TABLE 12
extern const char *const fuzz_pe_table[FUZZ_PE_TABLE];
/* Index of a description in the table (canonical text), or -1. */
int fuzz_pe_table_index(const char *desc);

void fuzz_section_args_of(const fuzz_env *env, const fuzz_record *r, fuzz_section_args *a);
void fuzz_map_args_of(const fuzz_env *env, const fuzz_record *r, fuzz_map_args *a);
uint64_t fuzz_handle(const fuzz_env *env, const fuzz_record *r, uint8_t selector);
uint64_t fuzz_unmap_address(const fuzz_env *env, const fuzz_record *r);

/* The file bytes of a section (malloc'd, NULL with *size 0 for none); false:
 * the PE could not be built (the operation is skipped). */
bool fuzz_section_file(const fuzz_section_args *a, uint8_t **bytes, size_t *size);

#endif /* NTVM_FUZZ_SECTION_DECODE_H */
