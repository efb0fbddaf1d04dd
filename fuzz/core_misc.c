/*
 * core_misc.c -- the less frequent parts of the manager API, one FOP_MISC
 * record each (b5 % 8 picks which): DEP switching, unmap_all, the
 * reservation queries, the PAGE_* conversions, MMIO allocation and
 * re-binding (with a callback missing when b7 >= 0xF0), the default
 * allocation address, and (a DEP record with b6 >= 0xF0) the calls a
 * program otherwise never makes: a second manager created from a drawn
 * config, status names, the profile tables, ntvm_try_read/try_write,
 * the NT entry points misused.
 * Results are compared like any other operation's; the caller then
 * compares the whole state.
 */
#include <string.h>

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

/* A backend the probe manager never maps anything through. */
static int probe_map(void *ctx, uint64_t address, uint64_t size, ntvm_perm effective) { return 1; }
static void probe_unmap(void *ctx, uint64_t address, uint64_t size) {}
static int probe_read(void *ctx, uint64_t address, void *data, size_t size) { return 1; }
static int probe_write(void *ctx, uint64_t address, const void *data, size_t size) { return 1; }

/*
 * ntvm_create with b7's config: bits 0-1 the address profile (3 invalid),
 * 2-3 the behaviour (2, 3 invalid), 4 an external backend missing the
 * callback b2 % 6 picks (5: none missing), 6 DEP off, 7 the default address
 * a0; b2 == 0xFF passes no config at all.  ntvm.h: NULL exactly when the
 * config is invalid (or the host is out of memory, which only
 * backend_faults injects), else the values asked for; a manager on the
 * probe backend gets NTVM_E_BACKEND for a commit and an MMIO range.
 */
static void exec_create(fuzz_log *l, const fuzz_record *r, uint64_t address)
{
	uint8_t k = r->b[7];
	ntvm_backend b = {NULL, probe_map, probe_unmap, probe_map, probe_read, probe_write,
	                  NULL, NULL, NULL};
	ntvm_config cfg = {0};
	cfg.address_profile = (ntvm_address_profile)(k & 3);
	cfg.behaviour = (ntvm_behaviour)((k >> 2) & 3);
	cfg.dep_disabled = (k & 0x40) != 0;
	cfg.default_allocation_address = k & 0x80 ? address : 0;
	if (k & 0x10) {
		cfg.backend = &b;
		switch (r->b[2] % 6) {
		case 0: b.map = NULL; break;
		case 1: b.unmap = NULL; break;
		case 2: b.protect = NULL; break;
		case 3: b.read = NULL; break;
		case 4: b.write = NULL; break;
		default: break;
		}
	}
	if (r->b[2] == 0xFF)
		cfg = (ntvm_config){0};
	model pm;
	bool valid = model_init(&pm, cfg.address_profile, cfg.behaviour) &&
	             cfg.behaviour <= NTVM_BEHAVIOUR_WINE_8_0 &&
	             (!cfg.backend || (b.map && b.unmap && b.protect && b.read && b.write));
	ntvm *vm = ntvm_create(r->b[2] == 0xFF ? NULL : &cfg);
	l->core[0] = vm != NULL;
	l->model[0] = valid;
	if (vm && valid) {
		l->core[1] = ntvm_max_address(vm);
		l->model[1] = pm.max_address;
		l->core[2] = ntvm_get_default_allocation_address(vm);
		l->model[2] = cfg.default_allocation_address ? cfg.default_allocation_address
		                                             : pm.default_address;
		l->core[3] = (uint64_t)ntvm_get_behaviour(vm) | (uint64_t)ntvm_get_dep(vm) << 8;
		l->model[3] = (uint64_t)cfg.behaviour | (uint64_t)!cfg.dep_disabled << 8;
	}
	if (vm && valid && cfg.backend) {
		/* the probe backend refuses every map and has no map_mmio: both calls
		 * fail with NTVM_E_BACKEND and leave nothing behind */
		ntvm_stats stats;
		ntvm_status ms = ntvm_allocate_mmio(vm, pm.default_address, 0x10000, fuzz_mmio_read,
		                                    fuzz_mmio_write, NULL);
		ntvm_status cs = ntvm_allocate_at(vm, pm.default_address, 0x10000, NTVM_PERM_RW, false,
		                                  NTVM_KIND_PRIVATE);
		ntvm_get_stats(vm, &stats);
		l->core[1] |= (uint64_t)(ms != NTVM_E_BACKEND || cs != NTVM_E_BACKEND ||
		                         stats.reservation_count != 0) << 63;
	}
	ntvm_destroy(vm); /* NULL when refused: a no-op */
	model_fini(&pm);
}

/* ntvm_try_read / ntvm_try_write (b7 bit 0) of fuzz_core_length bytes:
 * true exactly when the model's access succeeds, and a write's bytes land. */
