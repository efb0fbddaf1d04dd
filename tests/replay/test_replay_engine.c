/*
 * test_replay_engine.c -- the replay engine end to end on traces written
 * here: a deliberately wrong trace fails exactly its wrong lines with the
 * file:line message, a malformed one is rejected with its place, $n binds to
 * ntvm's base (and an unbound $n stops its statement), guard faults and
 * partial writes are excused by the unchanged-state check and a change that
 * is not is reported, and --record output replays cleanly.
 */
#include <stdlib.h>
#include <string.h>

#include <ntvm/nt.h>

#include "replay.h"
#include "test.h"

#define HEADER "ntvm-trace 1\nsource windows\narena 0x0000100000000000 0x1000000\n"

static struct ntvm_trace *parse(const char *text, const char *file)
{
	struct ntvm_trace *t = NULL;
	struct ntvm_trace_error err;
	int rc = ntvm_trace_parse(text, strlen(text), file, &t, &err);
	if (rc != 0) {
		char msg[600];
		ntvm_trace_error_format(&err, msg, sizeof msg);
		fprintf(stderr, "unexpected parse error: %s\n", msg);
	}
	CHECK(rc == 0 && t != NULL);
	return t;
}

static const char wrong[] = HEADER
	"title deliberately wrong\n"
	"alloc A 0x10000 MEM_RESERVE PAGE_READWRITE => STATUS_SUCCESS A 0x10000\n"
	"alloc A+0x1000 0x1000 MEM_COMMIT PAGE_READONLY => STATUS_SUCCESS A+0x1000 0x2000\n"
	"read A+0x1000 2 => STATUS_SUCCESS 0001\n"
	"query A+0x1000 => STATUS_SUCCESS A+0x1000 A PAGE_READWRITE 0x1000 MEM_COMMIT * MEM_PRIVATE\n"
	"free A 0 MEM_RELEASE => STATUS_SUCCESS A 0x10000\n";

TEST(wrong_lines_fail_with_their_place)
{
	struct ntvm_trace *t = parse(wrong, "wrong.trace");
	struct ntvm_replay_report r;
	if (!t)
		return;
	CHECK(ntvm_replay_run(t, NTVM_BEHAVIOUR_WINDOWS, false, &r) == 0);
	CHECK(r.count == 5 && r.passed == 3 && r.failed == 2);
	CHECK(r.outcomes[0].ok && !r.outcomes[1].ok && !r.outcomes[2].ok && r.outcomes[3].ok);
	CHECK_EQ_U64(r.outcomes[1].field_mismatch, 1u << NTVM_RES_SIZE);
	CHECK_EQ_U64(r.outcomes[2].field_mismatch, 1u << NTVM_RES_BYTES);
	char text[1024];
	ntvm_replay_format_mismatch(t, &r.outcomes[1], text, sizeof text);
	CHECK(strcmp(text, "wrong.trace:6: alloc A+0x1000 0x1000 MEM_COMMIT PAGE_READONLY\n"
	                   "  expected: STATUS_SUCCESS A+0x1000 0x2000\n"
	                   "  actual:   STATUS_SUCCESS A+0x1000 0x1000\n") == 0);
	ntvm_replay_format_mismatch(t, &r.outcomes[2], text, sizeof text);
	CHECK(strcmp(text, "wrong.trace:7: read A+0x1000 2\n"
	                   "  expected: STATUS_SUCCESS 0001\n"
	                   "  actual:   STATUS_SUCCESS 0000\n") == 0);
	ntvm_replay_report_free(&r);
	ntvm_trace_free(t);
}

TEST(malformed_trace_is_rejected_with_its_place)
{
	static const char bad[] = HEADER "query A\nalloc A 0x10000 MEM_BOGUS PAGE_READWRITE\n";
	struct ntvm_trace *t = NULL;
	struct ntvm_trace_error err;
	CHECK(ntvm_trace_parse(bad, sizeof bad - 1, "bad.trace", &t, &err) != 0);
	CHECK(t == NULL);
	CHECK_EQ_U64(err.line, 5);
	CHECK_EQ_U64(err.column, 17);
	char text[600];
	ntvm_trace_error_format(&err, text, sizeof text);
	CHECK(strncmp(text, "bad.trace:5:17: ", 16) == 0);
	CHECK(strlen(text) > 17);
}

