/*
 * snapshot_states.c -- the fixed states of snapshot_states.h, built
 * through the manager API and the NT layer.  A variant that cannot be
 * built (a call failed) is NULL rather than a different state, so that a
 * seed always is what its name says.
 */
#include "snapshot_states.h"

#include <stdlib.h>
#include <string.h>

#include <ntvm/nt.h>

#include "pe_build.h"
#include "section_decode.h"

ntvm *snapshot_small_state(void)
{
	ntvm *vm = ntvm_create(NULL);
	const uint8_t bytes[4] = {1, 2, 3, 4};
	if (!vm)
		return NULL;
	uint64_t base = ntvm_allocate(vm, 0x40000, NTVM_PERM_RW, true, 0, NTVM_KIND_PRIVATE);
	ntvm_commit(vm, base + 0x1000, 0x3000, NTVM_PERM_RW);
	ntvm_protect(vm, base + 0x2000, 0x1000, NTVM_PERM_READ | NTVM_PERM_GUARD, NULL);
	ntvm_write(vm, base + 0x1010, bytes, sizeof bytes, NULL);
	ntvm_allocate(vm, 0x2000, NTVM_PERM_RX, false, 0, NTVM_KIND_SECTION_IMAGE);
	return vm;
}

/* A section of `size` bytes (0: from the file) with every right. */
static bool section(ntvm *vm, ntvm_handle *h, uint64_t size, uint32_t protect, uint32_t attributes,
                    const void *file, size_t file_size)
{
	return ntvm_nt_create_section(vm, h, NTVM_SECTION_ALL_ACCESS, size ? &size : NULL, protect,
	                              attributes, file, file_size) == NTVM_STATUS_SUCCESS;
}

/* Map h at the system's choice; *base gets the view. */
static bool map(ntvm *vm, ntvm_handle h, uint64_t offset, uint64_t size, uint64_t commit,
                uint32_t protect, uint64_t *base, ntvm_ntstatus want)
{
	*base = 0;
	return ntvm_nt_map_view_of_section(vm, h, base, 0, commit, &offset, &size, NTVM_VIEW_SHARE, 0,
	                                   protect) == want;
}

static bool write(ntvm *vm, uint64_t at, const char *text, size_t n)
{
	return ntvm_nt_access(vm, at, (void *)text, n, NTVM_ACCESS_WRITE, NULL) == NTVM_STATUS_SUCCESS;
}

/* The private page at `at` (a copy-on-write made it read-write) back to
 * PAGE_WRITECOPY: private beside shared pages of the same protection. */
static bool writecopy_again(ntvm *vm, uint64_t at)
{
	uint64_t size = 0x1000;
	uint32_t old;
	return ntvm_nt_protect_virtual_memory(vm, &at, &size, NTVM_PAGE_WRITECOPY, &old) ==
	       NTVM_STATUS_SUCCESS;
}

/* A SEC_COMMIT section seen through a read-write and a WRITECOPY view, and
 * a one-page section (its handle closed) seen read-only above them. */
static bool commit_views(ntvm *vm)
{
	ntvm_handle h, small;
	uint64_t rw, wc, last;
	return section(vm, &h, 0x14000, NTVM_PAGE_READWRITE, NTVM_SEC_COMMIT, NULL, 0) &&
	       map(vm, h, 0, 0, 0, NTVM_PAGE_READWRITE, &rw, NTVM_STATUS_SUCCESS) &&
	       map(vm, h, 0x10000, 0x3000, 0, NTVM_PAGE_WRITECOPY, &wc, NTVM_STATUS_SUCCESS) &&
	       write(vm, rw + 0x10, "shared", 6) && write(vm, rw + 0x3ff8, "across", 6) &&
	       write(vm, wc + 0x1004, "own copy", 8) && writecopy_again(vm, wc + 0x1000) &&
	       section(vm, &small, 0x1000, NTVM_PAGE_READWRITE, NTVM_SEC_COMMIT, NULL, 0) &&
	       map(vm, small, 0, 0, 0, NTVM_PAGE_READONLY, &last, NTVM_STATUS_SUCCESS) &&
	       ntvm_nt_close(vm, small) == NTVM_STATUS_SUCCESS;
}

/* A SEC_RESERVE section whose handle is closed (the view holds it), with
 * pages committed through the view; then two more handles, the first closed. */
static bool reserve_view(ntvm *vm)
{
	ntvm_handle h, gone, kept;
	uint64_t v, base, size = 0x2000;
	if (!section(vm, &h, 0x11000, NTVM_PAGE_READWRITE, NTVM_SEC_RESERVE, NULL, 0) ||
	    !map(vm, h, 0, 0, 0, NTVM_PAGE_READWRITE, &v, NTVM_STATUS_SUCCESS))
		return false;
	base = v + 0xF000;
	if (ntvm_nt_allocate_virtual_memory(vm, &base, 0, &size, NTVM_MEM_COMMIT, NTVM_PAGE_READWRITE) !=
	    NTVM_STATUS_SUCCESS || !write(vm, v + 0x10000, "reserve", 7) || ntvm_nt_close(vm, h))
		return false;
	return section(vm, &gone, 0x1000, NTVM_PAGE_READONLY, NTVM_SEC_COMMIT, NULL, 0) &&
	       section(vm, &kept, 0x1800, NTVM_PAGE_EXECUTE_READWRITE, NTVM_SEC_COMMIT | NTVM_SEC_NOCACHE,
	               NULL, 0) &&
	       ntvm_nt_close(vm, gone) == NTVM_STATUS_SUCCESS;
}

