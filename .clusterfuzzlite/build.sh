#!/bin/bash -eu
# ClusterFuzzLite build script for ntvm: the same build as OSS-Fuzz's
# (fuzz/oss_fuzz_build.sh).
"$SRC/ntvm/fuzz/oss_fuzz_build.sh"
