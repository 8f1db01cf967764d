/*
 * diff.h - line-based unified diff (Myers' O(ND) algorithm, after trimming
 * the common prefix and suffix), used by the script engine's cmp.
 *
 * Output follows `diff -u`: "--- A\n+++ B\n", hunks "@@ -l,n +l,n @@" with
 * `context` lines around changes, and "\ No newline at end of file" after
 * a last line without one.  When the two texts differ in more than
 * DIFF_MAX_EDIT lines the middle is shown as one block replaced by the
 * other (still a correct diff, only not minimal) so time and memory stay
 * bounded.
 */
#ifndef ORDEAL_DIFF_H
#define ORDEAL_DIFF_H

#include "common.h"

struct strbuf;

#define DIFF_MAX_EDIT 2000

/*
 * Append the unified diff from `a` (labelled name_a) to `b` to `out`.
 * Returns 0 when the texts are equal (nothing appended), 1 otherwise.
 */
int diff_unified(struct strbuf *out, const char *name_a, const char *a,
		 size_t alen, const char *name_b, const char *b, size_t blen,
		 int context);

#endif
