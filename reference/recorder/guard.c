/*
 * guard.c -- keeps a trace from touching memory it did not allocate.  The
 * recorder runs inside the process it measures: a script (or a trace a fuzzer
 * produced) that frees, protects, commits or writes Wine's own memory would
 * corrupt the recorder and every trace recorded after it.  Before such a
 * statement the range is walked with queries; a region that is neither free
 * nor part of an allocation the trace owns stops the trace with a clear
 * error.  Addresses outside the user range are left alone: the real call
 * rejects them, and recording that rejection is the point of edge scripts.
 */
#include "ntvm/ntdefs.h"
#include "recorder.h"

#define USER_LOW 0x10000ull
#define USER_HIGH 0x7ffffffeffffull
#define MAX_REGIONS 256

static int owned(const struct rec_owner *o, uint64_t alloc_base)
{
	if (alloc_base >= o->arena_base && alloc_base - o->arena_base < o->arena_size)
		return 1;
	for (size_t i = 0; i < o->nowned; i++)
		if (o->owned[i] && o->owned[i] == alloc_base)
			return 1;
	return 0;
}

int rec_guard_foreign(const struct rec_nt *nt, const struct rec_owner *o, uint64_t a,
                      uint64_t len, uint64_t *foreign)
{
	uint64_t end = len > USER_HIGH ? USER_HIGH + 1 : a + len;

	if (a < USER_LOW || a > USER_HIGH)
		return 0;
	if (end > USER_HIGH + 1 || end <= a)
		end = USER_HIGH + 1;
	for (int i = 0; i < MAX_REGIONS && a < end; i++) {
		ntvm_memory_basic_information mbi;
		size_t got = 0;
		uint64_t next;
		if (nt->query((void *)(intptr_t)-1, (void *)(uintptr_t)a, 0, &mbi, sizeof mbi, &got) != 0)
			return 0;
		if (mbi.State != NTVM_MEM_FREE && !owned(o, mbi.AllocationBase)) {
			*foreign = mbi.AllocationBase;
			return 1;
		}
		next = mbi.BaseAddress + mbi.RegionSize;
		if (next <= a)
			return 0;
		a = next;
	}
	return 0;
}
