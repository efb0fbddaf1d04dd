/*
 * test_pe_build.c -- the PE builder: text form parse/format round trips, the
 * headers and data of built files read back field by field with a reader of
 * its own (offsets from the PE/COFF specification, not from pe_build.c), and
 * every rejection with its reason.
 */
#include <stdlib.h>
#include <string.h>

#include "pe_build.h"
#include "test.h"

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* What a loader reads from a built file. */
struct pe_view {
	const uint8_t *nt;  /* "PE\0\0" */
	const uint8_t *opt; /* optional header */
	const uint8_t *sec; /* section table */
	unsigned count;
};

static int view_of(const uint8_t *f, size_t size, struct pe_view *v)
{
	uint32_t lfanew;

	if (size < 0x40 || f[0] != 'M' || f[1] != 'Z')
		return -1;
	lfanew = get32(f + 0x3c);
	if (lfanew + 24 + 240 > size || memcmp(f + lfanew, "PE\0\0", 4) != 0)
		return -1;
	v->nt = f + lfanew;
	v->count = get16(v->nt + 4 + 2);
	v->opt = v->nt + 24;
	v->sec = v->opt + get16(v->nt + 4 + 16);
	return (size_t)(v->sec - f) + 40u * v->count <= size ? 0 : -1;
}

static uint8_t *build_text(const char *text, size_t *size)
{
	ntvm_pe_spec spec;
	uint8_t *file = NULL;
	const char *error = NULL;

	if (ntvm_pe_spec_parse(text, &spec, &error) != 0) {
		fprintf(stderr, "parse %s: %s\n", text, error);
		return NULL;
	}
	if (ntvm_pe_build(&spec, &file, size, &error) != 0) {
		fprintf(stderr, "build %s: %s\n", text, error);
		return NULL;
	}
	return file;
}

static void check_canonical(const char *text, const char *canonical)
{
	ntvm_pe_spec spec, again;
	char out[512], out2[512];
	int n;

	CHECK(ntvm_pe_spec_parse(text, &spec, NULL) == 0);
	n = ntvm_pe_spec_format(&spec, out, sizeof out);
	CHECK(n == (int)strlen(canonical));
	if (strcmp(out, canonical) != 0)
		fprintf(stderr, "format %s: got %s want %s\n", text, out, canonical);
	CHECK(strcmp(out, canonical) == 0);
	CHECK(ntvm_pe_spec_parse(out, &again, NULL) == 0);
	CHECK(ntvm_pe_spec_format(&again, out2, sizeof out2) == n);
	CHECK(strcmp(out, out2) == 0);
}

TEST(text_round_trips)
{
	check_canonical("base=0x140000000;align=0x1000;text:rx:0x1800,data:rw:0x2000,rdata:r:0x800",
	                "base=0x140000000;text:rx:0x1800,data:rw:0x2000,rdata:r:0x800");
	check_canonical("", "base=0x140000000");
	check_canonical("text:xr:6144", "base=0x140000000;text:rx:0x1800");
	check_canonical("dll=1;machine=0x14c;falign=0x1000;align=0x10000;base=0x10000;a:-:0x10",
	                "base=0x10000;align=0x10000;falign=0x1000;machine=0x14c;dll=1;a:-:0x10");
	check_canonical("bss:rw:0x3000:0,.data:rws:0x1000:0x200",
	                "base=0x140000000;bss:rw:0x3000:0x0,.data:rws:0x1000:0x200");
	check_canonical("raw:r:0:0x400", "base=0x140000000;raw:r:0x0:0x400");
	/* characteristics the letters do not stand for come back as a number */
	check_canonical("odd:0xC0000020:0x1000", "base=0x140000000;odd:0xc0000020:0x1000");
	check_canonical("same:0x40000040:0x1000", "base=0x140000000;same:r:0x1000");
}

