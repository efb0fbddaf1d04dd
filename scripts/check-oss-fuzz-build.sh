#!/usr/bin/env bash
# check-oss-fuzz-build.sh -- proves the OSS-Fuzz / ClusterFuzzLite onboarding
# files still work, without Docker: runs oss-fuzz/build.sh with the variables
# OSS-Fuzz documents, once with libFuzzer+ASan and once with libFuzzer+UBSan
# (into build/oss-fuzz-address/ and build/oss-fuzz-undefined/), checks that
# every target of fuzz/CMakeLists.txt came out with its seed zip, dict and
# options, and runs each target a few seconds on its seed corpus.  It checks
# the project files first (scripts/check-oss-fuzz-project.sh).
#
#   CHECK_SECONDS  fuzzing seconds per target and sanitizer (3)
#   CHECK_SANITIZERS  which builds (default "address undefined")
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${CHECK_SECONDS:-3}
sanitizers=${CHECK_SANITIZERS:-"address undefined"}

die() { printf 'check-oss-fuzz-build: %s\n' "$*" >&2; exit 1; }

# the project files first: fields present, well formed, Dockerfile consistent
scripts/check-oss-fuzz-project.sh "$root" || die "oss-fuzz/project.yaml or .clusterfuzzlite/project.yaml"

# zip/unzip pack and unpack the seed corpora (as in the images)
if ! command -v zip >/dev/null || ! command -v unzip >/dev/null; then
	[ "$(id -u)" = 0 ] || die "zip and unzip are needed (apt-get install zip unzip)"
	apt-get install -y -qq zip unzip >/dev/null || die "cannot install zip and unzip"
fi

# SRC is the parent of a folder named ntvm, as in the images ($SRC/ntvm).
src=$root/build/oss-fuzz-src
mkdir -p "$src"
ln -sfn "$root" "$src/ntvm"

targets=$(sed -n 's/^set(NTVM_FUZZ_TARGETS \([^"]*\).*/\1/p' fuzz/CMakeLists.txt)
[ -n "$targets" ] || die "no NTVM_FUZZ_TARGETS in fuzz/CMakeLists.txt"

flags_for() {
	local base="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
	case "$1" in
	address) echo "$base -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link" ;;
	# OSS-Fuzz's UBSan set (infra/base-images/base-clang: SANITIZER_FLAGS_undefined)
	undefined) echo "$base -fsanitize=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unsigned-integer-overflow,unreachable,vla-bound,vptr -fno-sanitize-recover=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unreachable,vla-bound,vptr -fsanitize=fuzzer-no-link" ;;
	*) die "unknown sanitizer $1" ;;
	esac
}

check_one() {
	local san=$1 out=$root/build/oss-fuzz-$1 t
	local flags
	flags=$(flags_for "$san")
	rm -rf "$out" "$root/build/oss-fuzz-work-$san"
	mkdir -p "$out" "$root/build/oss-fuzz-work-$san"
	echo "== oss-fuzz build.sh ($san) -> ${out#$root/}"
	env -i PATH="$PATH" HOME="${HOME:-/tmp}" CC=clang CXX=clang++ CFLAGS="$flags" CXXFLAGS="$flags" \
		LIB_FUZZING_ENGINE=-fsanitize=fuzzer SANITIZER="$san" FUZZING_ENGINE=libfuzzer \
		ARCHITECTURE=x86_64 SRC="$src" WORK="$root/build/oss-fuzz-work-$san" OUT="$out" \
		bash -eux "$root/oss-fuzz/build.sh" >"$out.log" 2>&1 ||
		{ tail -30 "$out.log"; die "build.sh failed ($san), log: ${out#$root/}.log"; }
	for t in $targets; do
		for f in "$t" "${t}_seed_corpus.zip" "$t.options"; do
			[ -s "$out/$f" ] || die "$san: $f missing from \$OUT"
		done
		[ -f "fuzz/dict/$t.dict" ] && { [ -s "$out/$t.dict" ] || die "$san: $t.dict missing"; }
		# what OSS-Fuzz does with a seed zip: unpack it as the start corpus
		local run=$root/build/oss-fuzz-run-$san/$t
		rm -rf "$run" && mkdir -p "$run/corpus"
		unzip -q -o "$out/${t}_seed_corpus.zip" -d "$run/corpus"
		local dict=()
		[ -f "$out/$t.dict" ] && dict=(-dict="$out/$t.dict")
		local max
		max=$(sed -n 's/^max_len = //p' "$out/$t.options")
		if ! (cd "$run" && "$out/$t" corpus -max_total_time="$seconds" -max_len="$max" \
			-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "${dict[@]}" >log 2>&1); then
			tail -40 "$run/log"
			die "$san: $t failed on its seed corpus (log: ${run#$root/}/log)"
		fi
		local rate execs
		rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$run/log")
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log")
		printf '   %-9s %-15s %6s seeds  %8s runs  %6s exec/s\n' "$san" "$t" \
			"$(find "$run/corpus" -type f | wc -l)" "${execs:-?}" "${rate:-?}"
	done
}

for s in $sanitizers; do check_one "$s"; done
echo "check-oss-fuzz-build: OK ($(echo $targets | wc -w) targets x ($sanitizers))"
