/*
 * snapshot_seeds.c -- ntvm-snapshot-seeds DIR: writes seed inputs for the
 * snapshot target's mode 0 (arbitrary bytes into ntvm_deserialize) built
 * from the states with sections of snapshot_states.h: each serialized
 * state as it is (loaded over the small state, over a state with sections,
 * and as a metadata-only load), then copies with one field changed (low
 * bit flipped, zeroed, all ones, plus one, minus one), truncated at and
 * just before the end of the field, and padded; and each view record
 * changed to name the first section at offset 0x1000 (two fields at once).
 * Fields are found by walking the format (snapshot_walk.h); of each page
 * only the first byte is a field.  Most copies add nothing; `fuzz_snapshot -merge=1` keeps those that do
 * (docs/fuzzing.md, "Growing the corpora").  Files are named by their
 * state, offset and change, so a run is reproducible.  Also a metadata-only
 * state with MMIO regions where the small state has a reservation and
 * where it has none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot_states.h"
#include "snapshot_walk.h"


static int put(const char *dir, const char *name, uint8_t header, const uint8_t *d, size_t n,
               const uint8_t *pad, size_t pad_n)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	bool ok = fwrite(&header, 1, 1, f) == 1 && fwrite(d, 1, n, f) == n &&
	          (pad_n == 0 || fwrite(pad, 1, pad_n, f) == pad_n);
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* Change field f of copy (a copy of the serialization) in way k (0-4). */
static void change(uint8_t *copy, const snapshot_field *f, int k)
{
	uint8_t *p = copy + f->at;
	switch (k) {
	case 0: p[0] ^= 1; break;
	case 1: memset(p, 0, f->width); break;
	case 2: memset(p, 0xFF, f->width); break;
	case 3: for (size_t i = 0; i < f->width && ++p[i] == 0; i++) ; break;
	default: for (size_t i = 0; i < f->width && p[i]-- == 0; i++) ; break;
	}
}

static int seeds_of(const char *dir, unsigned variant, const ntvm_buffer *b)
{
	static snapshot_walk w;
	static const uint8_t zeros[4097];
	char name[128];
	uint8_t *copy = malloc(b->size);
	int err = copy ? 0 : -1;
	snapshot_walk_fields(&w, b->data, b->size);
	/* as it is: over the small state, over a state with sections, metadata-only */
	snprintf(name, sizeof name, "v2-%u-valid", variant);
	err |= put(dir, name, 0x00, b->data, b->size, NULL, 0);
	snprintf(name, sizeof name, "v2-%u-over-sections", variant);
	err |= put(dir, name, (uint8_t)(0x04 | (((variant + 1) & 3) << 3)), b->data, b->size, NULL, 0);
	snprintf(name, sizeof name, "v2-%u-metadata-only", variant);
	err |= put(dir, name, 0x02, b->data, b->size, NULL, 0);
	for (size_t i = 0; copy && i < w.n; i++) {
		for (int k = 0; k < (w.f[i].page ? 1 : 5); k++) {
			memcpy(copy, b->data, b->size);
			change(copy, &w.f[i], k);
			snprintf(name, sizeof name, "v2-%u-at-%zu-change-%d", variant, w.f[i].at, k);
			err |= put(dir, name, 0x00, copy, b->size, NULL, 0);
		}
		snprintf(name, sizeof name, "v2-%u-cut-at-%zu", variant, w.f[i].at);
		err |= put(dir, name, 0x00, b->data, w.f[i].at + (w.f[i].width > 1), NULL, 0);
		if (w.f[i].width > 2) { /* one byte short: past the count checks more often */
			snprintf(name, sizeof name, "v2-%u-cut-at-%zu-end", variant, w.f[i].at);
			err |= put(dir, name, 0x00, b->data, w.f[i].at + w.f[i].width - 1, NULL, 0);
		}
	}
	/* two fields at once: a view record naming section 0 at offset 0x1000
	 * (an image view is always at offset 0, whatever its section's size) */
	for (size_t i = 0; copy && i < w.nview && w.view[i] + 24 <= b->size; i++) {
		memcpy(copy, b->data, b->size);
		memset(copy + w.view[i] + 8, 0, 16);
		copy[w.view[i] + 17] = 0x10;
		snprintf(name, sizeof name, "v2-%u-view-%zu-first-section", variant, i);
		err |= put(dir, name, 0x00, copy, b->size, NULL, 0);
	}
	for (size_t i = 0; i < w.ncut; i++) {
		snprintf(name, sizeof name, "v2-%u-cut-before-%zu", variant, w.cut[i] + 1);
		err |= put(dir, name, 0x00, b->data, w.cut[i], NULL, 0);
	}
	snprintf(name, sizeof name, "v2-%u-pad-1", variant);
	err |= put(dir, name, 0x00, b->data, b->size, zeros, 1);
	snprintf(name, sizeof name, "v2-%u-pad-page", variant);
	err |= put(dir, name, 0x00, b->data, b->size, zeros, 4096);
	free(copy);
	return err;
}

static void mmio_read(void *user, uint64_t address, void *data, size_t size)
{
	(void)user, (void)address;
	memset(data, 0, size);
}

static void mmio_write(void *user, uint64_t address, const void *data, size_t size)
{
	(void)user, (void)address, (void)data, (void)size;
}

/* Metadata-only states with MMIO regions for a load over the small state:
 * one where the small state has its private reservation, one where it has
 * nothing (a load keeps only the callback records of the same MMIO region). */
static int mmio_seeds(const char *dir)
{
	ntvm_buffer small = {0}, b = {0};
	ntvm *vm = snapshot_small_state(), *other = ntvm_create(NULL);
	int err = vm && other && ntvm_serialize(vm, true, &small) == NTVM_OK && small.size >= 56 ? 0 : -1;
	uint64_t base = 0;
	for (int i = 0; !err && i < 8; i++)
		base |= (uint64_t)small.data[48 + i] << (8 * i);
	if (!err && (ntvm_allocate_mmio(other, base, 0x2000, mmio_read, mmio_write, NULL) != NTVM_OK ||
	             ntvm_allocate_mmio(other, base + 0x1000000, 0x1000, mmio_read, mmio_write, NULL) != NTVM_OK ||
	             ntvm_serialize(other, true, &b) != NTVM_OK))
		err = -1;
	if (!err)
		err = put(dir, "v1-mmio-metadata-only", 0x02, b.data, b.size, NULL, 0);
	ntvm_buffer_free(&small);
	ntvm_buffer_free(&b);
	ntvm_destroy(vm);
	ntvm_destroy(other);
	return err;
}

int main(int argc, char **argv)
{
	int err = 0;
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (unsigned v = 0; v < SNAPSHOT_SECTION_STATES; v++) {
		ntvm_buffer b = {0};
		ntvm *vm = snapshot_section_state(v);
		if (!vm || ntvm_serialize(vm, false, &b) != NTVM_OK || b.size < 12 || b.data[8] != 2) {
			fprintf(stderr, "%s: state %u could not be built with sections\n", argv[0], v);
			err = 1;
		} else if (seeds_of(argv[1], v, &b)) {
			fprintf(stderr, "%s: writing to %s failed\n", argv[0], argv[1]);
			err = 1;
		}
		ntvm_buffer_free(&b);
		ntvm_destroy(vm);
	}
	if (mmio_seeds(argv[1])) {
		fprintf(stderr, "%s: the MMIO seeds could not be written to %s\n", argv[0], argv[1]);
		err = 1;
	}
	return err;
}
