/*
 * backend_ranges.c -- the mapped-range tree of the embedded backend (see
 * backend_ranges.h).  A plain AVL tree keyed by range start; splitting a
 * range takes a node from a small spare pool that the fallible calls
 * (map, protect) refill first, so that unmapping never has to allocate in
 * the common case.  Removed nodes go to a free list that later ranges
 * reuse (a map/unmap cycle then costs no heap call), and rebalancing stops
 * at the first subtree whose height did not change.
 */
#include "backend_ranges.h"

#include <stdio.h>
#include <stdlib.h>

static int height(const struct ntvm__brange *n) { return n ? n->height : 0; }

static void update(struct ntvm__brange *n)
{
	int hl = height(n->left), hr = height(n->right);
	n->height = (uint8_t) (1 + (hl > hr ? hl : hr));
}

static struct ntvm__brange *rotate_right(struct ntvm__brange *n)
{
	struct ntvm__brange *l = n->left;
	n->left = l->right;
	l->right = n;
	update(n);
	update(l);
	return l;
}

static struct ntvm__brange *rotate_left(struct ntvm__brange *n)
{
	struct ntvm__brange *r = n->right;
	n->right = r->left;
	r->left = n;
	update(n);
	update(r);
	return r;
}

static struct ntvm__brange *rebalance(struct ntvm__brange *n)
{
	update(n);
	int balance = height(n->left) - height(n->right);
	if (balance > 1) {
		if (height(n->left->left) < height(n->left->right))
			n->left = rotate_left(n->left);
		return rotate_right(n);
	}
	if (balance < -1) {
		if (height(n->right->right) < height(n->right->left))
			n->right = rotate_right(n->right);
		return rotate_left(n);
	}
	return n;
}

/* Insert and removal stop rebalancing once a subtree keeps its height:
 * nothing above it changes (*done is then set). */
static struct ntvm__brange *settle(struct ntvm__brange *n, int old_height, bool *done)
{
	if (height(n) == old_height)
		*done = true;
	return n;
}

static struct ntvm__brange *insert_at(struct ntvm__brange *t, struct ntvm__brange *node, bool *done)
{
	if (t == NULL)
		return node;
	if (node->start < t->start)
		t->left = insert_at(t->left, node, done);
	else
		t->right = insert_at(t->right, node, done);
	if (*done)
		return t;
	int h = t->height;
	return settle(rebalance(t), h, done);
}

static struct ntvm__brange *remove_min(struct ntvm__brange *t, struct ntvm__brange **min)
{
	if (t->left == NULL) {
		*min = t;
		return t->right;
	}
	t->left = remove_min(t->left, min);
	return rebalance(t);
}

static struct ntvm__brange *remove_at(struct ntvm__brange *t, uint64_t start, bool *done)
{
	if (t == NULL)
		return NULL;
	int h = t->height;
	if (start < t->start) {
		t->left = remove_at(t->left, start, done);
	} else if (start > t->start) {
		t->right = remove_at(t->right, start, done);
	} else {
		struct ntvm__brange *l = t->left, *r = t->right, *min;
		if (r == NULL)
			return l;
		r = remove_min(r, &min);
		min->left = l;
		min->right = r;
		return settle(rebalance(min), h, done);
	}
	if (*done)
		return t;
	return settle(rebalance(t), h, done);
}

static struct ntvm__brange *find_le(const struct ntvm__brange *t, uint64_t address)
{
	const struct ntvm__brange *best = NULL;
	while (t) {
		if (t->start <= address) {
			best = t;
			t = t->right;
		} else {
			t = t->left;
		}
	}
	return (struct ntvm__brange *) best;
}

/* ------------------------------------------------------------------ */
/* Recent ranges: a hash table keyed by start                           */
/* ------------------------------------------------------------------ */
static size_t recent_home(const struct ntvm__branges_recent *h, uint64_t start)
{
	return (size_t) (((start >> 12) * 0x9E3779B97F4A7C15ull) >> 20) & (h->count - 1);
}

