/*
 * test-shrink.c - unit tests of the sequence shrinker with synthetic
 * oracles: polluters, polluters needed together, cleaners, state-setters,
 * flaky oracles, sizes from 1 to 2,000, trial-count bounds.  Every result
 * is checked to reproduce and to be 1-minimal by asking the oracle itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "common.h"
#include "shrink.h"

/*
 * A synthetic suite: tests are numbers, the victim is `victim`.  The
 * oracle answers "the victim failed the same way" from the prefix.
 */
enum kind {
	ONE_POLLUTER,	/* fails iff p[0] ran before */
	ALL_POLLUTERS,	/* fails iff every p[i] ran before */
	WITH_CLEANER,	/* fails iff p[0] ran and c did not run after it */
	NEEDS_SETTER,	/* fails iff p[0] (the setter) did not run */
	FAILS_ALONE,	/* always fails */
	NEVER,		/* never fails */
	RANDOM,		/* fails with probability 1/2 */
	LYING_POLLUTER, /* ONE_POLLUTER, plus false alarms 3 times in 10 */
};

struct oracle {
	enum kind kind;
	size_t victim;
	size_t p[8];
	size_t np;
	size_t cleaner;
	uint64_t rng;
	size_t calls;
	size_t executions;
};

static unsigned rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (unsigned)(*s >> 11);
}

static bool in_prefix(const size_t *seq, size_t n, size_t t)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (seq[i] == t)
			return true;
	return false;
}

static int judge(struct oracle *o, const size_t *seq, size_t n)
{
	assert_true(n >= 1);
	assert_int_equal(seq[n - 1], o->victim);
	switch (o->kind) {
	case ONE_POLLUTER:
		return in_prefix(seq, n, o->p[0]);
	case ALL_POLLUTERS:
		for (size_t i = 0; i < o->np; i++)
			if (!in_prefix(seq, n, o->p[i]))
				return 0;
		return 1;
	case WITH_CLEANER: {
		int dirty = 0;
		for (size_t i = 0; i + 1 < n; i++) {
			if (seq[i] == o->p[0])
				dirty = 1;
			else if (seq[i] == o->cleaner)
				dirty = 0;
		}
		return dirty;
	}
	case NEEDS_SETTER:
		return !in_prefix(seq, n, o->p[0]);
	case FAILS_ALONE:
		return 1;
	case NEVER:
		return 0;
	case RANDOM:
		return rnd(&o->rng) & 1;
	case LYING_POLLUTER:
		return in_prefix(seq, n, o->p[0]) || rnd(&o->rng) % 10 < 3;
	}
	return 0;
}

static int trial(void *ctx, const size_t *seq, size_t n)
{
	struct oracle *o = ctx;
	o->calls++;
	o->executions += n;
	return judge(o, seq, n);
}

/* 0..n-2 then the victim n-1. */
static size_t *iota_seq(size_t n)
{
	size_t *s = xmalloc(n * sizeof(*s));
	for (size_t i = 0; i < n; i++)
		s[i] = i;
	return s;
}

/* The result reproduces and losing any one prefix test breaks it. */
static void assert_one_minimal(struct oracle *o, const struct shrink_result *r,
			       bool invert)
{
	size_t *t = xmalloc(r->n * sizeof(*t));
	int want = invert ? 0 : 1;
	assert_int_equal(judge(o, r->seq, r->n), want);
	for (size_t i = 0; i + 1 < r->n; i++) {
		size_t k = 0;
		for (size_t j = 0; j < r->n; j++)
			if (j != i)
				t[k++] = r->seq[j];
		assert_int_equal(judge(o, t, k), !want);
	}
	free(t);
}

static void shrink_ok(const size_t *seq, size_t n, struct oracle *o,
		      struct shrink_options *opt, struct shrink_result *r)
{
	opt->trial = trial;
	opt->ctx = o;
	assert_int_equal(shrink_sequence(seq, n, opt, r), 0);
	assert_int_equal(r->stats.trials, o->calls);
	assert_int_equal(r->stats.executions, o->executions);
}

