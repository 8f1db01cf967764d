/*
 * ordeal/crashpoint.h - named crash points and a harness to crash a program
 * at them.  This is libordeal's only public header; it compiles as C89,
 * C99, C11 and C++.
 *
 * Marking a crash point:
 *
 *	#include <ordeal/crashpoint.h>
 *	ORDEAL_CRASHPOINT("wal.mid-frame");
 *
 * A point is a no-op unless the process was started with one of:
 *
 *   ORDEAL_CRASH_AT=NAME[@N]  die at the Nth hit of NAME (default the 1st).
 *                            Before dying, "crashed NAME@N\n" is written to
 *                            the status fd (ORDEAL_STATUS_FD); then the
 *                            process SIGKILLs itself: no atexit handlers,
 *                            no stdio flush.
 *   ORDEAL_CRASH_TRACE=FILE   append one line per hit to FILE:
 *                            "hit SEQ HIT PID TID NAME\n" (SEQ: this
 *                            process's running hit number over all points;
 *                            HIT: the hit number of NAME).  Each line is one
 *                            write() on an O_APPEND descriptor, so threads
 *                            and forked processes can share the file.
 *
 * Other variables the harness sets:
 *
 *   ORDEAL_STATUS_FD  decimal fd number where the library reports to the
 *                     harness: "crashed NAME@N\n" before the intended
 *                     crash, "invalid NAME\n" once per invalid name.
 *   ORDEAL_ACK_FD     decimal fd number for the *program's own* use: write
 *                     one line per durable commit ("ack KEY" or anything
 *                     else a checker understands).  The harness saves the
 *                     lines as the file "acks" and hands its path to the
 *                     verifier as ORDEAL_ACKS.  ordeal_ack() writes a line.
 *   ORDEAL_CRASH_DIR  where the program keeps its artefacts.
 *   ORDEAL_POWER_LOSS "1" when the preload library must emulate a power
 *                     cut at the crash (see ordeal-crash(1)).
 *
 * Names: 1 to 200 bytes, no whitespace, no control character, no '@'.
 * A point with an invalid name never crashes; it is reported as
 * "invalid NAME" on the status fd and as "bad ... NAME" in the trace so the
 * harness can refuse it.
 *
 * Processes: every process counts its own hits.  A forked child starts
 * from the counts its parent had at fork() and goes on counting
 * separately; an exec()ed program starts from zero.  So with
 * ORDEAL_CRASH_AT=x@3 a parent and its child each die at their own third
 * hit of x.
 *
 * Cost: disarmed, a point is one relaxed atomic load and a predicted
 * branch; the rest is out of line.  -DORDEAL_NO_CRASHPOINTS removes points
 * entirely.  Points are safe to hit from any thread.
 *
 * The library never prints and never exits, except the one intended crash.
 */
#ifndef ORDEAL_CRASHPOINT_H
#define ORDEAL_CRASHPOINT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ORDEAL_ENV_CRASH_AT    "ORDEAL_CRASH_AT"
#define ORDEAL_ENV_CRASH_TRACE "ORDEAL_CRASH_TRACE"
#define ORDEAL_ENV_CRASH_DIR   "ORDEAL_CRASH_DIR"
#define ORDEAL_ENV_STATUS_FD   "ORDEAL_STATUS_FD"
#define ORDEAL_ENV_ACK_FD      "ORDEAL_ACK_FD"
#define ORDEAL_ENV_POWER_LOSS  "ORDEAL_POWER_LOSS"

/*
 * Internal: nonzero while points must take the slow path (armed, tracing,
 * or not yet initialised).  Read through ORDEAL_CRASHPOINT only.
 */
extern int ordeal_crash_active_;

/* Internal: the out-of-line slow path of ORDEAL_CRASHPOINT. */
void ordeal_crashpoint_hit(const char *name);