TEST(parse_fields)
{
	ntvm_pe_spec spec;

	CHECK(ntvm_pe_spec_parse("base=0x7ff00000000;text:rx:0x1800:0x600,bss:rw:0x100:0", &spec,
	                         NULL) == 0);
	CHECK_EQ_U64(spec.image_base, 0x7ff00000000ull);
	CHECK_EQ_U64(spec.section_count, 2);
	CHECK(strcmp(spec.sections[0].name, "text") == 0);
	CHECK_EQ_U64(spec.sections[0].virtual_size, 0x1800);
	CHECK_EQ_U64(spec.sections[0].raw_size, 0x600);
	CHECK_EQ_U64(spec.sections[0].characteristics, 0x60000020u);
	CHECK_EQ_U64(spec.sections[1].raw_size, 0);
	CHECK_EQ_U64(spec.sections[1].characteristics, 0xC0000080u);
}

TEST(format_is_snprintf_like)
{
	ntvm_pe_spec spec;
	char small[8];
	int n;

	CHECK(ntvm_pe_spec_parse("text:rx:0x1000", &spec, NULL) == 0);
	n = ntvm_pe_spec_format(&spec, small, sizeof small);
	CHECK(n == (int)strlen("base=0x140000000;text:rx:0x1000"));
	CHECK(strcmp(small, "base=0x") == 0);
	CHECK(ntvm_pe_spec_format(&spec, NULL, 0) == n);
}

TEST(headers_of_a_default_image)
{
	size_t size = 0;
	uint8_t *f = build_text("text:rx:0x1800,data:rw:0x2000:0x200,rdata:r:0x800", &size);
	struct pe_view v;

	CHECK(f != NULL);
	if (!f)
		return;
	CHECK(view_of(f, size, &v) == 0);
	CHECK_EQ_U64(get16(v.nt + 4), 0x8664);       /* Machine */
	CHECK_EQ_U64(v.count, 3);
	CHECK_EQ_U64(get16(v.nt + 4 + 16), 240);      /* SizeOfOptionalHeader */
	CHECK_EQ_U64(get16(v.nt + 4 + 18) & 0x2002, 0x0002); /* EXECUTABLE_IMAGE, not DLL */
	CHECK_EQ_U64(get16(v.opt), 0x20b);
	CHECK_EQ_U64(get64(v.opt + 24), 0x140000000ull);
	CHECK_EQ_U64(get32(v.opt + 32), 0x1000);     /* SectionAlignment */
	CHECK_EQ_U64(get32(v.opt + 36), 0x200);      /* FileAlignment */
	CHECK_EQ_U64(get32(v.opt + 56), 0x6000);     /* SizeOfImage: 0x1000 + 0x2000 + 0x2000 + 0x1000 */
	CHECK_EQ_U64(get32(v.opt + 60), 0x200);      /* SizeOfHeaders */
	CHECK_EQ_U64(get16(v.opt + 68), 3);          /* console subsystem */
	CHECK_EQ_U64(get16(v.opt + 70) & 0x40, 0);   /* no DYNAMIC_BASE */
	CHECK_EQ_U64(get32(v.opt + 108), 16);
	/* text */
	CHECK(memcmp(v.sec, "text\0\0\0\0", 8) == 0);
	CHECK_EQ_U64(get32(v.sec + 8), 0x1800);
	CHECK_EQ_U64(get32(v.sec + 12), 0x1000);
	CHECK_EQ_U64(get32(v.sec + 16), 0x1800);
	CHECK_EQ_U64(get32(v.sec + 20), 0x200);
	CHECK_EQ_U64(get32(v.sec + 36), 0x60000020u);
	/* data: 0x200 bytes of file data */
	CHECK_EQ_U64(get32(v.sec + 40 + 12), 0x3000);
	CHECK_EQ_U64(get32(v.sec + 40 + 16), 0x200);
	CHECK_EQ_U64(get32(v.sec + 40 + 20), 0x1a00);
	CHECK_EQ_U64(get32(v.sec + 40 + 36), 0xC0000040u);
	/* rdata */
	CHECK_EQ_U64(get32(v.sec + 80 + 12), 0x5000);
	CHECK_EQ_U64(get32(v.sec + 80 + 20), 0x1c00);
	CHECK_EQ_U64(size, 0x2400);
	/* data pattern: section k, 512-byte block b gives ((k+1) << 4) | b */
	CHECK_EQ_U64(f[0x200], 0x10);
	CHECK_EQ_U64(f[0x3ff], 0x10);
	CHECK_EQ_U64(f[0x400], 0x11);
	CHECK_EQ_U64(f[0x19ff], 0x1b);
	CHECK_EQ_U64(f[0x1a00], 0x20);
	CHECK_EQ_U64(f[0x1c00], 0x30);
	CHECK_EQ_U64(f[0x23ff], 0x33);
	free(f);
}

