/*
 * backend_unicorn.c -- the ntvm_backend callbacks over a unicorn engine.
 *
 * map: fresh zeroed host pages (mmap), mapped with uc_mem_map_ptr and merged
 * with adjacent regions where guest and host memory continue.  protect:
 * the affected regions are re-cut and merged (unicorn_regions.c).  unmap:
 * uc_mem_unmap (unicorn splits map_ptr regions without copying), then the
 * host pages go back to the system.  read/write: uc_mem_read/uc_mem_write,
 * which ignore protection (the host's view) and keep unicorn's translated
 * code coherent.  map_shared (section views): the manager's host pages are
 * mapped the same way but marked borrowed, so that unmapping never gives
 * them back; two views of one section are two unicorn regions over the
 * same host bytes.  MMIO: uc_mmio_map with adapters that call the manager's
 * callbacks with absolute addresses.  The effective permission maps to
 * UC_PROT_*; execute-only becomes read+execute, as on x86 and in
 * ntvm_nt_access.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE */
#include "ntvm_unicorn.h"
#include "unicorn_regions.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static uint32_t uc_prot_of(ntvm_perm effective)
{
	uint32_t prot = UC_PROT_NONE;
	if (effective & (NTVM_PERM_READ | NTVM_PERM_WRITE | NTVM_PERM_EXEC))
		prot |= UC_PROT_READ;
	if (effective & NTVM_PERM_WRITE)
		prot |= UC_PROT_WRITE;
	if (effective & NTVM_PERM_EXEC)
		prot |= UC_PROT_EXEC;
	return prot;
}

/* Map [address, address + size) onto host, merged with mergeable neighbours. */
static bool map_host(struct ucb *b, uint64_t address, uint64_t size, ntvm_perm effective, uint8_t *host,
                     bool borrowed)
{
	struct ucb_region pieces[3];
	size_t n = 0, first = ucb_first_after(b, address), n_old = 0;
	struct ucb_region fresh = { address, size, host, uc_prot_of(effective), NULL, borrowed };
	if (first > 0 && ucb_mergeable(&b->regs[first - 1], &fresh)) {
		pieces[n++] = b->regs[--first];
		n_old++;
	}
	pieces[n++] = fresh;
	if (first + n_old < b->count && ucb_mergeable(&fresh, &b->regs[first + n_old])) {
		pieces[n++] = b->regs[first + n_old];
		n_old++;
	}
	n = ucb_merge(pieces, n);
	return ucb_replace(b, first, n_old, pieces, n);
}

