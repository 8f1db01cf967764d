/*
 * script/cmds.c - the command table of the script engine and every
 * built-in command (run in-process), plus exec and program commands (run
 * through run-command with outputs spooled to files) and the background
 * machinery (&, wait, kill).
 */
#include "common.h"
#include "clock.h"
#include "diff.h"
#include "path.h"
#include "regex.h"
#include "run-command.h"
#include "script/engine.h"
#include "strbuf.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* How much of a grep'd file or a diff the log shows. */
#define LOG_SHOW_MAX (64 * 1024)
/* Larger inputs to cmp get a "differ from line N" message, not a diff. */
#define CMP_DIFF_MAX (16 * 1024 * 1024)

static int usage_err(struct script_state *st, const char *usage)
{
	return cmd_fatal(st, "usage: %s", usage);
}

/* ---- output ---- */

static int cmd_echo(struct script_state *st, int argc, const char **argv)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (i > 1)
			strbuf_addch(&sb, ' ');
		strbuf_addstr(&sb, argv[i]);
	}
	strbuf_addch(&sb, '\n');
	ret = state_set_output(st, sb.buf, sb.len, "", 0);
	strbuf_release(&sb);
	return ret;
}

static int append_file(struct script_state *st, int fd, const char *path);

/* cat streams into the spool file: a huge file is never held in memory. */
static int cmd_cat(struct script_state *st, int argc, const char **argv)
{
	int out, ret = CMD_OK;

	if (argc < 2)
		return usage_err(st, "cat files...");
	state_set_output(st, "", 0, "", 0);
	out = open(st->stdout_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		   0644);
	if (out < 0)
		return cmd_fatal(st, "cannot write the output spool: %s",
				 strerror(errno));
	close(open(st->stderr_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		   0644));
	st->out_in_mem = false;
	for (int i = 1; i < argc && ret == CMD_OK; i++) {
		char *p = state_abs(st, argv[i]);
		if (append_file(st, out, p) < 0)
			ret = st->msg.len && errno == EINTR
				      ? CMD_FATAL
				      : cmd_fatal(st, "cannot read '%s': %s",
						  argv[i], strerror(errno));
		free(p);
	}
	close(out);
	if (ret == CMD_OK)
		state_log_output(st, st->stdout_path, st->stderr_path);
	return ret;
}

static int cmd_env(struct script_state *st, int argc, const char **argv)
{
	struct strbuf out = STRBUF_INIT;
	bool quote = false;
	int i = 1, ret = CMD_OK;
	bool printed = false;

	if (i < argc && !strcmp(argv[i], "-r")) {
		quote = true;
		i++;
	}
	if (i == argc) {
		for (size_t j = 0; j < st->env.nr; j++)
			strbuf_addf(&out, "%s\n", st->env.v[j]);
		printed = true;
	}
	for (; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		char *k;

		if (!eq) {
			const char *v = state_getenv(st, argv[i]);
			strbuf_addf(&out, "%s=%s\n", argv[i], v ? v : "");
			printed = true;
			continue;
		}
		if (eq == argv[i]) {
			ret = cmd_fatal(st, "env: empty variable name in '%s'",
					argv[i]);
			break;
		}
		k = xstrndup(argv[i], eq - argv[i]);
		if (quote) {
			struct strbuf q = STRBUF_INIT;
			regex_quote_meta(&q, eq + 1);
			state_setenv(st, k, q.buf);
			strbuf_release(&q);
		} else {
			state_setenv(st, k, eq + 1);
		}
		free(k);
	}
	if (ret == CMD_OK && printed)
		ret = state_set_output(st, out.buf, out.len, "", 0);
	strbuf_release(&out);
	return ret;
}

/* ---- files ---- */

static int cmd_cd(struct script_state *st, int argc, const char **argv)
{
	struct stat s;
	char *p;

	if (argc != 2)
		return usage_err(st, "cd dir");
	p = state_abs(st, argv[1]);
	if (stat(p, &s) < 0) {
		free(p);
		return cmd_fatal(st, "directory '%s' does not exist", argv[1]);
	}
	if (!S_ISDIR(s.st_mode)) {
		free(p);
		return cmd_fatal(st, "'%s' is not a directory", argv[1]);
	}
	free(st->cwd);
	st->cwd = p;
	state_logf(st, "%s\n", p);
	return CMD_OK;
}

static int cmd_chmod(struct script_state *st, int argc, const char **argv)
{
	char *end;
	unsigned long mode;

	if (argc < 3)
		return usage_err(st, "chmod perm paths...");
	errno = 0;
	mode = strtoul(argv[1], &end, 8);
	if (errno || !*argv[1] || *end || mode > 07777)
		return cmd_fatal(st, "invalid mode: %s", argv[1]);
	for (int i = 2; i < argc; i++) {
		char *p = state_writable_path_follow(st, argv[i]);
		if (!p)
			return CMD_FATAL;
		if (chmod(p, (mode_t)mode) < 0) {
			free(p);
			return cmd_fatal(st, "chmod '%s': %s", argv[i],
					 strerror(errno));
		}
		free(p);
	}
	return CMD_OK;
}

