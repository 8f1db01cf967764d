/*
 * powerloss.c - the power-loss model of libordeal-preload.so: undo records
 * for file contents written since their last sync, saved listings of
 * directories changed since their last sync, and the cut that reverts
 * both (see preload.h for the model).
 *
 * Everything lives in this process's memory; the cut runs just before the
 * process kills itself, so it uses the real libc calls and ignores errors
 * (there is nobody left to tell).
 */
/* glibc interposition: Linux only (an empty library elsewhere). */
#if defined(__linux__)

#include "preload.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct undo {
	off_t off;
	char *data;
	size_t len;
};

struct pl_inode {
	dev_t dev;
	ino_t ino;
	off_t durable_size;
	struct undo *undo;
	size_t undo_nr, undo_alloc;
};

struct pl_entry {
	char *name;
	dev_t dev;
	ino_t ino;
	/* set when the inode died (unlinked or replaced) before the cut */
	char *data;
	size_t len;
	int has_data;
};

struct pl_dir {
	char *path;
	struct pl_entry *ents;
	size_t nr, alloc;
};

static struct pl_inode *inodes;
static size_t inodes_nr, inodes_alloc;
static struct pl_dir *dirs;
static size_t dirs_nr, dirs_alloc;

/* Allocation failures cannot be reported from inside a user program:
 * the model then simply loses that record. */
static int grow(void **p, size_t *alloc, size_t need, size_t size)
{
	size_t n;
	void *q;

	if (need <= *alloc)
		return 0;
	n = *alloc ? *alloc * 2 : 16;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * size);
	if (!q)
		return -1;
	*p = q;
	*alloc = n;
	return 0;
}

static struct pl_inode *inode_find(dev_t dev, ino_t ino)
{
	size_t i;

	for (i = 0; i < inodes_nr; i++)
		if (inodes[i].dev == dev && inodes[i].ino == ino)
			return &inodes[i];
	return NULL;
}

static void inode_free(struct pl_inode *pi)
{
	size_t i;

	for (i = 0; i < pi->undo_nr; i++)
		free(pi->undo[i].data);
	free(pi->undo);
}

static void inode_drop(struct pl_inode *pi)
{
	inode_free(pi);
	*pi = inodes[--inodes_nr];
}

/* The record of an inode, started with its current size as durable. */
static struct pl_inode *inode_begin(dev_t dev, ino_t ino, off_t size)
{
	struct pl_inode *pi = inode_find(dev, ino);

	if (pi)
		return pi;
	if (grow((void **)&inodes, &inodes_alloc, inodes_nr + 1,
		 sizeof(*inodes)))
		return NULL;
	pi = &inodes[inodes_nr++];
	memset(pi, 0, sizeof(*pi));
	pi->dev = dev;
	pi->ino = ino;
	pi->durable_size = size;
	return pi;
}

