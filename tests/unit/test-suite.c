/*
 * test-suite.c - unit tests of test discovery: the requirement header
 * (requires=, timeout=, negations, malformed headers), requirement checks,
 * directory walks in name order that skip hidden directories and
 * testdata/, kinds and argv of found tests, ID lists through a command
 * template (no shell: an ID with spaces stays one word), filtering and
 * lookup.
 */
#include "common.h"
#include "suite.h"
#include "clock.h"
#include "strbuf.h"
#include "strvec.h"

#include <setjmp.h>
#include <cmocka.h>
#include "unit.h"

static void header_ok(const char *text, const char *want_skip,
		      int64_t want_timeout)
{
	char *skip = (char *)"unset", *err = NULL;
	int64_t timeout = -1;

	if (suite_parse_header(text, &skip, &timeout, &err) != 0)
		fail_msg("header '%s' rejected: %s", text, err ? err : "?");
	assert_null(err);
	if (!want_skip && skip)
		fail_msg("header '%s': unexpected skip '%s'", text, skip);
	if (want_skip && (!skip || !strstr(skip, want_skip)))
		fail_msg("header '%s': skip '%s', want one naming '%s'", text,
			 skip ? skip : "(none)", want_skip);
	assert_true(timeout == want_timeout);
	free(skip);
}

static void header_bad(const char *text, const char *needle)
{
	char *skip = NULL, *err = NULL;
	int64_t timeout = -1;

	if (suite_parse_header(text, &skip, &timeout, &err) != -1)
		fail_msg("header '%s' accepted", text);
	assert_non_null(err);
	if (needle && !strstr(err, needle))
		fail_msg("header '%s': error '%s' lacks '%s'", text, err,
			 needle);
	assert_null(skip);
	free(err);
}

static void test_parse_header(void **state)
{
	bool root = geteuid() == 0;

	(void)state;
	unsetenv("ORDEAL_UNIT_UNSET");
	setenv("ORDEAL_UNIT_SET", "1", 1);
	header_ok("", NULL, -1);
	header_ok("  timeout=30s", NULL, 30 * NS_PER_SEC);
	header_ok("timeout=1h30m", NULL, 5400 * NS_PER_SEC);
	header_ok("requires=linux,unix,exec:sh", NULL, -1);
	header_ok("requires=exec:no-such-prog-xyz timeout=2s",
		  "no-such-prog-xyz", 2 * NS_PER_SEC);
	header_ok("requires=env:ORDEAL_UNIT_SET", NULL, -1);
	header_ok("requires=env:ORDEAL_UNIT_UNSET", "ORDEAL_UNIT_UNSET", -1);
	header_ok("requires=!env:ORDEAL_UNIT_UNSET", NULL, -1);
	header_ok("requires=!linux", "linux", -1);
	header_ok(root ? "requires=root" : "requires=!root", NULL, -1);
	header_ok(root ? "requires=!root" : "requires=root", "root", -1);
	/* The first unmet requirement is the reason. */
	header_ok("requires=exec:sh,exec:nope-one-xyz,exec:nope-two-xyz",
		  "nope-one-xyz", -1);

	header_bad("timeout=abc", "abc");
	header_bad("timeout=-1s", NULL);
	header_bad("timeout=", NULL);
	header_bad("color=red", "color");
	header_bad("requires=linux,,root", NULL);
	header_bad("requires=linux timeout=1x", NULL);
	header_bad("'unterminated", NULL);
}

static void test_requirement_met(void **state)
{
	(void)state;
	assert_true(suite_requirement_met("root") == (geteuid() == 0));
	assert_true(suite_requirement_met("exec:sh"));
	assert_false(suite_requirement_met("exec:no-such-prog-xyz"));
	assert_true(suite_requirement_met("unix"));
	assert_true(suite_requirement_met("linux"));
	assert_false(suite_requirement_met("darwin"));
	assert_false(suite_requirement_met("freebsd"));
	setenv("ORDEAL_UNIT_EMPTY", "", 1);
	assert_false(suite_requirement_met("env:ORDEAL_UNIT_EMPTY"));
	setenv("ORDEAL_UNIT_EMPTY", "x", 1);
	assert_true(suite_requirement_met("env:ORDEAL_UNIT_EMPTY"));
	unsetenv("ORDEAL_UNIT_EMPTY");
	assert_false(suite_requirement_met("env:ORDEAL_UNIT_EMPTY"));
}

static void make_file(const char *rel, const char *content, mode_t mode)
{
	char *p = unit_path(rel);
	char *dir = xstrdup(p);

	*strrchr(dir, '/') = '\0';
	{
		/* mkdir -p by hand: this test must not rely on path.c. */
		for (char *s = dir + 1; *s; s++)
			if (*s == '/') {
				*s = '\0';
				mkdir(dir, 0755);
				*s = '/';
			}
		mkdir(dir, 0755);
	}
	assert_int_equal(unit_write(p, content, strlen(content)), 0);
	assert_int_equal(chmod(p, mode), 0);
	free(dir);
	free(p);
}

