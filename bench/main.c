/*
 * main.c -- ntvm-bench: runs the named workloads on ntvm (and on the oracle
 * model beside it) and prints a table or JSON.
 *
 *   ntvm-bench [--json] [--quick] [--repeats N] [--only GROUP,...] [--no-model]
 *              [--baseline FILE | --no-baseline] [--wine EXE | --no-wine]
 *              [--wine-loader PATH] [--list]
 *
 * Each workload group runs in its own child process, so that its peak RSS
 * is its own and a crash is reported instead of ending the run; the child
 * sends its rows back through a pipe.  A group with a row more than 1.5x
 * slower than the baseline is run once more and each row keeps the faster
 * of its two figures: on a shared machine a regression has to show twice.
 * Exit status: 0 when every workload ran and checked out, 1 when one
 * failed, 2 on bad usage.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"

#ifndef NTVM_BENCH_BASELINE
#define NTVM_BENCH_BASELINE "bench/baseline.json"
#endif

typedef struct group {
	const char *name;
	void (*run)(bench_ctx *ctx);
} group;

static const group groups[] = {
	{ "cycle", wl_cycle },           { "fragmented", wl_fragmented },
	{ "sparse-huge", wl_sparse_huge }, { "find-free", wl_find_free },
	{ "query-walk", wl_query_walk }, { "snapshot", wl_snapshot },
	{ "access", wl_access },         { "metadata", wl_metadata },
	{ "wine", wl_wine },
};
#define GROUPS (sizeof groups / sizeof *groups)

typedef struct options {
	bool json, no_model, no_baseline;
	const char *only, *baseline;
	bench_ctx ctx;
} options;

static void usage(void)
{
	fprintf(stderr, "usage: ntvm-bench [--json] [--quick] [--repeats N] [--only GROUP,...] "
	                "[--no-model] [--baseline FILE | --no-baseline] [--wine EXE | --no-wine] "
	                "[--wine-loader PATH] [--list]\n");
}

static const char *default_loader(void)
{
	static const char *candidates[] = { "/usr/bin/wine64", "/usr/lib/wine/wine64",
	                                    "/usr/local/bin/wine64" };
	for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++)
		if (access(candidates[i], X_OK) == 0)
			return candidates[i];
	return NULL;
}

/* ntvm-bench-wine.exe beside this program. */
static const char *default_wine_exe(const char *argv0)
{
	static char path[4096];
	char copy[4096];
	snprintf(copy, sizeof copy, "%s", argv0);
	snprintf(path, sizeof path, "%s/ntvm-bench-wine.exe", dirname(copy));
	return path;
}

static int parse(int argc, char **argv, options *o)
{
	*o = (options){ .baseline = NTVM_BENCH_BASELINE };
	o->ctx = (bench_ctx){ .repeats = 5, .min_repeat_ms = 20, .scale_div = 1, .model_cap = 10000,
	                      .wine_exe = default_wine_exe(argv[0]), .wine_loader = default_loader() };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--json"))
			o->json = true;
		else if (!strcmp(a, "--quick"))
			o->ctx = (bench_ctx){ .repeats = 3, .min_repeat_ms = 2, .scale_div = 100, .model_cap = 1000,
			                      .wine_exe = o->ctx.wine_exe, .wine_loader = o->ctx.wine_loader };
		else if (!strcmp(a, "--no-wine"))
			o->ctx.wine_exe = NULL;
		else if (!strcmp(a, "--no-model"))
			o->no_model = true;
		else if (!strcmp(a, "--no-baseline"))
			o->no_baseline = true;
		else if (!strcmp(a, "--list")) {
			for (size_t g = 0; g < GROUPS; g++)
				printf("%s\n", groups[g].name);
			exit(0);
		} else if (v && !strcmp(a, "--repeats") && (o->ctx.repeats = atoi(v)) > 0)
			i++;
		else if (v && !strcmp(a, "--only"))
			o->only = argv[++i];
		else if (v && !strcmp(a, "--baseline"))
			o->baseline = argv[++i];
		else if (v && !strcmp(a, "--wine"))
			o->ctx.wine_exe = argv[++i];
		else if (v && !strcmp(a, "--wine-loader"))
			o->ctx.wine_loader = argv[++i];
		else
			return -1;
	}
	o->ctx.model = o->no_model ? NULL : bench_model_ops();
	return 0;
}

