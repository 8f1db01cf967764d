/*
 * helper.c - ordeal-test-helper, the one deterministic program the tests
 * run as a "test under test": it exits with a given status, sleeps, prints
 * its environment or a huge amount of output, kills or stops itself, fails
 * on the Kth call (counted in a file, so flakiness is reproducible without
 * races), leaves grandchildren and setsid daemons behind, ignores SIGTERM,
 * and writes garbage bytes.
 *
 * It is self-contained (libc only): it is built without sanitizers and run
 * under the preload library, so it must not depend on libcore.  Usage
 * errors exit 2 with a message, like ordeal itself.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NAME "ordeal-test-helper"

extern char **environ;

static const char usage_text[] =
	"usage: ordeal-test-helper [--pidfile PATH] <command> [args]\n"
	"\n"
	"--pidfile PATH first writes our pid to PATH (atomically).  DUR is a\n"
	"duration (150ms, 2s, 1m); a SIZE takes k/m/g (KiB/MiB/GiB).\n"
	"\n"
	"  exit N [ARGS...]      exit with status N (ARGS are ignored)\n"
	"  sleep DUR [N]         sleep DUR, then exit N (0)\n"
	"  echo ARGS...          print ARGS joined by spaces on stdout\n"
	"  stderr ARGS...        the same on stderr\n"
	"  lines N [CODE]        print 'line 1'..'line N', exit CODE (0)\n"
	"  print-env [VAR...]    print the environment, or VAR=value per\n"
	"                        VAR ('VAR (unset)' when unset)\n"
	"  print-bytes SIZE [--no-newline] [--byte C]\n"
	"                        write SIZE bytes on stdout: 64-byte\n"
	"                        lines of C (x) ending in a newline, or\n"
	"                        only C with --no-newline\n"
	"  kill-self SIG         kill itself with SIG (name or number)\n"
	"  stop-self             SIGSTOP itself; exit 0 once continued\n"
	"  fail-on K FILE        add 1 to the counter in FILE (locked);\n"
	"                        exit 1 on the Kth call, else 0\n"
	"  fail-every K FILE     the same, exit 1 on every Kth call\n"
	"  fail-after K FILE     the same, exit 1 on every call after K\n"
	"  count FILE            add 1 to the counter in FILE, print it\n"
	"  spawn-grandchild DUR [PIDFILE]\n"
	"                        fork a child (same group, stdio kept)\n"
	"                        that sleeps DUR; print and write its\n"
	"                        pid; exit 0\n"
	"  spawn-daemon DUR [PIDFILE]\n"
	"                        double fork + setsid: a daemon (stdio on\n"
	"                        /dev/null) sleeping DUR; its pid is\n"
	"                        printed and written before we exit 0\n"
	"  fork-many N DUR [--no-wait]\n"
	"                        fork N children sleeping DUR; wait for\n"
	"                        them (or exit at once with --no-wait)\n"
	"  ignore-term DUR       ignore SIGTERM, print 'ready', sleep DUR\n"
	"  alive PIDFILE         exit 0 if that pid runs, 1 if gone or a\n"
	"                        zombie\n"
	"  wait-dead PIDFILE [DUR]\n"
	"                        wait until that pid is gone (or a\n"
	"                        zombie); exit 1 if it still runs after\n"
	"                        DUR (5s)\n"
	"  wait-file PATH [DUR]  wait until PATH exists; exit 1 after DUR\n"
	"                        (10s)\n"
	"  close-stdio           close stdout and stderr, sleep 100ms,\n"
	"                        exit 0\n"
	"  write-garbage         invalid UTF-8, NUL and terminal escapes\n"
	"                        on stdout and stderr\n"
	"  cat                   copy stdin to stdout\n"
	"  pwd                   print the working directory\n"
	"  print-ids             print 'pid P pgid G sid S ppid Q'\n"
	"  write-file PATH TEXT  write TEXT and a newline to PATH\n"
	"  alloc MIB             allocate and touch MIB MiB, then exit 0\n"
	"  spin DUR              burn CPU for DUR, then exit 0\n"
	"  rm-cwd [CODE]         remove the working directory (and all\n"
	"                        below it), then exit CODE (0)\n"
	"  hold-open PATH DUR [--daemon]\n"
	"                        open PATH for writing (created), cd to\n"
	"                        its directory, hold both for DUR; with\n"
	"                        --daemon in a setsid daemon (pid printed)\n"
	"                        and exit 0 once it holds them\n";

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, NAME ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nsee '" NAME " -h' for the commands\n");
	return 2;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Go-style durations: 150ms, 2s, 1.5s, 1h30m, 100us; a bare number: s. */
