/*
 * conformance_table.c -- the profile-difference table, read from the first
 * markdown table in docs/profile-differences.md (written by the NT layer's
 * author), so the report always cites the table the code implements.
 */
#define _POSIX_C_SOURCE 200809L
#include "conformance.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static char *trimmed(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return strndup(s, n);
}

/* Splits "| a | b |" into cells; a backslash-escaped bar stays in its cell. */
static char **split_row(const char *line, size_t *count)
{
	const char *p = strchr(line, '|') + 1;
	size_t n = 0;
	char **cells = NULL;
	while (*p && *p != '\n') {
		const char *q = p;
		while (*q && *q != '\n' && (*q != '|' || q[-1] == '\\'))
			q++;
		if (*q != '|')
			break;
		char **grown = realloc(cells, (n + 1) * sizeof *grown);
		if (!grown)
			break;
		cells = grown;
		cells[n++] = trimmed(p, (size_t)(q - p));
		p = q + 1;
	}
	*count = n;
	return cells;
}

static bool is_table_line(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	return *line == '|';
}

static bool is_separator(char **cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!cells[i] || strspn(cells[i], "-: ") != strlen(cells[i]) || !strchr(cells[i], '-'))
			return false;
	return n > 0;
}

static void free_cells(char **cells, size_t n)
{
	for (size_t i = 0; cells && i < n; i++)
		free(cells[i]);
	free(cells);
}

/* Adds one body row, padded or cut to the header's width. */
static bool add_row(struct conf_table *t, char **cells, size_t n)
{
	char ***rows = realloc(t->rows, (t->nrows + 1) * sizeof *rows);
	char **row = calloc(t->ncols ? t->ncols : 1, sizeof *row);
	if (rows)
		t->rows = rows;
	if (!rows || !row) {
		free(row);
		return false;
	}
	for (size_t j = 0; j < t->ncols; j++)
		row[j] = j < n ? cells[j] : NULL;
	for (size_t j = t->ncols; j < n; j++)
		free(cells[j]);
	for (size_t j = n; j < t->ncols; j++)
		row[j] = strdup("");
	free(cells);
	t->rows[t->nrows++] = row;
	return true;
}

static bool parse_lines(struct conf_table *t, char *text)
{
	bool in_table = false;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (!is_table_line(line)) {
			if (in_table)
				break;
			continue;
		}
		size_t n = 0;
		char **cells = split_row(line, &n);
		if (!in_table) {
			t->header = cells;
			t->ncols = n;
			in_table = true;
		} else if (is_separator(cells, n)) {
			free_cells(cells, n);
		} else if (!add_row(t, cells, n)) {
			free_cells(cells, n);
			return false;
		}
	}
	return true;
}

bool conf_table_read(struct conf_table *t, const char *path)
{
	memset(t, 0, sizeof *t);
	FILE *f = path ? fopen(path, "rb") : NULL;
	if (!f)
		return true;
	char *text = NULL;
	size_t len = 0, cap = 0;
	for (int c; (c = fgetc(f)) != EOF;) {
		if (len + 2 > cap) {
			char *grown = realloc(text, cap = cap ? cap * 2 : 4096);
			if (!grown) {
				free(text);
				fclose(f);
				return false;
			}
			text = grown;
		}
		text[len++] = (char)c;
	}
	fclose(f);
	if (!text)
		return (t->path = strdup(path)) != NULL;
	text[len] = '\0';
	bool ok = parse_lines(t, text);
	free(text);
	t->path = strdup(path);
	return ok && t->path;
}

void conf_table_free(struct conf_table *t)
{
	for (size_t i = 0; i < t->nrows; i++)
		free_cells(t->rows[i], t->ncols);
	free(t->rows);
	free_cells(t->header, t->ncols);
	free(t->path);
	memset(t, 0, sizeof *t);
}

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* needle occurs in hay as a whole word. */
static bool has_word(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (const char *p = hay; n && (p = strstr(p, needle)) != NULL; p++)
		if ((p == hay || !word_char(p[-1])) && !word_char(p[n]))
			return true;
	return false;
}

/* Words a table uses for a call that succeeded. */
static bool names_success(const char *text)
{
	static const char *const words[] = { "succe", "Succe", "accepted", "Accepted", "ignored",
		                             "proceeds" };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strstr(text, words[i]))
			return true;
	return false;
}

static bool names_status(const char *text, const char *status)
{
	if (!text)
		return false;
	if (has_word(text, status))
		return true;
	if (strncmp(status, "STATUS_", 7) == 0 && has_word(text, status + 7))
		return true;
	/* A cell that names no status describes what the call does instead:
	 * the call succeeded. */
	return strcmp(status, "STATUS_SUCCESS") == 0 && (names_success(text) || !strstr(text, "STATUS_"));
}

/* The column whose header starts with prefix (and is not a source column). */
static int column_of(const struct conf_table *t, const char *prefix)
{
	for (size_t j = 0; j < t->ncols; j++) {
		const char *h = t->header[j];
		if (h && strncmp(h, prefix, strlen(prefix)) == 0 && !strstr(h, "source"))
			return (int)j;
	}
	return -1;
}

static bool row_names(const struct conf_table *t, size_t i, int col, const char *status)
{
	if (col >= 0)
		return names_status(t->rows[i][col], status);
	for (size_t j = 0; j < t->ncols; j++)
		if (names_status(t->rows[i][j], status))
			return true;
	return false;
}

