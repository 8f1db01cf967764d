/*
 * slate/backend.h - what the slate backends (src/slate/<name>.c) share
 * with slate.c and each other; not for users of slates (see slate.h).
 */
#ifndef ORDEAL_SLATE_BACKEND_H
#define ORDEAL_SLATE_BACKEND_H

#include "slate.h"

struct strbuf;

extern const struct slate_ops slate_none_ops;
extern const struct slate_ops slate_copy_ops;
extern const struct slate_ops slate_reflink_ops;
extern const struct slate_ops slate_overlay_ops;
extern const struct slate_ops slate_btrfs_ops;
extern const struct slate_ops slate_zfs_ops;
extern const struct slate_ops slate_auto_ops;

/*
 * Run a tool (zfs, btrfs) found on PATH with LC_ALL=C, stdin from
 * /dev/null, stdout and stderr captured into `out` (bounded).  Returns its
 * exit status (128+N for a signal), or -1 with errno when it could not be
 * started (ENOENT: not installed).
 */
int slate_exec(struct strbuf *out, const char *const *argv);

/*
 * Copy the tree `src` to `dst` (which must not exist): directories,
 * symlinks, regular files (data copied, or shared with FICLONE when
 * `reflink`), fifos; modes and times kept.  On failure append a message to
 * `why` and return -1 with errno set.
 */
int slate_copy_tree(const char *src, const char *dst, bool reflink,
		    struct strbuf *why);

/* Remove everything inside `path`, keeping it; 0 or -1. */
int slate_empty_dir(const char *path);

/* rm -rf that also copes with mode-0 directories (overlay's work/work). */
int slate_remove_tree(const char *path);

/* Whether `path` is an existing directory; else append why to `why`. */
bool slate_check_dir(const char *path, const char *what, struct strbuf *why);

#endif
