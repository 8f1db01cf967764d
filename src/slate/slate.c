/*
 * slate/slate.c - the backend-independent part of clean slates: parsing
 * SPEC, the working area, each run's evidence dir, keeping or discarding a
 * run, finding who holds a busy slate, and the helpers backends share
 * (running a tool, copying and removing trees).
 */
#include "common.h"
#include "slate/backend.h"
#include "clock.h"
#include "os.h"
#include "path.h"
#include "run-command.h"
#include "strbuf.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static const struct slate_ops *const backends[] = {
	&slate_none_ops,    &slate_copy_ops,  &slate_reflink_ops,
	&slate_overlay_ops, &slate_btrfs_ops, &slate_zfs_ops,
	&slate_auto_ops,
};

int slate_parse(struct slate *s, const char *spec)
{
	const char *colon = strchr(spec, ':');
	size_t nlen = colon ? (size_t)(colon - spec) : strlen(spec);

	for (size_t i = 0; i < ARRAY_SIZE(backends); i++) {
		const struct slate_ops *o = backends[i];

		if (strlen(o->name) != nlen || strncmp(o->name, spec, nlen))
			continue;
		if (o == &slate_none_ops) {
			if (colon)
				return error("slate 'none' takes no argument "
					     "(got '%s')",
					     spec);
		} else if (!colon || !colon[1]) {
			return error("slate '%s' needs a %s: '%s:%s'", o->name,
				     o == &slate_zfs_ops     ? "snapshot"
				     : o == &slate_btrfs_ops ? "subvolume"
							     : "directory",
				     o->name,
				     o == &slate_zfs_ops     ? "POOL/DS@SNAP"
				     : o == &slate_btrfs_ops ? "SUBVOL"
							     : "DIR");
		}
		s->ops = o;
		s->spec = xstrdup(spec);
		s->source = colon ? xstrdup(colon + 1) : NULL;
		return 0;
	}
	return error("unknown slate '%s'; use none, copy:DIR, reflink:DIR, "
		     "overlay:DIR, btrfs:SUBVOL, zfs:POOL/DS@SNAP or auto:DIR",
		     spec);
}

const char *slate_backend(const struct slate *s)
{
	return s->ops ? s->ops->name : "none";
}

/* The directory a working area goes in when --workdir is not given. */
static char *default_workdir(const struct slate *s)
{
	char *abs, *slash;

	if (!s->source || s->ops == &slate_none_ops)
		return path_absolute(".");
	/* Next to the source (as gocrash): the same filesystem, which
	 * reflink and btrfs snapshots need. */
	abs = path_absolute(s->source);
	slash = strrchr(abs, '/');
	if (slash == abs)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	return abs;
}

int slate_open(struct slate *s, const char *workdir, const char *prefix)
{
	struct strbuf why = STRBUF_INIT;
	char *base = NULL;
	int ret = -1;

	if (!s->ops && slate_parse(s, "none") < 0)
		return -1;
	s->created_ms = clock_wall_ns() / NS_PER_MS;
	if (!s->ops->own_work_area) {
		struct stat st;
		char *src = s->source ? path_absolute(s->source) : NULL;

		base = workdir ? path_absolute(workdir) : default_workdir(s);
		if (workdir && mkdir_p(base, 0777) < 0) {
			error_errno("cannot create the working directory '%s'",
				    base);
			free(src);
			goto out;
		}
		if (stat(base, &st) < 0 || !S_ISDIR(st.st_mode)) {
			error("working directory '%s' %s", base,
			      errno == ENOENT ? "does not exist"
					      : "is not a directory");
			free(src);
			goto out;
		}
		if (src && path_is_inside(base, src)) {
			error("the working directory '%s' is inside the slate "
			      "source '%s': give --workdir outside it",
			      base, src);
			free(src);
			goto out;
		}
		free(src);
		s->work = xstrfmt("%s/%s-%lld", strcmp(base, "/") ? base : "",
				  prefix, (long long)s->created_ms);
		/* Two invocations in the same millisecond get -1, -2... */
		for (int i = 1; mkdir(s->work, 0777) < 0; i++) {
			if (errno != EEXIST || i > 100) {
				error_errno("cannot create the working area "
					    "'%s'",
					    s->work);
				goto out;
			}
			free(s->work);
			s->work = xstrfmt("%s/%s-%lld-%d",
					  strcmp(base, "/") ? base : "", prefix,
					  (long long)s->created_ms, i);
		}
	}
	s->prefix = xstrdup(prefix);
	if (s->ops->open(s, &why) < 0) {
		error("%s", why.buf);
		if (!s->ops->own_work_area && s->work)
			slate_remove_tree(s->work);
		goto out;
	}
	ret = 0;
out:
	if (ret < 0) {
		free(s->work);
		s->work = NULL;
	}
	free(base);
	strbuf_release(&why);
	return ret;
}

