/*
 * target_model.c -- the bench target interface on the oracle model
 * (oracle/model.h), the deliberately simple second implementation.  The
 * model keeps no metadata statistic (metadata_bytes is 0).
 */
#include <stdlib.h>

#include "bench.h"
#include "model.h"

static void *t_create(void)
{
	model *m = malloc(sizeof *m);
	if (m && !model_init(m, NTVM_ADDRESS_64, NTVM_BEHAVIOUR_WINDOWS)) {
		free(m);
		return NULL;
	}
	return m;
}

static void t_destroy(void *t)
{
	model_fini(t);
	free(t);
}

static ntvm_ntstatus t_nt_alloc(void *t, uint64_t *base, uint64_t *size, uint32_t type,
                                uint32_t protect)
{
	return model_nt_allocate(t, base, 0, size, type, protect);
}

static ntvm_ntstatus t_nt_free(void *t, uint64_t *base, uint64_t *size, uint32_t type)
{
	return model_nt_free(t, base, size, type);
}

static ntvm_ntstatus t_nt_protect(void *t, uint64_t *base, uint64_t *size, uint32_t protect,
                                  uint32_t *old_protect)
{
	return model_nt_protect(t, base, size, protect, old_protect);
}

static ntvm_ntstatus t_nt_query(void *t, uint64_t address, ntvm_memory_basic_information *mbi)
{
	return model_nt_query(t, address, mbi);
}

static ntvm_ntstatus t_nt_access(void *t, uint64_t address, void *data, size_t length,
                                 uint32_t access, uint64_t *fault_address)
{
	return model_nt_access(t, address, data, length, access, fault_address);
}

static ntvm_status t_allocate_at(void *t, uint64_t base, uint64_t size, ntvm_perm perm,
                                 bool reserve_only)
{
	return model_allocate_at(t, base, size, perm, reserve_only, NTVM_KIND_PRIVATE);
}

static ntvm_status t_commit(void *t, uint64_t address, uint64_t size, ntvm_perm perm)
{
	return model_commit(t, address, size, perm);
}

static ntvm_status t_protect(void *t, uint64_t address, uint64_t size, ntvm_perm perm)
{
	return model_protect(t, address, size, perm, NULL);
}

static void t_stats(void *t, ntvm_stats *out)
{
	model_get_stats(t, out);
}

static const bench_ops model_ops = {
	.name = "model",
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

const bench_ops *bench_model_ops(void)
{
	return &model_ops;
}
