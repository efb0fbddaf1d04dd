/*
 * snapshot_sections.c -- the sections block of a version-2 snapshot
 * (docs/snapshot-format.md): section objects with their pages, the handle
 * table, and the view records that tie reservations to sections.
 *
 * Sections have no identity a caller can see, so they are numbered by
 * first reference (handles in slot order, then views in base order); the
 * reader insists on that numbering, on every field being canonical and on
 * every section being referenced, so that serialize(deserialize(x)) == x.
 * The reader builds new objects into `fresh` and changes nothing else; on
 * failure the caller frees them with ntvm__sections_free(fresh).
 */
#include "section.h"
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

#define FLAG_FILE 1u
#define FLAG_FOREIGN 2u
#define FLAG_COMMITTED 4u
#define FLAG_IMAGE 8u
#define SECTION_FIXED_BYTES 37u
#define VIEW_FIXED_BYTES 29u /* a view record without its private bitmap */

bool ntvm__snap_has_sections(const ntvm *vm)
{
	return vm->sections && (vm->sections->handle_count || vm->sections->view_count);
}

/* ------------------------------------------------------------------ */
/* Writing                                                              */
/* ------------------------------------------------------------------ */
/* Number the sections by first reference into order[]; returns the count. */
static size_t number_sections(const struct ntvm__sections *t, struct ntvm__section **order)
{
	size_t n = 0;
	for (size_t i = 0; i < t->handle_count; i++)
		if (t->handles[i].section)
			t->handles[i].section->id = UINT32_MAX;
	for (size_t i = 0; i < t->view_count; i++)
		t->views[i]->section->id = UINT32_MAX;
	for (size_t i = 0; i < t->handle_count + t->view_count; i++) {
		struct ntvm__section *s = i < t->handle_count ? t->handles[i].section
		                                              : t->views[i - t->handle_count]->section;
		if (s && s->id == UINT32_MAX) {
			s->id = (uint32_t)n;
			order[n++] = s;
		}
	}
	return n;
}

static bool write_section(const struct ntvm__section *s, ntvm_buffer *out)
{
	uint8_t flags = (uint8_t)((s->file ? FLAG_FILE : 0) | (s->image_foreign ? FLAG_FOREIGN : 0) |
	                          (s->committed ? FLAG_COMMITTED : 0) | (s->image_perms ? FLAG_IMAGE : 0));
	if (!ntvm__buffer_u64(out, s->size) || !ntvm__buffer_u64(out, s->pages) ||
	    !ntvm__buffer_u32(out, s->protect) || !ntvm__buffer_u32(out, s->attributes) ||
	    !ntvm__buffer_u64(out, s->image_base) || !ntvm__buffer_append(out, &flags, 1))
		return false;
	for (uint64_t w = 0; s->committed && w < NTVM_BITMAP_WORDS(s->pages); w++)
		if (!ntvm__buffer_u64(out, s->committed[w]))
			return false;
	if (s->image_perms && !ntvm__buffer_append(out, s->image_perms, (size_t)s->pages))
		return false;
	return ntvm__buffer_append(out, s->storage, (size_t)s->pages << NTVM__PAGE_SHIFT);
}

static bool write_view(const struct ntvm__view *v, ntvm_buffer *out)
{
	uint8_t has_private = v->private_pages != NULL;
	if (!ntvm__buffer_u64(out, v->base) || !ntvm__buffer_u64(out, v->section->id) ||
	    !ntvm__buffer_u64(out, v->offset) || !ntvm__buffer_u32(out, v->protect) ||
	    !ntvm__buffer_append(out, &has_private, 1))
		return false;
	for (uint64_t w = 0; has_private && w < NTVM_BITMAP_WORDS(v->size >> NTVM__PAGE_SHIFT); w++)
		if (!ntvm__buffer_u64(out, v->private_pages[w]))
			return false;
	return true;
}