static void log_bounded(struct script_state *st, const char *data, size_t len)
{
	if (len > LOG_SHOW_MAX) {
		state_logf(st, "[... %zu bytes not shown ...]\n",
			   len - LOG_SHOW_MAX);
		data += len - LOG_SHOW_MAX;
		len = LOG_SHOW_MAX;
	}
	strbuf_add(&st->log, data, len);
	if (len && data[len - 1] != '\n')
		strbuf_addch(&st->log, '\n');
}

static const char *getenv_cb(void *data, const char *name)
{
	return state_getenv(data, name);
}

static int do_cmp(struct script_state *st, int argc, const char **argv,
		  bool env)
{
	struct mapped_file a, b;
	struct strbuf expanded = STRBUF_INIT;
	const char *bdata;
	size_t blen;
	bool eq;
	int ret = CMD_OK;

	if (argc != 3)
		return usage_err(st, env ? "cmpenv file1 file2"
					 : "cmp file1 file2");
	if (state_map(st, argv[1], &a) < 0)
		return CMD_FATAL;
	if (!strcmp(argv[2], "stdout") || !strcmp(argv[2], "stderr")) {
		/* only file1 may name an output; file2 is a file */
	}
	{
		char *p2 = state_abs(st, argv[2]);
		int r = state_map(st, p2, &b);
		free(p2);
		if (r < 0) {
			mapped_file_release(&a);
			return CMD_FATAL;
		}
	}
	bdata = b.data;
	blen = b.len;
	if (env) {
		script_expand(&expanded, b.data, b.len, getenv_cb, st);
		bdata = expanded.buf;
		blen = expanded.len;
	}
	eq = a.len == blen && !memcmp(a.data, bdata, blen);
	if (st->want == WANT_FAILURE) {
		if (eq)
			ret = cmd_fail(st, "%s and %s do not differ", argv[1],
				       argv[2]);
	} else if (!eq && st->want == WANT_SUCCESS) {
		char *p2 = state_abs(st, argv[2]);
		ssize_t member = -1;

		for (size_t i = 0; st->opts->update && !env && i < st->ar.nr;
		     i++)
			if (st->member_paths && st->member_paths[i] &&
			    !strcmp(st->member_paths[i], p2))
				member = (ssize_t)i;
		if (member >= 0) {
			char *copy = state_spool_path(st, "update");
			int fd = open(copy, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0 || write_in_full(fd, a.data, a.len) < 0) {
				ret = cmd_fatal(st, "cannot write '%s': %s",
						copy, strerror(errno));
			} else {
				state_add_update(st, (size_t)member, copy);
				state_logf(st, "[%s will be updated]\n",
					   argv[2]);
			}
			if (fd >= 0)
				close(fd);
			free(copy);
		} else if (a.len + blen > CMP_DIFF_MAX) {
			/* Too big to diff in bounded memory: say where. */
			size_t i = 0, line = 1;
			while (i < a.len && i < blen && a.data[i] == bdata[i])
				line += a.data[i++] == '\n';
			ret = cmd_fail(st,
				       "%s and %s differ (from line %zu; "
				       "too large for a diff)",
				       argv[1], argv[2], line);
		} else {
			struct strbuf d = STRBUF_INIT;
			diff_unified(&d, argv[1], a.data, a.len, argv[2], bdata,
				     blen, 3);
			log_bounded(st, d.buf, d.len);
			strbuf_release(&d);
			ret = cmd_fail(st, "%s and %s differ", argv[1],
				       argv[2]);
		}
		free(p2);
	}
	strbuf_release(&expanded);
	mapped_file_release(&a);
	mapped_file_release(&b);
	return ret;
}

static int cmd_cmp(struct script_state *st, int argc, const char **argv)
{
	return do_cmp(st, argc, argv, false);
}

static int cmd_cmpenv(struct script_state *st, int argc, const char **argv)
{
	return do_cmp(st, argc, argv, true);
}

