/*
 * test-crashpoint.c - unit tests of libordeal's crash points in-process:
 * name validation, per-name hit counting and the trace format (also from
 * several threads), the invalid-name report on the status fd, and
 * ordeal_ack().  The environment is set before the first hit because the
 * library reads it once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ordeal/crashpoint.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char trace_path[] = "/tmp/ordeal-unit-trace-XXXXXX";
static int status_pipe[2], ack_pipe[2];

static void test_name_valid(void **state)
{
	char long_name[300];

	(void)state;
	assert_true(ordeal_crashpoint_name_valid("wal.mid-frame"));
	assert_true(ordeal_crashpoint_name_valid("a"));
	assert_true(ordeal_crashpoint_name_valid("sys.write"));
	assert_false(ordeal_crashpoint_name_valid(""));
	assert_false(ordeal_crashpoint_name_valid(NULL));
	assert_false(ordeal_crashpoint_name_valid("a b"));
	assert_false(ordeal_crashpoint_name_valid("a@2"));
	assert_false(ordeal_crashpoint_name_valid("tab\there"));
	assert_false(ordeal_crashpoint_name_valid("new\nline"));
	memset(long_name, 'x', 200);
	long_name[200] = '\0';
	assert_true(ordeal_crashpoint_name_valid(long_name));
	memset(long_name, 'x', 201);
	long_name[201] = '\0';
	assert_false(ordeal_crashpoint_name_valid(long_name));
}

static void *hammer(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 1000; i++)
		ORDEAL_CRASHPOINT("unit.threads");
	return NULL;
}

static void test_trace_counts(void **state)
{
	FILE *f;
	char line[512], name[256], kind[8];
	unsigned long seq, hit, pid, tid, max_hit = 0, last_seq = 0;
	int a = 0, b = 0, threads = 0, bad = 0, i;
	pthread_t th[4];

	(void)state;
	ORDEAL_CRASHPOINT("unit.a");
	ORDEAL_CRASHPOINT("unit.b");
	ORDEAL_CRASHPOINT("unit.a");
	ORDEAL_CRASHPOINT("unit bad");
	for (i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, hammer, NULL);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);

	f = fopen(trace_path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		assert_int_equal(sscanf(line, "%7s %lu %lu %lu %lu %255[^\n]",
					kind, &seq, &hit, &pid, &tid, name),
				 6);
		assert_true(seq > last_seq); /* one process: seq increases */
		last_seq = seq;
		assert_int_equal(pid, (unsigned long)getpid());
		if (!strcmp(kind, "bad")) {
			assert_string_equal(name, "unit bad");
			bad++;
			continue;
		}
		assert_string_equal(kind, "hit");
		if (!strcmp(name, "unit.a")) {
			assert_int_equal(hit, (unsigned long)++a);
		} else if (!strcmp(name, "unit.b")) {
			assert_int_equal(hit, (unsigned long)++b);
		} else if (!strcmp(name, "unit.threads")) {
			threads++;
			if (hit > max_hit)
				max_hit = hit;
		}
	}
	fclose(f);
	assert_int_equal(a, 2);
	assert_int_equal(b, 1);
	assert_int_equal(bad, 1);
	assert_int_equal(threads, 4000);
	assert_int_equal(max_hit, 4000); /* no lost increments */
}

static void test_invalid_reported_once(void **state)
{
	char buf[256];
	ssize_t n;

	(void)state;
	ORDEAL_CRASHPOINT("unit bad");
	ORDEAL_CRASHPOINT("x@y");
	n = read(status_pipe[0], buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	/* "unit bad" was already reported by the previous test */
	assert_string_equal(buf, "invalid unit bad\ninvalid x@y\n");
}

static void test_ack(void **state)
{
	char buf[64];
	ssize_t n;

	(void)state;
	assert_int_equal(ordeal_ack("k1 v1"), 0);
	n = read(ack_pipe[0], buf, sizeof(buf) - 1);
	assert_int_equal(n, 6);
	buf[n] = '\0';
	assert_string_equal(buf, "k1 v1\n");
}

int main(void)
{
	char num[16];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_trace_counts),
		cmocka_unit_test(test_invalid_reported_once),
		cmocka_unit_test(test_ack),
	};
	int fd = mkstemp(trace_path), ret;

	if (fd < 0 || pipe(status_pipe) < 0 || pipe(ack_pipe) < 0)
		return 1;
	close(fd);
	fcntl(status_pipe[0], F_SETFL, O_NONBLOCK);
	setenv("ORDEAL_CRASH_TRACE", trace_path, 1);
	snprintf(num, sizeof(num), "%d", status_pipe[1]);
	setenv("ORDEAL_STATUS_FD", num, 1);
	snprintf(num, sizeof(num), "%d", ack_pipe[1]);
	setenv("ORDEAL_ACK_FD", num, 1);
	unsetenv("ORDEAL_CRASH_AT");
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(trace_path);
	return ret;
}
