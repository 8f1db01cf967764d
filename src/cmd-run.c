/*
 * cmd-run.c - `ordeal run`: run a suite once, in parallel, with reports.
 *
 * The flow follows kola's harness: discover and filter the tests (suite.h),
 * create the output directory with test.tap and reports/, run up to -j
 * tests at once through run-command (each in its own process group, output
 * streamed to tests/NAME/stdout and stderr, evidence in result.json), hand
 * every start and finish to the reporters (report.h), and end with every
 * report complete, also when interrupted or stopped by --failfast.
 *
 * Speed: a run of 10,000 tiny tests should cost little more than spawning
 * 10,000 processes.  So each test's directory and output files are
 * prepared a few tests ahead and result.json is queued after it, through
 * file-worker.h, which hands that work to threads when creates are slow (a
 * create can take a millisecond on a busy disk) and keeps it in this loop
 * when they are fast; and what is kept per test is one fixed record plus
 * its directory name in an arena: paths are built when needed.
 *
 * Script tests (*.txt, *.txtar) run as a child `ordeal script --quiet FILE`
 * of this same binary: the same engine as `ordeal script`, isolated in its
 * own process so a script's timeout, crash or leftover processes are
 * handled exactly like any other test's.
 */
#include "common.h"
#include "cmd.h"
#include "clock.h"
#include "file-worker.h"
#include "json.h"
#include "os.h"
#include "parse-options.h"
#include "path.h"
#include "report.h"
#include "rng.h"
#include "run-command.h"
#include "strbuf.h"
#include "strvec.h"
#include "suite.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_NS (10 * 60 * NS_PER_SEC)
#define STATUS_INTERVAL_NS (250 * NS_PER_MS)
#define OUT_BASE	   "ordeal-out"
/* File threads; more overlap creates on a slow disk, 2 is plenty. */
#define FILE_THREADS 2
/*
 * File work faster than this per job stays in the main loop: on tmpfs a
 * hand-over to a thread costs more than the create.
 */
#define FILE_INLINE_NS (100 * NS_PER_US)
/* Tests prepared ahead of the next to start: 2 fds each. */
#define PREP_AHEAD_MAX 128
#define ARENA_BLOCK    (64 * 1024)
/* Seeds we pick fit in 53 bits, so every JSON reader keeps them exact. */
#define SEED_MASK ((1ULL << 53) - 1)

static const char *const run_usage[] = {
	"ordeal run [options] PATH...",
	"ordeal run [options] --list FILE|- --exec TEMPLATE",
	"ordeal run [options] --rerun-failed [PATH...]",
	NULL,
};

struct run_opts {
	int jobs;
	struct strvec run_globs, skip_globs;
	int64_t timeout_ns;
	int count;
	bool shuffle;
	const char *shuffle_seed;
	int failfast;
	int retries;
	int rerun_failed;
	const char *output_dir;
	int tap;
	int tap_version;
	int json;
	const char *junit;
	const char *list;
	const char *exec;
	int tail_lines;
	const char *color;
};

enum test_state { T_PENDING, T_RUNNING, T_DONE };

/*
 * The runner's private side of one planned test (parallel to reps[]):
 * kept small, it exists once per test.  The seed is derived from the
 * run's seed and the plan index when needed; reps[i].reason is owned by
 * the runner.
 */
struct run_test {
	struct test_entry *entry;
	enum test_state state;
	bool prepared; /* preps[i % prep_window] holds its files */
	int failures;
};

/* Strings that live as long as the run, packed in blocks. */
struct str_arena {
	char **blocks;
	size_t nr, alloc;
	size_t used, size; /* of the last block */
};

struct runner {
	struct run_opts *opts;
	struct suite suite;
	struct report_test *reps; /* plan order: what reporters get */
	struct run_test *tests;
	size_t nr;
	struct child_process *slots;
	/*
	 * Whether a slot holds a test.  Not slots[s].running: run-command
	 * clears that when it reaps the child, before wait_any hands the
	 * child back, and the slot must not be reused until then.
	 */
	bool *busy;
	struct report_set reporters;
	struct report_run run;
	char *self;
	char *out_dir;
	char *abs_out_dir;
	char *prog_name, *prog_path; /* resolve_program()'s cache */
	int64_t start_ns;
	bool stop;
	size_t finished, passed, failed;
	/* Names of per-test directories already taken (during plan()). */
	const char **dirs;
	size_t dirs_cap;
	struct str_arena names; /* reps[].dir */
	struct file_worker *fw;
	/* Tests [next, next + prep_window) are prepared ahead. */
	struct file_prep *preps;
	struct strbuf *prep_dirs; /* preps[k].dir */
	size_t prep_window, prep_next;
	struct strbuf scratch; /* dir_path(): the main thread's */
};

static const char *arena_add(struct str_arena *a, const char *s, size_t len)
{
	char *p;

	if (!a->nr || a->size - a->used < len + 1) {
		size_t size = len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK;

		ALLOC_GROW(a->blocks, a->nr + 1, a->alloc);
		a->blocks[a->nr++] = xmalloc(size);
		a->used = 0;
		a->size = size;
	}
	p = a->blocks[a->nr - 1] + a->used;
	memcpy(p, s, len);
	p[len] = '\0';
	a->used += len + 1;
	return p;
}

