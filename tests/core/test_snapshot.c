/*
 * test_snapshot.c -- ntvm_serialize / ntvm_deserialize: byte-identical
 * round trips with and without contents, every truncation and many
 * corruptions rejected with nothing changed, policy fields, MMIO re-binding.
 */
#include <stdlib.h>

#include "core_test.h"

#define BASE 0x70000000ull

static uint8_t mmio_value;

static void mmio_read(void *user, uint64_t address, void *data, size_t size)
{
	memset(data, *(uint8_t *) user, size);
}

/* A manager with every kind of state: mixed bitmaps, per-page protections,
 * guard pages, a split reservation, contents, MMIO, a 32-bit profile. */
static ntvm *rich_vm(ntvm_address_profile profile)
{
	ntvm_config cfg = { .address_profile = profile, .default_allocation_address = 0x200000 };
	ntvm *vm = ntvm_create(&cfg);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x100000, NTVM_PERM_RW, true, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_commit(vm, BASE + 0x3000, 0x20000, NTVM_PERM_RW));
	CHECK_OK(ntvm_protect(vm, BASE + 0x5000, 0x1000, NTVM_PERM_READ | NTVM_PERM_GUARD, NULL));
	CHECK_OK(ntvm_protect(vm, BASE + 0x7000, 0x3000, NTVM_PERM_RX, NULL));
	CHECK_OK(ntvm_release(vm, BASE + 0x40000, 0x2000));
	CHECK_OK(ntvm_allocate_at(vm, BASE + 0x200000, 0x10000, NTVM_PERM_RX, false, NTVM_KIND_SECTION_IMAGE));
	CHECK_OK(ntvm_allocate_at(vm, BASE + 0x300000, 0x3000, NTVM_PERM_READ, false, NTVM_KIND_SECTION_VIEW));
	CHECK_OK(ntvm_allocate_mmio(vm, BASE + 0x400000, 0x2000, mmio_read, NULL, &mmio_value));
	const char text[] = "snapshot contents";
	CHECK(ntvm_try_write(vm, BASE + 0x3010, text, sizeof text));
	CHECK(ntvm_try_write(vm, BASE + 0x200FF0, text, sizeof text));
	ntvm_set_dep(vm, false);
	CHECK_INV(vm);
	return vm;
}