/* A thread's run dir between runs (reuse_run_dir backends). */
static char *scratch_dir(const struct slate *s, int thread)
{
	return xstrfmt("%s/.thread-%d", s->work, thread);
}

/*
 * Whether thread's scratch dir exists (value -1: ask; 0/1: set).  Known
 * per thread so a passing run costs no mkdir.
 */
static bool scratch_ready(struct slate *s, int thread, int value)
{
	if (thread < 0)
		return false;
	if ((size_t)thread >= s->nr_scratch) {
		if (value < 0)
			return false;
		s->scratch = xrealloc(s->scratch, (size_t)thread + 1);
		memset(s->scratch + s->nr_scratch, 0,
		       (size_t)thread + 1 - s->nr_scratch);
		s->nr_scratch = (size_t)thread + 1;
	}
	if (value >= 0)
		s->scratch[thread] = (char)value;
	return s->scratch[thread];
}

int slate_run_create(struct slate *s, struct slate_run *r, int thread, int run)
{
	r->slate = s;
	r->thread = thread;
	r->run = run;
	r->name = xstrfmt("thread-%d-run-%d", thread, run);
	if (s->ops->dir_on_keep) {
		r->dir = path_join(s->work, r->name);
		r->live_dir = scratch_dir(s, thread);
		/* The scratch dir exists unless the last run was kept. */
		if (!scratch_ready(s, thread, -1)) {
			if (mkdir(r->live_dir, 0777) < 0 && errno != EEXIST)
				return error_errno("cannot create '%s'",
						   r->live_dir);
			scratch_ready(s, thread, 1);
		}
		r->reused_dir = true;
	} else if (!s->ops->own_work_area) {
		r->dir = path_join(s->work, r->name);
		bool renamed = false;

		if (s->ops->reuse_run_dir) {
			char *scratch = scratch_dir(s, thread);

			renamed = !rename(scratch, r->dir);
			free(scratch);
		}
		if (!renamed && mkdir(r->dir, 0777) < 0 && errno != EEXIST)
			return error_errno("cannot create '%s'", r->dir);
		r->reused_dir = s->ops->reuse_run_dir;
	}
	if (s->ops->create(s, r) < 0) {
		if (!s->ops->own_work_area && !s->ops->dir_on_keep)
			slate_remove_tree(r->dir);
		return -1;
	}
	if (!r->live_dir && r->dir)
		r->live_dir = xstrdup(r->dir);
	r->live = true;
	return 0;
}

int slate_run_pre_exec(void *data)
{
	struct slate_run *r = data;

	if (!r->slate || !r->slate->ops->pre_exec)
		return 0;
	return r->slate->ops->pre_exec(r);
}

static void write_status(const struct slate_run *r, const char *why)
{
	struct strbuf sb = STRBUF_INIT;
	char *path;

	if (!r->dir)
		return;
	path = path_join(r->dir, "status");
	strbuf_addf(&sb, "%s\n", why);
	strbuf_write_file(&sb, path); /* says why itself on failure */
	free(path);
	strbuf_release(&sb);
}

int slate_run_keep(struct slate *s, struct slate_run *r, const char *why)
{
	int ret = 0;

	if (!r->live)
		return 0;
	r->live = false;
	if (s->ops->dir_on_keep) {
		r->reused_dir = false;
		scratch_ready(s, r->thread, 0);
		if (rename(r->live_dir, r->dir) < 0)
			return error_errno("cannot keep '%s' as '%s'",
					   r->live_dir, r->dir);
		free(r->live_dir);
		r->live_dir = xstrdup(r->dir);
	}
	if (s->ops->keep)
		ret = s->ops->keep(s, r);
	if (why)
		write_status(r, why);
	return ret;
}

int slate_run_discard(struct slate *s, struct slate_run *r)
{
	if (!r->live)
		return 0;
	r->live = false;
	if (s->ops->destroy(s, r) < 0)
		return -1;
	if (s->ops->dir_on_keep)
		return 0; /* the scratch dir serves the thread's next run */
	if (r->reused_dir) {
		char *scratch = scratch_dir(s, r->thread);
		int ret = rename(r->dir, scratch);

		free(scratch);
		if (!ret)
			return 0;
		r->reused_dir = false;
	}
	if (!s->ops->own_work_area && r->dir && slate_remove_tree(r->dir) < 0 &&
	    errno != ENOENT)
		return error_errno("cannot remove '%s'", r->dir);
	return 0;
}

