/*
 * model.h -- the oracle: a second, deliberately simple implementation of the
 * ntvm semantics (the manager API of <ntvm/ntvm.h> and the NT layer of
 * <ntvm/nt.h>), against which the fuzzers compare the real core.
 *
 * It is written for obviousness, not speed: reservations live in a sorted
 * array, each holding a sorted list of page runs (a per-page table with equal
 * neighbours merged, so that a 2^40-byte reservation still costs one run),
 * page contents in a flat list of 4 KiB pages, and every lookup is a linear
 * scan.  It shares nothing with core/ but the public headers' constants and
 * types.  Where the headers and specs leave a choice open, the model's choice
 * is written in one place, model_rules.c, so a human can see and decide.
 */
#ifndef NTVM_ORACLE_MODEL_H
#define NTVM_ORACLE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ntvm/nt.h>
#include <ntvm/ntdefs.h>
#include <ntvm/ntvm.h>

#define MODEL_PAGE 0x1000ull
#define MODEL_GRANULE 0x10000ull

/* A run of pages of one reservation that share state and permission. */
typedef struct model_run {
	uint64_t start, end; /* [start, end), page aligned */
	bool committed;
	ntvm_perm perm; /* NONE unless committed */
	ntvm_perm last; /* the protection the pages last had: perm when committed, kept
	                   through a decommit, the initial one if never committed */
} model_run;

typedef struct model_resv {
	uint64_t base, length;
	ntvm_perm initial_perm;
	ntvm_kind kind;
	model_run *runs; /* sorted, covering [base, base+length), neighbours differ */
	size_t run_count, run_cap;
	uint64_t section; /* an NT view: the id of the section it maps (0: none) */
	uint64_t offset;  /* an NT view: where in the section it starts */
	uint8_t mmio_unbound; /* MMIO: MODEL_MMIO_NO_READ / NO_WRITE callback (0: both bound) */
} model_resv;

#define MODEL_MMIO_NO_READ 1u
#define MODEL_MMIO_NO_WRITE 2u

typedef struct model_page {
	uint64_t address;
	uint8_t bytes[MODEL_PAGE];
} model_page;

/* A run of a section's pages (by offset) with one protection: an image's
 * headers, sections and gaps; a SEC_RESERVE section's committed pages. */
typedef struct model_span {
	uint64_t lo, hi; /* [lo, hi), page aligned offsets */
	ntvm_perm perm;
} model_span;

/* A section object (model_section.c): named by a handle until NtClose,
 * alive while the handle is open or a view maps it. */
typedef struct model_section {
	uint64_t id;            /* never reused, what views refer to */
	ntvm_handle handle;     /* 0 once closed */
	uint32_t access;        /* the handle's desired access */
	uint32_t attributes;    /* SEC_* */
	uint32_t protect;       /* the PAGE_* value it was created with */
	uint64_t size;          /* in bytes, as created (or extended) */
	size_t views;
	bool image;
	uint64_t image_base;    /* SEC_IMAGE: the PE's ImageBase */
	uint16_t machine;       /* SEC_IMAGE: its machine (I386 maps with MACHINE_TYPE_MISMATCH) */
	model_span *spans;      /* SEC_IMAGE: page protections by offset, covering the image */
	size_t span_count;
	model_page **pages;     /* contents by offset (the page's address field) */
	size_t page_count, page_cap;
	bool file;              /* a data-file section (always committed) */
	model_span *committed;  /* SEC_RESERVE page-file section: its committed pages */
	size_t committed_count;
} model_section;

typedef struct model {
	ntvm_behaviour behaviour;
	uint64_t max_address; /* inclusive */
	uint64_t default_address;
	bool dep_enabled;
	model_resv *resv; /* sorted by base, never overlapping */
	size_t resv_count, resv_cap;
	model_page **pages; /* contents of committed pages that were written */
	size_t page_count, page_cap;
	uint64_t version; /* bumps exactly when the layout changes */
	/* A base the system under test chose for an NtAllocateVirtualMemory with
	 * base NULL: the model adopts it when it meets every guarantee (aligned,
	 * free, inside the limits, highest for MEM_TOP_DOWN), as the trace
	 * format's $n binding does; otherwise the model chooses itself.  0: none. */
	uint64_t nt_choice;
	/* What an MMIO device answers at an address (the harness's device); NULL: zeros. */
	uint8_t (*mmio_byte)(uint64_t address);
	model_section **sections; /* live section objects, by creation */
	size_t section_count, section_cap;
	uint64_t next_section_id;
} model;

