/*
 * unicorn_fixture.h -- a manager over the unicorn backend and a twin over
 * the embedded backend that receive the same NT calls, so that every fault
 * unicorn reports can be compared with ntvm_nt_access on the twin.
 */
#ifndef NTVM_UNICORN_FIXTURE_H
#define NTVM_UNICORN_FIXTURE_H

#include <ntvm_unicorn.h>

struct fx {
	uc_engine *uc;
	ntvm_backend backend;
	ntvm *vm;
	ntvm *twin;
	ntvm_unicorn_fault fault;
};

/* What one run gave: unicorn's error, and for a fault the status from the
 * unicorn side and from ntvm_nt_access on the twin, with their addresses. */
struct fx_run {
	uc_err err;
	ntvm_ntstatus status;
	uint64_t fault_address;
	ntvm_ntstatus twin_status;
	uint64_t twin_fault_address;
	uint64_t pc;
};

bool fx_open(struct fx *f, size_t max_regions, bool dep_disabled);
void fx_close(struct fx *f);

/* NT calls on both managers; the results must agree (checked). */
uint64_t fx_alloc(struct fx *f, uint64_t size, uint32_t protect);
ntvm_ntstatus fx_protect(struct fx *f, uint64_t base, uint64_t size, uint32_t protect);
ntvm_ntstatus fx_free(struct fx *f, uint64_t base, uint64_t size, uint32_t type);

/* Write bytes to both managers (host view). */
void fx_poke(struct fx *f, uint64_t address, const void *data, size_t size);

/* Run code at start (length bytes) with rbx = target and rax = value. */
struct fx_run fx_run(struct fx *f, uint64_t start, size_t length, uint64_t target, uint64_t value);

/* A code page (EXECUTE_READ) holding the given instructions. */
uint64_t fx_code(struct fx *f, const uint8_t *code, size_t length);

uint64_t fx_rax(struct fx *f);

#endif
