/*
 * fuzz-regex.c - the PCRE2 wrapper on any pattern and any subject (NULs,
 * invalid UTF-8): compile errors come with a message, matches lie inside
 * the subject, counting terminates, utf8_valid agrees with fuzz.h's
 * RFC 3629 reference, a quoted string (regex_quote_meta) matches
 * itself exactly, and matching a window at a time (a window of a few
 * bytes, many window ends) finds exactly what one whole-subject match
 * finds: the same first match and the same count.
 *
 * Input: flags byte, pattern "\n%%\n" subject.
 */
#include "common.h"
#include "regex.h"
#include "strbuf.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {(const char *)data, size};
	unsigned flags = fuzz_byte(&in) & 3;
	char *pattern = fuzz_field_str(&in);
	size_t slen;
	const char *subject = fuzz_field(&in, &slen);
	struct regex re = REGEX_INIT;
	struct strbuf q = STRBUF_INIT;
	char *err = NULL;

	FUZZ_ASSERT(utf8_valid(subject, slen) == fuzz_utf8_valid(subject, slen));
	if (regex_compile(&re, pattern, flags, &err) < 0) {
		FUZZ_ASSERT(err && *err);
		free(err);
	} else {
		size_t where = 0, wlen = 0;
		int r = regex_match(&re, subject, slen, &where, &wlen);
		long n;

		FUZZ_ASSERT(r >= -1 && r <= 1);
		if (r == 1)
			FUZZ_ASSERT(where <= slen && wlen <= slen - where);
		n = regex_count(&re, subject, slen);
		FUZZ_ASSERT(n >= -1 && (size_t)(n < 0 ? 0 : n) <= slen + 1);
		if (r == 0)
			FUZZ_ASSERT(n == 0);
		if (r == 1)
			FUZZ_ASSERT(n != 0);
		if (r >= 0 && n >= 0) {
			size_t saved = regex_window, w2 = 0, l2 = 0;
			int r2;
			long n2;

			regex_window = 2 + (size_t)(flags & 1) * 5 + slen % 7;
			r2 = regex_match(&re, subject, slen, &w2, &l2);
			n2 = regex_count(&re, subject, slen);
			regex_window = saved;
			if (r2 >= 0) { /* -1: a resource limit, not an answer */
				FUZZ_ASSERT(r2 == r);
				if (r == 1)
					FUZZ_ASSERT(w2 == where && l2 == wlen);
			}
			if (n2 >= 0)
				FUZZ_ASSERT(n2 == n);
		}
		regex_release(&re);
	}

	/* A quoted pattern matches the text itself. */
	if (fuzz_utf8_valid(pattern, strlen(pattern))) {
		struct regex lit = REGEX_INIT;
		size_t where = 1, wlen = 0, plen = strlen(pattern);

		regex_quote_meta(&q, pattern);
		if (regex_compile(&lit, q.buf, flags, &err) < 0)
			FUZZ_FAIL("quoted '%s' does not compile: %s", pattern,
				  err);
		FUZZ_ASSERT(regex_match(&lit, pattern, plen, &where, &wlen) == 1);
		FUZZ_ASSERT(where == 0 && wlen == plen);
		regex_release(&lit);
	}
	strbuf_release(&q);
	free(pattern);
	return 0;
}
