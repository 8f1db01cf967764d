/*
 * cmd-loop.c - `ordeal loop` (run a command again and again, each run on a
 * clean slate, until it fails, keeping the evidence) and `ordeal gocrash`
 * (gocrash's exact interface and output, as a preset of the same engine:
 * Go's all.bash on a ZFS clone per attempt).
 *
 * The engine keeps `concurrency` slots ("threads", as gocrash calls them)
 * busy: each slot makes a slate, starts the command with start_command()
 * and the main loop learns which run finished next from
 * run_command_wait_any().  Memory stays flat however many runs: per run
 * only the slot is reused; durations go into a fixed-size histogram and
 * failures into at most STATS_MAX_GROUPS signature groups.
 */
#include "common.h"
#include "cmd.h"
#include "clock.h"
#include "json.h"
#include "parse-options.h"
#include "path.h"
#include "regex.h"
#include "rng.h"
#include "run-command.h"
#include "slate.h"
#include "stats.h"
#include "strbuf.h"
#include "strvec.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATUS_EVERY_NS (5 * NS_PER_SEC)
/* Output matched against --failure/--ignore: the last this many bytes. */
#define MATCH_TAIL	(16 * 1024 * 1024)
#define MAX_CONCURRENCY 1024
/* An option's value before parsing: "not given" (0 is an error). */
#define NOT_GIVEN ULLONG_MAX

#define FREE_AND_NULL(p)                                                       \
	do {                                                                   \
		free(p);                                                       \
		(p) = NULL;                                                    \
	} while (0)

struct loop_config {
	int concurrency;
	unsigned long long stop_after;	 /* per slot; 0: no bound */
	unsigned long long count;	 /* in total; 0: no bound */
	int64_t duration_ns;		 /* 0: no bound */
	unsigned long long max_failures; /* 0: never stop on failure */
	int keep_success, quiet, json;	 /* ints: OPT_BOOL stores an int */
	bool halt_now;
	int64_t timeout_ns; /* 0: none */
	const char *failure_src, *ignore_src;
	struct regex failure_re, ignore_re;
	bool has_failure_re, has_ignore_re;
	const char *slate_spec, *cwd, *workdir;
	const char *prefix;		       /* "ordeal" / "gocrash" */
	const char *stdout_name, *stderr_name; /* in the run's dir */
	struct strvec env;
	uint64_t seed;
	const char **argv; /* the command */
	bool gocrash;	   /* gocrash's output: log on stdout, its lines */
	int replay_thread; /* --replay T:R; -1: none */
	long long replay_run;
	FILE *log; /* where start/end lines and status go */
};

struct loop_slot {
	struct child_process cp;
	struct slate_run run;
	int thread;
	unsigned long long attempts; /* started by this slot */
	uint64_t seed;
	char *out_path, *err_path;
	/*
	 * stdout/stderr of the slot's reused run dir, kept open between
	 * runs and emptied after each (-1: open them afresh).  Opening,
	 * truncating and closing two files per run was a tenth of a fast
	 * run's cost.
	 */
	int out_fd, err_fd;
	bool busy;
	bool halted; /* killed by --halt now, not a result */
	/* The thread's failure as gocrash words it ("" while none). */
	char gocrash_result[64];
	bool was_interrupted; /* its last run was killed by us */
	bool done;	      /* this slot's budget is used up */
};

struct loop {
	struct loop_config *c;
	struct slate slate;
	struct loop_slot *slots;
	int64_t start_ns, next_status_ns;
	unsigned long long started, finished, passed, failed, skipped, ignored,
		interrupted;
	struct stats_hist hist;
	struct stats_groups groups;
	bool stopping;
	bool fatal; /* stopped by an error, not a result */
	char *first_failure_dir;
	int first_failure_thread;
	unsigned long long first_failure_run;
	bool have_failure;
	char *start_dir_abs; /* none slate: the --cwd directory */
	int devnull;	     /* every run's stdin, opened once */
};

static int compile_re(struct regex *re, const char *src, const char *what)
{
	char *err = NULL;

	if (regex_compile(re, src, REGEX_MULTILINE, &err) < 0) {
		error("%s: %s", what, err);
		free(err);
		return -1;
	}
	return 0;
}

/* Whether either output file matches `re` (in its last MATCH_TAIL). */
static bool output_matches(const struct regex *re, const struct loop_slot *s)
{
	struct strbuf text = STRBUF_INIT;
	bool hit = false;
	const char *paths[2] = {s->out_path, s->err_path};

	for (int i = 0; i < 2 && !hit; i++) {
		strbuf_reset(&text);
		if (strbuf_read_file_tail(&text, paths[i], MATCH_TAIL, NULL) >=
		    0)
			hit = regex_match(re, text.buf, text.len, NULL, NULL) >
			      0;
	}
	strbuf_release(&text);
	return hit;
}

static uint64_t run_seed(uint64_t seed, int thread, unsigned long long run)
{
	return rng_derive(rng_derive(seed, (uint64_t)thread), run);
}

