/*
 * invariants_sections.c -- the invariant checker's part for section
 * objects, handles and views (core/src/section.h): what must hold between
 * the view records, the reservations they describe, the sections they
 * share and, with the embedded backend, the host pages behind them.
 * Called by ntvm_check_invariants_mem (invariants.c).
 */
#include "invariants_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "section.h"

typedef struct sec_check {
	const ntvm *vm;
	void *mem;
	char *why;
	size_t why_len;
} sec_check;

static bool fail(sec_check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(sec_check *c, const char *fmt, ...)
{
	if (c->why && c->why_len) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->why, c->why_len, fmt, ap);
		va_end(ap);
	}
	return false;
}

#define REQUIRE(c, cond, ...) \
	do { if (!(cond)) return fail((c), __VA_ARGS__); } while (0)

/* References to s: its open handles and its views. */
static uint32_t references(const struct ntvm__sections *t, const struct ntvm__section *s)
{
	uint32_t n = 0;
	for (size_t i = 0; i < t->handle_count; i++)
		n += t->handles[i].section == s;
	for (size_t i = 0; i < t->view_count; i++)
		n += t->views[i]->section == s;
	return n;
}

static bool check_section(sec_check *c, const struct ntvm__sections *t, const struct ntvm__section *s)
{
	REQUIRE(c, s->refs == references(t, s), "section %p: refs %" PRIu32 " != %" PRIu32 " handles + views",
	        (const void *)s, s->refs, references(t, s));
	REQUIRE(c, s->pages >= (s->size + NTVM_PAGE_SIZE - 1) / NTVM_PAGE_SIZE && (s->pages == 0) == (s->storage == NULL),
	        "section %p: %" PRIu64 " pages of storage for 0x%" PRIx64 " bytes", (const void *)s, s->pages, s->size);
	REQUIRE(c, !s->image_perms || (!s->committed && s->file), "section %p: an image with a commit bitmap",
	        (const void *)s);
	REQUIRE(c, ((uintptr_t)s->storage & (NTVM_PAGE_SIZE - 1)) == 0, "section %p: storage not page aligned",
	        (const void *)s);
	return true;
}

/* The page state of view v's reservation against its section and, with the
 * embedded backend, the host page behind each committed page. */
static bool check_view_pages(sec_check *c, const struct ntvm__view *v, const struct ntvm__res *r)
{
	const struct ntvm__section *s = v->section;
	uint64_t pages = v->size >> NTVM__PAGE_SHIFT, first = v->offset >> NTVM__PAGE_SHIFT;
	bool every_view = c->vm->config.behaviour == NTVM_BEHAVIOUR_WINDOWS;
	for (uint64_t i = 0; i < pages; i++) {
		bool committed = ntvm__res_page_committed(r, i), mine = ntvm__view_page_private(v, i);
		bool in_section = ntvm__section_page_committed(s, first + i);
		REQUIRE(c, !committed || in_section || mine, "view 0x%" PRIx64 ": page %" PRIu64
		        " committed in the view, not in its section", v->base, i);
		REQUIRE(c, committed || !in_section || !every_view, "view 0x%" PRIx64 ": page %" PRIu64
		        " committed in its section, reserved in the view", v->base, i);
		REQUIRE(c, !mine || committed, "view 0x%" PRIx64 ": private page %" PRIu64 " not committed",
		        v->base, i);
		if (c->mem == NULL || !committed)
			continue;
		bool borrowed = false;
		const uint8_t *buffer = ntvm__backend_mem_page_buffer(c->mem, v->base + (i << NTVM__PAGE_SHIFT), &borrowed);
		REQUIRE(c, mine ? !borrowed : borrowed && buffer == ntvm__view_host(v, i),
		        "view 0x%" PRIx64 ": page %" PRIu64 " is backed by %s", v->base, i,
		        mine ? "the section's page, not its own copy" : "the wrong host page");
	}
	return true;
}

static bool check_view(sec_check *c, const struct ntvm__view *v, const struct ntvm__view *prev)
{
	const struct ntvm__res *r = ntvm__index_containing(c->vm->root, v->base);
	const struct ntvm__section *s = v->section;
	REQUIRE(c, s != NULL, "view 0x%" PRIx64 " without a section", v->base);
	REQUIRE(c, !prev || prev->base + prev->size <= v->base, "view records 0x%" PRIx64 " and 0x%" PRIx64
	        " out of order or overlapping", prev ? prev->base : 0, v->base);
	REQUIRE(c, r && r->base == v->base && r->size == v->size, "view 0x%" PRIx64 "+0x%" PRIx64
	        " is not a reservation", v->base, v->size);
	REQUIRE(c, r->kind == (s->image_perms ? NTVM_KIND_SECTION_IMAGE : NTVM_KIND_SECTION_VIEW),
	        "view 0x%" PRIx64 ": kind %u does not fit its section", v->base, r->kind);
	REQUIRE(c, v->offset % NTVM_PAGE_SIZE == 0 && v->size % NTVM_PAGE_SIZE == 0 &&
	        v->offset <= s->pages << NTVM__PAGE_SHIFT && v->size <= (s->pages << NTVM__PAGE_SHIFT) - v->offset,
	        "view 0x%" PRIx64 ": offset 0x%" PRIx64 " size 0x%" PRIx64 " outside its section's 0x%" PRIx64
	        " bytes", v->base, v->offset, v->size, s->pages << NTVM__PAGE_SHIFT);
	return check_view_pages(c, v, r);
}

bool ntvm__inv_check_sections(const ntvm *vm, void *mem, char *why, size_t why_len)
{
	sec_check c = {vm, mem, why, why_len};
	const struct ntvm__sections *t = vm->sections;
	if (t == NULL)
		return true;
	REQUIRE(&c, t->handle_count <= t->handle_capacity && t->view_count <= t->view_capacity,
	        "section tables: counts beyond capacity");
	for (size_t i = 0; i < t->handle_count; i++)
		if (t->handles[i].section && !check_section(&c, t, t->handles[i].section))
			return false;
	for (size_t i = 0; i < t->view_count; i++) {
		if (!check_view(&c, t->views[i], i ? t->views[i - 1] : NULL) ||
		    !check_section(&c, t, t->views[i]->section))
			return false;
	}
	/* every view-kind reservation with a record is listed: count both ways */
	size_t recorded = 0;
	for (size_t i = 0; i < t->view_count; i++)
		recorded += ntvm__view_at(vm, t->views[i]->base) == t->views[i];
	REQUIRE(&c, recorded == t->view_count, "a view record cannot be found by its base");
	return true;
}
