/*
 * path.c - path manipulation and recursive file-tree operations.
 */
#include "path.h"
#include "strbuf.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

char *path_join(const char *a, const char *b)
{
	size_t n = strlen(a);

	if (b[0] == '/' || !n)
		return xstrdup(b);
	if (a[n - 1] == '/')
		return xstrfmt("%s%s", a, b);
	return xstrfmt("%s/%s", a, b);
}

/* Whether the component that starts at `start` in `out` is "..". */
static bool last_is_dotdot(const struct strbuf *out, size_t start)
{
	const char *c = out->buf + start;

	if (*c == '/')
		c++;
	return !strcmp(c, "..");
}

char *path_normalize(const char *p)
{
	struct strbuf out = STRBUF_INIT;
	bool absolute = p[0] == '/';
	size_t *starts = NULL, nr = 0, alloc = 0;

	if (absolute)
		strbuf_addch(&out, '/');
	while (*p) {
		const char *end;
		size_t len;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchr(p, '/');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len == 1 && p[0] == '.') {
			/* skip */
		} else if (len == 2 && p[0] == '.' && p[1] == '.' &&
			   (absolute ||
			    (nr && !last_is_dotdot(&out, starts[nr - 1])))) {
			if (nr)
				strbuf_setlen(&out, starts[--nr]);
		} else {
			ALLOC_GROW(starts, nr + 1, alloc);
			starts[nr++] = out.len;
			if (out.len && out.buf[out.len - 1] != '/')
				strbuf_addch(&out, '/');
			strbuf_add(&out, p, len);
		}
		p += len;
	}
	/* A removed first component may leave "a" -> "" or "/x" -> "/". */
	if (out.len > 1 && out.buf[out.len - 1] == '/')
		strbuf_setlen(&out, out.len - 1);
	if (!out.len)
		strbuf_addch(&out, '.');
	else if (!absolute && out.buf[0] == '/')
		strbuf_splice(&out, 0, 1, NULL, 0);
	free(starts);
	return strbuf_detach(&out, NULL);
}

char *path_absolute(const char *p)
{
	char *cwd, *joined, *res;

	if (p[0] == '/')
		return path_normalize(p);
	cwd = getcwd(NULL, 0);
	if (!cwd)
		die_errno("cannot get the current directory");
	joined = path_join(cwd, p);
	res = path_normalize(joined);
	free(cwd);
	free(joined);
	return res;
}

bool path_is_inside(const char *p, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (strncmp(p, dir, n))
		return false;
	return p[n] == '\0' || p[n] == '/' || (n == 1 && dir[0] == '/');
}

const char *path_basename(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

int mkdir_p(const char *path, mode_t mode)
{
	char *buf;
	int ret = 0;

	if (!*path) {
		errno = ENOENT;
		return -1;
	}
	buf = xstrdup(path);
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || !*p) {
			char saved = *p;
			*p = '\0';
			if (mkdir(buf, mode) < 0 && errno != EEXIST) {
				ret = -1;
				break;
			}
			*p = saved;
			if (!saved)
				break;
		}
	}
	if (!ret) {
		struct stat st;
		if (stat(path, &st) < 0)
			ret = -1;
		else if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			ret = -1;
		}
	}
	free(buf);
	return ret;
}

/* Remove the contents of directory fd `dfd` (closed on return). */
static int remove_dir_contents(int dfd)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;
	int ret = 0;

	if (!d) {
		close(dfd);
		return -1;
	}
	while ((e = readdir(d))) {
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), e->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
						 O_CLOEXEC);
			if (sub < 0) {
				/* Unreadable: make it readable and retry. */
				fchmodat(dirfd(d), e->d_name, 0700, 0);
				sub = openat(dirfd(d), e->d_name,
					     O_RDONLY | O_DIRECTORY |
						     O_NOFOLLOW | O_CLOEXEC);
			}
			if (sub < 0 || remove_dir_contents(sub) < 0)
				ret = -1;
			if (unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR) < 0 &&
			    errno != ENOENT)
				ret = -1;
		} else if (unlinkat(dirfd(d), e->d_name, 0) < 0 &&
			   errno != ENOENT) {
			ret = -1;
		}
	}
	closedir(d);
	return ret;
}

int remove_recursive(const char *path)
{
	struct stat st;
	int fd;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && chmod(path, 0700) == 0)
		fd = open(path,
			  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (remove_dir_contents(fd) < 0) {
		int err = errno;
		rmdir(path);
		errno = err;
		return -1;
	}
	return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
}

int clear_directory(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	return remove_dir_contents(fd); /* closes fd */
}

static int copy_file(const char *src, const char *dst, const struct stat *st)
{
	char buf[65536];
	int in, out, ret = 0;
	ssize_t n;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		   st->st_mode & 07777);
	if (out < 0) {
		close_keep_errno(in);
		return -1;
	}
	while ((n = xread(in, buf, sizeof(buf))) > 0)
		if (write_in_full(out, buf, (size_t)n) < 0) {
			ret = -1;
			break;
		}
	if (n < 0)
		ret = -1;
	close_keep_errno(in);
	if (close(out) < 0)
		ret = -1;
	return ret;
}

int copy_recursive(const char *src, const char *dst)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int ret = 0;

	if (lstat(src, &st) < 0)
		return -1;
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlink(src, target, sizeof(target) - 1);
		if (n < 0)
			return -1;
		target[n] = '\0';
		return symlink(target, dst);
	}
	if (S_ISREG(st.st_mode))
		return copy_file(src, dst, &st);
	if (!S_ISDIR(st.st_mode))
		return 0; /* sockets, fifos, devices: not part of a tree copy */
	if (mkdir(dst, 0700) < 0 && errno != EEXIST)
		return -1;
	d = opendir(src);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char *s, *t;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		s = path_join(src, e->d_name);
		t = path_join(dst, e->d_name);
		if (copy_recursive(s, t) < 0)
			ret = -1;
		free(s);
		free(t);
	}
	closedir(d);
	if (chmod(dst, st.st_mode & 07777) < 0)
		ret = -1;
	return ret;
}

const char *temp_base(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/tmp";
}

char *make_temp_dir(const char *base, const char *prefix)
{
	char *tmpl = xstrfmt("%s/%sXXXXXX", base, prefix);

	if (!mkdtemp(tmpl)) {
		free(tmpl);
		return NULL;
	}
	return tmpl;
}

char *locate_in_path(const char *name, const char *path)
{
	if (!*name)
		return NULL;
	if (strchr(name, '/'))
		return access(name, X_OK) ? NULL : xstrdup(name);
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (1) {
		const char *end = strchr(path, ':');
		size_t len = end ? (size_t)(end - path) : strlen(path);
		char *cand = len ? xstrfmt("%.*s/%s", (int)len, path, name)
				 : xstrfmt("./%s", name);
		struct stat st;

		if (!stat(cand, &st) && S_ISREG(st.st_mode) &&
		    !access(cand, X_OK))
			return cand;
		free(cand);
		if (!end)
			return NULL;
		path = end + 1;
	}
}
