/*
 * image.c -- the PE parser and image layout behind SEC_IMAGE sections.
 *
 * The caller's bytes are untrusted (a fuzz target feeds them), so every
 * field is read through bounds-checked helpers and every offset and size
 * is checked in 64-bit arithmetic before the layout touches memory: the
 * layout then only repeats reads the parse has proven safe.  The statuses
 * follow the Windows image loader (WRK MiCreateImageFileMap): no MZ ->
 * STATUS_INVALID_IMAGE_NOT_MZ, no PE header -> STATUS_INVALID_IMAGE_PROTECT,
 * anything inconsistent -> STATUS_INVALID_IMAGE_FORMAT.
 */
#include "image.h"

#include <string.h>

#define PE_MACHINE_I386 0x014Cu
#define PE_MACHINE_AMD64 0x8664u
#define PE_MAGIC_32 0x10Bu
#define PE_MAGIC_64 0x20Bu
#define PE_SECTION_BYTES 40u
#define PE_MAX_SECTIONS 96u
#define PE_MAX_IMAGE 0x80000000ull
#define SCN_SHARED 0x10000000u
#define SCN_EXECUTE 0x20000000u
#define SCN_READ 0x40000000u
#define SCN_WRITE 0x80000000u

/* Where the parse found things, so the layout need not look again. */
struct pe {
	const uint8_t *file;
	size_t size;
	uint64_t sections;      /* offset of the section table */
	unsigned count;
	uint32_t section_align;
	bool low_align;         /* SectionAlignment below a page: mapped from the file as a whole */
	uint32_t headers;       /* SizeOfHeaders */
	uint64_t image_size;    /* SizeOfImage */
};

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static bool fits(const struct pe *pe, uint64_t offset, uint64_t len)
{
	return offset <= pe->size && len <= pe->size - offset;
}

static bool pow2(uint32_t v) { return v && !(v & (v - 1)); }

static uint64_t round_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

struct section_hdr {
	uint32_t vaddr, vsize, raw_size, raw_ptr, characteristics;
};

static struct section_hdr section_at(const struct pe *pe, unsigned i)
{
	const uint8_t *p = pe->file + pe->sections + (uint64_t)i * PE_SECTION_BYTES;
	struct section_hdr h = { rd32(p + 12), rd32(p + 8), rd32(p + 16), rd32(p + 20), rd32(p + 36) };
	if (h.vsize == 0)
		h.vsize = h.raw_size;
	return h;
}

/* The optional header: magic, machine, alignments, sizes. */
static ntvm_ntstatus parse_optional(struct pe *pe, uint64_t opt, uint32_t opt_size, uint32_t machine,
                                    struct ntvm__image_info *info)
{
	if (!fits(pe, opt, 2))
		return NTVM_STATUS_INVALID_IMAGE_FORMAT;
	uint32_t magic = rd16(pe->file + opt);
	uint32_t need = magic == PE_MAGIC_64 ? 112 : 96;
	if ((magic != PE_MAGIC_64 && magic != PE_MAGIC_32) || opt_size < need || !fits(pe, opt, opt_size))
		return NTVM_STATUS_INVALID_IMAGE_FORMAT;
	if (machine != (magic == PE_MAGIC_64 ? PE_MACHINE_AMD64 : PE_MACHINE_I386))
		return NTVM_STATUS_INVALID_IMAGE_FORMAT;
	const uint8_t *o = pe->file + opt;
	info->image_base = magic == PE_MAGIC_64 ? rd64(o + 24) : rd32(o + 28);
	info->foreign = magic == PE_MAGIC_32;
	pe->section_align = rd32(o + 32);
	uint32_t file_align = rd32(o + 36);
	pe->image_size = rd32(o + 56);
	pe->headers = rd32(o + 60);
	pe->low_align = pe->section_align < NTVM_PAGE_SIZE;
	if (!pow2(pe->section_align) || !pow2(file_align) || file_align > pe->section_align)
		return NTVM_STATUS_INVALID_IMAGE_FORMAT;
	if (pe->low_align ? file_align != pe->section_align : file_align < 0x200 || file_align > 0x10000)
		return NTVM_STATUS_INVALID_IMAGE_FORMAT;
	if (pe->image_size == 0 || pe->image_size > PE_MAX_IMAGE || pe->headers == 0 ||
	    pe->headers > pe->size || pe->headers > pe->image_size)
		return NTVM_STATUS_INVALID_IMAGE_FORMAT;
	if (info->image_base == 0 || (info->image_base & (NTVM_ALLOCATION_GRANULARITY - 1)))
		return NTVM_STATUS_INVALID_IMAGE_FORMAT;
	return NTVM_STATUS_SUCCESS;
}

/* Sections in address order, after the headers, inside the image, with
 * their file data inside the file. */
