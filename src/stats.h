/*
 * stats.h - the numbers `ordeal loop` reports: a failure rate with its 95%
 * Wilson score interval, run-time percentiles from a fixed-size histogram
 * (so memory stays flat over millions of runs), and failure signatures
 * (how a run ended plus its last error-looking output line, with numbers,
 * hex and paths normalised) so failures can be grouped.
 *
 * Pure functions and plain structs; no I/O except stats_read_signature_line
 * which reads a file's tail.
 */
#ifndef ORDEAL_STATS_H
#define ORDEAL_STATS_H

#include "common.h"

struct strbuf;

/*
 * The 95% Wilson score interval for `k` successes out of `n` trials:
 * *lo and *hi in [0, 1].  n == 0 gives [0, 1].
 */
void stats_wilson(uint64_t k, uint64_t n, double *lo, double *hi);

/*
 * A log-linear histogram of durations in nanoseconds: 2^STATS_SUB_BITS
 * sub-buckets per power of two, so a percentile is within ~1.6% of the true
 * value; min and max are exact.  Fixed size, no allocation.
 */
#define STATS_SUB_BITS	 6
#define STATS_NR_BUCKETS (64 << STATS_SUB_BITS)

struct stats_hist {
	uint64_t count;
	int64_t min, max;
	long double sum;
	uint32_t bucket[STATS_NR_BUCKETS];
};

void stats_hist_init(struct stats_hist *h);
void stats_hist_add(struct stats_hist *h, int64_t ns);
/*
 * The q-quantile (0 <= q <= 1) by nearest rank: q=0 the min, q=1 the max.
 * 0 when empty.
 */
int64_t stats_hist_quantile(const struct stats_hist *h, double q);

/*
 * Normalise one output line for grouping: runs of digits become "N",
 * hex numbers ("0x1f", or 8+ hex digits) "0xX", absolute or ./ paths
 * "PATH", whitespace collapsed and trimmed; at most 200 bytes.  Appends to
 * `out`.
 */
void stats_normalize_line(struct strbuf *out, const char *line, size_t len);

/*
 * Whether a line looks like an error: it contains (case-insensitively)
 * error, fail, panic, fatal, assert, exception, abort, segmentation fault,
 * traceback or "not ok".
 */
bool stats_line_looks_like_error(const char *line, size_t len);

/*
 * Pick the last error-looking line of `text` (or, when none, the last
 * non-empty line) and append it normalised to `out`; nothing when `text`
 * has no non-empty line.
 */
void stats_signature_line(struct strbuf *out, const char *text, size_t len);

/*
 * A failure signature: `how` ("exit status 1", "killed by signal SEGV",
 * "timed out") plus ": " and the signature line of the output files
 * (stderr first, then stdout; the last 64 KiB of each).  Paths may be NULL.
 */
void stats_failure_signature(struct strbuf *out, const char *how,
			     const char *stderr_path, const char *stdout_path);

/* Groups of failures with the same signature, in order of first sight. */
struct stats_group {
	char *signature;
	char *first_dir; /* the first failure's evidence dir */
	uint64_t count;
};

struct stats_groups {
	struct stats_group *v;
	size_t nr, alloc;
	uint64_t overflow; /* failures not grouped because of the cap */
};

#define STATS_GROUPS_INIT                                                      \
	{                                                                      \
		NULL, 0, 0, 0                                                  \
	}
/* At most this many distinct groups are kept (memory stays bounded). */
#define STATS_MAX_GROUPS 100

/* Count one failure; returns its group or NULL when over the cap. */
struct stats_group *stats_groups_add(struct stats_groups *g,
				     const char *signature, const char *dir);
void stats_groups_clear(struct stats_groups *g);

#endif