static const char bindings[] = HEADER
	"alloc 0x0 0x20000 MEM_RESERVE PAGE_READWRITE => STATUS_SUCCESS $1 0x20000\n"
	"alloc $1+0x1000 0x1000 MEM_COMMIT PAGE_READWRITE => STATUS_SUCCESS $1+0x1000 0x1000\n"
	"query $1+0x1800 => STATUS_SUCCESS $1+0x1000 $1 PAGE_READWRITE 0x1000 MEM_COMMIT "
	"PAGE_READWRITE MEM_PRIVATE\n"
	"alloc 0x0 0x3000 MEM_COMMIT|MEM_RESERVE|MEM_TOP_DOWN PAGE_READONLY => STATUS_SUCCESS $2 0x3000\n"
	"query $2+0x2fff => STATUS_SUCCESS $2+0x2000 $2 PAGE_READONLY 0x1000 MEM_COMMIT PAGE_READONLY "
	"MEM_PRIVATE\n";

TEST(bindings_follow_ntvm_bases)
{
	struct ntvm_trace *t = parse(bindings, "bind.trace");
	if (!t)
		return;
	struct ntvm_replay_session *s = ntvm_replay_session_new(t, NTVM_BEHAVIOUR_WINDOWS, false);
	struct ntvm_replay_outcome o[5];
	CHECK(s != NULL && t->nstmts == 5);
	if (!s)
		return;
	for (size_t i = 0; i < t->nstmts; i++) {
		ntvm_replay_session_step(s, &t->stmts[i], &o[i]);
		if (!o[i].ok)
			fprintf(stderr, "line %u: %s\n", (unsigned)o[i].line, o[i].why);
		CHECK(o[i].ok);
	}
	/* $2 is a top-down base: the highest granule of the user space. */
	ntvm_reservation res;
	CHECK(ntvm_reservation_containing(ntvm_replay_session_vm(s), 0x7ffffffe0000ull, &res));
	CHECK_EQ_U64(res.length, 0x3000);
	ntvm_replay_session_free(s);
	ntvm_trace_free(t);
}

TEST(unbound_name_stops_its_statement)
{
	/* A script: the size-0 alloc fails, so $1 is never bound. */
	static const char text[] = HEADER "alloc 0x0 0 MEM_RESERVE PAGE_READWRITE\nquery $1\n"
	                                  "query A\n";
	struct ntvm_trace *t = parse(text, "unbound.trace");
	struct ntvm_replay_report r;
	if (!t)
		return;
	CHECK(ntvm_replay_run(t, NTVM_BEHAVIOUR_WINDOWS, true, &r) == 0);
	CHECK(r.count == 3 && r.failed == 1);
	CHECK(r.outcomes[0].ok && !r.outcomes[1].ok && r.outcomes[2].ok);
	CHECK(!r.outcomes[1].executed);
	CHECK(strstr(r.outcomes[1].why, "$1 is not bound") != NULL);
	/* The recording keeps the line as a comment. */
	CHECK(r.recording != NULL && r.recording->nstmts == 2);
	char *out = r.recording ? ntvm_trace_write_string(r.recording, NULL) : NULL;
	CHECK(out && strstr(out, "# not replayed ($1 is not bound") != NULL);
	CHECK(out && strstr(out, "source ntvm windows") != NULL);
	free(out);
	ntvm_replay_report_free(&r);
	ntvm_trace_free(t);
}

static const char faults[] = HEADER
	"alloc A 0x10000 MEM_RESERVE PAGE_READWRITE => STATUS_SUCCESS A 0x10000\n"
	"alloc A 0x1000 MEM_COMMIT PAGE_READWRITE => STATUS_SUCCESS A 0x1000\n"
	"alloc A+0x1000 0x1000 MEM_COMMIT PAGE_READWRITE|PAGE_GUARD => STATUS_SUCCESS A+0x1000 0x1000\n"
	"write A+0xffc 8 0x5a => STATUS_GUARD_PAGE_VIOLATION\n"
	"read A+0xff8 8 => STATUS_SUCCESS 000000005a5a5a5a\n"
	"write A+0x1ffc 8 0x5b => STATUS_ACCESS_VIOLATION\n"
	"read A+0x1ff8 8 => STATUS_SUCCESS 000000005b5b5b5b\n"
	"free A+0x5000 0x1000 MEM_DECOMMIT => STATUS_SUCCESS A+0x5000 0x1000\n"
	"protect A+0x4000 0x1000 PAGE_READONLY => STATUS_NOT_COMMITTED A+0x4000 0x1000 0\n";

TEST(legitimate_fault_changes_are_excused)
{
	struct ntvm_trace *t = parse(faults, "faults.trace");
	struct ntvm_replay_report r;
	if (!t)
		return;
	CHECK(ntvm_replay_run(t, NTVM_BEHAVIOUR_WINDOWS, false, &r) == 0);
	for (size_t i = 0; i < r.count; i++) {
		char text[1024];
		ntvm_replay_format_mismatch(t, &r.outcomes[i], text, sizeof text);
		if (!r.outcomes[i].ok)
			fputs(text, stderr);
	}
	CHECK(r.failed == 0 && r.passed == 9);
	ntvm_replay_report_free(&r);
	ntvm_trace_free(t);
}

