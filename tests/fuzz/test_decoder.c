/*
 * test_decoder.c -- the decoder's promises: any bytes decode, a changed
 * byte changes one operation only, the operation cap holds, and a trace
 * encoded by the encoder decodes back to the same calls.
 */
#include <stdlib.h>
#include <string.h>

#include "decoder.h"
#include "encoder.h"
#include "section_decode.h"
#include "test.h"

TEST(any_bytes_decode)
{
	static fuzz_program p;
	uint8_t data[2000];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 37 + 11);
	fuzz_decode(data, 0, FUZZ_SET_CORE, &p);
	CHECK_EQ_U64(p.count, 0);
	fuzz_decode(data, 1 + 3 * FUZZ_RECORD + 5, FUZZ_SET_CORE, &p);
	CHECK_EQ_U64(p.count, 3); /* leftover bytes ignored */
	fuzz_decode(data, sizeof data, FUZZ_SET_NT, &p);
	CHECK_EQ_U64(p.count, FUZZ_MAX_OPS);
	for (size_t i = 0; i < p.count; i++)
		CHECK(p.ops[i].b[0] >= FOP_NT_ALLOC && p.ops[i].b[0] < FOP_COUNT);
}

TEST(one_byte_one_operation)
{
	static fuzz_program a, b;
	uint8_t data[1 + 10 * FUZZ_RECORD];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 13);
	fuzz_decode(data, sizeof data, FUZZ_SET_CORE, &a);
	data[1 + 4 * FUZZ_RECORD + 3] ^= 0xFF;
	fuzz_decode(data, sizeof data, FUZZ_SET_CORE, &b);
	for (size_t i = 0; i < a.count; i++)
		CHECK((memcmp(&a.ops[i], &b.ops[i], sizeof a.ops[i]) != 0) == (i == 4));
}

TEST(interesting_values_reachable)
{
	model m;
	fuzz_env env;
	fuzz_record r = {{0}};
	model_init(&m, NTVM_ADDRESS_64, NTVM_BEHAVIOUR_WINDOWS);
	fuzz_env_init(&env, &m);
	r.b[1] = 0, r.b[2] = 0;
	CHECK_EQ_U64(fuzz_address(&env, &r), env.arena_base);
	r.b[1] = 4;
	CHECK_EQ_U64(fuzz_address(&env, &r), 0);
	r.b[1] = 6, r.b[2] = 1;
	CHECK_EQ_U64(fuzz_address(&env, &r), m.max_address + 1 - 0x1000);
	r.b[1] = 8, r.b[2] = 0;
	CHECK_EQ_U64(fuzz_address(&env, &r), UINT64_MAX);
	r.b[3] = 5, r.b[4] = 0;
	CHECK_EQ_U64(fuzz_size(&env, &r), UINT64_MAX);
	r.b[3] = 9;
	CHECK_EQ_U64(fuzz_size(&env, &r), 0);
	model_fini(&m);
}

TEST(encoded_trace_decodes_to_its_calls)
{
	static const char text[] = "ntvm-trace 1\nsource wine-8.0 x86_64\narena 0x0000100000000000 0x1000000\n"
	                           "alloc A+0x1234 0x10 MEM_COMMIT|MEM_RESERVE PAGE_READONLY\n"
	                           "alloc 0x0 0x2000 MEM_RESERVE PAGE_NOACCESS 0x14\n"
	                           "protect $1+0x1000 0x1000 PAGE_READWRITE|PAGE_GUARD\n"
	                           "write A+0x10 3 0xab\n"
	                           "free 0xffffffffffff0000 0x0 MEM_RELEASE\n";
	struct ntvm_trace *t = NULL;
	struct ntvm_trace_error err;
	static fuzz_program p;
	uint8_t *bytes = NULL;
	size_t skipped = 0, next = 0;
	model m;
	fuzz_env env;
	CHECK(ntvm_trace_parse(text, sizeof text - 1, "t", &t, &err) == 0);
	if (!t)
		return;
	size_t size = fuzz_encode_trace(t, &next, &bytes, &skipped);
	CHECK_EQ_U64(next, 5);
	CHECK_EQ_U64(skipped, 0);
	fuzz_decode(bytes, size, FUZZ_SET_NT, &p);
	CHECK_EQ_U64(p.header & 1, 1); /* the Wine profile, from the source line */
	model_init(&m, NTVM_ADDRESS_64, NTVM_BEHAVIOUR_WINE_8_0);
	fuzz_env_init(&env, &m);
	env.bound[env.nbound++] = 0x7000000; /* what $1 would be bound to */
	uint64_t seen[5][4];
	size_t n = 0;
	for (size_t i = 0; i < p.count && n < 5; i++) {
		const fuzz_record *r = &p.ops[i];
		if (r->b[0] == FOP_LITERAL) {
			fuzz_set_literal(&env, r);
			continue;
		}
		seen[n][0] = r->b[0];
		seen[n][1] = fuzz_address(&env, r);
		seen[n][2] = r->b[0] == FOP_NT_WRITE ? fuzz_nt_length(r) : fuzz_size(&env, r);
		seen[n][3] = r->b[0] == FOP_NT_ALLOC ? fuzz_zero_bits(&env, r) : 0;
		n++;
	}
	CHECK_EQ_U64(n, 5);
	CHECK_EQ_U64(seen[0][0], FOP_NT_ALLOC);
	CHECK_EQ_U64(seen[0][1], env.arena_base + 0x1234);
	CHECK_EQ_U64(seen[0][2], 0x10);
	CHECK_EQ_U64(seen[1][1], 0);
	CHECK_EQ_U64(seen[1][3], 0x14);
	CHECK_EQ_U64(seen[2][0], FOP_NT_PROTECT);
	CHECK_EQ_U64(seen[2][1], 0x7001000);
	CHECK_EQ_U64(seen[3][2], 3);
	CHECK_EQ_U64(seen[4][1], 0xffffffffffff0000ull);
	free(bytes);
	ntvm_trace_free(t);
	model_fini(&m);
}