void slate_run_clear(struct slate_run *r)
{
	free(r->name);
	free(r->dir);
	free(r->live_dir);
	free(r->root);
	free(r->start_dir);
	free(r->dataset);
	free(r->priv);
	memset(r, 0, sizeof(*r));
}

int slate_abandon(struct slate *s)
{
	if (s->ops && s->ops->abandon)
		return s->ops->abandon(s);
	if (s->work && slate_remove_tree(s->work) < 0 && errno != ENOENT)
		return error_errno("cannot remove '%s'", s->work);
	return 0;
}

/* Remove the scratch run dirs (".thread-T") from the working area. */
static void remove_scratch_dirs(const struct slate *s)
{
	DIR *d = s->work ? opendir(s->work) : NULL;
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char *p;

		if (strncmp(e->d_name, ".thread-", 8))
			continue;
		p = path_join(s->work, e->d_name);
		slate_remove_tree(p);
		free(p);
	}
	closedir(d);
}

void slate_close(struct slate *s)
{
	if (s->ops && (s->ops->reuse_run_dir || s->ops->dir_on_keep))
		remove_scratch_dirs(s);
	if (s->ops && s->ops->close)
		s->ops->close(s);
	free(s->spec);
	free(s->source);
	free(s->work);
	free(s->work_dataset);
	free(s->prefix);
	free(s->scratch);
	memset(s, 0, sizeof(*s));
}

/* Whether /proc/<pid>/<what> (a symlink) points inside `path`. */
static bool link_inside(const char *pid, const char *what, const char *path)
{
	char link[640], target[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%s/%s", pid, what);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	return path_is_inside(target, path);
}

static void process_name(const char *pid, char *buf, size_t size)
{
	char path[300];
	int fd;
	ssize_t n;

	snprintf(buf, size, "?");
	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
	}
}

/* Mounts strictly below `abs` (they keep it busy): "a tmpfs mount at X". */
static int describe_mounts_below(struct strbuf *sb, const char *abs, int found)
{
	FILE *fp = fopen("/proc/self/mounts", "re");
	struct strbuf line = STRBUF_INIT;
	int n = 0;

	if (!fp)
		return 0;
	while (strbuf_getline(&line, fp) != EOF) {
		char dev[256], dir[4096], type[64];

		if (sscanf(line.buf, "%255s %4095s %63s", dev, dir, type) != 3)
			continue;
		if (!strcmp(dir, abs) || !path_is_inside(dir, abs))
			continue;
		strbuf_addf(sb, "%sa %s mount at %s", found + n ? ", " : "",
			    type, dir);
		n++;
	}
	fclose(fp);
	strbuf_release(&line);
	return n;
}

int slate_describe_holders(struct strbuf *sb, const char *path)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	char *abs = path_absolute(path);
	int found = 0;

	if (!proc) {
		free(abs);
		return 0;
	}
	while ((e = readdir(proc))) {
		const char *held = NULL;
		char fddir[300], name[64];
		DIR *fds;
		struct dirent *f;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		if (link_inside(e->d_name, "cwd", abs))
			held = "working directory";
		else if (link_inside(e->d_name, "root", abs))
			held = "root directory";
		snprintf(fddir, sizeof(fddir), "/proc/%s/fd", e->d_name);
		if (!held && (fds = opendir(fddir))) {
			while (!held && (f = readdir(fds))) {
				char what[280];

				if (f->d_name[0] == '.')
					continue;
				snprintf(what, sizeof(what), "fd/%s",
					 f->d_name);
				if (link_inside(e->d_name, what, abs))
					held = "open file";
			}
			closedir(fds);
		}
		if (!held)
			continue;
		process_name(e->d_name, name, sizeof(name));
		strbuf_addf(sb, "%spid %s (%s): %s", found ? ", " : "",
			    e->d_name, name, held);
		found++;
	}
	closedir(proc);
	found += describe_mounts_below(sb, abs, found);
	free(abs);
	return found;
}