static void arena_clear(struct str_arena *a)
{
	for (size_t i = 0; i < a->nr; i++)
		free(a->blocks[i]);
	free(a->blocks);
	memset(a, 0, sizeof(*a));
}

/* out_dir/tests/NAME[/file]: valid until the next call. */
static const char *dir_path(struct runner *r, size_t i, const char *file)
{
	strbuf_reset(&r->scratch);
	strbuf_addf(&r->scratch, "%s/%s", r->out_dir, r->reps[i].dir);
	if (file)
		strbuf_addf(&r->scratch, "/%s", file);
	return r->scratch.buf;
}

static uint64_t test_seed(struct runner *r, size_t i)
{
	return rng_derive(r->run.seed, i);
}

static int parse_shuffle(const struct option *opt, const char *arg, int unset)
{
	struct run_opts *o = opt->value;
	uint64_t seed;

	o->shuffle = !unset;
	o->shuffle_seed = NULL;
	if (unset || !arg)
		return 0;
	if (rng_seed_parse(arg, &seed) < 0)
		return error(
			"--shuffle: '%s' is not a seed (decimal or 0x hex)",
			arg);
	o->shuffle_seed = arg;
	return 0;
}

/* The path of this binary, to run script tests with `ordeal script`. */
static char *self_path(void)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n > 0) {
		buf[n] = '\0';
		return xstrdup(buf);
	}
	return locate_in_path("ordeal", getenv("PATH"));
}

/*
 * The slot of `name` in the table of per-test directory names: where it
 * is, or the empty slot where it goes.  The table borrows the names (the
 * tail of each reps[].dir after "tests/").
 */
static const char **dir_slot(struct runner *r, const char *name)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (i = h & (r->dirs_cap - 1); r->dirs[i];
	     i = (i + 1) & (r->dirs_cap - 1))
		if (!strcmp(r->dirs[i], name))
			break;
	return &r->dirs[i];
}

/*
 * tests/<safe name>[.instance][-N]: safe in a shell, unique in the run.
 * In the runner's arena.
 */
static const char *test_dir_name(struct runner *r, const char *name,
				 unsigned instance)
{
	struct strbuf *sb = &r->scratch;
	const char **slot;
	const char *dir;
	size_t base;

	strbuf_reset(sb);
	strbuf_addstr(sb, "tests/");
	report_safe_name(sb, name);
	if (r->opts->count > 1)
		strbuf_addf(sb, ".%u", instance);
	base = sb->len;
	for (int n = 2; *(slot = dir_slot(r, sb->buf + 6)); n++) {
		strbuf_setlen(sb, base);
		strbuf_addf(sb, "-%d", n);
	}
	dir = arena_add(&r->names, sb->buf, sb->len);
	*slot = dir + 6;
	return dir;
}

/* Free entry i of a suite (suite_clear() is the one way to free one). */
static void drop_entry(struct suite *s, size_t i)
{
	struct suite one = SUITE_INIT;

	ALLOC_GROW(one.tests, 1, one.alloc);
	one.tests[0] = s->tests[i];
	one.nr = 1;
	suite_clear(&one);
}

/* Keep only the tests named in `names` (exact names, not globs). */
static void keep_named(struct suite *s, const struct strvec *names)
{
	size_t out = 0;

	for (size_t i = 0; i < s->nr; i++) {
		bool keep = false;

		for (size_t k = 0; k < names->nr && !keep; k++)
			keep = !strcmp(s->tests[i].name, names->v[k]);
		if (keep)
			s->tests[out++] = s->tests[i];
		else
			drop_entry(s, i);
	}
	s->nr = out;
}

/*
 * Every run directory holds this (empty) file, so later runs can tell an
 * output directory from a test directory wherever --output-dir put it.
 */
#define RUN_DIR_MARKER ".ordeal-run"

/* Whether a directory above `path` (as given) is a run directory. */
static bool in_run_dir(const char *path)
{
	struct strbuf dir = STRBUF_INIT;
	bool found = false;
	char *slash;

	strbuf_addstr(&dir, path);
	while (!found && (slash = strrchr(dir.buf, '/'))) {
		size_t len = slash - dir.buf;

		strbuf_setlen(&dir, len);
		strbuf_addstr(&dir, "/" RUN_DIR_MARKER);
		found = !access(dir.buf, F_OK);
		strbuf_setlen(&dir, len);
	}
	strbuf_release(&dir);
	return found;
}

/*
 * Leave out files in run directories (ordeal-out/, --output-dir): `ordeal
 * run .` must not pick up what earlier runs, or tests writing into their
 * ORDEAL_OUTPUT_DIR, left there.
 */
static void drop_outputs(struct suite *s)
{
	size_t out = 0;

	for (size_t i = 0; i < s->nr; i++) {
		if (s->tests[i].path && in_run_dir(s->tests[i].path))
			drop_entry(s, i);
		else
			s->tests[out++] = s->tests[i];
	}
	s->nr = out;
}

