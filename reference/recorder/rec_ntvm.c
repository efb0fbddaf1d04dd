/*
 * rec_ntvm.c -- the recorder's NT calls over ntvm's NT layer (see
 * rec_ntvm.h): each call converts the recorder's pointer-sized in/out
 * values to ntvm's 64-bit ones and back.
 */
#include <stdio.h>
#include <string.h>

#include "ntvm/nt.h"
#include "rec_ntvm.h"

static ntvm *vm;

static uint32_t r_alloc(void *process, void **base, uintptr_t zero_bits, size_t *size,
                        uint32_t type, uint32_t protect)
{
	uint64_t b = (uint64_t)(uintptr_t)*base, s = *size;
	uint32_t st = ntvm_nt_allocate_virtual_memory(vm, &b, zero_bits, &s, type, protect);

	*base = (void *)(uintptr_t)b;
	*size = (size_t)s;
	return st;
}

static uint32_t r_free(void *process, void **base, size_t *size, uint32_t type)
{
	uint64_t b = (uint64_t)(uintptr_t)*base, s = *size;
	uint32_t st = ntvm_nt_free_virtual_memory(vm, &b, &s, type);

	*base = (void *)(uintptr_t)b;
	*size = (size_t)s;
	return st;
}

static uint32_t r_protect(void *process, void **base, size_t *size, uint32_t prot, uint32_t *old)
{
	uint64_t b = (uint64_t)(uintptr_t)*base, s = *size;
	uint32_t st = ntvm_nt_protect_virtual_memory(vm, &b, &s, prot, old);

	*base = (void *)(uintptr_t)b;
	*size = (size_t)s;
	return st;
}

static uint32_t r_query(void *process, void *address, int info_class, void *buffer, size_t length,
                        size_t *return_length)
{
	uint64_t got = 0;
	uint32_t st = ntvm_nt_query_virtual_memory(vm, (uint64_t)(uintptr_t)address,
	                                           (uint32_t)info_class, buffer, length, &got);

	if (return_length)
		*return_length = (size_t)got;
	return st;
}

static uint32_t r_read(uint64_t address, uint8_t *out, size_t len)
{
	return ntvm_nt_access(vm, address, out, len, NTVM_ACCESS_READ, NULL);
}

static uint32_t r_write(uint64_t address, uint8_t value, size_t len)
{
	uint8_t data[NTVM_TRACE_MAX_BYTES];

	memset(data, value, sizeof data);
	return ntvm_nt_access(vm, address, data, len, NTVM_ACCESS_WRITE, NULL);
}

static uint32_t r_create_section(uint64_t *handle, uint32_t access, const uint64_t *max_size,
                                 uint32_t protect, uint32_t attributes, const void *file,
                                 size_t file_size)
{
	return ntvm_nt_create_section(vm, handle, access, max_size, protect, attributes, file, file_size);
}

static uint32_t r_map_view(uint64_t handle, uint64_t *base, uint64_t zero_bits, uint64_t commit,
                           uint64_t *offset, uint64_t *view_size, uint32_t inherit, uint32_t type,
                           uint32_t protect)
{
	return ntvm_nt_map_view_of_section(vm, handle, base, zero_bits, commit, offset, view_size,
	                                   inherit, type, protect);
}

static uint32_t r_unmap_view(uint64_t base)
{
	return ntvm_nt_unmap_view_of_section(vm, base);
}

static uint32_t r_extend_section(uint64_t handle, uint64_t *size)
{
	return ntvm_nt_extend_section(vm, handle, size);
}

static uint32_t r_close(uint64_t handle)
{
	return ntvm_nt_close(vm, handle);
}

static struct rec_nt ntvm_calls = {
	.allocate = r_alloc,
	.free = r_free,
	.protect = r_protect,
	.query = r_query,
	.read = r_read,
	.write = r_write,
	.create_section = r_create_section,
	.map_view = r_map_view,
	.unmap_view = r_unmap_view,
	.extend_section = r_extend_section,
	.close = r_close,
};

const struct rec_nt *rec_ntvm_calls(ntvm *v, const char *source)
{
	vm = v;
	snprintf(ntvm_calls.source, sizeof ntvm_calls.source, "%s", source);
	return &ntvm_calls;
}