static int parse_dur(const char *s, int64_t *out)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = {
		{"ns", 1},  {"us", 1e3}, {"ms", 1e6},
		{"s", 1e9}, {"m", 60e9}, {"h", 3600e9},
	};
	double total = 0;

	if (!*s)
		return -1;
	while (*s) {
		char *end;
		double v;
		size_t i, n = 0;

		if (!isdigit((unsigned char)*s) && *s != '.')
			return -1;
		v = strtod(s, &end);
		if (end == s)
			return -1;
		s = end;
		if (!*s && total == 0) {
			total = v * 1e9;
			break;
		}
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t l = strlen(units[i].unit);
			/* "m" must not eat the "m" of "ms". */
			if (!strncmp(s, units[i].unit, l) && l > n &&
			    !(l == 1 && s[0] == 'm' && s[1] == 's'))
				n = l, total += v * units[i].ns;
		}
		if (!n)
			return -1;
		s += n;
	}
	*out = (int64_t)total;
	return 0;
}

static int64_t dur_arg(const char *s)
{
	int64_t ns;

	if (parse_dur(s, &ns) < 0) {
		usage_error("bad duration '%s'", s);
		exit(2);
	}
	return ns;
}

static long long num_arg(const char *s, long long min, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max) {
		usage_error("bad number '%s'", s);
		exit(2);
	}
	return v;
}

/* Sleep the whole duration, even across signals (SIGSTOP/SIGCONT). */
static void sleep_ns(int64_t ns)
{
	int64_t end = now_ns() + ns;

	for (;;) {
		int64_t left = end - now_ns();
		struct timespec ts;

		if (left <= 0)
			return;
		ts.tv_sec = left / 1000000000LL;
		ts.tv_nsec = left % 1000000000LL;
		nanosleep(&ts, NULL);
	}
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_pidfile(const char *path, pid_t pid)
{
	char buf[32];
	char tmp[4096];
	int fd, n = snprintf(buf, sizeof(buf), "%ld\n", (long)pid);

	/* Written then renamed, so a reader never sees a half pid. */
	snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write_all(fd, buf, (size_t)n) < 0 || close(fd) < 0 ||
	    rename(tmp, path) < 0) {
		fprintf(stderr, NAME ": cannot write '%s': %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* Add one to the decimal counter in `path` under an exclusive lock. */
static long long bump_counter(const char *path)
{
	char buf[64];
	long long n = 0;
	ssize_t r;
	int fd = open(path, O_RDWR | O_CREAT, 0644);

	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		fprintf(stderr, NAME ": cannot open counter '%s': %s\n", path,
			strerror(errno));
		exit(2);
	}
	r = pread(fd, buf, sizeof(buf) - 1, 0);
	if (r > 0) {
		buf[r] = '\0';
		n = strtoll(buf, NULL, 10);
	}
	n++;
	r = snprintf(buf, sizeof(buf), "%lld\n", n);
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)r, 0) != r) {
		fprintf(stderr, NAME ": cannot write counter '%s': %s\n", path,
			strerror(errno));
		exit(2);
	}
	close(fd); /* releases the lock */
	return n;
}

