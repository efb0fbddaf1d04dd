/*
 * decoder.c -- bytes to operations (see decoder.h for the layout).  The
 * tables below are where "interesting values are likely" is decided: each
 * selector nibble picks a family of values around an edge, the operand byte
 * picks a point in it.
 */
#include "decoder.h"

#include <string.h>

static const uint8_t core_set[] = {
	FOP_ALLOCATE_AT, FOP_ALLOCATE, FOP_COMMIT,      FOP_DECOMMIT,       FOP_RELEASE,
	FOP_PROTECT,     FOP_CLEAR_GUARD, FOP_REGION_INFO, FOP_FIND_FREE, FOP_FIND_FREE_BASE,
	FOP_READ,        FOP_WRITE,    FOP_LITERAL,     FOP_MISC,
};
static const uint8_t nt_set[] = {
	FOP_NT_ALLOC, FOP_NT_FREE,  FOP_NT_PROTECT,  FOP_NT_QUERY,
	FOP_NT_READ,  FOP_NT_WRITE, FOP_NT_EXECUTE, FOP_LITERAL,
};

/* The NT set, then the section calls twice: sections matter most here. */
static const uint8_t nt_sections_set[] = {
	FOP_NT_ALLOC, FOP_NT_FREE,    FOP_NT_PROTECT, FOP_NT_QUERY,  FOP_NT_READ,
	FOP_NT_WRITE, FOP_NT_EXECUTE, FOP_LITERAL,    FOP_NT_SECTION, FOP_NT_MAP,
	FOP_NT_UNMAP, FOP_NT_EXTEND,  FOP_NT_CLOSE,   FOP_NT_SECTION, FOP_NT_MAP,
	FOP_NT_UNMAP,
};

static const uint8_t *set_table(fuzz_op_set set, size_t *n)
{
	switch (set) {
	case FUZZ_SET_NT: *n = sizeof nt_set; return nt_set;
	case FUZZ_SET_NT_SECTIONS: *n = sizeof nt_sections_set; return nt_sections_set;
	default: *n = sizeof core_set; return core_set;
	}
}

void fuzz_decode(const uint8_t *data, size_t size, fuzz_op_set set, fuzz_program *p)
{
	size_t n;
	const uint8_t *table = set_table(set, &n);
	memset(p, 0, sizeof *p);
	if (size == 0)
		return;
	p->header = data[0];
	data++;
	size--;
	while (size >= FUZZ_RECORD && p->count < FUZZ_MAX_OPS) {
		fuzz_record *r = &p->ops[p->count++];
		memcpy(r->b, data, FUZZ_RECORD);
		r->b[0] = table[r->b[0] % n];
		data += FUZZ_RECORD;
		size -= FUZZ_RECORD;
	}
}

int fuzz_opcode_byte(fuzz_op_set set, enum fuzz_opcode op)
{
	size_t n;
	const uint8_t *table = set_table(set, &n);
	for (size_t i = 0; i < n; i++)
		if (table[i] == op)
			return (int)i;
	return -1;
}

void fuzz_env_init(fuzz_env *env, const model *m)
{
	memset(env, 0, sizeof *env);
	env->m = m;
	env->arena_base = m->default_address;
	env->arena_size = FUZZ_ARENA_SIZE;
	env->last_base = env->arena_base;
}

void fuzz_set_literal(fuzz_env *env, const fuzz_record *r)
{
	uint64_t v = 0;
	for (int i = 7; i >= 2; i--)
		v = v << 8 | r->b[i];
	if (r->b[1] & 8)
		v = 0 - v;
	if (env->sections)
		env->lit[((r->b[1] & 7) | (r->b[1] & 0x10) >> 1) % LIT_COUNT] = v;
	else
		env->lit[(r->b[1] & 7) % LIT_PLAIN_COUNT] = v;
}

static const model_resv *pick_resv(const fuzz_env *env, uint8_t k)
{
	return env->m->resv_count ? &env->m->resv[k % env->m->resv_count] : NULL;
}

uint64_t fuzz_address(const fuzz_env *env, const fuzz_record *r)
{
	uint64_t op = r->b[2], h = r->b[1] >> 4, top = env->m->max_address + 1;
	uint64_t arena_end = env->arena_base + env->arena_size;
	const model_resv *res = pick_resv(env, r->b[2]);
	switch (r->b[1] & 15) {
	case 0: return env->arena_base + op * MODEL_PAGE;
	case 1: return env->arena_base + op * MODEL_GRANULE;
	case 2: return env->arena_base + op * MODEL_PAGE + h * 0x111;
	case 3: return env->last_base + op * MODEL_PAGE;
	case 4: return op;
	case 5: return NTVM_MIN_ADDRESS + (op - 128) * MODEL_PAGE;
	case 6: return top - op * MODEL_PAGE - h;
	case 7: return top - op * MODEL_GRANULE;
	case 8: return UINT64_MAX - op * MODEL_PAGE;
	case 9: return arena_end - op * MODEL_PAGE;
	case 10: return 1ull << (op % 64);
	case 11: return env->arena_base + op * 0x10 + h;
	case 12: return res ? res->base + h * MODEL_PAGE : env->arena_base;
	case 13: return res ? res->base + res->length - h * MODEL_PAGE : arena_end;
	case ASEL_LITERAL: return (h & 1 ? 0 : env->arena_base) + env->lit[LIT_ADDRESS];
	default:
		return (env->nbound ? env->bound[op % env->nbound] : env->arena_base) +
		       env->lit[LIT_ADDRESS];
	}
}

