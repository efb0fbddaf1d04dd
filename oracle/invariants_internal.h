/*
 * invariants_internal.h -- the parts of the invariant checker in files of
 * their own (invariants.c calls them); internal to oracle/.
 */
#ifndef NTVM_ORACLE_INVARIANTS_INTERNAL_H
#define NTVM_ORACLE_INVARIANTS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "manager.h"

/* Section objects, handles and views (invariants_sections.c): references,
 * storage, view records against their reservations and sections, and with
 * the embedded backend (mem non-NULL) the host page behind every committed
 * page of a view: the section's own page, or the view's copy once a
 * copy-on-write made it private. */
bool ntvm__inv_check_sections(const ntvm *vm, void *mem, char *why, size_t why_len);

#endif
