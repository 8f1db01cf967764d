/*
 * test-strbuf.c - unit tests of strbuf: growth and the NUL invariant,
 * splicing at the edges, replace_all (growing, shrinking, overlapping
 * patterns), reading files whole and by their tail, line reading, and the
 * atomic write (mode kept, no temp file left).
 */
#include "common.h"
#include "run-command.h"
#include "strbuf.h"

#include <setjmp.h>
#include <cmocka.h>
#include "unit.h"

static char *tmp_path(const char *name)
{
	return unit_path(name);
}

static void write_bytes(const char *path, const char *data, size_t len)
{
	assert_int_equal(unit_write(path, data, len), 0);
}

static void test_init_is_empty(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(sb.len, 0);
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb); /* twice is fine */
}

static void test_grow_keeps_nul(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	for (int i = 0; i < 100000; i++) {
		strbuf_addch(&sb, 'a' + i % 26);
		assert_int_equal(sb.buf[sb.len], '\0');
		assert_true(sb.len < sb.alloc);
	}
	assert_int_equal(sb.len, 100000);
	assert_int_equal(sb.buf[99999], 'a' + 99999 % 26);
	strbuf_grow(&sb, 1 << 20);
	assert_true(sb.alloc >= sb.len + (1 << 20) + 1);
	assert_int_equal(sb.len, 100000);
	strbuf_release(&sb);
	assert_int_equal(sb.len, 0);
}

static void test_add_binary(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_add(&sb, "a\0b", 3);
	assert_int_equal(sb.len, 3);
	assert_memory_equal(sb.buf, "a\0b", 4);
	strbuf_addchars(&sb, '-', 3);
	assert_memory_equal(sb.buf, "a\0b---", 7);
	strbuf_addchars(&sb, '-', 0);
	assert_int_equal(sb.len, 6);
	strbuf_release(&sb);
}

static void test_addf_long(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char big[5000];

	(void)state;
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_addstr(&sb, "<");
	strbuf_addf(&sb, "%s|%d", big, 42);
	assert_int_equal(sb.len, 1 + 4999 + 3);
	assert_string_equal(sb.buf + sb.len - 3, "|42");
	strbuf_addf(&sb, "%s", "");
	assert_int_equal(sb.len, 1 + 4999 + 3);
	strbuf_release(&sb);
}

static void test_detach(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len = 99;
	char *s;

	(void)state;
	s = strbuf_detach(&sb, &len);
	assert_int_equal(len, 0);
	assert_string_equal(s, "");
	free(s); /* must be malloc'd even when empty */
	strbuf_addstr(&sb, "hello");
	s = strbuf_detach(&sb, &len);
	assert_string_equal(s, "hello");
	assert_int_equal(len, 5);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	free(s);
}

static void test_setlen_reset(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_addstr(&sb, "abcdef");
	strbuf_setlen(&sb, 3);
	assert_string_equal(sb.buf, "abc");
	strbuf_reset(&sb);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);
}

static void test_splice(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_addstr(&sb, "hello world");
	strbuf_splice(&sb, 0, 5, "goodbye", 7); /* grow at start */
	assert_string_equal(sb.buf, "goodbye world");
	strbuf_splice(&sb, 8, 5, "all", 3); /* shrink at end */
	assert_string_equal(sb.buf, "goodbye all");
	strbuf_splice(&sb, sb.len, 0, "!", 1); /* append at end */
	assert_string_equal(sb.buf, "goodbye all!");
	strbuf_splice(&sb, 4, 3, NULL, 0); /* delete */
	assert_string_equal(sb.buf, "good all!");
	strbuf_insert(&sb, 0, ">", 1);
	assert_string_equal(sb.buf, ">good all!");
	strbuf_splice(&sb, 0, sb.len, "", 0); /* delete all */
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);

	/* Splicing into a never-allocated strbuf. */
	strbuf_insert(&sb, 0, "x", 1);
	assert_string_equal(sb.buf, "x");
	strbuf_release(&sb);
}

static void test_trim(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_addstr(&sb, " \t\n x y \r\n\v\f");
	strbuf_trim(&sb);
	assert_string_equal(sb.buf, "x y");
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "   ");
	strbuf_trim(&sb);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	strbuf_addstr(&sb, "  a");
	strbuf_rtrim(&sb);
	assert_string_equal(sb.buf, "  a");
	strbuf_ltrim(&sb);
	assert_string_equal(sb.buf, "a");
	strbuf_release(&sb);

	/* Trimming an empty, never-allocated strbuf is a no-op. */
	strbuf_trim(&sb);
	assert_string_equal(sb.buf, "");
}

static void check_replace(const char *in, const char *from, const char *to,
			  const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, in);
	strbuf_replace_all(&sb, from, to);
	assert_string_equal(sb.buf, want);
	assert_int_equal(sb.len, strlen(want));
	strbuf_release(&sb);
}

