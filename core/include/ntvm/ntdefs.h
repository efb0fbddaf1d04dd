/*
 * ntdefs.h -- the Windows constants and structures the NT layer speaks,
 * under NTVM_ names so that this header and <windows.h> can be included
 * together.  Values are those of the Windows SDK; tests/nt/test_wine_constants.c
 * checks every one against Wine's own headers at compile time.
 */
#ifndef NTVM_NTDEFS_H
#define NTVM_NTDEFS_H

#include <stdint.h>

typedef uint32_t ntvm_ntstatus;

/* PAGE_* protections */
#define NTVM_PAGE_NOACCESS 0x01u
#define NTVM_PAGE_READONLY 0x02u
#define NTVM_PAGE_READWRITE 0x04u
#define NTVM_PAGE_WRITECOPY 0x08u
#define NTVM_PAGE_EXECUTE 0x10u
#define NTVM_PAGE_EXECUTE_READ 0x20u
#define NTVM_PAGE_EXECUTE_READWRITE 0x40u
#define NTVM_PAGE_EXECUTE_WRITECOPY 0x80u
#define NTVM_PAGE_GUARD 0x100u
#define NTVM_PAGE_NOCACHE 0x200u
#define NTVM_PAGE_WRITECOMBINE 0x400u

/* MEM_* allocation types, states and region types */
#define NTVM_MEM_COMMIT 0x00001000u
#define NTVM_MEM_RESERVE 0x00002000u
#define NTVM_MEM_DECOMMIT 0x00004000u
#define NTVM_MEM_RELEASE 0x00008000u
#define NTVM_MEM_FREE 0x00010000u
#define NTVM_MEM_PRIVATE 0x00020000u
#define NTVM_MEM_MAPPED 0x00040000u
#define NTVM_MEM_RESET 0x00080000u
#define NTVM_MEM_TOP_DOWN 0x00100000u
#define NTVM_MEM_WRITE_WATCH 0x00200000u
#define NTVM_MEM_PHYSICAL 0x00400000u
#define NTVM_MEM_ROTATE 0x00800000u
#define NTVM_MEM_RESET_UNDO 0x01000000u
#define NTVM_MEM_LARGE_PAGES 0x20000000u
#define NTVM_MEM_4MB_PAGES 0x80000000u
#define NTVM_MEM_IMAGE 0x01000000u /* same value as MEM_RESET_UNDO: a region type */
#define NTVM_MEM_COALESCE_PLACEHOLDERS 0x00000001u
#define NTVM_MEM_PRESERVE_PLACEHOLDER 0x00000002u
#define NTVM_MEM_REPLACE_PLACEHOLDER 0x00004000u
#define NTVM_MEM_RESERVE_PLACEHOLDER 0x00040000u
#define NTVM_AT_ROUND_TO_PAGE 0x40000000u

/* NTSTATUS values */
#define NTVM_STATUS_SUCCESS 0x00000000u
#define NTVM_STATUS_WORKING_SET_LIMIT_RANGE 0x40000002u
#define NTVM_STATUS_GUARD_PAGE_VIOLATION 0x80000001u
#define NTVM_STATUS_INFO_LENGTH_MISMATCH 0xC0000004u
#define NTVM_STATUS_ACCESS_VIOLATION 0xC0000005u
#define NTVM_STATUS_INVALID_HANDLE 0xC0000008u
#define NTVM_STATUS_INVALID_PARAMETER 0xC000000Du
#define NTVM_STATUS_NO_MEMORY 0xC0000017u
#define NTVM_STATUS_CONFLICTING_ADDRESSES 0xC0000018u
#define NTVM_STATUS_NOT_MAPPED_VIEW 0xC0000019u
#define NTVM_STATUS_UNABLE_TO_FREE_VM 0xC000001Au
#define NTVM_STATUS_UNABLE_TO_DELETE_SECTION 0xC000001Bu
#define NTVM_STATUS_ALREADY_COMMITTED 0xC0000021u
#define NTVM_STATUS_NOT_COMMITTED 0xC000002Du
#define NTVM_STATUS_INVALID_PAGE_PROTECTION 0xC0000045u
#define NTVM_STATUS_FREE_VM_NOT_AT_BASE 0xC000009Fu
#define NTVM_STATUS_MEMORY_NOT_ALLOCATED 0xC00000A0u
#define NTVM_STATUS_INVALID_PARAMETER_1 0xC00000EFu
#define NTVM_STATUS_INVALID_PARAMETER_2 0xC00000F0u
#define NTVM_STATUS_INVALID_PARAMETER_3 0xC00000F1u
#define NTVM_STATUS_INVALID_PARAMETER_4 0xC00000F2u
#define NTVM_STATUS_INVALID_PARAMETER_5 0xC00000F3u
#define NTVM_STATUS_INVALID_PARAMETER_6 0xC00000F4u
#define NTVM_STATUS_INVALID_ADDRESS 0xC0000141u
#define NTVM_STATUS_INVALID_INFO_CLASS 0xC0000003u

/* MEMORY_INFORMATION_CLASS values */
#define NTVM_MEMORY_BASIC_INFORMATION_CLASS 0u
#define NTVM_MEMORY_MAPPED_FILENAME_INFORMATION_CLASS 2u
#define NTVM_MEMORY_REGION_INFORMATION_CLASS 3u

/* MEMORY_BASIC_INFORMATION as laid out for a 64-bit process (48 bytes). */
typedef struct ntvm_memory_basic_information {
	uint64_t BaseAddress;
	uint64_t AllocationBase;
	uint32_t AllocationProtect;
	uint16_t PartitionId;
	uint16_t Reserved0;
	uint64_t RegionSize;
	uint32_t State;
	uint32_t Protect;
	uint32_t Type;
	uint32_t Reserved1;
} ntvm_memory_basic_information;

/* MEMORY_REGION_INFORMATION as laid out for a 64-bit process (48 bytes). */
typedef struct ntvm_memory_region_information {
	uint64_t AllocationBase;
	uint32_t AllocationProtect;
	uint32_t RegionType;
	uint64_t RegionSize;
	uint64_t CommitSize;
	uint64_t PartitionId;
	uint64_t NodePreference;
} ntvm_memory_region_information;

#endif /* NTVM_NTDEFS_H */
