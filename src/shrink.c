/*
 * shrink.c - confirm, isolate, then reduce a failing test sequence to a
 * 1-minimal one: cut-point bisection, ddmin, one-by-one removal, with every
 * trial memoised by the sequence it runs.  See shrink.h for the contract.
 *
 * Internally a candidate is a set of *positions* in the input prefix (kept
 * sorted, so the original order is preserved); the oracle sees the test
 * indices at those positions followed by the victim.  The memo is keyed by
 * that index sequence, so two position sets naming the same tests (a test
 * repeated by --times) share one trial.
 */
#include "common.h"
#include "shrink.h"

struct memo_entry {
	uint64_t hash;
	size_t *seq; /* NULL: empty slot */
	size_t n;
	int value;
};

struct memo {
	struct memo_entry *slots;
	size_t cap, used; /* cap is a power of two */
};

struct span {
	const size_t *p;
	size_t n;
};

struct shrinker {
	const struct shrink_options *opts;
	const size_t *input; /* input sequence, victim at input[m] */
	size_t m;	     /* prefix length */
	struct shrink_stats stats;
	struct memo memo;
	size_t *pos;  /* scratch: positions of one trial */
	size_t *seq;  /* scratch: index sequence of one trial */
	size_t *best; /* positions of the shortest reproducing prefix */
	size_t best_n;
};

static uint64_t hash_seq(const size_t *seq, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		uint64_t v = seq[i];
		for (int b = 0; b < 8; b++) {
			h ^= (v >> (8 * b)) & 0xff;
			h *= 1099511628211ULL;
		}
	}
	return h;
}

static struct memo_entry *memo_find(struct memo *mm, uint64_t h,
				    const size_t *seq, size_t n)
{
	size_t mask = mm->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct memo_entry *e = &mm->slots[i];
		if (!e->seq)
			return e;
		if (e->hash == h && e->n == n &&
		    !memcmp(e->seq, seq, n * sizeof(*seq)))
			return e;
	}
}

static void memo_grow(struct memo *mm)
{
	struct memo old = *mm;
	mm->cap = old.cap ? old.cap * 2 : 64;
	mm->slots = xcalloc(mm->cap, sizeof(*mm->slots));
	for (size_t i = 0; i < old.cap; i++) {
		struct memo_entry *e = &old.slots[i];
		if (e->seq)
			*memo_find(mm, e->hash, e->seq, e->n) = *e;
	}
	free(old.slots);
}

static void memo_put(struct memo *mm, const size_t *seq, size_t n, int value)
{
	if ((mm->used + 1) * 2 > mm->cap)
		memo_grow(mm);
	uint64_t h = hash_seq(seq, n);
	struct memo_entry *e = memo_find(mm, h, seq, n);
	if (!e->seq) {
		e->hash = h;
		e->seq = xmalloc(st_mult(n, sizeof(*seq)));
		memcpy(e->seq, seq, n * sizeof(*seq));
		e->n = n;
		mm->used++;
	}
	e->value = value;
}

/* The memoised answer, or -1 when the sequence was never tried. */
static int memo_get(struct memo *mm, const size_t *seq, size_t n)
{
	if (!mm->cap)
		return -1;
	struct memo_entry *e = memo_find(mm, hash_seq(seq, n), seq, n);
	return e->seq ? e->value : -1;
}

static void memo_release(struct memo *mm)
{
	for (size_t i = 0; i < mm->cap; i++)
		free(mm->slots[i].seq);
	free(mm->slots);
	mm->slots = NULL;
	mm->cap = mm->used = 0;
}

/* Fill sh->seq from k sorted positions; returns the sequence length. */
static size_t build_seq(struct shrinker *sh, const size_t *pos, size_t k)
{
	for (size_t i = 0; i < k; i++)
		sh->seq[i] = sh->input[pos[i]];
	sh->seq[k] = sh->input[sh->m];
	return k + 1;
}

