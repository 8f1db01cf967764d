/*
 * test-parse-options.c - unit tests of the option-table parser: short and
 * long forms (`-n3`, `-n 3`, `--count=3`, `--count 3`), --no- negation,
 * `--` and non-option arguments, optional values, string lists, durations,
 * callbacks, single-dash long options with underscores (-bug_mode), and the
 * errors, which exit 2: those run in a forked child whose exit status and
 * stderr are checked.  Also -h output and parse_ullong.
 */
#include "common.h"
#include "parse-options.h"
#include "clock.h"
#include "strbuf.h"
#include "strvec.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sys/wait.h>
#include <unistd.h>

/* Everything the test table writes into. */
struct opts {
	int verbose, color, quiet, mode, offset;
	unsigned long long count;
	const char *name;
	struct strvec env;
	int64_t timeout;
	int shuffle_calls;
	const char *shuffle_arg;
	int flag_calls;
	int bug_mode;
};

static struct opts o;

static int shuffle_cb(const struct option *opt, const char *arg, int unset)
{
	struct opts *p = opt->value;

	p->shuffle_calls++;
	p->shuffle_arg = unset ? "<unset>" : arg;
	return 0;
}

static int flag_cb(const struct option *opt, const char *arg, int unset)
{
	struct opts *p = opt->value;

	(void)arg;
	if (unset)
		return error("'--flag' cannot be negated here");
	p->flag_calls++;
	return 0;
}

static int reject_cb(const struct option *opt, const char *arg, int unset)
{
	(void)opt;
	(void)unset;
	return error("bad value '%s' for --reject", arg);
}

static const char *const usage[] = {
	"test-parse-options [options] [args]",
	"test-parse-options --other",
	NULL,
};

static const struct option table[] = {
	OPT_GROUP("Output"),
	OPT__VERBOSE(&o.verbose, "say more"),
	OPT_BOOL(0, "color", &o.color, "colour the output"),
	OPT_SET_INT('q', "quiet", &o.quiet, "be quiet", 5),
	OPT_GROUP("Values"),
	OPT_UINT('n', "count", &o.count, "n", "how many"),
	OPT_INT(0, "offset", &o.offset, "n", "an offset"),
	OPT_STRING('o', "name", &o.name, "name", "a name"),
	OPT_STRING_LIST('e', "env", &o.env, "var=value", "set a variable"),
	OPT_DURATION('t', "timeout", &o.timeout, "a time limit"),
	OPT_CALLBACK_F('s', "shuffle", &o, "seed", "shuffle (optional seed)",
		       PARSE_OPT_OPTARG, shuffle_cb),
	OPT_CALLBACK_F(0, "flag", &o, NULL, "a flag callback", PARSE_OPT_NOARG,
		       flag_cb),
	OPT_CALLBACK(0, "reject", &o, "x", "always refuses", reject_cb),
	OPT_BOOL(0, "bug-mode", &o.bug_mode, "TestSmoke's -bug_mode"),
	{OPTION_BOOL, 0, "secret", &o.mode, NULL, "a hidden option",
	 PARSE_OPT_HIDDEN},
	OPT_END(),
};

static void reset(void)
{
	strvec_clear(&o.env);
	memset(&o, 0, sizeof(o));
	strvec_init(&o.env);
}

static int setup(void **state)
{
	(void)state;
	reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	strvec_clear(&o.env);
	return 0;
}

/* Parse a NULL-terminated list (argv[0] "cmd" is added). */
static int parse(int flags, const char **args, const char ***rest)
{
	static const char *argv[64];
	int argc = 0;

	argv[argc++] = "cmd";
	while (*args)
		argv[argc++] = *args++;
	argv[argc] = NULL;
	*rest = argv;
	return parse_options(argc, argv, table, usage, flags);
}

#define PARSE(flags, rest, ...)                                                \
	parse((flags), (const char *[]){__VA_ARGS__, NULL}, (rest))

