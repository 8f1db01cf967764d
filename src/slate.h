/*
 * slate.h - clean slates: a fresh copy of a directory tree (or a ZFS
 * snapshot) for every run, so no run sees what an earlier one left behind.
 *
 * One interface, one file per backend (src/slate/<name>.c), chosen at run
 * time from a SPEC string (after redis ae.c and SQLite's os method tables):
 *
 *   none            run in the current directory (the default)
 *   copy:DIR        a plain recursive copy of DIR
 *   reflink:DIR     a copy whose file data is shared (FICLONE)
 *   overlay:DIR     overlayfs: DIR read-only below, a fresh upper layer
 *   btrfs:SUBVOL    btrfs subvolume snapshot
 *   zfs:POOL/DS@SNAP  zfs clone of the snapshot
 *   auto:DIR        the cheapest of btrfs, overlay, reflink, copy that works
 *
 * Life cycle, for one invocation of `ordeal loop` (or shuffle):
 *
 *   struct slate s = SLATE_INIT;
 *   slate_parse(&s, "overlay:src")           pick the backend, no side effect
 *   slate_open(&s, workdir, "ordeal")        check it can work here; create
 *                                            the working area
 *                                            <workdir>/ordeal-<unix ms>/
 *   for each run:
 *     slate_run_create(&s, &r, thread, run)  r.dir: the run's evidence dir,
 *                                            r.root: where the command starts
 *     child.pre_exec = slate_run_pre_exec, child.pre_exec_data = &r
 *                                            (only when r.pre_exec is set)
 *     ... run the command in r.root (or r.root/--cwd) ...
 *     slate_run_keep(&s, &r, "failed")       keep r.dir as evidence (then
 *                                            write result.json there), or
 *     slate_run_discard(&s, &r)              remove the slate and r.dir
 *     slate_run_clear(&r)
 *   slate_close(&s)                          the working area stays (it holds
 *                                            the evidence and summary.json)
 *
 * Every check that can fail because of the machine (no zfs command, DIR not
 * on btrfs, no permission to mount an overlay, no FICLONE support) happens
 * in slate_open(), before any run starts, and its message names the fix.
 *
 * Where things are, per backend (WORK is the working area):
 *   none     r.dir = WORK/thread-T-run-R,  r.root = NULL (caller's cwd);
 *            while the run runs its files are in r.live_dir, a per-thread
 *            scratch dir that becomes r.dir only if the run is kept
 *   copy     r.dir = WORK/thread-T-run-R,  r.root = r.dir/slate
 *   reflink  r.dir = WORK/thread-T-run-R,  r.root = r.dir/slate
 *   btrfs    r.dir = WORK/thread-T-run-R,  r.root = r.dir/slate (subvolume)
 *   overlay  r.dir = WORK/thread-T-run-R,  r.root = r.dir/root (the mount);
 *            the kept evidence is r.dir/upper: exactly what the run changed
 *   zfs      WORK is the mountpoint of the dataset <parent>/<prefix>-<ms>
 *            created next to the snapshot's dataset (as gocrash); each run
 *            is a clone <work dataset>/thread-T-run-R and
 *            r.dir = r.root = its mountpoint.
 * The caller writes the run's stdout and stderr into r.live_dir (== r.dir
 * except for none) and, after slate_run_keep(), result.json into r.dir.
 * Passing runs of none and overlay reuse their thread's run dir, so a run
 * allocates no new inodes where it can be helped.
 *
 * Errors: functions return 0, or -1 after printing with error().
 * Ownership: struct slate and struct slate_run own their strings; release
 * them with slate_close() and slate_run_clear().  Not thread-safe: ordeal
 * creates and destroys slates from its one thread.
 */
#ifndef ORDEAL_SLATE_H
#define ORDEAL_SLATE_H

#include "common.h"

struct slate;
struct strbuf;
struct slate_run;

/* A backend's methods.  Optional ones may be NULL. */
struct slate_ops {
	const char *name; /* "overlay" */
	/*
	 * Check that the backend can work here, before any run.  On failure
	 * append to `why` a message naming the fix and return -1 (nothing
	 * printed: auto tries the next backend).  Backends with
	 * own_work_area create s->work themselves (zfs: a dataset);
	 * for the others it exists already.
	 */
	int (*open)(struct slate *s, struct strbuf *why);
	bool own_work_area;
	/*
	 * After destroy() the run dir is clean enough to serve the same
	 * thread's next run: slate.c renames it to a scratch name and back
	 * instead of removing and recreating it (ext4 inode allocation was
	 * most of a fast run's cost).
	 */
	bool reuse_run_dir;
	/*
	 * The run itself needs no dir (none): its files stay in the
	 * per-thread scratch dir (r->live_dir) during the run, which is
	 * renamed to r->dir only when the run is kept.
	 */
	bool dir_on_keep;
	/* Make the run's slate (r->dir already exists unless zfs). */
	int (*create)(struct slate *s, struct slate_run *r);
	/* In the child after fork, before exec; async-signal-safe enough
	 * for a single-threaded parent.  Optional. */
	int (*pre_exec)(struct slate_run *r);
	/* The run ended and its slate is kept: unmount, drop scratch. */
	int (*keep)(struct slate *s, struct slate_run *r);
	/* The run ended and its slate goes: remove it entirely. */
	int (*destroy)(struct slate *s, struct slate_run *r);
	/* Remove the working area (own_work_area backends). Optional. */
	int (*abandon)(struct slate *s);
	/* Release backend state (the working area stays). Optional. */
	void (*close)(struct slate *s);
};

