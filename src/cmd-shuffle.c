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
	char *self_exe; /* for running *.txt scripts */
	char *outdir;	/* a test's stdout/stderr, overwritten each time */
	char *out_path, *err_path;
	char *json_path; /* result.json of the last failing test */
	char *hook_path; /* --setup/--teardown output */

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
static bool output_matches(struct shuffle *sh)
{
	const char *paths[2] = {sh->out_path, sh->err_path};
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

/*
 * Run a helper command (--setup/--teardown).  0 when it passed; -1 with a
 * message naming it otherwise.
 */
static int run_hook(struct shuffle *sh, const struct strvec *argv,
		    const char *what, const char *text)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	struct strbuf why = STRBUF_INIT;
	int ret = 0;

	if (!argv->nr)
		return 0;
	strvec_pushv(&cp.args, argv->v);
	cp.use_path = true;
	cp.in = CHILD_NULL;
	cp.out = CHILD_FILE;
	cp.out_path = sh->hook_path;
	cp.err = CHILD_STDOUT;
	cp.timeout_ns = sh->timeout_ns;
	run_command(&cp);
	if (!run_result_passed(&cp.result) && !cp.result.interrupted) {
		status_clear();
		run_result_describe(&why, &cp.result);
		ret = error("%s command '%s' failed: %s", what, text, why.buf);
		struct strbuf out = STRBUF_INIT;
		if (strbuf_read_file_tail(&out, sh->hook_path, 2048, NULL) > 0)
			fputs(out.buf, stderr);
		strbuf_release(&out);
	}
	if (cp.result.interrupted)
		ret = -1;
	strbuf_release(&why);
	child_process_clear(&cp);
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

	if (t->kind == TEST_SCRIPT) {
		strvec_push(&cp.args, sh->self_exe);
		strvec_push(&cp.args, "script");
		strvec_push(&cp.args, t->path);
	} else {
		strvec_pushv(&cp.args, t->argv.v);
	}
	cp.use_path = t->kind == TEST_TEMPLATE;
	strvec_pushf(&cp.env, "ORDEAL_SEED=%llu",
		     (unsigned long long)sh->trial_seed);
	strvec_pushf(&cp.env, "ORDEAL_RUN=%u", sh->run_no);
	strvec_push(&cp.env, "ORDEAL_THREAD=0");
	strvec_pushf(&cp.env, "ORDEAL_TEST=%s", t->name);
	cp.in = CHILD_NULL;
	cp.out = CHILD_FILE;
	cp.out_path = sh->out_path;
	cp.err = CHILD_FILE;
	cp.err_path = sh->err_path;
	cp.timeout_ns = t->timeout_ns ? t->timeout_ns : sh->timeout_ns;
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
	if (run_result_skipped(&cp.result)) {
		ret = 0;
		if (count)
			sh->skipped++;
	} else if (run_result_passed(&cp.result)) {
		ret = 0;
		if (count)
			sh->passed++;
	} else {
		struct strbuf extra = STRBUF_INIT;
		*sig = signature_of(&cp.result);
		ret = output_matches(sh) ? 1 : 0;
		strbuf_addstr(&extra, "\"test\":");
		json_quote(&extra, t->name, strlen(t->name));
		strbuf_addf(&extra, ",\"run\":%u", sh->run_no);
		run_result_write_json(sh->json_path, &cp, sh->trial_seed,
				      extra.buf);
		strbuf_release(&extra);
		if (count)
			sh->failed++;
	}
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
	ssize_t at = (ssize_t)n;

	if (run_hook(sh, &sh->setup, "setup", sh->setup_str) < 0) {
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

/* Quote a word for a POSIX shell when it needs it. */
static void add_shell_word(struct strbuf *sb, const char *w)
{
	if (*w && !w[strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"
			       "RSTUVWXYZ0123456789_-./=:,+@%")]) {
		strbuf_addstr(sb, w);
		return;
	}
	strbuf_addch(sb, '\'');
	for (; *w; w++) {
		if (*w == '\'')
			strbuf_addstr(sb, "'\\''");
		else
			strbuf_addch(sb, *w);
	}
	strbuf_addch(sb, '\'');
}

static void add_option(struct strbuf *sb, const char *opt, const char *val)
{
	if (!val)
		return;
	strbuf_addf(sb, " %s ", opt);
	add_shell_word(sb, val);
}

/* `ordeal shuffle --order repeat --times 1 A B VICTIM` and friends. */
static void add_repro(struct shuffle *sh, struct strbuf *sb, const size_t *seq,
		      size_t n)
{
	strbuf_addstr(sb, "ordeal shuffle --order repeat --times 1");
	add_option(sb, "--setup", sh->setup_str);
	add_option(sb, "--teardown", sh->teardown_str);
	add_option(sb, "--failure", sh->failure_str);
	add_option(sb, "--timeout", sh->timeout_str);
	add_option(sb, "--exec", sh->exec_str);
	if (sh->confirm != 1)
		strbuf_addf(sb, " --confirm %u", sh->confirm);
	for (size_t i = 0; i < n; i++) {
		strbuf_addch(sb, ' ');
		add_shell_word(sb, sh->suite.tests[seq[i]].name);
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
	const char *src[3] = {sh->out_path, sh->err_path, sh->json_path};
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

static void hunt(struct shuffle *sh)
{
	struct hunt h = {sh};

	h.marks = xcalloc(sh->suite.nr, sizeof(*h.marks));
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
		if ((size_t)at == h.len)
			continue;
		sh->want = sig;
		save_evidence(sh, it);
		char buf[64];
		say("%s failed (%s) after %zd test%s\n",
		    sh->suite.tests[h.seq[at]].name,
		    sig_describe(&sig, buf, sizeof(buf)), at, PLURAL(at));
		fflush(stdout);
		if (upgrade_alone(sh, &h, h.seq[at]))
			continue;
		if (explained(sh, h.seq, (size_t)at + 1))
			continue;
		say("shrinking %zd test%s\n", at + 1, PLURAL(at + 1));
		shrink_and_report(sh, &h, h.seq, (size_t)at + 1, s);
	}
	free(h.seq);
	free(h.marks);
}

/* TestSmoke's -bug_mode: each test once, alone, problems after each. */
static void bug_mode(struct shuffle *sh)
{
	if (run_hook(sh, &sh->setup, "setup", sh->setup_str) < 0) {
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
		const char *paths[2] = {sh->out_path, sh->err_path};
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
	if (slate)
		return error("--slate: slates are not available in this "
			     "build yet"),
		       EXIT_USAGE;
	if (jobs != 1)
		return error("-j %llu: parallel trials need --slate (trials "
			     "in one shared environment disturb each other)",
			     jobs),
		       EXIT_USAGE;
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
	exit_code = EXIT_USAGE;
	if (split_hook(sh.setup_str, &sh.setup, "--setup") < 0 ||
	    split_hook(sh.teardown_str, &sh.teardown, "--teardown") < 0)
		goto out;
	if (list && !sh.exec_str) {
		error("--list needs --exec TEMPLATE");
		goto out;
	}

	/* the tests */
	if (list && suite_add_list(&sh.suite, list, sh.exec_str) < 0)
		goto out;
	for (int i = 0; i < argc; i++) {
		int r = sh.exec_str
				? suite_add_id(&sh.suite, argv[i], sh.exec_str)
				: suite_add_path(&sh.suite, argv[i]);
		if (r < 0)
			goto out;
	}
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
	} else {
		sh.report_path = xstrdup(sh.report_path);
	}
	sh.outdir = make_temp_dir(temp_base(), "ordeal-shuffle-");
	if (!sh.outdir) {
		error_errno("cannot create a temporary directory in '%s'",
			    temp_base());
		goto out;
	}
	sh.out_path = path_join(sh.outdir, "stdout");
	sh.err_path = path_join(sh.outdir, "stderr");
	sh.json_path = path_join(sh.outdir, "result.json");
	sh.hook_path = path_join(sh.outdir, "hook-output");
	sh.self_exe = find_self(NULL);
	run_command_init();

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
	free(sh.out_path);
	free(sh.err_path);
	free(sh.json_path);
	free(sh.hook_path);
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
