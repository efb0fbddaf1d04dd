/*
 * main.c -- nt_vs_wine: a mutational loop over the nt_ops corpus that runs
 * every input on ntvm (Wine 8.0 profile) and on Wine itself through the
 * recorder's --serve process, and writes every difference as a finding
 * trace: Wine's recording (so `ntvm-replay` reproduces the difference) with
 * ntvm's results in comments.
 *
 *   nt_vs_wine [--seconds N] [--seed N] [--out DIR] CORPUS_DIR...
 *   nt_vs_wine --scripts DIR --recordings DIR [--max N] [--out DIR] CORPUS_DIR
 *              (make reference-fuzz: see export_corpus)
 *
 * A corpus file is first run as it is, then the loop mutates random corpus
 * files (byte flips, record copies, random records).  Every 30 s and at the
 * end it prints inputs, statements, statements per second, differences
 * (distinct kinds) and Wine restarts.  Exit 1 if any difference was found.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "nt_vs_wine.h"

#define MAX_INPUT 1025
#define TIMEOUT_MS 20000

struct corpus {
	uint8_t (*data)[MAX_INPUT];
	size_t *size, n, cap;
	char (*name)[64]; /* the file's base name */
};

struct kind { char key[160]; unsigned count; };

struct stats {
	unsigned long inputs, stmts, dropped, diffs, wine_errors, both_errors, timeouts;
	struct kind kinds[64];
	size_t nkinds;
};

static void corpus_add(struct corpus *c, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 1024;
		c->data = realloc(c->data, c->cap * sizeof *c->data);
		c->size = realloc(c->size, c->cap * sizeof *c->size);
		c->name = realloc(c->name, c->cap * sizeof *c->name);
		if (!c->data || !c->size || !c->name)
			exit(2);
	}
	const char *base = strrchr(path, '/');
	snprintf(c->name[c->n], sizeof c->name[0], "%s", base ? base + 1 : path);
	c->size[c->n] = fread(c->data[c->n], 1, MAX_INPUT, f);
	fclose(f);
	c->n++;
}