uint64_t fuzz_size(const fuzz_env *env, const fuzz_record *r)
{
	uint64_t op = r->b[4], h = r->b[3] >> 4;
	const model_resv *res = pick_resv(env, r->b[4]);
	switch (r->b[3] & 15) {
	case 0: return (op & 63) * MODEL_PAGE;
	case 1: return (op & 15) * MODEL_GRANULE;
	case 2: return op;
	case 3: return op * MODEL_PAGE + 1 + h;
	case 4: return op * MODEL_PAGE - 1;
	case 5: return UINT64_MAX - op * MODEL_PAGE - h;
	case 6: return 1ull << (op % 64);
	case 7: return env->arena_size - op * MODEL_GRANULE;
	case 8: return env->m->max_address - op * MODEL_GRANULE;
	case 9: return 0;
	case 10: return op * MODEL_PAGE + h * 0x111;
	case 11: return res ? res->length - h * MODEL_PAGE : MODEL_PAGE;
	case SSEL_LITERAL: return env->lit[LIT_SIZE];
	case 13: return (op & 3) << 20; /* whole MiBs: multi-word bitmaps */
	case 14: return ((op & 127) + 1) * MODEL_PAGE;
	default: return (op & 15) * MODEL_GRANULE + h * MODEL_PAGE;
	}
}

size_t fuzz_core_length(const fuzz_record *r)
{
	if (r->b[3] & 0x80) /* sometimes long, across pages */
		return (size_t)((r->b[3] & 0x1F) << 8 | r->b[4]);
	return r->b[4];
}

size_t fuzz_nt_length(const fuzz_record *r)
{
	return 1 + r->b[4] % 64;
}

/* A valid permission from the low 6 bits, or (bit 7 set) the raw byte. */
ntvm_perm fuzz_perm(const fuzz_record *r)
{
	static const ntvm_perm base[] = {
		NTVM_PERM_NONE, NTVM_PERM_READ, NTVM_PERM_RW, NTVM_PERM_RW | NTVM_PERM_WRITECOPY,
		NTVM_PERM_EXEC, NTVM_PERM_RX,   NTVM_PERM_RWX, NTVM_PERM_RWX | NTVM_PERM_WRITECOPY,
	};
	uint8_t b = r->b[5];
	if (b & 0x80)
		return b;
	return (ntvm_perm)(base[b & 7] | (b & 0x08 ? NTVM_PERM_GUARD : 0) |
	                   (b & 0x10 ? NTVM_PERM_NOCACHE : 0) |
	                   (b & 0x20 ? NTVM_PERM_WRITECOMBINE : 0));
}

ntvm_kind fuzz_kind(const fuzz_record *r)
{
	static const ntvm_kind kinds[] = {NTVM_KIND_PRIVATE, NTVM_KIND_PRIVATE,
	                                  NTVM_KIND_SECTION_VIEW, NTVM_KIND_SECTION_IMAGE};
	if ((r->b[7] & 0x70) == 0x70)
		return (ntvm_kind)(r->b[7] & 0x07 ? NTVM_KIND_MMIO : NTVM_KIND_FREE);
	return kinds[(r->b[7] >> 1) & 3];
}

uint32_t fuzz_nt_alloc_type(const fuzz_env *env, const fuzz_record *r)
{
	static const uint32_t types[32] = {
		NTVM_MEM_RESERVE, NTVM_MEM_COMMIT, NTVM_MEM_RESERVE | NTVM_MEM_COMMIT,
		NTVM_MEM_RESERVE | NTVM_MEM_COMMIT, NTVM_MEM_COMMIT, NTVM_MEM_RESERVE,
		NTVM_MEM_RESERVE | NTVM_MEM_TOP_DOWN, NTVM_MEM_RESERVE | NTVM_MEM_COMMIT | NTVM_MEM_TOP_DOWN,
		NTVM_MEM_COMMIT | NTVM_MEM_TOP_DOWN, NTVM_MEM_RESET, NTVM_MEM_RESET | NTVM_MEM_COMMIT,
		0, NTVM_AT_ROUND_TO_PAGE | NTVM_MEM_RESERVE, NTVM_MEM_WRITE_WATCH | NTVM_MEM_RESERVE,
		NTVM_MEM_LARGE_PAGES | NTVM_MEM_RESERVE | NTVM_MEM_COMMIT, NTVM_MEM_PHYSICAL | NTVM_MEM_RESERVE,
		NTVM_MEM_RESET_UNDO, NTVM_MEM_RESERVE_PLACEHOLDER | NTVM_MEM_RESERVE,
		NTVM_MEM_DECOMMIT, NTVM_MEM_RELEASE | NTVM_MEM_RESERVE, NTVM_MEM_COMMIT | NTVM_MEM_RESERVE,
		NTVM_MEM_COMMIT, NTVM_MEM_RESERVE, NTVM_MEM_COMMIT, NTVM_MEM_COMMIT | NTVM_MEM_RESERVE,
		NTVM_MEM_RESERVE, NTVM_MEM_COMMIT, NTVM_MEM_RESERVE | NTVM_MEM_TOP_DOWN,
		NTVM_MEM_RESET, 0xFFFFFFFFu, NTVM_MEM_COMMIT | 0x1u, NTVM_MEM_RESERVE | 0x80000000u,
	};
	if (r->b[5] == FLAG_LITERAL)
		return (uint32_t)env->lit[LIT_TYPE];
	return types[r->b[5] & 31];
}

