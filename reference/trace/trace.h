/*
 * trace.h -- the ntvm trace format, version 1 (docs/trace-format.md): an
 * in-memory model of a trace, a parser that never crashes on arbitrary bytes,
 * a writer that emits the canonical text, and the name tables for PAGE_*,
 * MEM_* and STATUS_* values.  The recorder (reference/recorder), the replayer
 * (reference/replay), the fuzzers and the tests all read and write traces
 * through this header, so every part agrees on one format.
 *
 * Portable C11: builds natively and with x86_64-w64-mingw32-gcc.
 *
 * The model keeps every field in the form it was written: an address is
 * absolute, arena-relative (A+off) or relative to a bound base ($n+off); a
 * result field may be the wildcard `*`.  Values of known fields are checked
 * while parsing, so a parsed trace is always well formed.  Comments and blank
 * lines are kept with the statement that follows them, and written back.
 */
#ifndef NTVM_TRACE_H
#define NTVM_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NTVM_TRACE_VERSION 1
#define NTVM_TRACE_MAX_ARGS 9     /* map has 9 */
#define NTVM_TRACE_MAX_RESULTS 8
#define NTVM_TRACE_MAX_BYTES 64   /* read/write LEN is 1..64 */
#define NTVM_TRACE_DEFAULT_ARENA_BASE 0x0000100000000000ull
#define NTVM_TRACE_ARENA_ALIGN 0x10000ull

enum ntvm_trace_op {
	NTVM_OP_ALLOC,
	NTVM_OP_FREE,
	NTVM_OP_PROTECT,
	NTVM_OP_QUERY,
	NTVM_OP_READ,
	NTVM_OP_WRITE,
	NTVM_OP_SECTION, /* extension: sections (docs/trace-format.md) */
	NTVM_OP_MAP,
	NTVM_OP_UNMAP,
	NTVM_OP_EXTEND,
	NTVM_OP_CLOSE,
	NTVM_OP_COUNT
};

/* What a field holds; decides how it is parsed and written. */
enum ntvm_trace_kind {
	NTVM_KIND_ADDR,        /* address: absolute, A+off or $n+off */
	NTVM_KIND_SIZE,        /* 64-bit number, written 0x.. */
	NTVM_KIND_ZERO_BITS,   /* 64-bit number, written 0x.. */
	NTVM_KIND_LEN,         /* 1..64, written in decimal */
	NTVM_KIND_BYTE,        /* 0..255, written 0x.. */
	NTVM_KIND_MEM_TYPE,    /* MEM_* allocation/free type flags (32 bits) */
	NTVM_KIND_PROT,        /* PAGE_* protection flags (32 bits) */
	NTVM_KIND_STATE,       /* MEM_COMMIT / MEM_RESERVE / MEM_FREE (32 bits) */
	NTVM_KIND_REGION_TYPE, /* MEM_PRIVATE / MEM_MAPPED / MEM_IMAGE (32 bits) */
	NTVM_KIND_STATUS,      /* STATUS_* name or 0x + 8 hex digits */
	NTVM_KIND_BYTES,       /* read result: LEN bytes as one hex string */
	NTVM_KIND_OPT_SIZE,    /* a pointed-to 64-bit number, or `-` (NTVM_FORM_NULL) */
	NTVM_KIND_SEC_ATTR,    /* SEC_* allocation attributes (32 bits) */
	NTVM_KIND_ACCESS,      /* SECTION_* and standard access rights (32 bits) */
	NTVM_KIND_FILE,        /* `-` (NTVM_FORM_NULL) or pe:DESC, DESC in stmt.file */
	NTVM_KIND_HANDLE,      /* %n (NTVM_FORM_HANDLE) or a literal handle value */
	NTVM_KIND_INHERIT,     /* ViewShare / ViewUnmap or a number (32 bits) */
	NTVM_KIND_COUNT
};