static void corpus_dir(struct corpus *c, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	struct stat st;

	if (!d) {
		corpus_add(c, dir);
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			corpus_dir(c, path);
		else
			corpus_add(c, path);
	}
	closedir(d);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

/* A mutation of a corpus input: flips, copied records, fresh random records. */
static size_t mutate(const struct corpus *c, uint8_t *out)
{
	size_t i = rnd() % c->n, n = c->size[i];
	memcpy(out, c->data[i], n);
	if (n < 9) {
		n = 1 + 8 * (1 + rnd() % 16);
		for (size_t k = 1; k < n; k++)
			out[k] = (uint8_t)rnd();
	}
	for (unsigned k = 1 + rnd() % 8; k; k--) {
		size_t at = 1 + rnd() % (n - 1);
		switch (rnd() % 4) {
		case 0: out[at] ^= (uint8_t)(1u << (rnd() % 8)); break;
		case 1: out[at] = (uint8_t)rnd(); break;
		case 2: { /* copy one record over another */
			size_t recs = (n - 1) / 8, from = rnd() % recs, to = rnd() % recs;
			memmove(out + 1 + 8 * to, out + 1 + 8 * from, 8);
			break;
		}
		default: /* append a random record */
			if (n + 8 <= MAX_INPUT - 1) {
				for (int b = 0; b < 8; b++)
					out[n + b] = (uint8_t)rnd();
				n += 8;
			}
		}
	}
	return n;
}

/* The results of statement i of a parsed recording, as text ("" if none). */
static void results_of(const struct ntvm_trace *t, size_t i, char *buf, size_t cap)
{
	const struct ntvm_trace_stmt *s = &t->stmts[i];
	buf[0] = 0;
	if (s->has_results)
		ntvm_trace_format_results(t, s, buf, cap);
}

/*
 * A query of free memory outside the arena reports the free range around
 * the address, which depends on what else the process holds: only status
 * and state are compared there.
 */
static int same(const struct ntvm_trace *w, const struct ntvm_trace *n, size_t i)
{
	char a[512], b[512];
	const struct ntvm_trace_stmt *ws = &w->stmts[i], *ns = &n->stmts[i];

	results_of(w, i, a, sizeof a);
	results_of(n, i, b, sizeof b);
	if (strcmp(a, b) == 0)
		return 1;
	if (ws->op == NTVM_OP_QUERY && ws->nres == 8 && ns->nres == 8 &&
	    ws->res[0].v == ns->res[0].v && ws->res[NTVM_RES_Q_STATE].v == 0x10000 /* MEM_FREE */ &&
	    ns->res[NTVM_RES_Q_STATE].v == 0x10000 && ws->res[NTVM_RES_Q_BASE].form == NTVM_FORM_ABS)
		return 1;
	return 0;
}

/*
 * Differences that come from the two address spaces, not from the calls'
 * rules (docs/fuzzing-at-scale.md, "What it found"): ntvm's space is empty,
 * a Wine process holds its own memory low and near the top.  So a
 * system-chosen base under a zero_bits limit, and anything at a $n base
 * (whose distance to the top of the user space differs) are marked.
 */
static int layout(const struct ntvm_trace_stmt *s)
{
	if (s->args[0].form == NTVM_FORM_BOUND)
		return 1;
	return s->op == NTVM_OP_ALLOC && s->args[0].form == NTVM_FORM_ABS && s->args[0].v == 0 &&
	       s->nargs > NTVM_ARG_ZERO_BITS && s->args[NTVM_ARG_ZERO_BITS].v != 0;
}

static void count_kind(struct stats *st, const char *key)
{
	for (size_t i = 0; i < st->nkinds; i++)
		if (strcmp(st->kinds[i].key, key) == 0) {
			st->kinds[i].count++;
			return;
		}
	if (st->nkinds < 64) {
		snprintf(st->kinds[st->nkinds].key, sizeof st->kinds[0].key, "%s", key);
		st->kinds[st->nkinds++].count = 1;
	}
}

/* Writes the finding: Wine's recording, then the difference in comments. */
static void finding(struct stats *st, const char *out, const char *wine_text, const char *comment,
                    const char *key)
{
	char path[4096];
	FILE *f;
	unsigned seen = 0;

	count_kind(st, key);
	for (size_t i = 0; i < st->nkinds; i++)
		if (strcmp(st->kinds[i].key, key) == 0)
			seen = st->kinds[i].count;
	st->diffs++;
	if (seen > 3) /* three traces per kind are enough */
		return;
	snprintf(path, sizeof path, "%s/finding-%lu.trace", out, st->diffs);
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "# nt_vs_wine: ntvm (wine-8.0 profile) and Wine 8.0 differ\n# kind: %s\n%s%s",
	        key, wine_text, comment);
	fclose(f);
}

