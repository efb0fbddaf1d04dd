/*
 * ntvm.h -- the public API of the ntvm virtual-memory manager.
 *
 * ntvm reproduces the Windows NT virtual-memory manager: two-phase
 * reserve/commit, decommit, release, per-page protection (guard pages too),
 * region queries, find-free search with 64 KiB allocation granularity,
 * region kinds, MMIO, snapshots.  This header is the manager ("core") API, the
 * functional surface of sogen's memory_manager in C.  The NT system-call layer
 * on top of it is declared in <ntvm/nt.h>.
 *
 * Conventions:
 *  - Every fallible call returns an ntvm_status; NTVM_OK (0) is success.
 *  - A call that fails changes nothing: state, statistics and the layout
 *    version are exactly as before.
 *  - Addresses and sizes are uint64_t; no computation wraps around 2^64.
 *  - The manager is not thread-safe; callers serialise access.
 */
#ifndef NTVM_NTVM_H
#define NTVM_NTVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NTVM_PAGE_SIZE 0x1000ull
#define NTVM_ALLOCATION_GRANULARITY 0x10000ull
#define NTVM_MIN_ADDRESS 0x10000ull

/* ------------------------------------------------------------------ */
/* Status values                                                        */
/* ------------------------------------------------------------------ */
typedef enum ntvm_status {
	NTVM_OK = 0,
	NTVM_E_INVALID_ARGUMENT, /* misaligned, zero size, invalid permission, wrapping range */
	NTVM_E_OUT_OF_RANGE,     /* outside the profile's user address range */
	NTVM_E_OVERLAP,          /* the range overlaps an existing reservation */
	NTVM_E_NOT_RESERVED,     /* (part of) the range is not reserved */
	NTVM_E_NOT_COMMITTED,    /* (part of) the range is not committed */
	NTVM_E_SPANS_REGIONS,    /* the range crosses the end of its reservation */
	NTVM_E_WRONG_KIND,       /* not allowed on this region kind (e.g. commit in a view) */
	NTVM_E_NO_SPACE,         /* no free range of that size */
	NTVM_E_NO_MEMORY,        /* host allocation failed */
	NTVM_E_BACKEND,          /* a backend call failed; the operation was undone */
	NTVM_E_MALFORMED,        /* snapshot bytes rejected */
	NTVM_E_UNBOUND_MMIO,     /* MMIO region restored from a snapshot, callbacks not re-bound */
} ntvm_status;

/* A short, static, human-readable name for a status ("NTVM_E_OVERLAP"). */
const char *ntvm_status_name(ntvm_status status);

/* ------------------------------------------------------------------ */
/* Permissions: sogen's nt_memory_permission in one byte                */
/* ------------------------------------------------------------------ */
typedef uint8_t ntvm_perm;
enum {
	NTVM_PERM_NONE = 0x00,
	NTVM_PERM_READ = 0x01,
	NTVM_PERM_WRITE = 0x02,
	NTVM_PERM_EXEC = 0x04,
	NTVM_PERM_RW = NTVM_PERM_READ | NTVM_PERM_WRITE,
	NTVM_PERM_RX = NTVM_PERM_READ | NTVM_PERM_EXEC,
	NTVM_PERM_RWX = NTVM_PERM_READ | NTVM_PERM_WRITE | NTVM_PERM_EXEC,
	NTVM_PERM_ACCESS_MASK = 0x07,
	/* modifiers */
	NTVM_PERM_GUARD = 0x10,
	NTVM_PERM_NOCACHE = 0x20,
	NTVM_PERM_WRITECOMBINE = 0x40,
	NTVM_PERM_WRITECOPY = 0x80, /* only with WRITE: PAGE_WRITECOPY / PAGE_EXECUTE_WRITECOPY */
	NTVM_PERM_MODIFIER_MASK = 0xF0,
};

/*
 * Exact conversions to and from Windows PAGE_* values.  A PAGE_* value is
 * valid when its low byte holds exactly one of the eight base protections and
 * the rest only PAGE_GUARD (0x100), PAGE_NOCACHE (0x200), PAGE_WRITECOMBINE
 * (0x400).  Which modifier combinations a system call accepts is the NT
 * layer's business (it differs between Windows and Wine); here every
 * representable value converts both ways and nothing is silently mapped.
 */
