/*
 * replay_check.c -- which statements must leave the address space unchanged,
 * and which part of it their contents check covers.
 *
 * The rule (docs/replay.md): a call that fails changes nothing; queries and
 * reads never change anything, except that a guard fault clears PAGE_GUARD on
 * the faulting page; a faulting write leaves the bytes before the fault
 * written.  The region walk and the statistics cover the whole address space;
 * contents are hashed in the window a statement can reach: the granules of
 * its range widened to every allocation the range touches (alloc, free,
 * protect), or the pages it accesses (read, write).
 */
#include "replay_internal.h"

#include <stdio.h>
#include <string.h>

#define PAGE NTVM_PAGE_SIZE
#define GRANULE NTVM_ALLOCATION_GRANULARITY

static uint64_t round_up_sat(uint64_t v, uint64_t align)
{
	return v > UINT64_MAX - (align - 1) ? UINT64_MAX & ~(align - 1) : (v + align - 1) & ~(align - 1);
}

static uint64_t end_sat(uint64_t addr, uint64_t size)
{
	return size > UINT64_MAX - addr ? UINT64_MAX : addr + size;
}

/* Widen [*lo, *hi) to every allocation it touches. */
static void widen(const replay_state *before, uint64_t *lo, uint64_t *hi)
{
	for (size_t i = 0; i < before->count; i++) {
		const replay_region *r = &before->regions[i];
		if (r->start >= *hi || r->start + r->length <= *lo)
			continue;
		if (r->allocation_base < *lo)
			*lo = r->allocation_base;
		if (r->allocation_base + r->allocation_length > *hi)
			*hi = r->allocation_base + r->allocation_length;
	}
}

void replay_window(const struct ntvm_trace_stmt *stmt, const struct replay_args *a,
                   const replay_state *before, uint64_t *lo, uint64_t *hi)
{
	switch (stmt->op) {
	case NTVM_OP_QUERY:
	case NTVM_OP_SECTION:
	case NTVM_OP_EXTEND:
	case NTVM_OP_CLOSE:
		*lo = *hi = 0;
		return;
	case NTVM_OP_READ:
	case NTVM_OP_WRITE:
		*lo = a->addr & ~(PAGE - 1);
		*hi = round_up_sat(end_sat(a->addr, a->size), PAGE);
		return;
	default:
		*lo = a->addr & ~(GRANULE - 1);
		*hi = round_up_sat(end_sat(a->addr, a->size ? a->size : 1), GRANULE);
		widen(before, lo, hi);
		return;
	}
}

bool replay_must_not_change(const struct ntvm_trace_stmt *stmt, const struct replay_raw *raw)
{
	/* Creating or closing a section never changes the address space. */
	if (stmt->op == NTVM_OP_QUERY || stmt->op == NTVM_OP_READ || stmt->op == NTVM_OP_SECTION ||
	    stmt->op == NTVM_OP_CLOSE)
		return true;
	/* An image view away from its base is a success (STATUS_IMAGE_NOT_AT_BASE). */
	if (stmt->op == NTVM_OP_MAP)
		return !replay_nt_success(raw->status);
	return raw->status != NTVM_STATUS_SUCCESS;
}

void replay_why_add(char *why, size_t size, const char *text)
{
	size_t used = strlen(why);
	if (used)
		snprintf(why + used, size - used, "; %s", text);
	else
		snprintf(why, size, "%s", text);
}