/* The slot holding start, or the empty slot where it would go. */
static size_t recent_slot(const struct ntvm__branges_recent *h, uint64_t start)
{
	size_t i = recent_home(h, start);
	while (h->slots[i] && h->slots[i]->start != start)
		i = (i + 1) & (h->count - 1);
	return i;
}

/* Room for one more entry; false when out of memory (nothing changed). */
static bool recent_room(struct ntvm__branges_recent *h)
{
	if ((h->used + 1) * 2 <= h->count)
		return true;
	size_t count = h->count ? h->count * 2 : 64;
	struct ntvm__brange **slots = ntvm__heap.calloc(count, sizeof *slots);
	if (slots == NULL)
		return false;
	struct ntvm__branges_recent old = *h;
	h->slots = slots;
	h->count = count;
	for (size_t i = 0; i < old.count; i++)
		if (old.slots[i])
			h->slots[recent_slot(h, old.slots[i]->start)] = old.slots[i];
	free(old.slots);
	return true;
}

/* Empty slot i, shifting later entries of its probe chain back. */
static void recent_delete(struct ntvm__branges_recent *h, size_t i)
{
	size_t mask = h->count - 1;
	h->slots[i] = NULL;
	h->used--;
	for (size_t j = (i + 1) & mask; h->slots[j]; j = (j + 1) & mask) {
		size_t home = recent_home(h, h->slots[j]->start);
		if (((j - home) & mask) >= ((j - i) & mask)) {
			h->slots[i] = h->slots[j];
			h->slots[j] = NULL;
			i = j;
		}
	}
}

/* Link every recent range into the tree (no allocation).  The scan is over
 * the whole table, so a table grown past the initial size is dropped after
 * it: the next scan then costs no more than the entries added since. */
static void flush(struct ntvm__branges *t)
{
	struct ntvm__branges_recent *h = &t->recent;
	if (h->used == 0)
		return;
	for (size_t i = 0; h->used && i < h->count; i++) {
		if (h->slots[i]) {
			bool done = false;
			t->root = insert_at(t->root, h->slots[i], &done);
			h->slots[i] = NULL;
			h->used--;
		}
	}
	if (h->count > 64) {
		free(h->slots);
		*h = (struct ntvm__branges_recent){ 0 };
	}
}

const struct ntvm__brange *ntvm__branges_at(struct ntvm__branges *t, uint64_t address)
{
	flush(t);
	const struct ntvm__brange *n = find_le(t->root, address);
	return n && n->end > address ? n : NULL;
}

