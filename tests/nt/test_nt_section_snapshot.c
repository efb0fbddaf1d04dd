/*
 * test_nt_section_snapshot.c -- snapshots of a state with sections
 * (docs/snapshot-format.md, version 2): the round trip is exact, views are
 * shared again after loading (and pages a copy-on-write made private stay
 * private), metadata-only snapshots refuse sections, and malformed section
 * blocks are rejected with an offset and a reason, changing nothing.
 */
#include <stdlib.h>

#include "nt_section_test.h"
#include "pe_build.h"

#include "../../core/src/section.h"

#define RW NTVM_PAGE_READWRITE

static uint8_t get_byte(ntvm *vm, uint64_t address)
{
	uint8_t b = 0xEE;
	CHECK_EQ_U64(nt_read(vm, address, &b, 1, NULL), S_OK);
	return b;
}

/* Views A (X) and B (X+0x10000, WRITECOPY, page 0 made private) of a
 * page-file section; a SEC_RESERVE section with one committed page mapped
 * at X+0x20000 and its handle closed; an image at its base; a handle of an
 * unmapped section; a private allocation. */
static ntvm *build_state(ntvm_behaviour behaviour)
{
	ntvm *vm = nt_vm(behaviour);
	ntvm_handle h = sec_create(vm, 0x3000, RW, NTVM_SEC_COMMIT, NULL, 0).handle;
	CHECK_EQ_U64(sec_map(vm, h, X, 0, 0, 0, RW).st, S_OK);
	CHECK_EQ_U64(sec_map(vm, h, X + 0x10000, 0, 0, 0, NTVM_PAGE_WRITECOPY).st, S_OK);
	CHECK_EQ_U64(nt_write(vm, X + 0x10, 0x11, 1, NULL), S_OK);
	CHECK_EQ_U64(nt_write(vm, X + 0x10020, 0x22, 1, NULL), S_OK);
	CHECK_EQ_U64(nt_write(vm, X + 0x2000, 0x33, 1, NULL), S_OK);
	ntvm_handle r = sec_create(vm, 0x4000, RW, NTVM_SEC_RESERVE, NULL, 0).handle;
	CHECK_EQ_U64(sec_map(vm, r, X + 0x20000, 0, 0, 0, RW).st, S_OK);
	CHECK_EQ_U64(nt_alloc(vm, X + 0x21000, 0x1000, NTVM_MEM_COMMIT, RW).st, S_OK);
	CHECK_EQ_U64(nt_write(vm, X + 0x21000, 0x44, 1, NULL), S_OK);
	CHECK_EQ_U64(sec_close(vm, r), S_OK);
	size_t size;
	uint8_t *pe = NULL;
	ntvm_pe_spec spec;
	CHECK(ntvm_pe_spec_parse("base=0x140000000;text:rx:0x1000,data:rw:0x1000", &spec, NULL) == 0);
	CHECK(ntvm_pe_build(&spec, &pe, &size, NULL) == 0);
	ntvm_handle img = sec_create(vm, 0, NTVM_PAGE_READONLY, NTVM_SEC_IMAGE, pe, size).handle;
	free(pe);
	CHECK_EQ_U64(sec_map(vm, img, 0, 0, 0, 0, NTVM_PAGE_READONLY).st, S_OK);
	CHECK_EQ_U64(sec_create(vm, 0x1000, RW, NTVM_SEC_COMMIT, NULL, 0).st, S_OK);
	CHECK_EQ_U64(nt_alloc(vm, X + 0x40000, 0x2000, NTVM_MEM_RESERVE | NTVM_MEM_COMMIT, RW).st, S_OK);
	CHECK_EQ_U64(nt_write(vm, X + 0x40000, 0x55, 1, NULL), S_OK);
	return vm;
}

static ntvm_buffer save(const ntvm *vm)
{
	ntvm_buffer b = { 0 };
	CHECK_EQ_U64(ntvm_serialize(vm, false, &b), NTVM_OK);
	return b;
}

