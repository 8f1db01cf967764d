/*
 * cmd-shuffle.c - `ordeal shuffle`: run a suite in random (or repeated, or
 * rotated) orders until a test fails, then shrink the sequence that led to
 * the failure to a 1-minimal one (src/shrink.c), classify it (polluter ->
 * victim, fails alone, needs a state-setter, flaky) and report it with the
 * command that reproduces it and the build parameters, as Apache::TestSmoke
 * did.  The tests of one sequence share one environment on purpose;
 * --setup/--teardown bracket every sequence and every shrink trial.
 */
#include "common.h"
#include "cmd.h"
#include "clock.h"
#include "json.h"
#include "parse-options.h"
#include "path.h"
#include "rng.h"
#include "run-command.h"
#include "shrink.h"
#include "slate.h"
#include "strbuf.h"
#include "strvec.h"
#include "suite.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <limits.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

/* "s" unless there is exactly one. */
#define PLURAL(n) ((n) == 1 ? "" : "s")

/* How much of a test's output --failure looks at (its tail). */
#define FAILURE_SCAN_MAX (4u << 20)

enum order { ORDER_RANDOM, ORDER_REPEAT, ORDER_ROTATE };

/* How a test failed: what "the same failure" compares. */
enum sig_kind { SIG_EXIT, SIG_SIGNAL, SIG_TIMEOUT, SIG_NOSTART };
struct signature {
	enum sig_kind kind;
	int value; /* exit code, signal number, spawn errno */
};

/*
 * Where one runner (the one-by-one path, or one parallel job) keeps the
 * output of the test it runs: overwritten by each test, kept as evidence
 * by copying.
 */
struct io_paths {
	char *out, *err;
	char *json; /* result.json of the last failing test */
	char *hook; /* --setup/--teardown output */
};

static int io_paths_init(struct io_paths *io, const char *dir)
{
	if (mkdir_p(dir, 0777) < 0)
		return error_errno("cannot create '%s'", dir);
	io->out = path_join(dir, "stdout");
	io->err = path_join(dir, "stderr");
	io->json = path_join(dir, "result.json");
	io->hook = path_join(dir, "hook-output");
	return 0;
}

static void io_paths_release(struct io_paths *io)
{
	free(io->out);
	free(io->err);
	free(io->json);
	free(io->hook);
	memset(io, 0, sizeof(*io));
}

/* One reported problem. */
struct finding {
	char *key; /* classification + names + signature: dedup */
	struct strbuf text;
	size_t victim; /* what it explains: this victim failing so... */
	struct signature sig;
	size_t *seq; /* ...after this minimal sequence (victim last) */
	size_t n;
	/*
	 * "fails alone" findings: the text up to the classification, so a
	 * later pass of the victim after other tests can upgrade it to "needs
	 * a state-setter"; and the pass mark last tried.
	 */
	bool alone;
	size_t head_len;
	size_t tried_iter, tried_pos;
};

struct shuffle {
	/* options */
	enum order order;
	unsigned times, iterations, confirm;
	uint64_t seed;
	const char *report_path;
	int verbose, bug_mode;
	struct strvec setup, teardown;
	const char *setup_str, *teardown_str, *failure_str, *exec_str;
	const char *timeout_str;
	pcre2_code *failure_re;
	int64_t timeout_ns;

	struct suite suite;
	char *self_exe;	    /* for running *.txt scripts */
	char *outdir;	    /* a test's stdout/stderr, overwritten each time */
	struct io_paths io; /* the one-by-one runner's files */

	/* --slate: every sequence and trial on a pristine copy */
	struct slate slate;
	bool use_slate, slate_kept;
	int slate_runs;
	const char *run_dir;  /* where the one-by-one runner runs (slate) */
	char *slate_evidence; /* the kept slate of the current failure */
	unsigned jobs;	      /* parallel trials */

	/* the current shrink */
	struct signature want;
	uint64_t trial_seed;
	unsigned run_no;

	/* the best sequence of the shrink in progress (for Ctrl-C) */
	size_t *best;
	size_t best_n;

	size_t passed, failed, skipped;
	struct finding *findings;
	size_t nr_findings, alloc_findings;
	bool stopped;	       /* interrupted or setup failed */
	bool seeking_pass;     /* trials run past failures before the victim */
	size_t alone_head_len; /* set when the finding being made is "alone" */
	size_t seq_pos, seq_len; /* for the status line */
	char *evidence;		 /* the current failure's evidence directory */
	int exit_code;
};

static const char *const shuffle_usage[] = {
	"ordeal shuffle [options] TEST...",
	"ordeal shuffle [options] --list FILE --exec TEMPLATE",
	"ordeal shuffle --bug-mode [options] TEST...",
	NULL,
};

/*
 * The live status line: on stderr, only when it is a terminal (and not
 * with --verbose, whose lines say the same); cleared before any line of
 * results goes to stdout, so the two never mix.
 */
static bool status_enabled, status_shown;

static void status_clear(void)
{
	if (status_shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		status_shown = false;
	}
}

static void status(const char *fmt, ...) PRINTF_LIKE(1, 2);
static void status(const char *fmt, ...)
{
	va_list ap;
	if (!status_enabled)
		return;
	fputs("\r\033[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	status_shown = true;
}

static int say(const char *fmt, ...) PRINTF_LIKE(1, 2);
static int say(const char *fmt, ...)
{
	va_list ap;
	int r;
	status_clear();
	va_start(ap, fmt);
	r = vprintf(fmt, ap);
	va_end(ap);
	return r;
}

static const char *sig_describe(const struct signature *s, char *buf,
				size_t len)
{
	switch (s->kind) {
	case SIG_EXIT:
		snprintf(buf, len, "exit status %d", s->value);
		break;
	case SIG_SIGNAL: {
		const char *name = signal_name(s->value);
		if (name)
			snprintf(buf, len, "killed by signal %s", name);
		else
			snprintf(buf, len, "killed by signal %d", s->value);
		break;
	}
	case SIG_TIMEOUT:
		snprintf(buf, len, "timed out");
		break;
	case SIG_NOSTART:
		snprintf(buf, len, "could not start (%s)", strerror(s->value));
		break;
	}
	return buf;
}

static struct signature signature_of(const struct run_result *r)
{
	struct signature s = {SIG_EXIT, r->exit_code};
	if (!r->started)
		s = (struct signature){SIG_NOSTART, r->spawn_errno};
	else if (r->timed_out)
		s = (struct signature){SIG_TIMEOUT, 0};
	else if (r->signal)
		s = (struct signature){SIG_SIGNAL, r->signal};
	return s;
}

/* Does the test's output (stdout, then stderr) match --failure? */
static bool output_matches(struct shuffle *sh, const struct io_paths *io)
{
	const char *paths[2] = {io->out, io->err};
	pcre2_match_data *md;
	bool hit = false;

	if (!sh->failure_re)
		return true;
	md = pcre2_match_data_create_from_pattern(sh->failure_re, NULL);
	for (int i = 0; i < 2 && !hit; i++) {
		struct strbuf sb = STRBUF_INIT;
		if (strbuf_read_file_tail(&sb, paths[i], FAILURE_SCAN_MAX,
					  NULL) >= 0)
			hit = pcre2_match(sh->failure_re, (PCRE2_SPTR)sb.buf,
					  sb.len, 0, 0, md, NULL) >= 0;
		strbuf_release(&sb);
	}
	pcre2_match_data_free(md);
	return hit;
}

/* Set up the child for a --setup/--teardown command. */
static void prepare_hook(struct shuffle *sh, struct child_process *cp,
			 const struct strvec *argv, const char *dir,
			 const struct io_paths *io)
{
	strvec_pushv(&cp->args, argv->v);
	cp->use_path = true;
	cp->dir = dir;
	cp->in = CHILD_NULL;
	cp->out = CHILD_FILE;
	cp->out_path = io->hook;
	cp->err = CHILD_STDOUT;
	cp->timeout_ns = sh->timeout_ns;
}

/* A hook ended: 0 when it passed; -1 with a message naming it otherwise. */
static int judge_hook(struct child_process *cp, const char *what,
		      const char *text, const struct io_paths *io)
{
	struct strbuf why = STRBUF_INIT, out = STRBUF_INIT;

	if (cp->result.interrupted)
		return -1;
	if (run_result_passed(&cp->result))
		return 0;
	status_clear();
	run_result_describe(&why, &cp->result);
	error("%s command '%s' failed: %s", what, text, why.buf);
	if (strbuf_read_file_tail(&out, io->hook, 2048, NULL) > 0)
		fputs(out.buf, stderr);
	strbuf_release(&out);
	strbuf_release(&why);
	return -1;
}

/* Run --setup or --teardown in the one-by-one runner; 0 or -1. */
static int run_hook(struct shuffle *sh, const struct strvec *argv,
		    const char *what, const char *text)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	int ret;

	if (!argv->nr)
		return 0;
	prepare_hook(sh, &cp, argv, sh->run_dir, &sh->io);
	run_command(&cp);
	ret = judge_hook(&cp, what, text, &sh->io);
	child_process_clear(&cp);
	return ret;
}

