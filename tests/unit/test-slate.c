/*
 * test-slate.c - unit tests of the slate layer's pure and local parts:
 * SPEC parsing, the tree copy both backends use (dirs, modes, symlinks,
 * fifos, times), emptying and removing trees, the none and copy slates'
 * life cycle in a temporary directory, and naming what holds a path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "common.h"
#include "path.h"
#include "slate.h"
#include "slate/backend.h"
#include "strbuf.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static char *tmp;

static int setup(void **state)
{
	(void)state;
	tmp = make_temp_dir(temp_base(), "test-slate-");
	return tmp ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	slate_remove_tree(tmp);
	free(tmp);
	return 0;
}

static char *at(const char *rel)
{
	return path_join(tmp, rel);
}

static void write_file(const char *rel, const char *text, mode_t mode)
{
	char *p = at(rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	chmod(p, mode);
	free(p);
}

static void test_parse(void **state)
{
	struct slate s = SLATE_INIT;

	(void)state;
	assert_int_equal(slate_parse(&s, "none"), 0);
	assert_string_equal(slate_backend(&s), "none");
	assert_null(s.source);
	slate_close(&s);

	assert_int_equal(slate_parse(&s, "overlay:a/b:c"), 0);
	assert_string_equal(slate_backend(&s), "overlay");
	assert_string_equal(s.source, "a/b:c");
	slate_close(&s);

	assert_int_equal(slate_parse(&s, "zfs:tank/ds@snap"), 0);
	assert_string_equal(s.source, "tank/ds@snap");
	slate_close(&s);

	assert_int_equal(slate_parse(&s, "nfs:/x"), -1);
	assert_int_equal(slate_parse(&s, "copy"), -1);
	assert_int_equal(slate_parse(&s, "copy:"), -1);
	assert_int_equal(slate_parse(&s, "none:x"), -1);
	assert_int_equal(slate_parse(&s, ""), -1);
	assert_null(s.ops);
}

static void test_copy_tree(void **state)
{
	struct strbuf why = STRBUF_INIT;
	struct stat st;
	char buf[64], *src = at("src"), *dst = at("dst"), *p;
	struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};
	ssize_t n;

	(void)state;
	assert_int_equal(mkdir(src, 0750), 0);
	p = at("src/sub");
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	write_file("src/a", "hello\n", 0640);
	write_file("src/sub/exe", "#!/bin/sh\n", 0755);
	write_file("src/empty", "", 0600);
	p = at("src/link");
	assert_int_equal(symlink("sub/exe", p), 0);
	free(p);
	p = at("src/fifo");
	assert_int_equal(mkfifo(p, 0600), 0);
	free(p);
	p = at("src/a");
	assert_int_equal(utimensat(AT_FDCWD, p, times, 0), 0);
	free(p);

	assert_int_equal(slate_copy_tree(src, dst, false, &why), 0);
	assert_int_equal(why.len, 0);

	p = at("dst/a");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_mtim.tv_sec, 1000000000);
	n = readlink(p, buf, sizeof(buf));
	assert_int_equal(n, -1); /* a file, not a link */
	free(p);
	p = at("dst/sub/exe");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	free(p);
	p = at("dst/sub");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	free(p);
	p = at("dst");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	free(p);
	p = at("dst/link");
	n = readlink(p, buf, sizeof(buf) - 1);
	assert_int_equal(n, 7);
	buf[n] = '\0';
	assert_string_equal(buf, "sub/exe");
	free(p);
	p = at("dst/fifo");
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	free(p);
	p = at("dst/empty");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, 0);
	free(p);
	if (geteuid() == 0) {
		/* Root keeps owners (and set-user-ID bits) as cp -a does. */
		char *s2 = at("src/owned"), *d2 = at("dst2");

		write_file("src/owned", "x", 04755);
		assert_int_equal(chown(s2, 65534, 65534), 0);
		assert_int_equal(chmod(s2, 04755), 0);
		assert_int_equal(slate_copy_tree(src, d2, false, &why), 0);
		free(s2);
		s2 = at("dst2/owned");
		assert_int_equal(stat(s2, &st), 0);
		assert_int_equal(st.st_uid, 65534);
		assert_int_equal(st.st_mode & 07777, 04755);
		assert_int_equal(slate_remove_tree(d2), 0);
		free(s2);
		free(d2);
	}

	/* The destination must not exist; a missing source is an error. */
	assert_int_equal(slate_copy_tree(src, dst, false, &why), -1);
	assert_non_null(strstr(why.buf, "cannot create"));
	strbuf_reset(&why);
	p = at("nope");
	assert_int_equal(slate_copy_tree(p, dst, false, &why), -1);
	assert_non_null(strstr(why.buf, "cannot open"));
	free(p);

	/* Emptying keeps the dir; removing copes with mode-0 dirs. */
	p = at("dst/sub");
	chmod(p, 0);
	free(p);
	assert_int_equal(slate_empty_dir(dst), 0);
	assert_int_equal(rmdir(dst), 0);
	strbuf_release(&why);
	free(src);
	free(dst);
}