struct slate {
	const struct slate_ops *ops;
	char *spec;	    /* as given: "overlay:src" */
	char *source;	    /* DIR, SUBVOL or POOL/DS@SNAP; NULL for none */
	char *work;	    /* the working area (absolute), after slate_open */
	char *prefix;	    /* "ordeal", "gocrash": the working area's name */
	char *work_dataset; /* zfs only: POOL/DS/<prefix>-<ms> */
	int64_t created_ms; /* the <ms> in the working area's name */
	bool unprivileged;  /* overlay: mount in the child's user namespace */
	bool auto_chosen;   /* auto: ops is the backend it settled on */
	void *priv;	    /* the backend's */
	char *scratch;	    /* per thread: its scratch run dir exists */
	size_t nr_scratch;
};

#define SLATE_INIT                                                             \
	{                                                                      \
		NULL                                                           \
	}

struct slate_run {
	struct slate *slate; /* set by slate_run_create */
	int thread, run;
	char *name; /* "thread-T-run-R" */
	char *dir;  /* evidence dir, absolute */
	/* Where the run's files (stdout, stderr) are while it runs: r->dir,
	 * or for dir_on_keep backends a scratch dir until slate_run_keep()
	 * renames it to r->dir.  Write result.json after keeping. */
	char *live_dir;
	char *root; /* where the command starts; NULL: the caller's cwd */
	/* For the child: set when the slate must be made there (an overlay
	 * in a new user+mount namespace).  Use slate_run_pre_exec. */
	bool pre_exec;
	/* With pre_exec: where the child goes after making its slate (the
	 * caller sets it to root or root/SUBDIR and leaves child.dir NULL,
	 * since the directory only exists once the mount is made). */
	char *start_dir;
	bool live; /* created and not yet kept or discarded */
	/*
	 * r->dir came from a per-thread scratch dir; after
	 * slate_run_discard() it is still set only if the dir went back
	 * there (so files kept open in it serve the next run).
	 */
	bool reused_dir;
	char *dataset; /* zfs: the clone's name */
	void *priv;
};

#define SLATE_RUN_INIT                                                         \
	{                                                                      \
		0                                                              \
	}

/*
 * Parse SPEC ("none", "copy:DIR", ...) into `s`, without touching the
 * system.  Returns 0, or -1 with a message listing the valid forms.
 */
int slate_parse(struct slate *s, const char *spec);

/*
 * Check that the backend works here and create the working area under
 * `workdir` (NULL: next to the source, or "." for none) named
 * "<prefix>-<unix ms>" (zfs: a dataset next to the snapshot's dataset).
 */
int slate_open(struct slate *s, const char *workdir, const char *prefix);

/* The backend's name ("zfs"), the one auto settled on after open. */
const char *slate_backend(const struct slate *s);

/* Make run `run` of thread `thread`'s slate and evidence dir. */
int slate_run_create(struct slate *s, struct slate_run *r, int thread, int run);

/* For child_process.pre_exec: `data` is the struct slate_run. */
int slate_run_pre_exec(void *data);

/*
 * Keep the run's evidence dir and slate.  `why` ("failed", "passed",
 * "interrupted") is written to r->dir/status for humans and tools.
 */
int slate_run_keep(struct slate *s, struct slate_run *r, const char *why);

/*
 * Remove the run's slate and evidence dir, retrying while it is busy
 * (zfs "dataset is busy", EBUSY on unmount); when it stays busy, say which
 * processes hold it.
 */
int slate_run_discard(struct slate *s, struct slate_run *r);

void slate_run_clear(struct slate_run *r);

/*
 * Remove the working area (zfs: destroy the working dataset) when the
 * invocation ends before anything worth keeping was made in it.
 */
int slate_abandon(struct slate *s);
void slate_close(struct slate *s);

/*
 * Append "pid 123 (sleep) cwd" lines for every process holding a file,
 * cwd or root under `path` (via /proc; nothing where there is no /proc).
 * Returns the number of holders found.
 */
int slate_describe_holders(struct strbuf *sb, const char *path);

#endif