/* Set up the child for test `idx`. */
static void prepare_test(struct shuffle *sh, size_t idx,
			 struct child_process *cp, const char *dir,
			 const struct io_paths *io, int thread, uint64_t seed,
			 unsigned run)
{
	const struct test_entry *t = &sh->suite.tests[idx];

	if (t->kind == TEST_SCRIPT) {
		strvec_push(&cp->args, sh->self_exe);
		strvec_push(&cp->args, "script");
		strvec_push(&cp->args, t->path);
	} else {
		strvec_pushv(&cp->args, t->argv.v);
	}
	cp->use_path = t->kind == TEST_TEMPLATE;
	cp->dir = dir;
	strvec_pushf(&cp->env, "ORDEAL_SEED=%llu", (unsigned long long)seed);
	strvec_pushf(&cp->env, "ORDEAL_RUN=%u", run);
	strvec_pushf(&cp->env, "ORDEAL_THREAD=%d", thread);
	strvec_pushf(&cp->env, "ORDEAL_TEST=%s", t->name);
	cp->in = CHILD_NULL;
	cp->out = CHILD_FILE;
	cp->out_path = io->out;
	cp->err = CHILD_FILE;
	cp->err_path = io->err;
	cp->timeout_ns = t->timeout_ns ? t->timeout_ns : sh->timeout_ns;
}

/*
 * A test ended: 1 when it failed the way we look for (--failure), else 0.
 * A failure leaves its result.json beside its output.
 */
static int judge_test(struct shuffle *sh, size_t idx, struct child_process *cp,
		      const struct io_paths *io, struct signature *sig,
		      bool count, uint64_t seed, unsigned run)
{
	const struct test_entry *t = &sh->suite.tests[idx];
	struct strbuf extra = STRBUF_INIT;
	int ret;

	if (run_result_skipped(&cp->result)) {
		if (count)
			sh->skipped++;
		return 0;
	}
	if (run_result_passed(&cp->result)) {
		if (count)
			sh->passed++;
		return 0;
	}
	*sig = signature_of(&cp->result);
	ret = output_matches(sh, io) ? 1 : 0;
	strbuf_addstr(&extra, "\"test\":");
	json_quote(&extra, t->name, strlen(t->name));
	strbuf_addf(&extra, ",\"run\":%u", run);
	run_result_write_json(io->json, cp, seed, extra.buf);
	strbuf_release(&extra);
	if (count)
		sh->failed++;
	return ret;
}

/*
 * Run one test.  Returns 1 when it failed (the failure we look for),
 * 0 when it passed or was skipped, -1 when interrupted.
 */
static int run_one(struct shuffle *sh, size_t idx, struct signature *sig,
		   bool count)
{
	const struct test_entry *t = &sh->suite.tests[idx];
	struct child_process cp = CHILD_PROCESS_INIT;
	int ret;

	prepare_test(sh, idx, &cp, sh->run_dir, &sh->io, 0, sh->trial_seed,
		     sh->run_no);
	if (sh->bug_mode)
		status("bug mode: test %u/%zu %.40s", sh->run_no, sh->suite.nr,
		       t->name);
	else if (count)
		status("iteration %u/%u: test %zu/%zu %.40s", sh->run_no,
		       sh->iterations, sh->seq_pos + 1, sh->seq_len, t->name);
	else
		status("shrinking: trial %u, test %zu/%zu %.40s", sh->run_no,
		       sh->seq_pos + 1, sh->seq_len, t->name);
	if (sh->verbose) {
		say("  %s ... ", t->name);
		fflush(stdout);
	}
	run_command(&cp);
	if (cp.result.interrupted || run_command_interrupted()) {
		if (sh->verbose)
			say("interrupted\n");
		child_process_clear(&cp);
		return -1;
	}
	ret = judge_test(sh, idx, &cp, &sh->io, sig, count, sh->trial_seed,
			 sh->run_no);
	if (sh->verbose) {
		struct strbuf d = STRBUF_INIT;
		run_result_describe(&d, &cp.result);
		say("%s\n", run_result_passed(&cp.result) ? "ok" : d.buf);
		strbuf_release(&d);
	}
	child_process_clear(&cp);
	return ret;
}

/*
 * Make the slate a sequence runs on (thread `thread`); 0, or -1 after a
 * message (the shuffle stops: the machine cannot make slates).
 */
static int slate_start(struct shuffle *sh, struct slate_run *r, int thread)
{
	if (slate_run_create(&sh->slate, r, thread, ++sh->slate_runs) < 0) {
		slate_run_clear(r);
		return error("cannot make a slate: the shuffle stops here");
	}
	return 0;
}

/* The sequence is over: keep its slate as evidence, or remove it. */
static void slate_finish(struct shuffle *sh, struct slate_run *r, bool keep)
{
	if (keep) {
		if (slate_run_keep(&sh->slate, r, "failed") == 0) {
			free(sh->slate_evidence);
			sh->slate_evidence = xstrdup(r->dir);
			sh->slate_kept = true;
		}
	} else {
		slate_run_discard(&sh->slate, r);
	}
	slate_run_clear(r);
}

/*
 * Run a sequence between --setup and --teardown, stopping at the first
 * failing test (when looking for state-setters, at the victim only).  Returns
 * its position, n when all passed, or -1 when stopped (interrupt, or a setup
 * that failed: sh->stopped is set). `passed_at` (may be NULL) is called for
 * each test that passed.
 */
static ssize_t run_sequence(struct shuffle *sh, const size_t *seq, size_t n,
			    struct signature *sig, bool count,
			    void (*passed_at)(void *, size_t), void *data)
{
	struct slate_run slate_run = SLATE_RUN_INIT;
	ssize_t at = (ssize_t)n;

	if (sh->use_slate) {
		if (slate_start(sh, &slate_run, 0) < 0) {
			sh->stopped = true;
			return -1;
		}
		sh->run_dir = slate_run.root;
	}
	if (run_hook(sh, &sh->setup, "setup", sh->setup_str) < 0) {
		if (sh->use_slate)
			slate_finish(sh, &slate_run, false);
		sh->stopped = true;
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		int r;
		sh->seq_pos = i;
		sh->seq_len = n;
		r = run_one(sh, seq[i], sig, count);
		if (r < 0) {
			at = -1;
			break;
		}
		if (r && sh->seeking_pass && i + 1 < n)
			continue; /* looking for setters: only the victim counts
				   */
		if (r) {
			at = (ssize_t)i;
			break;
		}
		if (passed_at)
			passed_at(data, i);
	}
	if (run_hook(sh, &sh->teardown, "teardown", sh->teardown_str) < 0)
		warning("continuing after a failed teardown");
	if (sh->use_slate) {
		/* a failing hunt keeps the state the victim failed in */
		slate_finish(sh, &slate_run,
			     count && at >= 0 && (size_t)at < n);
		sh->run_dir = NULL;
	}
	if (at < 0 || run_command_interrupted()) {
		sh->stopped = true;
		return -1;
	}
	return at;
}