static int build_suite(struct runner *r, const char **paths, int nr_paths)
{
	struct run_opts *o = r->opts;
	struct strvec failed = STRVEC_INIT, failed_paths = STRVEC_INIT;
	int ret = 0;

	if (o->rerun_failed) {
		char *report =
			xstrfmt("%s/latest/reports/report.json", OUT_BASE);

		ret = report_read_failed(report, &failed, &failed_paths);
		free(report);
		if (ret < 0)
			goto out;
		if (!failed.nr) {
			ret = 1; /* nothing to do */
			goto out;
		}
	}
	for (int i = 0; i < nr_paths; i++)
		if (suite_add_path(&r->suite, paths[i]) < 0) {
			ret = -1;
			goto out;
		}
	if (o->list && suite_add_list(&r->suite, o->list, o->exec) < 0) {
		ret = -1;
		goto out;
	}
	if (o->rerun_failed && !nr_paths && !o->list) {
		/* No suite given: rebuild it from the report. */
		for (size_t i = 0; i < failed.nr; i++) {
			int rc;

			if (*failed_paths.v[i])
				rc = suite_add_path(&r->suite,
						    failed_paths.v[i]);
			else if (o->exec)
				rc = suite_add_id(&r->suite, failed.v[i],
						  o->exec);
			else
				rc = error("--rerun-failed: '%s' came from "
					   "--exec; give --exec again",
					   failed.v[i]);
			if (rc < 0) {
				ret = -1;
				goto out;
			}
		}
	}
	if (o->rerun_failed)
		keep_named(&r->suite, &failed);
	drop_outputs(&r->suite);
	suite_filter(&r->suite, &o->run_globs, &o->skip_globs);
out:
	strvec_clear(&failed);
	strvec_clear(&failed_paths);
	return ret;
}

static int make_out_dir(struct runner *r)
{
	struct run_opts *o = r->opts;
	char *p;

	if (o->output_dir) {
		r->out_dir = xstrdup(o->output_dir);
		if (mkdir_p(r->out_dir, 0777) < 0)
			return error_errno("cannot create '%s'", r->out_dir);
		/* Only what a previous run wrote here (kola cleans too). */
		p = path_join(r->out_dir, "tests");
		remove_recursive(p);
		free(p);
		p = path_join(r->out_dir, "reports");
		remove_recursive(p);
		free(p);
	} else {
		time_t now = time(NULL);
		struct tm tm;
		char stamp[32];

		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
		r->out_dir = xstrfmt("%s/run-%s-%ld", OUT_BASE, stamp,
				     (long)getpid());
		if (mkdir_p(r->out_dir, 0777) < 0)
			return error_errno("cannot create '%s'", r->out_dir);
	}
	p = path_join(r->out_dir, RUN_DIR_MARKER);
	if (close(open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0666)) < 0)
		warning_errno("cannot create '%s'", p);
	free(p);
	p = path_join(r->out_dir, "reports");
	if (mkdir_p(p, 0777) < 0) {
		error_errno("cannot create '%s'", p);
		free(p);
		return -1;
	}
	free(p);
	p = path_join(r->out_dir, "tests");
	if (mkdir_p(p, 0777) < 0) {
		error_errno("cannot create '%s'", p);
		free(p);
		return -1;
	}
	/* Thousands of test directories: let the filesystem spread them. */
	os_hint_spread_subdirs(p);
	free(p);
	return 0;
}

/* ordeal-out/latest -> run-...: replaced atomically by a rename. */
static void update_latest(struct runner *r)
{
	const char *base;
	char *tmp, *latest;

	if (r->opts->output_dir)
		return;
	base = path_basename(r->out_dir);
	tmp = xstrfmt("%s/.latest-%ld", OUT_BASE, (long)getpid());
	latest = xstrfmt("%s/latest", OUT_BASE);
	unlink(tmp);
	if (symlink(base, tmp) < 0 || rename(tmp, latest) < 0) {
		warning_errno("cannot update '%s'", latest);
		unlink(tmp);
	}
	free(tmp);
	free(latest);
}

/* Plan: every test x --count, shuffled with the seed when asked. */
static void plan(struct runner *r)
{
	struct run_opts *o = r->opts;
	struct rng rng;
	size_t n = r->suite.nr * (size_t)o->count, k = 0;
	size_t *order = xcalloc(n ? n : 1, sizeof(*order));

	for (unsigned c = 1; c <= (unsigned)o->count; c++)
		for (size_t i = 0; i < r->suite.nr; i++)
			order[k++] = i * (size_t)o->count + (c - 1);
	if (o->shuffle) {
		rng_init(&rng, r->run.seed);
		rng_shuffle(&rng, order, n, sizeof(*order));
	}
	r->nr = n;
	r->reps = xcalloc(n ? n : 1, sizeof(*r->reps));
	r->tests = xcalloc(n ? n : 1, sizeof(*r->tests));
	r->dirs_cap = 64;
	while (r->dirs_cap < 2 * n + 2)
		r->dirs_cap *= 2;
	r->dirs = xcalloc(r->dirs_cap, sizeof(*r->dirs));
	for (k = 0; k < n; k++) {
		struct test_entry *e = &r->suite.tests[order[k] / o->count];
		struct report_test *rep = &r->reps[k];
		struct run_test *t = &r->tests[k];

		t->entry = e;
		rep->name = e->name;
		rep->path = e->path;
		rep->out_dir = r->out_dir;
		rep->instance = (unsigned)(order[k] % o->count) + 1;
		rep->dir = test_dir_name(r, e->name, rep->instance);
	}
	/* Only plan() needs the table: give it back before the run. */
	free(r->dirs);
	r->dirs = NULL;
	r->dirs_cap = 0;
	free(order);
}

