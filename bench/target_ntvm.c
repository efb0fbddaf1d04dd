/*
 * target_ntvm.c -- the bench target interface on the ntvm library itself:
 * thin forwards to <ntvm/nt.h> and <ntvm/ntvm.h>, so both targets pay the
 * same indirect call.  A second variant runs ntvm over a backend whose calls
 * do nothing (and whose pages read as zeros): the difference between the two
 * is what the embedded backend costs.
 */
#include <string.h>

#include "bench.h"

static void *t_create(void)
{
	return ntvm_create(NULL);
}

static int null_map(void *ctx, uint64_t address, uint64_t size, ntvm_perm effective)
{
	return 0;
}

static void null_unmap(void *ctx, uint64_t address, uint64_t size)
{
}

static int null_read(void *ctx, uint64_t address, void *data, size_t size)
{
	memset(data, 0, size);
	return 0;
}

static int null_write(void *ctx, uint64_t address, const void *data, size_t size)
{
	return 0;
}

static const ntvm_backend null_backend = {
	.map = null_map,
	.unmap = null_unmap,
	.protect = null_map,
	.read = null_read,
	.write = null_write,
};

static void *t_create_null(void)
{
	ntvm_config cfg = { .backend = &null_backend };
	return ntvm_create(&cfg);
}

static void t_destroy(void *t)
{
	ntvm_destroy(t);
}

static ntvm_ntstatus t_nt_alloc(void *t, uint64_t *base, uint64_t *size, uint32_t type,
                                uint32_t protect)
{
	return ntvm_nt_allocate_virtual_memory(t, base, 0, size, type, protect);
}

static ntvm_ntstatus t_nt_free(void *t, uint64_t *base, uint64_t *size, uint32_t type)
{
	return ntvm_nt_free_virtual_memory(t, base, size, type);
}

static ntvm_ntstatus t_nt_protect(void *t, uint64_t *base, uint64_t *size, uint32_t protect,
                                  uint32_t *old_protect)
{
	return ntvm_nt_protect_virtual_memory(t, base, size, protect, old_protect);
}

static ntvm_ntstatus t_nt_query(void *t, uint64_t address, ntvm_memory_basic_information *mbi)
{
	return ntvm_nt_query_virtual_memory(t, address, NTVM_MEMORY_BASIC_INFORMATION_CLASS, mbi,
	                                    sizeof *mbi, NULL);
}

static ntvm_ntstatus t_nt_access(void *t, uint64_t address, void *data, size_t length,
                                 uint32_t access, uint64_t *fault_address)
{
	return ntvm_nt_access(t, address, data, length, access, fault_address);
}

static ntvm_status t_allocate_at(void *t, uint64_t base, uint64_t size, ntvm_perm perm,
                                 bool reserve_only)
{
	return ntvm_allocate_at(t, base, size, perm, reserve_only, NTVM_KIND_PRIVATE);
}

static ntvm_status t_commit(void *t, uint64_t address, uint64_t size, ntvm_perm perm)
{
	return ntvm_commit(t, address, size, perm);
}

static ntvm_status t_protect(void *t, uint64_t address, uint64_t size, ntvm_perm perm)
{
	return ntvm_protect(t, address, size, perm, NULL);
}

static void t_stats(void *t, ntvm_stats *out)
{
	ntvm_get_stats(t, out);
}

const bench_ops bench_ntvm_ops = {
	.name = "ntvm",
	.create = t_create,
	.destroy = t_destroy,
	.nt_alloc = t_nt_alloc,
	.nt_free = t_nt_free,
	.nt_protect = t_nt_protect,
	.nt_query = t_nt_query,
	.nt_access = t_nt_access,
	.allocate_at = t_allocate_at,
	.commit = t_commit,
	.protect = t_protect,
	.stats = t_stats,
};

const bench_ops bench_ntvm_null_backend_ops = {
	.name = "ntvm-null-backend",
	.create = t_create_null,
	.destroy = t_destroy,
	.nt_alloc = t_nt_alloc,
	.nt_free = t_nt_free,
	.nt_protect = t_nt_protect,
	.nt_query = t_nt_query,
	.nt_access = t_nt_access,
	.allocate_at = t_allocate_at,
	.commit = t_commit,
	.protect = t_protect,
	.stats = t_stats,
};
