/*
 * mmio.c -- the callbacks the backend gets for MMIO ranges.  The backend is
 * handed these trampolines with the reservation's callback record as user
 * pointer, so ntvm_rebind_mmio only rewrites the record.  An unbound range
 * (restored from a snapshot and not re-bound yet) reads as zeros and
 * ignores writes.
 */
#include "manager.h"

#include <string.h>

void ntvm__mmio_read_trampoline(void *user, uint64_t address, void *data, size_t size)
{
	const struct ntvm__mmio *m = user;
	if (m->read)
		m->read(m->user, address, data, size);
	else
		memset(data, 0, size);
}

void ntvm__mmio_write_trampoline(void *user, uint64_t address, const void *data, size_t size)
{
	const struct ntvm__mmio *m = user;
	if (m->write)
		m->write(m->user, address, data, size);
}
