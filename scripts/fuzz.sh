#!/usr/bin/env bash
# The main job (`make fuzz`): build the fuzz targets, fuzz each for its share
# of FUZZ_SECONDS, run the conformance report, print one summary row per
# target, and exit non-zero when any target found something.
#
#   FUZZ_SECONDS  total fuzzing time, split evenly over the targets (120)
#   FUZZ_ENGINE   libfuzzer (default) or afl
#   FUZZ_TARGETS  which targets (default: all six)
#   FUZZ_SEED     a fixed seed (libFuzzer -seed, afl-fuzz -s); default random
#   FUZZ_JOBS     build parallelism (2)
#   FUZZ_CONFORMANCE  "no" skips the conformance report (yes)
#
# New inputs go to build/fuzz-work/<target>/corpus; the committed corpora
# (corpus/<target>, corpus/regression/<target>) are read, never written.
# Crash files and their traces go to build/fuzz-work/<target>/findings.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=${FUZZ_SECONDS:-120}
engine=${FUZZ_ENGINE:-libfuzzer}
targets=${FUZZ_TARGETS:-"core_ops nt_ops snapshot trace_parse backend_faults pe_image"}
jobs=${FUZZ_JOBS:-2}
work=$root/build/fuzz-work

say() { printf '== fuzz: %s\n' "$*"; }
die() { printf 'fuzz: %s\n' "$*" >&2; exit 2; }

case "$engine" in
libfuzzer) build=$root/build/fuzz-libfuzzer ;;
afl) build=$root/build/fuzz-afl ;;
*) die "FUZZ_ENGINE must be libfuzzer or afl, not '$engine'" ;;
esac

install_deps() {
	if [ "$(id -u)" = 0 ]; then
		scripts/install-deps.sh build fuzz
	else
		scripts/install-deps.sh build fuzz || die "missing packages (see above)"
	fi
}

build_targets() {
	local cc=clang flags="-O1 -g -fsanitize=fuzzer-no-link -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
	local sanitize=ON
	if [ "$engine" = afl ]; then
		cc=afl-clang-fast
		sanitize=OFF # AFL_USE_ASAN / AFL_USE_UBSAN add them
		export AFL_USE_ASAN=1 AFL_USE_UBSAN=1 AFL_QUIET=1
	fi
	say "building the $engine targets in ${build#$root/}"
	mkdir -p "$root/build"
	cmake -S . -B "$build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Debug \
		-DCMAKE_C_FLAGS="$flags" -DNTVM_SANITIZE=$sanitize -DNTVM_FUZZ_LIBFUZZER=ON \
		>"$build.configure.log" 2>&1 || { cat "$build.configure.log"; die "configure failed"; }
	local names=""
	for t in $targets; do names="$names fuzz_$t"; done
	# shellcheck disable=SC2086
	cmake --build "$build" -j"$jobs" --target $names >"$build.build.log" 2>&1 ||
		{ tail -40 "$build.build.log"; die "build failed (log: ${build#$root/}.build.log)"; }
}

# Options per target: inputs of at most 64 operations for the op targets.
max_len() {
	case "$1" in
	core_ops | nt_ops | backend_faults) echo 513 ;;
	pe_image) echo 16384 ;; # small images are a few KiB; low-alignment ones are as long as the image
	snapshot) echo 327680 ;; # the version-2 seeds carry their sections' pages (up to 275 KB): not cut
	*) echo 4096 ;;
	esac
}

# The committed seeds of a target (read-only); the traces seed trace_parse.
corpus_dirs() {
	local t=$1 d
	local dirs=("$root/corpus/$t" "$root/corpus/regression/$t")
	[ "$t" = trace_parse ] && dirs+=("$root/reference/scripts" "$root/reference/recordings" \
		"$root/reference/expectations")
	for d in "${dirs[@]}"; do
		[ -d "$d" ] && printf '%s\n' "$d"
	done
	return 0
}

# Print the newest status line of a running target every few seconds.
watch_progress() {
	local t=$1 log=$2 pid=$3 budget=$4 start=$SECONDS
	while kill -0 "$pid" 2>/dev/null; do
		sleep 5
		local line=""
		if [ "$engine" = libfuzzer ]; then
			line=$(grep -aE '^#[0-9]+' "$log" 2>/dev/null | tail -n 1 | cut -c1-100 || true)
		else
			line=$(grep -aE 'execs_done|execs_per_sec' "$work/$t/afl/default/fuzzer_stats" 2>/dev/null |
				tr -s ' ' | tr '\n' ' ' || true)
		fi
		printf '   [%s %3ds/%ds] %s\n' "$t" $((SECONDS - start)) "$budget" "$line"
	done
}

run_libfuzzer() {
	local t=$1 secs=$2 dir=$work/$1
	local dict=()
	[ -f "$root/fuzz/dict/$t.dict" ] && dict=(-dict="$root/fuzz/dict/$t.dict")
	local seed=()
	[ -n "${FUZZ_SEED:-}" ] && seed=(-seed="$FUZZ_SEED")
	mapfile -t extra < <(corpus_dirs "$t")
	# fork mode with one job: a crash is kept and fuzzing goes on, so one
	# run reports every finding it meets, not just the first
	NTVM_FINDING_DIR=$dir/findings "$build/bin/fuzz_$t" "$dir/corpus" "${extra[@]}" \
		-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
		-max_total_time="$secs" -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$dir/findings/" "${dict[@]}" "${seed[@]}" >"$dir/fuzz.log" 2>&1 &
	local pid=$!
	watch_progress "$t" "$dir/fuzz.log" "$pid" "$secs"
	wait "$pid" || true
}

