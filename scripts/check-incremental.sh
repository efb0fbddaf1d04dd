#!/usr/bin/env bash
# `make check-incremental`: does core_ops' incremental checking (after each
# operation only what it can have changed, the whole state at the end of the
# input; fuzz/harness.c) catch every planted bug on the same inputs as the
# full check after every operation (NTVM_FUZZ_FULL_CHECK=1)?
#
# For each bug below: plant it in a scratch copy of the last commit
# (build/incremental/tree), build the plain core_ops driver there, replay
# every input of corpus/core_ops, corpus/regression/core_ops and
# INCREMENTAL_RANDOM random 64-operation inputs (fixed seed) once with full
# checks, and replay every input the full check caught once more
# incrementally (NTVM_REPLAY_FORK: the driver goes on after an input that
# stops it).  One row per bug: inputs caught by the full check, by the
# incremental one, and the names of inputs only the full check caught.
# Exit status 1 when an input caught by the full check was missed.
#
#   check-incremental.sh [NAME...]   only these bugs (names: --list)
#   INCREMENTAL_RANDOM               random inputs (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$root/build/incremental
tree=$work/tree
build=$work/build
nrandom=${INCREMENTAL_RANDOM:-300}

# name | file | exact text (must occur once) | replacement | what the bug is
bugs=(
	"range-end-off-by-one|core/src/manager.c|if (size > ntvm__res_end(r) - address)|if (size > ntvm__res_end(r) - address + NTVM_PAGE_SIZE)|a range may end one page past its reservation"
	"missed-guard-clear|core/src/commit.c|return protect_pages(vm, r, page, 1, perm & (ntvm_perm) ~NTVM_PERM_GUARD) == NTVM_OK;|return true;|ntvm_clear_guard reports a cleared guard and leaves it set"
	"wrong-status|core/src/commit.c|return NTVM_E_NOT_COMMITTED;|return NTVM_E_NOT_RESERVED;|ntvm_protect of uncommitted pages answers NTVM_E_NOT_RESERVED"
	"decommit-stats|core/src/pages.c|vm->stats.committed_bytes -= inside << NTVM__PAGE_SHIFT;|vm->stats.committed_bytes -= (inside - (inside > 1)) << NTVM__PAGE_SHIFT;|a decommit of several pages counts one page too few"
	"neighbour-perm|core/src/commit.c|	if (old_perm)
		*old_perm = old;|	struct ntvm__res *n = ntvm__index_gt(vm->root, r->base);
	if (n && n->kind == NTVM_KIND_PRIVATE && n->state == NTVM__ALL_COMMITTED && !n->u.perms)
		n->perm = perm;
	if (old_perm)
		*old_perm = old;|a successful protect also changes the next reservation's protection"
	"far-perm|core/src/commit.c|	ntvm__apply_commit(vm, r, &shape, first, count, perm);|	ntvm__apply_commit(vm, r, &shape, first, count, perm);
	struct ntvm__res *n = ntvm__index_last(vm->root);
	if (n != r && n->kind == NTVM_KIND_PRIVATE && n->state == NTVM__ALL_COMMITTED && !n->u.perms)
		n->perm = perm;|a successful commit also changes the highest reservation's protection (it need not be near)"
)

field() { awk -v RS='\x01' -v n="$2" -F'|' '{printf "%s", $n}' <<<"$1"; }
say() { printf '== check-incremental: %s\n' "$*"; }

if [ "${1:-}" = --list ]; then
	for b in "${bugs[@]}"; do printf '%-22s %s\n' "$(field "$b" 1)" "$(field "$b" 5)"; done
	exit 0
fi
wanted=("$@")

# The scratch tree: the last commit.  Only files that differ are copied
# over an earlier tree, so they look newer than their objects and the build
# stays incremental.  The random inputs are made once.
rm -rf "$work/pristine"
mkdir -p "$tree" "$work/pristine" "$work/random"
git archive HEAD | tar -xf - -C "$work/pristine"
{ diff -rq "$work/pristine" "$tree" 2>/dev/null || true; } | while IFS= read -r line; do
	case "$line" in
	"Files "*" differ")
		a=${line#Files }
		a=${a%% and *}
		cp "$a" "$tree${a#"$work/pristine"}"
		;;
	"Only in $work/pristine"*)
		a=${line#Only in }
		a="${a%%: *}/${a#*: }"
		cp -r "$a" "$tree${a#"$work/pristine"}"
		;;
	esac
done
if [ -z "$(ls -A "$work/random")" ]; then
	LC_ALL=C awk -v n="$nrandom" -v dir="$work/random" 'BEGIN {
		srand(5)
		for (i = 0; i < n; i++) {
			f = sprintf("%s/r%04d", dir, i)
			for (k = 0; k < 513; k++)
				printf "%c", int(rand() * 256) > f
			close(f)
		}
	}'
fi
mapfile -t inputs < <(find "$root/corpus/core_ops" "$root/corpus/regression/core_ops" "$work/random" -type f | sort)
cmake --preset dev -S "$tree" -B "$build" >"$work/configure.log" 2>&1 ||
	{ cat "$work/configure.log"; exit 2; }

# The inputs on which the driver stops (a difference, a broken invariant,
# a sanitizer report): the replay driver forks, goes on and names them.
stops() {
	env NTVM_REPLAY_FORK=1 ASAN_OPTIONS=detect_leaks=0 "$@" 2>/dev/null |
		sed -n 's/^replay: stopped on //p' || true
}

status=0
printf '%-22s %8s %12s %12s  %s\n' bug inputs full incremental missed
for b in "${bugs[@]}"; do
	name=$(field "$b" 1) file=$(field "$b" 2) from=$(field "$b" 3) to=$(field "$b" 4)
	if [ ${#wanted[@]} -gt 0 ] && [[ " ${wanted[*]} " != *" $name "* ]]; then
		continue
	fi
	git show "HEAD:$file" >"$tree/$file"
	content=$(<"$tree/$file")
	if [ "$(grep -cF -- "$from" <<<"$content" || true)" = 0 ]; then
		say "$name: the text to replace is no longer in $file"
		status=2
		continue
	fi
	printf '%s\n' "${content/"$from"/"$to"}" >"$tree/$file"
	if ! cmake --build "$build" -j2 --target fuzz_core_ops >"$work/$name.build.log" 2>&1; then
		say "$name: build failed (log: ${work#$root/}/$name.build.log)"
		status=2
		git show "HEAD:$file" >"$tree/$file"
		continue
	fi
	mapfile -t full < <(stops NTVM_FUZZ_FULL_CHECK=1 "$build/bin/fuzz_core_ops" "${inputs[@]}")
	inc=()
	[ ${#full[@]} -eq 0 ] || mapfile -t inc < <(stops "$build/bin/fuzz_core_ops" "${full[@]}")
	missed=$(comm -23 <(printf '%s\n' "${full[@]}" | sort) <(printf '%s\n' "${inc[@]}" | sort) |
		xargs -r -n1 basename | tr '\n' ' ')
	printf '%-22s %8d %12d %12d  %s\n' "$name" ${#inputs[@]} ${#full[@]} ${#inc[@]} "$missed"
	[ -z "$missed" ] || status=1
	git show "HEAD:$file" >"$tree/$file"
done
exit $status
