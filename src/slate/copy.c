/*
 * slate/copy.c - the "copy:DIR" and "reflink:DIR" slates: each run gets
 * its own copy of DIR at <run dir>/slate.  reflink shares file data with
 * FICLONE (O(files)); copy copies bytes (O(bytes)) and works anywhere.
 */
#include "common.h"
#include "slate/backend.h"
#include "os.h"
#include "path.h"
#include "strbuf.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy_open(struct slate *s, struct strbuf *why)
{
	return slate_check_dir(s->source, "the slate directory", why) ? 0 : -1;
}

/* Find a non-empty regular file under `dir` (depth-first, bounded). */
static char *find_regular_file(const char *dir, int depth)
{
	DIR *d;
	struct dirent *e;
	char *found = NULL;

	if (depth > 8 || !(d = opendir(dir)))
		return NULL;
	while (!found && (e = readdir(d))) {
		struct stat st;
		char *p;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = path_join(dir, e->d_name);
		if (!lstat(p, &st) && S_ISREG(st.st_mode) && st.st_size)
			found = p;
		else if (!lstat(p, &st) && S_ISDIR(st.st_mode)) {
			found = find_regular_file(p, depth + 1);
			free(p);
		} else
			free(p);
	}
	closedir(d);
	return found;
}

/*
 * Try FICLONE from a file of DIR (or a scratch file when DIR holds none)
 * into the working area: the one way to know reflink works for this pair.
 */
static int reflink_open(struct slate *s, struct strbuf *why)
{
	char *src, *probe = path_join(s->work, ".reflink-probe");
	char *scratch = NULL;
	int sfd = -1, dfd = -1, ret = -1, err = 0;

	if (!slate_check_dir(s->source, "the slate directory", why)) {
		free(probe);
		return -1;
	}
	src = find_regular_file(s->source, 0);
	if (!src) {
		scratch = path_join(s->work, ".reflink-src");
		sfd = open(scratch, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
			   0600);
		if (sfd >= 0 && write_in_full(sfd, "probe\n", 6) < 0)
			err = errno;
	} else {
		sfd = open(src, O_RDONLY | O_CLOEXEC);
	}
	if (sfd < 0 || err) {
		strbuf_addf(why, "cannot probe reflink support: %s",
			    strerror(err ? err : errno));
		goto out;
	}
	dfd = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (dfd < 0) {
		strbuf_addf(why, "cannot create '%s': %s", probe,
			    strerror(errno));
		goto out;
	}
	if (os_reflink_fd(dfd, sfd) < 0) {
		const char *fs = os_fs_type(s->work);

		if (errno == EXDEV)
			strbuf_addf(why,
				    "cannot reflink from '%s' into '%s': "
				    "they are on different filesystems; give "
				    "--workdir on the filesystem of '%s'",
				    s->source, s->work, s->source);
		else
			strbuf_addf(why,
				    "cannot reflink '%s' into '%s': "
				    "%s; this filesystem (%s) cannot share "
				    "file data: use btrfs or XFS with "
				    "reflink, or --slate copy:%s or "
				    "overlay:%s",
				    s->source, s->work, strerror(errno),
				    fs ? fs : "unknown", s->source, s->source);
		goto out;
	}
	ret = 0;
out:
	if (sfd >= 0)
		close(sfd);
	if (dfd >= 0)
		close(dfd);
	unlink(probe);
	if (scratch)
		unlink(scratch);
	free(scratch);
	free(probe);
	free(src);
	return ret;
}

static int tree_create(struct slate *s, struct slate_run *r, bool reflink)
{
	struct strbuf why = STRBUF_INIT;

	r->root = path_join(r->dir, "slate");
	if (slate_copy_tree(s->source, r->root, reflink, &why) < 0) {
		int err = errno;

		if (err == ENOSPC || err == EDQUOT)
			error("%s (the working area '%s' is full)", why.buf,
			      s->work);
		else
			error("%s", why.buf);
		strbuf_release(&why);
		errno = err;
		return -1;
	}
	return 0;
}

static int copy_create(struct slate *s, struct slate_run *r)
{
	return tree_create(s, r, false);
}

static int reflink_create(struct slate *s, struct slate_run *r)
{
	return tree_create(s, r, true);
}

static int copy_destroy(struct slate *s UNUSED, struct slate_run *r UNUSED)
{
	return 0; /* slate_run_discard removes r->dir with the copy in it */
}

const struct slate_ops slate_copy_ops = {
	.name = "copy",
	.open = copy_open,
	.create = copy_create,
	.destroy = copy_destroy,
};

const struct slate_ops slate_reflink_ops = {
	.name = "reflink",
	.open = reflink_open,
	.create = reflink_create,
	.destroy = copy_destroy,
};
