/*
 * regex.h - the one wrapper around libpcre2-8 for every regular expression
 * ordeal takes from users (Perl/RE2-style: `\d+`, `(?i)`, `(?s)`).
 *
 * Subjects are byte buffers (NULs and invalid UTF-8 allowed).  A pattern
 * is compiled twice: in UTF mode for subjects that are valid UTF-8, and in
 * byte mode for subjects that are not, so that, as in Go, `.` still
 * matches an invalid byte and `! stdout .` means "no output at all".  Both
 * are JIT-compiled when available, so matching a mapped 1 GiB file is fast
 * and needs no copy (and, with REGEX_SUBJECT_MAPPED, no 1 GiB of RSS).
 *
 * Ownership: a struct regex owns its compiled code; regex_release() frees
 * it.  A compiled regex is read-only and may be matched repeatedly.
 */
#ifndef ORDEAL_REGEX_H
#define ORDEAL_REGEX_H

#include "common.h"

enum regex_flags {
	REGEX_MULTILINE = 1, /* ^ and $ match at line boundaries */
	REGEX_CASELESS = 2,
};

struct regex {
	void *code;	  /* pcre2_code *, UTF mode */
	void *md;	  /* pcre2_match_data * */
	void *code_bytes; /* the same pattern in byte mode */
	void *md_bytes;
};

#define REGEX_INIT                                                             \
	{                                                                      \
		NULL, NULL, NULL, NULL                                         \
	}

/* Whether buf[0..len) is valid UTF-8. */
bool utf8_valid(const char *buf, size_t len);

/*
 * Compile `pattern`.  Returns 0, or -1 with *err set to a malloc'd message
 * such as "missing closing parenthesis at offset 3 in '(ab'".
 */
int regex_compile(struct regex *re, const char *pattern, unsigned flags,
		  char **err);
/*
 * 1 when the pattern matches somewhere in buf[0..len), 0 when not, -1 on a
 * matching error (resource limits); *where / *wlen (may be NULL) receive
 * the first match.
 */
int regex_match(const struct regex *re, const char *buf, size_t len,
		size_t *where, size_t *wlen);
/* Number of non-overlapping matches (empty matches count once), or -1. */
long regex_count(const struct regex *re, const char *buf, size_t len);

/*
 * The same, for a subject that is a private read-only file mapping
 * (mflags REGEX_SUBJECT_MAPPED): pages already matched are given back to
 * the kernel as matching goes, so memory stays bounded whatever the size.
 * Large subjects are matched a window at a time either way.
 */
/*
 * The window size (default 32 MiB).  Results never depend on it; tests
 * make it small to cross many window boundaries cheaply.
 */
extern size_t regex_window;
enum regex_subject_flags {
	REGEX_SUBJECT_MAPPED = 1,
};
int regex_match_ex(const struct regex *re, const char *buf, size_t len,
		   unsigned mflags, size_t *where, size_t *wlen);
long regex_count_ex(const struct regex *re, const char *buf, size_t len,
		    unsigned mflags);
void regex_release(struct regex *re);

/* Append `s` with every regex metacharacter backslash-escaped. */
struct strbuf;
void regex_quote_meta(struct strbuf *out, const char *s);

#endif
