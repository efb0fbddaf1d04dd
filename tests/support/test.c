/* test.c -- the runner behind test.h: runs every case (or the ones named on
 * the command line), prints a line per case and the closing tally. */
#include "test.h"

#include <stdlib.h>

int test_failed_checks;

int test_run_all(const struct test_case *cases, size_t count, int argc, char **argv)
{
	int passed = 0, failed = 0;
	for (size_t i = 0; i < count; i++) {
		if (argc > 1) {
			int wanted = 0;
			for (int a = 1; a < argc; a++)
				wanted |= strcmp(argv[a], cases[i].name) == 0;
			if (!wanted)
				continue;
		}
		int before = test_failed_checks;
		cases[i].fn();
		if (test_failed_checks == before) {
			passed++;
			printf("ok   %s\n", cases[i].name);
		} else {
			failed++;
			printf("FAIL %s\n", cases[i].name);
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
