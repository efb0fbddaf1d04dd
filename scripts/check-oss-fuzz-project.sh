#!/usr/bin/env bash
# check-oss-fuzz-project.sh -- the project files OSS-Fuzz and ClusterFuzzLite
# read (oss-fuzz/project.yaml, .clusterfuzzlite/project.yaml) hold every field
# they need, well formed, and agree with the Dockerfile.  ntvm states no public
# homepage or contact yet, so oss-fuzz/project.yaml carries placeholders under
# the reserved example.org domain (docs/fuzzing-at-scale.md, "Before submitting
# to OSS-Fuzz"); they pass as well formed, are listed, and fail the check when
# OSS_FUZZ_SUBMIT=1 (what a maintainer runs before opening the OSS-Fuzz pull
# request).
#
#   scripts/check-oss-fuzz-project.sh [ROOT]     (ROOT: the tree, default this one)
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
project=$root/oss-fuzz/project.yaml
cflite=$root/.clusterfuzzlite/project.yaml
dockerfile=$root/oss-fuzz/Dockerfile
errors=0
placeholders=()

bad() { printf 'check-oss-fuzz-project: %s\n' "$*" >&2; errors=$((errors + 1)); }

# The value of a top-level `key: value` line, quotes removed; empty if absent.
field() {
	sed -n "s/^$2:[[:space:]]*\"\{0,1\}\([^\"]*\)\"\{0,1\}[[:space:]]*$/\1/p" "$1" | head -n 1
}

# The items of a top-level list `key:` followed by `  - item` lines.
items() {
	awk -v key="$2:" '$0 == key { on = 1; next } on && /^[[:space:]]+- / { print $2; next } { on = 0 }' "$1"
}

# Exactly one line for key, with a value matching the pattern.
expect() {
	local file=$1 key=$2 pattern=$3 what=$4 count value
	count=$(grep -c "^$key:" "$file" || true)
	[ "$count" = 1 ] || { bad "${file#$root/}: $key appears $count times (want once)"; return; }
	value=$(field "$file" "$key")
	[[ "$value" =~ $pattern ]] || { bad "${file#$root/}: $key \"$value\" is not $what"; return; }
	[[ "$value" =~ (^|[@./])example\.(org|com|net)([/:]|$)|\.example([/:]|$)|\.invalid([/:]|$) ]] &&
		placeholders+=("$key: $value")
	return 0
}

# Every item of a list is one of the allowed words, and the list is not empty.
expect_items() {
	local file=$1 key=$2 allowed=" $3 " item n=0
	for item in $(items "$file" "$key"); do
		n=$((n + 1))
		[[ "$allowed" == *" $item "* ]] || bad "${file#$root/}: $key: unknown \"$item\""
	done
	[ "$n" -gt 0 ] || bad "${file#$root/}: $key: no entries"
}

for f in "$project" "$cflite" "$dockerfile"; do
	[ -f "$f" ] || { bad "${f#$root/} is missing"; }
done
[ "$errors" = 0 ] || exit 1

url='^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/[^[:space:]]*)?$'
expect "$project" homepage "$url" "an https URL"
expect "$project" language '^c$' "c"
expect "$project" primary_contact '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$' "an e-mail address"
expect "$project" main_repo '^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}/[^[:space:]]+$' "an https repository URL"
expect_items "$project" sanitizers "address undefined memory"
expect_items "$project" fuzzing_engines "libfuzzer afl honggfuzz centipede"
expect "$cflite" language '^c$' "c"

# The image clones the repository the project file names.
repo=$(field "$project" main_repo)
grep -Eq "^RUN git clone .*[[:space:]]$repo([[:space:]]|$)" "$dockerfile" ||
	bad "oss-fuzz/Dockerfile does not clone main_repo ($repo)"

[ "$errors" = 0 ] || exit 1
if [ ${#placeholders[@]} -gt 0 ]; then
	printf 'check-oss-fuzz-project: placeholders a maintainer must replace before submitting:\n'
	printf '   %s\n' "${placeholders[@]}"
	[ "${OSS_FUZZ_SUBMIT:-0}" = 1 ] && { bad "OSS_FUZZ_SUBMIT=1: placeholders left"; exit 1; }
fi
echo "check-oss-fuzz-project: OK"
