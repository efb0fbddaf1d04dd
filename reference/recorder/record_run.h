/*
 * record_run.h -- the state of one recording, shared by record.c (the
 * virtual-memory statements, cleanup) and record_sections.c (the section
 * statements).  Plain C over struct rec_nt.
 */
#ifndef NTVM_RECORD_RUN_H
#define NTVM_RECORD_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "recorder.h"

struct run {
	const struct rec_nt *nt;
	struct ntvm_trace *t;
	struct ntvm_trace_env env;  /* the recording's bindings ($n and %n) */
	uint32_t *map;              /* script $n -> recorded $m, 0 if its alloc failed */
	uint32_t nmap;
	uint32_t *hmap;             /* script %n -> recorded %m, 0 if its section failed */
	uint32_t nhmap;
	uint64_t *owned;            /* bases of reservations and views made outside the arena */
	size_t nowned, capowned;
	uint64_t *handles;          /* section handles the trace has not closed */
	size_t nhandles, caphandles;
	char *why;
	size_t cap;
};

int rec_run_fail(struct run *r, uint32_t line, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
	__attribute__((format(printf, 3, 4)))
#endif
	;
/* An address argument's value, renumbering $n to the recording's (see record.c). */
int rec_arg_addr(struct run *r, struct ntvm_trace_stmt *s, int i, uint64_t *out);
void rec_set_val(struct ntvm_trace_val *v, uint64_t x);
void rec_set_addr(struct run *r, struct ntvm_trace_val *v, uint64_t a);
/* Remembers / forgets an allocation or view base outside the arena for cleanup. */
void rec_own(struct run *r, uint64_t base);
void rec_disown(struct run *r, uint64_t base);
/* Refuses a statement that would touch len bytes at addr the trace does not own. */
int rec_guard(struct run *r, const struct ntvm_trace_stmt *s, uint64_t addr, uint64_t len);

/* record_sections.c: runs a section, map, unmap, extend or close statement. */
int rec_section_stmt(struct run *r, struct ntvm_trace_stmt *s);
/* Closes every handle the trace left open (after its views are gone). */
void rec_sections_cleanup(struct run *r);

#endif /* NTVM_RECORD_RUN_H */
