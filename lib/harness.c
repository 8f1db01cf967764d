/*
 * harness.c - ordeal_crash_run(): run a program armed at one crash point
 * in its own process group, capture its output (bounded), enforce a
 * timeout (SIGTERM to the group, then SIGKILL), and report how it ended.
 *
 * Linked into user test programs, so it cannot use ordeal's core (src/):
 * plain POSIX, no printing, no exiting.  Everything the child needs
 * (environment, path) is built before fork() so the child only makes
 * async-signal-safe calls, which keeps the harness usable from threads.
 */
#include <ordeal/crashpoint.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define DEFAULT_TIMEOUT_MS 30000L
#define DEFAULT_MAX_OUTPUT (1024 * 1024)
#define KILL_GRACE_MS	   1000L

struct capture {
	int fd;
	char *buf;
	size_t len, alloc, max;
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static char *fmt(const char *f, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, f);
	n = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, f);
	vsnprintf(s, (size_t)n + 1, f, ap);
	va_end(ap);
	return s;
}

static int fail(struct ordeal_crash_out *out, const char *what, int err)
{
	free(out->error);
	out->error = err ? fmt("%s: %s", what, strerror(err)) : fmt("%s", what);
	return -1;
}

/* Read what is available; returns 0 at EOF, 1 if more may come. */
static int capture_read(struct capture *c)
{
	char tmp[8192];
	ssize_t n = read(c->fd, tmp, sizeof(tmp));
	size_t keep;

	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return 0;
	keep = (size_t)n;
	if (c->len + keep > c->max)
		keep = c->max - c->len;
	if (keep && c->len + keep + 1 > c->alloc) {
		size_t alloc = c->alloc ? c->alloc : 4096;
		char *p;

		while (alloc < c->len + keep + 1)
			alloc *= 2;
		p = realloc(c->buf, alloc);
		if (!p)
			keep = 0;
		else {
			c->buf = p;
			c->alloc = alloc;
		}
	}
	if (keep) {
		memcpy(c->buf + c->len, tmp, keep);
		c->len += keep;
	}
	return 1;
}

static char *capture_take(struct capture *c, size_t *len)
{
	char *s = c->buf ? c->buf : malloc(1);

	if (s)
		s[c->len] = '\0';
	*len = s ? c->len : 0;
	c->buf = NULL;
	return s;
}

/* Resolve argv0 through PATH before forking. */
static char *find_program(const char *argv0)
{
	const char *path = getenv("PATH");
	const char *p, *end;

	if (strchr(argv0, '/'))
		return strdup(argv0);
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = end + 1) {
		char *cand;
		size_t dlen;

		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		dlen = (size_t)(end - p);
		cand = dlen ? fmt("%.*s/%s", (int)dlen, p, argv0)
			    : fmt("./%s", argv0);
		if (cand && access(cand, X_OK) == 0)
			return cand;
		free(cand);
		if (!*end)
			break;
	}
	return NULL;
}

static int env_overridden(const char *entry)
{
	static const char *const ours[] = {
		ORDEAL_ENV_CRASH_AT,   ORDEAL_ENV_CRASH_DIR,
		ORDEAL_ENV_STATUS_FD,  ORDEAL_ENV_ACK_FD,
		ORDEAL_ENV_POWER_LOSS, ORDEAL_ENV_CRASH_TRACE,
	};
	size_t i, n;

	for (i = 0; i < sizeof(ours) / sizeof(ours[0]); i++) {
		n = strlen(ours[i]);
		if (!strncmp(entry, ours[i], n) && entry[n] == '=')
			return 1;
	}
	return 0;
}

