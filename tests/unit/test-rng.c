/*
 * test-rng.c - unit tests of the seeded generator: the reference
 * xoshiro256** sequence (seeded through splitmix64, values computed
 * independently), determinism, rng_below's bounds and rough uniformity,
 * shuffles that are permutations and reach every order, derived seeds, and
 * seed parsing.
 */
#include "common.h"
#include "rng.h"

#include <setjmp.h>
#include <cmocka.h>

static void test_reference_sequence(void **state)
{
	/* xoshiro256** with s[0..3] = four splitmix64 outputs from seed. */
	static const uint64_t seed0[] = {
		0x99ec5f36cb75f2b4ULL,
		0xbf6e1f784956452aULL,
		0x1a5f849d4933e6e0ULL,
	};
	static const uint64_t seed42[] = {
		0x15780b2e0c2ec716ULL,
		0x6104d9866d113a7eULL,
		0xae17533239e499a1ULL,
	};
	struct rng r;

	(void)state;
	rng_init(&r, 0);
	for (size_t i = 0; i < ARRAY_SIZE(seed0); i++)
		assert_true(rng_next(&r) == seed0[i]);
	rng_init(&r, 42);
	for (size_t i = 0; i < ARRAY_SIZE(seed42); i++)
		assert_true(rng_next(&r) == seed42[i]);
}

static void test_deterministic(void **state)
{
	struct rng a, b, c;
	int same = 0;

	(void)state;
	rng_init(&a, 12345);
	rng_init(&b, 12345);
	rng_init(&c, 12346);
	for (int i = 0; i < 1000; i++) {
		uint64_t x = rng_next(&a);
		assert_true(x == rng_next(&b));
		same += x == rng_next(&c);
	}
	assert_int_equal(same, 0);
}

static void test_below_bounds(void **state)
{
	static const uint64_t ns[] = {
		1,
		2,
		3,
		7,
		10,
		1000,
		(1ULL << 32) + 1,
		(1ULL << 63) + 1,
		UINT64_MAX,
	};
	struct rng r;

	(void)state;
	rng_init(&r, 7);
	for (size_t i = 0; i < ARRAY_SIZE(ns); i++)
		for (int k = 0; k < 2000; k++)
			assert_true(rng_below(&r, ns[i]) < ns[i]);
	for (int k = 0; k < 100; k++)
		assert_true(rng_below(&r, 1) == 0);
}

static void test_below_uniform(void **state)
{
	enum { N = 10, DRAWS = 100000 };
	unsigned counts[N] = {0};
	double chi2 = 0, expect = (double)DRAWS / N;
	struct rng r;

	(void)state;
	rng_init(&r, 2024);
	for (int i = 0; i < DRAWS; i++)
		counts[rng_below(&r, N)]++;
	for (int i = 0; i < N; i++)
		chi2 += (counts[i] - expect) * (counts[i] - expect) / expect;
	/* 9 degrees of freedom: p < 1e-6 above about 45. */
	if (chi2 > 45)
		fail_msg("rng_below(10) looks biased: chi2 = %.1f", chi2);

	/*
	 * A bound just above 2^63: a modulo reduction would put two thirds
	 * of the draws below 2^62.  Without bias it is about half.
	 */
	{
		uint64_t n = (1ULL << 63) + (1ULL << 62);
		int low = 0;
		for (int i = 0; i < 10000; i++)
			low += rng_below(&r, n) < n / 2;
		assert_true(low > 4500 && low < 5500);
	}
}

static int is_permutation(const int *v, int n)
{
	char seen[1000] = {0};

	for (int i = 0; i < n; i++) {
		if (v[i] < 0 || v[i] >= n || seen[v[i]])
			return 0;
		seen[v[i]] = 1;
	}
	return 1;
}

