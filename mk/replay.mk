# mk/replay.mk -- replaying the committed traces against ntvm.
#   make replay        build ntvm-replay and replay every committed recording
#                      (wine-8.0 profile, from the source line) and expectation
#                      (windows profile); fails on any mismatch
#   make conformance   write the conformance report into build/conformance/
#                      (conformance.md, conformance.html, conformance.json)
.PHONY: replay conformance

replay: build
	@build/bin/ntvm-replay --quiet reference/recordings reference/expectations

conformance: build
	@build/bin/ntvm-conformance --reference reference build/conformance