static int cmd_cp(struct script_state *st, int argc, const char **argv)
{
	char *dst;
	struct stat s;
	bool dst_dir;
	int ret = CMD_OK;

	if (argc < 3)
		return usage_err(st, "cp src... dst");
	dst = state_writable_path_follow(st, argv[argc - 1]);
	if (!dst)
		return CMD_FATAL;
	dst_dir = stat(dst, &s) == 0 && S_ISDIR(s.st_mode);
	if (argc > 3 && !dst_dir) {
		free(dst);
		return cmd_fatal(st, "cp: destination '%s' is not a directory",
				 argv[argc - 1]);
	}
	for (int i = 1; i < argc - 1 && ret == CMD_OK; i++) {
		struct mapped_file m;
		mode_t mode = 0666;
		char *target;
		int fd;

		if (strcmp(argv[i], "stdout") && strcmp(argv[i], "stderr")) {
			char *src = state_abs(st, argv[i]);
			if (stat(src, &s) == 0)
				mode = s.st_mode & 0777;
			free(src);
		}
		if (state_map(st, argv[i], &m) < 0) {
			ret = CMD_FATAL;
			break;
		}
		if (dst_dir) {
			char *t = path_join(dst, path_basename(argv[i]));
			target = state_writable_path_follow(st, t);
			free(t);
			if (!target) {
				mapped_file_release(&m);
				ret = CMD_FATAL;
				break;
			}
		} else {
			target = xstrdup(dst);
		}
		fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  mode);
		if (fd < 0 || write_in_full(fd, m.data, m.len) < 0)
			ret = cmd_fatal(st, "cp: cannot write '%s': %s", target,
					strerror(errno));
		if (fd >= 0) {
			fchmod(fd, mode);
			close(fd);
		}
		free(target);
		mapped_file_release(&m);
	}
	free(dst);
	return ret;
}

static int cmd_exists(struct script_state *st, int argc, const char **argv)
{
	bool readonly = false, exec = false;
	int i = 1;

	for (; i < argc; i++) {
		if (!strcmp(argv[i], "-readonly"))
			readonly = true;
		else if (!strcmp(argv[i], "-exec"))
			exec = true;
		else
			break;
	}
	if (i == argc)
		return usage_err(st, "exists [-readonly] [-exec] file...");
	for (; i < argc; i++) {
		char *p = state_abs(st, argv[i]);
		struct stat s;
		int r = stat(p, &s); /* follows links, as Go's os.Stat */

		free(p);
		if (st->want == WANT_ANY)
			continue;
		if (r == 0 && st->want == WANT_FAILURE)
			return cmd_fail(st, "%s '%s' unexpectedly exists",
					S_ISDIR(s.st_mode) ? "directory"
							   : "file",
					argv[i]);
		if (r < 0 && st->want == WANT_SUCCESS)
			return cmd_fail(st, "'%s' does not exist", argv[i]);
		if (r == 0 && readonly && (s.st_mode & 0222))
			return cmd_fail(st, "'%s' exists but is writable",
					argv[i]);
		if (r == 0 && exec && !S_ISDIR(s.st_mode) &&
		    !(s.st_mode & 0111))
			return cmd_fail(st, "'%s' exists but is not executable",
					argv[i]);
	}
	return CMD_OK;
}

static int cmd_mkdir(struct script_state *st, int argc, const char **argv)
{
	if (argc < 2)
		return usage_err(st, "mkdir path...");
	for (int i = 1; i < argc; i++) {
		char *p = state_writable_path(st, argv[i]);
		if (!p)
			return CMD_FATAL;
		if (state_mkdir_p(p) < 0) {
			free(p);
			return cmd_fatal(st, "mkdir '%s': %s", argv[i],
					 strerror(errno));
		}
		free(p);
	}
	return CMD_OK;
}

static int cmd_mv(struct script_state *st, int argc, const char **argv)
{
	char *a, *b;
	int ret = CMD_OK;

	if (argc != 3)
		return usage_err(st, "mv old new");
	a = state_writable_path(st, argv[1]);
	if (!a)
		return CMD_FATAL;
	b = state_writable_path(st, argv[2]);
	if (!b) {
		free(a);
		return CMD_FATAL;
	}
	if (rename(a, b) < 0)
		ret = cmd_fatal(st, "mv '%s' '%s': %s", argv[1], argv[2],
				strerror(errno));
	free(a);
	free(b);
	return ret;
}

static int cmd_rm(struct script_state *st, int argc, const char **argv)
{
	if (argc < 2)
		return usage_err(st, "rm path...");
	for (int i = 1; i < argc; i++) {
		char *p = state_writable_path(st, argv[i]);
		if (!p)
			return CMD_FATAL;
		if (remove_recursive(p) < 0) {
			free(p);
			return cmd_fatal(st, "rm '%s': %s", argv[i],
					 strerror(errno));
		}
		free(p);
	}
	return CMD_OK;
}

static int cmd_symlink(struct script_state *st, int argc, const char **argv)
{
	char *p;
	int ret = CMD_OK;

	if (argc != 4 || strcmp(argv[2], "->"))
		return usage_err(st, "symlink file -> target");
	p = state_writable_path(st, argv[1]);
	if (!p)
		return CMD_FATAL;
	if (symlink(argv[3], p) < 0)
		ret = cmd_fatal(st, "symlink '%s': %s", argv[1],
				strerror(errno));
	free(p);
	return ret;
}

