/*
 * file-worker.c - the background file threads of `ordeal run`: a FIFO of
 * jobs (prepare a test's directory and output files; write a file) under
 * one mutex, run by a few threads that block every signal.  A prepare
 * that no thread has taken yet when the caller waits for it is run by the
 * caller: on a loaded machine a woken thread may wait milliseconds for a
 * CPU, and the caller must not wait for that.
 *
 * Threads only pay when the file work is slow: handing a job over costs a
 * wake-up and a context switch, and merely having threads makes the
 * process's spawns and unmaps dearer (TLB shootdowns), more than a create
 * on tmpfs costs.  So each kind of job keeps a moving average of how long
 * it took, and while that is under inline_ns the caller runs it at once;
 * the threads are started the first time a kind turns out slow (a disk
 * that is, or turns, slow), and a fast one brings the work back.
 */
#include "file-worker.h"
#include "clock.h"
#include "path.h"
#include "strbuf.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_THREADS 8
enum { JOB_PREPARE, JOB_WRITE };

struct fw_job {
	struct fw_job *next;
	struct file_prep *prep; /* a prepare job, or NULL: a write */
	char *path;
	struct strbuf content;
};

struct file_worker {
	pthread_mutex_t lock;
	pthread_cond_t work; /* a job was queued, or stopping */
	pthread_cond_t done; /* a job finished */
	struct fw_job *head, **tail;
	size_t pending; /* queued or running */
	bool stopping;
	int64_t avg_ns[2]; /* per job kind: moving average of its duration */
	int64_t inline_ns;
	/* Only the caller's thread reads or changes these two. */
	int nr_threads, max_threads;
	pthread_t threads[MAX_THREADS];
};

static int open_output(const char *dir, const char *name)
{
	char *path = path_join(dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

	free(path);
	return fd;
}

static void run_prepare(struct file_prep *p)
{
	/* The parent usually exists: one mkdir, not mkdir -p's walk. */
	if (mkdir(p->dir, 0777) < 0 && errno != EEXIST &&
	    mkdir_p(p->dir, 0777) < 0)
		warning_errno("cannot create '%s'", p->dir);
	p->out_fd = open_output(p->dir, "stdout");
	p->err_fd = open_output(p->dir, "stderr");
}

static void run_job_untimed(struct fw_job *job)
{
	if (job->prep) {
		run_prepare(job->prep);
	} else {
		/* strbuf_write_file() names the file in its error. */
		strbuf_write_file(&job->content, job->path);
		free(job->path);
		strbuf_release(&job->content);
	}
}

/* Run the job and fold its duration into the average (under the lock). */
static void run_job(struct file_worker *w, struct fw_job *job)
{
	int kind = job->prep ? JOB_PREPARE : JOB_WRITE;
	int64_t start = clock_now_ns(), took;

	run_job_untimed(job);
	took = clock_now_ns() - start;
	pthread_mutex_lock(&w->lock);
	w->avg_ns[kind] += (took - w->avg_ns[kind]) / 8;
	pthread_mutex_unlock(&w->lock);
}

static void *worker_main(void *arg)
{
	struct file_worker *w = arg;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct fw_job *job;

		while (!w->head && !w->stopping)
			pthread_cond_wait(&w->work, &w->lock);
		if (!w->head)
			break; /* stopping, and nothing left */
		job = w->head;
		w->head = job->next;
		if (!w->head)
			w->tail = &w->head;
		if (job->prep)
			job->prep->job = NULL; /* ours now */
		pthread_mutex_unlock(&w->lock);

		run_job(w, job);

		pthread_mutex_lock(&w->lock);
		if (job->prep)
			job->prep->done = true;
		w->pending--;
		pthread_cond_broadcast(&w->done);
		free(job);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct file_worker *file_worker_start(int nr_threads, int64_t inline_ns)
{
	struct file_worker *w = xcalloc(1, sizeof(*w));

	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->done, NULL);
	w->tail = &w->head;
	w->inline_ns = inline_ns;
	w->max_threads = nr_threads < 0		    ? 0
			 : nr_threads > MAX_THREADS ? MAX_THREADS
						    : nr_threads;
	return w;
}

static void start_threads(struct file_worker *w)
{
	sigset_t all, old;

	/* Threads inherit the mask: let signals go to the main thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	while (w->nr_threads < w->max_threads &&
	       !pthread_create(&w->threads[w->nr_threads], NULL, worker_main,
			       w))
		w->nr_threads++;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	/* Fewer threads than asked (or none: every job inline) for good. */
	w->max_threads = w->nr_threads;
}

/*
 * Only a prepare wakes a thread: someone will wait for it.  Writes ride
 * along with the next prepare (or flush/stop), which halves the wake-ups
 * when every job is short.
 */
static void queue(struct file_worker *w, struct fw_job *job)
{
	bool inline_job = !w->max_threads;

	if (!inline_job) {
		pthread_mutex_lock(&w->lock);
		inline_job = w->avg_ns[job->prep ? JOB_PREPARE : JOB_WRITE] <
			     w->inline_ns;
		pthread_mutex_unlock(&w->lock);
	}
	if (!inline_job && !w->nr_threads) {
		start_threads(w);
		inline_job = !w->nr_threads;
	}
	if (inline_job) {
		/* No other thread knows this job: no lock for done. */
		if (job->prep)
			job->prep->job = NULL;
		run_job(w, job);
		if (job->prep)
			job->prep->done = true;
		free(job);
		return;
	}
	pthread_mutex_lock(&w->lock);
	*w->tail = job;
	w->tail = &job->next;
	w->pending++;
	if (job->prep)
		pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->lock);
}

