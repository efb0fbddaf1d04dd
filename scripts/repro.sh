#!/usr/bin/env bash
# repro.sh -- crash triage (`make repro FILE=... [TARGET=...]`): rebuilds the
# target the input belongs to (libFuzzer, ASan+UBSan, through
# fuzz/oss_fuzz_build.sh into build/repro/), reproduces the crash or
# difference, minimizes it (libFuzzer -minimize_crash=1), and prints the
# minimized input's finding trace.
#
#   FILE    a crash input (build/fuzz-work/<t>/findings/crash-*, an AFL
#           crashes/id:* file, an OSS-Fuzz testcase, ...)
#   TARGET  the target; guessed from FILE's path when it names one
#   RUNS    minimization runs (2000)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
file=${1:-${FILE:-}}
die() { printf 'repro: %s\n' "$*" >&2; exit 2; }
[ -n "$file" ] && [ -f "$file" ] || die "usage: make repro FILE=<crash input> [TARGET=<target>]"
file=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
case "$file" in *.trace) die "$file is a trace: replay it with build/bin/ntvm-replay $file" ;; esac

targets=$(sed -n 's/^set(NTVM_FUZZ_TARGETS \([^"]*\).*/\1/p' fuzz/CMakeLists.txt)
target=${TARGET:-}
if [ -z "$target" ]; then
	for t in $targets; do
		case "$file" in *"$t"*) target=$t ;; esac
	done
fi
[ -n "$target" ] || die "cannot tell the target from $file: give TARGET= (one of: $targets)"

out=$root/build/repro
mkdir -p "$out"
flags="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all -fsanitize=fuzzer-no-link"
echo "== repro: building $target (libFuzzer, ASan+UBSan) into ${out#$root/}"
CC=clang CXX=clang++ CFLAGS="$flags" CXXFLAGS="$flags" LIB_FUZZING_ENGINE="-fsanitize=fuzzer" \
	OUT="$out" WORK="$out/work" NTVM_SRC="$root" NTVM_FUZZ_ONLY="$target" \
	fuzz/oss_fuzz_build.sh >"$out/build.log" 2>&1 || { tail -20 "$out/build.log"; die "build failed"; }

work=$out/$target-$(basename "$file")
rm -rf "$work" && mkdir -p "$work"
echo "== repro: running $(basename "$file")"
if NTVM_FINDING_DIR=$work "$out/$target" "$file" >"$work/run.log" 2>&1; then
	echo "repro: $file does not crash $target (no difference, no sanitizer report)"
	exit 1
fi
grep -aE '^# DIFFERENCE|ERROR: AddressSanitizer|runtime error|ERROR: libFuzzer' "$work/run.log" | head -3

echo "== repro: minimizing (${RUNS:-2000} runs)"
(cd "$work" && "$out/$target" -minimize_crash=1 -runs="${RUNS:-2000}" \
	-exact_artifact_path="$work/minimized" "$file" >"$work/minimize.log" 2>&1) || true
min=$work/minimized
[ -s "$min" ] || min=$file
rm -f "$work"/*.trace
NTVM_FINDING_DIR=$work "$out/$target" "$min" >"$work/min.log" 2>&1 || true
echo "== repro: input $(wc -c <"$file") bytes -> $(wc -c <"$min") bytes (${min#$root/})"
trace=$(ls "$work"/*.trace 2>/dev/null | head -1 || true)
if [ -n "$trace" ]; then
	echo "== repro: minimized trace (${trace#$root/})"
	cat "$trace"
else
	echo "== repro: no trace written (a sanitizer report, not a difference):"
	grep -aA12 -E 'ERROR: AddressSanitizer|runtime error' "$work/min.log" | head -30
fi
