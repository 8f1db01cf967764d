/*
 * test-run-command.c - tests of run-command on REAL processes: the test
 * helper (build/ordeal-test-helper, found through $ORDEAL_TEST_HELPER or
 * next to this binary's build tree) exits, kills itself, sleeps, ignores
 * SIGTERM, stops itself, leaves grandchildren and setsid daemons behind.
 * Checked: exit codes and signals, spawn errors, timeouts (TERM, then KILL
 * after the grace period), the group and escaped daemons killed, rusage,
 * redirections (files, append, pipes, 2>&1, fd maps), environment edits,
 * cwd, pre_exec hooks, many children through run_command_wait_any, the
 * evidence file result.json, kill_all and interruption.
 *
 * Timing: only lower bounds (a grace period was honoured) and generous
 * upper bounds that catch hangs; never a speed assertion.
 */
#include "common.h"
#include "run-command.h"
#include "clock.h"
#include "strbuf.h"
#include "strvec.h"

#include <setjmp.h>
#include <cmocka.h>
#include <limits.h>
#include <signal.h>
#include <sys/wait.h>
#include "unit.h"
#include "jansson-shim.h"

static char *helper;

static int setup(void **state)
{
	const char *env = getenv("ORDEAL_TEST_HELPER");
	char self[PATH_MAX];
	ssize_t n;

	(void)state;
	if (env && *env) {
		helper = xstrdup(env);
	} else {
		/* build/tests/unit/test-run-command -> build/ordeal-test-helper
		 */
		n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n > 0) {
			self[n] = '\0';
			*strrchr(self, '/') = '\0';
			helper = xstrfmt("%s/../../ordeal-test-helper", self);
		}
	}
	if (!helper || access(helper, X_OK)) {
		print_message("ordeal-test-helper not found (set "
			      "ORDEAL_TEST_HELPER)\n");
		free(helper);
		helper = NULL;
	}
	run_command_init();
	jx_load();
	return unit_setup_tmpdir(state);
}

static int teardown(void **state)
{
	free(helper);
	return unit_teardown_tmpdir(state);
}

/* A child_process running the helper with the given arguments. */
static void helper_cmd(struct child_process *cp, const char *const *args)
{
	if (!helper)
		skip();
	child_process_init(cp);
	strvec_push(&cp->args, helper);
	strvec_pushv(&cp->args, args);
}

#define HELPER(cp, ...)                                                        \
	helper_cmd((cp), (const char *const[]){__VA_ARGS__, NULL})

static char *slurp(const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	if (strbuf_read_file(&sb, path, 0) < 0)
		fail_msg("cannot read '%s'", path);
	return strbuf_detach(&sb, NULL);
}

static pid_t read_pid(const char *path)
{
	char *s = slurp(path);
	pid_t pid = (pid_t)atol(s);

	free(s);
	assert_true(pid > 1);
	return pid;
}

/* Gone, or a zombie nobody will run again. */
static bool is_dead(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *fp;

	if (kill(pid, 0) < 0 && errno == ESRCH)
		return true;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	fp = fopen(path, "r");
	if (!fp)
		return true;
	p = fgets(buf, sizeof(buf), fp) ? strrchr(buf, ')') : NULL;
	fclose(fp);
	return p && (p[2] == 'Z' || p[2] == 'X');
}

/* Allow a moment for SIGKILL to land (it is asynchronous). */
static void assert_dies(pid_t pid)
{
	for (int i = 0; i < 300 && !is_dead(pid); i++)
		usleep(10000);
	if (!is_dead(pid)) {
		kill(pid, SIGKILL);
		fail_msg("process %ld was left running", (long)pid);
	}
}

/* Nothing was left unreaped: no zombie children of ours remain. */
static void assert_no_children(void)
{
	pid_t pid = waitpid(-1, NULL, WNOHANG);

	if (pid > 0)
		fail_msg("child %ld was left unreaped", (long)pid);
	assert_int_equal(pid, -1);
	assert_int_equal(errno, ECHILD);
}