static void make_tree(void)
{
	static bool made;

	if (made)
		return;
	made = true;
	make_file("s/b.txt", "exec true\n", 0644);
	make_file("s/a/t2", "#!/bin/sh\nexit 0\n", 0755);
	make_file("s/a/t1", "#!/bin/sh\nexit 0\n", 0755);
	make_file("s/a/sub/z.txtar", "exec true\n", 0644);
	make_file("s/c",
		  "#!/bin/sh\n# ordeal: requires=exec:no-such-xyz "
		  "timeout=3s\nexit 0\n",
		  0755);
	make_file("s/d.txt", "# ordeal: timeout=250ms\nexec true\n", 0644);
	make_file("s/e.txt", "# ordeal: bogus=1\nexec true\n", 0644);
	make_file("s/notes.md", "not a test\n", 0644); /* data: skipped */
	make_file("s/.hidden/h.txt", "exec true\n", 0644);
	make_file("s/.dotfile.txt", "exec true\n", 0644);
	make_file("s/testdata/td.txt", "exec true\n", 0644);
	make_file("s/a/testdata/td2", "#!/bin/sh\n", 0755);
	make_file("s/txt", "no extension\n", 0644);
	make_file("s/x.txt.bak", "backup\n", 0644);
}

static void test_discovery_order(void **state)
{
	struct suite s = SUITE_INIT;
	char *root;
	static const struct {
		const char *rel;
		enum test_kind kind;
	} want[] = {
		{"a/sub/z.txtar", TEST_SCRIPT},
		{"a/t1", TEST_EXEC},
		{"a/t2", TEST_EXEC},
		{"b.txt", TEST_SCRIPT},
		{"c", TEST_EXEC},
		{"d.txt", TEST_SCRIPT},
		{"e.txt", TEST_SCRIPT},
	};

	(void)state;
	make_tree();
	root = unit_path("s");
	assert_int_equal(suite_add_path(&s, root), 0);
	if (s.nr != ARRAY_SIZE(want)) {
		for (size_t i = 0; i < s.nr; i++)
			print_message("found %s\n", s.tests[i].name);
		fail_msg("found %zu tests, want %zu", s.nr, ARRAY_SIZE(want));
	}
	for (size_t i = 0; i < s.nr; i++) {
		struct test_entry *t = &s.tests[i];
		char *p = xstrfmt("%s/%s", root, want[i].rel);

		assert_string_equal(t->name, p);
		assert_string_equal(t->path, p);
		assert_int_equal(t->kind, want[i].kind);
		if (t->kind == TEST_EXEC) {
			assert_int_equal(t->argv.nr, 1);
			assert_string_equal(t->argv.v[0], p);
		}
		free(p);
	}
	/* Headers: c needs a missing program; d has a timeout. */
	assert_null(s.tests[1].skip_reason);
	assert_non_null(s.tests[4].skip_reason);
	assert_non_null(strstr(s.tests[4].skip_reason, "no-such-xyz"));
	assert_true(s.tests[4].timeout_ns == 3 * NS_PER_SEC);
	assert_true(s.tests[5].timeout_ns == 250 * NS_PER_MS);
	assert_null(s.tests[5].skip_reason);
	assert_true(s.tests[0].timeout_ns == 0);
	/* A malformed header never passes silently: it is skipped. */
	assert_non_null(s.tests[6].skip_reason);

	assert_true(suite_find(&s, s.tests[3].name) == 3);
	assert_true(suite_find(&s, "nope") == -1);
	suite_clear(&s);
	assert_int_equal(s.nr, 0);
	free(root);
}

static void test_relative_exec_argv(void **state)
{
	struct suite s = SUITE_INIT;
	char cwd[4096];

	(void)state;
	make_tree();
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(unit_tmpdir), 0);
	assert_int_equal(suite_add_path(&s, "s/a/t1"), 0);
	assert_int_equal(s.nr, 1);
	assert_string_equal(s.tests[0].name, "s/a/t1");
	/* Runnable without a PATH search. */
	assert_string_equal(s.tests[0].argv.v[0], "./s/a/t1");
	suite_clear(&s);
	assert_int_equal(chdir(cwd), 0);
}

static void test_add_path_errors(void **state)
{
	struct suite s = SUITE_INIT;
	char *p;

	(void)state;
	make_tree();
	p = unit_path("s/notes.md"); /* given explicitly: not a test */
	assert_int_equal(suite_add_path(&s, p), -1);
	free(p);
	p = unit_path("s/no-such-file");
	assert_int_equal(suite_add_path(&s, p), -1);
	free(p);
	assert_int_equal(s.nr, 0);
	/* A script given explicitly inside testdata/ is still taken. */
	p = unit_path("s/testdata/td.txt");
	assert_int_equal(suite_add_path(&s, p), 0);
	assert_int_equal(s.nr, 1);
	free(p);
	suite_clear(&s);
}

