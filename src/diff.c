/*
 * diff.c - unified diff of two texts by lines: Myers' greedy O(ND) search
 * with a stored trace for the backtrack, bounded by DIFF_MAX_EDIT.
 */
#include "common.h"
#include "diff.h"
#include "strbuf.h"

struct line {
	const char *p;
	size_t len; /* including the '\n' if present */
	uint64_t hash;
};

struct text {
	struct line *l;
	size_t nr, alloc;
};

static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h;
}

static void split_lines(struct text *t, const char *s, size_t len)
{
	size_t pos = 0;

	/* Never NULL, even empty: callers do pointer arithmetic on t->l. */
	ALLOC_GROW(t->l, 1, t->alloc);
	while (pos < len) {
		const char *nl = memchr(s + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - s) + 1 : len;

		ALLOC_GROW(t->l, t->nr + 1, t->alloc);
		t->l[t->nr].p = s + pos;
		t->l[t->nr].len = end - pos;
		t->l[t->nr].hash = hash_bytes(s + pos, end - pos);
		t->nr++;
		pos = end;
	}
}

static bool line_eq(const struct line *x, const struct line *y)
{
	return x->hash == y->hash && x->len == y->len &&
	       !memcmp(x->p, y->p, x->len);
}

/* Edit operations, in order: '=' keep, '-' delete from a, '+' add from b. */
struct edits {
	char *op;
	size_t nr, alloc;
};

static void push_op(struct edits *e, char op)
{
	ALLOC_GROW(e->op, e->nr + 1, e->alloc);
	e->op[e->nr++] = op;
}

/*
 * Myers on a[0..n) vs b[0..m); appends ops.  Returns -1 (nothing appended)
 * when the edit distance exceeds DIFF_MAX_EDIT.
 */
static int myers(const struct line *a, size_t n, const struct line *b, size_t m,
		 struct edits *e)
{
	long max = (long)(n + m), d, k;
	long maxd = max < DIFF_MAX_EDIT ? max : DIFF_MAX_EDIT;
	long off = maxd + 1;
	long *v = xcalloc(2 * (size_t)maxd + 3, sizeof(long));
	long **trace = xcalloc((size_t)maxd + 1, sizeof(long *));
	long found = -1;

	for (d = 0; d <= maxd && found < 0; d++) {
		for (k = -d; k <= d; k += 2) {
			long x, y;

			if (k == -d ||
			    (k != d && v[off + k - 1] < v[off + k + 1]))
				x = v[off + k + 1];
			else
				x = v[off + k - 1] + 1;
			y = x - k;
			while (x < (long)n && y < (long)m &&
			       line_eq(&a[x], &b[y])) {
				x++;
				y++;
			}
			v[off + k] = x;
			if (x >= (long)n && y >= (long)m) {
				found = d;
				break;
			}
		}
		trace[d] = xmalloc((2 * (size_t)d + 1) * sizeof(long));
		memcpy(trace[d], v + off - d,
		       (2 * (size_t)d + 1) * sizeof(long));
	}
	if (found >= 0) {
		/* Backtrack from (n, m), collecting ops in reverse. */
		struct edits rev = {NULL, 0, 0};
		long x = (long)n, y = (long)m;

		for (d = found; d > 0; d--) {
			long *pv = trace[d - 1]; /* index k + (d-1) */
			long pk, px, py;

			k = x - y;
			if (k == -d ||
			    (k != d && pv[k - 1 + d - 1] < pv[k + 1 + d - 1]))
				pk = k + 1;
			else
				pk = k - 1;
			px = pv[pk + d - 1];
			py = px - pk;
			while (x > px && y > py) {
				push_op(&rev, '=');
				x--;
				y--;
			}
			if (x == px)
				push_op(&rev, '+');
			else
				push_op(&rev, '-');
			x = px;
			y = py;
		}
		while (x > 0 && y > 0) {
			push_op(&rev, '=');
			x--;
			y--;
		}
		while (rev.nr)
			push_op(e, rev.op[--rev.nr]);
		free(rev.op);
	}
	for (d = 0; d <= maxd; d++)
		free(trace[d]);
	free(trace);
	free(v);
	return found >= 0 ? 0 : -1;
}

