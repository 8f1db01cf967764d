/*
 * stats.c - failure-rate interval, duration histogram and failure
 * signatures for `ordeal loop` (see stats.h).
 */
#include "common.h"
#include "stats.h"
#include "strbuf.h"

#include <ctype.h>
#include <fcntl.h>
#include <math.h>
#include <unistd.h>

void stats_wilson(uint64_t k, uint64_t n, double *lo, double *hi)
{
	const double z = 1.959963984540054; /* 97.5th normal percentile */
	double p, z2n, denom, center, half;

	if (!n || k > n) {
		*lo = 0.0;
		*hi = 1.0;
		return;
	}
	p = (double)k / (double)n;
	z2n = z * z / (double)n;
	denom = 1.0 + z2n;
	center = (p + z2n / 2.0) / denom;
	half = z *
	       sqrt(p * (1.0 - p) / (double)n +
		    z * z / (4.0 * (double)n * (double)n)) /
	       denom;
	*lo = center - half;
	*hi = center + half;
	/* Rounding must not push the bounds past what they bound. */
	if (*lo < 0.0 || k == 0)
		*lo = 0.0;
	if (*hi > 1.0 || k == n)
		*hi = 1.0;
}

void stats_hist_init(struct stats_hist *h)
{
	memset(h, 0, sizeof(*h));
}

static int bucket_of(int64_t ns)
{
	uint64_t v = ns < 0 ? 0 : (uint64_t)ns;
	int e;

	if (v < (1u << STATS_SUB_BITS))
		return (int)v;
	e = 63 - __builtin_clzll(v);
	return ((e - STATS_SUB_BITS + 1) << STATS_SUB_BITS) +
	       (int)((v >> (e - STATS_SUB_BITS)) &
		     ((1u << STATS_SUB_BITS) - 1));
}

/* The middle of a bucket's range, a fair representative of its values. */
static int64_t bucket_value(int idx)
{
	int e, sub;
	uint64_t lower, width;

	if (idx < (1 << STATS_SUB_BITS))
		return idx;
	e = (idx >> STATS_SUB_BITS) + STATS_SUB_BITS - 1;
	sub = idx & ((1 << STATS_SUB_BITS) - 1);
	width = 1ull << (e - STATS_SUB_BITS);
	lower = ((uint64_t)(1 << STATS_SUB_BITS) + (uint64_t)sub) * width;
	if (lower + width / 2 > (uint64_t)INT64_MAX)
		return INT64_MAX;
	return (int64_t)(lower + width / 2);
}

void stats_hist_add(struct stats_hist *h, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	if (!h->count || ns < h->min)
		h->min = ns;
	if (!h->count || ns > h->max)
		h->max = ns;
	h->count++;
	h->sum += ns;
	h->bucket[bucket_of(ns)]++;
}

int64_t stats_hist_quantile(const struct stats_hist *h, double q)
{
	uint64_t rank, seen = 0;
	int64_t v;

	if (!h->count)
		return 0;
	if (q <= 0.0)
		return h->min;
	if (q >= 1.0)
		return h->max;
	/* Nearest rank: the smallest value with at least q*n values <= it. */
	rank = (uint64_t)ceil(q * (double)h->count);
	if (rank < 1)
		rank = 1;
	for (int i = 0; i < STATS_NR_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank) {
			v = bucket_value(i);
			if (v < h->min)
				v = h->min;
			if (v > h->max)
				v = h->max;
			return v;
		}
	}
	return h->max;
}

static bool is_path_char(int c)
{
	return c && !isspace(c) && c != '"' && c != '\'' && c != ':' &&
	       c != ',' && c != ')' && c != '(' && c != '[' && c != ']';
}

void stats_normalize_line(struct strbuf *out, const char *s, size_t len)
{
	size_t start = out->len, i = 0;
	bool space = false;

	while (i < len && out->len - start < 200) {
		unsigned char c = (unsigned char)s[i];
		bool word_start = !i || (!isalnum((unsigned char)s[i - 1]) &&
					 s[i - 1] != '_');

		if (isspace(c)) {
			space = true;
			i++;
			continue;
		}
		if (space && out->len > start)
			strbuf_addch(out, ' ');
		space = false;

		/* Paths: "/x/y", "./x", "../x" at a word start. */
		if (word_start &&
		    (c == '/' ||
		     (c == '.' && i + 1 < len &&
		      (s[i + 1] == '/' ||
		       (s[i + 1] == '.' && i + 2 < len && s[i + 2] == '/')))) &&
		    i + 1 < len && is_path_char((unsigned char)s[i + 1])) {
			while (i < len && is_path_char((unsigned char)s[i]))
				i++;
			strbuf_addstr(out, "PATH");
			continue;
		}
		/* Hex: 0x..., or a run of 8+ hex digits holding a digit. */
		if (word_start && c == '0' && i + 2 < len &&
		    (s[i + 1] == 'x' || s[i + 1] == 'X') &&
		    isxdigit((unsigned char)s[i + 2])) {
			i += 2;
			while (i < len && isxdigit((unsigned char)s[i]))
				i++;
			strbuf_addstr(out, "0xX");
			continue;
		}
		if (word_start && isxdigit(c)) {
			size_t j = i;
			bool digit = false, letter = false;

			while (j < len && isxdigit((unsigned char)s[j])) {
				digit |= isdigit((unsigned char)s[j]) != 0;
				letter |= isalpha((unsigned char)s[j]) != 0;
				j++;
			}
			if (j - i >= 8 && digit && letter &&
			    (j == len || !isalnum((unsigned char)s[j]))) {
				i = j;
				strbuf_addstr(out, "0xX");
				continue;
			}
		}
		if (isdigit(c)) {
			while (i < len && (isdigit((unsigned char)s[i]) ||
					   (s[i] == '.' && i + 1 < len &&
					    isdigit((unsigned char)s[i + 1]))))
				i++;
			strbuf_addch(out, 'N');
			continue;
		}
		strbuf_addch(out, (char)c);
		i++;
	}
}