enum ntvm_trace_form {
	NTVM_FORM_ABS,   /* v is the value itself */
	NTVM_FORM_ARENA, /* value = arena_base + v (mod 2^64); written A, A+0x.., A-0x.. */
	NTVM_FORM_BOUND, /* value = base bound to $bind + v (mod 2^64) */
	NTVM_FORM_HANDLE, /* value = the handle bound to %bind (v is 0) */
	NTVM_FORM_NULL    /* `-`: a NULL pointer (OPT_SIZE) or no file (FILE) */
};

/* One argument or result field. */
struct ntvm_trace_val {
	uint8_t wild;  /* results only: `*`, not checked; other members unused */
	uint8_t form;  /* enum ntvm_trace_form; only NTVM_KIND_ADDR uses non-ABS forms */
	uint32_t bind; /* n of $n (1-based) for NTVM_FORM_BOUND, of %n for NTVM_FORM_HANDLE */
	uint64_t v;    /* the value (ABS) or the offset, two's complement (ARENA, BOUND) */
};

/*
 * Argument positions (args[]) and result positions (res[]) per op.
 *   alloc   ADDR SIZE TYPE PROT [ZERO_BITS]  => STATUS BASE SIZE
 *   free    ADDR SIZE TYPE                   => STATUS BASE SIZE
 *   protect ADDR SIZE PROT                   => STATUS BASE SIZE OLD
 *   query   ADDR                             => STATUS [BASE ALLOCBASE ALLOCPROT SIZE STATE PROT TYPE]
 *   read    ADDR LEN                         => STATUS [BYTES]
 *   write   ADDR LEN BYTE                    => STATUS
 *   section SIZE PROT ATTRS FILE [ACCESS]    => STATUS [%n]
 *   map     SECTION ADDR ZERO_BITS COMMIT OFFSET SIZE INHERIT TYPE PROT
 *                                            => STATUS BASE OFFSET SIZE
 *   unmap   ADDR                             => STATUS
 *   extend  SECTION SIZE                     => STATUS SIZE
 *   close   SECTION                          => STATUS
 */
enum {
	NTVM_ARG_ADDR = 0,
	NTVM_ARG_SIZE = 1, /* alloc, free, protect */
	NTVM_ARG_LEN = 1,  /* read, write */
	NTVM_ARG_ALLOC_TYPE = 2,
	NTVM_ARG_ALLOC_PROT = 3,
	NTVM_ARG_ZERO_BITS = 4,
	NTVM_ARG_FREE_TYPE = 2,
	NTVM_ARG_PROTECT_PROT = 2,
	NTVM_ARG_BYTE = 2 /* write */
};
enum {
	NTVM_RES_STATUS = 0,
	NTVM_RES_BASE = 1, /* alloc, free, protect, query */
	NTVM_RES_SIZE = 2, /* alloc, free, protect */
	NTVM_RES_OLD = 3,  /* protect */
	NTVM_RES_BYTES = 1, /* read: the value's wild flag; the bytes are in stmt.bytes */
	NTVM_RES_Q_BASE = 1,
	NTVM_RES_Q_ALLOCBASE = 2,
	NTVM_RES_Q_ALLOCPROT = 3,
	NTVM_RES_Q_SIZE = 4,
	NTVM_RES_Q_STATE = 5,
	NTVM_RES_Q_PROT = 6,
	NTVM_RES_Q_TYPE = 7
};
enum {
	NTVM_ARG_SEC_SIZE = 0, /* section */
	NTVM_ARG_SEC_PROT = 1,
	NTVM_ARG_SEC_ATTRS = 2,
	NTVM_ARG_SEC_FILE = 3,
	NTVM_ARG_SEC_ACCESS = 4,
	NTVM_ARG_MAP_SECTION = 0, /* map */
	NTVM_ARG_MAP_ADDR = 1,
	NTVM_ARG_MAP_ZERO_BITS = 2,
	NTVM_ARG_MAP_COMMIT = 3,
	NTVM_ARG_MAP_OFFSET = 4,
	NTVM_ARG_MAP_SIZE = 5,
	NTVM_ARG_MAP_INHERIT = 6,
	NTVM_ARG_MAP_TYPE = 7,
	NTVM_ARG_MAP_PROT = 8,
	NTVM_ARG_HANDLE = 0, /* extend, close */
	NTVM_ARG_EXTEND_SIZE = 1
};
enum {
	NTVM_RES_SEC_HANDLE = 1, /* section */
	NTVM_RES_MAP_BASE = 1,   /* map */
	NTVM_RES_MAP_OFFSET = 2,
	NTVM_RES_MAP_SIZE = 3,
	NTVM_RES_EXTEND_SIZE = 1 /* extend */
};

