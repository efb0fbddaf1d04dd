/*
 * replay_session.c -- one trace against one fresh ntvm, a statement at a
 * time: resolve the arguments, picture the state, call the NT layer, bind
 * $n, compare the results and check that nothing changed that may not.
 */
#include "replay_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE NTVM_PAGE_SIZE

struct ntvm_replay_session *ntvm_replay_session_new(const struct ntvm_trace *t,
                                                    ntvm_behaviour behaviour, bool record)
{
	struct ntvm_replay_session *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	ntvm_config config = {
		.address_profile = NTVM_ADDRESS_64,
		.behaviour = behaviour,
	};
	s->trace = t;
	s->behaviour = behaviour;
	s->vm = ntvm_create(&config);
	ntvm_trace_env_init(&s->env, t->arena_base, t->arena_size);
	ntvm_trace_env_init(&s->rec_env, t->arena_base, t->arena_size);
	if (record)
		s->recording = replay_record_begin(t, behaviour);
	if (!s->vm || (record && !s->recording)) {
		ntvm_replay_session_free(s);
		return NULL;
	}
	return s;
}

void ntvm_replay_session_free(struct ntvm_replay_session *s)
{
	if (!s)
		return;
	if (s->vm)
		ntvm_destroy(s->vm);
	ntvm_trace_env_free(&s->env);
	ntvm_trace_env_free(&s->rec_env);
	ntvm_trace_free(s->recording);
	replay_state_free(&s->before);
	replay_state_free(&s->after);
	free(s->renumber);
	free(s->renumber_h);
	free(s->pending);
	free(s);
}

ntvm *ntvm_replay_session_vm(struct ntvm_replay_session *s)
{
	return s->vm;
}

const struct ntvm_trace *ntvm_replay_session_recording(const struct ntvm_replay_session *s)
{
	return s->recording;
}

struct ntvm_trace *ntvm_replay_session_take_recording(struct ntvm_replay_session *s)
{
	if (!replay_record_finish(s))
		return NULL;
	struct ntvm_trace *r = s->recording;
	s->recording = NULL;
	return r;
}

static bool resolve_args(const struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                         struct replay_args *a, char *why, size_t why_size)
{
	if (stmt->op >= NTVM_OP_SECTION)
		return replay_section_args(s, stmt, a, why, why_size);
	memset(a, 0, sizeof *a);
	if (!replay_resolve(&s->env, &stmt->args[NTVM_ARG_ADDR], &a->addr, why, why_size))
		return false;
	a->size = stmt->args[1].v;
	switch (stmt->op) {
	case NTVM_OP_ALLOC:
		a->type = (uint32_t)stmt->args[NTVM_ARG_ALLOC_TYPE].v;
		a->prot = (uint32_t)stmt->args[NTVM_ARG_ALLOC_PROT].v;
		a->zero_bits = stmt->nargs > NTVM_ARG_ZERO_BITS ? stmt->args[NTVM_ARG_ZERO_BITS].v : 0;
		break;
	case NTVM_OP_FREE:
		a->type = (uint32_t)stmt->args[NTVM_ARG_FREE_TYPE].v;
		break;
	case NTVM_OP_PROTECT:
		a->prot = (uint32_t)stmt->args[NTVM_ARG_PROTECT_PROT].v;
		break;
	case NTVM_OP_WRITE:
		a->byte = (uint8_t)stmt->args[NTVM_ARG_BYTE].v;
		break;
	default:
		break;
	}
	return true;
}

/* An alloc or map whose ADDR comes to 0 (absolute 0, or an arena form that
 * comes to 0; docs/trace-format.md): the system chooses the base. */
static bool lets_system_choose(const struct ntvm_trace_stmt *stmt, const struct replay_args *a)
{
	return (stmt->op == NTVM_OP_ALLOC || stmt->op == NTVM_OP_MAP) && a->addr == 0;
}

/* The pre-call contents of a write's bytes, for the overlay. */
static void save_bytes(const ntvm *vm, const struct replay_args *a, uint8_t *saved)
{
	memset(saved, 0, NTVM_TRACE_MAX_BYTES);
	for (uint64_t i = 0; i < a->size && i < NTVM_TRACE_MAX_BYTES; i++)
		ntvm_read(vm, a->addr + i, &saved[i], 1, NULL);
}

/* A faulting write: the fault lies in the access, and the bytes before it
 * hold the written value. */
