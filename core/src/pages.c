/*
 * pages.c -- the page state of one reservation: which pages are committed
 * and with what protection, in the compact forms described in manager.h.
 *
 * Every change goes in two steps so that a failing operation changes
 * nothing: a `shape_for_*` function allocates whatever storage the result
 * needs (the only step that can fail), then, once the backend calls have
 * succeeded, `apply_*` installs it and updates the bits.  Shapes collapse
 * back to the storage-free forms when a range covers the whole reservation
 * or a released piece turns out uniform.
 */
#include "manager.h"

#include <stdlib.h>
#include <string.h>

/* The bitmap of a MIXED reservation: in the node up to 64 pages (a 1-page
 * commit in a small reservation then allocates nothing), else after the
 * count word of the heap block. */
static const uint64_t *bitmap_of(const struct ntvm__res *r)
{
	return ntvm__res_bits_inline(r) ? &r->small_map : r->bits + 1;
}

uint64_t *ntvm__res_bitmap(struct ntvm__res *r)
{
	return ntvm__res_bits_inline(r) ? &r->small_map : r->bits + 1;
}

void ntvm__res_bits_free(struct ntvm__res *r)
{
	if (!ntvm__res_bits_inline(r))
		free(r->bits);
	r->small_map = 0;
	r->bits = NULL;
}

/* Bytes of the bitmap block of a reservation of `pages` (none inline). */
static size_t bits_bytes(uint64_t pages)
{
	if (pages <= NTVM__INLINE_PAGES)
		return 0;
	return (1 + NTVM_BITMAP_WORDS(pages)) * sizeof(uint64_t);
}

/* Mask of the first `pages` bits (1 <= pages <= 64). */
static uint64_t low_mask(uint64_t pages)
{
	return pages >= 64 ? ~0ull : (1ull << pages) - 1;
}
static bool has_perm_array(const struct ntvm__res *r)
{
	return r->kind != NTVM_KIND_MMIO && r->u.perms != NULL;
}

uint64_t ntvm__res_committed_count(const struct ntvm__res *r)
{
	switch (r->state) {
	case NTVM__ALL_RESERVED:
		return 0;
	case NTVM__ALL_COMMITTED:
		return ntvm__res_pages(r);
	default:
		if (ntvm__res_bits_inline(r))
			return (uint64_t) __builtin_popcountll(r->small_map);
		return r->bits[0];
	}
}

uint64_t ntvm__res_committed_in(const struct ntvm__res *r, uint64_t first, uint64_t count)
{
	switch (r->state) {
	case NTVM__ALL_RESERVED:
		return 0;
	case NTVM__ALL_COMMITTED:
		return count;
	default:
		return ntvm__bitmap_count(bitmap_of(r), first, count);
	}
}

bool ntvm__res_page_committed(const struct ntvm__res *r, uint64_t page)
{
	if (r->state != NTVM__MIXED)
		return r->state == NTVM__ALL_COMMITTED;
	return (bitmap_of(r)[page >> 6] >> (page & 63)) & 1;
}

ntvm_perm ntvm__res_page_perm(const struct ntvm__res *r, uint64_t page)
{
	if (has_perm_array(r))
		return r->u.perms[page];
	return ntvm__res_page_committed(r, page) ? r->perm : r->hidden;
}

uint64_t ntvm__res_commit_run_end(const struct ntvm__res *r, uint64_t page, uint64_t end)
{
	if (r->state != NTVM__MIXED)
		return end;
	if (ntvm__res_bits_inline(r)) { /* page < 64: the run is the low bits equal to bit 0 */
		uint64_t m = r->small_map >> page;
		uint64_t other = (m & 1) ? ~m : m; /* ones where the state differs */
		uint64_t run = other ? page + (uint64_t) __builtin_ctzll(other) : 64;
		return run < end ? run : end;
	}
	bool committed = ntvm__bitmap_test(bitmap_of(r), page);
	return ntvm__bitmap_find(bitmap_of(r), page, end, !committed);
}

/* Index in memory order of the first non-zero byte of a loaded word (w != 0). */
static uint64_t first_set_byte(uint64_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (uint64_t) (__builtin_clzll(w) >> 3);
#else
	return (uint64_t) (__builtin_ctzll(w) >> 3);
#endif
}

/* End of the run of equal protection bytes from page, at most run: eight
 * bytes per step (the first differing byte is the first non-zero byte of
 * the word XOR the repeated value). */
