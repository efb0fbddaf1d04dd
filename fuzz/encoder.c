/*
 * encoder.c -- trace statements to nt_ops records (see encoder.h).  Each
 * exact value is loaded into a literal register only when it differs from
 * what the register holds, so that a script of a few dozen statements fits
 * in FUZZ_MAX_OPS records.  Section statements (header bit 5) load every
 * field through the literal registers; a %n handle becomes the value ntvm
 * will give it (the lowest free multiple of 4, the encoder keeps the table),
 * a pe: file one of fuzz_pe_table's descriptions (others are not exact).
 */
#include "encoder.h"

#include <stdlib.h>
#include <string.h>

#include "decoder.h"
#include "section_decode.h"

typedef struct encoder {
	uint8_t *bytes;
	size_t size, cap;
	uint64_t lit[LIT_COUNT];
	size_t records;
	size_t skipped;
	bool sections;          /* the trace has section statements: header bit 5 */
	uint64_t handles[64];   /* %n -> the handle it will have (lowest free multiple of 4) */
	bool open[64];          /* is %n's handle open? */
	uint32_t nhandles;
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
	uint8_t rec[FUZZ_RECORD] = {(uint8_t)fuzz_opcode_byte(FUZZ_SET_NT, FOP_LITERAL),
	                            (uint8_t)((reg & 7) | (reg & 8) << 1)};
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

/* The handle value a SECTION field stands for: %n as the encoder's own
 * handle table gives it out, a number as it is. */
static bool handle(encoder *e, const struct ntvm_trace_val *v)
{
	uint64_t value = v->v;
	if (v->form == NTVM_FORM_HANDLE) {
		if (v->bind == 0 || v->bind > e->nhandles)
			return false;
		value = e->handles[v->bind - 1];
	}
	return literal(e, LIT_HANDLE, value);
}

/* Did the statement fail by its recorded status?  (No results: assume not.) */
static bool failed(const struct ntvm_trace_stmt *s)
{
	return s->has_results && s->res[0].form == NTVM_FORM_ABS && (uint32_t)s->res[0].v >= 0x80000000u;
}

static bool handle_open(const encoder *e, uint64_t h)
{
	for (uint32_t n = 0; n < e->nhandles; n++)
		if (e->open[n] && e->handles[n] == h)
			return true;
	return false;
}

/* A section binds the lowest free multiple of 4, as ntvm hands handles out. */
static void bind_handle(encoder *e)
{
	uint64_t h = 4;
	while (handle_open(e, h))
		h += 4;
	if (e->nhandles < 64) {
		e->handles[e->nhandles] = h;
		e->open[e->nhandles++] = true;
	}
}

static bool nulls(encoder *e, uint64_t bit, bool is_null)
{
	return literal(e, LIT_NULLS, (e->lit[LIT_NULLS] & ~bit) | (is_null ? bit : 0));
}

/* section SIZE PROT ATTRS FILE [ACCESS]: record b1 0xFF, file by b2. */
static bool section_stmt(encoder *e, const struct ntvm_trace_stmt *s, uint8_t *rec)
{
	bool exact = true;
	int pe = s->file ? fuzz_pe_table_index(s->file) : -1;
	rec[1] = 0xFF;
	rec[2] = s->file ? (uint8_t)(pe >= 0 ? pe + 1 : 1) : 0;
	exact &= !s->file || pe >= 0;
	exact &= literal(e, LIT_TYPE, s->args[2].v) && literal(e, LIT_PROT, s->args[1].v);
	exact &= nulls(e, 2, s->args[0].form == NTVM_FORM_NULL);
	if (s->args[0].form != NTVM_FORM_NULL)
		exact &= literal(e, LIT_SIZE, s->args[0].v);
	exact &= literal(e, LIT_ACCESS, s->nargs > 4 ? s->args[4].v : NTVM_SECTION_ALL_ACCESS);
	if (!failed(s))
		bind_handle(e);
	return exact;
}

/* map SECTION ADDR ZERO_BITS COMMIT OFFSET SIZE INHERIT TYPE PROT: b5, b6, b7 0xFF. */
static bool map_stmt(encoder *e, const struct ntvm_trace_stmt *s, uint8_t *rec)
{
	bool exact = handle(e, &s->args[0]) && address(e, &s->args[1], rec);
	rec[3] = SSEL_LITERAL;
	rec[5] = rec[6] = rec[7] = FLAG_LITERAL;
	exact &= literal(e, LIT_ZERO_BITS, s->args[2].v) && literal(e, LIT_COMMIT, s->args[3].v);
	exact &= nulls(e, 1, s->args[4].form == NTVM_FORM_NULL);
	if (s->args[4].form != NTVM_FORM_NULL)
		exact &= literal(e, LIT_OFFSET, s->args[4].v);
	exact &= literal(e, LIT_SIZE, s->args[5].v) && literal(e, LIT_INHERIT, s->args[6].v);
	exact &= literal(e, LIT_TYPE, s->args[7].v) && literal(e, LIT_PROT, s->args[8].v);
	return exact;
}

/* The section statements; false: not one of them. */
static bool section_statement(encoder *e, const struct ntvm_trace_stmt *s)
{
	static const uint8_t ops[] = {FOP_NT_SECTION, FOP_NT_MAP, FOP_NT_UNMAP, FOP_NT_EXTEND, FOP_NT_CLOSE};
	uint8_t rec[FUZZ_RECORD] = {0};
	bool exact = true;
	if (s->op < NTVM_OP_SECTION || s->op > NTVM_OP_CLOSE)
		return false;
	rec[0] = (uint8_t)fuzz_opcode_byte(FUZZ_SET_NT_SECTIONS, (enum fuzz_opcode)ops[s->op - NTVM_OP_SECTION]);
	switch (s->op) {
	case NTVM_OP_SECTION: exact = section_stmt(e, s, rec); break;
	case NTVM_OP_MAP: exact = map_stmt(e, s, rec); break;
	case NTVM_OP_UNMAP: exact = address(e, &s->args[0], rec); break;
	case NTVM_OP_EXTEND:
		rec[5] = 7, rec[3] = SSEL_LITERAL;
		exact = handle(e, &s->args[0]) && literal(e, LIT_SIZE, s->args[1].v);
		break;
	default:
		rec[5] = 7;
		exact = handle(e, &s->args[0]);
		if (exact && !failed(s) && s->args[0].form == NTVM_FORM_HANDLE)
			e->open[s->args[0].bind - 1] = false;
		break;
	}
	if (!exact)
		e->skipped++;
	emit(e, rec);
	return true;
}

static void statement(encoder *e, const struct ntvm_trace_stmt *s)
{
	static const uint8_t ops[] = {FOP_NT_ALLOC, FOP_NT_FREE, FOP_NT_PROTECT,
	                              FOP_NT_QUERY, FOP_NT_READ, FOP_NT_WRITE};
	uint8_t rec[FUZZ_RECORD] = {0};
	if (section_statement(e, s))
		return;
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
	/* header: the behaviour profile the source implies (trace-format.md);
	 * bit 5 when the trace has section statements */
	e.bytes[0] = t->source && strncmp(t->source, "wine-", 5) == 0 ? 1 : 0;
	for (size_t i = 0; i < t->nstmts; i++)
		e.sections |= t->stmts[i].op >= NTVM_OP_SECTION && t->stmts[i].op <= NTVM_OP_CLOSE;
	e.bytes[0] |= e.sections ? 0x20 : 0;
	e.size = 1;
	/* a statement needs at most 6 records: 5 literals and itself; a map 12 */
	for (; *next < t->nstmts && e.records + (e.sections ? 12 : 6) <= FUZZ_MAX_OPS; (*next)++)
		statement(&e, &t->stmts[*next]);
	*out = e.bytes;
	*skipped = e.skipped;
	return e.size;
}
