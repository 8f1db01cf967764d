/*
 * test-file-worker.c - unit tests of the file threads of `ordeal run`:
 * prepared directories with open stdout/stderr (parents made when
 * missing), written files, flush ordering, a prepare that cannot succeed,
 * and the same with no thread or with every job fast (jobs inline).
 */
#include "common.h"
#include "file-worker.h"
#include "strbuf.h"

#include <setjmp.h>
#include <cmocka.h>
#include "unit.h"

#define NR_PREPS 40

static char *file_text(const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(strbuf_read_file(&sb, path, 0) >= 0, 1);
	return strbuf_detach(&sb, NULL);
}

/* Prepare many directories, write into each through its fds, check. */
static void check_worker(int threads, int64_t inline_ns, const char *tag)
{
	struct file_worker *w = file_worker_start(threads, inline_ns);
	struct file_prep preps[NR_PREPS];
	char *dirs[NR_PREPS];

	for (int i = 0; i < NR_PREPS; i++) {
		/* Every 4th one needs its parent made too. */
		dirs[i] = xstrfmt("%s/%s/%s%d", unit_tmpdir, tag,
				  i % 4 ? "" : "deep/", i);
		if (i == 0) {
			char *top = xstrfmt("%s/%s", unit_tmpdir, tag);

			assert_int_equal(mkdir(top, 0777), 0);
			free(top);
		}
		preps[i].dir = dirs[i];
		file_worker_prepare(w, &preps[i]);
	}
	for (int i = 0; i < NR_PREPS; i++) {
		char *path, *text;

		file_worker_wait(w, &preps[i]);
		assert_true(preps[i].out_fd >= 0);
		assert_true(preps[i].err_fd >= 0);
		assert_int_equal(write(preps[i].out_fd, "out", 3), 3);
		assert_int_equal(write(preps[i].err_fd, "err", 3), 3);
		/* Close-on-exec: a child must get them only by dup2. */
		assert_true(fcntl(preps[i].out_fd, F_GETFD) & FD_CLOEXEC);
		close(preps[i].out_fd);
		close(preps[i].err_fd);
		path = xstrfmt("%s/stderr", dirs[i]);
		text = file_text(path);
		assert_string_equal(text, "err");
		free(text);
		free(path);
	}
	for (int i = 0; i < NR_PREPS; i++) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "result %d\n", i);
		file_worker_write(w, xstrfmt("%s/result.json", dirs[i]), &sb);
		/* Taken: the caller's strbuf is left empty. */
		assert_int_equal(sb.len, 0);
		strbuf_release(&sb);
	}
	file_worker_flush(w);
	for (int i = 0; i < NR_PREPS; i++) {
		char *path = xstrfmt("%s/result.json", dirs[i]);
		char *want = xstrfmt("result %d\n", i);
		char *text = file_text(path);

		assert_string_equal(text, want);
		free(text);
		free(want);
		free(path);
		free(dirs[i]);
	}
	file_worker_stop(w);
}

static void test_threads(void **state)
{
	(void)state;
	check_worker(2, 0, "two"); /* always handed to the threads */
}

static void test_inline(void **state)
{
	(void)state;
	check_worker(0, 0, "inline");
	/* Threads allowed, but every job fast enough to stay in the caller. */
	check_worker(2, INT64_MAX, "fast");
}

/* A directory that cannot be made: -1 fds, no hang, a warning. */
static void test_prepare_fails(void **state)
{
	struct file_worker *w = file_worker_start(1, 0);
	struct file_prep p;
	char *file = xstrfmt("%s/plain-file", unit_tmpdir);
	char *dir = xstrfmt("%s/sub", file);

	(void)state;
	assert_int_equal(unit_write(file, "x", 1), 0);
	p.dir = dir;
	file_worker_prepare(w, &p);
	file_worker_wait(w, &p);
	assert_int_equal(p.out_fd, -1);
	assert_int_equal(p.err_fd, -1);
	/* Stopping with writes still queued runs them first. */
	{
		struct strbuf sb = STRBUF_INIT;
		char *path = xstrfmt("%s/late", unit_tmpdir);
		char *text;

		strbuf_addstr(&sb, "late");
		file_worker_write(w, xstrdup(path), &sb);
		file_worker_stop(w);
		text = file_text(path);
		assert_string_equal(text, "late");
		free(text);
		free(path);
	}
	free(dir);
	free(file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_prepare_fails),
	};

	return cmocka_run_group_tests(tests, unit_setup_tmpdir,
				      unit_teardown_tmpdir);
}
