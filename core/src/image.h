/*
 * image.h -- PE images for SEC_IMAGE sections: checking the caller's bytes
 * and laying the image out in memory as the loader would.
 */
#ifndef NTVM_IMAGE_H
#define NTVM_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ntvm/ntdefs.h>
#include <ntvm/ntvm.h>

struct ntvm__image_info {
	uint64_t image_base;
	uint64_t size;   /* SizeOfImage rounded up to a page */
	bool foreign;    /* PE32 (i386): maps with STATUS_IMAGE_MACHINE_TYPE_MISMATCH */
};

/* Check everything the layout will read; STATUS_SUCCESS or the status the
 * section creation fails with (docs/nt-semantics.md, "PE images"). */
ntvm_ntstatus ntvm__image_parse(const uint8_t *file, size_t file_size, struct ntvm__image_info *info);

/* Write the image into `memory` (info->size zeroed bytes) and one
 * ntvm_perm per page into `perms`.  Only after a successful parse. */
void ntvm__image_layout(const uint8_t *file, size_t file_size, const struct ntvm__image_info *info,
                        uint8_t *memory, uint8_t *perms);

#endif
