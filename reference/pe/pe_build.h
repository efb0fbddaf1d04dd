/*
 * pe_build.h -- builds small PE32+ files from a short description, so that
 * the recorder (mingw, under Wine), the replayer, the tests and the fuzzers
 * all map the very same image bytes.  Portable C11, no Windows headers.
 *
 * A description in text form (used in traces) looks like
 *   base=0x140000000;align=0x1000;text:rx:0x1800,data:rw:0x2000,rdata:r:0x800
 * keys: base (ImageBase), align (SectionAlignment), falign (FileAlignment),
 * machine, dll (0/1); sections NAME:PROT:VSIZE[:RAWSIZE] with PROT any of
 * r w x (or "-" for none), in address order.
 */
#ifndef NTVM_PE_BUILD_H
#define NTVM_PE_BUILD_H

#include <stddef.h>
#include <stdint.h>

#define NTVM_PE_MAX_SECTIONS 16

typedef struct ntvm_pe_section_spec {
	char name[9];             /* NUL-terminated, up to 8 characters */
	uint32_t virtual_size;    /* bytes in memory; 0: raw_size */
	uint32_t raw_size;        /* bytes of file data (a fixed pattern); may be 0 */
	uint32_t characteristics; /* IMAGE_SCN_* (CNT_CODE, MEM_READ/WRITE/EXECUTE, ...) */
} ntvm_pe_section_spec;

typedef struct ntvm_pe_spec {
	uint64_t image_base;        /* 0: 0x140000000 */
	uint32_t section_alignment; /* 0: 0x1000 */
	uint32_t file_alignment;    /* 0: 0x200 */
	uint16_t machine;           /* 0: IMAGE_FILE_MACHINE_AMD64 */
	uint16_t dll;               /* 1: IMAGE_FILE_DLL */
	unsigned section_count;
	ntvm_pe_section_spec sections[NTVM_PE_MAX_SECTIONS];
} ntvm_pe_spec;

/* Parse a text description; on failure returns -1 and *error (if non-NULL)
 * is a static reason.  The spec is zeroed first. */
int ntvm_pe_spec_parse(const char *text, ntvm_pe_spec *spec, const char **error);

/* Write the description back in canonical text form; returns the length it
 * needs (snprintf-style). */
int ntvm_pe_spec_format(const ntvm_pe_spec *spec, char *out, size_t out_size);

/* Build the file.  *out is malloc'd (free it); returns 0, or -1 when the
 * spec cannot be laid out (with *error as above). */
int ntvm_pe_build(const ntvm_pe_spec *spec, uint8_t **out, size_t *out_size, const char **error);

/* Whether ntvm_pe_build would lay the spec out (0), without building it; -1
 * and *error as above if not. */
int ntvm_pe_spec_check(const ntvm_pe_spec *spec, const char **error);

#endif /* NTVM_PE_BUILD_H */
