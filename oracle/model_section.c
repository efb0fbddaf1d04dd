/*
 * model_section.c -- section objects in the model: a flat array of sections,
 * each with its handle, protection, size, and a flat list of written pages
 * keyed by offset (pages never written read as zeros).  NtCreateSection,
 * NtExtendSection and NtClose are here; views are in model_view.c, the PE
 * reader in model_pe.c.  Every answer that depends on the profile comes
 * from model_rules.c; the rules themselves are docs/nt-semantics.md "Sections".
 */
#include "model.h"
#include "model_rules.h"

#include <stdlib.h>
#include <string.h>

#define SEC_KIND (NTVM_SEC_IMAGE | NTVM_SEC_RESERVE | NTVM_SEC_COMMIT)

static void section_free(model_section *s)
{
	for (size_t i = 0; i < s->page_count; i++)
		free(s->pages[i]);
	free(s->pages);
	free(s->spans);
	free(s->committed);
	free(s);
}

void model_sections_fini(model *m)
{
	for (size_t i = 0; i < m->section_count; i++)
		section_free(m->sections[i]);
	free(m->sections);
	m->sections = NULL;
	m->section_count = m->section_cap = 0;
}

static model_section *section_copy(const model_section *s)
{
	model_section *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	*c = *s;
	c->pages = calloc(s->page_cap ? s->page_cap : 1, sizeof *c->pages);
	c->spans = calloc(s->span_count ? s->span_count : 1, sizeof *c->spans);
	c->committed = calloc(s->committed_count ? s->committed_count : 1, sizeof *c->committed);
	c->page_count = 0;
	if (!c->pages || !c->spans || !c->committed) {
		section_free(c);
		return NULL;
	}
	if (s->span_count)
		memcpy(c->spans, s->spans, s->span_count * sizeof *c->spans);
	if (s->committed_count)
		memcpy(c->committed, s->committed, s->committed_count * sizeof *c->committed);
	for (size_t i = 0; i < s->page_count; i++) {
		if (!(c->pages[i] = malloc(sizeof *c->pages[i]))) {
			section_free(c);
			return NULL;
		}
		*c->pages[i] = *s->pages[i];
		c->page_count++;
	}
	return c;
}

bool model_sections_clone(const model *m, model *out)
{
	out->sections = calloc(m->section_cap ? m->section_cap : 1, sizeof *out->sections);
	out->section_count = 0;
	out->section_cap = m->section_cap;
	if (!out->sections)
		return false;
	for (size_t i = 0; i < m->section_count; i++) {
		if (!(out->sections[i] = section_copy(m->sections[i])))
			return false;
		out->section_count++;
	}
	return true;
}

model_section *model_section_by_handle(const model *m, ntvm_handle handle)
{
	for (size_t i = 0; handle && i < m->section_count; i++)
		if (m->sections[i]->handle == handle)
			return m->sections[i];
	return NULL;
}

ntvm_ntstatus model_section_bad_handle(ntvm_handle handle)
{
	return handle >= (ntvm_handle)-2 ? NTVM_STATUS_OBJECT_TYPE_MISMATCH : NTVM_STATUS_INVALID_HANDLE;
}

model_section *model_section_by_id(const model *m, uint64_t id)
{
	for (size_t i = 0; i < m->section_count; i++)
		if (m->sections[i]->id == id)
			return m->sections[i];
	return NULL;
}

model_page *model_section_page(model_section *s, uint64_t offset, bool create)
{
	for (size_t i = 0; i < s->page_count; i++)
		if (s->pages[i]->address == offset)
			return s->pages[i];
	if (!create)
		return NULL;
	if (s->page_count == s->page_cap) {
		size_t cap = s->page_cap ? s->page_cap * 2 : 8;
		model_page **grown = realloc(s->pages, cap * sizeof *grown);
		if (!grown)
			return NULL;
		s->pages = grown;
		s->page_cap = cap;
	}
	model_page *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->address = offset;
	s->pages[s->page_count++] = p;
	return p;
}

static void section_remove(model *m, model_section *s)
{
	size_t n = 0;
	for (size_t i = 0; i < m->section_count; i++)
		if (m->sections[i] != s)
			m->sections[n++] = m->sections[i];
	m->section_count = n;
	section_free(s);
}

void model_section_unref(model *m, uint64_t id)
{
	model_section *s = model_section_by_id(m, id);
	if (s && s->views)
		s->views--;
	if (s && !s->views && !s->handle)
		section_remove(m, s);
}

bool model_section_committed(const model_section *s, uint64_t offset)
{
	if (!(s->attributes & NTVM_SEC_RESERVE) || s->file || s->image)
		return true;
	for (size_t i = 0; i < s->committed_count; i++)
		if (offset >= s->committed[i].lo && offset < s->committed[i].hi)
			return true;
	return false;
}

/* The committed set is a plain list of page ranges; overlaps are harmless. */
bool model_section_commit(model_section *s, uint64_t lo, uint64_t hi)
{
	model_span *grown = realloc(s->committed, (s->committed_count + 1) * sizeof *grown);
	if (!grown)
		return false;
	s->committed = grown;
	s->committed[s->committed_count++] = (model_span){lo, hi, NTVM_PERM_NONE};
	return true;
}