static void test_exit_codes(void **state)
{
	static const int codes[] = {0, 1, 3, 77, 126, 255};
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
		struct child_process cp;
		char n[16];

		snprintf(n, sizeof(n), "%d", codes[i]);
		HELPER(&cp, "exit", n);
		assert_int_equal(run_command(&cp), 0);
		assert_true(cp.result.started);
		assert_true(cp.result.exited);
		assert_int_equal(cp.result.exit_code, codes[i]);
		assert_int_equal(cp.result.signal, 0);
		assert_false(cp.result.timed_out);
		assert_false(cp.running);
		assert_int_equal(cp.result.escaped, 0); /* nothing left */
		assert_true(cp.result.duration_ns > 0);
		assert_true(cp.result.max_rss_kb > 0);
		assert_true(run_result_passed(&cp.result) == (codes[i] == 0));
		assert_true(run_result_skipped(&cp.result) == (codes[i] == 77));
		strbuf_reset(&sb);
		run_result_describe(&sb, &cp.result);
		if (codes[i])
			assert_non_null(strstr(sb.buf, n));
		child_process_clear(&cp);
	}
	strbuf_release(&sb);
}

static void test_signals(void **state)
{
	static const struct {
		const char *arg;
		int sig;
		const char *name;
	} sigs[] = {
		{"SEGV", SIGSEGV, "SEGV"},
		{"ABRT", SIGABRT, "ABRT"},
		{"KILL", SIGKILL, "KILL"},
		{"15", SIGTERM, "TERM"},
	};
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
		struct child_process cp;

		HELPER(&cp, "kill-self", sigs[i].arg);
		cp.err = CHILD_NULL;
		assert_int_equal(run_command(&cp), 0);
		assert_false(cp.result.exited);
		assert_int_equal(cp.result.signal, sigs[i].sig);
		assert_false(run_result_passed(&cp.result));
		assert_false(run_result_skipped(&cp.result));
		strbuf_reset(&sb);
		run_result_describe(&sb, &cp.result);
		if (!strstr(sb.buf, sigs[i].name))
			fail_msg("'%s' does not name %s", sb.buf, sigs[i].name);
		child_process_clear(&cp);
	}
	strbuf_release(&sb);
}

static void test_spawn_errors(void **state)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	struct strbuf sb = STRBUF_INIT;
	char *noexec = unit_path("not-executable");

	(void)state;
	strvec_push(&cp.args, "/nonexistent/dir/prog");
	assert_int_equal(run_command(&cp), -1);
	assert_false(cp.result.started);
	assert_int_equal(cp.result.spawn_errno, ENOENT);
	assert_false(run_result_passed(&cp.result));
	run_result_describe(&sb, &cp.result);
	assert_non_null(strstr(sb.buf, "not found"));
	child_process_clear(&cp);

	child_process_init(&cp);
	strvec_push(&cp.args, "no-such-command-ordeal-xyz");
	cp.use_path = true;
	assert_int_equal(start_command(&cp), -1);
	assert_int_equal(cp.result.spawn_errno, ENOENT);
	child_process_clear(&cp);

	assert_int_equal(unit_write(noexec, "#!/bin/sh\n", 10), 0);
	child_process_init(&cp);
	strvec_push(&cp.args, noexec);
	assert_int_equal(run_command(&cp), -1);
	assert_false(cp.result.started);
	assert_int_equal(cp.result.spawn_errno, EACCES);
	child_process_clear(&cp);

	/* A failed spawn leaves nothing running. */
	assert_int_equal(run_command_running(), 0);
	strbuf_release(&sb);
	free(noexec);
}

static void test_timeout_term(void **state)
{
	struct child_process cp;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	HELPER(&cp, "sleep", "30s");
	cp.timeout_ns = 200 * NS_PER_MS;
	assert_int_equal(run_command(&cp), 0);
	assert_true(cp.result.timed_out);
	assert_int_equal(cp.result.signal, SIGTERM);
	assert_false(run_result_passed(&cp.result));
	assert_true(cp.result.duration_ns >= 200 * NS_PER_MS);
	assert_true(cp.result.duration_ns < 10 * NS_PER_SEC);
	run_result_describe(&sb, &cp.result);
	assert_non_null(strstr(sb.buf, "timed out"));
	strbuf_release(&sb);
	child_process_clear(&cp);
}

