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
	size_t *seq;   /* scratch: index sequence of one trial */
	size_t **wave; /* scratch: the sequences of one wave of trials */
	size_t *wave_len, *wave_idx;
	int *wave_res;
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

/* Fill buf with the test indices at k sorted positions, then the victim. */
static size_t build_into(const struct shrinker *sh, size_t *buf,
			 const size_t *pos, size_t k)
{
	for (size_t i = 0; i < k; i++)
		buf[i] = sh->input[pos[i]];
	buf[k] = sh->input[sh->m];
	return k + 1;
}

static size_t build_seq(struct shrinker *sh, const size_t *pos, size_t k)
{
	return build_into(sh, sh->seq, pos, k);
}

static bool batched(const struct shrinker *sh)
{
	return sh->opts->batch && sh->opts->jobs > 1;
}

static size_t wave_size(const struct shrinker *sh)
{
	return batched(sh) ? sh->opts->jobs : 1;
}

/*
 * Really run `count` sequences (no memo): one batch call when trials run
 * in parallel, else one trial after the other.  res[i] gets 1 or 0 (the
 * property, after `invert`).  0, or -1 to stop.
 */
static int run_wave(struct shrinker *sh, size_t count, size_t *const *seqs,
		    const size_t *lens, int *res)
{
	const struct shrink_options *o = sh->opts;
	bool cut = false;

	if (o->max_trials && sh->stats.trials >= o->max_trials)
		return -1;
	if (o->max_trials && sh->stats.trials + count > o->max_trials) {
		count = o->max_trials - sh->stats.trials;
		cut = true;
	}
	for (size_t i = 0; i < count; i++)
		sh->stats.executions += lens[i];
	if (batched(sh) && count > 1) {
		sh->stats.trials += count;
		sh->stats.rounds++;
		if (o->batch(o->ctx, count, (const size_t *const *)seqs, lens,
			     res) < 0)
			return -1;
	} else {
		for (size_t i = 0; i < count; i++) {
			sh->stats.trials++;
			sh->stats.rounds++;
			res[i] = o->trial(o->ctx, seqs[i], lens[i]);
			if (res[i] < 0)
				return -1;
		}
	}
	for (size_t i = 0; i < count; i++) {
		if (res[i] < 0)
			return -1;
		res[i] = (res[i] ? 1 : 0) ^ (o->invert ? 1 : 0);
	}
	/*
	 * A wave cut short by the budget has results the caller would read
	 * unset (a confirmation would look flaky, a probe could look like a
	 * reproduction): the budget is spent, so stop here.
	 */
	return cut ? -1 : 0;
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

/* A candidate prefix: sorted positions (owned) and what it showed. */
struct cand {
	size_t *pos;
	size_t k;
	int val; /* -1: not known yet */
};

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* A candidate made of the union of some sorted spans of positions. */
static void cand_init(struct cand *c, const struct span *sp, size_t nsp)
{
	size_t k = 0, total = 0;
	bool sorted = true;

	for (size_t i = 0; i < nsp; i++)
		total += sp[i].n;
	c->pos = xmalloc(st_mult(total ? total : 1, sizeof(*c->pos)));
	for (size_t i = 0; i < nsp; i++) {
		if (!sp[i].n)
			continue;
		if (k && c->pos[k - 1] > sp[i].p[0])
			sorted = false;
		memcpy(c->pos + k, sp[i].p, sp[i].n * sizeof(*c->pos));
		k += sp[i].n;
	}
	if (!sorted)
		qsort(c->pos, k, sizeof(*c->pos), cmp_size);
	c->k = k;
	c->val = -1;
}

static void cands_release(struct cand *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i].pos);
}

/*
 * Learn what candidates c[0..n-1] show, memo first.  With `first`, only
 * as far as needed to know the first one that reproduces, in order, and
 * return its index (-1: none); else learn them all and return 0.  Returns
 * -2 to stop.  In parallel mode up to `jobs` unknown candidates run as one
 * wave, so the answer is the same as one by one, in fewer rounds.
 */
