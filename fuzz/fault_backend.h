/*
 * fault_backend.h -- a small in-memory ntvm_backend for the backend_faults
 * target: it fails the Nth fallible call on request, refuses to hold more
 * than FAULT_BACKEND_MAX_PAGES pages (so huge commits fail cleanly too),
 * maps section views shared (map_shared: the page's bytes are the host
 * memory the manager passes, failing on request like map),
 * never fails a protect that restores the permission pages had just before
 * (the contract lets the manager rely on that to undo), keeps up to
 * FAULT_BACKEND_MAX_MMIO MMIO ranges with the callbacks it was given (the
 * target calls them, as a CPU emulator would), and records the first breach of the backend contract in ntvm.h (mapping
 * a mapped page, unmapping or touching an unmapped one, passing
 * modifier bits).
 */
#ifndef NTVM_FUZZ_FAULT_BACKEND_H
#define NTVM_FUZZ_FAULT_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ntvm/ntvm.h>

#define FAULT_BACKEND_MAX_PAGES 256
#define FAULT_BACKEND_MAX_MMIO 8

typedef struct fault_page {
	uint64_t address;
	ntvm_perm effective;
	ntvm_perm previous; /* before the last protect: restoring it must not fail */
	uint8_t *bytes;
	bool shared;        /* mapped by map_shared: bytes are the manager's, never freed here */
} fault_page;

typedef struct fault_mmio {
	uint64_t address, size;
	ntvm_mmio_read_fn read;
	ntvm_mmio_write_fn write;
	void *user;
} fault_mmio;

typedef struct fault_backend {
	ntvm_backend iface;
	fault_page pages[FAULT_BACKEND_MAX_PAGES];
	size_t count;
	fault_mmio mmio[FAULT_BACKEND_MAX_MMIO];
	size_t mmio_count;
	uint64_t calls;        /* fallible calls so far */
	uint64_t fail_at;      /* the fallible call to fail (1-based); 0: none */
	bool failed;           /* a call failed since the flag was last cleared */
	bool paused;           /* no failure is injected and no call counted */
	const char *violation; /* the first contract breach, or NULL */
} fault_backend;

void fault_backend_init(fault_backend *fb, uint64_t fail_at);
/* Frees every page still mapped (a leak the caller reports first). */
void fault_backend_fini(fault_backend *fb);
const fault_page *fault_backend_find(const fault_backend *fb, uint64_t page);

#endif /* NTVM_FUZZ_FAULT_BACKEND_H */
