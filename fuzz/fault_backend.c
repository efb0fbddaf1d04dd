/*
 * fault_backend.c -- see fault_backend.h.  Pages live in a small array with
 * linear scans; ranges are checked by counting stored pages inside them, so
 * that a call over a huge range never loops page by page.
 */
#include "fault_backend.h"

#include <stdlib.h>
#include <string.h>

#define PAGE 0x1000ull

static bool inject(fault_backend *fb)
{
	if (fb->paused)
		return false;
	if (++fb->calls == fb->fail_at) {
		fb->failed = true;
		return true;
	}
	return false;
}

static void breach(fault_backend *fb, const char *what)
{
	if (!fb->violation)
		fb->violation = what;
}

static size_t count_in(const fault_backend *fb, uint64_t address, uint64_t size)
{
	size_t n = 0;
	for (size_t i = 0; i < fb->count; i++)
		if (fb->pages[i].address >= address && fb->pages[i].address - address < size)
			n++;
	return n;
}

/* The MMIO range [address, address+size) exactly, or -1. */
static int mmio_index(const fault_backend *fb, uint64_t address, uint64_t size)
{
	for (size_t i = 0; i < fb->mmio_count; i++)
		if (fb->mmio[i].address == address && fb->mmio[i].size == size)
			return (int)i;
	return -1;
}

/* Does [address, address+size) meet an MMIO range? */
static bool meets_mmio(const fault_backend *fb, uint64_t address, uint64_t size)
{
	for (size_t i = 0; i < fb->mmio_count; i++)
		if (fb->mmio[i].address < address + size && address < fb->mmio[i].address + fb->mmio[i].size)
			return true;
	return false;
}

static bool whole_range_mapped(fault_backend *fb, uint64_t address, uint64_t size)
{
	if (address % PAGE || size % PAGE || size == 0 || size / PAGE > FAULT_BACKEND_MAX_PAGES ||
	    count_in(fb, address, size) != size / PAGE) {
		breach(fb, "a call on pages that are not mapped");
		return false;
	}
	return true;
}

static int fb_map(void *ctx, uint64_t address, uint64_t size, ntvm_perm effective)
{
	fault_backend *fb = ctx;
	if (effective & ~NTVM_PERM_ACCESS_MASK)
		breach(fb, "map with modifier bits");
	if (address % PAGE || size % PAGE || size == 0 || count_in(fb, address, size) ||
	    meets_mmio(fb, address, size))
		breach(fb, "map of mapped or misaligned pages");
	if (inject(fb))
		return 1;
	if (size / PAGE > FAULT_BACKEND_MAX_PAGES - fb->count) {
		fb->failed = true;
		return 1;
	}
	for (uint64_t at = address; at - address < size; at += PAGE) {
		uint8_t *bytes = calloc(1, PAGE);
		if (!bytes) {
			fb->failed = true;
			return 1;
		}
		fb->pages[fb->count++] = (fault_page){at, effective, effective, bytes, false};
	}
	return 0;
}

/* A section view's pages: the manager's host memory, read and written in place. */
static int fb_map_shared(void *ctx, uint64_t address, uint64_t size, ntvm_perm effective,
                         void *host)
{
	fault_backend *fb = ctx;
	if (effective & ~NTVM_PERM_ACCESS_MASK)
		breach(fb, "map_shared with modifier bits");
	if (address % PAGE || size % PAGE || size == 0 || count_in(fb, address, size) ||
	    meets_mmio(fb, address, size))
		breach(fb, "map_shared of mapped or misaligned pages");
	if (host == NULL || (uintptr_t)host % PAGE)
		breach(fb, "map_shared of host memory that is not page aligned");
	if (inject(fb))
		return 1;
	if (size / PAGE > FAULT_BACKEND_MAX_PAGES - fb->count) {
		fb->failed = true;
		return 1;
	}
	for (uint64_t at = address; at - address < size; at += PAGE)
		fb->pages[fb->count++] =
			(fault_page){at, effective, effective, (uint8_t *)host + (at - address), true};
	return 0;
}