static void test_shuffle_permutation(void **state)
{
	int v[100], w[100];
	struct rng a, b;
	int moved = 0;

	(void)state;
	for (int i = 0; i < 100; i++)
		v[i] = w[i] = i;
	rng_init(&a, 99);
	rng_init(&b, 99);
	rng_shuffle(&a, v, 100, sizeof(int));
	rng_shuffle(&b, w, 100, sizeof(int));
	assert_true(is_permutation(v, 100));
	assert_memory_equal(v, w, sizeof(v)); /* same seed, same order */
	for (int i = 0; i < 100; i++)
		moved += v[i] != i;
	assert_true(moved > 50);

	/* n = 0 and n = 1 are no-ops. */
	rng_shuffle(&a, v, 0, sizeof(int));
	rng_shuffle(&a, w, 1, sizeof(int));
	assert_memory_equal(v, w, sizeof(int)); /* w[0] == v[0] still */
}

static void test_shuffle_wide_elements(void **state)
{
	struct item {
		char name[21];
		int id;
		double pad;
	} items[50];
	struct rng r;
	int ids[50];

	(void)state;
	for (int i = 0; i < 50; i++) {
		snprintf(items[i].name, sizeof(items[i].name), "t%d", i);
		items[i].id = i;
		items[i].pad = i * 1.5;
	}
	rng_init(&r, 5);
	rng_shuffle(&r, items, 50, sizeof(items[0]));
	for (int i = 0; i < 50; i++) {
		char want[21];
		/* Elements move whole, never torn. */
		snprintf(want, sizeof(want), "t%d", items[i].id);
		assert_string_equal(items[i].name, want);
		assert_true(items[i].pad == items[i].id * 1.5);
		ids[i] = items[i].id;
	}
	assert_true(is_permutation(ids, 50));
}

static void test_shuffle_reaches_all_orders(void **state)
{
	int counts[6] = {0};
	struct rng r;

	(void)state;
	rng_init(&r, 1);
	for (int k = 0; k < 6000; k++) {
		int v[3] = {0, 1, 2};
		rng_shuffle(&r, v, 3, sizeof(int));
		/* Encode the order as 0..5. */
		counts[v[0] * 2 + (v[1] > v[2])]++;
	}
	for (int i = 0; i < 6; i++)
		if (counts[i] < 800 || counts[i] > 1200)
			fail_msg("order %d seen %d times of 6000", i,
				 counts[i]);
}

static void test_derive(void **state)
{
	uint64_t d[1000];

	(void)state;
	for (uint64_t k = 0; k < 1000; k++) {
		d[k] = rng_derive(77, k);
		assert_true(d[k] == rng_derive(77, k));
		assert_true(d[k] != 77);
		assert_true(d[k] != rng_derive(78, k));
	}
	for (int i = 0; i < 1000; i++)
		for (int j = i + 1; j < 1000; j++)
			assert_true(d[i] != d[j]);
}

static void test_seed_from_os(void **state)
{
	(void)state;
	/* Equal with probability 2^-64. */
	assert_true(rng_seed_from_os() != rng_seed_from_os());
}

static void check_seed(const char *s, uint64_t want)
{
	uint64_t v = 0;

	if (rng_seed_parse(s, &v) != 0)
		fail_msg("rng_seed_parse('%s') failed", s);
	assert_true(v == want);
}

static void test_seed_parse(void **state)
{
	static const char *bad[] = {
		"",
		"abc",
		"-1",
		"42x",
		" 42",
		"42 ",
		"0x",
		"0xg",
		"18446744073709551616",
		"0x10000000000000000",
		"1e5",
		"+",
	};

	(void)state;
	check_seed("0", 0);
	check_seed("42", 42);
	check_seed("0x2a", 42);
	check_seed("0X2A", 42);
	check_seed("0xdeadBEEF", 0xdeadbeefULL);
	check_seed("18446744073709551615", UINT64_MAX);
	check_seed("0xffffffffffffffff", UINT64_MAX);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		uint64_t v;
		if (rng_seed_parse(bad[i], &v) != -1)
			fail_msg("rng_seed_parse('%s') accepted", bad[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_sequence),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_below_bounds),
		cmocka_unit_test(test_below_uniform),
		cmocka_unit_test(test_shuffle_permutation),
		cmocka_unit_test(test_shuffle_wide_elements),
		cmocka_unit_test(test_shuffle_reaches_all_orders),
		cmocka_unit_test(test_derive),
		cmocka_unit_test(test_seed_from_os),
		cmocka_unit_test(test_seed_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
