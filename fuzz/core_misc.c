/*
 * core_misc.c -- the less frequent parts of the manager API, one FOP_MISC
 * record each (b5 % 8 picks which): DEP switching, unmap_all, the
 * reservation queries, the PAGE_* conversions, MMIO allocation and
 * re-binding, the default allocation address.  Results are compared like
 * any other operation's; the caller then compares the whole state.
 */
#include "harness.h"

uint8_t fuzz_mmio_byte(uint64_t address)
{
	return (uint8_t)(address ^ (address >> 8) ^ 0x5A);
}

void fuzz_mmio_read(void *user, uint64_t address, void *data, size_t size)
{
	for (size_t i = 0; i < size; i++)
		((uint8_t *)data)[i] = fuzz_mmio_byte(address + i);
}

void fuzz_mmio_write(void *user, uint64_t address, const void *data, size_t size)
{
}

static void reservation_result(uint64_t out[4], bool found, const ntvm_reservation *r)
{
	out[0] = found;
	out[1] = found ? r->base : 0;
	out[2] = found ? r->length : 0;
	out[3] = found ? (r->committed_bytes ^ (uint64_t)r->kind << 56 ^ (uint64_t)r->initial_perm << 48)
	               : 0;
}

static void exec_reservation_query(fuzz_run *run, fuzz_log *l, const uint64_t *a, bool from)
{
	ntvm_reservation c = {0}, m = {0};
	bool cf = from ? ntvm_reservation_from(run->vm, a[0], &c)
	               : ntvm_reservation_containing(run->vm, a[0], &c);
	bool mf = from ? model_reservation_from(&run->m, a[0], &m)
	               : model_reservation_containing(&run->m, a[0], &m);
	reservation_result(l->core, cf, &c);
	reservation_result(l->model, mf, &m);
}

static void exec_perm_conversion(fuzz_log *l, const fuzz_record *r)
{
	uint32_t page = r->b[2] | (uint32_t)r->b[6] << 8 | (uint32_t)(r->b[7] & 0x0F) << 16;
	ntvm_perm perm = r->b[6], cp = 0xEE, mp = 0xEE;
	l->core[0] = ntvm_perm_from_page(page, &cp);
	l->model[0] = model_perm_from_page(page, &mp);
	l->core[1] = l->core[0] ? cp : 0;
	l->model[1] = l->model[0] ? mp : 0;
	l->core[2] = ntvm_perm_to_page(perm);
	l->model[2] = model_perm_to_page(perm);
	l->core[3] = ntvm_perm_is_valid(perm);
	l->model[3] = model_perm_valid(perm);
}

void fuzz_exec_misc_op(fuzz_run *run, const fuzz_record *r)
{
	uint64_t a[3] = {fuzz_address(&run->env, r), fuzz_size(&run->env, r), r->b[5] % 8};
	fuzz_log *l = fuzz_log_op(run, FOP_MISC, 3, a);
	switch (a[2]) {
	case 0:
		ntvm_set_dep(run->vm, r->b[7] & 1);
		run->m.dep_enabled = r->b[7] & 1;
		l->core[0] = ntvm_get_dep(run->vm);
		l->model[0] = run->m.dep_enabled;
		break;
	case 1:
		if ((r->b[6] & 7) == 0) { /* rare: it empties everything */
			ntvm_unmap_all(run->vm);
			model_unmap_all(&run->m);
		} else {
			exec_reservation_query(run, l, a, true);
		}
		break;
	case 2: exec_reservation_query(run, l, a, false); break;
	case 3:
		l->core[0] = ntvm_overlaps_reserved_region(run->vm, a[0], a[1]);
		l->model[0] = model_overlaps_reserved_region(&run->m, a[0], a[1]);
		break;
	case 4:
		l->core[0] = ntvm_region_kind(run->vm, a[0]);
		l->model[0] = model_region_kind(&run->m, a[0]);
		break;
	case 5: exec_perm_conversion(l, r); break;
	case 6:
		l->core[0] = ntvm_allocate_mmio(run->vm, a[0], a[1], fuzz_mmio_read, fuzz_mmio_write, NULL);
		l->model[0] = model_allocate_mmio(&run->m, a[0], a[1]);
		break;
	default:
		if (r->b[6] & 1) {
			ntvm_set_default_allocation_address(run->vm, a[0]);
			run->m.default_address = a[0];
			l->core[0] = ntvm_get_default_allocation_address(run->vm);
			l->model[0] = run->m.default_address;
		} else {
			l->core[0] = ntvm_rebind_mmio(run->vm, a[0], fuzz_mmio_read, fuzz_mmio_write, NULL);
			l->model[0] = model_rebind_mmio(&run->m, a[0]);
		}
		break;
	}
	fuzz_expect_same(run, l, 4);
}
