/*
 * nt_query.c -- NtQueryVirtualMemory: MemoryBasicInformation and
 * MemoryRegionInformation.
 *
 * Checks, in the order both systems use: the information class, the buffer
 * length, then the address (above the highest user address:
 * STATUS_INVALID_PARAMETER).  The region of a MemoryBasicInformation answer
 * is ntvm_region_info_at's run: same state, protection and allocation
 * (Wine 8.0 also ends a reserved run where the pages' last protection
 * changes: row QUERY_RESERVED_LAST_PROT).
 */
#include <string.h>

#include "nt_internal.h"

/* MemoryRegionInformation needs the fields up to RegionSize (probe). */
#define REGION_INFO_MIN_LENGTH 0x18u

static uint32_t region_type(ntvm_kind kind)
{
	switch (kind) {
	case NTVM_KIND_PRIVATE:
		return NTVM_MEM_PRIVATE;
	case NTVM_KIND_SECTION_IMAGE:
		return NTVM_MEM_IMAGE;
	case NTVM_KIND_SECTION_VIEW:
	case NTVM_KIND_MMIO:
		return NTVM_MEM_MAPPED;
	default:
		return 0;
	}
}

static void fill_basic(const ntvm_region_info *info, ntvm_memory_basic_information *mbi)
{
	memset(mbi, 0, sizeof *mbi);
	mbi->BaseAddress = info->start;
	mbi->RegionSize = info->length;
	if (!info->is_reserved) {
		mbi->State = NTVM_MEM_FREE;
		mbi->Protect = NTVM_PAGE_NOACCESS;
		return;
	}
	mbi->AllocationBase = info->allocation_base;
	mbi->AllocationProtect = ntvm_perm_to_page(info->initial_perm);
	mbi->State = info->is_committed ? NTVM_MEM_COMMIT : NTVM_MEM_RESERVE;
	mbi->Protect = info->is_committed ? ntvm_perm_to_page(info->perm) : 0;
	mbi->Type = region_type(info->kind);
}

static ntvm_ntstatus query_basic(const ntvm_region_info *info, void *buffer, uint64_t length,
                                 uint64_t *return_length)
{
	if (length < sizeof(ntvm_memory_basic_information))
		return NTVM_STATUS_INFO_LENGTH_MISMATCH;
	ntvm_memory_basic_information mbi;
	fill_basic(info, &mbi);
	memcpy(buffer, &mbi, sizeof mbi);
	if (return_length)
		*return_length = sizeof mbi;
	return NTVM_STATUS_SUCCESS;
}

static uint32_t region_type_bits(ntvm_kind kind)
{
	switch (kind) {
	case NTVM_KIND_PRIVATE:
		return 1u; /* Private */
	case NTVM_KIND_SECTION_VIEW:
	case NTVM_KIND_MMIO:
		return 2u; /* MappedDataFile */
	case NTVM_KIND_SECTION_IMAGE:
		return 4u; /* MappedImage */
	default:
		return 0;
	}
}

static void fill_region(const ntvm *vm, const ntvm_region_info *info,
                        ntvm_memory_region_information *ri)
{
	memset(ri, 0, sizeof *ri);
	ri->AllocationBase = info->allocation_base;
	ri->AllocationProtect = info->is_reserved ? ntvm_perm_to_page(info->initial_perm) : 0;
	if (nt_profile_alternative(vm, NT_SIT_QUERY_REGION_INFO_FIELDS)) {
		ri->RegionSize = info->length;
		ri->CommitSize = info->is_committed ? info->length : 0;
		return;
	}
	ntvm_reservation res;
	ri->RegionType = region_type_bits(info->kind);
	if (ntvm_reservation_containing(vm, info->start, &res)) {
		ri->RegionSize = res.length;
		ri->CommitSize = res.committed_bytes;
	}
}

static ntvm_ntstatus query_region(const ntvm *vm, const ntvm_region_info *info, void *buffer,
                                  uint64_t length, uint64_t *return_length)
{
	if (length < REGION_INFO_MIN_LENGTH)
		return NTVM_STATUS_INFO_LENGTH_MISMATCH;
	if (!info->is_reserved) {
		uint32_t st = nt_profile_result(vm, NT_SIT_QUERY_REGION_INFO_FREE);
		if (st != NTVM_STATUS_SUCCESS)
			return st;
	}
	ntvm_memory_region_information ri;
	fill_region(vm, info, &ri);
	/* Whole fields only, as far as the buffer reaches (probe: 0x1f bytes
	 * get the first 0x18). */
	size_t written = sizeof ri;
	if (nt_profile_alternative(vm, NT_SIT_QUERY_REGION_INFO_FIELDS))
		written = offsetof(ntvm_memory_region_information, PartitionId);
	while (written > length)
		written -= sizeof(uint64_t);
	memcpy(buffer, &ri, written);
	if (return_length)
		*return_length = sizeof ri;
	return NTVM_STATUS_SUCCESS;
}

ntvm_ntstatus ntvm_nt_query_virtual_memory(ntvm *vm, uint64_t address, uint32_t info_class,
                                           void *buffer, uint64_t length,
                                           uint64_t *return_length)
{
	if (vm == NULL)
		return NTVM_STATUS_ACCESS_VIOLATION;
	if (info_class != NTVM_MEMORY_BASIC_INFORMATION_CLASS &&
	    info_class != NTVM_MEMORY_REGION_INFORMATION_CLASS)
		return NTVM_STATUS_INVALID_INFO_CLASS;
	uint64_t min = info_class == NTVM_MEMORY_BASIC_INFORMATION_CLASS
	                   ? sizeof(ntvm_memory_basic_information)
	                   : REGION_INFO_MIN_LENGTH;
	if (length < min)
		return NTVM_STATUS_INFO_LENGTH_MISMATCH;
	if (address > ntvm_max_address(vm))
		return NTVM_STATUS_INVALID_PARAMETER;
	if (buffer == NULL)
		return NTVM_STATUS_ACCESS_VIOLATION;
	ntvm_region_info info;
	ntvm_status got = nt_profile_alternative(vm, NT_SIT_QUERY_RESERVED_LAST_PROT)
	                      ? ntvm_region_info_at_detailed(vm, address, &info, NULL)
	                      : ntvm_region_info_at(vm, address, &info);
	if (got != NTVM_OK)
		return NTVM_STATUS_INVALID_PARAMETER;
	if (info_class == NTVM_MEMORY_BASIC_INFORMATION_CLASS)
		return query_basic(&info, buffer, length, return_length);
	return query_region(vm, &info, buffer, length, return_length);
}