TEST(round_trip_is_exact_and_shared)
{
	ntvm *vm = build_state(WIN);
	ntvm_buffer a = save(vm);
	CHECK(a.size > 48 && a.data[8] == 2);
	ntvm *copy = nt_vm(WIN);
	ntvm_snapshot_error err = { 0, NULL };
	CHECK_EQ_U64(ntvm_deserialize(copy, a.data, a.size, false, &err), NTVM_OK);
	CHECK_EQ_U64(ntvm_test_digest(copy), ntvm_test_digest(vm));
	CHECK_EQ_U64(ntvm__section_count(copy), ntvm__section_count(vm));
	ntvm_buffer b = save(copy);
	CHECK(a.size == b.size && memcmp(a.data, b.data, a.size) == 0);
	/* shared again: a write through A shows in B's shared page, not in its private one */
	CHECK_EQ_U64(nt_write(copy, X + 0x1000, 0x66, 1, NULL), S_OK);
	CHECK_EQ_U64(get_byte(copy, X + 0x11000), 0x66);
	CHECK_EQ_U64(nt_write(copy, X + 0x30, 0x77, 1, NULL), S_OK);
	CHECK_EQ_U64(get_byte(copy, X + 0x10030), 0);
	CHECK_EQ_U64(get_byte(copy, X + 0x10020), 0x22);
	/* handles survive: the unmapped section's handle maps */
	CHECK_EQ_U64(sec_map(copy, 12, 0, 0, 0, 0, RW).st, S_OK);
	CHECK_EQ_U64(sec_close(copy, 16), NTVM_STATUS_INVALID_HANDLE);
	/* the closed-handle SEC_RESERVE section lives on in its view */
	CHECK_EQ_U64(get_byte(copy, X + 0x21000), 0x44);
	ntvm_buffer_free(&a);
	ntvm_buffer_free(&b);
	ntvm_destroy(copy);
	ntvm_destroy(vm);
}

TEST(load_over_a_changed_state)
{
	ntvm *vm = build_state(WINE);
	ntvm_buffer a = save(vm);
	uint64_t digest = ntvm_test_digest(vm);
	CHECK_EQ_U64(sec_unmap(vm, X), S_OK);
	CHECK_EQ_U64(sec_close(vm, 4), S_OK);
	CHECK_EQ_U64(nt_write(vm, X + 0x10030, 0x99, 1, NULL), S_OK);
	CHECK_EQ_U64(ntvm_deserialize(vm, a.data, a.size, false, NULL), NTVM_OK);
	CHECK_EQ_U64(ntvm_test_digest(vm), digest);
	CHECK_EQ_U64(nt_write(vm, X + 0x2001, 0x12, 1, NULL), S_OK);
	CHECK_EQ_U64(get_byte(vm, X + 0x12001), 0x12);
	ntvm_buffer_free(&a);
	ntvm_destroy(vm);
}

TEST(metadata_only_refuses_sections)
{
	ntvm *vm = build_state(WIN);
	ntvm_buffer m = { 0 };
	CHECK_EQ_U64(ntvm_serialize(vm, true, &m), NTVM_E_WRONG_KIND);
	CHECK_EQ_U64(m.size, 0);
	ntvm *plain = nt_vm(WIN);
	CHECK_EQ_U64(ntvm_serialize(plain, true, &m), NTVM_OK);
	uint64_t digest = ntvm_test_digest(vm);
	CHECK_EQ_U64(ntvm_deserialize(vm, m.data, m.size, true, NULL), NTVM_E_WRONG_KIND);
	CHECK_EQ_U64(ntvm_test_digest(vm), digest);
	ntvm_buffer a = save(vm);
	ntvm_snapshot_error err = { 0, NULL };
	a.data[12] |= 1; /* claim metadata only */
	CHECK_EQ_U64(ntvm_deserialize(plain, a.data, a.size, true, &err), NTVM_E_MALFORMED);
	CHECK(err.reason && strcmp(err.reason, "sections need a full snapshot") == 0);
	ntvm_buffer_free(&a);
	ntvm_buffer_free(&m);
	ntvm_destroy(plain);
	ntvm_destroy(vm);
}

