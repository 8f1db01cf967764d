/*
 * test-path.c - unit tests of path: join, lexical normalisation (dots,
 * leading "..", repeated slashes), containment checks that `..` and
 * look-alike prefixes cannot fool, mkdir_p, remove_recursive that deletes
 * symlinks but never what they point to, copy_recursive keeping modes and
 * symlinks, temp dirs, and PATH lookup.
 */
#include "common.h"
#include "path.h"
#include "strbuf.h"

#include <dirent.h>
#include <setjmp.h>
#include <cmocka.h>
#include "unit.h"

static void check_join(const char *a, const char *b, const char *want)
{
	char *got = path_join(a, b);

	if (strcmp(got, want))
		fail_msg("path_join('%s', '%s') = '%s', want '%s'", a, b, got,
			 want);
	free(got);
}

static void test_join(void **state)
{
	(void)state;
	check_join("a", "b", "a/b");
	check_join("a/", "b", "a/b");
	check_join("/", "b", "/b");
	check_join("a", "/abs", "/abs");
	check_join("/w/x", "y/z", "/w/x/y/z");
	check_join("", "b", "b");
}

static void check_norm(const char *in, const char *want)
{
	char *got = path_normalize(in);

	if (strcmp(got, want))
		fail_msg("path_normalize('%s') = '%s', want '%s'", in, got,
			 want);
	free(got);
}

static void test_normalize(void **state)
{
	(void)state;
	check_norm("/", "/");
	check_norm("//", "/");
	check_norm("a", "a");
	check_norm("a/./b", "a/b");
	check_norm("a//b///c", "a/b/c");
	check_norm("a/b/", "a/b");
	check_norm("./a", "a");
	check_norm(".", ".");
	check_norm("", ".");
	check_norm("a/..", ".");
	check_norm("a/b/../c", "a/c");
	check_norm("a/b/../../c", "c");
	check_norm("/a/../..", "/");
	check_norm("/..", "/");
	check_norm("/../a", "/a");
	check_norm("/a/./b/../../c/", "/c");
	check_norm("..", "..");
	check_norm("../a", "../a");
	check_norm("a/../..", "..");
	check_norm("a/../../b", "../b");
	check_norm("../..", "../..");
	check_norm("../../b", "../../b");
	check_norm("../a/../..", "../..");
	check_norm("...", "...");
	check_norm("a/.../b", "a/.../b");
	check_norm(".hidden/..x", ".hidden/..x");
}

static void test_absolute(void **state)
{
	char cwd[4096], *got, *want;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	got = path_absolute("x/./y");
	want = xstrfmt("%s/x/y", strcmp(cwd, "/") ? cwd : "");
	assert_string_equal(got, want);
	free(got);
	free(want);
	got = path_absolute("/a/b/../c");
	assert_string_equal(got, "/a/c");
	free(got);
}

/* The way callers use it: normalise, then check. */
static bool inside(const char *p, const char *dir)
{
	char *n = path_normalize(p);
	bool r = path_is_inside(n, dir);

	free(n);
	return r;
}

static void test_is_inside(void **state)
{
	(void)state;
	assert_true(inside("/w", "/w"));
	assert_true(inside("/w/a", "/w"));
	assert_true(inside("/w/a/b/c", "/w"));
	assert_true(inside("/w/a/../b", "/w"));
	assert_true(inside("/w/./a", "/w"));
	assert_true(inside("/anything", "/"));
	assert_true(inside("/", "/"));
	assert_true(inside("/w/a", "/w/")); /* a trailing slash on dir */
	assert_false(inside("/w/..", "/w"));
	assert_false(inside("/w/../x", "/w"));
	assert_false(inside("/w/a/../../x", "/w"));
	assert_false(inside("/w/../w2", "/w"));
	assert_false(inside("/wx", "/w")); /* a prefix is not a parent */
	assert_false(inside("/w-x/a", "/w"));
	assert_false(inside("/", "/w"));
	assert_false(inside("/tmp/w", "/w"));
}

static void test_basename(void **state)
{
	(void)state;
	assert_string_equal(path_basename("a/b.txt"), "b.txt");
	assert_string_equal(path_basename("b.txt"), "b.txt");
	assert_string_equal(path_basename("/x/y/z"), "z");
}