static int cmd_unquote(struct script_state *st, int argc, const char **argv)
{
	for (int i = 1; i < argc; i++) {
		struct strbuf sb = STRBUF_INIT, out = STRBUF_INIT;
		char *p = state_writable_path(st, argv[i]);
		int fd;

		if (!p)
			return CMD_FATAL;
		if (strbuf_read_file(&sb, p, 0) < 0) {
			free(p);
			return cmd_fatal(st, "cannot read '%s': %s", argv[i],
					 strerror(errno));
		}
		if (sb.len &&
		    (sb.buf[0] != '>' || sb.buf[sb.len - 1] != '\n')) {
			free(p);
			strbuf_release(&sb);
			return cmd_fatal(
				st, "%s: data does not appear to be quoted",
				argv[i]);
		}
		for (size_t j = 0; j < sb.len; j++) {
			if (sb.buf[j] == '>' &&
			    (j == 0 || sb.buf[j - 1] == '\n'))
				continue;
			strbuf_addch(&out, sb.buf[j]);
		}
		fd = open(p, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (fd < 0 || write_in_full(fd, out.buf, out.len) < 0) {
			if (fd >= 0)
				close(fd);
			free(p);
			strbuf_release(&sb);
			strbuf_release(&out);
			return cmd_fatal(st, "cannot write '%s': %s", argv[i],
					 strerror(errno));
		}
		close(fd);
		free(p);
		strbuf_release(&sb);
		strbuf_release(&out);
	}
	return CMD_OK;
}

/* Unquote a Go string literal body: \n \t \r \\ \" \' \xHH. */
static void go_unquote(struct strbuf *out, const char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
	}
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c != '\\' || i + 1 == n) {
			strbuf_addch(out, c);
			continue;
		}
		c = s[++i];
		switch (c) {
		case 'n':
			strbuf_addch(out, '\n');
			break;
		case 't':
			strbuf_addch(out, '\t');
			break;
		case 'r':
			strbuf_addch(out, '\r');
			break;
		case 'x':
			if (i + 2 < n) {
				char hex[3] = {s[i + 1], s[i + 2], 0};
				strbuf_addch(out, (char)strtol(hex, NULL, 16));
				i += 2;
				break;
			}
			/* fall through */
		default:
			strbuf_addch(out, c);
			break;
		}
	}
}

/* cmd/go's `replace [old new]... file`. */
static int cmd_replace(struct script_state *st, int argc, const char **argv)
{
	struct strbuf sb = STRBUF_INIT;
	char *p;
	int ret = CMD_OK, fd;

	if (argc < 4 || argc % 2)
		return usage_err(st, "replace [old new]... file");
	p = state_writable_path_follow(st, argv[argc - 1]);
	if (!p)
		return CMD_FATAL;
	if (strbuf_read_file(&sb, p, 0) < 0) {
		ret = cmd_fatal(st, "cannot read '%s': %s", argv[argc - 1],
				strerror(errno));
		goto out;
	}
	for (int i = 1; i + 1 < argc - 1; i += 2) {
		struct strbuf from = STRBUF_INIT, to = STRBUF_INIT;

		go_unquote(&from, argv[i]);
		go_unquote(&to, argv[i + 1]);
		if (from.len)
			strbuf_replace_all(&sb, from.buf, to.buf);
		strbuf_release(&from);
		strbuf_release(&to);
	}
	fd = open(p, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0 || write_in_full(fd, sb.buf, sb.len) < 0)
		ret = cmd_fatal(st, "cannot write '%s': %s", argv[argc - 1],
				strerror(errno));
	if (fd >= 0)
		close(fd);
out:
	free(p);
	strbuf_release(&sb);
	return ret;
}