static void test_timeout_kill_after_grace(void **state)
{
	struct child_process cp;

	(void)state;
	HELPER(&cp, "ignore-term", "30s");
	cp.out = CHILD_NULL;
	cp.timeout_ns = 200 * NS_PER_MS;
	cp.kill_grace_ns = 300 * NS_PER_MS;
	assert_int_equal(run_command(&cp), 0);
	assert_true(cp.result.timed_out);
	assert_int_equal(cp.result.signal, SIGKILL);
	/* TERM was ignored, so KILL came after timeout + grace. */
	assert_true(cp.result.duration_ns >= 500 * NS_PER_MS);
	assert_true(cp.result.duration_ns < 10 * NS_PER_SEC);
	child_process_clear(&cp);
}

static void test_timeout_stopped_child(void **state)
{
	struct child_process cp;

	(void)state;
	/* A stopped child cannot act on TERM until it is continued. */
	HELPER(&cp, "stop-self");
	cp.out = CHILD_NULL;
	cp.timeout_ns = 200 * NS_PER_MS;
	cp.kill_grace_ns = 5 * NS_PER_SEC;
	assert_int_equal(run_command(&cp), 0);
	assert_true(cp.result.timed_out);
	assert_int_equal(cp.result.signal, SIGTERM);
	assert_true(cp.result.duration_ns < 5 * NS_PER_SEC);
	child_process_clear(&cp);
}

static void test_timeout_kills_group(void **state)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	char *pidfile = unit_path("tk.pid");
	char *script;

	(void)state;
	if (!helper)
		skip();
	/* sh waits on a grandchild that ignores TERM: both must die. */
	script = xstrfmt("'%s' spawn-grandchild 30s '%s' >/dev/null; "
			 "exec '%s' ignore-term 30s",
			 helper, pidfile, helper);
	strvec_push(&cp.args, "/bin/sh");
	strvec_push(&cp.args, "-c");
	strvec_push(&cp.args, script);
	cp.out = CHILD_NULL;
	cp.timeout_ns = 300 * NS_PER_MS;
	cp.kill_grace_ns = 200 * NS_PER_MS;
	assert_int_equal(run_command(&cp), 0);
	assert_true(cp.result.timed_out);
	assert_dies(read_pid(pidfile));
	child_process_clear(&cp);
	free(script);
	free(pidfile);
}

static void test_grandchild_killed_after_exit(void **state)
{
	struct child_process cp;
	char *pidfile = unit_path("gc.pid");

	(void)state;
	HELPER(&cp, "spawn-grandchild", "30s", pidfile);
	cp.out = CHILD_NULL;
	assert_int_equal(run_command(&cp), 0);
	assert_true(cp.result.exited);
	assert_int_equal(cp.result.exit_code, 0);
	assert_true(cp.result.escaped >= 1);
	assert_dies(read_pid(pidfile));
	assert_no_children();
	child_process_clear(&cp);
	free(pidfile);
}

static void test_daemon_escapes_and_dies(void **state)
{
	struct child_process cp;
	char *pidfile = unit_path("daemon.pid");
	pid_t pid;

	(void)state;
	HELPER(&cp, "spawn-daemon", "30s", pidfile);
	cp.out = CHILD_NULL;
	assert_int_equal(run_command(&cp), 0);
	assert_int_equal(cp.result.exit_code, 0);
	pid = read_pid(pidfile);
	/* It left our process group and session... */
	assert_true(getsid(pid) < 0 || getsid(pid) != getsid(0));
	/* ...and was still found, counted and killed. */
	assert_true(cp.result.escaped >= 1);
	assert_dies(pid);
	assert_no_children();
	child_process_clear(&cp);
	free(pidfile);
}

static void test_rusage(void **state)
{
	struct child_process cp;

	(void)state;
	HELPER(&cp, "alloc", "64");
	cp.out = CHILD_NULL;
	assert_int_equal(run_command(&cp), 0);
	assert_int_equal(cp.result.exit_code, 0);
	if (cp.result.max_rss_kb < 60 * 1024)
		fail_msg("max RSS %ld KiB after touching 64 MiB",
			 cp.result.max_rss_kb);
	child_process_clear(&cp);

	HELPER(&cp, "spin", "300ms");
	assert_int_equal(run_command(&cp), 0);
	assert_true(cp.result.user_s + cp.result.sys_s > 0.0);
	assert_true(cp.result.duration_ns >= 300 * NS_PER_MS);
	assert_true(cp.result.start_wall_ns > 0);
	child_process_clear(&cp);
}

