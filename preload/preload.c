/*
 * preload.c - libordeal-preload.so's interposed libc calls: every write,
 * sync, rename, unlink, truncate, close and file-creating open on a file
 * under ORDEAL_CRASH_DIR becomes a crash point (sys.write, sys.pwrite,
 * sys.fsync, sys.fdatasync, sys.rename, sys.unlink, sys.ftruncate,
 * sys.close, sys.open), counted, armed and traced by lib/crashpoint.c like
 * any named point, and feeds the power-loss model (powerloss.c).
 *
 * A point is hit before the call it names: crashing at sys.fsync@2 means
 * the second fsync never happened.  ORDEAL_SYSCALLS=write,fsync,... limits
 * the points to those listed (default: all); the bookkeeping for power loss
 * is done for every call regardless.
 *
 * Limits: calls made inside libc (stdio's buffered writes, opendir) are not
 * seen, so fopen()ed files are tracked at fopen/fclose/fsync only; writes
 * through mmap, fds inherited across exec, and statically linked programs
 * are not seen at all.
 */
/* glibc interposition: Linux only (an empty library elsewhere). */
#if defined(__linux__)

#undef _FORTIFY_SOURCE
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "preload.h"

#include <ordeal/crashpoint.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

enum point {
	P_WRITE,
	P_PWRITE,
	P_FSYNC,
	P_FDATASYNC,
	P_RENAME,
	P_UNLINK,
	P_FTRUNCATE,
	P_CLOSE,
	P_OPEN,
	P_COUNT
};

static const char *const point_names[P_COUNT] = {
	"sys.write",	 "sys.pwrite", "sys.fsync",
	"sys.fdatasync", "sys.rename", "sys.unlink",
	"sys.ftruncate", "sys.close",  "sys.open",
};

struct fd_info {
	char *path;
	dev_t dev;
	ino_t ino;
	unsigned used : 1, is_dir : 1, writable : 1, sync : 1, append : 1,
		stdio : 1;
};

struct real_calls real;
int pl_enabled;
const char *pl_crash_dir;

static size_t crash_dir_len;
/* ORDEAL_CRASH_DIR as given (made absolute, normalised) when it differs
 * from its realpath, e.g. through a symlinked /tmp: rewritten to it. */
static char *crash_dir_alias;
static size_t crash_dir_alias_len;
static unsigned points_on = (1u << P_COUNT) - 1;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct fd_info *fds;
static size_t fds_alloc;

static int (*real_openat)(int, const char *, int, ...);
static FILE *(*real_fopen)(const char *, const char *);
static int (*real_fclose)(FILE *);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static ssize_t (*real_pwritev)(int, const struct iovec *, int, off_t);
static ssize_t (*real_pwritev2)(int, const struct iovec *, int, off_t, int);
static int (*real_fdatasync)(int);
static int (*real_truncate)(const char *, off_t);
static int (*real_renameat2)(int, const char *, int, const char *, unsigned);
static int (*real_unlinkat)(int, const char *, int);
static int (*real_remove)(const char *);
static int (*real_dup)(int);
static int (*real_dup3)(int, int, int);
static int (*real_dup2)(int, int);
static void (*real_sync)(void);
static int (*real_syncfs)(int);

void pl_lock(void)
{
	pthread_mutex_lock(&mu);
}

void pl_unlock(void)
{
	pthread_mutex_unlock(&mu);
}

