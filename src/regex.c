/*
 * regex.c - compile and match PCRE2 patterns (see regex.h).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "common.h"
#include "regex.h"
#include "strbuf.h"
#include <pcre2.h>

/*
 * PCRE2's JIT code reads subjects with 16-byte vector loads that may pass
 * the end of the buffer (harmlessly, within the page): valgrind reports
 * them.  Under valgrind, match with the interpreter instead.
 */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define HAVE_VALGRIND_H 1
#endif
#endif

static void jit_compile(pcre2_code *code)
{
#ifdef HAVE_VALGRIND_H
	if (RUNNING_ON_VALGRIND)
		return;
#endif
	/* JIT is an optimisation: without it matching still works. */
	(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
}

int regex_compile(struct regex *re, const char *pattern, unsigned flags,
		  char **err)
{
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *code;

	re->code = re->md = re->code_bytes = re->md_bytes = NULL;
	if (flags & REGEX_MULTILINE)
		opts |= PCRE2_MULTILINE;
	if (flags & REGEX_CASELESS)
		opts |= PCRE2_CASELESS;
	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts,
			     &errcode, &erroff, NULL);
	if (!code) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(errcode, msg, sizeof(msg));
		*err = xstrfmt("bad regex '%s': %s at offset %zu", pattern,
			       (char *)msg, (size_t)erroff);
		return -1;
	}
	jit_compile(code);
	re->code = code;
	re->md = pcre2_match_data_create_from_pattern(code, NULL);
	/* Byte mode, for subjects with invalid UTF-8 (may fail: \x{100}). */
	opts &= ~(uint32_t)(PCRE2_UTF | PCRE2_MATCH_INVALID_UTF);
	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts,
			     &errcode, &erroff, NULL);
	if (code) {
		jit_compile(code);
		re->code_bytes = code;
		re->md_bytes = pcre2_match_data_create_from_pattern(code, NULL);
	}
	return 0;
}

bool utf8_valid(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf, *end = p + len;

	while (p < end) {
		unsigned c = *p;
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3, cp = c & 0x07;
		else
			return false;
		if ((size_t)(end - p) <= n)
			return false;
		for (size_t i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if ((n == 2 &&
		     (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return false;
		p += n + 1;
	}
	return true;
}

static int match_at(const struct regex *re, const char *buf, size_t len,
		    size_t start, bool bytes, size_t *ms, size_t *me)
{
	void *md = bytes ? re->md_bytes : re->md;
	int rc = pcre2_match(bytes ? re->code_bytes : re->code, (PCRE2_SPTR)buf,
			     len, start, 0, md, NULL);
	PCRE2_SIZE *ov;

	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return -1;
	ov = pcre2_get_ovector_pointer(md);
	*ms = ov[0];
	*me = ov[1];
	return 1;
}

int regex_match(const struct regex *re, const char *buf, size_t len,
		size_t *where, size_t *wlen)
{
	size_t ms, me;
	int rc;
	bool bytes;

	if (!buf)
		buf = "";
	bytes = re->code_bytes && !utf8_valid(buf, len);
	rc = match_at(re, buf, len, 0, bytes, &ms, &me);
	if (rc == 1) {
		if (where)
			*where = ms;
		if (wlen)
			*wlen = me > ms ? me - ms : 0;
	}
	return rc;
}

long regex_count(const struct regex *re, const char *buf, size_t len)
{
	size_t pos = 0, ms, me, prev_end = 0;
	long n = 0;
	bool have_prev = false;
	bool bytes;

	if (!buf)
		buf = "";
	bytes = re->code_bytes && !utf8_valid(buf, len);
	while (pos <= len) {
		int rc = match_at(re, buf, len, pos, bytes, &ms, &me);

		if (rc < 0)
			return -1;
		if (!rc)
			break;
		/* As Go's FindAll: an empty match right after a match is
		 * not counted. */
		if (me > ms || !have_prev || ms != prev_end)
			n++;
		have_prev = me > ms;
		prev_end = me;
		if (me > ms) {
			pos = me;
		} else {
			/* Empty match: step over one (possibly UTF-8) char. */
			pos = me + 1;
			while (!bytes && pos < len &&
			       ((unsigned char)buf[pos] & 0xC0) == 0x80)
				pos++;
		}
	}
	return n;
}

void regex_release(struct regex *re)
{
	if (re->md)
		pcre2_match_data_free(re->md);
	if (re->code)
		pcre2_code_free(re->code);
	if (re->md_bytes)
		pcre2_match_data_free(re->md_bytes);
	if (re->code_bytes)
		pcre2_code_free(re->code_bytes);
	re->code = re->md = re->code_bytes = re->md_bytes = NULL;
}

void regex_quote_meta(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\.+*?()|[]{}^$", *s))
			strbuf_addch(out, '\\');
		strbuf_addch(out, *s);
	}
}
