/*
 * report.c -- the results as a table or as JSON, each row beside its
 * oracle-model figure and its committed baseline figure.  The JSON writer
 * puts one row per line so that the baseline reader (here too) needs no
 * JSON library: it takes "name" and "ns_op" from each row line.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report.h"
#include "targets.h"

#define REGRESSION 1.5

/* ------------------------------------------------------------------ */
/* Baseline                                                             */
/* ------------------------------------------------------------------ */
static bool field_str(const char *line, const char *key, char *out, size_t len)
{
	const char *p = strstr(line, key);
	if (p == NULL || (p = strchr(p + strlen(key), '"')) == NULL)
		return false;
	const char *e = strchr(++p, '"');
	if (e == NULL || (size_t) (e - p) >= len)
		return false;
	memcpy(out, p, (size_t) (e - p));
	out[e - p] = 0;
	return true;
}

static bool field_num(const char *line, const char *key, double *out)
{
	const char *p = strstr(line, key);
	return p && sscanf(p + strlen(key), " %lf", out) == 1;
}

bool bench_baseline_load(bench_baseline *b, const char *path)
{
	memset(b, 0, sizeof *b);
	snprintf(b->source, sizeof b->source, "%s", path);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return false;
	char line[2048];
	while (fgets(line, sizeof line, f)) {
		bench_baseline_entry e;
		if (!field_str(line, "\"name\":", e.name, sizeof e.name) ||
		    !field_num(line, "\"ns_op\":", &e.ns_op) || e.ns_op <= 0 ||
		    !field_num(line, "\"scale\":", &e.scale))
			continue;
		if (!field_num(line, "\"min_ns_op\":", &e.min_ns_op))
			e.min_ns_op = -1;
		bench_baseline_entry *grown = realloc(b->entries, (b->count + 1) * sizeof *grown);
		if (grown == NULL)
			break;
		b->entries = grown;
		b->entries[b->count++] = e;
	}
	fclose(f);
	return true;
}

void bench_baseline_free(bench_baseline *b)
{
	free(b->entries);
	memset(b, 0, sizeof *b);
}

static const bench_baseline_entry *entry_of(const bench_results *res, const bench_row *row)
{
	for (size_t i = 0; res->baseline && i < res->baseline->count; i++) {
		const bench_baseline_entry *e = &res->baseline->entries[i];
		if (strcmp(e->name, row->name) == 0 && e->scale == (double) row->scale)
			return e;
	}
	return NULL;
}

static double baseline_of(const bench_results *res, const bench_row *row)
{
	const bench_baseline_entry *e = entry_of(res, row);
	return e ? e->ns_op : -1;
}

/* More than 1.5x slower: the median, and the fastest repeat too when both
 * runs have one (on a shared machine a median alone moves that much). */
bool bench_row_regressed(const bench_results *res, const bench_row *row)
{
	const bench_baseline_entry *e = entry_of(res, row);
	if (e == NULL || row->ns_op <= 0 || row->ns_op / e->ns_op <= REGRESSION)
		return false;
	return e->min_ns_op <= 0 || row->min_ns_op <= 0 || row->min_ns_op / e->min_ns_op > REGRESSION;
}

int bench_regressions(const bench_results *res)
{
	int n = 0;
	for (size_t i = 0; i < res->count; i++)
		n += bench_row_regressed(res, &res->rows[i]);
	return n;
}

/* ------------------------------------------------------------------ */
/* Machine                                                              */
/* ------------------------------------------------------------------ */
static void cpu_model(char *out, size_t len)
{
	snprintf(out, len, "unknown");
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (f == NULL)
		return;
	char line[512];
	while (fgets(line, sizeof line, f)) {
		char *colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) == 0 && colon) {
			colon += 2;
			colon[strcspn(colon, "\n")] = 0;
			snprintf(out, len, "%s", colon);
			break;
		}
	}
	fclose(f);
}

static void today(char *out, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M UTC", &tm);
}

/* ------------------------------------------------------------------ */
/* Table                                                                */
/* ------------------------------------------------------------------ */
static void human(char *out, size_t len, double v, const char *unit)
{
	if (v < 0)
		snprintf(out, len, "-");
	else if (v >= 1e9)
		snprintf(out, len, "%.2fG%s", v / 1e9, unit);
	else if (v >= 1e6)
		snprintf(out, len, "%.2fM%s", v / 1e6, unit);
	else if (v >= 1e4)
		snprintf(out, len, "%.1fk%s", v / 1e3, unit);
	else
		snprintf(out, len, "%.0f%s", v, unit);
}

static void num(char *out, size_t len, double v, const char *fmt)
{
	if (v < 0)
		snprintf(out, len, "-");
	else
		snprintf(out, len, fmt, v);
}

