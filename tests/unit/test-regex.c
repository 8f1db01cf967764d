/*
 * test-regex.c - unit tests of the PCRE2 wrapper: multiline mode, error
 * messages with offsets, counting (empty matches), NULs and invalid UTF-8
 * in subjects, quoting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "common.h"
#include "regex.h"
#include "strbuf.h"

#include <sys/mman.h>
#include <unistd.h>

static void test_multiline(void **state UNUSED)
{
	struct regex re;
	char *err = NULL;
	const char *s = "one\ntwo\n";

	assert_int_equal(regex_compile(&re, "^two$", REGEX_MULTILINE, &err), 0);
	assert_int_equal(regex_match(&re, s, strlen(s), NULL, NULL), 1);
	regex_release(&re);
	assert_int_equal(regex_compile(&re, "^two$", 0, &err), 0);
	assert_int_equal(regex_match(&re, s, strlen(s), NULL, NULL), 0);
	regex_release(&re);
}

static void test_error(void **state UNUSED)
{
	struct regex re;
	char *err = NULL;

	assert_int_equal(regex_compile(&re, "a(b", 0, &err), -1);
	assert_non_null(strstr(err, "at offset 3"));
	assert_non_null(strstr(err, "'a(b'"));
	free(err);
}

static void test_count(void **state UNUSED)
{
	struct regex re;
	char *err = NULL;

	assert_int_equal(regex_compile(&re, "\\d+", 0, &err), 0);
	assert_int_equal(regex_count(&re, "1 22 333 x", 10), 3);
	regex_release(&re);
	assert_int_equal(regex_compile(&re, "x*", 0, &err), 0);
	/* empty matches at 0,1,2 and the end: as Go's FindAll */
	assert_int_equal(regex_count(&re, "abc", 3), 4);
	regex_release(&re);
	/* Go: "", "aaa", "" for a* on baaac (the empty match at 4 abuts) */
	assert_int_equal(regex_compile(&re, "a*", 0, &err), 0);
	assert_int_equal(regex_count(&re, "baaac", 5), 3);
	regex_release(&re);
	assert_int_equal(regex_compile(&re, "^", REGEX_MULTILINE, &err), 0);
	assert_int_equal(regex_count(&re, "a\nb\n", 4), 2);
	regex_release(&re);
}

static void test_bytes(void **state UNUSED)
{
	struct regex re;
	char *err = NULL;
	size_t at, n;
	const char s[] = "a\0b\xff\xfe"
			 "c\n";

	assert_false(utf8_valid(s, sizeof(s) - 1));
	assert_true(utf8_valid("h\xc3\xa9llo", 6));
	assert_int_equal(regex_compile(&re, "b.*c", 0, &err), 0);
	assert_int_equal(regex_match(&re, s, sizeof(s) - 1, &at, &n), 1);
	assert_int_equal(at, 2);
	assert_int_equal(n, 4);
	regex_release(&re);
	assert_int_equal(regex_compile(&re, "h.llo", 0, &err), 0);
	assert_int_equal(regex_match(&re, "h\xc3\xa9llo", 6, NULL, NULL), 1);
	regex_release(&re);
}

static void test_quote(void **state UNUSED)
{
	struct strbuf sb = STRBUF_INIT;

	regex_quote_meta(&sb, "a.b*(c)$");
	assert_string_equal(sb.buf, "a\\.b\\*\\(c\\)\\$");
	strbuf_release(&sb);
}

/*
 * Subjects past the window give the same answers as one big match.  The
 * window is made small (64 KiB) so the subjects can be, and matches cross
 * many window ends.
 */
#define W   ((size_t)64 << 10)
#define BIG (W * 5 / 2)

static char *big_buf(char fill)
{
	char *b = xmalloc(BIG + 1);

	memset(b, fill, BIG);
	b[BIG] = '\0';
	return b;
}

static int match1(const char *pat, const char *buf, size_t len, size_t *at)
{
	struct regex re = REGEX_INIT;
	char *err = NULL;
	size_t wlen;
	int r;

	assert_int_equal(regex_compile(&re, pat, REGEX_MULTILINE, &err), 0);
	r = regex_match(&re, buf, len, at, &wlen);
	regex_release(&re);
	return r;
}