static void test_replace_all(void **state)
{
	(void)state;
	check_replace("a/tmp/x/tmp/x", "/tmp/x", "$WORK", "a$WORK$WORK");
	check_replace("aaaa", "aa", "a", "aa");	   /* no rescan of output */
	check_replace("aaa", "a", "aa", "aaaaaa"); /* replacement has pattern */
	check_replace("abc", "abcd", "x", "abc");  /* pattern longer */
	check_replace("", "x", "y", "");
	check_replace("xyx", "x", "", "y");
	check_replace("abab", "ab", "ab", "abab");
	check_replace("hello", "o", "0", "hell0"); /* at the very end */
}

static void test_replace_all_binary(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	/* NUL bytes before a match must not stop the search. */
	strbuf_add(&sb, "x\0/w/x", 6);
	strbuf_replace_all(&sb, "/w", "$WORK");
	assert_int_equal(sb.len, 9);
	assert_memory_equal(sb.buf, "x\0$WORK/x", 9);
	strbuf_release(&sb);
}

static void test_starts_with(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_true(strbuf_starts_with(&sb, ""));
	assert_false(strbuf_starts_with(&sb, "a"));
	strbuf_addstr(&sb, "abc");
	assert_true(strbuf_starts_with(&sb, "ab"));
	assert_true(strbuf_starts_with(&sb, "abc"));
	assert_false(strbuf_starts_with(&sb, "abcd"));
	assert_false(strbuf_starts_with(&sb, "b"));
	strbuf_release(&sb);
}

static void test_read_file(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *p = tmp_path("read");
	char data[200000];

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7);
	write_bytes(p, data, sizeof(data));
	strbuf_addstr(&sb, "pre");
	assert_int_equal(strbuf_read_file(&sb, p, 0), sizeof(data));
	assert_int_equal(sb.len, 3 + sizeof(data));
	assert_memory_equal(sb.buf + 3, data, sizeof(data));
	assert_int_equal(sb.buf[sb.len], '\0');

	/* A limit stops reading there. */
	strbuf_reset(&sb);
	assert_int_equal(strbuf_read_file(&sb, p, 100), 100);
	assert_memory_equal(sb.buf, data, 100);

	/* A missing file fails with errno and leaves the buffer alone. */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "keep");
	free(p);
	p = tmp_path("missing");
	errno = 0;
	assert_int_equal(strbuf_read_file(&sb, p, 0), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(sb.buf, "keep");
	strbuf_release(&sb);
	free(p);
}

static void test_read_file_tail(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *p = tmp_path("tail");
	bool truncated = true;

	(void)state;
	write_bytes(p, "0123456789", 10);
	assert_int_equal(strbuf_read_file_tail(&sb, p, 4, &truncated), 4);
	assert_string_equal(sb.buf, "6789");
	assert_true(truncated);

	strbuf_reset(&sb);
	assert_int_equal(strbuf_read_file_tail(&sb, p, 10, &truncated), 10);
	assert_string_equal(sb.buf, "0123456789");
	assert_false(truncated);

	strbuf_reset(&sb);
	assert_int_equal(strbuf_read_file_tail(&sb, p, 100, &truncated), 10);
	assert_false(truncated);

	strbuf_reset(&sb);
	assert_int_equal(strbuf_read_file_tail(&sb, p, 0, &truncated), 10);
	assert_false(truncated);

	/* truncated may be NULL. */
	strbuf_reset(&sb);
	assert_int_equal(strbuf_read_file_tail(&sb, p, 1, NULL), 1);
	assert_string_equal(sb.buf, "9");

	/* Empty file. */
	write_bytes(p, "", 0);
	strbuf_reset(&sb);
	assert_int_equal(strbuf_read_file_tail(&sb, p, 5, &truncated), 0);
	assert_false(truncated);
	assert_string_equal(sb.buf, "");
	free(p);

	p = tmp_path("no-such-file");
	truncated = true;
	assert_int_equal(strbuf_read_file_tail(&sb, p, 5, &truncated), -1);
	assert_false(truncated);
	free(p);
	strbuf_release(&sb);
}

static void test_read_fd_pipe(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "abc\ndef", 7), 7);
	close(fds[1]);
	assert_int_equal(strbuf_read_fd(&sb, fds[0], 0), 7);
	assert_string_equal(sb.buf, "abc\ndef");
	close(fds[0]);
	strbuf_release(&sb);
}

