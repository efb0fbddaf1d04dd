/*
 * backend_ranges.h -- the embedded backend's record of what is mapped: an
 * AVL tree of disjoint page ranges keyed by start, each with its effective
 * permission and an MMIO flag, plus a hash table of the ranges mapped since
 * the tree was last needed.  Mapping a terabyte costs one node; a map, and
 * the unmap of that same range, are O(1); every other operation is
 * O(log n) plus the ranges it touches (and, amortized, O(log n) per recent
 * range it moves into the tree).
 */
#ifndef NTVM_BACKEND_RANGES_H
#define NTVM_BACKEND_RANGES_H

#include "manager.h"

struct ntvm__brange {
	struct ntvm__brange *left, *right;
	uint64_t start, end;
	uint8_t height;
	ntvm_perm effective;
	bool mmio;
};

/* Ranges mapped since the last ordered operation, in a hash table keyed by
 * start (not yet in the tree): a map and the unmap of exactly the same
 * range then cost no tree descent.  Anything else (an unmap of another
 * range, a protect, an inspection) first links them into the tree, which
 * needs no allocation (the nodes exist). */
struct ntvm__branges_recent {
	struct ntvm__brange **slots; /* NULL = empty */
	size_t count, used;          /* count is 0 or a power of two */
};

struct ntvm__branges {
	struct ntvm__brange *root;
	struct ntvm__branges_recent recent;
	struct ntvm__brange *spare[3]; /* nodes kept for splits that must not fail */
	struct ntvm__brange *free_list; /* removed nodes, linked by left, for reuse */
	uint64_t pages;                /* mapped pages in all */
};

/* Keep three spare nodes (set uses two, cut one); false when out of memory. */
bool ntvm__branges_reserve(struct ntvm__branges *t);
/* Record [start, end) as mapped (it is not); false when out of memory. */
bool ntvm__branges_add(struct ntvm__branges *t, uint64_t start, uint64_t end, ntvm_perm effective,
                       bool mmio);
/* Forget [start, end); uses at most one spare node. */
void ntvm__branges_cut(struct ntvm__branges *t, uint64_t start, uint64_t end);
/* Set the permission of the mapped [start, end); uses at most two spare nodes. */
void ntvm__branges_set(struct ntvm__branges *t, uint64_t start, uint64_t end, ntvm_perm effective);
/* The range containing address, or NULL; the first range starting after
 * address.  Not const: they first move the recent ranges into the tree. */
const struct ntvm__brange *ntvm__branges_at(struct ntvm__branges *t, uint64_t address);
const struct ntvm__brange *ntvm__branges_after(struct ntvm__branges *t, uint64_t address);
void ntvm__branges_free(struct ntvm__branges *t);

#endif
