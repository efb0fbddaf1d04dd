/*
 * test.h -- the project's tiny unit-test framework.  A test file defines
 * functions with TEST(name), lists them in a TEST_MAIN table, and each CHECK
 * that fails prints file:line and the expression, marks the test failed and
 * goes on.  The runner prints one line per test and a closing
 * "N passed, M failed" line, and exits non-zero if anything failed.
 */
#ifndef NTVM_TEST_H
#define NTVM_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

extern int test_failed_checks;

#define TEST(name) static void name(void)

#define CHECK(expr)                                                                     \
	do {                                                                            \
		if (!(expr)) {                                                          \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #expr); \
			test_failed_checks++;                                           \
		}                                                                       \
	} while (0)

#define CHECK_EQ_U64(a, b)                                                               \
	do {                                                                             \
		uint64_t check_a_ = (uint64_t)(a), check_b_ = (uint64_t)(b);                   \
		if (check_a_ != check_b_) {                                              \
			fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (0x%" PRIx64 " != 0x%" PRIx64 ")\n", \
			        __FILE__, __LINE__, #a, #b, check_a_, check_b_);         \
			test_failed_checks++;                                            \
		}                                                                        \
	} while (0)

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define TEST_CASE(fn) { #fn, fn }

int test_run_all(const struct test_case *cases, size_t count, int argc, char **argv);

#define TEST_MAIN(...)                                                                   \
	int main(int argc, char **argv)                                                  \
	{                                                                                \
		static const struct test_case cases_[] = { __VA_ARGS__ };                \
		return test_run_all(cases_, sizeof cases_ / sizeof cases_[0], argc, argv); \
	}

/* The randomised tests' generator (xorshift64): *state must not be 0; a
 * fixed seed per file keeps every run the same. */
static inline uint64_t test_xorshift(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

#endif
