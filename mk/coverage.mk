# `make coverage`: line and branch coverage of core/ from the committed
# corpora and traces (scripts/coverage.sh); HTML in build/coverage/html.
.PHONY: coverage

coverage:
	@scripts/coverage.sh