/* Section statements: header bit 5, every field through the literal
 * registers, %n as the handle ntvm will give, a pe: file from the table. */
TEST(encoded_sections_decode_to_their_calls)
{
	static const char text[] =
		"ntvm-trace 1\nsource script\narena 0x0000100000000000 0x1000000\n"
		"section 0x20000 PAGE_READWRITE SEC_COMMIT -\n"
		"section - PAGE_READONLY SEC_IMAGE pe:base=0x100000500000;t:rx:0x1000 SECTION_MAP_READ\n"
		"map %2 A+0x10000 0x0 0x1000 - 0x0 ViewShare MEM_TOP_DOWN PAGE_WRITECOPY\n"
		"close %1\n"
		"extend %2 0x3000\n";
	struct ntvm_trace *t = NULL;
	struct ntvm_trace_error err;
	static fuzz_program p;
	uint8_t *bytes = NULL;
	size_t skipped = 0, next = 0;
	model m;
	fuzz_env env;
	CHECK(ntvm_trace_parse(text, sizeof text - 1, "t", &t, &err) == 0);
	if (!t)
		return;
	size_t size = fuzz_encode_trace(t, &next, &bytes, &skipped);
	CHECK_EQ_U64(skipped, 0);
	fuzz_decode(bytes, size, FUZZ_SET_NT_SECTIONS, &p);
	CHECK_EQ_U64(p.header, 0x20);
	model_init(&m, NTVM_ADDRESS_64, NTVM_BEHAVIOUR_WINDOWS);
	fuzz_env_init(&env, &m);
	env.sections = true;
	fuzz_section_args sa[2];
	fuzz_map_args ma;
	uint64_t close_handle = 0, extend_handle = 0, extend_size = 0;
	size_t sections = 0;
	for (size_t i = 0; i < p.count; i++) {
		const fuzz_record *r = &p.ops[i];
		switch (r->b[0]) {
		case FOP_LITERAL: fuzz_set_literal(&env, r); break;
		case FOP_NT_SECTION: fuzz_section_args_of(&env, r, &sa[sections++ & 1]); break;
		case FOP_NT_MAP: fuzz_map_args_of(&env, r, &ma); break;
		case FOP_NT_CLOSE: close_handle = fuzz_handle(&env, r, r->b[5]); break;
		case FOP_NT_EXTEND:
			extend_handle = fuzz_handle(&env, r, r->b[5]);
			extend_size = fuzz_size(&env, r);
			break;
		default: CHECK(0); break;
		}
	}
	CHECK_EQ_U64(sections, 2);
	CHECK(sa[0].has_size && sa[0].size == 0x20000 && !sa[0].image && !sa[0].data_file);
	CHECK_EQ_U64(sa[0].attributes, NTVM_SEC_COMMIT);
	CHECK_EQ_U64(sa[0].access, NTVM_SECTION_ALL_ACCESS);
	CHECK(!sa[1].has_size && sa[1].image && !sa[1].corrupt);
	CHECK_EQ_U64(sa[1].spec.image_base, 0x100000500000ull);
	CHECK_EQ_U64(sa[1].access, NTVM_SECTION_MAP_READ);
	CHECK_EQ_U64(ma.handle, 8); /* %2: the second handle ntvm gives out */
	CHECK_EQ_U64(ma.base, env.arena_base + 0x10000);
	CHECK_EQ_U64(ma.commit, 0x1000);
	CHECK(!ma.has_offset);
	CHECK_EQ_U64(ma.inherit, NTVM_VIEW_SHARE);
	CHECK_EQ_U64(ma.type, NTVM_MEM_TOP_DOWN);
	CHECK_EQ_U64(ma.protect, NTVM_PAGE_WRITECOPY);
	CHECK_EQ_U64(close_handle, 4);
	CHECK_EQ_U64(extend_handle, 8);
	CHECK_EQ_U64(extend_size, 0x3000);
	free(bytes);
	ntvm_trace_free(t);
	model_fini(&m);
}

TEST_MAIN(TEST_CASE(any_bytes_decode), TEST_CASE(one_byte_one_operation),
          TEST_CASE(interesting_values_reachable), TEST_CASE(encoded_trace_decodes_to_its_calls),
          TEST_CASE(encoded_sections_decode_to_their_calls))