uint32_t fuzz_nt_free_type(const fuzz_env *env, const fuzz_record *r)
{
	static const uint32_t types[16] = {
		NTVM_MEM_RELEASE, NTVM_MEM_DECOMMIT, NTVM_MEM_RELEASE, NTVM_MEM_DECOMMIT,
		NTVM_MEM_RELEASE, NTVM_MEM_DECOMMIT, 0, NTVM_MEM_RELEASE | NTVM_MEM_DECOMMIT,
		NTVM_MEM_RELEASE | NTVM_MEM_COALESCE_PLACEHOLDERS,
		NTVM_MEM_RELEASE | NTVM_MEM_PRESERVE_PLACEHOLDER, NTVM_MEM_COMMIT, NTVM_MEM_RESERVE,
		NTVM_MEM_RELEASE | NTVM_MEM_COMMIT, 0xFFFFFFFFu, NTVM_MEM_FREE, NTVM_MEM_RELEASE,
	};
	if (r->b[5] == FLAG_LITERAL)
		return (uint32_t)env->lit[LIT_TYPE];
	return types[r->b[5] & 15];
}

/* One base protection plus modifiers, two bases, or an odd raw value. */
uint32_t fuzz_nt_protect(const fuzz_env *env, const fuzz_record *r)
{
	static const uint32_t odd[16] = {
		0, 0x14, 0x800, 0xFFFFFFFFu, 0x1000, 0x3, 0x7FF, 0x40000000u,
		0x101, 0x301, 0x501, 0x104, 0x604, 0x204, 0x404, 0x140,
	};
	uint8_t b = r->b[6];
	if (b == FLAG_LITERAL)
		return (uint32_t)env->lit[LIT_PROT];
	if (b >= 0xC0)
		return odd[b & 15];
	uint32_t prot = 1u << (b & 7);
	if ((b >> 6) == 2)
		return prot | 1u << ((b >> 3) & 7);
	return prot | (uint32_t)((b >> 3) & 7) << 8;
}

uint64_t fuzz_zero_bits(const fuzz_env *env, const fuzz_record *r)
{
	static const uint64_t values[16] = {
		0, 0, 0, 0, 0, 0, 1, 2, 12, 20, 21, 22, 31, 32, 0x7FFFFFFFull, 0x3FFFFFFFFFFull,
	};
	if (r->b[7] == FLAG_LITERAL)
		return env->lit[LIT_ZERO_BITS];
	return values[r->b[7] & 15];
}

uint64_t fuzz_alignment(const fuzz_record *r)
{
	uint8_t b = r->b[6];
	if (b & 0x80)
		return (uint64_t)b << (b & 7); /* mostly invalid: not a power of two, or small */
	return MODEL_PAGE << (b % 20);
}

uint64_t fuzz_highest(const fuzz_env *env, const fuzz_record *r, uint64_t lowest)
{
	switch (r->b[5] & 7) {
	case 0: return env->m->max_address;
	case 1: return env->arena_base + env->arena_size - 1;
	case 2: return UINT64_MAX;
	case 3: return lowest + (uint64_t)r->b[5] * MODEL_GRANULE - 1;
	case 4: return 0x7FFFFFFFull;
	case 5: return lowest;
	case 6: return lowest + fuzz_size(env, r);
	default: return lowest + (uint64_t)r->b[5] * MODEL_PAGE;
	}
}

const char *fuzz_opcode_name(unsigned opcode)
{
	static const char *const names[FOP_COUNT] = {
		"allocate_at", "allocate", "commit", "decommit", "release", "protect",
		"clear_guard", "region_info", "find_free", "find_free_allocation_base", "read", "write",
		"nt_alloc", "nt_free", "nt_protect", "nt_query", "nt_read", "nt_write", "nt_execute",
		"misc", "literal", "nt_section", "nt_map", "nt_unmap", "nt_extend", "nt_close",
	};
	return opcode < FOP_COUNT ? names[opcode] : "?";
}