static void check_one_polluter(size_t n, size_t p)
{
	struct oracle o = {.kind = ONE_POLLUTER, .victim = n - 1, .p = {p}};
	struct shrink_options opt = SHRINK_OPTIONS_INIT;
	struct shrink_result r;
	size_t *seq = iota_seq(n);

	shrink_ok(seq, n, &o, &opt, &r);
	assert_int_equal(r.verdict, SHRINK_MINIMAL);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.seq[0], p);
	assert_int_equal(r.seq[1], n - 1);
	assert_one_minimal(&o, &r, false);
	shrink_result_release(&r);
	free(seq);
}

static void test_one_polluter_all_sizes(void **state)
{
	(void)state;
	for (size_t n = 2; n <= 40; n++)
		for (size_t p = 0; p + 1 < n; p++)
			check_one_polluter(n, p);
	static const size_t sizes[] = {63,  64,	 65,  100, 127,	 128,  129,
				       500, 511, 512, 513, 1000, 1999, 2000};
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t n = sizes[i];
		check_one_polluter(n, 0);
		check_one_polluter(n, n / 3);
		check_one_polluter(n, n / 2);
		check_one_polluter(n, n - 2);
	}
}

static size_t ceil_log2(size_t n)
{
	size_t k = 0;
	while (((size_t)1 << k) < n)
		k++;
	return k;
}

/* Trials for one polluter among n: at most ceil(log2 n) + 5, anywhere. */
static void test_one_polluter_trial_bound(void **state)
{
	static const size_t sizes[] = {64, 512, 2048};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t n = sizes[i], worst = 0;
		size_t *seq = iota_seq(n + 1);
		for (size_t p = 0; p < n; p++) {
			struct oracle o = {
				.kind = ONE_POLLUTER, .victim = n, .p = {p}};
			struct shrink_options opt = SHRINK_OPTIONS_INIT;
			struct shrink_result r;
			shrink_ok(seq, n + 1, &o, &opt, &r);
			assert_int_equal(r.verdict, SHRINK_MINIMAL);
			assert_int_equal(r.n, 2);
			assert_one_minimal(&o, &r, false);
			if (r.stats.trials > worst)
				worst = r.stats.trials;
			shrink_result_release(&r);
		}
		print_message("one polluter among %zu: worst %zu trials "
			      "(bound %zu)\n",
			      n, worst, ceil_log2(n) + 5);
		assert_true(worst <= ceil_log2(n) + 5);
		free(seq);
	}
}

static void check_polluters(size_t n, const size_t *p, size_t np,
			    size_t *trials)
{
	struct oracle o = {.kind = ALL_POLLUTERS, .victim = n - 1, .np = np};
	struct shrink_options opt = SHRINK_OPTIONS_INIT;
	struct shrink_result r;
	size_t *seq = iota_seq(n);

	memcpy(o.p, p, np * sizeof(*p));
	shrink_ok(seq, n, &o, &opt, &r);
	assert_int_equal(r.verdict, SHRINK_MINIMAL);
	assert_int_equal(r.n, np + 1);
	assert_one_minimal(&o, &r, false);
	if (trials)
		*trials = r.stats.trials;
	shrink_result_release(&r);
	free(seq);
}

/* Two polluters needed together: no half alone reproduces. */
static void test_two_polluters(void **state)
{
	size_t worst = 0, t;
	(void)state;
	for (size_t n = 3; n <= 24; n++)
		for (size_t a = 0; a + 1 < n; a++)
			for (size_t b = a + 1; b + 1 < n; b++) {
				size_t p[2] = {a, b};
				check_polluters(n, p, 2, NULL);
			}
	/* among 512 (plus the victim): at most 40 trials */
	for (size_t a = 0; a < 512; a += 7)
		for (size_t b = a + 1; b < 512; b += 13) {
			size_t p[2] = {a, b};
			check_polluters(513, p, 2, &t);
			if (t > worst)
				worst = t;
		}
	size_t edges[][2] = {{0, 1}, {0, 511}, {510, 511}, {255, 256}};
	for (size_t i = 0; i < ARRAY_SIZE(edges); i++) {
		check_polluters(513, edges[i], 2, &t);
		if (t > worst)
			worst = t;
	}
	print_message("two polluters among 512: worst %zu trials (bound 40)\n",
		      worst);
	assert_true(worst <= 40);
}

