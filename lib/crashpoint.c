/*
 * crashpoint.c - the slow path of ORDEAL_CRASHPOINT: reading the arming
 * variables, per-name hit counters, the trace, and the one intended crash.
 *
 * This file is linked into user programs (libordeal.a/.so) and into the
 * preload library, so it uses libc only, never prints and never exits
 * except by the crash itself.  The environment is read once, at the first
 * hit; until then ordeal_crash_active_ is 1 so the first hit comes here.
 */
#include <ordeal/crashpoint.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

#define NAME_MAX_LEN 200

int ordeal_crash_active_ = 1;

struct point_count {
	char *name;
	unsigned long hits;
	int reported; /* "invalid NAME" already sent */
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static char at_name[NAME_MAX_LEN + 1];
static unsigned long at_hit;
static int armed;
static int trace_fd = -1;
static int status_fd = -1;
static int ack_fd = -1;
static unsigned long seq;

static struct point_count *counts;
static size_t counts_nr, counts_alloc;

int ordeal_crashpoint_name_valid(const char *name)
{
	size_t n = 0;
	const unsigned char *p;

	if (!name)
		return 0;
	for (p = (const unsigned char *)name; *p; p++, n++)
		if (*p <= ' ' || *p == '@' || *p == 0x7f)
			return 0;
	return n > 0 && n <= NAME_MAX_LEN;
}

static int fd_from_env(const char *var)
{
	const char *v = getenv(var);
	char *end;
	long n;

	if (!v || !*v)
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || n < 0 || n > 1 << 20)
		return -1;
	if (fcntl((int)n, F_GETFD) < 0)
		return -1;
	return (int)n;
}

/* One write() per message so concurrent writers never interleave. */
static void write_line(int fd, const char *buf, size_t len)
{
	ssize_t n;

	if (fd < 0)
		return;
	do
		n = write(fd, buf, len);
	while (n < 0 && errno == EINTR);
}

static void append(char *buf, size_t size, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n >= size)
		n = size - 1 - *len;
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
}

static void append_ulong(char *buf, size_t size, size_t *len, unsigned long v)
{
	char tmp[24];
	int i = (int)sizeof(tmp) - 1;

	tmp[i] = '\0';
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i > 0);
	append(buf, size, len, tmp + i);
}

/* Names in messages: control characters and newlines become '?'. */
static void append_name(char *buf, size_t size, size_t *len, const char *s)
{
	size_t start = *len, i;

	append(buf, size, len, s);
	for (i = start; i < *len; i++)
		if ((unsigned char)buf[i] < ' ' || buf[i] == 0x7f)
			buf[i] = '?';
}

static void status(const char *what, const char *name, unsigned long hit)
{
	char buf[NAME_MAX_LEN * 2 + 64];
	size_t len = 0;

	buf[0] = '\0';
	append(buf, sizeof(buf), &len, what);
	append(buf, sizeof(buf), &len, " ");
	append_name(buf, sizeof(buf) - 24, &len, name);
	if (hit) {
		append(buf, sizeof(buf), &len, "@");
		append_ulong(buf, sizeof(buf), &len, hit);
	}
	append(buf, sizeof(buf), &len, "\n");
	write_line(status_fd, buf, len);
}

static void lock_prepare(void)
{
	pthread_mutex_lock(&lock);
}

static void lock_release(void)
{
	pthread_mutex_unlock(&lock);
}