struct ntvm_trace_stmt {
	uint8_t op;          /* enum ntvm_trace_op */
	uint8_t nargs;       /* alloc: 4 or 5 (ZERO_BITS given); others fixed */
	uint8_t has_results; /* the line had `=> ...` */
	uint8_t nres;        /* number of result fields present (query/read: 1 or all) */
	uint8_t nbytes;      /* read results: number of bytes in bytes[] (== LEN) */
	uint32_t line;       /* 1-based line in the file; 0 when built in memory */
	/*
	 * The $n this statement binds, 0 if none.  An alloc whose ADDR is 0
	 * (absolute 0, or an arena form that comes to 0) lets the system
	 * choose.  A line with results binds when it is such an alloc and its
	 * result BASE is written $n; a line without results binds when it is
	 * such an alloc (the number it takes if the call succeeds).
	 */
	uint32_t binds;
	struct ntvm_trace_val args[NTVM_TRACE_MAX_ARGS];
	struct ntvm_trace_val res[NTVM_TRACE_MAX_RESULTS];
	uint8_t bytes[NTVM_TRACE_MAX_BYTES];
	char *pre;     /* comment/blank lines before this line, verbatim, each ending in \n; or NULL */
	char *comment; /* trailing comment from `#` on (trailing blanks cut), or NULL */
	/*
	 * section: the %n a successful call binds (or, without results, the
	 * number it takes if it succeeds), 0 if none.
	 */
	uint32_t binds_handle;
	/* section with FILE pe:DESC: DESC in the PE builder's canonical form
	 * (malloc'd, owned like pre/comment); NULL otherwise. */
	char *file;
};

/* A header line after `arena` (title, origin, unknown keys), kept in order. */
struct ntvm_trace_hdr {
	char *key;
	char *text;    /* rest of the line, blanks at both ends cut; may be "" */
	char *pre;
	char *comment;
	uint32_t line;
};

/* Comments around the three fixed header lines. */
enum { NTVM_HDR_MAGIC, NTVM_HDR_SOURCE, NTVM_HDR_ARENA, NTVM_HDR_FIXED };

struct ntvm_trace {
	char *file;            /* name used in error messages */
	uint32_t version;      /* 1 */
	char *source;          /* text after `source` */
	uint64_t arena_base, arena_size;
	struct ntvm_trace_hdr *hdr;
	size_t nhdr;
	const char *title;     /* text of the first `title` line in hdr[], or NULL */
	const char *origin;    /* text of the first `origin` line in hdr[], or NULL */
	char *fixed_pre[NTVM_HDR_FIXED];
	char *fixed_comment[NTVM_HDR_FIXED];
	struct ntvm_trace_stmt *stmts;
	size_t nstmts, cap_stmts;
	uint32_t nbinds;       /* highest $n bound by the statements */
	char *tail;            /* comment/blank lines after the last line, or NULL */
	uint32_t nhandles;     /* highest %n bound by the statements */
};

struct ntvm_trace_error {
	char file[256];
	uint32_t line;   /* 1-based; 0 for errors that are not about a place */
	uint32_t column; /* 1-based byte column; 0 if the whole line */
	char reason[256];
};

/* ---- parsing ------------------------------------------------------------ */

