/*
 * trace_ops.c -- the shape of each statement (names, argument and result
 * kinds) and the address environment: the $n bindings made while a trace
 * runs, how an address field resolves to an absolute value, and the
 * canonical form an absolute address is written in.
 */
#include <stdlib.h>
#include <string.h>

#include "trace_internal.h"

struct op_shape {
	const char *name;
	int min_args, max_args, nres;
	enum ntvm_trace_kind args[NTVM_TRACE_MAX_ARGS];
	enum ntvm_trace_kind res[NTVM_TRACE_MAX_RESULTS];
};

#define K(x) NTVM_KIND_##x

static const struct op_shape shapes[NTVM_OP_COUNT] = {
	[NTVM_OP_ALLOC] = { "alloc", 4, 5, 3,
		{ K(ADDR), K(SIZE), K(MEM_TYPE), K(PROT), K(ZERO_BITS) },
		{ K(STATUS), K(ADDR), K(SIZE) } },
	[NTVM_OP_FREE] = { "free", 3, 3, 3,
		{ K(ADDR), K(SIZE), K(MEM_TYPE) },
		{ K(STATUS), K(ADDR), K(SIZE) } },
	[NTVM_OP_PROTECT] = { "protect", 3, 3, 4,
		{ K(ADDR), K(SIZE), K(PROT) },
		{ K(STATUS), K(ADDR), K(SIZE), K(PROT) } },
	[NTVM_OP_QUERY] = { "query", 1, 1, 8,
		{ K(ADDR) },
		{ K(STATUS), K(ADDR), K(ADDR), K(PROT), K(SIZE), K(STATE), K(PROT),
		  K(REGION_TYPE) } },
	[NTVM_OP_READ] = { "read", 2, 2, 2,
		{ K(ADDR), K(LEN) },
		{ K(STATUS), K(BYTES) } },
	[NTVM_OP_WRITE] = { "write", 3, 3, 1,
		{ K(ADDR), K(LEN), K(BYTE) },
		{ K(STATUS) } },
	[NTVM_OP_SECTION] = { "section", 4, 5, 2,
		{ K(OPT_SIZE), K(PROT), K(SEC_ATTR), K(FILE), K(ACCESS) },
		{ K(STATUS), K(HANDLE) } },
	[NTVM_OP_MAP] = { "map", 9, 9, 4,
		{ K(HANDLE), K(ADDR), K(ZERO_BITS), K(SIZE), K(OPT_SIZE), K(SIZE), K(INHERIT),
		  K(MEM_TYPE), K(PROT) },
		{ K(STATUS), K(ADDR), K(OPT_SIZE), K(SIZE) } },
	[NTVM_OP_UNMAP] = { "unmap", 1, 1, 1,
		{ K(ADDR) },
		{ K(STATUS) } },
	[NTVM_OP_EXTEND] = { "extend", 2, 2, 2,
		{ K(HANDLE), K(SIZE) },
		{ K(STATUS), K(SIZE) } },
	[NTVM_OP_CLOSE] = { "close", 1, 1, 1,
		{ K(HANDLE) },
		{ K(STATUS) } },
};

const char *ntvm_trace_op_name(enum ntvm_trace_op op)
{
	return (unsigned)op < NTVM_OP_COUNT ? shapes[op].name : NULL;
}

int ntvm_trace_op_from_name(const char *name, size_t len)
{
	for (int i = 0; i < NTVM_OP_COUNT; i++)
		if (strlen(shapes[i].name) == len && memcmp(shapes[i].name, name, len) == 0)
			return i;
	return -1;
}

int ntvm_trace_op_min_args(enum ntvm_trace_op op)
{
	return (unsigned)op < NTVM_OP_COUNT ? shapes[op].min_args : 0;
}

int ntvm_trace_op_max_args(enum ntvm_trace_op op)
{
	return (unsigned)op < NTVM_OP_COUNT ? shapes[op].max_args : 0;
}

