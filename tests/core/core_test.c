/*
 * core_test.c -- the failing-backend wrapper of core_test.h.  The inner
 * backend is a fresh embedded backend (an internal of core/src), so the
 * wrapper reuses the real page store and the invariant checker's view.
 */
#include "core_test.h"

#include "manager.h"

static bool should_fail(struct faulty *f)
{
	f->calls++;
	return f->fail_at && f->calls == f->fail_at;
}

static int f_map(void *ctx, uint64_t address, uint64_t size, ntvm_perm effective)
{
	struct faulty *f = ctx;
	f->maps++;
	if (should_fail(f))
		return -1;
	return f->inner.map(f->inner.ctx, address, size, effective);
}

static void f_unmap(void *ctx, uint64_t address, uint64_t size)
{
	struct faulty *f = ctx;
	f->unmaps++;
	f->inner.unmap(f->inner.ctx, address, size);
}

static int f_protect(void *ctx, uint64_t address, uint64_t size, ntvm_perm effective)
{
	struct faulty *f = ctx;
	f->protects++;
	if (should_fail(f))
		return -1;
	return f->inner.protect(f->inner.ctx, address, size, effective);
}

static int f_read(void *ctx, uint64_t address, void *data, size_t size)
{
	struct faulty *f = ctx;
	return f->inner.read(f->inner.ctx, address, data, size);
}

static int f_write(void *ctx, uint64_t address, const void *data, size_t size)
{
	struct faulty *f = ctx;
	if (should_fail(f))
		return -1;
	return f->inner.write(f->inner.ctx, address, data, size);
}

static int f_map_mmio(void *ctx, uint64_t address, uint64_t size, ntvm_mmio_read_fn read,
                      ntvm_mmio_write_fn write, void *user)
{
	struct faulty *f = ctx;
	if (should_fail(f))
		return -1;
	return f->inner.map_mmio(f->inner.ctx, address, size, read, write, user);
}

ntvm *faulty_create(struct faulty *f, const ntvm_config *config)
{
	*f = (struct faulty){ 0 };
	if (!ntvm__backend_mem_create(&f->inner))
		return NULL;
	ntvm_backend b = { f, f_map, f_unmap, f_protect, f_read, f_write, f_map_mmio, NULL, NULL };
	ntvm_config cfg = config ? *config : (ntvm_config){ 0 };
	cfg.backend = &b;
	ntvm *vm = ntvm_create(&cfg);
	if (vm == NULL)
		f->inner.destroy(f->inner.ctx);
	return vm;
}

void faulty_destroy(ntvm *vm, struct faulty *f)
{
	ntvm_destroy(vm);
	f->inner.destroy(f->inner.ctx);
}