static void test_short_and_long_forms(void **state)
{
	const char **rest;

	(void)state;
	reset();
	assert_int_equal(PARSE(0, &rest, "-n3"), 0);
	assert_true(o.count == 3);
	assert_int_equal(PARSE(0, &rest, "-n", "4"), 0);
	assert_true(o.count == 4);
	assert_int_equal(PARSE(0, &rest, "--count=5"), 0);
	assert_true(o.count == 5);
	assert_int_equal(PARSE(0, &rest, "--count", "6"), 0);
	assert_true(o.count == 6);
	assert_int_equal(PARSE(0, &rest, "--count=18446744073709551615"), 0);
	assert_true(o.count == ULLONG_MAX);
	assert_int_equal(PARSE(0, &rest, "--name=a=b"), 0);
	assert_string_equal(o.name, "a=b"); /* only the first = splits */
	assert_int_equal(PARSE(0, &rest, "--name="), 0);
	assert_string_equal(o.name, "");
	assert_int_equal(PARSE(0, &rest, "-ofoo"), 0);
	assert_string_equal(o.name, "foo");
	assert_int_equal(PARSE(0, &rest, "--offset=-3"), 0);
	assert_int_equal(o.offset, -3);
	assert_int_equal(PARSE(0, &rest, "--offset", "-4"), 0);
	assert_int_equal(o.offset, -4); /* a value may start with '-' */
}

static void test_bool_count_set_int(void **state)
{
	const char **rest;

	(void)state;
	reset();
	assert_int_equal(PARSE(0, &rest, "-v", "--verbose", "-v"), 0);
	assert_int_equal(o.verbose, 3);
	assert_int_equal(PARSE(0, &rest, "--no-verbose"), 0);
	assert_int_equal(o.verbose, 0);
	assert_int_equal(PARSE(0, &rest, "-vv"), 0); /* a cluster */
	assert_int_equal(o.verbose, 2);
	assert_int_equal(PARSE(0, &rest, "--color"), 0);
	assert_int_equal(o.color, 1);
	assert_int_equal(PARSE(0, &rest, "--no-color"), 0);
	assert_int_equal(o.color, 0);
	assert_int_equal(PARSE(0, &rest, "--no-color", "--color"), 0);
	assert_int_equal(o.color, 1); /* the last one wins */
	assert_int_equal(PARSE(0, &rest, "-q"), 0);
	assert_int_equal(o.quiet, 5);
	assert_int_equal(PARSE(0, &rest, "-vqn7"), 0); /* cluster with value */
	assert_int_equal(o.verbose, 3);
	assert_true(o.count == 7);
}

static void test_non_options_and_dashdash(void **state)
{
	const char **rest;
	int n;

	(void)state;
	reset();
	n = PARSE(0, &rest, "a", "-v", "b", "-", "--count=2", "c");
	assert_int_equal(n, 4);
	assert_string_equal(rest[0], "a");
	assert_string_equal(rest[1], "b");
	assert_string_equal(rest[2], "-"); /* a lone dash is an argument */
	assert_string_equal(rest[3], "c");
	assert_null(rest[4]);
	assert_int_equal(o.verbose, 1);
	assert_true(o.count == 2);

	reset();
	n = PARSE(0, &rest, "-v", "--", "-n", "5", "--color");
	assert_int_equal(n, 3);
	assert_string_equal(rest[0], "-n");
	assert_string_equal(rest[2], "--color");
	assert_null(rest[3]);
	assert_true(o.count == 0);
	assert_int_equal(o.color, 0);

	reset();
	n = PARSE(PARSE_OPT_KEEP_DASHDASH, &rest, "x", "--", "-v");
	assert_int_equal(n, 3);
	assert_string_equal(rest[0], "x");
	assert_string_equal(rest[1], "--");
	assert_string_equal(rest[2], "-v");
	assert_int_equal(o.verbose, 0);

	/* loop-style: the command starts at the first non-option. */
	reset();
	n = PARSE(PARSE_OPT_STOP_AT_NON_OPTION, &rest, "-n", "3", "prog",
		  "--count=9", "-v");
	assert_int_equal(n, 3);
	assert_string_equal(rest[0], "prog");
	assert_string_equal(rest[1], "--count=9");
	assert_string_equal(rest[2], "-v");
	assert_true(o.count == 3);
	assert_int_equal(o.verbose, 0);

	reset();
	assert_int_equal(PARSE(0, &rest, "--"), 0);
	assert_null(rest[0]);
}

