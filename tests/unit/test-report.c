/*
 * test-report.c - unit tests of the reporters' pure helpers (terminal-safe
 * text, TAP escaping, YAML strings, XML text, safe directory names, output
 * tails) and of the TAP and text reporters driven with made-up results
 * written to memory streams; report.json written and read back
 * (--rerun-failed) with hostile names; JUnit XML escaping.
 */
#include "common.h"
#include "report.h"
#include "strbuf.h"
#include "strvec.h"

#include <setjmp.h>
#include <cmocka.h>
#include "unit.h"

#define FFFD "\xef\xbf\xbd"

static char *printable(const char *s, size_t len, bool nl)
{
	struct strbuf sb = STRBUF_INIT;

	report_printable(&sb, s, len, nl);
	return strbuf_detach(&sb, NULL);
}

static void test_printable(void **state)
{
	char *p;

	(void)state;
	p = printable("plain text", 10, false);
	assert_string_equal(p, "plain text");
	free(p);
	/* ESC, CR, NUL, DEL and a C1 CSI never reach the terminal. */
	p = printable("a\033[31mb\rc\0d\x7f"
		      "e\xc2\x9b"
		      "f",
		      16, false);
	assert_string_equal(p, "a" FFFD "[31mb" FFFD "c" FFFD "d" FFFD "e" FFFD
			       "f");
	free(p);
	p = printable("x\ny\tz", 5, false);
	assert_string_equal(p, "x" FFFD "y\tz");
	free(p);
	p = printable("x\ny", 3, true);
	assert_string_equal(p, "x\ny");
	free(p);
	p = printable("dos\r\nline\r", 10, true);
	assert_string_equal(p, "dos\nline" FFFD);
	free(p);
	/* Invalid UTF-8 becomes U+FFFD; valid multibyte text stays. */
	p = printable("\xff\xfe ok \xc3\xa9", 8, false);
	assert_non_null(strstr(p, " ok \xc3\xa9"));
	assert_null(strchr(p, '\xff'));
	free(p);
}

static void test_tap_escape(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	report_tap_escape(&sb, "a#b\\c d");
	assert_string_equal(sb.buf, "a\\#b\\\\c d");
	strbuf_reset(&sb);
	report_tap_escape(&sb, "two\nlines");
	assert_string_equal(sb.buf, "two" FFFD "lines");
	strbuf_release(&sb);
}

static void test_yaml_quote(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	report_yaml_quote(&sb, "say \"hi\"\\\n\tend", 14);
	assert_string_equal(sb.buf, "\"say \\\"hi\\\"\\\\\\n\\tend\"");
	strbuf_reset(&sb);
	report_yaml_quote(&sb, "\033x", 2);
	assert_string_equal(sb.buf, "\"" FFFD "x\"");
	strbuf_release(&sb);
}

static void test_xml_escape(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	report_xml_escape(&sb, "<a href='x'>&\"]]></a>", 21);
	assert_string_equal(sb.buf, "&lt;a href=&apos;x&apos;&gt;&amp;&quot;"
				    "]]&gt;&lt;/a&gt;");
	strbuf_reset(&sb);
	/* Forbidden controls are replaced, not escaped; CR is kept. */
	report_xml_escape(&sb,
			  "a\x01"
			  "b\0c\rd\xff",
			  8);
	assert_string_equal(sb.buf, "a" FFFD "b" FFFD "c&#13;d" FFFD);
	strbuf_release(&sb);
}