int slate_exec(struct strbuf *out, const char *const *argv)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	/*
	 * After Ctrl-C the slates still have to be destroyed, and a wait
	 * that sees the interrupt kills what it waits for: hold the
	 * interrupt back while the tool runs (they are short), then
	 * restore it.
	 */
	int held_sig = run_command_interrupted();
	/*
	 * The tool's output goes to an unlinked temporary file, not a pipe:
	 * finish_command() then waits in run-command's loop, which reaps
	 * the runs that end meanwhile at once, so their durations do not
	 * include the tool's time.
	 */
	FILE *tmp = tmpfile();
	int ret;

	if (!tmp)
		return -1;
	if (held_sig)
		run_command_interrupt(0);
	strvec_pushv(&cp.args, argv);
	strvec_push(&cp.env, "LC_ALL=C");
	cp.use_path = true;
	cp.in = CHILD_NULL;
	cp.out = CHILD_FD;
	cp.out_fd = fileno(tmp);
	cp.err = CHILD_STDOUT;
	cp.timeout_ns = 10 * 60 * NS_PER_SEC;
	if (run_command(&cp) < 0 && !cp.result.started) {
		if (held_sig)
			run_command_interrupt(held_sig);
		errno = cp.result.spawn_errno;
		child_process_clear(&cp);
		fclose(tmp);
		return -1;
	}
	if (held_sig && !run_command_interrupted())
		run_command_interrupt(held_sig);
	if (lseek(fileno(tmp), 0, SEEK_SET) == 0)
		strbuf_read_fd(out, fileno(tmp), 64 * 1024);
	fclose(tmp);
	if (cp.result.exited)
		ret = cp.result.exit_code;
	else
		ret = 128 + cp.result.signal;
	child_process_clear(&cp);
	return ret;
}

bool slate_check_dir(const char *path, const char *what, struct strbuf *why)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		strbuf_addf(why, "%s '%s' %s", what, path,
			    errno == ENOENT ? "does not exist"
					    : strerror(errno));
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		strbuf_addf(why, "%s '%s' is not a directory", what, path);
		return false;
	}
	return true;
}

static int copy_file_data(int src, int dst, bool reflink)
{
	char buf[65536];
	ssize_t n;

	if (reflink)
		return os_reflink_fd(dst, src);
	while ((n = xread(src, buf, sizeof(buf))) > 0)
		if (write_in_full(dst, buf, (size_t)n) < 0)
			return -1;
	return n < 0 ? -1 : 0;
}

/* Root copies ownership too, as cp -a does (set by slate_copy_tree). */
static bool copy_owner;

/* Give the copy the original's owner (before its mode: chown clears
 * set-user-ID bits). */
static int keep_owner(int fd, const struct stat *st)
{
	if (!copy_owner)
		return 0;
	return fchown(fd, st->st_uid, st->st_gid);
}

/* Copy dir fd `sfd`'s entries into dir fd `dfd`; `path` for messages. */
static int copy_dir_fd(int sfd, int dfd, struct strbuf *path, bool reflink,
		       struct strbuf *why)
{
	DIR *d = fdopendir(sfd);
	struct dirent *e;
	int ret = 0;