/* The shrink oracle: the same victim fails the same way, last. */
static int shuffle_trial(void *ctx, const size_t *seq, size_t n)
{
	struct shuffle *sh = ctx;
	struct signature sig;
	ssize_t at;

	if (sh->stopped || run_command_interrupted())
		return -1;
	sh->run_no++;
	if (sh->verbose)
		say("trial %u: %zu test%s\n", sh->run_no, n, PLURAL(n));
	at = run_sequence(sh, seq, n, &sig, false, NULL, NULL);
	if (at < 0)
		return -1;
	return at == (ssize_t)n - 1 && sig.kind == sh->want.kind &&
	       sig.value == sh->want.value;
}

/*
 * Parallel trials (-j N, on slates): each job runs one sequence, setup,
 * tests and teardown one after the other on its own slate; the jobs'
 * children run at the same time, and run_command_wait_any() says whose
 * child ended next.
 */
enum job_phase { JOB_SETUP, JOB_TEST, JOB_TEARDOWN, JOB_DONE };

struct job {
	const size_t *seq;
	size_t n, pos; /* pos: the test running or next */
	enum job_phase phase;
	int thread;
	struct child_process cp;
	struct slate_run run;
	bool has_slate;
	struct io_paths io;
	ssize_t at; /* the victim's position once one failed, else -1 */
	struct signature sig;
	uint64_t seed;	 /* ORDEAL_SEED of its tests */
	unsigned run_no; /* ORDEAL_RUN */
	bool hunting;	 /* a hunt's sequence: counted, passes marked */
	bool *passed;	 /* hunting: which positions passed */
};

/* The current phase's child ended (or did not start): judge, move on. */
static int job_advance(struct shuffle *sh, struct job *j)
{
	int ret = 0;

	switch (j->phase) {
	case JOB_SETUP:
		if (judge_hook(&j->cp, "setup", sh->setup_str, &j->io) < 0)
			ret = -1;
		j->phase = JOB_TEST;
		break;
	case JOB_TEST: {
		int r = judge_test(sh, j->seq[j->pos], &j->cp, &j->io, &j->sig,
				   j->hunting, j->seed, j->run_no);
		if (j->passed && run_result_passed(&j->cp.result))
			j->passed[j->pos] = true;
		if (sh->verbose) {
			struct strbuf d = STRBUF_INIT;
			run_result_describe(&d, &j->cp.result);
			say("  [job %d] %s ... %s\n", j->thread,
			    sh->suite.tests[j->seq[j->pos]].name,
			    run_result_passed(&j->cp.result) ? "ok" : d.buf);
			strbuf_release(&d);
		}
		if (r && !(sh->seeking_pass && j->pos + 1 < j->n)) {
			j->at = (ssize_t)j->pos;
			j->phase = JOB_TEARDOWN;
		} else if (++j->pos >= j->n) {
			j->phase = JOB_TEARDOWN;
		}
		break;
	}
	case JOB_TEARDOWN:
		if (judge_hook(&j->cp, "teardown", sh->teardown_str, &j->io) <
		    0)
			warning("continuing after a failed teardown");
		j->phase = JOB_DONE;
		break;
	case JOB_DONE:
		break;
	}
	child_process_clear(&j->cp);
	child_process_init(&j->cp);
	return ret;
}

/* Start the job's next child; -1 when a setup failed (the batch stops). */
static int job_start(struct shuffle *sh, struct job *j)
{
	for (;;) {
		const char *dir = j->run.root;
		switch (j->phase) {
		case JOB_SETUP:
			if (!sh->setup.nr) {
				j->phase = JOB_TEST;
				continue;
			}
			prepare_hook(sh, &j->cp, &sh->setup, dir, &j->io);
			break;
		case JOB_TEST:
			if (j->pos >= j->n) {
				j->phase = JOB_TEARDOWN;
				continue;
			}
			prepare_test(sh, j->seq[j->pos], &j->cp, dir, &j->io,
				     j->thread, j->seed, j->run_no);
			break;
		case JOB_TEARDOWN:
			if (!sh->teardown.nr) {
				j->phase = JOB_DONE;
				continue;
			}
			prepare_hook(sh, &j->cp, &sh->teardown, dir, &j->io);
			break;
		case JOB_DONE:
			return 0;
		}
		j->cp.data = j;
		if (start_command(&j->cp) == 0)
			return 0;
		/* it did not start: judged as ended right away */
		if (job_advance(sh, j) < 0)
			return -1;
	}
}

/*
 * Run the prepared jobs (seq, n, thread, seed, run set) at the same time,
 * each on its own slate, to their ends.  0, or -1 when interrupted or a
 * setup failed (everything started is killed; sh->stopped is set).  The
 * jobs keep their slates live (job_release keeps or discards them).
 */
static int run_jobs(struct shuffle *sh, struct job *jobs, size_t count)
{
	int ret = 0;

	for (size_t k = 0; k < count && ret == 0; k++) {
		struct job *j = &jobs[k];
		char *dir = xstrfmt("%s/job-%zu", sh->outdir, k);
		j->at = -1;
		child_process_init(&j->cp);
		if (io_paths_init(&j->io, dir) < 0 ||
		    slate_start(sh, &j->run, j->thread) < 0)
			ret = -1;
		else
			j->has_slate = true;
		free(dir);
		if (ret == 0 && job_start(sh, j) < 0)
			ret = -1;
	}
	while (ret == 0 && run_command_running() > 0) {
		struct child_process *cp = run_command_wait_any(-1);
		if (!cp) {
			if (run_command_interrupted())
				ret = -1;
			continue;
		}
		struct job *j = cp->data;
		if (cp->result.interrupted || job_advance(sh, j) < 0 ||
		    job_start(sh, j) < 0)
			ret = -1;
	}
	if (ret < 0) {
		run_command_kill_all();
		sh->stopped = true;
	}
	return ret;
}

/* Keep (as evidence) or discard a job's slate, and free the job. */
static void job_release(struct shuffle *sh, struct job *j, bool keep)
{
	if (j->has_slate)
		slate_finish(sh, &j->run, keep);
	j->has_slate = false;
	child_process_clear(&j->cp);
	io_paths_release(&j->io);
	free(j->passed);
	j->passed = NULL;
}

/* Make a job's last failure the one-by-one runner's files (evidence). */
static void job_take_outputs(struct shuffle *sh, struct job *j)
{
	rename(j->io.out, sh->io.out);
	rename(j->io.err, sh->io.err);
	rename(j->io.json, sh->io.json);
}

/* The shrinker's parallel oracle (-j): `count` trials at once. */
static int shuffle_batch(void *ctx, size_t count, const size_t *const *seqs,
			 const size_t *lens, int *results)
{
	struct shuffle *sh = ctx;
	struct job *jobs;
	int ret;

	if (sh->stopped || run_command_interrupted())
		return -1;
	jobs = xcalloc(count, sizeof(*jobs));
	status("shrinking: trials %u-%zu at once", sh->run_no + 1,
	       sh->run_no + count);
	if (sh->verbose)
		say("trials %u-%zu: %zu sequences in parallel\n",
		    sh->run_no + 1, sh->run_no + count, count);
	for (size_t k = 0; k < count; k++) {
		jobs[k].seq = seqs[k];
		jobs[k].n = lens[k];
		jobs[k].thread = (int)k;
		jobs[k].seed = sh->trial_seed;
		jobs[k].run_no = ++sh->run_no;
	}
	ret = run_jobs(sh, jobs, count);
	for (size_t k = 0; k < count; k++) {
		struct job *j = &jobs[k];
		if (ret == 0) {
			results[k] = j->at == (ssize_t)j->n - 1 &&
				     j->sig.kind == sh->want.kind &&
				     j->sig.value == sh->want.value;
			/* the last failure seen is the evidence to keep */
			if (results[k])
				job_take_outputs(sh, j);
		}
		job_release(sh, j, false);
	}
	free(jobs);
	return ret;
}

