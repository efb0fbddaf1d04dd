/*
 * snapshot_walk.h -- the fields of a serialized state, found by walking the
 * format (docs/snapshot-format.md) without validating it: where each field
 * starts and how wide it is, the first byte of every page, and cut points
 * just short of each block of pages.  The seed generator corrupts and
 * truncates at these places; the snapshot target makes the serializer's
 * append at each of them fail.
 */
#ifndef NTVM_FUZZ_SNAPSHOT_WALK_H
#define NTVM_FUZZ_SNAPSHOT_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_FIELDS 4096
#define MAX_CUTS 64

typedef struct snapshot_field {
	size_t at, width;
	bool page; /* a page's first byte: only flipped */
} snapshot_field;

typedef struct snapshot_walk {
	const uint8_t *d;
	size_t size, pos;
	snapshot_field f[MAX_FIELDS];
	size_t n;
	size_t cut[MAX_CUTS]; /* extra truncation points */
	uint64_t resv[64][2];  /* base, length of the first reservations */
	size_t view[16];       /* where the first view records start */
	size_t nview;
	size_t nresv;
	size_t ncut;
} snapshot_walk;

/* Walk size bytes of data (a whole serialization, magic first); fields
 * past MAX_FIELDS are not recorded. */
void snapshot_walk_fields(snapshot_walk *w, const uint8_t *data, size_t size);

#endif /* NTVM_FUZZ_SNAPSHOT_WALK_H */
