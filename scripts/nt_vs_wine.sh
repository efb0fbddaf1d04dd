#!/usr/bin/env bash
# nt_vs_wine.sh -- live differential fuzzing of ntvm against Wine 8.0
# (fuzz/nt_vs_wine/): builds the recorder (make recorder) and the
# nt_vs_wine program (clang, ASan+UBSan, into build/nt_vs_wine/), then runs
# it on the nt_ops corpus.  Findings: build/nt_vs_wine/findings/*.trace.
#
#   NVW_SECONDS  how long (600)
#   NVW_SEED     the mutation seed (the date by default)
#
# scripts/nt_vs_wine.sh --export (make reference-fuzz): no fuzzing; the first
# REFERENCE_FUZZ_MAX (100) corpus/nt_ops inputs in name order become scripts in
# reference/fuzz-scripts/ and, where ntvm and Wine agree, Wine recordings in
# reference/fuzz-recordings/ (disagreements: build/nt_vs_wine/export-findings/).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$root/build/nt_vs_wine
obj=$out/obj
mkdir -p "$obj" "$out/findings"

[ -f build/mingw/ntvm-recorder.exe ] || make --no-print-directory recorder

flags="-std=c11 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -Wall -Wextra -Werror
 -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter"
inc="-Icore/include -Icore/src -Ioracle -Ireference/trace -Ireference/pe -Ireference/recorder -Ifuzz -Ifuzz/nt_vs_wine"
srcs=(core/src/*.c oracle/*.c reference/trace/*.c reference/pe/*.c fuzz/decoder.c
	reference/recorder/record.c reference/recorder/record_sections.c reference/recorder/guard.c reference/recorder/rec_ntvm.c
	fuzz/nt_vs_wine/*.c)
# An object is rebuilt when its source or any header it included (clang's
# dependency file) is newer: a stale object compiled against an older struct
# layout would corrupt memory at run time.
stale() {
	[ -f "$1" ] && [ -f "$1.d" ] || return 0
	local dep
	for dep in $(sed -e 's/^[^:]*://' -e 's/\\$//' "$1.d"); do
		[ "$dep" -nt "$1" ] && return 0
	done
	return 1
}
objs=()
for s in "${srcs[@]}"; do
	o=$obj/$(echo "$s" | tr '/' '_').o
	if stale "$o"; then
		# shellcheck disable=SC2086
		clang $flags $inc -MMD -MF "$o.d" -c "$s" -o "$o"
	fi
	objs+=("$o")
done
clang -fsanitize=address,undefined "${objs[@]}" -o "$out/nt_vs_wine"

if command -v wine64 >/dev/null; then wine=$(command -v wine64)
elif [ -x /usr/lib/wine/wine64 ]; then wine=/usr/lib/wine/wine64
else wine=$(command -v wine); fi
export NVW_WINE=$wine NVW_RECORDER=$root/build/mingw/ntvm-recorder.exe
export WINEPREFIX=$root/build/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
if [ "${1:-}" = --export ]; then
	rm -rf reference/fuzz-scripts reference/fuzz-recordings "$out/export-findings"
	mkdir -p reference/fuzz-scripts reference/fuzz-recordings "$out/export-findings"
	exec "$out/nt_vs_wine" --scripts reference/fuzz-scripts --recordings reference/fuzz-recordings \
		--max "${REFERENCE_FUZZ_MAX:-100}" --out "$out/export-findings" corpus/nt_ops
fi
rm -f "$out"/findings/*
exec "$out/nt_vs_wine" --seconds "${NVW_SECONDS:-600}" --seed "${NVW_SEED:-$(date +%s)}" \
	--out "$out/findings" corpus/nt_ops