run_afl() {
	local t=$1 secs=$2 dir=$work/$1 d
	mkdir -p "$dir/afl-in"
	cp -n "$dir"/corpus/* "$dir/afl-in/" 2>/dev/null || true
	while read -r d; do cp -n "$d"/* "$dir/afl-in/" 2>/dev/null || true; done < <(corpus_dirs "$t")
	[ -n "$(ls -A "$dir/afl-in")" ] || printf '\0' >"$dir/afl-in/empty"
	local dict=()
	[ -f "$root/fuzz/dict/$t.dict" ] && dict=(-x "$root/fuzz/dict/$t.dict")
	rm -rf "$dir/afl"
	AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
		AFL_BENCH_UNTIL_CRASH=1 NTVM_FINDING_DIR=$dir/findings \
		afl-fuzz -V "$secs" -s "${FUZZ_SEED:-$RANDOM}" -i "$dir/afl-in" -o "$dir/afl" \
		"${dict[@]}" -- "$build/bin/fuzz_$t" >"$dir/fuzz.log" 2>&1 &
	local pid=$!
	watch_progress "$t" "$dir/fuzz.log" "$pid" "$secs"
	wait "$pid" || true
	# keep the queue as the work corpus, the crashes as findings
	cp -n "$dir"/afl/default/queue/id:* "$dir/corpus/" 2>/dev/null || true
	cp -n "$dir"/afl/default/crashes/id:* "$dir/findings/" 2>/dev/null || true
}

# One summary row: target runs exec/s coverage findings.
summarise() {
	local t=$1 dir=$work/$1 runs="-" rate="-" cov="-"
	if [ "$engine" = libfuzzer ]; then
		# the last fork-mode status line: "#RUNS: cov: C ft: F corp: N exec/s E ..."
		local last
		last=$(grep -aE '^#[0-9]+: cov:' "$dir/fuzz.log" | tail -n1)
		runs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
		rate=$(grep -oE 'exec/s [0-9]+' <<<"$last" | awk '{print $2}')
		cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' <<<"$last")
	else
		local stats=$dir/afl/default/fuzzer_stats
		runs=$(awk -F' *: *' '$1=="execs_done"{print $2}' "$stats" 2>/dev/null)
		rate=$(awk -F' *: *' '$1=="execs_per_sec"{print $2}' "$stats" 2>/dev/null)
		cov=$(awk -F' *: *' '$1=="bitmap_cvg"{print "map " $2}' "$stats" 2>/dev/null)
	fi
	local crashes traces
	crashes=$(find "$dir/findings" -maxdepth 1 -type f ! -name '*.trace' 2>/dev/null | wc -l)
	traces=$(find "$dir/findings" -maxdepth 1 -name '*.trace' 2>/dev/null | sort)
	printf '%-15s %12s %9s %-22s %s\n' "$t" "${runs:--}" "${rate:--}" "${cov:--}" "$crashes"
	if [ "$crashes" != 0 ]; then
		# the distinct reasons, from the traces' closing "# DIFFERENCE:" lines
		if [ -n "$traces" ]; then
			# shellcheck disable=SC2086
			grep -h '^# DIFFERENCE:' $traces | sed 's/0x[0-9a-f]*/N/g' | sort | uniq -c |
				sort -rn | head -n 5 | cut -c1-150 | sed 's|^ *|                |'
			printf '%s\n' "$traces" | head -n 3 | sed 's|^|                trace: |'
		else
			grep -ahE 'ERROR: AddressSanitizer|runtime error|ERROR: libFuzzer' "$dir/fuzz.log" |
				sort | uniq -c | head -n 3 | cut -c1-150 | sed 's|^ *|                |'
		fi
		find "$dir/findings" -maxdepth 1 -type f ! -name '*.trace' | head -n 3 |
			sed 's|^|                input: |'
		local shown=3
		[ "$crashes" -gt "$shown" ] && echo "                ... all in ${dir#$root/}/findings/"
	fi
	[ "$crashes" = 0 ]
}

main() {
	install_deps
	[ "$engine" = afl ] && ! command -v afl-fuzz >/dev/null && die "afl-fuzz is not installed"
	build_targets
	local n=0
	for _ in $targets; do n=$((n + 1)); done
	local each=$((seconds / n))
	[ "$each" -lt 5 ] && each=5
	say "fuzzing $n targets with $engine, ${each}s each (FUZZ_SECONDS=$seconds)"
	for t in $targets; do
		mkdir -p "$work/$t/corpus" "$work/$t/findings"
		rm -f "$work/$t"/findings/*
		say "$t"
		"run_$engine" "$t" "$each"
	done

	local conformance="not run (no conformance target)"
	if [ "${FUZZ_CONFORMANCE:-yes}" = no ]; then
		conformance="skipped (FUZZ_CONFORMANCE=no)"
	elif grep -qs '^conformance:' mk/*.mk; then
		say "conformance report"
		if make --no-print-directory conformance; then
			conformance="written to build/conformance/"
		else
			conformance="FAILED to run (see above)"
		fi
	fi

	echo
	say "summary ($engine, ${each}s per target; work corpora in ${work#$root/})"
	printf '%-15s %12s %9s %-22s %s\n' target runs exec/s coverage findings
	local failed=0
	for t in $targets; do summarise "$t" || failed=1; done
	echo "conformance report: $conformance"
	if [ "$failed" = 1 ]; then
		echo "RESULT: findings above (replay a trace: build/bin/ntvm-replay TRACE; an input: build/bin/fuzz_<target> FILE)"
		exit 1
	fi
	echo "RESULT: no findings"
}

main "$@"