/*
 * Parses len bytes of data (no NUL terminator needed; NUL bytes inside are an
 * error).  On success returns 0 and a new trace in *out; on failure returns -1,
 * *out = NULL, and fills *err (if non-NULL).  file is used in messages (may be
 * NULL).  Never reads past data[len - 1].
 */
int ntvm_trace_parse(const char *data, size_t len, const char *file,
                     struct ntvm_trace **out, struct ntvm_trace_error *err);

/* Reads and parses a file.  Errors opening or reading have line 0. */
int ntvm_trace_load(const char *path, struct ntvm_trace **out, struct ntvm_trace_error *err);

/* "file:line:column: reason" (line/column left out when 0) into buf. */
int ntvm_trace_error_format(const struct ntvm_trace_error *err, char *buf, size_t cap);

void ntvm_trace_free(struct ntvm_trace *t);

/* ---- building ----------------------------------------------------------- */

/*
 * A new empty trace (version 1); source NULL means "script", file NULL
 * "<trace>".  NULL on allocation failure or a source set_source refuses.
 */
struct ntvm_trace *ntvm_trace_new(const char *file, const char *source, uint64_t arena_base,
                                  uint64_t arena_size);
/* -1 if source is empty or has a line break or '#'. */
int ntvm_trace_set_source(struct ntvm_trace *t, const char *source);
/*
 * Appends a header line key/text (after arena, before statements).  -1 if key
 * is not a lowercase word (a-z 0-9 _ - .), is a fixed key or an op name, or
 * text has a line break or '#'.
 */
int ntvm_trace_add_header(struct ntvm_trace *t, const char *key, const char *text);
/*
 * Appends a copy of *s; the copy gets its own copies of pre/comment.  0, or
 * -1 if ntvm_trace_stmt_check refuses it or memory runs out.
 */
int ntvm_trace_append(struct ntvm_trace *t, const struct ntvm_trace_stmt *s);
/*
 * 0 if the writer's text for *s parses back to it (field counts, LEN, BYTE,
 * 32-bit flags, read bytes, wildcards only in results, ...); else -1 and a
 * reason in why (may be NULL).
 */
int ntvm_trace_stmt_check(const struct ntvm_trace_stmt *s, char *why, size_t cap);
/*
 * Drops the results of every statement (a recording becomes a script).  The
 * binds fields are kept, so the $n arguments keep their meaning.
 */
void ntvm_trace_strip_results(struct ntvm_trace *t);

/* ---- writing ------------------------------------------------------------ */

/*
 * The canonical text: header, then statements with their results, comments
 * kept (comment text set in memory is made safe: a pre or tail line that is
 * not blank or a comment gets "# " in front, a trailing comment gets a '#' if
 * it lacks one, line breaks inside it become spaces).  Lowercase hex, names for known flag bits plus one hex number for the
 * rest, A+off for addresses inside the arena, $n forms as stored, absolute hex
 * otherwise.  Returns 0, or -1 on a write or allocation error.
 */
int ntvm_trace_write(const struct ntvm_trace *t, FILE *f);
/* The same into a malloc'd NUL-terminated string (*len excludes the NUL). */
char *ntvm_trace_write_string(const struct ntvm_trace *t, size_t *len);

/*
 * One statement "op args" (with_results: plus " => results" when it has
 * them), or only its results "STATUS ...".  snprintf semantics: returns the
 * length the full text needs; writes at most cap bytes including the NUL.
 * t supplies the arena for A+off forms (may be NULL: then absolute).
 */
int ntvm_trace_format_stmt(const struct ntvm_trace *t, const struct ntvm_trace_stmt *s,
                           int with_results, char *buf, size_t cap);
int ntvm_trace_format_results(const struct ntvm_trace *t, const struct ntvm_trace_stmt *s,
                              char *buf, size_t cap);
/* One field of the given kind (for NTVM_KIND_BYTES pass the statement's bytes,
 * for NTVM_KIND_FILE its `file` text as bytes with nbytes its length). */
