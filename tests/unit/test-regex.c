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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multiline), cmocka_unit_test(test_error),
		cmocka_unit_test(test_count),	  cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_quote),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