TEST(raw_data_padding_is_zero)
{
	size_t size = 0;
	uint8_t *f = build_text("a:r:0x1000:0x10", &size);

	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_EQ_U64(size, 0x400);
	CHECK_EQ_U64(f[0x20f], 0x10);
	CHECK_EQ_U64(f[0x210], 0);
	CHECK_EQ_U64(f[0x3ff], 0);
	free(f);
}

/* SizeOfRawData past VirtualSize, within its SectionAlignment block: what
 * linkers write for a small section, and loaders accept. */
TEST(raw_past_virtual_size_within_alignment)
{
	size_t size = 0;
	struct pe_view v;
	uint8_t *f = build_text("a:r:0x100:0x400", &size);

	CHECK(f != NULL);
	if (!f)
		return;
	CHECK(view_of(f, size, &v) == 0);
	CHECK_EQ_U64(get32(v.sec + 8), 0x100);
	CHECK_EQ_U64(get32(v.sec + 16), 0x400);
	CHECK_EQ_U64(get32(v.opt + 56), 0x2000);
	free(f);
}

TEST(many_sections_and_dll)
{
	char text[512] = "dll=1;base=0x180000000";
	size_t size = 0;
	struct pe_view v;
	uint8_t *f;

	for (int i = 0; i < 16; i++) {
		char one[32];
		snprintf(one, sizeof one, "%cs%d:rw:0x100", i ? ',' : ';', i);
		strcat(text, one);
	}
	f = build_text(text, &size);
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK(view_of(f, size, &v) == 0);
	CHECK_EQ_U64(v.count, 16);
	CHECK_EQ_U64(get16(v.nt + 4 + 18) & 0x2000, 0x2000);
	CHECK_EQ_U64(get32(v.opt + 60), 0x400); /* 0x148 + 16 * 40 = 0x3c8 */
	CHECK_EQ_U64(get32(v.opt + 56), 0x11000);
	CHECK_EQ_U64(get32(v.sec + 15 * 40 + 12), 0x10000);
	CHECK_EQ_U64(f[get32(v.sec + 15 * 40 + 20)], 0x00); /* section 16 wraps to 0 */
	CHECK_EQ_U64(f[get32(v.sec + 14 * 40 + 20)], 0xf0);
	free(f);
}

TEST(big_and_small_alignments)
{
	size_t size = 0;
	struct pe_view v;
	uint8_t *f = build_text("align=0x10000;falign=0x1000;t:rx:0x1000,d:rw:0x20000", &size);

	CHECK(f != NULL);
	if (f) {
		CHECK(view_of(f, size, &v) == 0);
		CHECK_EQ_U64(get32(v.opt + 60), 0x1000);
		CHECK_EQ_U64(get32(v.sec + 12), 0x10000);
		CHECK_EQ_U64(get32(v.sec + 40 + 12), 0x20000);
		CHECK_EQ_U64(get32(v.opt + 56), 0x40000);
		CHECK_EQ_U64(size, 0x1000 + 0x1000 + 0x20000);
		free(f);
	}
	/* below a page: file offsets equal RVAs, the file as long as the image */
	f = build_text("align=0x200;falign=0x200;t:rx:0x300,d:rw:0x200:0", &size);
	CHECK(f != NULL);
	if (f) {
		CHECK(view_of(f, size, &v) == 0);
		CHECK_EQ_U64(get32(v.sec + 12), 0x200);
		CHECK_EQ_U64(get32(v.sec + 20), 0x200);
		CHECK_EQ_U64(get32(v.sec + 40 + 12), 0x600);
		CHECK_EQ_U64(get32(v.sec + 40 + 20), 0);
		CHECK_EQ_U64(get32(v.opt + 56), 0x800);
		CHECK_EQ_U64(size, 0x800);
		free(f);
	}
}