/* Many needed tests, packed or scattered: ddmin takes over, still 1-min. */
static void test_many_polluters(void **state)
{
	uint64_t s = 42;
	(void)state;
	size_t dense[8] = {3, 4, 5, 6, 7, 8, 9, 10};
	check_polluters(12, dense, 8, NULL);
	check_polluters(200, dense, 8, NULL);
	size_t all[8] = {0, 1, 2, 3, 4, 5, 6, 7};
	check_polluters(9, all, 8, NULL);
	for (int round = 0; round < 40; round++) {
		size_t n = 10 + rnd(&s) % 1990, np = 1 + rnd(&s) % 8, p[8];
		for (size_t i = 0; i < np; i++) {
		again:
			p[i] = rnd(&s) % (n - 1);
			for (size_t j = 0; j < i; j++)
				if (p[j] == p[i])
					goto again;
		}
		check_polluters(n, p, np, NULL);
	}
}

/* Plain ddmin (no bisection) finds the same 1-minimal answers. */
static void test_plain_ddmin(void **state)
{
	(void)state;
	for (size_t n = 2; n <= 30; n++)
		for (size_t a = 0; a + 1 < n; a++)
			for (size_t b = a; b + 1 < n; b++) {
				struct oracle o = {.kind = ALL_POLLUTERS,
						   .victim = n - 1,
						   .p = {a, b},
						   .np = 2};
				struct shrink_options opt = SHRINK_OPTIONS_INIT;
				struct shrink_result r;
				size_t *seq = iota_seq(n);
				opt.no_bisect = true;
				shrink_ok(seq, n, &o, &opt, &r);
				assert_int_equal(r.verdict, SHRINK_MINIMAL);
				assert_int_equal(r.n, a == b ? 2 : 3);
				assert_one_minimal(&o, &r, false);
				shrink_result_release(&r);
				free(seq);
			}
}

/*
 * A cleaner between the polluter and the victim hides the failure, so the
 * failing sequence has it before the polluter; it must not survive.
 */
static void test_polluter_and_cleaner(void **state)
{
	(void)state;
	for (size_t n = 3; n <= 300; n += (n < 30 ? 1 : 37)) {
		size_t *seq = iota_seq(n);
		for (size_t c = 0; c + 2 < n; c++) {
			size_t p = c + 1 + (c * 7) % (n - c - 2);
			struct oracle o = {.kind = WITH_CLEANER,
					   .victim = n - 1,
					   .p = {p},
					   .cleaner = c};
			struct shrink_options opt = SHRINK_OPTIONS_INIT;
			struct shrink_result r;
			shrink_ok(seq, n, &o, &opt, &r);
			assert_int_equal(r.verdict, SHRINK_MINIMAL);
			assert_int_equal(r.n, 2);
			assert_int_equal(r.seq[0], p);
			assert_one_minimal(&o, &r, false);
			shrink_result_release(&r);
		}
		free(seq);
	}
	/* polluter, cleaner, polluter again: the last one is the culprit */
	size_t seq[] = {5, 1, 7, 5, 2, 9};
	struct oracle o = {
		.kind = WITH_CLEANER, .victim = 9, .p = {5}, .cleaner = 7};
	struct shrink_options opt = SHRINK_OPTIONS_INIT;
	struct shrink_result r;
	shrink_ok(seq, ARRAY_SIZE(seq), &o, &opt, &r);
	assert_int_equal(r.verdict, SHRINK_MINIMAL);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.seq[0], 5);
	assert_one_minimal(&o, &r, false);
	shrink_result_release(&r);
}

