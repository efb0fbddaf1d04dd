/*
 * nt_section_exec.c -- runs one section call (NtCreateSection,
 * NtMapViewOfSection, NtUnmapViewOfSection, NtExtendSection, NtClose) on
 * core and model and compares the status and every out value; the caller
 * (nt_exec.c) then checks that a failing call moved nothing and compares
 * the state, and after any section call the contents of every view.
 *
 * Logged arguments are in the trace format's order (docs/trace-format.md,
 * "Sections"), results too: section (SIZE PROT ATTRS ACCESS has-size
 * file-kind file-size) => STATUS handle; map (SECTION ADDR ZERO_BITS COMMIT
 * OFFSET SIZE INHERIT TYPE PROT has-offset) => STATUS BASE OFFSET SIZE;
 * unmap (ADDR); extend (SECTION SIZE) => STATUS SIZE; close (SECTION).
 *
 * fuzz_compare_views also checks that core keeps as many live section
 * objects as the model (ntvm__section_count).
 *
 * Sections above FUZZ_MAX_RESERVATION are only checked when they fail (as
 * huge allocations are, harness.h): core backs a section with host memory
 * of its full size.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "section.h"
#include "section_decode.h"

static void exec_create(fuzz_run *run, const fuzz_record *r)
{
	fuzz_section_args s;
	uint8_t *file = NULL;
	size_t file_size = 0;
	fuzz_section_args_of(&run->env, r, &s);
	if (!fuzz_section_file(&s, &file, &file_size))
		return; /* the PE builder refused the decoded description: no call */
	uint64_t a[7] = {s.size, s.protect, s.attributes, s.access, s.has_size,
	                 s.image ? 1u : s.data_file ? 2u : 0u, file_size};
	fuzz_log *l = fuzz_log_op(run, FOP_NT_SECTION, 7, a);
	uint64_t csize = s.size, msize = s.size;
	ntvm_handle ch = 0xEE, mh = 0xEE;
	model saved;
	l->rec = r;
	if (s.image) {
		int n = ntvm_pe_spec_format(&s.spec, l->file, sizeof l->file);
		l->file_exact = !s.corrupt && n > 0 && (size_t)n < sizeof l->file;
	}
	bool saving = fuzz_huge_begin(run, s.has_size && !s.image ? s.size : 0, &saved);
	l->model[0] = model_nt_create_section(&run->m, &mh, s.access, s.has_size ? &msize : NULL,
	                                      s.protect, s.attributes, file, file_size);
	l->model[1] = mh;
	if (fuzz_huge_end(run, saving, &saved, l->model[0] == NTVM_STATUS_SUCCESS)) {
		free(file);
		return;
	}
	l->core[0] = ntvm_nt_create_section(run->vm, &ch, s.access, s.has_size ? &csize : NULL,
	                                    s.protect, s.attributes, file, file_size);
	l->core[1] = ch;
	free(file);
	fuzz_expect_same(run, l, 2);
}

static void exec_map(fuzz_run *run, const fuzz_record *r)
{
	fuzz_map_args m;
	fuzz_map_args_of(&run->env, r, &m);
	uint64_t a[10] = {m.handle, m.base,    m.zero_bits, m.commit,  m.offset,
	                  m.size,   m.inherit, m.type,      m.protect, m.has_offset};
	fuzz_log *l = fuzz_log_op(run, FOP_NT_MAP, 10, a);
	uint64_t cb = m.base, cs = m.size, co = m.offset, mb = m.base, ms = m.size, mo = m.offset;
	l->core[0] = ntvm_nt_map_view_of_section(run->vm, m.handle, &cb, m.zero_bits, m.commit,
	                                         m.has_offset ? &co : NULL, &cs, m.inherit, m.type,
	                                         m.protect);
	run->m.nt_choice = m.base == 0 ? cb : 0;
	l->model[0] = model_nt_map_view(&run->m, m.handle, &mb, m.zero_bits, m.commit,
	                                m.has_offset ? &mo : NULL, &ms, m.inherit, m.type, m.protect);
	run->m.nt_choice = 0;
	l->core[1] = cb, l->core[2] = co, l->core[3] = cs;
	l->model[1] = mb, l->model[2] = mo, l->model[3] = ms;
	fuzz_expect_same(run, l, 4);
	if (l->core[0] == NTVM_STATUS_SUCCESS || l->core[0] == NTVM_STATUS_IMAGE_NOT_AT_BASE ||
	    l->core[0] == NTVM_STATUS_IMAGE_MACHINE_TYPE_MISMATCH) {
		run->env.last_base = cb;
		if (m.base == 0 && run->env.nbound < FUZZ_MAX_BOUND)
			run->env.bound[run->env.nbound++] = cb;
	}
}