static void on_reduce(void *ctx, const size_t *seq, size_t n, unsigned k)
{
	struct shuffle *sh = ctx;
	/* the victim alone is the isolation step's verdict, not a reduction */
	if (n > 1) {
		say("*** reduction %u succeeded: %zu tests ***\n", k, n);
		fflush(stdout);
	}
	sh->best = xrealloc(sh->best, st_mult(n, sizeof(*seq)));
	memcpy(sh->best, seq, n * sizeof(*seq));
	sh->best_n = n;
}

static void add_option(struct strbuf *sb, const char *opt, const char *val)
{
	if (!val)
		return;
	strbuf_addf(sb, " %s ", opt);
	strbuf_add_shell_quoted(sb, val);
}

/* `ordeal shuffle --order repeat --times 1 A B VICTIM` and friends. */
static void add_repro(struct shuffle *sh, struct strbuf *sb, const size_t *seq,
		      size_t n)
{
	strbuf_addstr(sb, "ordeal shuffle --order repeat --times 1");
	if (sh->use_slate)
		add_option(sb, "--slate", sh->slate.spec);
	add_option(sb, "--setup", sh->setup_str);
	add_option(sb, "--teardown", sh->teardown_str);
	add_option(sb, "--failure", sh->failure_str);
	add_option(sb, "--timeout", sh->timeout_str);
	add_option(sb, "--exec", sh->exec_str);
	if (sh->confirm != 1)
		strbuf_addf(sb, " --confirm %u", sh->confirm);
	for (size_t i = 0; i < n; i++) {
		strbuf_addch(sb, ' ');
		strbuf_add_shell_quoted(sb, sh->suite.tests[seq[i]].name);
	}
}

static void add_sequence(struct shuffle *sh, struct strbuf *sb,
			 const char *title, const size_t *seq, size_t n)
{
	strbuf_addf(sb, "  %s (%zu test%s):\n", title, n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++)
		strbuf_addf(sb, "    %s\n", sh->suite.tests[seq[i]].name);
}

static void add_stats(struct strbuf *sb, const struct shrink_stats *st,
		      const char *what)
{
	strbuf_addf(sb,
		    "  %s: %zu trials, %zu test executions "
		    "(%zu memoised)\n",
		    what, st->trials, st->executions, st->memo_hits);
}

/* Record a finding unless the same one was reported before. */
static int write_report(struct shuffle *sh, bool final);

static void add_finding(struct shuffle *sh, struct strbuf *key,
			struct strbuf *text, const size_t *seq, size_t n)
{
	for (size_t i = 0; i < sh->nr_findings; i++)
		if (!strcmp(sh->findings[i].key, key->buf)) {
			say("same as finding %zu, reported once\n", i + 1);
			strbuf_release(key);
			strbuf_release(text);
			return;
		}
	ALLOC_GROW(sh->findings, sh->nr_findings + 1, sh->alloc_findings);
	struct finding *f = &sh->findings[sh->nr_findings++];
	f->key = strbuf_detach(key, NULL);
	f->text = *text;
	strbuf_init(text, 0);
	f->sig = sh->want;
	f->n = n;
	f->seq = NULL;
	f->alone = sh->alone_head_len > 0;
	f->head_len = sh->alone_head_len;
	f->tried_iter = f->tried_pos = 0;
	if (n) {
		f->victim = seq[n - 1];
		f->seq = xmalloc(st_mult(n, sizeof(*seq)));
		memcpy(f->seq, seq, n * sizeof(*seq));
	}
	say("\nfinding %zu:\n%s\n", sh->nr_findings, f->text.buf);
	fflush(stdout);
	write_report(sh, false);
}

static void make_key(struct shuffle *sh, struct strbuf *key, const char *cls,
		     const size_t *seq, size_t n)
{
	char buf[64];
	strbuf_addf(key, "%s|%s", cls,
		    sig_describe(&sh->want, buf, sizeof(buf)));
	for (size_t i = 0; i < n; i++)
		strbuf_addf(key, "|%s", sh->suite.tests[seq[i]].name);
}

/* Per test: where it last passed (iteration, position), for brittleness. */
struct pass_mark {
	size_t iter, pos;
	bool set;
};

struct hunt {
	struct shuffle *sh;
	size_t *seq; /* this iteration's sequence (older ones are rebuilt
			from their seeds when needed) */
	size_t len;
	size_t iter;
	struct pass_mark *marks;
};

static void build_sequence(struct shuffle *sh, size_t iter, uint64_t seed,
			   size_t **out, size_t *len);

static void mark_pass(void *data, size_t pos)
{
	struct hunt *h = data;
	size_t t = h->seq[pos];
	h->marks[t] = (struct pass_mark){h->iter, pos, true};
}

/*
 * A victim that fails alone: did it ever pass after other tests?  Then
 * shrink that passing sequence with the inverted oracle to the tests it
 * needs (state-setters).  Appends to `text`; returns whether found.
 */
static bool find_setters(struct shuffle *sh, struct hunt *h, size_t victim,
			 struct strbuf *text, struct strbuf *key)
{
	struct pass_mark *m = &h->marks[victim];
	struct shrink_options opt = SHRINK_OPTIONS_INIT;
	struct shrink_result res;
	size_t *seq, n;
	bool found = false;

	if (sh->suite.nr < 2)
		return false;
	if (m->set && m->pos) {
		/* it passed after these: shrink that */
		build_sequence(sh, m->iter, rng_derive(sh->seed, m->iter), &seq,
			       &n);
		n = m->pos + 1;
		say("%s passed after %zu other tests: looking for its "
		    "state-setter\n",
		    sh->suite.tests[victim].name, m->pos);
	} else {
		/* never seen passing: try it after every other test once */
		n = 0;
		seq = xmalloc(st_mult(sh->suite.nr, sizeof(*seq)));
		for (size_t i = 0; i < sh->suite.nr; i++)
			if (i != victim)
				seq[n++] = i;
		seq[n++] = victim;
		say("%s fails alone: does it pass after the other tests?\n",
		    sh->suite.tests[victim].name);
	}
	opt.trial = shuffle_trial;
	opt.ctx = sh;
	opt.on_reduce = NULL; /* these reductions are of a passing run */
	opt.confirm = sh->confirm;
	if (sh->jobs > 1) {
		opt.batch = shuffle_batch;
		opt.jobs = sh->jobs;
	}
	opt.invert = true;
	sh->seeking_pass = true;
	int rc = shrink_sequence(seq, n, &opt, &res);
	sh->seeking_pass = false;
	free(seq);
	if (rc < 0)
		return false;
	if (res.verdict == SHRINK_MINIMAL) {
		found = true;
		strbuf_reset(text);
		strbuf_reset(key);
		strbuf_addf(text,
			    "  classification: victim needs a "
			    "state-setter (fails alone, passes after it)\n");
		add_sequence(sh, text, "minimal passing sequence", res.seq,
			     res.n);
		add_stats(text, &res.stats, "shrink");
		strbuf_addstr(text, "  passes with: ");
		add_repro(sh, text, res.seq, res.n);
		strbuf_addstr(text, "\n  fails with:  ");
		add_repro(sh, text, &victim, 1);
		strbuf_addch(text, '\n');
		make_key(sh, key, "setter", res.seq, res.n);
	}
	shrink_result_release(&res);
	return found;
}

/* Shrink the failing sequence seq[0..n-1] (victim last) and report it. */
static void copy_outputs(struct shuffle *sh, const char *dir);