static char *read_range(int fd, off_t off, size_t len, size_t *got)
{
	char *buf = malloc(len ? len : 1);
	size_t done = 0;

	if (!buf)
		return NULL;
	while (done < len) {
		ssize_t n = real.pread(fd, buf + done, len - done,
				       off + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	*got = done;
	return buf;
}

/*
 * A descriptor we can read the file through: the program's own, or, when
 * it is write-only, the same open file reopened for reading (through
 * /proc, so it works after a rename or unlink too).  *opened says whether
 * the caller must close it.
 */
static int readable_fd(int fd, int *opened)
{
	char path[64];
	int fl = fcntl(fd, F_GETFL);

	*opened = 0;
	if (fl >= 0 && (fl & O_ACCMODE) != O_WRONLY)
		return fd;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	fd = real.open(path, O_RDONLY | O_CLOEXEC);
	*opened = fd >= 0;
	return fd;
}

static void undo_push(struct pl_inode *pi, int fd, off_t off, size_t len)
{
	struct stat st;
	struct undo *u;
	size_t got;
	int rfd, opened;

	if (fstat(fd, &st) < 0 || off >= st.st_size)
		return; /* nothing old to save: the size revert covers it */
	if ((off_t)len > st.st_size - off)
		len = (size_t)(st.st_size - off);
	if (grow((void **)&pi->undo, &pi->undo_alloc, pi->undo_nr + 1,
		 sizeof(*pi->undo)))
		return;
	rfd = readable_fd(fd, &opened);
	if (rfd < 0)
		return;
	u = &pi->undo[pi->undo_nr];
	u->data = read_range(rfd, off, len, &got);
	if (opened)
		real.close(rfd);
	if (!u->data)
		return;
	u->off = off;
	u->len = got;
	pi->undo_nr++;
}

void pl_before_write(int fd, dev_t dev, ino_t ino, off_t off, size_t len)
{
	struct stat st;
	struct pl_inode *pi = inode_find(dev, ino);

	if (!pi) {
		if (fstat(fd, &st) < 0)
			return;
		pi = inode_begin(dev, ino, st.st_size);
		if (!pi)
			return;
	}
	if (off == (off_t)-2)
		return; /* O_APPEND: nothing old is overwritten */
	if (off < 0) {
		off = lseek(fd, 0, SEEK_CUR);
		if (off < 0)
			return;
	}
	undo_push(pi, fd, off, len);
}

void pl_save_whole_fd(int fd, dev_t dev, ino_t ino)
{
	struct stat st;
	struct pl_inode *pi;

	if (fstat(fd, &st) < 0)
		return;
	pi = inode_begin(dev, ino, st.st_size);
	if (pi)
		undo_push(pi, fd, 0, (size_t)st.st_size);
}

void pl_save_whole_path(const char *path)
{
	struct stat st;
	int fd;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	fd = real.open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	pl_save_whole_fd(fd, st.st_dev, st.st_ino);
	real.close(fd);
}

void pl_created(dev_t dev, ino_t ino)
{
	struct pl_inode *pi = inode_find(dev, ino);

	/* A reused inode number: the old record described a dead file. */
	if (pi)
		inode_drop(pi);
	inode_begin(dev, ino, 0);
}

void pl_file_synced(dev_t dev, ino_t ino)
{
	struct pl_inode *pi = inode_find(dev, ino);

	if (pi)
		inode_drop(pi);
}

static struct pl_dir *dir_find(const char *path)
{
	size_t i;

	for (i = 0; i < dirs_nr; i++)
		if (!strcmp(dirs[i].path, path))
			return &dirs[i];
	return NULL;
}

static void dir_free(struct pl_dir *d)
{
	size_t i;

	for (i = 0; i < d->nr; i++) {
		free(d->ents[i].name);
		free(d->ents[i].data);
	}
	free(d->ents);
	free(d->path);
}

void pl_dir_touch(const char *path)
{
	struct pl_dir *d;
	DIR *dh;
	struct dirent *de;

	if (dir_find(path))
		return;
	if (grow((void **)&dirs, &dirs_alloc, dirs_nr + 1, sizeof(*dirs)))
		return;
	d = &dirs[dirs_nr];
	memset(d, 0, sizeof(*d));
	d->path = strdup(path);
	if (!d->path)
		return;
	dh = opendir(path);
	if (!dh) {
		free(d->path);
		return;
	}
	while ((de = readdir(dh))) {
		char full[PATH_MAX];
		struct stat st;
		struct pl_entry *e;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
		if (lstat(full, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (grow((void **)&d->ents, &d->alloc, d->nr + 1,
			 sizeof(*d->ents)))
			break;
		e = &d->ents[d->nr];
		memset(e, 0, sizeof(*e));
		e->name = strdup(de->d_name);
		if (!e->name)
			break;
		e->dev = st.st_dev;
		e->ino = st.st_ino;
		d->nr++;
	}
	closedir(dh);
	dirs_nr++;
}

void pl_dir_synced(const char *path)
{
	struct pl_dir *d = dir_find(path);

	if (!d)
		return;
	dir_free(d);
	*d = dirs[--dirs_nr];
}

void pl_all_synced(void)
{
	while (inodes_nr)
		inode_drop(&inodes[0]);
	while (dirs_nr) {
		dir_free(&dirs[dirs_nr - 1]);
		dirs_nr--;
	}
}

/* The durable content of the file open at fd, into *data (malloc). */
static int durable_content(int fd, const struct pl_inode *pi, char **data,
			   size_t *len)
{
	struct stat st;
	size_t i, size, got;
	char *buf, *cur;

	if (fstat(fd, &st) < 0)
		return -1;
	size = (size_t)st.st_size;
	for (i = 0; i < (pi ? pi->undo_nr : 0); i++)
		if ((size_t)pi->undo[i].off + pi->undo[i].len > size)
			size = (size_t)pi->undo[i].off + pi->undo[i].len;
	buf = calloc(1, size ? size : 1);
	if (!buf)
		return -1;
	cur = read_range(fd, 0, (size_t)st.st_size, &got);
	if (!cur) {
		free(buf);
		return -1;
	}
	memcpy(buf, cur, got);
	free(cur);
	for (i = pi ? pi->undo_nr : 0; i-- > 0;)
		memcpy(buf + pi->undo[i].off, pi->undo[i].data,
		       pi->undo[i].len);
	*data = buf;
	*len = pi && (size_t)pi->durable_size < size ? (size_t)pi->durable_size
						     : size;
	return 0;
}

void pl_before_unlink(const char *path)
{
	struct stat st;
	struct pl_inode *pi;
	struct pl_dir *d;
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t i;
	int fd;

	if (!slash || lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	d = dir_find(dir);
	pi = inode_find(st.st_dev, st.st_ino);
	if (st.st_nlink > 1)
		return; /* the inode lives on under another name */
	for (i = 0; d && i < d->nr; i++) {
		struct pl_entry *e = &d->ents[i];

		if (strcmp(e->name, slash + 1) || e->dev != st.st_dev ||
		    e->ino != st.st_ino || e->has_data)
			continue;
		fd = real.open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			break;
		if (!durable_content(fd, pi, &e->data, &e->len))
			e->has_data = 1;
		real.close(fd);
	}
	if (pi)
		inode_drop(pi);
}

/* ---- the cut ---- */

struct located {
	dev_t dev;
	ino_t ino;
	char *path;
};

static struct located *found;
static size_t found_nr, found_alloc;

static void scan(const char *path, int depth)
{
	DIR *dh = opendir(path);
	struct dirent *de;

	if (!dh)
		return;
	while ((de = readdir(dh))) {
		char full[PATH_MAX];
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
		if (lstat(full, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < 32) {
			scan(full, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			if (grow((void **)&found, &found_alloc, found_nr + 1,
				 sizeof(*found)))
				break;
			found[found_nr].dev = st.st_dev;
			found[found_nr].ino = st.st_ino;
			found[found_nr].path = strdup(full);
			if (found[found_nr].path)
				found_nr++;
		}
	}
	closedir(dh);
}

static const char *locate(dev_t dev, ino_t ino)
{
	size_t i;

	for (i = 0; i < found_nr; i++)
		if (found[i].dev == dev && found[i].ino == ino)
			return found[i].path;
	return NULL;
}

static void write_all(int fd, const char *buf, size_t len, off_t off)
{
	while (len) {
		ssize_t n = real.pwrite(fd, buf, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
		off += n;
	}
}

static void revert_file(const struct pl_inode *pi, const char *path)
{
	int fd = real.open(path, O_WRONLY | O_CLOEXEC);
	size_t i;

	if (fd < 0)
		return;
	for (i = pi->undo_nr; i-- > 0;)
		write_all(fd, pi->undo[i].data, pi->undo[i].len,
			  pi->undo[i].off);
	real.ftruncate(fd, pi->durable_size);
	real.close(fd);
}

static void revert_dir(struct pl_dir *d)
{
	size_t i;

	/* 1. the durable content of every name, read before any change */
	for (i = 0; i < d->nr; i++) {
		struct pl_entry *e = &d->ents[i];
		const char *where;
		int fd;

		if (e->has_data)
			continue;
		where = locate(e->dev, e->ino);
		if (!where)
			continue;
		fd = real.open(where, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!durable_content(fd, NULL, &e->data, &e->len))
			e->has_data = 1;
		real.close(fd);
	}
	/* 2. the listing as it was at the last sync of the directory */
	{
		DIR *dh = opendir(d->path);
		struct dirent *de;

		while (dh && (de = readdir(dh))) {
			char full[PATH_MAX];
			struct stat st;

			snprintf(full, sizeof(full), "%s/%s", d->path,
				 de->d_name);
			if (lstat(full, &st) == 0 && S_ISREG(st.st_mode))
				real.unlink(full);
		}
		if (dh)
			closedir(dh);
	}
	for (i = 0; i < d->nr; i++) {
		struct pl_entry *e = &d->ents[i];
		char full[PATH_MAX];
		int fd;

		if (!e->has_data)
			continue;
		snprintf(full, sizeof(full), "%s/%s", d->path, e->name);
		fd = real.open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			       0644);
		if (fd < 0)
			continue;
		write_all(fd, e->data, e->len, 0);
		real.close(fd);
	}
}

/* Set in the thread making the cut; see pl_cutting(). */
static __thread int cutting;

int pl_cutting(void)
{
	return cutting;
}

void ordeal_preload_power_cut(void)
{
	size_t i;

	if (!pl_enabled || !pl_crash_dir)
		return;
	pl_lock();
	cutting = 1;
	scan(pl_crash_dir, 0);
	/* Contents first, in place, so the listings below read durable
	 * content from wherever each inode lives now. */
	for (i = 0; i < inodes_nr; i++) {
		const char *where = locate(inodes[i].dev, inodes[i].ino);

		if (where)
			revert_file(&inodes[i], where);
	}
	for (i = 0; i < dirs_nr; i++)
		revert_dir(&dirs[i]);
	/*
	 * The process dies right after.  The lock stays held so that no
	 * other thread writes anything after the cut; this thread's own
	 * status line bypasses the fd table (pl_cutting()).
	 */
}

#endif /* __linux__ */
