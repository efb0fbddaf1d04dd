/*
 * model_pe.c -- the model's own PE reader: from a file's bytes to the image
 * layout a SEC_IMAGE section maps (which bytes go where, which protection
 * each page range has), or the status that rejects the file.  Written from
 * the PE/COFF specification for obviousness: every field is read with
 * bounds checks by offset, nothing is cast onto the buffer.  Shares nothing
 * with core's reader.
 *
 * Statuses (docs/nt-semantics.md "PE images", after WRK MiCreateImageFileMap):
 * no MZ: STATUS_INVALID_IMAGE_NOT_MZ; no PE signature with its file header:
 * STATUS_INVALID_IMAGE_PROTECT; anything else inconsistent:
 * STATUS_INVALID_IMAGE_FORMAT (so the order of those checks does not matter).
 * Layout: SizeOfImage rounded up to pages, READONLY with the headers' bytes;
 * each section from its VirtualAddress over its virtual size (SizeOfRawData
 * when VirtualSize is 0) rounded up to SectionAlignment, with the protection
 * its IMAGE_SCN_MEM_* bits give (writable pages copy-on-write unless shared)
 * and min(SizeOfRawData, virtual size) bytes of file data.  SectionAlignment
 * below a page (FileAlignment equal to it, each section's file data at its
 * RVA): the file as it is, every page EXECUTE_WRITECOPY.
 */
#include "model.h"

#include <string.h>

#define SCN_SHARED 0x10000000u
#define SCN_EXECUTE 0x20000000u
#define SCN_READ 0x40000000u
#define SCN_WRITE 0x80000000u
#define MAX_SECTIONS 96

typedef struct reader {
	const uint8_t *file;
	size_t size;
} reader;

static bool get(const reader *rd, uint64_t at, unsigned n, uint64_t *out)
{
	*out = 0;
	if (at > rd->size || n > rd->size - at)
		return false;
	for (unsigned i = n; i-- > 0;)
		*out = *out << 8 | rd->file[at + i];
	return true;
}

static uint64_t round_to(uint64_t v, uint64_t align)
{
	return v + (align - v % align) % align;
}