static void shrink_and_report(struct shuffle *sh, struct hunt *h,
			      const size_t *seq, size_t n, uint64_t iter_seed)
{
	struct shrink_options opt = SHRINK_OPTIONS_INIT;
	struct shrink_result res;
	struct strbuf text = STRBUF_INIT, key = STRBUF_INIT;
	size_t victim = seq[n - 1];
	const size_t *xseq = NULL; /* what the finding explains */
	size_t xn = 0;
	char buf[64];

	opt.trial = shuffle_trial;
	opt.ctx = sh;
	opt.on_reduce = on_reduce;
	opt.confirm = sh->confirm;
	if (sh->jobs > 1) {
		opt.batch = shuffle_batch;
		opt.jobs = sh->jobs;
	}
	sh->alone_head_len = 0;
	free(sh->best);
	sh->best = xmalloc(st_mult(n, sizeof(*seq)));
	memcpy(sh->best, seq, n * sizeof(*seq));
	sh->best_n = n;
	sh->run_no = 0;
	if (shrink_sequence(seq, n, &opt, &res) < 0)
		return;

	strbuf_addf(&text, "  victim: %s (%s)\n", sh->suite.tests[victim].name,
		    sig_describe(&sh->want, buf, sizeof(buf)));
	strbuf_addf(&text, "  seed: %llu (sequence seed %llu)\n",
		    (unsigned long long)sh->seed,
		    (unsigned long long)iter_seed);
	strbuf_addf(&text, "  failing sequence: %zu test%s\n", n, PLURAL(n));
	if (sh->evidence)
		strbuf_addf(&text, "  evidence: %s\n", sh->evidence);
	if (sh->slate_evidence)
		strbuf_addf(&text, "  slate kept: %s\n", sh->slate_evidence);
	switch (res.verdict) {
	case SHRINK_MINIMAL:
		strbuf_addf(&text,
			    "  classification: polluter%s -> victim "
			    "(passes alone, fails after %s)\n",
			    res.n > 2 ? "s" : "",
			    res.n > 2 ? "all of them" : "it");
		add_sequence(sh, &text, "minimal sequence (1-minimal)", res.seq,
			     res.n);
		add_stats(&text, &res.stats, "shrink");
		strbuf_addstr(&text, "  reproduce: ");
		add_repro(sh, &text, res.seq, res.n);
		strbuf_addch(&text, '\n');
		make_key(sh, &key, "polluter", res.seq, res.n);
		if (sh->evidence) {
			/* the last trial was the minimal sequence's check */
			char *d = path_join(sh->evidence, "minimal");
			copy_outputs(sh, d);
			strbuf_addf(&text, "  minimal run's evidence: %s\n", d);
			free(d);
		}
		xseq = res.seq;
		xn = res.n;
		sh->exit_code = EXIT_FOUND;
		break;
	case SHRINK_ALONE: {
		struct strbuf stext = STRBUF_INIT, skey = STRBUF_INIT;
		sh->exit_code = EXIT_FOUND;
		xseq = &victim;
		xn = 1;
		if (find_setters(sh, h, victim, &stext, &skey)) {
			strbuf_addbuf(&text, &stext);
			strbuf_addbuf(&key, &skey);
		} else if (!sh->stopped) {
			sh->alone_head_len = text.len;
			strbuf_addstr(&text, "  classification: fails alone "
					     "(not order-dependent)\n");
			add_stats(&text, &res.stats, "checks");
			strbuf_addstr(&text, "  reproduce: ");
			add_repro(sh, &text, &victim, 1);
			strbuf_addch(&text, '\n');
			make_key(sh, &key, "alone", &victim, 1);
		}
		strbuf_release(&stext);
		strbuf_release(&skey);
		break;
	}
	case SHRINK_FLAKY:
		strbuf_addf(&text,
			    "  classification: flaky (the failure did "
			    "not reproduce %u time%s out of %u)\n",
			    sh->confirm, sh->confirm == 1 ? "" : "s",
			    sh->confirm);
		add_sequence(sh, &text, "sequence", res.seq, res.n);
		add_stats(&text, &res.stats, "checks");
		make_key(sh, &key, "flaky", &victim, 1);
		sh->exit_code = EXIT_FOUND;
		break;
	case SHRINK_STOPPED:
		break;
	}
	if (sh->stopped || res.verdict == SHRINK_STOPPED) {
		strbuf_reset(&key);
		strbuf_reset(&text);
		strbuf_addf(&text, "  victim: %s (%s)\n",
			    sh->suite.tests[victim].name,
			    sig_describe(&sh->want, buf, sizeof(buf)));
		if (sh->evidence)
			strbuf_addf(&text, "  evidence: %s\n", sh->evidence);
		if (sh->slate_evidence)
			strbuf_addf(&text, "  slate kept: %s\n",
				    sh->slate_evidence);
		strbuf_addstr(&text, "  classification: shrink interrupted; "
				     "best sequence so far (not minimal)\n");
		add_sequence(sh, &text, "best sequence", sh->best, sh->best_n);
		add_stats(&text, &res.stats, "shrink so far");
		strbuf_addstr(&text, "  reproduce: ");
		add_repro(sh, &text, sh->best, sh->best_n);
		strbuf_addch(&text, '\n');
		make_key(sh, &key, "stopped", sh->best, sh->best_n);
		sh->exit_code = EXIT_FOUND;
		xn = 0;
	}
	add_finding(sh, &key, &text, xseq, xn);
	shrink_result_release(&res);
}

/*
 * Keep the first failure's evidence (the victim's stdout, stderr and
 * result.json) beside the report: REPORT-without-.txt.evidence/iteration-N.
 */
/* Copy the last failing test's stdout, stderr, result.json into dir. */
static void copy_outputs(struct shuffle *sh, const char *dir)
{
	const char *src[3] = {sh->io.out, sh->io.err, sh->io.json};
	const char *dst[3] = {"stdout", "stderr", "result.json"};

	if (mkdir_p(dir, 0777) < 0) {
		warning_errno("cannot create '%s'", dir);
		return;
	}
	for (int i = 0; i < 3; i++) {
		char *to = path_join(dir, dst[i]);
		if (copy_recursive(src[i], to) < 0)
			warning_errno("cannot keep '%s'", to);
		free(to);
	}
}

static void save_evidence(struct shuffle *sh, size_t iter)
{
	struct strbuf dir = STRBUF_INIT;
	size_t len = strlen(sh->report_path);

	if (len > 4 && !strcmp(sh->report_path + len - 4, ".txt"))
		len -= 4;
	strbuf_add(&dir, sh->report_path, len);
	strbuf_addf(&dir, ".evidence/iteration-%zu", iter + 1);
	free(sh->evidence);
	copy_outputs(sh, dir.buf);
	sh->evidence = strbuf_detach(&dir, NULL);
}

/* Is `sub` (victim last) a subsequence of `seq` with the same victim? */
static bool is_subsequence(const size_t *sub, size_t k, const size_t *seq,
			   size_t n)
{
	size_t j = 0;
	if (!k || seq[n - 1] != sub[k - 1])
		return false;
	for (size_t i = 0; i + 1 < n && j + 1 < k; i++)
		if (seq[i] == sub[j])
			j++;
	return j + 1 == k;
}

/*
 * Before shrinking a new failure, see whether an earlier finding explains
 * it: same victim, same signature, its minimal sequence inside this one,
 * and one trial of it reproduces.  Saves a whole shrink per iteration.
 */
static bool explained(struct shuffle *sh, const size_t *seq, size_t n)
{
	for (size_t i = 0; i < sh->nr_findings; i++) {
		struct finding *f = &sh->findings[i];
		if (!f->n || f->sig.kind != sh->want.kind ||
		    f->sig.value != sh->want.value ||
		    !is_subsequence(f->seq, f->n, seq, n))
			continue;
		if (shuffle_trial(sh, f->seq, f->n) == 1) {
			say("explained by finding %zu (checked with one "
			    "trial)\n",
			    i + 1);
			return true;
		}
	}
	return false;
}