static void table_row(FILE *out, const bench_results *res, const bench_row *r)
{
	char ns[24], ops[24], meta[24], bpp[24], rss[24], model[32], ratio[24], base[24], vs[24], extra[48];
	num(ns, sizeof ns, r->ns_op, "%.1f");
	human(ops, sizeof ops, r->ns_op > 0 ? 1e9 / r->ns_op : -1, "");
	human(meta, sizeof meta, r->reservations ? (double) r->metadata_bytes : -1, "B");
	num(bpp, sizeof bpp, r->reserved_pages ? (double) r->metadata_bytes / (double) r->reserved_pages : -1, "%.3f");
	num(rss, sizeof rss, r->peak_rss_kb >= 0 ? r->peak_rss_kb / 1024.0 : -1, "%.0fM");
	if (r->model_ns_op >= 0 && r->model_scale != r->scale)
		snprintf(model, sizeof model, "%.1f@%llu", r->model_ns_op, (unsigned long long) r->model_scale);
	else
		num(model, sizeof model, r->model_ns_op, "%.1f");
	num(ratio, sizeof ratio, r->model_ns_op > 0 && r->ntvm_at_model_scale > 0
	                             ? r->ntvm_at_model_scale / r->model_ns_op : -1, "%.3fx");
	double b = baseline_of(res, r);
	num(base, sizeof base, b, "%.1f");
	if (b > 0 && r->ns_op > 0)
		snprintf(vs, sizeof vs, "%.2fx%s", r->ns_op / b, bench_row_regressed(res, r) ? " SLOWER" : "");
	else
		snprintf(vs, sizeof vs, "-");
	if (r->extra >= 0)
		snprintf(extra, sizeof extra, "%.3g %s", r->extra, r->extra_unit);
	else
		snprintf(extra, sizeof extra, "%s", r->note[0] ? "" : "-");
	fprintf(out, "%-22s %8llu %10s %8s %9s %7s %6s %13s %10s %9s %-13s %s\n", r->name,
	        (unsigned long long) r->scale, ns, ops, meta, bpp, rss, model, ratio, base, vs, extra);
}

void bench_report_table(FILE *out, const bench_results *res)
{
	char cpu[256], date[64];
	cpu_model(cpu, sizeof cpu);
	today(date, sizeof date);
	fprintf(out, "ntvm-bench: %ld CPUs, %s, %s\n", sysconf(_SC_NPROCESSORS_ONLN), cpu, date);
	fprintf(out, "model: %s; baseline: %s\n\n",
	        res->model_built ? "oracle/model (side by side)" : "n/a (no oracle model in this build)",
	        res->baseline && res->baseline->count ? res->baseline->source : "none");
	fprintf(out, "%-22s %8s %10s %8s %9s %7s %6s %13s %10s %9s %-13s %s\n", "workload", "scale",
	        "ns/op", "ops/s", "meta", "B/page", "RSS", "model ns/op", "ntvm/model", "base ns",
	        "now/base", "extra");
	for (size_t i = 0; i < res->count; i++)
		table_row(out, res, &res->rows[i]);
	fprintf(out, "\nnotes:\n");
	for (size_t i = 0; i < res->count; i++)
		if (res->rows[i].note[0])
			fprintf(out, "  %-20s %s\n", res->rows[i].name, res->rows[i].note);
	fprintf(out, "\ntargets:\n");
	if (res->quick)
		fprintf(out, "  not judged: --quick runs at 1/100 of the scales the targets are set for\n");
	else
		bench_targets_print(out, res->rows, res->count);
	if (res->failures)
		fprintf(out, "\n%d workload group(s) FAILED (see the messages above)\n", res->failures);
}

/* ------------------------------------------------------------------ */
/* JSON                                                                 */
/* ------------------------------------------------------------------ */
static void json_num(FILE *out, const char *key, double v)
{
	if (v < 0)
		fprintf(out, ", \"%s\": null", key);
	else
		fprintf(out, ", \"%s\": %.4g", key, v);
}

void bench_report_json(FILE *out, const bench_results *res)
{
	char cpu[256], date[64];
	cpu_model(cpu, sizeof cpu);
	today(date, sizeof date);
	fprintf(out, "{\n\"machine\": {\"nproc\": %ld, \"cpu\": \"%s\", \"date\": \"%s\"},\n",
	        sysconf(_SC_NPROCESSORS_ONLN), cpu, date);
	fprintf(out, "\"rows\": [\n");
	for (size_t i = 0; i < res->count; i++) {
		const bench_row *r = &res->rows[i];
		fprintf(out, "{\"name\": \"%s\", \"group\": \"%s\", \"scale\": %llu", r->name, r->group,
		        (unsigned long long) r->scale);
		json_num(out, "ns_op", r->ns_op);
		json_num(out, "ops_per_s", r->ns_op > 0 ? 1e9 / r->ns_op : -1);
		json_num(out, "min_ns_op", r->min_ns_op);
		json_num(out, "spread", r->ns_op > 0 ? r->spread : -1);
		fprintf(out, ", \"metadata_bytes\": %llu, \"reserved_pages\": %llu, \"reservations\": %llu",
		        (unsigned long long) r->metadata_bytes, (unsigned long long) r->reserved_pages,
		        (unsigned long long) r->reservations);
		json_num(out, "peak_rss_kb", (double) r->peak_rss_kb);
		json_num(out, "model_ns_op", r->model_ns_op);
		json_num(out, "model_scale", r->model_ns_op >= 0 ? (double) r->model_scale : -1);
		json_num(out, "ntvm_ns_op_at_model_scale", r->model_ns_op >= 0 ? r->ntvm_at_model_scale : -1);
		json_num(out, "baseline_ns_op", baseline_of(res, r));
		json_num(out, "extra", r->extra);
		fprintf(out, ", \"extra_unit\": \"%s\", \"note\": \"%s\"}%s\n", r->extra_unit, r->note,
		        i + 1 < res->count ? "," : "");
	}
	fprintf(out, "],\n\"quick\": %s,\n\"targets\": [\n", res->quick ? "true" : "false");
	if (!res->quick)
		bench_targets_json(out, res->rows, res->count);
	fprintf(out, "],\n\"failures\": %d, \"regressions\": %d\n}\n", res->failures,
	        bench_regressions(res));
}
