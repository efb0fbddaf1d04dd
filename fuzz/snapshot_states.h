/*
 * snapshot_states.h -- fixed manager states for the snapshot target and
 * its seed generator: the live state arbitrary bytes are loaded over, and
 * states with sections (format version 2) whose serializations seed the
 * corpus.  They are built through the public API only, so that they are
 * states a caller can reach.
 */
#ifndef NTVM_FUZZ_SNAPSHOT_STATES_H
#define NTVM_FUZZ_SNAPSHOT_STATES_H

#include <ntvm/ntvm.h>

/* A reservation with committed pages, a guard page and data, and a
 * section-image reservation made through the manager API (no view record). */
ntvm *snapshot_small_state(void);

/* The states with sections: variant 0 .. SNAPSHOT_SECTION_STATES - 1.
 *  0: a SEC_COMMIT section with two views, one WRITECOPY with a page a
 *     copy-on-write made private (then protected PAGE_WRITECOPY again),
 *     data written through the other, and a
 *     one-page section held by its view only;
 *  1: a SEC_RESERVE section whose handle is closed, pages committed through
 *     its view, plus a second handle in a later slot (a free slot between);
 *  2: an image (a reference PE description) mapped, and a PE32 image that
 *     maps with a machine mismatch;
 *  3: a data-file section mapped at an offset, the 32-bit profile, Wine 8.0,
 *     DEP off, the handle closed (no handle slots);
 *  4: a 65-page SEC_RESERVE section with three views (one WRITECOPY, a
 *     copy-on-write on the last page; a one-page view last), its handle
 *     closed, Wine 8.0.
 * Variants 0-2 also hold the small state.
 * NULL when a call the variant needs fails. */
#define SNAPSHOT_SECTION_STATES 5
ntvm *snapshot_section_state(unsigned variant);

#endif /* NTVM_FUZZ_SNAPSHOT_STATES_H */
