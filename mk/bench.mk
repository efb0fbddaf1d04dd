# mk/bench.mk -- the benchmark suite (bench/, docs/benchmarks.md).
#   make bench                    build the release preset (no sanitizers) and print the table
#   make bench BENCH_ARGS=--json  machine-readable output (bench/baseline.json is one)
#   make bench-baseline           re-measure and rewrite bench/baseline.json
# The `wine` workload runs when Wine and mingw-w64 are installed; it uses the
# recorder's Wine prefix (build/wineprefix, created once, about 11 s).
.PHONY: bench bench-build bench-baseline

BENCH_BUILD := build/release
BENCH_ENV := WINEPREFIX=$(CURDIR)/build/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="

bench-build:
	@scripts/install-deps.sh build
	@cmake --preset release >/dev/null
	@cmake --build $(BENCH_BUILD) -j2 --target ntvm-bench -- --no-print-directory >/dev/null

bench: bench-build
	@$(BENCH_ENV) $(BENCH_BUILD)/bin/ntvm-bench $(BENCH_ARGS)

bench-baseline: bench-build
	@$(BENCH_ENV) $(BENCH_BUILD)/bin/ntvm-bench --json --no-baseline > bench/baseline.json.new
	@mv bench/baseline.json.new bench/baseline.json
	@echo "bench/baseline.json rewritten"