static void set_reason(struct runner *r, size_t i, char *reason)
{
	free((char *)r->reps[i].reason);
	r->reps[i].reason = reason;
}

static void finish_test(struct runner *r, size_t i)
{
	struct report_test *rep = &r->reps[i];

	r->tests[i].state = T_DONE;
	r->finished++;
	if (rep->result == REPORT_FAIL) {
		r->failed++;
		if (r->opts->failfast && !r->stop) {
			r->stop = true;
			r->run.failfast_stopped = true;
		}
	} else if (rep->result == REPORT_PASS || rep->result == REPORT_FLAKY) {
		r->passed++;
	}
	report_test_finished(&r->reporters, rep);
}

/* Move the previous attempt's files to tests/NAME/attempt-K/. */
static void keep_attempt(struct runner *r, size_t i, int attempt)
{
	char *test_dir = xstrdup(dir_path(r, i, NULL));
	char *dir = xstrfmt("%s/attempt-%d", test_dir, attempt);
	static const char *const files[] = {"stdout", "stderr", "result.json"};

	/* The previous attempt's result.json may still be queued. */
	file_worker_flush(r->fw);
	if (mkdir_p(dir, 0777) < 0) {
		warning_errno("cannot create '%s'", dir);
	} else {
		for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
			char *from = path_join(test_dir, files[f]);
			char *to = path_join(dir, files[f]);

			if (rename(from, to) < 0 && errno != ENOENT)
				warning_errno("cannot move '%s'", from);
			free(from);
			free(to);
		}
	}
	free(dir);
	free(test_dir);
}

/*
 * An --exec template runs the same program for every ID: find it on PATH
 * once, not once per test (10,000 tests, a dozen PATH entries each).
 * Not found: leave it to start_command(), which reports it per test.
 */
static void resolve_program(struct runner *r, struct child_process *cp)
{
	const char *name = cp->args.v[0];

	if (strchr(name, '/'))
		return;
	if (!r->prog_name || strcmp(r->prog_name, name)) {
		free(r->prog_name);
		free(r->prog_path);
		r->prog_name = xstrdup(name);
		r->prog_path = locate_in_path(name, getenv("PATH"));
	}
	if (r->prog_path) {
		/* The strvec owns its strings: swap the first. */
		free((char *)cp->args.v[0]);
		cp->args.v[0] = xstrdup(r->prog_path);
	} else {
		cp->use_path = true;
	}
}

/* Start test i (its next attempt) in slot `slot`; false if it ended. */
static bool start_test(struct runner *r, size_t i, int slot)
{
	struct run_test *t = &r->tests[i];
	struct report_test *rep = &r->reps[i];
	struct test_entry *e = t->entry;
	struct child_process *cp = &r->slots[slot];
	struct strbuf out_path = STRBUF_INIT, err_path = STRBUF_INIT;
	int out_fd = -1, err_fd = -1, rc;

	if (rep->attempts == 0 && e->skip_reason) {
		rep->result = REPORT_SKIP;
		set_reason(r, i, xstrdup(e->skip_reason));
		finish_test(r, i);
		return false;
	}
	if (rep->attempts == 0 && t->prepared) {
		struct file_prep *p = &r->preps[i % r->prep_window];

		file_worker_wait(r->fw, p);
		t->prepared = false;
		out_fd = p->out_fd;
		err_fd = p->err_fd;
	} else if (rep->attempts == 0) {
		const char *dir = dir_path(r, i, NULL);

		/* tests/ exists: one mkdir, not mkdir -p's walk. */
		if (mkdir(dir, 0777) < 0 && errno != EEXIST &&
		    mkdir_p(dir, 0777) < 0)
			warning_errno("cannot create '%s'", dir);
	}
	if (out_fd < 0 || err_fd < 0) {
		/* Not prepared, or that failed: run-command opens (and
		 * reports why it cannot). */
		if (out_fd >= 0)
			close(out_fd);
		if (err_fd >= 0)
			close(err_fd);
		out_fd = err_fd = -1;
		strbuf_addstr(&out_path, dir_path(r, i, "stdout"));
		strbuf_addstr(&err_path, dir_path(r, i, "stderr"));
	}
	if (rep->attempts > 0)
		keep_attempt(r, i, rep->attempts);
	rep->attempts++;

	child_process_init(cp);
	if (e->kind == TEST_SCRIPT) {
		strvec_push(&cp->args, r->self ? r->self : "ordeal");
		cp->use_path = !r->self;
		strvec_push(&cp->args, "script");
		strvec_push(&cp->args, "--quiet");
		strvec_push(&cp->args, e->path);
	} else {
		strvec_pushv(&cp->args, e->argv.v);
		if (e->kind == TEST_TEMPLATE)
			resolve_program(r, cp);
	}
	strvec_pushf(&cp->env, "ORDEAL_SEED=%llu",
		     (unsigned long long)test_seed(r, i));
	strvec_pushf(&cp->env, "ORDEAL_RUN=%u", rep->instance);
	strvec_pushf(&cp->env, "ORDEAL_THREAD=%d", slot);
	strvec_pushf(&cp->env, "ORDEAL_ATTEMPT=%d", rep->attempts);
	strvec_pushf(&cp->env, "ORDEAL_TEST_NAME=%s", e->name);
	/* Absolute: a test may change directory. */
	strvec_pushf(&cp->env, "ORDEAL_OUTPUT_DIR=%s/%s", r->abs_out_dir,
		     rep->dir);
	cp->in = CHILD_NULL;
	if (out_fd >= 0) {
		cp->out = cp->err = CHILD_FD;
		cp->out_fd = out_fd;
		cp->err_fd = err_fd;
	} else {
		cp->out = cp->err = CHILD_FILE;
		cp->out_path = out_path.buf;
		cp->err_path = err_path.buf;
	}
	cp->timeout_ns = e->timeout_ns ? e->timeout_ns : r->opts->timeout_ns;
	cp->data = (void *)(uintptr_t)i;
	r->busy[slot] = true;
	t->state = T_RUNNING;
	rep->started_ns = clock_now_ns();
	if (rep->attempts == 1)
		report_test_started(&r->reporters, rep);
	rc = start_command(cp);
	/* The child has its copies (or never will). */
	if (out_fd >= 0) {
		close(out_fd);
		close(err_fd);
	}
	cp->out_fd = cp->err_fd = -1;
	cp->out_path = cp->err_path = NULL;
	strbuf_release(&out_path);
	strbuf_release(&err_path);
	/* A failed start is handled as a finished child by the caller. */
	return rc == 0;
}