static void test_window_boundaries(void **state UNUSED)
{
	char *b = big_buf('x');

	regex_window = W;
	size_t at = 0;

	/* A match straddling the first window's end (no newline to cut at). */
	memcpy(b + W - 3, "NEEDLE", 6);
	assert_int_equal(match1("NEEDLE", b, BIG, &at), 1);
	assert_int_equal(at, W - 3);
	memset(b + W - 3, 'x', 6);

	/* `$` must not match where a window was cut: y is followed by z. */
	b[W - 1] = 'y';
	b[W] = 'z';
	assert_int_equal(match1("y$", b, BIG, &at), 0);
	assert_int_equal(match1("yz", b, BIG, &at), 1);
	assert_int_equal(at, W - 1);
	/* Lookbehind sees what precedes a window. */
	assert_int_equal(match1("(?<=y)z", b, BIG, &at), 1);
	assert_int_equal(at, W);
	b[W - 1] = b[W] = 'x';

	/* A greedy match that runs across two windows ends where it must. */
	b[10] = 'A';
	memset(b + 11, 'b', W + 100);
	b[W + 111] = 'C';
	assert_int_equal(match1("Ab+C", b, BIG, &at), 1);
	assert_int_equal(at, 10);

	/* On one long line, a match that could end at any window's end
	 * (`$`) must not make the window grow to the whole subject: it is
	 * found at the real end, and only there. */
	memset(b, 'x', BIG);
	assert_int_equal(match1("xxxx$", b, BIG, &at), 1);
	assert_int_equal(at, BIG - 4);
	assert_int_equal(match1("xxxxy$", b, BIG, &at), 0);

	/* One invalid byte at the very end puts the whole subject in byte
	 * mode, where `.` matches it (as in Go). */
	memset(b, 'x', BIG);
	b[BIG - 1] = (char)0xff;
	assert_int_equal(match1("x.$", b, BIG, &at), 1);
	assert_int_equal(at, BIG - 2);
	free(b);
	regex_window = (size_t)32 << 20;
}

static void test_window_count(void **state UNUSED)
{
	size_t line = 64, lines = BIG / line;
	char *b = big_buf('-');
	struct regex re = REGEX_INIT;
	char *err = NULL;

	regex_window = W;
	for (size_t i = 0; i < lines; i++) {
		b[i * line] = 'm';
		b[i * line + line - 1] = '\n';
	}
	assert_int_equal(regex_compile(&re, "^m", REGEX_MULTILINE, &err), 0);
	assert_int_equal(regex_count(&re, b, BIG), (long)lines);
	regex_release(&re);
	assert_int_equal(regex_compile(&re, "-\n", REGEX_MULTILINE, &err), 0);
	assert_int_equal(regex_count(&re, b, BIG), (long)lines);
	regex_release(&re);
	free(b);
	regex_window = (size_t)32 << 20;
}

static long rss_kb(void)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	long kb = -1;

	if (strbuf_read_file(&sb, "/proc/self/status", 0) > 0 &&
	    (p = strstr(sb.buf, "VmRSS:")))
		kb = strtol(p + 6, NULL, 10);
	strbuf_release(&sb);
	return kb;
}

/* A mapped 128 MiB output matched at its end leaves RSS near a window. */
static void test_mapped_rss(void **state UNUSED)
{
	char path[] = "/tmp/ordeal-unit-regex-XXXXXX";
	size_t len = (size_t)128 << 20;
	int fd = mkstemp(path);
	struct regex re = REGEX_INIT;
	char *err = NULL, *block = xmalloc(1 << 20), *map;
	size_t at;
	long before, after;

	assert_true(fd >= 0);
	unlink(path); /* nothing left behind, even when an assertion fails */
	memset(block, 'q', 1 << 20); /* one 128 MiB line, as a flood prints */
	for (size_t i = 0; i < len >> 20; i++)
		assert_true(write_in_full(fd, block, 1 << 20) == 1 << 20);
	assert_true(write_in_full(fd, "END\n", 4) == 4); /* "qqq...qEND\n" */
	map = mmap(NULL, len + 4, PROT_READ, MAP_PRIVATE, fd, 0);
	assert_true(map != MAP_FAILED);
	assert_int_equal(regex_compile(&re, "qEND$", REGEX_MULTILINE, &err), 0);
	before = rss_kb();
	assert_int_equal(regex_match_ex(&re, map, len + 4, REGEX_SUBJECT_MAPPED,
					&at, NULL),
			 1);
	assert_int_equal(at, len - 1);
	after = rss_kb();
	if (before >= 0 && after >= 0) /* /proc is there: Linux */
		assert_true(after - before < 96 * 1024);
	regex_release(&re);
	munmap(map, len + 4);
	close(fd);
	free(block);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multiline),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_window_boundaries),
		cmocka_unit_test(test_window_count),
		cmocka_unit_test(test_mapped_rss),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
