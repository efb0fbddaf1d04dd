/*
 * encoder.c -- trace statements to nt_ops records (see encoder.h).  Each
 * exact value is loaded into a literal register only when it differs from
 * what the register holds, so that a script of a few dozen statements fits
 * in FUZZ_MAX_OPS records.
 */
#include "encoder.h"

#include <stdlib.h>
#include <string.h>

#include "decoder.h"

typedef struct encoder {
	uint8_t *bytes;
	size_t size, cap;
	uint64_t lit[LIT_COUNT];
	size_t records;
	size_t skipped;
} encoder;

static void emit(encoder *e, const uint8_t rec[FUZZ_RECORD])
{
	if (!e->bytes || e->records >= FUZZ_MAX_OPS)
		return;
	memcpy(e->bytes + e->size, rec, FUZZ_RECORD);
	e->size += FUZZ_RECORD;
	e->records++;
}

/* Load value into register reg unless it already holds it; false if not 48-bit. */
static bool literal(encoder *e, enum fuzz_literal reg, uint64_t value)
{
	uint8_t rec[FUZZ_RECORD] = {(uint8_t)fuzz_opcode_byte(FUZZ_SET_NT, FOP_LITERAL), (uint8_t)reg};
	uint64_t v = value;
	if (e->lit[reg] == value)
		return true;
	if (v >> 48) {
		v = 0 - value;
		rec[1] |= 8;
		if (v >> 48)
			return false;
	}
	for (int i = 2; i < 8; i++, v >>= 8)
		rec[i] = (uint8_t)v;
	emit(e, rec);
	e->lit[reg] = value;
	return true;
}

/* Address field: sets rec[1], rec[2]. */
static bool address(encoder *e, const struct ntvm_trace_val *v, uint8_t *rec)
{
	rec[1] = ASEL_LITERAL;
	if (v->form == NTVM_FORM_ABS)
		rec[1] |= 0x10;
	if (v->form == NTVM_FORM_BOUND) {
		rec[1] = ASEL_BOUND;
		rec[2] = (uint8_t)(v->bind - 1);
	}
	return literal(e, LIT_ADDRESS, v->v);
}

static bool flags(encoder *e, enum fuzz_literal reg, uint64_t value, uint8_t *slot)
{
	*slot = FLAG_LITERAL;
	return literal(e, reg, value);
}

static void statement(encoder *e, const struct ntvm_trace_stmt *s)
{
	static const uint8_t ops[] = {FOP_NT_ALLOC, FOP_NT_FREE, FOP_NT_PROTECT,
	                              FOP_NT_QUERY, FOP_NT_READ, FOP_NT_WRITE};
	uint8_t rec[FUZZ_RECORD] = {0};
	bool exact = s->op < sizeof ops && address(e, &s->args[0], rec);
	if (s->op >= sizeof ops) {
		e->skipped++;
		return;
	}
	rec[0] = (uint8_t)fuzz_opcode_byte(FUZZ_SET_NT, (enum fuzz_opcode)ops[s->op]);
	switch (s->op) {
	case NTVM_OP_ALLOC:
		exact &= flags(e, LIT_TYPE, s->args[2].v, &rec[5]);
		exact &= flags(e, LIT_PROT, s->args[3].v, &rec[6]);
		exact &= flags(e, LIT_ZERO_BITS, s->nargs > 4 ? s->args[4].v : 0, &rec[7]);
		/* fall through: the size */
	case NTVM_OP_FREE:
	case NTVM_OP_PROTECT:
		rec[3] = SSEL_LITERAL;
		exact &= literal(e, LIT_SIZE, s->args[1].v);
		if (s->op == NTVM_OP_FREE)
			exact &= flags(e, LIT_TYPE, s->args[2].v, &rec[5]);
		if (s->op == NTVM_OP_PROTECT)
			exact &= flags(e, LIT_PROT, s->args[2].v, &rec[6]);
		break;
	case NTVM_OP_READ:
	case NTVM_OP_WRITE:
		rec[4] = (uint8_t)(s->args[1].v - 1);
		rec[5] = s->op == NTVM_OP_WRITE ? (uint8_t)s->args[2].v : 0;
		break;
	default:
		break;
	}
	if (!exact)
		e->skipped++;
	emit(e, rec);
}

size_t fuzz_encode_trace(const struct ntvm_trace *t, size_t *next, uint8_t **out,
                         size_t *skipped)
{
	encoder e;
	memset(&e, 0, sizeof e);
	e.cap = 1 + FUZZ_MAX_OPS * FUZZ_RECORD;
	e.bytes = malloc(e.cap);
	*out = NULL;
	if (!e.bytes)
		return 0;
	/* header: the behaviour profile the source implies (trace-format.md) */
	e.bytes[0] = t->source && strncmp(t->source, "wine-", 5) == 0 ? 1 : 0;
	e.size = 1;
	/* a statement needs at most 6 records: 5 literals and itself */
	for (; *next < t->nstmts && e.records + 6 <= FUZZ_MAX_OPS; (*next)++)
		statement(&e, &t->stmts[*next]);
	*out = e.bytes;
	*skipped = e.skipped;
	return e.size;
}
