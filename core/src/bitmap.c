/*
 * bitmap.c -- word-at-a-time bit-range operations for the committed-page
 * bitmaps.  Each function handles a leading partial word, a run of whole
 * words, and a trailing partial word; counts use popcount per word and
 * searches use count-trailing-zeros, so scanning 64 pages costs one step.
 */
#include "bitmap.h"

/* Mask of the bits [lo, hi) of one word, 0 <= lo < hi <= 64. */
static uint64_t range_mask(unsigned lo, unsigned hi)
{
	uint64_t upper = hi == 64 ? ~0ull : ((1ull << hi) - 1);
	return upper & ~((1ull << lo) - 1);
}

bool ntvm__bitmap_test(const uint64_t *map, uint64_t bit)
{
	return (map[bit / 64] >> (bit % 64)) & 1;
}

/* Apply op to each word piece of [start, start+count): op(word, mask). */
#define FOR_EACH_WORD_PIECE(start, count, body)                                   \
	do {                                                                      \
		uint64_t pos_ = (start), end_ = (start) + (count);                \
		while (pos_ < end_) {                                             \
			uint64_t w_ = pos_ / 64;                                  \
			unsigned lo_ = (unsigned) (pos_ % 64);                    \
			uint64_t left_ = end_ - pos_;                             \
			unsigned hi_ = left_ >= 64 - lo_ ? 64 : lo_ + (unsigned) left_; \
			uint64_t mask_ = range_mask(lo_, hi_);                    \
			body;                                                     \
			pos_ += hi_ - lo_;                                        \
		}                                                                 \
	} while (0)

void ntvm__bitmap_set(uint64_t *map, uint64_t start, uint64_t count)
{
	FOR_EACH_WORD_PIECE(start, count, map[w_] |= mask_);
}

void ntvm__bitmap_clear(uint64_t *map, uint64_t start, uint64_t count)
{
	FOR_EACH_WORD_PIECE(start, count, map[w_] &= ~mask_);
}

uint64_t ntvm__bitmap_count(const uint64_t *map, uint64_t start, uint64_t count)
{
	uint64_t total = 0;
	FOR_EACH_WORD_PIECE(start, count, total += (uint64_t) __builtin_popcountll(map[w_] & mask_));
	return total;
}

/* First word in [w, end_w) that holds a bit equal to value, or end_w: eight
 * words per step (one OR/AND of them, then one test), for the long uniform
 * runs of a sparse terabyte reservation. */
static uint64_t find_word(const uint64_t *map, uint64_t w, uint64_t end_w, bool value)
{
	uint64_t skip = value ? 0 : ~0ull;
	for (; w + 8 <= end_w; w += 8) {
		const uint64_t *p = map + w;
		uint64_t any = value ? (p[0] | p[1] | p[2] | p[3] | p[4] | p[5] | p[6] | p[7])
		                     : (p[0] & p[1] & p[2] & p[3] & p[4] & p[5] & p[6] & p[7]);
		if (any != skip)
			break;
	}
	while (w < end_w && map[w] == skip)
		w++;
	return w;
}

uint64_t ntvm__bitmap_find(const uint64_t *map, uint64_t start, uint64_t end, bool value)
{
	if (start >= end)
		return end;
	uint64_t flip = value ? 0 : ~0ull;
	uint64_t w = start / 64, last_w = (end - 1) / 64;
	uint64_t bits = (map[w] ^ flip) & (~0ull << (start % 64));
	if (w < last_w && bits == 0) {
		w = find_word(map, w + 1, last_w, value);
		bits = map[w] ^ flip;
	}
	if (w == last_w && end % 64)
		bits &= (1ull << (end % 64)) - 1;
	if (bits == 0)
		return end;
	return w * 64 + (uint64_t) __builtin_ctzll(bits);
}

/* 64 bits of src starting at bit pos; bits past the array read as 0. */
static uint64_t read_window(const uint64_t *src, size_t src_words, uint64_t pos)
{
	uint64_t w = pos / 64;
	unsigned r = (unsigned) (pos % 64);
	uint64_t lo = w < src_words ? src[w] >> r : 0;
	uint64_t hi = (r && w + 1 < src_words) ? src[w + 1] << (64 - r) : 0;
	return lo | hi;
}

void ntvm__bitmap_extract(uint64_t *dst, const uint64_t *src, size_t src_words,
                          uint64_t src_start, uint64_t count)
{
	uint64_t words = NTVM_BITMAP_WORDS(count);
	for (uint64_t i = 0; i < words; i++) {
		uint64_t v = read_window(src, src_words, src_start + i * 64);
		uint64_t left = count - i * 64;
		if (left < 64)
			v &= (1ull << left) - 1;
		dst[i] = v;
	}
}
