/*
 * usage.c - error reporting (error/warning/die/BUG), the allocation
 * wrappers that die, EINTR-safe read/write, and signal names.
 */
#include "common.h"

#include <signal.h>
#include <unistd.h>

const char *prog_name = "ordeal";

static void vreport(const char *kind, const char *fmt, va_list ap, int err)
{
	char msg[4096];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fflush(stdout);
	if (err)
		fprintf(stderr, "%s: %s: %s: %s\n", prog_name, kind, msg,
			strerror(err));
	else
		fprintf(stderr, "%s: %s: %s\n", prog_name, kind, msg);
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("error", fmt, ap, 0);
	va_end(ap);
	return -1;
}

int error_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport("error", fmt, ap, err);
	va_end(ap);
	errno = err;
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning", fmt, ap, 0);
	va_end(ap);
}

void warning_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport("warning", fmt, ap, err);
	va_end(ap);
	errno = err;
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("error", fmt, ap, 0);
	va_end(ap);
	exit(EXIT_USAGE);
}

void die_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport("error", fmt, ap, err);
	va_end(ap);
	exit(EXIT_USAGE);
}

void BUG_fl(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: BUG: %s:%d: ", prog_name, file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void NORETURN die_oom(size_t n)
{
	fprintf(stderr, "%s: fatal: out of memory allocating %zu bytes\n",
		prog_name, n);
	exit(EXIT_USAGE);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die_oom(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		die_oom(st_mult(nmemb, size));
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		die_oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *xstrfmt(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		BUG("bad format '%s'", fmt);
	p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

size_t st_mult(size_t a, size_t b)
{
	if (b && a > SIZE_MAX / b)
		die("size overflow: %zu * %zu", a, b);
	return a * b;
}

ssize_t xread(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

ssize_t read_in_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t total = 0;

	while (total < len) {
		ssize_t n = xread(fd, p + total, len - total);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		total += (size_t)n;
	}
	return (ssize_t)total;
}

ssize_t write_in_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t total = 0;

	while (total < len) {
		ssize_t n = write(fd, p + total, len - total);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = ENOSPC;
			return -1;
		}
		total += (size_t)n;
	}
	return (ssize_t)total;
}

void close_keep_errno(int fd)
{
	int err = errno;

	if (fd >= 0)
		close(fd);
	errno = err;
}

static const struct {
	int sig;
	const char *name;
} signals[] = {
	{SIGHUP, "HUP"},       {SIGINT, "INT"},	  {SIGQUIT, "QUIT"},
	{SIGILL, "ILL"},       {SIGTRAP, "TRAP"}, {SIGABRT, "ABRT"},
	{SIGBUS, "BUS"},       {SIGFPE, "FPE"},	  {SIGKILL, "KILL"},
	{SIGUSR1, "USR1"},     {SIGSEGV, "SEGV"}, {SIGUSR2, "USR2"},
	{SIGPIPE, "PIPE"},     {SIGALRM, "ALRM"}, {SIGTERM, "TERM"},
	{SIGCHLD, "CHLD"},     {SIGCONT, "CONT"}, {SIGSTOP, "STOP"},
	{SIGTSTP, "TSTP"},     {SIGTTIN, "TTIN"}, {SIGTTOU, "TTOU"},
	{SIGURG, "URG"},       {SIGXCPU, "XCPU"}, {SIGXFSZ, "XFSZ"},
	{SIGVTALRM, "VTALRM"}, {SIGPROF, "PROF"}, {SIGWINCH, "WINCH"},
	{SIGIO, "IO"},	       {SIGSYS, "SYS"},
#ifdef SIGSTKFLT
	{SIGSTKFLT, "STKFLT"},
#endif
#ifdef SIGPWR
	{SIGPWR, "PWR"},
#endif
};

#ifdef SIGRTMIN
/*
 * Real-time signals are named as kill -l names them: RTMIN, RTMIN+1 ...
 * up to the middle, then ... RTMAX-1, RTMAX.  SIGRTMIN is not a constant
 * (the C library reserves a few), so the name is looked up by offset.
 */
static const char *const rt_low[] = {
	"RTMIN",    "RTMIN+1",	"RTMIN+2",  "RTMIN+3",	"RTMIN+4",  "RTMIN+5",
	"RTMIN+6",  "RTMIN+7",	"RTMIN+8",  "RTMIN+9",	"RTMIN+10", "RTMIN+11",
	"RTMIN+12", "RTMIN+13", "RTMIN+14", "RTMIN+15",
};
static const char *const rt_high[] = {
	"RTMAX",    "RTMAX-1",	"RTMAX-2",  "RTMAX-3",	"RTMAX-4",  "RTMAX-5",
	"RTMAX-6",  "RTMAX-7",	"RTMAX-8",  "RTMAX-9",	"RTMAX-10", "RTMAX-11",
	"RTMAX-12", "RTMAX-13", "RTMAX-14", "RTMAX-15",
};

static const char *rt_name(int sig)
{
	int lo, hi;

	if (sig < SIGRTMIN || sig > SIGRTMAX)
		return NULL;
	lo = sig - SIGRTMIN;
	hi = SIGRTMAX - sig;
	if (lo <= hi && lo < (int)ARRAY_SIZE(rt_low))
		return rt_low[lo];
	if (hi < (int)ARRAY_SIZE(rt_high))
		return rt_high[hi];
	return NULL;
}
#endif

const char *signal_name(int sig)
{
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
#ifdef SIGRTMIN
	return rt_name(sig);
#else
	return NULL;
#endif
}

int signal_from_name(const char *name)
{
	char *end;
	long n;

	if (!name || !*name)
		return -1;
	n = strtol(name, &end, 10);
	if (!*end)
		return (n > 0 && n < 65) ? (int)n : -1;
	if (!strncmp(name, "SIG", 3))
		name += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		if (!strcmp(signals[i].name, name))
			return signals[i].sig;
#ifdef SIGRTMIN
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		if (rt_name(sig) && !strcmp(rt_name(sig), name))
			return sig;
#endif
	return -1;
}