static void test_stdout_stderr_files(void **state)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	char *out = unit_path("out.txt"), *err = unit_path("err.txt");
	char *s;

	(void)state;
	HELPER(&cp, "lines", "3");
	cp.out = CHILD_FILE;
	cp.out_path = out;
	assert_int_equal(run_command(&cp), 0);
	s = slurp(out);
	assert_string_equal(s, "line 1\nline 2\nline 3\n");
	free(s);
	child_process_clear(&cp);

	/* 2>&1 keeps the order of writes. */
	child_process_init(&cp);
	strvec_push(&cp.args, "/bin/sh");
	strvec_push(&cp.args, "-c");
	strvec_push(&cp.args, "echo out1; echo err1 >&2; echo out2");
	cp.out = CHILD_FILE;
	cp.out_path = out;
	cp.err = CHILD_STDOUT;
	assert_int_equal(run_command(&cp), 0);
	s = slurp(out);
	assert_string_equal(s, "out1\nerr1\nout2\n");
	free(s);
	child_process_clear(&cp);

	/* Separate files; the out file is truncated first. */
	HELPER(&cp, "stderr", "to", "stderr");
	cp.out = CHILD_FILE;
	cp.out_path = out;
	cp.err = CHILD_FILE;
	cp.err_path = err;
	assert_int_equal(run_command(&cp), 0);
	s = slurp(out);
	assert_string_equal(s, "");
	free(s);
	s = slurp(err);
	assert_string_equal(s, "to stderr\n");
	free(s);
	child_process_clear(&cp);

	/* Append. */
	for (int i = 0; i < 2; i++) {
		HELPER(&cp, "echo", "again");
		cp.out = CHILD_APPEND;
		cp.out_path = err;
		assert_int_equal(run_command(&cp), 0);
		child_process_clear(&cp);
	}
	s = slurp(err);
	assert_string_equal(s, "to stderr\nagain\nagain\n");
	free(s);

	/* Output to a file that cannot be created: a spawn failure. */
	HELPER(&cp, "echo", "x");
	cp.out = CHILD_FILE;
	cp.out_path = "/nonexistent/dir/out";
	assert_int_equal(run_command(&cp), -1);
	assert_false(cp.result.started);
	assert_int_equal(cp.result.spawn_errno, ENOENT);
	child_process_clear(&cp);
	free(out);
	free(err);
}

static void test_big_output_streams(void **state)
{
	struct child_process cp;
	char *out = unit_path("big.out");
	struct stat st;

	(void)state;
	HELPER(&cp, "print-bytes", "64m");
	cp.out = CHILD_FILE;
	cp.out_path = out;
	assert_int_equal(run_command(&cp), 0);
	assert_int_equal(cp.result.exit_code, 0);
	assert_int_equal(stat(out, &st), 0);
	assert_int_equal(st.st_size, 64LL << 20);
	unlink(out);
	child_process_clear(&cp);
	free(out);
}

static void test_stdin(void **state)
{
	struct child_process cp;
	char *in = unit_path("in.txt"), *out = unit_path("cat.out");
	struct strbuf sb = STRBUF_INIT;
	char *s;

	(void)state;
	assert_int_equal(unit_write(in, "from a file\n", 12), 0);
	HELPER(&cp, "cat");
	cp.in = CHILD_FILE;
	cp.in_path = in;
	cp.out = CHILD_FILE;
	cp.out_path = out;
	assert_int_equal(run_command(&cp), 0);
	s = slurp(out);
	assert_string_equal(s, "from a file\n");
	free(s);
	child_process_clear(&cp);

	HELPER(&cp, "cat");
	cp.in = CHILD_NULL;
	cp.out = CHILD_FILE;
	cp.out_path = out;
	assert_int_equal(run_command(&cp), 0);
	s = slurp(out);
	assert_string_equal(s, "");
	free(s);
	child_process_clear(&cp);

	/* Pipes both ways. */
	HELPER(&cp, "cat");
	cp.in = CHILD_PIPE;
	cp.out = CHILD_PIPE;
	assert_int_equal(start_command(&cp), 0);
	assert_true(cp.in_fd >= 0);
	assert_true(cp.out_fd >= 0);
	assert_int_equal(write_in_full(cp.in_fd, "piped\n", 6), 6);
	close(cp.in_fd);
	assert_int_equal(strbuf_read_fd(&sb, cp.out_fd, 0), 6);
	close(cp.out_fd);
	assert_string_equal(sb.buf, "piped\n");
	assert_int_equal(finish_command(&cp), 0);
	assert_int_equal(cp.result.exit_code, 0);
	child_process_clear(&cp);
	strbuf_release(&sb);
	free(in);
	free(out);
}

