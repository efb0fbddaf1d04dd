/*
 * test_recorder.c -- the recorder's per-trace logic run natively, with ntvm's
 * NT layer (Wine 8.0 behaviour) standing in for ntdll.  It records the
 * recorder's own scripts and must give back the committed Wine recordings
 * byte for byte; and it checks the failure paths: arena not free, a $n whose
 * alloc failed, statements reaching memory the trace does not own, and that
 * everything a trace leaves behind is released.
 */
#include <stdlib.h>
#include <string.h>

#include "ntvm/nt.h"
#include "rec_ntvm.h"
#include "recorder.h"
#include "test.h"
#include "trace.h"

static ntvm *vm;

static void fresh_vm(void)
{
	ntvm_config cfg;

	ntvm_destroy(vm);
	memset(&cfg, 0, sizeof cfg);
	cfg.behaviour = NTVM_BEHAVIOUR_WINE_8_0;
	vm = ntvm_create(&cfg);
}

static struct ntvm_trace *parse_ok(const char *text)
{
	struct ntvm_trace *t = NULL;
	struct ntvm_trace_error err;

	if (ntvm_trace_parse(text, strlen(text), "s.trace", &t, &err) != 0) {
		fprintf(stderr, "  %u:%u: %s\n", (unsigned)err.line, (unsigned)err.column, err.reason);
		test_failed_checks++;
	}
	return t;
}

/* Records text; returns the recording's text, or NULL with the reason in why. */
static char *record_text(const char *text, char *why, size_t cap)
{
	struct ntvm_trace *t = parse_ok(text);
	char *out = NULL;

	why[0] = '\0';
	if (t && rec_record(rec_ntvm_calls(vm, "wine-8.0 x86_64"), t, why, cap) == 0)
		out = ntvm_trace_write_string(t, NULL);
	ntvm_trace_free(t);
	return out;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		buf[fread(buf, 1, (size_t)n, f)] = '\0';
	}
	fclose(f);
	return buf;
}

TEST(own_scripts_give_the_wine_recordings)
{
	static const char *const names[] = { "rec-bindings", "rec-cleanup-1-leave",
	                                     "rec-cleanup-2-check", "rec-probes" };
	char why[300];

	fresh_vm();
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[512], *script, *want, *got;
		snprintf(path, sizeof path, "%s/reference/scripts/%s.trace", NTVM_SOURCE_DIR, names[i]);
		script = read_file(path);
		snprintf(path, sizeof path, "%s/reference/recordings/%s.trace", NTVM_SOURCE_DIR, names[i]);
		want = read_file(path);
		CHECK(script && want);
		got = script ? record_text(script, why, sizeof why) : NULL;
		if (!got || !want || strcmp(got, want) != 0) {
			fprintf(stderr, "  %s: %s\n--- got\n%s--- want\n%s", names[i], why,
			        got ? got : "", want ? want : "");
			test_failed_checks++;
		}
		free(script);
		free(want);
		free(got);
	}
}

#define HDR "ntvm-trace 1\nsource script\narena 0x100000000000 0x100000\n"

TEST(arena_must_be_free)
{
	uint64_t base = 0x100000080000ull, size = 0x1000;
	char why[300], *out;

	fresh_vm();
	CHECK(ntvm_nt_allocate_virtual_memory(vm, &base, 0, &size, NTVM_MEM_RESERVE,
	                                      NTVM_PAGE_READWRITE) == 0);
	out = record_text(HDR "query A\n", why, sizeof why);
	CHECK(out == NULL);
	CHECK(strstr(why, "s.trace: arena 0x100000000000 size 0x100000 is not free (reserving it gave 0xc0000018)") != NULL);
	free(out);
}

