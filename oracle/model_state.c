/*
 * model_state.c -- the model's data: a sorted array of reservations, each a
 * sorted list of page runs, and a flat list of written pages.  Everything is
 * a linear scan; the only cleverness allowed is merging equal neighbouring
 * runs, which keeps huge uniform reservations cheap and makes a query's
 * region simply "the rest of the run".
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

bool model_init(model *m, ntvm_address_profile profile, ntvm_behaviour behaviour)
{
	memset(m, 0, sizeof *m);
	m->behaviour = behaviour;
	switch (profile) {
	case NTVM_ADDRESS_64:
		m->max_address = 0x7FFFFFFEFFFFull;
		m->default_address = 0x100000000ull;
		break;
	case NTVM_ADDRESS_32:
		m->max_address = 0x7FFEFFFFull;
		m->default_address = 0x10000ull;
		break;
	case NTVM_ADDRESS_32_LARGE:
		m->max_address = 0xFFFEFFFFull;
		m->default_address = 0x10000ull;
		break;
	default:
		return false;
	}
	m->dep_enabled = true;
	return true;
}

void model_fini(model *m)
{
	for (size_t i = 0; i < m->resv_count; i++)
		free(m->resv[i].runs);
	for (size_t i = 0; i < m->page_count; i++)
		free(m->pages[i]);
	model_sections_fini(m);
	free(m->resv);
	free(m->pages);
	memset(m, 0, sizeof *m);
}

bool model_clone(const model *m, model *out)
{
	*out = *m;
	out->resv = calloc(m->resv_cap ? m->resv_cap : 1, sizeof *out->resv);
	out->pages = calloc(m->page_cap ? m->page_cap : 1, sizeof *out->pages);
	out->resv_count = out->page_count = 0;
	out->sections = NULL;
	out->section_count = out->section_cap = 0;
	if (!out->resv || !out->pages || !model_sections_clone(m, out))
		goto fail;
	for (size_t i = 0; i < m->resv_count; i++) {
		model_resv *r = &out->resv[i];
		*r = m->resv[i];
		r->runs = malloc(r->run_cap * sizeof *r->runs);
		if (!r->runs)
			goto fail;
		memcpy(r->runs, m->resv[i].runs, r->run_count * sizeof *r->runs);
		out->resv_count++;
	}
	for (size_t i = 0; i < m->page_count; i++) {
		out->pages[i] = malloc(sizeof *out->pages[i]);
		if (!out->pages[i])
			goto fail;
		*out->pages[i] = *m->pages[i];
		out->page_count++;
	}
	return true;
fail:
	model_fini(out);
	return false;
}

model_resv *model_find_resv(const model *m, uint64_t address)
{
	for (size_t i = 0; i < m->resv_count; i++) {
		model_resv *r = &m->resv[i];
		if (address >= r->base && address - r->base < r->length)
			return r;
	}
	return NULL;
}

const model_run *model_find_run(const model_resv *r, uint64_t address)
{
	for (size_t i = 0; i < r->run_count; i++)
		if (address >= r->runs[i].start && address < r->runs[i].end)
			return &r->runs[i];
	return NULL;
}

bool model_all_committed(const model_resv *r, uint64_t lo, uint64_t hi)
{
	for (size_t i = 0; i < r->run_count; i++) {
		const model_run *run = &r->runs[i];
		if (run->start < hi && run->end > lo && !run->committed)
			return false;
	}
	return true;
}

/* Is [lo, hi_inclusive] free of reservations? */
bool model_range_free(const model *m, uint64_t lo, uint64_t hi_inclusive)
{
	for (size_t i = 0; i < m->resv_count; i++) {
		const model_resv *r = &m->resv[i];
		if (r->base <= hi_inclusive && r->base + r->length - 1 >= lo)
			return false;
	}
	return true;
}

/* Append a run to runs[*n], merging it into the previous one when equal. */
static void push_run(model_run *runs, size_t *n, model_run run)
{
	if (run.start >= run.end)
		return;
	if (*n > 0) {
		model_run *prev = &runs[*n - 1];
		if (prev->end == run.start && prev->committed == run.committed &&
		    prev->perm == run.perm && prev->last == run.last) {
			prev->end = run.end;
			return;
		}
	}
	runs[(*n)++] = run;
}

/* Rewrite the runs of [lo, hi): set the state (commit with perm, or
 * decommit), or with last_only set only the last protection of its
 * reserved pages to perm. */
static bool rewrite_runs(model *m, model_resv *r, uint64_t lo, uint64_t hi, bool committed,
                         ntvm_perm perm, bool last_only)
{
	model_run *out = malloc((r->run_count + 2) * sizeof *out);
	size_t n = 0;
	if (!out)
		return false;
	for (size_t i = 0; i < r->run_count; i++) {
		model_run run = r->runs[i], before = run, inside = run, after = run;
		before.end = run.end < lo ? run.end : lo;
		inside.start = run.start > lo ? run.start : lo;
		inside.end = run.end < hi ? run.end : hi;
		if (last_only) {
			inside.last = run.committed ? run.last : perm;
		} else {
			inside.committed = committed;
			inside.perm = committed ? perm : NTVM_PERM_NONE;
			inside.last = committed ? perm : run.last;
		}
		after.start = run.start > hi ? run.start : hi;
		push_run(out, &n, before);
		push_run(out, &n, inside);
		push_run(out, &n, after);
	}
	free(r->runs);
	r->runs = out;
	r->run_count = n;
	r->run_cap = r->run_count + 2;
	m->version++;
	return true;
}

