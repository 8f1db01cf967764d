/*
 * regex.c - compile and match PCRE2 patterns (see regex.h).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "common.h"
#include "regex.h"
#include "strbuf.h"
#include <pcre2.h>
#include <sys/mman.h>
#include <unistd.h>

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
	(void)pcre2_jit_compile(code,
				PCRE2_JIT_COMPLETE | PCRE2_JIT_PARTIAL_HARD);
}

int regex_compile(struct regex *re, const char *pattern, unsigned flags,
		  char **err)
{
	/*
	 * UTF mode is only used on subjects we checked are valid UTF-8
	 * (invalid ones use the byte-mode code below), so PCRE2 need not
	 * check them: PCRE2_MATCH_INVALID_UTF would make the interpreter scan
	 * the rest of the subject on every call.
	 */
	uint32_t opts = PCRE2_UTF;
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
	opts &= ~(uint32_t)PCRE2_UTF;
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

/*
 * A subject larger than regex_window is matched a window at a time:
 * pcre2_match() sees the subject up to the window's end with
 * PCRE2_PARTIAL_HARD, so a match that might run past the end is reported
 * as partial and retried with a larger window, and matches are exactly
 * those of one call over the whole subject (the subject pointer is always
 * the whole buffer, so lookbehind and ^ see what precedes a window).  For
 * a file mapping (REGEX_SUBJECT_MAPPED) the pages behind the window are
 * given back with MADV_DONTNEED, so matching a 1 GiB output needs about a
 * window of memory, not a gigabyte.
 */
#define LOOKBEHIND_KEEP ((size_t)64 << 10)
size_t regex_window = (size_t)32 << 20;

struct subject {
	const char *buf;
	size_t len;
	bool mapped;
	bool bytes;		   /* match in byte mode (invalid UTF-8) */
	size_t released;	   /* bytes from buf already given back */
	size_t win_start, win_end; /* the current window */
};

static void subject_release(struct subject *s, size_t upto)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t base = (uintptr_t)s->buf, stop;

	if (!s->mapped || page <= 0 || upto < LOOKBEHIND_KEEP)
		return;
	stop = (base + upto - LOOKBEHIND_KEEP) & ~((uintptr_t)page - 1);
	if (stop <= base + s->released || base % (uintptr_t)page)
		return;
	madvise((void *)(base + s->released), stop - base - s->released,
		MADV_DONTNEED);
	s->released = stop - base;
}

static bool utf8_continuation(char c)
{
	return ((unsigned char)c & 0xC0) == 0x80;
}

/*
 * A window end in [lo, hi]: after the last newline there, else at `hi`
 * moved forward to a character boundary; the subject's end when `hi`
 * reaches it.  lo > the window's start, so every window makes progress.
 */
static size_t window_end(const struct subject *s, size_t lo, size_t hi)
{
	const char *nl;
	size_t end;

	if (hi < lo)
		hi = lo;
	if (hi >= s->len)
		return s->len;
	nl = memrchr(s->buf + lo, '\n', hi - lo);
	if (nl)
		return (size_t)(nl - s->buf) + 1;
	end = hi;
	while (end < s->len && utf8_continuation(s->buf[end]))
		end++;
	return end;
}

/* A fresh window from `pos`: between half and all of regex_window. */
static size_t next_window(const struct subject *s, size_t pos)
{
	return window_end(s, pos + regex_window / 2 + 1, pos + regex_window);
}

static bool subject_utf8_valid(struct subject *s)
{
	size_t off = 0;

	while (off < s->len) {
		size_t cut = next_window(s, off);

		if (!utf8_valid(s->buf + off, cut - off))
			return false;
		subject_release(s, cut);
		off = cut;
	}
	return true;
}

/*
 * The first match starting at or after `pos`: 1, 0 (none) or -1.  The
 * current window is kept across calls (counting calls this once per
 * match), and only moves on once `pos` leaves it.
 */
