/*
 * slate/zfs.c - the "zfs:POOL/DS@SNAP" slate, as gocrash does it: a
 * working dataset <DS>/<prefix>-<unix ms> is created under the snapshot's
 * dataset; each run is a clone of the snapshot named
 * <working dataset>/thread-T-run-R (O(1)), mounted below the working
 * dataset's mountpoint, and destroyed after a pass.  Everything goes
 * through the zfs command, so it works with OpenZFS and zfs-fuse alike.
 */
#include "common.h"
#include "slate/backend.h"
#include "clock.h"
#include "path.h"
#include "strbuf.h"

#include <sys/stat.h>

static int zfs(struct strbuf *out, const char *a1, const char *a2,
	       const char *a3, const char *a4, const char *a5, const char *a6)
{
	const char *argv[] = {"zfs", a1, a2, a3, a4, a5, a6, NULL};

	return slate_exec(out, argv);
}

static void no_zfs_command(struct strbuf *why)
{
	strbuf_addf(why,
		    "cannot run the 'zfs' command: %s; install "
		    "zfsutils-linux (or zfs-fuse, and start 'zfs-fuse')",
		    strerror(errno));
}

/* Destroy `ds`, retrying while zfs says it is busy. */
static int destroy_dataset(const char *ds, const char *mountpoint,
			   bool recursive)
{
	struct strbuf out = STRBUF_INIT;
	int rc = -1;

	/* zfs-fuse answers "dataset is busy" right after a clone, and
	 * umount says "target is busy" while something holds the mount:
	 * both can pass, so retry for about five seconds. */
	for (int i = 0; i < 50 && rc; i++) {
		strbuf_reset(&out);
		rc = zfs(&out, "destroy", recursive ? "-r" : ds,
			 recursive ? ds : NULL, NULL, NULL, NULL);
		if (rc && !strstr(out.buf, "busy"))
			break;
		if (rc)
			clock_sleep_ns(100 * NS_PER_MS, NULL);
	}
	if (rc) {
		struct strbuf holders = STRBUF_INIT;

		strbuf_rtrim(&out);
		strbuf_replace_all(&out, "\n", "; ");
		if (rc < 0)
			error_errno("cannot run 'zfs destroy %s'", ds);
		else if (mountpoint &&
			 slate_describe_holders(&holders, mountpoint))
			error("cannot destroy '%s' (retried for 5s): %s; held "
			      "by %s; it is left in place: remove it with "
			      "'zfs destroy -r %s'",
			      ds, out.buf, holders.buf, ds);
		else
			error("cannot destroy '%s' (retried for 5s): %s; it "
			      "is left in place",
			      ds, out.buf);
		strbuf_release(&holders);
	}
	strbuf_release(&out);
	return rc ? -1 : 0;
}

static int zfs_open(struct slate *s, struct strbuf *why)
{
	struct strbuf out = STRBUF_INIT;
	const char *at = strchr(s->source, '@');
	char *ds = NULL, *mp;
	int rc, ret = -1;

	if (!at || at == s->source || !at[1] || strchr(at + 1, '@')) {
		strbuf_addf(why,
			    "'%s' is not a zfs snapshot: expected "
			    "POOL/DATASET@SNAPSHOT (make one with 'zfs "
			    "snapshot POOL/DATASET@NAME')",
			    s->source);
		return -1;
	}
	rc = zfs(&out, "list", "-H", "-o", "name", "-t", "snapshot");
	if (rc < 0) {
		no_zfs_command(why);
		return -1;
	}
	strbuf_reset(&out);
	rc = zfs(&out, "list", "-H", "-o", "name", s->source, NULL);
	if (rc) {
		strbuf_rtrim(&out);
		strbuf_addf(why,
			    "snapshot '%s' does not exist (zfs: %s); "
			    "make it with 'zfs snapshot %s'",
			    s->source, out.buf, s->source);
		goto out;
	}
	ds = xstrndup(s->source, (size_t)(at - s->source));
	s->work_dataset =
		xstrfmt("%s/%s-%lld", ds, s->prefix, (long long)s->created_ms);
	strbuf_reset(&out);
	rc = zfs(&out, "create", s->work_dataset, NULL, NULL, NULL, NULL);
	if (rc) {
		strbuf_rtrim(&out);
		strbuf_addf(why, "cannot create zfs dataset '%s': %s",
			    s->work_dataset, out.buf);
		free(s->work_dataset);
		s->work_dataset = NULL;
		goto out;
	}
	strbuf_reset(&out);
	rc = zfs(&out, "get", "-H", "-o", "value", "mountpoint,mounted",
		 s->work_dataset);
	mp = out.buf;
	if (!rc) {
		char *nl = strchr(mp, '\n');

		if (nl) {
			*nl = '\0';
			if (strncmp(nl + 1, "yes", 3))
				rc = 1;
		}
	}
	if (rc || mp[0] != '/') {
		strbuf_addf(why,
			    "zfs dataset '%s' is not mounted (mountpoint "
			    "'%s'): give '%s' a mountpoint",
			    s->work_dataset, mp, ds);
		destroy_dataset(s->work_dataset, NULL, false);
		free(s->work_dataset);
		s->work_dataset = NULL;
		goto out;
	}
	s->work = xstrdup(mp);
	ret = 0;
out:
	free(ds);
	strbuf_release(&out);
	return ret;
}

static int zfs_create(struct slate *s, struct slate_run *r)
{
	struct strbuf out = STRBUF_INIT;
	struct stat st;
	int rc;

	r->dataset = xstrfmt("%s/%s", s->work_dataset, r->name);
	r->dir = path_join(s->work, r->name);
	rc = zfs(&out, "clone", s->source, r->dataset, NULL, NULL, NULL);
	if (rc) {
		strbuf_rtrim(&out);
		if (rc < 0)
			error_errno("cannot run 'zfs clone'");
		else
			error("cannot clone '%s' as '%s': %s", s->source,
			      r->dataset, out.buf);
		/* A clone killed halfway (Ctrl-C) may exist all the same. */
		strbuf_reset(&out);
		if (rc > 0 &&
		    !zfs(&out, "list", "-H", "-o", "name", r->dataset, NULL))
			destroy_dataset(r->dataset, NULL, false);
		strbuf_release(&out);
		return -1;
	}
	strbuf_release(&out);
	if (stat(r->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		error("clone '%s' is not mounted at '%s'", r->dataset, r->dir);
		destroy_dataset(r->dataset, NULL, false);
		return -1;
	}
	r->root = xstrdup(r->dir);
	return 0;
}

static int zfs_destroy(struct slate *s UNUSED, struct slate_run *r)
{
	return destroy_dataset(r->dataset, r->dir, false);
}

static int zfs_abandon(struct slate *s)
{
	if (!s->work_dataset)
		return 0;
	return destroy_dataset(s->work_dataset, s->work, true);
}

const struct slate_ops slate_zfs_ops = {
	.abandon = zfs_abandon,
	.name = "zfs",
	.own_work_area = true,
	.open = zfs_open,
	.create = zfs_create,
	.destroy = zfs_destroy,
};
