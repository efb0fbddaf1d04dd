#!/usr/bin/env bash
# test_oss_fuzz_project.sh -- scripts/check-oss-fuzz-project.sh accepts the
# committed project files and refuses each kind of damage to them: a field
# missing or doubled, a malformed URL or e-mail address, a wrong language, an
# unknown sanitizer or engine, a Dockerfile cloning another repository; with
# OSS_FUZZ_SUBMIT=1 it refuses the placeholders and accepts real values.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
check=$root/scripts/check-oss-fuzz-project.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

fresh() {
	rm -rf "$tmp/t" && mkdir -p "$tmp/t/oss-fuzz" "$tmp/t/.clusterfuzzlite"
	cp "$root/oss-fuzz/project.yaml" "$root/oss-fuzz/Dockerfile" "$tmp/t/oss-fuzz/"
	cp "$root/.clusterfuzzlite/project.yaml" "$tmp/t/.clusterfuzzlite/"
}

# expect 0|1 NAME [sed program for FILE] [FILE]
expect() {
	local want=$1 name=$2 prog=${3:-} file=${4:-oss-fuzz/project.yaml} got
	fresh
	[ -n "$prog" ] && sed -i "$prog" "$tmp/t/$file"
	"$check" "$tmp/t" >/dev/null 2>&1
	got=$?
	[ "$got" -ne 0 ] && got=1
	if [ "$got" = "$want" ]; then passed=$((passed + 1)); else
		failed=$((failed + 1)); echo "FAIL: $name: exit $got, want $want"; fi
}

expect 0 "committed files"
expect 1 "homepage missing" '/^homepage:/d'
expect 1 "homepage twice" '/^homepage:/p'
expect 1 "homepage not https" 's|^homepage:.*|homepage: "http://ntvm.example.org"|'
expect 1 "contact not an address" 's|^primary_contact:.*|primary_contact: "maintainers"|'
expect 1 "contact missing" '/^primary_contact:/d'
expect 1 "main_repo no path" 's|^main_repo:.*|main_repo: "https://git.example.org"|'
expect 1 "language" 's|^language: c$|language: rust|'
expect 1 "unknown sanitizer" 's|^  - undefined$|  - thread|'
expect 1 "no engines" '/^  - \(libfuzzer\|afl\|honggfuzz\)$/d'
expect 1 "unknown engine" 's|^  - afl$|  - radamsa|'
expect 1 "cflite language" 's|^language: c$|language: go|' .clusterfuzzlite/project.yaml
expect 1 "Dockerfile clones elsewhere" 's|git.example.org/ntvm/ntvm.git|git.example.org/other.git|' oss-fuzz/Dockerfile
OSS_FUZZ_SUBMIT=1 expect 1 "placeholders refused on submit"
real='s|ntvm.example.org|ntvm.dev|; s|ntvm-maintainers@example.org|someone@gmail.com|'
real="$real; s|git.example.org/ntvm/ntvm.git|gitlab.com/ntvm/ntvm.git|"
fresh
sed -i "$real" "$tmp/t/oss-fuzz/project.yaml" "$tmp/t/oss-fuzz/Dockerfile"
if OSS_FUZZ_SUBMIT=1 "$check" "$tmp/t" >/dev/null 2>&1; then passed=$((passed + 1)); else
	failed=$((failed + 1)); echo "FAIL: real values refused on submit"; fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
