/*
 * section.c -- section objects and the handle table that names them.
 *
 * A section's pages are one zeroed host block, page aligned by hand (the
 * block is a page larger than needed): the host allocator hands out large
 * zeroed blocks as fresh anonymous memory, so a big section costs nothing
 * until its pages are touched.  Every host allocation goes through
 * ntvm__heap, so tests can fail each one.  Handles are slots of a growing
 * array, the lowest free slot first, handle value 4 * (slot + 1), as an NT
 * handle table hands them out.
 */
#include "section.h"

#include <stdlib.h>
#include <string.h>

static bool storage_alloc(uint64_t pages, void **block, uint8_t **storage)
{
	*block = NULL;
	*storage = NULL;
	if (pages == 0)
		return true;
	if (pages > (SIZE_MAX >> NTVM__PAGE_SHIFT) - 1)
		return false;
	size_t bytes = (size_t)(pages + 1) << NTVM__PAGE_SHIFT;
	*block = ntvm__heap.calloc(1, bytes);
	if (*block == NULL)
		return false;
	*storage = (uint8_t *)ntvm__align_up((uintptr_t)*block, NTVM_PAGE_SIZE);
	return true;
}

struct ntvm__section *ntvm__section_new(uint64_t size, uint64_t pages)
{
	struct ntvm__section *s = ntvm__heap.calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	if (!storage_alloc(pages, &s->block, &s->storage)) {
		free(s);
		return NULL;
	}
	s->size = size;
	s->pages = pages;
	return s;
}

void ntvm__section_unref(struct ntvm__section *s)
{
	if (--s->refs > 0)
		return;
	free(s->block);
	free(s->committed);
	free(s->image_perms);
	free(s);
}

bool ntvm__section_grow(struct ntvm__section *s, uint64_t size, uint64_t pages)
{
	if (pages <= s->pages) {
		s->size = size;
		return true;
	}
	void *block;
	uint8_t *storage;
	uint64_t *committed = NULL;
	if (!storage_alloc(pages, &block, &storage))
		return false;
	if (s->committed) {
		committed = ntvm__heap.calloc(NTVM_BITMAP_WORDS(pages), sizeof *committed);
		if (committed == NULL) {
			free(block);
			return false;
		}
		memcpy(committed, s->committed, NTVM_BITMAP_WORDS(s->pages) * sizeof *committed);
		free(s->committed);
		s->committed = committed;
	}
	if (s->pages)
		memcpy(storage, s->storage, (size_t)s->pages << NTVM__PAGE_SHIFT);
	free(s->block);
	s->block = block;
	s->storage = storage;
	s->pages = pages;
	s->size = size;
	return true;
}

bool ntvm__section_page_committed(const struct ntvm__section *s, uint64_t page)
{
	return s->committed == NULL || ntvm__bitmap_test(s->committed, page);
}

struct ntvm__sections *ntvm__sections_get(ntvm *vm)
{
	if (vm->sections == NULL)
		vm->sections = ntvm__heap.calloc(1, sizeof *vm->sections);
	return vm->sections;
}

/* The lowest free slot, growing the array if needed; SIZE_MAX when out of memory. */
static size_t free_slot(struct ntvm__sections *t)
{
	for (size_t i = 0; i < t->handle_count; i++)
		if (t->handles[i].section == NULL)
			return i;
	if (t->handle_count == t->handle_capacity) {
		struct ntvm__handle *h = ntvm__heap_grow(t->handles, &t->handle_capacity, sizeof *h, 8);
		if (h == NULL)
			return SIZE_MAX;
		t->handles = h;
	}
	t->handles[t->handle_count] = (struct ntvm__handle){ 0 };
	return t->handle_count++;
}

ntvm_handle ntvm__handle_add(ntvm *vm, struct ntvm__section *s, uint32_t access)
{
	struct ntvm__sections *t = ntvm__sections_get(vm);
	size_t i = t ? free_slot(t) : SIZE_MAX;
	if (i == SIZE_MAX)
		return 0;
	t->handles[i] = (struct ntvm__handle){ s, access };
	s->refs++;
	return (ntvm_handle)(i + 1) * 4;
}

struct ntvm__handle *ntvm__handle_get(const ntvm *vm, ntvm_handle h)
{
	const struct ntvm__sections *t = vm->sections;
	if (t == NULL || h == 0 || (h & 3) != 0 || h / 4 > t->handle_count)
		return NULL;
	struct ntvm__handle *slot = &t->handles[h / 4 - 1];
	return slot->section ? slot : NULL;
}

void ntvm__handle_close(ntvm *vm, ntvm_handle h)
{
	struct ntvm__sections *t = vm->sections;
	struct ntvm__handle *slot = ntvm__handle_get(vm, h);
	ntvm__section_unref(slot->section);
	*slot = (struct ntvm__handle){ 0 };
	while (t->handle_count > 0 && t->handles[t->handle_count - 1].section == NULL)
		t->handle_count--;
}

void ntvm__sections_free(ntvm *vm)
{
	struct ntvm__sections *t = vm->sections;
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->view_count; i++) {
		ntvm__section_unref(t->views[i]->section);
		free(t->views[i]->private_pages);
		free(t->views[i]);
	}
	for (size_t i = 0; i < t->handle_count; i++)
		if (t->handles[i].section)
			ntvm__section_unref(t->handles[i].section);
	free(t->views);
	free(t->handles);
	free(t);
	vm->sections = NULL;
}

/* Sections are counted through their references: a section is live while a
 * handle or a view holds it, so count the distinct ones. */
uint64_t ntvm__section_count(const ntvm *vm)
{
	const struct ntvm__sections *t = vm->sections;
	if (t == NULL)
		return 0;
	uint64_t n = 0;
	for (size_t i = 0; i < t->handle_count; i++) {
		struct ntvm__section *s = t->handles[i].section;
		bool seen = s == NULL;
		for (size_t j = 0; j < i && !seen; j++)
			seen = t->handles[j].section == s;
		n += !seen;
	}
	for (size_t i = 0; i < t->view_count; i++) {
		struct ntvm__section *s = t->views[i]->section;
		bool seen = false;
		for (size_t j = 0; j < t->handle_count && !seen; j++)
			seen = t->handles[j].section == s;
		for (size_t j = 0; j < i && !seen; j++)
			seen = t->views[j]->section == s;
		n += !seen;
	}
	return n;
}
