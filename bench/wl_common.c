/*
 * wl_common.c -- set-up helpers shared by the workloads.
 */
#include "bench.h"

bool bench_target_open(bench_target *bt, const bench_ops *ops)
{
	bt->ops = ops;
	bt->t = ops->create();
	return bt->t != NULL;
}

void bench_target_close(bench_target *bt)
{
	if (bt->t)
		bt->ops->destroy(bt->t);
	bt->t = NULL;
}

void *bench_target_of(void *state)
{
	return ((bench_target *) state)->t;
}

uint64_t bench_nt_reserve_commit(const bench_target *bt)
{
	uint64_t base = 0, size = BENCH_GRANULE;
	if (bt->ops->nt_alloc(bt->t, &base, &size, NTVM_MEM_RESERVE, NTVM_PAGE_READWRITE))
		return 0;
	uint64_t page = base, psize = BENCH_PAGE;
	if (bt->ops->nt_alloc(bt->t, &page, &psize, NTVM_MEM_COMMIT, NTVM_PAGE_READWRITE))
		return 0;
	return base;
}
