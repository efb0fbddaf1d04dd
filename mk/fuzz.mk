# The main job and its helpers (scripts/fuzz.sh has the logic).
#   make fuzz                  fuzz every target (~2 minutes), conformance report, summary
#   make fuzz FUZZ_SECONDS=600 FUZZ_ENGINE=afl
#   make fuzz-corpus           re-encode the reference scripts into corpus/nt_ops
#   make check-incremental     planted bugs: core_ops' incremental checks catch them
#                              on every input the full checks do (BUGS="a b": only these)
.PHONY: fuzz fuzz-corpus check-incremental

fuzz:
	@FUZZ_SECONDS=$(or $(FUZZ_SECONDS),120) FUZZ_ENGINE=$(or $(FUZZ_ENGINE),libfuzzer) scripts/fuzz.sh

# Every reference trace as an nt_ops input (the profile its source implies),
# and every script once more under the Wine 8.0 profile (header bit 0).
fuzz-corpus: build
	@mkdir -p corpus/nt_ops/reference build/fuzz-corpus-tmp
	@rm -f corpus/nt_ops/reference/* build/fuzz-corpus-tmp/*
	@build/bin/ntvm-trace-to-input corpus/nt_ops/reference reference/scripts/*.trace \
		reference/recordings/*.trace reference/expectations/*.trace
	@build/bin/ntvm-trace-to-input build/fuzz-corpus-tmp reference/scripts/*.trace
	@for f in build/fuzz-corpus-tmp/*.bin; do \
		n=$$(basename $$f .bin); \
		h=$$(( $$(od -An -tu1 -N1 $$f) | 1 )); \
		{ printf "\\$$(printf %o $$h)"; tail -c +2 $$f; } > corpus/nt_ops/reference/$$n.wine.bin; \
	done
	@echo "corpus/nt_ops/reference: $$(ls corpus/nt_ops/reference | wc -l) inputs"

check-incremental:
	@scripts/check-incremental.sh $(BUGS)
