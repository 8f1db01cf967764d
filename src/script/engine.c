/*
 * script/engine.c - the state of one script and its main loop: a private
 * temp dir holding $WORK and the output spool, archive extraction, the
 * environment, phases and the log, prefixes and conditions, dispatch to the
 * command table, background commands, -u updates and cleanup.
 */
#include "common.h"
#include "clock.h"
#include "path.h"
#include "script/engine.h"
#include "strbuf.h"
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* How much of one output the log shows (its tail). */
#define LOG_OUTPUT_MAX (64 * 1024)

static int vset_msg(struct script_state *st, int ret, const char *fmt,
		    va_list ap)
{
	strbuf_reset(&st->msg);
	strbuf_vaddf(&st->msg, fmt, ap);
	return ret;
}

int cmd_fail(struct script_state *st, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vset_msg(st, CMD_FAIL, fmt, ap);
	va_end(ap);
	return ret;
}

int cmd_fatal(struct script_state *st, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vset_msg(st, CMD_FATAL, fmt, ap);
	va_end(ap);
	return ret;
}

void state_logf(struct script_state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&st->log, fmt, ap);
	va_end(ap);
}

const char *state_getenv(struct script_state *st, const char *name)
{
	return strvec_getenv(&st->env, name);
}

static const char *getenv_cb(void *data, const char *name)
{
	return state_getenv(data, name);
}

void state_setenv(struct script_state *st, const char *name, const char *value)
{
	strvec_setenv(&st->env, name, value);
}

char *state_abs(struct script_state *st, const char *p)
{
	char *j = path_join(st->cwd, p);
	char *n = path_normalize(j);

	free(j);
	return n;
}

/*
 * Whether the existing part of `abs` resolves inside $WORK: realpath of
 * the path (follow) or of its directory, walking up past missing parts.
 */
static bool resolves_inside(struct script_state *st, const char *abs,
			    bool follow)
{
	char *p = xstrdup(abs);
	bool ok = false;

	if (!follow) {
		char *slash = strrchr(p, '/');
		if (slash && slash != p)
			*slash = '\0';
		else if (slash)
			slash[1] = '\0';
	}
	for (;;) {
		char *r = realpath(p, NULL);
		char *slash;

		if (r) {
			ok = path_is_inside(r, st->work);
			free(r);
			break;
		}
		if (errno != ENOENT && errno != ENOTDIR)
			break;
		slash = strrchr(p, '/');
		if (!slash || slash == p)
			break;
		*slash = '\0';
	}
	free(p);
	return ok;
}

static char *writable_path(struct script_state *st, const char *p, bool follow)
{
	char *abs = state_abs(st, p);

	if (st->opts->allow_outside_work)
		return abs;
	if (!path_is_inside(abs, st->work) ||
	    !resolves_inside(st, abs, follow)) {
		cmd_fatal(st,
			  "refusing to write '%s': outside $WORK "
			  "(use --allow-outside-work)",
			  p);
		free(abs);
		return NULL;
	}
	return abs;
}

char *state_writable_path(struct script_state *st, const char *p)
{
	return writable_path(st, p, false);
}

char *state_writable_path_follow(struct script_state *st, const char *p)
{
	return writable_path(st, p, true);
}

char *state_spool_path(struct script_state *st, const char *what)
{
	return xstrfmt("%s/%u-%s", st->spool, ++st->spool_seq, what);
}

const char *state_program(struct script_state *st, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < st->opts->progs.nr; i++) {
		const char *e = st->opts->progs.v[i];
		if (!strncmp(e, name, n) && e[n] == '=')
			return e + n + 1;
	}
	return NULL;
}

int64_t state_time_left(struct script_state *st)
{
	int64_t left;

	if (!st->deadline_ns)
		return 0;
	left = st->deadline_ns - clock_now_ns();
	return left > 0 ? left : 1;
}

