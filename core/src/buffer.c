/*
 * buffer.c -- the growable byte buffer snapshots are written into, and
 * little-endian appends.  A failed append leaves the buffer as it was and
 * returns false.
 */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

void ntvm_buffer_free(ntvm_buffer *buffer)
{
	if (buffer == NULL)
		return;
	free(buffer->data);
	*buffer = (ntvm_buffer){ 0 };
}

uint8_t *ntvm__buffer_grow(ntvm_buffer *b, size_t size)
{
	if (size > SIZE_MAX - b->size)
		return NULL;
	if (b->size + size > b->capacity) {
		size_t cap = b->capacity ? b->capacity : 256;
		while (cap < b->size + size)
			cap = cap > SIZE_MAX / 2 ? b->size + size : cap * 2;
		uint8_t *p = ntvm__heap.realloc(b->data, cap);
		if (p == NULL)
			return NULL;
		b->data = p;
		b->capacity = cap;
	}
	uint8_t *at = b->data + b->size;
	b->size += size;
	return at;
}

bool ntvm__buffer_append(ntvm_buffer *b, const void *data, size_t size)
{
	if (size == 0)
		return true;
	uint8_t *at = ntvm__buffer_grow(b, size);
	if (at == NULL)
		return false;
	memcpy(at, data, size);
	return true;
}

bool ntvm__buffer_u32(ntvm_buffer *b, uint32_t v)
{
	uint8_t bytes[4];
	for (int i = 0; i < 4; i++)
		bytes[i] = (uint8_t) (v >> (8 * i));
	return ntvm__buffer_append(b, bytes, sizeof bytes);
}

bool ntvm__buffer_u64(ntvm_buffer *b, uint64_t v)
{
	uint8_t bytes[8];
	for (int i = 0; i < 8; i++)
		bytes[i] = (uint8_t) (v >> (8 * i));
	return ntvm__buffer_append(b, bytes, sizeof bytes);
}