/* The first range of the tree starting after address. */
static struct ntvm__brange *tree_after(const struct ntvm__branges *t, uint64_t address)
{
	const struct ntvm__brange *best = NULL, *n = t->root;
	while (n) {
		if (n->start > address) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return (struct ntvm__brange *) best;
}

const struct ntvm__brange *ntvm__branges_after(struct ntvm__branges *t, uint64_t address)
{
	flush(t);
	return tree_after(t, address);
}

/* A node from the free list, else from the heap. */
static struct ntvm__brange *node_new(struct ntvm__branges *t)
{
	struct ntvm__brange *n = t->free_list;
	if (n == NULL)
		return ntvm__heap.malloc(sizeof *n);
	t->free_list = n->left;
	return n;
}

bool ntvm__branges_reserve(struct ntvm__branges *t)
{
	for (int i = 0; i < 3; i++)
		if (t->spare[i] == NULL && (t->spare[i] = node_new(t)) == NULL)
			return false;
	return true;
}

static struct ntvm__brange *take_spare(struct ntvm__branges *t)
{
	for (int i = 0; i < 3; i++) {
		struct ntvm__brange *n = t->spare[i];
		if (n) {
			t->spare[i] = NULL;
			return n;
		}
	}
	fprintf(stderr, "ntvm backend_mem: out of memory while unmapping\n");
	abort();
}

static void give_back(struct ntvm__branges *t, struct ntvm__brange *n)
{
	for (int i = 0; i < 3; i++) {
		if (t->spare[i] == NULL) {
			t->spare[i] = n;
			return;
		}
	}
	n->left = t->free_list;
	t->free_list = n;
}

static void link(struct ntvm__branges *t, struct ntvm__brange *n, uint64_t start, uint64_t end,
                 ntvm_perm effective, bool mmio)
{
	*n = (struct ntvm__brange){ .start = start, .end = end, .height = 1, .effective = effective, .mmio = mmio };
	bool done = false;
	t->root = insert_at(t->root, n, &done);
}

bool ntvm__branges_add(struct ntvm__branges *t, uint64_t start, uint64_t end, ntvm_perm effective,
                       bool mmio)
{
	struct ntvm__brange *n = node_new(t);
	if (n == NULL)
		return false;
	if (!recent_room(&t->recent)) {
		give_back(t, n);
		return false;
	}
	*n = (struct ntvm__brange){ .start = start, .end = end, .height = 1, .effective = effective, .mmio = mmio };
	t->recent.slots[recent_slot(&t->recent, start)] = n;
	t->recent.used++;
	t->pages += (end - start) >> NTVM__PAGE_SHIFT;
	return true;
}

/* Make address a range boundary (takes a spare node when it splits one). */
static void split_at(struct ntvm__branges *t, uint64_t address)
{
	struct ntvm__brange *n = find_le(t->root, address);
	if (n == NULL || n->start == address || n->end <= address)
		return;
	uint64_t end = n->end;
	n->end = address;
	link(t, take_spare(t), address, end, n->effective, n->mmio);
}

static void remove_node(struct ntvm__branges *t, struct ntvm__brange *n)
{
	bool done = false;
	t->pages -= (n->end - n->start) >> NTVM__PAGE_SHIFT;
	t->root = remove_at(t->root, n->start, &done);
	give_back(t, n);
}

void ntvm__branges_cut(struct ntvm__branges *t, uint64_t start, uint64_t end)
{
	if (t->recent.used) {
		size_t i = recent_slot(&t->recent, start);
		struct ntvm__brange *r = t->recent.slots[i];
		if (r && r->end == end) { /* a range mapped recently, unmapped whole */
			recent_delete(&t->recent, i);
			t->pages -= (end - start) >> NTVM__PAGE_SHIFT;
			give_back(t, r);
			return;
		}
		flush(t);
	}
	struct ntvm__brange *n = find_le(t->root, start);
	if (n && n->start == start && n->end == end) {
		remove_node(t, n); /* the usual case: exactly one mapped run */
		return;
	}
	if (n && n->start < start && n->end > end) {
		split_at(t, end); /* a hole inside one range: the only split needed */
		n->end = start;
		t->pages -= (end - start) >> NTVM__PAGE_SHIFT;
		return;
	}
	if (n && n->start < start && n->end > start) {
		t->pages -= (n->end - start) >> NTVM__PAGE_SHIFT;
		n->end = start;
	}
	while ((n = tree_after(t, start - 1)) && n->start < end) {
		if (n->end > end) {
			t->pages -= (end - n->start) >> NTVM__PAGE_SHIFT;
			n->start = end; /* stays between its neighbours: the order holds */
			break;
		}
		remove_node(t, n);
	}
}

void ntvm__branges_set(struct ntvm__branges *t, uint64_t start, uint64_t end, ntvm_perm effective)
{
	flush(t);
	split_at(t, start);
	split_at(t, end);
	for (struct ntvm__brange *n = find_le(t->root, start); n && n->start < end;
	     n = tree_after(t, n->start))
		if (n->end > start)
			n->effective = effective;
}

static void free_tree(struct ntvm__brange *n)
{
	if (n == NULL)
		return;
	free_tree(n->left);
	free_tree(n->right);
	free(n);
}

void ntvm__branges_free(struct ntvm__branges *t)
{
	flush(t);
	free(t->recent.slots);
	free_tree(t->root);
	for (int i = 0; i < 3; i++)
		free(t->spare[i]);
	while (t->free_list) {
		struct ntvm__brange *n = t->free_list;
		t->free_list = n->left;
		free(n);
	}
	*t = (struct ntvm__branges){ 0 };
}
