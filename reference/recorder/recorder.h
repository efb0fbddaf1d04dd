/*
 * recorder.h -- the parts of the recorder (a Windows console program, see
 * docs/recording.md): the real NT calls looked up in ntdll, the fault-catching
 * CPU probes, and the recording of one trace.  record.c and guard.c see the
 * system only through struct rec_nt and are plain C, so tests/recorder runs
 * them natively against ntvm's NT layer.
 */
#ifndef NTVM_RECORDER_H
#define NTVM_RECORDER_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

/* The NT calls, as found in ntdll.dll; (HANDLE)-1 is the process itself. */
struct rec_nt {
	uint32_t (*allocate)(void *process, void **base, uintptr_t zero_bits, size_t *size,
	                     uint32_t type, uint32_t protect);
	uint32_t (*free)(void *process, void **base, size_t *size, uint32_t type);
	uint32_t (*protect)(void *process, void **base, size_t *size, uint32_t protect,
	                    uint32_t *old);
	uint32_t (*query)(void *process, void *address, int info_class, void *buffer,
	                  size_t length, size_t *return_length);
	/* CPU accesses of len bytes, lowest address first, stopping at the first
	 * fault: 0 (STATUS_SUCCESS) or the exception code of the fault. */
	uint32_t (*read)(uint64_t address, uint8_t *out, size_t len);
	uint32_t (*write)(uint64_t address, uint8_t value, size_t len);
	char source[64]; /* "wine-8.0 x86_64" or "windows-real" */
	/*
	 * Sections, with the arguments of ntvm's NT layer (core/include/ntvm/nt.h):
	 * file bytes stand for the FileHandle (NULL: none; the Windows side
	 * writes them to a temporary file and passes its handle).  NULL members:
	 * the recorder refuses section statements.
	 */
	uint32_t (*create_section)(uint64_t *handle, uint32_t access, const uint64_t *max_size,
	                           uint32_t protect, uint32_t attributes, const void *file,
	                           size_t file_size);
	uint32_t (*map_view)(uint64_t handle, uint64_t *base, uint64_t zero_bits, uint64_t commit,
	                     uint64_t *offset, uint64_t *view_size, uint32_t inherit, uint32_t type,
	                     uint32_t protect);
	uint32_t (*unmap_view)(uint64_t base);
	uint32_t (*extend_section)(uint64_t handle, uint64_t *size);
	uint32_t (*close)(uint64_t handle);
	/* Removes what create_section left behind (temporary files); may be NULL. */
	void (*section_cleanup)(void);
};

/* Looks the calls up (and sets the probes); 0, or -1 with a message on stderr. */
int rec_nt_init(struct rec_nt *nt);
/* Adds the section calls (nt_sections.c, Windows only); 0, or -1 with a message. */
int rec_nt_sections_init(struct rec_nt *nt);

/* Installs the vectored exception handler the probes rely on; 0 or -1. */
int rec_probe_init(void);
/* CPU accesses of len bytes, lowest address first, stopping at the first
 * fault.  Return 0 (STATUS_SUCCESS) or the exception code of the fault. */
uint32_t rec_probe_read(uint64_t address, uint8_t *out, size_t len);
uint32_t rec_probe_write(uint64_t address, uint8_t value, size_t len);

/* What a trace owns: its arena and the reservations it made outside it. */
struct rec_owner {
	uint64_t arena_base, arena_size;
	const uint64_t *owned; /* allocation bases; 0 entries are released ones */
	size_t nowned;
};

/*
 * 1 (and the allocation base in *foreign) if [a, a + len) inside the user
 * range touches memory that is neither free nor owned; 0 otherwise.
 */
int rec_guard_foreign(const struct rec_nt *nt, const struct rec_owner *o, uint64_t a,
                      uint64_t len, uint64_t *foreign);

/*
 * Runs the statements of t against the real calls, replacing its results and
 * source line, then releases everything the trace left allocated.  0 on
 * success; -1 with a message in why (file:line: reason) if the trace cannot
 * be recorded (arena not free, $n whose alloc failed, ...).
 */
int rec_record(const struct rec_nt *nt, struct ntvm_trace *t, char *why, size_t cap);

/*
 * The persistent mode (serve.c, `--serve`): reads scripts ended by a line
 * `end` from in and answers each with its recording and a line `end`.
 * 0 at `quit` or end of input, -1 if memory runs out.
 */
int rec_serve(const struct rec_nt *nt, FILE *in, FILE *out);

#endif /* NTVM_RECORDER_H */