int ntvm_trace_format_val(const struct ntvm_trace *t, enum ntvm_trace_kind kind,
                          const struct ntvm_trace_val *v, const uint8_t *bytes, size_t nbytes,
                          char *buf, size_t cap);

/* ---- shape of statements -------------------------------------------------- */

const char *ntvm_trace_op_name(enum ntvm_trace_op op);           /* NULL if out of range */
int ntvm_trace_op_from_name(const char *name, size_t len);       /* -1 if unknown */
int ntvm_trace_op_min_args(enum ntvm_trace_op op);
int ntvm_trace_op_max_args(enum ntvm_trace_op op);
/* Number of result fields after a successful call (query 8, read 2, write 1, ...). */
int ntvm_trace_op_results(enum ntvm_trace_op op);
enum ntvm_trace_kind ntvm_trace_arg_kind(enum ntvm_trace_op op, int i);
enum ntvm_trace_kind ntvm_trace_res_kind(enum ntvm_trace_op op, int i);

/* ---- addresses and bindings ---------------------------------------------- */

/* Known $n bases while a trace runs (recorder, replayer). */
struct ntvm_trace_binding {
	uint64_t base, size;
};
struct ntvm_trace_env {
	uint64_t arena_base, arena_size;
	struct ntvm_trace_binding *binds; /* binds[n - 1] is $n */
	uint32_t nbinds, cap;
	uint64_t *handles; /* handles[n - 1] is %n */
	uint32_t nhandles, cap_handles;
};

void ntvm_trace_env_init(struct ntvm_trace_env *env, uint64_t arena_base, uint64_t arena_size);
void ntvm_trace_env_free(struct ntvm_trace_env *env);
/* Records the next binding; returns its n (>= 1), or 0 on allocation failure. */
uint32_t ntvm_trace_env_bind(struct ntvm_trace_env *env, uint64_t base, uint64_t size);
/* Records the next handle binding; returns its n (>= 1), or 0 on allocation failure. */
uint32_t ntvm_trace_env_bind_handle(struct ntvm_trace_env *env, uint64_t handle);
/* The absolute value of an address or handle field; -1 if it names an
 * unknown $n or %n, or is a `-` (NTVM_FORM_NULL). */
int ntvm_trace_env_resolve(const struct ntvm_trace_env *env, const struct ntvm_trace_val *v,
                           uint64_t *out);
/*
 * The canonical form of absolute address a: relative to the most recent
 * binding whose [base, base + size) holds it, else A+off inside the arena,
 * else absolute.
 */
struct ntvm_trace_val ntvm_trace_env_canon(const struct ntvm_trace_env *env, uint64_t a);

/* ---- names ---------------------------------------------------------------- */

/* STATUS_* name of a status, or NULL if it has none. */
const char *ntvm_trace_status_name(uint32_t status);
/* 0 and *value on success, -1 if name (len bytes) is not a known STATUS_* name. */
int ntvm_trace_status_from_name(const char *name, size_t len, uint32_t *value);

/*
 * Flag names for a flag kind (NTVM_KIND_MEM_TYPE, _PROT, _STATE,
 * _REGION_TYPE, _SEC_ATTR, _ACCESS).  from_name accepts every name of the kind's family
 * (MEM_* or PAGE_*, aliases included); returns -1 if unknown.
 */
int ntvm_trace_flag_from_name(enum ntvm_trace_kind kind, const char *name, size_t len,
                              uint32_t *value);
/* Names for every known bit joined by |, then one hex number for the rest; "0" if none. */
int ntvm_trace_format_flags(enum ntvm_trace_kind kind, uint32_t value, char *buf, size_t cap);

/* Iterate a kind's writing table: returns the i-th (name, value) or NULL past the end. */
const char *ntvm_trace_flag_entry(enum ntvm_trace_kind kind, size_t i, uint32_t *value);
/* Iterate the status table the same way. */
const char *ntvm_trace_status_entry(size_t i, uint32_t *value);

#ifdef __cplusplus
}
#endif

#endif /* NTVM_TRACE_H */