static int signal_arg(const char *s)
{
	static const struct {
		const char *name;
		int sig;
	} sigs[] = {
		{"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT},
		{"ILL", SIGILL},   {"TRAP", SIGTRAP}, {"ABRT", SIGABRT},
		{"BUS", SIGBUS},   {"FPE", SIGFPE},   {"KILL", SIGKILL},
		{"USR1", SIGUSR1}, {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},
		{"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM},
		{"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"STOP", SIGSTOP},
		{"TSTP", SIGTSTP}, {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},
		{"SYS", SIGSYS},
	};

	if (isdigit((unsigned char)*s))
		return (int)num_arg(s, 1, 64);
	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (!strcmp(s, sigs[i].name))
			return sigs[i].sig;
	usage_error("unknown signal '%s'", s);
	exit(2);
}

/* "123", "4k", "5m", "1g" (binary units). */
static unsigned long long size_arg(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!isdigit((unsigned char)*s)) {
		usage_error("bad size '%s'", s);
		exit(2);
	}
	v = strtoull(s, &end, 10);
	switch (tolower((unsigned char)*end)) {
	case 'k':
		v <<= 10;
		end++;
		break;
	case 'm':
		v <<= 20;
		end++;
		break;
	case 'g':
		v <<= 30;
		end++;
		break;
	}
	if (*end || errno) {
		usage_error("bad size '%s'", s);
		exit(2);
	}
	return v;
}

static int do_print_bytes(int argc, char **argv)
{
	static char block[1 << 16];
	unsigned long long n, left;
	int newline = 1, c = 'x';
	int i;

	if (argc < 2)
		return usage_error("print-bytes: missing N");
	n = size_arg(argv[1]);
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--no-newline")) {
			newline = 0;
		} else if (!strcmp(argv[i], "--byte") && i + 1 < argc) {
			const char *b = argv[++i];
			c = strlen(b) == 1 ? (unsigned char)b[0]
					   : (int)num_arg(b, 0, 255);
		} else {
			return usage_error("print-bytes: bad argument '%s'",
					   argv[i]);
		}
	}
	memset(block, c, sizeof(block));
	if (newline)
		for (size_t j = 63; j < sizeof(block); j += 64)
			block[j] = '\n';
	for (left = n; left;) {
		size_t chunk = left < sizeof(block) ? left : sizeof(block);
		if (write_all(1, block, chunk) < 0)
			return 1;
		left -= chunk;
	}
	return 0;
}

static void print_joined(FILE *fp, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		fprintf(fp, "%s%s", i > 1 ? " " : "", argv[i]);
	fputc('\n', fp);
}

static int do_print_env(int argc, char **argv)
{
	if (argc < 2) {
		for (char **e = environ; *e; e++)
			puts(*e);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		const char *v = getenv(argv[i]);
		if (v)
			printf("%s=%s\n", argv[i], v);
		else
			printf("%s (unset)\n", argv[i]);
	}
	return 0;
}

static int do_counter(int argc, char **argv, int kind)
{
	long long k, n;

	if (argc != 3)
		return usage_error("%s: need K and FILE", argv[0]);
	k = num_arg(argv[1], 1, 1LL << 40);
	n = bump_counter(argv[2]);
	printf("call %lld\n", n);
	if ((kind == 0 && n == k) || (kind == 1 && n % k == 0) ||
	    (kind == 2 && n > k)) {
		fflush(stdout);
		fprintf(stderr, "failing on call %lld\n", n);
		return 1;
	}
	return 0;
}

static int do_spawn_grandchild(int argc, char **argv)
{
	int64_t dur;
	pid_t pid;

	if (argc < 2 || argc > 3)
		return usage_error("spawn-grandchild: need DUR [PIDFILE]");
	dur = dur_arg(argv[1]);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		sleep_ns(dur);
		_exit(0);
	}
	if (argc == 3 && write_pidfile(argv[2], pid) < 0)
		return 1;
	printf("grandchild %ld\n", (long)pid);
	return 0;
}

/*
 * Start a daemon (its own session, off our stdio, orphaned by a double
 * fork) that writes `pidfile` when given, then sleeps `dur`; it keeps the
 * fds we have open.  Returns its pid once it is set up, so tests never race
 * it, or -1.
 */
static pid_t start_daemon(int64_t dur, const char *pidfile)
{
	int ready[2];
	pid_t pid, daemon_pid = 0;

	fflush(stdout);
	if (pipe(ready) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		pid_t d;
		int null;

		close(ready[0]);
		setsid();
		d = fork();
		if (d < 0)
			_exit(1);
		if (d)
			_exit(0);
		null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
		if (pidfile && write_pidfile(pidfile, getpid()) < 0)
			_exit(1);
		d = getpid();
		if (write_all(ready[1], &d, sizeof(d)) < 0)
			_exit(1);
		close(ready[1]);
		sleep_ns(dur);
		_exit(0);
	}
	close(ready[1]);
	waitpid(pid, NULL, 0);
	if (read(ready[0], &daemon_pid, sizeof(daemon_pid)) !=
	    sizeof(daemon_pid)) {
		fprintf(stderr, NAME ": daemon did not start\n");
		daemon_pid = -1;
	}
	close(ready[0]);
	return daemon_pid;
}