/*
 * A brittle victim fails alone and passes after its state-setter.  The
 * plain shrink says "fails alone"; the inverted one, from a sequence where
 * it passed, finds the setter.
 */
static void test_state_setter(void **state)
{
	(void)state;
	for (size_t n = 2; n <= 2000; n = n < 20 ? n + 1 : n * 3 / 2) {
		size_t *seq = iota_seq(n);
		size_t s = (n * 5) / 7 % (n - 1);
		struct oracle o = {
			.kind = NEEDS_SETTER, .victim = n - 1, .p = {s}};
		struct shrink_options opt = SHRINK_OPTIONS_INIT;
		struct shrink_result r;

		/* a failing sequence without the setter: fails alone */
		size_t alone[3] = {s == 0 ? 1 : 0, n - 1, n - 1};
		size_t an = (n > 2 && alone[0] != s) ? 2 : 1;
		if (an == 1)
			alone[0] = n - 1;
		shrink_ok(alone, an, &o, &opt, &r);
		assert_int_equal(r.verdict, SHRINK_ALONE);
		assert_int_equal(r.n, 1);
		assert_int_equal(r.seq[0], n - 1);
		shrink_result_release(&r);

		o.calls = o.executions = 0;
		opt.invert = true;
		shrink_ok(seq, n, &o, &opt, &r);
		assert_int_equal(r.verdict, SHRINK_MINIMAL);
		assert_int_equal(r.n, 2);
		assert_int_equal(r.seq[0], s);
		assert_one_minimal(&o, &r, true);
		shrink_result_release(&r);
		free(seq);
	}
}

static void test_fails_alone_and_never(void **state)
{
	(void)state;
	for (size_t n = 1; n <= 2000; n = n < 10 ? n + 1 : n * 2) {
		size_t *seq = iota_seq(n);
		struct oracle o = {.kind = FAILS_ALONE, .victim = n - 1};
		struct shrink_options opt = SHRINK_OPTIONS_INIT;
		struct shrink_result r;
		shrink_ok(seq, n, &o, &opt, &r);
		assert_int_equal(r.verdict, SHRINK_ALONE);
		assert_int_equal(r.n, 1);
		assert_int_equal(r.seq[0], n - 1);
		assert_true(r.stats.trials <= 2);
		shrink_result_release(&r);

		/* a "failure" that never comes back: flaky, input kept */
		struct oracle never = {.kind = NEVER, .victim = n - 1};
		opt.confirm = 3;
		shrink_ok(seq, n, &never, &opt, &r);
		assert_int_equal(r.verdict, SHRINK_FLAKY);
		assert_int_equal(r.n, n);
		assert_int_equal(r.stats.trials, 3);
		shrink_result_release(&r);
		free(seq);
	}
}

/* A coin-flip oracle is called flaky, never shrunk into nonsense. */
static void test_flaky_oracle(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 200; seed++) {
		size_t n = 2 + seed * 10;
		size_t *seq = iota_seq(n);
		struct oracle o = {.kind = RANDOM,
				   .victim = n - 1,
				   .rng = seed * 0x9e3779b97f4a7c15ULL};
		struct shrink_options opt = SHRINK_OPTIONS_INIT;
		struct shrink_result r;
		opt.confirm = 5;
		shrink_ok(seq, n, &o, &opt, &r);
		assert_int_equal(r.verdict, SHRINK_FLAKY);
		shrink_result_release(&r);

		/* a real polluter plus false alarms: flaky or the truth */
		struct oracle l = {.kind = LYING_POLLUTER,
				   .victim = n - 1,
				   .p = {seed % (n - 1)},
				   .rng = seed * 0x2545f4914f6cdd1dULL};
		shrink_ok(seq, n, &l, &opt, &r);
		if (r.verdict != SHRINK_FLAKY) {
			assert_int_equal(r.verdict, SHRINK_MINIMAL);
			assert_true(in_prefix(r.seq, r.n, l.p[0]));
		}
		shrink_result_release(&r);
		free(seq);
	}
}

