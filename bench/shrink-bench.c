/*
 * shrink-bench.c - how many trials does it take to shrink a failing test
 * sequence?  ordeal's shrinker (src/shrink.c), the same without bisection
 * (plain ddmin), and Apache::TestSmoke's reduction re-implemented here for
 * comparison only (upper half, lower half, then random contiguous windows,
 * at most 50 tries per level), all on the same synthetic oracles.  Prints
 * one table: mean and worst trials, mean rounds (trials run one after the
 * other; with -j4, four trials per round), rounds as a ratio of
 * TestSmoke's (the baseline, measured in the same run), mean test
 * executions, mean result length and how many results were 1-minimal.
 *
 * Built and run by bench/shuffle.sh; standalone, no arguments.
 */
#include "common.h"
#include "shrink.h"

#define SMOKE_MAX_TRIES 50

struct oracle {
	size_t victim;
	size_t p[8];
	size_t np;
	size_t calls, executions;
};

static bool in_prefix(const size_t *seq, size_t n, size_t t)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (seq[i] == t)
			return true;
	return false;
}

/* The victim fails iff every polluter ran before it. */
static int judge(const struct oracle *o, const size_t *seq, size_t n)
{
	for (size_t i = 0; i < o->np; i++)
		if (!in_prefix(seq, n, o->p[i]))
			return 0;
	return 1;
}

static int trial(void *ctx, const size_t *seq, size_t n)
{
	struct oracle *o = ctx;
	o->calls++;
	o->executions += n;
	return judge(o, seq, n);
}

static bool one_minimal(const struct oracle *o, const size_t *seq, size_t n)
{
	size_t *t = xmalloc(st_mult(n, sizeof(*t)));
	bool ok = judge(o, seq, n);
	for (size_t i = 0; ok && i + 1 < n; i++) {
		size_t k = 0;
		for (size_t j = 0; j < n; j++)
			if (j != i)
				t[k++] = seq[j];
		if (judge(o, t, k))
			ok = false;
	}
	free(t);
	return ok;
}

static uint64_t rng_state;
static size_t rnd(size_t bound)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (size_t)((rng_state >> 11) % bound);
}

/* Try prefix[from..from+k) + victim; on success make it the sequence. */
static bool smoke_try(struct oracle *o, size_t **seq, size_t *n, size_t from,
		      size_t k)
{
	size_t *t = xmalloc(st_mult(k + 1, sizeof(*t)));
	memcpy(t, *seq + from, k * sizeof(*t));
	t[k] = (*seq)[*n - 1];
	if (trial(o, t, k + 1)) {
		free(*seq);
		*seq = t;
		*n = k + 1;
		return true;
	}
	free(t);
	return false;
}

/* Apache::TestSmoke's reduction, as its documentation describes it. */
static void smoke_reduce(struct oracle *o, size_t **seq, size_t *n)
{
	while (*n > 2) {
		size_t m = *n - 1, half = m / 2;
		if (smoke_try(o, seq, n, m - half, half))
			continue; /* the upper half, next to the victim */
		if (smoke_try(o, seq, n, 0, m - half))
			continue; /* the lower half */
		bool found = false;
		for (int t = 0; t < SMOKE_MAX_TRIES && !found; t++) {
			size_t l = rnd(m), r = l + rnd(m - l);
			if (r - l + 1 >= m)
				continue;
			found = smoke_try(o, seq, n, l, r - l + 1);
		}
		if (!found)
			break;
	}
}

enum algo { ORDEAL, ORDEAL_J4, DDMIN, SMOKE, NALGO };
static const char *algo_name[] = {"ordeal", "ordeal -j4", "ddmin only",
				  "TestSmoke"};

/* Four trials at once, as `ordeal shuffle -j 4` on clean slates would. */
static int batch(void *ctx, size_t count, const size_t *const *seqs,
		 const size_t *lens, int *results)
{
	for (size_t i = 0; i < count; i++)
		results[i] = trial(ctx, seqs[i], lens[i]);
	return 0;
}

struct tally {
	size_t runs, trials, worst, executions, length, minimal, rounds;
};

static void run_one(enum algo a, size_t n, const size_t *p, size_t np,
		    struct tally *t)
{
	struct oracle o = {.victim = n, .np = np};
	size_t len = n + 1, *seq = xmalloc(st_mult(len, sizeof(*seq)));
	for (size_t i = 0; i <= n; i++)
		seq[i] = i;
	memcpy(o.p, p, np * sizeof(*p));
	if (a == SMOKE) {
		smoke_reduce(&o, &seq, &len);
		t->rounds += o.calls;
	} else {
		struct shrink_options opt = SHRINK_OPTIONS_INIT;
		struct shrink_result r;
		opt.trial = trial;
		opt.ctx = &o;
		opt.no_bisect = a == DDMIN;
		if (a == ORDEAL_J4) {
			opt.batch = batch;
			opt.jobs = 4;
		}
		if (shrink_sequence(seq, len, &opt, &r))
			exit(2);
		t->rounds += r.stats.rounds;
		free(seq);
		seq = r.seq;
		len = r.n;
	}
	t->runs++;
	t->trials += o.calls;
	if (o.calls > t->worst)
		t->worst = o.calls;
	t->executions += o.executions;
	t->length += len;
	t->minimal += one_minimal(&o, seq, len);
	free(seq);
}

static void row(const char *scenario, size_t n, size_t np, size_t samples)
{
	struct tally t[NALGO] = {{0}};

	for (int a = 0; a < NALGO; a++) {
		rng_state = 0x9e3779b97f4a7c15ULL;
		uint64_t pick = 12345;
		for (size_t s = 0; s < samples; s++) {
			size_t p[8];
			for (size_t i = 0; i < np; i++) {
				pick = pick * 6364136223846793005ULL +
				       1442695040888963407ULL;
				p[i] = (size_t)(pick >> 33) % n;
				for (size_t j = 0; j < i; j++)
					if (p[j] == p[i])
						p[i] = (p[i] + 1) % n;
			}
			run_one(a, n, p, np, &t[a]);
		}
	}
	/* ratios against TestSmoke, measured in the same run */
	for (int a = 0; a < NALGO; a++)
		printf("%-28s %-11s %7.1f %6zu %7.1f %6.2f %10.0f %7.2f "
		       "%5zu/%zu\n",
		       a ? "" : scenario, algo_name[a],
		       (double)t[a].trials / t[a].runs, t[a].worst,
		       (double)t[a].rounds / t[a].runs,
		       (double)t[a].rounds / t[SMOKE].rounds,
		       (double)t[a].executions / t[a].runs,
		       (double)t[a].length / t[a].runs - 1, t[a].minimal,
		       t[a].runs);
}

int main(void)
{
	printf("%-28s %-11s %7s %6s %7s %6s %10s %7s %9s\n", "scenario",
	       "algorithm", "trials", "worst", "rounds", "ratio", "test-execs",
	       "prefix", "1-minimal");
	row("one polluter among 64", 64, 1, 64);
	row("one polluter among 512", 512, 1, 64);
	row("one polluter among 2048", 2048, 1, 64);
	row("two polluters among 512", 512, 2, 64);
	row("three polluters among 512", 512, 3, 32);
	row("eight polluters among 64", 64, 8, 16);
	return 0;
}
