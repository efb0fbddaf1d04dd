# The main job and its helpers (scripts/fuzz.sh has the logic).
#   make fuzz                  fuzz every target (~2 minutes), conformance report, summary
#   make fuzz FUZZ_SECONDS=600 FUZZ_ENGINE=afl
#   make fuzz-corpus           re-encode the reference scripts into corpus/nt_ops
.PHONY: fuzz fuzz-corpus

fuzz:
	@FUZZ_SECONDS=$(or $(FUZZ_SECONDS),120) FUZZ_ENGINE=$(or $(FUZZ_ENGINE),libfuzzer) scripts/fuzz.sh

fuzz-corpus: build
	@mkdir -p corpus/nt_ops
	@build/bin/ntvm-trace-to-input corpus/nt_ops reference/scripts/*.trace
	@echo "corpus/nt_ops: $$(ls corpus/nt_ops | wc -l) inputs"
