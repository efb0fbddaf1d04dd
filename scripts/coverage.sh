#!/usr/bin/env bash
# `make coverage`: line and branch coverage of core/ from the committed
# corpora and traces alone.  Builds the `coverage` preset (clang source-based
# coverage) into build/coverage, replays every corpus with the plain fuzz
# drivers and every committed trace with ntvm-replay, merges the profiles,
# prints the report for core/ and writes HTML to build/coverage/html.
#
#   COVERAGE_BUILD    the build folder (build/coverage)
#   COVERAGE_SOURCES  the files or folders reported (core/src core/include)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${COVERAGE_BUILD:-$root/build/coverage}
profiles=$build/profiles
# every target fuzz/CMakeLists.txt declares (as fuzz/oss_fuzz_build.sh reads them)
targets=$(sed -n 's/^set(NTVM_FUZZ_TARGETS \([^"]*\).*/\1/p' fuzz/CMakeLists.txt)

say() { printf '== coverage: %s\n' "$*"; }

scripts/install-deps.sh build
say "building the coverage preset in ${build#$root/}"
mkdir -p "$root/build"
cmake --preset coverage -B "$build" >"$build.configure.log" 2>&1 || { cat "$build.configure.log"; exit 2; }
names="ntvm-replay"
for t in $targets; do names="$names fuzz_$t"; done
# shellcheck disable=SC2086
cmake --build "$build" -j"${FUZZ_JOBS:-2}" --target $names >"$build.build.log" 2>&1 ||
	{ tail -40 "$build.build.log"; exit 2; }

rm -rf "$profiles"
mkdir -p "$profiles"
export LLVM_PROFILE_FILE=$profiles/%p-%m.profraw
objects=()
for t in $targets; do
	dirs=()
	for d in corpus/$t corpus/regression/$t; do [ -d "$d" ] && dirs+=("$d"); done
	[ "$t" = trace_parse ] && dirs+=(reference/scripts reference/recordings reference/expectations)
	[ ${#dirs[@]} -eq 0 ] && continue
	say "replaying ${dirs[*]} with fuzz_$t"
	# a finding aborts one input; the profile of the rest still counts
	"$build/bin/fuzz_$t" "${dirs[@]}" >/dev/null 2>"$profiles/$t.log" ||
		echo "   fuzz_$t stopped early (see $profiles/$t.log)"
	objects+=("$build/bin/fuzz_$t")
done
say "replaying the committed traces with ntvm-replay"
for d in reference/recordings reference/expectations reference/scripts reference/fuzz-recordings; do
	[ -d "$d" ] && { "$build/bin/ntvm-replay" --quiet "$d" >"$profiles/replay.log" 2>&1 || true; }
done
objects+=("$build/bin/ntvm-replay")
# llvm-cov takes the first binary as is and the others after -object
binaries=("${objects[0]}")
for o in "${objects[@]:1}"; do binaries+=(-object "$o"); done

llvm-profdata-14 merge -sparse "$profiles"/*.profraw -o "$build/coverage.profdata"
sources=()
for s in ${COVERAGE_SOURCES:-core/src core/include}; do sources+=("$root/$s"); done
say "core/ coverage (lines, branches) from corpora and traces"
llvm-cov-14 report "${binaries[@]}" -instr-profile="$build/coverage.profdata" \
	"${sources[@]}" | sed "s|$root/||"
rm -rf "$build/html"
llvm-cov-14 show "${binaries[@]}" -instr-profile="$build/coverage.profdata" \
	-format=html -show-branches=count -output-dir="$build/html" "${sources[@]}" >/dev/null
say "HTML report: ${build#$root/}/html/index.html"