static void build_sequence(struct shuffle *sh, size_t iter, uint64_t seed,
			   size_t **out, size_t *len)
{
	size_t nt = sh->suite.nr, n = st_mult(nt, sh->times);
	size_t *seq = xmalloc(st_mult(n ? n : 1, sizeof(*seq)));
	struct rng r;

	for (size_t k = 0; k < n; k++) {
		size_t i = k % nt;
		if (sh->order == ORDER_ROTATE)
			i = (i + iter) % nt;
		seq[k] = i;
	}
	if (sh->order == ORDER_RANDOM) {
		rng_init(&r, seed);
		rng_shuffle(&r, seq, n, sizeof(*seq));
	}
	*out = seq;
	*len = n;
}

/*
 * A victim reported as failing alone has since passed after other tests:
 * look for its state-setter now, and upgrade the finding if there is one.
 * Returns whether the finding was upgraded.
 */
static bool upgrade_alone(struct shuffle *sh, struct hunt *h, size_t victim)
{
	struct pass_mark *m = &h->marks[victim];
	struct strbuf text = STRBUF_INIT, key = STRBUF_INIT;

	if (!m->set || !m->pos)
		return false;
	for (size_t i = 0; i < sh->nr_findings; i++) {
		struct finding *f = &sh->findings[i];
		if (!f->alone || f->victim != victim ||
		    f->sig.kind != sh->want.kind ||
		    f->sig.value != sh->want.value ||
		    (f->tried_iter == m->iter + 1 && f->tried_pos == m->pos))
			continue;
		f->tried_iter = m->iter + 1;
		f->tried_pos = m->pos;
		if (!find_setters(sh, h, victim, &text, &key))
			break;
		strbuf_setlen(&f->text, f->head_len);
		strbuf_addbuf(&f->text, &text);
		free(f->key);
		f->key = strbuf_detach(&key, NULL);
		f->alone = false;
		say("\nfinding %zu updated:\n%s\n", i + 1, f->text.buf);
		write_report(sh, false);
		strbuf_release(&text);
		return true;
	}
	strbuf_release(&text);
	strbuf_release(&key);
	return false;
}

/* A hunting sequence failed at `at`: report, explain or shrink it. */
static void handle_failure(struct shuffle *sh, struct hunt *h, size_t it,
			   uint64_t seed, ssize_t at,
			   const struct signature *sig)
{
	char buf[64];

	sh->want = *sig;
	sh->trial_seed = seed;
	save_evidence(sh, it);
	say("%s failed (%s) after %zd test%s\n",
	    sh->suite.tests[h->seq[at]].name,
	    sig_describe(sig, buf, sizeof(buf)), at, PLURAL(at));
	fflush(stdout);
	if (upgrade_alone(sh, h, h->seq[at]))
		return;
	if (explained(sh, h->seq, (size_t)at + 1))
		return;
	say("shrinking %zd test%s\n", at + 1, PLURAL(at + 1));
	shrink_and_report(sh, h, h->seq, (size_t)at + 1, seed);
}

/*
 * With -j, up to N iterations run at once, each on its own slate; their
 * outcomes are then taken in iteration order, as if one by one.
 */
static void hunt_parallel(struct shuffle *sh, struct hunt *h)
{
	size_t it = 0;

	while (it < sh->iterations && !sh->stopped) {
		size_t count = sh->iterations - it;
		struct job *jobs;

		if (count > sh->jobs)
			count = sh->jobs;
		jobs = xcalloc(count, sizeof(*jobs));
		for (size_t k = 0; k < count; k++) {
			struct job *j = &jobs[k];
			size_t *seq, n;
			j->seed = rng_derive(sh->seed, it + k);
			build_sequence(sh, it + k, j->seed, &seq, &n);
			j->seq = seq;
			j->n = n;
			j->thread = (int)k;
			j->run_no = (unsigned)(it + k + 1);
			j->hunting = true;
			j->passed = xcalloc(n ? n : 1, sizeof(*j->passed));
		}
		status("iterations %zu-%zu/%u at once", it + 1, it + count,
		       sh->iterations);
		if (run_jobs(sh, jobs, count) < 0) {
			for (size_t k = 0; k < count; k++) {
				job_release(sh, &jobs[k], false);
				free((size_t *)jobs[k].seq);
			}
			free(jobs);
			break;
		}
		for (size_t k = 0; k < count; k++, it++) {
			struct job *j = &jobs[k];
			bool failed = j->at >= 0;
			say("iteration %zu/%u: seed %llu, %zu tests\n", it + 1,
			    sh->iterations, (unsigned long long)j->seed, j->n);
			for (size_t pos = 0; pos < j->n; pos++)
				if (j->passed[pos])
					h->marks[j->seq[pos]] =
						(struct pass_mark){it, pos,
								   true};
			if (failed && !sh->stopped)
				job_take_outputs(sh, j);
			job_release(sh, j, failed);
			free(h->seq);
			h->seq = (size_t *)j->seq;
			h->len = j->n;
			h->iter = it;
			if (failed && !sh->stopped)
				handle_failure(sh, h, it, j->seed, j->at,
					       &j->sig);
		}
		free(jobs);
	}
}

static void hunt(struct shuffle *sh)
{
	struct hunt h = {sh};

	h.marks = xcalloc(sh->suite.nr, sizeof(*h.marks));
	if (sh->jobs > 1) {
		hunt_parallel(sh, &h);
		goto done;
	}
	for (size_t it = 0; it < sh->iterations && !sh->stopped; it++) {
		uint64_t s = rng_derive(sh->seed, it);
		struct signature sig;
		ssize_t at;

		free(h.seq);
		build_sequence(sh, it, s, &h.seq, &h.len);
		h.iter = it;
		say("iteration %zu/%u: seed %llu, %zu tests\n", it + 1,
		    sh->iterations, (unsigned long long)s, h.len);
		fflush(stdout);
		sh->trial_seed = s;
		sh->run_no = (unsigned)it + 1;
		at = run_sequence(sh, h.seq, h.len, &sig, true, mark_pass, &h);
		if (at < 0)
			break;
		if ((size_t)at < h.len)
			handle_failure(sh, &h, it, s, at, &sig);
	}
done:
	free(h.seq);
	free(h.marks);
}

/* TestSmoke's -bug_mode: each test once, alone, problems after each. */
static void bug_mode(struct shuffle *sh)
{
	struct slate_run slate_run = SLATE_RUN_INIT;

	if (sh->use_slate) {
		if (slate_start(sh, &slate_run, 0) < 0) {
			sh->stopped = true;
			return;
		}
		sh->run_dir = slate_run.root;
	}
	if (run_hook(sh, &sh->setup, "setup", sh->setup_str) < 0) {
		if (sh->use_slate)
			slate_finish(sh, &slate_run, false);
		sh->stopped = true;
		return;
	}
	sh->trial_seed = sh->seed;
	for (size_t i = 0; i < sh->suite.nr; i++) {
		struct signature sig;
		size_t before = sh->failed;
		char buf[64];
		int r;

		sh->run_no = (unsigned)i + 1;
		r = run_one(sh, i, &sig, true);
		if (r < 0) {
			sh->stopped = true;
			break;
		}
		if (sh->failed == before) {
			say("%s: ok\n", sh->suite.tests[i].name);
			continue;
		}
		say("%s: FAILED (%s)\n", sh->suite.tests[i].name,
		    sig_describe(&sig, buf, sizeof(buf)));
		const char *paths[2] = {sh->io.out, sh->io.err};
		for (int k = 0; k < 2; k++) {
			struct strbuf sb = STRBUF_INIT;
			bool cut = false;
			if (strbuf_read_file_tail(&sb, paths[k], 4096, &cut) >
			    0)
				say("  [%s%s]\n%s%s", k ? "stderr" : "stdout",
				    cut ? ", tail" : "", sb.buf,
				    sb.buf[sb.len - 1] == '\n' ? "" : "\n");
			strbuf_release(&sb);
		}
		sh->exit_code = EXIT_FOUND;
	}
	run_hook(sh, &sh->teardown, "teardown", sh->teardown_str);
	if (sh->use_slate) {
		slate_finish(sh, &slate_run, sh->exit_code != EXIT_OK);
		if (sh->slate_evidence)
			say("slate kept: %s\n", sh->slate_evidence);
		sh->run_dir = NULL;
	}
}