static uint64_t perm_run_end(const struct ntvm__res *r, uint64_t page, uint64_t run)
{
	if (!has_perm_array(r))
		return run;
	const uint8_t *p = r->u.perms;
	uint64_t pattern = 0x0101010101010101ull * p[page];
	uint64_t i = page + 1;
	for (; i + 8 <= run; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, sizeof w);
		if ((w ^= pattern) != 0)
			return i + first_set_byte(w);
	}
	while (i < run && p[i] == p[page])
		i++;
	return i;
}

uint64_t ntvm__res_run_end(const struct ntvm__res *r, uint64_t page, uint64_t end)
{
	uint64_t run = ntvm__res_commit_run_end(r, page, end);
	return ntvm__res_page_committed(r, page) ? perm_run_end(r, page, run) : run;
}

uint64_t ntvm__res_detail_run_end(const struct ntvm__res *r, uint64_t page, uint64_t end)
{
	return perm_run_end(r, page, ntvm__res_commit_run_end(r, page, end));
}

uint64_t ntvm__res_eff_run_end(const ntvm *vm, const struct ntvm__res *r, uint64_t page,
                               uint64_t end)
{
	uint64_t run = ntvm__res_commit_run_end(r, page, end);
	if (!has_perm_array(r) || !ntvm__res_page_committed(r, page))
		return run;
	const uint8_t *p = r->u.perms;
	ntvm_perm eff = ntvm__effective_perm(p[page], vm->dep_enabled);
	uint64_t i = page + 1;
	while (i < run && ntvm__effective_perm(p[i], vm->dep_enabled) == eff)
		i++;
	return i;
}

size_t ntvm__res_meta_bytes(const struct ntvm__res *r)
{
	size_t bytes = sizeof *r;
	if (r->state == NTVM__MIXED)
		bytes += bits_bytes(ntvm__res_pages(r));
	if (r->kind == NTVM_KIND_MMIO)
		bytes += sizeof(struct ntvm__mmio);
	else if (r->u.perms)
		bytes += ntvm__res_pages(r);
	return bytes;
}

/* ------------------------------------------------------------------ */
/* Shapes: storage prepared before anything changes                     */
/* ------------------------------------------------------------------ */
void ntvm__shape_discard(struct ntvm__shape *s)
{
	free(s->bits);
	free(s->perms);
	s->bits = NULL;
	s->perms = NULL;
}

/* A bitmap block made from r's uniform committed state (r is not MIXED and
 * has more than 64 pages). */
static uint64_t *bits_copy(const struct ntvm__res *r)
{
	uint64_t pages = ntvm__res_pages(r);
	uint64_t *bits = ntvm__heap.malloc(bits_bytes(pages));
	if (bits == NULL)
		return NULL;
	memset(bits, 0, bits_bytes(pages));
	if (r->state == NTVM__ALL_COMMITTED) {
		ntvm__bitmap_set(bits + 1, 0, pages);
		bits[0] = pages;
	}
	return bits;
}

/* A protection array made from r's two uniform bytes (r has no array). */
static uint8_t *perms_expand(const struct ntvm__res *r)
{
	uint64_t pages = ntvm__res_pages(r);
	uint8_t *perms = ntvm__heap.malloc(pages);
	if (perms == NULL)
		return NULL;
	for (uint64_t i = 0; i < pages;) {
		uint64_t end = ntvm__res_commit_run_end(r, i, pages);
		memset(perms + i, ntvm__res_page_committed(r, i) ? r->perm : r->hidden, end - i);
		i = end;
	}
	return perms;
}

/* The protection storage after setting perm on a range with `outside`
 * committed pages left outside it: the two bytes stay enough when no other
 * committed page keeps a different protection. */
static bool plan_perms(const struct ntvm__res *r, uint64_t outside, ntvm_perm perm,
                       struct ntvm__shape *out)
{
	out->perm = perm;
	out->hidden = r->hidden;
	if (has_perm_array(r) || outside == 0 || r->perm == perm)
		return true;
	out->perms = perms_expand(r);
	out->perm = r->perm;
	return out->perms != NULL;
}

/* Does r becoming out->state need a new bitmap block? */
static bool needs_block(const struct ntvm__res *r, const struct ntvm__shape *out)
{
	return out->state == NTVM__MIXED && r->state != NTVM__MIXED && !ntvm__res_bits_inline(r);
}

bool ntvm__shape_for_commit(const struct ntvm__res *r, uint64_t first, uint64_t count,
                            ntvm_perm perm, struct ntvm__shape *out)
{
	*out = (struct ntvm__shape){ 0 };
	uint64_t total = ntvm__res_committed_count(r), inside = ntvm__res_committed_in(r, first, count);
	uint64_t after = total - inside + count;
	out->state = after == ntvm__res_pages(r) ? NTVM__ALL_COMMITTED : NTVM__MIXED;
	if (needs_block(r, out) && (out->bits = bits_copy(r)) == NULL)
		return false;
	if (!plan_perms(r, total - inside, perm, out)) {
		ntvm__shape_discard(out);
		return false;
	}
	return true;
}