static void test_mkdir_p(void **state)
{
	char *p = unit_path("m/a/b/c"), *f = unit_path("m/file");
	char *under = unit_path("m/file/sub");
	struct stat st;

	(void)state;
	assert_int_equal(mkdir_p(p, 0755), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(mkdir_p(p, 0755), 0); /* existing: fine */
	assert_int_equal(unit_write(f, "x", 1), 0);
	assert_int_equal(mkdir_p(f, 0755), -1); /* a file is in the way */
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(mkdir_p(under, 0755), -1);
	assert_int_equal(mkdir_p("", 0755), -1);
	free(p);
	free(f);
	free(under);
}

static void test_remove_recursive_keeps_symlink_targets(void **state)
{
	char *outside = unit_path("outside");
	char *precious = unit_path("outside/precious");
	char *tree = unit_path("tree");
	char *deep = unit_path("tree/a/b/c");
	char *lnk_dir = unit_path("tree/a/link-to-dir");
	char *lnk_file = unit_path("tree/a/b/link-to-file");
	char *locked = unit_path("tree/locked");
	char *inlocked = unit_path("tree/locked/f");
	struct stat st;

	(void)state;
	assert_int_equal(mkdir_p(outside, 0755), 0);
	assert_int_equal(unit_write(precious, "keep", 4), 0);
	assert_int_equal(mkdir_p(deep, 0755), 0);
	assert_int_equal(mkdir_p(locked, 0755), 0);
	assert_int_equal(unit_write(inlocked, "x", 1), 0);
	assert_int_equal(chmod(locked, 0), 0);
	assert_int_equal(symlink(outside, lnk_dir), 0);
	assert_int_equal(symlink(precious, lnk_file), 0);

	assert_int_equal(remove_recursive(tree), 0);
	assert_int_equal(lstat(tree, &st), -1);
	assert_int_equal(errno, ENOENT);
	/* What the links pointed to is untouched. */
	assert_int_equal(stat(precious, &st), 0);
	assert_int_equal(st.st_size, 4);

	/* Absent: fine.  A symlink itself: removed, target kept. */
	assert_int_equal(remove_recursive(tree), 0);
	assert_int_equal(symlink(outside, tree), 0);
	assert_int_equal(remove_recursive(tree), 0);
	assert_int_equal(lstat(tree, &st), -1);
	assert_int_equal(stat(precious, &st), 0);
	/* A plain file. */
	assert_int_equal(remove_recursive(precious), 0);
	assert_int_equal(stat(precious, &st), -1);

	free(outside);
	free(precious);
	free(tree);
	free(deep);
	free(lnk_dir);
	free(lnk_file);
	free(locked);
	free(inlocked);
}

static void read_into(const char *path, struct strbuf *sb)
{
	strbuf_reset(sb);
	assert_true(strbuf_read_file(sb, path, 0) >= 0);
}

static void test_copy_recursive(void **state)
{
	char *src = unit_path("csrc"), *dst = unit_path("cdst");
	char *sub = unit_path("csrc/sub/deeper");
	char *f1 = unit_path("csrc/run.sh"), *f2 = unit_path("csrc/sub/data");
	char *l1 = unit_path("csrc/sub/link");
	char *big = unit_path("csrc/big");
	char *p;
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	char target[256];
	ssize_t n;
	char *bigdata = xmalloc(300000);

	(void)state;
	for (size_t i = 0; i < 300000; i++)
		bigdata[i] = (char)(i % 251);
	assert_int_equal(mkdir_p(sub, 0755), 0);
	assert_int_equal(unit_write(f1, "#!/bin/sh\n", 10), 0);
	assert_int_equal(chmod(f1, 0750), 0);
	assert_int_equal(unit_write(f2, "data\0more", 9), 0);
	assert_int_equal(unit_write(big, bigdata, 300000), 0);
	assert_int_equal(symlink("../run.sh", l1), 0);
	assert_int_equal(chmod(sub, 0711), 0);

	assert_int_equal(copy_recursive(src, dst), 0);

	p = unit_path("cdst/run.sh");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	read_into(p, &sb);
	assert_string_equal(sb.buf, "#!/bin/sh\n");
	free(p);
	p = unit_path("cdst/sub/data");
	read_into(p, &sb);
	assert_int_equal(sb.len, 9);
	assert_memory_equal(sb.buf, "data\0more", 9);
	free(p);
	p = unit_path("cdst/big");
	read_into(p, &sb);
	assert_int_equal(sb.len, 300000);
	assert_memory_equal(sb.buf, bigdata, 300000);
	free(p);
	p = unit_path("cdst/sub/link");
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISLNK(st.st_mode)); /* copied as a link, not followed */
	n = readlink(p, target, sizeof(target) - 1);
	assert_true(n > 0);
	target[n] = '\0';
	assert_string_equal(target, "../run.sh");
	free(p);
	p = unit_path("cdst/sub/deeper");
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0711); /* directory modes too */
	free(p);

	/* A single file. */
	p = unit_path("single");
	assert_int_equal(copy_recursive(f1, p), 0);
	read_into(p, &sb);
	assert_string_equal(sb.buf, "#!/bin/sh\n");
	free(p);

	/* A missing source is an error. */
	p = unit_path("no-such-source");
	assert_int_equal(copy_recursive(p, dst), -1);
	free(p);

	strbuf_release(&sb);
	free(bigdata);
	free(src);
	free(dst);
	free(sub);
	free(f1);
	free(f2);
	free(l1);
	free(big);
}