static void init(void)
{
	const char *at = getenv(ORDEAL_ENV_CRASH_AT);
	const char *trace = getenv(ORDEAL_ENV_CRASH_TRACE);

	status_fd = fd_from_env(ORDEAL_ENV_STATUS_FD);
	ack_fd = fd_from_env(ORDEAL_ENV_ACK_FD);
	if (at && *at) {
		const char *sep = strchr(at, '@');
		size_t n = sep ? (size_t)(sep - at) : strlen(at);
		unsigned long hit = 1;
		int ok = n > 0 && n <= NAME_MAX_LEN;

		if (sep) {
			char *end;

			errno = 0;
			hit = strtoul(sep + 1, &end, 10);
			if (errno || end == sep + 1 || *end || !hit ||
			    sep[1] == '-' || sep[1] == '+')
				ok = 0;
		}
		if (ok) {
			memcpy(at_name, at, n);
			at_name[n] = '\0';
			ok = ordeal_crashpoint_name_valid(at_name);
		}
		if (ok) {
			at_hit = hit;
			armed = 1;
		} else {
			status("invalid-crash-at", at, 0);
		}
	}
	if (trace && *trace)
		trace_fd = open(
			trace, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	pthread_atfork(lock_prepare, lock_release, lock_release);
	__atomic_store_n(&ordeal_crash_active_, armed || trace_fd >= 0,
			 __ATOMIC_RELAXED);
}

/* Called with `lock` held. */
static struct point_count *lookup(const char *name)
{
	size_t i;

	for (i = 0; i < counts_nr; i++)
		if (counts[i].name == name || !strcmp(counts[i].name, name))
			return &counts[i];
	if (counts_nr == counts_alloc) {
		size_t alloc = counts_alloc ? counts_alloc * 2 : 32;
		void *p = realloc(counts, alloc * sizeof(*counts));

		if (!p)
			return NULL;
		counts = p;
		counts_alloc = alloc;
	}
	counts[counts_nr].name = strdup(name);
	if (!counts[counts_nr].name)
		return NULL;
	counts[counts_nr].hits = 0;
	counts[counts_nr].reported = 0;
	return &counts[counts_nr++];
}

static long thread_id(void)
{
#if defined(__linux__) && defined(SYS_gettid)
	return (long)syscall(SYS_gettid);
#else
	return 0;
#endif
}

static void trace_hit(const char *kind, unsigned long s, const char *name,
		      unsigned long hit)
{
	char buf[NAME_MAX_LEN * 2 + 128];
	size_t len = 0;

	if (trace_fd < 0)
		return;
	buf[0] = '\0';
	append(buf, sizeof(buf), &len, kind);
	append(buf, sizeof(buf), &len, " ");
	append_ulong(buf, sizeof(buf), &len, s);
	append(buf, sizeof(buf), &len, " ");
	append_ulong(buf, sizeof(buf), &len, hit);
	append(buf, sizeof(buf), &len, " ");
	append_ulong(buf, sizeof(buf), &len, (unsigned long)getpid());
	append(buf, sizeof(buf), &len, " ");
	append_ulong(buf, sizeof(buf), &len, (unsigned long)thread_id());
	append(buf, sizeof(buf), &len, " ");
	append_name(buf, sizeof(buf) - 2, &len, name);
	append(buf, sizeof(buf), &len, "\n");
	write_line(trace_fd, buf, len);
}

/*
 * The preload library registers its power-cut routine under this name;
 * the copy of this file inside a user program finds it with dlsym so a
 * named point also loses unsynced data under --power-loss.
 */
typedef void (*power_cut_fn)(void);

static void power_cut(void)
{
	const char *pl = getenv(ORDEAL_ENV_POWER_LOSS);
#ifdef RTLD_DEFAULT
	power_cut_fn fn;
	void *sym;

	if (!pl || strcmp(pl, "1"))
		return;
	sym = dlsym(RTLD_DEFAULT, "ordeal_preload_power_cut");
	if (!sym)
		return;
	memcpy(&fn, &sym, sizeof(fn));
	fn();
#else
	(void)pl;
#endif
}

static void crash(const char *name, unsigned long hit)
{
	power_cut();
	status("crashed", name, hit);
	kill(getpid(), SIGKILL);
	for (;;)
		pause();
}

void ordeal_crashpoint_hit(const char *name)
{
	struct point_count *pc;
	unsigned long hit, s;
	int valid, die, report = 0;
	int saved_errno = errno;

	pthread_once(&init_once, init);
	if (!__atomic_load_n(&ordeal_crash_active_, __ATOMIC_RELAXED))
		goto out;
	if (!name)
		name = "(null)";
	valid = ordeal_crashpoint_name_valid(name);

	pthread_mutex_lock(&lock);
	pc = lookup(name);
	if (!pc) {
		pthread_mutex_unlock(&lock);
		goto out;
	}
	hit = ++pc->hits;
	s = ++seq;
	if (!valid && !pc->reported) {
		pc->reported = 1;
		report = 1;
	}
	die = valid && armed && hit == at_hit && !strcmp(name, at_name);
	if (die)
		trace_hit("crash", s, name, hit);
	else
		trace_hit(valid ? "hit" : "bad", s, name, hit);
	pthread_mutex_unlock(&lock);

	if (report)
		status("invalid", name, 0);
	if (die)
		crash(name, hit);
out:
	errno = saved_errno;
}

int ordeal_ack(const char *line)
{
	char small[512];
	char *buf = small;
	size_t n = strlen(line);
	ssize_t w;
	int saved_errno = errno;

	pthread_once(&init_once, init);
	if (ack_fd < 0)
		return -1;
	if (n + 1 > sizeof(small)) {
		buf = malloc(n + 1);
		if (!buf)
			return -1;
	}
	memcpy(buf, line, n);
	buf[n] = '\n';
	do
		w = write(ack_fd, buf, n + 1);
	while (w < 0 && errno == EINTR);
	if (buf != small)
		free(buf);
	errno = saved_errno;
	return w == (ssize_t)(n + 1) ? 0 : -1;
}