/* Really run the oracle (no memo); 1, 0 or -1 (stop). */
static int run_trial(struct shrinker *sh, size_t len)
{
	const struct shrink_options *o = sh->opts;
	int r;

	if (o->max_trials && sh->stats.trials >= o->max_trials)
		return -1;
	sh->stats.trials++;
	sh->stats.executions += len;
	r = o->trial(o->ctx, sh->seq, len);
	if (r < 0)
		return -1;
	r = r ? 1 : 0;
	return o->invert ? !r : r;
}

static void note_success(struct shrinker *sh, const size_t *pos, size_t k)
{
	if (k >= sh->best_n)
		return;
	if (k)
		memcpy(sh->best, pos, k * sizeof(*pos));
	sh->best_n = k;
	sh->stats.reductions++;
	if (sh->opts->on_reduce) {
		size_t len = build_seq(sh, pos, k);
		sh->opts->on_reduce(sh->opts->ctx, sh->seq, len,
				    sh->stats.reductions);
	}
}

/* Does the prefix made of these sorted positions reproduce?  Memoised. */
static int probe(struct shrinker *sh, const size_t *pos, size_t k)
{
	size_t len = build_seq(sh, pos, k);
	int r = memo_get(&sh->memo, sh->seq, len);
	if (r >= 0) {
		sh->stats.memo_hits++;
		return r;
	}
	r = run_trial(sh, len);
	if (r < 0)
		return -1;
	memo_put(&sh->memo, sh->seq, len, r);
	if (r)
		note_success(sh, pos, k);
	return r;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* Probe the union of some sorted spans of positions. */
static int probe_spans(struct shrinker *sh, const struct span *sp, size_t nsp)
{
	size_t k = 0;
	bool sorted = true;
	for (size_t i = 0; i < nsp; i++) {
		if (sp[i].n && k && sh->pos[k - 1] > sp[i].p[0])
			sorted = false;
		if (sp[i].n)
			memcpy(sh->pos + k, sp[i].p,
			       sp[i].n * sizeof(*sh->pos));
		k += sp[i].n;
	}
	if (!sorted)
		qsort(sh->pos, k, sizeof(*sh->pos), cmp_size);
	return probe(sh, sh->pos, k);
}

/* Keep only cand[from..from+n) in place. */
static void keep_range(size_t *cand, size_t *nc, size_t from, size_t n)
{
	memmove(cand, cand + from, n * sizeof(*cand));
	*nc = n;
}

/*
 * Single-culprit bisection: assume one test is to blame and halve, one
 * trial per level: if the half nearest the victim reproduces keep it, else
 * assume the other half (untested, so cheap in test executions too).  The
 * survivor is checked at the end.  Returns 1 when a single culprit was
 * confirmed (cand = it), 0 when the assumption failed (cand = the last set
 * seen reproducing, for the robust search), -1 to stop.
 */
static int descend(struct shrinker *sh, size_t *cand, size_t *nc)
{
	size_t s = 0, e = *nc, vs = 0, ve = *nc;
	bool verified = true;
	int r;

	while (e - s > 1) {
		size_t mid = s + (e - s) / 2;
		r = probe(sh, cand + mid, e - mid);
		if (r < 0)
			return -1;
		if (r) {
			s = vs = mid;
			ve = e;
			verified = true;
		} else {
			e = mid;
			verified = false;
		}
	}
	if (!verified && e > s) {
		r = probe(sh, cand + s, 1);
		if (r < 0)
			return -1;
		verified = r;
	}
	if (verified) {
		keep_range(cand, nc, s, e - s);
		return 1;
	}
	keep_range(cand, nc, vs, ve - vs);
	return 0;
}

/*
 * Cut-point bisection.  Invariant: req + cand reproduces, every req
 * position lies before every cand position.  One round finds the largest
 * cut j such that req + cand[j..] still reproduces (binary search; the
 * first probe is the half of cand nearest the victim); then cand[j] is
 * needed (req + cand[j+1..] was seen not to reproduce) and cand[0..j) is
 * dropped.  One needed test costs about log2(|cand|) trials, whatever the
 * other needed tests do.  Stops when req alone reproduces, or hands the
 * rest to ddmin when two rounds in a row dropped nothing (needed tests
 * packed together, where bisection pays log2 per test for little).
 */
static int bisect(struct shrinker *sh, size_t *req, size_t *nreq, size_t *cand,
		  size_t *nc)
{
	unsigned barren = 0;
	while (*nc) {
		struct span sp[2] = {{req, *nreq}, {cand, *nc}};
		int r = probe_spans(sh, sp, 1);
		if (r < 0)
			return -1;
		if (r) {
			*nc = 0;
			return 0;
		}
		if (barren >= 2)
			return 0;
		size_t lo = 0, hi = *nc; /* lo reproduces, hi does not */
		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;
			sp[1].p = cand + mid;
			sp[1].n = *nc - mid;
			r = probe_spans(sh, sp, 2);
			if (r < 0)
				return -1;
			if (r)
				lo = mid;
			else
				hi = mid;
		}
		barren = lo ? 0 : barren + 1;
		req[(*nreq)++] = cand[lo];
		keep_range(cand, nc, lo + 1, *nc - lo - 1);
	}
	return 0;
}