static void test_optarg(void **state)
{
	const char **rest;
	int n;

	(void)state;
	reset();
	n = PARSE(0, &rest, "--shuffle");
	assert_int_equal(n, 0);
	assert_int_equal(o.shuffle_calls, 1);
	assert_null(o.shuffle_arg);

	reset();
	n = PARSE(0, &rest, "--shuffle=42");
	assert_int_equal(o.shuffle_calls, 1);
	assert_string_equal(o.shuffle_arg, "42");

	/* Without '=', the next word is not the option's value. */
	reset();
	n = PARSE(0, &rest, "--shuffle", "42");
	assert_int_equal(n, 1);
	assert_string_equal(rest[0], "42");
	assert_null(o.shuffle_arg);

	reset();
	n = PARSE(0, &rest, "--no-shuffle");
	assert_int_equal(o.shuffle_calls, 1);
	assert_string_equal(o.shuffle_arg, "<unset>");

	reset();
	n = PARSE(0, &rest, "--flag", "--flag");
	assert_int_equal(n, 0);
	assert_int_equal(o.flag_calls, 2);
}

static void test_string_list(void **state)
{
	const char **rest;

	(void)state;
	reset();
	assert_int_equal(
		PARSE(0, &rest, "-e", "A=1", "--env=B=2", "-eC", "--env", "D"),
		0);
	assert_int_equal(o.env.nr, 4);
	assert_string_equal(o.env.v[0], "A=1");
	assert_string_equal(o.env.v[1], "B=2");
	assert_string_equal(o.env.v[2], "C");
	assert_string_equal(o.env.v[3], "D");
	assert_int_equal(PARSE(0, &rest, "--no-env", "-e", "E"), 0);
	assert_int_equal(o.env.nr, 1);
	assert_string_equal(o.env.v[0], "E");
}

static void test_duration(void **state)
{
	const char **rest;

	(void)state;
	reset();
	assert_int_equal(PARSE(0, &rest, "--timeout", "150ms"), 0);
	assert_true(o.timeout == 150 * NS_PER_MS);
	assert_int_equal(PARSE(0, &rest, "--timeout=1h30m"), 0);
	assert_true(o.timeout == 5400 * NS_PER_SEC);
	assert_int_equal(PARSE(0, &rest, "-t2s"), 0);
	assert_true(o.timeout == 2 * NS_PER_SEC);
}

static void test_single_dash_long(void **state)
{
	const char **rest;
	int n;

	(void)state;
	reset();
	n = PARSE(PARSE_OPT_SINGLE_DASH_LONG, &rest, "-bug_mode", "-count=4",
		  "-verbose", "-v", "-name", "x", "arg");
	assert_int_equal(n, 1);
	assert_string_equal(rest[0], "arg");
	assert_int_equal(o.bug_mode, 1);
	assert_true(o.count == 4);
	assert_int_equal(o.verbose, 2);
	assert_string_equal(o.name, "x");

	/* Underscores match dashes in --long too; short clusters still work. */
	reset();
	n = PARSE(PARSE_OPT_SINGLE_DASH_LONG, &rest, "--bug_mode", "-vv",
		  "-n5");
	assert_int_equal(o.bug_mode, 1);
	assert_int_equal(o.verbose, 2);
	assert_true(o.count == 5);
	(void)n;
}

/* Run a parse in a child; returns its exit status, stdout/stderr in bufs. */
static int parse_in_child(int flags, const char **args, struct strbuf *out,
			  struct strbuf *err)
{
	int po[2], pe[2], status;
	pid_t pid;

