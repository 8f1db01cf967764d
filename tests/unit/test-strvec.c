/*
 * test-strvec.c - unit tests of strvec: the NULL terminator invariant,
 * push/pop/detach, environment-style set/unset/get (prefix keys must not
 * match), and split_words quoting (single, double, backslash, empty words,
 * unterminated quotes).
 */
#include "common.h"
#include "strvec.h"

#include <setjmp.h>
#include <cmocka.h>

static void test_empty(void **state)
{
	struct strvec sv = STRVEC_INIT;

	(void)state;
	assert_int_equal(sv.nr, 0);
	assert_non_null(sv.v);
	assert_null(sv.v[0]);
	strvec_clear(&sv);
	assert_null(sv.v[0]);
}

static void test_push_pop(void **state)
{
	struct strvec sv = STRVEC_INIT;
	char buf[8] = "abc";
	const char *a = NULL;

	(void)state;
	a = strvec_push(&sv, buf);
	buf[0] = 'X'; /* the strvec holds a copy */
	assert_string_equal(sv.v[0], "abc");
	assert_ptr_equal(a, sv.v[0]);
	strvec_pushf(&sv, "%d-%s", 7, "x");
	strvec_push_nodup(&sv, xstrdup("owned"));
	assert_int_equal(sv.nr, 3);
	assert_string_equal(sv.v[1], "7-x");
	assert_string_equal(sv.v[2], "owned");
	assert_null(sv.v[3]);
	strvec_pop(&sv);
	assert_int_equal(sv.nr, 2);
	assert_null(sv.v[2]);
	for (int i = 0; i < 1000; i++)
		strvec_pushf(&sv, "%d", i);
	assert_int_equal(sv.nr, 1002);
	assert_string_equal(sv.v[1001], "999");
	assert_null(sv.v[1002]);
	strvec_clear(&sv);
	assert_int_equal(sv.nr, 0);
	assert_null(sv.v[0]);
}

static void test_pushv_detach(void **state)
{
	struct strvec sv = STRVEC_INIT;
	const char *in[] = {"a", "b", "c", NULL};
	const char **out;

	(void)state;
	strvec_pushv(&sv, in);
	assert_int_equal(sv.nr, 3);
	out = strvec_detach(&sv);
	assert_int_equal(sv.nr, 0);
	assert_null(sv.v[0]);
	assert_string_equal(out[2], "c");
	assert_null(out[3]);
	for (int i = 0; out[i]; i++)
		free((char *)out[i]);
	free(out);

	/* Detaching an empty strvec still gives a freeable array. */
	out = strvec_detach(&sv);
	assert_null(out[0]);
	free(out);
}

static void test_env(void **state)
{
	struct strvec env = STRVEC_INIT;

	(void)state;
	strvec_push(&env, "PATH=/bin");
	strvec_push(&env, "PATHX=other");
	strvec_push(&env, "UNSETME");
	assert_string_equal(strvec_getenv(&env, "PATH"), "/bin");
	assert_string_equal(strvec_getenv(&env, "PATHX"), "other");
	assert_null(strvec_getenv(&env, "PAT"));     /* prefix is not a match */
	assert_null(strvec_getenv(&env, "UNSETME")); /* "K" has no value */
	assert_null(strvec_getenv(&env, "NOPE"));

	strvec_setenv(&env, "PATH", "/usr/bin:/bin");
	assert_int_equal(env.nr, 3);
	assert_string_equal(env.v[0], "PATH=/usr/bin:/bin");
	strvec_setenv(&env, "NEW", "");
	assert_int_equal(env.nr, 4);
	assert_string_equal(strvec_getenv(&env, "NEW"), "");
	strvec_setenv(&env, "EQ", "a=b");
	assert_string_equal(strvec_getenv(&env, "EQ"), "a=b");

	strvec_unsetenv(&env, "PATH");
	assert_null(strvec_getenv(&env, "PATH"));
	assert_string_equal(strvec_getenv(&env, "PATHX"), "other");
	assert_int_equal(env.nr, 4);
	assert_null(env.v[env.nr]);
	strvec_unsetenv(&env, "EQ"); /* the last entry */
	assert_int_equal(env.nr, 3);
	assert_null(env.v[3]);
	strvec_unsetenv(&env, "NOPE"); /* absent: no-op */
	assert_int_equal(env.nr, 3);
	strvec_clear(&env);
}

/* Split `line` and compare with the NULL-terminated `want`. */
static void check_split(const char *line, const char *const *want)
{
	struct strvec sv = STRVEC_INIT;
	char *err = NULL;
	size_t n = 0;

	assert_int_equal(strvec_split_words(&sv, line, &err), 0);
	assert_null(err);
	while (want[n])
		n++;
	if (sv.nr != n) {
		for (size_t i = 0; i < sv.nr; i++)
			print_error("word %zu: [%s]\n", i, sv.v[i]);
		fail_msg("'%s': %zu words, want %zu", line, sv.nr, n);
	}
	for (size_t i = 0; i < n; i++)
		assert_string_equal(sv.v[i], want[i]);
	assert_null(sv.v[n]);
	strvec_clear(&sv);
}

#define SPLIT(line, ...)                                                       \
	do {                                                                   \
		const char *const want_[] = {__VA_ARGS__, NULL};               \
		check_split((line), want_);                                    \
	} while (0)

static void test_split_words(void **state)
{
	const char *const none[] = {NULL};

	(void)state;
	check_split("", none);
	check_split("  \t\n ", none);
	SPLIT("go test -run {} ./pkg", "go", "test", "-run", "{}", "./pkg");
	SPLIT("  a\t b\n", "a", "b");
	SPLIT("'a b' c", "a b", "c");
	SPLIT("\"a b\" c", "a b", "c");
	SPLIT("x'a b'y", "xa by"); /* quotes join into one word */
	SPLIT("'' x", "", "x");	   /* an empty quoted word */
	SPLIT("\"\"", "");
	SPLIT("'a\\b'", "a\\b");     /* no escapes in '...' */
	SPLIT("\"a\\\"b\"", "a\"b"); /* \" inside "..." */
	SPLIT("a\\ b", "a b");	     /* backslash-space joins */
	SPLIT("\\'x", "'x");
	SPLIT("'it\"s'", "it\"s");
	SPLIT("-run=^Test{}$", "-run=^Test{}$");
	SPLIT("$HOME ~ *", "$HOME", "~", "*"); /* no shell expansion */
}

static void test_split_words_appends(void **state)
{
	struct strvec sv = STRVEC_INIT;
	char *err = NULL;

	(void)state;
	strvec_push(&sv, "first");
	assert_int_equal(strvec_split_words(&sv, "a b", &err), 0);
	assert_int_equal(sv.nr, 3);
	assert_string_equal(sv.v[0], "first");
	assert_string_equal(sv.v[2], "b");
	strvec_clear(&sv);
}

static void test_split_words_errors(void **state)
{
	const char *bad[] = {"'abc", "a \"b c", "x'", "\"\\\""};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct strvec sv = STRVEC_INIT;
		char *err = NULL;

		assert_int_equal(strvec_split_words(&sv, bad[i], &err), -1);
		assert_non_null(err);
		assert_non_null(strstr(err, "unterminated"));
		free(err);
		strvec_clear(&sv);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_push_pop),
		cmocka_unit_test(test_pushv_detach),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_split_words),
		cmocka_unit_test(test_split_words_appends),
		cmocka_unit_test(test_split_words_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