TEST(failed_binder_renumbers_and_unbound_use_fails)
{
	char why[300], *out;

	fresh_vm();
	out = record_text(HDR "alloc 0 0x1000 MEM_RESERVE PAGE_READWRITE 22\n"
	                      "alloc 0 0x1000 MEM_COMMIT PAGE_READWRITE\n"
	                      "query $2+0x10\n", why, sizeof why);
	CHECK(out && strstr(out, "alloc 0x0 0x1000 MEM_COMMIT PAGE_READWRITE => STATUS_SUCCESS $1 0x1000\n"
	                         "query $1+0x10 => STATUS_SUCCESS $1 $1 PAGE_READWRITE 0x1000 MEM_COMMIT "
	                         "PAGE_READWRITE MEM_PRIVATE\n"));
	free(out);
	out = record_text(HDR "alloc 0 0x1000 MEM_RESERVE PAGE_READWRITE 22\nquery $1\n", why, sizeof why);
	CHECK(out == NULL);
	CHECK(strcmp(why, "s.trace:5: $1 is not bound: the alloc that should bind it failed") == 0);
	free(out);
}

/* An absolute argument inside a binding is written relative to it. */
TEST(absolute_arguments_take_the_binding_form)
{
	uint64_t base = 0, size = 0x10000;
	char script[512], why[300], *out;

	fresh_vm();
	CHECK(ntvm_nt_allocate_virtual_memory(vm, &base, 0, &size, NTVM_MEM_RESERVE,
	                                      NTVM_PAGE_READWRITE) == 0);
	size = 0;
	CHECK(ntvm_nt_free_virtual_memory(vm, &base, &size, NTVM_MEM_RELEASE) == 0);
	snprintf(script, sizeof script,
	         HDR "alloc 0 0x10000 MEM_RESERVE PAGE_READWRITE\nquery 0x%llx\nquery A+0x10\n",
	         (unsigned long long)base + 0x2010);
	out = record_text(script, why, sizeof why);
	CHECK(out && strstr(out, "\nquery $1+0x2010 => STATUS_SUCCESS $1+0x2000 $1 PAGE_READWRITE "
	                         "0xe000 MEM_RESERVE 0 MEM_PRIVATE\nquery A+0x10 => "));
	if (out && !strstr(out, "query $1+0x2010"))
		fprintf(stderr, "%s", out);
	free(out);
}

/* Results already there are ignored; the free range after A+0x1000 is cut at the arena end. */
TEST(results_present_are_replaced)
{
	char why[300], *out;

	fresh_vm();
	out = record_text("ntvm-trace 1\nsource windows\narena 0x100000000000 0x100000\n"
	                  "alloc A 0x1000 MEM_COMMIT|MEM_RESERVE PAGE_READWRITE => * A+0x10 0x5\n"
	                  "read A 2 => STATUS_ACCESS_VIOLATION\n"
	                  "query A+0x1000 => STATUS_SUCCESS A A 4 0x1 MEM_FREE 0 0\n", why, sizeof why);
	CHECK(out && strcmp(out, "ntvm-trace 1\nsource wine-8.0 x86_64\narena 0x0000100000000000 0x100000\n"
	                         "alloc A 0x1000 MEM_COMMIT|MEM_RESERVE PAGE_READWRITE => STATUS_SUCCESS A 0x1000\n"
	                         "read A 2 => STATUS_SUCCESS 0000\n"
	                         "query A+0x1000 => STATUS_SUCCESS A+0x1000 0x0 0 0xff000 MEM_FREE "
	                         "PAGE_NOACCESS 0\n") == 0);
	free(out);
}

TEST(everything_left_behind_is_released)
{
	ntvm_memory_basic_information mbi;
	uint64_t outside = 0x200000000000ull;
	char why[300], *out;

	fresh_vm();
	out = record_text(HDR "alloc A 0x30000 MEM_RESERVE PAGE_READWRITE\n"
	                      "alloc A+0x40000 0x1000 MEM_COMMIT|MEM_RESERVE PAGE_READWRITE\n"
	                      "alloc 0x200000000000 0x10000 MEM_RESERVE PAGE_READWRITE\n"
	                      "alloc 0 0x1000 MEM_COMMIT PAGE_READWRITE\n", why, sizeof why);
	CHECK(out != NULL);
	free(out);
	CHECK(ntvm_nt_query_virtual_memory(vm, 0x100000000000ull, 0, &mbi, sizeof mbi, NULL) == 0);
	CHECK_EQ_U64(mbi.State, NTVM_MEM_FREE);
	CHECK(mbi.RegionSize >= 0x100000);
	CHECK(ntvm_nt_query_virtual_memory(vm, outside, 0, &mbi, sizeof mbi, NULL) == 0);
	CHECK_EQ_U64(mbi.State, NTVM_MEM_FREE);
	/* The $1 allocation too: the same script records again from the same state. */
	out = record_text(HDR "alloc 0 0x1000 MEM_COMMIT PAGE_READWRITE\n", why, sizeof why);
	CHECK(out != NULL);
	free(out);
}