/* The lowest multiple of 4 no live section uses (handles are reused, as a
 * process's handle table does). */
static ntvm_handle free_handle(const model *m)
{
	ntvm_handle h = 4;
	while (model_section_by_handle(m, h))
		h += 4;
	return h;
}

/* Copy bytes into the section's pages from offset on. */
static bool fill(model_section *s, uint64_t offset, const uint8_t *bytes, uint64_t size)
{
	for (uint64_t done = 0; done < size;) {
		uint64_t at = offset + done, in_page = MODEL_PAGE - at % MODEL_PAGE;
		uint64_t n = size - done < in_page ? size - done : in_page;
		model_page *p = model_section_page(s, at - at % MODEL_PAGE, true);
		if (!p)
			return false;
		memcpy(&p->bytes[at % MODEL_PAGE], bytes + done, n);
		done += n;
	}
	return true;
}

static ntvm_ntstatus make_image(model_section *s, const uint8_t *file, size_t file_size)
{
	model_image *img = malloc(sizeof *img);
	ntvm_ntstatus st;
	if (!img)
		return NTVM_STATUS_NO_MEMORY;
	if ((st = model_pe_read(file, file_size, img)) != NTVM_STATUS_SUCCESS) {
		free(img);
		return st;
	}
	s->image = true;
	s->image_base = img->image_base;
	s->machine = img->machine;
	s->size = img->size;
	s->spans = malloc(img->span_count * sizeof *s->spans);
	s->span_count = s->spans ? img->span_count : 0;
	st = s->spans ? NTVM_STATUS_SUCCESS : NTVM_STATUS_NO_MEMORY;
	if (s->spans)
		memcpy(s->spans, img->spans, img->span_count * sizeof *s->spans);
	for (size_t i = 0; st == NTVM_STATUS_SUCCESS && i < img->copy_count; i++)
		if (!fill(s, img->copies[i].va, file + img->copies[i].file_offset, img->copies[i].size))
			st = NTVM_STATUS_NO_MEMORY;
	free(img);
	return st;
}

/* Generic rights become section rights at creation (docs/nt-semantics.md,
 * Handles); the handle keeps only section rights. */
static uint32_t map_generic(uint32_t access)
{
	if (access & (0x10000000u | 0x02000000u)) /* GENERIC_ALL, MAXIMUM_ALLOWED */
		return NTVM_SECTION_ALL_ACCESS;
	if (access & 0x80000000u)
		access |= NTVM_SECTION_MAP_READ | NTVM_SECTION_QUERY;
	if (access & 0x40000000u)
		access |= NTVM_SECTION_MAP_WRITE;
	if (access & 0x20000000u)
		access |= NTVM_SECTION_MAP_EXECUTE;
	return access & NTVM_SECTION_ALL_ACCESS;
}

/* ntvm backs a section with host memory and caps its size (nt-semantics.md). */
#define SECTION_MAX 0x40000000ull

#define SEC_BASED 0x00200000u
#define SEC_NO_CHANGE 0x00400000u
/* WRK NtCreateSection's list: SEC_FILE and SEC_WRITECOMBINE are not in it. */
#define SEC_ACCEPTED                                                                       \
	(NTVM_SEC_COMMIT | NTVM_SEC_RESERVE | NTVM_SEC_IMAGE | NTVM_SEC_NOCACHE |                \
	 NTVM_SEC_LARGE_PAGES | SEC_BASED | SEC_NO_CHANGE)
#define STATUS_MAPPED_FILE_SIZE_ZERO 0xC000011Eu

/* Attributes and protection, in ReactOS NtCreateSection's order; Wine 8.0
 * drops unknown attribute bits and keeps a protection's base value (rows
 * SECTION_CREATE_UNKNOWN_BITS, _BAD_TYPE, _PROTECTION: both updated). */
static ntvm_ntstatus check_flags(const model_nt_rules *rl, uint32_t *protect, uint32_t *attributes)
{
	uint32_t not_with_image =
		NTVM_SEC_COMMIT | NTVM_SEC_RESERVE | NTVM_SEC_LARGE_PAGES | NTVM_SEC_NOCACHE | SEC_NO_CHANGE;
	uint32_t base = *protect & 0xFFu;
	if ((*attributes & ~SEC_ACCEPTED) && !rl->section_drops_unknown_bits)
		return NTVM_STATUS_INVALID_PARAMETER_6;
	*attributes &= SEC_ACCEPTED;
	uint32_t a = *attributes, kind = a & SEC_KIND;
	if (kind == 0 || ((a & NTVM_SEC_IMAGE) && (a & not_with_image)) ||
	    (kind & NTVM_SEC_COMMIT && kind & NTVM_SEC_RESERVE))
		return rl->section_bad_type;
	if ((*protect & ~0x7FFu) || base == 0 || (base & (base - 1)))
		return NTVM_STATUS_INVALID_PAGE_PROTECTION;
	if ((*protect & ~0xFFu) || base == NTVM_PAGE_NOACCESS) {
		if (!rl->section_keeps_base_protection)
			return NTVM_STATUS_INVALID_PAGE_PROTECTION;
		*protect = base;
	}
	if (a & (NTVM_SEC_LARGE_PAGES | SEC_BASED | SEC_NO_CHANGE))
		return NTVM_STATUS_NOT_SUPPORTED;
	return NTVM_STATUS_SUCCESS;
}

