/*
 * pe_image.c -- fuzz target: arbitrary bytes as the file of a SEC_IMAGE
 * section.  NtCreateSection must answer with a status, never crash, read
 * outside the bytes or leak; the oracle model's own PE reader (model_pe.c)
 * must give the same status.  An accepted image is mapped (core and model
 * side by side), queried page by page, read, its invariants checked, then
 * unmapped and closed, and nothing may be left behind.  The first byte
 * picks the behaviour profile (bit 0) and whether the image is mapped at a
 * base of its own choice in the arena (bit 1) or where it asks; the rest is
 * the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fail unless the query at address agrees on both sides. */
static void compare_query(fuzz_run *run, uint64_t address)
{
	ntvm_memory_basic_information c, m;
	ntvm_ntstatus cs = ntvm_nt_query_virtual_memory(run->vm, address, NTVM_MEMORY_BASIC_INFORMATION_CLASS,
	                                                &c, sizeof c, NULL);
	ntvm_ntstatus ms = model_nt_query(&run->m, address, &m);
	if (cs != ms || (cs == NTVM_STATUS_SUCCESS && memcmp(&c, &m, sizeof c) != 0))
		fuzz_fail(run, true, address, "image query at 0x%llx: core 0x%x prot 0x%x size 0x%llx, model 0x%x prot 0x%x size 0x%llx",
		          (unsigned long long)address, cs, c.Protect, (unsigned long long)c.RegionSize, ms,
		          m.Protect, (unsigned long long)m.RegionSize);
}

static uint64_t map_image(fuzz_run *run, ntvm_handle h, uint64_t want)
{
	uint64_t a[10] = {h, want, 0, 0, 0, 0, NTVM_VIEW_UNMAP, 0, NTVM_PAGE_READONLY, 0};
	fuzz_log *l = fuzz_log_op(run, FOP_NT_MAP, 10, a);
	uint64_t cb = want, cs = 0, mb = want, ms = 0;
	l->core[0] = ntvm_nt_map_view_of_section(run->vm, h, &cb, 0, 0, NULL, &cs, NTVM_VIEW_UNMAP, 0,
	                                         NTVM_PAGE_READONLY);
	l->model[0] = model_nt_map_view(&run->m, h, &mb, 0, 0, NULL, &ms, NTVM_VIEW_UNMAP, 0,
	                                NTVM_PAGE_READONLY);
	l->core[1] = cb, l->core[3] = cs, l->model[1] = mb, l->model[3] = ms;
	fuzz_expect_same(run, l, 4);
	fuzz_compare_state(run);
	bool mapped = l->core[0] == NTVM_STATUS_SUCCESS || l->core[0] == NTVM_STATUS_IMAGE_NOT_AT_BASE ||
	              l->core[0] == NTVM_STATUS_IMAGE_MACHINE_TYPE_MISMATCH;
	return mapped ? cb : 0;
}

/* Query every region of the view, read each committed readable page. */
static void walk_view(fuzz_run *run, uint64_t base)
{
	ntvm_region_info info;
	for (uint64_t at = base; ntvm_region_info_at(run->vm, at, &info) == NTVM_OK &&
	                         info.allocation_base == base;
	     at = info.start + info.length) {
		compare_query(run, at);
		uint8_t c[64], m[64];
		ntvm_ntstatus cs = ntvm_nt_access(run->vm, at, c, sizeof c, NTVM_ACCESS_READ, NULL);
		ntvm_ntstatus ms = model_nt_access(&run->m, at, m, sizeof m, NTVM_ACCESS_READ, NULL);
		if (cs != ms || (cs == NTVM_STATUS_SUCCESS && memcmp(c, m, sizeof c) != 0))
			fuzz_fail(run, true, at, "image read at 0x%llx: core 0x%x, model 0x%x, or the bytes differ",
			          (unsigned long long)at, cs, ms);
	}
	fuzz_compare_views(run);
}

static void unmap_close(fuzz_run *run, uint64_t base, ntvm_handle h)
{
	if (base) {
		uint64_t a[1] = {base};
		fuzz_log *l = fuzz_log_op(run, FOP_NT_UNMAP, 1, a);
		l->core[0] = ntvm_nt_unmap_view_of_section(run->vm, base);
		l->model[0] = model_nt_unmap_view(&run->m, base);
		fuzz_expect_same(run, l, 1);
	}
	uint64_t a[1] = {h};
	fuzz_log *l = fuzz_log_op(run, FOP_NT_CLOSE, 1, a);
	l->core[0] = ntvm_nt_close(run->vm, h);
	l->model[0] = model_nt_close(&run->m, h);
	fuzz_expect_same(run, l, 1);
	fuzz_compare_state(run);
	if (run->m.section_count != 0)
		fuzz_fail(run, false, 0, "the model keeps a section after unmap and close");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static fuzz_run run;
	ntvm_config config = {0};
	uint8_t header = size ? data[0] : 0;
	const uint8_t *file = size ? data + 1 : data;
	size_t file_size = size ? size - 1 : 0;
	config.behaviour = header & 1 ? NTVM_BEHAVIOUR_WINE_8_0 : NTVM_BEHAVIOUR_WINDOWS;
	if (!fuzz_run_start(&run, "pe_image", NULL, 0, FUZZ_SET_NT_SECTIONS, &config))
		return 0;
	run.input = data, run.input_size = size;
	uint64_t a[7] = {0, NTVM_PAGE_READONLY, NTVM_SEC_IMAGE, NTVM_SECTION_ALL_ACCESS, 0, 1, file_size};
	fuzz_log *l = fuzz_log_op(&run, FOP_NT_SECTION, 7, a);
	ntvm_handle ch = 0, mh = 0;
	l->core[0] = ntvm_nt_create_section(run.vm, &ch, NTVM_SECTION_ALL_ACCESS, NULL, NTVM_PAGE_READONLY,
	                                    NTVM_SEC_IMAGE, file, file_size);
	l->model[0] = model_nt_create_section(&run.m, &mh, NTVM_SECTION_ALL_ACCESS, NULL,
	                                      NTVM_PAGE_READONLY, NTVM_SEC_IMAGE, file, file_size);
	l->core[1] = ch, l->model[1] = mh;
	fuzz_expect_same(&run, l, 2);
	if (l->core[0] == NTVM_STATUS_SUCCESS) {
		uint64_t base = map_image(&run, ch, header & 2 ? run.env.arena_base : 0);
		if (base)
			walk_view(&run, base);
		unmap_close(&run, base, ch);
	}
	fuzz_compare_state(&run);
	fuzz_run_end(&run);
	return 0;
}
