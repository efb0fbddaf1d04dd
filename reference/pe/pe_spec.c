/*
 * pe_spec.c -- the text form of a PE description (pe_build.h): parsing with
 * a reason for every rejection, and the canonical writer.  The text form is
 * one token without spaces, so that a trace line can carry it:
 *
 *   base=0x140000000;align=0x1000;text:rx:0x1800,data:rw:0x2000:0x200
 *
 * Items are separated by ';': `key=value` pairs (base, align, falign,
 * machine, dll; each at most once) and at most one list of sections
 * separated by ','.  A section is NAME:PROT:VSIZE[:RAWSIZE]: PROT is any of
 * the letters r w x s (IMAGE_SCN_MEM_READ/WRITE/EXECUTE/SHARED), "-" for
 * none, or a 0x number giving the whole Characteristics field; RAWSIZE
 * defaults to VSIZE.  The writer emits `base` always, the other keys only
 * when they differ from their defaults, and letters whenever the
 * characteristics are those the letters stand for.
 */
#include "pe_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

uint64_t pe_image_base(const ntvm_pe_spec *spec)
{
	return spec->image_base ? spec->image_base : PE_DEFAULT_IMAGE_BASE;
}

uint32_t pe_section_alignment(const ntvm_pe_spec *spec)
{
	return spec->section_alignment ? spec->section_alignment : PE_DEFAULT_SECTION_ALIGNMENT;
}

uint32_t pe_file_alignment(const ntvm_pe_spec *spec)
{
	return spec->file_alignment ? spec->file_alignment : PE_DEFAULT_FILE_ALIGNMENT;
}

uint16_t pe_machine(const ntvm_pe_spec *spec)
{
	return spec->machine ? spec->machine : PE_MACHINE_AMD64;
}

uint32_t pe_characteristics_for(uint32_t mem, int has_raw_data)
{
	uint32_t content;

	if (mem & PE_SCN_MEM_EXECUTE)
		content = PE_SCN_CNT_CODE;
	else if (has_raw_data)
		content = PE_SCN_CNT_INITIALIZED_DATA;
	else
		content = PE_SCN_CNT_UNINITIALIZED_DATA;
	return (mem & PE_SCN_MEM_MASK) | content;
}

/* A bounded piece of the input: [p, end). */
struct span {
	const char *p;
	const char *end;
};

static int span_is(struct span s, const char *word)
{
	size_t n = strlen(word);
	return (size_t)(s.end - s.p) == n && memcmp(s.p, word, n) == 0;
}

/* Cut s at the first `sep`: returns the head, leaves the rest (after the
 * separator) in *s, or an empty *s when there is no separator. */
static struct span span_cut(struct span *s, char sep)
{
	struct span head = *s;
	const char *q = memchr(s->p, sep, (size_t)(s->end - s->p));

	if (!q) {
		s->p = s->end;
		return head;
	}
	head.end = q;
	s->p = q + 1;
	return head;
}