TEST(builds_are_identical)
{
	size_t a_size = 0, b_size = 0;
	uint8_t *a = build_text("text:rx:0x1800,data:rw:0x2000", &a_size);
	uint8_t *b = build_text("base=0x140000000;align=0x1000;falign=0x200;text:xr:6144,data:wr:8192",
	                        &b_size);

	CHECK(a && b && a_size == b_size && memcmp(a, b, a_size) == 0);
	free(a);
	free(b);
}

static void check_parse_error(const char *text, const char *reason)
{
	ntvm_pe_spec spec;
	const char *error = NULL;

	CHECK(ntvm_pe_spec_parse(text, &spec, &error) == -1);
	CHECK(error != NULL && strstr(error, reason) != NULL);
	if (error && !strstr(error, reason))
		fprintf(stderr, "%s: got \"%s\", want \"%s\"\n", text, error, reason);
}

TEST(bad_text_rejected)
{
	check_parse_error("colour=1", "unknown key");
	check_parse_error("base=1;base=2", "twice");
	check_parse_error("base=0x", "a key's value");
	check_parse_error("base=0x1g", "a key's value");
	check_parse_error("base=0x10000000000000000", "a key's value");
	check_parse_error("machine=0x10000", "a key's value");
	check_parse_error("dll=2", "dll");
	check_parse_error("align=4294967296", "a key's value");
	check_parse_error("toolongname:r:0x10", "section name");
	check_parse_error(":r:0x10", "section name");
	check_parse_error("a b:r:0x10", "section name");
	check_parse_error("a:rr:0x10", "section protection");
	check_parse_error("a:q:0x10", "section protection");
	check_parse_error("a::0x10", "section protection");
	check_parse_error("a:0xg:0x10", "section protection");
	check_parse_error("a:r", "section size");
	check_parse_error("a:r:0x100000000", "section size");
	check_parse_error("a:r:0x10:", "raw size");
	check_parse_error("a:r:0x10:1:2", "raw size");
	check_parse_error("a:r:1;b:r:1", "more than one list");
	check_parse_error("a:r:1,,b:r:1", "section name");
	{
		char text[512] = "";
		for (int i = 0; i < 17; i++) {
			char one[16];
			snprintf(one, sizeof one, "%ss%d:r:1", i ? "," : "", i);
			strcat(text, one);
		}
		check_parse_error(text, "more than 16");
	}
}

static void check_build_error(const char *text, const char *reason)
{
	ntvm_pe_spec spec;
	uint8_t *file = (uint8_t *)&spec;
	size_t size = 1;
	const char *error = NULL;

	CHECK(ntvm_pe_spec_parse(text, &spec, NULL) == 0);
	CHECK(ntvm_pe_build(&spec, &file, &size, &error) == -1);
	CHECK(file == NULL && size == 0);
	CHECK(error != NULL && strstr(error, reason) != NULL);
	if (error && !strstr(error, reason))
		fprintf(stderr, "%s: got \"%s\", want \"%s\"\n", text, error, reason);
}

TEST(bad_layouts_rejected)
{
	check_build_error("falign=0x100", "falign");
	check_build_error("falign=0x300", "falign");
	check_build_error("falign=0x20000;align=0x20000", "falign");
	check_build_error("align=0x200;falign=0x400", "align");
	check_build_error("align=0x3000", "align");
	check_build_error("align=0x400;falign=0x200", "must equal falign");
	check_build_error("base=0x140001000", "64 KiB");
	check_build_error("a:r:0:0", "size 0");
	check_build_error("a:r:0x100:0x1200", "raw size beyond");
	check_build_error("align=0x10000;falign=0x1000;a:r:0x100:0x11000", "raw size beyond");
	check_build_error("a:r:0x10000000,b:r:0x1000", "256 MiB");
	check_build_error("align=0x80000000", "256 MiB");
	check_build_error("base=0xffffffffffff0000;a:r:0x10000", "2^64");
}

