/*
 * test-script-engine.c - the engine run in-process on small built-in-only
 * scripts: verdicts, FILE:LINE messages, phase rewinding, $WORK in logs,
 * archive checks.  (Programs are covered by tests/script/script_*.txt.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "common.h"
#include "script/script.h"
#include "strbuf.h"

static enum script_status run(const char *script, struct script_result *res)
{
	struct script_options opts = SCRIPT_OPTIONS_INIT;

	script_run(&opts, "t.txt", script, strlen(script), res);
	return res->status;
}

static void test_pass(void **state UNUSED)
{
	struct script_result res = SCRIPT_RESULT_INIT;

	assert_int_equal(
		run("echo hi\nstdout '^hi$'\n! stdout bye\n"
		    "exists f\ncmp f want\n-- f --\nA\n-- want --\nA\n",
		    &res),
		SCRIPT_PASS);
	/* a passing script's phase is rewound: nothing to show */
	assert_null(strstr(res.log.buf, "> echo"));
	script_result_clear(&res);
}

static void test_fail_line(void **state UNUSED)
{
	struct script_result res = SCRIPT_RESULT_INIT;

	assert_int_equal(run("# one\necho a\n# two\necho b\nstdout c\n", &res),
			 SCRIPT_FAIL);
	assert_non_null(
		strstr(res.log.buf,
		       "FAIL: t.txt:5: no match for `c` found in stdout"));
	assert_non_null(strstr(res.log.buf, "> echo b\n[stdout]\nb\n"));
	/* the earlier phase shows only its heading with a time */
	assert_null(strstr(res.log.buf, "> echo a"));
	assert_non_null(strstr(res.log.buf, "# one ("));
	script_result_clear(&res);
}

static void test_skip_and_stop(void **state UNUSED)
{
	struct script_result res = SCRIPT_RESULT_INIT;

	assert_int_equal(run("skip 'no way'\nnope\n", &res), SCRIPT_SKIP);
	assert_string_equal(res.skip_reason, "no way");
	script_result_clear(&res);
	assert_int_equal(run("stop\nnope\n", &res), SCRIPT_PASS);
	script_result_clear(&res);
}

static void test_work_in_log(void **state UNUSED)
{
	struct script_result res = SCRIPT_RESULT_INIT;

	assert_int_equal(run("echo $WORK/x\nstdout nothing\n", &res),
			 SCRIPT_FAIL);
	assert_non_null(strstr(res.log.buf, "[stdout]\n$WORK/x\n"));
	script_result_clear(&res);
}

static void test_archive_errors(void **state UNUSED)
{
	struct script_result res = SCRIPT_RESULT_INIT;

	assert_int_equal(run("echo\n-- a --\n-- ../../x --\n", &res),
			 SCRIPT_FAIL);
	assert_non_null(strstr(res.log.buf, "t.txt:3: archive member "
					    "'../../x' is outside $WORK"));
	script_result_clear(&res);
	assert_int_equal(run("-- a --\n-- b --\n-- a --\n", &res), SCRIPT_FAIL);
	assert_non_null(strstr(res.log.buf, "t.txt:3: duplicate archive "
					    "member 'a' (also at line 1)"));
	script_result_clear(&res);
}

static void test_misuse(void **state UNUSED)
{
	struct script_result res = SCRIPT_RESULT_INIT;

	assert_int_equal(run("! echo x\n", &res), SCRIPT_FAIL);
	assert_non_null(strstr(res.log.buf, "t.txt:1: unsupported: ! echo"));
	script_result_clear(&res);
	assert_int_equal(run("echo x &\n", &res), SCRIPT_FAIL);
	assert_non_null(strstr(res.log.buf, "cannot run in the background"));
	script_result_clear(&res);
	assert_int_equal(run("[foo] echo\n", &res), SCRIPT_FAIL);
	assert_non_null(strstr(res.log.buf, "unknown condition 'foo'"));
	script_result_clear(&res);
	assert_int_equal(run("wait nope\n", &res), SCRIPT_FAIL);
	script_result_clear(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pass),
		cmocka_unit_test(test_fail_line),
		cmocka_unit_test(test_skip_and_stop),
		cmocka_unit_test(test_work_in_log),
		cmocka_unit_test(test_archive_errors),
		cmocka_unit_test(test_misuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
