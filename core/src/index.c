/*
 * index.c -- the reservation index: an AVL tree ordered by base, augmented
 * for O(log n) find-free.
 *
 * Each node stores gap_before, the free granules between the previous
 * reservation and its own base: the gap is [align_up(prev_end, 64K),
 * align_down(base, 64K)), so a partially used granule is never free.  The
 * first reservation's gap_before is 0: the head gap from NTVM_MIN_ADDRESS
 * up to it is, like the gap after the last one, computed apart.  It is
 * usually the largest gap of all (the default allocation address lies far
 * above NTVM_MIN_ADDRESS), and in max_gap it would make every subtree on
 * the left spine look worth entering for a search that starts above it.  max_gap is the largest gap_before in the subtree
 * and is recomputed locally on every rotation.  The search descends with the
 * address bounds of the subtree, pruning subtrees whose largest gap is too
 * small or that lie outside [lowest, highest]; with 64 KiB alignment every
 * subtree it enters fully inside the window holds an answer, so it is
 * O(log n) both bottom-up and top-down.  The head and tail gaps come from
 * the leftmost and rightmost nodes, kept in vm->first and vm->last.
 */
#include "manager.h"

#define GRANULE NTVM_ALLOCATION_GRANULARITY

static int height(const struct ntvm__res *n) { return n ? n->height : 0; }
static uint32_t max_gap(const struct ntvm__res *n) { return n ? n->max_gap : 0; }
static uint32_t max3(uint32_t a, uint32_t b, uint32_t c) { return a > b ? (a > c ? a : c) : (b > c ? b : c); }

static void update(struct ntvm__res *n)
{
	int hl = height(n->left), hr = height(n->right);
	n->height = (uint8_t) (1 + (hl > hr ? hl : hr));
	n->max_gap = max3(n->gap_before, max_gap(n->left), max_gap(n->right));
}

static struct ntvm__res *rotate_right(struct ntvm__res *n)
{
	struct ntvm__res *l = n->left;
	n->left = l->right;
	l->right = n;
	update(n);
	update(l);
	return l;
}

static struct ntvm__res *rotate_left(struct ntvm__res *n)
{
	struct ntvm__res *r = n->right;
	n->right = r->left;
	r->left = n;
	update(n);
	update(r);
	return r;
}

static struct ntvm__res *rebalance(struct ntvm__res *n)
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

static uint32_t gap_granules(uint64_t prev_end, uint64_t next_base);
static struct ntvm__res *index_first(const struct ntvm__res *t);

/* gap_before of a node at base after prev: 0 for the first node. */
static uint32_t gap_after(const struct ntvm__res *prev, uint64_t base)
{
	return prev ? gap_granules(ntvm__res_end(prev), base) : 0;
}

/* One insert or removal, in a single descent without recursion.  On the
 * way down the path (struct ntvm__slot, manager.h) keeps the links
 * followed, and prev and next the nearest ancestors left and right of the
 * node's key; at the bottom the gaps around the node are set and pending
 * is the successor, whose gap_before changed (always on the path: an
 * ancestor, or on removal the minimum of the right subtree, which takes
 * the node's place).  The path is then rebalanced bottom-up; once pending
 * is refreshed and a subtree comes out with its old height and max_gap,
 * nothing above it changes.  An insert's descent doubles as the overlap
 * check (ntvm__index_probe): prev and next are the reservations around
 * the new range.  vm->first and vm->last follow from prev and next. */
typedef struct ntvm__slot walk_t;

/* Descend from the root towards base, to an empty link or (with
 * stop_at_base) to the node with that base; returns the link reached. */
static struct ntvm__res **descend(ntvm *vm, walk_t *w, uint64_t base, bool stop_at_base)
{
	struct ntvm__res **link = &vm->root;
	w->depth = 0;
	w->prev = w->next = NULL;
	while (*link && !(stop_at_base && (*link)->base == base)) {
		struct ntvm__res *t = *link;
		w->path[w->depth++] = link;
		if (base < t->base) {
			w->next = t;
			link = &t->left;
		} else {
			w->prev = t;
			link = &t->right;
		}
	}
	return link;
}