bool ntvm_perm_from_page(uint32_t page_protect, ntvm_perm *out); /* false: invalid */
uint32_t ntvm_perm_to_page(ntvm_perm perm);                      /* 0: not representable */
bool ntvm_perm_is_valid(ntvm_perm perm);                         /* to_page(perm) != 0 */

/* ------------------------------------------------------------------ */
/* Region kinds and address-space profiles                              */
/* ------------------------------------------------------------------ */
typedef enum ntvm_kind {
	NTVM_KIND_FREE = 0,
	NTVM_KIND_PRIVATE,
	NTVM_KIND_SECTION_VIEW,
	NTVM_KIND_SECTION_IMAGE,
	NTVM_KIND_MMIO,
} ntvm_kind;

typedef enum ntvm_address_profile {
	NTVM_ADDRESS_64 = 0,     /* 0x10000 .. 0x7FFFFFFEFFFF, default base 0x100000000 */
	NTVM_ADDRESS_32,         /* 0x10000 .. 0x7FFEFFFF,     default base 0x10000 */
	NTVM_ADDRESS_32_LARGE,   /* 0x10000 .. 0xFFFEFFFF,     default base 0x10000 */
} ntvm_address_profile;

/* Behaviour profile of the NT layer (see <ntvm/nt.h>); the core ignores it. */
typedef enum ntvm_behaviour {
	NTVM_BEHAVIOUR_WINDOWS = 0,
	NTVM_BEHAVIOUR_WINE_8_0,
} ntvm_behaviour;

uint64_t ntvm_profile_max_address(ntvm_address_profile profile); /* highest user address, inclusive */
uint64_t ntvm_profile_default_base(ntvm_address_profile profile);

/* ------------------------------------------------------------------ */
/* Backend: where committed page contents live                          */
/* ------------------------------------------------------------------ */
typedef void (*ntvm_mmio_read_fn)(void *user, uint64_t address, void *data, size_t size);
typedef void (*ntvm_mmio_write_fn)(void *user, uint64_t address, const void *data, size_t size);

/*
 * In the spirit of sogen's memory_interface.  Every range is page aligned.
 * `effective` is the access the guest gets: PAGE_GUARD pages are passed as
 * NTVM_PERM_NONE, WRITECOPY pages without WRITE (a CPU's first write must
 * fault so that the page can be copied), and with DEP off every readable
 * page also gets EXEC.
 * Only the access bits (NTVM_PERM_ACCESS_MASK) are ever passed.
 *
 * Contract:
 *  - map: the pages are not mapped; afterwards they read as zeros.  May fail.
 *  - unmap: the pages are mapped (by map or map_mmio); cannot fail.
 *  - protect: the pages are mapped; may fail.  Restoring the permission a
 *    range had just before must not fail (the manager relies on it to undo).
 *  - read/write: the range lies within mapped pages (never MMIO); may fail.
 *  - map_mmio: the pages are not mapped; accesses go to the callbacks.
 *  - destroy (optional): called by ntvm_destroy after everything is unmapped.
 *  - map_shared (optional, needed for section views): the pages are not
 *    mapped; afterwards the guest range is backed by the host memory at
 *    `host` (page aligned, owned by the manager, valid until the range is
 *    unmapped), so that two views of one section share their contents.
 *    Reads and writes of such pages may go to `host` directly.  May fail.
 *    A backend without it can still run everything but section views
 *    (NtMapViewOfSection answers STATUS_NOT_SUPPORTED).
 * Return 0 for success, non-zero for failure.
 */
typedef struct ntvm_backend {
	void *ctx;
	int (*map)(void *ctx, uint64_t address, uint64_t size, ntvm_perm effective);
	void (*unmap)(void *ctx, uint64_t address, uint64_t size);
	int (*protect)(void *ctx, uint64_t address, uint64_t size, ntvm_perm effective);
	int (*read)(void *ctx, uint64_t address, void *data, size_t size);
	int (*write)(void *ctx, uint64_t address, const void *data, size_t size);
	int (*map_mmio)(void *ctx, uint64_t address, uint64_t size, ntvm_mmio_read_fn read,
	                ntvm_mmio_write_fn write, void *user);
	void (*destroy)(void *ctx);
	int (*map_shared)(void *ctx, uint64_t address, uint64_t size, ntvm_perm effective,
	                  void *host);
} ntvm_backend;