static void exec_try_access(fuzz_run *run, fuzz_log *l, const fuzz_record *r, uint64_t address)
{
	static uint8_t cbuf[0x2000], mbuf[0x2000];
	size_t n = fuzz_core_length(r);
	if (r->b[7] & 1) {
		for (size_t i = 0; i < n; i++)
			cbuf[i] = (uint8_t)(r->b[2] + i);
		l->core[0] = ntvm_try_write(run->vm, address, cbuf, n);
		l->model[0] = model_write(&run->m, address, cbuf, n, NULL) == NTVM_OK;
		return;
	}
	memset(cbuf, 0xA5, n);
	memset(mbuf, 0xA5, n);
	l->core[0] = ntvm_try_read(run->vm, address, cbuf, n);
	l->model[0] = model_read(&run->m, address, mbuf, n, NULL) == NTVM_OK;
	l->core[1] = l->core[0] && l->model[0] && memcmp(cbuf, mbuf, n) != 0;
}

/*
 * The NT entry points misused: no manager, an access of an unknown kind
 * (b7 << 3: never READ, WRITE or EXECUTE), a read or write with no buffer,
 * a NULL in/out pointer.  Each must answer an error status and touch
 * neither its out values nor the state (the caller compares it); a
 * zero-length read with no buffer is what the model says.
 */
static void exec_nt_misuse(fuzz_run *run, fuzz_log *l, const fuzz_record *r, uint64_t address)
{
	uint64_t base = address, size = 0x1000, returned = 0xEE;
	uint32_t old = 0xEE, rw = r->b[7] & 1 ? NTVM_ACCESS_WRITE : NTVM_ACCESS_READ;
	uint8_t buf[64] = {0};
	ntvm_ntstatus st[] = {
		ntvm_nt_allocate_virtual_memory(NULL, &base, 0, &size, NTVM_MEM_COMMIT | NTVM_MEM_RESERVE,
		                                NTVM_PAGE_READWRITE),
		ntvm_nt_free_virtual_memory(NULL, &base, &size, NTVM_MEM_RELEASE),
		ntvm_nt_protect_virtual_memory(NULL, &base, &size, NTVM_PAGE_READONLY, &old),
		ntvm_nt_query_virtual_memory(NULL, address, NTVM_MEMORY_BASIC_INFORMATION_CLASS, buf,
		                             sizeof buf, &returned),
		ntvm_nt_access(NULL, address, buf, 1, NTVM_ACCESS_READ, NULL),
		ntvm_nt_access(run->vm, address, buf, 1, (uint32_t)r->b[7] << 3, NULL),
		ntvm_nt_access(run->vm, address, NULL, 1 + r->b[2] % 64, rw, NULL),
	};
	/* A NULL in/out pointer with every other argument valid: Wine 8.0 answers
	 * STATUS_ACCESS_VIOLATION and changes nothing (tests/nt/wine-probe/
	 * null-pointers.c); Windows probes the pointers after its argument checks. */
	uint64_t page = address & ~0xFFFull;
	ntvm_ntstatus av[] = {
		ntvm_nt_allocate_virtual_memory(run->vm, NULL, 0, &size, NTVM_MEM_COMMIT | NTVM_MEM_RESERVE,
		                                NTVM_PAGE_READWRITE),
		ntvm_nt_allocate_virtual_memory(run->vm, &base, 0, NULL, NTVM_MEM_RESERVE,
		                                NTVM_PAGE_READWRITE),
		ntvm_nt_free_virtual_memory(run->vm, NULL, &size, NTVM_MEM_DECOMMIT),
		ntvm_nt_free_virtual_memory(run->vm, &base, NULL, NTVM_MEM_DECOMMIT),
		ntvm_nt_protect_virtual_memory(run->vm, NULL, &size, NTVM_PAGE_READONLY, &old),
		ntvm_nt_protect_virtual_memory(run->vm, &base, NULL, NTVM_PAGE_READONLY, &old),
		ntvm_nt_protect_virtual_memory(run->vm, &page, &size, NTVM_PAGE_READONLY, NULL),
	};
	l->core[0] = l->model[0] = 0;
	for (size_t i = 0; i < sizeof st / sizeof st[0]; i++)
		if ((st[i] >> 30) != 3) /* not an error status */
			l->core[0] |= 1u << i;
	for (size_t i = 0; i < sizeof av / sizeof av[0]; i++)
		if (av[i] != NTVM_STATUS_ACCESS_VIOLATION)
			l->core[0] |= 0x100u << i;
	l->core[1] = base != address || size != 0x1000 || old != 0xEE || returned != 0xEE ||
	             page != (address & ~0xFFFull);
	l->model[1] = 0;
	l->core[2] = ntvm_nt_access(run->vm, address, NULL, 0, rw, NULL);
	l->model[2] = model_nt_access(&run->m, address, NULL, 0, rw, NULL);
	/* A NULL BaseAddress or RegionSize beside arguments of any kind: which
	 * check answers first is the profile's (row ALLOC_CHECK_ORDER; Windows
	 * probes after its flag checks, Wine 8.0 reads the size first and the
	 * base after zero_bits).  Both statuses in one value. */
	uint64_t zb = fuzz_zero_bits(&run->env, r), any = fuzz_size(&run->env, r);
	uint32_t type = fuzz_nt_alloc_type(&run->env, r), prot = fuzz_nt_protect(&run->env, r);
	uint64_t cs = any, ms = any, cb = address, mb = address;
	l->core[3] = (uint64_t)ntvm_nt_allocate_virtual_memory(run->vm, NULL, zb, &cs, type, prot)
	                 << 32 |
	             ntvm_nt_allocate_virtual_memory(run->vm, &cb, zb, NULL, type, prot);
	l->model[3] = (uint64_t)model_nt_allocate(&run->m, NULL, zb, &ms, type, prot) << 32 |
	              model_nt_allocate(&run->m, &mb, zb, NULL, type, prot);
}