/* Decommitted pages keep their protection as their last one: the two
 * bytes stay enough unless reserved pages already carry a different one. */
bool ntvm__shape_for_decommit(const struct ntvm__res *r, uint64_t first, uint64_t count,
                              struct ntvm__shape *out)
{
	*out = (struct ntvm__shape){ 0 };
	uint64_t pages = ntvm__res_pages(r);
	uint64_t total = ntvm__res_committed_count(r), inside = ntvm__res_committed_in(r, first, count);
	out->state = total == inside ? NTVM__ALL_RESERVED : NTVM__MIXED;
	out->perm = r->perm;
	out->hidden = inside && total == pages ? r->perm : r->hidden;
	if (needs_block(r, out) && (out->bits = bits_copy(r)) == NULL)
		return false;
	if (inside && !has_perm_array(r) && total < pages && r->hidden != r->perm) {
		if ((out->perms = perms_expand(r)) == NULL) {
			ntvm__shape_discard(out);
			return false;
		}
	}
	return true;
}

bool ntvm__shape_for_protect(const struct ntvm__res *r, uint64_t first, uint64_t count,
                             ntvm_perm perm, struct ntvm__shape *out)
{
	*out = (struct ntvm__shape){ 0 };
	out->state = r->state;
	uint64_t total = ntvm__res_committed_count(r), inside = ntvm__res_committed_in(r, first, count);
	return plan_perms(r, total - inside, perm, out);
}

/* The last protection of one reserved page changes: the two bytes stay
 * enough only when it is the reservation's one reserved page. */
bool ntvm__shape_for_last(const struct ntvm__res *r, ntvm_perm perm, struct ntvm__shape *out)
{
	*out = (struct ntvm__shape){ 0 };
	out->state = r->state;
	out->perm = r->perm;
	out->hidden = perm;
	if (has_perm_array(r) || ntvm__res_pages(r) - ntvm__res_committed_count(r) == 1)
		return true;
	out->perms = perms_expand(r);
	return out->perms != NULL;
}

/* Are committed pages of the slice all alike, and reserved ones too? */
static bool slice_uniform(const struct ntvm__res *r, uint64_t first, uint64_t count,
                          struct ntvm__shape *out)
{
	bool seen[2] = { false, false };
	uint8_t value[2] = { 0, 0 };
	for (uint64_t i = first; i < first + count;) {
		uint64_t end = ntvm__res_detail_run_end(r, i, first + count);
		int c = ntvm__res_page_committed(r, i);
		if (seen[c] && value[c] != r->u.perms[i])
			return false;
		seen[c] = true;
		value[c] = r->u.perms[i];
		i = end;
	}
	out->perm = seen[1] ? value[1] : value[0];
	out->hidden = seen[0] ? value[0] : value[1];
	return true;
}

bool ntvm__shape_for_slice(const struct ntvm__res *r, uint64_t first, uint64_t count,
                           struct ntvm__shape *out)
{
	*out = (struct ntvm__shape){ 0 };
	uint64_t committed = ntvm__res_committed_in(r, first, count);
	out->state = committed == 0 ? NTVM__ALL_RESERVED
	             : committed == count ? NTVM__ALL_COMMITTED : NTVM__MIXED;
	out->perm = r->perm;
	out->hidden = r->hidden;
	size_t src_words = NTVM_BITMAP_WORDS(ntvm__res_pages(r));
	if (out->state == NTVM__MIXED && count <= NTVM__INLINE_PAGES) {
		ntvm__bitmap_extract(&out->small_map, bitmap_of(r), src_words, first, count);
	} else if (out->state == NTVM__MIXED) {
		if ((out->bits = ntvm__heap.malloc(bits_bytes(count))) == NULL)
			return false;
		out->bits[0] = committed;
		ntvm__bitmap_extract(out->bits + 1, bitmap_of(r), src_words, first, count);
	}
	if (!has_perm_array(r) || slice_uniform(r, first, count, out))
		return true;
	if ((out->perms = ntvm__heap.malloc(count)) == NULL) {
		ntvm__shape_discard(out);
		return false;
	}
	memcpy(out->perms, r->u.perms + first, count);
	return true;
}