/* ------------------------------------------------------------------ */
/* Creating and destroying a manager                                    */
/* ------------------------------------------------------------------ */
typedef struct ntvm_config {
	const ntvm_backend *backend;          /* NULL: the embedded in-process backend */
	ntvm_address_profile address_profile;
	ntvm_behaviour behaviour;             /* used by the NT layer */
	uint64_t default_allocation_address;  /* 0: the profile's default */
	bool dep_disabled;                    /* true: DEP off (readable implies executable) */
} ntvm_config;

typedef struct ntvm ntvm;

/* config may be NULL (64-bit, embedded backend, Windows behaviour, DEP on).
 * Returns NULL when out of memory or when the config is invalid. */
ntvm *ntvm_create(const ntvm_config *config);
/* Unmaps everything, calls backend->destroy if set, frees the manager. */
void ntvm_destroy(ntvm *vm);

const ntvm_config *ntvm_get_config(const ntvm *vm);
uint64_t ntvm_max_address(const ntvm *vm); /* highest user address, inclusive */
uint64_t ntvm_get_default_allocation_address(const ntvm *vm);
void ntvm_set_default_allocation_address(ntvm *vm, uint64_t address);
bool ntvm_get_dep(const ntvm *vm); /* true: DEP on */
void ntvm_set_dep(ntvm *vm, bool enabled);
ntvm_behaviour ntvm_get_behaviour(const ntvm *vm);

/* ------------------------------------------------------------------ */
/* Guest memory as a host or debugger sees it                           */
/* ------------------------------------------------------------------ */
/*
 * Succeed where the whole range is committed, whatever the protection (guard
 * and no-access included); otherwise copy nothing.  MMIO ranges go to the
 * callbacks.  On failure *fault_address (if non-NULL) is the first address of
 * the range that is not committed (or the start, for a backend failure).
 */
ntvm_status ntvm_read(const ntvm *vm, uint64_t address, void *data, size_t size,
                      uint64_t *fault_address);
ntvm_status ntvm_write(ntvm *vm, uint64_t address, const void *data, size_t size,
                       uint64_t *fault_address);
bool ntvm_try_read(const ntvm *vm, uint64_t address, void *data, size_t size);
bool ntvm_try_write(ntvm *vm, uint64_t address, const void *data, size_t size);

/* ------------------------------------------------------------------ */
/* Reserve, commit, decommit, release, protect                          */
/* ------------------------------------------------------------------ */
/*
 * Reserve [base, base+size) and, unless reserve_only, commit all of it with
 * perm.  base must be 64 KiB aligned, size a non-zero multiple of the page
 * size, the range inside [NTVM_MIN_ADDRESS, max_address] and free.
 * perm is the allocation's initial permission (kept for queries even when
 * reserve_only).  kind is PRIVATE, SECTION_VIEW or SECTION_IMAGE (MMIO goes
 * through ntvm_allocate_mmio).
 */
ntvm_status ntvm_allocate_at(ntvm *vm, uint64_t base, uint64_t size, ntvm_perm perm,
                             bool reserve_only, ntvm_kind kind);

/*
 * Find a free range with ntvm_find_free_allocation_base(size, start) and
 * allocate there.  Returns the base, or 0 when nothing was allocated.
 */
uint64_t ntvm_allocate(ntvm *vm, uint64_t size, ntvm_perm perm, bool reserve_only,
                       uint64_t start, ntvm_kind kind);

/*
 * Commit the pages of [address, address+size) (page aligned, non-zero, inside
 * one reservation of kind PRIVATE or MMIO-excluded) with perm.  Pages already
 * committed keep their contents and take the new permission.
 */
ntvm_status ntvm_commit(ntvm *vm, uint64_t address, uint64_t size, ntvm_perm perm);

/* Decommit (page aligned, inside one non-MMIO reservation).  Pages that were
 * not committed are fine. */
ntvm_status ntvm_decommit(ntvm *vm, uint64_t address, uint64_t size);

