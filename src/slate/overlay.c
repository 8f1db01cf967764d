/*
 * slate/overlay.c - the "overlay:DIR" slate: an overlayfs with DIR as the
 * read-only lower layer and a fresh upper layer per run, O(1) to make.
 * The kept evidence is the upper layer: exactly what the run changed.
 *
 * As root the mount is made here, in ordeal's mount namespace, and
 * unmounted when the run ends.  Without the privilege it is made in the
 * child (pre_exec), inside a new user + mount namespace, so it vanishes
 * with the run's last process and nothing can leak.
 */
#include "common.h"
#include "slate/backend.h"
#include "os.h"
#include "path.h"
#include "run-command.h"
#include "strbuf.h"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

struct overlay_state {
	char *lower;
};

struct overlay_run {
	char upper[PATH_MAX];
	char work[PATH_MAX];
};

/* pre_exec of the probe child: mount in a fresh namespace, then leave. */
static int probe_in_child(void *data)
{
	const char *const *dirs = data;

	if (os_unshare_user_mount() < 0 ||
	    os_mount_overlay(dirs[0], dirs[1], dirs[2], dirs[3]) < 0)
		return -1;
	_exit(0);
}

static int make_layer_dirs(const char *base, char **upper, char **work,
			   char **root)
{
	*upper = path_join(base, "upper");
	*work = path_join(base, "work");
	*root = path_join(base, "root");
	if ((mkdir(*upper, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(*work, 0700) < 0 && errno != EEXIST) ||
	    (mkdir(*root, 0755) < 0 && errno != EEXIST))
		return -1;
	return 0;
}

static void overlay_fix_message(struct strbuf *why, const struct slate *s,
				int err, bool userns)
{
	strbuf_addf(why, "cannot mount an overlay on '%s'%s: %s; ", s->source,
		    userns ? " in a user namespace" : "", strerror(err));
	if (err == EPERM || err == EACCES || err == ENOSPC || err == EINVAL)
		strbuf_addf(why,
			    "run as root, or enable unprivileged user "
			    "namespaces (sysctl kernel."
			    "unprivileged_userns_clone=1 and "
			    "user.max_user_namespaces > 0; Linux 5.11 or "
			    "later), or use --slate copy:%s",
			    s->source);
	else
		strbuf_addf(why,
			    "check that the working area '%s' is not on "
			    "an overlay or network filesystem (--workdir), "
			    "or use --slate copy:%s",
			    s->work, s->source);
}

static int overlay_open(struct slate *s, struct strbuf *why)
{
	struct overlay_state *st;
	char *probe, *upper = NULL, *work = NULL, *root = NULL;
	int ret = -1;

	if (!slate_check_dir(s->source, "the slate directory", why))
		return -1;
	st = xcalloc(1, sizeof(*st));
	st->lower = path_absolute(s->source);
	s->priv = st;
	probe = path_join(s->work, ".overlay-probe");
	if (mkdir(probe, 0755) < 0 ||
	    make_layer_dirs(probe, &upper, &work, &root) < 0) {
		strbuf_addf(why, "cannot create '%s': %s", probe,
			    strerror(errno));
		goto out;
	}
	s->unprivileged = geteuid() != 0;
	if (!s->unprivileged) {
		if (!os_mount_overlay(st->lower, upper, work, root)) {
			os_unmount(root);
			ret = 0;
			goto out;
		}
		if (errno != EPERM) {
			overlay_fix_message(why, s, errno, false);
			goto out;
		}
		/* Root without CAP_SYS_ADMIN (a container): try a userns. */
		s->unprivileged = true;
	}
	{
		struct child_process cp = CHILD_PROCESS_INIT;
		const char *dirs[4] = {st->lower, upper, work, root};

		strvec_push(&cp.args, "/");
		/* Inherited stdio: the probe prints nothing, and a failure
		 * must be the mount's, not /dev/null's. */
		cp.in = cp.out = cp.err = CHILD_INHERIT;
		cp.pre_exec = probe_in_child;
		cp.pre_exec_data = (void *)dirs;
		if (run_command(&cp) < 0) {
			overlay_fix_message(why, s, cp.result.spawn_errno,
					    true);
		} else if (!cp.result.exited || cp.result.exit_code) {
			strbuf_addf(why,
				    "cannot mount an overlay on '%s' in "
				    "a user namespace (probe ended badly)",
				    s->source);
		} else {
			ret = 0;
		}
		child_process_clear(&cp);
	}
out:
	slate_remove_tree(probe);
	free(probe);
	free(upper);
	free(work);
	free(root);
	return ret;
}

static int overlay_create(struct slate *s, struct slate_run *r)
{
	struct overlay_state *st = s->priv;
	struct overlay_run *o = xcalloc(1, sizeof(*o));
	char *upper, *work;

	r->priv = o;
	if (make_layer_dirs(r->dir, &upper, &work, &r->root) < 0) {
		free(upper);
		free(work);
		return error_errno("cannot create the layers in '%s'", r->dir);
	}
	if (strlen(upper) >= sizeof(o->upper) ||
	    strlen(work) >= sizeof(o->work)) {
		free(upper);
		free(work);
		return error("path too long: '%s'", r->dir);
	}
	memcpy(o->upper, upper, strlen(upper) + 1);
	memcpy(o->work, work, strlen(work) + 1);
	free(upper);
	free(work);
	if (s->unprivileged) {
		r->pre_exec = true;
		return 0;
	}
	if (os_mount_overlay(st->lower, o->upper, o->work, r->root) < 0)
		return error_errno("cannot mount an overlay on '%s'", r->root);
	return 0;
}

static int overlay_pre_exec(struct slate_run *r)
{
	struct overlay_run *o = r->priv;
	struct overlay_state *st = r->slate->priv;

	if (os_unshare_user_mount() < 0 ||
	    os_mount_overlay(st->lower, o->upper, o->work, r->root) < 0 ||
	    chdir(r->start_dir ? r->start_dir : r->root) < 0)
		return -1;
	return 0;
}

static int overlay_unmount(struct slate *s, struct slate_run *r)
{
	struct strbuf holders = STRBUF_INIT;

	if (s->unprivileged || !r->root)
		return 0;
	if (!os_unmount(r->root))
		return 0;
	if (slate_describe_holders(&holders, r->root))
		error_errno("cannot unmount '%s'; held by %s", r->root,
			    holders.buf);
	else
		error_errno("cannot unmount '%s'", r->root);
	strbuf_release(&holders);
	return -1;
}

static int overlay_keep(struct slate *s, struct slate_run *r)
{
	struct overlay_run *o = r->priv;

	if (overlay_unmount(s, r) < 0)
		return -1;
	/* What stays is the upper layer; the rest is overlay scratch. */
	if (o)
		slate_remove_tree(o->work);
	if (r->root)
		rmdir(r->root);
	return 0;
}

static int overlay_destroy(struct slate *s, struct slate_run *r)
{
	struct overlay_run *o = r->priv;

	if (overlay_unmount(s, r) < 0)
		return -1;
	/* Ready for the thread's next run: an empty upper layer.  The
	 * work dir is cleaned by the kernel at the next mount. */
	if (o && slate_empty_dir(o->upper) < 0)
		return error_errno("cannot empty '%s'", o->upper);
	return 0;
}

static void overlay_close(struct slate *s)
{
	struct overlay_state *st = s->priv;

	if (st) {
		free(st->lower);
		free(st);
	}
	s->priv = NULL;
}

const struct slate_ops slate_overlay_ops = {
	.name = "overlay",
	.reuse_run_dir = true,
	.open = overlay_open,
	.create = overlay_create,
	.pre_exec = overlay_pre_exec,
	.keep = overlay_keep,
	.destroy = overlay_destroy,
	.close = overlay_close,
};
