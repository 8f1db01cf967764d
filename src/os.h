/*
 * os.h - the small platform layer: everything Linux-only (subreaper,
 * /proc scans, mount namespaces, overlayfs, FICLONE) sits behind these
 * functions, implemented in os/linux.c and, with fallbacks that report
 * "not supported" (ENOSYS), in os/posix.c.  Logic code never tests
 * __linux__ itself.
 */
#ifndef ORDEAL_OS_H
#define ORDEAL_OS_H

#include "common.h"

/* Become the reaper of orphaned descendants; 0, or -1 with errno. */
int os_set_child_subreaper(void);
/*
 * List the pids whose parent is `parent` (orphans reparented to us).
 * Returns the count (array malloc'd into *pids) or -1.
 */
int os_list_children(pid_t parent, pid_t **pids);
/*
 * Read variable `name` from process `pid`'s initial environment into a
 * malloc'd string; NULL if absent or unreadable.
 */
char *os_process_getenv(pid_t pid, const char *name);
/* Peak RSS of this process in KiB (for reporting our own memory use). */
long os_self_max_rss_kb(void);

/* Clone file data (FICLONE); 0, or -1 with errno (EOPNOTSUPP/EXDEV). */
int os_reflink_fd(int dst_fd, int src_fd);
/*
 * Mount an overlayfs at `target` with lower/upper/work dirs; 0 or -1 with
 * errno.  os_unmount detaches it (lazily if busy after retries).
 */
int os_mount_overlay(const char *lower, const char *upper, const char *work,
		     const char *target);
int os_unmount(const char *target);
/*
 * Enter a new user + mount namespace mapping the caller's uid/gid to root
 * (for unprivileged overlay mounts); 0 or -1 with errno.
 */
int os_unshare_user_mount(void);
/*
 * Whether unprivileged users may create user namespaces here (the kernel's
 * max_user_namespaces, and Debian's unprivileged_userns_clone switch).
 */
bool os_unprivileged_userns(void);
/*
 * Hint that directory `dir` will hold many unrelated, short-lived
 * subdirectories (the tests/ of a run), so the filesystem spreads them
 * out instead of packing them beside the parent.  On ext4 this is the
 * Orlov allocator's top-directory flag (chattr +T): on a busy disk,
 * inode allocation in a block group full of recently deleted inodes
 * costs about a millisecond per file, in a fresh group microseconds.
 * Best effort: 0, or -1 with errno (ENOTTY, EOPNOTSUPP, ENOSYS where
 * there is no such hint); callers ignore failures.
 */
int os_hint_spread_subdirs(const char *dir);
/* Whether `path` is on a filesystem of type btrfs/zfs/tmpfs/...: the name
 * ("btrfs") in a static string, or NULL. */
const char *os_fs_type(const char *path);

#endif