/* Tests repeated by --times: the victim can be its own polluter. */
static void test_repeated_tests(void **state)
{
	size_t seq[] = {3, 1, 3, 2, 4, 1, 2, 3, 4, 0, 2, 1, 0};
	struct oracle o = {.kind = ONE_POLLUTER, .victim = 0, .p = {0}};
	struct shrink_options opt = SHRINK_OPTIONS_INIT;
	struct shrink_result r;
	(void)state;
	shrink_ok(seq, ARRAY_SIZE(seq), &o, &opt, &r);
	assert_int_equal(r.verdict, SHRINK_MINIMAL);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.seq[0], 0);
	assert_int_equal(r.seq[1], 0);
	assert_one_minimal(&o, &r, false);
	shrink_result_release(&r);

	struct oracle two = {
		.kind = ALL_POLLUTERS, .victim = 0, .p = {3, 4}, .np = 2};
	shrink_ok(seq, ARRAY_SIZE(seq), &two, &opt, &r);
	assert_int_equal(r.verdict, SHRINK_MINIMAL);
	assert_int_equal(r.n, 3);
	assert_one_minimal(&two, &r, false);
	/* the same test sequence at other positions is not run twice */
	assert_true(r.stats.memo_hits > 0);
	shrink_result_release(&r);
}

/* Memo: no sequence is run twice except by confirm and verification. */
struct uniq {
	struct oracle o;
	size_t **seen;
	size_t *len;
	size_t n;
	int dup;
};

static int uniq_trial(void *ctx, const size_t *seq, size_t n)
{
	struct uniq *u = ctx;
	for (size_t i = 0; i < u->n; i++)
		if (u->len[i] == n &&
		    !memcmp(u->seen[i], seq, n * sizeof(*seq)))
			u->dup++;
	u->seen = xrealloc(u->seen, (u->n + 1) * sizeof(*u->seen));
	u->len = xrealloc(u->len, (u->n + 1) * sizeof(*u->len));
	u->seen[u->n] = xmalloc(n * sizeof(*seq));
	memcpy(u->seen[u->n], seq, n * sizeof(*seq));
	u->len[u->n++] = n;
	return judge(&u->o, seq, n);
}

static void test_memo(void **state)
{
	size_t n = 300, *seq = iota_seq(n);
	struct uniq u = {.o = {.kind = ALL_POLLUTERS,
			       .victim = n - 1,
			       .p = {10, 11, 12, 150, 290},
			       .np = 5}};
	struct shrink_options opt = SHRINK_OPTIONS_INIT;
	struct shrink_result r;
	(void)state;
	opt.trial = uniq_trial;
	opt.ctx = &u;
	assert_int_equal(shrink_sequence(seq, n, &opt, &r), 0);
	assert_int_equal(r.verdict, SHRINK_MINIMAL);
	assert_int_equal(r.n, 6);
	/* only the final verification repeats a sequence */
	assert_int_equal(u.dup, 1);
	shrink_result_release(&r);
	for (size_t i = 0; i < u.n; i++)
		free(u.seen[i]);
	free(u.seen);
	free(u.len);
	free(seq);
}

/* Reductions are reported shortest-so-far; -1 stops with the best. */
struct stopper {
	struct oracle o;
	size_t stop_after;
	size_t last_len;
	unsigned reductions;
};

static int stop_trial(void *ctx, const size_t *seq, size_t n)
{
	struct stopper *s = ctx;
	if (s->o.calls++ == s->stop_after)
		return -1;
	return judge(&s->o, seq, n);
}

static void on_reduce(void *ctx, const size_t *seq, size_t n, unsigned k)
{
	struct stopper *s = ctx;
	assert_true(n < s->last_len);
	assert_int_equal(seq[n - 1], s->o.victim);
	assert_int_equal(k, s->reductions + 1);
	s->last_len = n;
	s->reductions = k;
}