static bool contains_ci(const char *s, size_t len, const char *word)
{
	size_t wl = strlen(word);

	for (size_t i = 0; i + wl <= len; i++) {
		size_t j = 0;

		while (j < wl && tolower((unsigned char)s[i + j]) == word[j])
			j++;
		if (j == wl)
			return true;
	}
	return false;
}

bool stats_line_looks_like_error(const char *line, size_t len)
{
	static const char *const words[] = {
		"error",     "fail",	  "panic", "fatal",
		"assert",    "exception", "abort", "segmentation fault",
		"traceback", "not ok",
	};

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (contains_ci(line, len, words[i]))
			return true;
	return false;
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	return true;
}

void stats_signature_line(struct strbuf *out, const char *text, size_t len)
{
	const char *last = NULL, *err = NULL;
	size_t last_len = 0, err_len = 0, pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;

		if (!blank(text + pos, l)) {
			last = text + pos;
			last_len = l;
			if (stats_line_looks_like_error(text + pos, l)) {
				err = text + pos;
				err_len = l;
			}
		}
		pos += l + 1;
	}
	if (err)
		stats_normalize_line(out, err, err_len);
	else if (last)
		stats_normalize_line(out, last, last_len);
}

#define SIGNATURE_TAIL (64 * 1024)

/* Signature line of a file's tail into `out`; whether one was found. */
static bool file_signature(struct strbuf *out, const char *path, bool errors)
{
	struct strbuf tail = STRBUF_INIT;
	struct strbuf line = STRBUF_INIT;
	size_t before = out->len;
	bool found;

	if (!path ||
	    strbuf_read_file_tail(&tail, path, SIGNATURE_TAIL, NULL) < 0) {
		strbuf_release(&tail);
		return false;
	}
	stats_signature_line(&line, tail.buf, tail.len);
	/* In the first file only an error-looking line wins outright. */
	if (errors && line.len &&
	    !stats_line_looks_like_error(line.buf, line.len)) {
		found = false;
	} else {
		strbuf_addbuf(out, &line);
		found = out->len > before;
	}
	strbuf_release(&line);
	strbuf_release(&tail);
	return found;
}

void stats_failure_signature(struct strbuf *out, const char *how,
			     const char *stderr_path, const char *stdout_path)
{
	struct strbuf line = STRBUF_INIT;

	strbuf_addstr(out, how);
	if (!file_signature(&line, stderr_path, true) &&
	    !file_signature(&line, stdout_path, true) &&
	    !file_signature(&line, stderr_path, false))
		file_signature(&line, stdout_path, false);
	if (line.len) {
		strbuf_addstr(out, ": ");
		strbuf_addbuf(out, &line);
	}
	strbuf_release(&line);
}

struct stats_group *stats_groups_add(struct stats_groups *g,
				     const char *signature, const char *dir)
{
	for (size_t i = 0; i < g->nr; i++) {
		if (!strcmp(g->v[i].signature, signature)) {
			g->v[i].count++;
			return &g->v[i];
		}
	}
	if (g->nr >= STATS_MAX_GROUPS) {
		g->overflow++;
		return NULL;
	}
	ALLOC_GROW(g->v, g->nr + 1, g->alloc);
	g->v[g->nr].signature = xstrdup(signature);
	g->v[g->nr].first_dir = xstrdup(dir ? dir : "");
	g->v[g->nr].count = 1;
	return &g->v[g->nr++];
}

void stats_groups_clear(struct stats_groups *g)
{
	for (size_t i = 0; i < g->nr; i++) {
		free(g->v[i].signature);
		free(g->v[i].first_dir);
	}
	free(g->v);
	g->v = NULL;
	g->nr = g->alloc = 0;
	g->overflow = 0;
}