ntvm_status ntvm__snap_write_sections(const ntvm *vm, ntvm_buffer *out)
{
	const struct ntvm__sections *t = vm->sections;
	size_t refs = t->handle_count + t->view_count;
	struct ntvm__section **order = ntvm__heap.malloc((refs ? refs : 1) * sizeof *order);
	if (order == NULL)
		return NTVM_E_NO_MEMORY;
	size_t n = number_sections(t, order);
	bool ok = ntvm__buffer_u64(out, n);
	for (size_t i = 0; ok && i < n; i++)
		ok = write_section(order[i], out);
	free(order);
	ok = ok && ntvm__buffer_u64(out, t->handle_count);
	for (size_t i = 0; ok && i < t->handle_count; i++) {
		const struct ntvm__handle *h = &t->handles[i];
		ok = ntvm__buffer_u64(out, h->section ? (uint64_t)h->section->id + 1 : 0) &&
		     ntvm__buffer_u32(out, h->section ? h->access : 0);
	}
	ok = ok && ntvm__buffer_u64(out, t->view_count);
	for (size_t i = 0; ok && i < t->view_count; i++)
		ok = write_view(t->views[i], out);
	return ok ? NTVM_OK : NTVM_E_NO_MEMORY;
}

/* ------------------------------------------------------------------ */
/* Reading                                                              */
/* ------------------------------------------------------------------ */
struct sreader {
	const uint8_t *data;
	size_t size, pos;
	ntvm_snapshot_error *error;
	ntvm_status status; /* MALFORMED, or NO_MEMORY */
};

static bool bad(struct sreader *rd, size_t offset, const char *reason)
{
	if (rd->error) {
		rd->error->offset = offset;
		rd->error->reason = reason;
	}
	rd->status = NTVM_E_MALFORMED;
	return false;
}

static bool no_memory(struct sreader *rd)
{
	rd->status = NTVM_E_NO_MEMORY;
	return false;
}

static bool get(struct sreader *rd, uint64_t *v, size_t n)
{
	if (rd->size - rd->pos < n)
		return bad(rd, rd->pos, "truncated");
	*v = 0;
	for (size_t i = 0; i < n; i++)
		*v |= (uint64_t)rd->data[rd->pos + i] << (8 * i);
	rd->pos += n;
	return true;
}

static bool get_bitmap(struct sreader *rd, uint64_t bits, uint64_t **out)
{
	size_t words = NTVM_BITMAP_WORDS(bits), at = rd->pos;
	if ((rd->size - rd->pos) / 8 < words)
		return bad(rd, rd->pos, "truncated");
	if ((*out = ntvm__heap.calloc(words ? words : 1, sizeof **out)) == NULL)
		return no_memory(rd);
	for (size_t w = 0; w < words; w++)
		(void)get(rd, &(*out)[w], 8);
	if (bits % 64 && (*out)[words - 1] >> (bits % 64))
		return bad(rd, at, "bitmap bits past its end");
	return true;
}

/* The fixed fields of one section; *s gets a new section (refs 0). */
static bool read_section_head(struct sreader *rd, struct ntvm__section **out, uint8_t *flags)
{
	size_t at = rd->pos;
	uint64_t size, pages, protect, attributes, image_base, f;
	if (!get(rd, &size, 8) || !get(rd, &pages, 8) || !get(rd, &protect, 4) || !get(rd, &attributes, 4) ||
	    !get(rd, &image_base, 8) || !get(rd, &f, 1))
		return false;
	if (size == 0 || pages != ntvm__align_up(size, NTVM_PAGE_SIZE) >> NTVM__PAGE_SHIFT ||
	    pages > (rd->size - rd->pos) >> NTVM__PAGE_SHIFT)
		return bad(rd, at, "section size does not fit the data");
	if (f & ~(uint64_t)(FLAG_FILE | FLAG_FOREIGN | FLAG_COMMITTED | FLAG_IMAGE) ||
	    !(f & FLAG_IMAGE) != !(attributes & NTVM_SEC_IMAGE) || ((f & FLAG_IMAGE) && !(f & FLAG_FILE)) ||
	    ((f & FLAG_COMMITTED) && (f & FLAG_FILE)) || ((f & FLAG_FOREIGN) && !(f & FLAG_IMAGE)))
		return bad(rd, at + 36, "bad section flags");
	if ((*out = ntvm__section_new(size, pages)) == NULL)
		return no_memory(rd);
	(*out)->protect = (uint32_t)protect;
	(*out)->attributes = (uint32_t)attributes;
	(*out)->image_base = image_base;
	(*out)->file = f & FLAG_FILE;
	(*out)->image_foreign = f & FLAG_FOREIGN;
	*flags = (uint8_t)f;
	return true;
}