TEST(foreign_memory_is_refused)
{
	uint64_t base = 0x300000000000ull, size = 0x10000;
	char why[300], *out;
	static const char *const touching[] = {
		HDR "protect 0x300000000000 0x1000 PAGE_NOACCESS\n",
		HDR "free 0x300000000000 0 MEM_RELEASE\n",
		HDR "alloc 0x300000001000 0x1000 MEM_COMMIT PAGE_READWRITE\n",
		HDR "write 0x300000000ff0 32 0x1\n",
		HDR "read 0x300000000000 1\n",
		HDR "protect 0x300000001000 0x100000 PAGE_READWRITE\n",
		HDR "write 0x2fffffffffd0 64 0x1\n",
	};

	fresh_vm();
	CHECK(ntvm_nt_allocate_virtual_memory(vm, &base, 0, &size, NTVM_MEM_RESERVE | NTVM_MEM_COMMIT,
	                                      NTVM_PAGE_READWRITE) == 0);
	for (size_t i = 0; i < sizeof touching / sizeof touching[0]; i++) {
		out = record_text(touching[i], why, sizeof why);
		CHECK(out == NULL);
		CHECK(strstr(why, "s.trace:4: refusing to run: the statement reaches memory the trace "
		                  "did not allocate (allocation at 0x300000000000)") != NULL);
		free(out);
	}
	/* Reservations, queries, memory the trace reserved itself, and NT calls that
	 * start in its own memory (they stay inside that allocation) are fine. */
	out = record_text(HDR "alloc A 0x10000 MEM_RESERVE PAGE_READWRITE\n"
	                      "protect A 0x300000000000 PAGE_READONLY\n"
	                      "free A 0x300000000000 MEM_DECOMMIT\n"
	                      "alloc 0x300000000000 0x1000 MEM_RESERVE PAGE_READWRITE\n"
	                      "query 0x300000000000\n"
	                      "alloc 0x400000000000 0x10000 MEM_RESERVE PAGE_READWRITE\n"
	                      "alloc 0x400000000000 0x1000 MEM_COMMIT PAGE_READWRITE\n"
	                      "write 0x400000000000 1 0x1\n"
	                      "free 0x400000000000 0 MEM_RELEASE\n", why, sizeof why);
	CHECK(out && strstr(out, "=> STATUS_CONFLICTING_ADDRESSES 0x300000000000 0x1000\n"));
	if (!out)
		fprintf(stderr, "  %s\n", why);
	free(out);
	/* The foreign allocation was never touched, nor released by the cleanup. */
	{
		ntvm_memory_basic_information mbi;
		CHECK(ntvm_nt_query_virtual_memory(vm, 0x300000000000ull, 0, &mbi, sizeof mbi, NULL) == 0);
		CHECK_EQ_U64(mbi.State, NTVM_MEM_COMMIT);
		CHECK_EQ_U64(mbi.Protect, NTVM_PAGE_READWRITE);
	}
	ntvm_destroy(vm);
	vm = NULL;
}

/* Sections: %n bound and renumbered past a failed section, views in and out
 * of the arena unmapped and handles closed by the cleanup, pe: images mapped,
 * and literal handles that could be the recorder's own refused. */
