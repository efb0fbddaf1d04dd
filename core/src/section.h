/*
 * section.h -- section objects, their handles and their views, shared by
 * the core files that keep them (section.c, view.c, view_cow.c, the
 * snapshot code) and the NT section calls (nt_section_*.c).
 *
 * A section owns its pages as one block of host memory (page aligned,
 * zeroed lazily by the host allocator), so that every view of it can be
 * backed by the same bytes through backend->map_shared.  A view is a
 * reservation of kind SECTION_VIEW or SECTION_IMAGE plus a record here
 * (base, section, offset); reservations of those kinds made directly
 * through ntvm_allocate_at have no record and keep private pages.  A page
 * of a view that a copy-on-write made private is marked in the view's
 * private bitmap; its bytes live in the backend like any private page.
 */
#ifndef NTVM_SECTION_H
#define NTVM_SECTION_H

#include <ntvm/nt.h>

#include "manager.h"

struct ntvm__section {
	uint64_t size;            /* SizeOfSection in bytes */
	uint64_t pages;           /* pages of storage: size rounded up */
	uint8_t *storage;         /* pages * 4 KiB, page aligned (NULL when pages == 0) */
	void *block;              /* the allocation storage points into */
	uint64_t *committed;      /* SEC_RESERVE: one bit per page; NULL: all committed */
	uint8_t *image_perms;     /* SEC_IMAGE: one ntvm_perm per page; NULL otherwise */
	uint64_t image_base;      /* SEC_IMAGE: the PE's ImageBase */
	uint32_t protect;         /* PAGE_* of the section (SEC_NOCACHE adds PAGE_NOCACHE) */
	uint32_t attributes;      /* SEC_* */
	uint32_t refs;            /* handles + views */
	uint32_t id;              /* index while a snapshot is written or read */
	bool image_foreign;       /* SEC_IMAGE: a PE32 (i386) image */
	bool file;                /* a data-file section */
};

struct ntvm__view {
	uint64_t base, size;      /* the reservation */
	uint64_t offset;          /* bytes into the section */
	struct ntvm__section *section;
	uint64_t *private_pages;  /* pages made private by a copy-on-write; NULL: none */
	uint32_t protect;         /* PAGE_* the view was mapped with */
};

struct ntvm__handle {
	struct ntvm__section *section; /* NULL: free slot */
	uint32_t access;               /* SECTION_* rights granted */
};

struct ntvm__sections {
	struct ntvm__handle *handles;  /* handle value = 4 * (index + 1) */
	size_t handle_count;           /* slots in use or free, up to the last used one */
	size_t handle_capacity;
	struct ntvm__view **views;     /* sorted by base */
	size_t view_count, view_capacity;
};

/* section.c: objects, storage, handles */
/* A new section with refs 0 and zeroed storage of `pages` pages. */
struct ntvm__section *ntvm__section_new(uint64_t size, uint64_t pages);
void ntvm__section_unref(struct ntvm__section *s);
/* Grow storage to `pages` pages (new pages zero, reserved if s->committed). */
bool ntvm__section_grow(struct ntvm__section *s, uint64_t size, uint64_t pages);
bool ntvm__section_page_committed(const struct ntvm__section *s, uint64_t page);
/* vm->sections, created on first use; NULL when out of memory. */
struct ntvm__sections *ntvm__sections_get(ntvm *vm);
/* Give s a handle with access (s->refs + 1); 0 when out of memory. */
ntvm_handle ntvm__handle_add(ntvm *vm, struct ntvm__section *s, uint32_t access);
/* The slot of a handle in use, or NULL. */
struct ntvm__handle *ntvm__handle_get(const ntvm *vm, ntvm_handle h);
/* Close a handle in use (drops its section reference). */
void ntvm__handle_close(ntvm *vm, ntvm_handle h);
/* Free every handle, view record and section (ntvm_destroy). */
void ntvm__sections_free(ntvm *vm);
uint64_t ntvm__section_count(const ntvm *vm); /* live section objects (tests, fuzz harness) */