/* 1 if both recordings agree, 0 if a difference was written as a finding. */
static int compare(struct stats *st, const char *out, const char *script, const char *wine_text)
{
	char why[700], comment[2048], key[160], a[512], b[512];
	char *ntvm_text = nvw_record_ntvm(script, why, sizeof why);
	int wine_err = strncmp(wine_text, "error ", 6) == 0;
	struct ntvm_trace *w = NULL, *n = NULL;
	struct ntvm_trace_error err;

	if (wine_err || !ntvm_text) {
		if (wine_err && !ntvm_text)
			st->both_errors++;
		else {
			snprintf(comment, sizeof comment, "# wine: %s# ntvm: %s\n# script:\n",
			         wine_err ? wine_text + 6 : "recorded", ntvm_text ? "recorded" : why);
			snprintf(key, sizeof key, "%sonly %s refused the script",
			         wine_err && strstr(wine_text, "is not bound") ? "layout: " : "",
			         wine_err ? "wine" : "ntvm");
			char *c = malloc(strlen(comment) + strlen(script) * 2 + 16);
			if (c) {
				strcpy(c, comment);
				for (const char *p = script; *p;) { /* the script, commented */
					size_t l = strcspn(p, "\n");
					strcat(c, "# ");
					strncat(c, p, l);
					strcat(c, "\n");
					p += l + (p[l] == '\n');
				}
				finding(st, out, wine_err ? "" : wine_text, c, key);
				free(c);
			}
		}
		st->wine_errors += wine_err;
		free(ntvm_text);
		return 0;
	}
	unsigned long before = st->diffs;
	if (ntvm_trace_parse(wine_text, strlen(wine_text), "wine", &w, &err) != 0 ||
	    ntvm_trace_parse(ntvm_text, strlen(ntvm_text), "ntvm", &n, &err) != 0 ||
	    w->nstmts != n->nstmts) {
		finding(st, out, wine_text, "# the two recordings do not parse alike\n", "unparsable");
	} else {
		for (size_t i = 0; i < w->nstmts; i++) {
			if (same(w, n, i))
				continue;
			char stmt[512];
			results_of(w, i, a, sizeof a);
			results_of(n, i, b, sizeof b);
			ntvm_trace_format_stmt(w, &w->stmts[i], 0, stmt, sizeof stmt);
			snprintf(comment, sizeof comment,
			         "# DIFFERENCE at statement %zu (line %u): %s\n#   wine: %s\n#   ntvm: %s\n",
			         i + 1, (unsigned)w->stmts[i].line, stmt, a, b);
			/* the kind: op, both statuses */
			char wa[64], na[64];
			sscanf(a, "%63s", wa);
			sscanf(b, "%63s", na);
			snprintf(key, sizeof key, "%s%s wine %s ntvm %s%s", layout(&w->stmts[i]) ? "layout: " : "",
			         ntvm_trace_op_name(w->stmts[i].op), wa, na,
			         strcmp(wa, na) ? "" : " (other fields)");
			finding(st, out, wine_text, comment, key);
			break; /* later statements follow from the first difference */
		}
	}
	ntvm_trace_free(w);
	ntvm_trace_free(n);
	free(ntvm_text);
	return st->diffs == before;
}

/* Wine died or did not answer: the script is kept as hang-N.trace. */
static void timed_out(struct stats *st, const char *out, const char *script)
{
	char path[4096];
	FILE *f;

	if (++st->timeouts > 10)
		return;
	snprintf(path, sizeof path, "%s/hang-%lu.trace", out, st->timeouts);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "# nt_vs_wine: Wine died or gave no answer within %d ms\n%s", TIMEOUT_MS,
		        script);
		fclose(f);
	}
}

static void write_text(const char *dir, const char *name, const char *head, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.trace", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(head, f);
		fputs(text, f);
		fclose(f);
	}
}

/*
 * --export: the first max corpus inputs in name order; each one that ntvm
 * and Wine agree on goes as a script to scripts_dir and as Wine's recording
 * to recordings_dir (so `scripts/record.sh recordings_dir scripts_dir`
 * gives the recordings back, and they replay cleanly); the others are
 * findings in out.
 */
static int export_corpus(struct corpus *c, struct stats *st, struct nvw_wine *w, const char *out,
                         const char *scripts_dir, const char *recordings_dir, size_t max)
{
	size_t kept = 0, tried = 0, *order = malloc(c->n * sizeof *order);
	uint8_t input[MAX_INPUT];

	if (!order)
		return 2;
	for (size_t k = 0; k < c->n; k++) /* name order (insertion sort: a few thousand names) */
		for (size_t j = k;; j--) {
			if (j == 0 || strcmp(c->name[order[j - 1]], c->name[k]) <= 0) {
				memmove(order + j + 1, order + j, (k - j) * sizeof *order);
				order[j] = k;
				break;
			}
		}
	for (size_t o = 0; o < c->n && tried < max; o++) {
		size_t k = order[o];
		size_t nstmts = 0, dropped = 0;
		char *answer = NULL, *script;
		char head[256];
		memcpy(input, c->data[k], c->size[k]);
		if (c->size[k] == 0)
			continue;
		input[0] = 1;
		script = nvw_script(input, c->size[k], &nstmts, &dropped);
		if (!script)
			continue;
		tried++;
		snprintf(head, sizeof head, "# corpus/nt_ops/%s as a script (fuzz/nt_vs_wine/script.c)\n",
		         c->name[k]);
		if (nvw_wine_record(w, script, TIMEOUT_MS, &answer) != 0)
			timed_out(st, out, script);
		else if (compare(st, out, script, answer)) {
			write_text(scripts_dir, c->name[k], head, script);
			write_text(recordings_dir, c->name[k], head, answer);
			kept++;
		}
		free(answer);
		free(script);
	}
	printf("export: %zu inputs; %zu agree: scripts in %s, recordings in %s; the rest differ: %s\n",
	       tried, kept, scripts_dir, recordings_dir, out);
	free(order);
	return 0;
}