static int find_next(const struct regex *re, struct subject *s, size_t pos,
		     size_t *ms, size_t *me)
{
	void *code = s->bytes ? re->code_bytes : re->code;
	void *md = s->bytes ? re->md_bytes : re->md;

	if (pos >= s->win_end && s->win_end < s->len) {
		subject_release(s, pos);
		s->win_start = pos;
		s->win_end = next_window(s, pos);
	}
	for (;;) {
		bool last = s->win_end == s->len;
		/* UTF mode only runs on subjects already checked valid, and
		 * windows end on character boundaries: no need to check again
		 * (it would cost the rest of the subject on every call). */
		uint32_t opts = (last ? 0 : PCRE2_PARTIAL_HARD) |
				(s->bytes ? 0 : PCRE2_NO_UTF_CHECK);
		int rc = pcre2_match(code, (PCRE2_SPTR)s->buf, s->win_end, pos,
				     opts, md, NULL);

		if (rc >= 0) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
			*ms = ov[0];
			*me = ov[1];
			return 1;
		}
		if (rc == PCRE2_ERROR_PARTIAL) {
			/*
			 * A match may start at ov[0] and run past the window:
			 * no match starts earlier (it would have been found
			 * first), so go on from there, with a window that
			 * reaches past this one's end, twice the partial's
			 * length if that is longer.
			 */
			size_t p = pcre2_get_ovector_pointer(md)[0];
			size_t len = s->win_end - (p > pos ? p : pos);

			pos = p > pos ? p : pos;
			subject_release(s, pos);
			s->win_start = pos;
			s->win_end = window_end(s, s->win_end + 1,
						pos + (2 * len > regex_window
							       ? 2 * len
							       : regex_window));
			continue;
		}
		if (rc != PCRE2_ERROR_NOMATCH)
			return -1;
		if (last)
			return 0;
		pos = s->win_end;
		subject_release(s, pos);
		s->win_start = pos;
		s->win_end = next_window(s, pos);
	}
}

static void subject_init(struct subject *s, const struct regex *re,
			 const char *buf, size_t len, unsigned mflags)
{
	s->buf = buf ? buf : "";
	s->len = buf ? len : 0;
	s->mapped = (mflags & REGEX_SUBJECT_MAPPED) != 0;
	s->released = 0;
	s->bytes = re->code_bytes && !subject_utf8_valid(s);
	s->released = 0; /* matching reads the subject again from the start */
	s->win_start = 0;
	s->win_end = next_window(s, 0);
}

int regex_match_ex(const struct regex *re, const char *buf, size_t len,
		   unsigned mflags, size_t *where, size_t *wlen)
{
	struct subject s;
	size_t ms, me;
	int rc;

	subject_init(&s, re, buf, len, mflags);
	rc = find_next(re, &s, 0, &ms, &me);
	if (rc == 1) {
		if (where)
			*where = ms;
		if (wlen)
			*wlen = me > ms ? me - ms : 0;
	}
	return rc;
}

int regex_match(const struct regex *re, const char *buf, size_t len,
		size_t *where, size_t *wlen)
{
	return regex_match_ex(re, buf, len, 0, where, wlen);
}

long regex_count_ex(const struct regex *re, const char *buf, size_t len,
		    unsigned mflags)
{
	struct subject s;
	size_t pos = 0, ms, me, prev_end = 0;
	long n = 0;
	bool have_prev = false;

	subject_init(&s, re, buf, len, mflags);
	while (pos <= s.len) {
		int rc = find_next(re, &s, pos, &ms, &me);

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
			while (!s.bytes && pos < s.len &&
			       ((unsigned char)s.buf[pos] & 0xC0) == 0x80)
				pos++;
		}
	}
	return n;
}

long regex_count(const struct regex *re, const char *buf, size_t len)
{
	return regex_count_ex(re, buf, len, 0);
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