/* pe_build writes PE32+ only: make its i386 image a PE32 one in place
 * (optional header magic 0x10b, a 32-bit ImageBase at +28; the header keeps
 * its size, which PE32 allows), what core maps as a foreign image. */
static bool make_pe32(uint8_t *file, size_t size)
{
	size_t opt = size > 0x40 ? (size_t)file[0x3c] + 24 : size;
	if (opt + 32 > size)
		return false;
	uint8_t base[8];
	memcpy(base, file + opt + 24, 8);
	file[opt] = 0x0b, file[opt + 1] = 0x01;
	memset(file + opt + 24, 0, 4); /* BaseOfData */
	memcpy(file + opt + 28, base, 4);
	return true;
}

/* fuzz_pe_table[index] as file bytes in a section (pe32: made a PE32
 * image), mapped; want: the map's status. */
static bool image(ntvm *vm, size_t index, bool pe32, ntvm_ntstatus want)
{
	ntvm_pe_spec spec;
	uint8_t *file = NULL;
	size_t file_size = 0;
	ntvm_handle h;
	uint64_t v;
	bool ok = ntvm_pe_spec_parse(fuzz_pe_table[index], &spec, NULL) == 0 &&
	          ntvm_pe_build(&spec, &file, &file_size, NULL) == 0 &&
	          (!pe32 || make_pe32(file, file_size)) &&
	          section(vm, &h, 0, NTVM_PAGE_EXECUTE_WRITECOPY, NTVM_SEC_IMAGE, file, file_size) &&
	          map(vm, h, 0, 0, 0, NTVM_PAGE_EXECUTE_WRITECOPY, &v, want);
	free(file);
	return ok;
}

/* A data-file section of 0x12345 pattern bytes mapped from its second
 * granule, its handle closed. */
static bool data_file(ntvm *vm)
{
	static uint8_t file[0x12345];
	ntvm_handle h;
	uint64_t v;
	for (size_t i = 0; i < sizeof file; i++)
		file[i] = (uint8_t)(i * 7 + 3);
	return section(vm, &h, 0, NTVM_PAGE_READWRITE, NTVM_SEC_COMMIT, file, sizeof file) &&
	       map(vm, h, 0x10000, 0, 0, NTVM_PAGE_WRITECOPY, &v, NTVM_STATUS_SUCCESS) &&
	       write(vm, v + 0x1000, "file", 4) && ntvm_nt_close(vm, h) == NTVM_STATUS_SUCCESS;
}

/* A SEC_RESERVE section of 65 pages held by views only: its last page
 * committed through a read-write view, then written through a WRITECOPY
 * one mapped after (a private bitmap of two words), and a one-page view
 * after both. */
static bool big_view(ntvm *vm)
{
	ntvm_handle h;
	uint64_t rw, wc, base, size = 0x1000;
	if (!section(vm, &h, 0x41000, NTVM_PAGE_READWRITE, NTVM_SEC_RESERVE, NULL, 0) ||
	    !map(vm, h, 0, 0, 0, NTVM_PAGE_READWRITE, &rw, NTVM_STATUS_SUCCESS))
		return false;
	base = rw + 0x40000;
	/* the WRITECOPY view is mapped after the commit: under Wine 8.0 a view
	 * mapped earlier keeps the page reserved (SECTION_COMMIT_OTHER_VIEWS) */
	return ntvm_nt_allocate_virtual_memory(vm, &base, 0, &size, NTVM_MEM_COMMIT, NTVM_PAGE_READWRITE) ==
	               NTVM_STATUS_SUCCESS &&
	       map(vm, h, 0, 0, 0, NTVM_PAGE_WRITECOPY, &wc, NTVM_STATUS_SUCCESS) &&
	       write(vm, wc + 0x40008, "last", 4) &&
	       map(vm, h, 0, 0x1000, 0, NTVM_PAGE_READONLY, &base, NTVM_STATUS_SUCCESS) &&
	       ntvm_nt_close(vm, h) == NTVM_STATUS_SUCCESS;
}

ntvm *snapshot_section_state(unsigned variant)
{
	ntvm_config config = {0};
	if (variant == 3) {
		config.address_profile = NTVM_ADDRESS_32;
		config.behaviour = NTVM_BEHAVIOUR_WINE_8_0;
		config.dep_disabled = true;
	}
	if (variant == 4)
		config.behaviour = NTVM_BEHAVIOUR_WINE_8_0;
	ntvm *vm = variant >= 3 ? ntvm_create(&config) : snapshot_small_state();
	bool ok = vm != NULL;
	switch (ok ? variant : SNAPSHOT_SECTION_STATES) {
	case 0: ok = commit_views(vm); break;
	case 1: ok = reserve_view(vm); break;
	case 2: ok = image(vm, 0, false, NTVM_STATUS_SUCCESS) &&
	          image(vm, 5, true, NTVM_STATUS_IMAGE_MACHINE_TYPE_MISMATCH);
		break;
	case 3: ok = data_file(vm); break;
	case 4: ok = big_view(vm); break;
	default: ok = false; break;
	}
	if (!ok) {
		ntvm_destroy(vm);
		return NULL;
	}
	return vm;
}