static bool selected(const options *o, const char *name)
{
	if (o->only == NULL)
		return true;
	size_t len = strlen(name);
	for (const char *p = o->only; (p = strstr(p, name)) != NULL; p += len)
		if ((p == o->only || p[-1] == ',') && (p[len] == 0 || p[len] == ','))
			return true;
	return false;
}

static bool push_row(bench_results *res, const bench_row *row)
{
	bench_row *grown = realloc(res->rows, (res->count + 1) * sizeof *grown);
	if (grown == NULL)
		return false;
	res->rows = grown;
	res->rows[res->count++] = *row;
	return true;
}

/* Run one group in a child; collect its rows; false when it failed. */
static bool run_group(const options *o, const group *g, bench_results *res)
{
	int fds[2];
	if (pipe(fds) != 0)
		return false;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		close(fds[0]);
		bench_ctx ctx = o->ctx;
		ctx.out_fd = fds[1];
		g->run(&ctx);
		_exit(ctx.failed ? 1 : 0);
	}
	close(fds[1]);
	bench_row row;
	size_t got = 0;
	ssize_t r;
	while ((r = read(fds[0], (char *) &row + got, sizeof row - got)) > 0 || (r < 0 && errno == EINTR)) {
		if (r > 0 && (got += (size_t) r) == sizeof row) {
			push_row(res, &row);
			got = 0;
		}
	}
	close(fds[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	fprintf(stderr, "ntvm-bench: workload group %s failed (%s %d)\n", g->name,
	        WIFSIGNALED(status) ? "signal" : "status",
	        WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	return false;
}

static bool group_regressed(const bench_results *res, const char *group)
{
	for (size_t i = 0; i < res->count; i++)
		if (!strcmp(res->rows[i].group, group) && bench_row_regressed(res, &res->rows[i]))
			return true;
	return false;
}

/* Run the regressed groups again; each row keeps its faster figure. */
static void confirm_regressions(const options *o, bench_results *res, bool quiet)
{
	for (size_t g = 0; g < GROUPS; g++) {
		if (!selected(o, groups[g].name) || !group_regressed(res, groups[g].name))
			continue;
		if (!quiet)
			fprintf(stderr, "ntvm-bench: %s looks slower than the baseline, running it again\n",
			        groups[g].name);
		bench_results again = { .baseline = res->baseline };
		if (run_group(o, &groups[g], &again)) {
			for (size_t i = 0; i < again.count; i++)
				for (size_t j = 0; j < res->count; j++)
					if (!strcmp(again.rows[i].name, res->rows[j].name) &&
					    again.rows[i].ns_op > 0 && again.rows[i].ns_op < res->rows[j].ns_op)
						res->rows[j] = again.rows[i];
		}
		free(again.rows);
	}
}

/* The wine row's extra figure: ntvm's cycle over Wine's, both measured now. */
static void wine_ratio(bench_results *res)
{
	const bench_row *cycle = NULL;
	bench_row *wine = NULL;
	for (size_t i = 0; i < res->count; i++) {
		if (!strcmp(res->rows[i].name, "cycle"))
			cycle = &res->rows[i];
		else if (!strcmp(res->rows[i].name, "wine-cycle"))
			wine = &res->rows[i];
	}
	if (cycle && wine && cycle->ns_op > 0 && wine->ns_op > 0 && cycle->scale == wine->scale) {
		wine->extra = cycle->ns_op / wine->ns_op;
		snprintf(wine->extra_unit, sizeof wine->extra_unit, "ntvm/Wine");
	}
}

int main(int argc, char **argv)
{
	options o;
	if (parse(argc, argv, &o) != 0) {
		usage();
		return 2;
	}
	bench_baseline baseline = { 0 };
	if (!o.no_baseline && o.ctx.scale_div == 1) /* --quick figures are not comparable */
		bench_baseline_load(&baseline, o.baseline);
	bench_results res = { .baseline = &baseline, .model_built = o.ctx.model != NULL,
	                      .quick = o.ctx.scale_div > 1 };
	for (size_t g = 0; g < GROUPS; g++) {
		if (!selected(&o, groups[g].name))
			continue;
		if (!o.json)
			fprintf(stderr, "ntvm-bench: running %s\n", groups[g].name);
		if (!run_group(&o, &groups[g], &res))
			res.failures++;
	}
	if (res.failures == 0)
		confirm_regressions(&o, &res, o.json);
	wine_ratio(&res);
	if (o.json)
		bench_report_json(stdout, &res);
	else
		bench_report_table(stdout, &res);
	free(res.rows);
	bench_baseline_free(&baseline);
	return res.failures ? 1 : 0;
}