static void test_safe_name(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	char long_name[300];

	(void)state;
	report_safe_name(&a, "plain-name_1.sh");
	assert_string_equal(a.buf, "plain-name_1.sh");
	strbuf_reset(&a);
	/* Changed names get a hash: "a b" and "a_b" do not collide. */
	report_safe_name(&a, "a b");
	report_safe_name(&b, "a_b");
	assert_string_not_equal(a.buf, b.buf);
	assert_true(strbuf_starts_with(&a, "a_b-"));
	strbuf_reset(&a);
	report_safe_name(&a, "../etc/passwd");
	assert_null(strchr(a.buf, '/'));
	assert_true(a.buf[0] != '.');
	strbuf_reset(&a);
	report_safe_name(&a, "");
	assert_true(a.len > 0);
	strbuf_reset(&a);
	report_safe_name(&a, "<&>\"']]>#\\ \xff");
	for (size_t i = 0; i < a.len; i++)
		assert_non_null(strchr("abcdefghijklmnopqrstuvwxyz"
				       "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "0123456789._-",
				       a.buf[i]));
	strbuf_reset(&a);
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	report_safe_name(&a, long_name);
	assert_true(a.len <= 80 + 9);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void test_tail_offset(void **state)
{
	const char *s = "1\n2\n3\n4\n";

	(void)state;
	assert_int_equal(report_tail_offset(s, 8, 2), 4);
	assert_int_equal(report_tail_offset(s, 8, 4), 0);
	assert_int_equal(report_tail_offset(s, 8, 10), 0);
	assert_int_equal(report_tail_offset("a\nb", 3, 1), 2);
	assert_int_equal(report_tail_offset("", 0, 3), 0);
}

static void test_result_names(void **state)
{
	(void)state;
	assert_string_equal(report_result_name(REPORT_PASS), "PASS");
	assert_string_equal(report_result_name(REPORT_FAIL), "FAIL");
	assert_string_equal(report_result_name(REPORT_SKIP), "SKIP");
	assert_string_equal(report_result_name(REPORT_FLAKY), "FLAKY");
}

/* Drive one reporter over three made-up tests; returns what it wrote. */
static char *drive(struct reporter *r, FILE *fp, char **buf)
{
	struct report_run run = {.seed = 42,
				 .total = 3,
				 .tap_version = 13,
				 .passed = 1,
				 .failed = 1,
				 .skipped = 1};
	struct report_test t[3] = {
		{.name = "ok#1",
		 .result = REPORT_PASS,
		 .ran = true,
		 .attempts = 1,
		 .dir = "tests/ok_1-x"},
		{.name = "bad\\one",
		 .result = REPORT_FAIL,
		 .ran = true,
		 .attempts = 2,
		 .reason = "exit status 1"},
		{.name = "skipped",
		 .result = REPORT_SKIP,
		 .reason = "requires root"},
	};

	t[0].res.exited = t[1].res.exited = true;
	t[1].res.exit_code = 1;
	r->ops->begin ? r->ops->begin(r, &run) : (void)0;
	for (int i = 0; i < 3; i++)
		r->ops->test_finished(r, &t[i]);
	r->ops->end(r, &run, t, 3);
	r->ops->free(r);
	fclose(fp);
	return *buf;
}

static void test_tap_reporter(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	char *out;

	(void)state;
	out = drive(report_tap_new(fp), fp, &buf);
	assert_true(!strncmp(out, "TAP version 13\n1..3\n", 20));
	assert_non_null(strstr(out, "\nok 1 - ok\\#1\n"));
	assert_non_null(strstr(out, "\nnot ok 2 - bad\\\\one\n  ---\n"));
	assert_non_null(strstr(out, "  message: \"exit status 1\"\n"));
	assert_non_null(strstr(out, "  attempts: 2\n"));
	assert_non_null(strstr(out, "\nok 3 - skipped # SKIP requires root\n"));
	free(out);
}

static void test_text_reporter(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	char *out;

	(void)state;
	out = drive(report_text_new(fp, NULL, 5, false, false), fp, &buf);
	assert_non_null(strstr(out, "PASS ok#1 ("));
	assert_non_null(strstr(out, "FAIL bad\\one ("));
	assert_non_null(strstr(out, "SKIP skipped: requires root\n"));
	assert_non_null(
		strstr(out, "\nordeal: 1 passed, 1 failed, 1 skipped\n"));
	free(out);
}

/* Hostile names; the FAIL ones must come back exactly. */
static struct report_test hostile[] = {
	{.name = "a#b \"q\" <&> ]]>",
	 .result = REPORT_FAIL,
	 .ran = true,
	 .attempts = 1,
	 .reason = "exit status 1"},
	{.name = "ok/one", .result = REPORT_PASS, .ran = true, .attempts = 1},
	{.name = "bad\xff\x01utf8",
	 .result = REPORT_FAIL,
	 .ran = true,
	 .attempts = 2,
	 .reason = "timed out after 1s"},
	{.name = "flaky", .result = REPORT_FLAKY, .ran = true, .attempts = 2},
	{.name = "a#b \"q\" <&> ]]>",
	 .result = REPORT_FAIL,
	 .ran = true,
	 .attempts = 1,
	 .instance = 2},
};

static void test_json_round_trip(void **state)
{
	struct report_run run = {.seed = UINT64_MAX, .total = 5, .failed = 3};
	struct strvec names = STRVEC_INIT, paths = STRVEC_INIT;
	char *path = unit_path("report.json");
	struct reporter *r = report_json_new(path);

	(void)state;
	assert_int_equal(r->ops->end(r, &run, hostile, ARRAY_SIZE(hostile)), 0);
	r->ops->free(r);
	assert_int_equal(report_read_failed(path, &names, &paths), 0);
	/* Each failed name once; invalid UTF-8 became U+FFFD, \x01 kept. */
	assert_int_equal(names.nr, 2);
	assert_string_equal(names.v[0], hostile[0].name);
	assert_string_equal(names.v[1], "bad" FFFD "\x01utf8");
	assert_string_equal(paths.v[0], "");
	strvec_clear(&names);
	strvec_clear(&paths);
	free(path);
}

static void test_read_failed_errors(void **state)
{
	struct strvec names = STRVEC_INIT, paths = STRVEC_INIT;
	char *missing = unit_path("nope.json"), *bad = unit_path("bad.json");

	(void)state;
	assert_int_equal(report_read_failed(missing, &names, &paths), -1);
	unit_write(bad, "{\"tests\": [", 11);
	assert_int_equal(report_read_failed(bad, &names, &paths), -1);
	unit_write(bad, "{\"tests\": 3}", 12);
	assert_int_equal(report_read_failed(bad, &names, &paths), -1);
	assert_int_equal(names.nr, 0);
	free(missing);
	free(bad);
}

static void test_junit_escaping(void **state)
{
	struct report_run run = {.seed = 7, .total = 5, .failed = 3};
	char *path = unit_path("junit.xml");
	struct reporter *r = report_junit_new(path);
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(r->ops->end(r, &run, hostile, ARRAY_SIZE(hostile)), 0);
	r->ops->free(r);
	assert_true(strbuf_read_file(&sb, path, 0) > 0);
	assert_non_null(strstr(sb.buf, "name=\"a#b &quot;q&quot; &lt;&amp;&gt; "
				       "]]&gt;\""));
	assert_non_null(strstr(sb.buf, "name=\"bad" FFFD FFFD "utf8\""));
	assert_null(strstr(sb.buf, "]]>"));
	assert_null(strchr(sb.buf, '\x01'));
	assert_non_null(strstr(sb.buf, "<failure message=\"timed out after "
				       "1s\""));
	strbuf_release(&sb);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_tap_escape),
		cmocka_unit_test(test_yaml_quote),
		cmocka_unit_test(test_xml_escape),
		cmocka_unit_test(test_safe_name),
		cmocka_unit_test(test_tail_offset),
		cmocka_unit_test(test_result_names),
		cmocka_unit_test(test_tap_reporter),
		cmocka_unit_test(test_text_reporter),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_read_failed_errors),
		cmocka_unit_test(test_junit_escaping),
	};

	return cmocka_run_group_tests(tests, unit_setup_tmpdir,
				      unit_teardown_tmpdir);
}
