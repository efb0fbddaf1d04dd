/*
 * probe.c -- CPU reads and writes that survive faults.  Each access is one
 * load or store inside a tiny assembly routine (Windows x64 calling
 * convention, no stack use).  A vectored exception handler recognises a
 * fault whose instruction pointer is that load or store, remembers the
 * exception code and resumes at the routine's fault exit, which returns 1.
 * A guard page faults once with STATUS_GUARD_PAGE_VIOLATION and the system
 * clears its PAGE_GUARD; the next access goes through, as on Windows.
 */
#include <windows.h>

#include "recorder.h"

/* int rec_asm_load(const uint8_t *src (rcx), uint8_t *dst (rdx)): 0, or 1 on a fault. */
/* int rec_asm_store(uint8_t *dst (rcx), uint8_t value (dl)):        0, or 1 on a fault. */
__asm__(".text\n"
        ".p2align 4\n"
        ".globl rec_asm_load\n"
        "rec_asm_load:\n"
        "\txorl %eax, %eax\n"
        ".globl rec_asm_load_insn\n"
        "rec_asm_load_insn:\n"
        "\tmovb (%rcx), %r8b\n"
        "\tmovb %r8b, (%rdx)\n"
        "\tret\n"
        ".p2align 4\n"
        ".globl rec_asm_store\n"
        "rec_asm_store:\n"
        "\txorl %eax, %eax\n"
        ".globl rec_asm_store_insn\n"
        "rec_asm_store_insn:\n"
        "\tmovb %dl, (%rcx)\n"
        "\tret\n"
        ".p2align 4\n"
        ".globl rec_asm_fault_exit\n"
        "rec_asm_fault_exit:\n"
        "\tmovl $1, %eax\n"
        "\tret\n");

int rec_asm_load(const volatile uint8_t *src, uint8_t *dst);
int rec_asm_store(volatile uint8_t *dst, uint8_t value);
extern const char rec_asm_load_insn[], rec_asm_store_insn[], rec_asm_fault_exit[];

static volatile DWORD last_fault_code;

static LONG CALLBACK probe_handler(EXCEPTION_POINTERS *ep)
{
	DWORD64 rip = ep->ContextRecord->Rip;

	if (rip != (DWORD64)(uintptr_t)rec_asm_load_insn &&
	    rip != (DWORD64)(uintptr_t)rec_asm_store_insn)
		return EXCEPTION_CONTINUE_SEARCH;
	last_fault_code = ep->ExceptionRecord->ExceptionCode;
	ep->ContextRecord->Rip = (DWORD64)(uintptr_t)rec_asm_fault_exit;
	return EXCEPTION_CONTINUE_EXECUTION;
}

int rec_probe_init(void)
{
	return AddVectoredExceptionHandler(1, probe_handler) ? 0 : -1;
}

uint32_t rec_probe_read(uint64_t address, uint8_t *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		const volatile uint8_t *p = (const volatile uint8_t *)(uintptr_t)(address + i);
		if (rec_asm_load(p, &out[i]) != 0)
			return (uint32_t)last_fault_code;
	}
	return 0;
}

uint32_t rec_probe_write(uint64_t address, uint8_t value, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)(address + i);
		if (rec_asm_store(p, value) != 0)
			return (uint32_t)last_fault_code;
	}
	return 0;
}