static int write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	if (write_in_full(fd, data, len) < 0) {
		close_keep_errno(fd);
		return -1;
	}
	return close(fd);
}

static void log_one_output(struct script_state *st, const char *what,
			   const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat s;
	bool truncated = false;

	if (stat(path, &s) < 0 || s.st_size == 0)
		return;
	if (strbuf_read_file_tail(&sb, path, LOG_OUTPUT_MAX, &truncated) < 0) {
		strbuf_release(&sb);
		return;
	}
	strbuf_addf(&st->log, "[%s]\n", what);
	if (truncated)
		strbuf_addf(&st->log, "[... %lld bytes not shown ...]\n",
			    (long long)s.st_size - (long long)sb.len);
	strbuf_addbuf(&st->log, &sb);
	if (sb.len && sb.buf[sb.len - 1] != '\n')
		strbuf_addch(&st->log, '\n');
	strbuf_release(&sb);
}

void state_log_output(struct script_state *st, const char *out_path,
		      const char *err_path)
{
	log_one_output(st, "stdout", out_path);
	log_one_output(st, "stderr", err_path);
}

static void log_mem(struct script_state *st, const char *what,
		    const struct strbuf *sb)
{
	size_t len = sb->len;
	const char *p = sb->buf;

	if (!len)
		return;
	strbuf_addf(&st->log, "[%s]\n", what);
	if (len > LOG_OUTPUT_MAX) {
		strbuf_addf(&st->log, "[... %zu bytes not shown ...]\n",
			    len - LOG_OUTPUT_MAX);
		p += len - LOG_OUTPUT_MAX;
		len = LOG_OUTPUT_MAX;
	}
	strbuf_add(&st->log, p, len);
	if (p[len - 1] != '\n')
		strbuf_addch(&st->log, '\n');
}

int state_set_output(struct script_state *st, const char *out, size_t olen,
		     const char *err, size_t elen)
{
	strbuf_reset(&st->mem_out);
	strbuf_reset(&st->mem_err);
	strbuf_add(&st->mem_out, out, olen);
	strbuf_add(&st->mem_err, err, elen);
	st->out_in_mem = true;
	log_mem(st, "stdout", &st->mem_out);
	log_mem(st, "stderr", &st->mem_err);
	return CMD_OK;
}

