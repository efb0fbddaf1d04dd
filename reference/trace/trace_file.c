/*
 * trace_file.c -- the FILE field of `section`: `-` for a page-file-backed
 * section, or pe:DESC naming the bytes the PE builder (reference/pe) writes
 * for DESC.  A description is checked while parsing (it must parse and lay
 * out, so recorder and replayer can always build it) and kept in the
 * builder's canonical form, which is what the writer emits.
 */
#include <stdlib.h>
#include <string.h>

#include "pe_build.h"
#include "trace_internal.h"

#define PE_PREFIX "pe:"
#define PE_PREFIX_LEN 3

/* The canonical text of a description, or NULL with *why. */
static char *canonical_desc(const char *text, const char **why)
{
	ntvm_pe_spec spec;
	char *out;
	int n;

	if (ntvm_pe_spec_parse(text, &spec, why) != 0 || ntvm_pe_spec_check(&spec, why) != 0)
		return NULL;
	n = ntvm_pe_spec_format(&spec, NULL, 0);
	out = malloc((size_t)n + 1);
	if (!out) {
		*why = "out of memory";
		return NULL;
	}
	ntvm_pe_spec_format(&spec, out, (size_t)n + 1);
	return out;
}

int trace_parse_file(const struct trace_tok *tk, struct ntvm_trace_val *v, char **desc,
                     struct trace_perr *e)
{
	char q[48];
	char *text;
	const char *why = NULL;

	*desc = NULL;
	memset(v, 0, sizeof *v);
	if (tk->n == 1 && tk->s[0] == '-') {
		v->form = NTVM_FORM_NULL;
		return 0;
	}
	if (tk->n < PE_PREFIX_LEN || memcmp(tk->s, PE_PREFIX, PE_PREFIX_LEN) != 0)
		return trace_perr_set(e, tk->col, "bad FILE '%s' (expected - or pe:DESC)",
		                      trace_tok_quote(tk, q, sizeof q));
	text = trace_strndup(tk->s + PE_PREFIX_LEN, tk->n - PE_PREFIX_LEN);
	if (!text)
		return trace_perr_set(e, tk->col, "out of memory");
	*desc = canonical_desc(text, &why);
	free(text);
	if (!*desc)
		return trace_perr_set(e, tk->col + PE_PREFIX_LEN, "bad PE description: %s", why);
	return 0;
}

int trace_file_check(const char *desc, const char **why)
{
	char *canon = canonical_desc(desc, why);
	int same = canon && strcmp(canon, desc) == 0;

	if (canon && !same)
		*why = "a PE description not in canonical form";
	free(canon);
	return same ? 0 : -1;
}