/* An MMIO device whose read changes the address space behind the
 * replayer's back: the one way to make ntvm "change state" on a read. */
static void sneaky_read(void *user, uint64_t address, void *data, size_t size)
{
	ntvm_clear_guard((ntvm *)user, 0x100000001000ull);
	memset(data, 0, size);
	(void)address;
}

static void ignore_write(void *user, uint64_t address, const void *data, size_t size)
{
	(void)user, (void)address, (void)data, (void)size;
}

TEST(unexcused_change_is_reported)
{
	static const char text[] = HEADER "read 0x200000000 1\n";
	struct ntvm_trace *t = parse(text, "sneaky.trace");
	if (!t)
		return;
	struct ntvm_replay_session *s = ntvm_replay_session_new(t, NTVM_BEHAVIOUR_WINDOWS, false);
	ntvm *vm = s ? ntvm_replay_session_vm(s) : NULL;
	CHECK(vm != NULL);
	if (!vm)
		return;
	CHECK(ntvm_allocate_at(vm, 0x100000000000ull, 0x10000, NTVM_PERM_RW, false,
	                       NTVM_KIND_PRIVATE) == NTVM_OK);
	CHECK(ntvm_protect(vm, 0x100000001000ull, 0x1000, NTVM_PERM_RW | NTVM_PERM_GUARD, NULL) ==
	      NTVM_OK);
	CHECK(ntvm_allocate_mmio(vm, 0x200000000ull, 0x1000, sneaky_read, ignore_write, vm) ==
	      NTVM_OK);
	struct ntvm_replay_outcome o;
	ntvm_replay_session_step(s, &t->stmts[0], &o);
	CHECK(!o.ok);
	CHECK(strstr(o.why, "the address space changed") != NULL);
	ntvm_replay_session_free(s);
	ntvm_trace_free(t);
}

TEST(recording_replays_cleanly)
{
	struct ntvm_trace *t = parse(bindings, "bind.trace");
	struct ntvm_replay_report r, again;
	if (!t)
		return;
	CHECK(ntvm_replay_run(t, NTVM_BEHAVIOUR_WINE_8_0, true, &r) == 0);
	CHECK(r.recording != NULL);
	if (!r.recording)
		return;
	CHECK(strcmp(r.recording->source, "ntvm wine-8.0") == 0);
	CHECK(ntvm_replay_behaviour_for_source(r.recording->source) == NTVM_BEHAVIOUR_WINE_8_0);
	size_t len = 0;
	char *text = ntvm_trace_write_string(r.recording, &len);
	struct ntvm_trace *back = text ? parse(text, "recorded.trace") : NULL;
	CHECK(back != NULL);
	if (back) {
		CHECK(ntvm_replay_run(back, NTVM_BEHAVIOUR_WINE_8_0, false, &again) == 0);
		CHECK(again.failed == 0 && again.passed == t->nstmts);
		CHECK(back->stmts[0].binds == 1 && back->stmts[3].binds == 2);
		ntvm_replay_report_free(&again);
		ntvm_trace_free(back);
	}
	free(text);
	ntvm_replay_report_free(&r);
	ntvm_trace_free(t);
}

TEST(behaviour_names)
{
	ntvm_behaviour b;
	CHECK(ntvm_replay_behaviour_for_source("wine-8.0 x86_64") == NTVM_BEHAVIOUR_WINE_8_0);
	CHECK(ntvm_replay_behaviour_for_source("windows") == NTVM_BEHAVIOUR_WINDOWS);
	CHECK(ntvm_replay_behaviour_for_source("script") == NTVM_BEHAVIOUR_WINDOWS);
	CHECK(ntvm_replay_behaviour_for_source("ntvm windows") == NTVM_BEHAVIOUR_WINDOWS);
	CHECK(ntvm_replay_behaviour_from_name("wine-8.0", &b) && b == NTVM_BEHAVIOUR_WINE_8_0);
	CHECK(ntvm_replay_behaviour_from_name("windows", &b) && b == NTVM_BEHAVIOUR_WINDOWS);
	CHECK(!ntvm_replay_behaviour_from_name("macos", &b));
}

TEST_MAIN(TEST_CASE(wrong_lines_fail_with_their_place),
          TEST_CASE(malformed_trace_is_rejected_with_its_place),
          TEST_CASE(bindings_follow_ntvm_bases), TEST_CASE(unbound_name_stops_its_statement),
          TEST_CASE(legitimate_fault_changes_are_excused), TEST_CASE(unexcused_change_is_reported),
          TEST_CASE(recording_replays_cleanly), TEST_CASE(behaviour_names))