#if defined(ORDEAL_NO_CRASHPOINTS)
#define ORDEAL_CRASHPOINT(name) ((void)0)
#elif defined(__GNUC__) && defined(__ATOMIC_RELAXED)
#define ORDEAL_CRASHPOINT(name)                                                \
	do {                                                                   \
		if (__builtin_expect(__atomic_load_n(&ordeal_crash_active_,    \
						     __ATOMIC_RELAXED),        \
				     0))                                       \
			ordeal_crashpoint_hit(name);                           \
	} while (0)
#else
#define ORDEAL_CRASHPOINT(name)                                                \
	do {                                                                   \
		if (*(volatile int *)&ordeal_crash_active_)                    \
			ordeal_crashpoint_hit(name);                           \
	} while (0)
#endif

/*
 * Nonzero if `name` is a valid point name (see above).  Never prints.
 */
int ordeal_crashpoint_name_valid(const char *name);

/*
 * Write `line` plus a newline to ORDEAL_ACK_FD, in one write().  Returns 0,
 * or -1 if there is no ack fd or the write failed.  Call it only after the
 * commit is durable.
 */
int ordeal_ack(const char *line);

/*
 * The harness: run a program armed at one crash point and report how it
 * ended.  The counterpart of crashinject's Run/Opts/Out.
 */
struct ordeal_crash_opts {
	/*
	 * Artefact directory, passed as ORDEAL_CRASH_DIR and used as the
	 * child's cwd.  NULL: a fresh directory is made under $TMPDIR (or
	 * /tmp) and left in place for the caller to inspect (out.dir).
	 */
	const char *dir;
	/* 0 means 30000.  At the timeout the child's process group gets
	 * SIGTERM, then SIGKILL a second later. */
	long timeout_ms;
	/* NULL-terminated "KEY=VALUE" strings added to the environment. */
	const char *const *env;
	/* Optional: path of libordeal-preload.so to LD_PRELOAD (syscall
	 * crash points); NULL for none. */
	const char *preload;
	/* Optional: nonzero sets ORDEAL_POWER_LOSS=1 (needs `preload`). */
	int power_loss;
	/* Optional: cap on captured stdout/stderr/acks bytes each; 0 means
	 * 1 MiB.  Output beyond it is read and dropped. */
	size_t max_output;
};

struct ordeal_crash_out {
	char *stdout_buf; /* captured stdout, NUL-terminated (malloc) */
	size_t stdout_len;
	char *stderr_buf; /* captured stderr, NUL-terminated (malloc) */
	size_t stderr_len;
	char *acks; /* lines written to ORDEAL_ACK_FD (malloc) */
	size_t acks_len;
	int exit_code;	   /* exit status if it exited, else -1 */
	int signal;	   /* the signal that ended it, else 0 */
	int killed;	   /* ended by SIGKILL */
	int timed_out;	   /* killed because of the timeout */
	char *point;	   /* point it crashed at ("NAME"), or NULL */
	unsigned long hit; /* its hit number, 0 if it did not crash */
	char *dir;	   /* the artefact directory (malloc) */
	char *error;	   /* why the run could not be done, or NULL */
};

/*
 * Run argv[0] (found through PATH) with ORDEAL_CRASH_AT=point (NULL:
 * unarmed) in opts->dir, wait for it and fill `out`.  `opts` may be NULL.
 * Returns 0 when the program ran (whatever its fate; `out->point` is set
 * when it died at the requested point), -1 when it could not be run
 * (out->error says why).  Safe to call from several threads.  Always call
 * ordeal_crash_out_free() afterwards.
 */
int ordeal_crash_run(const char *const *argv, const char *point,
		     const struct ordeal_crash_opts *opts,
		     struct ordeal_crash_out *out);

/* Free what ordeal_crash_run() allocated in `out` (not the dir itself). */
void ordeal_crash_out_free(struct ordeal_crash_out *out);

#ifdef __cplusplus
}
#endif

#endif /* ORDEAL_CRASHPOINT_H */
