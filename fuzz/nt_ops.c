/*
 * nt_ops.c -- fuzz target: the NT layer (nt.h) on core and on the oracle
 * model side by side.  Header byte: bit 0 the behaviour profile (0 Windows,
 * 1 Wine 8.0), bit 1 DEP off, bits 2-3 the address profile (0, 3: 64-bit;
 * 1: 32-bit; 2: 32-bit large-address-aware), bit 4 a section image, a section
 * view and an MMIO region made first (through the manager API), bit 5 the
 * section calls in the operation set (FUZZ_SET_NT_SECTIONS; without it
 * older inputs decode as they always did).  After every call: the status
 * and every out value, "a failing call changes nothing", the arena's query
 * walk, the reservation list, statistics and core's invariants.
 */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ntvm_address_profile profile_of(uint8_t header)
{
	switch ((header >> 2) & 3) {
	case 1: return NTVM_ADDRESS_32;
	case 2: return NTVM_ADDRESS_32_LARGE;
	default: return NTVM_ADDRESS_64;
	}
}

/* Header bit 4: before the program, a section image, a section view and an
 * MMIO region (made through the manager API on core and model alike), so
 * that NT queries, accesses and frees meet every kind of region. */
static void mapped_regions(fuzz_run *run)
{
	static const ntvm_kind kinds[2] = {NTVM_KIND_SECTION_IMAGE, NTVM_KIND_SECTION_VIEW};
	static const ntvm_perm perms[2] = {NTVM_PERM_RX, NTVM_PERM_READ};
	for (size_t i = 0; i < 2; i++) {
		uint64_t c = ntvm_allocate(run->vm, 0x20000, perms[i], false, 0, kinds[i]);
		uint64_t m = model_allocate(&run->m, 0x20000, perms[i], false, 0, kinds[i]);
		if (c != m)
			fuzz_fail(run, false, 0, "mapped region %zu: core 0x%llx, model 0x%llx", i,
			          (unsigned long long)c, (unsigned long long)m);
	}
	fuzz_arena_mmio(run);
	fuzz_compare_state(run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static fuzz_run run;
	uint8_t header = size ? data[0] : 0;
	ntvm_config config = {0};
	config.behaviour = header & 1 ? NTVM_BEHAVIOUR_WINE_8_0 : NTVM_BEHAVIOUR_WINDOWS;
	config.dep_disabled = (header & 2) != 0;
	config.address_profile = profile_of(header);
	if (!fuzz_run_start(&run, "nt_ops", data, size,
	                    header & 0x20 ? FUZZ_SET_NT_SECTIONS : FUZZ_SET_NT, &config))
		return 0;
	run.env.sections = (header & 0x20) != 0;
	if (header & 0x10)
		mapped_regions(&run);
	for (size_t i = 0; i < run.prog.count; i++)
		fuzz_exec_nt_op(&run, &run.prog.ops[i]);
	fuzz_run_end(&run);
	return 0;
}