/* Offset of the sections block: after the header and the reservations. */
static size_t sections_at(const ntvm_buffer *b)
{
	size_t pos = 48;
	uint64_t n;
	memcpy(&n, b->data + 40, 8);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t runs;
		memcpy(&runs, b->data + pos + 18, 8);
		pos += 26 + runs * 10;
	}
	return pos;
}

/* Every truncation inside the sections block and corruptions of its fields:
 * MALFORMED with an offset inside the data and a reason, nothing changed. */
TEST(malformed_sections_block)
{
	ntvm *vm = build_state(WIN);
	ntvm_buffer a = save(vm);
	ntvm *target = build_state(WIN);
	CHECK_EQ_U64(nt_write(target, X + 0x40001, 0x5A, 1, NULL), S_OK);
	uint64_t digest = ntvm_test_digest(target), sections = ntvm__section_count(target);
	size_t at = sections_at(&a);
	for (size_t n = at; n < a.size; n += (n < at + 0x200 ? 1 : 0x3F1)) {
		ntvm_snapshot_error err = { 0, NULL };
		CHECK_EQ_U64(ntvm_deserialize(target, a.data, n, false, &err), NTVM_E_MALFORMED);
		CHECK(err.reason != NULL && err.offset <= n);
	}
	uint8_t *bad = malloc(a.size);
	uint64_t seed = 12345;
	int rejected = 0;
	for (int round = 0; round < 600; round++) {
		memcpy(bad, a.data, a.size);
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		size_t pos = at + (size_t)(seed >> 33) % 0x180;
		bad[pos] ^= (uint8_t)(1u << ((seed >> 20) & 7));
		ntvm_snapshot_error err = { 0, NULL };
		ntvm_status st = ntvm_deserialize(target, bad, a.size, false, &err);
		if (st == NTVM_OK) {
			/* accepted: it must round-trip; then put the target back */
			ntvm_buffer again = save(target);
			CHECK(again.size == a.size && memcmp(again.data, bad, a.size) == 0);
			ntvm_buffer_free(&again);
			ntvm_buffer t = save(vm);
			CHECK_EQ_U64(ntvm_deserialize(target, t.data, t.size, false, NULL), NTVM_OK);
			ntvm_buffer_free(&t);
			CHECK_EQ_U64(nt_write(target, X + 0x40001, 0x5A, 1, NULL), S_OK);
		} else {
			CHECK_EQ_U64(st, NTVM_E_MALFORMED);
			CHECK(err.reason != NULL);
			rejected++;
		}
		CHECK_EQ_U64(ntvm_test_digest(target), digest);
		CHECK_EQ_U64(ntvm__section_count(target), sections);
	}
	CHECK(rejected > 300);
	/* a shared view page whose contents differ from its section */
	memcpy(bad, a.data, a.size);
	size_t contents = a.size;
	ntvm_stats st;
	ntvm_get_stats(vm, &st);
	contents -= (size_t)st.committed_bytes;
	bad[contents + 0x10] ^= 0xFF; /* the image's header page: the first committed page */
	ntvm_snapshot_error err = { 0, NULL };
	CHECK_EQ_U64(ntvm_deserialize(target, bad, a.size, false, &err), NTVM_E_MALFORMED);
	CHECK(err.reason && strcmp(err.reason, "view page differs from its section") == 0);
	CHECK_EQ_U64(err.offset, contents);
	free(bad);
	ntvm_buffer_free(&a);
	ntvm_destroy(target);
	ntvm_destroy(vm);
}

TEST_MAIN(TEST_CASE(round_trip_is_exact_and_shared), TEST_CASE(load_over_a_changed_state),
          TEST_CASE(metadata_only_refuses_sections), TEST_CASE(malformed_sections_block))
