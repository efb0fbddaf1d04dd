/*
 * replay_exec.c -- one statement as one NT-layer call.
 *
 * The in/out parameters start as the statement's arguments and OLD as 0,
 * exactly as the recorder calls the real functions, so a call that leaves
 * them alone reports them unchanged.  A query of free memory starting inside
 * the arena has its size cut at the arena's end (trace-format.md), because
 * what lies beyond the arena differs between a real process and ntvm.
 */
#include "replay_internal.h"

#include <ntvm/nt.h>

#include <string.h>

static void exec_query(struct ntvm_replay_session *s, const struct replay_args *a,
                       struct replay_raw *raw)
{
	ntvm_memory_basic_information *mbi = &raw->mbi;
	uint64_t returned = 0;
	raw->status = ntvm_nt_query_virtual_memory(s->vm, a->addr, NTVM_MEMORY_BASIC_INFORMATION_CLASS,
	                                           mbi, sizeof *mbi, &returned);
	if (raw->status != NTVM_STATUS_SUCCESS || mbi->State != NTVM_MEM_FREE)
		return;
	uint64_t lo = s->trace->arena_base, end = lo + s->trace->arena_size;
	if (mbi->BaseAddress >= lo && mbi->BaseAddress < end && mbi->RegionSize > end - mbi->BaseAddress)
		mbi->RegionSize = end - mbi->BaseAddress;
}

static void exec_access(struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                        const struct replay_args *a, struct replay_raw *raw)
{
	uint8_t data[NTVM_TRACE_MAX_BYTES];
	size_t len = a->size <= sizeof data ? (size_t)a->size : sizeof data;
	bool write = stmt->op == NTVM_OP_WRITE;
	memset(data, write ? a->byte : 0, sizeof data);
	raw->fault = 0;
	raw->status = ntvm_nt_access(s->vm, a->addr, data, len,
	                             write ? NTVM_ACCESS_WRITE : NTVM_ACCESS_READ, &raw->fault);
	if (!write && raw->status == NTVM_STATUS_SUCCESS) {
		memcpy(raw->bytes, data, len);
		raw->nbytes = len;
	}
}

void replay_exec(struct ntvm_replay_session *s, const struct ntvm_trace_stmt *stmt,
                 const struct replay_args *a, struct replay_raw *raw)
{
	memset(raw, 0, sizeof *raw);
	raw->base = a->addr;
	raw->size = a->size;
	switch (stmt->op) {
	case NTVM_OP_ALLOC:
		raw->status = ntvm_nt_allocate_virtual_memory(s->vm, &raw->base, a->zero_bits,
		                                              &raw->size, a->type, a->prot);
		break;
	case NTVM_OP_FREE:
		raw->status = ntvm_nt_free_virtual_memory(s->vm, &raw->base, &raw->size, a->type);
		break;
	case NTVM_OP_PROTECT:
		raw->status = ntvm_nt_protect_virtual_memory(s->vm, &raw->base, &raw->size, a->prot,
		                                             &raw->old);
		break;
	case NTVM_OP_QUERY:
		exec_query(s, a, raw);
		break;
	case NTVM_OP_READ:
	case NTVM_OP_WRITE:
		exec_access(s, stmt, a, raw);
		break;
	default:
		replay_exec_section(s, stmt, a, raw);
		break;
	}
}

int replay_raw_count(const struct ntvm_trace_stmt *stmt, const struct replay_raw *raw)
{
	bool ok = raw->status == NTVM_STATUS_SUCCESS;
	switch (stmt->op) {
	case NTVM_OP_QUERY:
	case NTVM_OP_READ:
		return ok ? ntvm_trace_op_results((enum ntvm_trace_op)stmt->op) : 1;
	case NTVM_OP_SECTION:
		return replay_nt_success(raw->status) ? 2 : 1;
	default:
		return ntvm_trace_op_results((enum ntvm_trace_op)stmt->op);
	}
}

static uint64_t query_field(const ntvm_memory_basic_information *m, int i)
{
	switch (i) {
	case NTVM_RES_Q_BASE: return m->BaseAddress;
	case NTVM_RES_Q_ALLOCBASE: return m->AllocationBase;
	case NTVM_RES_Q_ALLOCPROT: return m->AllocationProtect;
	case NTVM_RES_Q_SIZE: return m->RegionSize;
	case NTVM_RES_Q_STATE: return m->State;
	case NTVM_RES_Q_PROT: return m->Protect;
	default: return m->Type;
	}
}

uint64_t replay_raw_field(const struct ntvm_trace_stmt *stmt, const struct replay_raw *raw, int i)
{
	if (i == NTVM_RES_STATUS)
		return raw->status;
	switch (stmt->op) {
	case NTVM_OP_QUERY:
		return query_field(&raw->mbi, i);
	case NTVM_OP_READ:
		return 0;
	case NTVM_OP_SECTION:
		return raw->handle;
	case NTVM_OP_MAP:
		return i == NTVM_RES_MAP_BASE ? raw->base
		     : i == NTVM_RES_MAP_OFFSET ? raw->offset : raw->size;
	case NTVM_OP_EXTEND:
		return raw->size;
	default:
		if (i == NTVM_RES_BASE)
			return raw->base;
		if (i == NTVM_RES_SIZE)
			return raw->size;
		return raw->old;
	}
}
