/*
 * ntvm_unicorn.h -- an ntvm backend over a unicorn 2 CPU emulator, and the
 * translation of unicorn's memory faults into the NTSTATUS a Windows CPU
 * access would give (the same as ntvm_nt_access).
 *
 * The backend wraps a uc_engine the caller opened and keeps owning: the
 * manager's committed pages become unicorn regions with the pages'
 * effective protection, MMIO ranges become uc_mmio_map regions.  Committed
 * memory lives in host pages the backend maps itself (uc_mem_map_ptr), so
 * a protection change on part of a large block re-maps pointers instead of
 * copying the block, and adjacent regions with the same protection are
 * merged again (docs/unicorn.md).
 *
 * Use:
 *   ntvm_backend b;
 *   ntvm_unicorn_backend_init(&b, uc, 0);
 *   ntvm_config cfg = { .backend = &b };
 *   ntvm *vm = ntvm_create(&cfg);      (if NULL: b.destroy(b.ctx))
 *   ... uc_emu_start; on a memory error, ntvm_unicorn_take_fault ...
 *   ntvm_destroy(vm);                  (frees the backend, not uc)
 *   uc_close(uc);
 */
#ifndef NTVM_UNICORN_H
#define NTVM_UNICORN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <unicorn/unicorn.h>

#include <ntvm/nt.h>
#include <ntvm/ntvm.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Unicorn 2.0.1 aborts the process (an assertion in qemu's phys_section_add)
 * once an address space holds 4096 memory sections.  The backend refuses a
 * map or protect that would take it past this many regions (the manager
 * then fails with NTVM_E_BACKEND and changes nothing).
 */
#define NTVM_UNICORN_DEFAULT_MAX_REGIONS 3072u

/*
 * Fill *out with a backend over uc (x86 or any architecture with 4 KiB
 * pages).  max_regions 0 means NTVM_UNICORN_DEFAULT_MAX_REGIONS.  out->ctx
 * is heap memory that out->destroy frees (ntvm_destroy calls it).  Returns
 * false when out of memory.
 */
bool ntvm_unicorn_backend_init(ntvm_backend *out, uc_engine *uc, size_t max_regions);

/* Unicorn regions the backend currently holds (for tests and diagnostics). */
size_t ntvm_unicorn_region_count(const ntvm_backend *backend);

/* NTVM_ACCESS_READ / WRITE / EXECUTE for a unicorn memory event type or
 * emulation error, 0 when it is not a memory access. */
uint32_t ntvm_unicorn_access_of_type(uc_mem_type type);
uint32_t ntvm_unicorn_access_of_error(uc_err err);

/*
 * The status a CPU access of `size` bytes at address would get from the
 * manager's state, exactly as ntvm_nt_access computes it: the first faulting
 * page decides; STATUS_GUARD_PAGE_VIOLATION clears the guard on that page
 * (so the retried access proceeds); *fault_address (if non-NULL) is the
 * first faulting byte.  STATUS_SUCCESS when the manager allows the access;
 * for a write to a WRITECOPY page of a view the page is copied first (as
 * ntvm_nt_access does), so that the retried store proceeds.  No other
 * byte is read or written.
 */
ntvm_ntstatus ntvm_unicorn_fault_status(ntvm *vm, uint32_t access, uint64_t address, size_t size,
                                        uint64_t *fault_address);

/* A memory fault unicorn reported, recorded by the hooks below. */
typedef struct ntvm_unicorn_fault {
	bool pending;
	uint32_t access;  /* NTVM_ACCESS_* */
	uint64_t address; /* what unicorn reported */
	size_t size;
	uint64_t pc;      /* the instruction that faulted: restart there */
	/* the data access the current instruction made last (whole, before
	 * unicorn splits an access that crosses a page into pieces) */
	bool have_last;
	uint32_t last_access;
	uint64_t last_address;
	size_t last_size;
	uc_hook hooks[3];
} ntvm_unicorn_fault;

/*
 * Install a UC_HOOK_MEM_INVALID hook that records each fault in *fault and
 * lets unicorn stop (uc_emu_start returns UC_ERR_*_UNMAPPED / *_PROT), and
 * a UC_HOOK_CODE hook that follows the current instruction: unicorn 2.0.1
 * leaves the PC at the start of the translation block after a memory fault,
 * so fault->pc is the only reliable restart address.  A UC_HOOK_MEM_READ/
 * WRITE hook keeps the instruction's whole data access: for an access that
 * crosses a page unicorn reports a piece of it (e.g. the last byte), and the
 * status must be computed from the start, as ntvm_nt_access does.  The
 * hooks cost a callback per instruction and per data access.
 */
uc_err ntvm_unicorn_watch_faults(uc_engine *uc, ntvm_unicorn_fault *fault);

/*
 * Turn the recorded fault into its NTSTATUS with ntvm_unicorn_fault_status
 * and clear it.  Without a pending fault: STATUS_SUCCESS.  After a guard
 * fault, restarting the emulation at fault->pc retries the instruction.
 */
ntvm_ntstatus ntvm_unicorn_take_fault(ntvm *vm, ntvm_unicorn_fault *fault,
                                      uint64_t *fault_address);

#ifdef __cplusplus
}
#endif

#endif /* NTVM_UNICORN_H */
