#!/usr/bin/env bash
# Records trace scripts under Wine with the recorder that `make recorder`
# builds (build/mingw/ntvm-recorder.exe), in one Wine process for all inputs.
# The Wine prefix lives in build/wineprefix (created on first use, ~11 s).
#
# Usage: scripts/record.sh OUTDIR INPUT...          record INPUTs into OUTDIR
#        scripts/record.sh --check DIR INPUT...     record into a scratch folder and
#                                                  fail if any result differs from DIR
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
if [ "${1:-}" = --check ]; then
	check=1
	shift
fi
[ $# -ge 2 ] || { echo "usage: scripts/record.sh [--check] OUTDIR INPUT..." >&2; exit 2; }
out=$1
shift

recorder=build/mingw/ntvm-recorder.exe
[ -f "$recorder" ] || { echo "record: $recorder missing (run: make recorder)" >&2; exit 2; }
if command -v wine64 >/dev/null; then
	wine=wine64
elif [ -x /usr/lib/wine/wine64 ]; then
	wine=/usr/lib/wine/wine64
else
	wine=wine
fi

export WINEPREFIX="$PWD/build/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
[ -d "$WINEPREFIX" ] || echo "record: creating the Wine prefix $WINEPREFIX (about 11 s, once)"

if [ "$check" = 0 ]; then
	mkdir -p "$out"
	exec "$wine" "$recorder" --quiet "$@" "$out"
fi

scratch=build/reference-check
rm -rf "$scratch"
mkdir -p "$scratch"
status=0
"$wine" "$recorder" --quiet "$@" "$scratch" || status=1
changed=0
for f in "$scratch"/*.trace; do
	[ -e "$f" ] || continue
	name=$(basename "$f")
	if ! cmp -s "$f" "$out/$name"; then
		echo "record: $out/$name differs from a fresh recording:" >&2
		diff -u "$out/$name" "$f" >&2 || true
		changed=$((changed + 1))
	fi
done
n=$(find "$scratch" -name '*.trace' | wc -l)
echo "record: $n recordings re-recorded, $changed differ"
[ "$changed" = 0 ] && [ "$status" = 0 ]
