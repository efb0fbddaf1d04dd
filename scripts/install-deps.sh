#!/usr/bin/env bash
# Installs the Debian 12 packages a make target needs, when they are missing.
# As root it runs apt-get; otherwise it prints the exact command and fails.
# Usage: scripts/install-deps.sh GROUP...   (groups: build headers wine fuzz unicorn)
set -euo pipefail

pkgs_build="cmake make clang-14 clang libclang-rt-14-dev llvm-14"
pkgs_headers="libwine-dev"
pkgs_wine="wine64 gcc-mingw-w64-x86-64 libwine-dev"
pkgs_fuzz="afl++ clang-14 libclang-rt-14-dev llvm-14"
pkgs_unicorn="libunicorn-dev"

wanted=""
for group in "$@"; do
	var="pkgs_$group"
	[ -n "${!var:-}" ] || { echo "install-deps: unknown group '$group'" >&2; exit 2; }
	wanted="$wanted ${!var}"
done

missing=""
for p in $wanted; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		case " $missing " in *" $p "*) ;; *) missing="$missing $p" ;; esac
	fi
done
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" = 0 ]; then
	echo "install-deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null || apt-get update
	$cmd
else
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run as root:  $cmd" >&2
	exit 1
fi
