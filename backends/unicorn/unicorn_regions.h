/*
 * unicorn_regions.h -- the backend's mirror of the regions it has mapped in
 * unicorn, sorted by address, and the one operation that changes them:
 * replace a run of regions by new pieces, in unicorn and in the mirror.
 * Internal to backends/unicorn.
 */
#ifndef NTVM_UNICORN_REGIONS_H
#define NTVM_UNICORN_REGIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <unicorn/unicorn.h>

#include <ntvm/ntvm.h>

/* The MMIO callbacks of one region, with its base for absolute addresses. */
struct ucb_mmio {
	uint64_t base;
	ntvm_mmio_read_fn read;
	ntvm_mmio_write_fn write;
	void *user;
};

struct ucb_region {
	uint64_t start;
	uint64_t size;
	uint8_t *host;         /* committed memory; NULL for MMIO */
	uint32_t prot;         /* UC_PROT_* */
	struct ucb_mmio *mmio; /* MMIO only */
	bool borrowed;         /* host is a section's memory (map_shared): never freed here */
};

struct ucb {
	uc_engine *uc;
	struct ucb_region *regs;
	size_t count;
	size_t capacity; /* always > count, so that an unmap never allocates */
	size_t max_regions;
};

/* Index of the first region ending after address (count if none). */
size_t ucb_first_after(const struct ucb *b, uint64_t address);

/* True when a and b can be one unicorn region: adjacent in guest and host
 * memory, both committed memory, same protection, both owned or both
 * borrowed. */
bool ucb_mergeable(const struct ucb_region *a, const struct ucb_region *b);

/* Merge mergeable neighbours of pieces[0..n) in place; returns the new n. */
size_t ucb_merge(struct ucb_region *pieces, size_t n);

/*
 * Replace regs[first, first+n_old) by pieces[0..n_new) (committed memory,
 * sorted, covering what the caller wants there).  Identical leading and
 * trailing regions are left alone.  Fails (changing nothing) when the
 * region limit or an allocation refuses, or unicorn does.
 */
bool ucb_replace(struct ucb *b, size_t first, size_t n_old, const struct ucb_region *pieces,
                 size_t n_new);

/* Replace regs[first, first+n_old) by pieces in the mirror only; the
 * capacity must suffice (n_new <= n_old + 1). */
void ucb_splice(struct ucb *b, size_t first, size_t n_old, const struct ucb_region *pieces,
                size_t n_new);

/* Make room for one more region than now; false when out of memory. */
bool ucb_reserve(struct ucb *b, size_t count);

#endif
