/*
 * nt_ops.c -- fuzz target: the NT layer (nt.h) on core and on the oracle
 * model side by side.  Header byte: bit 0 the behaviour profile (0 Windows,
 * 1 Wine 8.0), bit 1 DEP off, bits 2-3 the address profile (0, 3: 64-bit;
 * 1: 32-bit; 2: 32-bit large-address-aware).  After every call: the status
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static fuzz_run run;
	uint8_t header = size ? data[0] : 0;
	ntvm_config config = {0};
	config.behaviour = header & 1 ? NTVM_BEHAVIOUR_WINE_8_0 : NTVM_BEHAVIOUR_WINDOWS;
	config.dep_disabled = (header & 2) != 0;
	config.address_profile = profile_of(header);
	if (!fuzz_run_start(&run, "nt_ops", data, size, FUZZ_SET_NT, &config))
		return 0;
	for (size_t i = 0; i < run.prog.count; i++)
		fuzz_exec_nt_op(&run, &run.prog.ops[i]);
	fuzz_run_end(&run);
	return 0;
}
