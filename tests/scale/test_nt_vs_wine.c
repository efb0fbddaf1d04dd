/*
 * test_nt_vs_wine.c -- the pieces of live differential fuzzing that do not
 * need Wine: the recorder's --serve protocol (serve.c) run over ntvm's NT
 * layer, nt_vs_wine's ntvm side, and its script generation over the
 * committed nt_ops corpus (every script parses and the recorder never
 * refuses it, so under Wine it never reaches the process's own memory).
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntvm/ntvm.h"
#include "nt_vs_wine.h"
#include "rec_ntvm.h"
#include "recorder.h"
#include "test.h"

#define HEADER "ntvm-trace 1\nsource script\narena 0x100000000000 0x400000\n"

/* What rec_serve answers to input, over a fresh Wine-profile ntvm. */
static char *serve(const char *input, int *rc)
{
	ntvm_config cfg = { 0 };
	ntvm *vm;
	FILE *in = fmemopen((void *)input, strlen(input), "r");
	char *out = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&out, &len);

	cfg.behaviour = NTVM_BEHAVIOUR_WINE_8_0;
	vm = ntvm_create(&cfg);
	*rc = rec_serve(rec_ntvm_calls(vm, "wine-8.0 x86_64"), in, o);
	fclose(in);
	fclose(o);
	ntvm_destroy(vm);
	return out;
}

TEST(serve_answers_each_script_with_its_recording)
{
	int rc;
	char *out = serve(HEADER "alloc A 0x10000 MEM_COMMIT|MEM_RESERVE PAGE_READWRITE\n"
	                         "write A 2 0x5\nread A 4\nend\n"
	                         HEADER "alloc 0 0x1000 MEM_COMMIT|MEM_RESERVE PAGE_READWRITE\nend\n"
	                         "quit\nnot read after quit\nend\n",
	                  &rc);

	CHECK(rc == 0);
	CHECK(out && strstr(out, "source wine-8.0 x86_64\n"));
	CHECK(out && strstr(out, "alloc A 0x10000 MEM_COMMIT|MEM_RESERVE PAGE_READWRITE => "
	                         "STATUS_SUCCESS A 0x10000\n"));
	CHECK(out && strstr(out, "read A 4 => STATUS_SUCCESS 05050000\nend\n"));
	/* the first script's memory was released: the second starts clean and binds $1 */
	CHECK(out && strstr(out, "=> STATUS_SUCCESS $1 0x1000\nend\n"));
	CHECK(out && strstr(out, "after quit") == NULL);
	free(out);
}

TEST(serve_reports_errors_and_reset_drops_a_half_script)
{
	int rc;
	char *out = serve("alloc A 0x1000 MEM_COMMIT PAGE_READWRITE\nreset\n"
	                  HEADER "free $3 0 MEM_RELEASE\nend\n"
	                  "bogus\nend\n",
	                  &rc);

	CHECK(rc == 0);
	/* reset answers a bare end; the dropped line is not part of the next script */
	CHECK(out && strncmp(out, "end\nerror ", 10) == 0);
	CHECK(out && strstr(out, "end\nerror stdin:1:1: expected the header line"));
	free(out);
}

TEST(ntvm_side_records_in_the_wine_profile)
{
	char why[600];
	/* Wine 8.0: a size-0 alloc fails with STATUS_INVALID_PARAMETER (row ALLOC_ZERO_SIZE) */
	char *rec = nvw_record_ntvm(HEADER "alloc A 0 MEM_COMMIT|MEM_RESERVE PAGE_READWRITE\n", why,
	                            sizeof why);

	CHECK(rec && strstr(rec, "=> STATUS_INVALID_PARAMETER A 0x0\n"));
	free(rec);
	rec = nvw_record_ntvm("no header\n", why, sizeof why);
	CHECK(rec == NULL && why[0] != 0);
}

/* Every committed nt_ops input becomes a script the recorder accepts. */
TEST(corpus_scripts_stay_inside_what_they_own)
{
	char dir[4096], path[8192], why[600];
	DIR *d;
	struct dirent *e;
	size_t files = 0, scripts = 0, stmts_total = 0;

	snprintf(dir, sizeof dir, "%s/corpus/nt_ops", NTVM_SOURCE_DIR);
	d = opendir(dir);
	CHECK(d != NULL);
	while (d && (e = readdir(d)) && files < 300) {
		uint8_t data[1025];
		size_t n, nstmts = 0, dropped = 0;
		FILE *f;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		n = fread(data, 1, sizeof data, f);
		fclose(f);
		if (n == 0)
			continue;
		files++;
		data[0] = 1;
		char *script = nvw_script(data, n, &nstmts, &dropped);
		if (!script)
			continue;
		scripts++;
		stmts_total += nstmts;
		char *rec = nvw_record_ntvm(script, why, sizeof why);
		if (!rec)
			fprintf(stderr, "  %s: %s\n", e->d_name, why);
		CHECK(rec != NULL);
		free(rec);
		free(script);
	}
	if (d)
		closedir(d);
	printf("  %zu inputs, %zu scripts, %zu statements\n", files, scripts, stmts_total);
	CHECK(files > 100 && scripts > files / 2);
}

TEST_MAIN(TEST_CASE(serve_answers_each_script_with_its_recording),
          TEST_CASE(serve_reports_errors_and_reset_drops_a_half_script),
          TEST_CASE(ntvm_side_records_in_the_wine_profile),
          TEST_CASE(corpus_scripts_stay_inside_what_they_own))
