/*
 * clock.c - monotonic time, display timestamps, Go-style durations.
 */
#include "clock.h"
#include "strbuf.h"

#include <math.h>
#include <time.h>

int64_t clock_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

int64_t clock_wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

void clock_sleep_ns(int64_t ns, volatile int *stop)
{
	struct timespec ts;

	if (ns <= 0)
		return;
	ts.tv_sec = ns / NS_PER_SEC;
	ts.tv_nsec = ns % NS_PER_SEC;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		if (stop && *stop)
			return;
}

static const struct {
	const char *unit;
	int64_t ns;
} units[] = {
	{"ns", 1},
	{"us", NS_PER_US},
	{"\xc2\xb5s", NS_PER_US}, /* µs */
	{"ms", NS_PER_MS},
	{"s", NS_PER_SEC},
	{"m", 60 * NS_PER_SEC},
	{"h", 3600 * NS_PER_SEC},
};

/* a * b + c into *r unless it exceeds INT64_MAX. */
static bool mul_add_ok(uint64_t a, uint64_t b, uint64_t c, uint64_t *r)
{
	if (b && a > (uint64_t)INT64_MAX / b)
		return false;
	a *= b;
	if (c > (uint64_t)INT64_MAX - a)
		return false;
	*r = a + c;
	return true;
}

/* round(frac / scale * mult): the fraction's nanoseconds. */
static uint64_t frac_ns(uint64_t frac, uint64_t scale, uint64_t mult)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128 v = (unsigned __int128)frac * mult + scale / 2;

	return (uint64_t)(v / scale);
#else
	return (uint64_t)((long double)frac * mult / scale + 0.5L);
#endif
}

/*
 * Exact integer arithmetic: whole part times the unit, plus the fraction
 * (up to nanosecond precision of the unit) rounded to the nearest ns.
 */
int duration_parse(const char *s, int64_t *out)
{
	uint64_t total = 0;
	const char *p = s;

	if (!s || !*s)
		return -1;
	while (*p) {
		uint64_t whole = 0, frac = 0, scale = 1, part, fns;
		const char *start = p;
		bool digits = false;
		size_t best = 0;
		int64_t mult = 0;

		for (; *p >= '0' && *p <= '9'; p++, digits = true)
			if (!mul_add_ok(whole, 10, (uint64_t)(*p - '0'),
					&whole))
				return -1;
		if (*p == '.') {
			for (p++; *p >= '0' && *p <= '9'; p++, digits = true)
				if (scale < 1000000000000000000ULL) {
					frac = frac * 10 + (uint64_t)(*p - '0');
					scale *= 10;
				}
		}
		if (!digits)
			return -1;
		for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
			size_t n = strlen(units[i].unit);
			if (!strncmp(p, units[i].unit, n) && n > best) {
				best = n;
				mult = units[i].ns;
			}
		}
		if (!best) {
			/* A bare number is seconds, but only alone. */
			if (*p || start != s)
				return -1;
			mult = NS_PER_SEC;
		}
		p += best;
		fns = frac_ns(frac, scale, (uint64_t)mult);
		if (!mul_add_ok(whole, (uint64_t)mult, fns, &part) ||
		    part > (uint64_t)INT64_MAX - total)
			return -1;
		total += part;
	}
	*out = (int64_t)total;
	return 0;
}

/*
 * Append ns / unit with three significant digits ("1.25", "15.3", "150"),
 * trailing zeros dropped; false (nothing appended) when it rounds to 1000
 * or more, so the caller moves to the next unit ("999.6ms" is "1s").
 */
static bool add_scaled(struct strbuf *sb, int64_t ns, int64_t unit,
		       const char *suffix)
{
	double v = (double)ns / (double)unit;
	int decimals = v < 10 ? 2 : v < 100 ? 1 : 0;
	char buf[64];
	size_t n;

	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	if (strtod(buf, NULL) >= 1000)
		return false;
	n = strlen(buf);
	if (strchr(buf, '.')) {
		while (buf[n - 1] == '0')
			n--;
		if (buf[n - 1] == '.')
			n--;
	}
	strbuf_add(sb, buf, n);
	strbuf_addstr(sb, suffix);
	return true;
}

void duration_format(struct strbuf *sb, int64_t ns)
{
	long long s;

	if (ns < 0) {
		strbuf_addch(sb, '-');
		ns = ns == INT64_MIN ? INT64_MAX : -ns;
	}
	if (ns == 0) {
		strbuf_addstr(sb, "0s");
		return;
	}
	if (ns < NS_PER_US) {
		strbuf_addf(sb, "%lldns", (long long)ns);
		return;
	}
	if (ns < NS_PER_MS && add_scaled(sb, ns, NS_PER_US, "us"))
		return;
	if (ns < NS_PER_SEC && add_scaled(sb, ns, NS_PER_MS, "ms"))
		return;
	if (ns < 60 * NS_PER_SEC) {
		double v = (double)ns / NS_PER_SEC;
		char buf[32];

		snprintf(buf, sizeof(buf), "%.*f", v < 10 ? 2 : 1, v);
		if (strtod(buf, NULL) < 60 &&
		    add_scaled(sb, ns, NS_PER_SEC, "s"))
			return;
	}
	s = (ns + NS_PER_SEC / 2) / NS_PER_SEC;
	if (s >= 3600)
		strbuf_addf(sb, "%lldh%lldm%llds", s / 3600, s / 60 % 60,
			    s % 60);
	else
		strbuf_addf(sb, "%lldm%llds", s / 60, s % 60);
}

const char *duration_str(int64_t ns)
{
	static char buf[64];
	struct strbuf sb = STRBUF_INIT;

	duration_format(&sb, ns);
	snprintf(buf, sizeof(buf), "%s", sb.buf);
	strbuf_release(&sb);
	return buf;
}

/* "YYYY-mm-dd" + sep + "HH:MM:SS" in UTC. */
static void format_tm(struct strbuf *sb, int64_t wall_ns, char sep)
{
	time_t t = (time_t)(wall_ns / NS_PER_SEC);
	struct tm tm;

	gmtime_r(&t, &tm);
	strbuf_addf(sb, "%04d-%02d-%02d%c%02d:%02d:%02d", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, sep, tm.tm_hour, tm.tm_min,
		    tm.tm_sec);
}

void timestamp_format_utc(struct strbuf *sb, int64_t wall_ns)
{
	format_tm(sb, wall_ns, ' ');
	strbuf_addf(sb, ".%09lld UTC", (long long)(wall_ns % NS_PER_SEC));
}

void timestamp_format_iso(struct strbuf *sb, int64_t wall_ns)
{
	format_tm(sb, wall_ns, 'T');
	strbuf_addf(sb, ".%03lldZ",
		    (long long)(wall_ns % NS_PER_SEC / NS_PER_MS));
}

void timestamp_format_rfc3339(struct strbuf *sb, int64_t wall_ns)
{
	format_tm(sb, wall_ns, 'T');
	strbuf_addf(sb, ".%09lldZ", (long long)(wall_ns % NS_PER_SEC));
}