static void exec_rare(fuzz_run *run, fuzz_log *l, const fuzz_record *r, uint64_t address)
{
	switch (r->b[6] & 7) {
	case 0: exec_create(l, r, address); break;
	case 1: {
		ntvm_status st = (ntvm_status)(int8_t)r->b[2];
		const char *cn = ntvm_status_name(st), *mn = model_status_name(st);
		l->core[0] = l->model[0] = (uint64_t)st;
		if (strcmp(cn, mn) != 0)
			fuzz_fail(run, false, 0, "ntvm_status_name(%d): core \"%s\", model \"%s\"", (int)st,
			          cn, mn);
		break;
	}
	case 2: {
		model pm;
		ntvm_address_profile p = (ntvm_address_profile)r->b[7];
		bool known = model_init(&pm, p, NTVM_BEHAVIOUR_WINDOWS);
		l->core[0] = ntvm_profile_max_address(p);
		l->core[1] = ntvm_profile_default_base(p);
		l->model[0] = known ? pm.max_address : 0; /* core's answer for an unknown profile */
		l->model[1] = known ? pm.default_address : 0;
		model_fini(&pm);
		break;
	}
	case 4: exec_nt_misuse(run, l, r, address); break;
	default: exec_try_access(run, l, r, address); break;
	}
}

/* b7 >= 0xF0: an MMIO region with a callback missing (b7 & 3: 0 both there,
 * 1 no read, 2 no write, 3 neither, as a snapshot restores it). */
static void mmio_callbacks(const fuzz_record *r, ntvm_mmio_read_fn *rd, ntvm_mmio_write_fn *wr)
{
	unsigned missing = r->b[7] >= 0xF0 ? r->b[7] & 3 : 0;
	*rd = missing & 1 ? NULL : fuzz_mmio_read;
	*wr = missing & 2 ? NULL : fuzz_mmio_write;
}

void fuzz_exec_misc_op(fuzz_run *run, const fuzz_record *r)
{
	ntvm_mmio_read_fn rd;
	ntvm_mmio_write_fn wr;
	mmio_callbacks(r, &rd, &wr);
	uint64_t a[3] = {fuzz_address(&run->env, r), fuzz_size(&run->env, r), r->b[5] % 8};
	fuzz_log *l = fuzz_log_op(run, FOP_MISC, 3, a);
	switch (a[2]) {
	case 0:
		if (r->b[6] >= 0xF0) {
			exec_rare(run, l, r, a[0]);
			break;
		}
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
		l->core[0] = ntvm_allocate_mmio(run->vm, a[0], a[1], rd, wr, NULL);
		l->model[0] = model_allocate_mmio(&run->m, a[0], a[1]);
		if (l->model[0] == NTVM_OK)
			model_bind_mmio(&run->m, a[0], rd != NULL, wr != NULL);
		break;
	default:
		if (r->b[6] & 1) {
			ntvm_set_default_allocation_address(run->vm, a[0]);
			run->m.default_address = a[0];
			l->core[0] = ntvm_get_default_allocation_address(run->vm);
			l->model[0] = run->m.default_address;
		} else {
			l->core[0] = ntvm_rebind_mmio(run->vm, a[0], rd, wr, NULL);
			l->model[0] = model_rebind_mmio(&run->m, a[0]);
			if (l->model[0] == NTVM_OK)
				model_bind_mmio(&run->m, a[0], rd != NULL, wr != NULL);
		}
		break;
	}
	fuzz_expect_same(run, l, 4);
}
