/*
 * decoder.h -- turns any byte string into a valid operation sequence.
 *
 * Layout: one header byte (its meaning is the target's: address profile,
 * behaviour profile, DEP), then fixed 8-byte records, one per operation:
 *
 *   b0 opcode   b1 address selector  b2 address operand
 *               b3 size selector     b4 size operand
 *   b5 flags 1 (perm / type / byte)  b6 flags 2 (protection / alignment)
 *   b7 misc (zero_bits, reserve_only, kind, top_down)
 *
 * Every byte value means something, a changed byte changes one operation
 * only, leftover bytes are ignored and at most FUZZ_MAX_OPS records are read.
 * Addresses and sizes are resolved when the operation runs, against the
 * state at that moment (arena edges, existing reservations, the last base),
 * so that interesting values -- 0, page and granule edges, arena edges, the
 * top of the address space, sizes that wrap 2^64 -- are likely.  Literal
 * records (FOP_LITERAL) load exact 48-bit values for the encoder that turns
 * traces into inputs (encoder.h).
 */
#ifndef NTVM_FUZZ_DECODER_H
#define NTVM_FUZZ_DECODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define FUZZ_RECORD 8
#define FUZZ_MAX_OPS 128
/* 4 MiB at the profile's default allocation address: small enough that
 * the per-operation walk and core's per-page invariant checks stay cheap. */
#define FUZZ_ARENA_SIZE 0x400000ull
#define FUZZ_MAX_BOUND 32

enum fuzz_opcode {
	/* the manager API */
	FOP_ALLOCATE_AT,
	FOP_ALLOCATE,
	FOP_COMMIT,
	FOP_DECOMMIT,
	FOP_RELEASE,
	FOP_PROTECT,
	FOP_CLEAR_GUARD,
	FOP_REGION_INFO,
	FOP_FIND_FREE,
	FOP_FIND_FREE_BASE,
	FOP_READ,
	FOP_WRITE,
	/* the NT layer */
	FOP_NT_ALLOC,
	FOP_NT_FREE,
	FOP_NT_PROTECT,
	FOP_NT_QUERY,
	FOP_NT_READ,
	FOP_NT_WRITE,
	FOP_NT_EXECUTE,
	/* the rest of the manager API: DEP, unmap_all, reservation queries,
	 * permission conversions, MMIO (b5 picks which; see core_exec.c) */
	FOP_MISC,
	/* sets a literal register (see fuzz_literal) */
	FOP_LITERAL,
	/* sections (FUZZ_SET_NT_SECTIONS only; section_decode.c) */
	FOP_NT_SECTION,
	FOP_NT_MAP,
	FOP_NT_UNMAP,
	FOP_NT_EXTEND,
	FOP_NT_CLOSE,
	FOP_COUNT
};

/*
 * Literal registers that selectors can pick.  A FOP_LITERAL record picks
 * its register with b1 & 7 (modulo LIT_PLAIN_COUNT), or with the section
 * set (b1 & 7) | (b1 & 0x10) >> 1, modulo LIT_COUNT, so that programs
 * without sections decode as they always did.
 */
enum fuzz_literal {
	LIT_ADDRESS, LIT_SIZE, LIT_TYPE, LIT_PROT, LIT_ZERO_BITS,
	LIT_PLAIN_COUNT,
	LIT_OFFSET = LIT_PLAIN_COUNT, /* map: the section offset */
	LIT_COMMIT,                   /* map: the commit size */
	LIT_HANDLE,                   /* map, extend, close: a literal handle */
	LIT_INHERIT,                  /* map: the inherit disposition */
	LIT_ACCESS,                   /* section: the desired access */
	LIT_NULLS,                    /* bit 0: map's offset NULL; bit 1: section's size NULL */
	LIT_COUNT
};

/* Selector values the encoder uses. */
enum {
	ASEL_LITERAL = 14, /* high nibble 0: arena + literal, 1: literal */
	ASEL_BOUND = 15,   /* bound[b2] + literal */
	SSEL_LITERAL = 12,
	FLAG_LITERAL = 0xFF, /* b5 / b6 / b7 value meaning "the literal register" */
};

typedef struct fuzz_record {
	uint8_t b[FUZZ_RECORD];
} fuzz_record;

typedef struct fuzz_program {
	uint8_t header;
	size_t count;
	fuzz_record ops[FUZZ_MAX_OPS];
} fuzz_program;

/* Which operations a target runs; the opcode byte is taken modulo the set's
 * size.  FUZZ_SET_NT_SECTIONS is FUZZ_SET_NT plus the section calls. */
typedef enum fuzz_op_set { FUZZ_SET_CORE, FUZZ_SET_NT, FUZZ_SET_NT_SECTIONS } fuzz_op_set;

/* Decode data into p (never fails); p->ops[i].b[0] becomes an enum fuzz_opcode. */
void fuzz_decode(const uint8_t *data, size_t size, fuzz_op_set set, fuzz_program *p);
/* The opcode byte that decodes to op in set (for the encoder); -1 if not in it. */
int fuzz_opcode_byte(fuzz_op_set set, enum fuzz_opcode op);

/* What resolving needs to know about the state. */
typedef struct fuzz_env {
	const model *m;   /* reservations, max address */
	uint64_t arena_base, arena_size;
	uint64_t last_base;
	uint64_t bound[FUZZ_MAX_BOUND];
	uint32_t nbound;
	uint64_t lit[LIT_COUNT];
	bool sections;           /* the section set: literal registers as in enum fuzz_literal */
	uint64_t closed_handle;  /* the handle NtClose last freed (0: none) */
} fuzz_env;

void fuzz_env_init(fuzz_env *env, const model *m);
/* Apply a FOP_LITERAL record. */
void fuzz_set_literal(fuzz_env *env, const fuzz_record *r);

uint64_t fuzz_address(const fuzz_env *env, const fuzz_record *r);
uint64_t fuzz_size(const fuzz_env *env, const fuzz_record *r);
/* Length of a core read/write: 0 .. 0x1fff, mostly below 0x100. */
size_t fuzz_core_length(const fuzz_record *r);
/* Length of an NT read/write/execute: 1 .. 64, as the trace format allows. */
size_t fuzz_nt_length(const fuzz_record *r);
ntvm_perm fuzz_perm(const fuzz_record *r);
ntvm_kind fuzz_kind(const fuzz_record *r);
uint32_t fuzz_nt_alloc_type(const fuzz_env *env, const fuzz_record *r);
uint32_t fuzz_nt_free_type(const fuzz_env *env, const fuzz_record *r);
uint32_t fuzz_nt_protect(const fuzz_env *env, const fuzz_record *r);
uint64_t fuzz_zero_bits(const fuzz_env *env, const fuzz_record *r);
uint64_t fuzz_alignment(const fuzz_record *r);
uint64_t fuzz_highest(const fuzz_env *env, const fuzz_record *r, uint64_t lowest);

const char *fuzz_opcode_name(unsigned opcode);

#endif /* NTVM_FUZZ_DECODER_H */