static void *next(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

#define RESOLVE(var, name) memcpy(&(var), &(void *){next(name)}, sizeof(var))

void preload_resolve(void)
{
	static int done;

	if (__atomic_load_n(&done, __ATOMIC_ACQUIRE))
		return;
	RESOLVE(real.open, "open");
	RESOLVE(real.close, "close");
	RESOLVE(real.read, "read");
	RESOLVE(real.pread, "pread");
	RESOLVE(real.write, "write");
	RESOLVE(real.pwrite, "pwrite");
	RESOLVE(real.ftruncate, "ftruncate");
	RESOLVE(real.unlink, "unlink");
	RESOLVE(real.fsync, "fsync");
	RESOLVE(real_openat, "openat");
	RESOLVE(real_fopen, "fopen");
	RESOLVE(real_fclose, "fclose");
	RESOLVE(real_writev, "writev");
	RESOLVE(real_pwritev, "pwritev");
	RESOLVE(real_pwritev2, "pwritev2");
	RESOLVE(real_fdatasync, "fdatasync");
	RESOLVE(real_truncate, "truncate");
	RESOLVE(real_renameat2, "renameat2");
	RESOLVE(real_unlinkat, "unlinkat");
	RESOLVE(real_remove, "remove");
	RESOLVE(real_dup, "dup");
	RESOLVE(real_dup2, "dup2");
	RESOLVE(real_dup3, "dup3");
	RESOLVE(real_sync, "sync");
	RESOLVE(real_syncfs, "syncfs");
	__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
}

static void parse_points(const char *list)
{
	const char *p = list;
	unsigned on = 0;
	int i;

	if (!list || !*list || !strcmp(list, "all"))
		return;
	while (*p) {
		size_t n = strcspn(p, ",");

		if (n > 4 && !strncmp(p, "sys.", 4)) {
			p += 4;
			n -= 4;
		}
		for (i = 0; i < P_COUNT; i++)
			if (strlen(point_names[i] + 4) == n &&
			    !strncmp(point_names[i] + 4, p, n))
				on |= 1u << i;
		p += n;
		if (*p == ',')
			p++;
	}
	points_on = on;
}

static void normalize(char *path);

__attribute__((constructor)) static void preload_init(void)
{
	const char *dir = getenv(ORDEAL_ENV_CRASH_DIR);
	const char *pl = getenv(ORDEAL_ENV_POWER_LOSS);
	char *abs;

	preload_resolve();
	parse_points(getenv("ORDEAL_SYSCALLS"));
	if (!dir || !*dir)
		return;
	abs = realpath(dir, NULL);
	if (!abs)
		return;
	crash_dir_len = strlen(abs);
	while (crash_dir_len > 1 && abs[crash_dir_len - 1] == '/')
		abs[--crash_dir_len] = '\0';
	pl_crash_dir = abs;
	pl_enabled = pl && !strcmp(pl, "1");
	{
		char given[2 * PATH_MAX + 2], cwd[PATH_MAX];

		size_t cl, dl = strlen(dir);

		if (dir[0] == '/')
			cwd[0] = '\0';
		else if (!getcwd(cwd, sizeof(cwd)))
			return;
		cl = strlen(cwd);
		if (cl + dl + 2 > sizeof(given))
			return;
		memcpy(given, cwd, cl);
		given[cl] = '/';
		memcpy(given + cl + 1, dir, dl + 1);
		normalize(given);
		if (strlen(given) < PATH_MAX && strcmp(given, abs)) {
			crash_dir_alias = strdup(given);
			crash_dir_alias_len =
				crash_dir_alias ? strlen(given) : 0;
		}
	}
}

static void point(enum point p)
{
	if (points_on & (1u << p))
		ORDEAL_CRASHPOINT(point_names[p]);
}

/* ---- paths ---- */

/* Lexically normalise an absolute path in place ("." "..", "//"). */
static void normalize(char *path)
{
	char *out = path, *in = path;

	while (*in) {
		char *start;
		size_t n;

		while (*in == '/')
			in++;
		start = in;
		while (*in && *in != '/')
			in++;
		n = (size_t)(in - start);
		if (!n || (n == 1 && start[0] == '.'))
			continue;
		if (n == 2 && start[0] == '.' && start[1] == '.') {
			while (out > path && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		memmove(out, start, n);
		out += n;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

static int fd_path(int fd, char *buf, size_t size)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, size - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* The absolute path `path` names relative to dirfd, into out[PATH_MAX]. */
static int resolve(int dirfd, const char *path, char *out)
{
	char base[PATH_MAX];

	if (!path || !*path)
		return -1;
	if (path[0] == '/') {
		base[0] = '\0';
	} else if (dirfd == AT_FDCWD) {
		if (!getcwd(base, sizeof(base)))
			return -1;
	} else {
		int have = 0;

		pl_lock();
		if (dirfd >= 0 && (size_t)dirfd < fds_alloc &&
		    fds[dirfd].used && fds[dirfd].path) {
			snprintf(base, sizeof(base), "%s", fds[dirfd].path);
			have = 1;
		}
		pl_unlock();
		if (!have && fd_path(dirfd, base, sizeof(base)) < 0)
			return -1;
	}
	{
		size_t bl = strlen(base), pl = strlen(path);

		if (bl + pl + 2 > PATH_MAX)
			return -1;
		memcpy(out, base, bl);
		out[bl] = '/';
		memcpy(out + bl + 1, path, pl + 1);
	}
	normalize(out);
	/* One spelling for the crash directory: its realpath. */
	if (crash_dir_alias &&
	    !strncmp(out, crash_dir_alias, crash_dir_alias_len) &&
	    (out[crash_dir_alias_len] == '/' || !out[crash_dir_alias_len])) {
		size_t rest = strlen(out + crash_dir_alias_len);

		if (crash_dir_len + rest + 1 > PATH_MAX)
			return -1;
		memmove(out + crash_dir_len, out + crash_dir_alias_len,
			rest + 1);
		memcpy(out, pl_crash_dir, crash_dir_len);
	}
	return 0;
}

/* Under the crash directory; `or_equal` also accepts the directory. */
static int under(const char *path, int or_equal)
{
	if (!pl_crash_dir || strncmp(path, pl_crash_dir, crash_dir_len))
		return 0;
	if (path[crash_dir_len] == '/')
		return path[crash_dir_len + 1] != '\0';
	return or_equal && path[crash_dir_len] == '\0';
}

static int mine(int dirfd, const char *path, char *abs, int or_equal)
{
	return pl_crash_dir && !pl_cutting() &&
	       resolve(dirfd, path, abs) == 0 && under(abs, or_equal);
}

static void parent_of(const char *path, char *out)
{
	const char *slash = strrchr(path, '/');

	snprintf(out, PATH_MAX, "%.*s",
		 slash && slash != path ? (int)(slash - path) : 1, path);
}

/* ---- the fd table ---- */

static void untrack_locked(int fd)
{
	if (fd < 0 || (size_t)fd >= fds_alloc || !fds[fd].used)
		return;
	free(fds[fd].path);
	memset(&fds[fd], 0, sizeof(fds[fd]));
}

static void track(int fd, const char *abs, int flags, int stdio)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return;
	pl_lock();
	if ((size_t)fd >= fds_alloc) {
		size_t n = fds_alloc ? fds_alloc : 64;
		void *p;

		while (n <= (size_t)fd)
			n *= 2;
		p = realloc(fds, n * sizeof(*fds));
		if (!p) {
			pl_unlock();
			return;
		}
		fds = p;
		memset(fds + fds_alloc, 0, (n - fds_alloc) * sizeof(*fds));
		fds_alloc = n;
	}
	untrack_locked(fd);
	fds[fd].path = strdup(abs);
	fds[fd].dev = st.st_dev;
	fds[fd].ino = st.st_ino;
	fds[fd].used = 1;
	fds[fd].is_dir = S_ISDIR(st.st_mode) ? 1 : 0;
	fds[fd].writable = (flags & O_ACCMODE) != O_RDONLY;
	fds[fd].sync = (flags & (O_SYNC | O_DSYNC)) ? 1 : 0;
	fds[fd].append = (flags & O_APPEND) ? 1 : 0;
	fds[fd].stdio = stdio ? 1 : 0;
	if (stdio && pl_enabled && fds[fd].writable)
		pl_save_whole_fd(fd, st.st_dev, st.st_ino);
	pl_unlock();
}

/* Copy the entry for fd (path not copied); 0 when fd is not tracked. */
static int lookup(int fd, struct fd_info *fi)
{
	int ok = 0;

	if (!pl_crash_dir || fd < 0 || pl_cutting())
		return 0;
	pl_lock();
	if ((size_t)fd < fds_alloc && fds[fd].used) {
		*fi = fds[fd];
		fi->path = NULL;
		ok = 1;
	}
	pl_unlock();
	return ok;
}

/* ---- opens ---- */

static void before_create(const char *abs, int flags, int *existed)
{
	struct stat st;
	char dir[PATH_MAX];

	*existed = stat(abs, &st) == 0;
	if (flags & O_CREAT)
		point(P_OPEN);
	if (!pl_enabled)
		return;
	pl_lock();
	if ((flags & O_CREAT) && !*existed) {
		parent_of(abs, dir);
		pl_dir_touch(dir);
	}
	if ((flags & O_TRUNC) && *existed && (flags & O_ACCMODE) != O_RDONLY)
		pl_save_whole_path(abs);
	pl_unlock();
}

static void after_create(int fd, const char *abs, int flags, int existed,
			 int stdio)
{
	struct stat st;

	if (fd < 0)
		return;
	track(fd, abs, flags, stdio);
	if (pl_enabled && (flags & O_CREAT) && !existed &&
	    fstat(fd, &st) == 0) {
		pl_lock();
		pl_created(st.st_dev, st.st_ino);
		pl_unlock();
	}
}

static int do_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	char abs[PATH_MAX];
	int existed = 1, fd, saved;

	preload_resolve();
	if (!mine(dirfd, path, abs, 1))
		return real_openat(dirfd, path, flags, mode);
	before_create(abs, flags, &existed);
	fd = real_openat(dirfd, path, flags, mode);
	saved = errno;
	after_create(fd, abs, flags, existed, 0);
	errno = saved;
	return fd;
}

static mode_t mode_arg(int flags, va_list ap)
{
	if (flags & (O_CREAT | __O_TMPFILE))
		return (mode_t)va_arg(ap, int);
	return 0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return do_openat(AT_FDCWD, path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return do_openat(AT_FDCWD, path, flags | O_LARGEFILE, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return do_openat(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return do_openat(dirfd, path, flags | O_LARGEFILE, mode);
}

/* _FORTIFY_SOURCE entry points (no O_CREAT allowed, so no mode). */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

int __open_2(const char *path, int flags)
{
	return do_openat(AT_FDCWD, path, flags, 0);
}

int __open64_2(const char *path, int flags)
{
	return do_openat(AT_FDCWD, path, flags | O_LARGEFILE, 0);
}

int __openat_2(int dirfd, const char *path, int flags)
{
	return do_openat(dirfd, path, flags, 0);
}

int __openat64_2(int dirfd, const char *path, int flags)
{
	return do_openat(dirfd, path, flags | O_LARGEFILE, 0);
}

int creat(const char *path, mode_t mode)
{
	return do_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

int creat64(const char *path, mode_t mode)
{
	return do_openat(AT_FDCWD, path,
			 O_CREAT | O_WRONLY | O_TRUNC | O_LARGEFILE, mode);
}

static FILE *do_fopen(const char *path, const char *mode)
{
	char abs[PATH_MAX];
	int flags = O_RDONLY, existed = 1, saved;
	FILE *f;

	preload_resolve();
	if (!mode || !mine(AT_FDCWD, path, abs, 0))
		return real_fopen(path, mode);
	if (mode[0] == 'w')
		flags = O_WRONLY | O_CREAT | O_TRUNC;
	else if (mode[0] == 'a')
		flags = O_WRONLY | O_CREAT | O_APPEND;
	if (strchr(mode, '+'))
		flags = (flags & ~O_ACCMODE) | O_RDWR;
	before_create(abs, flags, &existed);
	f = real_fopen(path, mode);
	saved = errno;
	if (f)
		after_create(fileno(f), abs, flags, existed, 1);
	errno = saved;
	return f;
}

FILE *fopen(const char *path, const char *mode)
{
	return do_fopen(path, mode);
}

FILE *fopen64(const char *path, const char *mode)
{
	return do_fopen(path, mode);
}

/* ---- writes ---- */

static void before_write(int fd, const struct fd_info *fi, off_t off,
			 size_t len, enum point p)
{
	point(p);
	if (!pl_enabled)
		return;
	pl_lock();
	if (fi->append)
		off = (off_t)-2;
	pl_before_write(fd, fi->dev, fi->ino, off, len);
	pl_unlock();
}

static void after_write(const struct fd_info *fi, ssize_t r)
{
	if (r > 0 && fi->sync && pl_enabled) {
		pl_lock();
		pl_file_synced(fi->dev, fi->ino);
		pl_unlock();
	}
}

static size_t iov_len(const struct iovec *iov, int n)
{
	size_t len = 0;
	int i;

	for (i = 0; i < n; i++)
		len += iov[i].iov_len;
	return len;
}

ssize_t write(int fd, const void *buf, size_t n)
{
	struct fd_info fi;
	ssize_t r;

	preload_resolve();
	if (!lookup(fd, &fi) || fi.is_dir)
		return real.write(fd, buf, n);
	before_write(fd, &fi, -1, n, P_WRITE);
	r = real.write(fd, buf, n);
	after_write(&fi, r);
	return r;
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	struct fd_info fi;
	ssize_t r;

	preload_resolve();
	if (!lookup(fd, &fi) || fi.is_dir)
		return real_writev(fd, iov, cnt);
	before_write(fd, &fi, -1, iov_len(iov, cnt), P_WRITE);
	r = real_writev(fd, iov, cnt);
	after_write(&fi, r);
	return r;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	struct fd_info fi;
	ssize_t r;

	preload_resolve();
	if (!lookup(fd, &fi) || fi.is_dir)
		return real.pwrite(fd, buf, n, off);
	fi.append = 0;
	before_write(fd, &fi, off, n, P_PWRITE);
	r = real.pwrite(fd, buf, n, off);
	after_write(&fi, r);
	return r;
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	return pwrite(fd, buf, n, off);
}

ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	struct fd_info fi;
	ssize_t r;

	preload_resolve();
	if (!lookup(fd, &fi) || fi.is_dir)
		return real_pwritev(fd, iov, cnt, off);
	fi.append = 0;
	before_write(fd, &fi, off, iov_len(iov, cnt), P_PWRITE);
	r = real_pwritev(fd, iov, cnt, off);
	after_write(&fi, r);
	return r;
}

ssize_t pwritev64(int fd, const struct iovec *iov, int cnt, off_t off)
{
	return pwritev(fd, iov, cnt, off);
}

ssize_t pwritev2(int fd, const struct iovec *iov, int cnt, off_t off, int flags)
{
	struct fd_info fi;
	ssize_t r;

	preload_resolve();
	if (!lookup(fd, &fi) || fi.is_dir)
		return real_pwritev2(fd, iov, cnt, off, flags);
	if (off != -1)
		fi.append = 0;
	before_write(fd, &fi, off, iov_len(iov, cnt), P_PWRITE);
	r = real_pwritev2(fd, iov, cnt, off, flags);
	after_write(&fi, r);
	return r;
}

ssize_t pwritev64v2(int fd, const struct iovec *iov, int cnt, off_t off,
		    int flags);
ssize_t pwritev64v2(int fd, const struct iovec *iov, int cnt, off_t off,
		    int flags)
{
	return pwritev2(fd, iov, cnt, off, flags);
}

int ftruncate(int fd, off_t len)
{
	struct fd_info fi;
	struct stat st;

	preload_resolve();
	if (!lookup(fd, &fi) || fi.is_dir)
		return real.ftruncate(fd, len);
	point(P_FTRUNCATE);
	if (pl_enabled && fstat(fd, &st) == 0) {
		pl_lock();
		pl_before_write(fd, fi.dev, fi.ino, len,
				st.st_size > len ? (size_t)(st.st_size - len)
						 : 0);
		pl_unlock();
	}
	return real.ftruncate(fd, len);
}

int ftruncate64(int fd, off_t len)
{
	return ftruncate(fd, len);
}

int truncate(const char *path, off_t len)
{
	char abs[PATH_MAX];

	preload_resolve();
	if (!mine(AT_FDCWD, path, abs, 0))
		return real_truncate(path, len);
	point(P_FTRUNCATE);
	if (pl_enabled) {
		pl_lock();
		pl_save_whole_path(abs);
		pl_unlock();
	}
	return real_truncate(path, len);
}

int truncate64(const char *path, off_t len)
{
	return truncate(path, len);
}

/* ---- syncs ---- */

static int do_sync(int fd, enum point p)
{
	struct fd_info fi;
	char path[PATH_MAX];
	int r, saved;

	preload_resolve();
	if (!lookup(fd, &fi) && pl_crash_dir) {
		/* An fd opened inside libc (opendir's): look it up once. */
		if (fd_path(fd, path, sizeof(path)) == 0 && under(path, 1)) {
			track(fd, path, O_RDONLY, 0);
			if (!lookup(fd, &fi))
				return p == P_FSYNC ? real.fsync(fd)
						    : real_fdatasync(fd);
		} else {
			return p == P_FSYNC ? real.fsync(fd)
					    : real_fdatasync(fd);
		}
	} else if (!pl_crash_dir) {
		return p == P_FSYNC ? real.fsync(fd) : real_fdatasync(fd);
	}
	point(p);
	r = p == P_FSYNC ? real.fsync(fd) : real_fdatasync(fd);
	saved = errno;
	if (r == 0 && pl_enabled) {
		pl_lock();
		if (fi.is_dir) {
			if ((size_t)fd < fds_alloc && fds[fd].path)
				pl_dir_synced(fds[fd].path);
		} else {
			pl_file_synced(fi.dev, fi.ino);
			if (fi.stdio && fi.writable)
				pl_save_whole_fd(fd, fi.dev, fi.ino);
		}
		pl_unlock();
	}
	errno = saved;
	return r;
}

int fsync(int fd)
{
	return do_sync(fd, P_FSYNC);
}

int fdatasync(int fd)
{
	return do_sync(fd, P_FDATASYNC);
}

void sync(void)
{
	preload_resolve();
	real_sync();
	if (pl_enabled) {
		pl_lock();
		pl_all_synced();
		pl_unlock();
	}
}

int syncfs(int fd)
{
	int r;

	preload_resolve();
	r = real_syncfs(fd);
	if (r == 0 && pl_enabled) {
		pl_lock();
		pl_all_synced();
		pl_unlock();
	}
	return r;
}

/* ---- names ---- */

int renameat2(int olddirfd, const char *oldpath, int newdirfd,
	      const char *newpath, unsigned flags)
{
	char a[PATH_MAX], b[PATH_MAX], dir[PATH_MAX];
	int in_a, in_b;

	preload_resolve();
	in_a = mine(olddirfd, oldpath, a, 0);
	in_b = mine(newdirfd, newpath, b, 0);
	if (!in_a && !in_b)
		return real_renameat2(olddirfd, oldpath, newdirfd, newpath,
				      flags);
	point(P_RENAME);
	if (pl_enabled) {
		pl_lock();
		if (in_a) {
			parent_of(a, dir);
			pl_dir_touch(dir);
		}
		if (in_b) {
			parent_of(b, dir);
			pl_dir_touch(dir);
			pl_before_unlink(b);
		}
		pl_unlock();
	}
	return real_renameat2(olddirfd, oldpath, newdirfd, newpath, flags);
}

int renameat(int olddirfd, const char *oldpath, int newdirfd,
	     const char *newpath)
{
	return renameat2(olddirfd, oldpath, newdirfd, newpath, 0);
}

int rename(const char *oldpath, const char *newpath)
{
	return renameat2(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

static void before_unlink(const char *abs)
{
	char dir[PATH_MAX];

	point(P_UNLINK);
	if (!pl_enabled)
		return;
	pl_lock();
	parent_of(abs, dir);
	pl_dir_touch(dir);
	pl_before_unlink(abs);
	pl_unlock();
}

int unlinkat(int dirfd, const char *path, int flags)
{
	char abs[PATH_MAX];

	preload_resolve();
	if (!(flags & AT_REMOVEDIR) && mine(dirfd, path, abs, 0))
		before_unlink(abs);
	return real_unlinkat(dirfd, path, flags);
}

int unlink(const char *path)
{
	return unlinkat(AT_FDCWD, path, 0);
}

int remove(const char *path)
{
	char abs[PATH_MAX];
	struct stat st;

	preload_resolve();
	if (mine(AT_FDCWD, path, abs, 0) && lstat(abs, &st) == 0 &&
	    !S_ISDIR(st.st_mode))
		before_unlink(abs);
	return real_remove(path);
}

/* ---- closes and dups ---- */

static void before_close(int fd)
{
	struct fd_info fi;

	if (!lookup(fd, &fi))
		return;
	if (fi.writable && !fi.is_dir)
		point(P_CLOSE);
	pl_lock();
	untrack_locked(fd);
	pl_unlock();
}

int close(int fd)
{
	preload_resolve();
	before_close(fd);
	return real.close(fd);
}

int fclose(FILE *f)
{
	preload_resolve();
	if (f)
		before_close(fileno(f));
	return real_fclose(f);
}

static void copy_fd(int oldfd, int newfd)
{
	struct fd_info fi;
	char path[PATH_MAX];
	int have = 0;

	if (newfd < 0 || !pl_crash_dir)
		return;
	pl_lock();
	untrack_locked(newfd);
	if (oldfd >= 0 && (size_t)oldfd < fds_alloc && fds[oldfd].used) {
		fi = fds[oldfd];
		snprintf(path, sizeof(path), "%s", fi.path);
		have = 1;
	}
	pl_unlock();
	if (have)
		track(newfd, path,
		      (fi.writable ? O_RDWR : O_RDONLY) |
			      (fi.sync ? O_SYNC : 0) |
			      (fi.append ? O_APPEND : 0),
		      0);
}

int dup(int fd)
{
	int r;

	preload_resolve();
	r = real_dup(fd);
	if (r >= 0)
		copy_fd(fd, r);
	return r;
}

int dup2(int fd, int fd2)
{
	int r;

	preload_resolve();
	r = real_dup2(fd, fd2);
	if (r >= 0 && fd != fd2)
		copy_fd(fd, r);
	return r;
}

int dup3(int fd, int fd2, int flags)
{
	int r;

	preload_resolve();
	r = real_dup3(fd, fd2, flags);
	if (r >= 0)
		copy_fd(fd, r);
	return r;
}

#endif /* __linux__ */
