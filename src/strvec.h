/*
 * strvec.h - a NULL-terminated array of owned strings, for building argv
 * and environment lists (after git's strvec).
 *
 * Invariants: `v` is never NULL and `v[nr]` is always NULL, so `v` can be
 * passed to exec directly.  The strvec owns every string in it.
 */
#ifndef ORDEAL_STRVEC_H
#define ORDEAL_STRVEC_H

#include "common.h"

struct strvec {
	const char **v;
	size_t nr;
	size_t alloc;
};

extern const char *strvec_empty_array[];
#define STRVEC_INIT                                                            \
	{                                                                      \
		strvec_empty_array, 0, 0                                       \
	}

void strvec_init(struct strvec *sv);
/* Push a copy of `s`; returns the copy. */
const char *strvec_push(struct strvec *sv, const char *s);
/* Push without copying: the strvec takes ownership of `s`. */
const char *strvec_push_nodup(struct strvec *sv, char *s);
const char *strvec_pushf(struct strvec *sv, const char *fmt, ...)
	PRINTF_LIKE(2, 3);
/* Push copies of each string of a NULL-terminated array. */
void strvec_pushv(struct strvec *sv, const char *const *v);
void strvec_pop(struct strvec *sv);
void strvec_clear(struct strvec *sv);
/* Returns the array (caller frees each string and the array). */
const char **strvec_detach(struct strvec *sv);

/*
 * Environment-style lookups on "KEY=VALUE" entries: the value for KEY, or
 * NULL.  strvec_setenv replaces an existing KEY or appends.
 */
const char *strvec_getenv(const struct strvec *sv, const char *key);
void strvec_setenv(struct strvec *sv, const char *key, const char *value);
void strvec_unsetenv(struct strvec *sv, const char *key);

/*
 * Split a command template into words the way a user expects without a
 * shell: whitespace separates, '...' and "..." quote, backslash escapes
 * outside single quotes.  Returns 0, or -1 with *err set to a message
 * (caller frees) for an unterminated quote.
 */
int strvec_split_words(struct strvec *out, const char *line, char **err);

#endif
