#!/usr/bin/env bash
# `make planted-bugs`: does the main job catch a bug in core?  Plants each
# bug below by hand in a scratch copy of the tree (build/planted/tree), runs
# the main job's fuzzing there with its default budget (`scripts/fuzz.sh`,
# FUZZ_SECONDS=120 over all targets, no conformance report) and checks that it
# ends with findings.  One row per bug: which targets found it.  Exit status 1
# when a planted bug went unnoticed, 2 when a bug no longer applies (the code
# it edits changed: update its FROM text).
#
#   planted-bugs.sh [NAME...]   only these bugs (names: --list)
#   PLANTED_SECONDS             the fuzzing budget per bug (120, make fuzz's default)
#   FUZZ_SEED                   passed on to fuzz.sh (default: random, as make fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scratch=$root/build/planted/tree
logs=$root/build/planted
seconds=${PLANTED_SECONDS:-120}

say() { printf '== planted-bugs: %s\n' "$*"; }

# name | file | exact text (must occur once) | replacement | what the bug is
bugs=(
	"round-off-by-one|core/src/nt_range.c|!nt_round_up(in_base + in_size, NT_PAGE, &end)|!nt_round_up(in_base + in_size - 1, NT_PAGE, &end)|NT rounding of a range's end: one page short when base + size is 1 past a page boundary"
	"missed-guard-clear|core/src/nt_access.c|if (st == NTVM_STATUS_GUARD_PAGE_VIOLATION && !ntvm_clear_guard(vm, at))|if (st == NTVM_STATUS_GUARD_PAGE_VIOLATION && false)|a CPU access faulting on a guard page leaves the guard set"
	"wrong-status|core/src/nt_protect.c|return NTVM_STATUS_NOT_COMMITTED;|return NTVM_STATUS_INVALID_PARAMETER;|NtProtectVirtualMemory on uncommitted pages answers STATUS_INVALID_PARAMETER"
	"decommit-stats|core/src/pages.c|vm->stats.committed_bytes -= inside << NTVM__PAGE_SHIFT;|vm->stats.committed_bytes -= (inside - (inside > 1)) << NTVM__PAGE_SHIFT;|a decommit of several pages counts one page too few in the statistics"
	"free-region-length|core/src/query.c|info->length = (next ? next->base : vm->max_address + 1) - page;|info->length = (next ? next->base - (next->base & 0x10000) : vm->max_address + 1) - page;|a free region before a reservation at an odd 64 KiB granule is reported 64 KiB short"
)

field() { cut -d'|' -f"$2" <<<"$1"; }

if [ "${1:-}" = --list ]; then
	for b in "${bugs[@]}"; do printf '%-20s %s\n' "$(field "$b" 1)" "$(field "$b" 5)"; done
	exit 0
fi
wanted=("$@")

# The scratch tree: the checkout's last commit (HEAD), refreshed for every
# bug so that exactly one bug is in it.  Only files that differ are copied,
# so they look newer than their objects and the build stays incremental.
refresh_tree() {
	local pristine=$logs/pristine line a b
	rm -rf "$pristine"
	mkdir -p "$pristine" "$scratch"
	git archive HEAD | tar -xf - -C "$pristine"
	diff -rq -x build "$pristine" "$scratch" 2>/dev/null | while IFS= read -r line; do
		case "$line" in
		"Files "*" differ")
			a=${line#Files }
			a=${a%% and *}
			b=${line#* and }
			b=${b% differ}
			cp "$a" "$b"
			;;
		"Only in $pristine"*)
			a=${line#Only in }
			a="${a%%: *}/${a#*: }"
			cp -r "$a" "$scratch${a#"$pristine"}"
			;;
		"Only in $scratch"*)
			a=${line#Only in }
			rm -rf "${a%%: *}/${a#*: }"
			;;
		esac
	done || true # diff says 1 when the trees differ
}

# Replace the one occurrence of FROM by TO in FILE (fails unless exactly one).
plant() {
	FROM=$2 TO=$3 perl -0pi -e '
		my $n = () = /\Q$ENV{FROM}\E/g;
		if ($n != 1) { print STDERR "found $n times\n"; exit 3 }
		s/\Q$ENV{FROM}\E/$ENV{TO}/;
	' "$1"
}

results=()
missed=0
stale=0
for b in "${bugs[@]}"; do
	name=$(field "$b" 1) file=$(field "$b" 2) from=$(field "$b" 3) to=$(field "$b" 4)
	if [ ${#wanted[@]} -gt 0 ] && ! printf '%s\n' "${wanted[@]}" | grep -qx "$name"; then
		continue
	fi
	refresh_tree
	if ! plant "$scratch/$file" "$from" "$to"; then
		say "$name: the text to change is no longer in $file exactly once"
		results+=("$(printf '%-20s %-8s %s' "$name" STALE "$file")")
		stale=1
		continue
	fi
	say "$name: $(field "$b" 5) ($file)"
	rm -rf "$scratch/build/fuzz-work"
	log=$logs/$name.log
	start=$SECONDS
	set +e
	(cd "$scratch" && FUZZ_SECONDS=$seconds FUZZ_CONFORMANCE=no scripts/fuzz.sh) >"$log" 2>&1
	rc=$?
	set -e
	took=$((SECONDS - start))
	# summary rows with a non-zero findings column
	found=$(awk '/summary/{s=1; next} s && NF>=5 && $1 ~ /^[a-z][a-z_]*$/ && $1!="target" && $NF ~ /^[0-9]+$/ && $NF>0 {printf "%s(%s) ", $1, $NF}' "$log")
	if [ "$rc" = 1 ] && [ -n "$found" ]; then
		verdict=caught
	elif [ "$rc" = 1 ] || [ "$rc" = 0 ]; then
		verdict=MISSED
		missed=1
	else
		verdict=ERROR
		missed=1
		tail -20 "$log"
	fi
	say "$name: $verdict in ${took}s ${found:+by $found}(log: ${log#$root/})"
	results+=("$(printf '%-20s %-8s %s' "$name" "$verdict" "${found:--}")")
done

echo
say "summary (${seconds}s of fuzzing per bug, as make fuzz)"
printf '%-20s %-8s %s\n' bug verdict "targets that found it (findings)"
printf '%s\n' "${results[@]}"
[ "$stale" = 1 ] && exit 2
[ "$missed" = 1 ] && exit 1
exit 0
