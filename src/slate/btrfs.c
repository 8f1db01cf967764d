/*
 * slate/btrfs.c - the "btrfs:SUBVOL" slate: each run gets a writable
 * snapshot of the subvolume (`btrfs subvolume snapshot`, O(1)) at
 * <run dir>/slate, deleted with `btrfs subvolume delete` after a pass.
 * The working area must be on the same btrfs filesystem (by default it is
 * made next to SUBVOL).
 */
#include "common.h"
#include "slate/backend.h"
#include "clock.h"
#include "os.h"
#include "path.h"
#include "strbuf.h"

#include <sys/stat.h>
#include <unistd.h>

/* A btrfs subvolume's root directory always has inode 256. */
#define BTRFS_FIRST_FREE_OBJECTID 256

static int snapshot(const char *src, const char *dst, struct strbuf *out)
{
	const char *argv[] = {"btrfs", "subvolume", "snapshot", src, dst, NULL};

	return slate_exec(out, argv);
}

static int delete_subvolume(const char *path, struct strbuf *out)
{
	const char *argv[] = {"btrfs", "subvolume", "delete", path, NULL};

	return slate_exec(out, argv);
}

static int btrfs_open(struct slate *s, struct strbuf *why)
{
	struct strbuf out = STRBUF_INIT;
	const char *fs;
	struct stat st;
	char *probe;
	int rc;

	if (!slate_check_dir(s->source, "the subvolume", why))
		return -1;
	fs = os_fs_type(s->source);
	if (!fs || strcmp(fs, "btrfs")) {
		strbuf_addf(why,
			    "'%s' is not on btrfs (it is on %s): use "
			    "--slate overlay:%s, copy:%s or auto:%s",
			    s->source, fs ? fs : "an unknown filesystem",
			    s->source, s->source, s->source);
		return -1;
	}
	if (stat(s->source, &st) < 0 ||
	    st.st_ino != BTRFS_FIRST_FREE_OBJECTID) {
		strbuf_addf(why,
			    "'%s' is a directory on btrfs but not a "
			    "subvolume: make it one with 'btrfs subvolume "
			    "create', or use --slate auto:%s",
			    s->source, s->source);
		return -1;
	}
	/* One probe snapshot proves the tool, the rights and that the
	 * working area is on the same filesystem. */
	probe = path_join(s->work, ".btrfs-probe");
	rc = snapshot(s->source, probe, &out);
	if (rc < 0) {
		strbuf_addf(why, "cannot run 'btrfs': %s; install btrfs-progs",
			    strerror(errno));
	} else if (rc) {
		strbuf_rtrim(&out);
		strbuf_addf(why,
			    "cannot snapshot '%s' into the working area "
			    "'%s': %s (it must be on the same btrfs "
			    "filesystem: see --workdir)",
			    s->source, s->work, out.buf);
	} else {
		strbuf_reset(&out);
		delete_subvolume(probe, &out);
	}
	free(probe);
	strbuf_release(&out);
	return rc ? -1 : 0;
}

static int btrfs_create(struct slate *s, struct slate_run *r)
{
	struct strbuf out = STRBUF_INIT;
	int rc;

	r->root = path_join(r->dir, "slate");
	rc = snapshot(s->source, r->root, &out);
	if (rc) {
		strbuf_rtrim(&out);
		if (rc < 0)
			error_errno("cannot run 'btrfs'");
		else
			error("cannot snapshot '%s': %s", s->source, out.buf);
		free(r->root);
		r->root = NULL;
	}
	strbuf_release(&out);
	return rc ? -1 : 0;
}

static int btrfs_destroy(struct slate *s UNUSED, struct slate_run *r)
{
	struct strbuf out = STRBUF_INIT;
	int rc = -1;

	for (int i = 0; i < 50 && rc; i++) {
		strbuf_reset(&out);
		rc = delete_subvolume(r->root, &out);
		if (rc && !strstr(out.buf, "busy"))
			break;
		if (rc)
			clock_sleep_ns(100 * NS_PER_MS, NULL);
	}
	if (rc) {
		struct strbuf holders = STRBUF_INIT;

		strbuf_rtrim(&out);
		if (slate_describe_holders(&holders, r->root))
			error("cannot delete subvolume '%s' (retried for 5s): "
			      "%s; held by %s; it is left in place",
			      r->root, out.buf, holders.buf);
		else
			error("cannot delete subvolume '%s': %s", r->root,
			      out.buf);
		strbuf_release(&holders);
	}
	strbuf_release(&out);
	return rc ? -1 : 0;
}

const struct slate_ops slate_btrfs_ops = {
	.name = "btrfs",
	.open = btrfs_open,
	.create = btrfs_create,
	.destroy = btrfs_destroy,
};
