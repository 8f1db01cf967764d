/*
 * run-command.c - spawning and supervising children: process groups,
 * redirections, timeouts (TERM then KILL), escaped-process sweeps, rusage,
 * and the SIGCHLD/interrupt self-pipe that wakes every wait.
 */
#include "run-command.h"
#include "clock.h"
#include "json.h"
#include "os.h"
#include "path.h"
#include "strbuf.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 29)
#define HAVE_POSIX_SPAWN_ADDCHDIR 1
#endif

#define DEFAULT_KILL_GRACE_NS (2 * NS_PER_SEC)
#define TOKEN_VAR	      "ORDEAL_CHILD_TOKEN"

extern char **environ;

static int wake_pipe[2] = {-1, -1};
/*
 * /dev/null for reading and for writing, opened once (close-on-exec) and
 * dup2'd into every child that asks for it: one open per process, not
 * one or two per child.
 */
static int null_fds[2] = {-1, -1};
static volatile sig_atomic_t interrupted_sig;
static volatile sig_atomic_t exit_on_interrupt;
static bool initialised;
static unsigned long next_token;

/* Children started and not yet handed back by a wait. */
static struct child_process **running;
static size_t nr_running, alloc_running;
/* Finished children waiting to be handed back, in finishing order. */
static struct child_process **finished;
static size_t nr_finished, alloc_finished;

static void wake(void)
{
	int err = errno;
	char c = 0;

	if (wake_pipe[1] >= 0 && write(wake_pipe[1], &c, 1) < 0) {
		/* full pipe: a wake-up is pending anyway */
	}
	errno = err;
}

static void on_sigchld(int sig UNUSED)
{
	wake();
}

static void on_interrupt(int sig)
{
	if (exit_on_interrupt)
		_exit(EXIT_INTERRUPTED);
	interrupted_sig = sig;
	wake();
}