static ssize_t evaluate(struct shrinker *sh, struct cand *c, size_t n,
			bool first)
{
	size_t jobs = wave_size(sh), next = 0;

	for (;;) {
		size_t w = 0;
		for (size_t i = next; i < n && w < jobs; i++) {
			if (c[i].val < 0) {
				size_t len = build_into(sh, sh->wave[w],
							c[i].pos, c[i].k);
				int m = memo_get(&sh->memo, sh->wave[w], len);
				bool dup = false;
				if (m >= 0) {
					sh->stats.memo_hits++;
					c[i].val = m;
				}
				for (size_t j = 0; m < 0 && j < w; j++)
					if (sh->wave_len[j] == len &&
					    !memcmp(sh->wave[j], sh->wave[w],
						    len * sizeof(size_t)))
						dup = true;
				if (m < 0 && !dup) {
					sh->wave_len[w] = len;
					sh->wave_idx[w++] = i;
				}
			}
			if (first && c[i].val == 1)
				break;
		}
		if (w) {
			if (run_wave(sh, w, sh->wave, sh->wave_len,
				     sh->wave_res) < 0)
				return -2;
			for (size_t j = 0; j < w; j++) {
				struct cand *x = &c[sh->wave_idx[j]];
				x->val = sh->wave_res[j];
				memo_put(&sh->memo, sh->wave[j],
					 sh->wave_len[j], x->val);
				if (x->val)
					note_success(sh, x->pos, x->k);
			}
		}
		while (next < n && c[next].val >= 0 &&
		       !(first && c[next].val == 1))
			next++;
		if (next >= n)
			return first ? -1 : 0;
		if (first && c[next].val == 1)
			return (ssize_t)next;
	}
}

