/*
 * section_decode.c -- bytes to the arguments of the section calls (see
 * section_decode.h for the record layouts).  As in decoder.c, the tables
 * are where "interesting values are likely" is decided: mostly valid
 * protections and attributes, handles of live sections, small images laid
 * out in or next to the fuzz arena, and now and then an odd value.
 */
#include "section_decode.h"

#include <stdlib.h>
#include <string.h>

#define SCN_CODE 0x00000020u
#define SCN_DATA 0x00000040u
#define SCN_BSS 0x00000080u
#define SCN_SHARED 0x10000000u
#define SCN_X 0x20000000u
#define SCN_R 0x40000000u
#define SCN_W 0x80000000u
#define SEC_NO_CHANGE 0x00400000u

/* The images of the reference traces (section-*.trace in reference/), so that
 * the encoder expresses them exactly, and two shapes they lack. */
const char *const fuzz_pe_table[FUZZ_PE_TABLE] = {
	"base=0x100000100000;text:rx:0x1800,data:rw:0x2000:0x200,rdata:r:0x800,bss:rw:0x1000:0",
	"base=0x100000200000;text:rx:0x1000,data:rw:0x1000",
	"base=0x100000200000;align=0x10000;falign=0x1000;text:rx:0x1000,data:rw:0x18000:0x1000",
	"base=0x100000400000;dll=1;sh:rws:0x1000,ro:r:0x1000,none:-:0x1000,x:x:0x1000,wx:rwx:0x1000",
	"base=0x100000500000;t:rx:0x1000",
	"base=0x100000600000;machine=0x14c;t:rx:0x1000",
	"base=0x100000100000;text:rx:0x1000,data:rw:0x2000:0x200,wx:rwx:0x1000",
	"base=0x100000a00000;text:rx:0x1000,data:rw:0x1000",
	"base=0x100000c00000;align=0x10000;falign=0x1000;text:rx:0x1000,sh:rws:0x1000",
	"base=0x100000e00000;align=0x200;text:rx:0x300,data:rw:0x200:0x0",
	"align=0x200;falign=0x200;text:rx:0x400,data:rw:0x200",
	"text:rx:0x1000,bss:rw:0x3000:0",
};

int fuzz_pe_table_index(const char *desc)
{
	for (int i = 0; i < FUZZ_PE_TABLE; i++) {
		ntvm_pe_spec spec;
		char canon[512];
		if (ntvm_pe_spec_parse(fuzz_pe_table[i], &spec, NULL) == 0 &&
		    ntvm_pe_spec_format(&spec, canon, sizeof canon) < (int)sizeof canon &&
		    strcmp(canon, desc) == 0)
			return i;
	}
	return -1;
}

uint64_t fuzz_handle(const fuzz_env *env, const fuzz_record *r, uint8_t selector)
{
	static const uint64_t odd[8] = {0, 1, 3, 0x1000, UINT64_MAX - 3, 0x7FFFFFFF, 0x10000000, 0};
	const model *m = env->m;
	size_t live = 0;
	switch (selector & 7) {
	case 6:
		return (r->b[2] & 7) == 7 ? env->closed_handle : odd[r->b[2] & 7];
	case 7:
		return env->lit[LIT_HANDLE];
	default:
		for (size_t i = 0; i < m->section_count; i++)
			live += m->sections[i]->handle != 0;
		for (size_t i = 0, k = live ? (selector & 7) % live : 0; i < m->section_count; i++)
			if (m->sections[i]->handle && k-- == 0)
				return m->sections[i]->handle;
		return 4; /* none open: the first handle, invalid */
	}
}

