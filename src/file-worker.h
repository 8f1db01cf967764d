/*
 * file-worker.h - background threads for the file work of a loop that
 * starts many short children (`ordeal run`): creating a test's directory
 * with its stdout and stderr files before the test starts, and writing its
 * evidence file after it ended.  The loop that spawns and reaps children
 * then never waits for the filesystem, whose creates cost microseconds on
 * tmpfs but can cost a millisecond each on a busy disk.
 *
 * Jobs run in the order they were queued, by up to `nr_threads` threads:
 * jobs overlap, so never queue two jobs that touch the same file (a
 * test's prepare and its result are never queued at once: the result is
 * written after the test ran).  The threads block every signal, so
 * signals (SIGCHLD, Ctrl-C) reach the thread that waits for children.
 *
 * A kind of job (prepare, write) whose recent jobs took less than
 * `inline_ns` on average runs at once in the caller: threads only pay
 * when the filesystem is slow, and are started the first time it is.
 * With nr_threads 0, or when no thread can be started, every job runs in
 * the caller: same results, no overlap.  inline_ns 0: always threads.
 *
 * Ownership: a struct file_prep is the caller's; it must stay alive and in
 * place from file_worker_prepare() until file_worker_wait() (or
 * file_worker_flush()) returned, and the fds it then holds are the
 * caller's to close.  file_worker_write() takes the path and the buffer.
 */
#ifndef ORDEAL_FILE_WORKER_H
#define ORDEAL_FILE_WORKER_H

#include "common.h"

struct strbuf;
struct file_worker;
struct fw_job;

struct file_prep {
	const char *dir; /* borrowed; made with its parents if missing */
	/*
	 * After the job: dir/stdout and dir/stderr, created or truncated,
	 * open for writing (close-on-exec), or -1 when that failed (the
	 * caller may retry the open itself to report the error).
	 */
	int out_fd, err_fd;
	/* Private, under the worker's lock: */
	bool done;
	struct fw_job *job; /* queued and not taken by a thread yet */
};

struct file_worker *file_worker_start(int nr_threads, int64_t inline_ns);
/* Queue the creation of p->dir, dir/stdout and dir/stderr. */
void file_worker_prepare(struct file_worker *w, struct file_prep *p);
/*
 * Wait until p's job ran (p->out_fd and p->err_fd are then set); when no
 * thread has taken it yet, run it here instead of waiting.
 */
void file_worker_wait(struct file_worker *w, struct file_prep *p);
/*
 * Queue writing `content` to `path` (created or truncated; one open and
 * one write: an evidence file written once needs no rename and no fsync).
 * Takes `path` (malloc'd) and the buffer of `content` (left empty).
 * A failure is reported on stderr by the thread that met it.
 */
void file_worker_write(struct file_worker *w, char *path,
		       struct strbuf *content);
/* Wait until every job queued so far ran. */
void file_worker_flush(struct file_worker *w);
/* Flush, stop the threads, free the worker.  NULL is allowed. */
void file_worker_stop(struct file_worker *w);

#endif