	if (!d) {
		close(sfd);
		strbuf_addf(why, "cannot read '%s': %s", path->buf,
			    strerror(errno));
		return -1;
	}
	while (!ret && (errno = 0, e = readdir(d))) {
		const char *n = e->d_name;
		size_t plen = path->len;
		struct stat st;
		struct timespec times[2];

		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		strbuf_addf(path, "/%s", n);
		if (fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			strbuf_addf(why, "cannot stat '%s': %s", path->buf,
				    strerror(errno));
			ret = -1;
			break;
		}
		times[0] = st.st_atim;
		times[1] = st.st_mtim;
		if (S_ISDIR(st.st_mode)) {
			int s2, d2;

			if (mkdirat(dfd, n, 0700) < 0 ||
			    (s2 = openat(dirfd(d), n,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
						 O_CLOEXEC)) < 0) {
				strbuf_addf(why, "cannot copy '%s': %s",
					    path->buf, strerror(errno));
				ret = -1;
				break;
			}
			d2 = openat(dfd, n,
				    O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					    O_CLOEXEC);
			if (d2 < 0) {
				close(s2);
				strbuf_addf(why, "cannot copy '%s': %s",
					    path->buf, strerror(errno));
				ret = -1;
				break;
			}
			ret = copy_dir_fd(s2, d2, path, reflink, why);
			if (!ret && (keep_owner(d2, &st) < 0 ||
				     fchmod(d2, st.st_mode & 07777) < 0 ||
				     futimens(d2, times) < 0)) {
				strbuf_addf(why, "cannot copy '%s': %s",
					    path->buf, strerror(errno));
				ret = -1;
			}
			close(d2);
		} else if (S_ISREG(st.st_mode)) {
			int s2 = openat(dirfd(d), n,
					O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			int d2 = openat(dfd, n,
					O_WRONLY | O_CREAT | O_EXCL |
						O_NOFOLLOW | O_CLOEXEC,
					st.st_mode & 07777);

			if (s2 < 0 || d2 < 0 ||
			    (st.st_size &&
			     copy_file_data(s2, d2, reflink) < 0) ||
			    keep_owner(d2, &st) < 0 ||
			    fchmod(d2, st.st_mode & 07777) < 0 ||
			    futimens(d2, times) < 0) {
				int err = errno;

				strbuf_addf(why, "cannot %s '%s': %s",
					    reflink ? "reflink" : "copy",
					    path->buf, strerror(err));
				errno = err;
				ret = -1;
			}
			if (s2 >= 0)
				close(s2);
			if (d2 >= 0)
				close_keep_errno(d2);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t len = readlinkat(dirfd(d), n, target,
						 sizeof(target) - 1);

			if (len < 0 || (target[len] = '\0',
					symlinkat(target, dfd, n) < 0)) {
				strbuf_addf(why, "cannot copy link '%s': %s",
					    path->buf, strerror(errno));
				ret = -1;
			} else {
				if (copy_owner)
					fchownat(dfd, n, st.st_uid, st.st_gid,
						 AT_SYMLINK_NOFOLLOW);
				utimensat(dfd, n, times, AT_SYMLINK_NOFOLLOW);
			}
		} else if (S_ISFIFO(st.st_mode)) {
			if (mkfifoat(dfd, n, st.st_mode & 07777) < 0 ||
			    (copy_owner &&
			     (fchownat(dfd, n, st.st_uid, st.st_gid, 0) < 0 ||
			      fchmodat(dfd, n, st.st_mode & 07777, 0) < 0))) {
				strbuf_addf(why, "cannot copy fifo '%s': %s",
					    path->buf, strerror(errno));
				ret = -1;
			}
		}
		/* Sockets and devices are not state a run starts from. */
		strbuf_setlen(path, plen);
	}
	if (!ret && errno) {
		strbuf_addf(why, "cannot read '%s': %s", path->buf,
			    strerror(errno));
		ret = -1;
	}
	closedir(d);
	return ret;
}

int slate_copy_tree(const char *src, const char *dst, bool reflink,
		    struct strbuf *why)
{
	struct strbuf path = STRBUF_INIT;
	struct stat st;
	int sfd, dfd, ret, err;

	sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0 || fstat(sfd, &st) < 0) {
		strbuf_addf(why, "cannot open '%s': %s", src, strerror(errno));
		return -1;
	}
	if (mkdir(dst, 0700) < 0 ||
	    (dfd = open(dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		err = errno;
		strbuf_addf(why, "cannot create '%s': %s", dst, strerror(err));
		close(sfd);
		errno = err;
		return -1;
	}
	strbuf_addstr(&path, src);
	copy_owner = geteuid() == 0;
	ret = copy_dir_fd(sfd, dfd, &path, reflink, why);
	err = errno;
	if (!ret &&
	    (keep_owner(dfd, &st) < 0 || fchmod(dfd, st.st_mode & 07777) < 0)) {
		err = errno;
		strbuf_addf(why, "cannot chmod '%s': %s", dst, strerror(err));
		ret = -1;
	}
	close(dfd);
	strbuf_release(&path);
	errno = err;
	return ret;
}

/* Give the owner rwx on every directory so the tree can be removed. */
static void open_up_dirs(const char *path)
{
	DIR *d;
	struct dirent *e;
	struct stat st;

	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return;
	if ((st.st_mode & 0700) != 0700)
		chmod(path, (st.st_mode & 07777) | 0700);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		char *sub;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
			continue;
		sub = path_join(path, e->d_name);
		open_up_dirs(sub);
		free(sub);
	}
	closedir(d);
}

int slate_empty_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int ret = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char *p;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = path_join(path, e->d_name);
		if (slate_remove_tree(p) < 0)
			ret = -1;
		free(p);
	}
	closedir(d);
	return ret;
}

int slate_remove_tree(const char *path)
{
	if (!remove_recursive(path))
		return 0;
	if (errno != EACCES && errno != EPERM && errno != ENOTEMPTY)
		return -1;
	open_up_dirs(path);
	return remove_recursive(path);
}
