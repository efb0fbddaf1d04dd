/*
 * nt_test.c -- the NT tests' call wrappers; each failing call is checked to
 * have changed nothing (digest and out parameters).
 */
#include "nt_test.h"

#include <stdlib.h>

ntvm *nt_vm_profile(ntvm_behaviour behaviour, ntvm_address_profile profile)
{
	ntvm_config config = { .behaviour = behaviour, .address_profile = profile };
	ntvm *vm = ntvm_create(&config);
	if (vm == NULL) {
		fprintf(stderr, "ntvm_create failed\n");
		exit(2);
	}
	return vm;
}

ntvm *nt_vm(ntvm_behaviour behaviour)
{
	return nt_vm_profile(behaviour, NTVM_ADDRESS_64);
}

static void check_unchanged(const char *what, uint64_t before, const ntvm *vm, const nt_out *in,
                            const nt_out *out)
{
	if (out->st == S_OK)
		return;
	uint64_t after = ntvm_test_digest(vm);
	if (after != before || out->base != in->base || out->size != in->size ||
	    out->old != in->old) {
		fprintf(stderr, "%s(0x%" PRIx64 ", 0x%" PRIx64 ") failed with 0x%08x but changed "
		        "something (digest %s, base 0x%" PRIx64 ", size 0x%" PRIx64 ")\n", what,
		        in->base, in->size, out->st, after == before ? "same" : "DIFFERENT",
		        out->base, out->size);
		test_failed_checks++;
	}
}

nt_out nt_alloc_zb(ntvm *vm, uint64_t base, uint64_t size, uint32_t type, uint32_t prot,
                   uint64_t zero_bits)
{
	nt_out in = { 0, base, size, 0 }, out = in;
	uint64_t before = ntvm_test_digest(vm);
	out.st = ntvm_nt_allocate_virtual_memory(vm, &out.base, zero_bits, &out.size, type, prot);
	check_unchanged("alloc", before, vm, &in, &out);
	return out;
}

nt_out nt_alloc(ntvm *vm, uint64_t base, uint64_t size, uint32_t type, uint32_t prot)
{
	return nt_alloc_zb(vm, base, size, type, prot, 0);
}

nt_out nt_free(ntvm *vm, uint64_t base, uint64_t size, uint32_t type)
{
	nt_out in = { 0, base, size, 0 }, out = in;
	uint64_t before = ntvm_test_digest(vm);
	out.st = ntvm_nt_free_virtual_memory(vm, &out.base, &out.size, type);
	check_unchanged("free", before, vm, &in, &out);
	return out;
}

nt_out nt_prot(ntvm *vm, uint64_t base, uint64_t size, uint32_t prot)
{
	nt_out in = { 0, base, size, 0xDEADu }, out = in;
	uint64_t before = ntvm_test_digest(vm);
	out.st = ntvm_nt_protect_virtual_memory(vm, &out.base, &out.size, prot, &out.old);
	check_unchanged("protect", before, vm, &in, &out);
	return out;
}

uint32_t nt_query(ntvm *vm, uint64_t address, ntvm_memory_basic_information *mbi)
{
	uint64_t before = ntvm_test_digest(vm), len = 0;
	memset(mbi, 0xCC, sizeof *mbi);
	uint32_t st = ntvm_nt_query_virtual_memory(vm, address, NTVM_MEMORY_BASIC_INFORMATION_CLASS,
	                                           mbi, sizeof *mbi, &len);
	CHECK_EQ_U64(ntvm_test_digest(vm), before);
	if (st == S_OK)
		CHECK_EQ_U64(len, sizeof *mbi);
	return st;
}

uint32_t nt_read(ntvm *vm, uint64_t address, void *data, size_t length, uint64_t *fault)
{
	return ntvm_nt_access(vm, address, data, length, NTVM_ACCESS_READ, fault);
}

uint32_t nt_write(ntvm *vm, uint64_t address, uint8_t byte, size_t length, uint64_t *fault)
{
	uint8_t buf[256];
	if (length > sizeof buf)
		length = sizeof buf;
	memset(buf, byte, length);
	return ntvm_nt_access(vm, address, buf, length, NTVM_ACCESS_WRITE, fault);
}

void nt_check_region(ntvm *vm, uint64_t address, uint64_t base, uint64_t alloc_base,
                     uint32_t alloc_prot, uint64_t size, uint32_t state, uint32_t prot,
                     uint32_t type, int line)
{
	ntvm_memory_basic_information m;
	uint32_t st = nt_query(vm, address, &m);
	if (st != S_OK || m.BaseAddress != base || m.AllocationBase != alloc_base ||
	    m.AllocationProtect != alloc_prot || m.RegionSize != size || m.State != state ||
	    m.Protect != prot || m.Type != type) {
		fprintf(stderr, "line %d: query 0x%" PRIx64 " -> 0x%08x base 0x%" PRIx64 " ab 0x%" PRIx64
		        " ap 0x%x size 0x%" PRIx64 " state 0x%x prot 0x%x type 0x%x\n", line, address, st,
		        m.BaseAddress, m.AllocationBase, m.AllocationProtect, m.RegionSize, m.State,
		        m.Protect, m.Type);
		test_failed_checks++;
	}
}
