# A thin layer over the CMake presets.  `make test` is the README's test
# command and what CI runs; `make fuzz` is the main job.
SHELL := /bin/bash
.DEFAULT_GOAL := all

.PHONY: all deps configure build test release clean

deps:
	@scripts/install-deps.sh build headers unicorn

configure: deps
	@cmake --preset dev >/dev/null

build: configure
	@cmake --build --preset dev

all: build

test: build
	@ctest --preset dev

release: deps
	@cmake --preset release >/dev/null && cmake --build --preset release

clean:
	rm -rf build

# Each area adds its targets (reference, fuzz, coverage, bench, ...) in mk/.
-include $(sort $(wildcard mk/*.mk))
