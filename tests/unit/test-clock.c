/*
 * test-clock.c - unit tests of clock: Go-style duration parsing (units,
 * fractions, compound values, a bare number as seconds) and its refusals
 * (empty, negative, unknown unit, missing number, overflow), duration
 * formatting for humans, the three timestamp formats, and the monotonic
 * clock moving forward.
 */
#include "common.h"
#include "clock.h"
#include "strbuf.h"

#include <setjmp.h>
#include <cmocka.h>
#include <time.h>

static int setup(void **state)
{
	(void)state;
	/* timestamp_format_rfc3339 may use local time: pin it. */
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

static void check_parse(const char *s, int64_t want)
{
	int64_t ns = -12345;

	if (duration_parse(s, &ns) != 0)
		fail_msg("duration_parse('%s') failed", s);
	if (ns != want)
		fail_msg("duration_parse('%s') = %lld, want %lld", s,
			 (long long)ns, (long long)want);
}

static void check_bad(const char *s)
{
	int64_t ns = 0;

	if (duration_parse(s, &ns) != -1)
		fail_msg("duration_parse('%s') accepted (%lld ns)", s,
			 (long long)ns);
}

static void test_parse_units(void **state)
{
	(void)state;
	check_parse("150ms", 150 * NS_PER_MS);
	check_parse("2s", 2 * NS_PER_SEC);
	check_parse("10m", 600 * NS_PER_SEC);
	check_parse("1h", 3600 * NS_PER_SEC);
	check_parse("100us", 100 * NS_PER_US);
	check_parse("250ns", 250);
	check_parse("0s", 0);
	check_parse("0", 0);
}

static void test_parse_compound_and_fractions(void **state)
{
	(void)state;
	check_parse("1h30m", 5400 * NS_PER_SEC);
	check_parse("1h30m15s", 5415 * NS_PER_SEC);
	check_parse("2m3s500ms", 123500 * NS_PER_MS);
	check_parse("1.5s", 1500 * NS_PER_MS);
	check_parse("0.5ms", 500 * NS_PER_US);
	check_parse("1.5h", 5400 * NS_PER_SEC);
	check_parse(".5s", 500 * NS_PER_MS);
	check_parse("1.000000001s", NS_PER_SEC + 1);
}

static void test_parse_bare_seconds(void **state)
{
	(void)state;
	check_parse("3", 3 * NS_PER_SEC);
	check_parse("30", 30 * NS_PER_SEC);
	check_parse("2.5", 2500 * NS_PER_MS);
}

static void test_parse_large(void **state)
{
	(void)state;
	/* 2562047h is just below INT64_MAX nanoseconds (about 292 years). */
	check_parse("2562047h", 2562047LL * 3600 * NS_PER_SEC);
	check_parse("9223372036854775807ns", INT64_MAX);
}

static void test_parse_bad(void **state)
{
	(void)state;
	check_bad("");
	check_bad("-1s");
	check_bad("-0.5s");
	check_bad("1x");
	check_bad("s");
	check_bad("ms");
	check_bad("1s2"); /* a number without a unit after a unit */
	check_bad("1.2.3s");
	check_bad("abc");
	check_bad("1 s");
	check_bad("1sms");
	check_bad("2562048h"); /* overflow */
	check_bad("9223372036854775808ns");
	check_bad("99999999999999999999s");
	check_bad("1000000000000h");
}

static void check_format(int64_t ns, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "<");
	duration_format(&sb, ns);
	if (strcmp(sb.buf + 1, want))
		fail_msg("duration_format(%lld) = '%s', want '%s'",
			 (long long)ns, sb.buf + 1, want);
	assert_string_equal(duration_str(ns), want);
	strbuf_release(&sb);
}

static void test_format(void **state)
{
	(void)state;
	check_format(0, "0s");
	check_format(150 * NS_PER_MS, "150ms");
	check_format(1200 * NS_PER_MS, "1.2s");
	check_format(2 * NS_PER_SEC, "2s");
	check_format(220 * NS_PER_SEC, "3m40s");
	check_format(3723 * NS_PER_SEC, "1h2m3s");
	check_format(3600 * NS_PER_SEC, "1h0m0s");
	check_format(60 * NS_PER_SEC, "1m0s");
}

/* Whatever the rounding, a formatted duration parses back to about it. */
static void test_format_parses_back(void **state)
{
	static const int64_t values[] = {
		2 * NS_PER_MS + 345678,
		999 * NS_PER_MS,
		999500 * NS_PER_US, /* rounds up to a whole second */
		NS_PER_SEC - 1,
		60 * NS_PER_SEC - 1, /* rounds up to a whole minute */
		3600 * NS_PER_SEC - 1,
		1234567890,
		59 * NS_PER_SEC + 999 * NS_PER_MS,
		61 * NS_PER_SEC,
		7322 * NS_PER_SEC + 5 * NS_PER_MS,
		100LL * 3600 * NS_PER_SEC,
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
		struct strbuf sb = STRBUF_INIT;
		int64_t back, v = values[i], diff;

		duration_format(&sb, v);
		if (duration_parse(sb.buf, &back) != 0)
			fail_msg("'%s' (from %lld) does not parse", sb.buf,
				 (long long)v);
		diff = back > v ? back - v : v - back;
		/* Rounded for humans: within 5%. */
		if (diff > v / 20)
			fail_msg("%lld -> '%s' -> %lld", (long long)v, sb.buf,
				 (long long)back);
		strbuf_release(&sb);
	}
}

static void test_timestamps(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	int64_t t = 1667584742525007707LL; /* 2022-11-04 17:59:02.525007707 */

	(void)state;
	timestamp_format_utc(&sb, t);
	assert_string_equal(sb.buf, "2022-11-04 17:59:02.525007707 UTC");
	strbuf_reset(&sb);
	timestamp_format_iso(&sb, t);
	assert_string_equal(sb.buf, "2022-11-04T17:59:02.525Z");
	strbuf_reset(&sb);
	timestamp_format_rfc3339(&sb, t);
	assert_true(strbuf_starts_with(&sb, "2022-11-04T17:59:02.525007707"));
	assert_true(!strcmp(sb.buf + 29, "Z") ||
		    !strcmp(sb.buf + 29, "+00:00"));
	strbuf_reset(&sb);
	timestamp_format_utc(&sb, 0);
	assert_string_equal(sb.buf, "1970-01-01 00:00:00.000000000 UTC");
	strbuf_reset(&sb);
	timestamp_format_iso(&sb, 999999999);
	assert_string_equal(sb.buf, "1970-01-01T00:00:00.999Z");
	strbuf_release(&sb);
}

static void test_clocks(void **state)
{
	volatile int stop = 0;
	int64_t a, b, wall;

	(void)state;
	a = clock_now_ns();
	clock_sleep_ns(20 * NS_PER_MS, &stop);
	b = clock_now_ns();
	assert_true(a > 0);
	assert_true(b - a >= 20 * NS_PER_MS);
	wall = clock_wall_ns();
	/* After 2020-01-01 and before 2200. */
	assert_true(wall > 1577836800LL * NS_PER_SEC);
	assert_true(wall < 7258118400LL * NS_PER_SEC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_units),
		cmocka_unit_test(test_parse_compound_and_fractions),
		cmocka_unit_test(test_parse_bare_seconds),
		cmocka_unit_test(test_parse_large),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_parses_back),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_clocks),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
