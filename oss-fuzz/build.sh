#!/bin/bash -eu
# OSS-Fuzz build script for ntvm: the logic lives in the ntvm tree
# (fuzz/oss_fuzz_build.sh, shared with .clusterfuzzlite/build.sh).
"$SRC/ntvm/fuzz/oss_fuzz_build.sh"