static void test_temp(void **state)
{
	char *d1, *d2;
	struct stat st;
	char *old = getenv("TMPDIR") ? xstrdup(getenv("TMPDIR")) : NULL;

	(void)state;
	d1 = make_temp_dir(unit_tmpdir, "slate-");
	d2 = make_temp_dir(unit_tmpdir, "slate-");
	assert_non_null(d1);
	assert_non_null(d2);
	assert_string_not_equal(d1, d2);
	assert_int_equal(stat(d1, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_true(!strncmp(path_basename(d1), "slate-", 6));
	assert_int_equal(strlen(path_basename(d1)), 12);
	assert_null(make_temp_dir("/no/such/base", "x"));

	setenv("TMPDIR", "/var/tmp/x", 1);
	assert_string_equal(temp_base(), "/var/tmp/x");
	setenv("TMPDIR", "", 1);
	assert_string_equal(temp_base(), "/tmp");
	unsetenv("TMPDIR");
	assert_string_equal(temp_base(), "/tmp");
	if (old)
		setenv("TMPDIR", old, 1);
	free(old);
	free(d1);
	free(d2);
}

static void test_locate_in_path(void **state)
{
	char *bin = unit_path("bin"), *bin2 = unit_path("bin2");
	char *noexec = unit_path("bin/tool"), *exe = unit_path("bin2/tool");
	char *dir_named = unit_path("bin/tooldir");
	char *path = xstrfmt("/no/such/dir:%s:%s", bin, bin2);
	char *got;

	(void)state;
	assert_int_equal(mkdir_p(bin, 0755), 0);
	assert_int_equal(mkdir_p(bin2, 0755), 0);
	assert_int_equal(mkdir_p(dir_named, 0755), 0);
	/* Not executable (even root needs one x bit): skipped. */
	assert_int_equal(unit_write(noexec, "x", 1), 0);
	assert_int_equal(unit_write(exe, "#!/bin/sh\n", 10), 0);
	assert_int_equal(chmod(exe, 0755), 0);

	got = locate_in_path("tool", path);
	assert_non_null(got);
	assert_string_equal(got, exe);
	free(got);
	assert_null(locate_in_path("tooldir", path)); /* a directory */
	assert_null(locate_in_path("no-such-tool-xyz", path));
	assert_null(locate_in_path("", path));
	got = locate_in_path("sh", "/usr/bin:/bin");
	assert_non_null(got);
	assert_string_equal(path_basename(got), "sh");
	free(got);
	/* A name with a slash is taken as is. */
	got = locate_in_path(exe, "");
	assert_non_null(got);
	assert_string_equal(got, exe);
	free(got);
	assert_null(locate_in_path(noexec, path));

	free(bin);
	free(bin2);
	free(noexec);
	free(exe);
	free(dir_named);
	free(path);
}

/* clear_directory empties a tree, keeps the directory, follows no link. */
static void test_clear_directory(void **state)
{
	char *dir = unit_path("clear"), *outside = unit_path("outside");
	char *sub = path_join(dir, "a/b"), *f = path_join(sub, "f");
	char *g = path_join(dir, "g"), *link = path_join(dir, "link");
	char *keep = path_join(outside, "keep");
	DIR *d;
	struct dirent *e;
	int entries = 0;

	(void)state;
	assert_int_equal(mkdir_p(sub, 0700), 0);
	assert_int_equal(mkdir_p(outside, 0700), 0);
	assert_int_equal(unit_write(f, "x", 1), 0);
	assert_int_equal(unit_write(g, "y", 1), 0);
	assert_int_equal(unit_write(keep, "z", 1), 0);
	assert_int_equal(symlink(outside, link), 0);
	assert_int_equal(clear_directory(dir), 0);
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			entries++;
	closedir(d);
	assert_int_equal(entries, 0);
	assert_int_equal(access(keep, F_OK), 0); /* not followed */
	assert_int_equal(clear_directory("/nonexistent/ordeal-x"), -1);
	free(dir);
	free(outside);
	free(sub);
	free(f);
	free(g);
	free(link);
	free(keep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_absolute),
		cmocka_unit_test(test_is_inside),
		cmocka_unit_test(test_basename),
		cmocka_unit_test(test_mkdir_p),
		cmocka_unit_test(test_remove_recursive_keeps_symlink_targets),
		cmocka_unit_test(test_copy_recursive),
		cmocka_unit_test(test_temp),
		cmocka_unit_test(test_locate_in_path),
		cmocka_unit_test(test_clear_directory),
	};

	return cmocka_run_group_tests(tests, unit_setup_tmpdir,
				      unit_teardown_tmpdir);
}