	assert_int_equal(pipe(po), 0);
	assert_int_equal(pipe(pe), 0);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		const char **rest;

		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		reset();
		parse(flags, args, &rest);
		fflush(stdout);
		_exit(99); /* parsed without exiting */
	}
	close(po[1]);
	close(pe[1]);
	/* Outputs are small: read one then the other without deadlock. */
	strbuf_read_fd(out, po[0], 0);
	strbuf_read_fd(err, pe[0], 0);
	close(po[0]);
	close(pe[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void check_error(int flags, const char **args, const char *needle)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	int rc = parse_in_child(flags, args, &out, &err);

	if (rc != 2)
		fail_msg("'%s...': exit %d, want 2", args[0], rc);
	if (!strstr(err.buf, needle))
		fail_msg("'%s...': stderr lacks '%s':\n%s", args[0], needle,
			 err.buf);
	/* The usage follows the error, on stderr. */
	assert_non_null(strstr(err.buf, "usage: test-parse-options"));
	assert_int_equal(out.len, 0);
	strbuf_release(&out);
	strbuf_release(&err);
}

#define CHECK_ERROR(flags, needle, ...)                                        \
	do {                                                                   \
		const char *args_[] = {__VA_ARGS__, NULL};                     \
		check_error((flags), args_, (needle));                         \
	} while (0)

static void test_errors_exit_2(void **state)
{
	(void)state;
	CHECK_ERROR(0, "--nope", "--nope");
	CHECK_ERROR(0, "'x'", "-x");
	CHECK_ERROR(0, "count", "--count"); /* value missing at end */
	CHECK_ERROR(0, "-n", "-n");
	CHECK_ERROR(0, "abc", "--count=abc");
	CHECK_ERROR(0, "-1", "--count=-1");
	CHECK_ERROR(0, "18446744073709551616", "--count=18446744073709551616");
	CHECK_ERROR(0, "1x", "--timeout=1x");
	CHECK_ERROR(0, "-5s", "--timeout", "-5s");
	CHECK_ERROR(0, "12abc", "--offset=12abc");
	CHECK_ERROR(0, "quiet", "--no-quiet");	  /* SET_INT has no --no- */
	CHECK_ERROR(0, "count", "--no-count");	  /* nor do numbers */
	CHECK_ERROR(0, "verbose", "--verbose=2"); /* no value for a bool */
	CHECK_ERROR(0, "flag", "--flag=x");
	CHECK_ERROR(0, "--reject", "--reject=7"); /* a callback's refusal */
	CHECK_ERROR(0, "flag", "--no-flag");
	/* Without SINGLE_DASH_LONG, -bug_mode is a cluster of unknowns. */
	CHECK_ERROR(0, "'b'", "-bug_mode");
	CHECK_ERROR(PARSE_OPT_SINGLE_DASH_LONG, "z", "-zzz");
}

static void test_help(void **state)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const char *args[] = {"-v", "-h", NULL};
	const char *args2[] = {"--help", NULL};

	(void)state;
	assert_int_equal(parse_in_child(0, args, &out, &err), 0);
	assert_non_null(strstr(out.buf, "usage: test-parse-options [options]"));
	assert_non_null(strstr(out.buf, "test-parse-options --other"));
	assert_non_null(strstr(out.buf, "--count"));
	assert_non_null(strstr(out.buf, "how many"));
	assert_non_null(strstr(out.buf, "Output")); /* group headings */
	assert_non_null(strstr(out.buf, "-e, --env"));
	assert_null(strstr(out.buf, "secret")); /* hidden */
	assert_int_equal(err.len, 0);
	strbuf_reset(&out);
	strbuf_reset(&err);
	assert_int_equal(parse_in_child(0, args2, &out, &err), 0);
	assert_non_null(strstr(out.buf, "--timeout"));
	strbuf_release(&out);
	strbuf_release(&err);
}

static void test_usage_fp(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	(void)state;
	usage_with_options_fp(fp, usage, table);
	fclose(fp);
	assert_non_null(strstr(buf, "--shuffle"));
	assert_non_null(strstr(buf, "seed"));
	assert_non_null(strstr(buf, "a time limit"));
	assert_null(strstr(buf, "a hidden option"));
	free(buf);
}

static void test_parse_ullong(void **state)
{
	unsigned long long v = 0;

	(void)state;
	assert_int_equal(parse_ullong("42", 1, 100, "--n", &v), 0);
	assert_true(v == 42);
	assert_int_equal(parse_ullong("1", 1, 100, "--n", &v), 0);
	assert_int_equal(parse_ullong("100", 1, 100, "--n", &v), 0);
	assert_true(v == 100);
	v = 7;
	assert_int_equal(parse_ullong("0", 1, 100, "--n", &v), -1);
	assert_int_equal(parse_ullong("101", 1, 100, "--n", &v), -1);
	assert_int_equal(parse_ullong("", 0, 100, "--n", &v), -1);
	assert_int_equal(parse_ullong("-1", 0, 100, "--n", &v), -1);
	assert_int_equal(parse_ullong("4x", 0, 100, "--n", &v), -1);
	assert_int_equal(parse_ullong(" 4", 0, 100, "--n", &v), -1);
	assert_int_equal(
		parse_ullong("99999999999999999999", 0, ULLONG_MAX, "--n", &v),
		-1);
	assert_true(v == 7); /* untouched on error */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_and_long_forms),
		cmocka_unit_test(test_bool_count_set_int),
		cmocka_unit_test(test_non_options_and_dashdash),
		cmocka_unit_test(test_optarg),
		cmocka_unit_test(test_string_list),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_single_dash_long),
		cmocka_unit_test(test_errors_exit_2),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_usage_fp),
		cmocka_unit_test(test_parse_ullong),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