static void fb_unmap(void *ctx, uint64_t address, uint64_t size)
{
	fault_backend *fb = ctx;
	size_t n = 0;
	int m = mmio_index(fb, address, size);
	if (m >= 0) { /* the manager unmaps an MMIO range whole */
		fb->mmio[m] = fb->mmio[--fb->mmio_count];
		return;
	}
	whole_range_mapped(fb, address, size);
	for (size_t i = 0; i < fb->count; i++) {
		if (fb->pages[i].address >= address && fb->pages[i].address - address < size) {
			if (!fb->pages[i].shared)
				free(fb->pages[i].bytes);
		} else
			fb->pages[n++] = fb->pages[i];
	}
	fb->count = n;
}

/* Does protect(effective) put every page of the range back to its previous permission? */
static bool restores(const fault_backend *fb, uint64_t address, uint64_t size, ntvm_perm effective)
{
	for (size_t i = 0; i < fb->count; i++)
		if (fb->pages[i].address >= address && fb->pages[i].address - address < size &&
		    fb->pages[i].previous != effective)
			return false;
	return true;
}

static int fb_protect(void *ctx, uint64_t address, uint64_t size, ntvm_perm effective)
{
	fault_backend *fb = ctx;
	if (effective & ~NTVM_PERM_ACCESS_MASK)
		breach(fb, "protect with modifier bits");
	if (!whole_range_mapped(fb, address, size))
		return 1;
	if (!restores(fb, address, size, effective) && inject(fb))
		return 1;
	for (size_t i = 0; i < fb->count; i++) {
		fault_page *p = &fb->pages[i];
		if (p->address >= address && p->address - address < size) {
			p->previous = p->effective;
			p->effective = effective;
		}
	}
	return 0;
}

const fault_page *fault_backend_find(const fault_backend *fb, uint64_t page)
{
	for (size_t i = 0; i < fb->count; i++)
		if (fb->pages[i].address == page)
			return &fb->pages[i];
	return NULL;
}

/* Copy between data and the pages of [address, address+size). */
static int move(fault_backend *fb, uint64_t address, uint8_t *data, size_t size, bool to_pages)
{
	uint64_t first = address - address % PAGE, end = address + size;
	uint64_t span = (end - first + PAGE - 1) / PAGE * PAGE;
	if (size == 0 || !whole_range_mapped(fb, first, span) || inject(fb))
		return size == 0 ? 0 : 1;
	for (size_t done = 0; done < size;) {
		uint64_t at = address + done;
		size_t n = PAGE - at % PAGE < size - done ? PAGE - at % PAGE : size - done;
		fault_page *p = (fault_page *)fault_backend_find(fb, at - at % PAGE);
		if (to_pages)
			memcpy(p->bytes + at % PAGE, data + done, n);
		else
			memcpy(data + done, p->bytes + at % PAGE, n);
		done += n;
	}
	return 0;
}

static int fb_read(void *ctx, uint64_t address, void *data, size_t size)
{
	return move(ctx, address, data, size, false);
}

static int fb_write(void *ctx, uint64_t address, const void *data, size_t size)
{
	return move(ctx, address, (uint8_t *)data, size, true);
}

/* MMIO ranges are kept with their callbacks; beyond FAULT_BACKEND_MAX_MMIO
 * the backend refuses, as any backend may refuse a map. */
static int fb_map_mmio(void *ctx, uint64_t address, uint64_t size, ntvm_mmio_read_fn read,
                       ntvm_mmio_write_fn write, void *user)
{
	fault_backend *fb = ctx;
	if (address % PAGE || size % PAGE || size == 0 || count_in(fb, address, size) ||
	    meets_mmio(fb, address, size))
		breach(fb, "map_mmio of mapped or misaligned pages");
	if (inject(fb) || fb->mmio_count == FAULT_BACKEND_MAX_MMIO) {
		fb->failed = true;
		return 1;
	}
	fb->mmio[fb->mmio_count++] = (fault_mmio){address, size, read, write, user};
	return 0;
}

void fault_backend_init(fault_backend *fb, uint64_t fail_at)
{
	fb->iface = (ntvm_backend){fb, fb_map, fb_unmap, fb_protect, fb_read, fb_write,
	                           fb_map_mmio, NULL, fb_map_shared};
	fb->count = 0;
	fb->mmio_count = 0;
	fb->calls = 0;
	fb->fail_at = fail_at;
	fb->failed = false;
	fb->paused = false;
	fb->violation = NULL;
}

void fault_backend_fini(fault_backend *fb)
{
	for (size_t i = 0; i < fb->count; i++)
		if (!fb->pages[i].shared)
			free(fb->pages[i].bytes);
	fb->count = 0;
	fb->mmio_count = 0;
}