/* ---- life cycle (model_state.c) ---- */
bool model_init(model *m, ntvm_address_profile profile, ntvm_behaviour behaviour);
void model_fini(model *m);
/* Deep copy; false when out of memory. */
bool model_clone(const model *m, model *out);

/* ---- the manager API (model_core.c), same contracts as ntvm_* ---- */
ntvm_status model_allocate_at(model *m, uint64_t base, uint64_t size, ntvm_perm perm,
                              bool reserve_only, ntvm_kind kind);
uint64_t model_allocate(model *m, uint64_t size, ntvm_perm perm, bool reserve_only,
                        uint64_t start, ntvm_kind kind);
ntvm_status model_commit(model *m, uint64_t address, uint64_t size, ntvm_perm perm);
ntvm_status model_decommit(model *m, uint64_t address, uint64_t size);
ntvm_status model_release(model *m, uint64_t address, uint64_t size);
ntvm_status model_protect(model *m, uint64_t address, uint64_t size, ntvm_perm perm,
                          ntvm_perm *old_perm);
bool model_clear_guard(model *m, uint64_t address);
ntvm_status model_clear_reserved_guard(model *m, uint64_t address, bool *cleared);
void model_unmap_all(model *m);
ntvm_status model_region_info_at(const model *m, uint64_t address, ntvm_region_info *info);
ntvm_status model_region_info_at_detailed(const model *m, uint64_t address, ntvm_region_info *info,
                                          ntvm_perm *last_perm);
uint64_t model_find_free_allocation_base(const model *m, uint64_t size, uint64_t start);
uint64_t model_find_free(const model *m, uint64_t size, uint64_t alignment, uint64_t lowest,
                         uint64_t highest, bool top_down);
ntvm_status model_read(const model *m, uint64_t address, void *data, size_t size,
                       uint64_t *fault_address);
ntvm_status model_write(model *m, uint64_t address, const void *data, size_t size,
                        uint64_t *fault_address);
void model_get_stats(const model *m, ntvm_stats *out); /* metadata_bytes is 0 */
ntvm_status model_allocate_mmio(model *m, uint64_t base, uint64_t size);
ntvm_status model_rebind_mmio(const model *m, uint64_t base);
/* Which callbacks an MMIO region now has (after a successful allocate or rebind). */
void model_bind_mmio(model *m, uint64_t base, bool reads, bool writes);
bool model_reservation_from(const model *m, uint64_t address, ntvm_reservation *out);
bool model_reservation_containing(const model *m, uint64_t address, ntvm_reservation *out);
bool model_overlaps_reserved_region(const model *m, uint64_t address, uint64_t size);
ntvm_kind model_region_kind(const model *m, uint64_t address);
bool model_perm_valid(ntvm_perm perm);
bool model_perm_from_page(uint32_t page, ntvm_perm *out);
uint32_t model_perm_to_page(ntvm_perm perm);
/* ntvm.h's name of a status ("NTVM_E_OVERLAP"), "NTVM_E_UNKNOWN" for other values. */
const char *model_status_name(ntvm_status status);

/* ---- the NT layer (model_nt.c), same contracts as ntvm_nt_* ---- */
ntvm_ntstatus model_nt_allocate(model *m, uint64_t *base, uint64_t zero_bits, uint64_t *size,
                                uint32_t type, uint32_t protect);
ntvm_ntstatus model_nt_free(model *m, uint64_t *base, uint64_t *size, uint32_t type);
ntvm_ntstatus model_nt_protect(model *m, uint64_t *base, uint64_t *size, uint32_t protect,
                               uint32_t *old_protect);
ntvm_ntstatus model_nt_query(const model *m, uint64_t address,
                             ntvm_memory_basic_information *mbi);
/* The full call: info_class, a buffer of length bytes, *return_length. */
ntvm_ntstatus model_nt_query_any(const model *m, uint64_t address, uint32_t info_class,
                                 void *buffer, uint64_t length, uint64_t *return_length);
ntvm_ntstatus model_nt_access(model *m, uint64_t address, void *data, size_t length,
                              uint32_t access, uint64_t *fault_address);

/* ---- sections (model_section.c, model_view.c, model_pe.c), same contracts as ntvm_nt_* ---- */
ntvm_ntstatus model_nt_create_section(model *m, ntvm_handle *section, uint32_t desired_access,
                                      const uint64_t *maximum_size, uint32_t page_protection,
                                      uint32_t allocation_attributes, const void *file_bytes,
                                      size_t file_size);