/* b6 < 0x80: mostly view-compatible protections; else as for NtAllocate. */
static uint32_t view_protect(const fuzz_env *env, const fuzz_record *r)
{
	static const uint32_t base[8] = {
		NTVM_PAGE_READWRITE, NTVM_PAGE_READONLY, NTVM_PAGE_WRITECOPY, NTVM_PAGE_EXECUTE_READ,
		NTVM_PAGE_EXECUTE_READWRITE, NTVM_PAGE_EXECUTE_WRITECOPY, NTVM_PAGE_NOACCESS,
		NTVM_PAGE_EXECUTE,
	};
	static const uint32_t modifier[4] = {0, NTVM_PAGE_GUARD, NTVM_PAGE_NOCACHE, NTVM_PAGE_WRITECOMBINE};
	uint8_t b = r->b[6];
	if (b >= 0x80)
		return fuzz_nt_protect(env, r);
	return base[b & 7] | ((b & 0x60) == 0x60 ? modifier[(b >> 3) & 3] : 0);
}

/* A small image: 1..4 sections, protections and sizes from b4 and b6, a
 * base in, at or next to the arena, an alignment from b7. */
static void decode_pe(const fuzz_env *env, const fuzz_record *r, ntvm_pe_spec *spec)
{
	static const uint32_t prot[8] = {
		SCN_R | SCN_X, SCN_R | SCN_W, SCN_R, SCN_R | SCN_W | SCN_X,
		SCN_R | SCN_X, SCN_W, SCN_R | SCN_W | SCN_SHARED, 0,
	};
	static const uint32_t align[4] = {0x1000, 0x1000, 0x2000, 0x10000};
	uint8_t b2 = r->b[2], b4 = r->b[4], b6 = r->b[6], b7 = r->b[7];
	uint64_t arena = env->arena_base, top = env->m->max_address + 1;
	uint64_t bases[8] = {0, arena + ((b2 >> 2) & 15) * MODEL_GRANULE, arena + ((b2 >> 2) & 63) * MODEL_GRANULE,
	                     arena + env->arena_size - 0x20000, arena, 0x10000, top - 0x40000, env->last_base};
	memset(spec, 0, sizeof *spec);
	spec->image_base = bases[b6 & 7] - bases[b6 & 7] % MODEL_GRANULE;
	spec->section_alignment = align[(b7 >> 4) & 3];
	spec->dll = (b7 >> 6) & 1;
	spec->section_count = 1 + (b2 & 3);
	for (unsigned k = 0; k < spec->section_count; k++) {
		ntvm_pe_section_spec *s = &spec->sections[k];
		uint32_t p = prot[((b4 >> (2 * k)) + (b6 >> 3) * (k + 1)) & 7];
		s->name[0] = 's';
		s->name[1] = (char)('0' + k);
		s->virtual_size = (uint32_t)(((b4 >> k) & 3) + 1) * 0x800 + (uint32_t)(b7 & 15) * 0x100;
		s->raw_size = (b6 >> (4 + k % 4)) & 1 ? 0 : 0x200 * (1 + (k + b4) % 3);
		s->characteristics = p | (p & SCN_X ? SCN_CODE : s->raw_size ? SCN_DATA : SCN_BSS);
	}
}

static void section_file(const fuzz_env *env, const fuzz_record *r, uint32_t kind, uint8_t sel,
                         fuzz_section_args *a)
{
	if (kind == NTVM_SEC_IMAGE || (sel >= 1 && sel < 0x10)) {
		a->image = true;
		if (sel >= 1 && sel < 0x10)
			ntvm_pe_spec_parse(fuzz_pe_table[(sel - 1) % FUZZ_PE_TABLE], &a->spec, NULL);
		else
			decode_pe(env, r, &a->spec);
		a->corrupt = r->b[3] >= 0x80 && r->b[1] != 0xFF;
		a->corrupt_at = (size_t)(r->b[3] & 0x7F) * 3;
		a->corrupt_xor = (uint8_t)(r->b[4] | 1);
	} else if (kind == 0) { /* a data file */
		a->data_file = true;
		a->data_size = (size_t)r->b[4] * 0x100 + r->b[2];
	}
}