static void add_build_params(struct strbuf *sb)
{
	struct utsname u;
	static const char *const vars[] = {"LANG", "LC_ALL", "TZ", "TMPDIR",
					   "PATH"};
	extern char **environ;

	strbuf_addf(sb, "build parameters:\n  ordeal: %s (%s)\n",
		    ORDEAL_VERSION, ORDEAL_BUILD_FLAGS);
	if (!uname(&u))
		strbuf_addf(sb, "  uname: %s %s %s %s %s\n", u.sysname,
			    u.nodename, u.release, u.version, u.machine);
#if defined(__GNUC__) && !defined(__clang__)
	strbuf_addf(sb, "  compiler: gcc %s\n", __VERSION__);
#elif defined(__VERSION__)
	strbuf_addf(sb, "  compiler: %s\n", __VERSION__);
#endif
#ifdef __GLIBC__
	strbuf_addf(sb, "  libc: glibc %s\n", gnu_get_libc_version());
#endif
	strbuf_addstr(sb, "  environment:\n");
	for (size_t i = 0; i < ARRAY_SIZE(vars); i++) {
		const char *v = getenv(vars[i]);
		if (v)
			strbuf_addf(sb, "    %s=%s\n", vars[i], v);
	}
	for (char **e = environ; *e; e++)
		/* the child token is run-command's, different every run */
		if (!strncmp(*e, "ORDEAL_", 7) &&
		    strncmp(*e, "ORDEAL_CHILD_TOKEN=", 19))
			strbuf_addf(sb, "    %s\n", *e);
}

/*
 * Write the report file (atomically), and with `final` print it on stdout
 * too.  It is first written before any test runs (so a bad path fails
 * early) and again after each finding, so a crash loses nothing found.
 */
static int write_report(struct shuffle *sh, bool final)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = 0;

	strbuf_addf(&sb, "ordeal shuffle report\n");
	strbuf_addf(&sb, "seed: %llu\n", (unsigned long long)sh->seed);
	strbuf_addf(&sb, "order: %s, times: %u, iterations: %u, tests: %zu\n",
		    sh->order == ORDER_RANDOM	? "random"
		    : sh->order == ORDER_REPEAT ? "repeat"
						: "rotate",
		    sh->times, sh->iterations, sh->suite.nr);
	if (sh->bug_mode)
		strbuf_addstr(&sb, "mode: bug mode (each test alone)\n");
	if (run_command_interrupted())
		strbuf_addf(&sb,
			    "status: interrupted by signal %s; the "
			    "report holds what was found so far\n",
			    signal_name(run_command_interrupted())
				    ? signal_name(run_command_interrupted())
				    : "?");
	else if (sh->stopped)
		strbuf_addstr(&sb, "status: stopped: a setup command "
				   "failed\n");
	else if (!final)
		strbuf_addstr(&sb, "status: running\n");
	if (!sh->nr_findings && final)
		strbuf_addstr(&sb, sh->exit_code
					   ? "\nproblems: see above\n"
					   : "\nno order dependency found\n");
	for (size_t i = 0; i < sh->nr_findings; i++)
		strbuf_addf(&sb, "\nfinding %zu:\n%s", i + 1,
			    sh->findings[i].text.buf);
	strbuf_addch(&sb, '\n');
	add_build_params(&sb);
	strbuf_addf(&sb, "\nordeal: %zu passed, %zu failed, %zu skipped\n",
		    sh->passed, sh->failed, sh->skipped);
	if (strbuf_write_file_atomic(&sb, sh->report_path) < 0)
		ret = error("cannot write the report to '%s'", sh->report_path);
	if (final) {
		say("\n");
		fwrite(sb.buf, 1, sb.len, stdout);
		say("report: %s\n", sh->report_path);
	}
	strbuf_release(&sb);
	return ret;
}

static int parse_order(const char *s, enum order *o)
{
	if (!strcmp(s, "random"))
		*o = ORDER_RANDOM;
	else if (!strcmp(s, "repeat"))
		*o = ORDER_REPEAT;
	else if (!strcmp(s, "rotate"))
		*o = ORDER_ROTATE;
	else
		return error("invalid --order '%s' (random, repeat or rotate)",
			     s);
	return 0;
}

static int check_duplicates(struct shuffle *sh)
{
	for (size_t i = 0; i < sh->suite.nr; i++)
		for (size_t j = i + 1; j < sh->suite.nr; j++)
			if (!strcmp(sh->suite.tests[i].name,
				    sh->suite.tests[j].name))
				return error("test '%s' is given twice; use "
					     "--times to repeat tests, or "
					     "--order repeat for an exact "
					     "sequence",
					     sh->suite.tests[i].name);
	return 0;
}

/* Drop tests whose requirements are not met, saying so. */
static void drop_skipped(struct shuffle *sh)
{
	size_t k = 0;
	for (size_t i = 0; i < sh->suite.nr; i++) {
		struct test_entry *t = &sh->suite.tests[i];
		if (t->skip_reason) {
			say("skipping %s: %s\n", t->name, t->skip_reason);
			sh->skipped++;
			free(t->name);
			free(t->path);
			free(t->skip_reason);
			strvec_clear(&t->argv);
			continue;
		}
		sh->suite.tests[k++] = *t;
	}
	sh->suite.nr = k;
}

/*
 * --slate: tests, setup and teardown run with the slate as their working
 * directory, so test paths given relative to ours are made absolute; and
 * every test of a sequence must see the same slate, so a slate that only
 * exists inside each child (an unprivileged overlay) will not do.
 */
static int open_slate(struct shuffle *sh)
{
	for (size_t i = 0; i < sh->suite.nr; i++) {
		struct test_entry *t = &sh->suite.tests[i];
		if (t->kind == TEST_SCRIPT) {
			char *abs = path_absolute(t->path);
			free(t->path);
			t->path = abs;
		} else if (t->kind == TEST_EXEC && t->argv.nr &&
			   t->argv.v[0][0] != '/') {
			char *abs = path_absolute(t->argv.v[0]);
			free((char *)t->argv.v[0]);
			t->argv.v[0] = abs;
		}
	}
	if (slate_open(&sh->slate, NULL, "ordeal-shuffle") < 0)
		return -1;
	if (sh->slate.unprivileged) {
		slate_abandon(&sh->slate);
		return error("slate '%s': an unprivileged overlay exists only "
			     "inside each test's process, but the tests of a "
			     "sequence must share one; run as root, or use "
			     "copy:, reflink: or btrfs:",
			     sh->slate.spec);
	}
	say("slate: %s in %s\n", slate_backend(&sh->slate), sh->slate.work);
	return 0;
}

static char *find_self(const char *argv0)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		return xstrdup(buf);
	}
	char *p = locate_in_path(argv0 && strchr(argv0, '/') ? argv0 : "ordeal",
				 getenv("PATH"));
	return p ? p : xstrdup("ordeal");
}

static int split_hook(const char *text, struct strvec *out, const char *what)
{
	char *err = NULL;
	if (!text)
		return 0;
	if (strvec_split_words(out, text, &err) < 0) {
		error("%s: %s", what, err);
		free(err);
		return -1;
	}
	if (!out->nr)
		return error("%s is empty", what);
	return 0;
}