/* The command line that replays thread T's attempt R exactly. */
static void reproduce_command(struct strbuf *sb, const struct loop *L,
			      int thread, unsigned long long run)
{
	const struct loop_config *c = L->c;

	if (c->gocrash) {
		/* all.bash takes no seed; the clone is the evidence. */
		strbuf_addstr(sb, "cd ");
		strbuf_add_shell_quoted(
			sb, L->first_failure_dir ? L->first_failure_dir : ".");
		strbuf_addstr(sb, "/goroot/src && bash ./all.bash");
		return;
	}
	strbuf_addf(sb, "ordeal loop --seed %llu --replay %d:%llu",
		    (unsigned long long)c->seed, thread, run);
	if (c->slate_spec && strcmp(c->slate_spec, "none")) {
		strbuf_addstr(sb, " --slate ");
		strbuf_add_shell_quoted(sb, c->slate_spec);
	}
	if (c->cwd) {
		strbuf_addstr(sb, " --cwd ");
		strbuf_add_shell_quoted(sb, c->cwd);
	}
	if (c->workdir) {
		strbuf_addstr(sb, " --workdir ");
		strbuf_add_shell_quoted(sb, c->workdir);
	}
	if (c->timeout_ns != 10 * 60 * NS_PER_SEC) {
		strbuf_addstr(sb, " --timeout ");
		if (c->timeout_ns)
			duration_format(sb, c->timeout_ns);
		else
			strbuf_addch(sb, '0');
	}
	for (size_t i = 0; i < c->env.nr; i++) {
		strbuf_addstr(sb, " --env ");
		strbuf_add_shell_quoted(sb, c->env.v[i]);
	}
	strbuf_addstr(sb, " --");
	for (const char **a = c->argv; *a; a++) {
		strbuf_addch(sb, ' ');
		strbuf_add_shell_quoted(sb, *a);
	}
}

static void log_line(struct loop *L, const struct loop_slot *s, const char *fmt,
		     ...) PRINTF_LIKE(3, 4);
static void log_line(struct loop *L, const struct loop_slot *s, const char *fmt,
		     ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (L->c->quiet)
		return;
	timestamp_format_utc(&sb, clock_wall_ns());
	strbuf_addf(&sb, ": thread %d: attempt %llu: ", s->thread,
		    s->attempts - 1);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strbuf_addch(&sb, '\n');
	fwrite(sb.buf, 1, sb.len, L->c->log);
	fflush(L->c->log);
	strbuf_release(&sb);
}

static void status_line(struct loop *L, int64_t now)
{
	struct strbuf sb = STRBUF_INIT;
	double pct = L->finished
			     ? 100.0 * (double)L->failed / (double)L->finished
			     : 0.0;
	int active = 0;

	if (L->c->quiet)
		return;
	for (int i = 0; i < L->c->concurrency; i++)
		active += L->slots[i].busy;
	duration_format(&sb, (now - L->start_ns) / NS_PER_SEC * NS_PER_SEC);
	strbuf_addf(&sb,
		    ": %llu runs so far, %llu failure%s (%.2f%%), "
		    "%d active\n",
		    L->finished, L->failed, L->failed == 1 ? "" : "s", pct,
		    active);
	fwrite(sb.buf, 1, sb.len, stderr);
	fflush(stderr);
	strbuf_release(&sb);
}

/* The directory a run starts in (absolute); NULL: ordeal's own cwd. */
static char *run_start_dir(const struct loop *L, const struct slate_run *r)
{
	if (r->root)
		return L->c->cwd ? path_join(r->root, L->c->cwd)
				 : xstrdup(r->root);
	return L->start_dir_abs ? xstrdup(L->start_dir_abs) : NULL;
}

static void close_slot_files(struct loop_slot *s)
{
	if (s->out_fd >= 0)
		close(s->out_fd);
	if (s->err_fd >= 0)
		close(s->err_fd);
	s->out_fd = s->err_fd = -1;
}