static char *run_capture(struct child_process *cp)
{
	char *out = unit_path("capture.out"), *s;

	cp->out = CHILD_FILE;
	cp->out_path = out;
	assert_int_equal(run_command(cp), 0);
	s = slurp(out);
	free(out);
	return s;
}

static void test_env(void **state)
{
	struct child_process cp;
	char *s;

	(void)state;
	setenv("ORDEAL_UNIT_PARENT", "p", 1);
	setenv("ORDEAL_UNIT_KEEP", "k", 1);
	HELPER(&cp, "print-env", "FOO", "ORDEAL_UNIT_PARENT",
	       "ORDEAL_UNIT_KEEP", "EMPTY");
	strvec_push(&cp.env, "FOO=bar=baz");
	strvec_push(&cp.env, "ORDEAL_UNIT_PARENT");
	strvec_push(&cp.env, "EMPTY=");
	s = run_capture(&cp);
	assert_string_equal(s, "FOO=bar=baz\nORDEAL_UNIT_PARENT (unset)\n"
			       "ORDEAL_UNIT_KEEP=k\nEMPTY=\n");
	free(s);
	child_process_clear(&cp);
	/* Our own environment is untouched. */
	assert_string_equal(getenv("ORDEAL_UNIT_PARENT"), "p");

	/* A clean environment: only the edits (and the token). */
	HELPER(&cp, "print-env");
	cp.clean_env = true;
	strvec_push(&cp.env, "ONLY=this");
	s = run_capture(&cp);
	assert_non_null(strstr(s, "ONLY=this\n"));
	assert_null(strstr(s, "ORDEAL_UNIT_KEEP"));
	assert_null(strstr(s, "PATH="));
	assert_non_null(strstr(s, "ORDEAL_CHILD_TOKEN="));
	free(s);
	child_process_clear(&cp);
	unsetenv("ORDEAL_UNIT_PARENT");
	unsetenv("ORDEAL_UNIT_KEEP");
}

static void test_cwd_and_group(void **state)
{
	struct child_process cp;
	char real[PATH_MAX], *s, *want;
	long pid, pgid, sid, ppid;

	(void)state;
	assert_non_null(realpath(unit_tmpdir, real));
	HELPER(&cp, "pwd");
	cp.dir = unit_tmpdir;
	s = run_capture(&cp);
	want = xstrfmt("%s\n", real);
	assert_string_equal(s, want);
	free(want);
	free(s);
	child_process_clear(&cp);

	/* Its own process group, led by itself. */
	HELPER(&cp, "print-ids");
	s = run_capture(&cp);
	assert_int_equal(sscanf(s, "pid %ld pgid %ld sid %ld ppid %ld", &pid,
				&pgid, &sid, &ppid),
			 4);
	assert_int_equal(pid, cp.pid);
	assert_int_equal(pgid, pid);
	assert_int_equal(ppid, getpid());
	assert_true(pgid != getpgid(0));
	free(s);
	child_process_clear(&cp);

	/* A directory that does not exist: a spawn failure. */
	HELPER(&cp, "pwd");
	cp.dir = "/nonexistent/dir";
	assert_int_equal(run_command(&cp), -1);
	assert_false(cp.result.started);
	assert_int_equal(cp.result.spawn_errno, ENOENT);
	child_process_clear(&cp);
}

static int set_umask(void *data)
{
	(void)data;
	umask(077);
	return 0;
}

static int refuse(void *data)
{
	(void)data;
	errno = EPERM;
	return -1;
}

