#!/bin/bash -eu
# oss_fuzz_build.sh -- the one build script behind oss-fuzz/build.sh and
# .clusterfuzzlite/build.sh (both only call it), following OSS-Fuzz's
# conventions (docs/fuzzing-at-scale.md, /work/shared/spec/fuzzing-conventions.md):
#
#   in:  CC CXX CFLAGS CXXFLAGS LIB_FUZZING_ENGINE OUT SRC (WORK optional)
#   out: $OUT/<target>, $OUT/<target>_seed_corpus.zip, <target>.dict, <target>.options
#
# It compiles the sources directly with $CC (no CMake: the images and CI
# only need a compiler), archives the library objects, and links every
# target of fuzz/CMakeLists.txt (NTVM_FUZZ_TARGETS) with $CXX, because
# $LIB_FUZZING_ENGINE is a C++ link argument.  It must stay `set -u` clean:
# OSS-Fuzz runs build scripts with `bash -eux`.
set -eu

: "${CC:?}" "${CXX:?}" "${CFLAGS:?}" "${LIB_FUZZING_ENGINE:?}" "${OUT:?}"
CXXFLAGS=${CXXFLAGS:-$CFLAGS}
root=${NTVM_SRC:-${SRC:-}/ntvm}
[ -f "$root/fuzz/CMakeLists.txt" ] || root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$OUT/.work}/ntvm-objects
mkdir -p "$OUT" "$work"

# The targets the harness declares: set(NTVM_FUZZ_TARGETS a b c ...)
targets=$(sed -n 's/^set(NTVM_FUZZ_TARGETS \([^"]*\).*/\1/p' "$root/fuzz/CMakeLists.txt")
targets=${NTVM_FUZZ_ONLY:-$targets} # one target only (scripts/afl.sh, scripts/repro.sh)
[ -n "$targets" ] || { echo "oss_fuzz_build: no NTVM_FUZZ_TARGETS in fuzz/CMakeLists.txt" >&2; exit 1; }

std="-std=c11 -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
inc_core="-I$root/core/include -I$root/core/src"
inc_all="$inc_core -I$root/oracle -I$root/reference/trace -I$root/reference/pe -I$root/fuzz"

# compile GROUP_INCLUDES FILES...: one object per source in $work
objs=()
compile() {
	local incs=$1 src obj
	shift
	for src in "$@"; do
		obj=$work/$(echo "${src#$root/}" | tr '/' '_').o
		# shellcheck disable=SC2086
		$CC $CFLAGS $std $incs -c "$src" -o "$obj"
		objs+=("$obj")
	done
}

compile "$inc_core" "$root"/core/src/*.c
compile "$inc_core -I$root/oracle" "$root"/oracle/*.c
compile "-I$root/reference/pe" "$root"/reference/pe/*.c
compile "-I$root/reference/trace -I$root/reference/pe -I$root/core/include" "$root"/reference/trace/*.c
common=$(sed -n '/^add_library(ntvm_fuzz_common/,/)/p' "$root/fuzz/CMakeLists.txt" |
	grep -oE '[a-z_]+\.c')
for f in $common; do compile "$inc_all" "$root/fuzz/$f"; done
rm -f "$work/libntvm_fuzz.a"
ar rcs "$work/libntvm_fuzz.a" "${objs[@]}"

# Seeds: the committed corpora, and the reference traces for trace_parse.
seed_dirs() {
	local t=$1 d
	for d in "$root/corpus/$t" "$root/corpus/regression/$t"; do
		[ -d "$d" ] && echo "$d"
	done
	if [ "$t" = trace_parse ]; then
		for d in scripts recordings expectations fuzz-recordings; do
			[ -d "$root/reference/$d" ] && echo "$root/reference/$d"
		done
	fi
	return 0
}

max_len() {
	case "$1" in
	core_ops | nt_ops | backend_faults) echo 513 ;; # 64 operations
	pe_image) echo 16384 ;;                         # a small image
	snapshot) echo 327680 ;;                        # version-2 seeds carry section pages (up to 275 KB)
	*) echo 4096 ;;
	esac
}

# A target's own sources besides fuzz/<t>.c: target_sources(fuzz_<t> PRIVATE a.c b.c)
extra_sources() {
	sed -n "s/^target_sources(fuzz_$1 PRIVATE \(.*\))/\1/p" "$root/fuzz/CMakeLists.txt" |
		grep -oE '[a-z_]+\.c' || true
}

for t in $targets; do
	tobjs=()
	for src in "$t.c" $(extra_sources "$t"); do
		# shellcheck disable=SC2086
		$CC $CFLAGS $std $inc_all -c "$root/fuzz/$src" -o "$work/target_${t}_${src%.c}.o"
		tobjs+=("$work/target_${t}_${src%.c}.o")
	done
	# shellcheck disable=SC2086
	$CXX $CXXFLAGS "${tobjs[@]}" "$work/libntvm_fuzz.a" $LIB_FUZZING_ENGINE -o "$OUT/$t"

	rm -f "$OUT/${t}_seed_corpus.zip"
	dirs=$(seed_dirs "$t")
	for d in $dirs; do
		[ -n "$(ls -A "$d")" ] || continue
		case "$d" in
		"$root"/corpus/*) # content-hash names: flat, unique
			(cd "$d" && find . -type f -print | zip -q -j "$OUT/${t}_seed_corpus.zip" -@) ;;
		*) # traces: reference/scripts/x.trace and recordings/x.trace differ
			stage=$work/seeds-$t-$(basename "$d")
			rm -rf "$stage" && mkdir -p "$stage"
			for f in "$d"/*; do cp "$f" "$stage/$(basename "$d")-$(basename "$f")"; done
			(cd "$stage" && find . -type f -print | zip -q -j "$OUT/${t}_seed_corpus.zip" -@) ;;
		esac
	done
	if [ -f "$root/fuzz/dict/$t.dict" ]; then cp "$root/fuzz/dict/$t.dict" "$OUT/$t.dict"; fi
	{
		echo "[libfuzzer]"
		echo "max_len = $(max_len "$t")"
		echo "timeout = 10"
		if [ -f "$root/fuzz/dict/$t.dict" ]; then echo "dict = $t.dict"; fi
	} >"$OUT/$t.options"
	echo "oss_fuzz_build: $t"
done