/* result.json, written by a file thread (errors are reported there). */
static void write_evidence(struct runner *r, size_t i, struct child_process *cp)
{
	struct report_test *rep = &r->reps[i];
	struct strbuf extra = STRBUF_INIT, json = STRBUF_INIT;

	strbuf_addstr(&extra, "\"name\":");
	json_quote(&extra, rep->name, strlen(rep->name));
	strbuf_addf(&extra, ",\"instance\":%u,\"attempt\":%d,\"thread\":%d",
		    rep->instance, rep->attempts, (int)(cp - r->slots));
	run_result_json(&json, cp, test_seed(r, i), extra.buf);
	file_worker_write(r->fw, xstrdup(dir_path(r, i, "result.json")), &json);
	strbuf_release(&extra);
}

/* Skip reason of an exit-77 test: its last line of output, if short. */
static char *skip_reason(struct runner *r, size_t i)
{
	const char *files[] = {"stdout", "stderr"};
	char *reason = NULL;

	for (size_t f = 0; f < 2 && !reason; f++) {
		struct strbuf sb = STRBUF_INIT, line = STRBUF_INIT;
		size_t off;

		report_read_tail(&sb, dir_path(r, i, files[f]), 512, NULL);
		strbuf_rtrim(&sb);
		off = report_tail_offset(sb.buf, sb.len, 1);
		report_printable(&line, sb.buf + off, sb.len - off, false);
		strbuf_trim(&line);
		if (line.len && line.len <= 200)
			reason = xstrfmt("exit status 77: %s", line.buf);
		strbuf_release(&sb);
		strbuf_release(&line);
	}
	return reason ? reason : xstrdup("exit status 77");
}

/*
 * A child of test i ended (or could not start).  Returns true when the
 * test was restarted in the same slot for a retry.
 */
static bool child_done(struct runner *r, struct child_process *cp)
{
	size_t i = (size_t)(uintptr_t)cp->data;
	struct run_test *t = &r->tests[i];
	struct report_test *rep = &r->reps[i];
	const struct run_result *res = &cp->result;
	struct strbuf sb = STRBUF_INIT;
	int slot = (int)(cp - r->slots);

	rep->res = *res;
	rep->ran = res->started;
	write_evidence(r, i, cp);
	if (res->interrupted ||
	    (run_command_interrupted() && !res->exited && res->started)) {
		rep->interrupted = true;
		rep->result = REPORT_FAIL;
		set_reason(r, i, xstrdup("interrupted"));
	} else if (run_result_passed(res)) {
		rep->result = t->failures ? REPORT_FLAKY : REPORT_PASS;
		if (t->failures)
			set_reason(r, i,
				   xstrfmt("failed %d time%s, then "
					   "passed",
					   t->failures,
					   t->failures == 1 ? "" : "s"));
	} else if (run_result_skipped(res)) {
		rep->result = REPORT_SKIP;
		set_reason(r, i, skip_reason(r, i));
	} else {
		t->failures++;
		rep->result = REPORT_FAIL;
		/* The limit, not the time the kill took (TERM grace). */
		if (res->timed_out) {
			strbuf_addstr(&sb, "timed out after ");
			duration_format(&sb, cp->timeout_ns);
		} else {
			run_result_describe(&sb, res);
		}
		set_reason(r, i, strbuf_detach(&sb, NULL));
		if (res->started && rep->attempts <= r->opts->retries &&
		    !run_command_interrupted()) {
			child_process_clear(cp);
			if (start_test(r, i, slot))
				return true;
			return child_done(r, cp);
		}
	}
	child_process_clear(cp);
	r->busy[slot] = false;
	finish_test(r, i);
	strbuf_release(&sb);
	return false;
}

