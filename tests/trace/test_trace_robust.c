/*
 * test_trace_robust.c -- the parser on damaged input: every prefix of a rich
 * trace (section statements included) and many seeded random mutations of it, each in a buffer of exactly
 * its length (so ASan catches any read past the end).  Parsing must return;
 * whatever it accepts must write and re-read to the same text.
 */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "trace.h"

static const char rich[] =
	"# c\nntvm-trace 1\nsource wine-8.0 x86_64\narena 0x0000100000000000 0x1000000\n"
	"title t # x\norigin o\n"
	"alloc 0 0x1000 MEM_COMMIT|MEM_RESERVE PAGE_READWRITE => STATUS_SUCCESS $1 0x1000\n"
	"alloc A+0x10 0x20000 MEM_RESERVE|0x8 PAGE_EXECUTE|PAGE_GUARD 0x15 => 0xc0000018 A+0x10 0x20000\n"
	"query $1-0x10 => STATUS_SUCCESS $1 $1 PAGE_READWRITE 0x1000 MEM_COMMIT PAGE_READWRITE MEM_PRIVATE\n"
	"protect A 0x1 PAGE_NOACCESS => * A 0x1000 *\r\n"
	"read $1 3 => STATUS_SUCCESS 00ff10\n"
	"write A-0x10 64 0xff => STATUS_ACCESS_VIOLATION\n"
	"free 18446744073709551615 0 MEM_RELEASE => STATUS_INVALID_PARAMETER 0xffffffffffffffff 0x0\n"
	"query A => STATUS_NOT_COMMITTED\n"
	"section 0x20000 PAGE_READWRITE SEC_COMMIT - SECTION_ALL_ACCESS => STATUS_SUCCESS %1\n"
	"map %1 0 0x0 0x0 - 0x0 ViewShare MEM_TOP_DOWN PAGE_READONLY => STATUS_SUCCESS $2 - 0x20000\n"
	"section - PAGE_EXECUTE_WRITECOPY SEC_IMAGE pe:base=0x100000100000;t:rx:0x1800,d:rw:0x2000:0x200 => STATUS_SUCCESS %2\n"
	"map %2 A+0x10000 0 0x1000 0x10000 0x1234 2 0 4 => STATUS_IMAGE_NOT_AT_BASE A+0x10000 0x0 0x3000\n"
	"extend %1 0x30000 => * 0x30000\n"
	"unmap $2+0x10 => STATUS_SUCCESS\n"
	"close %2 => STATUS_INVALID_HANDLE\n";

static int parse_checked(const char *text, size_t len)
{
	char *copy = malloc(len ? len : 1);
	struct ntvm_trace *t = NULL, *u = NULL;
	struct ntvm_trace_error err;
	char *a = NULL, *b = NULL;
	int ok;

	memcpy(copy, text, len);
	ok = ntvm_trace_parse(copy, len, "m", &t, &err) == 0;
	free(copy);
	if (!ok) {
		CHECK(t == NULL && err.reason[0] != '\0' && err.line >= 1);
		return 0;
	}
	a = ntvm_trace_write_string(t, NULL);
	if (a && ntvm_trace_parse(a, strlen(a), "w", &u, &err) == 0)
		b = ntvm_trace_write_string(u, NULL);
	if (!a || !b || strcmp(a, b) != 0) {
		fprintf(stderr, "  not a fixed point after writing:\n%.*s\n", (int)len, text);
		test_failed_checks++;
	}
	free(a);
	free(b);
	ntvm_trace_free(t);
	ntvm_trace_free(u);
	return 1;
}

TEST(every_prefix)
{
	size_t accepted = 0;

	for (size_t n = 0; n <= sizeof rich - 1; n++)
		accepted += (size_t)parse_checked(rich, n);
	/* Cuts at line ends after the header parse; the full text does too. */
	CHECK(accepted >= 10);
	CHECK(parse_checked(rich, sizeof rich - 1));
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	return test_xorshift(&rng);
}

static const char *const pieces[] = { " ", "\n", "#", "|", "=>", "*", "$", "$1", "$2", "A", "+",
	"-", "0x", "0", "f", "9", "\r", "\t", "MEM_", "PAGE_GUARD", "STATUS_", "query A", "alloc 0",
	"18446744073709551616", "\0" };

TEST(seeded_mutations)
{
	char buf[sizeof rich + 256];
	size_t accepted = 0, rounds = 20000;

	for (size_t r = 0; r < rounds; r++) {
		size_t len = sizeof rich - 1;
		int edits = 1 + (int)(next() % 4);
		memcpy(buf, rich, len);
		for (int e = 0; e < edits; e++) {
			size_t at = (size_t)(next() % (len + 1));
			uint64_t what = next() % 3;
			if (what == 0 && at < len) {
				buf[at] = (char)(next() & 0xff);
			} else if (what == 1 && at < len) {
				size_t cut = 1 + (size_t)(next() % 8);
				if (cut > len - at)
					cut = len - at;
				memmove(buf + at, buf + at + cut, len - at - cut);
				len -= cut;
			} else {
				const char *p = pieces[next() % (sizeof pieces / sizeof pieces[0])];
				size_t pn = p[0] ? strlen(p) : 1;
				if (len + pn > sizeof buf)
					continue;
				memmove(buf + at + pn, buf + at, len - at);
				memcpy(buf + at, p, pn);
				len += pn;
			}
		}
		accepted += (size_t)parse_checked(buf, len);
	}
	fprintf(stderr, "  %zu of %zu mutants accepted\n", accepted, rounds);
	CHECK(accepted > 0 && accepted < rounds);
}

TEST_MAIN(TEST_CASE(every_prefix), TEST_CASE(seeded_mutations))
