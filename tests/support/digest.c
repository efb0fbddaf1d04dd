/*
 * digest.c -- FNV-1a over the observable state of a manager, using only the
 * public API.  It walks the detailed regions (reserved runs split by their
 * last protection, so that hidden state counts too), not pages, so it costs
 * O(regions) queries plus the committed bytes.
 */
#include "digest.h"

#include <string.h>

static uint64_t mix(uint64_t h, const void *data, size_t size)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < size; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t mix_u64(uint64_t h, uint64_t v)
{
	return mix(h, &v, sizeof v);
}

/* A page, eight bytes per step (FNV-1a over words). */
static uint64_t mix_words(uint64_t h, const unsigned char *page)
{
	for (size_t i = 0; i < NTVM_PAGE_SIZE; i += 8) {
		uint64_t w;
		memcpy(&w, page + i, sizeof w);
		h = (h ^ w) * 0x100000001b3ull;
	}
	return h;
}

static uint64_t mix_region(uint64_t h, const ntvm_region_info *ri)
{
	h = mix_u64(h, ri->start);
	h = mix_u64(h, ri->length);
	h = mix_u64(h, ri->allocation_base);
	h = mix_u64(h, ri->allocation_length);
	h = mix_u64(h, (uint64_t) ri->is_reserved << 1 | ri->is_committed);
	h = mix_u64(h, (uint64_t) ri->initial_perm << 16 | (uint64_t) ri->perm << 8 | ri->kind);
	return h;
}

static uint64_t mix_contents(uint64_t h, const ntvm *vm, const ntvm_region_info *ri)
{
	static unsigned char page[NTVM_PAGE_SIZE];
	for (uint64_t off = 0; off < ri->length; off += NTVM_PAGE_SIZE) {
		if (!ntvm_try_read(vm, ri->start + off, page, sizeof page))
			return mix_u64(h, 0xBADull);
		h = mix_words(h, page);
	}
	return h;
}

uint64_t ntvm_test_digest(const ntvm *vm)
{
	uint64_t h = 0xcbf29ce484222325ull;
	ntvm_stats st;
	ntvm_get_stats(vm, &st);
	h = mix_u64(h, st.reserved_bytes);
	h = mix_u64(h, st.committed_bytes);
	h = mix_u64(h, st.reservation_count);
	h = mix_u64(h, ntvm_layout_version(vm));
	h = mix_u64(h, ntvm_get_default_allocation_address(vm));
	h = mix_u64(h, ntvm_get_dep(vm));
	uint64_t max = ntvm_max_address(vm);
	for (uint64_t a = 0; a <= max;) {
		ntvm_region_info ri;
		ntvm_perm last = 0;
		if (ntvm_region_info_at_detailed(vm, a, &ri, &last) != NTVM_OK || ri.length == 0)
			return mix_u64(h, 0xDEADull);
		h = mix_region(h, &ri);
		h = mix_u64(h, last);
		if (ri.is_committed && ri.kind != NTVM_KIND_MMIO)
			h = mix_contents(h, vm, &ri);
		a = ri.start + ri.length;
	}
	return h;
}