/* go-internal's `unix2dos file...`: every line ends with CRLF. */
static int cmd_unix2dos(struct script_state *st, int argc, const char **argv)
{
	if (argc < 2)
		return usage_err(st, "unix2dos paths...");
	for (int i = 1; i < argc; i++) {
		struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
		char *p = state_writable_path_follow(st, argv[i]);
		size_t pos = 0;
		int fd, ret = CMD_OK;

		if (!p)
			return CMD_FATAL;
		if (strbuf_read_file(&in, p, 0) < 0) {
			ret = cmd_fatal(st, "cannot read '%s': %s", argv[i],
					strerror(errno));
			goto next;
		}
		while (pos < in.len) {
			const char *nl =
				memchr(in.buf + pos, '\n', in.len - pos);
			size_t end = nl ? (size_t)(nl - in.buf) : in.len;
			size_t n = end - pos;

			if (n && in.buf[pos + n - 1] == '\r')
				n--;
			strbuf_add(&out, in.buf + pos, n);
			strbuf_addstr(&out, "\r\n");
			pos = end + 1;
		}
		fd = open(p, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (fd < 0 || write_in_full(fd, out.buf, out.len) < 0)
			ret = cmd_fatal(st, "cannot write '%s': %s", argv[i],
					strerror(errno));
		if (fd >= 0)
			close(fd);
	next:
		free(p);
		strbuf_release(&in);
		strbuf_release(&out);
		if (ret != CMD_OK)
			return ret;
	}
	return CMD_OK;
}

/* cmd/go's `help [command...]`: the usage of commands, to stdout. */
static int cmd_help(struct script_state *st, int argc, const char **argv)
{
	struct strbuf out = STRBUF_INIT;
	int ret;

	for (const struct script_cmd *c = script_cmds; c->name; c++) {
		bool want = argc < 2;

		for (int i = 1; i < argc && !want; i++)
			want = !strcmp(argv[i], c->name);
		if (want)
			strbuf_addf(&out, "%s%s\n\t%s\n",
				    c->flags & CMD_NEG ? "[! | ?] " : "",
				    c->usage, c->summary);
	}
	ret = state_set_output(st, out.buf, out.len, "", 0);
	strbuf_release(&out);
	return ret;
}

/* ---- matching ---- */

static int do_match(struct script_state *st, int argc, const char **argv,
		    const char *what)
{
	bool grep = !strcmp(what, "grep"), quiet = false;
	long count = 0;
	int i = 1, ret = CMD_OK;
	struct regex re = REGEX_INIT;
	struct mapped_file m;
	const char *name;
	char *err = NULL;
	size_t where, wlen;
	unsigned mflags;
	int r;

	for (; i < argc; i++) {
		if (!strcmp(argv[i], "-q")) {
			quiet = true;
		} else if (!strncmp(argv[i], "-count=", 7)) {
			char *end;
			if (st->want == WANT_FAILURE)
				return cmd_fatal(st, "cannot use -count= with "
						     "negated match");
			errno = 0;
			count = strtol(argv[i] + 7, &end, 10);
			if (errno || end == argv[i] + 7 || *end)
				return cmd_fatal(st, "bad -count=: '%s'",
						 argv[i] + 7);
			if (count < 1)
				return cmd_fatal(st, "bad -count=: must be at "
						     "least 1");
		} else {
			break;
		}
	}
	if (argc - i != (grep ? 2 : 1))
		return cmd_fatal(st, "usage: %s [-count=N] [-q] 'pattern'%s",
				 what, grep ? " file" : "");
	if (regex_compile(&re, argv[i], REGEX_MULTILINE, &err) < 0) {
		ret = cmd_fatal(st, "%s", err);
		free(err);
		return ret;
	}
	name = grep ? argv[i + 1] : what;
	if (state_map(st, name, &m) < 0) {
		regex_release(&re);
		return CMD_FATAL;
	}
	/* A mapping's pages are given back as matching goes (1 GiB outputs). */
	mflags = m.map_len ? REGEX_SUBJECT_MAPPED : 0;
	r = regex_match_ex(&re, m.data, m.len, mflags, &where, &wlen);
	if (r < 0) {
		ret = cmd_fatal(st, "matching `%s` failed (resource limit)",
				argv[i]);
		goto out;
	}
	if (st->want == WANT_ANY)
		goto out;
	if (st->want == WANT_FAILURE && r) {
		if (grep && !quiet) {
			state_logf(st, "[%s]\n", name);
			log_bounded(st, m.data, m.len);
		}
		ret = cmd_fail(st,
			       "unexpected match for `%s` found in %s: %.*s",
			       argv[i], name, (int)(wlen > 200 ? 200 : wlen),
			       m.data + where);
	} else if (st->want == WANT_SUCCESS && !r) {
		if (grep && !quiet) {
			state_logf(st, "[%s]\n", name);
			log_bounded(st, m.data, m.len);
		}
		ret = cmd_fail(st, "no match for `%s` found in %s", argv[i],
			       name);
	} else if (st->want == WANT_SUCCESS && count) {
		long have = regex_count_ex(&re, m.data, m.len, mflags);
		if (have != count) {
			if (grep && !quiet) {
				state_logf(st, "[%s]\n", name);
				log_bounded(st, m.data, m.len);
			}
			ret = cmd_fail(st,
				       "have %ld matches for `%s`, want %ld",
				       have, argv[i], count);
		}
	}
out:
	mapped_file_release(&m);
	regex_release(&re);
	return ret;
}

static int cmd_stdout(struct script_state *st, int argc, const char **argv)
{
	return do_match(st, argc, argv, "stdout");
}

static int cmd_stderr(struct script_state *st, int argc, const char **argv)
{
	return do_match(st, argc, argv, "stderr");
}

static int cmd_grep(struct script_state *st, int argc, const char **argv)
{
	return do_match(st, argc, argv, "grep");
}

/* ---- control ---- */

static int cmd_skip(struct script_state *st, int argc, const char **argv)
{
	if (argc > 2)
		return usage_err(st, "skip [msg]");
	state_kill_background(st);
	strbuf_reset(&st->msg);
	strbuf_addstr(&st->msg, argc == 2 ? argv[1] : "");
	return CMD_SKIP;
}

static int cmd_stop(struct script_state *st, int argc, const char **argv)
{
	if (argc > 2)
		return usage_err(st, "stop [msg]");
	strbuf_reset(&st->msg);
	strbuf_addstr(&st->msg, argc == 2 ? argv[1] : "");
	return CMD_STOP;
}

static int cmd_sleep(struct script_state *st, int argc, const char **argv)
{
	int64_t ns, until;

	if (argc != 2)
		return usage_err(st, "sleep duration");
	if (duration_parse(argv[1], &ns) < 0)
		return cmd_fatal(st, "sleep: invalid duration '%s'", argv[1]);
	until = clock_now_ns() + ns;
	for (;;) {
		int64_t now = clock_now_ns(), step = until - now;

		if (step <= 0)
			return CMD_OK;
		if (run_command_interrupted())
			return cmd_fatal(st, "interrupted");
		if (st->deadline_ns && now >= st->deadline_ns)
			return cmd_fatal(st, "test timed out while sleeping");
		if (step > 50 * NS_PER_MS)
			step = 50 * NS_PER_MS;
		if (st->deadline_ns && now + step > st->deadline_ns)
			step = st->deadline_ns - now;
		{
			struct timespec ts = {(time_t)(step / NS_PER_SEC),
					      (long)(step % NS_PER_SEC)};
			nanosleep(&ts, NULL);
		}
	}
}

static int cmd_stdin(struct script_state *st, int argc, const char **argv)
{
	struct mapped_file m;
	char *copy;
	int fd, ret = CMD_OK;

	if (argc != 2)
		return usage_err(st, "stdin filename");
	if (state_map(st, argv[1], &m) < 0)
		return CMD_FATAL;
	copy = state_spool_path(st, "stdin");
	fd = open(copy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write_in_full(fd, m.data, m.len) < 0) {
		ret = cmd_fatal(st, "cannot write '%s': %s", copy,
				strerror(errno));
		free(copy);
	} else {
		free(st->stdin_path);
		st->stdin_path = copy;
	}
	if (fd >= 0)
		close(fd);
	mapped_file_release(&m);
	return ret;
}

/* ---- exec and background commands ---- */

void script_wait_child(struct child_process *cp)
{
	while (cp->running) {
		if (!run_command_wait_any(-1) && run_command_interrupted())
			run_command_kill_all();
	}
}

static void describe_argv(struct strbuf *sb, int argc, const char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (i)
			strbuf_addch(sb, ' ');
		strbuf_addstr(sb, argv[i]);
	}
}