static bool power_of_two(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* IMAGE_SCN_MEM_* to the protection a view's pages start with. */
static ntvm_perm section_perm(uint64_t characteristics)
{
	bool r = characteristics & SCN_READ, w = characteristics & SCN_WRITE;
	bool x = characteristics & SCN_EXECUTE, shared = characteristics & SCN_SHARED;
	ntvm_perm p = (ntvm_perm)((r ? NTVM_PERM_READ : 0) | (x ? NTVM_PERM_EXEC : 0));
	if (w)
		p |= (ntvm_perm)(NTVM_PERM_RW | (shared ? 0 : NTVM_PERM_WRITECOPY));
	return p;
}

static void add_span(model_image *img, uint64_t lo, uint64_t hi, ntvm_perm perm)
{
	if (lo < hi)
		img->spans[img->span_count++] = (model_span){lo, hi, perm};
}

static void add_copy(model_image *img, uint64_t file_offset, uint64_t size, uint64_t va)
{
	if (size)
		img->copies[img->copy_count++] = (struct model_copy){file_offset, size, va};
}

typedef struct headers {
	uint64_t lfanew, machine, nsections, opt_size, magic;
	uint64_t image_base, section_align, file_align, image_size, headers_size;
} headers;

/* The DOS header and the PE signature: their own statuses. */
static ntvm_ntstatus read_signature(const reader *rd, headers *h)
{
	uint64_t mz, sig;
	if (rd->size < 64 || !get(rd, 0, 2, &mz) || mz != 0x5A4D || !get(rd, 0x3C, 4, &h->lfanew))
		return NTVM_STATUS_INVALID_IMAGE_NOT_MZ;
	if (!get(rd, h->lfanew, 4, &sig) || sig != 0x4550 || !get(rd, h->lfanew + 4, 20, &mz))
		return NTVM_STATUS_INVALID_IMAGE_PROTECT;
	return NTVM_STATUS_SUCCESS;
}

/* Everything else in the headers; any inconsistency is INVALID_IMAGE_FORMAT. */
static bool read_headers(const reader *rd, headers *h)
{
	uint64_t nt = h->lfanew, opt = nt + 24, end;
	get(rd, nt + 4, 2, &h->machine);
	get(rd, nt + 6, 2, &h->nsections);
	get(rd, nt + 20, 2, &h->opt_size);
	if (h->nsections == 0 || h->nsections > MAX_SECTIONS || !get(rd, opt, 2, &h->magic))
		return false;
	bool plus = h->magic == 0x20b;
	if ((h->magic != 0x20b && h->magic != 0x10b) || h->opt_size < (plus ? 112u : 96u) ||
	    !get(rd, opt + h->opt_size, 0, &end) || h->machine != (plus ? 0x8664u : 0x14Cu))
		return false;
	get(rd, opt + (plus ? 24 : 28), plus ? 8 : 4, &h->image_base);
	get(rd, opt + 32, 4, &h->section_align);
	get(rd, opt + 36, 4, &h->file_align);
	get(rd, opt + 56, 4, &h->image_size);
	get(rd, opt + 60, 4, &h->headers_size);
	bool low = h->section_align < MODEL_PAGE;
	return power_of_two(h->section_align) && power_of_two(h->file_align) &&
	       h->file_align <= h->section_align &&
	       (low ? h->file_align == h->section_align
	            : h->file_align >= 0x200 && h->file_align <= 0x10000) &&
	       h->image_size != 0 &&
	       h->image_size <= 0x80000000ull && h->headers_size != 0 &&
	       h->headers_size <= rd->size && h->headers_size <= h->image_size &&
	       h->image_base != 0 && h->image_base % MODEL_GRANULE == 0 &&
	       get(rd, opt + h->opt_size + h->nsections * 40, 0, &end);
}

/* Section i's virtual extent and file data (VirtualSize 0: SizeOfRawData). */
static void read_section(const reader *rd, const headers *h, uint64_t i, uint64_t *va,
                         uint64_t *vsize, uint64_t *raw_ptr, uint64_t *raw_size, uint64_t *chars)
{
	uint64_t at = h->lfanew + 24 + h->opt_size + i * 40;
	get(rd, at + 8, 4, vsize);
	get(rd, at + 12, 4, va);
	get(rd, at + 16, 4, raw_size);
	get(rd, at + 20, 4, raw_ptr);
	get(rd, at + 36, 4, chars);
	if (*vsize == 0)
		*vsize = *raw_size;
}

/* Sections in address order, aligned, after the headers, inside the image,
 * their file data inside the file; each covers its virtual size rounded up to
 * SectionAlignment (cut at the image's end). */
static bool lay_out(const reader *rd, const headers *h, model_image *img)
{
	bool low = h->section_align < MODEL_PAGE;
	uint64_t next = round_to(h->headers_size, low ? h->section_align : MODEL_PAGE);
	if (low) { /* the file is the image, every page EXECUTE_WRITECOPY */
		add_span(img, 0, img->size, NTVM_PERM_RWX | NTVM_PERM_WRITECOPY);
		add_copy(img, 0, rd->size < img->size ? rd->size : img->size, 0);
	} else {
		add_span(img, 0, img->size, NTVM_PERM_READ);
		add_copy(img, 0, h->headers_size, 0);
	}
	for (uint64_t i = 0; i < h->nsections; i++) {
		uint64_t va, vsize, ptr, raw, chars;
		read_section(rd, h, i, &va, &vsize, &ptr, &raw, &chars);
		if (va % h->section_align || va < next || va + vsize > h->image_size ||
		    (raw && (ptr > rd->size || raw > rd->size - ptr)) || (low && raw && ptr != va))
			return false;
		next = round_to(va + vsize, h->section_align);
		if (low)
			continue;
		add_span(img, va, next < img->size ? next : img->size, section_perm(chars));
		add_copy(img, ptr, raw < vsize ? raw : vsize, va);
	}
	return true;
}

ntvm_ntstatus model_pe_read(const uint8_t *file, size_t size, model_image *out)
{
	reader rd = {file, size};
	headers h;
	ntvm_ntstatus st;
	memset(out, 0, sizeof *out);
	memset(&h, 0, sizeof h);
	if ((st = read_signature(&rd, &h)) != NTVM_STATUS_SUCCESS)
		return st;
	if (!read_headers(&rd, &h))
		return NTVM_STATUS_INVALID_IMAGE_FORMAT;
	out->image_base = h.image_base;
	out->machine = (uint16_t)h.machine;
	out->size = round_to(h.image_size, MODEL_PAGE);
	return lay_out(&rd, &h, out) ? NTVM_STATUS_SUCCESS : NTVM_STATUS_INVALID_IMAGE_FORMAT;
}