static void tick(struct runner *r)
{
	struct report_status st = {0};
	int64_t now = clock_now_ns();

	for (int s = 0; s < r->opts->jobs; s++) {
		struct child_process *cp = &r->slots[s];
		size_t i;

		if (!r->busy[s])
			continue;
		i = (size_t)(uintptr_t)cp->data;
		st.running++;
		if (!st.slowest ||
		    now - r->reps[i].started_ns > st.slowest_ns) {
			st.slowest = r->reps[i].name;
			st.slowest_ns = now - r->reps[i].started_ns;
		}
	}
	st.finished = r->finished;
	st.passed = r->passed;
	st.failed = r->failed;
	st.elapsed_ns = now - r->start_ns;
	report_status(&r->reporters, &st);
}

/*
 * Queue the files of tests [from, from + prep_window) that are not queued
 * yet.  Test k's slot, preps[k % prep_window], last held test
 * k - prep_window, which started before `from`.
 */
static void prepare_ahead(struct runner *r, size_t from)
{
	while (r->prep_next < r->nr && r->prep_next < from + r->prep_window &&
	       !r->stop && !run_command_interrupted()) {
		size_t k = r->prep_next++;
		struct file_prep *p = &r->preps[k % r->prep_window];

		if (r->tests[k].entry->skip_reason)
			continue; /* never runs: no directory */
		strbuf_reset(&r->prep_dirs[k % r->prep_window]);
		strbuf_addstr(&r->prep_dirs[k % r->prep_window],
			      dir_path(r, k, NULL));
		p->dir = r->prep_dirs[k % r->prep_window].buf;
		r->tests[k].prepared = true;
		file_worker_prepare(r->fw, p);
	}
}

/*
 * Tests prepared but never started (--failfast, Ctrl-C): remove what was
 * made for them, so a test that did not run has no directory.
 */
static void drop_prepared(struct runner *r)
{
	size_t from = r->prep_next > r->prep_window
			      ? r->prep_next - r->prep_window
			      : 0;

	file_worker_flush(r->fw);
	for (size_t k = from; k < r->prep_next; k++) {
		struct file_prep *p = &r->preps[k % r->prep_window];

		if (!r->tests[k].prepared)
			continue;
		r->tests[k].prepared = false;
		if (p->out_fd >= 0)
			close(p->out_fd);
		if (p->err_fd >= 0)
			close(p->err_fd);
		unlink(dir_path(r, k, "stdout"));
		unlink(dir_path(r, k, "stderr"));
		rmdir(dir_path(r, k, NULL));
	}
}

static void schedule(struct runner *r, bool live_status)
{
	int64_t last_tick = clock_now_ns();
	size_t next = 0;

	for (;;) {
		struct child_process *cp;

		if (run_command_interrupted())
			break;
		for (int s = 0; s < r->opts->jobs && !r->stop && next < r->nr;
		     s++) {
			if (r->busy[s])
				continue;
			while (next < r->nr && !r->stop) {
				size_t i = next++;

				prepare_ahead(r, i);
				if (start_test(r, i, s))
					break;
				/* Skipped, or could not start. */
				if (r->tests[i].state == T_RUNNING)
					child_done(r, &r->slots[s]);
				if (r->busy[s])
					break; /* retried */
			}
		}
		if (!run_command_running() && (next >= r->nr || r->stop))
			break;
		cp = run_command_wait_any(live_status ? STATUS_INTERVAL_NS
						      : -1);
		if (cp)
			child_done(r, cp);
		/* Also while tests keep finishing faster than the interval. */
		if (live_status &&
		    clock_now_ns() - last_tick >= STATUS_INTERVAL_NS) {
			tick(r);
			last_tick = clock_now_ns();
		}
	}
	if (run_command_interrupted()) {
		struct child_process *cp;

		run_command_kill_all();
		while ((cp = run_command_wait_any(0)))
			child_done(r, cp);
	}
	drop_prepared(r);
	/* Everything not started is reported as not run. */
	for (size_t i = 0; i < r->nr; i++) {
		if (r->tests[i].state != T_PENDING)
			continue;
		r->reps[i].result = REPORT_SKIP;
		r->reps[i].not_run = true;
		set_reason(r, i,
			   xstrdup(run_command_interrupted()
					   ? "not run: interrupted"
					   : "not run: --failfast"));
		finish_test(r, i);
	}
}