static void round_trip(bool is_snapshot, ntvm_address_profile profile)
{
	ntvm *vm = rich_vm(profile);
	ntvm_buffer a = { 0 }, b = { 0 };
	CHECK_OK(ntvm_serialize(vm, is_snapshot, &a));
	ntvm *other = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(other, 0x10000, 0x1000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	ntvm_snapshot_error err = { 0 };
	CHECK_OK(ntvm_deserialize(other, a.data, a.size, is_snapshot, &err));
	if (!is_snapshot) {
		CHECK_INV(other);
		CHECK_EQ_U64(ntvm_test_digest(other), ntvm_test_digest(vm));
	}
	CHECK_EQ_U64(ntvm_max_address(other), ntvm_max_address(vm));
	CHECK_EQ_U64(ntvm_layout_version(other), ntvm_layout_version(vm));
	CHECK_EQ_U64(ntvm_get_default_allocation_address(other), 0x200000);
	CHECK(!ntvm_get_dep(other));
	CHECK_OK(ntvm_serialize(other, is_snapshot, &b));
	CHECK_EQ_U64(a.size, b.size);
	CHECK(a.size == b.size && memcmp(a.data, b.data, a.size) == 0);
	ntvm_buffer_free(&a);
	ntvm_buffer_free(&b);
	ntvm_destroy(other);
	ntvm_destroy(vm);
}

TEST(full_round_trip_is_byte_identical)
{
	round_trip(false, NTVM_ADDRESS_64);
	round_trip(false, NTVM_ADDRESS_32);
	round_trip(false, NTVM_ADDRESS_32_LARGE);
}

TEST(metadata_round_trip_is_byte_identical)
{
	round_trip(true, NTVM_ADDRESS_64);
	round_trip(true, NTVM_ADDRESS_32_LARGE);
}

TEST(restored_mmio_must_be_rebound)
{
	ntvm *vm = rich_vm(NTVM_ADDRESS_64);
	mmio_value = 0x77;
	uint8_t b = 0;
	CHECK(ntvm_try_read(vm, BASE + 0x400010, &b, 1));
	CHECK_EQ_U64(b, 0x77);
	ntvm_buffer buf = { 0 };
	CHECK_OK(ntvm_serialize(vm, false, &buf));
	CHECK_OK(ntvm_deserialize(vm, buf.data, buf.size, false, NULL));
	CHECK_INV(vm);
	uint64_t fault = 0;
	CHECK_STATUS(ntvm_read(vm, BASE + 0x400010, &b, 1, &fault), NTVM_E_UNBOUND_MMIO);
	CHECK_EQ_U64(fault, BASE + 0x400010);
	CHECK_STATUS(ntvm_rebind_mmio(vm, BASE + 0x400000, mmio_read, NULL, &mmio_value), NTVM_OK);
	CHECK_STATUS(ntvm_rebind_mmio(vm, BASE + 0x401000, mmio_read, NULL, &mmio_value), NTVM_E_NOT_RESERVED);
	CHECK_STATUS(ntvm_rebind_mmio(vm, BASE, mmio_read, NULL, &mmio_value), NTVM_E_WRONG_KIND);
	CHECK(ntvm_try_read(vm, BASE + 0x400010, &b, 1));
	CHECK_EQ_U64(b, 0x77);
	/* metadata-only restore keeps the backend's MMIO records alive, unbound */
	ntvm_buffer meta = { 0 };
	CHECK_OK(ntvm_serialize(vm, true, &meta));
	CHECK_OK(ntvm_deserialize(vm, meta.data, meta.size, true, NULL));
	CHECK_STATUS(ntvm_read(vm, BASE + 0x400010, &b, 1, NULL), NTVM_E_UNBOUND_MMIO);
	CHECK_INV(vm);
	ntvm_buffer_free(&meta);
	ntvm_buffer_free(&buf);
	ntvm_destroy(vm);
}

TEST(every_truncation_is_rejected_unchanged)
{
	ntvm *vm = rich_vm(NTVM_ADDRESS_64);
	ntvm_buffer meta = { 0 }, full = { 0 };
	CHECK_OK(ntvm_serialize(vm, true, &meta));
	CHECK_OK(ntvm_serialize(vm, false, &full));
	ntvm *target = rich_vm(NTVM_ADDRESS_32);
	uint64_t before = ntvm_test_digest(target);
	for (size_t n = 0; n < meta.size; n++) {
		ntvm_snapshot_error err = { 0 };
		CHECK_STATUS(ntvm_deserialize(target, meta.data, n, true, &err), NTVM_E_MALFORMED);
		CHECK(err.reason != NULL && err.offset <= n);
	}
	for (size_t n = 0; n < full.size; n += n < meta.size ? 1 : 997) {
		ntvm_snapshot_error err = { 0 };
		CHECK_STATUS(ntvm_deserialize(target, full.data, n, false, &err), NTVM_E_MALFORMED);
		CHECK(err.reason != NULL);
	}
	CHECK_EQ_U64(ntvm_test_digest(target), before);
	CHECK_INV(target);
	ntvm_buffer_free(&meta);
	ntvm_buffer_free(&full);
	ntvm_destroy(target);
	ntvm_destroy(vm);
}

/* Flip each byte of the metadata part: either it is rejected and nothing
 * changes, or it is a valid snapshot that serialises back to itself. */
TEST(corruptions_are_rejected_or_canonical)
{
	ntvm *vm = rich_vm(NTVM_ADDRESS_64);
	ntvm_buffer meta = { 0 };
	CHECK_OK(ntvm_serialize(vm, true, &meta));
	ntvm *target = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(target, 0x10000, 0x2000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	unsigned rejected = 0, accepted = 0;
	static const uint8_t flips[] = { 0x01, 0x80, 0xFF };
	for (size_t i = 0; i < meta.size; i++) {
		for (size_t f = 0; f < sizeof flips; f++) {
			meta.data[i] ^= flips[f];
			ntvm *probe = ntvm_create(NULL);
			uint64_t before = ntvm_test_digest(probe);
			ntvm_snapshot_error err = { 0 };
			ntvm_status st = ntvm_deserialize(probe, meta.data, meta.size, true, &err);
			if (st == NTVM_OK) {
				accepted++;
				ntvm_buffer again = { 0 };
				CHECK_OK(ntvm_serialize(probe, true, &again));
				CHECK(again.size == meta.size && memcmp(again.data, meta.data, meta.size) == 0);
				ntvm_buffer_free(&again);
			} else {
				rejected++;
				CHECK_EQ_U64(st, NTVM_E_MALFORMED);
				CHECK(err.reason != NULL && err.offset <= meta.size);
				CHECK_EQ_U64(ntvm_test_digest(probe), before);
			}
			ntvm_destroy(probe);
			meta.data[i] ^= flips[f];
		}
	}
	printf("corruptions: %u rejected, %u accepted as canonical\n", rejected, accepted);
	CHECK(rejected > accepted);
	CHECK_OK(ntvm_deserialize(target, meta.data, meta.size, true, NULL));
	ntvm_buffer_free(&meta);
	ntvm_destroy(target);
	ntvm_destroy(vm);
}

TEST(specific_rejections_name_offset_and_reason)
{
	ntvm *vm = rich_vm(NTVM_ADDRESS_64);
	ntvm_buffer meta = { 0 };
	CHECK_OK(ntvm_serialize(vm, true, &meta));
	ntvm *target = ntvm_create(NULL);
	ntvm_snapshot_error err = { 0 };
	meta.data[0] = 'X';
	CHECK_STATUS(ntvm_deserialize(target, meta.data, meta.size, true, &err), NTVM_E_MALFORMED);
	CHECK_EQ_U64(err.offset, 0);
	CHECK(strcmp(err.reason, "bad magic") == 0);
	meta.data[0] = 'N';
	CHECK_STATUS(ntvm_deserialize(target, meta.data, meta.size, false, &err), NTVM_E_MALFORMED);
	CHECK_EQ_U64(err.offset, 12);
	uint8_t *grown = malloc(meta.size + 1);
	memcpy(grown, meta.data, meta.size);
	grown[meta.size] = 0;
	CHECK_STATUS(ntvm_deserialize(target, grown, meta.size + 1, true, &err), NTVM_E_MALFORMED);
	CHECK_EQ_U64(err.offset, meta.size);
	CHECK(strcmp(err.reason, "trailing bytes") == 0);
	CHECK_STATUS(ntvm_deserialize(target, NULL, 5, true, &err), NTVM_E_MALFORMED);
	free(grown);
	ntvm_buffer_free(&meta);
	ntvm_destroy(target);
	ntvm_destroy(vm);
}

/* Two adjacent runs that say the same thing must be one run. */
TEST(non_maximal_runs_are_rejected)
{
	ntvm *vm = ntvm_create(NULL);
	CHECK_OK(ntvm_allocate_at(vm, BASE, 0x2000, NTVM_PERM_RW, false, NTVM_KIND_PRIVATE));
	CHECK_OK(ntvm_protect(vm, BASE + 0x1000, 0x1000, NTVM_PERM_READ, NULL));
	ntvm_buffer meta = { 0 };
	CHECK_OK(ntvm_serialize(vm, true, &meta));
	CHECK_EQ_U64(meta.size, 48 + 26 + 2 * 10);
	size_t second_perm = 48 + 26 + 10 + 9;
	CHECK_EQ_U64(meta.data[second_perm], NTVM_PERM_READ);
	meta.data[second_perm] = NTVM_PERM_RW;
	ntvm_snapshot_error err = { 0 };
	CHECK_STATUS(ntvm_deserialize(vm, meta.data, meta.size, true, &err), NTVM_E_MALFORMED);
	CHECK_EQ_U64(err.offset, 48 + 26 + 10);
	CHECK(strcmp(err.reason, "run not maximal") == 0);
	ntvm_buffer_free(&meta);
	ntvm_destroy(vm);
}

TEST(empty_manager_round_trip)
{
	ntvm *vm = ntvm_create(NULL);
	ntvm_buffer a = { 0 };
	CHECK_OK(ntvm_serialize(vm, false, &a));
	CHECK_EQ_U64(a.size, 48);
	CHECK(memcmp(a.data, "NTVMSNAP", 8) == 0);
	ntvm *other = rich_vm(NTVM_ADDRESS_64);
	CHECK_OK(ntvm_deserialize(other, a.data, a.size, false, NULL));
	CHECK_INV(other);
	ntvm_stats st;
	ntvm_get_stats(other, &st);
	CHECK_EQ_U64(st.reservation_count, 0);
	CHECK_EQ_U64(ntvm_test_digest(other), ntvm_test_digest(vm));
	ntvm_buffer_free(&a);
	ntvm_destroy(other);
	ntvm_destroy(vm);
}

TEST_MAIN(TEST_CASE(full_round_trip_is_byte_identical), TEST_CASE(metadata_round_trip_is_byte_identical),
          TEST_CASE(restored_mmio_must_be_rebound), TEST_CASE(every_truncation_is_rejected_unchanged),
          TEST_CASE(corruptions_are_rejected_or_canonical), TEST_CASE(specific_rejections_name_offset_and_reason),
          TEST_CASE(non_maximal_runs_are_rejected), TEST_CASE(empty_manager_round_trip))
