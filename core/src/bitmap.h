/*
 * bitmap.h -- word-at-a-time bit ranges (one bit per page).
 *
 * A bitmap is an array of uint64_t words; bit i lives in word i/64 at
 * position i%64.  Every operation works on whole words where it can and
 * masks the partial words at either end, in the manner of mimalloc's
 * bitmap.c.  Callers own the storage and pass the bit range explicitly.
 */
#ifndef NTVM_BITMAP_H
#define NTVM_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NTVM_BITMAP_WORDS(bits) (((bits) + 63) / 64)

bool ntvm__bitmap_test(const uint64_t *map, uint64_t bit);
void ntvm__bitmap_set(uint64_t *map, uint64_t start, uint64_t count);
void ntvm__bitmap_clear(uint64_t *map, uint64_t start, uint64_t count);
/* Number of set bits in [start, start+count). */
uint64_t ntvm__bitmap_count(const uint64_t *map, uint64_t start, uint64_t count);
/* First bit in [start, end) equal to value, or end. */
uint64_t ntvm__bitmap_find(const uint64_t *map, uint64_t start, uint64_t end, bool value);
/* Copy count bits from src at src_start to dst at bit 0 (dst holds
 * NTVM_BITMAP_WORDS(count) words; bits past count are cleared). src_words is
 * the size of src in words. */
void ntvm__bitmap_extract(uint64_t *dst, const uint64_t *src, size_t src_words,
                          uint64_t src_start, uint64_t count);

#endif
