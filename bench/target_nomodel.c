/*
 * target_nomodel.c -- built instead of target_model.c when the tree has no
 * oracle model (oracle/model.h): model figures are then printed as "n/a".
 */
#include "bench.h"

const bench_ops *bench_model_ops(void)
{
	return NULL;
}
