/*
 * pe_build.c -- lays out and writes the PE32+ file a spec describes
 * (pe_build.h).  The file is what a linker would write for an image with no
 * imports, relocations or entry code: a 64-byte DOS header whose e_lfanew
 * points just after it, the PE signature, the COFF header, a PE32+ optional
 * header with all 16 data directories empty, the section table, then each
 * section's file data at FileAlignment.  Nothing varies between builds (no
 * time stamp, no checksum), so recorder and replayer map the same bytes.
 *
 * Layout: the first section starts at SizeOfHeaders rounded up to
 * SectionAlignment and each next one where the previous ends (its virtual
 * size rounded to SectionAlignment); file data follows the headers in the
 * same order.  A SectionAlignment below the page size must equal
 * FileAlignment, and then every section's file offset equals its RVA and the
 * file is as long as the image (the loader maps such images from the file as
 * a whole).
 *
 * File data: byte i of section k's data is ((k + 1) << 4) | ((i >> 9) & 15),
 * changing every 512 bytes, so a read shows which section and which part of
 * it was mapped; the rest of the last FileAlignment block is zero.
 */
#include "pe_internal.h"

#include <stdlib.h>
#include <string.h>

#define PE_PAGE_SIZE 0x1000u
#define PE_DOS_HEADER_SIZE 0x40u
#define PE_COFF_HEADER_SIZE 20u
#define PE_OPTIONAL_HEADER_SIZE 240u
#define PE_SECTION_HEADER_SIZE 40u
#define PE_MAX_IMAGE_SIZE 0x10000000ull /* 256 MiB: small images are the point */

struct pe_section_layout {
	uint32_t rva;
	uint32_t virtual_size; /* as written: the spec's, or its raw size if 0 */
	uint32_t raw_pointer;
	uint32_t raw_size; /* SizeOfRawData: rounded to FileAlignment */
};

struct pe_layout {
	uint32_t headers_size;
	uint32_t image_size;
	uint32_t file_size;
	struct pe_section_layout sections[NTVM_PE_MAX_SECTIONS];
};

static int is_power_of_two(uint64_t v)
{
	return v && !(v & (v - 1));
}

static uint64_t round_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

static int check_alignments(const ntvm_pe_spec *spec, const char **error)
{
	uint32_t sa = pe_section_alignment(spec), fa = pe_file_alignment(spec);

	if (!is_power_of_two(fa) || fa < 0x200 || fa > 0x10000)
		return *error = "falign: a power of two from 0x200 to 0x10000", -1;
	if (!is_power_of_two(sa) || sa < fa)
		return *error = "align: a power of two not below falign", -1;
	if (sa < PE_PAGE_SIZE && sa != fa)
		return *error = "align below the page size must equal falign", -1;
	if (pe_image_base(spec) & 0xffff)
		return *error = "base: a multiple of 64 KiB", -1;
	if (spec->dll > 1)
		return *error = "dll: 0 or 1", -1;
	if (spec->section_count > NTVM_PE_MAX_SECTIONS)
		return *error = "more than 16 sections", -1;
	return 0;
}

static int check_section(const ntvm_pe_spec *spec, const ntvm_pe_section_spec *sec,
                         const char **error)
{
	uint64_t vsize = sec->virtual_size ? sec->virtual_size : sec->raw_size;

	if (sec->name[0] == '\0')
		return *error = "a section without a name", -1;
	if (vsize == 0)
		return *error = "a section of size 0", -1;
	if (round_up(sec->raw_size, pe_file_alignment(spec)) >
	    round_up(vsize, pe_section_alignment(spec)))
		return *error = "a section's raw size beyond its virtual size", -1;
	return 0;
}

