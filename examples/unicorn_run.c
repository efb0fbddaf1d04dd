/*
 * unicorn_run.c -- x86-64 code running in unicorn on memory ntvm manages.
 *
 * The NT layer allocates a code page and a data block whose second page is
 * a guard page; the program writes a few hand-assembled instructions,
 * makes the code page EXECUTE_READ and runs it.  The guard page faults once
 * with STATUS_GUARD_PAGE_VIOLATION, the guard is cleared, and the same
 * instruction, restarted, succeeds.  Prints "unicorn run: ok" at the end.
 */
#include <inttypes.h>
#include <stdio.h>

#include <ntvm_unicorn.h>

/* rbx = data, rcx = data + 0x1000 (the guard page) */
static const uint8_t code[] = {
	0x48, 0x8b, 0x03,       /* mov rax, [rbx]   */
	0x48, 0x83, 0xc0, 0x01, /* add rax, 1       */
	0x48, 0x89, 0x03,       /* mov [rbx], rax   */
	0x48, 0x89, 0x01,       /* mov [rcx], rax   (guard page) */
};

/* Run until the end of the code, retrying after guard faults like Windows
 * hands them to the program: each prints its status. */
static int run(uc_engine *uc, ntvm *vm, ntvm_unicorn_fault *fault, uint64_t start, uint64_t end)
{
	uint64_t rip = start;
	for (int tries = 0; tries < 4; tries++) {
		uc_err err = uc_emu_start(uc, rip, end, 0, 0);
		if (err == UC_ERR_OK)
			return 0;
		uint64_t at = 0;
		ntvm_ntstatus st = ntvm_unicorn_take_fault(vm, fault, &at);
		rip = fault->pc;
		printf("fault at 0x%" PRIx64 " (rip 0x%" PRIx64 "): status 0x%08" PRIx32 "\n", at, rip,
		       st);
		if (st != NTVM_STATUS_GUARD_PAGE_VIOLATION)
			return 1;
	}
	return 1;
}

int main(void)
{
	uc_engine *uc;
	if (uc_open(UC_ARCH_X86, UC_MODE_64, &uc) != UC_ERR_OK)
		return 1;
	ntvm_backend backend;
	if (!ntvm_unicorn_backend_init(&backend, uc, 0))
		return 1;
	ntvm_config cfg = { .backend = &backend };
	ntvm *vm = ntvm_create(&cfg);
	if (vm == NULL) {
		backend.destroy(backend.ctx);
		return 1;
	}

	uint64_t code_base = 0, code_size = 0x1000, data = 0, data_size = 0x2000, size, base;
	uint32_t old;
	ntvm_nt_allocate_virtual_memory(vm, &code_base, 0, &code_size,
	                                NTVM_MEM_RESERVE | NTVM_MEM_COMMIT, NTVM_PAGE_READWRITE);
	ntvm_write(vm, code_base, code, sizeof code, NULL);
	ntvm_nt_protect_virtual_memory(vm, &code_base, &code_size, NTVM_PAGE_EXECUTE_READ, &old);
	ntvm_nt_allocate_virtual_memory(vm, &data, 0, &data_size,
	                                NTVM_MEM_RESERVE | NTVM_MEM_COMMIT, NTVM_PAGE_READWRITE);
	base = data + 0x1000, size = 0x1000;
	ntvm_nt_protect_virtual_memory(vm, &base, &size, NTVM_PAGE_READWRITE | NTVM_PAGE_GUARD, &old);
	uint64_t value = 41, guard = data + 0x1000;
	ntvm_write(vm, data, &value, sizeof value, NULL);

	ntvm_unicorn_fault fault;
	ntvm_unicorn_watch_faults(uc, &fault);
	uc_reg_write(uc, UC_X86_REG_RBX, &data);
	uc_reg_write(uc, UC_X86_REG_RCX, &guard);
	int rc = run(uc, vm, &fault, code_base, code_base + sizeof code);

	uint64_t first = 0, second = 0;
	ntvm_read(vm, data, &first, sizeof first, NULL);
	ntvm_read(vm, guard, &second, sizeof second, NULL);
	printf("data: %" PRIu64 ", guard page: %" PRIu64 "\n", first, second);
	ntvm_destroy(vm);
	uc_close(uc);
	if (rc != 0 || first != 42 || second != 42)
		return 1;
	printf("unicorn run: ok\n");
	return 0;
}