/*
 * Release.  size 0: the whole reservation whose base is exactly address.
 * Otherwise the page-aligned range [address, address+size) inside one
 * reservation: the pages are freed and the reservation shrinks or splits in
 * two (the piece after the hole becomes a reservation with its own base).
 */
ntvm_status ntvm_release(ntvm *vm, uint64_t address, uint64_t size);

/* Release everything (MMIO included). */
void ntvm_unmap_all(ntvm *vm);

/*
 * Set the protection of the committed pages [address, address+size) (page
 * aligned, inside one reservation, every page committed).  *old_perm, if
 * non-NULL, receives the previous permission of the first page.
 */
ntvm_status ntvm_protect(ntvm *vm, uint64_t address, uint64_t size, ntvm_perm perm,
                         ntvm_perm *old_perm);

/*
 * Clear NTVM_PERM_GUARD on the one page containing address, if set (what a
 * CPU access to a guard page does).  Bumps the layout version when it
 * changed something.  Returns true when a guard was cleared.
 */
bool ntvm_clear_guard(ntvm *vm, uint64_t address);

/*
 * Clear NTVM_PERM_GUARD in the last protection of the one reserved (not
 * committed) page containing address, if set (see
 * ntvm_region_info_at_detailed for "last protection").  Wine 8.0 checks a
 * page's guard bit before whether it is committed, so a CPU access to such
 * a page faults with STATUS_GUARD_PAGE_VIOLATION once and clears it (the NT
 * layer's RESERVED_GUARD_FAULT row).  Committed pages, MMIO, free memory and
 * addresses out of range are left alone.  *cleared (if non-NULL) says
 * whether a guard was cleared; the layout version bumps exactly then.
 * NTVM_E_NO_MEMORY when the page's protection could not be stored apart
 * from its neighbours' (nothing changed).
 */
ntvm_status ntvm_clear_reserved_guard(ntvm *vm, uint64_t address, bool *cleared);

/*
 * Reserve and commit an MMIO range (64 KiB aligned base, page-multiple size,
 * free).  Reads and writes of it call read/write with user.  Reported as
 * committed read-write, kind MMIO.
 */
ntvm_status ntvm_allocate_mmio(ntvm *vm, uint64_t base, uint64_t size, ntvm_mmio_read_fn read,
                               ntvm_mmio_write_fn write, void *user);

/* Re-bind the callbacks of an MMIO region restored from a snapshot. */
ntvm_status ntvm_rebind_mmio(ntvm *vm, uint64_t base, ntvm_mmio_read_fn read,
                             ntvm_mmio_write_fn write, void *user);

/* ------------------------------------------------------------------ */
/* Queries                                                              */
/* ------------------------------------------------------------------ */
typedef struct ntvm_region_info {
	uint64_t start;             /* the page of the queried address */
	uint64_t length;            /* from start while state, perm and allocation stay the same */
	uint64_t allocation_base;   /* 0 for free memory */
	uint64_t allocation_length; /* 0 for free memory */
	bool is_reserved;
	bool is_committed;
	ntvm_perm initial_perm;     /* NONE for free memory */
	ntvm_perm perm;             /* of this page; NONE unless committed */
	ntvm_kind kind;             /* FREE for free memory */
} ntvm_region_info;

/*
 * Describe the memory at address.  Free memory runs up to the next
 * reservation or to max_address + 1.  Returns NTVM_E_OUT_OF_RANGE above the
 * profile's highest user address.
 */
ntvm_status ntvm_region_info_at(const ntvm *vm, uint64_t address, ntvm_region_info *info);

/*
 * As ntvm_region_info_at, except that a run of reserved pages also ends where
 * the protection the pages last had changes: a decommitted page keeps the
 * protection it had (guard included), a page never committed has the
 * allocation's initial permission, and a commit or protect sets it.  Wine
 * 8.0 reports reserved runs this way (docs/windows-semantics-notes.md, row
 * 26).  info->perm stays NONE for reserved pages; *last_perm (if non-NULL)
 * receives the queried page's protection: the current one when committed,
 * the last one when reserved, NONE for free memory, RW for MMIO.
 */