int state_mkdir_p(const char *abs)
{
	struct stat s;
	char *parent, *slash;
	int ret;

	if (stat(abs, &s) == 0) {
		if (S_ISDIR(s.st_mode))
			return 0;
		errno = EEXIST;
		return -1;
	}
	if (mkdir(abs, 0777) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	parent = xstrdup(abs);
	slash = strrchr(parent, '/');
	if (!slash || slash == parent) {
		free(parent);
		return -1;
	}
	*slash = '\0';
	ret = state_mkdir_p(parent);
	free(parent);
	if (ret < 0)
		return -1;
	return mkdir(abs, 0777) == 0 || errno == EEXIST ? 0 : -1;
}

int state_map(struct script_state *st, const char *name, struct mapped_file *m)
{
	char *path;
	struct stat s;
	int fd;

	memset(m, 0, sizeof(*m));
	m->data = "";
	if (st->out_in_mem &&
	    (!strcmp(name, "stdout") || !strcmp(name, "stderr"))) {
		const struct strbuf *sb =
			name[3] == 'o' ? &st->mem_out : &st->mem_err;
		m->data = sb->buf;
		m->len = sb->len;
		return 0;
	}
	if (!strcmp(name, "stdout"))
		path = xstrdup(st->stdout_path);
	else if (!strcmp(name, "stderr"))
		path = xstrdup(st->stderr_path);
	else
		path = state_abs(st, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &s) < 0) {
		cmd_fatal(st, "cannot open '%s': %s", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(path);
		return -1;
	}
	free(path);
	if (S_ISDIR(s.st_mode)) {
		close(fd);
		return cmd_fatal(st, "cannot read '%s': Is a directory", name),
		       -1;
	}
	if (S_ISREG(s.st_mode) && s.st_size > 0) {
		void *p = mmap(NULL, (size_t)s.st_size, PROT_READ, MAP_PRIVATE,
			       fd, 0);
		if (p != MAP_FAILED) {
			m->map = p;
			m->map_len = (size_t)s.st_size;
			m->data = p;
			m->len = (size_t)s.st_size;
			close(fd);
			return 0;
		}
	}
	/* Not mappable (/proc, a pipe, empty): read it. */
	{
		struct strbuf sb = STRBUF_INIT;
		if (strbuf_read_fd(&sb, fd, 0) < 0) {
			cmd_fatal(st, "cannot read '%s': %s", name,
				  strerror(errno));
			strbuf_release(&sb);
			close(fd);
			return -1;
		}
		close(fd);
		m->len = sb.len;
		m->data = strbuf_detach(&sb, NULL);
		m->map = (void *)m->data;
		m->map_len = 0; /* malloc'd */
	}
	return 0;
}

void mapped_file_release(struct mapped_file *m)
{
	if (m->map && m->map_len)
		munmap(m->map, m->map_len);
	else if (m->map)
		free(m->map);
	memset(m, 0, sizeof(*m));
	m->data = "";
}

void state_add_update(struct script_state *st, size_t idx, const char *path)
{
	ALLOC_GROW(st->updates, st->nr_updates + 1, st->alloc_updates);
	st->updates[st->nr_updates].member = idx;
	st->updates[st->nr_updates].path = xstrdup(path);
	st->nr_updates++;
}

void state_kill_background(struct script_state *st)
{
	for (size_t i = 0; i < st->nr_bg; i++)
		if (st->bg[i]->cp.running)
			killpg(st->bg[i]->cp.pid, SIGKILL);
	script_wait_background(st, NULL, false);
}

/* ---- setup ---- */

static void env_init(struct script_state *st)
{
	const char *path = getenv("PATH");
	char *tmp = xstrfmt("%s/.tmp", st->work);

	state_setenv(st, "WORK", st->work);
	state_setenv(st, "PATH", path ? path : "/usr/local/bin:/usr/bin:/bin");
	state_setenv(st, "HOME", "/no-home");
	state_setenv(st, "TMPDIR", tmp);
	state_setenv(st, "devnull", "/dev/null");
	state_setenv(st, "/", "/");
	state_setenv(st, ":", ":");
	state_setenv(st, "$", "$");
	state_setenv(st, "exe", "");
	mkdir(tmp, 0777);
	free(tmp);
	for (size_t i = 0; i < st->opts->env.nr; i++) {
		const char *e = st->opts->env.v[i];
		const char *eq = strchr(e, '=');
		char *k;

		if (!eq) {
			const char *v = getenv(e);
			state_setenv(st, e, v ? v : "");
			continue;
		}
		k = xstrndup(e, eq - e);
		state_setenv(st, k, eq + 1);
		free(k);
	}
}

struct member_ref {
	const char *path;
	size_t idx;
};

static int cmp_member(const void *a, const void *b)
{
	const struct member_ref *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Write the archive's files into $WORK.  Every name is checked first
 * (inside $WORK, no duplicates: sorted, so a huge archive stays fast), so
 * a bad archive writes nothing.  Returns -1 with the message in `err` and
 * st->lineno at the offending marker.
 */
static int extract_files(struct script_state *st, struct strbuf *err)
{
	struct member_ref *refs;
	size_t dup = SIZE_MAX, first = 0;

	st->member_paths = xcalloc(st->ar.nr + 1, sizeof(char *));
	for (size_t i = 0; i < st->ar.nr; i++) {
		struct txtar_file *f = &st->ar.files[i];
		struct strbuf name = STRBUF_INIT;
		char *abs;

		st->lineno = f->line;
		script_expand(&name, f->name, strlen(f->name), getenv_cb, st);
		if (!name.len) {
			strbuf_addf(err,
				    "archive member '%s' has an empty name",
				    f->name);
			strbuf_release(&name);
			return -1;
		}
		abs = state_abs(st, name.buf);
		strbuf_release(&name);
		if (!path_is_inside(abs, st->work) || !strcmp(abs, st->work)) {
			strbuf_addf(err, "archive member '%s' is outside $WORK",
				    f->name);
			free(abs);
			return -1;
		}
		st->member_paths[i] = abs;
	}
	refs = xcalloc(st->ar.nr + 1, sizeof(*refs));
	for (size_t i = 0; i < st->ar.nr; i++) {
		refs[i].path = st->member_paths[i];
		refs[i].idx = i;
	}
	qsort(refs, st->ar.nr, sizeof(*refs), cmp_member);
	/* The duplicate reported is the earliest second occurrence. */
	for (size_t i = 1; i < st->ar.nr; i++)
		if (!strcmp(refs[i].path, refs[i - 1].path) &&
		    (dup == SIZE_MAX || refs[i].idx < dup)) {
			size_t j = i - 1;
			while (j > 0 && !strcmp(refs[j - 1].path, refs[i].path))
				j--;
			dup = refs[i].idx;
			first = refs[j].idx;
		}
	free(refs);
	if (dup != SIZE_MAX) {
		st->lineno = st->ar.files[dup].line;
		strbuf_addf(err,
			    "duplicate archive member '%s' (also at line %zu)",
			    st->ar.files[dup].name, st->ar.files[first].line);
		return -1;
	}
	for (size_t i = 0; i < st->ar.nr; i++) {
		struct txtar_file *f = &st->ar.files[i];
		char *dir = xstrdup(st->member_paths[i]);

		st->lineno = f->line;
		*strrchr(dir, '/') = '\0';
		if ((*dir && strcmp(dir, st->work) && state_mkdir_p(dir) < 0) ||
		    write_file(st->member_paths[i], f->data, f->len) < 0) {
			strbuf_addf(err, "cannot write '%s': %s", f->name,
				    strerror(errno));
			free(dir);
			return -1;
		}
		free(dir);
	}
	return 0;
}

/* ---- phases and the log ---- */

struct phase {
	size_t mark;	  /* log offset where the phase's commands start */
	int64_t start_ns; /* 0: no heading to time */
	bool keep;	  /* a failure happened in it: never rewind */
};

static void mark_time(struct script_state *st, struct phase *ph)
{
	if (ph->mark > 0 && ph->start_ns) {
		char t[32];
		snprintf(t, sizeof(t), " (%.3fs)",
			 (double)(clock_now_ns() - ph->start_ns) / 1e9);
		strbuf_insert(&st->log, ph->mark - 1, t, strlen(t));
	}
	ph->start_ns = 0;
}

static void rewind_phase(struct script_state *st, struct phase *ph)
{
	if (!st->opts->verbose && !ph->keep)
		strbuf_setlen(&st->log, ph->mark);
}

/* ---- updates ---- */

static int cmp_off(const void *a, const void *b)
{
	const struct script_update *x = a, *y = b;
	return x->member < y->member ? 1 : x->member > y->member ? -1 : 0;
}

static int apply_updates(struct script_state *st, const char *data, size_t len,
			 struct strbuf *err)
{
	struct strbuf out = STRBUF_INIT;
	size_t i;
	int ret = 0;

	if (!st->nr_updates)
		return 0;
	if (!strcmp(st->path, "-")) {
		strbuf_addstr(err, "cannot update a script read from stdin");
		return -1;
	}
	strbuf_add(&out, data, len);
	/* Several cmp against one member: the last one wins. */
	{
		size_t kept = 0;

		for (i = 0; i < st->nr_updates; i++) {
			bool later = false;

			for (size_t j = i + 1; j < st->nr_updates && !later;
			     j++)
				later = st->updates[j].member ==
					st->updates[i].member;
			if (later)
				free(st->updates[i].path);
			else
				st->updates[kept++] = st->updates[i];
		}
		st->nr_updates = kept;
	}
	/* Splice from the last member backwards so offsets stay valid. */
	qsort(st->updates, st->nr_updates, sizeof(*st->updates), cmp_off);
	for (i = 0; i < st->nr_updates; i++) {
		const struct txtar_file *f =
			&st->ar.files[st->updates[i].member];
		struct strbuf content = STRBUF_INIT;

		if (strbuf_read_file(&content, st->updates[i].path, 0) < 0) {
			strbuf_addf(err, "cannot read '%s': %s",
				    st->updates[i].path, strerror(errno));
			ret = -1;
		} else if (txtar_needs_quote(content.buf, content.len)) {
			strbuf_addf(err,
				    "cannot update '%s': the new content has "
				    "a line that looks like a txtar marker",
				    f->name);
			ret = -1;
		} else {
			if (content.len && content.buf[content.len - 1] != '\n')
				strbuf_addch(&content, '\n');
			strbuf_splice(&out, f->data_off,
				      f->data_end - f->data_off, content.buf,
				      content.len);
		}
		strbuf_release(&content);
		if (ret)
			break;
	}
	if (!ret && strbuf_write_file_atomic(&out, st->path) < 0) {
		strbuf_addf(err, "cannot update '%s': %s", st->path,
			    strerror(errno));
		ret = -1;
	}
	if (!ret)
		strbuf_addf(&st->log, "%s updated\n", st->file);
	strbuf_release(&out);
	return ret;
}

/* ---- the main loop ---- */

static void fail_here(struct script_state *st, const char *msg,
		      struct script_result *res, struct phase *ph)
{
	strbuf_addf(&st->log, "FAIL: %s:%zu: %s\n", st->file, st->lineno, msg);
	res->status = SCRIPT_FAIL;
	ph->keep = true;
}

/* Run one command line; returns a cmd_ret. */
static int run_line(struct script_state *st, const char *line, size_t len)
{
	struct script_words words;
	struct script_cmdline cl = SCRIPT_CMDLINE_INIT;
	const struct script_cmd *cmd = NULL;
	struct script_cmd prog_cmd;
	const char *prog;
	char *err = NULL;
	int ret = CMD_OK;

	if (memchr(line, '\0', len))
		return cmd_fatal(st, "the line holds a NUL byte");
	if (script_split_line(&words, line, len, getenv_cb, st, &err) < 0) {
		strbuf_addstr(&st->log, "> ");
		strbuf_add(&st->log, line, len);
		strbuf_addch(&st->log, '\n');
		ret = cmd_fatal(st, "%s", err);
		free(err);
		return ret;
	}
	if (!words.nr) {
		script_words_clear(&words);
		return -1; /* nothing to run */
	}
	strbuf_addstr(&st->log, "> ");
	strbuf_add(&st->log, line, len);
	strbuf_addch(&st->log, '\n');
	if (script_parse_cmdline(&cl, &words, &err) < 0) {
		script_words_clear(&words);
		ret = cmd_fatal(st, "%s", err);
		free(err);
		return ret;
	}
	script_words_clear(&words);
	for (size_t i = 0; i < cl.nr_conds; i++) {
		int v = script_eval_cond(st, cl.conds[i].name);

		if (v < 0) {
			ret = CMD_FATAL;
			goto out;
		}
		if (!v != cl.conds[i].negate) {
			strbuf_addstr(&st->log, "[condition not met]\n");
			goto out;
		}
	}
	prog = state_program(st, cl.args.v[0]);
	if (prog) {
		prog_cmd.name = cl.args.v[0];
		prog_cmd.flags = CMD_NEG | CMD_BG;
		prog_cmd.run = NULL;
		cmd = &prog_cmd;
	} else {
		cmd = script_find_cmd(cl.args.v[0]);
	}
	if (!cmd) {
		ret = cmd_fatal(st, "unknown command '%s'", cl.args.v[0]);
		goto out;
	}
	if (cl.want != WANT_SUCCESS && !(cmd->flags & CMD_NEG)) {
		ret = cmd_fatal(st, "unsupported: %c %s",
				cl.want == WANT_FAILURE ? '!' : '?', cmd->name);
		goto out;
	}
	if (cl.background && !(cmd->flags & CMD_BG)) {
		ret = cmd_fatal(st, "command '%s' cannot run in the background",
				cmd->name);
		goto out;
	}
	st->want = cl.want;
	st->background = cl.background;
	st->bg_name = cl.bg_name;
	if (prog)
		ret = script_run_program(st, prog, (int)cl.args.nr, cl.args.v);
	else
		ret = cmd->run(st, (int)cl.args.nr, cl.args.v);
	st->bg_name = NULL;
	st->background = false;
	st->want = WANT_SUCCESS;
out:
	script_cmdline_clear(&cl);
	return ret;
}

static void dump_env(struct script_state *st)
{
	for (size_t i = 0; i < st->env.nr; i++)
		strbuf_addf(&st->log, "%s\n", st->env.v[i]);
	strbuf_addch(&st->log, '\n');
}

void script_result_clear(struct script_result *res)
{
	free(res->skip_reason);
	strbuf_release(&res->log);
	res->skip_reason = NULL;
}

static void state_release(struct script_state *st)
{
	for (size_t i = 0; i < st->nr_bg; i++) {
		child_process_clear(&st->bg[i]->cp);
		free(st->bg[i]->name);
		free(st->bg[i]->desc);
		free(st->bg[i]->out_path);
		free(st->bg[i]->err_path);
		free(st->bg[i]);
	}
	free(st->bg);
	for (size_t i = 0; st->member_paths && i < st->ar.nr; i++)
		free(st->member_paths[i]);
	free(st->member_paths);
	for (size_t i = 0; i < st->nr_updates; i++)
		free(st->updates[i].path);
	free(st->updates);
	txtar_clear(&st->ar);
	strvec_clear(&st->env);
	strbuf_release(&st->msg);
	strbuf_release(&st->mem_out);
	strbuf_release(&st->mem_err);
	free(st->root);
	free(st->work);
	free(st->cwd);
	free(st->spool);
	free(st->stdout_path);
	free(st->stderr_path);
	free(st->stdin_path);
}

void script_run(const struct script_options *opts, const char *file,
		const char *data, size_t len, struct script_result *res)
{
	struct script_state st;
	struct phase ph = {0, 0, false};
	struct strbuf err = STRBUF_INIT;
	int64_t start = clock_now_ns();
	const char *p, *end;
	char *real_root, *raw_root;
	size_t skip_line = 0;

	memset(&st, 0, sizeof(st));
	strvec_init(&st.env);
	strbuf_init(&st.mem_out, 0);
	strbuf_init(&st.mem_err, 0);
	strbuf_init(&st.log, 0);
	strbuf_init(&st.msg, 0);
	st.opts = opts;
	st.path = file;
	st.file = strcmp(file, "-") ? file : "stdin";
	file = st.file;
	res->status = SCRIPT_PASS;
	res->skip_reason = NULL;
	if (opts->timeout_ns > 0)
		st.deadline_ns = start + opts->timeout_ns;

	raw_root = make_temp_dir(temp_base(), "ordeal-script-");
	if (!raw_root) {
		strbuf_addf(&res->log,
			    "FAIL: %s: cannot create a temporary "
			    "directory in '%s': %s\n",
			    file, temp_base(), strerror(errno));
		res->status = SCRIPT_FAIL;
		strvec_clear(&st.env);
		return;
	}
	/* Resolve symlinks (macOS /tmp) so containment checks are exact. */
	real_root = realpath(raw_root, NULL);
	st.root = real_root ? real_root : xstrdup(raw_root);
	free(raw_root);
	st.work = path_join(st.root, "work");
	st.spool = xstrdup(st.root); /* the spool files sit beside work/ */
	mkdir(st.work, 0777);
	st.cwd = xstrdup(st.work);
	st.stdout_path = path_join(st.spool, "stdout");
	st.stderr_path = path_join(st.spool, "stderr");
	st.out_in_mem = true; /* empty until a command prints */
	env_init(&st);

	txtar_parse(&st.ar, data, len);
	if (opts->verbose)
		dump_env(&st);
	if (extract_files(&st, &err) < 0) {
		fail_here(&st, err.buf, res, &ph);
		goto done;
	}
	ph.mark = st.log.len;

	p = st.ar.comment ? st.ar.comment : "";
	end = p + st.ar.comment_len;
	st.lineno = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int ret;

		st.lineno++;
		if (run_command_interrupted()) {
			res->status = SCRIPT_INTERRUPTED;
			fail_here(&st, "interrupted", res, &ph);
			res->status = SCRIPT_INTERRUPTED;
			break;
		}
		if (st.deadline_ns && clock_now_ns() >= st.deadline_ns) {
			strbuf_reset(&err);
			strbuf_addstr(&err, "script timed out after ");
			duration_format(&err, opts->timeout_ns);
			fail_here(&st, err.buf, res, &ph);
			break;
		}
		if (n && p[0] == '#') {
			/* A comment at the start of a line opens a phase. */
			if (st.log.len > ph.mark) {
				rewind_phase(&st, &ph);
				mark_time(&st, &ph);
			}
			ph.keep = false;
			strbuf_add(&st.log, p, n);
			strbuf_addch(&st.log, '\n');
			ph.mark = st.log.len;
			ph.start_ns = clock_now_ns();
			p += n + 1;
			continue;
		}
		ret = run_line(&st, p, n);
		p += n + 1;
		if (ret == CMD_OK || ret < 0)
			continue;
		if (ret == CMD_SKIP) {
			/* --continue: an earlier failure is not hidden */
			if (res->status != SCRIPT_FAIL)
				res->status = SCRIPT_SKIP;
			res->skip_reason = strbuf_detach(&st.msg, NULL);
			skip_line = st.lineno;
			break;
		}
		if (ret == CMD_STOP) {
			strbuf_addf(&st.log, "stop%s%s\n",
				    st.msg.len ? ": " : "", st.msg.buf);
			break;
		}
		fail_here(&st, st.msg.buf, res, &ph);
		if (run_command_interrupted())
			res->status = SCRIPT_INTERRUPTED;
		if (!opts->keep_going || res->status == SCRIPT_INTERRUPTED)
			break;
	}
done:
	/*
	 * Background commands still running are killed and their status is
	 * not checked, as go-internal's documentation says ("the test must
	 * not depend upon their exit status").
	 */
	state_kill_background(&st);
	rewind_phase(&st, &ph); /* unless it failed: then shown in full */
	mark_time(&st, &ph);
	if (skip_line)
		strbuf_addf(&st.log, "SKIP: %s:%zu: %s\n", file, skip_line,
			    res->skip_reason);
	strbuf_reset(&err);
	if (apply_updates(&st, data, len, &err) < 0)
		fail_here(&st, err.buf, res, &ph);
	else if (st.nr_updates)
		res->updated = true;
	/* Show $WORK instead of the temp path, as testscript does. */
	strbuf_replace_all(&st.log, st.work, "$WORK");
	if (opts->keep_work)
		strbuf_addf(&res->log, "WORK=%s\n", st.work);
	else if (remove_recursive(st.root) < 0)
		warning_errno("cannot remove '%s'", st.root);
	strbuf_addbuf(&res->log, &st.log);
	strbuf_release(&st.log);
	strbuf_release(&err);
	res->duration_ns = clock_now_ns() - start;
	state_release(&st);
}