static bool read_section(struct sreader *rd, struct ntvm__section **out)
{
	uint8_t flags;
	if (!read_section_head(rd, out, &flags))
		return false;
	struct ntvm__section *s = *out;
	if ((flags & FLAG_COMMITTED) && !get_bitmap(rd, s->pages, &s->committed))
		return false;
	if (flags & FLAG_IMAGE) {
		size_t at = rd->pos;
		if (rd->size - rd->pos < s->pages)
			return bad(rd, rd->pos, "truncated");
		if ((s->image_perms = ntvm__heap.malloc((size_t)s->pages)) == NULL)
			return no_memory(rd);
		memcpy(s->image_perms, rd->data + rd->pos, (size_t)s->pages);
		rd->pos += (size_t)s->pages;
		for (uint64_t p = 0; p < s->pages; p++)
			if (!ntvm_perm_is_valid(s->image_perms[p]))
				return bad(rd, at + p, "bad image page protection");
	}
	size_t bytes = (size_t)s->pages << NTVM__PAGE_SHIFT;
	if (rd->size - rd->pos < bytes)
		return bad(rd, rd->pos, "truncated");
	memcpy(s->storage, rd->data + rd->pos, bytes);
	rd->pos += bytes;
	return true;
}

/* A reference to section id: sections are numbered by first reference. */
static bool reference(struct sreader *rd, size_t at, uint64_t id, uint64_t count, uint64_t *seen)
{
	if (id >= count || id > *seen)
		return bad(rd, at, "section reference out of order or range");
	if (id == *seen)
		(*seen)++;
	return true;
}

static bool read_handles(struct sreader *rd, struct ntvm__sections *t, struct ntvm__section **all,
                         uint64_t count, uint64_t *seen)
{
	uint64_t n;
	size_t at = rd->pos;
	if (!get(rd, &n, 8))
		return false;
	if (n > (rd->size - rd->pos) / 12)
		return bad(rd, at, "handle count exceeds the data");
	if (n && (t->handles = ntvm__heap.calloc((size_t)n, sizeof *t->handles)) == NULL)
		return no_memory(rd);
	t->handle_capacity = t->handle_count = (size_t)n;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t id, access;
		at = rd->pos;
		if (!get(rd, &id, 8) || !get(rd, &access, 4))
			return false;
		if ((id == 0 && (access || i == n - 1)) || (access & ~(uint64_t)NTVM_SECTION_ALL_ACCESS))
			return bad(rd, at, "bad handle entry");
		if (id && !reference(rd, at, id - 1, count, seen))
			return false;
		if (id) {
			t->handles[i] = (struct ntvm__handle){ all[id - 1], (uint32_t)access };
			all[id - 1]->refs++;
		}
	}
	return true;
}

/* The reservation a view record names must be a view of the same size. */
static bool view_fits(struct sreader *rd, size_t at, const ntvm *fresh, struct ntvm__view *v)
{
	struct ntvm__res *r = ntvm__index_containing(fresh->root, v->base);
	const struct ntvm__section *s = v->section;
	bool image = s->image_perms != NULL;
	if (r == NULL || r->base != v->base ||
	    r->kind != (image ? NTVM_KIND_SECTION_IMAGE : NTVM_KIND_SECTION_VIEW))
		return bad(rd, at, "view record without its view region");
	v->size = r->size;
	if (!ntvm__is_page_aligned(v->offset) || v->offset > s->pages << NTVM__PAGE_SHIFT ||
	    v->size > (s->pages << NTVM__PAGE_SHIFT) - v->offset || (image && v->offset))
		return bad(rd, at + 16, "view outside its section");
	return true;
}

static bool read_view(struct sreader *rd, ntvm *fresh, struct ntvm__section **all, uint64_t count,
                      uint64_t *seen, uint64_t prev_base, struct ntvm__view *v)
{
	size_t at = rd->pos;
	uint64_t id, protect, has_private;
	if (!get(rd, &v->base, 8) || !get(rd, &id, 8) || !get(rd, &v->offset, 8) || !get(rd, &protect, 4) ||
	    !get(rd, &has_private, 1))
		return false;
	if (v->base <= prev_base && prev_base)
		return bad(rd, at, "views out of order");
	if (!reference(rd, at + 8, id, count, seen))
		return false;
	v->section = all[id];
	v->protect = (uint32_t)protect;
	if (!view_fits(rd, at, fresh, v))
		return false;
	if (has_private > 1)
		return bad(rd, at + 36, "bad private flag");
	if (has_private && !get_bitmap(rd, v->size >> NTVM__PAGE_SHIFT, &v->private_pages))
		return false;
	return true;
}

