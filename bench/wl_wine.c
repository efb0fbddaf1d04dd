/*
 * wl_wine.c -- the `wine` workload: the cycle workload against the real NT
 * calls of Wine, by running ntvm-bench-wine.exe (bench/wine/cycle.c) under
 * the Wine loader.  When Wine or the program is missing the row says
 * "not measured" and carries no figure.  Like the cycle row, ns/op is per NT
 * call (the cycle's time / 4); the note gives the whole cycle.  The ntvm/Wine
 * ratio is printed by the report, from the cycle row.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define LIVE 10000
#define CYCLES 20000
#define REPEATS 5

static double run_wine(bench_ctx *ctx, uint64_t live, char *why, size_t why_len)
{
	char cmd[4096], line[256];
	if (strchr(ctx->wine_loader, '\'') || strchr(ctx->wine_exe, '\'')) {
		snprintf(why, why_len, "not measured: quote in a path");
		return -1;
	}
	snprintf(cmd, sizeof cmd, "WINEDEBUG=-all '%s' '%s' %llu %d %d 2>/dev/null",
	         ctx->wine_loader, ctx->wine_exe, (unsigned long long) live,
	         CYCLES / (int) ctx->scale_div, REPEATS);
	FILE *p = popen(cmd, "r");
	if (p == NULL) {
		snprintf(why, why_len, "not measured: could not start Wine");
		return -1;
	}
	double ns = -1;
	while (fgets(line, sizeof line, p))
		if (sscanf(line, "cycle_ns %lf", &ns) == 1)
			break;
	while (fgets(line, sizeof line, p))
		;
	int rc = pclose(p);
	if (rc != 0 || ns <= 0) {
		snprintf(why, why_len, "not measured: the Wine run failed (status %d)", rc);
		return -1;
	}
	snprintf(why, why_len, "Wine real calls, %llu live, median of %d: %.0f ns per cycle of %d calls",
	         (unsigned long long) live, REPEATS, ns, BENCH_CYCLE_CALLS);
	return ns / BENCH_CYCLE_CALLS;
}

void wl_wine(bench_ctx *ctx)
{
	bench_row row;
	uint64_t live = LIVE / ctx->scale_div;
	bench_row_init(&row, "wine", "wine-cycle", live);
	if (ctx->wine_exe == NULL || ctx->wine_loader == NULL || access(ctx->wine_exe, R_OK) != 0 ||
	    access(ctx->wine_loader, X_OK) != 0)
		snprintf(row.note, sizeof row.note,
		         "not measured (no Wine or no ntvm-bench-wine.exe); spec: ~1.5 us/call");
	else
		row.ns_op = run_wine(ctx, live, row.note, sizeof row.note);
	bench_emit(ctx, &row);
}