/* view.c: view records and their pages */
/* The view record of the reservation with base `base`, or NULL. */
struct ntvm__view *ntvm__view_at(const ntvm *vm, uint64_t base);
/* The view record whose reservation contains address, or NULL. */
struct ntvm__view *ntvm__view_containing(const ntvm *vm, uint64_t address);
/* The host bytes behind page `page` of view v (shared storage). */
uint8_t *ntvm__view_host(const struct ntvm__view *v, uint64_t page);
bool ntvm__view_page_private(const struct ntvm__view *v, uint64_t page);

/* What a new view looks like: per page, committed or not and its protection. */
struct ntvm__view_spec {
	uint64_t base, size, offset;
	ntvm_kind kind;
	ntvm_perm initial;           /* AllocationProtect */
	uint32_t protect;            /* PAGE_* of the map call */
	const uint8_t *page_perms;   /* NULL: every committed page gets `initial` */
};
/* Create the reservation and its record, map the committed pages shared.
 * Nothing changes on failure (NTVM_E_NO_MEMORY, NTVM_E_BACKEND, range errors). */
ntvm_status ntvm__view_map(ntvm *vm, struct ntvm__section *s, const struct ntvm__view_spec *spec);
/* Unmap the view whose reservation has base `base` (cannot fail). */
void ntvm__view_unmap(ntvm *vm, struct ntvm__view *v);
/* Called when the reservation at base is released whole (drops its record). */
void ntvm__view_released(ntvm *vm, uint64_t base);
/* Map [addr, addr+len) of reservation r: shared when r is a section view. */
int ntvm__map_pages(ntvm *vm, const struct ntvm__res *r, uint64_t addr, uint64_t len,
                    ntvm_perm effective);
/* Commit section pages [first, first+count) of v's section through view v
 * with perm, and in every other view of the section with that view's
 * initial protection; one layout bump.  Nothing changes on failure. */
ntvm_status ntvm__section_commit(ntvm *vm, struct ntvm__view *v, uint64_t first, uint64_t count,
                                 ntvm_perm perm, bool other_views);
/* A reservation's page state as it was, to put back after a failure. */
struct ntvm__saved_res {
	struct ntvm__res *r;
	struct ntvm__res node;  /* the fields as they were */
	uint64_t *bits;         /* copies of the page state (the caller frees them) */
	uint8_t *perms;
	uint64_t first, count;  /* r's pages whose commits a restore unmaps */
	bool touched;
};
/* Copy sv->r's page state; false when out of memory. */
bool ntvm__res_save(struct ntvm__saved_res *sv);
/* Put the saved page state back (pages committed since in [first,
 * first + count) are unmapped); the copies become r's again. */
void ntvm__res_restore(ntvm *vm, struct ntvm__saved_res *sv);

/* view_cow.c: a write of len bytes of data (within one page) to a
 * WRITECOPY page of a view: the page becomes the view's own with the bytes
 * written, in one step that changes nothing if it fails.  Other pages (not
 * WRITECOPY, not a section view's) are left to the caller: *done false.
 * A write over several pages logs its copies in `undo` (zeroed before the
 * first page), so that a later page's failure can take them all back. */
struct ntvm__cow_undo {
	struct ntvm__cow_entry *entries;
	size_t count, capacity;
	uint64_t version;       /* the layout version and stats before the write */
	ntvm_stats stats;
};
ntvm_status ntvm__view_copy_on_write(ntvm *vm, uint64_t address, const void *data, size_t len,
                                     bool *done, struct ntvm__cow_undo *undo);
/* Take back every copy logged in undo (the pages are shared and WRITECOPY
 * again; cannot fail), or keep them; both free the log. */
void ntvm__cow_undo(ntvm *vm, struct ntvm__cow_undo *undo);
void ntvm__cow_keep(struct ntvm__cow_undo *undo);

#endif
