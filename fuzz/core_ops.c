/*
 * core_ops.c -- fuzz target: the manager API (ntvm.h) on core and on the
 * oracle model side by side.  Header byte: bits 0-1 the address profile
 * (0, 3: 64-bit; 1: 32-bit; 2: 32-bit large-address-aware), bit 2 DEP off.
 * After every operation: results, layout-version movement, the arena's
 * query walk, the reservation list, statistics and core's invariants, the
 * walk and the per-page invariants over the operation's window only; the
 * whole state at the end of the input (harness.h, `incremental`).
 */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ntvm_address_profile profile_of(uint8_t header)
{
	switch (header & 3) {
	case 1: return NTVM_ADDRESS_32;
	case 2: return NTVM_ADDRESS_32_LARGE;
	default: return NTVM_ADDRESS_64;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static fuzz_run run;
	ntvm_config config = {0};
	config.address_profile = profile_of(size ? data[0] : 0);
	config.dep_disabled = size && (data[0] & 4);
	if (!fuzz_run_start(&run, "core_ops", data, size, FUZZ_SET_CORE, &config))
		return 0;
	run.incremental = !fuzz_full_checks();
	for (size_t i = 0; i < run.prog.count; i++)
		fuzz_exec_core_op(&run, &run.prog.ops[i]);
	fuzz_run_end(&run);
	return 0;
}