/* The NT function and the information class of each op. */
static const char *const op_words[][3] = {
	{ "alloc", "NtAllocateVirtualMemory", NULL },
	{ "free", "NtFreeVirtualMemory", NULL },
	{ "protect", "NtProtectVirtualMemory", NULL },
	{ "query", "NtQueryVirtualMemory", "MemoryBasicInformation" },
	{ "section", "NtCreateSection", NULL },
	{ "map", "NtMapViewOfSection", NULL },
	{ "unmap", "NtUnmapViewOfSection", NULL },
	{ "extend", "NtExtendSection", NULL },
	{ "close", "NtClose", NULL },
	{ "read", "read", NULL },   /* CPU accesses: rows say "a read", "a write" */
	{ "write", "write", NULL },
};

static bool row_has_word(const struct conf_table *t, size_t i, const char *word)
{
	for (size_t j = 0; j < t->ncols; j++)
		if (t->rows[i][j] && has_word(t->rows[i][j], word))
			return true;
	return false;
}

/* One flag name: 2 when the row's situation cell names it, 1 when another
 * cell does (MEM_COMMIT also as "commit"). */
static int name_score(const struct conf_table *t, size_t i, const char *name)
{
	int situation = column_of(t, "situation");
	const char *alias = strcmp(name, "MEM_COMMIT") == 0 ? "commit" : NULL;
	const char *cell = situation >= 0 ? t->rows[i][situation] : NULL;
	if (cell && (has_word(cell, name) || (alias && has_word(cell, alias))))
		return 2;
	return row_has_word(t, i, name) || (alias && row_has_word(t, i, alias));
}

/* The MEM_ / PAGE_ / AT_ names in text (split at blanks and bars) that
 * row i also names, each worth weight. */
static int names_score(const struct conf_table *t, size_t i, const char *text, int weight)
{
	int score = 0;
	for (const char *p = text ? text : ""; *p;) {
		size_t n = strcspn(p, " |");
		char name[64];
		if (n < sizeof name && (strncmp(p, "MEM_", 4) == 0 || strncmp(p, "PAGE_", 5) == 0 ||
		                        strncmp(p, "AT_", 3) == 0)) {
			memcpy(name, p, n);
			name[n] = '\0';
			score += weight * name_score(t, i, name);
		}
		p += n;
		p += strspn(p, " |");
	}
	return score;
}

/* How well row i fits the statement: its op's NT function or information
 * class (4 each), every flag name of the statement the row names (1). */
static int statement_score(const struct conf_table *t, size_t i, const char *statement)
{
	size_t oplen = strcspn(statement, " ");
	int score = 0;
	for (size_t k = 0; k < sizeof op_words / sizeof op_words[0]; k++) {
		if (strlen(op_words[k][0]) != oplen || strncmp(statement, op_words[k][0], oplen) != 0)
			continue;
		for (int w = 1; w < 3; w++)
			score += op_words[k][w] && row_has_word(t, i, op_words[k][w]) ? 4 : 0;
	}
	return score + names_score(t, i, statement, 1);
}

/* A row whose Windows and Wine cells name no status: a difference in
 * behaviour (check order, what is kept) rather than in one status. */
static bool behaviour_row(const struct conf_table *t, size_t i, int wine, int windows)
{
	if (wine < 0 || windows < 0)
		return false;
	const char *a = t->rows[i][wine], *b = t->rows[i][windows];
	return (!a || !strstr(a, "STATUS_")) && (!b || !strstr(b, "STATUS_"));
}

/* A status row names Wine's status in its Wine column and Windows' in its
 * Windows column (a table without those headings is searched whole). */
static bool status_row(const struct conf_table *t, size_t i, int wine, int windows,
                       const struct conf_question *q)
{
	return q->want && q->got && strcmp(q->want, q->got) != 0 &&
	       row_names(t, i, wine, q->want) && row_names(t, i, windows, q->got);
}

int conf_table_explain(const struct conf_table *t, const struct conf_question *q, bool *weak,
                       bool *behaviour)
{
	int wine = column_of(t, "Wine"), windows = column_of(t, "Windows");
	if (wine < 0 || windows < 0)
		wine = windows = -1;
	/* Pass 0: status rows; pass 1: behaviour rows.  In each, the row that
	 * fits best, and a row that shares nothing with the statement or the
	 * differing fields explains nothing. */
	for (int pass = 0; pass < 2; pass++) {
		int best = -1, best_score = 0, best_diff = 0;
		for (size_t i = 0; i < t->nrows; i++) {
			bool fits = pass ? behaviour_row(t, i, wine, windows)
			                 : status_row(t, i, wine, windows, q);
			if (!fits)
				continue;
			/* Where the statuses differ, the other fields differ because
			 * of it: their names say nothing about the row. */
			int diff = (pass ? names_score(t, i, q->differing, 8) : 0) +
			           (q->file && q->file[0] && row_has_word(t, i, q->file) ? 8 : 0);
			int score = statement_score(t, i, q->statement) + diff;
			if (score > best_score) {
				best = (int)i;
				best_score = score;
				best_diff = diff;
			}
		}
		if (best >= 0) {
			*weak = pass == 1 && best_diff == 0;
			if (behaviour)
				*behaviour = pass == 1;
			return best;
		}
	}
	*weak = false;
	if (behaviour)
		*behaviour = false;
	return -1;
}