ntvm_status ntvm_region_info_at_detailed(const ntvm *vm, uint64_t address, ntvm_region_info *info,
                                         ntvm_perm *last_perm);

/* Lowest 64 KiB-aligned base >= max(start ? start : default address,
 * NTVM_MIN_ADDRESS) where size bytes are free; 0 if none. */
uint64_t ntvm_find_free_allocation_base(const ntvm *vm, uint64_t size, uint64_t start);

/*
 * The general search: a base aligned to `alignment` (a power of two >= the
 * page size) with [base, base+size) free and inside [lowest, highest]
 * (inclusive bounds).  top_down picks the highest such base, otherwise the
 * lowest.  Returns 0 if none.  O(log n).
 */
uint64_t ntvm_find_free(const ntvm *vm, uint64_t size, uint64_t alignment, uint64_t lowest,
                        uint64_t highest, bool top_down);

bool ntvm_overlaps_reserved_region(const ntvm *vm, uint64_t address, uint64_t size);
ntvm_kind ntvm_region_kind(const ntvm *vm, uint64_t address);

/* One reservation, as iteration reports it. */
typedef struct ntvm_reservation {
	uint64_t base;
	uint64_t length;
	ntvm_perm initial_perm;
	ntvm_kind kind;
	uint64_t committed_bytes;
} ntvm_reservation;

/* The first reservation with base >= address; false if none.  O(log n). */
bool ntvm_reservation_from(const ntvm *vm, uint64_t address, ntvm_reservation *out);
/* The reservation containing address; false if address is not reserved. */
bool ntvm_reservation_containing(const ntvm *vm, uint64_t address, ntvm_reservation *out);
/* Calls visit for every reservation in address order until it returns false. */
void ntvm_for_each_reservation(const ntvm *vm,
                               bool (*visit)(void *user, const ntvm_reservation *r), void *user);

/* ------------------------------------------------------------------ */
/* Layout version and statistics                                        */
/* ------------------------------------------------------------------ */
/* Bumps on every successful allocate, commit, decommit, release, protect,
 * guard clear, MMIO allocation and unmap_all; never on failure or on
 * reads/writes. */
uint64_t ntvm_layout_version(const ntvm *vm);

typedef struct ntvm_stats {
	uint64_t reserved_bytes;
	uint64_t committed_bytes;
	uint64_t reservation_count;
	uint64_t metadata_bytes; /* heap bytes the manager holds for its own bookkeeping */
} ntvm_stats;

void ntvm_get_stats(const ntvm *vm, ntvm_stats *out); /* O(1) */

/* ------------------------------------------------------------------ */
/* Snapshots                                                            */
/* ------------------------------------------------------------------ */
typedef struct ntvm_buffer {
	uint8_t *data;
	size_t size;
	size_t capacity;
} ntvm_buffer;

void ntvm_buffer_free(ntvm_buffer *buffer);

/*
 * Append the manager's state to out.  With is_snapshot false the committed
 * page contents are included; with it true only the metadata is (the backend
 * keeps the contents).  MMIO regions are recorded as metadata only.
 */
ntvm_status ntvm_serialize(const ntvm *vm, bool is_snapshot, ntvm_buffer *out);

typedef struct ntvm_snapshot_error {
	size_t offset;      /* byte offset of the problem */
	const char *reason; /* static string */
} ntvm_snapshot_error;

/*
 * Replace the manager's state with the one in data.  Malformed input is
 * rejected with NTVM_E_MALFORMED, *error filled, and the manager unchanged.
 * With is_snapshot false, page contents are restored through the backend;
 * with it true, only metadata is restored and the backend is not touched.
 * Restored MMIO regions must be re-bound with ntvm_rebind_mmio.
 * The bookkeeping of the state it replaced is kept, at most as much as the
 * new state's own, for the next deserialize to build in (a fuzzer or
 * emulator restoring one snapshot over and over allocates nothing); it is not
 * in metadata_bytes and goes with the next deserialize or ntvm_destroy.
 */
ntvm_status ntvm_deserialize(ntvm *vm, const void *data, size_t size, bool is_snapshot,
                             ntvm_snapshot_error *error);

#ifdef __cplusplus
}
#endif

#endif /* NTVM_NTVM_H */
