/*
 * unicorn_fixture.c -- the unicorn/twin fixture of the unicorn tests.
 */
#include "unicorn_fixture.h"

#include "test.h"

bool fx_open(struct fx *f, size_t max_regions, bool dep_disabled)
{
	memset(f, 0, sizeof *f);
	if (uc_open(UC_ARCH_X86, UC_MODE_64, &f->uc) != UC_ERR_OK)
		return false;
	if (!ntvm_unicorn_backend_init(&f->backend, f->uc, max_regions))
		return false;
	ntvm_config cfg = { .backend = &f->backend, .dep_disabled = dep_disabled };
	f->vm = ntvm_create(&cfg);
	cfg.backend = NULL;
	f->twin = ntvm_create(&cfg);
	return f->vm && f->twin && ntvm_unicorn_watch_faults(f->uc, &f->fault) == UC_ERR_OK;
}

void fx_close(struct fx *f)
{
	ntvm_destroy(f->vm);
	ntvm_destroy(f->twin);
	uc_close(f->uc);
}

uint64_t fx_alloc(struct fx *f, uint64_t size, uint32_t protect)
{
	uint64_t base = 0, twin_base = 0, s = size, twin_s = size;
	uint32_t type = NTVM_MEM_RESERVE | NTVM_MEM_COMMIT;
	CHECK_EQ_U64(ntvm_nt_allocate_virtual_memory(f->vm, &base, 0, &s, type, protect),
	             NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(ntvm_nt_allocate_virtual_memory(f->twin, &twin_base, 0, &twin_s, type, protect),
	             NTVM_STATUS_SUCCESS);
	CHECK_EQ_U64(base, twin_base);
	return base;
}

ntvm_ntstatus fx_protect(struct fx *f, uint64_t base, uint64_t size, uint32_t protect)
{
	uint64_t b1 = base, s1 = size, b2 = base, s2 = size;
	uint32_t o1 = 0, o2 = 0;
	ntvm_ntstatus st = ntvm_nt_protect_virtual_memory(f->vm, &b1, &s1, protect, &o1);
	CHECK_EQ_U64(ntvm_nt_protect_virtual_memory(f->twin, &b2, &s2, protect, &o2), st);
	CHECK_EQ_U64(o1, o2);
	return st;
}

ntvm_ntstatus fx_free(struct fx *f, uint64_t base, uint64_t size, uint32_t type)
{
	uint64_t b1 = base, s1 = size, b2 = base, s2 = size;
	ntvm_ntstatus st = ntvm_nt_free_virtual_memory(f->vm, &b1, &s1, type);
	CHECK_EQ_U64(ntvm_nt_free_virtual_memory(f->twin, &b2, &s2, type), st);
	return st;
}

void fx_poke(struct fx *f, uint64_t address, const void *data, size_t size)
{
	CHECK_EQ_U64(ntvm_write(f->vm, address, data, size, NULL), NTVM_OK);
	CHECK_EQ_U64(ntvm_write(f->twin, address, data, size, NULL), NTVM_OK);
}

uint64_t fx_code(struct fx *f, const uint8_t *code, size_t length)
{
	uint64_t base = fx_alloc(f, 0x1000, NTVM_PAGE_READWRITE);
	fx_poke(f, base, code, length);
	CHECK_EQ_U64(fx_protect(f, base, 0x1000, NTVM_PAGE_EXECUTE_READ), NTVM_STATUS_SUCCESS);
	return base;
}

struct fx_run fx_run(struct fx *f, uint64_t start, size_t length, uint64_t target, uint64_t value)
{
	struct fx_run r = { 0 };
	uc_reg_write(f->uc, UC_X86_REG_RBX, &target);
	uc_reg_write(f->uc, UC_X86_REG_RAX, &value);
	r.err = uc_emu_start(f->uc, start, start + length, 0, 0);
	if (r.err == UC_ERR_OK)
		return r;
	uint32_t access = f->fault.access;
	uint64_t address = f->fault.address;
	uint8_t scratch[64] = { 0 };
	memcpy(scratch, &value, sizeof value); /* what a store writes */
	size_t size = f->fault.size < sizeof scratch ? f->fault.size : sizeof scratch;
	r.pc = f->fault.pc;
	CHECK(f->fault.pending);
	CHECK_EQ_U64(ntvm_unicorn_access_of_error(r.err), access);
	r.status = ntvm_unicorn_take_fault(f->vm, &f->fault, &r.fault_address);
	r.twin_status = ntvm_nt_access(f->twin, address,
	                               access == NTVM_ACCESS_EXECUTE ? NULL : scratch, size, access,
	                               &r.twin_fault_address);
	return r;
}

uint64_t fx_rax(struct fx *f)
{
	uint64_t rax = 0;
	uc_reg_read(f->uc, UC_X86_REG_RAX, &rax);
	return rax;
}
