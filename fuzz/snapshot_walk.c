/*
 * snapshot_walk.c -- finds the fields of a serialized state (see
 * snapshot_walk.h).  A view's private bitmap is sized from the reservation
 * with its base among the first 64; the walk stops at the data's end.
 */
#include "snapshot_walk.h"

static uint64_t take(snapshot_walk *w, size_t width, bool page)
{
	uint64_t v = 0;
	if (w->pos + width > w->size) {
		w->pos = w->size;
		return 0;
	}
	for (size_t i = 0; i < width; i++)
		v |= (uint64_t)w->d[w->pos + i] << (8 * i);
	if (w->n < MAX_FIELDS)
		w->f[w->n++] = (snapshot_field){w->pos, width, page};
	w->pos += width;
	return v;
}

static void pages(snapshot_walk *w, uint64_t count)
{
	for (uint64_t p = 0; p < count && w->pos < w->size; p++) {
		take(w, 1, true);
		w->pos += 4095;
	}
	/* a cut one byte short of the pages' end: past the count checks */
	if (count && w->pos <= w->size && w->ncut < MAX_CUTS)
		w->cut[w->ncut++] = w->pos - 1;
}

static void bitmap(snapshot_walk *w, uint64_t bits)
{
	for (uint64_t i = 0; i < (bits + 63) / 64; i++)
		take(w, 8, false);
}

/* Pages of the reservation at base (a view's), as recorded by walk_snapshot. */
static uint64_t view_pages(const snapshot_walk *w, uint64_t base)
{
	for (size_t i = 0; i < w->nresv; i++)
		if (w->resv[i][0] == base)
			return w->resv[i][1] / 4096;
	return 1;
}

/* The sections block; fields go to w. */
static void sections_block(snapshot_walk *w)
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
		if (w->nview < 16 && w->pos < w->size)
			w->view[w->nview++] = w->pos;
		uint64_t base = take(w, 8, false);
		take(w, 8, false), take(w, 8, false), take(w, 4, false);
		if (take(w, 1, false))
			bitmap(w, view_pages(w, base)); /* two words for the 65-page view */
	}
}

void snapshot_walk_fields(snapshot_walk *w, const uint8_t *data, size_t size)
{
	uint64_t committed = 0;
	*w = (snapshot_walk){.d = data, .size = size, .pos = 8};
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