/* Empty a kept-open output file for the slot's next run; -1 on error. */
static int reset_output(int fd)
{
	off_t end = lseek(fd, 0, SEEK_END);

	if (end < 0)
		return -1;
	if (!end)
		return 0;
	if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	return 0;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Start the next run in slot `s`; -1 stops the loop (fatal). */
static int start_run(struct loop *L, struct loop_slot *s)
{
	struct loop_config *c = L->c;
	struct child_process *cp = &s->cp;
	unsigned long long attempt = s->attempts;
	char *start_dir;

	if (slate_run_create(&L->slate, &s->run, s->thread, (int)attempt) < 0) {
		slate_run_clear(&s->run);
		return error("cannot make the slate for thread %d attempt "
			     "%llu: the loop stops here%s",
			     s->thread, attempt,
			     L->finished ? "; the evidence so far is kept"
					 : "");
	}
	s->attempts++;
	L->started++;
	s->seed = run_seed(c->seed, s->thread, attempt);
	s->out_path = path_join(s->run.live_dir, c->stdout_name);
	s->err_path = path_join(s->run.live_dir, c->stderr_name);

	child_process_init(cp);
	for (const char **a = c->argv; *a; a++)
		strvec_push(&cp->args, *a);
	start_dir = run_start_dir(L, &s->run);
	/* "./x" means the slate's x: resolve it where the run starts. */
	if (strchr(c->argv[0], '/') && c->argv[0][0] != '/' && start_dir) {
		char *joined = path_join(start_dir, c->argv[0]);
		char *abs = path_normalize(joined);

		free(joined);

		free((char *)cp->args.v[0]);
		cp->args.v[0] = abs;
	}
	strvec_pushv(&cp->env, c->env.v);
	strvec_pushf(&cp->env, "ORDEAL_SEED=%llu", (unsigned long long)s->seed);
	strvec_pushf(&cp->env, "ORDEAL_RUN=%llu", attempt);
	strvec_pushf(&cp->env, "ORDEAL_THREAD=%d", s->thread);
	if (L->devnull >= 0) {
		cp->in = CHILD_FD;
		cp->in_fd = L->devnull;
	} else {
		cp->in = CHILD_NULL;
	}
	if (s->run.reused_dir && s->out_fd < 0) {
		s->out_fd =
			open(s->out_path,
			     O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		s->err_fd =
			open(s->err_path,
			     O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (s->out_fd < 0 || s->err_fd < 0)
			close_slot_files(s);
	}
	if (s->out_fd >= 0) {
		cp->out = CHILD_FD;
		cp->out_fd = s->out_fd;
		cp->err = CHILD_FD;
		cp->err_fd = s->err_fd;
	} else {
		cp->out = CHILD_FILE;
		cp->out_path = s->out_path;
		cp->err = CHILD_FILE;
		cp->err_path = s->err_path;
	}
	cp->timeout_ns = c->timeout_ns;
	cp->data = s;
	if (s->run.pre_exec) {
		/* The slate appears in the child: chdir there after. */
		s->run.start_dir = start_dir;
		cp->pre_exec = slate_run_pre_exec;
		cp->pre_exec_data = &s->run;
	} else {
		s->run.start_dir = start_dir;
		cp->dir = start_dir;
	}

	if (c->gocrash)
		log_line(L, s, "start (see %s)", s->out_path);
	else
		log_line(L, s, "start (see %s)", s->run.dir);
	if (!s->run.pre_exec && start_dir && !is_dir(start_dir)) {
		/* Else chdir fails in the child and looks like ENOENT. */
		error("cannot start the run in '%s': no such directory in the "
		      "slate%s",
		      start_dir, c->cwd ? " (see --cwd)" : "");
		cp->result.spawn_errno = 0;
		goto failed;
	}
	if (start_command(cp) < 0) {
		struct strbuf why = STRBUF_INIT;

		run_result_describe(&why, &cp->result);
		if (s->run.pre_exec)
			error("cannot start the run: making the %s slate in "
			      "the "
			      "child or running '%s' failed: %s",
			      slate_backend(&L->slate), c->argv[0],
			      strerror(cp->result.spawn_errno));
		else if (cp->result.spawn_errno == ENOENT)
			error("cannot run '%s': %s%s", c->argv[0], why.buf,
			      strchr(c->argv[0], '/') ? ""
						      : " (not found on PATH)");
		else
			error("cannot run '%s': %s", c->argv[0], why.buf);
		strbuf_release(&why);
	failed:
		s->busy = false;
		L->started--;
		slate_run_discard(&L->slate, &s->run);
		close_slot_files(s);
		slate_run_clear(&s->run);
		child_process_clear(cp);
		FREE_AND_NULL(s->out_path);
		FREE_AND_NULL(s->err_path);
		return -1;
	}
	s->busy = true;
	return 0;
}

static void json_run_line(struct loop *L UNUSED, const struct loop_slot *s,
			  const char *verdict, const char *desc,
			  const char *signature, bool kept)
{
	struct strbuf out = STRBUF_INIT;
	struct json_writer w;
	const struct run_result *r = &s->cp.result;

	json_init(&w, &out, false);
	json_object_begin(&w);
	json_key(&w, "thread");
	json_int(&w, s->thread);
	json_key(&w, "run");
	json_uint(&w, s->attempts - 1);
	json_key(&w, "seed");
	json_uint(&w, s->seed);
	json_key(&w, "verdict");
	json_string(&w, verdict);
	json_key(&w, "result");
	json_string(&w, desc);
	run_result_json_status(&w, r);
	json_key(&w, "duration_ns");
	json_int(&w, r->duration_ns);
	json_key(&w, "dir");
	if (kept)
		json_string(&w, s->run.dir);
	else
		json_null(&w);
	if (signature) {
		json_key(&w, "signature");
		json_string(&w, signature);
	}
	json_object_end(&w);
	strbuf_addch(&out, '\n');
	fwrite(out.buf, 1, out.len, stdout);
	fflush(stdout);
	strbuf_release(&out);
}

static void write_result_json(struct loop *L, struct loop_slot *s,
			      const char *verdict)
{
	char *path = path_join(s->run.dir, "result.json");
	struct strbuf extra = STRBUF_INIT;

	strbuf_addf(&extra,
		    "\"thread\": %d,\n  \"run\": %llu,\n  "
		    "\"verdict\": ",
		    s->thread, s->attempts - 1);
	json_quote(&extra, verdict, strlen(verdict));
	strbuf_addstr(&extra, ",\n  \"slate\": ");
	json_quote(&extra, slate_backend(&L->slate),
		   strlen(slate_backend(&L->slate)));
	if (s->run.dataset) {
		strbuf_addstr(&extra, ",\n  \"dataset\": ");
		json_quote(&extra, s->run.dataset, strlen(s->run.dataset));
	}
	/* The cwd the run really had (the parent never chdirs for a
	 * slate made in the child). */
	s->cp.dir = s->run.start_dir;
	/* On failure it says why itself. */
	run_result_write_json(path, &s->cp, s->seed, extra.buf);
	free(path);
	strbuf_release(&extra);
}

/* Keep the run's slate and evidence dir (before writing result.json:
 * the dir may only get its final name here). */
static void keep_slot(struct loop *L, struct loop_slot *s, const char *why)
{
	if (slate_run_keep(&L->slate, &s->run, why) < 0)
		L->fatal = L->stopping = true;
}

/* Clean up a slot after its run: keep or discard, then reset. */
static void release_slot(struct loop *L, struct loop_slot *s, bool keep,
			 const char *why)
{
	if (keep) {
		if (slate_run_keep(&L->slate, &s->run, why) < 0)
			L->fatal = L->stopping = true;
	} else if (slate_run_discard(&L->slate, &s->run) < 0) {
		L->fatal = L->stopping = true;
	}
	/* The open outputs serve the next run only if the dir is reused. */
	if (keep || !s->run.reused_dir || s->out_fd < 0 ||
	    reset_output(s->out_fd) < 0 || reset_output(s->err_fd) < 0)
		close_slot_files(s);
	slate_run_clear(&s->run);
	child_process_clear(&s->cp);
	FREE_AND_NULL(s->out_path);
	FREE_AND_NULL(s->err_path);
	s->busy = false;
	s->halted = false;
}

/* A run ended: judge it, log it, keep or drop its slate. */
static void finish_run(struct loop *L, struct loop_slot *s)
{
	struct loop_config *c = L->c;
	const struct run_result *r = &s->cp.result;
	struct strbuf desc = STRBUF_INIT, sig = STRBUF_INIT;
	const char *verdict;
	bool failed, keep;

	if (s->halted || r->interrupted) {
		/* Killed by us: not a result either way. */
		L->interrupted++;
		s->was_interrupted = true;
		if (c->keep_success) {
			keep_slot(L, s, "interrupted");
			write_result_json(L, s, "interrupted");
		}
		release_slot(L, s, c->keep_success, "interrupted");
		strbuf_release(&desc);
		return;
	}
	run_result_describe(&desc, r);
	failed = !run_result_passed(r) && !run_result_skipped(r);
	if (failed && c->has_failure_re && !output_matches(&c->failure_re, s))
		failed = false; /* --failure: only matching output fails */
	else if (failed && c->has_ignore_re && output_matches(&c->ignore_re, s))
		failed = false, L->ignored++;
	L->finished++;
	stats_hist_add(&L->hist, r->duration_ns);
	if (failed) {
		L->failed++;
		verdict = "failed";
		stats_failure_signature(&sig,
					r->timed_out ? "timed out" : desc.buf,
					s->err_path, s->out_path);
		stats_groups_add(&L->groups, sig.buf, s->run.dir);
		if (!L->have_failure) {
			L->have_failure = true;
			L->first_failure_dir = xstrdup(s->run.dir);
			L->first_failure_thread = s->thread;
			L->first_failure_run = s->attempts - 1;
		}
		/* How gocrash ends this thread's line. */
		if (r->exited)
			snprintf(s->gocrash_result, sizeof(s->gocrash_result),
				 "exited with code %d", r->exit_code);
		else if (r->signal)
			snprintf(s->gocrash_result, sizeof(s->gocrash_result),
				 "terminated by signal %d", r->signal);
		else
			snprintf(s->gocrash_result, sizeof(s->gocrash_result),
				 "%s", desc.buf);
	} else if (run_result_skipped(r)) {
		L->skipped++;
		verdict = "skipped";
	} else {
		L->passed++;
		verdict = "passed";
	}
	keep = failed || c->keep_success;
	if (failed) {
		if (r->timed_out)
			log_line(L, s, "FAILED: %s (see %s)", desc.buf,
				 s->run.dir);
		else
			log_line(L, s, "FAILED: %s after %s (see %s)", desc.buf,
				 duration_str(r->duration_ns), s->run.dir);
	} else if (!c->gocrash) {
		if (keep)
			log_line(L, s, "%s after %s (see %s)", verdict,
				 duration_str(r->duration_ns), s->run.dir);
		else
			log_line(L, s, "%s after %s", verdict,
				 duration_str(r->duration_ns));
	}
	if (keep) {
		keep_slot(L, s, verdict);
		write_result_json(L, s, verdict);
	}
	if (c->json)
		json_run_line(L, s, verdict, desc.buf, failed ? sig.buf : NULL,
			      keep);
	release_slot(L, s, keep, verdict);
	if (failed && c->max_failures && L->failed >= c->max_failures)
		L->stopping = true;
	strbuf_release(&desc);
	strbuf_release(&sig);
}

static bool slot_has_budget(const struct loop *L, const struct loop_slot *s)
{
	const struct loop_config *c = L->c;

	if (c->stop_after && s->attempts >= c->stop_after)
		return false;
	if (c->count && L->started >= c->count)
		return false;
	return true;
}

static void summary_json(struct strbuf *out, struct loop *L, int status,
			 bool pretty)
{
	struct loop_config *c = L->c;
	struct strbuf repro = STRBUF_INIT;
	struct json_writer w;
	double lo, hi;

	stats_wilson(L->failed, L->finished, &lo, &hi);
	json_init(&w, out, pretty);
	json_object_begin(&w);
	json_key(&w, "command");
	json_array_begin(&w);
	for (const char **a = c->argv; *a; a++)
		json_string(&w, *a);
	json_array_end(&w);
	json_key(&w, "seed");
	json_uint(&w, c->seed);
	json_key(&w, "slate");
	json_string(&w, c->slate_spec ? c->slate_spec : "none");
	json_key(&w, "backend");
	json_string(&w, slate_backend(&L->slate));
	json_key(&w, "working_area");
	json_string(&w, L->slate.work);
	if (L->slate.work_dataset) {
		json_key(&w, "working_dataset");
		json_string(&w, L->slate.work_dataset);
	}
	json_key(&w, "concurrency");
	json_int(&w, c->concurrency);
	json_key(&w, "runs");
	json_uint(&w, L->finished);
	json_key(&w, "passed");
	json_uint(&w, L->passed);
	json_key(&w, "failed");
	json_uint(&w, L->failed);
	json_key(&w, "skipped");
	json_uint(&w, L->skipped);
	json_key(&w, "ignored");
	json_uint(&w, L->ignored);
	json_key(&w, "interrupted");
	json_uint(&w, L->interrupted);
	json_key(&w, "failure_rate");
	json_double(&w, L->finished ? (double)L->failed / (double)L->finished
				    : 0.0);
	json_key(&w, "failure_rate_95ci");
	json_array_begin(&w);
	json_double(&w, lo);
	json_double(&w, hi);
	json_array_end(&w);
	json_key(&w, "elapsed_ns");
	json_int(&w, clock_now_ns() - L->start_ns);
	json_key(&w, "run_time_ns");
	json_object_begin(&w);
	json_key(&w, "min");
	json_int(&w, stats_hist_quantile(&L->hist, 0.0));
	json_key(&w, "median");
	json_int(&w, stats_hist_quantile(&L->hist, 0.5));
	json_key(&w, "p95");
	json_int(&w, stats_hist_quantile(&L->hist, 0.95));
	json_key(&w, "max");
	json_int(&w, stats_hist_quantile(&L->hist, 1.0));
	json_object_end(&w);
	json_key(&w, "failure_groups");
	json_array_begin(&w);
	for (size_t i = 0; i < L->groups.nr; i++) {
		json_object_begin(&w);
		json_key(&w, "signature");
		json_string(&w, L->groups.v[i].signature);
		json_key(&w, "count");
		json_uint(&w, L->groups.v[i].count);
		json_key(&w, "first_dir");
		json_string(&w, L->groups.v[i].first_dir);
		json_object_end(&w);
	}
	json_array_end(&w);
	if (L->have_failure) {
		reproduce_command(&repro, L, L->first_failure_thread,
				  L->first_failure_run);
		json_key(&w, "reproduce");
		json_string(&w, repro.buf);
	}
	json_key(&w, "exit_status");
	json_int(&w, status);
	json_object_end(&w);
	strbuf_addch(out, '\n');
	strbuf_release(&repro);
}

static void write_summary_json(struct loop *L, int status)
{
	struct strbuf out = STRBUF_INIT;
	char *path;

	if (L->slate.work) {
		summary_json(&out, L, status, true);
		path = path_join(L->slate.work, "summary.json");
		strbuf_write_file(&out, path); /* says why on failure */
		free(path);
	}
	if (L->c->json) {
		/* The last line of --json output: the summary. */
		strbuf_reset(&out);
		strbuf_addstr(&out, "{\"summary\":");
		summary_json(&out, L, status, false);
		strbuf_setlen(&out, out.len - 1);
		strbuf_addstr(&out, "}\n");
		fwrite(out.buf, 1, out.len, stdout);
		fflush(stdout);
	}
	strbuf_release(&out);
}

static void print_summary(struct loop *L)
{
	struct loop_config *c = L->c;
	FILE *fp = c->json ? stderr : stdout;
	struct strbuf sb = STRBUF_INIT;
	double lo, hi, rate;

	stats_wilson(L->failed, L->finished, &lo, &hi);
	rate = L->finished ? 100.0 * (double)L->failed / (double)L->finished
			   : 0.0;
	strbuf_addf(&sb, "\n%llu run%s in ", L->finished,
		    L->finished == 1 ? "" : "s");
	duration_format(&sb, clock_now_ns() - L->start_ns);
	strbuf_addf(&sb,
		    ", %llu failed: failure rate %.2f%% "
		    "(95%% confidence %.2f%%..%.2f%%), seed %llu\n",
		    L->failed, rate, 100.0 * lo, 100.0 * hi,
		    (unsigned long long)c->seed);
	if (L->hist.count) {
		strbuf_addstr(&sb, "run time: min ");
		duration_format(&sb, stats_hist_quantile(&L->hist, 0.0));
		strbuf_addstr(&sb, ", median ");
		duration_format(&sb, stats_hist_quantile(&L->hist, 0.5));
		strbuf_addstr(&sb, ", p95 ");
		duration_format(&sb, stats_hist_quantile(&L->hist, 0.95));
		strbuf_addstr(&sb, ", max ");
		duration_format(&sb, stats_hist_quantile(&L->hist, 1.0));
		strbuf_addch(&sb, '\n');
	}
	if (L->ignored)
		strbuf_addf(&sb, "ignored: %llu failure%s matching --ignore\n",
			    L->ignored, L->ignored == 1 ? "" : "s");
	if (L->interrupted)
		strbuf_addf(&sb,
			    "interrupted: %llu run%s killed before "
			    "they ended\n",
			    L->interrupted, L->interrupted == 1 ? "" : "s");
	if (L->groups.nr) {
		strbuf_addstr(&sb, "failures by signature:\n");
		for (size_t i = 0; i < L->groups.nr; i++)
			strbuf_addf(&sb, "  %llu x %s\n      first: %s\n",
				    (unsigned long long)L->groups.v[i].count,
				    L->groups.v[i].signature,
				    L->groups.v[i].first_dir);
		if (L->groups.overflow)
			strbuf_addf(&sb, "  %llu more in other groups\n",
				    (unsigned long long)L->groups.overflow);
	}
	if (L->have_failure) {
		strbuf_addstr(&sb, "reproduce: ");
		reproduce_command(&sb, L, L->first_failure_thread,
				  L->first_failure_run);
		strbuf_addch(&sb, '\n');
	}
	if (L->slate.work)
		strbuf_addf(&sb, "evidence: %s\n", L->slate.work);
	strbuf_addf(&sb, "ordeal: %llu passed, %llu failed, %llu skipped\n",
		    L->passed, L->failed, L->skipped);
	fwrite(sb.buf, 1, sb.len, fp);
	fflush(fp);
	strbuf_release(&sb);
}

static void print_gocrash_results(struct loop *L)
{
	for (int i = 0; i < L->c->concurrency; i++) {
		struct loop_slot *s = &L->slots[i];
		/* gocrash counts the runs that passed before the end. */
		bool bad = s->gocrash_result[0] != '\0';
		unsigned long long tries =
			s->attempts - (bad || s->was_interrupted ? 1 : 0);

		printf("thread %d: %llu tries, result = ", s->thread, tries);
		if (s->was_interrupted)
			printf("interrupted\n");
		else if (bad)
			printf("command failed: \"bash\" \"./all.bash\": %s\n",
			       s->gocrash_result);
		else
			printf("ok\n");
	}
	fflush(stdout);
}

/* Check the --cwd directory where the runs will start. */
static int check_start_dir(struct loop *L)
{
	struct loop_config *c = L->c;
	const char *src = L->slate.source;
	char *dir;
	struct stat st;
	int ret = 0;

	if (!c->cwd)
		return 0;
	if (c->cwd[0] == '/' || !strcmp(c->cwd, "..") ||
	    !strncmp(c->cwd, "../", 3) || strstr(c->cwd, "/../"))
		return error("--cwd '%s' must be a relative path inside the "
			     "slate",
			     c->cwd);
	if (L->slate.ops && strcmp(slate_backend(&L->slate), "none") &&
	    strcmp(slate_backend(&L->slate), "zfs") && src) {
		dir = path_join(src, c->cwd);
	} else if (!strcmp(slate_backend(&L->slate), "none")) {
		dir = path_absolute(c->cwd);
		L->start_dir_abs = xstrdup(dir);
	} else {
		return 0; /* zfs: checked on the first clone */
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		ret = error("--cwd: '%s' is not a directory in the slate "
			    "('%s')",
			    c->cwd, dir);
	free(dir);
	return ret;
}

static int loop_main(struct loop_config *c)
{
	struct loop L;
	int status;

	memset(&L, 0, sizeof(L));
	L.c = c;
	stats_hist_init(&L.hist);
	run_command_init();

	if (slate_parse(&L.slate, c->slate_spec ? c->slate_spec : "none") < 0)
		return EXIT_USAGE;
	if (c->gocrash && L.slate.source && !strchr(L.slate.source, '@')) {
		error("bad syntax for snapshot name (missing '@'): '%s' "
		      "(expected POOL/DATASET@SNAPSHOT)",
		      L.slate.source);
		slate_close(&L.slate);
		return EXIT_USAGE;
	}
	if (c->workdir && L.slate.ops && !strcmp(L.slate.ops->name, "zfs")) {
		error("--workdir cannot be used with a zfs slate: its working "
		      "area is a dataset next to the snapshot's");
		slate_close(&L.slate);
		return EXIT_USAGE;
	}
	if (slate_open(&L.slate, c->workdir, c->prefix) < 0) {
		slate_close(&L.slate);
		return EXIT_USAGE;
	}
	if (!c->gocrash && check_start_dir(&L) < 0) {
		slate_abandon(&L.slate);
		slate_close(&L.slate);
		return EXIT_USAGE;
	}
	if (c->gocrash) {
		printf("using snapshot:  %s\n", L.slate.source);
		printf("working dataset: %s\n", L.slate.work_dataset);
		printf("concurrency:     %d\n", c->concurrency);
		printf("save results:    %s\n",
		       c->keep_success ? "for all runs"
				       : "for failed runs only");
		if (c->stop_after)
			printf("stop:            after all threads do %llu "
			       "run%s\n",
			       c->stop_after, c->stop_after == 1 ? "" : "s");
		else
			printf("stop:            after any run fails\n");
		printf("\ncreated zfs dataset \"%s\"\n", L.slate.work_dataset);
		fflush(stdout);
	} else if (!c->quiet) {
		fprintf(stderr,
			"ordeal loop: seed %llu, slate %s, "
			"concurrency %d, evidence in %s\n",
			(unsigned long long)c->seed, slate_backend(&L.slate),
			c->concurrency, L.slate.work);
	}

	L.devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	L.slots = xcalloc((size_t)c->concurrency, sizeof(*L.slots));
	for (int i = 0; i < c->concurrency; i++) {
		L.slots[i].out_fd = L.slots[i].err_fd = -1;
		L.slots[i].thread =
			c->replay_thread >= 0 ? c->replay_thread : i;
		if (c->replay_thread >= 0)
			L.slots[i].attempts = (unsigned long long)c->replay_run;
	}
	L.start_ns = clock_now_ns();
	L.next_status_ns = L.start_ns + STATUS_EVERY_NS;

	for (;;) {
		int64_t now = clock_now_ns(), wait_ns;
		struct child_process *cp;
		bool any_busy = false;

		if (run_command_interrupted())
			break;
		if (c->duration_ns && now - L.start_ns >= c->duration_ns)
			L.stopping = true;
		if (L.stopping && c->halt_now && run_command_running()) {
			for (int i = 0; i < c->concurrency; i++)
				if (L.slots[i].busy)
					L.slots[i].halted = true;
			run_command_kill_all();
		}
		for (int i = 0; !L.stopping && i < c->concurrency; i++) {
			struct loop_slot *s = &L.slots[i];

			if (s->busy || s->done)
				continue;
			if (c->replay_thread >= 0 && L.started) {
				s->done = true;
				continue;
			}
			if (!slot_has_budget(&L, s)) {
				s->done = true;
				continue;
			}
			if (start_run(&L, s) < 0) {
				L.stopping = L.fatal = true;
				break;
			}
			if (run_command_interrupted())
				break;
		}
		for (int i = 0; i < c->concurrency; i++)
			any_busy |= L.slots[i].busy;
		if (!any_busy)
			break;
		now = clock_now_ns();
		if (now >= L.next_status_ns) {
			status_line(&L, now);
			while (L.next_status_ns <= now)
				L.next_status_ns += STATUS_EVERY_NS;
		}
		wait_ns = L.next_status_ns - now;
		if (c->duration_ns && !L.stopping &&
		    L.start_ns + c->duration_ns - now < wait_ns)
			wait_ns = L.start_ns + c->duration_ns - now;
		if (wait_ns < 0)
			wait_ns = 0;
		cp = run_command_wait_any(wait_ns);
		while (cp) {
			finish_run(&L, cp->data);
			/* Collect whatever else ended, without waiting. */
			cp = run_command_interrupted()
				     ? NULL
				     : run_command_wait_any(0);
		}
	}

	if (run_command_interrupted()) {
		struct child_process *cp;

		for (int i = 0; i < c->concurrency; i++)
			if (L.slots[i].busy)
				L.slots[i].halted = true;
		run_command_kill_all();
		while ((cp = run_command_wait_any(0)))
			finish_run(&L, cp->data);
		/* Slots whose slate was made but whose run never started. */
		for (int i = 0; i < c->concurrency; i++)
			if (L.slots[i].busy)
				release_slot(&L, &L.slots[i], c->keep_success,
					     "interrupted");
		if (!c->quiet)
			fprintf(stderr,
				"ordeal: interrupted by signal %s: "
				"stopped\n",
				signal_name(run_command_interrupted())
					? signal_name(run_command_interrupted())
					: "?");
	}
	/* Anything a run left behind that escaped its group. */
	run_command_kill_all();

	if (run_command_interrupted())
		status = EXIT_INTERRUPTED;
	else if (L.failed)
		status = EXIT_FOUND;
	else if (L.fatal)
		status = EXIT_USAGE;
	else
		status = EXIT_OK;
	write_summary_json(&L, status);
	if (c->gocrash)
		print_gocrash_results(&L);
	print_summary(&L);

	for (int i = 0; i < c->concurrency; i++) {
		slate_run_clear(&L.slots[i].run);
		child_process_clear(&L.slots[i].cp);
		close_slot_files(&L.slots[i]);
	}
	if (L.devnull >= 0)
		close(L.devnull);
	free(L.slots);
	free(L.first_failure_dir);
	free(L.start_dir_abs);
	stats_groups_clear(&L.groups);
	slate_close(&L.slate);
	return status;
}

static void loop_config_init(struct loop_config *c)
{
	memset(c, 0, sizeof(*c));
	c->concurrency = 2;
	c->max_failures = 1;
	c->timeout_ns = 10 * 60 * NS_PER_SEC;
	c->prefix = "ordeal";
	c->stdout_name = "stdout";
	c->stderr_name = "stderr";
	strvec_init(&c->env);
	c->replay_thread = -1;
	c->log = stderr;
	c->stop_after = NOT_GIVEN;
	c->count = NOT_GIVEN;
}

static void loop_config_release(struct loop_config *c)
{
	strvec_clear(&c->env);
	regex_release(&c->failure_re);
	regex_release(&c->ignore_re);
}

static const char *const loop_usage[] = {
	"ordeal loop [options] -- command [args...]",
	NULL,
};

int cmd_loop(int argc, const char **argv)
{
	struct loop_config c;
	const char *halt = "soon", *seed_str = NULL, *replay = NULL;
	unsigned long long max_failures = 1;
	int64_t timeout = 10 * 60 * NS_PER_SEC;
	int ret;
	struct option opts[] = {
		OPT_INT('c', "concurrency", &c.concurrency, "n",
			"runs side by side (default 2)"),
		OPT_UINT(0, "stop-after", &c.stop_after, "n",
			 "each loop stops after n runs"),
		OPT_UINT(0, "count", &c.count, "n", "n runs in total"),
		OPT_DURATION(0, "duration", &c.duration_ns,
			     "stop starting runs after this long"),
		OPT_UINT(0, "max-failures", &max_failures, "n",
			 "stop after n failures (default 1; 0: never)"),
		OPT_BOOL(0, "keep-success", &c.keep_success,
			 "keep the slates and output of passing runs too"),
		OPT_STRING(0, "halt", &halt, "soon|now",
			   "on stop, let runs finish (soon) or kill them"),
		OPT_DURATION(0, "timeout", &timeout,
			     "kill a run's tree after this long (default "
			     "10m; 0: none)"),
		OPT_STRING(0, "failure", &c.failure_src, "re",
			   "a run fails only if its output matches"),
		OPT_STRING(0, "ignore", &c.ignore_src, "re",
			   "a failure whose output matches counts as a pass"),
		OPT_STRING(0, "slate", &c.slate_spec, "spec",
			   "none, copy:DIR, reflink:DIR, overlay:DIR, "
			   "btrfs:SUBVOL, zfs:POOL/DS@SNAP, auto:DIR"),
		OPT_STRING(0, "cwd", &c.cwd, "subdir",
			   "start each run in this directory of the slate"),
		OPT_STRING(0, "workdir", &c.workdir, "dir",
			   "where the working area ordeal-<ms> goes"),
		OPT_STRING_LIST(0, "env", &c.env, "k=v",
				"set a variable for the command"),
		OPT_STRING(0, "seed", &seed_str, "n", "replay this seed"),
		OPT_STRING(0, "replay", &replay, "t:r",
			   "run only thread t's attempt r (with --seed)"),
		OPT_BOOL('q', "quiet", &c.quiet, "no per-run or status lines"),
		OPT_BOOL(0, "json", &c.json,
			 "one JSON object per finished run on stdout"),
		OPT_END(),
	};

	loop_config_init(&c);
	argc = parse_options(argc, argv, opts, loop_usage, 0);
	c.max_failures = max_failures;
	c.timeout_ns = timeout;
	ret = EXIT_USAGE;
	if (argc < 1) {
		error("no command given: ordeal loop [options] -- command "
		      "[args...]");
		goto out;
	}
	if (c.concurrency < 1 || c.concurrency > MAX_CONCURRENCY) {
		error("-c/--concurrency must be between 1 and %d, not %d",
		      MAX_CONCURRENCY, c.concurrency);
		goto out;
	}
	if (!c.stop_after || !c.count) {
		error("--%s must be at least 1",
		      !c.count ? "count" : "stop-after");
		goto out;
	}
	if (c.stop_after == NOT_GIVEN)
		c.stop_after = 0;
	if (c.count == NOT_GIVEN)
		c.count = 0;
	if (strcmp(halt, "soon") && strcmp(halt, "now")) {
		error("--halt must be 'soon' or 'now', not '%s'", halt);
		goto out;
	}
	c.halt_now = !strcmp(halt, "now");
	for (size_t i = 0; i < c.env.nr; i++) {
		if (!strchr(c.env.v[i], '=') || c.env.v[i][0] == '=') {
			error("--env expects KEY=VALUE, not '%s'", c.env.v[i]);
			goto out;
		}
	}
	if (c.failure_src) {
		if (compile_re(&c.failure_re, c.failure_src, "--failure") < 0)
			goto out;
		c.has_failure_re = true;
	}
	if (c.ignore_src) {
		if (compile_re(&c.ignore_re, c.ignore_src, "--ignore") < 0)
			goto out;
		c.has_ignore_re = true;
	}
	if (seed_str) {
		if (rng_seed_parse(seed_str, &c.seed) < 0) {
			error("--seed expects a number, not '%s'", seed_str);
			goto out;
		}
	} else {
		c.seed = rng_seed_from_os();
	}
	if (replay) {
		char *end;
		long t = strtol(replay, &end, 10);
		long long r = -1;

		if (end != replay && *end == ':' && end[1])
			r = strtoll(end + 1, &end, 10);
		if (t < 0 || t >= MAX_CONCURRENCY || r < 0 || *end ||
		    r > INT32_MAX) {
			error("--replay expects THREAD:RUN (e.g. 0:17), not "
			      "'%s'",
			      replay);
			goto out;
		}
		if (!seed_str) {
			error("--replay needs the --seed of the loop it "
			      "replays");
			goto out;
		}
		c.replay_thread = (int)t;
		c.replay_run = r;
		c.concurrency = 1;
		c.count = 1;
	}
	c.argv = argv;
	ret = loop_main(&c);
out:
	loop_config_release(&c);
	return ret;
}

static const char *const gocrash_usage[] = {
	"ordeal gocrash [--concurrency N] [--stop-after N] [--keep-success] "
	"<SNAPSHOT>",
	NULL,
};

int cmd_gocrash(int argc, const char **argv)
{
	struct loop_config c;
	unsigned long long concurrency = 2;
	static const char *all_bash[] = {"bash", "./all.bash", NULL};
	char *spec;
	int ret;
	struct option opts[] = {
		OPT_UINT(0, "concurrency", &concurrency, "concurrency",
			 "how many concurrent threads to run the test suite "
			 "[default: 2]"),
		OPT_UINT(0, "stop-after", &c.stop_after, "stop_after",
			 "stop after each thread does this many runs (leave "
			 "unspecified to run until failure)"),
		OPT_BOOL(0, "keep-success", &c.keep_success,
			 "save output from successful test runs"),
		OPT_END(),
	};

	loop_config_init(&c);
	argc = parse_options(argc, argv, opts, gocrash_usage, 0);
	if (argc != 1) {
		error(argc ? "gocrash takes one snapshot, not %d arguments"
			   : "missing <SNAPSHOT>: a ZFS snapshot for a dataset "
			     "containing \"goroot\" (POOL/DS@SNAP)",
		      argc);
		loop_config_release(&c);
		return EXIT_USAGE;
	}
	if (concurrency < 1 || concurrency > 255) {
		error("--concurrency must be between 1 and 255, not %llu",
		      concurrency);
		loop_config_release(&c);
		return EXIT_USAGE;
	}
	if (!c.stop_after) {
		error("--stop-after must be at least 1");
		loop_config_release(&c);
		return EXIT_USAGE;
	}
	if (c.stop_after == NOT_GIVEN)
		c.stop_after = 0;
	if (!strchr(argv[0], '@')) {
		error("bad syntax for snapshot name (missing '@'): '%s' "
		      "(expected POOL/DATASET@SNAPSHOT)",
		      argv[0]);
		loop_config_release(&c);
		return EXIT_USAGE;
	}
	c.concurrency = (int)concurrency;
	c.gocrash = true;
	c.prefix = "gocrash";
	c.stdout_name = "test_run_stdout";
	c.stderr_name = "test_run_stderr";
	c.cwd = "goroot/src";
	c.timeout_ns = 0; /* all.bash takes as long as it takes */
	c.log = stdout;
	c.argv = all_bash;
	c.seed = rng_seed_from_os();
	spec = xstrfmt("zfs:%s", argv[0]);
	c.slate_spec = spec;
	ret = loop_main(&c);
	free(spec);
	loop_config_release(&c);
	return ret;
}