static int parse_number(struct span s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10;
	const char *p = s.p;

	if (s.end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (p == s.end)
		return -1;
	for (; p < s.end; p++) {
		unsigned d;
		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			return -1;
		if (d > max || v > (max - d) / base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

static int parse_prot(struct span s, uint32_t *mem, int *is_number, uint32_t *number)
{
	uint64_t v;

	*mem = 0;
	*is_number = 0;
	if (span_is(s, "-"))
		return 0;
	if (s.end - s.p > 2 && s.p[0] == '0') {
		if (parse_number(s, UINT32_MAX, &v) != 0)
			return -1;
		*is_number = 1;
		*number = (uint32_t)v;
		return 0;
	}
	if (s.p == s.end)
		return -1;
	for (const char *p = s.p; p < s.end; p++) {
		uint32_t bit = *p == 'r' ? PE_SCN_MEM_READ : *p == 'w' ? PE_SCN_MEM_WRITE
		             : *p == 'x' ? PE_SCN_MEM_EXECUTE : *p == 's' ? PE_SCN_MEM_SHARED : 0;
		if (!bit || (*mem & bit))
			return -1;
		*mem |= bit;
	}
	return 0;
}

static int name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '$';
}

static int parse_name(struct span s, char name[9])
{
	size_t n = (size_t)(s.end - s.p);

	if (n == 0 || n > 8)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!name_char_ok(s.p[i]))
			return -1;
	memcpy(name, s.p, n);
	name[n] = '\0';
	return 0;
}

static int parse_section(struct span s, ntvm_pe_section_spec *sec, const char **error)
{
	struct span name = span_cut(&s, ':'), prot = span_cut(&s, ':');
	struct span vsize = span_cut(&s, ':'), raw = s;
	uint32_t mem, number;
	int is_number;
	uint64_t v;

	if (parse_name(name, sec->name) != 0)
		return *error = "section name: 1 to 8 of [A-Za-z0-9._$]", -1;
	if (parse_prot(prot, &mem, &is_number, &number) != 0)
		return *error = "section protection: letters r w x s, \"-\" or a 0x number", -1;
	if (parse_number(vsize, UINT32_MAX, &v) != 0)
		return *error = "section size: a 32-bit number", -1;
	sec->virtual_size = (uint32_t)v;
	sec->raw_size = sec->virtual_size;
	if (raw.p < raw.end || (raw.p > name.p && raw.p[-1] == ':')) {
		if (parse_number(raw, UINT32_MAX, &v) != 0)
			return *error = "section raw size: a 32-bit number", -1;
		sec->raw_size = (uint32_t)v;
	}
	sec->characteristics = is_number ? number : pe_characteristics_for(mem, sec->raw_size != 0);
	return 0;
}

static int parse_sections(struct span s, ntvm_pe_spec *spec, const char **error)
{
	while (s.p < s.end) {
		struct span one = span_cut(&s, ',');
		if (spec->section_count == NTVM_PE_MAX_SECTIONS)
			return *error = "more than 16 sections", -1;
		if (parse_section(one, &spec->sections[spec->section_count], error) != 0)
			return -1;
		spec->section_count++;
	}
	return 0;
}

struct key_def {
	const char *name;
	uint64_t max;
};

static const struct key_def keys[] = {
	{ "base", UINT64_MAX }, { "align", UINT32_MAX }, { "falign", UINT32_MAX },
	{ "machine", UINT16_MAX }, { "dll", 1 },
};

static int parse_key(struct span key, struct span value, ntvm_pe_spec *spec, unsigned *seen,
                     const char **error)
{
	for (unsigned i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		uint64_t v;
		if (!span_is(key, keys[i].name))
			continue;
		if (*seen & (1u << i))
			return *error = "a key given twice", -1;
		*seen |= 1u << i;
		if (parse_number(value, keys[i].max, &v) != 0)
			return *error = "a key's value: a number in its range (dll: 0 or 1)", -1;
		switch (i) {
		case 0: spec->image_base = v; break;
		case 1: spec->section_alignment = (uint32_t)v; break;
		case 2: spec->file_alignment = (uint32_t)v; break;
		case 3: spec->machine = (uint16_t)v; break;
		default: spec->dll = (uint16_t)v; break;
		}
		return 0;
	}
	return *error = "unknown key (base, align, falign, machine, dll)", -1;
}

int ntvm_pe_spec_parse(const char *text, ntvm_pe_spec *spec, const char **error)
{
	const char *unused;
	struct span s = { text, text + strlen(text) };
	unsigned seen = 0;
	int have_sections = 0;

	if (!error)
		error = &unused;
	memset(spec, 0, sizeof *spec);
	while (s.p < s.end) {
		struct span item = span_cut(&s, ';');
		struct span key = span_cut(&item, '=');
		if (key.end < item.p) { /* there was a '=' */
			if (parse_key(key, item, spec, &seen, error) != 0)
				return -1;
			continue;
		}
		if (have_sections)
			return *error = "more than one list of sections", -1;
		have_sections = 1;
		if (parse_sections(key, spec, error) != 0)
			return -1;
	}
	return 0;
}

/* Appends to out like snprintf, tracking the length needed. */
struct out_buf {
	char *p;
	size_t size;
	size_t len;
};

static void put(struct out_buf *o, const char *fmt, uint64_t v)
{
	char tmp[40];
	int n = snprintf(tmp, sizeof tmp, fmt, v);

	for (int i = 0; i < n; i++, o->len++)
		if (o->len + 1 < o->size)
			o->p[o->len] = tmp[i];
	if (o->size)
		o->p[o->len < o->size ? o->len : o->size - 1] = '\0';
}

static void put_text(struct out_buf *o, const char *text)
{
	for (; *text; text++, o->len++)
		if (o->len + 1 < o->size)
			o->p[o->len] = *text;
	if (o->size)
		o->p[o->len < o->size ? o->len : o->size - 1] = '\0';
}

static void put_prot(struct out_buf *o, const ntvm_pe_section_spec *sec)
{
	uint32_t c = sec->characteristics;

	if (c != pe_characteristics_for(c, sec->raw_size != 0)) {
		put(o, "0x%" PRIx64, c);
		return;
	}
	if (!(c & PE_SCN_MEM_MASK))
		put_text(o, "-");
	if (c & PE_SCN_MEM_READ)
		put_text(o, "r");
	if (c & PE_SCN_MEM_WRITE)
		put_text(o, "w");
	if (c & PE_SCN_MEM_EXECUTE)
		put_text(o, "x");
	if (c & PE_SCN_MEM_SHARED)
		put_text(o, "s");
}

static void put_section(struct out_buf *o, const ntvm_pe_section_spec *sec)
{
	char name[9];

	memcpy(name, sec->name, 8);
	name[8] = '\0';
	put_text(o, name);
	put_text(o, ":");
	put_prot(o, sec);
	put(o, ":0x%" PRIx64, sec->virtual_size);
	if (sec->raw_size != sec->virtual_size)
		put(o, ":0x%" PRIx64, sec->raw_size);
}

int ntvm_pe_spec_format(const ntvm_pe_spec *spec, char *out, size_t out_size)
{
	struct out_buf o = { out, out_size, 0 };

	if (out_size)
		out[0] = '\0';
	put(&o, "base=0x%" PRIx64, pe_image_base(spec));
	if (pe_section_alignment(spec) != PE_DEFAULT_SECTION_ALIGNMENT)
		put(&o, ";align=0x%" PRIx64, pe_section_alignment(spec));
	if (pe_file_alignment(spec) != PE_DEFAULT_FILE_ALIGNMENT)
		put(&o, ";falign=0x%" PRIx64, pe_file_alignment(spec));
	if (pe_machine(spec) != PE_MACHINE_AMD64)
		put(&o, ";machine=0x%" PRIx64, pe_machine(spec));
	if (spec->dll)
		put(&o, ";dll=%" PRIu64, 1);
	for (unsigned i = 0; i < spec->section_count && i < NTVM_PE_MAX_SECTIONS; i++) {
		put_text(&o, i == 0 ? ";" : ",");
		put_section(&o, &spec->sections[i]);
	}
	return (int)o.len;
}