void run_command_init(void)
{
	struct sigaction sa;

	if (initialised)
		return;
	initialised = true;
	if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		die_errno("cannot create a pipe");
	/* Not fatal: without it escaped daemons are only found by group. */
	os_set_child_subreaper();

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sa.sa_handler = on_sigchld;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_interrupt;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int run_command_interrupted(void)
{
	return interrupted_sig;
}

void run_command_exit_on_interrupt(bool on)
{
	exit_on_interrupt = on;
	if (on && interrupted_sig)
		_exit(EXIT_INTERRUPTED);
}

void run_command_interrupt(int sig)
{
	interrupted_sig = sig;
	wake();
}

int run_command_wake_fd(void)
{
	return wake_pipe[0];
}

int run_command_running(void)
{
	return (int)(nr_running + nr_finished);
}

void child_process_init(struct child_process *cp)
{
	struct child_process blank = CHILD_PROCESS_INIT;

	*cp = blank;
}

void child_process_clear(struct child_process *cp)
{
	strvec_clear(&cp->args);
	strvec_clear(&cp->env);
}

/* The environment the child gets: ours or none, the edits, the token. */
static void build_env(struct child_process *cp, struct strvec *env)
{
	if (!cp->clean_env)
		strvec_pushv(env, (const char *const *)environ);
	for (size_t i = 0; i < cp->env.nr; i++) {
		const char *e = cp->env.v[i];
		const char *eq = strchr(e, '=');

		if (eq) {
			char *key = xstrndup(e, (size_t)(eq - e));
			strvec_setenv(env, key, eq + 1);
			free(key);
		} else {
			strvec_unsetenv(env, e);
		}
	}
	cp->token = ++next_token;
	strvec_unsetenv(env, TOKEN_VAR);
	strvec_pushf(env, "%s=%ld.%lu", TOKEN_VAR, (long)getpid(), cp->token);
}

/* Open one of the child's standard fds in the parent; -1 on failure. */
static int open_stdio(struct child_process *cp, int which, int *child_fd,
		      int *close_fd)
{
	enum child_stdio mode = which == 0   ? cp->in
				: which == 1 ? cp->out
					     : cp->err;
	const char *path = which == 0	? cp->in_path
			   : which == 1 ? cp->out_path
					: cp->err_path;
	int *fdp = which == 0	? &cp->in_fd
		   : which == 1 ? &cp->out_fd
				: &cp->err_fd;
	int fds[2];

	*child_fd = *close_fd = -1;
	switch (mode) {
	case CHILD_INHERIT:
	case CHILD_STDOUT:
		return 0;
	case CHILD_NULL:
		if (null_fds[!!which] < 0)
			null_fds[!!which] =
				open("/dev/null",
				     (which ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
		*child_fd = null_fds[!!which];
		return *child_fd < 0 ? -1 : 0; /* kept open for the next */
	case CHILD_FILE:
		*child_fd =
			open(path,
			     which ? O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
				   : O_RDONLY | O_CLOEXEC,
			     0666);
		break;
	case CHILD_APPEND:
		*child_fd = open(
			path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
		break;
	case CHILD_FD:
		*child_fd = *fdp;
		return 0; /* the caller's: not ours to close */
	case CHILD_PIPE:
		if (pipe2(fds, O_CLOEXEC) < 0)
			return -1;
		*fdp = which ? fds[0] : fds[1];
		*child_fd = which ? fds[1] : fds[0];
		break;
	}
	if (*child_fd < 0)
		return -1;
	*close_fd = *child_fd;
	return 0;
}

struct spawn_plan {
	const char *prog;
	const char **argv;
	const char **envp;
	int stdio[3]; /* fd to install as 0/1/2, or -1 */
	bool err_to_out;
};

/*
 * Fork path (pre_exec hooks, or no posix_spawn chdir): report exec errors
 * through a close-on-exec pipe.
 */
static pid_t spawn_fork(struct child_process *cp, struct spawn_plan *pl,
			int *err)
{
	int errpipe[2];
	pid_t pid;
	ssize_t n;
	int child_err = 0;

	if (pipe2(errpipe, O_CLOEXEC) < 0) {
		*err = errno;
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		*err = errno;
		close(errpipe[0]);
		close(errpipe[1]);
		return -1;
	}
	if (!pid) {
		sigset_t none;
		int e;

		setpgid(0, 0);
		for (int s = 1; s < NSIG; s++)
			if (s != SIGKILL && s != SIGSTOP)
				signal(s, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (int i = 0; i < 3; i++)
			if (pl->stdio[i] >= 0 && dup2(pl->stdio[i], i) < 0)
				goto fail;
		if (pl->err_to_out && dup2(1, 2) < 0)
			goto fail;
		for (int i = 0; i < cp->nr_fd_map; i++)
			if (dup2(cp->fd_map[i].from, cp->fd_map[i].to) < 0)
				goto fail;
		if (cp->dir && chdir(cp->dir) < 0)
			goto fail;
		if (cp->pre_exec && cp->pre_exec(cp->pre_exec_data))
			goto fail;
		execve(pl->prog, (char *const *)pl->argv,
		       (char *const *)pl->envp);
	fail:
		e = errno;
		if (write(errpipe[1], &e, sizeof(e)) < 0) {
			/* nothing more we can do */
		}
		_exit(127);
	}
	setpgid(pid, pid); /* both sides, so a kill right away hits it */
	close(errpipe[1]);
	n = read_in_full(errpipe[0], &child_err, sizeof(child_err));
	close(errpipe[0]);
	if (n == (ssize_t)sizeof(child_err)) {
		int status;
		waitpid(pid, &status, 0);
		*err = child_err;
		return -1;
	}
	return pid;
}

static pid_t spawn_posix(struct child_process *cp, struct spawn_plan *pl,
			 int *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	pid_t pid = -1;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	for (int i = 0; i < 3; i++)
		if (pl->stdio[i] >= 0)
			posix_spawn_file_actions_adddup2(&fa, pl->stdio[i], i);
	if (pl->err_to_out)
		posix_spawn_file_actions_adddup2(&fa, 1, 2);
	for (int i = 0; i < cp->nr_fd_map; i++)
		posix_spawn_file_actions_adddup2(&fa, cp->fd_map[i].from,
						 cp->fd_map[i].to);
#ifdef HAVE_POSIX_SPAWN_ADDCHDIR
	if (cp->dir)
		posix_spawn_file_actions_addchdir_np(&fa, cp->dir);
#endif
	sigemptyset(&none);
	sigfillset(&all);
	sigdelset(&all, SIGKILL);
	sigdelset(&all, SIGSTOP);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
						POSIX_SPAWN_SETSIGMASK |
						POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(&pid, pl->prog, &fa, &attr, (char *const *)pl->argv,
			 (char *const *)pl->envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc) {
		*err = rc;
		return -1;
	}
	return pid;
}

int start_command(struct child_process *cp)
{
	struct strvec env = STRVEC_INIT;
	struct spawn_plan pl;
	int close_fds[3];
	char *prog = NULL;
	int err = 0;
	pid_t pid = -1;
	bool use_fork;

	if (!initialised)
		run_command_init();
	memset(&cp->result, 0, sizeof(cp->result));
	cp->running = false;
	cp->pid = -1;
	if (!cp->args.nr)
		BUG("start_command without a program");

	build_env(cp, &env);
	if (cp->dir && access(cp->dir, X_OK) < 0) {
		err = errno; /* a missing cwd: the same for every spawn method
			      */
		goto out;
	}
	if (cp->use_path || !strchr(cp->args.v[0], '/')) {
		prog = locate_in_path(cp->args.v[0],
				      strvec_getenv(&env, "PATH"));
		if (!prog) {
			err = ENOENT;
			goto out;
		}
	} else {
		/*
		 * Say "not found" or "permission denied" ourselves: not every
		 * posix_spawn reports a failed exec (some, and valgrind, only
		 * show exit status 127).  A relative path is the child's,
		 * resolved in its directory.
		 */
		const char *name = cp->args.v[0];
		char *where = cp->dir && name[0] != '/'
				      ? path_join(cp->dir, name)
				      : xstrdup(name);

		if (access(where, X_OK) < 0) {
			err = errno;
			free(where);
			goto out;
		}
		free(where);
		prog = xstrdup(name);
	}

	memset(&pl, 0, sizeof(pl));
	pl.prog = prog;
	pl.argv = cp->args.v;
	pl.envp = env.v;
	for (int i = 0; i < 3; i++) {
		if (open_stdio(cp, i, &pl.stdio[i], &close_fds[i]) < 0) {
			err = errno;
			for (int j = 0; j < i; j++)
				close_keep_errno(close_fds[j]);
			goto out;
		}
	}
	pl.err_to_out = cp->err == CHILD_STDOUT;

	cp->result.start_wall_ns = clock_wall_ns();
	cp->start_ns = clock_now_ns();
#ifdef HAVE_POSIX_SPAWN_ADDCHDIR
	use_fork = cp->pre_exec != NULL;
#else
	use_fork = cp->pre_exec != NULL || cp->dir != NULL;
#endif
	pid = use_fork ? spawn_fork(cp, &pl, &err) : spawn_posix(cp, &pl, &err);
	for (int i = 0; i < 3; i++)
		if (close_fds[i] >= 0) {
			/* the parent keeps only its end of a pipe */
			close(close_fds[i]);
		}
out:
	free(prog);
	strvec_clear(&env);
	if (pid < 0) {
		cp->result.started = false;
		cp->result.spawn_errno = err;
		for (int i = 0; i < 3; i++) {
			enum child_stdio m = i == 0   ? cp->in
					     : i == 1 ? cp->out
						      : cp->err;
			int *fdp = i == 0   ? &cp->in_fd
				   : i == 1 ? &cp->out_fd
					    : &cp->err_fd;
			if (m == CHILD_PIPE && *fdp >= 0) {
				close(*fdp);
				*fdp = -1;
			}
		}
		return -1;
	}
	cp->pid = pid;
	cp->running = true;
	cp->result.started = true;
	cp->deadline_ns =
		cp->timeout_ns > 0 ? cp->start_ns + cp->timeout_ns : 0;
	cp->kill_at_ns = 0;
	ALLOC_GROW(running, nr_running + 1, alloc_running);
	running[nr_running++] = cp;
	return 0;
}

static ssize_t running_index(pid_t pid)
{
	for (size_t i = 0; i < nr_running; i++)
		if (running[i]->pid == pid)
			return (ssize_t)i;
	return -1;
}

static bool token_is_running(const char *token, pid_t self)
{
	for (size_t i = 0; i < nr_running; i++) {
		char buf[64];
		snprintf(buf, sizeof(buf), "%ld.%lu", (long)self,
			 running[i]->token);
		if (!strcmp(buf, token))
			return true;
	}
	return false;
}

/* Reap children that are not ours to report (orphans adopted by us). */
static int reap_orphans(pid_t self)
{
	int n = 0, status;
	pid_t pid;

	/* Only zombies we do not track: waitid would be neater, but
	 * wait4(-1) is reached through the main loop for tracked ones. */
	for (;;) {
		pid_t *kids = NULL;
		int nk = os_list_children(self, &kids);
		bool any = false;

		for (int i = 0; i < nk; i++) {
			if (running_index(kids[i]) >= 0)
				continue;
			pid = waitpid(kids[i], &status, WNOHANG);
			if (pid > 0) {
				n++;
				any = true;
			}
		}
		free(kids);
		if (!any)
			break;
	}
	return n;
}

/*
 * Wait (bounded) for adopted processes we just SIGKILLed, so none is left
 * as a zombie for whoever inherits it when we exit.
 */
static void reap_killed(const pid_t *pids, int n)
{
	int64_t until = clock_now_ns() + 2 * NS_PER_SEC;
	int left = n;

	while (left && clock_now_ns() < until) {
		left = 0;
		for (int i = 0; i < n; i++) {
			int status;

			if (pids[i] <= 0)
				continue;
			if (waitpid(pids[i], &status, WNOHANG) == 0)
				left++;
		}
		if (left)
			usleep(1000);
	}
}

/*
 * Kill what the finished child left behind: the rest of its process group,
 * and processes that escaped it (setsid) but carry its token.  With no
 * child, every adopted process carrying a token of ours whose child is no
 * longer running.  A process without the token (it removed it on purpose,
 * as a test's shared service may) is left alone.  Returns how many
 * processes were left.
 */
static int sweep_leftovers(struct child_process *cp)
{
	char token[64];
	int count = 0;
	pid_t *kids = NULL;
	pid_t self = getpid(); /* not cached: `ordeal script -j` forks */
	int nk;

	if (cp && killpg(cp->pid, 0) == 0) {
		killpg(cp->pid, SIGKILL);
		for (int i = 0; i < 100 && killpg(cp->pid, 0) == 0; i++) {
			count += reap_orphans(self);
			usleep(1000);
		}
		count += reap_orphans(self);
		if (!count)
			count = 1; /* group members reaped by their parents */
	}
	if (cp)
		snprintf(token, sizeof(token), "%ld.%lu", (long)self,
			 cp->token);
	nk = os_list_children(self, &kids);
	for (int i = 0; i < nk; i++) {
		char *t;
		bool kill_it;

		if (running_index(kids[i]) >= 0) {
			kids[i] = 0;
			continue;
		}
		t = os_process_getenv(kids[i], TOKEN_VAR);
		kill_it = t &&
			  (cp ? !strcmp(t, token) : !token_is_running(t, self));
		free(t);
		if (!kill_it) {
			kids[i] = 0;
			continue;
		}
		/* Its whole group and session too (a daemon's children). */
		killpg(kids[i], SIGKILL);
		kill(kids[i], SIGKILL);
		count++;
	}
	if (nk > 0) {
		reap_killed(kids, nk);
		reap_orphans(self);
	}
	free(kids);
	return count;
}

static void fill_result(struct child_process *cp, int status,
			const struct rusage *ru)
{
	struct run_result *r = &cp->result;

	r->duration_ns = clock_now_ns() - cp->start_ns;
	if (WIFEXITED(status)) {
		r->exited = true;
		r->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		r->signal = WTERMSIG(status);
	}
	r->max_rss_kb = ru->ru_maxrss;
	r->user_s = (double)ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6;
	r->sys_s = (double)ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
}

/* Collect every exited child; tracked ones move to `finished`. */
static void reap_all(void)
{
	for (;;) {
		struct rusage ru;
		int status;
		pid_t pid = wait4(-1, &status, WNOHANG, &ru);
		ssize_t i;
		struct child_process *cp;

		if (pid <= 0)
			break;
		i = running_index(pid);
		if (i < 0)
			continue; /* an adopted orphan */
		cp = running[i];
		running[i] = running[--nr_running];
		fill_result(cp, status, &ru);
		cp->result.escaped = sweep_leftovers(cp);
		cp->running = false;
		ALLOC_GROW(finished, nr_finished + 1, alloc_finished);
		finished[nr_finished++] = cp;
	}
}

/* Apply timeouts; returns the next time something is due (0: never). */
static int64_t enforce_timeouts(int64_t now)
{
	int64_t next = 0;

	for (size_t i = 0; i < nr_running; i++) {
		struct child_process *cp = running[i];
		int64_t due;

		if (cp->deadline_ns && now >= cp->deadline_ns &&
		    !cp->kill_at_ns) {
			cp->result.timed_out = true;
			killpg(cp->pid, SIGTERM);
			killpg(cp->pid,
			       SIGCONT); /* a stopped child must see it */
			cp->kill_at_ns =
				now + (cp->kill_grace_ns > 0
					       ? cp->kill_grace_ns
					       : DEFAULT_KILL_GRACE_NS);
		}
		if (cp->kill_at_ns && now >= cp->kill_at_ns) {
			killpg(cp->pid, SIGKILL);
			kill(cp->pid, SIGKILL);
		}
		due = cp->kill_at_ns ? cp->kill_at_ns : cp->deadline_ns;
		if (due && due > now && (!next || due < next))
			next = due;
	}
	return next;
}

static void drain_wake_pipe(void)
{
	char buf[256];

	while (read(wake_pipe[0], buf, sizeof(buf)) > 0)
		;
}

struct child_process *run_command_wait_any(int64_t timeout_ns)
{
	int64_t until = timeout_ns >= 0 ? clock_now_ns() + timeout_ns : 0;

	for (;;) {
		int64_t now, next, wait_ns;
		struct pollfd pfd;

		reap_all();
		if (nr_finished) {
			struct child_process *cp = finished[0];
			memmove(finished, finished + 1,
				--nr_finished * sizeof(*finished));
			return cp;
		}
		if (!nr_running || interrupted_sig)
			return NULL;
		now = clock_now_ns();
		next = enforce_timeouts(now);
		if (until && now >= until)
			return NULL;
		wait_ns = -1;
		if (next)
			wait_ns = next - now;
		if (until && (wait_ns < 0 || until - now < wait_ns))
			wait_ns = until - now;
		pfd.fd = wake_pipe[0];
		pfd.events = POLLIN;
		poll(&pfd, 1,
		     wait_ns < 0
			     ? -1
			     : (int)((wait_ns + NS_PER_MS - 1) / NS_PER_MS));
		drain_wake_pipe();
	}
}

/* Remove `cp` from the queue of finished children, if it is there. */
static void unqueue_finished(struct child_process *cp)
{
	for (size_t i = 0; i < nr_finished; i++)
		if (finished[i] == cp) {
			memmove(finished + i, finished + i + 1,
				(nr_finished - i - 1) * sizeof(*finished));
			nr_finished--;
			return;
		}
}

/*
 * Wait for this one child.  Other children that finish meanwhile stay
 * queued for their owner's run_command_wait_any().
 */
int finish_command(struct child_process *cp)
{
	if (!cp->result.started)
		return -1;
	for (;;) {
		int64_t now, next;
		struct pollfd pfd;

		reap_all();
		if (!cp->running)
			break;
		if (interrupted_sig) {
			run_command_kill_all();
			break;
		}
		now = clock_now_ns();
		next = enforce_timeouts(now);
		pfd.fd = wake_pipe[0];
		pfd.events = POLLIN;
		poll(&pfd, 1,
		     next ? (int)((next - now + NS_PER_MS - 1) / NS_PER_MS)
			  : -1);
		drain_wake_pipe();
	}
	unqueue_finished(cp);
	return 0;
}

int run_command(struct child_process *cp)
{
	if (start_command(cp) < 0)
		return -1;
	return finish_command(cp);
}

void run_command_kill_all(void)
{
	for (size_t i = 0; i < nr_running; i++) {
		killpg(running[i]->pid, SIGKILL);
		kill(running[i]->pid, SIGKILL);
		running[i]->result.interrupted = interrupted_sig != 0;
	}
	while (nr_running) {
		struct child_process *cp = running[0];
		struct rusage ru;
		int status;
		pid_t pid = wait4(cp->pid, &status, 0, &ru);

		if (pid < 0 && errno == EINTR)
			continue;
		running[0] = running[--nr_running];
		if (pid > 0)
			fill_result(cp, status, &ru);
		cp->result.escaped = sweep_leftovers(cp);
		cp->running = false;
		ALLOC_GROW(finished, nr_finished + 1, alloc_finished);
		finished[nr_finished++] = cp;
	}
	sweep_leftovers(NULL);
}

void run_result_describe(struct strbuf *sb, const struct run_result *r)
{
	if (!r->started) {
		if (r->spawn_errno == ENOENT)
			strbuf_addstr(sb, "command not found");
		else
			strbuf_addf(sb, "cannot run: %s",
				    strerror(r->spawn_errno));
		return;
	}
	if (r->timed_out) {
		strbuf_addstr(sb, "timed out after ");
		duration_format(sb, r->duration_ns);
		return;
	}
	if (r->interrupted) {
		strbuf_addstr(sb, "interrupted");
		return;
	}
	if (r->signal) {
		const char *name = signal_name(r->signal);
		if (name)
			strbuf_addf(sb, "killed by signal %s", name);
		else
			strbuf_addf(sb, "killed by signal %d", r->signal);
		return;
	}
	strbuf_addf(sb, "exit status %d", r->exit_code);
}

bool run_result_passed(const struct run_result *r)
{
	return r->started && r->exited && r->exit_code == 0 && !r->timed_out;
}

bool run_result_skipped(const struct run_result *r)
{
	return r->started && r->exited && r->exit_code == EXIT_SKIP &&
	       !r->timed_out;
}

void run_result_json(struct strbuf *out, const struct child_process *cp,
		     uint64_t seed, const char *extra_json)
{
	const struct run_result *r = &cp->result;
	struct strbuf desc = STRBUF_INIT;
	struct json_writer w;
	char *cwd = NULL;

	json_init(&w, out, true);
	json_object_begin(&w);
	json_key(&w, "argv");
	json_array_begin(&w);
	for (size_t i = 0; i < cp->args.nr; i++)
		json_string(&w, cp->args.v[i]);
	json_array_end(&w);
	json_key(&w, "cwd");
	if (cp->dir) {
		json_string(&w, cp->dir);
	} else {
		cwd = getcwd(NULL, 0);
		json_string(&w, cwd);
	}
	json_key(&w, "start");
	strbuf_reset(&desc);
	timestamp_format_iso(&desc, r->start_wall_ns);
	json_string(&w, desc.buf);
	json_key(&w, "duration_ns");
	json_int(&w, r->duration_ns);
	json_key(&w, "started");
	json_bool(&w, r->started);
	run_result_json_status(&w, r);
	json_key(&w, "interrupted");
	json_bool(&w, r->interrupted);
	json_key(&w, "escaped_processes");
	json_int(&w, r->escaped);
	json_key(&w, "max_rss_kb");
	json_int(&w, r->max_rss_kb);
	json_key(&w, "user_s");
	json_double(&w, r->user_s);
	json_key(&w, "sys_s");
	json_double(&w, r->sys_s);
	json_key(&w, "seed");
	json_uint(&w, seed);
	json_key(&w, "result");
	strbuf_reset(&desc);
	run_result_describe(&desc, r);
	json_string(&w, desc.buf);
	if (extra_json && *extra_json) {
		strbuf_addstr(out, ",\n  ");
		strbuf_addstr(out, extra_json);
	}
	json_object_end(&w);
	strbuf_addch(out, '\n');
	free(cwd);
	strbuf_release(&desc);
}

void run_result_json_status(struct json_writer *w, const struct run_result *r)
{
	json_key(w, "exit_status");
	if (r->exited)
		json_int(w, r->exit_code);
	else
		json_null(w);
	json_key(w, "signal");
	if (r->signal && signal_name(r->signal))
		json_string(w, signal_name(r->signal));
	else if (r->signal)
		json_int(w, r->signal);
	else
		json_null(w);
	json_key(w, "timed_out");
	json_bool(w, r->timed_out);
}

int run_result_write_json(const char *path, const struct child_process *cp,
			  uint64_t seed, const char *extra_json)
{
	struct strbuf out = STRBUF_INIT;
	int ret;

	run_result_json(&out, cp, seed, extra_json);
	ret = strbuf_write_file(&out, path);
	strbuf_release(&out);
	return ret;
}
