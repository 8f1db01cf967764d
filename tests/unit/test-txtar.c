/*
 * test-txtar.c - unit tests of the txtar parser: marker rules, final
 * newlines, offsets for in-place updates, formatting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "common.h"
#include "strbuf.h"
#include "txtar.h"

static void parse(struct txtar *ar, const char *s)
{
	txtar_parse(ar, s, strlen(s));
}

static void test_comment_only(void **state UNUSED)
{
	struct txtar ar;

	parse(&ar, "echo hi\nstdout hi");
	assert_int_equal(ar.nr, 0);
	assert_string_equal(ar.comment, "echo hi\nstdout hi\n");
	txtar_clear(&ar);
	parse(&ar, "");
	assert_int_equal(ar.comment_len, 0);
	assert_int_equal(ar.nr, 0);
	txtar_clear(&ar);
}

static void test_files(void **state UNUSED)
{
	struct txtar ar;

	parse(&ar, "cmd\n-- a.txt --\nA\n--  b c  --\r\nB1\nB2");
	assert_string_equal(ar.comment, "cmd\n");
	assert_int_equal(ar.nr, 2);
	assert_string_equal(ar.files[0].name, "a.txt");
	assert_string_equal(ar.files[0].data, "A\n");
	assert_int_equal(ar.files[0].line, 2);
	assert_string_equal(ar.files[1].name, "b c");
	/* missing final newline added */
	assert_string_equal(ar.files[1].data, "B1\nB2\n");
	assert_int_equal(ar.files[1].line, 4);
	txtar_clear(&ar);
}

static void test_not_markers(void **state UNUSED)
{
	struct txtar ar;

	/* "-- x ---", an empty name, no space, too short: not markers */
	parse(&ar, "-- x ---\n--  --\n--x --\n-- --\n---- y\n");
	assert_int_equal(ar.nr, 0);
	assert_int_equal(ar.comment_len, strlen(ar.comment));
	txtar_clear(&ar);
	assert_false(txtar_is_marker("-- x ---", 8, NULL));
	assert_true(txtar_is_marker("-- x --", 7, NULL));
	assert_true(txtar_is_marker("-- x --\r", 8, NULL));
	assert_false(txtar_is_marker(" -- x --", 8, NULL));
}

static void test_empty_file_and_offsets(void **state UNUSED)
{
	const char *s = "c\n-- e --\n-- f --\nxy\n";
	struct txtar ar;

	parse(&ar, s);
	assert_int_equal(ar.nr, 2);
	assert_int_equal(ar.files[0].len, 0);
	assert_string_equal(ar.files[1].data, "xy\n");
	assert_int_equal(ar.files[1].data_off, strlen("c\n-- e --\n-- f --\n"));
	assert_int_equal(ar.files[1].data_end, strlen(s));
	assert_int_equal(ar.files[0].data_off, ar.files[0].data_end);
	txtar_clear(&ar);
}

static void test_nul_bytes(void **state UNUSED)
{
	const char s[] = "a\0b\n-- f --\nx\0y\n";
	struct txtar ar;

	txtar_parse(&ar, s, sizeof(s) - 1);
	assert_int_equal(ar.comment_len, 4);
	assert_int_equal(ar.nr, 1);
	assert_int_equal(ar.files[0].len, 4);
	assert_memory_equal(ar.files[0].data, "x\0y\n", 4);
	txtar_clear(&ar);
}

static void test_format_roundtrip(void **state UNUSED)
{
	const char *s = "script\n-- a --\n1\n-- b/c --\n2\n";
	struct strbuf out = STRBUF_INIT;
	struct txtar ar;

	parse(&ar, s);
	txtar_format(&out, &ar);
	assert_string_equal(out.buf, s);
	assert_true(txtar_needs_quote("x\n-- y --\n", 10));
	assert_false(txtar_needs_quote("x\n-- y ---\n", 11));
	strbuf_release(&out);
	txtar_clear(&ar);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_comment_only),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_not_markers),
		cmocka_unit_test(test_empty_file_and_offsets),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_format_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