static void test_symlink_loop(void **state)
{
	struct suite s = SUITE_INIT;
	char *root = unit_path("loop"), *up = unit_path("loop/sub/up");

	(void)state;
	make_file("loop/sub/t.txt", "exec true\n", 0644);
	/* A link back up the tree must not make the walk go round. */
	assert_int_equal(symlink("..", up), 0);
	assert_int_equal(suite_add_path(&s, root), 0);
	assert_int_equal(s.nr, 1);
	suite_clear(&s);
	free(root);
	free(up);
}

static void test_templates(void **state)
{
	struct suite s = SUITE_INIT;
	char *list = unit_path("ids.txt");
	static const char ids[] = "# a comment\n"
				  "\n"
				  "TestA\n"
				  "  TestB  \n"
				  "Test C with spaces\n"
				  "Test'quote\n";

	(void)state;
	assert_int_equal(
		suite_add_id(&s, "TestX", "go test -run '^{}$' ./pkg{}/..."),
		0);
	assert_int_equal(s.nr, 1);
	assert_int_equal(s.tests[0].kind, TEST_TEMPLATE);
	assert_string_equal(s.tests[0].name, "TestX");
	assert_null(s.tests[0].path);
	assert_int_equal(s.tests[0].argv.nr, 5);
	assert_string_equal(s.tests[0].argv.v[3], "^TestX$");
	assert_string_equal(s.tests[0].argv.v[4], "./pkgTestX/...");

	assert_int_equal(unit_write(list, ids, sizeof(ids) - 1), 0);
	assert_int_equal(suite_add_list(&s, list, "prog -run {}"), 0);
	assert_int_equal(s.nr, 5);
	assert_string_equal(s.tests[1].name, "TestA");
	assert_string_equal(s.tests[2].name, "TestB");
	assert_string_equal(s.tests[2].argv.v[2], "TestB");
	/* No shell, no re-splitting: one ID is one word. */
	assert_int_equal(s.tests[3].argv.nr, 3);
	assert_string_equal(s.tests[3].argv.v[2], "Test C with spaces");
	assert_int_equal(s.tests[4].argv.nr, 3);
	assert_string_equal(s.tests[4].argv.v[2], "Test'quote");

	assert_int_equal(suite_add_id(&s, "X", ""), -1);
	assert_int_equal(suite_add_id(&s, "X", "prog 'unterminated"), -1);
	assert_int_equal(s.nr, 5);
	free(list);
	list = unit_path("no-such-list");
	assert_int_equal(suite_add_list(&s, list, "prog {}"), -1);
	free(list);
	suite_clear(&s);
}

static void test_filter(void **state)
{
	struct suite s = SUITE_INIT;
	struct strvec run = STRVEC_INIT, skip = STRVEC_INIT;
	static const char *names[] = {
		"TestAlpha",	 "TestBeta",   "TestGamma",
		"dir/TestDelta", "BenchAlpha",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		assert_int_equal(suite_add_id(&s, names[i], "p {}"), 0);
	suite_filter(&s, &run, &skip); /* empty: keep all */
	assert_int_equal(s.nr, 5);
	strvec_push(&run, "Test*");
	strvec_push(&skip, "*Gamma");
	suite_filter(&s, &run, &skip);
	assert_int_equal(s.nr, 3);
	assert_true(suite_find(&s, "TestAlpha") >= 0);
	/* A glob may match the base name of a path-like name. */
	assert_true(suite_find(&s, "dir/TestDelta") >= 0);
	assert_true(suite_find(&s, "TestBeta") >= 0);
	assert_true(suite_find(&s, "TestGamma") < 0);
	assert_true(suite_find(&s, "BenchAlpha") < 0);
	/* Order is kept. */
	assert_true(suite_find(&s, "TestAlpha") < suite_find(&s, "TestBeta"));
	strvec_clear(&run);
	strvec_clear(&skip);
	strvec_push(&run, "*Delta");
	strvec_push(&run, "*Beta");
	suite_filter(&s, &run, NULL);
	assert_int_equal(s.nr, 2);
	assert_string_equal(s.tests[0].name, "TestBeta");
	assert_string_equal(s.tests[1].name, "dir/TestDelta");
	strvec_clear(&run);
	suite_clear(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_header),
		cmocka_unit_test(test_requirement_met),
		cmocka_unit_test(test_discovery_order),
		cmocka_unit_test(test_relative_exec_argv),
		cmocka_unit_test(test_add_path_errors),
		cmocka_unit_test(test_symlink_loop),
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_filter),
	};

	return cmocka_run_group_tests(tests, unit_setup_tmpdir,
				      unit_teardown_tmpdir);
}