int cmd_shuffle(int argc, const char **argv)
{
	struct shuffle sh = {0};
	const char *order = "random", *seed_str = NULL, *slate = NULL;
	const char *list = NULL;
	unsigned long long times = 10, iterations = ULLONG_MAX, confirm = 1;
	unsigned long long jobs = 1;
	char stamp[32];
	time_t now = time(NULL);
	int exit_code;
	struct option options[] = {
		OPT_GROUP("finding a failure"),
		OPT_STRING(0, "order", &order, "how",
			   "random (default), repeat or rotate"),
		OPT_UINT(0, "times", &times, "n",
			 "each sequence runs every test N times (10)"),
		OPT_UINT(0, "iterations", &iterations, "n",
			 "sequences to try, each with a new seed (10)"),
		OPT_STRING(0, "seed", &seed_str, "n",
			   "the seed every random choice derives from"),
		OPT_STRING(0, "setup", &sh.setup_str, "cmd",
			   "run before every sequence and trial"),
		OPT_STRING(0, "teardown", &sh.teardown_str, "cmd",
			   "run after every sequence and trial"),
		OPT_STRING(0, "slate", &slate, "spec",
			   "start every sequence from a pristine copy"),
		OPT_UINT('j', "jobs", &jobs, "n",
			 "parallel trials (needs --slate)"),
		OPT_STRING(0, "timeout", &sh.timeout_str, "dur",
			   "a test running longer fails (default 10m)"),
		OPT_GROUP("shrinking"),
		OPT_UINT(0, "confirm", &confirm, "n",
			 "reruns that must fail the same way (1)"),
		OPT_STRING(0, "failure", &sh.failure_str, "re",
			   "only failures whose output matches RE count"),
		OPT_GROUP("tests and reports"),
		OPT_STRING(0, "list", &list, "file",
			   "test IDs, one a line, run with --exec"),
		OPT_STRING(0, "exec", &sh.exec_str, "template",
			   "command for an ID ('{}' is replaced)"),
		OPT_STRING(0, "report", &sh.report_path, "file",
			   "report file (smoke-report-DATE-TIME.txt)"),
		OPT__VERBOSE(&sh.verbose, "print each test as it runs"),
		OPT_BOOL(0, "bug-mode", &sh.bug_mode,
			 "every test once, alone; no shrinking"),
		OPT_END(),
	};

	argc = parse_options(argc, argv, options, shuffle_usage,
			     PARSE_OPT_SINGLE_DASH_LONG);
	if (parse_order(order, &sh.order) < 0)
		return EXIT_USAGE;
	sh.times = (unsigned)times;
	sh.confirm = (unsigned)confirm;
	if (!times || times > 100000)
		return error("--times must be between 1 and 100000"),
		       EXIT_USAGE;
	if (!confirm || confirm > 1000)
		return error("--confirm must be between 1 and 1000"),
		       EXIT_USAGE;
	if (iterations != ULLONG_MAX && (!iterations || iterations > 1000000))
		return error("--iterations must be between 1 and 1000000"),
		       EXIT_USAGE;
	/* the same sequence again and again finds nothing new */
	sh.iterations = iterations != ULLONG_MAX   ? (unsigned)iterations
			: sh.order == ORDER_REPEAT ? 1
						   : 10;
	if (seed_str) {
		if (rng_seed_parse(seed_str, &sh.seed) < 0)
			return error("invalid seed '%s': expected a decimal "
				     "or 0x-hex number",
				     seed_str),
			       EXIT_USAGE;
	} else {
		sh.seed = rng_seed_from_os();
	}
	if (slate && slate_parse(&sh.slate, slate) < 0)
		return EXIT_USAGE;
	sh.use_slate = slate && strcmp(slate_backend(&sh.slate), "none");
	if (!jobs || jobs > 256) {
		error("-j must be between 1 and 256");
		slate_close(&sh.slate);
		return EXIT_USAGE;
	}
	if (jobs > 1 && !sh.use_slate) {
		error("-j %llu: parallel trials need --slate (trials in one "
		      "shared environment disturb each other)",
		      jobs);
		slate_close(&sh.slate);
		return EXIT_USAGE;
	}
	sh.jobs = (unsigned)jobs;
	sh.timeout_ns = 10 * 60 * NS_PER_SEC;
	if (sh.timeout_str && duration_parse(sh.timeout_str, &sh.timeout_ns))
		return error("invalid --timeout '%s'", sh.timeout_str),
		       EXIT_USAGE;
	if (sh.failure_str) {
		int ec;
		PCRE2_SIZE off;
		sh.failure_re = pcre2_compile((PCRE2_SPTR)sh.failure_str,
					      PCRE2_ZERO_TERMINATED,
					      PCRE2_MULTILINE, &ec, &off, NULL);
		if (!sh.failure_re) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(ec, msg, sizeof(msg));
			return error("--failure '%s': %s at offset %zu",
				     sh.failure_str, (char *)msg, (size_t)off),
			       EXIT_USAGE;
		}
	}
	/* Owned from here on: `out:` frees it, even on an early error. */
	if (sh.report_path)
		sh.report_path = xstrdup(sh.report_path);
	exit_code = EXIT_USAGE;
	if (split_hook(sh.setup_str, &sh.setup, "--setup") < 0 ||
	    split_hook(sh.teardown_str, &sh.teardown, "--teardown") < 0)
		goto out;
	if (list && !sh.exec_str) {
		error("--list needs --exec TEMPLATE");
		goto out;
	}

	/* the tests (a --list may be a pipe that never ends: see run) */
	run_command_init();
	run_command_exit_on_interrupt(true);
	if (list && suite_add_list(&sh.suite, list, sh.exec_str) < 0)
		goto out;
	for (int i = 0; i < argc; i++) {
		int r = sh.exec_str
				? suite_add_id(&sh.suite, argv[i], sh.exec_str)
				: suite_add_path(&sh.suite, argv[i]);
		if (r < 0)
			goto out;
	}
	run_command_exit_on_interrupt(false);
	if (sh.order != ORDER_REPEAT && check_duplicates(&sh) < 0)
		goto out;
	drop_skipped(&sh);
	if (!sh.suite.nr) {
		error("no tests to shuffle; name test files or directories, "
		      "or give --list FILE --exec TEMPLATE");
		goto out;
	}

	if (!sh.report_path) {
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S",
			 localtime(&now));
		sh.report_path = xstrfmt("smoke-report-%s.txt", stamp);
	}
	sh.outdir = make_temp_dir(temp_base(), "ordeal-shuffle-");
	if (!sh.outdir) {
		error_errno("cannot create a temporary directory in '%s'",
			    temp_base());
		goto out;
	}
	if (io_paths_init(&sh.io, sh.outdir) < 0)
		goto out;
	sh.self_exe = find_self(NULL);
	run_command_init();
	if (sh.use_slate && open_slate(&sh) < 0)
		goto out;

	say("ordeal shuffle: seed %llu, %zu tests, order %s\n",
	    (unsigned long long)sh.seed, sh.suite.nr, order);
	fflush(stdout);
	sh.exit_code = EXIT_OK;
	if (write_report(&sh, false) < 0)
		goto out;
	status_enabled = !sh.verbose && isatty(2);
	if (sh.bug_mode)
		bug_mode(&sh);
	else
		hunt(&sh);

	status_clear();
	exit_code = sh.exit_code;
	if (run_command_interrupted()) {
		run_command_kill_all();
		exit_code = EXIT_INTERRUPTED;
	} else if (sh.stopped) {
		exit_code = EXIT_USAGE; /* a setup command failed */
	}
	write_report(&sh, true);

out:
	if (sh.outdir) {
		remove_recursive(sh.outdir);
		free(sh.outdir);
	}
	io_paths_release(&sh.io);
	if (sh.slate.work && !sh.slate_kept)
		slate_abandon(&sh.slate);
	slate_close(&sh.slate);
	free(sh.slate_evidence);
	free(sh.self_exe);
	free((char *)sh.report_path);
	free(sh.best);
	free(sh.evidence);
	for (size_t i = 0; i < sh.nr_findings; i++) {
		free(sh.findings[i].key);
		free(sh.findings[i].seq);
		strbuf_release(&sh.findings[i].text);
	}
	free(sh.findings);
	if (sh.failure_re)
		pcre2_code_free(sh.failure_re);
	strvec_clear(&sh.setup);
	strvec_clear(&sh.teardown);
	suite_clear(&sh.suite);
	return exit_code;
}