/* ------------------------------------------------------------------ */
/* Applying shapes                                                      */
/* ------------------------------------------------------------------ */
static void install_bits(struct ntvm__res *r, struct ntvm__shape *s)
{
	if (s->state != NTVM__MIXED) {
		ntvm__res_bits_free(r);
	} else if (r->state != NTVM__MIXED && ntvm__res_bits_inline(r)) {
		r->small_map = r->state == NTVM__ALL_COMMITTED ? low_mask(ntvm__res_pages(r)) : 0;
	} else if (s->bits) {
		free(r->bits);
		r->bits = s->bits;
	}
	s->bits = NULL;
	r->state = s->state;
}

/* Set perm on [first, first+count) of a range that is all committed after
 * the operation; a range covering the whole reservation makes it uniform. */
static void install_perms(struct ntvm__res *r, struct ntvm__shape *s, uint64_t first,
                          uint64_t count, ntvm_perm perm)
{
	if (s->perms) {
		r->u.perms = s->perms;
		r->perm = s->perm;
		s->perms = NULL;
	}
	if (r->u.perms && count == ntvm__res_pages(r)) {
		free(r->u.perms);
		r->u.perms = NULL;
		r->hidden = perm;
	}
	if (r->u.perms)
		memset(r->u.perms + first, perm, count);
	else
		r->perm = perm;
}

void ntvm__apply_commit(ntvm *vm, struct ntvm__res *r, struct ntvm__shape *s, uint64_t first,
                        uint64_t count, ntvm_perm perm)
{
	size_t before = ntvm__res_meta_bytes(r);
	uint64_t total = ntvm__res_committed_count(r), inside = ntvm__res_committed_in(r, first, count);
	install_bits(r, s);
	if (r->state == NTVM__MIXED) {
		ntvm__bitmap_set(ntvm__res_bitmap(r), first, count);
		if (!ntvm__res_bits_inline(r))
			r->bits[0] = total - inside + count;
	}
	install_perms(r, s, first, count, perm);
	vm->stats.committed_bytes += (count - inside) << NTVM__PAGE_SHIFT;
	vm->stats.metadata_bytes += ntvm__res_meta_bytes(r) - before;
	ntvm__shape_discard(s);
}

void ntvm__apply_decommit(ntvm *vm, struct ntvm__res *r, struct ntvm__shape *s,
                          uint64_t first, uint64_t count)
{
	size_t before = ntvm__res_meta_bytes(r);
	uint64_t total = ntvm__res_committed_count(r), inside = ntvm__res_committed_in(r, first, count);
	install_bits(r, s);
	if (r->state == NTVM__MIXED) {
		ntvm__bitmap_clear(ntvm__res_bitmap(r), first, count);
		if (!ntvm__res_bits_inline(r))
			r->bits[0] = total - inside;
	}
	if (s->perms) {
		r->u.perms = s->perms; /* the committed pages' bytes become their last protection */
		s->perms = NULL;
	} else if (!r->u.perms) {
		r->hidden = s->hidden;
	}
	vm->stats.committed_bytes -= inside << NTVM__PAGE_SHIFT;
	vm->stats.metadata_bytes += ntvm__res_meta_bytes(r) - before;
	ntvm__shape_discard(s);
}

void ntvm__apply_protect(ntvm *vm, struct ntvm__res *r, struct ntvm__shape *s, uint64_t first,
                         uint64_t count, ntvm_perm perm)
{
	size_t before = ntvm__res_meta_bytes(r);
	install_perms(r, s, first, count, perm);
	vm->stats.metadata_bytes += ntvm__res_meta_bytes(r) - before;
	ntvm__shape_discard(s);
}

void ntvm__apply_last(ntvm *vm, struct ntvm__res *r, struct ntvm__shape *s, uint64_t page)
{
	size_t before = ntvm__res_meta_bytes(r);
	if (s->perms) {
		r->u.perms = s->perms;
		s->perms = NULL;
	}
	if (r->u.perms)
		r->u.perms[page] = s->hidden;
	else
		r->hidden = s->hidden;
	vm->stats.metadata_bytes += ntvm__res_meta_bytes(r) - before;
	ntvm__shape_discard(s);
}

/* r's size may be the old one (the kept piece) or already the new one (a
 * fresh node, no storage yet): freeing by the current size is right for
 * both; the shape says which form the slice's bitmap takes. */
void ntvm__apply_slice(ntvm *vm, struct ntvm__res *r, struct ntvm__shape *s)
{
	ntvm__res_bits_free(r);
	if (r->kind != NTVM_KIND_MMIO)
		free(r->u.perms);
	if (s->bits)
		r->bits = s->bits;
	else
		r->small_map = s->small_map;
	r->state = s->state;
	r->perm = s->perm;
	r->hidden = s->hidden;
	if (r->kind != NTVM_KIND_MMIO)
		r->u.perms = s->perms;
	s->bits = NULL;
	s->perms = NULL;
}