static int do_spawn_daemon(int argc, char **argv)
{
	pid_t pid;

	if (argc < 2 || argc > 3)
		return usage_error("spawn-daemon: need DUR [PIDFILE]");
	pid = start_daemon(dur_arg(argv[1]), argc == 3 ? argv[2] : NULL);
	if (pid < 0)
		return 1;
	printf("daemon %ld\n", (long)pid);
	return 0;
}

static int do_fork_many(int argc, char **argv)
{
	long long n;
	int64_t dur;
	int wait_all = 1;

	if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "--no-wait")))
		return usage_error("fork-many: need N DUR [--no-wait]");
	n = num_arg(argv[1], 0, 100000);
	dur = dur_arg(argv[2]);
	wait_all = argc == 3;
	fflush(stdout);
	for (long long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror(NAME ": fork");
			return 1;
		}
		if (!pid) {
			sleep_ns(dur);
			_exit(0);
		}
	}
	printf("forked %lld\n", n);
	fflush(stdout);
	if (wait_all)
		while (wait(NULL) > 0 || errno == EINTR)
			;
	return 0;
}

static long read_pidfile(const char *path)
{
	long pid;
	FILE *fp = fopen(path, "r");

	if (!fp || fscanf(fp, "%ld", &pid) != 1 || pid <= 0) {
		fprintf(stderr, NAME ": cannot read a pid from '%s'\n", path);
		exit(2);
	}
	fclose(fp);
	return pid;
}