void file_worker_prepare(struct file_worker *w, struct file_prep *p)
{
	struct fw_job *job = xcalloc(1, sizeof(*job));

	p->out_fd = p->err_fd = -1;
	p->done = false;
	p->job = job;
	job->prep = p;
	queue(w, job);
}

/* Take p's job out of the queue (it is there: p->job is set). */
static void unqueue(struct file_worker *w, struct fw_job *job)
{
	struct fw_job **pp = &w->head;

	while (*pp != job)
		pp = &(*pp)->next;
	*pp = job->next;
	if (w->tail == &job->next)
		w->tail = pp;
}

void file_worker_wait(struct file_worker *w, struct file_prep *p)
{
	struct fw_job *job;

	if (!w->nr_threads)
		return; /* ran inline */
	pthread_mutex_lock(&w->lock);
	job = p->done ? NULL : p->job;
	if (job) {
		/* No thread took it yet: do it now rather than wait. */
		unqueue(w, job);
		p->job = NULL;
		pthread_mutex_unlock(&w->lock);
		run_job(w, job);
		free(job);
		pthread_mutex_lock(&w->lock);
		p->done = true;
		w->pending--;
		pthread_cond_broadcast(&w->done);
	}
	while (!p->done)
		pthread_cond_wait(&w->done, &w->lock);
	pthread_mutex_unlock(&w->lock);
}

void file_worker_write(struct file_worker *w, char *path,
		       struct strbuf *content)
{
	struct fw_job *job = xcalloc(1, sizeof(*job));

	job->path = path;
	job->content = *content;
	strbuf_init(content, 0);
	queue(w, job);
}

void file_worker_flush(struct file_worker *w)
{
	if (!w->nr_threads)
		return;
	pthread_mutex_lock(&w->lock);
	if (w->pending)
		pthread_cond_broadcast(&w->work);
	while (w->pending)
		pthread_cond_wait(&w->done, &w->lock);
	pthread_mutex_unlock(&w->lock);
}

void file_worker_stop(struct file_worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_broadcast(&w->work);
	pthread_mutex_unlock(&w->lock);
	/* The threads drain the queue before they see `stopping`. */
	for (int i = 0; i < w->nr_threads; i++)
		pthread_join(w->threads[i], NULL);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->work);
	pthread_cond_destroy(&w->done);
	free(w);
}