static void exec_unmap(fuzz_run *run, const fuzz_record *r)
{
	uint64_t a[1] = {fuzz_unmap_address(&run->env, r)};
	fuzz_log *l = fuzz_log_op(run, FOP_NT_UNMAP, 1, a);
	l->core[0] = ntvm_nt_unmap_view_of_section(run->vm, a[0]);
	l->model[0] = model_nt_unmap_view(&run->m, a[0]);
	fuzz_expect_same(run, l, 1);
}

static void exec_extend(fuzz_run *run, const fuzz_record *r)
{
	uint64_t a[2] = {fuzz_handle(&run->env, r, r->b[5]), fuzz_size(&run->env, r)};
	fuzz_log *l = fuzz_log_op(run, FOP_NT_EXTEND, 2, a);
	uint64_t cs = a[1], ms = a[1];
	model saved;
	bool saving = fuzz_huge_begin(run, a[1], &saved);
	l->model[0] = model_nt_extend_section(&run->m, a[0], &ms);
	l->model[1] = ms;
	if (fuzz_huge_end(run, saving, &saved, l->model[0] == NTVM_STATUS_SUCCESS))
		return;
	l->core[0] = ntvm_nt_extend_section(run->vm, a[0], &cs);
	l->core[1] = cs;
	fuzz_expect_same(run, l, 2);
}

static void exec_close(fuzz_run *run, const fuzz_record *r)
{
	uint64_t a[1] = {fuzz_handle(&run->env, r, r->b[5])};
	fuzz_log *l = fuzz_log_op(run, FOP_NT_CLOSE, 1, a);
	l->core[0] = ntvm_nt_close(run->vm, a[0]);
	l->model[0] = model_nt_close(&run->m, a[0]);
	fuzz_expect_same(run, l, 1);
	if (l->core[0] == NTVM_STATUS_SUCCESS)
		run->env.closed_handle = a[0];
}

bool fuzz_exec_section_op(fuzz_run *run, const fuzz_record *r)
{
	switch (r->b[0]) {
	case FOP_NT_SECTION: exec_create(run, r); return true;
	case FOP_NT_MAP: exec_map(run, r); return true;
	case FOP_NT_UNMAP: exec_unmap(run, r); return true;
	case FOP_NT_EXTEND: exec_extend(run, r); return true;
	case FOP_NT_CLOSE: exec_close(run, r); return true;
	default: return false;
	}
}

void fuzz_compare_views(fuzz_run *run)
{
	static uint8_t cbuf[MODEL_PAGE], mbuf[MODEL_PAGE];
	const model *m = &run->m;
	/* a section lives while a handle or a view holds it: none leaks, none goes early */
	uint64_t live = ntvm__section_count(run->vm);
	if (live != m->section_count)
		fuzz_fail(run, false, 0, "core has %llu live sections, the model %zu",
		          (unsigned long long)live, m->section_count);
	if (run->checking)
		run->checking(true);
	for (size_t i = 0; i < m->resv_count; i++) {
		const model_resv *v = &m->resv[i];
		for (uint64_t p = 0; v->section && p < v->length && p < 64 * MODEL_PAGE; p += MODEL_PAGE) {
			const model_run *page = model_find_run(v, v->base + p);
			if (!page || !page->committed)
				continue;
			ntvm_status cs = ntvm_read(run->vm, v->base + p, cbuf, sizeof cbuf, NULL);
			ntvm_status ms = model_read(m, v->base + p, mbuf, sizeof mbuf, NULL);
			if (cs != ms || memcmp(cbuf, mbuf, sizeof cbuf) != 0)
				fuzz_fail(run, true, v->base + p,
				          "view page 0x%llx: core %s, model %s, or the bytes differ",
				          (unsigned long long)(v->base + p), ntvm_status_name(cs),
				          ntvm_status_name(ms));
		}
	}
	if (run->checking)
		run->checking(false);
}