static void test_stop_and_reductions(void **state)
{
	size_t n = 1000, *seq = iota_seq(n);
	(void)state;
	for (size_t stop = 0; stop < 20; stop++) {
		struct stopper s = {.o = {.kind = ALL_POLLUTERS,
					  .victim = n - 1,
					  .p = {100, 700},
					  .np = 2},
				    .stop_after = stop,
				    .last_len = n};
		struct shrink_options opt = SHRINK_OPTIONS_INIT;
		struct shrink_result r;
		opt.trial = stop_trial;
		opt.ctx = &s;
		opt.on_reduce = on_reduce;
		assert_int_equal(shrink_sequence(seq, n, &opt, &r), 0);
		if (r.verdict == SHRINK_STOPPED) {
			assert_int_equal(r.n, s.last_len);
			assert_int_equal(judge(&s.o, r.seq, r.n), 1);
		} else {
			assert_int_equal(r.verdict, SHRINK_MINIMAL);
		}
		assert_int_equal(r.stats.reductions, s.reductions);
		shrink_result_release(&r);
	}
	/* a trial budget stops too */
	struct oracle o = {
		.kind = ONE_POLLUTER, .victim = n - 1, .p = {n - 10}};
	struct shrink_options opt = SHRINK_OPTIONS_INIT;
	struct shrink_result r;
	opt.max_trials = 4;
	shrink_ok(seq, n, &o, &opt, &r);
	assert_int_equal(r.verdict, SHRINK_STOPPED);
	assert_int_equal(r.stats.trials, 4);
	assert_true(r.n < n);
	shrink_result_release(&r);
	free(seq);
}

/* Parallel trials: a batch oracle, `jobs` sequences per call. */
struct batch_oracle {
	struct oracle o;
	unsigned jobs;
	size_t calls;
};

static int batch_trial(void *ctx, size_t count, const size_t *const *seqs,
		       const size_t *lens, int *results)
{
	struct batch_oracle *b = ctx;
	assert_true(count >= 2);
	assert_true(count <= b->jobs);
	b->calls++;
	for (size_t i = 0; i < count; i++) {
		b->o.calls++;
		b->o.executions += lens[i];
		results[i] = judge(&b->o, seqs[i], lens[i]);
	}
	return 0;
}

static int batch_single(void *ctx, const size_t *seq, size_t n)
{
	struct batch_oracle *b = ctx;
	return trial(&b->o, seq, n);
}

static void shrink_parallel(const size_t *seq, size_t n, struct batch_oracle *b,
			    struct shrink_result *r)
{
	struct shrink_options opt = SHRINK_OPTIONS_INIT;
	opt.trial = batch_single;
	opt.batch = batch_trial;
	opt.jobs = b->jobs;
	opt.ctx = b;
	assert_int_equal(shrink_sequence(seq, n, &opt, r), 0);
	assert_int_equal(r->stats.trials, b->o.calls);
	assert_int_equal(r->stats.executions, b->o.executions);
	assert_true(r->stats.rounds <= r->stats.trials);
}