static ntvm_ntstatus parse_sections(const struct pe *pe)
{
	uint64_t next = round_up(pe->headers, pe->low_align ? pe->section_align : NTVM_PAGE_SIZE);
	for (unsigned i = 0; i < pe->count; i++) {
		struct section_hdr h = section_at(pe, i);
		if (h.vaddr % pe->section_align || h.vaddr < next)
			return NTVM_STATUS_INVALID_IMAGE_FORMAT;
		if ((uint64_t)h.vaddr + h.vsize > pe->image_size)
			return NTVM_STATUS_INVALID_IMAGE_FORMAT;
		if (h.raw_size && !fits(pe, h.raw_ptr, h.raw_size))
			return NTVM_STATUS_INVALID_IMAGE_FORMAT;
		if (pe->low_align && h.raw_size && h.raw_ptr != h.vaddr)
			return NTVM_STATUS_INVALID_IMAGE_FORMAT;
		next = round_up((uint64_t)h.vaddr + h.vsize, pe->section_align);
	}
	return NTVM_STATUS_SUCCESS;
}

static ntvm_ntstatus parse(struct pe *pe, struct ntvm__image_info *info)
{
	if (pe->size < 64 || pe->file[0] != 'M' || pe->file[1] != 'Z')
		return NTVM_STATUS_INVALID_IMAGE_NOT_MZ;
	uint64_t nt = rd32(pe->file + 0x3C);
	if (!fits(pe, nt, 24) || memcmp(pe->file + nt, "PE\0\0", 4) != 0)
		return NTVM_STATUS_INVALID_IMAGE_PROTECT;
	const uint8_t *fh = pe->file + nt + 4;
	pe->count = rd16(fh + 2);
	uint32_t opt_size = rd16(fh + 16);
	if (pe->count == 0 || pe->count > PE_MAX_SECTIONS)
		return NTVM_STATUS_INVALID_IMAGE_FORMAT;
	ntvm_ntstatus st = parse_optional(pe, nt + 24, opt_size, rd16(fh), info);
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	pe->sections = nt + 24 + opt_size;
	if (!fits(pe, pe->sections, (uint64_t)pe->count * PE_SECTION_BYTES))
		return NTVM_STATUS_INVALID_IMAGE_FORMAT;
	info->size = round_up(pe->image_size, NTVM_PAGE_SIZE);
	return parse_sections(pe);
}

ntvm_ntstatus ntvm__image_parse(const uint8_t *file, size_t file_size, struct ntvm__image_info *info)
{
	struct pe pe = { .file = file, .size = file_size };
	if (file == NULL)
		return NTVM_STATUS_INVALID_IMAGE_NOT_MZ;
	*info = (struct ntvm__image_info){ 0 };
	return parse(&pe, info);
}

static uint32_t section_protect(uint32_t c)
{
	bool x = c & SCN_EXECUTE, r = c & SCN_READ, w = c & SCN_WRITE, shared = c & SCN_SHARED;
	if (w)
		return x ? (shared ? NTVM_PAGE_EXECUTE_READWRITE : NTVM_PAGE_EXECUTE_WRITECOPY)
		         : (shared ? NTVM_PAGE_READWRITE : NTVM_PAGE_WRITECOPY);
	if (x)
		return r ? NTVM_PAGE_EXECUTE_READ : NTVM_PAGE_EXECUTE;
	return r ? NTVM_PAGE_READONLY : NTVM_PAGE_NOACCESS;
}

void ntvm__image_layout(const uint8_t *file, size_t file_size, const struct ntvm__image_info *info,
                        uint8_t *memory, uint8_t *perms)
{
	struct pe pe = { .file = file, .size = file_size };
	struct ntvm__image_info again;
	(void)parse(&pe, &again); /* refills pe; the caller parsed the same bytes already */
	uint64_t pages = info->size >> 12;
	ntvm_perm ro, all;
	if (pe.low_align) {
		/* Windows and Wine map such an image from the file as a whole,
		 * every page EXECUTE_WRITECOPY. */
		(void)ntvm_perm_from_page(NTVM_PAGE_EXECUTE_WRITECOPY, &all);
		memset(perms, all, (size_t)pages);
		memcpy(memory, file, file_size < info->size ? file_size : (size_t)info->size);
		return;
	}
	(void)ntvm_perm_from_page(NTVM_PAGE_READONLY, &ro);
	memset(perms, ro, (size_t)pages);
	memcpy(memory, file, pe.headers);
	for (unsigned i = 0; i < pe.count; i++) {
		struct section_hdr h = section_at(&pe, i);
		uint64_t end = round_up((uint64_t)h.vaddr + h.vsize, pe.section_align);
		if (end > info->size)
			end = info->size;
		ntvm_perm perm;
		(void)ntvm_perm_from_page(section_protect(h.characteristics), &perm);
		for (uint64_t p = h.vaddr >> 12; p < end >> 12; p++)
			perms[p] = perm;
		uint32_t copy = h.raw_size < h.vsize ? h.raw_size : h.vsize;
		memcpy(memory + h.vaddr, file + h.raw_ptr, copy);
	}
}