static void free_strv(char **v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

static char **build_env(const char *point, const char *dir, int status_fd,
			int ack_fd, const struct ordeal_crash_opts *opts)
{
	size_t n = 0, extra = 0, i, k = 0;
	char **env;

	while (environ && environ[n])
		n++;
	while (opts->env && opts->env[extra])
		extra++;
	env = calloc(n + extra + 8, sizeof(*env));
	if (!env)
		return NULL;
	for (i = 0; i < n; i++) {
		if (env_overridden(environ[i]))
			continue;
		if (opts->preload && !strncmp(environ[i], "LD_PRELOAD=", 11))
			continue;
		if (!(env[k++] = strdup(environ[i])))
			goto oom;
	}
	if (point && !(env[k++] = fmt("%s=%s", ORDEAL_ENV_CRASH_AT, point)))
		goto oom;
	if (!(env[k++] = fmt("%s=%s", ORDEAL_ENV_CRASH_DIR, dir)))
		goto oom;
	if (!(env[k++] = fmt("%s=%d", ORDEAL_ENV_STATUS_FD, status_fd)))
		goto oom;
	if (!(env[k++] = fmt("%s=%d", ORDEAL_ENV_ACK_FD, ack_fd)))
		goto oom;
	if (opts->preload && !(env[k++] = fmt("LD_PRELOAD=%s", opts->preload)))
		goto oom;
	if (opts->power_loss &&
	    !(env[k++] = fmt("%s=1", ORDEAL_ENV_POWER_LOSS)))
		goto oom;
	for (i = 0; i < extra; i++)
		if (!(env[k++] = strdup(opts->env[i])))
			goto oom;
	return env;
oom:
	free_strv(env);
	return NULL;
}

static void parse_status(const char *s, struct ordeal_crash_out *out)
{
	while (s && *s) {
		const char *eol = strchr(s, '\n');
		size_t len = eol ? (size_t)(eol - s) : strlen(s);

		if (len > 8 && !strncmp(s, "crashed ", 8)) {
			const char *at = s + 8;
			const char *sep = memchr(at, '@', len - 8);

			if (sep) {
				free(out->point);
				out->point = fmt("%.*s", (int)(sep - at), at);
				out->hit = strtoul(sep + 1, NULL, 10);
			}
		}
		s += len;
		if (*s == '\n')
			s++;
	}
}

/* The child side of fork(): async-signal-safe calls only. */
static void child(const char *path, char *const *argv, char *const *envp,
		  const char *dir, int pipes[5][2])
{
	int err, null_fd;

	setpgid(0, 0);
	if (chdir(dir) < 0)
		goto fail;
	null_fd = open("/dev/null", O_RDONLY);
	if (null_fd < 0 || dup2(null_fd, 0) < 0)
		goto fail;
	if (dup2(pipes[0][1], 1) < 0 || dup2(pipes[1][1], 2) < 0)
		goto fail;
	if (fcntl(pipes[2][1], F_SETFD, 0) < 0 ||
	    fcntl(pipes[3][1], F_SETFD, 0) < 0)
		goto fail;
	signal(SIGPIPE, SIG_DFL);
	execve(path, argv, envp);
fail:
	err = errno;
	if (write(pipes[4][1], &err, sizeof(err)) < 0)
		_exit(127);
	_exit(127);
}

static void close_pipes(int pipes[5][2])
{
	int i, j;

	for (i = 0; i < 5; i++)
		for (j = 0; j < 2; j++)
			if (pipes[i][j] >= 0) {
				close(pipes[i][j]);
				pipes[i][j] = -1;
			}
}

static int make_pipe(int p[2])
{
	/* pipe2 where it exists: no window where a fork elsewhere in the
	 * program could inherit our pipes. */
#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) ||       \
	defined(__OpenBSD__)
	if (pipe2(p, O_CLOEXEC) == 0)
		return 0;
	if (errno != ENOSYS)
		return -1;
#endif
	if (pipe(p) < 0)
		return -1;
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

static int wait_child(pid_t pid, int *wstatus, int block)
{
	pid_t r;

	do
		r = waitpid(pid, wstatus, block ? 0 : WNOHANG);
	while (r < 0 && errno == EINTR);
	return r == pid;
}

int ordeal_crash_run(const char *const *argv, const char *point,
		     const struct ordeal_crash_opts *opts_in,
		     struct ordeal_crash_out *out)
{
	static const struct ordeal_crash_opts no_opts;
	const struct ordeal_crash_opts *opts = opts_in ? opts_in : &no_opts;
	struct capture cap[4];
	int pipes[5][2] = {{-1, -1}, {-1, -1}, {-1, -1}, {-1, -1}, {-1, -1}};
	long timeout =
		opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
	size_t max = opts->max_output ? opts->max_output : DEFAULT_MAX_OUTPUT;
	long deadline, kill_at = -1;
	char *path = NULL, **env = NULL, *status_text;
	size_t status_len;
	int i, open_fds, wstatus = 0, reaped = 0, exec_err = 0, ret = -1;
	int made_dir = 0;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	memset(cap, 0, sizeof(cap));
	out->exit_code = -1;
	if (!argv || !argv[0])
		return fail(out, "no program to run", 0);
	if (point && !*point)
		point = NULL;

	path = find_program(argv[0]);
	if (!path) {
		out->error = fmt("cannot find '%s' in PATH", argv[0]);
		return -1;
	}
	if (opts->dir) {
		out->dir = strdup(opts->dir);
	} else {
		const char *tmp = getenv("TMPDIR");
		char *templ = fmt("%s/ordeal-crash-XXXXXX",
				  tmp && *tmp ? tmp : "/tmp");

		if (templ && !mkdtemp(templ)) {
			fail(out, "cannot create a directory", errno);
			free(templ);
			free(path);
			return -1;
		}
		out->dir = templ;
		made_dir = templ != NULL;
	}
	if (!out->dir) {
		free(path);
		return fail(out, "out of memory", 0);
	}

	for (i = 0; i < 5; i++)
		if (make_pipe(pipes[i]) < 0) {
			fail(out, "pipe", errno);
			goto done;
		}
	env = build_env(point, out->dir, pipes[2][1], pipes[3][1], opts);
	if (!env) {
		fail(out, "out of memory", 0);
		goto done;
	}

	pid = fork();
	if (pid < 0) {
		fail(out, "fork", errno);
		goto done;
	}
	if (pid == 0)
		child(path, (char *const *)argv, env, out->dir, pipes);
	setpgid(pid, pid);
	for (i = 0; i < 5; i++) {
		close(pipes[i][1]);
		pipes[i][1] = -1;
	}
	for (i = 0; i < 4; i++) {
		cap[i].fd = pipes[i][0];
		cap[i].max = max;
	}

	deadline = now_ms() + timeout;
	open_fds = 4;
	for (;;) {
		struct pollfd pfd[4];
		int nfds = 0, map[4], wait;
		long now = now_ms();

		if (!reaped && wait_child(pid, &wstatus, 0)) {
			reaped = 1;
			/* What the program left running dies with it. */
			kill(-pid, SIGKILL);
			if (kill_at < 0)
				deadline = now + 2000;
		}
		if (reaped && !open_fds)
			break;
		if (now >= deadline) {
			if (reaped)
				break; /* a stray holds a pipe open */
			if (kill_at < 0) {
				out->timed_out = 1;
				kill(-pid, SIGTERM);
				kill_at = now + KILL_GRACE_MS;
				deadline = kill_at;
			} else {
				kill(-pid, SIGKILL);
				wait_child(pid, &wstatus, 1);
				reaped = 1;
				deadline = now + 2000;
			}
			continue;
		}
		for (i = 0; i < 4; i++)
			if (cap[i].fd >= 0) {
				pfd[nfds].fd = cap[i].fd;
				pfd[nfds].events = POLLIN;
				map[nfds++] = i;
			}
		/* With no pipe left, only the child's exit is awaited. */
		wait = nfds ? 50 : 2;
		if (deadline - now < wait)
			wait = (int)(deadline - now);
		if (poll(pfd, (nfds_t)nfds, wait) < 0 && errno != EINTR) {
			fail(out, "poll", errno);
			break;
		}
		for (i = 0; i < nfds; i++)
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) {
				struct capture *c = &cap[map[i]];

				if (!capture_read(c)) {
					close(c->fd);
					c->fd = -1;
					pipes[map[i]][0] = -1;
					open_fds--;
				}
			}
	}
	if (!reaped) {
		kill(-pid, SIGKILL);
		wait_child(pid, &wstatus, 1);
	}
	if (read(pipes[4][0], &exec_err, sizeof(exec_err)) ==
	    (ssize_t)sizeof(exec_err)) {
		fail(out, "cannot run the program", exec_err);
		free(out->error);
		out->error =
			fmt("cannot run '%s': %s", argv[0], strerror(exec_err));
		goto done;
	}
	if (WIFEXITED(wstatus)) {
		out->exit_code = WEXITSTATUS(wstatus);
	} else if (WIFSIGNALED(wstatus)) {
		out->signal = WTERMSIG(wstatus);
		out->killed = out->signal == SIGKILL;
	}
	out->stdout_buf = capture_take(&cap[0], &out->stdout_len);
	out->stderr_buf = capture_take(&cap[1], &out->stderr_len);
	status_text = capture_take(&cap[2], &status_len);
	out->acks = capture_take(&cap[3], &out->acks_len);
	parse_status(status_text, out);
	/* Only the requested point counts as the injected crash. */
	if (out->point && (!point || !out->killed)) {
		free(out->point);
		out->point = NULL;
		out->hit = 0;
	}
	free(status_text);
	ret = 0;
done:
	/* A directory we made for a run that never happened goes away. */
	if (ret < 0 && made_dir)
		rmdir(out->dir);
	for (i = 0; i < 4; i++)
		free(cap[i].buf);
	close_pipes(pipes);
	free_strv(env);
	free(path);
	return ret;
}

void ordeal_crash_out_free(struct ordeal_crash_out *out)
{
	if (!out)
		return;
	free(out->stdout_buf);
	free(out->stderr_buf);
	free(out->acks);
	free(out->point);
	free(out->dir);
	free(out->error);
	memset(out, 0, sizeof(*out));
	out->exit_code = -1;
}