TEST(bad_structs_rejected)
{
	ntvm_pe_spec spec;
	uint8_t *file;
	size_t size;
	const char *error = NULL;

	memset(&spec, 0, sizeof spec);
	spec.section_count = 1;
	spec.sections[0].virtual_size = 0x1000;
	CHECK(ntvm_pe_build(&spec, &file, &size, &error) == -1);
	CHECK(error && strstr(error, "without a name"));
	spec.sections[0].name[0] = 'a';
	CHECK(ntvm_pe_build(&spec, &file, &size, NULL) == 0);
	free(file);
	spec.section_count = 17;
	CHECK(ntvm_pe_build(&spec, &file, &size, &error) == -1);
	CHECK(error && strstr(error, "more than 16"));
	spec.section_count = 1;
	spec.dll = 2;
	CHECK(ntvm_pe_build(&spec, &file, &size, &error) == -1);
	CHECK(error && strstr(error, "dll"));
}

/* Mutated descriptions never crash; whatever parses formats to a fixed point,
 * and whatever passes ntvm_pe_spec_check builds a file of the right size. */
TEST(mutations_are_safe)
{
	static const char *const seeds[] = {
		"base=0x140000000;align=0x1000;text:rx:0x1800,data:rw:0x2000:0x200,rdata:r:0x800",
		"dll=1;machine=0x14c;falign=0x1000;align=0x10000;base=0x10000;a:-:0x10",
		"align=0x200;falign=0x200;t:rx:0x300,d:rw:0x200:0",
		"odd:0xC0000020:0x1000,bss:rws:0x3000:0",
	};
	static const char alphabet[] = "0123456789abcdefx:;,=-rwxs.$_ ";
	uint32_t rng = 12345;
	int parsed = 0, built = 0;

	for (int iter = 0; iter < 20000; iter++) {
		char text[160], out[512], again[512];
		ntvm_pe_spec spec, spec2;
		const char *seed = seeds[iter % 4];
		size_t n = strlen(seed);
		memcpy(text, seed, n + 1);
		for (int k = 0; k < 1 + iter % 4; k++) {
			rng = rng * 1103515245u + 12345u;
			size_t at = (rng >> 8) % n;
			rng = rng * 1103515245u + 12345u;
			text[at] = alphabet[(rng >> 8) % (sizeof alphabet - 1)];
		}
		if (ntvm_pe_spec_parse(text, &spec, NULL) != 0)
			continue;
		parsed++;
		CHECK(ntvm_pe_spec_format(&spec, out, sizeof out) < (int)sizeof out);
		CHECK(ntvm_pe_spec_parse(out, &spec2, NULL) == 0);
		ntvm_pe_spec_format(&spec2, again, sizeof again);
		CHECK(strcmp(out, again) == 0);
		if (ntvm_pe_spec_check(&spec, NULL) == 0 && iter % 16 == 0) {
			uint8_t *file = NULL;
			size_t size = 0;
			CHECK(ntvm_pe_build(&spec, &file, &size, NULL) == 0);
			CHECK(file != NULL && size >= 0x200 && file[0] == 'M');
			free(file);
			built++;
		}
	}
	CHECK(parsed > 1000);
	CHECK(built > 10);
}

TEST_MAIN(TEST_CASE(text_round_trips), TEST_CASE(parse_fields), TEST_CASE(format_is_snprintf_like),
          TEST_CASE(headers_of_a_default_image), TEST_CASE(raw_data_padding_is_zero),
          TEST_CASE(raw_past_virtual_size_within_alignment),
          TEST_CASE(many_sections_and_dll), TEST_CASE(big_and_small_alignments),
          TEST_CASE(builds_are_identical), TEST_CASE(bad_text_rejected),
          TEST_CASE(bad_layouts_rejected), TEST_CASE(bad_structs_rejected),
          TEST_CASE(mutations_are_safe))