/*
 * ddmin on cand with req always present: test each of g chunks alone, then
 * each complement; on success restart from the smaller set, else double g
 * until g = |cand|.  Ends 1-minimal with respect to cand.
 */
static int ddmin(struct shrinker *sh, const size_t *req, size_t nreq,
		 size_t *cand, size_t *nc)
{
	size_t g = 2;
	while (*nc >= 2) {
		size_t n = *nc;
		bool found = false;
		if (g > n)
			g = n;
		/* subsets, the chunk nearest the victim first */
		for (size_t i = g; i-- > 0 && !found;) {
			size_t s = i * n / g, e = (i + 1) * n / g;
			struct span sp[2] = {{req, nreq}, {cand + s, e - s}};
			int r = probe_spans(sh, sp, 2);
			if (r < 0)
				return -1;
			if (r) {
				keep_range(cand, nc, s, e - s);
				g = 2;
				found = true;
			}
		}
		/* complements (for g == 2 they are the subsets again) */
		for (size_t i = g; g > 2 && i-- > 0 && !found;) {
			size_t s = i * n / g, e = (i + 1) * n / g;
			struct span sp[3] = {
				{req, nreq}, {cand, s}, {cand + e, n - e}};
			int r = probe_spans(sh, sp, 3);
			if (r < 0)
				return -1;
			if (r) {
				memmove(cand + s, cand + e,
					(n - e) * sizeof(*cand));
				*nc = n - (e - s);
				g = g - 1 > 2 ? g - 1 : 2;
				found = true;
			}
		}
		if (found)
			continue;
		if (g >= n)
			break;
		g = g * 2 < n ? g * 2 : n;
	}
	return 0;
}

/* Remove single tests until none can go: the 1-minimality guarantee. */
static int remove_each(struct shrinker *sh, size_t *set, size_t *ns)
{
	bool changed = true;
	while (changed) {
		changed = false;
		for (size_t i = 0; i < *ns; i++) {
			struct span sp[2] = {{set, i},
					     {set + i + 1, *ns - i - 1}};
			int r = probe_spans(sh, sp, 2);
			if (r < 0)
				return -1;
			if (r) {
				memmove(set + i, set + i + 1,
					(*ns - i - 1) * sizeof(*set));
				(*ns)--;
				i--;
				changed = true;
			}
		}
	}
	return 0;
}

/* Rerun the prefix `times` times for real; 1 if every run reproduced. */
static int repeat(struct shrinker *sh, const size_t *pos, size_t k,
		  unsigned times)
{
	int all = 1;
	for (unsigned i = 0; i < times; i++) {
		size_t len = build_seq(sh, pos, k);
		int r = run_trial(sh, len);
		if (r < 0)
			return -1;
		if (!r)
			all = 0;
	}
	build_seq(sh, pos, k);
	memo_put(&sh->memo, sh->seq, k + 1, all);
	return all;
}