ntvm_ntstatus model_nt_map_view(model *m, ntvm_handle section, uint64_t *base, uint64_t zero_bits,
                                uint64_t commit_size, uint64_t *section_offset,
                                uint64_t *view_size, uint32_t inherit_disposition,
                                uint32_t allocation_type, uint32_t win32_protect);
ntvm_ntstatus model_nt_unmap_view(model *m, uint64_t base);
ntvm_ntstatus model_nt_extend_section(model *m, ntvm_handle section, uint64_t *new_size);
ntvm_ntstatus model_nt_close(model *m, ntvm_handle handle);

/* ---- internals shared by the model's files (model_state.c) ---- */
model_resv *model_find_resv(const model *m, uint64_t address); /* containing address */
const model_run *model_find_run(const model_resv *r, uint64_t address);
/* Commit [lo, hi) of r (page aligned, inside r) with perm, or (committed false)
 * decommit it, the pages keeping their last protection; false: no memory. */
bool model_set_pages(model *m, model_resv *r, uint64_t lo, uint64_t hi, bool committed,
                     ntvm_perm perm);
/* Set the last protection of the reserved pages of [lo, hi) of r; false: no memory. */
bool model_set_last(model *m, model_resv *r, uint64_t lo, uint64_t hi, ntvm_perm last);
bool model_all_committed(const model_resv *r, uint64_t lo, uint64_t hi);
bool model_range_free(const model *m, uint64_t lo, uint64_t hi_inclusive);
model_resv *model_insert_resv(model *m, uint64_t base, uint64_t length, ntvm_perm initial,
                              ntvm_kind kind, bool committed, ntvm_perm perm);
void model_remove_resv(model *m, model_resv *r);
/* Release [lo, hi) of r: r shrinks or splits; false: no memory (nothing changed). */
bool model_cut_resv(model *m, model_resv *r, uint64_t lo, uint64_t hi);
void model_drop_pages(model *m, uint64_t lo, uint64_t hi);
model_page *model_get_page(model *m, uint64_t page, bool create);
const model_page *model_peek_page(const model *m, uint64_t page);
/* The page holding the contents at address `page`: a view's own copy, else
 * its section's page; a private page otherwise.  NULL: zeros (create false)
 * or no memory. */
model_page *model_content_page(model *m, uint64_t page, bool create);
/* Sections (model_section.c). */
model_section *model_section_by_handle(const model *m, ntvm_handle handle);
/* The status for a handle that names no section: the process and thread
 * pseudo-handles (-1, -2) are objects of another type (Windows's
 * ObReferenceObjectByHandle; Wine recorded), anything else no handle. */
ntvm_ntstatus model_section_bad_handle(ntvm_handle handle);
model_section *model_section_by_id(const model *m, uint64_t id);
model_page *model_section_page(model_section *s, uint64_t offset, bool create);
/* Is the section's page at offset committed?  Commit [lo, hi) (false: no memory). */
bool model_section_committed(const model_section *s, uint64_t offset);
bool model_section_commit(model_section *s, uint64_t lo, uint64_t hi);
/* A view of the section is gone: the section dies with its last view once closed. */
void model_section_unref(model *m, uint64_t id);
void model_sections_fini(model *m);
bool model_sections_clone(const model *m, model *out);
/* May a view of a section created with section_protect have view_protect? */
bool model_view_protection_ok(uint32_t section_protect, uint32_t view_protect);
/* Commit [lo, hi) of NT view r with perm, in its section too (other views
 * per the SECTION_COMMIT_OTHER_VIEWS rule); false: no memory. */
bool model_view_commit(model *m, model_resv *r, uint64_t lo, uint64_t hi, ntvm_perm perm);
/* A copy-on-write: the view's page at address becomes its own (model_view.c). */
bool model_view_privatize(model *m, const model_resv *r, uint64_t page);

/* The PE reader (model_pe.c): the file's image layout, or a status. */
typedef struct model_image {
	uint64_t image_base;
	uint64_t size;         /* SizeOfImage rounded up to pages */
	uint16_t machine;
	model_span spans[1 + 96 + 96]; /* headers, sections and gaps, by offset */
	size_t span_count;
	struct model_copy { uint64_t file_offset, size, va; } copies[1 + 96]; /* file bytes to place */
	size_t copy_count;
} model_image;
ntvm_ntstatus model_pe_read(const uint8_t *file, size_t size, model_image *out);

#endif /* NTVM_ORACLE_MODEL_H */