/* Rebalance the path bottom-up (see walk_t). */
static void retrace(walk_t *w, const struct ntvm__res *pending)
{
	while (w->depth > 0) {
		struct ntvm__res **link = w->path[--w->depth];
		struct ntvm__res *t = *link;
		int h = t->height;
		uint32_t g = t->max_gap;
		struct ntvm__res *n = rebalance(t);
		*link = n;
		if (t == pending)
			pending = NULL;
		if (pending == NULL && height(n) == h && max_gap(n) == g)
			return;
	}
}

/* Detach the minimum of t into *min; returns the new subtree. */
static struct ntvm__res *remove_min(struct ntvm__res *t, struct ntvm__res **min)
{
	if (t->left == NULL) {
		*min = t;
		return t->right;
	}
	t->left = remove_min(t->left, min);
	return rebalance(t);
}

/* Replace the node at *link by its subtrees, setting its successor's gap;
 * returns the pending node (see walk_t), or stops the retrace early
 * through done when nothing above changes. */
static const struct ntvm__res *remove_here(ntvm *vm, walk_t *w, struct ntvm__res **link, bool *done)
{
	struct ntvm__res *t = *link, *l = t->left, *r = t->right, *min;
	int h = t->height;
	uint32_t g = t->max_gap;
	const struct ntvm__res *prev = l ? ntvm__index_last(l) : w->prev;
	const struct ntvm__res *pending = NULL;
	struct ntvm__res *n;
	if (vm->last == t)
		vm->last = (struct ntvm__res *) prev;
	if (vm->first == t) /* no left subtree: the successor is next or r's minimum */
		vm->first = r ? index_first(r) : (struct ntvm__res *) w->next;
	if (r == NULL) {
		if (w->next)
			((struct ntvm__res *) w->next)->gap_before = gap_after(prev, w->next->base);
		pending = w->next;
		n = l;
	} else {
		r = remove_min(r, &min);
		min->gap_before = gap_after(prev, min->base);
		min->left = l;
		min->right = r;
		n = rebalance(min);
	}
	*link = n;
	*done = pending == NULL && height(n) == h && max_gap(n) == g;
	return pending;
}

/* Recompute the augmentation on the path from t down to the node at base. */
static void refresh_path(struct ntvm__res *t, uint64_t base)
{
	if (t == NULL)
		return;
	if (base < t->base)
		refresh_path(t->left, base);
	else if (base > t->base)
		refresh_path(t->right, base);
	update(t);
}

struct ntvm__res *ntvm__index_le(const struct ntvm__res *t, uint64_t address)
{
	const struct ntvm__res *best = NULL;
	while (t) {
		if (t->base <= address) {
			best = t;
			t = t->right;
		} else {
			t = t->left;
		}
	}
	return (struct ntvm__res *) best;
}

struct ntvm__res *ntvm__index_gt(const struct ntvm__res *t, uint64_t address)
{
	const struct ntvm__res *best = NULL;
	while (t) {
		if (t->base > address) {
			best = t;
			t = t->left;
		} else {
			t = t->right;
		}
	}
	return (struct ntvm__res *) best;
}

struct ntvm__res *ntvm__index_containing(const struct ntvm__res *t, uint64_t address)
{
	struct ntvm__res *n = ntvm__index_le(t, address);
	return n && address - n->base < n->size ? n : NULL;
}

static struct ntvm__res *index_first(const struct ntvm__res *t)
{
	while (t && t->left)
		t = t->left;
	return (struct ntvm__res *) t;
}

struct ntvm__res *ntvm__index_last(const struct ntvm__res *t)
{
	while (t && t->right)
		t = t->right;
	return (struct ntvm__res *) t;
}

static void push_left(struct ntvm__iter *it, const struct ntvm__res *n)
{
	for (; n; n = n->left)
		it->stack[it->depth++] = (struct ntvm__res *) n;
}

void ntvm__iter_start(struct ntvm__iter *it, const struct ntvm__res *root)
{
	it->depth = 0;
	push_left(it, root);
}

struct ntvm__res *ntvm__iter_next(struct ntvm__iter *it)
{
	if (it->depth == 0)
		return NULL;
	struct ntvm__res *n = it->stack[--it->depth];
	push_left(it, n->right);
	return n;
}