/* Judge a finished (or unstartable) child against the line's want. */
int script_judge(struct script_state *st, const struct run_result *r,
		 enum script_want want)
{
	if (r->timed_out)
		return cmd_fatal(st, "test timed out while running command");
	if (r->interrupted || (r->started && run_command_interrupted()))
		return cmd_fatal(st, "interrupted");
	if (want == WANT_ANY)
		return CMD_OK;
	if (run_result_passed(r) && want == WANT_FAILURE)
		return cmd_fail(st, "unexpected command success");
	if (!run_result_passed(r) && want == WANT_SUCCESS)
		return cmd_fail(st, "unexpected command failure");
	return CMD_OK;
}

static void log_status(struct script_state *st, const struct run_result *r,
		       const char *prog)
{
	struct strbuf d = STRBUF_INIT;

	if (run_result_passed(r))
		return;
	run_result_describe(&d, r);
	if (!r->started)
		state_logf(st, "[%s: %s]\n", prog, d.buf);
	else
		state_logf(st, "[%s]\n", d.buf);
	strbuf_release(&d);
}

int script_run_program(struct script_state *st, const char *path, int argc,
		       const char **argv)
{
	struct child_process fg = CHILD_PROCESS_INIT;
	struct child_process *cp = &fg;
	struct script_bg *bg = NULL;
	char *resolved;
	int ret;

	if (strchr(path, '/'))
		resolved = state_abs(st, path);
	else
		resolved = locate_in_path(path, state_getenv(st, "PATH"));
	if (st->background) {
		for (size_t i = 0; st->bg_name && i < st->nr_bg; i++)
			if (st->bg[i]->name &&
			    !strcmp(st->bg[i]->name, st->bg_name)) {
				free(resolved);
				return cmd_fatal(st,
						 "duplicate background "
						 "process name '%s'",
						 st->bg_name);
			}
		bg = xcalloc(1, sizeof(*bg));
		child_process_init(&bg->cp);
		cp = &bg->cp;
		bg->name = st->bg_name ? xstrdup(st->bg_name) : NULL;
		bg->want = st->want;
		bg->line = st->lineno;
		bg->out_path = state_spool_path(st, "bg.stdout");
		bg->err_path = state_spool_path(st, "bg.stderr");
		{
			struct strbuf d = STRBUF_INIT;
			describe_argv(&d, argc, argv);
			bg->desc = strbuf_detach(&d, NULL);
		}
	}
	strvec_push(&cp->args, resolved ? resolved : path);
	for (int i = 1; i < argc; i++)
		strvec_push(&cp->args, argv[i]);
	cp->clean_env = true;
	strvec_pushv(&cp->env, st->env.v);
	strvec_pushf(&cp->env, "PWD=%s", st->cwd);
	cp->dir = st->cwd;
	if (st->stdin_path) {
		cp->in = CHILD_FILE;
		cp->in_path = st->stdin_path;
	} else {
		cp->in = CHILD_NULL;
	}
	cp->out = cp->err = CHILD_FILE;
	cp->out_path = bg ? bg->out_path : st->stdout_path;
	cp->err_path = bg ? bg->err_path : st->stderr_path;
	cp->timeout_ns = state_time_left(st);
	cp->kill_grace_ns = 500 * NS_PER_MS;

	if (!resolved) {
		cp->result.started = false;
		cp->result.spawn_errno = ENOENT;
	} else {
		start_command(cp);
	}
	/* The stdin file is for this command only. */
	if (!cp->result.started) {
		if (st->stdin_path) {
			free(st->stdin_path);
			st->stdin_path = NULL;
		}
		cp->in_path = NULL;
	}
	free(resolved);
	if (bg) {
		if (!cp->result.started) {
			log_status(st, &cp->result, argv[0]);
			ret = script_judge(st, &cp->result, bg->want);
			child_process_clear(cp);
			free(bg->name);
			free(bg->desc);
			free(bg->out_path);
			free(bg->err_path);
			free(bg);
			state_set_output(st, "", 0, "", 0);
			return ret;
		}
		ALLOC_GROW(st->bg, st->nr_bg + 1, st->alloc_bg);
		st->bg[st->nr_bg++] = bg;
		/* testscript clears the previous command's output */
		state_set_output(st, "", 0, "", 0);
		if (st->stdin_path) {
			/* keep the file until the child is done: it is
			 * already open in the child, so unlink is fine */
			unlink(st->stdin_path);
			free(st->stdin_path);
			st->stdin_path = NULL;
		}
		return CMD_OK;
	}
	if (cp->result.started) {
		script_wait_child(cp);
		st->out_in_mem = false;
	} else {
		state_set_output(st, "", 0, "", 0);
	}
	if (st->stdin_path) {
		unlink(st->stdin_path);
		free(st->stdin_path);
		st->stdin_path = NULL;
	}
	if (cp->result.started)
		state_log_output(st, st->stdout_path, st->stderr_path);
	log_status(st, &cp->result, argv[0]);
	ret = script_judge(st, &cp->result, st->want);
	child_process_clear(cp);
	return ret;
}