static void test_pre_exec_and_fd_map(void **state)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	char *f = unit_path("umask.txt");
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	int fds[2];

	(void)state;
	HELPER(&cp, "write-file", f, "x");
	cp.pre_exec = set_umask;
	assert_int_equal(run_command(&cp), 0);
	assert_int_equal(cp.result.exit_code, 0);
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	child_process_clear(&cp);

	HELPER(&cp, "exit", "0");
	cp.pre_exec = refuse;
	assert_int_equal(run_command(&cp), -1);
	assert_false(cp.result.started);
	assert_int_equal(cp.result.spawn_errno, EPERM);
	child_process_clear(&cp);

	/* An extra fd: the parent's pipe end becomes the child's fd 3. */
	assert_int_equal(pipe(fds), 0);
	child_process_init(&cp);
	strvec_push(&cp.args, "/bin/sh");
	strvec_push(&cp.args, "-c");
	strvec_push(&cp.args, "echo via-fd-3 >&3");
	cp.fd_map[0].from = fds[1];
	cp.fd_map[0].to = 3;
	cp.nr_fd_map = 1;
	assert_int_equal(run_command(&cp), 0);
	assert_int_equal(cp.result.exit_code, 0);
	close(fds[1]);
	strbuf_read_fd(&sb, fds[0], 0);
	close(fds[0]);
	assert_string_equal(sb.buf, "via-fd-3\n");
	strbuf_release(&sb);
	child_process_clear(&cp);
	free(f);
}

static void test_wait_any_many(void **state)
{
	enum { N = 8 };
	struct child_process cps[N];
	bool seen[N] = {false};

	(void)state;
	for (int i = 0; i < N; i++) {
		char dur[24], code[16];

		snprintf(dur, sizeof(dur), "%dms", (N - i) * 30);
		snprintf(code, sizeof(code), "%d", i);
		HELPER(&cps[i], "sleep", dur, code);
		cps[i].data = &seen[i];
		assert_int_equal(start_command(&cps[i]), 0);
	}
	assert_int_equal(run_command_running(), N);
	for (int k = 0; k < N; k++) {
		struct child_process *cp = run_command_wait_any(-1);
		int i;

		assert_non_null(cp);
		i = (int)(cp - cps);
		assert_true(i >= 0 && i < N);
		assert_ptr_equal(cp->data, &seen[i]);
		assert_false(seen[i]); /* each one handed back once */
		seen[i] = true;
		assert_false(cp->running);
		assert_int_equal(cp->result.exit_code, i);
		assert_int_equal(run_command_running(), N - k - 1);
	}
	assert_null(run_command_wait_any(-1)); /* nothing left */
	for (int i = 0; i < N; i++)
		child_process_clear(&cps[i]);
}

static void test_finish_one_of_many(void **state)
{
	struct child_process a, b;

	(void)state;
	/* a ends first, while we wait for b: a must not be lost. */
	HELPER(&a, "exit", "4");
	HELPER(&b, "sleep", "300ms", "5");
	assert_int_equal(start_command(&a), 0);
	assert_int_equal(start_command(&b), 0);
	assert_int_equal(finish_command(&b), 0);
	assert_int_equal(b.result.exit_code, 5);
	assert_false(a.running);
	assert_int_equal(run_command_running(), 1);
	assert_ptr_equal(run_command_wait_any(-1), &a);
	assert_int_equal(a.result.exit_code, 4);
	assert_int_equal(run_command_running(), 0);
	child_process_clear(&a);
	child_process_clear(&b);
}

static void test_wait_any_timeout(void **state)
{
	struct child_process cp;
	int64_t t0;

	(void)state;
	HELPER(&cp, "sleep", "1s");
	assert_int_equal(start_command(&cp), 0);
	t0 = clock_now_ns();
	assert_null(run_command_wait_any(50 * NS_PER_MS));
	assert_true(clock_now_ns() - t0 >= 50 * NS_PER_MS);
	assert_true(cp.running);
	assert_int_equal(run_command_running(), 1);
	assert_ptr_equal(run_command_wait_any(-1), &cp);
	assert_int_equal(cp.result.exit_code, 0);
	child_process_clear(&cp);
}

