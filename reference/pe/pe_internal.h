/*
 * pe_internal.h -- what pe_spec.c (text form) and pe_build.c (layout and
 * bytes) share: the PE constants the builder uses, the defaults a zero field
 * stands for, and the characteristics a protection string stands for.
 */
#ifndef NTVM_PE_INTERNAL_H
#define NTVM_PE_INTERNAL_H

#include "pe_build.h"

#define PE_DEFAULT_IMAGE_BASE 0x140000000ull
#define PE_DEFAULT_SECTION_ALIGNMENT 0x1000u
#define PE_DEFAULT_FILE_ALIGNMENT 0x200u
#define PE_MACHINE_AMD64 0x8664u

#define PE_SCN_CNT_CODE 0x00000020u
#define PE_SCN_CNT_INITIALIZED_DATA 0x00000040u
#define PE_SCN_CNT_UNINITIALIZED_DATA 0x00000080u
#define PE_SCN_MEM_SHARED 0x10000000u
#define PE_SCN_MEM_EXECUTE 0x20000000u
#define PE_SCN_MEM_READ 0x40000000u
#define PE_SCN_MEM_WRITE 0x80000000u
#define PE_SCN_MEM_MASK 0xF0000000u

/* The field values a spec stands for once its zero defaults are applied. */
uint64_t pe_image_base(const ntvm_pe_spec *spec);
uint32_t pe_section_alignment(const ntvm_pe_spec *spec);
uint32_t pe_file_alignment(const ntvm_pe_spec *spec);
uint16_t pe_machine(const ntvm_pe_spec *spec);

/* The characteristics that the text form's protection letters (IMAGE_SCN_MEM_*
 * bits in mem) stand for, given whether the section has file data. */
uint32_t pe_characteristics_for(uint32_t mem, int has_raw_data);

#endif /* NTVM_PE_INTERNAL_H */
