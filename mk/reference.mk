# mk/reference.mk -- the Wine reference: build the recorder with mingw-w64 and
# record every script under Wine.
#   make recorder          build build/mingw/ntvm-recorder.exe
#   make reference         re-record reference/scripts/*.trace into reference/recordings/
#   make reference-check   re-record into build/reference-check and fail on any difference;
#                          then re-record the recordings themselves (results present are
#                          ignored and recorded afresh), which must give them back unchanged
.PHONY: recorder reference reference-check

REF_MINGW_BUILD := build/mingw

recorder:
	@scripts/install-deps.sh build wine
	@cmake -S reference/recorder -B $(REF_MINGW_BUILD) \
		-DCMAKE_TOOLCHAIN_FILE=$(CURDIR)/cmake/mingw-w64.cmake >/dev/null
	@cmake --build $(REF_MINGW_BUILD) -j2

reference: recorder
	@scripts/record.sh reference/recordings reference/scripts

reference-check: recorder
	@scripts/record.sh --check reference/recordings reference/scripts
	@scripts/record.sh --check reference/recordings reference/recordings
