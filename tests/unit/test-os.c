/*
 * test-os.c - unit tests of the platform layer on this machine: listing a
 * process's children (what the subreaper sweep relies on), reading another
 * process's initial environment (how escaped daemons are recognised), our
 * own peak RSS, and filesystem type names.  Off Linux the functions may
 * answer ENOSYS: those tests skip.
 */
#include "common.h"
#include "os.h"

#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* A child that waits on a pipe (so it is alive while we look at it). */
static pid_t start_child(int *release_fd, char *const envp[])
{
	int fds[2];
	pid_t pid;

	/* Close-on-exec, so a later child does not hold this one open. */
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		char *argv[] = {"sh", "-c", "read x", NULL};

		close(fds[1]);
		dup2(fds[0], 0);
		execve("/bin/sh", argv, envp);
		_exit(127);
	}
	close(fds[0]);
	*release_fd = fds[1];
	return pid;
}

static void stop_child(pid_t pid, int release_fd)
{
	int status;

	close(release_fd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
}

static void test_list_children(void **state)
{
	char *env[] = {"PATH=/bin:/usr/bin", NULL};
	pid_t kids[3];
	int fds[3], n;
	pid_t *list = NULL;

	(void)state;
	for (int i = 0; i < 3; i++)
		kids[i] = start_child(&fds[i], env);
	n = os_list_children(getpid(), &list);
	if (n < 0 && errno == ENOSYS)
		skip();
	assert_true(n >= 3);
	for (int i = 0; i < 3; i++) {
		bool found = false;
		for (int k = 0; k < n; k++)
			found |= list[k] == kids[i];
		if (!found)
			fail_msg("child %ld not listed", (long)kids[i]);
	}
	free(list);
	for (int i = 0; i < 3; i++)
		stop_child(kids[i], fds[i]);

	/* Afterwards they are gone from the list. */
	list = NULL;
	n = os_list_children(getpid(), &list);
	for (int k = 0; k < n; k++)
		for (int i = 0; i < 3; i++)
			assert_true(list[k] != kids[i]);
	free(list);
}

static void test_process_getenv(void **state)
{
	char *env[] = {"PATH=/bin:/usr/bin", "ORDEAL_CHILD_TOKEN=123.4",
		       "EMPTY=", "WITH_EQ=a=b", NULL};
	char *v;
	int fd;
	pid_t pid = start_child(&fd, env);

	(void)state;
	/* The child execs asynchronously: wait until its env is the new one. */
	for (int i = 0; i < 200; i++) {
		v = os_process_getenv(pid, "ORDEAL_CHILD_TOKEN");
		if (v)
			break;
		usleep(5000);
	}
	if (!v && errno == ENOSYS)
		skip();
	assert_non_null(v);
	assert_string_equal(v, "123.4");
	free(v);
	v = os_process_getenv(pid, "WITH_EQ");
	assert_non_null(v);
	assert_string_equal(v, "a=b");
	free(v);
	v = os_process_getenv(pid, "EMPTY");
	assert_non_null(v);
	assert_string_equal(v, "");
	free(v);
	/* A prefix of a name is not the name. */
	assert_null(os_process_getenv(pid, "ORDEAL_CHILD"));
	assert_null(os_process_getenv(pid, "NOT_THERE"));
	stop_child(pid, fd);
	/* A process that no longer exists. */
	assert_null(os_process_getenv(pid, "PATH"));
}

static void test_self_rss(void **state)
{
	long before, after;
	size_t len = 32u << 20;
	char *p;

	(void)state;
	before = os_self_max_rss_kb();
	if (before < 0)
		skip();
	p = malloc(len);
	assert_non_null(p);
	for (size_t i = 0; i < len; i += 4096)
		((volatile char *)p)[i] = 1;
	after = os_self_max_rss_kb();
	assert_true(after >= before);
	assert_true(after >= 16 * 1024);
	free(p);
}

static void test_fs_type(void **state)
{
	const char *t;

	(void)state;
	t = os_fs_type("/");
	if (!t && errno == ENOSYS)
		skip();
	assert_non_null(t);
	assert_true(*t);
	assert_null(os_fs_type("/no/such/path"));
	t = os_fs_type("/dev/shm");
	if (t)
		assert_string_equal(t, "tmpfs");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_children),
		cmocka_unit_test(test_process_getenv),
		cmocka_unit_test(test_self_rss),
		cmocka_unit_test(test_fs_type),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