/* Does the union of these spans reproduce?  1, 0, or -1 to stop. */
static int probe_spans(struct shrinker *sh, const struct span *sp, size_t nsp)
{
	struct cand c;
	ssize_t r;

	cand_init(&c, sp, nsp);
	r = evaluate(sh, &c, 1, true);
	cands_release(&c, 1);
	return r == -2 ? -1 : r == 0;
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
 *
 * With parallel trials, `jobs` parts run at once instead, each alone: no
 * guessing, log_jobs(n) rounds, and a round where no part reproduces hands
 * over to the robust search at once.
 */
static int descend(struct shrinker *sh, size_t *cand, size_t *nc)
{
	size_t s = 0, e = *nc, vs = 0, ve = *nc;
	bool verified = true;
	int r;

	while (e - s > 1) {
		size_t mid = s + (e - s) / 2;
		if (batched(sh)) {
			/* each of `jobs` parts alone, nearest the victim first
			 */
			size_t len = e - s, g = wave_size(sh);
			struct cand *c;
			ssize_t hit;
			if (g > len)
				g = len;
			c = xcalloc(g, sizeof(*c));
			for (size_t j = 0; j < g; j++) {
				size_t i = g - 1 - j;
				struct span part = {cand + s + i * len / g,
						    (i + 1) * len / g -
							    i * len / g};
				cand_init(&c[j], &part, 1);
			}
			hit = evaluate(sh, c, g, true);
			cands_release(c, g);
			free(c);
			if (hit == -2)
				return -1;
			if (hit < 0)
				break;
			size_t i = g - 1 - (size_t)hit;
			e = s + (i + 1) * len / g;
			s = s + i * len / g;
			vs = s;
			ve = e;
			continue;
		}
		struct span near = {cand + mid, e - mid};
		r = probe_spans(sh, &near, 1);
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
	if (!verified && e - s == 1) {
		struct span one = {cand + s, 1};
		r = probe_spans(sh, &one, 1);
		if (r < 0)
			return -1;
		if (r) {
			vs = s;
			ve = e;
		}
	}
	if (ve - vs == 1) {
		keep_range(cand, nc, vs, 1);
		return 1;
	}
	keep_range(cand, nc, vs, ve - vs);
	return 0;
}

/*
 * Cut-point bisection.  Invariant: req + cand reproduces, every req
 * position lies before every cand position.  One round finds a cut j such
 * that req + cand[j..] reproduces and req + cand[j+1..] was seen not to
 * (binary search; the first probe is the half of cand nearest the victim;
 * with parallel trials, `jobs` cuts at once); then cand[j] is needed and
 * cand[0..j) is dropped.  One needed test costs about log2(|cand|) trials,
 * whatever the other needed tests do.  Stops when req alone reproduces, or
 * hands the rest to ddmin when two rounds in a row dropped nothing (needed
 * tests packed together, where bisection pays log2 per test for little).
 */
static int bisect(struct shrinker *sh, size_t *req, size_t *nreq, size_t *cand,
		  size_t *nc)
{
	size_t jobs = wave_size(sh);
	struct cand *c = xcalloc(jobs, sizeof(*c));
	unsigned barren = 0;
	int ret = 0;

	while (*nc) {
		struct span sp[2] = {{req, *nreq}, {cand, *nc}};
		int r = probe_spans(sh, sp, 1);
		if (r < 0)
			goto stop;
		if (r) {
			*nc = 0;
			break;
		}
		if (barren >= 2)
			break;
		size_t lo = 0, hi = *nc; /* lo reproduces, hi does not */
		while (hi - lo > 1) {
			size_t k = hi - lo - 1 < jobs ? hi - lo - 1 : jobs;
			size_t cut[64];
			if (k > ARRAY_SIZE(cut))
				k = ARRAY_SIZE(cut);
			for (size_t i = 0; i < k; i++) {
				cut[i] = lo + (hi - lo) * (i + 1) / (k + 1);
				sp[1].p = cand + cut[i];
				sp[1].n = *nc - cut[i];
				cand_init(&c[i], sp, 2);
			}
			ssize_t x = evaluate(sh, c, k, false);
			size_t nlo = lo, nhi = hi;
			/* the last cut that reproduced, and the next one */
			for (size_t i = k; x != -2 && i-- > 0;)
				if (c[i].val == 1) {
					nlo = cut[i];
					break;
				}
			for (size_t i = 0; x != -2 && i < k; i++)
				if (cut[i] > nlo) {
					nhi = cut[i];
					break;
				}
			cands_release(c, k);
			if (x == -2)
				goto stop;
			lo = nlo;
			hi = nhi;
		}
		barren = lo ? 0 : barren + 1;
		req[(*nreq)++] = cand[lo];
		keep_range(cand, nc, lo + 1, *nc - lo - 1);
	}
	free(c);
	return ret;
stop:
	free(c);
	return -1;
}

/*
 * Candidate i of a family, made on demand: `evaluate_family` builds them
 * one wave at a time, so a family of n candidates of about n tests each
 * (ddmin's complements at high granularity, the removal pass) never sits
 * in memory whole.
 */
struct family {
	const size_t *req, *cand, *set;
	size_t nreq, n, g;
	enum { FAM_SUBSET, FAM_COMPLEMENT, FAM_REMOVE } kind;
	size_t from; /* FAM_REMOVE: first position tried */
};

/* ddmin's chunk i of g over n, counted from the victim's end. */
static void chunk(const struct family *f, size_t j, size_t *s, size_t *e)
{
	size_t i = f->g - 1 - j;
	*s = i * f->n / f->g;
	*e = (i + 1) * f->n / f->g;
}

static void family_make(const struct family *f, size_t j, struct cand *c)
{
	size_t s, e;

	switch (f->kind) {
	case FAM_SUBSET: {
		chunk(f, j, &s, &e);
		struct span sp[2] = {{f->req, f->nreq}, {f->cand + s, e - s}};
		cand_init(c, sp, 2);
		break;
	}
	case FAM_COMPLEMENT: {
		chunk(f, j, &s, &e);
		struct span sp[3] = {{f->req, f->nreq},
				     {f->cand, s},
				     {f->cand + e, f->n - e}};
		cand_init(c, sp, 3);
		break;
	}
	case FAM_REMOVE: {
		size_t i = f->from + j;
		struct span sp[2] = {{f->set, i},
				     {f->set + i + 1, f->n - i - 1}};
		cand_init(c, sp, 2);
		break;
	}
	}
}

/* The first of `count` family members that reproduces; as evaluate(). */
static ssize_t evaluate_family(struct shrinker *sh, const struct family *f,
			       size_t count)
{
	size_t w = wave_size(sh);
	struct cand *c = xcalloc(w, sizeof(*c));
	ssize_t ret = -1;

	for (size_t start = 0; start < count; start += w) {
		size_t k = count - start < w ? count - start : w;
		for (size_t j = 0; j < k; j++)
			family_make(f, start + j, &c[j]);
		ssize_t hit = evaluate(sh, c, k, true);
		cands_release(c, k);
		if (hit != -1) {
			ret = hit == -2 ? -2 : (ssize_t)start + hit;
			break;
		}
	}
	free(c);
	return ret;
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
		size_t n = *nc, s, e;
		struct family f = {req, cand, NULL, nreq, n, 0, FAM_SUBSET, 0};
		ssize_t hit;
		if (g > n)
			g = n;
		f.g = g;
		/* subsets, the chunk nearest the victim first */
		hit = evaluate_family(sh, &f, g);
		if (hit == -2)
			return -1;
		if (hit >= 0) {
			chunk(&f, (size_t)hit, &s, &e);
			keep_range(cand, nc, s, e - s);
			g = 2;
			continue;
		}
		/* complements (for g == 2 they are the subsets again) */
		if (g > 2) {
			f.kind = FAM_COMPLEMENT;
			hit = evaluate_family(sh, &f, g);
			if (hit == -2)
				return -1;
			if (hit >= 0) {
				chunk(&f, (size_t)hit, &s, &e);
				memmove(cand + s, cand + e,
					(n - e) * sizeof(*cand));
				*nc = n - (e - s);
				g = g - 1 > 2 ? g - 1 : 2;
				continue;
			}
		}
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
		size_t from = 0;
		changed = false;
		while (from < *ns) {
			struct family f = {NULL, NULL, set,	   0,
					   *ns,	 0,    FAM_REMOVE, from};
			ssize_t hit = evaluate_family(sh, &f, *ns - from);
			if (hit == -2)
				return -1;
			if (hit < 0)
				break;
			size_t i = from + (size_t)hit;
			memmove(set + i, set + i + 1,
				(*ns - i - 1) * sizeof(*set));
			(*ns)--;
			from = i;
			changed = true;
		}
	}
	return 0;
}

/* Rerun the prefix `times` times for real; 1 if every run reproduced. */
static int repeat(struct shrinker *sh, const size_t *pos, size_t k,
		  unsigned times)
{
	size_t jobs = wave_size(sh);
	int all = 1;

	while (times) {
		size_t w = times < jobs ? times : jobs;
		for (size_t j = 0; j < w; j++)
			sh->wave_len[j] = build_into(sh, sh->wave[j], pos, k);
		if (run_wave(sh, w, sh->wave, sh->wave_len, sh->wave_res) < 0)
			return -1;
		for (size_t j = 0; j < w; j++)
			if (!sh->wave_res[j])
				all = 0;
		times -= (unsigned)w;
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
	size_t jobs;
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
	jobs = opts->batch && opts->jobs > 1 ? opts->jobs : 1;
	sh.wave = xcalloc(jobs, sizeof(*sh.wave));
	for (size_t j = 0; j < jobs; j++)
		sh.wave[j] = xmalloc(st_mult(n, sizeof(size_t)));
	sh.wave_len = xcalloc(jobs, sizeof(*sh.wave_len));
	sh.wave_idx = xcalloc(jobs, sizeof(*sh.wave_idx));
	sh.wave_res = xcalloc(jobs, sizeof(*sh.wave_res));
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
	r = probe_spans(&sh, NULL, 0);
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
	for (size_t j = 0; j < jobs; j++)
		free(sh.wave[j]);
	free(sh.wave);
	free(sh.wave_len);
	free(sh.wave_idx);
	free(sh.wave_res);
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