static double since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void report(const struct stats *st, const struct nvw_wine *w, double secs)
{
	printf("[%4.0fs] inputs %lu, statements %lu (%.0f/s), dropped ops %lu, differences %lu "
	       "(%zu kinds), refused by both %lu, wine restarts %u, timeouts %lu\n",
	       secs, st->inputs, st->stmts, secs > 0 ? (double)st->stmts / secs : 0.0, st->dropped,
	       st->diffs, st->nkinds, st->both_errors, w->starts ? w->starts - 1 : 0, st->timeouts);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static struct corpus c;
	static struct stats st;
	struct nvw_wine w = { 0 };
	const char *out = "build/nt_vs_wine/findings", *scripts_dir = NULL, *recordings_dir = NULL;
	size_t max_export = 100;
	double seconds = 600, last = 0;
	struct timespec t0;
	uint8_t input[MAX_INPUT];
	int i = 1;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "--seconds"))
			seconds = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--seed"))
			rng_state ^= strtoull(argv[i + 1], NULL, 0) * 0x2545f4914f6cdd1dull;
		else if (!strcmp(argv[i], "--out"))
			out = argv[i + 1];
		else if (!strcmp(argv[i], "--scripts"))
			scripts_dir = argv[i + 1];
		else if (!strcmp(argv[i], "--recordings"))
			recordings_dir = argv[i + 1];
		else if (!strcmp(argv[i], "--max"))
			max_export = (size_t)strtoull(argv[i + 1], NULL, 0);
	}
	for (; i < argc; i++)
		corpus_dir(&c, argv[i]);
	if (c.n == 0) {
		fprintf(stderr, "usage: nt_vs_wine [--seconds N] [--seed N] [--out DIR] CORPUS...\n");
		return 2;
	}
	if (scripts_dir && recordings_dir) {
		int rc = export_corpus(&c, &st, &w, out, scripts_dir, recordings_dir, max_export);
		nvw_wine_stop(&w);
		free(w.buf);
		return rc;
	}
	printf("nt_vs_wine: %zu corpus inputs, %.0f s, findings in %s\n", c.n, seconds, out);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t k = 0; since(&t0) < seconds; k++) {
		size_t n = k < c.n ? c.size[k] : mutate(&c, input), nstmts = 0, dropped = 0;
		if (k < c.n)
			memcpy(input, c.data[k], n);
		if (n == 0)
			continue;
		input[0] = 1; /* Wine 8.0 behaviour, DEP on, 64-bit */
		char *script = nvw_script(input, n, &nstmts, &dropped), *answer = NULL;
		st.dropped += dropped;
		if (script) {
			if (nvw_wine_record(&w, script, TIMEOUT_MS, &answer) != 0)
				timed_out(&st, out, script);
			else {
				st.inputs++;
				st.stmts += nstmts;
				compare(&st, out, script, answer);
			}
		}
		free(answer);
		free(script);
		if (since(&t0) - last >= 30)
			report(&st, &w, last = since(&t0));
	}
	nvw_wine_stop(&w);
	free(w.buf);
	report(&st, &w, since(&t0));
	for (size_t k = 0; k < st.nkinds; k++)
		printf("  %6u  %s\n", st.kinds[k].count, st.kinds[k].key);
	return st.diffs ? 1 : 0;
}
