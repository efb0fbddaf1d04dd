/*
 * manager.h -- the manager's internal data structures, shared by the core
 * sources, the snapshot code and the invariant checker (oracle/).
 *
 * A reservation is one node of an AVL tree ordered by base.  The node also
 * carries the tree's find-free augmentation (the free gap just before it and
 * the largest such gap in its subtree, both in 64 KiB granules) and its page
 * state in compact form:
 *   committed: ALL_RESERVED / ALL_COMMITTED with no storage, or MIXED with
 *              the bitmap in the node itself (`small_map`, count by popcount)
 *              for reservations of at most 64 pages, else with a heap block
 *              { committed page count, bitmap of NTVM_BITMAP_WORDS(pages) words };
 *   protection: two bytes, `perm` for every committed page and `hidden` for
 *              every reserved one, or (once pages differ) a heap array of one
 *              ntvm_perm per page.  A reserved page's protection is the one
 *              it last had (the allocation's initial permission if it was
 *              never committed); queries report it only through
 *              ntvm_region_info_at_detailed (Wine 8.0 splits reserved runs
 *              where it changes).
 * The node is 64 bytes (checked below), so a uniform reservation costs 64
 * bytes and a worst-case one 64 + pages/8 + 8 + pages bytes (64 + pages
 * bytes up to 64 pages).
 */
#ifndef NTVM_MANAGER_H
#define NTVM_MANAGER_H

#include <ntvm/ntvm.h>

#include "bitmap.h"

enum ntvm__commit_state {
	NTVM__ALL_RESERVED = 0,
	NTVM__ALL_COMMITTED = 1,
	NTVM__MIXED = 2,
};

/* Callbacks of one MMIO reservation; the backend gets the trampolines in
 * mmio.c with this record as user pointer, so re-binding needs no backend
 * call. */
struct ntvm__mmio {
	ntvm_mmio_read_fn read;
	ntvm_mmio_write_fn write;
	void *user;
};

struct ntvm__res {
	struct ntvm__res *left, *right;
	uint64_t base;
	uint64_t size;
	union {
		uint64_t *bits;     /* MIXED, > NTVM__INLINE_PAGES pages: bits[0] = committed pages, bits + 1 = bitmap */
		uint64_t small_map; /* MIXED, <= NTVM__INLINE_PAGES pages: the bitmap itself */
	};                          /* all zero unless MIXED */
	union {
		uint8_t *perms;           /* NULL: every committed page has `perm` */
		struct ntvm__mmio *mmio;  /* kind == NTVM_KIND_MMIO */
	} u;
	uint32_t gap_before; /* free granules between the previous reservation and this one */
	uint32_t max_gap;    /* largest gap_before in this subtree */
	uint8_t height;
	uint8_t kind;
	uint8_t initial_perm;
	uint8_t perm;   /* uniform protection of the committed pages */
	uint8_t hidden; /* uniform last protection of the reserved pages */
	uint8_t state;  /* enum ntvm__commit_state */
};

_Static_assert(sizeof(struct ntvm__res) <= 64, "reservation node must stay within 64 bytes");

struct ntvm {
	ntvm_config config;
	ntvm_backend backend;
	struct ntvm__res *root;
	struct ntvm__res *first, *last; /* the lowest and highest reservation (index.c keeps them) */
	struct ntvm__res *hint; /* the reservation found last (a lookup cache) */
	struct ntvm__res *spare_nodes; /* freed nodes kept for reuse, linked by left */
	uint32_t spare_count;          /* at most NTVM__SPARE_NODES */
	uint64_t max_address;
	uint64_t layout_version;
	ntvm_stats stats;
	bool dep_enabled;
	bool default_backend; /* backend is backend_mem.c's, owned by the manager */
	struct ntvm__sections *sections; /* section objects, handles, views (section.h); NULL: none yet */
	struct ntvm__res *retired; /* the tree a snapshot load replaced, rebuilt in place by the next load */
};

/* Freed reservation nodes kept for the next reservation (a reserve/release
 * cycle then calls no allocator for its node); not in metadata_bytes. */
#define NTVM__SPARE_NODES 64

/* Reservations of at most this many pages keep a MIXED bitmap in the node. */
#define NTVM__INLINE_PAGES 64

#define NTVM__PAGE_SHIFT 12
#define NTVM__GRANULE_SHIFT 16

static inline uint64_t ntvm__align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
static inline uint64_t ntvm__align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }
static inline uint64_t ntvm__res_end(const struct ntvm__res *r) { return r->base + r->size; }
static inline uint64_t ntvm__res_pages(const struct ntvm__res *r) { return r->size >> NTVM__PAGE_SHIFT; }
static inline bool ntvm__is_page_aligned(uint64_t v) { return (v & (NTVM_PAGE_SIZE - 1)) == 0; }

/* heap.c: every host allocation of the core goes through these */
struct ntvm__heap_hooks {
	void *(*malloc)(size_t size);
	void *(*calloc)(size_t count, size_t size);
	void *(*realloc)(void *ptr, size_t size);
};
extern struct ntvm__heap_hooks ntvm__heap;

