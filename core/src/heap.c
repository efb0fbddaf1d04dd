/*
 * heap.c -- where the manager gets its memory: every host allocation of
 * the core (nodes, bitmaps, protection arrays, the embedded backend's pages,
 * snapshot buffers) goes through ntvm__heap, which defaults to the C
 * library.  A host may point it elsewhere (tests use it to make the Nth
 * allocation fail and check that every NTVM_E_NO_MEMORY path changes
 * nothing).  Memory is always released with free().
 */
#include "manager.h"

#include <stdlib.h>

struct ntvm__heap_hooks ntvm__heap = { malloc, calloc, realloc };

void *ntvm__heap_grow(void *items, size_t *capacity, size_t item_size, size_t first)
{
	size_t cap = *capacity ? *capacity * 2 : first;
	if (cap < *capacity || cap > SIZE_MAX / item_size)
		return NULL;
	void *grown = ntvm__heap.realloc(items, cap * item_size);
	if (grown != NULL)
		*capacity = cap;
	return grown;
}