static void count_results(struct runner *r)
{
	struct report_run *run = &r->run;

	run->passed = run->failed = run->skipped = run->flaky = 0;
	for (size_t i = 0; i < r->nr; i++) {
		switch (r->reps[i].result) {
		case REPORT_PASS:
			run->passed++;
			break;
		case REPORT_FLAKY:
			run->passed++;
			run->flaky++;
			break;
		case REPORT_SKIP:
			run->skipped++;
			break;
		case REPORT_FAIL:
			run->failed++;
			break;
		}
	}
	run->elapsed_ns = clock_now_ns() - r->start_ns;
	run->interrupt_signal = run_command_interrupted();
	run->interrupted = run->interrupt_signal != 0;
}

static FILE *open_report(struct runner *r, const char *name)
{
	char *p = path_join(r->out_dir, name);
	FILE *fp = fopen(p, "w");

	if (!fp)
		error_errno("cannot create '%s'", p);
	free(p);
	return fp;
}

static void runner_clear(struct runner *r)
{
	file_worker_stop(r->fw);
	r->fw = NULL;
	for (size_t i = 0; i < r->nr; i++)
		free((char *)r->reps[i].reason);
	free(r->preps);
	for (size_t k = 0; r->prep_dirs && k < r->prep_window; k++)
		strbuf_release(&r->prep_dirs[k]);
	free(r->prep_dirs);
	arena_clear(&r->names);
	strbuf_release(&r->scratch);
	free(r->dirs);
	free(r->reps);
	free(r->tests);
	free(r->slots);
	free(r->busy);
	free(r->self);
	free(r->out_dir);
	free(r->abs_out_dir);
	free(r->prog_name);
	free(r->prog_path);
	report_set_clear(&r->reporters);
	suite_clear(&r->suite);
}

static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

