/*
 * replay_bind.c -- $n bindings and the checks on a base the system chose.
 *
 * No two systems choose the same base for an alloc with ADDR 0, so the
 * replayer cannot compare it with the recording.  It binds the file's $n to
 * the base ntvm chose and checks only what every correct system guarantees:
 * 64 KiB alignment, the range inside the user address space and below the
 * zero_bits limit, free before the call, and for MEM_TOP_DOWN the highest
 * place where it fits.
 */
#include "replay_internal.h"

#include <stdio.h>

#define GRANULE NTVM_ALLOCATION_GRANULARITY

bool replay_resolve(const struct ntvm_trace_env *env, const struct ntvm_trace_val *v,
                    uint64_t *out, char *why, size_t why_size)
{
	if (v->form == NTVM_FORM_BOUND &&
	    (v->bind == 0 || v->bind > env->nbinds || env->binds[v->bind - 1].size == 0)) {
		char text[64];
		snprintf(text, sizeof text, "$%u is not bound (its alloc did not succeed)",
		         (unsigned)v->bind);
		replay_why_add(why, why_size, text);
		return false;
	}
	return ntvm_trace_env_resolve(env, v, out) == 0;
}

bool replay_bind_at(struct ntvm_trace_env *env, uint32_t n, uint64_t base, uint64_t size)
{
	if (n == 0)
		return true;
	while (env->nbinds + 1 < n)
		if (ntvm_trace_env_bind(env, 0, 0) == 0)
			return false;
	if (env->nbinds >= n) {
		env->binds[n - 1].base = base;
		env->binds[n - 1].size = size;
		return true;
	}
	return ntvm_trace_env_bind(env, base, size) != 0;
}

/* The highest address a zero_bits value allows (Win64: above 31 a mask). */
static uint64_t zero_bits_limit(uint64_t zero_bits)
{
	if (zero_bits == 0)
		return UINT64_MAX;
	if (zero_bits < 32)
		return (1ull << (32 - zero_bits)) - 1;
	return UINT64_MAX >> __builtin_clzll(zero_bits);
}

/* The highest granule-aligned base b with [b, b + size) inside [lo, hi_excl)
 * and b + size - 1 <= top; 0 if none. */
static uint64_t highest_fit(uint64_t lo, uint64_t hi_excl, uint64_t size, uint64_t top)
{
	if (hi_excl <= lo)
		return 0;
	uint64_t last = hi_excl - 1 < top ? hi_excl - 1 : top;
	if (last < lo || last - lo + 1 < size)
		return 0;
	uint64_t b = (last - size + 1) & ~(GRANULE - 1);
	return b >= lo ? b : 0;
}

/* Where a correct MEM_TOP_DOWN allocation of size goes in the state before. */
static uint64_t top_down_base(const replay_state *before, uint64_t size, uint64_t top,
                              uint64_t max)
{
	for (size_t i = before->count + 1; i-- > 0;) {
		const replay_region *prev = i ? &before->regions[i - 1] : NULL;
		uint64_t lo = prev ? prev->start + prev->length : NTVM_MIN_ADDRESS;
		uint64_t hi = i < before->count ? before->regions[i].start : max + 1;
		uint64_t b = highest_fit(lo, hi, size, top);
		if (b)
			return b;
	}
	return 0;
}

/* Appends one failed guarantee to why. */
static bool fail(char *why, size_t size, const char *text)
{
	replay_why_add(why, size, text);
	return false;
}

bool replay_check_chosen_base(const ntvm *vm, const replay_state *before,
                              const struct replay_args *a, uint64_t base, uint64_t size,
                              char *why, size_t why_size)
{
	uint64_t max = ntvm_max_address(vm);
	uint64_t limit = zero_bits_limit(a->zero_bits);
	uint64_t top = limit < max ? limit : max;
	unsigned long long b = base, n = size;
	char text[200];
	if (base % GRANULE) {
		snprintf(text, sizeof text, "chosen base 0x%llx is not 64 KiB aligned", b);
		return fail(why, why_size, text);
	}
	if (size == 0 || base < NTVM_MIN_ADDRESS || base + size - 1 < base || base + size - 1 > max) {
		snprintf(text, sizeof text, "chosen range 0x%llx+0x%llx is outside the address space", b, n);
		return fail(why, why_size, text);
	}
	if (base + size - 1 > limit) {
		snprintf(text, sizeof text, "chosen range 0x%llx+0x%llx ends above the zero_bits limit 0x%llx",
		         b, n, (unsigned long long)limit);
		return fail(why, why_size, text);
	}
	if (!replay_state_range_free(before, base, size)) {
		snprintf(text, sizeof text, "chosen range 0x%llx+0x%llx overlaps a live allocation", b, n);
		return fail(why, why_size, text);
	}
	if (a->type & NTVM_MEM_TOP_DOWN) {
		uint64_t want = top_down_base(before, size, top, max);
		if (base != want) {
			snprintf(text, sizeof text, "MEM_TOP_DOWN chose 0x%llx, the highest free place is 0x%llx",
			         b, (unsigned long long)want);
			return fail(why, why_size, text);
		}
	}
	return true;
}