static void test_getline(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *p = tmp_path("lines");
	FILE *fp;

	(void)state;
	write_bytes(p, "one\n\nthree", 10);
	fp = fopen(p, "r");
	assert_non_null(fp);
	assert_int_equal(strbuf_getline(&sb, fp), 0);
	assert_string_equal(sb.buf, "one");
	assert_int_equal(strbuf_getline(&sb, fp), 0);
	assert_string_equal(sb.buf, ""); /* an empty line is not EOF */
	assert_int_equal(strbuf_getline(&sb, fp), 0);
	assert_string_equal(sb.buf, "three"); /* no final newline */
	assert_int_equal(strbuf_getline(&sb, fp), EOF);
	fclose(fp);
	free(p);
	strbuf_release(&sb);
}

static void test_write_file_atomic(void **state)
{
	struct strbuf sb = STRBUF_INIT, back = STRBUF_INIT;
	char *p = tmp_path("atomic");
	struct stat st;

	(void)state;
	strbuf_addstr(&sb, "first");
	assert_int_equal(strbuf_write_file_atomic(&sb, p), 0);
	assert_int_equal(strbuf_read_file(&back, p, 0), 5);
	assert_string_equal(back.buf, "first");

	/* An existing file keeps its mode across the rename. */
	assert_int_equal(chmod(p, 0751), 0);
	strbuf_reset(&sb);
	strbuf_add(&sb, "sec\0nd", 6);
	assert_int_equal(strbuf_write_file_atomic(&sb, p), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0751);
	strbuf_reset(&back);
	assert_int_equal(strbuf_read_file(&back, p, 0), 6);
	assert_memory_equal(back.buf, "sec\0nd", 6);

	/* No temp file is left beside it. */
	{
		char *tmp = xstrfmt("%s.tmp-%ld", p, (long)getpid());
		assert_int_equal(access(tmp, F_OK), -1);
		free(tmp);
	}

	/* A directory that does not exist: an error, not a crash. */
	free(p);
	p = tmp_path("no-dir/file");
	assert_int_equal(strbuf_write_file_atomic(&sb, p), -1);
	free(p);

	/* strbuf_write_file truncates. */
	p = tmp_path("plain");
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "long content");
	assert_int_equal(strbuf_write_file(&sb, p), 0);
	strbuf_setlen(&sb, 4);
	assert_int_equal(strbuf_write_file(&sb, p), 0);
	strbuf_reset(&back);
	assert_int_equal(strbuf_read_file(&back, p, 0), 4);
	assert_string_equal(back.buf, "long");
	free(p);
	strbuf_release(&sb);
	strbuf_release(&back);
}

static void check_quoted(const char *w, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add_shell_quoted(&sb, w);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

/* Quoted words read back unchanged by a real shell. */
static void test_shell_quoted(void **state)
{
	static const char *const words[] = {
		"plain",       "a b",	     "it's",  "",      "$HOME",
		"*",	       "x\ny",	     "'",     "--x=1", "tab\there",
		"back\\slash", "semi;colon", "`cmd`",
	};
	(void)state;
	check_quoted("plain-1.2/x=y:z,a+b@c%", "plain-1.2/x=y:z,a+b@c%");
	check_quoted("a b", "'a b'");
	check_quoted("it's", "'it'\\''s'");
	check_quoted("", "''");
	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		struct child_process cp = CHILD_PROCESS_INIT;
		struct strbuf script = STRBUF_INIT, out = STRBUF_INIT;
		char path[] = "/tmp/ordeal-unit-quote-XXXXXX";
		int fd = mkstemp(path);

		assert_true(fd >= 0);
		close(fd);
		strbuf_addstr(&script, "printf %s ");
		strbuf_add_shell_quoted(&script, words[i]);
		strvec_pushv(&cp.args, (const char *const[]){"sh", "-c",
							     script.buf, NULL});
		cp.out = CHILD_FILE;
		cp.out_path = path;
		assert_int_equal(run_command(&cp), 0);
		assert_true(run_result_passed(&cp.result));
		assert_true(strbuf_read_file(&out, path, 0) >= 0);
		assert_string_equal(out.buf, words[i]);
		unlink(path);
		child_process_clear(&cp);
		strbuf_release(&script);
		strbuf_release(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_is_empty),
		cmocka_unit_test(test_grow_keeps_nul),
		cmocka_unit_test(test_add_binary),
		cmocka_unit_test(test_addf_long),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_setlen_reset),
		cmocka_unit_test(test_splice),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_replace_all),
		cmocka_unit_test(test_replace_all_binary),
		cmocka_unit_test(test_starts_with),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_read_file_tail),
		cmocka_unit_test(test_read_fd_pipe),
		cmocka_unit_test(test_getline),
		cmocka_unit_test(test_write_file_atomic),
		cmocka_unit_test(test_shell_quoted),
	};

	return cmocka_run_group_tests(tests, unit_setup_tmpdir,
				      unit_teardown_tmpdir);
}
