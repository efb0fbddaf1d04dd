/*
 * snapshot_seeds.c -- ntvm-snapshot-seeds DIR: writes seed inputs for the
 * snapshot target's mode 0 (arbitrary bytes into ntvm_deserialize) built
 * from the states with sections of snapshot_states.h: each serialized
 * state as it is (loaded over the small state, over a state with sections,
 * and as a metadata-only load), then copies with one field changed (low
 * bit flipped, zeroed, all ones, plus one, minus one), truncated at the
 * field, and padded.  Fields are found by walking the format
 * (docs/snapshot-format.md); of each page only the first byte is a field.
 * Most copies add nothing; `fuzz_snapshot -merge=1` keeps those that do
 * (docs/fuzzing.md, "Growing the corpora").  Files are named by their
 * state, offset and change, so a run is reproducible.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot_states.h"

#define MAX_FIELDS 4096
#define MAX_CUTS 64

typedef struct field {
	size_t at, width;
	bool page; /* a page's first byte: only flipped */
} field;

typedef struct walk {
	const uint8_t *d;
	size_t size, pos;
	field f[MAX_FIELDS];
	size_t n;
	size_t cut[MAX_CUTS]; /* extra truncation points */
	uint64_t resv[64][2];  /* base, length of the first reservations */
	size_t nresv;
	size_t ncut;
} walk;

static uint64_t take(walk *w, size_t width, bool page)
{
	uint64_t v = 0;
	if (w->pos + width > w->size) {
		w->pos = w->size;
		return 0;
	}
	for (size_t i = 0; i < width; i++)
		v |= (uint64_t)w->d[w->pos + i] << (8 * i);
	if (w->n < MAX_FIELDS)
		w->f[w->n++] = (field){w->pos, width, page};
	w->pos += width;
	return v;
}

static void pages(walk *w, uint64_t count)
{
	for (uint64_t p = 0; p < count && w->pos < w->size; p++) {
		take(w, 1, true);
		w->pos += 4095;
	}
	/* a cut one byte short of the pages' end: past the count checks */
	if (count && w->pos <= w->size && w->ncut < MAX_CUTS)
		w->cut[w->ncut++] = w->pos - 1;
}

static void bitmap(walk *w, uint64_t bits)
{
	for (uint64_t i = 0; i < (bits + 63) / 64; i++)
		take(w, 8, false);
}

/* Pages of the reservation at base (a view's), as recorded by walk_snapshot. */
static uint64_t view_pages(const walk *w, uint64_t base)
{
	for (size_t i = 0; i < w->nresv; i++)
		if (w->resv[i][0] == base)
			return w->resv[i][1] / 4096;
	return 1;
}

/* The sections block; fields go to w. */
static void sections_block(walk *w)
{
	uint64_t count = take(w, 8, false);
	for (uint64_t s = 0; s < count && w->pos < w->size; s++) {
		take(w, 8, false);
		uint64_t n = take(w, 8, false);
		take(w, 4, false), take(w, 4, false), take(w, 8, false);
		uint64_t flags = take(w, 1, false);
		if (flags & 4)
			bitmap(w, n);
		for (uint64_t p = 0; (flags & 8) && p < n; p++)
			take(w, 1, false);
		pages(w, n);
	}
	uint64_t handles = take(w, 8, false);
	for (uint64_t h = 0; h < handles && w->pos < w->size; h++)
		take(w, 8, false), take(w, 4, false);
	uint64_t views = take(w, 8, false);
	for (uint64_t v = 0; v < views && w->pos < w->size; v++) {
		uint64_t base = take(w, 8, false);
		take(w, 8, false), take(w, 8, false), take(w, 4, false);
		if (take(w, 1, false))
			bitmap(w, view_pages(w, base)); /* two words for the 65-page view */
	}
}

static void walk_snapshot(walk *w)
{
	uint64_t committed = 0;
	w->pos = 8;
	uint64_t version = take(w, 4, false);
	for (int i = 0; i < 3; i++)
		take(w, 4, false);
	take(w, 8, false), take(w, 8, false);
	uint64_t count = take(w, 8, false);
	for (uint64_t r = 0; r < count && w->pos < w->size; r++) {
		uint64_t base = take(w, 8, false), length = take(w, 8, false);
		if (w->nresv < 64)
			w->resv[w->nresv][0] = base, w->resv[w->nresv++][1] = length;
		uint64_t kind = take(w, 1, false);
		take(w, 1, false);
		uint64_t runs = take(w, 8, false);
		for (uint64_t k = 0; k < runs && w->pos < w->size; k++) {
			uint64_t n = take(w, 8, false);
			if (take(w, 1, false) && kind != 4)
				committed += n;
			take(w, 1, false);
		}
	}
	if (version == 2)
		sections_block(w);
	pages(w, committed);
}

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
static void change(uint8_t *copy, const field *f, int k)
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
	static walk w;
	static const uint8_t zeros[4097];
	char name[128];
	uint8_t *copy = malloc(b->size);
	int err = copy ? 0 : -1;
	w = (walk){.d = b->data, .size = b->size, .n = 0};
	walk_snapshot(&w);
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
	}
	for (size_t i = 0; i < w.ncut; i++) {
		snprintf(name, sizeof name, "v2-%u-cut-before-%zu", variant, w.cut[i] + 1);
		err |= put(dir, name, 0x00, b->data, w.cut[i], NULL, 0);
	}
	/* re-serialized into a fuller buffer each time (snapshot.c, append_failing) */
	for (unsigned m = 1; m < 32; m++) {
		snprintf(name, sizeof name, "v2-%u-append-%u", variant, m);
		err |= put(dir, name, (uint8_t)(m << 3), b->data, b->size, NULL, 0);
	}
	snprintf(name, sizeof name, "v2-%u-pad-1", variant);
	err |= put(dir, name, 0x00, b->data, b->size, zeros, 1);
	snprintf(name, sizeof name, "v2-%u-pad-page", variant);
	err |= put(dir, name, 0x00, b->data, b->size, zeros, 4096);
	free(copy);
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
	return err;
}