void fuzz_section_args_of(const fuzz_env *env, const fuzz_record *r, fuzz_section_args *a)
{
	static const uint32_t kinds[4] = {NTVM_SEC_COMMIT, NTVM_SEC_RESERVE, NTVM_SEC_IMAGE, 0};
	static const uint32_t prots[6] = {
		NTVM_PAGE_READWRITE, NTVM_PAGE_EXECUTE_READWRITE, NTVM_PAGE_READONLY,
		NTVM_PAGE_EXECUTE_READ, NTVM_PAGE_WRITECOPY, NTVM_PAGE_EXECUTE_WRITECOPY,
	};
	static const uint32_t odd[8] = {
		0, NTVM_SEC_IMAGE | NTVM_SEC_COMMIT, NTVM_SEC_COMMIT | NTVM_SEC_LARGE_PAGES,
		NTVM_SEC_COMMIT | SEC_NO_CHANGE, NTVM_SEC_RESERVE | NTVM_SEC_WRITECOMBINE,
		NTVM_SEC_COMMIT | 0x1u, NTVM_SEC_FILE | NTVM_SEC_COMMIT, 0xFFFFFFFFu,
	};
	static const uint32_t access[16] = {
		NTVM_SECTION_ALL_ACCESS, NTVM_SECTION_ALL_ACCESS, NTVM_SECTION_ALL_ACCESS,
		NTVM_SECTION_ALL_ACCESS, NTVM_SECTION_ALL_ACCESS, NTVM_SECTION_MAP_READ,
		NTVM_SECTION_MAP_READ | NTVM_SECTION_MAP_WRITE, NTVM_SECTION_MAP_READ | NTVM_SECTION_MAP_EXECUTE,
		NTVM_SECTION_MAP_EXECUTE, NTVM_SECTION_QUERY, 0x10000000u, 0x80000000u,
		0xC0000000u, 0, NTVM_SECTION_MAP_WRITE | NTVM_SECTION_EXTEND_SIZE, 0xA0000000u,
	};
	uint8_t b1 = r->b[1];
	memset(a, 0, sizeof *a);
	if (b1 == 0xFF) {
		a->attributes = (uint32_t)env->lit[LIT_TYPE];
		a->protect = (uint32_t)env->lit[LIT_PROT];
		a->has_size = !(env->lit[LIT_NULLS] & 2);
		a->size = env->lit[LIT_SIZE];
		a->access = (uint32_t)env->lit[LIT_ACCESS];
		section_file(env, r, r->b[2] == 0 ? NTVM_SEC_COMMIT : NTVM_SEC_IMAGE, r->b[2], a);
		return;
	}
	uint32_t kind = kinds[b1 & 3];
	switch ((b1 >> 2) & 7) {
	case 4: a->attributes = kind | NTVM_SEC_NOCACHE; break;
	case 5: a->attributes = odd[r->b[2] & 7]; break;
	case 6: a->attributes = (uint32_t)env->lit[LIT_TYPE]; break;
	case 7: a->attributes = NTVM_SEC_COMMIT | NTVM_SEC_RESERVE; break;
	default: a->attributes = kind ? kind : NTVM_SEC_COMMIT; break;
	}
	a->protect = (b1 >> 5) < 6 ? prots[b1 >> 5] : fuzz_nt_protect(env, r);
	a->has_size = !(r->b[7] & 0x80);
	a->size = kind == 0 ? (r->b[7] & 0x40 ? (size_t)r->b[4] * 0x100 + 0x1800 : 0)
	                    : fuzz_size(env, r);
	a->access = r->b[5] == FLAG_LITERAL ? (uint32_t)env->lit[LIT_ACCESS] : access[r->b[5] & 15];
	section_file(env, r, kind, kind == NTVM_SEC_IMAGE && r->b[2] < 0x10 ? r->b[2] + 1 : 0xFF, a);
}