static int ucb_map(void *ctx, uint64_t address, uint64_t size, ntvm_perm effective)
{
	void *host = mmap(NULL, size, PROT_READ | PROT_WRITE,
	                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (host == MAP_FAILED)
		return -1;
	if (!map_host(ctx, address, size, effective, host, false)) {
		munmap(host, size);
		return -1;
	}
	return 0;
}

static int ucb_map_shared(void *ctx, uint64_t address, uint64_t size, ntvm_perm effective, void *host)
{
	return map_host(ctx, address, size, effective, host, true) ? 0 : -1;
}

/* Give back the host pages (or MMIO record) of the part of r inside
 * [address, end). */
static void release_part(const struct ucb_region *r, uint64_t address, uint64_t end)
{
	uint64_t lo = r->start > address ? r->start : address;
	uint64_t hi = r->start + r->size < end ? r->start + r->size : end;
	if (r->host != NULL) {
		if (!r->borrowed)
			munmap(r->host + (lo - r->start), hi - lo);
	} else {
		free(r->mmio);
	}
}

static void ucb_unmap(void *ctx, uint64_t address, uint64_t size)
{
	struct ucb *b = ctx;
	uint64_t end = address + size;
	size_t first = ucb_first_after(b, address), last = first;
	while (last < b->count && b->regs[last].start < end)
		last++;
	if (last == first)
		return;
	struct ucb_region keep[2];
	size_t n = 0;
	const struct ucb_region *lo = &b->regs[first], *hi = &b->regs[last - 1];
	if (lo->start < address)
		keep[n++] = (struct ucb_region){ lo->start, address - lo->start, lo->host, lo->prot,
			                         lo->mmio, lo->borrowed };
	if (hi->start + hi->size > end)
		keep[n++] = (struct ucb_region){ end, hi->start + hi->size - end,
			                         hi->host ? hi->host + (end - hi->start) : NULL,
			                         hi->prot, hi->mmio, hi->borrowed };
	(void)uc_ctl_remove_cache(b->uc, address, end);
	(void)uc_mem_unmap(b->uc, address, size);
	for (size_t i = first; i < last; i++)
		release_part(&b->regs[i], address, end);
	ucb_splice(b, first, last - first, keep, n);
}

/* Whether regs[first, last) are committed memory covering [address, end)
 * without a hole. */
static bool covers(const struct ucb *b, size_t first, size_t last, uint64_t address,
                   uint64_t end)
{
	uint64_t at = address;
	for (size_t i = first; i < last; i++) {
		if (b->regs[i].host == NULL || b->regs[i].start > at)
			return false;
		at = b->regs[i].start + b->regs[i].size;
	}
	return at >= end;
}

/* Append to pieces the parts of r outside / inside [address, end), the
 * inside part with prot. */
static size_t cut(const struct ucb_region *r, uint64_t address, uint64_t end, uint32_t prot,
                  struct ucb_region *pieces)
{
	size_t n = 0;
	uint64_t r_end = r->start + r->size;
	uint64_t lo = r->start > address ? r->start : address;
	uint64_t hi = r_end < end ? r_end : end;
	if (hi <= lo) {
		pieces[n++] = *r;
		return n;
	}
	if (r->start < lo)
		pieces[n++] = (struct ucb_region){ r->start, lo - r->start, r->host, r->prot, NULL, r->borrowed };
	pieces[n++] = (struct ucb_region){ lo, hi - lo, r->host + (lo - r->start), prot, NULL, r->borrowed };
	if (hi < r_end)
		pieces[n++] = (struct ucb_region){ hi, r_end - hi, r->host + (hi - r->start), r->prot,
			                           NULL, r->borrowed };
	return n;
}

/* Committed regions touching each other: candidates for a merge. */
static bool adjacent(const struct ucb_region *a, const struct ucb_region *b)
{
	return a->host != NULL && b->host != NULL && a->start + a->size == b->start;
}

static int ucb_protect(void *ctx, uint64_t address, uint64_t size, ntvm_perm effective)
{
	struct ucb *b = ctx;
	uint64_t end = address + size;
	size_t first = ucb_first_after(b, address), last = first;
	while (last < b->count && b->regs[last].start < end)
		last++;
	if (!covers(b, first, last, address, end))
		return -1;
	if (first > 0 && adjacent(&b->regs[first - 1], &b->regs[first]))
		first--;
	if (last < b->count && adjacent(&b->regs[last - 1], &b->regs[last]))
		last++;
	struct ucb_region *pieces = malloc((last - first) * 3 * sizeof *pieces);
	if (pieces == NULL)
		return -1;
	size_t n = 0;
	for (size_t i = first; i < last; i++)
		n += cut(&b->regs[i], address, end, uc_prot_of(effective), pieces + n);
	n = ucb_merge(pieces, n);
	bool ok = ucb_replace(b, first, last - first, pieces, n);
	free(pieces);
	/* code translated while the pages were executable must not run on */
	if (ok)
		(void)uc_ctl_remove_cache(b->uc, address, end);
	return ok ? 0 : -1;
}

static int ucb_read(void *ctx, uint64_t address, void *data, size_t size)
{
	struct ucb *b = ctx;
	return uc_mem_read(b->uc, address, data, size) == UC_ERR_OK ? 0 : -1;
}

static int ucb_write(void *ctx, uint64_t address, const void *data, size_t size)
{
	struct ucb *b = ctx;
	return uc_mem_write(b->uc, address, data, size) == UC_ERR_OK ? 0 : -1;
}

/* Unicorn passes MMIO values as little-endian integers of `size` bytes;
 * the host is little-endian (x86-64), so the bytes are the value's first. */
static uint64_t mmio_read(uc_engine *uc, uint64_t offset, unsigned size, void *user)
{
	struct ucb_mmio *m = user;
	uint64_t value = 0;
	if (m->read)
		m->read(m->user, m->base + offset, &value, size > 8 ? 8 : size);
	return value;
}

static void mmio_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *user)
{
	struct ucb_mmio *m = user;
	if (m->write)
		m->write(m->user, m->base + offset, &value, size > 8 ? 8 : size);
}

static int ucb_map_mmio(void *ctx, uint64_t address, uint64_t size, ntvm_mmio_read_fn read,
                        ntvm_mmio_write_fn write, void *user)
{
	struct ucb *b = ctx;
	if (b->count + 1 > b->max_regions || !ucb_reserve(b, b->count + 1))
		return -1;
	struct ucb_mmio *m = malloc(sizeof *m);
	if (m == NULL)
		return -1;
	*m = (struct ucb_mmio){ address, read, write, user };
	if (uc_mmio_map(b->uc, address, size, mmio_read, m, mmio_write, m) != UC_ERR_OK) {
		free(m);
		return -1;
	}
	struct ucb_region r = { address, size, NULL, UC_PROT_READ | UC_PROT_WRITE, m, false };
	ucb_splice(b, ucb_first_after(b, address), 0, &r, 1);
	return 0;
}

static void ucb_destroy(void *ctx)
{
	struct ucb *b = ctx;
	while (b->count > 0)
		ucb_unmap(b, b->regs[0].start, b->regs[0].size);
	free(b->regs);
	free(b);
}

bool ntvm_unicorn_backend_init(ntvm_backend *out, uc_engine *uc, size_t max_regions)
{
	struct ucb *b = calloc(1, sizeof *b);
	if (b == NULL)
		return false;
	b->uc = uc;
	b->max_regions = max_regions ? max_regions : NTVM_UNICORN_DEFAULT_MAX_REGIONS;
	if (!ucb_reserve(b, 0)) {
		free(b);
		return false;
	}
	*out = (ntvm_backend){ .ctx = b, .map = ucb_map, .unmap = ucb_unmap,
		               .protect = ucb_protect, .read = ucb_read, .write = ucb_write,
		               .map_mmio = ucb_map_mmio, .destroy = ucb_destroy,
		               .map_shared = ucb_map_shared };
	return true;
}

size_t ntvm_unicorn_region_count(const ntvm_backend *backend)
{
	const struct ucb *b = backend->ctx;
	return b->count;
}