static int lay_out(const ntvm_pe_spec *spec, struct pe_layout *l, const char **error)
{
	uint64_t sa = pe_section_alignment(spec), fa = pe_file_alignment(spec);
	uint64_t headers = PE_DOS_HEADER_SIZE + 4 + PE_COFF_HEADER_SIZE + PE_OPTIONAL_HEADER_SIZE +
	                   (uint64_t)PE_SECTION_HEADER_SIZE * spec->section_count;
	uint64_t rva, file;
	int small = sa < PE_PAGE_SIZE;

	if (check_alignments(spec, error) != 0)
		return -1;
	l->headers_size = (uint32_t)round_up(headers, fa);
	rva = round_up(l->headers_size, sa);
	file = l->headers_size;
	for (unsigned i = 0; i < spec->section_count; i++) {
		const ntvm_pe_section_spec *sec = &spec->sections[i];
		struct pe_section_layout *s = &l->sections[i];
		if (check_section(spec, sec, error) != 0)
			return -1;
		s->virtual_size = sec->virtual_size ? sec->virtual_size : sec->raw_size;
		s->raw_size = (uint32_t)round_up(sec->raw_size, fa);
		s->rva = (uint32_t)rva;
		s->raw_pointer = s->raw_size ? (uint32_t)(small ? rva : file) : 0;
		file += s->raw_size;
		rva += round_up(s->virtual_size, sa);
	}
	if (rva > PE_MAX_IMAGE_SIZE)
		return *error = "an image larger than 256 MiB", -1;
	l->image_size = (uint32_t)rva;
	l->file_size = (uint32_t)(small ? rva : file);
	if (pe_image_base(spec) > UINT64_MAX - rva)
		return *error = "base + image size past 2^64", -1;
	return 0;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void write_coff(const ntvm_pe_spec *spec, uint8_t *p)
{
	uint32_t characteristics = 0x0002u /* EXECUTABLE_IMAGE */ | 0x0020u /* LARGE_ADDRESS_AWARE */;

	if (spec->dll)
		characteristics |= 0x2000u; /* IMAGE_FILE_DLL */
	put16(p + 0, pe_machine(spec));
	put16(p + 2, spec->section_count);
	put16(p + 16, PE_OPTIONAL_HEADER_SIZE);
	put16(p + 18, characteristics);
}

/* SizeOfCode / SizeOfInitializedData / SizeOfUninitializedData and
 * BaseOfCode, summed from the sections as linkers do. */
static void write_content_sizes(const ntvm_pe_spec *spec, const struct pe_layout *l, uint8_t *p)
{
	uint32_t code = 0, data = 0, bss = 0, base_of_code = 0;

	for (unsigned i = 0; i < spec->section_count; i++) {
		uint32_t c = spec->sections[i].characteristics;
		if ((c & PE_SCN_CNT_CODE) && !base_of_code)
			base_of_code = l->sections[i].rva;
		if (c & PE_SCN_CNT_CODE)
			code += l->sections[i].raw_size;
		if (c & PE_SCN_CNT_INITIALIZED_DATA)
			data += l->sections[i].raw_size;
		if (c & PE_SCN_CNT_UNINITIALIZED_DATA)
			bss += (uint32_t)round_up(l->sections[i].virtual_size, pe_file_alignment(spec));
	}
	put32(p + 4, code);
	put32(p + 8, data);
	put32(p + 12, bss);
	put32(p + 20, base_of_code);
}

static void write_optional(const ntvm_pe_spec *spec, const struct pe_layout *l, uint8_t *p)
{
	put16(p + 0, 0x20b); /* PE32+ */
	p[2] = 14;           /* linker version 14.0 */
	write_content_sizes(spec, l, p);
	put64(p + 24, pe_image_base(spec));
	put32(p + 32, pe_section_alignment(spec));
	put32(p + 36, pe_file_alignment(spec));
	put16(p + 40, 6); /* operating system version 6.0 */
	put16(p + 48, 6); /* subsystem version 6.0 */
	put32(p + 56, l->image_size);
	put32(p + 60, l->headers_size);
	put16(p + 68, 3);      /* IMAGE_SUBSYSTEM_WINDOWS_CUI */
	put16(p + 70, 0x100);  /* NX_COMPAT; no DYNAMIC_BASE: placed at its base */
	put64(p + 72, 0x100000); /* stack reserve */
	put64(p + 80, 0x1000);   /* stack commit */
	put64(p + 88, 0x100000); /* heap reserve */
	put64(p + 96, 0x1000);   /* heap commit */
	put32(p + 108, 16);      /* NumberOfRvaAndSizes; all directories empty */
}

static void write_section(const ntvm_pe_spec *spec, const struct pe_layout *l, unsigned k,
                          uint8_t *file, uint8_t *header)
{
	const ntvm_pe_section_spec *sec = &spec->sections[k];
	const struct pe_section_layout *s = &l->sections[k];

	for (unsigned i = 0; i < 8 && sec->name[i]; i++)
		header[i] = (uint8_t)sec->name[i];
	put32(header + 8, s->virtual_size);
	put32(header + 12, s->rva);
	put32(header + 16, s->raw_size);
	put32(header + 20, s->raw_pointer);
	put32(header + 36, sec->characteristics);
	for (uint32_t i = 0; i < sec->raw_size; i++)
		file[s->raw_pointer + i] = (uint8_t)(((k + 1) << 4) | ((i >> 9) & 15));
}

int ntvm_pe_spec_check(const ntvm_pe_spec *spec, const char **error)
{
	const char *unused;
	struct pe_layout l;

	return lay_out(spec, &l, error ? error : &unused);
}

int ntvm_pe_build(const ntvm_pe_spec *spec, uint8_t **out, size_t *out_size, const char **error)
{
	const char *unused;
	struct pe_layout l;
	uint8_t *file, *table;

	if (!error)
		error = &unused;
	*out = NULL;
	*out_size = 0;
	if (lay_out(spec, &l, error) != 0)
		return -1;
	file = calloc(1, l.file_size);
	if (!file)
		return *error = "out of memory", -1;
	file[0] = 'M';
	file[1] = 'Z';
	put32(file + 0x3c, PE_DOS_HEADER_SIZE);
	memcpy(file + PE_DOS_HEADER_SIZE, "PE\0\0", 4);
	write_coff(spec, file + PE_DOS_HEADER_SIZE + 4);
	write_optional(spec, &l, file + PE_DOS_HEADER_SIZE + 4 + PE_COFF_HEADER_SIZE);
	table = file + PE_DOS_HEADER_SIZE + 4 + PE_COFF_HEADER_SIZE + PE_OPTIONAL_HEADER_SIZE;
	for (unsigned k = 0; k < spec->section_count; k++)
		write_section(spec, &l, k, file, table + k * PE_SECTION_HEADER_SIZE);
	*out = file;
	*out_size = l.file_size;
	return 0;
}