static void fill_result(struct shrinker *sh, struct shrink_result *res,
			enum shrink_verdict v, const size_t *pos, size_t k)
{
	res->verdict = v;
	res->n = k + 1;
	res->seq = xmalloc(st_mult(k + 1, sizeof(*res->seq)));
	for (size_t i = 0; i < k; i++)
		res->seq[i] = sh->input[pos[i]];
	res->seq[k] = sh->input[sh->m];
	res->stats = sh->stats;
}

int shrink_sequence(const size_t *seq, size_t n,
		    const struct shrink_options *opts,
		    struct shrink_result *res)
{
	struct shrinker sh = {0};
	size_t *req, *cand, nreq = 0, nc;
	unsigned confirm;
	int r;

	memset(res, 0, sizeof(*res));
	if (!n)
		return error("shrink: empty sequence");
	if (!opts || !opts->trial)
		return error("shrink: no trial function");
	confirm = opts->confirm ? opts->confirm : 1;
	sh.opts = opts;
	sh.input = seq;
	sh.m = n - 1;
	sh.pos = xmalloc(st_mult(n, sizeof(size_t)));
	sh.seq = xmalloc(st_mult(n, sizeof(size_t)));
	sh.best = xmalloc(st_mult(n, sizeof(size_t)));
	req = xmalloc(st_mult(n, sizeof(size_t)));
	cand = xmalloc(st_mult(n, sizeof(size_t)));
	for (size_t i = 0; i < sh.m; i++)
		cand[i] = sh.best[i] = i;
	nc = sh.best_n = sh.m;

	/* 1. confirm the whole sequence */
	r = repeat(&sh, cand, nc, confirm);
	if (r < 0)
		goto stopped;
	if (!r) {
		fill_result(&sh, res, SHRINK_FLAKY, cand, nc);
		goto out;
	}
	/* 2. the victim alone */
	r = probe(&sh, NULL, 0);
	if (r > 0 && confirm > 1)
		r = repeat(&sh, NULL, 0, confirm - 1) ? 1 : -2;
	if (r == -1)
		goto stopped;
	if (r) {
		/* failing alone only sometimes is flakiness, not a verdict */
		fill_result(&sh, res, r > 0 ? SHRINK_ALONE : SHRINK_FLAKY, NULL,
			    0);
		goto out;
	}
	/* 3-4. bisection, then ddmin on what bisection left */
	if (!opts->no_bisect) {
		r = descend(&sh, cand, &nc);
		if (r < 0)
			goto stopped;
		if (!r && bisect(&sh, req, &nreq, cand, &nc) < 0)
			goto stopped;
	}
	if (ddmin(&sh, req, nreq, cand, &nc) < 0)
		goto stopped;
	/* 5. merge and remove one by one to a fixpoint */
	memcpy(req + nreq, cand, nc * sizeof(*cand));
	nreq += nc;
	qsort(req, nreq, sizeof(*req), cmp_size);
	if (remove_each(&sh, req, &nreq) < 0)
		goto stopped;
	/* 6. the result must reproduce every time too */
	r = repeat(&sh, req, nreq, confirm);
	if (r < 0)
		goto stopped;
	fill_result(&sh, res, r ? SHRINK_MINIMAL : SHRINK_FLAKY, req, nreq);
	goto out;

stopped:
	fill_result(&sh, res, SHRINK_STOPPED, sh.best, sh.best_n);
out:
	memo_release(&sh.memo);
	free(sh.pos);
	free(sh.seq);
	free(sh.best);
	free(req);
	free(cand);
	return 0;
}

void shrink_result_release(struct shrink_result *res)
{
	free(res->seq);
	res->seq = NULL;
	res->n = 0;
}

const char *shrink_verdict_name(enum shrink_verdict v)
{
	switch (v) {
	case SHRINK_MINIMAL:
		return "minimal";
	case SHRINK_ALONE:
		return "fails-alone";
	case SHRINK_FLAKY:
		return "flaky";
	case SHRINK_STOPPED:
		return "stopped";
	}
	return "unknown";
}