int cmd_run(int argc, const char **argv)
{
	struct run_opts o = {
		.jobs = 0,
		.run_globs = STRVEC_INIT,
		.skip_globs = STRVEC_INIT,
		.timeout_ns = DEFAULT_TIMEOUT_NS,
		.count = 1,
		.tap_version = 13,
		.tail_lines = 20,
	};
	struct option opts[] = {
		OPT_GROUP("scheduling"),
		OPT_INT('j', "jobs", &o.jobs, "n",
			"run n tests at once (default: CPUs)"),
		OPT_STRING_LIST(0, "run", &o.run_globs, "glob",
				"run only tests whose name matches"),
		OPT_STRING_LIST(0, "skip", &o.skip_globs, "glob",
				"leave out tests whose name matches"),
		OPT_DURATION(0, "timeout", &o.timeout_ns,
			     "per-test limit (default 10m; the header's "
			     "timeout= wins)"),
		OPT_INT(0, "count", &o.count, "n", "run each test n times"),
		OPT_CALLBACK_F(0, "shuffle", &o, "seed",
			       "randomise the order (seed printed)",
			       PARSE_OPT_OPTARG, parse_shuffle),
		OPT_BOOL(0, "failfast", &o.failfast,
			 "start no test after the first failure"),
		OPT_INT(0, "retries", &o.retries, "n",
			"retry a failed test up to n times (FLAKY if it "
			"then passes)"),
		OPT_BOOL(0, "rerun-failed", &o.rerun_failed,
			 "run the tests that failed in ordeal-out/latest"),
		OPT_GROUP("tests from a list"),
		OPT_STRING(0, "list", &o.list, "file",
			   "test IDs, one a line ('-': stdin)"),
		OPT_STRING(0, "exec", &o.exec, "template",
			   "command per ID, {} replaced (no shell)"),
		OPT_GROUP("output"),
		OPT_STRING('o', "output-dir", &o.output_dir, "dir",
			   "reports and outputs here (default: "
			   "ordeal-out/run-DATE-TIME-PID)"),
		OPT_BOOL(0, "tap", &o.tap, "TAP on stdout"),
		OPT_INT(0, "tap-version", &o.tap_version, "n",
			"TAP version line: 13 (default; prove < 3.48 "
			"rejects 14) or 14"),
		OPT_BOOL(0, "json", &o.json,
			 "test2json events on stdout (gotestsum)"),
		OPT_STRING(0, "junit", &o.junit, "file",
			   "JUnit XML to file (and junit.xml in the run)"),
		OPT_STRING(
			0, "color", &o.color, "when",
			"auto (default), always or never; NO_COLOR honoured"),
		OPT_INT(0, "tail", &o.tail_lines, "n",
			"lines of a failed test's output to show (20)"),
		OPT_END(),
	};
	struct runner r = {.opts = &o, .scratch = STRBUF_INIT};
	struct report_set *rs = &r.reporters;
	FILE *tap_file = NULL;
	bool live, color;
	int rc, built;

	argc = parse_options(argc, argv, opts, run_usage, 0);
	if (o.jobs < 0 || o.count < 1 || o.retries < 0 || o.tail_lines < 0)
		die("-j, --count, --retries and --tail take numbers >= 0 "
		    "(--count >= 1)");
	if (o.color && strcmp(o.color, "auto") && strcmp(o.color, "always") &&
	    strcmp(o.color, "never"))
		die("--color must be auto, always or never");
	if (o.tap_version != 13 && o.tap_version != 14)
		die("--tap-version must be 13 or 14");
	if (o.tap && o.json)
		die("--tap and --json both write to stdout; choose one");
	if (!!o.list != !!o.exec)
		die("--list and --exec go together");
	if (!argc && !o.list && !o.rerun_failed) {
		error("no tests given");
		usage_with_options(run_usage, opts);
	}
	if (!o.jobs)
		o.jobs = default_jobs();

	run_command_init();
	run_command_exit_on_interrupt(true);
	built = build_suite(&r, argv, argc);
	run_command_exit_on_interrupt(false);
	if (built < 0) {
		runner_clear(&r);
		return EXIT_USAGE;
	}
	if (built > 0) {
		printf("ordeal: no failed tests in the previous run; "
		       "nothing to rerun\n");
		runner_clear(&r);
		return EXIT_OK;
	}
	if (!r.suite.nr) {
		/*
		 * An empty suite is almost always a mistake (a wrong path, a
		 * --run glob that matches nothing): a green run that ran
		 * nothing would hide it, so this is an input error.
		 */
		error("no tests to run%s",
		      (o.run_globs.nr || o.skip_globs.nr)
			      ? " (no test name matches --run/--skip)"
			      : " (no executable or script found)");
		runner_clear(&r);
		return EXIT_USAGE;
	}

	if (o.shuffle_seed)
		rng_seed_parse(o.shuffle_seed, &r.run.seed);
	else
		r.run.seed = rng_seed_from_os() & SEED_MASK;
	r.run.shuffled = o.shuffle;
	r.run.jobs = o.jobs;
	r.run.tap_version = o.tap_version;
	r.run.started_wall_ns = clock_wall_ns();
	r.start_ns = clock_now_ns();
	if (make_out_dir(&r) < 0) {
		runner_clear(&r);
		return EXIT_USAGE;
	}
	r.run.out_dir = r.out_dir;
	r.abs_out_dir = path_absolute(r.out_dir);
	r.self = self_path();
	plan(&r);
	r.run.total = r.nr;
	r.slots = xcalloc(o.jobs, sizeof(*r.slots));
	r.busy = xcalloc(o.jobs, sizeof(*r.busy));
	for (int s = 0; s < o.jobs; s++)
		child_process_init(&r.slots[s]);
	r.prep_window = 2 * (size_t)o.jobs + 8;
	if (r.prep_window > PREP_AHEAD_MAX)
		r.prep_window = PREP_AHEAD_MAX;
	r.preps = xcalloc(r.prep_window, sizeof(*r.preps));
	r.prep_dirs = xcalloc(r.prep_window, sizeof(*r.prep_dirs));
	for (size_t k = 0; k < r.prep_window; k++)
		strbuf_init(&r.prep_dirs[k], 0);
	r.fw = file_worker_start(FILE_THREADS, FILE_INLINE_NS);

	/* Reporters: the files always, stdout as asked. */
	live = !o.tap && !o.json && isatty(2);
	if (o.color && !strcmp(o.color, "always"))
		color = true;
	else if (o.color && !strcmp(o.color, "never"))
		color = false;
	else
		color = !o.tap && !o.json && isatty(1) &&
			!(getenv("NO_COLOR") && *getenv("NO_COLOR"));
	report_set_add(rs, report_text_new(o.tap || o.json ? stderr : stdout,
					   live ? stderr : NULL, o.tail_lines,
					   o.tap || o.json, color));
	tap_file = open_report(&r, "test.tap");
	if (tap_file)
		report_set_add(rs, report_tap_new(tap_file));
	if (o.tap)
		report_set_add(rs, report_tap_new(stdout));
	if (o.json)
		report_set_add(rs, report_events_new(stdout, "ordeal"));
	{
		char *p = path_join(r.out_dir, "reports/report.json");

		report_set_add(rs, report_json_new(p));
		free(p);
	}
	if (o.junit) {
		char *p = path_join(r.out_dir, "junit.xml");

		report_set_add(rs, report_junit_new(o.junit));
		report_set_add(rs, report_junit_new(p));
		free(p);
	}

	fprintf(stderr, "ordeal: %zu test%s, %d at a time, seed %llu%s\n", r.nr,
		r.nr == 1 ? "" : "s", o.jobs, (unsigned long long)r.run.seed,
		o.shuffle ? " (shuffled; --shuffle=SEED replays the order)"
			  : "");
	report_begin(rs, &r.run);
	schedule(&r, live);
	/* Every result.json written before the reports say the run ended. */
	file_worker_stop(r.fw);
	r.fw = NULL;
	count_results(&r);
	rc = report_end(rs, &r.run, r.reps, r.nr);
	if (tap_file && fclose(tap_file))
		rc = error_errno("cannot write '%s/test.tap'", r.out_dir);
	update_latest(&r);

	if (r.run.interrupted)
		rc = EXIT_INTERRUPTED;
	else if (r.run.failed)
		rc = EXIT_FOUND;
	else if (rc < 0)
		rc = EXIT_USAGE;
	else
		rc = EXIT_OK;
	strvec_clear(&o.run_globs);
	strvec_clear(&o.skip_globs);
	runner_clear(&r);
	return rc;
}