static uint32_t gap_granules(uint64_t prev_end, uint64_t next_base)
{
	uint64_t lo = ntvm__align_up(prev_end, GRANULE), hi = ntvm__align_down(next_base, GRANULE);
	return hi > lo ? (uint32_t) ((hi - lo) >> NTVM__GRANULE_SHIFT) : 0;
}

uint32_t ntvm__index_gap_before(const ntvm *vm, const struct ntvm__res *node)
{
	struct ntvm__res *prev = node->base ? ntvm__index_le(vm->root, node->base - 1) : NULL;
	return gap_after(prev, node->base);
}

static void set_gap(ntvm *vm, struct ntvm__res *node)
{
	if (node == NULL)
		return;
	node->gap_before = ntvm__index_gap_before(vm, node);
	refresh_path(vm->root, node->base);
}

bool ntvm__index_probe(ntvm *vm, uint64_t base, uint64_t size, struct ntvm__slot *slot)
{
	slot->link = descend(vm, slot, base, false);
	const struct ntvm__res *p = slot->prev, *n = slot->next;
	/* p starts at or below base, n above it: the range is free when p ends
	 * by base and n starts after the range's last byte */
	return !(p && ntvm__res_end(p) > base) && !(n && n->base - base < size);
}

void ntvm__index_insert_at(ntvm *vm, struct ntvm__slot *w, struct ntvm__res *node)
{
	node->left = node->right = NULL;
	node->height = 1;
	node->gap_before = node->max_gap = gap_after(w->prev, node->base);
	if (w->next)
		((struct ntvm__res *) w->next)->gap_before = gap_granules(ntvm__res_end(node), w->next->base);
	if (w->prev == NULL)
		vm->first = node;
	if (w->next == NULL)
		vm->last = node;
	*w->link = node;
	retrace(w, w->next);
}

void ntvm__index_insert(ntvm *vm, struct ntvm__res *node)
{
	walk_t w;
	w.link = descend(vm, &w, node->base, false);
	ntvm__index_insert_at(vm, &w, node);
}

void ntvm__index_remove(ntvm *vm, struct ntvm__res *node)
{
	if (vm->hint == node)
		vm->hint = NULL;
	walk_t w;
	struct ntvm__res **link = descend(vm, &w, node->base, true);
	if (*link) {
		bool done;
		const struct ntvm__res *pending = remove_here(vm, &w, link, &done);
		if (!done)
			retrace(&w, pending);
	}
	node->left = node->right = NULL;
}

struct build {
	struct ntvm__res *(*next)(void *ctx);
	void *ctx;
	struct ntvm__res *first, *prev; /* the first and the last node produced */
	bool failed;
};

/* The subtree of the next n nodes, the left one taking n / 2 of them; when
 * next fails, what was produced so far (still linked). */
static struct ntvm__res *build(struct build *b, size_t n)
{
	if (n == 0 || b->failed)
		return NULL;
	struct ntvm__res *left = build(b, n / 2);
	struct ntvm__res *node = b->failed ? NULL : b->next(b->ctx);
	if (node == NULL) {
		b->failed = true;
		return left;
	}
	node->gap_before = gap_after(b->prev, node->base);
	if (b->prev == NULL)
		b->first = node;
	b->prev = node;
	node->left = left;
	node->right = build(b, n - 1 - n / 2);
	update(node);
	return node;
}

bool ntvm__index_build(ntvm *vm, size_t count, struct ntvm__res *(*next)(void *ctx), void *ctx)
{
	struct build b = { .next = next, .ctx = ctx };
	vm->root = build(&b, count);
	vm->first = b.first;
	vm->last = b.prev;
	return !b.failed;
}

struct ntvm__res *ntvm__lookup(const ntvm *vm, uint64_t address)
{
	struct ntvm__res *hint = vm->hint;
	if (hint && address - hint->base < hint->size)
		return hint;
	struct ntvm__res *r = ntvm__index_containing(vm->root, address);
	if (r)
		((ntvm *) vm)->hint = r; /* a cache, not state: const callers may refresh it */
	return r;
}

void ntvm__index_resized(ntvm *vm, struct ntvm__res *node)
{
	set_gap(vm, node);
	set_gap(vm, ntvm__index_gt(vm->root, node->base));
}