static bool check_partial_write(const ntvm *vm, const struct replay_args *a,
                                const struct replay_raw *raw, char *why, size_t why_size)
{
	if (raw->fault < a->addr || raw->fault - a->addr >= a->size) {
		replay_why_add(why, why_size, "fault address outside the accessed bytes");
		return false;
	}
	for (uint64_t p = a->addr; p < raw->fault; p++) {
		uint8_t b = 0;
		if (ntvm_read(vm, p, &b, 1, NULL) != NTVM_OK || b != a->byte) {
			replay_why_add(why, why_size, "a byte before the fault was not written");
			return false;
		}
	}
	return true;
}

/* Compares the state after the call with the picture taken before it. */
static void check_unchanged(struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                            const struct replay_args *a, const struct replay_raw *raw,
                            const uint8_t *saved, char *why, size_t why_size)
{
	bool faulted = (stmt->op == NTVM_OP_READ || stmt->op == NTVM_OP_WRITE) &&
	               raw->status != NTVM_STATUS_SUCCESS;
	uint64_t guard = UINT64_MAX;
	replay_overlay overlay = { 0 };
	if (faulted && raw->status == NTVM_STATUS_GUARD_PAGE_VIOLATION)
		guard = raw->fault & ~(PAGE - 1);
	if (faulted && stmt->op == NTVM_OP_WRITE) {
		if (!check_partial_write(s->vm, a, raw, why, why_size))
			return;
		overlay = (replay_overlay){ a->addr, saved, (size_t)(raw->fault - a->addr) };
	}
	replay_state_take(&s->after, s->vm);
	replay_state_hash(&s->after, s->vm, s->before.window_lo, s->before.window_hi, &overlay);
	char text[300] = "";
	if (!replay_state_equal(&s->before, &s->after, guard, text, sizeof text)) {
		char line[340];
		snprintf(line, sizeof line, "the address space changed: %s", text);
		replay_why_add(why, why_size, line);
	}
}

/* Binds $n and checks the chosen base, when the system chose one. */
static void bind_chosen(struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                        const struct replay_args *a, const struct replay_raw *raw, char *why,
                        size_t why_size)
{
	replay_check_chosen_base(s->vm, &s->before, a, raw->base, raw->size, why, why_size);
	if (stmt->binds && !replay_bind_at(&s->env, stmt->binds, raw->base, raw->size))
		replay_why_add(why, why_size, "out of memory binding $n");
}

void ntvm_replay_session_step(struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                              struct ntvm_replay_outcome *out)
{
	memset(out, 0, sizeof *out);
	out->expected = stmt;
	out->line = stmt->line;
	out->checked = stmt->has_results;
	out->actual = *stmt;
	out->actual.pre = out->actual.comment = NULL;
	out->actual.has_results = 0;
	struct replay_args a;
	if (!resolve_args(s, stmt, &a, out->why, sizeof out->why)) {
		if (!replay_record_skipped(s, stmt, out->why))
			replay_why_add(out->why, sizeof out->why, "out of memory recording");
		return;
	}
	uint8_t saved[NTVM_TRACE_MAX_BYTES];
	uint64_t lo, hi;
	replay_state_take(&s->before, s->vm);
	replay_window(stmt, &a, &s->before, &lo, &hi);
	replay_state_hash(&s->before, s->vm, lo, hi, NULL);
	if (stmt->op == NTVM_OP_WRITE)
		save_bytes(s->vm, &a, saved);
	struct replay_raw raw;
	replay_exec(s, stmt, &a, &raw);
	out->executed = true;
	/* a map's success includes STATUS_IMAGE_NOT_AT_BASE; an alloc's is STATUS_SUCCESS */
	bool chosen = lets_system_choose(stmt, &a) &&
	              (stmt->op == NTVM_OP_MAP ? replay_nt_success(raw.status)
	                                       : raw.status == NTVM_STATUS_SUCCESS);
	if (chosen)
		bind_chosen(s, stmt, &a, &raw, out->why, sizeof out->why);
	if (stmt->op == NTVM_OP_SECTION && replay_nt_success(raw.status))
		replay_bind_section(s, stmt, &raw, out->why, sizeof out->why);
	out->field_mismatch = replay_compare(s, stmt, &raw, out->why, sizeof out->why);
	if (replay_must_not_change(stmt, &raw))
		check_unchanged(s, stmt, &a, &raw, saved, out->why, sizeof out->why);
	replay_fill_results(&s->env, stmt, &raw, &out->actual);
	if (!replay_record_stmt(s, stmt, &raw, chosen))
		replay_why_add(out->why, sizeof out->why, "out of memory recording");
	out->ok = out->field_mismatch == 0 && out->why[0] == '\0';
}