static void test_none_and_copy_life_cycle(void **state)
{
	struct slate s = SLATE_INIT;
	struct slate_run r = SLATE_RUN_INIT;
	struct stat st;
	char *src = at("lc-src"), *work = at("lc-work"), *p;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(mkdir(src, 0755), 0);
	assert_int_equal(mkdir(work, 0755), 0);
	write_file("lc-src/f", "x\n", 0644);

	/* none: the files live in a per-thread scratch dir during the
	 * run; it becomes thread-T-run-R only when kept. */
	assert_int_equal(slate_parse(&s, "none"), 0);
	assert_int_equal(slate_open(&s, work, "ordeal"), 0);
	assert_true(path_is_inside(s.work, work));
	assert_int_equal(slate_run_create(&s, &r, 0, 0), 0);
	assert_null(r.root);
	assert_string_equal(r.name, "thread-0-run-0");
	assert_int_equal(stat(r.live_dir, &st), 0);
	assert_int_equal(stat(r.dir, &st), -1);
	assert_int_equal(slate_run_discard(&s, &r), 0);
	assert_int_equal(stat(r.dir, &st), -1);
	slate_run_clear(&r);
	assert_int_equal(slate_run_create(&s, &r, 0, 1), 0);
	write_file("lc-work/x", "", 0600); /* unrelated: just a file */
	p = path_join(r.live_dir, "stdout");
	strbuf_addstr(&sb, "out\n");
	assert_int_equal(strbuf_write_file(&sb, p), 0);
	strbuf_reset(&sb);
	free(p);
	assert_int_equal(slate_run_keep(&s, &r, "failed"), 0);
	assert_string_equal(r.live_dir, r.dir);
	p = path_join(r.dir, "stdout");
	assert_true(strbuf_read_file(&sb, p, 0) > 0);
	assert_string_equal(sb.buf, "out\n");
	strbuf_reset(&sb);
	free(p);
	p = path_join(r.dir, "status");
	assert_true(strbuf_read_file(&sb, p, 0) > 0);
	assert_string_equal(sb.buf, "failed\n");
	free(p);
	slate_run_clear(&r);
	p = xstrdup(s.work);
	slate_close(&s);
	/* Only the kept run remains, no scratch dir. */
	strbuf_reset(&sb);
	{
		char *kept = path_join(p, "thread-0-run-1");
		char *scratch = path_join(p, ".thread-0");

		assert_int_equal(stat(kept, &st), 0);
		assert_int_equal(stat(scratch, &st), -1);
		free(kept);
		free(scratch);
	}
	free(p);

	/* copy: the run starts in its own copy; discard removes it. */
	assert_int_equal(slate_parse(&s, "copy:x"), 0);
	free(s.source);
	s.source = xstrdup(src);
	assert_int_equal(slate_open(&s, work, "ordeal"), 0);
	assert_int_equal(slate_run_create(&s, &r, 1, 0), 0);
	assert_non_null(r.root);
	p = path_join(r.root, "f");
	assert_int_equal(stat(p, &st), 0);
	free(p);
	p = xstrdup(r.dir);
	assert_int_equal(slate_run_discard(&s, &r), 0);
	assert_int_equal(stat(p, &st), -1);
	free(p);
	slate_run_clear(&r);
	assert_int_equal(slate_abandon(&s), 0);
	assert_int_equal(stat(s.work, &st), -1);
	slate_close(&s);

	/* The working area may not be inside the source. */
	assert_int_equal(slate_parse(&s, "copy:x"), 0);
	free(s.source);
	s.source = xstrdup(src);
	assert_int_equal(slate_open(&s, src, "ordeal"), -1);
	slate_close(&s);
	strbuf_release(&sb);
	free(src);
	free(work);
}

static void test_holders(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *dir = at("held"), *f;
	char cwd[4096];
	int fd;

	(void)state;
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(slate_describe_holders(&sb, dir), 0);
	assert_int_equal(sb.len, 0);
	f = path_join(dir, "f");
	fd = open(f, O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_true(slate_describe_holders(&sb, dir) >= 1);
	assert_non_null(strstr(sb.buf, "open file"));
	close(fd);
	strbuf_reset(&sb);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	assert_true(slate_describe_holders(&sb, dir) >= 1);
	assert_non_null(strstr(sb.buf, "working directory"));
	assert_int_equal(chdir(cwd), 0);
	free(f);
	free(dir);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_copy_tree),
		cmocka_unit_test(test_none_and_copy_life_cycle),
		cmocka_unit_test(test_holders),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