static void test_result_json(void **state)
{
	struct child_process cp;
	char *path = unit_path("result.json"), *s;
	struct jx *j, *argv;
	struct jx_error err;

	(void)state;
	HELPER(&cp, "exit", "3",
	       "\xff"
	       "bad-utf8");
	cp.dir = unit_tmpdir;
	assert_int_equal(run_command(&cp), 0);
	assert_int_equal(run_result_write_json(path, &cp, 0xfeedULL,
					       "\"thread\":1,\"run\":42"),
			 0);
	if (!jx_loadb)
		skip();
	s = slurp(path);
	j = jx_parse(s, strlen(s), &err);
	if (!j)
		fail_msg("result.json does not parse: %s\n%s", err.text, s);
	assert_int_equal(j->type, JX_OBJECT);
	argv = jx_get(j, "argv");
	assert_non_null(argv);
	assert_int_equal(jx_size(argv), 4);
	assert_string_equal(jx_str(jx_at(argv, 0)), helper);
	assert_string_equal(jx_str(jx_at(argv, 1)), "exit");
	assert_string_equal(jx_str(jx_at(argv, 3)), "\xef\xbf\xbd"
						    "bad-utf8");
	assert_string_equal(jx_str(jx_get(j, "cwd")), unit_tmpdir);
	assert_int_equal(jx_int(jx_get(j, "exit_status")), 3);
	assert_int_equal(jx_int(jx_get(j, "seed")), 0xfeed);
	assert_int_equal(jx_int(jx_get(j, "thread")), 1);
	assert_int_equal(jx_int(jx_get(j, "run")), 42);
	assert_int_equal(jx_get(j, "timed_out")->type, JX_FALSE);
	assert_non_null(jx_get(j, "max_rss_kb"));
	assert_non_null(jx_get(j, "duration_ns"));
	jx_free(j);
	free(s);
	child_process_clear(&cp);

	/* A signal is recorded by name. */
	HELPER(&cp, "kill-self", "KILL");
	assert_int_equal(run_command(&cp), 0);
	assert_int_equal(run_result_write_json(path, &cp, 1, NULL), 0);
	s = slurp(path);
	j = jx_parse(s, strlen(s), &err);
	assert_non_null(j);
	assert_string_equal(jx_str(jx_get(j, "signal")), "KILL");
	assert_int_equal(jx_get(j, "exit_status")->type, JX_NULL);
	jx_free(j);
	free(s);
	child_process_clear(&cp);
	free(path);
}

static void test_kill_all(void **state)
{
	enum { N = 3 };
	struct child_process cps[N];
	char *pidfile = unit_path("ka.pid");
	int back = 0;

	(void)state;
	for (int i = 0; i < N; i++) {
		HELPER(&cps[i], "sleep", "30s");
		assert_int_equal(start_command(&cps[i]), 0);
	}
	run_command_kill_all();
	for (int i = 0; i < N; i++) {
		assert_false(cps[i].running);
		assert_int_equal(cps[i].result.signal, SIGKILL);
		assert_dies(cps[i].pid);
	}
	/* They are still handed back, once each. */
	while (run_command_wait_any(0))
		back++;
	assert_int_equal(back, N);
	assert_int_equal(run_command_running(), 0);
	for (int i = 0; i < N; i++)
		child_process_clear(&cps[i]);
	free(pidfile);
}

/* Last: the interrupt flag stays set for the rest of the process. */
static void test_interrupt(void **state)
{
	struct child_process cp;
	int64_t t0;

	(void)state;
	HELPER(&cp, "sleep", "30s");
	assert_int_equal(start_command(&cp), 0);
	assert_int_equal(run_command_interrupted(), 0);
	run_command_interrupt(SIGINT);
	assert_int_equal(run_command_interrupted(), SIGINT);
	t0 = clock_now_ns();
	assert_null(run_command_wait_any(-1)); /* returns, does not hang */
	assert_true(clock_now_ns() - t0 < 10 * NS_PER_SEC);
	run_command_kill_all();
	assert_true(cp.result.interrupted);
	assert_dies(cp.pid);
	while (run_command_wait_any(0))
		;
	child_process_clear(&cp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_spawn_errors),
		cmocka_unit_test(test_timeout_term),
		cmocka_unit_test(test_timeout_kill_after_grace),
		cmocka_unit_test(test_timeout_stopped_child),
		cmocka_unit_test(test_timeout_kills_group),
		cmocka_unit_test(test_grandchild_killed_after_exit),
		cmocka_unit_test(test_daemon_escapes_and_dies),
		cmocka_unit_test(test_rusage),
		cmocka_unit_test(test_stdout_stderr_files),
		cmocka_unit_test(test_big_output_streams),
		cmocka_unit_test(test_stdin),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_cwd_and_group),
		cmocka_unit_test(test_pre_exec_and_fd_map),
		cmocka_unit_test(test_wait_any_many),
		cmocka_unit_test(test_finish_one_of_many),
		cmocka_unit_test(test_wait_any_timeout),
		cmocka_unit_test(test_result_json),
		cmocka_unit_test(test_kill_all),
		cmocka_unit_test(test_interrupt),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
