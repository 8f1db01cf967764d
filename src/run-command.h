/*
 * run-command.h - the one way ordeal starts and supervises child processes.
 *
 * Every child runs in its own process group.  Its stdin/stdout/stderr go to
 * files, /dev/null, pipes, given fds, or are inherited.  A timeout sends
 * SIGTERM to the group, then SIGKILL after a grace period.  When the child
 * ends, the rest of its group is killed, and (with the subreaper set up by
 * run_command_init) processes that escaped the group by setsid() are found
 * by the token ordeal puts in their environment (ORDEAL_CHILD_TOKEN) and
 * killed too; their number is reported.  A process that removes the token
 * from its environment opts out: that is how a test starts a service meant
 * to outlive it (the tests' zfs-fuse does).  Exit status is normalised (code,
 * or signal), with wait4 rusage (max RSS, user and system CPU).
 *
 * Several children may run at once: start them with start_command(), then
 * call run_command_wait_any() to learn which one finished next.  One-shot
 * callers use run_command().
 *
 * Interruption: run_command_init() installs handlers for SIGINT, SIGTERM and
 * SIGHUP that only record the signal (run_command_interrupted()) and wake
 * any wait.  Commands check it, stop starting work, call
 * run_command_kill_all() and exit 130.
 *
 * Ownership: a struct child_process owns its args and env strvecs; release
 * them with child_process_clear().  Paths given as const char * are
 * borrowed and must outlive start_command().
 */
#ifndef ORDEAL_RUN_COMMAND_H
#define ORDEAL_RUN_COMMAND_H

#include "common.h"
#include "strvec.h"

struct strbuf;

enum child_stdio {
	CHILD_INHERIT = 0, /* the parent's fd */
	CHILD_NULL,	   /* /dev/null */
	CHILD_FILE,	   /* *_path, opened for reading or truncated */
	CHILD_APPEND,	   /* *_path, opened for appending */
	CHILD_FD,	   /* *_fd given by the caller (not closed) */
	CHILD_PIPE,	   /* a pipe; after start, *_fd is the parent's end */
	CHILD_STDOUT,	   /* stderr only: the same as stdout (2>&1) */
};

struct run_result {
	bool started;	 /* false: spawn failed (spawn_errno) */
	int spawn_errno; /* ENOENT: command not found, EACCES, ... */
	bool exited;	 /* normal exit: exit_code is valid */
	int exit_code;
	int signal;	  /* killed by this signal (0: none) */
	bool timed_out;	  /* we killed it for exceeding its timeout */
	bool interrupted; /* we killed it because ordeal was interrupted */
	int escaped;	  /* processes left behind that we killed */
	int64_t start_wall_ns;
	int64_t duration_ns;
	long max_rss_kb;
	double user_s, sys_s;
};

struct child_fd_map {
	int from; /* parent's fd */
	int to;	  /* number in the child */
};

struct child_process {
	struct strvec args;
	/*
	 * Applied on top of the parent's environment (or an empty one with
	 * clean_env): "K=V" sets, "K" unsets.
	 */
	struct strvec env;
	bool clean_env;
	const char *dir; /* cwd of the child; NULL: ours */

	enum child_stdio in, out, err;
	const char *in_path, *out_path, *err_path;
	int in_fd, out_fd, err_fd;
	struct child_fd_map fd_map[4]; /* extra fds for the child */
	int nr_fd_map;

	int64_t timeout_ns;    /* 0: none */
	int64_t kill_grace_ns; /* TERM -> KILL delay; 0: default 2s */
	/* Search PATH for args.v[0] (the child's PATH if env sets it). */
	bool use_path;
	/*
	 * Called in the child after fork, before exec (forces fork instead
	 * of posix_spawn).  Must be async-signal-safe; return non-zero with
	 * errno set to fail the spawn.
	 */
	int (*pre_exec)(void *data);
	void *pre_exec_data;
	void *data; /* the caller's, untouched */

	/* Filled in by start_command / the wait functions. */
	pid_t pid;
	bool running;
	unsigned long token; /* ORDEAL_CHILD_TOKEN, for finding escapees */
	int64_t start_ns, deadline_ns, kill_at_ns;
	struct run_result result;
};

#define CHILD_PROCESS_INIT                                                     \
	{                                                                      \
		.args = STRVEC_INIT, .env = STRVEC_INIT, .in_fd = -1,          \
		.out_fd = -1, .err_fd = -1                                     \
	}

void child_process_init(struct child_process *cp);
void child_process_clear(struct child_process *cp);

/*
 * Once per ordeal process, before the first child: become a child
 * subreaper (Linux), install the SIGCHLD and interrupt handlers.
 */
void run_command_init(void);

/*
 * Start the child.  Returns 0, or -1 when it could not be started; then
 * result.started is false and result.spawn_errno says why (nothing is
 * printed: the caller decides, e.g. "command not found" once).
 */
int start_command(struct child_process *cp);
/* Wait for this child (enforcing its timeout); returns 0 or -1 as above. */
int finish_command(struct child_process *cp);
/* start + finish. */
int run_command(struct child_process *cp);

/*
 * Wait until one started child finishes, its timeout handling done, and
 * return it (running is then false and result filled in), or NULL when
 * `timeout_ns` (-1: forever) passed, no child is running, or an interrupt
 * arrived (check run_command_interrupted()).
 */
struct child_process *run_command_wait_any(int64_t timeout_ns);
/* Number of children started and not yet returned by a wait. */
int run_command_running(void);

/* Kill every running child's tree (SIGKILL) and reap them. */
void run_command_kill_all(void);
/* The signal that interrupted us (SIGINT/SIGTERM/SIGHUP), or 0. */
int run_command_interrupted(void);
/*
 * While `on`, an interrupt makes ordeal _exit(130) at once, from the
 * handler: for the phase before anything is started (reading a --list or
 * a script from a pipe or FIFO that may never end, where SA_RESTART would
 * swallow the signal), which has nothing to clean up.
 */
void run_command_exit_on_interrupt(bool on);
/* Pretend an interrupt arrived (tests, --failfast paths). */
void run_command_interrupt(int sig);
/* A fd that becomes readable when a child exits or an interrupt arrives. */
int run_command_wake_fd(void);

/*
 * Describe how a child ended, for humans: "exit status 1",
 * "killed by signal KILL", "timed out after 2s", "command not found".
 */
void run_result_describe(struct strbuf *sb, const struct run_result *r);
/* True when the result counts as a pass (started, exited with 0). */
bool run_result_passed(const struct run_result *r);
/* Exit status 77 (automake's skip). */
bool run_result_skipped(const struct run_result *r);

/*
 * Write how a child ended as the members "exit_status" (a number, or null
 * when it did not exit), "signal" (its name, a number when it has none, or
 * null) and "timed_out", into an open JSON object: every report spells
 * them the same way.
 */
struct json_writer;
void run_result_json_status(struct json_writer *w, const struct run_result *r);

/*
 * Write the evidence file result.json for one finished child: argv, cwd,
 * start time, duration, exit status or signal, timed out or not, max RSS,
 * user/system CPU, seed, plus any extra members given as a JSON fragment
 * (NULL or "" for none; e.g. "\"thread\":0,\"run\":3").
 */
int run_result_write_json(const char *path, const struct child_process *cp,
			  uint64_t seed, const char *extra_json);
/* The same JSON, appended to `out` (for callers that write it later). */
void run_result_json(struct strbuf *out, const struct child_process *cp,
		     uint64_t seed, const char *extra_json);

#endif
