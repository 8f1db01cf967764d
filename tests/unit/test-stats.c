/*
 * test-stats.c - unit tests of stats.c: Wilson interval, histogram
 * quantiles, line normalisation and failure signatures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "common.h"
#include "stats.h"
#include "strbuf.h"

#include <math.h>

static void test_wilson_known_values(void **state)
{
	double lo, hi;

	(void)state;
	/* 2 failures in 100 runs: Wilson 95% is [0.0055, 0.0700]. */
	stats_wilson(2, 100, &lo, &hi);
	assert_true(fabs(lo - 0.0055) < 0.0001);
	assert_true(fabs(hi - 0.0700) < 0.0001);
	/* 0 of 10: [0, 0.2775]. */
	stats_wilson(0, 10, &lo, &hi);
	assert_true(lo == 0.0);
	assert_true(fabs(hi - 0.2775) < 0.0001);
	/* All failed: upper bound exactly 1. */
	stats_wilson(5, 5, &lo, &hi);
	assert_true(hi == 1.0);
	assert_true(lo > 0.5 && lo < 0.6);
	/* No runs: the whole range. */
	stats_wilson(0, 0, &lo, &hi);
	assert_true(lo == 0.0 && hi == 1.0);
	/* Half: symmetric around 0.5. */
	stats_wilson(500, 1000, &lo, &hi);
	assert_true(fabs((lo + hi) / 2 - 0.5) < 1e-9);
}

static void test_hist_quantiles(void **state)
{
	static struct stats_hist h;

	(void)state;
	stats_hist_init(&h);
	assert_int_equal(stats_hist_quantile(&h, 0.5), 0);
	for (int i = 1; i <= 1000; i++)
		stats_hist_add(&h, (int64_t)i * 1000000); /* 1ms..1000ms */
	assert_int_equal(h.count, 1000);
	assert_int_equal(stats_hist_quantile(&h, 0.0), 1000000);
	assert_int_equal(stats_hist_quantile(&h, 1.0), 1000000000);
	/* Within 2% of the exact nearest-rank values. */
	assert_true(llabs(stats_hist_quantile(&h, 0.5) - 500000000) < 10000000);
	assert_true(llabs(stats_hist_quantile(&h, 0.95) - 950000000) <
		    19000000);
}

static void test_hist_small_and_extreme(void **state)
{
	static struct stats_hist h;

	(void)state;
	stats_hist_init(&h);
	stats_hist_add(&h, 7);
	assert_int_equal(stats_hist_quantile(&h, 0.5), 7);
	stats_hist_add(&h, INT64_MAX);
	stats_hist_add(&h, -5); /* clamped to 0 */
	assert_int_equal(stats_hist_quantile(&h, 0.0), 0);
	assert_int_equal(stats_hist_quantile(&h, 1.0), INT64_MAX);
	assert_int_equal(stats_hist_quantile(&h, 0.5), 7);
}

static void check_norm(const char *in, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	stats_normalize_line(&sb, in, strlen(in));
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void test_normalize(void **state)
{
	(void)state;
	check_norm("panic: index 7 out of range [3]",
		   "panic: index N out of range [N]");
	check_norm("  error at 0xdeadBEEF in   /tmp/x/y.c:12 ",
		   "error at 0xX in PATH:N");
	check_norm("hash deadbeef12 vs ./rel/path ok", "hash 0xX vs PATH ok");
	check_norm("took 1.25s", "took Ns");
	check_norm("seed 18446744073709551615 bad", "seed N bad");
	check_norm("a/b stays", "a/b stays");
	check_norm("", "");
}

static void test_signature_line(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	const char *text = "ok 1\nERROR: bad 42\nmore output\n\n";

	(void)state;
	stats_signature_line(&sb, text, strlen(text));
	assert_string_equal(sb.buf, "ERROR: bad N");
	strbuf_reset(&sb);
	stats_signature_line(&sb, "one\ntwo 2\n", 10);
	assert_string_equal(sb.buf, "two N");
	strbuf_reset(&sb);
	stats_signature_line(&sb, "\n\n", 2);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
	assert_true(stats_line_looks_like_error("not ok 3 - x", 12));
	assert_false(stats_line_looks_like_error("all good", 8));
}

static void test_groups(void **state)
{
	struct stats_groups g = STATS_GROUPS_INIT;
	char sig[32];

	(void)state;
	stats_groups_add(&g, "exit status 1: x", "a");
	stats_groups_add(&g, "exit status 2: y", "b");
	stats_groups_add(&g, "exit status 1: x", "c");
	assert_int_equal(g.nr, 2);
	assert_int_equal(g.v[0].count, 2);
	assert_string_equal(g.v[0].first_dir, "a");
	for (int i = 0; i < STATS_MAX_GROUPS + 5; i++) {
		snprintf(sig, sizeof(sig), "s%d", i);
		stats_groups_add(&g, sig, "d");
	}
	assert_int_equal(g.nr, STATS_MAX_GROUPS);
	assert_int_equal(g.overflow, 7);
	stats_groups_clear(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wilson_known_values),
		cmocka_unit_test(test_hist_quantiles),
		cmocka_unit_test(test_hist_small_and_extreme),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_signature_line),
		cmocka_unit_test(test_groups),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