bool model_set_pages(model *m, model_resv *r, uint64_t lo, uint64_t hi, bool committed,
                     ntvm_perm perm)
{
	return rewrite_runs(m, r, lo, hi, committed, perm, false);
}

bool model_set_last(model *m, model_resv *r, uint64_t lo, uint64_t hi, ntvm_perm last)
{
	return rewrite_runs(m, r, lo, hi, false, last, true);
}

model_resv *model_insert_resv(model *m, uint64_t base, uint64_t length, ntvm_perm initial,
                              ntvm_kind kind, bool committed, ntvm_perm perm)
{
	size_t at = 0;
	model_run *runs = malloc(sizeof *runs);
	if (!runs)
		return NULL;
	if (m->resv_count == m->resv_cap) {
		size_t cap = m->resv_cap ? m->resv_cap * 2 : 8;
		model_resv *grown = realloc(m->resv, cap * sizeof *grown);
		if (!grown) {
			free(runs);
			return NULL;
		}
		m->resv = grown;
		m->resv_cap = cap;
	}
	while (at < m->resv_count && m->resv[at].base < base)
		at++;
	memmove(&m->resv[at + 1], &m->resv[at], (m->resv_count - at) * sizeof *m->resv);
	m->resv_count++;
	runs[0] = (model_run){base, base + length, committed, committed ? perm : NTVM_PERM_NONE,
	                      committed ? perm : initial};
	m->resv[at] = (model_resv){base, length, initial, kind, runs, 1, 1, 0, 0, 0};
	return &m->resv[at];
}

void model_remove_resv(model *m, model_resv *r)
{
	size_t at = (size_t)(r - m->resv);
	uint64_t section = r->section;
	model_drop_pages(m, r->base, r->base + r->length);
	free(r->runs);
	memmove(&m->resv[at], &m->resv[at + 1], (m->resv_count - at - 1) * sizeof *m->resv);
	m->resv_count--;
	if (section)
		model_section_unref(m, section);
}

/* Keep only the runs' parts inside [lo, hi). */
static void clip_runs(model_resv *r, uint64_t lo, uint64_t hi)
{
	size_t n = 0;
	for (size_t i = 0; i < r->run_count; i++) {
		model_run run = r->runs[i];
		if (run.start < lo)
			run.start = lo;
		if (run.end > hi)
			run.end = hi;
		if (run.start < run.end)
			r->runs[n++] = run;
	}
	r->run_count = n;
}

bool model_cut_resv(model *m, model_resv *r, uint64_t lo, uint64_t hi)
{
	uint64_t base = r->base, end = r->base + r->length;
	size_t at = (size_t)(r - m->resv);
	if (lo == base && hi == end) {
		model_remove_resv(m, r);
	} else if (lo == base || hi == end) {
		uint64_t keep_lo = lo == base ? hi : base, keep_hi = lo == base ? end : lo;
		clip_runs(r, keep_lo, keep_hi);
		r->base = keep_lo;
		r->length = keep_hi - keep_lo;
		model_drop_pages(m, lo, hi);
	} else {
		model_resv *tail = model_insert_resv(m, hi, end - hi, r->initial_perm, r->kind, false,
		                                     NTVM_PERM_NONE);
		if (!tail)
			return false;
		/* the insertion may have moved the array: find both again */
		r = &m->resv[at];
		tail = &m->resv[at + 1];
		model_run *copy = malloc(r->run_count * sizeof *copy);
		if (!copy) {
			model_remove_resv(m, tail);
			return false;
		}
		memcpy(copy, r->runs, r->run_count * sizeof *copy);
		free(tail->runs);
		tail->runs = copy;
		tail->run_count = tail->run_cap = r->run_count;
		clip_runs(tail, hi, end);
		clip_runs(r, base, lo);
		r->length = lo - base;
		model_drop_pages(m, lo, hi);
	}
	m->version++;
	return true;
}

void model_drop_pages(model *m, uint64_t lo, uint64_t hi)
{
	size_t n = 0;
	for (size_t i = 0; i < m->page_count; i++) {
		if (m->pages[i]->address >= lo && m->pages[i]->address < hi)
			free(m->pages[i]);
		else
			m->pages[n++] = m->pages[i];
	}
	m->page_count = n;
}

const model_page *model_peek_page(const model *m, uint64_t page)
{
	for (size_t i = 0; i < m->page_count; i++)
		if (m->pages[i]->address == page)
			return m->pages[i];
	return NULL;
}

model_page *model_get_page(model *m, uint64_t page, bool create)
{
	model_page *p = (model_page *)model_peek_page(m, page);
	if (p || !create)
		return p;
	if (m->page_count == m->page_cap) {
		size_t cap = m->page_cap ? m->page_cap * 2 : 8;
		model_page **grown = realloc(m->pages, cap * sizeof *grown);
		if (!grown)
			return NULL;
		m->pages = grown;
		m->page_cap = cap;
	}
	p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->address = page;
	m->pages[m->page_count++] = p;
	return p;
}

model_page *model_content_page(model *m, uint64_t page, bool create)
{
	const model_resv *r = model_find_resv(m, page);
	model_section *s = r && r->section ? model_section_by_id(m, r->section) : NULL;
	model_page *own = (model_page *)model_peek_page(m, page);
	if (!s || own)
		return own ? own : model_get_page(m, page, create);
	return model_section_page(s, r->offset + (page - r->base), create);
}