/* ------------------------------------------------------------------ */
/* find-free                                                            */
/* ------------------------------------------------------------------ */
struct search {
	uint64_t size, alignment, lowest, highest;
	bool top_down;
};

/* The best base for the query inside the free range [start, end), or 0. */
static uint64_t fit(const struct search *s, uint64_t start, uint64_t end)
{
	uint64_t lo = start > s->lowest ? start : s->lowest;
	uint64_t hi = end < s->highest + 1 ? end : s->highest + 1;
	lo = ntvm__align_up(lo, s->alignment);
	if (lo >= hi || hi - lo < s->size)
		return 0;
	if (!s->top_down)
		return lo;
	return ntvm__align_down(hi - s->size, s->alignment);
}

static uint64_t node_gap_fit(const struct search *s, const struct ntvm__res *n)
{
	if (n->gap_before == 0)
		return 0;
	uint64_t end = ntvm__align_down(n->base, GRANULE);
	return fit(s, end - ((uint64_t) n->gap_before << NTVM__GRANULE_SHIFT), end);
}

/* Can t's subtree, whose gaps all lie inside [lo, hi), hold an answer? */
static bool worth_entering(const struct search *s, const struct ntvm__res *t, uint64_t lo, uint64_t hi)
{
	return t != NULL && ((uint64_t) t->max_gap << NTVM__GRANULE_SHIFT) >= s->size &&
	       hi > s->lowest && lo <= s->highest;
}

/* In-order search (reverse order top-down) of the subtree t, whose gaps lie
 * inside [lo, hi), without recursion: the stack holds the nodes whose near
 * side is being searched; popping one checks its own gap, then its far
 * subtree.  An AVL tree of 2^48 nodes is less than 70 high. */
static uint64_t search(const struct search *s, const struct ntvm__res *t, uint64_t lo, uint64_t hi)
{
	struct {
		const struct ntvm__res *t;
		uint64_t lo, hi;
	} stack[96];
	int depth = 0;
	for (;;) {
		while (worth_entering(s, t, lo, hi)) {
			stack[depth].t = t;
			stack[depth].lo = lo;
			stack[depth++].hi = hi;
			if (s->top_down) {
				lo = ntvm__res_end(t);
				t = t->right;
			} else {
				hi = t->base;
				t = t->left;
			}
		}
		if (depth == 0)
			return 0;
		depth--;
		const struct ntvm__res *n = stack[depth].t;
		uint64_t found = node_gap_fit(s, n);
		if (found)
			return found;
		if (s->top_down) {
			t = n->left;
			lo = stack[depth].lo;
			hi = n->base;
		} else {
			t = n->right;
			lo = ntvm__res_end(n);
			hi = stack[depth].hi;
		}
	}
}

uint64_t ntvm__index_find_free(const ntvm *vm, uint64_t size, uint64_t alignment,
                               uint64_t lowest, uint64_t highest, bool top_down)
{
	if (size == 0 || alignment < NTVM_PAGE_SIZE || (alignment & (alignment - 1)))
		return 0;
	struct search s = { size, alignment, lowest < NTVM_MIN_ADDRESS ? NTVM_MIN_ADDRESS : lowest,
	                    highest > vm->max_address ? vm->max_address : highest, top_down };
	if (s.lowest > s.highest)
		return 0;
	struct ntvm__res *first = vm->first, *last = vm->last;
	if (vm->root == NULL)
		return fit(&s, NTVM_MIN_ADDRESS, vm->max_address + 1);
	uint64_t head_end = ntvm__align_down(first->base, GRANULE);
	uint64_t tail_start = ntvm__align_up(ntvm__res_end(last), GRANULE);
	uint64_t found;
	if ((found = fit(&s, top_down ? tail_start : NTVM_MIN_ADDRESS,
	                 top_down ? vm->max_address + 1 : head_end)))
		return found;
	if ((found = search(&s, vm->root, NTVM_MIN_ADDRESS, vm->max_address + 1)))
		return found;
	return fit(&s, top_down ? NTVM_MIN_ADDRESS : tail_start,
	           top_down ? head_end : vm->max_address + 1);
}
