/*
 * conformance.h -- the conformance report's data: every committed trace
 * replayed in the columns the report shows, counted per API area, with every
 * mismatch kept as text, and the profile-difference table it cites.
 *
 * Columns (sources):
 *   wine-8.0   reference/recordings replayed in the Wine 8.0 profile
 *   windows    reference/expectations replayed in the Windows profile
 *   wine-as-windows  reference/recordings replayed in the Windows profile:
 *              where ntvm-as-Windows differs from Wine; each mismatch is
 *              matched to a row of docs/profile-differences.md when it can be.
 * Areas: alloc, free, protect, query, access (read and write), section (section, map,
 * unmap, extend, close).
 */
#ifndef NTVM_CONFORMANCE_H
#define NTVM_CONFORMANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <ntvm/ntvm.h>

enum { CONF_ALLOC, CONF_FREE, CONF_PROTECT, CONF_QUERY, CONF_ACCESS, CONF_SECTION, CONF_AREAS };
enum { CONF_COL_WINE, CONF_COL_WINDOWS, CONF_COL_WINE_AS_WINDOWS, CONF_COLUMNS };

struct conf_count {
	size_t passed, failed;
};

struct conf_mismatch {
	uint32_t line;
	int area;
	char *statement; /* "op args" */
	char *expected;  /* recorded results */
	char *actual;    /* ntvm's results, or "(not executed)" */
	char *check;     /* failed checks beyond the fields, or NULL */
	int row;         /* wine-as-windows: index of the explaining table row, or -1 */
	bool weak;       /* the row is a behaviour row that may explain it */
	bool follows;    /* an earlier mismatch in the same file came first */
};

struct conf_file {
	char *path;      /* as shown: relative to the reference folder */
	int column;
	char *title;     /* the trace's title, or NULL */
	char *error;     /* parse error "file:line:col: reason", or NULL */
	size_t statements;
	struct conf_count areas[CONF_AREAS];
	struct conf_count total;
	struct conf_mismatch *mismatches;
	size_t nmismatches;
};

struct conf_column {
	const char *id;     /* "wine-8.0", "windows", "wine-as-windows" */
	const char *title;  /* heading text */
	const char *folder; /* "recordings" or "expectations" */
	ntvm_behaviour behaviour;
	struct conf_count areas[CONF_AREAS];
	struct conf_count total;
	size_t files, files_failed, explained;
};

/* A markdown table: header cells and rows of cells. */
struct conf_table {
	char *path;       /* where it was read, or NULL when missing */
	char **header;
	size_t ncols;
	char ***rows;     /* rows[i][j], j < ncols */
	size_t nrows;
};

struct conf_report {
	char *reference;  /* the reference folder */
	struct conf_column columns[CONF_COLUMNS];
	struct conf_file *files;
	size_t nfiles, capfiles;
	struct conf_table differences;
};

const char *conf_area_name(int area);

/* Replays every column.  false only when out of memory. */
bool conf_build(struct conf_report *r, const char *reference, const char *differences_md);
void conf_free(struct conf_report *r);

/* conformance_table.c: reads the first table of a markdown file.  A missing
 * file leaves the table empty (path NULL).  false only when out of memory. */
bool conf_table_read(struct conf_table *t, const char *path);
void conf_table_free(struct conf_table *t);
/* A difference to explain. */
struct conf_question {
	const char *want;      /* Wine's status (expected), or NULL */
	const char *got;       /* ntvm-as-Windows' status (actual), or NULL */
	const char *statement; /* "op args" */
	const char *differing; /* flag names found in one result but not the other */
	const char *file;      /* the trace's name without folder and .trace, or NULL */
};

/*
 * The row that explains a difference.  First the status rows: a row naming
 * Wine's status in its Wine column and Windows' in its Windows column
 * (STATUS_SUCCESS also as "succeeds", "accepted", "ignored", or a cell that
 * names no status at all).  If none, the behaviour rows: Windows and Wine
 * cells that name no status (the order of the checks, what a query reports).
 * Among the candidates, the best fit: the op's NT function or information
 * class (4 each), the statement's flag names (2 each in the situation cell,
 * 1 elsewhere), for behaviour rows the
 * flag names of the differing fields (8 each), the trace's name (8: rows
 * cite recordings);
 * a candidate scoring 0 explains nothing.  *weak: a behaviour row that
 * matched neither a differing name nor the trace's name; *behaviour (may be
 * NULL): the row is a behaviour row.  -1 if nothing fits.
 */
int conf_table_explain(const struct conf_table *t, const struct conf_question *q, bool *weak,
                       bool *behaviour);

/* Why a wine-as-windows mismatch is there, as one line (the table row that
 * explains it, an earlier difference it follows, or neither). */
void conf_explanation(const struct conf_report *r, const struct conf_mismatch *m, char *buf,
                      size_t cap);
/* Mismatches of one column and area that no row explains by their statuses
 * and that follow no earlier difference. */
size_t conf_unexplained(const struct conf_report *r, int column, int area);

/* Writers; 0 or -1 on a write error. */
int conf_write_markdown(const struct conf_report *r, FILE *f);
int conf_write_html(const struct conf_report *r, FILE *f);
int conf_write_json(const struct conf_report *r, FILE *f);

#endif /* NTVM_CONFORMANCE_H */