/* An array's block grown to twice its capacity (`first` items when empty):
 * the new block, *capacity updated; NULL when out of memory, with the old
 * block and *capacity untouched. */
void *ntvm__heap_grow(void *items, size_t *capacity, size_t item_size, size_t first);

/* perm.c */
ntvm_perm ntvm__effective_perm(ntvm_perm perm, bool dep_enabled);

/* index.c: the AVL tree and its find-free augmentation */
struct ntvm__res *ntvm__index_le(const struct ntvm__res *root, uint64_t address);
struct ntvm__res *ntvm__index_gt(const struct ntvm__res *root, uint64_t address);
struct ntvm__res *ntvm__index_containing(const struct ntvm__res *root, uint64_t address);
/* The reservation containing address, trying vm->hint first. */
struct ntvm__res *ntvm__lookup(const ntvm *vm, uint64_t address);
struct ntvm__res *ntvm__index_last(const struct ntvm__res *root);
void ntvm__index_insert(ntvm *vm, struct ntvm__res *node);
/* A descent towards a new base, kept for the insert that follows: probe
 * fills it and tells whether [base, base + size) (size > 0) overlaps no
 * reservation; insert_at then links node (with that base) without a second
 * descent, provided the index did not change in between. */
struct ntvm__slot {
	struct ntvm__res **path[96];
	int depth;
	const struct ntvm__res *prev, *next;
	struct ntvm__res **link;
};
bool ntvm__index_probe(ntvm *vm, uint64_t base, uint64_t size, struct ntvm__slot *slot);
void ntvm__index_insert_at(ntvm *vm, struct ntvm__slot *slot, struct ntvm__res *node);
void ntvm__index_remove(ntvm *vm, struct ntvm__res *node);
/* Build the (empty) index of vm from count nodes that next(ctx) produces
 * in increasing base order, in O(n) and without an array: each subtree
 * takes half of its nodes on the left, so heights differ by one at most
 * and the result is a valid AVL tree; a node is linked as it is produced,
 * while it is in the cache.  When next returns NULL, stops and returns
 * false with vm->root holding the nodes produced so far, for the caller to
 * free. */
bool ntvm__index_build(ntvm *vm, size_t count, struct ntvm__res *(*next)(void *ctx), void *ctx);
/* After node's base or end moved inside its old span: refresh the gaps. */
void ntvm__index_resized(ntvm *vm, struct ntvm__res *node);
/* In-order iteration without parent links: a stack of the pending left
 * spine.  An AVL tree of 2^48 nodes is less than 70 high. */
struct ntvm__iter {
	struct ntvm__res *stack[96];
	int depth;
};
void ntvm__iter_start(struct ntvm__iter *it, const struct ntvm__res *root);
struct ntvm__res *ntvm__iter_next(struct ntvm__iter *it);
#define NTVM__FOR_EACH(it, r, root) \
	for (ntvm__iter_start(&(it), (root)); ((r) = ntvm__iter_next(&(it))) != NULL;)

uint32_t ntvm__index_gap_before(const ntvm *vm, const struct ntvm__res *node);
uint64_t ntvm__index_find_free(const ntvm *vm, uint64_t size, uint64_t alignment,
                               uint64_t lowest, uint64_t highest, bool top_down);

/* pages.c: per-reservation page state */
uint64_t ntvm__res_committed_count(const struct ntvm__res *r);
uint64_t ntvm__res_committed_in(const struct ntvm__res *r, uint64_t first, uint64_t count);
bool ntvm__res_page_committed(const struct ntvm__res *r, uint64_t page);
/* The protection of a committed page, the last one of a reserved page. */
ntvm_perm ntvm__res_page_perm(const struct ntvm__res *r, uint64_t page);
/* End (exclusive) of the run from page that shares committed state and, for
 * committed pages, protection; at most end. */
uint64_t ntvm__res_run_end(const struct ntvm__res *r, uint64_t page, uint64_t end);
/* The same, with reserved pages also split by their last protection. */
uint64_t ntvm__res_detail_run_end(const struct ntvm__res *r, uint64_t page, uint64_t end);
/* End of the run from page with the same committed state; at most end. */
uint64_t ntvm__res_commit_run_end(const struct ntvm__res *r, uint64_t page, uint64_t end);
/* End of the run from page with the same committed state and, for committed
 * pages, the same effective (backend) permission. */
uint64_t ntvm__res_eff_run_end(const ntvm *vm, const struct ntvm__res *r, uint64_t page,
                               uint64_t end);
size_t ntvm__res_meta_bytes(const struct ntvm__res *r);
/* Is r's MIXED bitmap the node's small_map (r has at most 64 pages)? */
static inline bool ntvm__res_bits_inline(const struct ntvm__res *r)
{
	return ntvm__res_pages(r) <= NTVM__INLINE_PAGES;
}
/* r's committed-page bitmap (r is MIXED). */
uint64_t *ntvm__res_bitmap(struct ntvm__res *r);
/* Free r's bitmap block if it has one; leaves the field zero. */
void ntvm__res_bits_free(struct ntvm__res *r);

