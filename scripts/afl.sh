#!/usr/bin/env bash
# afl.sh -- AFL++ on many cores (`make afl`): builds one fuzz target twice
# with afl-clang-fast (ASan+UBSan, and a CMPLOG build), then runs one
# `-M main` instance and N-1 `-S sN` secondaries on a shared sync folder,
# prints `afl-whatsup -s` every AFL_STATUS seconds and at the end, and stops
# every instance after AFL_SECONDS (afl-fuzz -V).  Each instance is started
# and ended by its own pid.
#
#   AFL_TARGET   the target (nt_ops; any of fuzz/CMakeLists.txt's NTVM_FUZZ_TARGETS)
#   AFL_CORES    instances (default: nproc)
#   AFL_SECONDS  time limit per instance (120)
#   AFL_STATUS   seconds between status prints (30)
#   AFL_SYNC     the sync folder (build/afl/<target>); reused if it exists, so a
#                later run resumes from the queues (AFL_FRESH=1 starts over)
#
# Several machines: see docs/fuzzing-at-scale.md (same layout, rsync of queues).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
target=${AFL_TARGET:-nt_ops}
cores=${AFL_CORES:-$(nproc)}
seconds=${AFL_SECONDS:-120}
status_every=${AFL_STATUS:-30}
sync=${AFL_SYNC:-$root/build/afl/$target}
bin=$root/build/afl-bin

die() { printf 'afl: %s\n' "$*" >&2; exit 2; }
command -v afl-fuzz >/dev/null || die "afl-fuzz is not installed (scripts/install-deps.sh build fuzz)"
grep -q "NTVM_FUZZ_TARGETS.* $target\b\|NTVM_FUZZ_TARGETS $target\b" fuzz/CMakeLists.txt ||
	die "unknown target '$target'"
[ "$cores" -ge 1 ] || die "AFL_CORES must be at least 1"

# The two builds, through the OSS-Fuzz build script with AFL++'s compiler
# and driver (fuzzing-conventions.md: LIB_FUZZING_ENGINE=libAFLDriver.a).
build() { # build NAME EXTRA_ENV...
	local name=$1 out=$bin/$1
	shift
	mkdir -p "$out"
	echo "== afl: building $name into ${out#$root/}"
	env "$@" AFL_QUIET=1 NTVM_FUZZ_ONLY="$target" CC=afl-clang-fast CXX=afl-clang-fast++ \
		CFLAGS="-O1 -g -fsanitize=fuzzer-no-link" CXXFLAGS="-O1 -g -fsanitize=fuzzer-no-link" \
		LIB_FUZZING_ENGINE=/usr/lib/afl/libAFLDriver.a OUT="$out" WORK="$out/work" \
		NTVM_SRC="$root" fuzz/oss_fuzz_build.sh >"$out.log" 2>&1 ||
		{ tail -20 "$out.log"; die "build $name failed (log ${out#$root/}.log)"; }
}
build asan AFL_USE_ASAN=1 AFL_USE_UBSAN=1
build cmplog AFL_LLVM_CMPLOG=1

# Seeds: the committed corpus (an empty one gets a single zero byte).
seeds=$root/build/afl/$target-seeds
rm -rf "$seeds" && mkdir -p "$seeds"
for d in corpus/"$target" corpus/regression/"$target"; do
	[ -d "$d" ] && find "$d" -type f -size -2k -exec cp -t "$seeds" {} +
done
[ -n "$(ls -A "$seeds")" ] || printf '\0' >"$seeds/empty"
[ "${AFL_FRESH:-0}" = 1 ] && rm -rf "$sync"
mkdir -p "$sync"
input=$seeds
[ -d "$sync/main/queue" ] && input=- # resume from the sync folder

dict=()
[ -f "fuzz/dict/$target.dict" ] && dict=(-x "fuzz/dict/$target.dict")
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_AUTORESUME=1
export NTVM_FINDING_DIR=$sync/findings
mkdir -p "$NTVM_FINDING_DIR"

pids=()
stop_all() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap 'stop_all; exit 130' INT TERM

echo "== afl: $target on $cores instances for ${seconds}s, sync folder ${sync#$root/}"
for i in $(seq 0 $((cores - 1))); do
	if [ "$i" = 0 ]; then role=(-M main); name=main; else role=(-S "s$i"); name=s$i; fi
	# every instance gets the CMPLOG binary; secondaries vary the power schedule
	sched=(-p fast)
	[ "$i" -gt 0 ] && sched=(-p "$(echo explore coe lin quad exploit rare | cut -d' ' -f$(((i - 1) % 6 + 1)))")
	afl-fuzz "${role[@]}" -i "$input" -o "$sync" -V "$seconds" "${sched[@]}" "${dict[@]}" \
		-c "$bin/cmplog/$target" -- "$bin/asan/$target" >"$sync/$name.log" 2>&1 &
	pids+=($!)
done

start=$SECONDS
while :; do
	alive=0
	for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
	[ "$alive" = 1 ] || break
	sleep 5
	if [ $(((SECONDS - start) % status_every)) -lt 5 ]; then
		echo "-- afl-whatsup at $((SECONDS - start))s"
		afl-whatsup -s "$sync" 2>/dev/null | grep -E 'Fuzzers alive|Total execs|Cumulative speed|Crashes saved|Hangs saved|Pending' || true
	fi
done
stop_all
echo "== afl: final status"
afl-whatsup -s "$sync" || true
for d in "$sync"/*/; do
	[ -f "$d/fuzzer_stats" ] || continue
	printf '   %-6s %s\n' "$(basename "$d")" "$(awk -F' *: *' '$1=="execs_done"{e=$2} $1=="execs_per_sec"{s=$2} $1=="corpus_count"{c=$2} $1=="saved_crashes"{x=$2} END{printf "execs %s, %s exec/s, corpus %s, crashes %s", e, s, c, x}' "$d/fuzzer_stats")"
done
crashes=$(find "$sync" -path '*/crashes/id:*' | wc -l)
echo "afl: $crashes crash inputs (make repro FILE=<one of them> TARGET=$target); traces in ${NTVM_FINDING_DIR#$root/}"
[ "$crashes" = 0 ]