void fuzz_map_args_of(const fuzz_env *env, const fuzz_record *r, fuzz_map_args *a)
{
	static const uint32_t odd_type[8] = {
		NTVM_MEM_RESERVE, NTVM_AT_ROUND_TO_PAGE, NTVM_MEM_LARGE_PAGES, SEC_NO_CHANGE,
		NTVM_MEM_COMMIT, 0xFFFFFFFFu, NTVM_MEM_RESERVE | NTVM_MEM_TOP_DOWN, 0x1u,
	};
	static const uint32_t odd_inherit[8] = {NTVM_VIEW_SHARE, NTVM_VIEW_SHARE, NTVM_VIEW_UNMAP,
	                                        NTVM_VIEW_SHARE, NTVM_VIEW_UNMAP, 0, 3, 0xFFFFFFFFu};
	uint8_t b5 = r->b[5], b7 = r->b[7];
	bool lit5 = b5 == FLAG_LITERAL, lit7 = b7 == FLAG_LITERAL;
	memset(a, 0, sizeof *a);
	a->handle = fuzz_handle(env, r, lit5 ? 7 : b5 & 7);
	a->base = b5 & 0x80 ? fuzz_address(env, r) : 0;
	a->size = b5 & 0x40 ? fuzz_size(env, r) : 0;
	a->protect = view_protect(env, r);
	if (lit5) {
		a->type = (uint32_t)env->lit[LIT_TYPE];
		a->commit = env->lit[LIT_COMMIT];
	} else {
		a->type = ((b5 >> 3) & 3) == 2 ? odd_type[r->b[2] & 7]
		        : ((b5 >> 3) & 3) == 3 ? (uint32_t)env->lit[LIT_TYPE]
		                               : (b7 & 0x40 ? NTVM_MEM_TOP_DOWN : 0);
		a->commit = b5 & 0x20 ? (uint64_t)(r->b[4] & 15) * 0x800 : 0;
	}
	if (lit7) {
		a->zero_bits = env->lit[LIT_ZERO_BITS];
		a->has_offset = !(env->lit[LIT_NULLS] & 1);
		a->offset = env->lit[LIT_OFFSET];
		a->inherit = (uint32_t)env->lit[LIT_INHERIT];
		return;
	}
	a->zero_bits = b7 & 8 ? fuzz_zero_bits(env, r) : 0;
	a->has_offset = ((b7 >> 4) & 3) != 0;
	a->offset = ((b7 >> 4) & 3) == 2 ? (uint64_t)(r->b[2] & 3) * MODEL_GRANULE
	          : ((b7 >> 4) & 3) == 3 ? env->lit[LIT_OFFSET]
	                                 : 0;
	a->inherit = b7 & 0x80 ? odd_inherit[r->b[2] & 7] : NTVM_VIEW_UNMAP;
}

uint64_t fuzz_unmap_address(const fuzz_env *env, const fuzz_record *r)
{
	const model *m = env->m;
	size_t views = 0;
	if (!(r->b[5] & 1))
		return fuzz_address(env, r);
	for (size_t i = 0; i < m->resv_count; i++)
		views += m->resv[i].section != 0;
	for (size_t i = 0, k = views ? r->b[2] % views : 0; views && i < m->resv_count; i++)
		if (m->resv[i].section && k-- == 0)
			return m->resv[i].base + (r->b[4] * MODEL_PAGE) % m->resv[i].length;
	return fuzz_address(env, r);
}

bool fuzz_section_file(const fuzz_section_args *a, uint8_t **bytes, size_t *size)
{
	*bytes = NULL;
	*size = 0;
	if (a->image) {
		if (ntvm_pe_build(&a->spec, bytes, size, NULL) != 0)
			return false;
		if (a->corrupt && a->corrupt_at < *size)
			(*bytes)[a->corrupt_at] ^= a->corrupt_xor;
		return true;
	}
	if (!a->data_file)
		return true;
	*size = a->data_size;
	*bytes = malloc(a->data_size ? a->data_size : 1);
	for (size_t i = 0; *bytes && i < a->data_size; i++)
		(*bytes)[i] = (uint8_t)(i * 7 + 3);
	return *bytes != NULL;
}