static void test_parallel(void **state)
{
	static const unsigned jobs[] = {2, 3, 4, 8};
	uint64_t s = 7;
	(void)state;
	for (size_t ji = 0; ji < ARRAY_SIZE(jobs); ji++) {
		size_t worst_rounds = 0, worst_trials = 0;
		size_t n = 2049, *seq = iota_seq(n);
		for (size_t p = 0; p < 2048; p += 97) {
			struct batch_oracle b = {.o = {.kind = ONE_POLLUTER,
						       .victim = n - 1,
						       .p = {p}},
						 .jobs = jobs[ji]};
			struct shrink_result r;
			shrink_parallel(seq, n, &b, &r);
			assert_int_equal(r.verdict, SHRINK_MINIMAL);
			assert_int_equal(r.n, 2);
			assert_int_equal(r.seq[0], p);
			assert_one_minimal(&b.o, &r, false);
			if (r.stats.rounds > worst_rounds)
				worst_rounds = r.stats.rounds;
			if (r.stats.trials > worst_trials)
				worst_trials = r.stats.trials;
			shrink_result_release(&r);
		}
		print_message("-j%u: one polluter among 2048: worst %zu "
			      "rounds, %zu trials\n",
			      jobs[ji], worst_rounds, worst_trials);
		/* one round per level of a jobs-way split, plus confirm,
		 * isolation, the check of the last part and verification */
		size_t levels = 0;
		for (size_t span = 1; span < 2048; span *= jobs[ji])
			levels++;
		assert_true(worst_rounds <= levels + 4);
		free(seq);
		/* several polluters, cleaners: still 1-minimal */
		for (int round = 0; round < 30; round++) {
			size_t m = 10 + rnd(&s) % 600, np = 1 + rnd(&s) % 5;
			struct batch_oracle b = {.o = {.kind = ALL_POLLUTERS,
						       .victim = m - 1,
						       .np = np},
						 .jobs = jobs[ji]};
			struct shrink_result r;
			seq = iota_seq(m);
			for (size_t i = 0; i < np; i++)
				b.o.p[i] = (i * 7919 + rnd(&s)) % (m - 1);
			shrink_parallel(seq, m, &b, &r);
			assert_int_equal(r.verdict, SHRINK_MINIMAL);
			assert_one_minimal(&b.o, &r, false);
			shrink_result_release(&r);
			free(seq);
		}
		seq = iota_seq(40);
		for (size_t c = 0; c + 2 < 40; c += 3) {
			struct batch_oracle b = {.o = {.kind = WITH_CLEANER,
						       .victim = 39,
						       .p = {c + 1},
						       .cleaner = c},
						 .jobs = jobs[ji]};
			struct shrink_result r;
			shrink_parallel(seq, 40, &b, &r);
			assert_int_equal(r.verdict, SHRINK_MINIMAL);
			assert_one_minimal(&b.o, &r, false);
			shrink_result_release(&r);
		}
		free(seq);
	}
	/* confirm runs in parallel too; a coin flip is still flaky */
	size_t *seq = iota_seq(100);
	for (uint64_t seed = 1; seed < 50; seed++) {
		struct batch_oracle b = {
			.o = {.kind = RANDOM,
			      .victim = 99,
			      .rng = seed * 0x9e3779b97f4a7c15ULL},
			.jobs = 4};
		struct shrink_options opt = SHRINK_OPTIONS_INIT;
		struct shrink_result r;
		opt.trial = batch_single;
		opt.batch = batch_trial;
		opt.jobs = 4;
		opt.ctx = &b;
		opt.confirm = 6;
		assert_int_equal(shrink_sequence(seq, 100, &opt, &r), 0);
		assert_int_equal(r.verdict, SHRINK_FLAKY);
		shrink_result_release(&r);
	}
	free(seq);
}

static void test_bad_args(void **state)
{
	size_t seq[1] = {0};
	struct shrink_options opt = SHRINK_OPTIONS_INIT;
	struct shrink_result r;
	(void)state;
	assert_int_equal(shrink_sequence(seq, 0, &opt, &r), -1);
	assert_int_equal(shrink_sequence(seq, 1, &opt, &r), -1);
	assert_string_equal(shrink_verdict_name(SHRINK_ALONE), "fails-alone");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_polluter_all_sizes),
		cmocka_unit_test(test_one_polluter_trial_bound),
		cmocka_unit_test(test_two_polluters),
		cmocka_unit_test(test_many_polluters),
		cmocka_unit_test(test_plain_ddmin),
		cmocka_unit_test(test_polluter_and_cleaner),
		cmocka_unit_test(test_state_setter),
		cmocka_unit_test(test_fails_alone_and_never),
		cmocka_unit_test(test_flaky_oracle),
		cmocka_unit_test(test_repeated_tests),
		cmocka_unit_test(test_memo),
		cmocka_unit_test(test_stop_and_reductions),
		cmocka_unit_test(test_parallel),
		cmocka_unit_test(test_bad_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