int ntvm_trace_op_results(enum ntvm_trace_op op)
{
	return (unsigned)op < NTVM_OP_COUNT ? shapes[op].nres : 0;
}

enum ntvm_trace_kind ntvm_trace_arg_kind(enum ntvm_trace_op op, int i)
{
	if ((unsigned)op >= NTVM_OP_COUNT || i < 0 || i >= shapes[op].max_args)
		return NTVM_KIND_COUNT;
	return shapes[op].args[i];
}

enum ntvm_trace_kind ntvm_trace_res_kind(enum ntvm_trace_op op, int i)
{
	if ((unsigned)op >= NTVM_OP_COUNT || i < 0 || i >= shapes[op].nres)
		return NTVM_KIND_COUNT;
	return shapes[op].res[i];
}

void ntvm_trace_env_init(struct ntvm_trace_env *env, uint64_t arena_base, uint64_t arena_size)
{
	memset(env, 0, sizeof *env);
	env->arena_base = arena_base;
	env->arena_size = arena_size;
}

void ntvm_trace_env_free(struct ntvm_trace_env *env)
{
	free(env->binds);
	env->binds = NULL;
	env->nbinds = env->cap = 0;
	free(env->handles);
	env->handles = NULL;
	env->nhandles = env->cap_handles = 0;
}

uint32_t ntvm_trace_env_bind_handle(struct ntvm_trace_env *env, uint64_t handle)
{
	if (env->nhandles == env->cap_handles) {
		uint32_t cap = env->cap_handles ? env->cap_handles * 2 : 16;
		uint64_t *p;

		if (cap < env->cap_handles)
			return 0;
		p = realloc(env->handles, cap * sizeof *p);
		if (!p)
			return 0;
		env->handles = p;
		env->cap_handles = cap;
	}
	env->handles[env->nhandles] = handle;
	return ++env->nhandles;
}

uint32_t ntvm_trace_env_bind(struct ntvm_trace_env *env, uint64_t base, uint64_t size)
{
	if (env->nbinds == env->cap) {
		uint32_t cap = env->cap ? env->cap * 2 : 16;
		struct ntvm_trace_binding *p;

		if (cap < env->cap)
			return 0;
		p = realloc(env->binds, cap * sizeof *p);
		if (!p)
			return 0;
		env->binds = p;
		env->cap = cap;
	}
	env->binds[env->nbinds].base = base;
	env->binds[env->nbinds].size = size;
	return ++env->nbinds;
}

int ntvm_trace_env_resolve(const struct ntvm_trace_env *env, const struct ntvm_trace_val *v,
                           uint64_t *out)
{
	switch (v->form) {
	case NTVM_FORM_ABS:
		*out = v->v;
		return 0;
	case NTVM_FORM_ARENA:
		*out = env->arena_base + v->v;
		return 0;
	case NTVM_FORM_BOUND:
		if (v->bind == 0 || v->bind > env->nbinds)
			return -1;
		*out = env->binds[v->bind - 1].base + v->v;
		return 0;
	case NTVM_FORM_HANDLE:
		if (v->bind == 0 || v->bind > env->nhandles)
			return -1;
		*out = env->handles[v->bind - 1];
		return 0;
	default:
		return -1;
	}
}

struct ntvm_trace_val ntvm_trace_env_canon(const struct ntvm_trace_env *env, uint64_t a)
{
	struct ntvm_trace_val v = { 0, NTVM_FORM_ABS, 0, a };

	for (uint32_t n = env->nbinds; n > 0; n--) {
		const struct ntvm_trace_binding *b = &env->binds[n - 1];
		if (a >= b->base && a - b->base < b->size) {
			v.form = NTVM_FORM_BOUND;
			v.bind = n;
			v.v = a - b->base;
			return v;
		}
	}
	if (a >= env->arena_base && a - env->arena_base < env->arena_size) {
		v.form = NTVM_FORM_ARENA;
		v.v = a - env->arena_base;
	}
	return v;
}
