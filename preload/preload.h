/*
 * preload.h - the pieces of libordeal-preload.so: the interposed libc
 * calls (preload.c) and the power-loss model (powerloss.c).
 *
 * preload.c owns the table of file descriptors under ORDEAL_CRASH_DIR and
 * the pointers to the real libc functions; powerloss.c owns the record of
 * what is not durable yet.  Both are guarded by one mutex, pl_lock(),
 * which is never held while a crash point is hit (the crash itself takes
 * it to revert unsynced state).
 *
 * The power-loss model, per process:
 *  - a file's content is durable as of its last fsync/fdatasync (or as of
 *    the first time this process touched it: earlier content counts as
 *    durable).  Before each write, pwrite or truncate the bytes about to be
 *    overwritten are saved (an undo record); a file opened through stdio
 *    is saved whole at fopen because its writes happen inside libc.
 *  - a directory's entries are durable as of its last fsync.  Before the
 *    first create, rename or unlink in it since then, its listing (names
 *    and inode numbers of regular files) is saved.
 *  - at the cut, every file's undo records are applied newest first and it
 *    is truncated to its durable size; then every directory with a saved
 *    listing gets exactly that listing back, each name with the durable
 *    content of the inode it named.
 */
#ifndef ORDEAL_PRELOAD_H
#define ORDEAL_PRELOAD_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Internal symbols stay inside the .so: a program's own `real` or
 * `pl_lock` must not be confused with ours. */
#pragma GCC visibility push(hidden)

/* The real libc functions, resolved with dlsym(RTLD_NEXT). */
struct real_calls {
	int (*open)(const char *, int, ...);
	int (*close)(int);
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*pread)(int, void *, size_t, off_t);
	ssize_t (*write)(int, const void *, size_t);
	ssize_t (*pwrite)(int, const void *, size_t, off_t);
	int (*ftruncate)(int, off_t);
	int (*unlink)(const char *);
	int (*fsync)(int);
};
extern struct real_calls real;
void preload_resolve(void);

void pl_lock(void);
void pl_unlock(void);

/* Nonzero when ORDEAL_POWER_LOSS=1 (set once at load). */
extern int pl_enabled;
/* The crash directory (realpath), or NULL when not set. */
extern const char *pl_crash_dir;

/* All pl_* below are called with pl_lock() held and pl_enabled set. */

/* Save the bytes [off, off+len) of the file open at fd before a write;
 * off -1: the current position, -2: O_APPEND (at the end). */
void pl_before_write(int fd, dev_t dev, ino_t ino, off_t off, size_t len);
/* Save the file's whole content (stdio, O_TRUNC, truncate(2)). */
void pl_save_whole_fd(int fd, dev_t dev, ino_t ino);
void pl_save_whole_path(const char *path);
/* A file this process created: its durable content is empty. */
void pl_created(dev_t dev, ino_t ino);
/* fsync/fdatasync (or an O_SYNC write) made the inode's content durable. */
void pl_file_synced(dev_t dev, ino_t ino);
/* Save the listing of directory `dir` if not saved since its last sync. */
void pl_dir_touch(const char *dir);
/* fsync of a directory made its entries durable. */
void pl_dir_synced(const char *dir);
/* `path` (in a touched directory) is about to lose its name. */
void pl_before_unlink(const char *path);
/* sync(2)/syncfs(2): everything is durable. */
void pl_all_synced(void);

/*
 * True in the thread that made the power cut: from then on its calls
 * bypass the fd table, whose lock the cut keeps so that other threads
 * stop before changing anything more.
 */
int pl_cutting(void);

#pragma GCC visibility pop

/*
 * The power cut: revert everything not durable.  Takes the lock.  Found
 * with dlsym by lib/crashpoint.c (in the program or in this library).
 */
__attribute__((visibility("default"))) void ordeal_preload_power_cut(void);

#endif /* ORDEAL_PRELOAD_H */
