/*
 * clock.h - time: monotonic nanoseconds for durations, wall-clock strings
 * for display only, and Go-style duration parsing and formatting.
 */
#ifndef ORDEAL_CLOCK_H
#define ORDEAL_CLOCK_H

#include "common.h"

struct strbuf;

#define NS_PER_US  1000LL
#define NS_PER_MS  1000000LL
#define NS_PER_SEC 1000000000LL

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t clock_now_ns(void);
/* CLOCK_REALTIME in nanoseconds since the epoch (for display/names). */
int64_t clock_wall_ns(void);
/* Sleep for `ns`, resuming after signals unless *stop becomes non-zero. */
void clock_sleep_ns(int64_t ns, volatile int *stop);

/*
 * Parse "150ms", "2s", "10m", "1h30m", "1.5s", "100us", "250ns"; a bare
 * number means seconds.  Returns 0, or -1 (no message) when malformed,
 * negative or overflowing.
 */
int duration_parse(const char *s, int64_t *ns);
/*
 * Append a duration the way Go prints it, rounded for humans: "1.2s",
 * "150ms", "3m40s", "1h2m3s", "0s".
 */
void duration_format(struct strbuf *sb, int64_t ns);
/* The same as a string in a static buffer (not thread-safe). */
const char *duration_str(int64_t ns);
/* "2022-11-04 17:59:02.525007707 UTC" for a wall time (gocrash log). */
void timestamp_format_utc(struct strbuf *sb, int64_t wall_ns);
/* ISO 8601 "2022-11-04T17:59:02.525Z" (reports). */
void timestamp_format_iso(struct strbuf *sb, int64_t wall_ns);
/* RFC 3339 with nanoseconds, as Go's test2json "Time" field. */
void timestamp_format_rfc3339(struct strbuf *sb, int64_t wall_ns);

#endif