/* 1: alive; 0: gone; -1: a zombie (dead, not yet reaped). */
static int pid_state(long pid)
{
	char buf[512], path[64];
	FILE *fp;

	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	fp = fopen(path, "r");
	if (fp) {
		char *p =
			fgets(buf, sizeof(buf), fp) ? strrchr(buf, ')') : NULL;
		fclose(fp);
		if (p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'))
			return -1;
	}
	return 1;
}

/* Alive means: exists and is not a zombie waiting to be reaped. */
static int do_alive(int argc, char **argv)
{
	long pid;
	int st;

	if (argc != 2)
		return usage_error("alive: need PIDFILE");
	pid = read_pidfile(argv[1]);
	st = pid_state(pid);
	printf("%ld %s\n", pid,
	       st > 0	? "alive"
	       : st < 0 ? "dead (zombie)"
			: "dead");
	return st > 0 ? 0 : 1;
}

static int do_wait_dead(int argc, char **argv)
{
	int64_t end, limit = 5000000000LL;
	long pid;

	if (argc < 2 || argc > 3)
		return usage_error("wait-dead: need PIDFILE [DUR]");
	if (argc == 3)
		limit = dur_arg(argv[2]);
	pid = read_pidfile(argv[1]);
	end = now_ns() + limit;
	while (pid_state(pid) > 0) {
		if (now_ns() > end) {
			printf("%ld still alive\n", pid);
			return 1;
		}
		sleep_ns(10000000);
	}
	printf("%ld dead\n", pid);
	return 0;
}

static int do_wait_file(int argc, char **argv)
{
	int64_t limit = 10000000000LL, end;
	struct stat st;

	if (argc < 2 || argc > 3)
		return usage_error("wait-file: need PATH [DUR]");
	if (argc == 3)
		limit = dur_arg(argv[2]);
	end = now_ns() + limit;
	while (stat(argv[1], &st) < 0) {
		if (now_ns() > end) {
			fprintf(stderr, NAME ": '%s' did not appear\n",
				argv[1]);
			return 1;
		}
		sleep_ns(5000000);
	}
	return 0;
}

static int do_write_garbage(void)
{
	static const char garbage[] =
		"bad utf-8: \xff\xfe \xc0\xaf \x80 \xed\xa0\x80 "
		"\xf4\x90\x80\x80"
		" truncated \xe2\x82|\n"
		"nul: [\0]\n"
		"escapes: \x1b[31mred\x1b[0m \x1b]0;title\x07 bell\x07"
		" back\bspace cr\rdel\x7f\n"
		"controls: \x01\x02\x0b\x0c\x1f\n"
		"valid: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\n";

	if (write_all(1, garbage, sizeof(garbage) - 1) < 0 ||
	    write_all(2, garbage, sizeof(garbage) - 1) < 0)
		return 1;
	return 0;
}

static int do_cat(void)
{
	char buf[1 << 16];
	ssize_t n;

	while ((n = read(0, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror(NAME ": read");
			return 1;
		}
		if (write_all(1, buf, (size_t)n) < 0)
			return 1;
	}
	return 0;
}

static int do_alloc(int argc, char **argv)
{
	long long mib;
	size_t len;
	char *p;

	if (argc != 2)
		return usage_error("alloc: need MIB");
	mib = num_arg(argv[1], 0, 1 << 20);
	len = (size_t)mib << 20;
	p = malloc(len ? len : 1);
	if (!p) {
		fprintf(stderr, NAME ": cannot allocate %lld MiB\n", mib);
		return 1;
	}
	/* Touch every page so it counts in the resident set. */
	for (size_t i = 0; i < len; i += 4096)
		((volatile char *)p)[i] = 1;
	printf("allocated %lld MiB\n", mib);
	free(p);
	return 0;
}

static int do_spin(int argc, char **argv)
{
	int64_t end;
	volatile uint64_t x = 0;

	if (argc != 2)
		return usage_error("spin: need DUR");
	end = now_ns() + dur_arg(argv[1]);
	while (now_ns() < end)
		for (int i = 0; i < 100000; i++)
			x += (uint64_t)i;
	return 0;
}

/* Remove DIR and everything below it, not following symlinks. */
static int remove_tree(const char *dir)
{
	char path[4096];
	struct stat st;

	if (lstat(dir, &st) < 0)
		return -1;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(dir);
		struct dirent *de;

		if (!d)
			return -1;
		while ((de = readdir(d))) {
			if (!strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			remove_tree(path);
		}
		closedir(d);
		return rmdir(dir);
	}
	return unlink(dir);
}

static int do_rm_cwd(int argc, char **argv)
{
	char buf[4096];
	int code = 0;

	if (argc > 2)
		return usage_error("rm-cwd: need [CODE]");
	if (argc == 2)
		code = (int)num_arg(argv[1], 0, 255);
	if (!getcwd(buf, sizeof(buf)))
		return 1;
	if (remove_tree(buf) < 0) {
		fprintf(stderr, NAME ": cannot remove '%s': %s\n", buf,
			strerror(errno));
		return 1;
	}
	printf("removed %s\n", buf);
	return code;
}

static int do_hold_open(int argc, char **argv)
{
	int64_t dur;
	int daemon_mode, fd;
	char dir[4096], *slash;
	pid_t held;

	daemon_mode = argc == 4 && !strcmp(argv[3], "--daemon");
	if (argc != 3 && !daemon_mode)
		return usage_error("hold-open: need PATH DUR [--daemon]");
	dur = dur_arg(argv[2]);
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0 || (slash && chdir(dir) < 0)) {
		fprintf(stderr, NAME ": cannot hold '%s': %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	if (!daemon_mode) {
		printf("holding %s\n", argv[1]);
		fflush(stdout);
		sleep_ns(dur);
		return 0;
	}
	held = start_daemon(dur, NULL); /* it inherits fd */
	close(fd);
	if (held < 0)
		return 1;
	printf("daemon %ld holds %s\n", (long)held, argv[1]);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc > 2 && !strcmp(argv[1], "--pidfile")) {
		if (write_pidfile(argv[2], getpid()) < 0)
			return 2;
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		return usage_error("missing command");
	cmd = argv[1];
	argc--;
	argv++;

	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(cmd, "exit")) {
		if (argc < 2)
			return usage_error("exit: need N");
		return (int)num_arg(argv[1], 0, 255);
	}
	if (!strcmp(cmd, "sleep")) {
		int code = 0;
		if (argc < 2 || argc > 3)
			return usage_error("sleep: need DUR [N]");
		if (argc == 3)
			code = (int)num_arg(argv[2], 0, 255);
		sleep_ns(dur_arg(argv[1]));
		return code;
	}
	if (!strcmp(cmd, "echo")) {
		print_joined(stdout, argc, argv);
		return 0;
	}
	if (!strcmp(cmd, "stderr")) {
		print_joined(stderr, argc, argv);
		return 0;
	}
	if (!strcmp(cmd, "lines")) {
		long long n;
		int code = 0;
		if (argc < 2 || argc > 3)
			return usage_error("lines: need N [CODE]");
		n = num_arg(argv[1], 0, 1LL << 40);
		if (argc == 3)
			code = (int)num_arg(argv[2], 0, 255);
		for (long long i = 1; i <= n; i++)
			printf("line %lld\n", i);
		return code;
	}
	if (!strcmp(cmd, "print-env"))
		return do_print_env(argc, argv);
	if (!strcmp(cmd, "print-bytes"))
		return do_print_bytes(argc, argv);
	if (!strcmp(cmd, "kill-self")) {
		int sig;
		if (argc != 2)
			return usage_error("kill-self: need SIG");
		sig = signal_arg(argv[1]);
		fflush(stdout);
		fflush(stderr);
		signal(sig, SIG_DFL);
		kill(getpid(), sig);
		/* Signals whose default is to ignore them land here. */
		sleep_ns(100000000);
		fprintf(stderr, NAME ": still alive after signal %d\n", sig);
		return 3;
	}
	if (!strcmp(cmd, "stop-self")) {
		fflush(stdout);
		raise(SIGSTOP);
		printf("continued\n");
		return 0;
	}
	if (!strcmp(cmd, "fail-on"))
		return do_counter(argc, argv, 0);
	if (!strcmp(cmd, "fail-every"))
		return do_counter(argc, argv, 1);
	if (!strcmp(cmd, "fail-after"))
		return do_counter(argc, argv, 2);
	if (!strcmp(cmd, "count")) {
		if (argc != 2)
			return usage_error("count: need FILE");
		printf("%lld\n", bump_counter(argv[1]));
		return 0;
	}
	if (!strcmp(cmd, "spawn-grandchild"))
		return do_spawn_grandchild(argc, argv);
	if (!strcmp(cmd, "spawn-daemon"))
		return do_spawn_daemon(argc, argv);
	if (!strcmp(cmd, "fork-many"))
		return do_fork_many(argc, argv);
	if (!strcmp(cmd, "ignore-term")) {
		int64_t dur;
		if (argc != 2)
			return usage_error("ignore-term: need DUR");
		dur = dur_arg(argv[1]);
		signal(SIGTERM, SIG_IGN);
		printf("ready\n");
		fflush(stdout);
		sleep_ns(dur);
		return 0;
	}
	if (!strcmp(cmd, "alive"))
		return do_alive(argc, argv);
	if (!strcmp(cmd, "wait-dead"))
		return do_wait_dead(argc, argv);
	if (!strcmp(cmd, "wait-file"))
		return do_wait_file(argc, argv);
	if (!strcmp(cmd, "close-stdio")) {
		fflush(stdout);
		fflush(stderr);
		close(1);
		close(2);
		sleep_ns(100000000);
		return 0;
	}
	if (!strcmp(cmd, "write-garbage"))
		return do_write_garbage();
	if (!strcmp(cmd, "rm-cwd"))
		return do_rm_cwd(argc, argv);
	if (!strcmp(cmd, "hold-open"))
		return do_hold_open(argc, argv);
	if (!strcmp(cmd, "cat"))
		return do_cat();
	if (!strcmp(cmd, "pwd")) {
		char buf[4096];
		if (!getcwd(buf, sizeof(buf)))
			return 1;
		puts(buf);
		return 0;
	}
	if (!strcmp(cmd, "print-ids")) {
		printf("pid %ld pgid %ld sid %ld ppid %ld\n", (long)getpid(),
		       (long)getpgid(0), (long)getsid(0), (long)getppid());
		return 0;
	}
	if (!strcmp(cmd, "write-file")) {
		FILE *fp;
		if (argc != 3)
			return usage_error("write-file: need PATH TEXT");
		fp = fopen(argv[1], "w");
		if (!fp || fprintf(fp, "%s\n", argv[2]) < 0 || fclose(fp)) {
			fprintf(stderr, NAME ": cannot write '%s': %s\n",
				argv[1], strerror(errno));
			return 1;
		}
		return 0;
	}
	if (!strcmp(cmd, "alloc"))
		return do_alloc(argc, argv);
	if (!strcmp(cmd, "spin"))
		return do_spin(argc, argv);
	return usage_error("unknown command '%s'", cmd);
}