/* The section's size; a page-file section's is as given (views round). */
static ntvm_ntstatus check_size(const model_nt_rules *rl, const uint64_t *maximum_size,
                                uint32_t protect,
                                uint32_t attributes, const void *file, size_t file_size,
                                uint64_t *size)
{
	uint64_t max = maximum_size ? *maximum_size : 0;
	if (attributes & NTVM_SEC_IMAGE)
		return file ? NTVM_STATUS_SUCCESS : NTVM_STATUS_INVALID_FILE_FOR_SECTION;
	if (!file) {
		if (max == 0)
			return rl->section_zero_size;
		if (max > SECTION_MAX)
			return NTVM_STATUS_SECTION_TOO_BIG;
		*size = max;
		return NTVM_STATUS_SUCCESS;
	}
	if (file_size == 0)
		return STATUS_MAPPED_FILE_SIZE_ZERO;
	*size = max ? max : file_size;
	if (*size > file_size && protect != NTVM_PAGE_READWRITE &&
	    protect != NTVM_PAGE_EXECUTE_READWRITE)
		return NTVM_STATUS_SECTION_TOO_BIG;
	if (*size > SECTION_MAX)
		return NTVM_STATUS_SECTION_TOO_BIG;
	return NTVM_STATUS_SUCCESS;
}

static bool add_section(model *m, model_section *s)
{
	if (m->section_count == m->section_cap) {
		size_t cap = m->section_cap ? m->section_cap * 2 : 8;
		model_section **grown = realloc(m->sections, cap * sizeof *grown);
		if (!grown)
			return false;
		m->sections = grown;
		m->section_cap = cap;
	}
	m->sections[m->section_count++] = s;
	return true;
}

ntvm_ntstatus model_nt_create_section(model *m, ntvm_handle *section, uint32_t desired_access,
                                      const uint64_t *maximum_size, uint32_t page_protection,
                                      uint32_t allocation_attributes, const void *file_bytes,
                                      size_t file_size)
{
	uint64_t size = 0;
	const model_nt_rules *rl = model_nt_rules_for(m->behaviour);
	ntvm_ntstatus st = check_flags(rl, &page_protection, &allocation_attributes);
	if (st == NTVM_STATUS_SUCCESS)
		st = check_size(rl, maximum_size, page_protection, allocation_attributes, file_bytes,
		                file_size, &size);
	if (st != NTVM_STATUS_SUCCESS)
		return st;
	model_section *s = calloc(1, sizeof *s);
	if (!s)
		return NTVM_STATUS_NO_MEMORY;
	s->access = map_generic(desired_access);
	s->attributes = allocation_attributes;
	s->protect = page_protection | (allocation_attributes & NTVM_SEC_NOCACHE ? NTVM_PAGE_NOCACHE : 0);
	s->size = size;
	s->file = file_bytes && !(allocation_attributes & NTVM_SEC_IMAGE);
	if (allocation_attributes & NTVM_SEC_IMAGE)
		st = make_image(s, file_bytes, file_size);
	else if (s->file && !fill(s, 0, file_bytes, file_size < size ? file_size : size))
		st = NTVM_STATUS_NO_MEMORY;
	if (st == NTVM_STATUS_SUCCESS && !add_section(m, s))
		st = NTVM_STATUS_NO_MEMORY;
	if (st != NTVM_STATUS_SUCCESS) {
		section_free(s);
		return st;
	}
	s->id = ++m->next_section_id;
	s->handle = free_handle(m);
	*section = s->handle;
	return NTVM_STATUS_SUCCESS;
}

/* Page-file sections grow; a smaller size leaves them alone (WRK). */
ntvm_ntstatus model_nt_extend_section(model *m, ntvm_handle section, uint64_t *new_size)
{
	model_section *s = model_section_by_handle(m, section);
	if (!s)
		return model_section_bad_handle(section);
	if (!(s->access & NTVM_SECTION_EXTEND_SIZE))
		return NTVM_STATUS_ACCESS_DENIED;
	if (s->image || s->file)
		return NTVM_STATUS_INVALID_PARAMETER;
	if (*new_size > s->size) {
		if (*new_size > SECTION_MAX)
			return NTVM_STATUS_SECTION_TOO_BIG;
		if (s->views) /* ntvm: views point into the section's host memory */
			return NTVM_STATUS_NOT_SUPPORTED;
		s->size = *new_size;
	}
	*new_size = s->size;
	return NTVM_STATUS_SUCCESS;
}

ntvm_ntstatus model_nt_close(model *m, ntvm_handle handle)
{
	model_section *s = model_section_by_handle(m, handle);
	if (!s)
		return NTVM_STATUS_INVALID_HANDLE;
	s->handle = 0;
	if (!s->views)
		section_remove(m, s);
	return NTVM_STATUS_SUCCESS;
}
