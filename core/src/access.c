/*
 * access.c -- reading and writing guest memory as a host or debugger sees
 * it: the whole range must be committed (any protection, guard included);
 * MMIO pieces go to their callbacks.  The range is validated in full before
 * a single byte moves, so a failure copies nothing.
 */
#include "manager.h"

#include <string.h>

/* Check that [address, address+size) is readable/writable by the host. */
static ntvm_status check_range(const ntvm *vm, uint64_t address, uint64_t size, uint64_t *fault)
{
	uint64_t end = address + size; /* may be 0 when the range ends at 2^64 */
	for (uint64_t pos = address; pos - address < size;) {
		const struct ntvm__res *r = ntvm__lookup(vm, pos);
		if (r == NULL) {
			*fault = pos;
			return NTVM_E_NOT_COMMITTED;
		}
		uint64_t stop = end - r->base > r->size || end == 0 ? ntvm__res_end(r) : end;
		if (r->kind == NTVM_KIND_MMIO) {
			if (r->u.mmio->read == NULL && r->u.mmio->write == NULL) {
				*fault = pos;
				return NTVM_E_UNBOUND_MMIO;
			}
		} else {
			uint64_t first = (pos - r->base) >> NTVM__PAGE_SHIFT;
			uint64_t last = (stop - 1 - r->base) >> NTVM__PAGE_SHIFT;
			if (!ntvm__res_page_committed(r, first)) {
				*fault = pos;
				return NTVM_E_NOT_COMMITTED;
			}
			uint64_t run = ntvm__res_commit_run_end(r, first, last + 1);
			if (run <= last) {
				*fault = r->base + (run << NTVM__PAGE_SHIFT);
				return NTVM_E_NOT_COMMITTED;
			}
		}
		pos = stop;
	}
	return NTVM_OK;
}

/* Move the bytes of a range that check_range accepted. */
static ntvm_status transfer(const ntvm *vm, uint64_t address, uint8_t *rbuf, const uint8_t *wbuf,
                            uint64_t size, uint64_t *fault)
{
	uint64_t end = address + size;
	for (uint64_t pos = address; pos - address < size;) {
		const struct ntvm__res *r = ntvm__lookup(vm, pos);
		uint64_t stop = end - r->base > r->size || end == 0 ? ntvm__res_end(r) : end;
		size_t len = (size_t) (stop - pos), off = (size_t) (pos - address);
		const struct ntvm__mmio *m = r->kind == NTVM_KIND_MMIO ? r->u.mmio : NULL;
		int failed = 0;
		if (rbuf && m && m->read)
			m->read(m->user, pos, rbuf + off, len);
		else if (rbuf && m)
			memset(rbuf + off, 0, len);
		else if (wbuf && m && m->write)
			m->write(m->user, pos, wbuf + off, len);
		else if (rbuf && !m)
			failed = vm->backend.read(vm->backend.ctx, pos, rbuf + off, len);
		else if (wbuf && !m)
			failed = vm->backend.write(vm->backend.ctx, pos, wbuf + off, len);
		if (failed) {
			*fault = address;
			return NTVM_E_BACKEND;
		}
		pos = stop;
	}
	return NTVM_OK;
}

static ntvm_status access_range(const ntvm *vm, uint64_t address, void *rbuf, const void *wbuf,
                                size_t size, uint64_t *fault_address)
{
	uint64_t fault = address;
	if (size == 0)
		return NTVM_OK;
	ntvm_status st = NTVM_E_INVALID_ARGUMENT;
	if ((uint64_t) size - 1 <= UINT64_MAX - address) {
		st = check_range(vm, address, size, &fault);
		if (st == NTVM_OK)
			st = transfer(vm, address, rbuf, wbuf, size, &fault);
	}
	if (st != NTVM_OK && fault_address)
		*fault_address = fault;
	return st;
}

ntvm_status ntvm_read(const ntvm *vm, uint64_t address, void *data, size_t size,
                      uint64_t *fault_address)
{
	return access_range(vm, address, data, NULL, size, fault_address);
}

ntvm_status ntvm_write(ntvm *vm, uint64_t address, const void *data, size_t size,
                       uint64_t *fault_address)
{
	return access_range(vm, address, NULL, data, size, fault_address);
}

bool ntvm_try_read(const ntvm *vm, uint64_t address, void *data, size_t size)
{
	return ntvm_read(vm, address, data, size, NULL) == NTVM_OK;
}

bool ntvm_try_write(ntvm *vm, uint64_t address, const void *data, size_t size)
{
	return ntvm_write(vm, address, data, size, NULL) == NTVM_OK;
}