static bool read_views(struct sreader *rd, ntvm *fresh, struct ntvm__section **all, uint64_t count,
                       uint64_t *seen)
{
	struct ntvm__sections *t = fresh->sections;
	uint64_t n, prev = 0;
	size_t at = rd->pos;
	if (!get(rd, &n, 8))
		return false;
	if (n > (rd->size - rd->pos) / VIEW_FIXED_BYTES)
		return bad(rd, at, "view count exceeds the data");
	if (n && (t->views = ntvm__heap.calloc((size_t)n, sizeof *t->views)) == NULL)
		return no_memory(rd);
	t->view_capacity = (size_t)n;
	for (uint64_t i = 0; i < n; i++) {
		struct ntvm__view *v = ntvm__heap.calloc(1, sizeof *v);
		if (v == NULL)
			return no_memory(rd);
		if (!read_view(rd, fresh, all, count, seen, prev, v)) {
			free(v->private_pages);
			free(v);
			return false;
		}
		v->section->refs++;
		t->views[t->view_count++] = v;
		prev = v->base;
	}
	return true;
}

/* Sections are read into all[] first; a section nothing refers to is not
 * canonical (it could not exist). */
ntvm_status ntvm__snap_read_sections(const uint8_t *data, size_t size, size_t *pos, ntvm *fresh,
                                     ntvm_snapshot_error *error)
{
	struct sreader rd = { data, size, *pos, error, NTVM_E_MALFORMED };
	uint64_t count, seen = 0;
	size_t at = rd.pos;
	if (!get(&rd, &count, 8))
		return rd.status;
	if (count == 0 || count > (rd.size - rd.pos) / SECTION_FIXED_BYTES) {
		bad(&rd, at, count ? "section count exceeds the data" : "no sections in a version-2 snapshot");
		return rd.status;
	}
	struct ntvm__section **all = ntvm__heap.calloc((size_t)count, sizeof *all);
	if (all == NULL || (fresh->sections = ntvm__heap.calloc(1, sizeof *fresh->sections)) == NULL) {
		free(all);
		return NTVM_E_NO_MEMORY;
	}
	uint64_t k = 0;
	bool ok = true;
	for (; ok && k < count; k++)
		ok = read_section(&rd, &all[k]);
	ok = ok && read_handles(&rd, fresh->sections, all, count, &seen);
	ok = ok && read_views(&rd, fresh, all, count, &seen);
	if (ok && seen != count)
		ok = bad(&rd, rd.pos, "section not referenced");
	for (uint64_t i = 0; i < count && all[i]; i++) {
		/* drop the reading reference: sections nobody holds go away */
		all[i]->refs++;
		ntvm__section_unref(all[i]);
	}
	free(all);
	*pos = rd.pos;
	return ok ? NTVM_OK : rd.status;
}

/* Contents of committed pages of section views that are not private must
 * be their section's bytes (they are the same memory). */
bool ntvm__snap_check_view_contents(const ntvm *fresh, const uint8_t *contents, size_t base_offset,
                                    ntvm_snapshot_error *error)
{
	struct ntvm__iter it;
	struct ntvm__res *r;
	size_t off = 0;
	NTVM__FOR_EACH(it, r, fresh->root) {
		if (r->kind == NTVM_KIND_MMIO)
			continue;
		const struct ntvm__view *v = r->kind != NTVM_KIND_PRIVATE ? ntvm__view_at(fresh, r->base) : NULL;
		for (uint64_t p = 0; p < ntvm__res_pages(r); p++) {
			if (!ntvm__res_page_committed(r, p))
				continue;
			if (v && !ntvm__view_page_private(v, p) &&
			    memcmp(contents + off, ntvm__view_host(v, p), NTVM_PAGE_SIZE) != 0) {
				if (error) {
					error->offset = base_offset + off;
					error->reason = "view page differs from its section";
				}
				return false;
			}
			off += NTVM_PAGE_SIZE;
		}
	}
	return true;
}
