/*
 * fuzz-shrink.c - the shrink module (confirm, bisection, ddmin, one-by-one)
 * against random monotone oracles: the failure shows when the sequence
 * holds every test of at least one of a few "culprit sets" (each set is a
 * random subset of the prefix; the victim is always last).  Whatever the
 * sets, the options (confirm, jobs with a batch oracle, no_bisect, invert,
 * max_trials), the result reproduces, keeps the victim last and the
 * input's order, and is 1-minimal: dropping any one test of its prefix
 * makes the failure go away.  With a single set the answer is that set.
 */
#include "common.h"
#include "shrink.h"

#include "fuzz.h"

#define MAXN 48
#define MAXSETS 3

struct oracle {
	size_t n;		      /* prefix length */
	uint64_t sets[MAXSETS];	      /* culprit sets over test values */
	size_t nsets;
	bool invert;
	size_t victim;
	size_t calls;
};

/* 1 when seq (victim last) shows the failure. */
static int fails(const struct oracle *o, const size_t *seq, size_t n)
{
	uint64_t have = 0;

	FUZZ_ASSERT(n >= 1 && seq[n - 1] == o->victim);
	for (size_t i = 0; i + 1 < n; i++) {
		FUZZ_ASSERT(seq[i] < o->n);
		have |= 1ull << seq[i];
	}
	for (size_t k = 0; k < o->nsets; k++)
		if ((have & o->sets[k]) == o->sets[k])
			return 1;
	return 0;
}

static int trial(void *ctx, const size_t *seq, size_t n)
{
	struct oracle *o = ctx;
	int f = fails(o, seq, n);

	o->calls++;
	return o->invert ? !f : f;
}

static int batch(void *ctx, size_t count, const size_t *const *seqs,
		 const size_t *lens, int *results)
{
	for (size_t i = 0; i < count; i++)
		results[i] = trial(ctx, seqs[i], lens[i]);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {(const char *)data, size};
	struct shrink_options opts = SHRINK_OPTIONS_INIT;
	struct shrink_result res;
	struct oracle o = {0};
	size_t seq[MAXN + 1], pos[MAXN];
	unsigned c = fuzz_byte(&in);
	uint64_t all = 0;

	o.n = 1 + fuzz_byte(&in) % MAXN;
	o.victim = MAXN; /* a value no prefix test has */
	o.nsets = 1 + (c & 3) % MAXSETS;
	for (size_t k = 0; k < o.nsets; k++) {
		for (size_t i = 0; i < o.n; i++)
			if (fuzz_byte(&in) % 8 == 0)
				o.sets[k] |= 1ull << i;
	}
	/* The input: the prefix in a shuffled order, the victim last. */
	for (size_t i = 0; i < o.n; i++)
		seq[i] = i;
	for (size_t i = o.n; i > 1; i--) {
		size_t j = fuzz_byte(&in) % i, t = seq[i - 1];

		seq[i - 1] = seq[j];
		seq[j] = t;
	}
	seq[o.n] = o.victim;
	for (size_t i = 0; i < o.n; i++)
		all |= 1ull << i;
	(void)all;
	o.invert = c & 4;
	opts.invert = o.invert;
	opts.trial = trial;
	opts.ctx = &o;
	opts.confirm = 1 + (c >> 3 & 1);
	opts.no_bisect = c & 16;
	if (c & 32) {
		opts.batch = batch;
		opts.jobs = 2 + (c >> 6);
	}
	if (fuzz_byte(&in) % 4 == 0)
		opts.max_trials = 1 + fuzz_byte(&in) % 64;

	/* The whole input must show the failure (or, inverted, not). */
	if (!fails(&o, seq, o.n + 1))
		return 0;
	FUZZ_ASSERT(shrink_sequence(seq, o.n + 1, &opts, &res) == 0);
	FUZZ_ASSERT(res.n >= 1 && res.seq[res.n - 1] == o.victim);
	if (opts.max_trials)
		FUZZ_ASSERT(res.stats.trials <= opts.max_trials);
	/* The verdict follows from a deterministic oracle. */
	if (!o.invert) {
		FUZZ_ASSERT(res.verdict != SHRINK_FLAKY);
		FUZZ_ASSERT(fails(&o, res.seq, res.n));
	}
	/* In input order: positions strictly increase. */
	for (size_t i = 0; i + 1 < res.n; i++) {
		size_t p = 0;

		while (p < o.n && seq[p] != res.seq[i])
			p++;
		FUZZ_ASSERT(p < o.n);
		pos[i] = p;
		if (i)
			FUZZ_ASSERT(pos[i] > pos[i - 1]);
	}
	if (o.invert) {
		/* A deterministic oracle: confirmation holds. */
		FUZZ_ASSERT(res.verdict != SHRINK_FLAKY);
		if (res.verdict == SHRINK_MINIMAL)
			FUZZ_ASSERT(!trial(&o, res.seq, res.n));
		goto out;
	}
	if (res.verdict == SHRINK_ALONE) {
		FUZZ_ASSERT(res.n == 1);
		goto out;
	}
	if (res.verdict == SHRINK_STOPPED)
		goto out;
	FUZZ_ASSERT(res.verdict == SHRINK_MINIMAL);
	/* 1-minimal. */
	for (size_t i = 0; i + 1 < res.n; i++) {
		size_t cand[MAXN + 1], k = 0;

		for (size_t j = 0; j < res.n; j++)
			if (j != i)
				cand[k++] = res.seq[j];
		if (fails(&o, cand, k))
			FUZZ_FAIL("not 1-minimal: test %zu can go", res.seq[i]);
	}
	if (o.nsets == 1) {
		size_t want = (size_t)__builtin_popcountll(o.sets[0]);

		FUZZ_ASSERT(res.n == want + 1);
	}
out:
	shrink_result_release(&res);
	return 0;
}
