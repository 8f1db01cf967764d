/*
 * shrink.h - reduce a failing test sequence to a 1-minimal one.
 *
 * The module is pure: it knows nothing of processes.  The caller hands it a
 * sequence of test indices whose last element is the victim, and an oracle
 * that runs a candidate sequence and says whether it shows the property
 * (normally: "the same victim fails with the same signature"; the caller
 * does that comparison).  The module returns a shortest-it-could-find
 * sequence, victim last, such that removing any single test of the prefix
 * makes the property go away (1-minimal), plus statistics.
 *
 * Steps (spec/shuffle.md):
 *   1. confirm: the whole sequence is rerun `confirm` times; any miss means
 *      the failure is flaky (SHRINK_FLAKY), nothing is shrunk;
 *   2. isolation: the victim alone; if it shows the property (`confirm`
 *      times out of `confirm`) the prefix is irrelevant (SHRINK_ALONE);
 *      if only some of those runs do, SHRINK_FLAKY;
 *   3. single-culprit bisection: keep the half nearest the victim when it
 *      reproduces, else assume the other half, one trial per level (cheap
 *      in test executions too); the survivor is checked at the end;
 *   4. when one culprit was not enough: bisection on the cut point, the
 *      half nearest the victim first: each round finds one test the
 *      failure needs in about log2(n) trials, and drops everything before
 *      it that is not needed;
 *   5. ddmin (Zeller's subsets and complements, granularity doubling) on
 *      what is left once bisection stops paying (two rounds that dropped
 *      nothing: the needed tests are dense);
 *   6. one-by-one removal of every survivor until a fixpoint;
 *   7. the result is rerun `confirm` times more; a miss means SHRINK_FLAKY.
 * Trials are memoised by sequence, so no sequence is run twice by steps
 * 2-6; steps 1 and 7 always really run (they measure repeatability).
 *
 * With a batch oracle and `jobs` > 1, trials run `jobs` at a time: step 3
 * splits `jobs` ways and tests every part, step 4 probes `jobs` cuts at
 * once, steps 5 and 6 test `jobs` candidates per wave and take the first
 * that reproduces in the one-by-one order (the same answer as one by
 * one); the result is 1-minimal either way, in fewer rounds (stats.rounds).
 *
 * The opposite dependency (a "brittle" test that fails alone and passes
 * only after some state-setter ran) is found with the same machinery: give
 * a sequence in which the test passed and set `invert`, with an oracle
 * that still answers "the test failed the way it fails alone" (ignoring
 * what the tests before it do).  The module then looks for a 1-minimal
 * prefix that makes the victim pass; SHRINK_ALONE then means "it passes
 * alone too" (so it is not brittle).
 */
#ifndef ORDEAL_SHRINK_H
#define ORDEAL_SHRINK_H

#include "common.h"

/*
 * The oracle: run `seq[0..n-1]` (n >= 1, victim last) and return 1 when it
 * shows the property, 0 when not, -1 to stop shrinking (interrupted, setup
 * failed...).  `seq` is only valid during the call.
 */
typedef int (*shrink_trial_fn)(void *ctx, const size_t *seq, size_t n);

/*
 * Optional parallel oracle: run `count` sequences at once (each on its own
 * clean slate) and set results[i] to 1 or 0 as the trial function would.
 * Return 0, or -1 to stop.  Used when `jobs` > 1.
 */
typedef int (*shrink_batch_fn)(void *ctx, size_t count,
			       const size_t *const *seqs, const size_t *lens,
			       int *results);

/* Told each time a shorter reproducing sequence is found. */
typedef void (*shrink_reduce_fn)(void *ctx, const size_t *seq, size_t n,
				 unsigned reduction);

struct shrink_options {
	shrink_trial_fn trial;
	void *ctx;
	shrink_reduce_fn on_reduce; /* may be NULL */
	unsigned confirm;	    /* reruns of the full sequence and of
				       the result; 0 counts as 1 */
	bool invert;		    /* look for a prefix that makes the
				       oracle answer 0 (state-setters) */
	size_t max_trials;	    /* 0: no limit; else stop (SHRINK_STOPPED)
				       with the best sequence so far (a batch
				       is cut short to fit) */
	bool no_bisect;		    /* plain ddmin (for comparisons) */
	shrink_batch_fn batch;	    /* with jobs > 1: parallel trials */
	unsigned jobs;		    /* trials per batch: fewer rounds, still
				       1-minimal */
};
/* clang-format off */
#define SHRINK_OPTIONS_INIT { .confirm = 1 }
/* clang-format on */

enum shrink_verdict {
	SHRINK_MINIMAL, /* a 1-minimal non-empty prefix is needed */
	SHRINK_ALONE,	/* the victim alone shows the property */
	SHRINK_FLAKY,	/* the input or the result did not reproduce */
	SHRINK_STOPPED, /* the oracle returned -1 or max_trials hit */
};

struct shrink_stats {
	size_t trials;	     /* oracle calls */
	size_t executions;   /* sum of the lengths of those sequences */
	size_t memo_hits;    /* trials answered from the memo */
	unsigned reductions; /* times a shorter sequence reproduced */
	size_t rounds;	     /* trials or batches run one after the other:
				the wall-clock cost with parallel trials */
};

struct shrink_result {
	enum shrink_verdict verdict;
	/*
	 * The best reproducing sequence known (victim last), owned by the
	 * result: the 1-minimal one for SHRINK_MINIMAL, the victim alone for
	 * SHRINK_ALONE, the shortest seen for SHRINK_STOPPED, the input (or
	 * the unconfirmed result) for SHRINK_FLAKY.
	 */
	size_t *seq;
	size_t n;
	struct shrink_stats stats;
};

/*
 * Shrink `seq[0..n-1]` (n >= 1; the victim is seq[n-1]).  Returns 0 and
 * fills `res` (release it with shrink_result_release), or -1 with an error
 * for bad arguments.  An oracle returning -1 is not an error: the verdict is
 * SHRINK_STOPPED.
 */
int shrink_sequence(const size_t *seq, size_t n,
		    const struct shrink_options *opts,
		    struct shrink_result *res);

void shrink_result_release(struct shrink_result *res);

const char *shrink_verdict_name(enum shrink_verdict v);

#endif
