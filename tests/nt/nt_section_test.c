/*
 * nt_section_test.c -- the section tests' wrappers and PE writer.
 */
#include "nt_section_test.h"

#include "../../core/src/section.h"

typedef struct state {
	uint64_t digest, sections;
} state;

static state snap(const ntvm *vm)
{
	return (state){ ntvm_test_digest(vm), ntvm__section_count(vm) };
}

static void same_state(const char *what, uint32_t st, state before, const ntvm *vm)
{
	state after = snap(vm);
	if (after.digest != before.digest || after.sections != before.sections) {
		fprintf(stderr, "%s failed with 0x%08x but changed the state\n", what, st);
		test_failed_checks++;
	}
}

sec_out sec_create(ntvm *vm, uint64_t max, uint32_t prot, uint32_t attrs, const void *bytes,
                   size_t size)
{
	sec_out o = { 0 };
	state before = snap(vm);
	o.handle = 0x1234;
	o.st = ntvm_nt_create_section(vm, &o.handle, NTVM_SECTION_ALL_ACCESS, &max, prot, attrs, bytes, size);
	if (o.st != S_OK) {
		same_state("create", o.st, before, vm);
		CHECK_EQ_U64(o.handle, 0x1234);
	}
	return o;
}

sec_out sec_map_full(ntvm *vm, ntvm_handle h, uint64_t base, uint64_t zero_bits, uint64_t commit,
                     uint64_t offset, uint64_t size, uint32_t inherit, uint32_t type, uint32_t prot)
{
	sec_out o = { 0, h, base, size, offset };
	state before = snap(vm);
	o.st = ntvm_nt_map_view_of_section(vm, h, &o.base, zero_bits, commit, &o.offset, &o.size, inherit,
	                                   type, prot);
	if (o.st != S_OK && o.st != NTVM_STATUS_IMAGE_NOT_AT_BASE &&
	    o.st != NTVM_STATUS_IMAGE_MACHINE_TYPE_MISMATCH) {
		same_state("map", o.st, before, vm);
		CHECK_EQ_U64(o.base, base);
		CHECK_EQ_U64(o.size, size);
		CHECK_EQ_U64(o.offset, offset);
	}
	return o;
}

sec_out sec_map(ntvm *vm, ntvm_handle h, uint64_t base, uint64_t offset, uint64_t size,
                uint32_t type, uint32_t prot)
{
	return sec_map_full(vm, h, base, 0, 0, offset, size, NTVM_VIEW_UNMAP, type, prot);
}

uint32_t sec_unmap(ntvm *vm, uint64_t base)
{
	state before = snap(vm);
	uint32_t st = ntvm_nt_unmap_view_of_section(vm, base);
	if (st != S_OK)
		same_state("unmap", st, before, vm);
	return st;
}

uint32_t sec_close(ntvm *vm, ntvm_handle h)
{
	state before = snap(vm);
	uint32_t st = ntvm_nt_close(vm, h);
	if (st != S_OK)
		same_state("close", st, before, vm);
	return st;
}

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

/* Headers in the first 0x200 bytes; section i at RVA 0x1000 * (i + 1) ... in
 * address order, each rounded to 0x1000; raw data from 0x200, 0x200-aligned. */
size_t pe_write(uint8_t *out, size_t cap, uint64_t image_base, const pe_sec *secs, unsigned count)
{
	memset(out, 0, cap);
	out[0] = 'M';
	out[1] = 'Z';
	put32(out + 0x3C, 0x40);
	memcpy(out + 0x40, "PE\0\0", 4);
	uint8_t *fh = out + 0x44, *opt = out + 0x58;
	put16(fh, 0x8664);
	put16(fh + 2, count);
	put16(fh + 16, 240);
	put16(fh + 18, 0x2022);
	put16(opt, 0x20B);
	put64(opt + 24, image_base);
	put32(opt + 32, 0x1000);
	put32(opt + 36, 0x200);
	put32(opt + 60, 0x200);
	uint32_t rva = 0x1000, raw = 0x200;
	for (unsigned i = 0; i < count; i++) {
		uint8_t *sh = opt + 240 + 40 * i;
		memcpy(sh, ".s", 2);
		sh[2] = (uint8_t)('0' + i);
		put32(sh + 8, secs[i].vsize);
		put32(sh + 12, rva);
		put32(sh + 16, secs[i].raw);
		put32(sh + 20, secs[i].raw ? raw : 0);
		put32(sh + 36, secs[i].characteristics);
		if (raw + secs[i].raw <= cap)
			memset(out + raw, (int)(i + 1), secs[i].raw);
		raw += (secs[i].raw + 0x1FF) & ~0x1FFu;
		uint32_t vs = secs[i].vsize ? secs[i].vsize : secs[i].raw;
		rva += (vs + 0xFFF) & ~0xFFFu;
	}
	put32(opt + 56, rva);
	return raw;
}
