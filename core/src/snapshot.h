/*
 * snapshot.h -- internals shared by the snapshot writer and reader (the
 * format is described in docs/snapshot-format.md).
 */
#ifndef NTVM_SNAPSHOT_H
#define NTVM_SNAPSHOT_H

#include "manager.h"

#define NTVM__SNAP_MAGIC "NTVMSNAP"
#define NTVM__SNAP_VERSION 1u
#define NTVM__SNAP_VERSION_SECTIONS 2u /* version 1 plus the sections block */
#define NTVM__SNAP_FLAG_METADATA_ONLY 0x1u
#define NTVM__SNAP_FLAG_DEP_ENABLED 0x2u
#define NTVM__SNAP_HEADER_BYTES 48u
#define NTVM__SNAP_RESERVATION_BYTES 26u
#define NTVM__SNAP_RUN_BYTES 10u

/* Append size uninitialised bytes; returns where they start, NULL when out of memory. */
uint8_t *ntvm__buffer_grow(ntvm_buffer *b, size_t size);
bool ntvm__buffer_append(ntvm_buffer *b, const void *data, size_t size);
bool ntvm__buffer_u32(ntvm_buffer *b, uint32_t v);
bool ntvm__buffer_u64(ntvm_buffer *b, uint64_t v);

/* Map every committed run of every reservation of tree (MMIO through
 * map_mmio) into vm's backend with the effective permissions under dep,
 * then write the page contents from contents (committed non-MMIO pages in
 * address order, 4 KiB each).  On failure everything mapped is unmapped
 * again and false is returned. */
bool ntvm__materialize(ntvm *vm, struct ntvm__res *tree, struct ntvm__sections *sections,
                       bool dep_enabled, const uint8_t *contents);

/* snapshot_sections.c: the sections block (version 2).  A state has one
 * when it has a section handle or a view record. */
bool ntvm__snap_has_sections(const ntvm *vm);
ntvm_status ntvm__snap_write_sections(const ntvm *vm, ntvm_buffer *out);
/* Read the block at *pos into fresh->sections (fresh's reservations are
 * read already); NTVM_E_MALFORMED with *error, or NTVM_E_NO_MEMORY. */
ntvm_status ntvm__snap_read_sections(const uint8_t *data, size_t size, size_t *pos, ntvm *fresh,
                                     ntvm_snapshot_error *error);
/* The contents of shared view pages must equal their section's bytes. */
bool ntvm__snap_check_view_contents(const ntvm *fresh, const uint8_t *contents, size_t base_offset,
                                    ntvm_snapshot_error *error);

#endif