static void add_line(struct strbuf *out, char sign, const struct line *l)
{
	strbuf_addch(out, sign);
	strbuf_add(out, l->p, l->len);
	if (!l->len || l->p[l->len - 1] != '\n')
		strbuf_addstr(out, "\n\\ No newline at end of file\n");
}

static void add_range(struct strbuf *out, size_t start, size_t count)
{
	/* As diff -u: an empty range is shown at the line before it. */
	if (count == 1)
		strbuf_addf(out, "%zu", start + 1);
	else
		strbuf_addf(out, "%zu,%zu", count ? start + 1 : start, count);
}

int diff_unified(struct strbuf *out, const char *name_a, const char *a,
		 size_t alen, const char *name_b, const char *b, size_t blen,
		 int context)
{
	struct text ta = {NULL, 0, 0}, tb = {NULL, 0, 0};
	struct edits e = {NULL, 0, 0};
	size_t pre = 0, suf = 0, i, ia, ib;

	if (alen == blen && !memcmp(a, b, alen))
		return 0;
	if (context < 0)
		context = 3;
	split_lines(&ta, a, alen);
	split_lines(&tb, b, blen);
	while (pre < ta.nr && pre < tb.nr && line_eq(&ta.l[pre], &tb.l[pre]))
		pre++;
	while (suf < ta.nr - pre && suf < tb.nr - pre &&
	       line_eq(&ta.l[ta.nr - 1 - suf], &tb.l[tb.nr - 1 - suf]))
		suf++;
	for (i = 0; i < pre; i++)
		push_op(&e, '=');
	if (myers(ta.l + pre, ta.nr - pre - suf, tb.l + pre, tb.nr - pre - suf,
		  &e) < 0) {
		for (i = 0; i < ta.nr - pre - suf; i++)
			push_op(&e, '-');
		for (i = 0; i < tb.nr - pre - suf; i++)
			push_op(&e, '+');
	}
	for (i = 0; i < suf; i++)
		push_op(&e, '=');

	strbuf_addf(out, "--- %s\n+++ %s\n", name_a, name_b);
	/* Walk the ops, emitting hunks of changes with context. */
	i = 0;
	ia = ib = 0;
	while (i < e.nr) {
		size_t j, k, start, end, sa, sb, ca = 0, cb = 0, xa, xb;

		if (e.op[i] == '=') {
			i++;
			ia++;
			ib++;
			continue;
		}
		/* A hunk starts `context` ops before this change. */
		start = i >= (size_t)context ? i - context : 0;
		/* Extend while the gap of '=' between changes <= 2*context. */
		end = i;
		for (j = i; j < e.nr;) {
			if (e.op[j] != '=') {
				end = j + 1;
				j++;
				continue;
			}
			k = j;
			while (k < e.nr && e.op[k] == '=')
				k++;
			if (k == e.nr || k - j > 2 * (size_t)context)
				break;
			j = k;
		}
		end = end + context < e.nr ? end + context : e.nr;
		/* Positions in a and b at `start`. */
		sa = ia - (i - start);
		sb = ib - (i - start);
		for (j = start; j < end; j++) {
			if (e.op[j] != '+')
				ca++;
			if (e.op[j] != '-')
				cb++;
		}
		strbuf_addstr(out, "@@ -");
		add_range(out, sa, ca);
		strbuf_addstr(out, " +");
		add_range(out, sb, cb);
		strbuf_addstr(out, " @@\n");
		xa = sa;
		xb = sb;
		for (j = start; j < end; j++) {
			if (e.op[j] == '=') {
				add_line(out, ' ', &ta.l[xa]);
				xa++;
				xb++;
			} else if (e.op[j] == '-') {
				add_line(out, '-', &ta.l[xa++]);
			} else {
				add_line(out, '+', &tb.l[xb++]);
			}
		}
		ia = xa;
		ib = xb;
		i = end;
	}
	free(e.op);
	free(ta.l);
	free(tb.l);
	return 1;
}