TEST(sections_recorded_and_cleaned_up)
{
	ntvm_memory_basic_information mbi;
	char why[300], *out;

	fresh_vm();
	out = record_text(HDR "section 0 PAGE_READWRITE SEC_COMMIT -\n"
	                      "section 0x20000 PAGE_READWRITE SEC_COMMIT -\n"
	                      "map %2 A 0 0 0 0 ViewShare 0 PAGE_READWRITE\n"
	                      "map %2 0 0 0 - 0 ViewShare 0 PAGE_READONLY\n"
	                      "write A 1 0x42\n"
	                      "read $1 1\n"
	                      "section - PAGE_EXECUTE_WRITECOPY SEC_IMAGE pe:base=0x100000050000;t:rx:0x1000\n"
	                      "map %3 0 0 0 0 0 ViewShare 0 PAGE_READONLY\n"
	                      "close %3\n", why, sizeof why);
	CHECK(out != NULL);
	if (!out) {
		fprintf(stderr, "  %s\n", why);
		return;
	}
	CHECK(strstr(out, "section 0x0 PAGE_READWRITE SEC_COMMIT - => STATUS_INVALID_PARAMETER_4\n") ||
	      strstr(out, "section 0x0 PAGE_READWRITE SEC_COMMIT - => STATUS_INVALID_PARAMETER\n"));
	CHECK(strstr(out, "SEC_COMMIT - => STATUS_SUCCESS %1\nmap %1 A ") != NULL);
	CHECK(strstr(out, "map %1 0x0 0x0 0x0 - 0x0 ViewShare 0 PAGE_READONLY => STATUS_SUCCESS $1 - 0x20000\n") != NULL);
	CHECK(strstr(out, "read $1 1 => STATUS_SUCCESS 42\n") != NULL);
	CHECK(strstr(out, "=> STATUS_SUCCESS %2\nmap %2 0x0 0x0 0x0 0x0 0x0 ViewShare 0 PAGE_READONLY => STATUS_SUCCESS $2 0x0 0x2000\nclose %2 => STATUS_SUCCESS\n") != NULL);
	free(out);
	CHECK(ntvm_nt_query_virtual_memory(vm, 0x100000000000ull, 0, &mbi, sizeof mbi, NULL) == 0);
	CHECK_EQ_U64(mbi.State, NTVM_MEM_FREE);
	CHECK(mbi.RegionSize >= 0x100000);
	/* The same script again from the same state: the $1 view and the image are gone too. */
	out = record_text(HDR "section 0x10000 PAGE_READWRITE SEC_COMMIT -\n"
	                      "map %1 0 0 0 0 0 ViewShare 0 PAGE_READWRITE\n"
	                      "section - PAGE_EXECUTE_WRITECOPY SEC_IMAGE pe:base=0x100000050000;t:rx:0x1000\n"
	                      "map %2 0 0 0 0 0 ViewShare 0 PAGE_READONLY\n", why, sizeof why);
	CHECK(out && strstr(out, "=> STATUS_SUCCESS $2 0x0 0x2000\n"));
	free(out);
	/* The handles the first trace left open were closed: the first handle is free again. */
	{
		ntvm_handle h = 0;
		uint64_t size = 0x10000;
		CHECK(ntvm_nt_create_section(vm, &h, NTVM_SECTION_ALL_ACCESS, &size, NTVM_PAGE_READWRITE,
		                             NTVM_SEC_COMMIT, NULL, 0) == 0);
		CHECK(ntvm_nt_close(vm, h) == 0);
	}
	out = record_text(HDR "close 0x4\n", why, sizeof why);
	CHECK(out == NULL && strstr(why, "literal handle 0x4 could be one of the recorder's own"));
	free(out);
	out = record_text(HDR "section 1 PAGE_READWRITE SEC_COMMIT - => STATUS_NO_MEMORY\nclose 0x0\n"
	                      "close 0xffffffffffffffff\n", why, sizeof why);
	CHECK(out && strstr(out, "close 0x0 => STATUS_INVALID_HANDLE\n"));
	free(out);
	out = record_text(HDR "section 0 PAGE_READWRITE SEC_COMMIT -\nclose %1\n", why, sizeof why);
	CHECK(out == NULL && strstr(why, "%1 is not bound: the section that should bind it failed"));
	free(out);
}

TEST_MAIN(TEST_CASE(own_scripts_give_the_wine_recordings), TEST_CASE(arena_must_be_free),
          TEST_CASE(failed_binder_renumbers_and_unbound_use_fails),
          TEST_CASE(absolute_arguments_take_the_binding_form),
          TEST_CASE(results_present_are_replaced), TEST_CASE(everything_left_behind_is_released),
          TEST_CASE(foreign_memory_is_refused), TEST_CASE(sections_recorded_and_cleaned_up))