static int cmd_exec(struct script_state *st, int argc, const char **argv)
{
	if (argc < 2)
		return usage_err(st, "exec program [args...] [&]");
	return script_run_program(st, argv[1], argc - 1, argv + 1);
}

/*
 * Copy a file to fd in chunks; stops (EINTR, with a fatal message set)
 * when ordeal is interrupted or the script's deadline passes, so
 * `cat /dev/zero` cannot run forever.
 */
static int append_file(struct script_state *st, int fd, const char *path)
{
	char buf[65536];
	int in = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	strbuf_reset(&st->msg);
	if (in < 0)
		return -1;
	while ((n = xread(in, buf, sizeof(buf))) > 0) {
		if (write_in_full(fd, buf, (size_t)n) < 0) {
			close_keep_errno(in);
			return -1;
		}
		if (run_command_interrupted() ||
		    (st->deadline_ns && clock_now_ns() >= st->deadline_ns)) {
			cmd_fatal(st, run_command_interrupted()
					      ? "interrupted"
					      : "test timed out while copying");
			close(in);
			errno = EINTR;
			return -1;
		}
	}
	close_keep_errno(in);
	return n < 0 ? -1 : 0;
}

static void free_bg(struct script_bg *bg)
{
	child_process_clear(&bg->cp);
	unlink(bg->out_path);
	unlink(bg->err_path);
	free(bg->name);
	free(bg->desc);
	free(bg->out_path);
	free(bg->err_path);
	free(bg);
}

int script_wait_background(struct script_state *st, const char *name,
			   bool check)
{
	int out, err, ret = CMD_OK;
	size_t i, kept = 0;
	bool found = false;

	if (!st->nr_bg && !name) {
		if (check)
			return state_set_output(st, "", 0, "", 0);
		return CMD_OK;
	}
	st->out_in_mem = false;
	out = open(st->stdout_path, O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC,
		   0644);
	err = open(st->stderr_path, O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC,
		   0644);
	for (i = 0; i < st->nr_bg; i++) {
		struct script_bg *bg = st->bg[i];
		struct strbuf d = STRBUF_INIT;

		if (name && (!bg->name || strcmp(bg->name, name))) {
			st->bg[kept++] = bg;
			continue;
		}
		found = true;
		script_wait_child(&bg->cp);
		run_result_describe(&d, &bg->cp.result);
		state_logf(st, "[background] %s: %s\n", bg->desc, d.buf);
		strbuf_release(&d);
		if (check) {
			state_log_output(st, bg->out_path, bg->err_path);
			if (out >= 0)
				append_file(st, out, bg->out_path);
			if (err >= 0)
				append_file(st, err, bg->err_path);
			if (ret == CMD_OK) {
				int r = script_judge(st, &bg->cp.result,
						     bg->want);
				if (r != CMD_OK)
					ret = r;
			}
		}
		free_bg(bg);
	}
	st->nr_bg = kept;
	if (out >= 0)
		close(out);
	if (err >= 0)
		close(err);
	if (name && !found)
		return cmd_fatal(st, "unknown background process '%s'", name);
	return ret;
}

