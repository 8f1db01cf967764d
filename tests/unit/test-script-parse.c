/*
 * test-script-parse.c - unit tests of the script line syntax: word
 * splitting, quoting, $VAR expansion as Go's os.Expand, comments, and the
 * !, ?, [cond] prefixes and & suffixes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "common.h"
#include "script/engine.h"
#include "strbuf.h"

static const char *lookup(void *data UNUSED, const char *name)
{
	if (!strcmp(name, "A"))
		return "x";
	if (!strcmp(name, "SP"))
		return "a b";
	if (!strcmp(name, "$"))
		return "$";
	if (!strcmp(name, ":"))
		return ":";
	if (!strcmp(name, "RE"))
		return "a.b";
	return NULL;
}

static char *expand(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	script_expand(&sb, s, strlen(s), lookup, NULL);
	return strbuf_detach(&sb, NULL);
}

#define assert_expands(in, want)                                               \
	do {                                                                   \
		char *got_ = expand(in);                                       \
		assert_string_equal(got_, want);                               \
		free(got_);                                                    \
	} while (0)

static void test_expand(void **state UNUSED)
{
	assert_expands("$A", "x");
	assert_expands("${A}y", "xy");
	assert_expands("$Ay", ""); /* the name is "Ay" */
	assert_expands("$UNSET-", "-");
	assert_expands("a$", "a$"); /* trailing $ stays */
	assert_expands("$$", "$");  /* $ is a special name */
	assert_expands("${:}", ":");
	assert_expands("$:", "$:");  /* not a name: kept */
	assert_expands("${}z", "z"); /* bad syntax eaten */
	assert_expands("${A", "A");  /* "${" eaten */
	assert_expands("$1a", "a");
	assert_expands("${RE@R}", "a\\.b");
}

static void split(struct script_words *w, const char *line, int want_rc)
{
	char *err = NULL;
	int rc = script_split_line(w, line, strlen(line), lookup, NULL, &err);

	assert_int_equal(rc, want_rc);
	if (rc)
		assert_non_null(err);
	free(err);
}

static void test_split_exact(void **state UNUSED)
{
	struct script_words w;

	split(&w, "echo $SP 'q $A' a'b'c #x", 0);
	/* $SP expands to one word with a space (no re-splitting) */
	assert_int_equal(w.nr, 4);
	assert_string_equal(w.w[1].s, "a b");
	assert_false(w.w[1].quoted);
	assert_string_equal(w.w[2].s, "q $A");
	assert_true(w.w[2].quoted);
	assert_string_equal(w.w[3].s, "abc");
	script_words_clear(&w);

	split(&w, "echo 'don''t' '' x#y", 0);
	assert_int_equal(w.nr, 4);
	assert_string_equal(w.w[1].s, "don't");
	assert_string_equal(w.w[2].s, "");
	assert_string_equal(w.w[3].s, "x");
	script_words_clear(&w);

	split(&w, "echo 'a#b'", 0);
	assert_string_equal(w.w[1].s, "a#b");
	script_words_clear(&w);

	split(&w, "   # only a comment", 0);
	assert_int_equal(w.nr, 0);
	script_words_clear(&w);

	split(&w, "echo 'open", -1);
	split(&w, "echo 'a''", -1);
}

static void cmdline(struct script_cmdline *c, const char *line, int want_rc)
{
	struct script_words w;
	char *err = NULL;

	split(&w, line, 0);
	assert_int_equal(script_parse_cmdline(c, &w, &err), want_rc);
	if (want_rc)
		assert_non_null(err);
	free(err);
	script_words_clear(&w);
}

static void test_prefixes(void **state UNUSED)
{
	struct script_cmdline c;

	cmdline(&c, "[linux] [!short] ! exec foo &", 0);
	assert_int_equal(c.want, WANT_FAILURE);
	assert_int_equal(c.nr_conds, 2);
	assert_string_equal(c.conds[0].name, "linux");
	assert_false(c.conds[0].negate);
	assert_string_equal(c.conds[1].name, "short");
	assert_true(c.conds[1].negate);
	assert_true(c.background);
	assert_null(c.bg_name);
	assert_int_equal(c.args.nr, 2);
	assert_string_equal(c.args.v[1], "foo");
	script_cmdline_clear(&c);

	cmdline(&c, "? exec sleep 1 &srv&", 0);
	assert_int_equal(c.want, WANT_ANY);
	assert_string_equal(c.bg_name, "srv");
	assert_int_equal(c.args.nr, 3);
	script_cmdline_clear(&c);

	/* quoted words are never prefixes or markers */
	cmdline(&c, "echo '!' '&'", 0);
	assert_int_equal(c.want, WANT_SUCCESS);
	assert_false(c.background);
	assert_int_equal(c.args.nr, 3);
	script_cmdline_clear(&c);

	cmdline(&c, "[linux]", -1);
	cmdline(&c, "!", -1);
	cmdline(&c, "! ? exec x", -1);
	cmdline(&c, "[] echo", -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_split_exact),
		cmocka_unit_test(test_prefixes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
