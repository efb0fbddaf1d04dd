# mk/scale.mk -- fuzzing at scale (docs/fuzzing-at-scale.md):
#   make afl                AFL++ on every core (AFL_TARGET, AFL_CORES, AFL_SECONDS)
#   make oss-fuzz-check     the OSS-Fuzz build script outside Docker, ASan and UBSan
#   make nt-vs-wine         live differential fuzzing against Wine (NVW_SECONDS=600)
#   make repro FILE=...     rebuild, reproduce, minimize a crash, print its trace
#   make reference-fuzz     corpus/nt_ops as scripts (reference/fuzz-scripts) and, where
#                           ntvm and Wine agree, Wine recordings (reference/fuzz-recordings)
.PHONY: afl oss-fuzz-check nt-vs-wine repro reference-fuzz

afl:
	@scripts/afl.sh

oss-fuzz-check:
	@scripts/check-oss-fuzz-build.sh

nt-vs-wine:
	@scripts/nt_vs_wine.sh

repro:
	@scripts/repro.sh "$(FILE)"

reference-fuzz:
	@scripts/nt_vs_wine.sh --export

# The fuzz recordings must still come out of Wine unchanged (as reference-check does
# for reference/scripts).
.PHONY: reference-fuzz-check
reference-fuzz-check: recorder
	@scripts/record.sh --check reference/fuzz-recordings reference/fuzz-scripts
