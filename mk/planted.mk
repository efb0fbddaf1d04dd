# `make planted-bugs`: plant bugs in a scratch copy of core and check that the
# main job's default fuzzing budget catches each (scripts/planted-bugs.sh).
#   make planted-bugs PLANTED="wrong-status decommit-stats"   only these
.PHONY: planted-bugs

planted-bugs:
	@scripts/planted-bugs.sh $(PLANTED)