static int cmd_wait(struct script_state *st, int argc, const char **argv)
{
	if (argc > 2)
		return usage_err(st, "wait [name]");
	return script_wait_background(st, argc == 2 ? argv[1] : NULL, true);
}

static int cmd_kill(struct script_state *st, int argc, const char **argv)
{
	int sig = SIGKILL, i = 1;
	const char *name = NULL;
	bool found = false;

	if (i < argc && argv[i][0] == '-') {
		sig = signal_from_name(argv[i] + 1);
		if (sig <= 0)
			return cmd_fatal(st, "kill: unknown signal '%s'",
					 argv[i] + 1);
		i++;
	}
	if (i < argc)
		name = argv[i++];
	if (i < argc)
		return usage_err(st, "kill [-SIGNAL] [name]");
	for (size_t j = 0; j < st->nr_bg; j++) {
		struct script_bg *bg = st->bg[j];

		if (name && (!bg->name || strcmp(bg->name, name)))
			continue;
		found = true;
		if (bg->cp.running) {
			killpg(bg->cp.pid, sig);
			if (sig == SIGTERM || sig == SIGINT)
				killpg(bg->cp.pid, SIGCONT);
		}
	}
	if (name && !found)
		return cmd_fatal(st, "unknown background process '%s'", name);
	return CMD_OK;
}

const struct script_cmd script_cmds[] = {
	{"cat", "cat files...", "print files to stdout", 0, cmd_cat},
	{"cd", "cd dir", "change the directory", 0, cmd_cd},
	{"chmod", "chmod perm paths...", "change permissions (octal)", 0,
	 cmd_chmod},
	{"cmp", "cmp file1 file2",
	 "compare files (file1 may be stdout or stderr); a diff when they "
	 "differ",
	 CMD_NEG, cmd_cmp},
	{"cmpenv", "cmpenv file1 file2",
	 "like cmp, expanding $VAR in file2 first", CMD_NEG, cmd_cmpenv},
	{"cp", "cp src... dst", "copy files (src may be stdout or stderr)", 0,
	 cmd_cp},
	{"echo", "echo args...", "print the arguments to stdout", 0, cmd_echo},
	{"env", "env [-r] [key=value...]",
	 "set variables, or print them (-r: quote values as regexes)", 0,
	 cmd_env},
	{"exec", "exec program [args...] [&]", "run a program",
	 CMD_NEG | CMD_BG, cmd_exec},
	{"exists", "exists [-readonly] [-exec] file...",
	 "check that files exist", CMD_NEG, cmd_exists},
	{"grep", "grep [-count=N] [-q] pattern file",
	 "check that a file matches a regex", CMD_NEG, cmd_grep},
	{"help", "help [command...]", "print the usage of commands", 0,
	 cmd_help},
	{"kill", "kill [-SIGNAL] [name]",
	 "signal background commands (default KILL)", 0, cmd_kill},
	{"mkdir", "mkdir path...", "create directories with parents", 0,
	 cmd_mkdir},
	{"mv", "mv old new", "rename a file or directory", 0, cmd_mv},
	{"replace", "replace [old new]... file",
	 "replace strings in a file (Go string escapes; cmd/go)", 0,
	 cmd_replace},
	{"rm", "rm path...", "remove files or trees", 0, cmd_rm},
	{"skip", "skip [msg]", "stop, marking the script skipped", 0, cmd_skip},
	{"sleep", "sleep duration", "sleep (100ms, 2s)", 0, cmd_sleep},
	{"stderr", "stderr [-count=N] [-q] pattern",
	 "check that the last command's stderr matches a regex", CMD_NEG,
	 cmd_stderr},
	{"stdin", "stdin file",
	 "use file (or stdout/stderr) as the next exec's stdin", 0, cmd_stdin},
	{"stdout", "stdout [-count=N] [-q] pattern",
	 "check that the last command's stdout matches a regex", CMD_NEG,
	 cmd_stdout},
	{"stop", "stop [msg]", "stop the script early, passing", 0, cmd_stop},
	{"symlink", "symlink file -> target", "create a symbolic link", 0,
	 cmd_symlink},
	{"unix2dos", "unix2dos paths...",
	 "end every line with CRLF (go-internal)", 0, cmd_unix2dos},
	{"unquote", "unquote file...", "strip a leading > from each line", 0,
	 cmd_unquote},
	{"wait", "wait [name]",
	 "wait for background commands; their outputs become stdout/stderr", 0,
	 cmd_wait},
	{NULL, NULL, NULL, 0, NULL},
};

const struct script_cmd *script_find_cmd(const char *name)
{
	for (const struct script_cmd *c = script_cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}
