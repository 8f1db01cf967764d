/*
 * test-diff.c - unit tests of the unified diff: equal texts, single
 * changes, hunks with context, separate hunks, missing final newlines,
 * and the bounded fallback for huge edit distances.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "common.h"
#include "diff.h"
#include "strbuf.h"

static char *run_diff(const char *a, const char *b, int ctx)
{
	struct strbuf out = STRBUF_INIT;

	diff_unified(&out, "a", a, strlen(a), "b", b, strlen(b), ctx);
	return strbuf_detach(&out, NULL);
}

static void test_equal(void **state UNUSED)
{
	struct strbuf out = STRBUF_INIT;

	assert_int_equal(diff_unified(&out, "a", "x\n", 2, "b", "x\n", 2, 3),
			 0);
	assert_int_equal(out.len, 0);
	assert_int_equal(diff_unified(&out, "a", "", 0, "b", "", 0, 3), 0);
}

static void test_one_change(void **state UNUSED)
{
	char *d = run_diff("1\n2\n3\n", "1\nX\n3\n", 3);

	assert_string_equal(d,
			    "--- a\n+++ b\n@@ -1,3 +1,3 @@\n 1\n-2\n+X\n 3\n");
	free(d);
}

static void test_add_and_delete(void **state UNUSED)
{
	char *d = run_diff("", "new\n", 3);

	assert_string_equal(d, "--- a\n+++ b\n@@ -0,0 +1 @@\n+new\n");
	free(d);
	d = run_diff("old\n", "", 3);
	assert_string_equal(d, "--- a\n+++ b\n@@ -1 +0,0 @@\n-old\n");
	free(d);
}

static void test_two_hunks(void **state UNUSED)
{
	const char *a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
	const char *b = "X\n2\n3\n4\n5\n6\n7\n8\n9\nY\n";
	char *d = run_diff(a, b, 1);

	assert_string_equal(d, "--- a\n+++ b\n"
			       "@@ -1,2 +1,2 @@\n-1\n+X\n 2\n"
			       "@@ -9,2 +9,2 @@\n 9\n-10\n+Y\n");
	free(d);
	/* with 3 lines of context the hunks merge only when close */
	d = run_diff("1\n2\n3\n4\n", "X\n2\n3\nY\n", 3);
	assert_string_equal(d, "--- a\n+++ b\n@@ -1,4 +1,4 @@\n"
			       "-1\n+X\n 2\n 3\n-4\n+Y\n");
	free(d);
}

static void test_no_final_newline(void **state UNUSED)
{
	char *d = run_diff("a\nb", "a\nb\n", 3);

	assert_string_equal(d, "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n"
			       "\\ No newline at end of file\n+b\n");
	free(d);
}

static void test_minimal(void **state UNUSED)
{
	/* Myers finds the one insertion, not a rewrite. */
	char *d = run_diff("a\nb\nc\nd\n", "a\nb\nX\nc\nd\n", 0);

	assert_string_equal(d, "--- a\n+++ b\n@@ -2,0 +3 @@\n+X\n");
	free(d);
}

static void test_huge_fallback(void **state UNUSED)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, out = STRBUF_INIT;
	size_t minus = 0, plus = 0;

	for (int i = 0; i < 5000; i++) {
		strbuf_addf(&a, "a%d\n", i);
		strbuf_addf(&b, "b%d\n", i);
	}
	assert_int_equal(
		diff_unified(&out, "a", a.buf, a.len, "b", b.buf, b.len, 3), 1);
	for (size_t i = 0; i + 1 < out.len; i++)
		if (out.buf[i] == '\n') {
			minus += out.buf[i + 1] == '-';
			plus += out.buf[i + 1] == '+';
		}
	/* the "+++ b" header follows a newline: one more '+' line */
	assert_int_equal(minus, 5000);
	assert_int_equal(plus, 5001);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_one_change),
		cmocka_unit_test(test_add_and_delete),
		cmocka_unit_test(test_two_hunks),
		cmocka_unit_test(test_no_final_newline),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_huge_fallback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
