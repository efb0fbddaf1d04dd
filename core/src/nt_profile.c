/*
 * nt_profile.c -- THE table of differences between Windows and Wine 8.0.
 *
 * One row per situation in which the two systems answer differently, with
 * both results and where each was found.  "probe" sources are calls made
 * under Debian's Wine 8.0 (wine64) by a small mingw program; test function
 * names refer to Wine's conformance tests (dlls/ntdll/tests/virtual.c,
 * dlls/kernel32/tests/virtual.c), which pass on real Windows, and ReactOS's
 * API tests (modules/rostests/apitests/ntdll/), written against Windows
 * Server 2003.  docs/profile-differences.md mirrors this table row by row.
 */
#include "nt_profile.h"


#define ROW(id) NT_SIT_##id, #id
#define ALT NT_CHOICE_ALTERNATIVE
#define OK NTVM_STATUS_SUCCESS

static const nt_profile_row rows[NT_SIT_COUNT] = {
	{ ROW(ALLOC_ZERO_SIZE), "NtAllocateVirtualMemory with *size == 0",
	  NTVM_STATUS_INVALID_PARAMETER_4, NTVM_STATUS_INVALID_PARAMETER,
	  "STATUS_INVALID_PARAMETER_4 (checked with the other size checks)",
	  "STATUS_INVALID_PARAMETER (the very first check)",
	  "Windows: ReactOS NtAllocateVirtualMemory size checks (kernel32 test_VirtualAlloc pins only "
	  "ERROR_INVALID_PARAMETER); Wine: probe, ntdll test_NtAllocateVirtualMemory" },
	{ ROW(ALLOC_BAD_TYPE),
	  "NtAllocateVirtualMemory type with unknown bits (AT_ROUND_TO_PAGE, MEM_PHYSICAL, "
	  "MEM_LARGE_PAGES, MEM_ROTATE, ...) or without COMMIT/RESERVE/RESET",
	  NTVM_STATUS_INVALID_PARAMETER_5, NTVM_STATUS_INVALID_PARAMETER,
	  "STATUS_INVALID_PARAMETER_5", "STATUS_INVALID_PARAMETER",
	  "ntdll test_NtAllocateVirtualMemory (AT_ROUND_TO_PAGE: _5 on Windows); probe "
	  "(alloc-type-flags: 0x2001, 0x40002000, 0x402000, 0x20002000, 0x800000, 0x100000)" },
	{ ROW(ALLOC_RESET_COMBINED), "NtAllocateVirtualMemory MEM_RESET together with other type bits",
	  NTVM_STATUS_INVALID_PARAMETER_5, ALT, "STATUS_INVALID_PARAMETER_5 (MEM_RESET is exclusive)",
	  "accepted: with MEM_RESERVE it reserves, otherwise it resets (MEM_COMMIT ignored)",
	  "Windows: VirtualAlloc documentation, ReactOS NtAllocateVirtualMemory; Wine: probe "
	  "(MEM_RESET|MEM_COMMIT on a reserved page leaves it reserved)" },
	{ ROW(ALLOC_RESET_UNDO), "NtAllocateVirtualMemory MEM_RESET_UNDO alone inside an allocation",
	  OK, NTVM_STATUS_INVALID_PARAMETER, "STATUS_SUCCESS (contents were kept, nothing to undo)",
	  "STATUS_INVALID_PARAMETER (unknown type bit)",
	  "Windows: VirtualAlloc documentation (Windows 8 and later); Wine: probe" },
	{ ROW(ALLOC_WRITE_WATCH_NO_RESERVE), "NtAllocateVirtualMemory MEM_WRITE_WATCH without MEM_RESERVE",
	  NTVM_STATUS_INVALID_PARAMETER_5, OK, "STATUS_INVALID_PARAMETER_5",
	  "accepted and ignored (commit proceeds)",
	  "Windows: VirtualAlloc documentation (MEM_WRITE_WATCH needs MEM_RESERVE), ReactOS; "
	  "Wine: probe (MEM_COMMIT|MEM_WRITE_WATCH succeeds)" },
	{ ROW(ALLOC_ZERO_BITS_SMALL_MASK), "NtAllocateVirtualMemory zero_bits 33..0xFFFE (Win64)",
	  OK, NTVM_STATUS_INVALID_PARAMETER_3,
	  "a mask: the limit is all ones below its top bit (so below 64 KiB: STATUS_NO_MEMORY)",
	  "STATUS_INVALID_PARAMETER_3 (only 32 and values >= 0xFFFF are masks)",
	  "Windows: ntdll test_NtAllocateVirtualMemory (values above 31 are masks); Wine: probe "
	  "(33 -> _3, 32 and 0xffff -> NO_MEMORY)" },
	{ ROW(ALLOC_ZERO_BITS_TOP_BIT), "NtAllocateVirtualMemory zero_bits mask with bit 63 set",
	  OK, ALT, "no restriction (no leading zero bits)",
	  "no address fits: a system-chosen base fails with STATUS_NO_MEMORY",
	  "Windows: ntdll test_NtAllocateVirtualMemory (only leading zeros matter); Wine: probe "
	  "(zero_bits ~0 -> STATUS_NO_MEMORY)" },
	{ ROW(ALLOC_SIZE_ABOVE_LIMIT),
	  "NtAllocateVirtualMemory *size above the user address space (highest address + 1)",
	  NTVM_STATUS_INVALID_PARAMETER_4, NTVM_STATUS_WORKING_SET_LIMIT_RANGE, "STATUS_INVALID_PARAMETER_4",
	  "STATUS_WORKING_SET_LIMIT_RANGE (0x40000002, checked before the base)",
	  "Windows: ReactOS NtAllocateVirtualMemory; Wine: probe (size 0x800000000000 and ~0, NULL "
	  "or explicit base)" },
	{ ROW(ALLOC_BASE_ABOVE_MAX), "NtAllocateVirtualMemory explicit base above the highest user address",
	  NTVM_STATUS_INVALID_PARAMETER_2, NTVM_STATUS_INVALID_PARAMETER, "STATUS_INVALID_PARAMETER_2",
	  "STATUS_INVALID_PARAMETER", "Windows: ReactOS NtAllocateVirtualMemory; Wine: probe "
	  "(0x800000000000, 0xffffffffffff0000)" },
	{ ROW(ALLOC_RANGE_PAST_MAX), "NtAllocateVirtualMemory base + size past the highest user address",
	  NTVM_STATUS_INVALID_PARAMETER_4, NTVM_STATUS_INVALID_PARAMETER, "STATUS_INVALID_PARAMETER_4",
	  "STATUS_INVALID_PARAMETER", "Windows: ReactOS NtAllocateVirtualMemory; Wine: probe "
	  "(0x7ffffffe0000 + 0x20000)" },
	{ ROW(ALLOC_BASE_BELOW_MIN), "NtAllocateVirtualMemory rounded base below 0x10000",
	  NTVM_STATUS_INVALID_PARAMETER_2, NTVM_STATUS_INVALID_PARAMETER, "STATUS_INVALID_PARAMETER_2",
	  "STATUS_INVALID_PARAMETER",
	  "ReactOS NtAllocateVirtualMemory test (0xf000 -> _2); Wine: probe (0x1000, 0x8000, 0xffff)" },
	{ ROW(ALLOC_CHECK_ORDER), "NtAllocateVirtualMemory order of the argument checks",
	  OK, ALT,
	  "zero_bits, type, protection, base/size range, then the address space",
	  "size 0, zero_bits, size limit, base/size range, type, then per path: a reservation "
	  "checks the protection, a commit looks the range up first (free memory beats a bad "
	  "protection), a reset never checks it",
	  "Windows: ReactOS NtAllocateVirtualMemory; Wine: probe (MEM_COMMIT PAGE_WRITECOPY / 0 over "
	  "free memory -> STATUS_NOT_MAPPED_VIEW)" },
	{ ROW(COMMIT_OUTSIDE_ALLOCATION),
	  "commit or MEM_RESET touching free memory, or spanning two allocations",
	  NTVM_STATUS_CONFLICTING_ADDRESSES, NTVM_STATUS_NOT_MAPPED_VIEW,
	  "STATUS_CONFLICTING_ADDRESSES", "STATUS_NOT_MAPPED_VIEW",
	  "ReactOS NtAllocateVirtualMemory test CheckAlignment, CheckAdjacentVADs; windows-semantics.md; "
	  "Wine: probe" },
	{ ROW(RESET_BAD_PROTECTION), "MEM_RESET with an invalid protection value",
	  NTVM_STATUS_INVALID_PAGE_PROTECTION, OK,
	  "STATUS_INVALID_PAGE_PROTECTION (the value is not applied but must be valid)",
	  "accepted: the protection is not looked at",
	  "Windows: VirtualAlloc documentation for MEM_RESET; Wine: probe (MEM_RESET with 0, 0x14, "
	  "0x800)" },
	{ ROW(PROT_UNKNOWN_BITS), "protection value with bits above PAGE_WRITECOMBINE (0x800 and up)",
	  NTVM_STATUS_INVALID_PAGE_PROTECTION, ALT, "STATUS_INVALID_PAGE_PROTECTION",
	  "the extra bits are ignored (0x804 acts as PAGE_READWRITE)",
	  "Windows: ReactOS MiMakeProtectionMask; Wine: probe (alloc and protect with 0x804)" },
	{ ROW(PROT_GUARD_NOACCESS), "PAGE_GUARD | PAGE_NOACCESS",
	  NTVM_STATUS_INVALID_PAGE_PROTECTION, OK, "STATUS_INVALID_PAGE_PROTECTION",
	  "accepted: a guard page that faults with STATUS_ACCESS_VIOLATION after the guard fault",
	  "Windows: VirtualAlloc/memory-protection documentation; Wine: windows-semantics.md, probe" },
	{ ROW(PROT_CACHE_NOACCESS), "PAGE_NOCACHE or PAGE_WRITECOMBINE with PAGE_NOACCESS",
	  NTVM_STATUS_INVALID_PAGE_PROTECTION, OK, "STATUS_INVALID_PAGE_PROTECTION", "accepted",
	  "Windows: memory-protection documentation; Wine: probe (0x201, 0x401)" },
	{ ROW(PROT_TWO_MODIFIERS), "two or three of PAGE_GUARD, PAGE_NOCACHE, PAGE_WRITECOMBINE",
	  NTVM_STATUS_INVALID_PAGE_PROTECTION, OK, "STATUS_INVALID_PAGE_PROTECTION", "accepted",
	  "Windows: memory-protection documentation; Wine: windows-semantics.md (NOCACHE|WRITECOMBINE), "
	  "probe (0x304, 0x504, 0x604)" },
	{ ROW(PROT_WRITECOMBINE_KEPT), "PAGE_WRITECOMBINE on an allocation",
	  OK, ALT, "kept with the allocation, reported by queries like PAGE_NOCACHE",
	  "dropped: never reported (0x404 reads back as 0x4, 0x604 as 0x204, 0x504 as 0x104)",
	  "Windows: memory-protection documentation; Wine: probe" },
	{ ROW(PROTECT_CHECK_ORDER), "NtProtectVirtualMemory order of the checks",
	  OK, ALT, "protection value first, then the range",
	  "range (allocation, then committed pages) first, protection value last",
	  "Windows: ReactOS NtProtectVirtualMemory; Wine: probe (not-committed range with protection "
	  "0 -> STATUS_NOT_COMMITTED)" },
	{ ROW(PROTECT_NOT_IN_ALLOCATION),
	  "NtProtectVirtualMemory on free memory (NULL included) or across allocations",
	  NTVM_STATUS_CONFLICTING_ADDRESSES, NTVM_STATUS_INVALID_PARAMETER,
	  "STATUS_CONFLICTING_ADDRESSES", "STATUS_INVALID_PARAMETER",
	  "windows-semantics.md (NULL -> CONFLICTING_ADDRESSES), ReactOS MiProtectVirtualMemory; "
	  "Wine: probe" },
	{ ROW(PROTECT_BASE_ABOVE_MAX), "NtProtectVirtualMemory base above the highest user address",
	  NTVM_STATUS_INVALID_PARAMETER_2, NTVM_STATUS_INVALID_PARAMETER, "STATUS_INVALID_PARAMETER_2",
	  "STATUS_INVALID_PARAMETER", "Windows: ReactOS NtProtectVirtualMemory; Wine: probe" },
	{ ROW(SIZE_PAST_MAX),
	  "NtProtectVirtualMemory / NtFreeVirtualMemory size reaching past the highest user address",
	  NTVM_STATUS_INVALID_PARAMETER_3, OK, "STATUS_INVALID_PARAMETER_3",
	  "no such check: the range lookup fails (or the rounded size wraps, see SIZE_ROUND_WRAP)",
	  "Windows: ReactOS NtProtectVirtualMemory/NtFreeVirtualMemory; Wine: probe" },
	{ ROW(FREE_BAD_TYPE),
	  "NtFreeVirtualMemory type 0, MEM_DECOMMIT|MEM_RELEASE or any other bit (checked first)",
	  NTVM_STATUS_INVALID_PARAMETER_4, NTVM_STATUS_INVALID_PARAMETER, "STATUS_INVALID_PARAMETER_4",
	  "STATUS_INVALID_PARAMETER",
	  "ReactOS NtFreeVirtualMemory test Test_NtFreeVirtualMemory_Parameters; Wine: probe "
	  "(types 0, 0xc000, 0x8001, 0x4001, 0x10000)" },
	{ ROW(FREE_BASE_ABOVE_MAX), "NtFreeVirtualMemory base above the highest user address",
	  NTVM_STATUS_INVALID_PARAMETER_2, NTVM_STATUS_INVALID_PARAMETER, "STATUS_INVALID_PARAMETER_2",
	  "STATUS_INVALID_PARAMETER", "Windows: ReactOS NtFreeVirtualMemory; Wine: probe" },
	{ ROW(FREE_NOT_ALLOCATED), "NtFreeVirtualMemory of free memory (NULL included)",
	  NTVM_STATUS_MEMORY_NOT_ALLOCATED, NTVM_STATUS_INVALID_PARAMETER,
	  "STATUS_MEMORY_NOT_ALLOCATED", "STATUS_INVALID_PARAMETER",
	  "ReactOS NtAllocateVirtualMemory test CheckAlignment; windows-semantics.md; Wine: probe" },
	{ ROW(FREE_PAST_ALLOCATION),
	  "NtFreeVirtualMemory range running past the allocation's end or across allocations",
	  NTVM_STATUS_UNABLE_TO_FREE_VM, NTVM_STATUS_INVALID_PARAMETER, "STATUS_UNABLE_TO_FREE_VM",
	  "STATUS_INVALID_PARAMETER",
	  "ReactOS NtFreeVirtualMemory test, CheckAdjacentVADs; ntdll test_NtFreeVirtualMemory; "
	  "Wine: probe" },
	{ ROW(RELEASE_NONZERO_SIZE), "NtFreeVirtualMemory MEM_RELEASE with a non-zero size",
	  OK, NTVM_STATUS_INVALID_PARAMETER,
	  "releases the pages: the allocation shrinks or splits (the piece after the hole is an "
	  "allocation of its own); the whole range releases it",
	  "STATUS_INVALID_PARAMETER, even for exactly the whole allocation",
	  "ReactOS NtFreeVirtualMemory test, CheckAdjacentVADs; windows-semantics.md; Wine: probe" },
	{ ROW(SIZE_ROUND_WRAP),
	  "NtFreeVirtualMemory / NtProtectVirtualMemory rounded size past 2^64",
	  OK, ALT, "never wraps (the size checks fail first)",
	  "the page rounding wraps modulo 2^64: size ~0 becomes 0 (release of the whole allocation, "
	  "protect of nothing)",
	  "Wine: probe (free base ~0 MEM_RELEASE succeeds, protect ~0 returns size 0)" },
	{ ROW(QUERY_REGION_INFO_FREE), "MemoryRegionInformation on free memory",
	  NTVM_STATUS_INVALID_ADDRESS, OK, "STATUS_INVALID_ADDRESS",
	  "STATUS_SUCCESS with AllocationBase 0 and the free run as RegionSize",
	  "Windows: MEMORY_REGION_INFORMATION documentation (describes an allocation); Wine: probe" },
	{ ROW(QUERY_REGION_INFO_FIELDS), "MemoryRegionInformation RegionType, RegionSize, CommitSize",
	  OK, ALT,
	  "RegionType: Private / MappedDataFile / MappedImage bit; RegionSize: the whole allocation; "
	  "CommitSize: its committed bytes; PartitionId and NodePreference written as 0",
	  "RegionType 0; RegionSize: the MemoryBasicInformation region at the address; CommitSize: "
	  "that size if committed, else 0; the last 16 bytes are not written",
	  "Windows: MEMORY_REGION_INFORMATION documentation; Wine: probe" },
	{ ROW(QUERY_RESERVED_LAST_PROT),
	  "MemoryBasicInformation of reserved pages whose last protections differ (pages committed "
	  "with different protections, then decommitted)",
	  OK, ALT, "one MEM_RESERVE region while the pages are reserved (Protect 0)",
	  "the reserved run ends where the protection the pages last had changes (decommitted pages "
	  "keep theirs, never-committed pages have the allocation's)",
	  "Windows: windows-semantics.md NtQueryVirtualMemory (a region runs while state, protection "
	  "and allocation stay the same; reserved pages have none); Wine: recording "
	  "query-decommitted-runs" },
	{ ROW(RESET_DISCARDS_CONTENTS),
	  "NtAllocateVirtualMemory MEM_RESET over committed private pages, then a read",
	  OK, ALT, "contents kept (the documentation allows kept or zeroed; ntvm keeps them)",
	  "the committed pages of the range read as zeros afterwards",
	  "Windows: VirtualAlloc documentation (MEM_RESET: the data is no longer of interest); "
	  "Wine: nt_vs_wine finding, recording reference/findings/wine-reset-zeroes" },
	{ ROW(RESERVED_GUARD_FAULT),
	  "CPU access to a reserved page whose last protection has PAGE_GUARD (never committed in a "
	  "reservation made with PAGE_GUARD, or decommitted while a guard page)",
	  NTVM_STATUS_ACCESS_VIOLATION, NTVM_STATUS_GUARD_PAGE_VIOLATION,
	  "STATUS_ACCESS_VIOLATION (reserved memory is inaccessible; only committed pages are guard "
	  "pages)",
	  "STATUS_GUARD_PAGE_VIOLATION once per page, clearing the guard in the page's last "
	  "protection: the next access gives STATUS_ACCESS_VIOLATION and the reserved run splits "
	  "there (QUERY_RESERVED_LAST_PROT)",
	  "Windows: windows-semantics.md (access to reserved pages), memory-protection documentation "
	  "(PAGE_GUARD); Wine: nt_vs_wine finding, recording access-reserved-guard, unix/virtual.c "
	  "virtual_handle_fault (tests the guard bit before the committed bit)" },
	{ ROW(SECTION_COMMIT_OTHER_VIEWS),
	  "NtAllocateVirtualMemory MEM_COMMIT (or NtMapViewOfSection's commit size) through one view "
	  "of a SEC_RESERVE page-file section: the section's other views mapped already",
	  OK, ALT,
	  "the pages show committed in every view (with each view's AllocationProtect): they are "
	  "committed in the section",
	  "ntvm keeps them reserved in the other views (views mapped later show them committed). "
	  "Wine 8.0 is not consistent here: the recording section-reserve shows a view mapped "
	  "earlier keeping a page reserved after a commit of the whole other view, the sections "
	  "probe shows such a view seeing pages committed through a fresh view",
	  "Windows: WRK MiMapViewOfDataSection, Win10 MiCommitPagefileBackedSection (the commit "
	  "goes to the section's prototype PTEs that every view maps); Wine: recording "
	  "reference/recordings/section-reserve.trace, tests/nt/wine-probe/results-sections.txt "
	  "(B1), unix/virtual.c get_committed_size (asks the server's committed ranges)" },
	{ ROW(VIEW_PROTECT_INCOMPATIBLE),
	  "NtProtectVirtualMemory (or a commit) in a view with a protection its view protection does "
	  "not allow (e.g. PAGE_READWRITE in a view mapped PAGE_READONLY)",
	  NTVM_STATUS_SECTION_PROTECTION, NTVM_STATUS_INVALID_PAGE_PROTECTION,
	  "STATUS_SECTION_PROTECTION (MmCompatibleProtectionMask of the view's protection)",
	  "STATUS_INVALID_PAGE_PROTECTION (set_protection: access beyond the view's)",
	  "Windows: WRK MmCompatibleProtectionMask, Win10 MiProtectVirtualMemory / "
	  "MiCommitPagefileBackedSection (0xC000004E); Wine: unix/virtual.c set_protection; not "
	  "probed" },
	{ ROW(SECTION_CREATE_BAD_TYPE),
	  "NtCreateSection attributes without SEC_COMMIT, SEC_RESERVE or SEC_IMAGE, SEC_COMMIT with "
	  "SEC_RESERVE, or SEC_IMAGE with COMMIT/RESERVE/LARGE_PAGES/NOCACHE/NO_CHANGE",
	  NTVM_STATUS_INVALID_PARAMETER_6, NTVM_STATUS_INVALID_PARAMETER,
	  "STATUS_INVALID_PARAMETER_6",
	  "STATUS_INVALID_PARAMETER",
	  "Windows: ReactOS NtCreateSection; Wine: probe: tests/nt/wine-probe/sections.c under Wine "
	  "8.0 (results-sections.txt) (0 and COMMIT|RESERVE; the SEC_IMAGE mixes not probed)" },
	{ ROW(SECTION_CREATE_UNKNOWN_BITS),
	  "NtCreateSection attributes with bits outside SEC_COMMIT, SEC_RESERVE, SEC_IMAGE, "
	  "SEC_NOCACHE, SEC_LARGE_PAGES, SEC_BASED, SEC_NO_CHANGE",
	  NTVM_STATUS_INVALID_PARAMETER_6, ALT,
	  "STATUS_INVALID_PARAMETER_6",
	  "accepted: the unknown bits are dropped",
	  "Windows: ReactOS NtCreateSection; Wine: probe: tests/nt/wine-probe/sections.c under Wine "
	  "8.0 (results-sections.txt) (SEC_COMMIT|1 succeeds)" },
	{ ROW(SECTION_CREATE_ZERO_SIZE),
	  "NtCreateSection of a page-file-backed section with *maximum_size 0 (or no maximum_size)",
	  NTVM_STATUS_INVALID_PARAMETER_4, NTVM_STATUS_INVALID_PARAMETER,
	  "STATUS_INVALID_PARAMETER_4",
	  "STATUS_INVALID_PARAMETER",
	  "Windows: WRK MiCreatePagingFileMap (as modelled by ReactOS); Wine: probe: "
	  "tests/nt/wine-probe/sections.c under Wine 8.0 (results-sections.txt) (size 0)" },
	{ ROW(SECTION_CREATE_PROTECTION),
	  "NtCreateSection with PAGE_NOACCESS, or a protection with PAGE_GUARD / PAGE_NOCACHE / "
	  "PAGE_WRITECOMBINE",
	  NTVM_STATUS_INVALID_PAGE_PROTECTION, ALT,
	  "STATUS_INVALID_PAGE_PROTECTION",
	  "accepted: the section keeps the base value (views of a GUARD section carry no guard)",
	  "Windows: ReactOS NtCreateSection; Wine: probe: tests/nt/wine-probe/sections.c under Wine "
	  "8.0 (results-sections.txt) (NOACCESS and READWRITE|GUARD succeed; a view of the GUARD "
	  "section queries READWRITE)" },
	{ ROW(MAP_BAD_INHERIT),
	  "NtMapViewOfSection inherit disposition other than ViewShare (1) / ViewUnmap (2)",
	  NTVM_STATUS_INVALID_PARAMETER_8, ALT,
	  "STATUS_INVALID_PARAMETER_8",
	  "accepted (ignored)",
	  "Windows: WRK NtMapViewOfSection; Wine: probe: tests/nt/wine-probe/sections.c under Wine "
	  "8.0 (results-sections.txt) (3 succeeds)" },
	{ ROW(MAP_BAD_TYPE),
	  "NtMapViewOfSection allocation type with bits outside MEM_TOP_DOWN, MEM_RESERVE, "
	  "MEM_LARGE_PAGES, SEC_NO_CHANGE (AT_ROUND_TO_PAGE, MEM_COMMIT, ...)",
	  NTVM_STATUS_INVALID_PARAMETER_9, ALT,
	  "STATUS_INVALID_PARAMETER_9 (AT_ROUND_TO_PAGE too on Win64)",
	  "accepted: the bits are ignored (a base must still be 64 KiB aligned)",
	  "Windows: WRK NtMapViewOfSection, ntdll test_NtMapViewOfSection (AT_ROUND_TO_PAGE _9 on "
	  "Win64, todo_wine); Wine: probe: tests/nt/wine-probe/sections.c under Wine 8.0 "
	  "(results-sections.txt) (AT_ROUND_TO_PAGE and MEM_COMMIT succeed; AT_ROUND_TO_PAGE at "
	  "base+0x1000 gives STATUS_MAPPED_ALIGNMENT)" },
	{ ROW(MAP_MEM_RESERVE),
	  "NtMapViewOfSection MEM_RESERVE on a data section",
	  NTVM_STATUS_INVALID_PARAMETER_9, ALT,
	  "page-file section: STATUS_INVALID_PARAMETER_9; data-file section: a reserved view, not "
	  "modelled: STATUS_NOT_SUPPORTED (ntvm-specific)",
	  "accepted: ignored, the view is mapped as without it",
	  "Windows: ReactOS kmtests ZwMapViewOfSection (page-file section: _9; file section: "
	  "maps), WRK MmMapViewOfSection (MEM_RESERVE views); Wine: probe: "
	  "tests/nt/wine-probe/sections.c under Wine 8.0 (results-sections.txt) (SEC_COMMIT and "
	  "SEC_RESERVE sections map as usual)" },
	{ ROW(MAP_WRITECOMBINE),
	  "NtMapViewOfSection with PAGE_WRITECOMBINE in the protection",
	  NTVM_STATUS_INVALID_PARAMETER_10, NTVM_STATUS_INVALID_PAGE_PROTECTION,
	  "STATUS_INVALID_PARAMETER_10 (after the other checks)",
	  "STATUS_INVALID_PAGE_PROTECTION (with the protection check)",
	  "Windows: WRK NtMapViewOfSection / MmMapViewOfSection; Wine: probe: "
	  "tests/nt/wine-probe/sections.c under Wine 8.0 (results-sections.txt)" },
	{ ROW(MAP_BASE_ABOVE_MAX),
	  "NtMapViewOfSection with *base above the highest user address",
	  NTVM_STATUS_INVALID_PARAMETER_3, NTVM_STATUS_WORKING_SET_LIMIT_RANGE,
	  "STATUS_INVALID_PARAMETER_3",
	  "STATUS_WORKING_SET_LIMIT_RANGE (0x40000002)",
	  "Windows: WRK NtMapViewOfSection; Wine: probe: tests/nt/wine-probe/sections.c under Wine "
	  "8.0 (results-sections.txt) (base 0x800000000000)" },
	{ ROW(MAP_SECTION_PROTECTION),
	  "NtMapViewOfSection of a data section with a protection its section protection does not "
	  "allow (e.g. READWRITE on a READONLY section)",
	  NTVM_STATUS_SECTION_PROTECTION, ALT,
	  "STATUS_SECTION_PROTECTION (MmCompatibleProtectionMask)",
	  "accepted: the view has the requested protection",
	  "Windows: WRK NtMapViewOfSection, MmCompatibleProtectionMask; Wine: probe: "
	  "tests/nt/wine-probe/sections.c under Wine 8.0 (results-sections.txt) (READWRITE on "
	  "READONLY, EXECUTE_READWRITE on READWRITE, READONLY on NOACCESS all map with that "
	  "protection)" },
	{ ROW(MAP_OFFSET_PAST_END),
	  "NtMapViewOfSection of a data section with *section_offset at or past the section's end",
	  NTVM_STATUS_INVALID_VIEW_SIZE, NTVM_STATUS_INVALID_PARAMETER,
	  "STATUS_INVALID_VIEW_SIZE",
	  "STATUS_INVALID_PARAMETER",
	  "Windows: WRK NtMapViewOfSection / MiMapViewOfDataSection; Wine: probe: "
	  "tests/nt/wine-probe/sections.c under Wine 8.0 (results-sections.txt) (offset 0x10000 of "
	  "a 0x2000 section), unix/virtual.c" },
	{ ROW(MAP_COMMIT_SIZE),
	  "NtMapViewOfSection of a SEC_RESERVE page-file section with a non-zero commit size",
	  OK, ALT,
	  "the view's first round_up(commit size) bytes are committed in the section (every view "
	  "sees them)",
	  "ignored: nothing is committed",
	  "Windows: WRK MiMapViewOfDataSection; Wine: probe: tests/nt/wine-probe/sections.c under "
	  "Wine 8.0 (results-sections.txt) (commit size 0x2001: the view stays reserved)" },
	{ ROW(FREE_VIEW),
	  "NtFreeVirtualMemory (MEM_DECOMMIT or MEM_RELEASE) on a section view or image (or an MMIO "
	  "range)",
	  NTVM_STATUS_UNABLE_TO_DELETE_SECTION, NTVM_STATUS_INVALID_PARAMETER,
	  "STATUS_UNABLE_TO_DELETE_SECTION",
	  "STATUS_INVALID_PARAMETER",
	  "Windows: ReactOS NtFreeVirtualMemory; Wine: probe: tests/nt/wine-probe/sections.c under "
	  "Wine 8.0 (results-sections.txt) (decommit and release, at the base and inside, size 0 "
	  "and past the end)" },
	{ ROW(MAP_VIEW_MODIFIERS), "NtMapViewOfSection with PAGE_GUARD or PAGE_NOCACHE in the view protection",
	  OK, NTVM_STATUS_INVALID_PAGE_PROTECTION,
	  "accepted: the view's pages carry the modifier (a PAGE_GUARD view faults once)",
	  "STATUS_INVALID_PAGE_PROTECTION (with the protection check)",
	  "Windows: ReactOS kmtests ZwMapViewOfSection BehaviorChecks (PAGE_GUARD|PAGE_READWRITE maps "
	  "and faults with STATUS_GUARD_PAGE_VIOLATION once; PAGE_NOCACHE not pinned); Wine: "
	  "recording section-wine-rows" },
	{ ROW(MAP_VIEW_PAST_SECTION),
	  "NtMapViewOfSection of a data section with offset + view size past the section's size but "
	  "not past its last page (e.g. 0x2000 bytes of a 0x1234-byte section)",
	  NTVM_STATUS_INVALID_VIEW_SIZE, OK, "STATUS_INVALID_VIEW_SIZE",
	  "accepted: the limit is the section's size rounded up to pages",
	  "Windows: ReactOS kmtests ZwMapViewOfSection AdvancedErrorChecks (expectations/"
	  "section-view-limits); Wine: recording section-wine-rows (0x2000 maps, 0x2001 "
	  "STATUS_INVALID_VIEW_SIZE)" },
	{ ROW(MAP_COMMIT_PAST_VIEW), "NtMapViewOfSection with a commit size larger than the view",
	  NTVM_STATUS_INVALID_PARAMETER_5, OK, "STATUS_INVALID_PARAMETER_5",
	  "accepted (a commit size commits nothing, MAP_COMMIT_SIZE)",
	  "Windows: ReactOS kmtests ZwMapViewOfSection (expectations/section-view-limits); Wine: "
	  "recording section-wine-rows" },
	{ ROW(MAP_LARGE_PAGES), "NtMapViewOfSection with MEM_LARGE_PAGES in the allocation type",
	  NTVM_STATUS_NOT_SUPPORTED, ALT,
	  "not modelled (large-page views): STATUS_NOT_SUPPORTED (ntvm-specific)",
	  "accepted: ignored, the view is mapped as without it",
	  "Windows: ReactOS kmtests ZwMapViewOfSection (MEM_LARGE_PAGES|MEM_RESERVE on a file "
	  "section maps); Wine: recording section-wine-rows" },
};

const nt_profile_row *nt_profile_rows(size_t *count)
{
	if (count)
		*count = NT_SIT_COUNT;
	return rows;
}

uint32_t nt_profile_result(const ntvm *vm, nt_situation id)
{
	const nt_profile_row *row = &rows[id];
	return ntvm_get_behaviour(vm) == NTVM_BEHAVIOUR_WINE_8_0 ? row->wine_8_0 : row->windows;
}

int nt_profile_alternative(const ntvm *vm, nt_situation id)
{
	return nt_profile_result(vm, id) == NT_CHOICE_ALTERNATIVE;
}