/* A prepared page state: storage allocated before anything changes. */
struct ntvm__shape {
	uint64_t *bits;
	uint64_t small_map; /* shape_for_slice of at most 64 pages: the slice's bitmap */
	uint8_t *perms;
	uint8_t state;
	uint8_t perm;
	uint8_t hidden;
};
bool ntvm__shape_for_commit(const struct ntvm__res *r, uint64_t first, uint64_t count,
                            ntvm_perm perm, struct ntvm__shape *out);
bool ntvm__shape_for_decommit(const struct ntvm__res *r, uint64_t first, uint64_t count,
                              struct ntvm__shape *out);
bool ntvm__shape_for_protect(const struct ntvm__res *r, uint64_t first, uint64_t count,
                             ntvm_perm perm, struct ntvm__shape *out);
bool ntvm__shape_for_slice(const struct ntvm__res *r, uint64_t first, uint64_t count,
                           struct ntvm__shape *out);
/* For the last protection of one reserved page (ntvm_clear_reserved_guard). */
bool ntvm__shape_for_last(const struct ntvm__res *r, ntvm_perm perm, struct ntvm__shape *out);
void ntvm__shape_discard(struct ntvm__shape *s);
/* Install a shape on r (freeing the old storage), then apply the page
 * operation to the range; keeps vm->stats.metadata_bytes exact. */
void ntvm__apply_commit(ntvm *vm, struct ntvm__res *r, struct ntvm__shape *s, uint64_t first,
                        uint64_t count, ntvm_perm perm);
void ntvm__apply_decommit(ntvm *vm, struct ntvm__res *r, struct ntvm__shape *s,
                          uint64_t first, uint64_t count);
void ntvm__apply_protect(ntvm *vm, struct ntvm__res *r, struct ntvm__shape *s, uint64_t first,
                         uint64_t count, ntvm_perm perm);
/* Set the last protection of reserved page `page` from a shape_for_last. */
void ntvm__apply_last(ntvm *vm, struct ntvm__res *r, struct ntvm__shape *s, uint64_t page);
/* Replace r's page state with a slice shape (r->size already updated). */
void ntvm__apply_slice(ntvm *vm, struct ntvm__res *r, struct ntvm__shape *s);

/* manager.c */
struct ntvm__res *ntvm__res_new(ntvm *vm, uint64_t base, uint64_t size, ntvm_perm initial,
                                ntvm_kind kind);
void ntvm__res_free(ntvm *vm, struct ntvm__res *r);
/* Free a node and its storage, touching no statistics. */
void ntvm__res_storage_free(struct ntvm__res *r);
/* Free the page state of r and keep the node as a spare of vm (or free it). */
void ntvm__res_recycle(ntvm *vm, struct ntvm__res *r);
/* Free vm's spare nodes. */
void ntvm__spares_free(ntvm *vm);
/* snapshot_load.c: free the tree the last snapshot load kept for reuse. */
void ntvm__snap_retired_free(ntvm *vm);
void ntvm__bump(ntvm *vm);
/* Unmap every mapped page of r from the backend (cannot fail). */
void ntvm__res_unmap_all(ntvm *vm, struct ntvm__res *r);
void ntvm__unmap_range(ntvm *vm, struct ntvm__res *r, uint64_t first, uint64_t count);
/* Validate a page range inside one reservation; returns its node. */
ntvm_status ntvm__locate(const ntvm *vm, uint64_t address, uint64_t size,
                         struct ntvm__res **out);

/* mmio.c */
void ntvm__mmio_read_trampoline(void *user, uint64_t address, void *data, size_t size);
void ntvm__mmio_write_trampoline(void *user, uint64_t address, const void *data, size_t size);

/* backend_mem.c: the embedded default backend */
bool ntvm__backend_mem_create(ntvm_backend *out);
/* Inspection for the invariant checker: is the page mapped, and how. */
bool ntvm__backend_mem_is_mapped(void *ctx, uint64_t address, ntvm_perm *effective,
                                 bool *is_mmio);
/* How [start, end) is mapped: 0 not at all, 1 entirely with one effective
 * permission and MMIO flag (returned), 2 partly or unevenly. */
int ntvm__backend_mem_coverage(void *ctx, uint64_t start, uint64_t end, ntvm_perm *effective,
                               bool *is_mmio);
/* The buffer behind the page holding address (NULL: none yet) and whether
 * it is a section's page (mapped shared, never freed by the backend). */
const uint8_t *ntvm__backend_mem_page_buffer(void *ctx, uint64_t address, bool *borrowed);
/* Number of mapped pages and number of page buffers held. */
uint64_t ntvm__backend_mem_mapped_pages(void *ctx);
uint64_t ntvm__backend_mem_buffer_count(void *ctx);

#endif
