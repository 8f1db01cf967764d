/*
 * cmd-script.c - `ordeal script`: run txtar script tests with the engine in
 * src/script/.  Collects FILE|DIR|- arguments, runs each script (several at
 * once with -j: one forked worker process per script, each running the
 * engine in-process), prints each verdict in argument order and the
 * closing `ordeal: N passed, N failed, N skipped` line.
 */
#include "common.h"
#include "clock.h"
#include "cmd.h"
#include "parse-options.h"
#include "path.h"
#include "report.h"
#include "run-command.h"
#include "script/engine.h"
#include "script/script.h"
#include "strbuf.h"
#include "strvec.h"
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const script_usage[] = {
	"ordeal script [options] FILE|DIR|-...",
	NULL,
};

/* Worker exit codes (a worker is a forked copy running one script). */
enum { W_PASS = 0, W_FAIL = 1, W_SKIP = 3, W_INTR = 4 };

struct job {
	char *path; /* "-" for stdin */
	char *data; /* stdin's script, read up front */
	size_t len;
	pid_t pid;
	int out_fd; /* the worker's formatted output (unlinked temp file) */
	bool done;
	int status; /* W_* */
	struct strbuf text;
};

static volatile sig_atomic_t parent_interrupted;

static void on_parent_signal(int sig)
{
	parent_interrupted = sig;
}

static int collect_dir(struct strvec *out, const char *dir)
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, alphasort);

	if (n < 0)
		return error_errno("cannot open '%s'", dir);
	for (int i = 0; i < n; i++) {
		const char *name = list[i]->d_name;
		size_t len = strlen(name);

		if (name[0] != '.' &&
		    ((len > 4 && !strcmp(name + len - 4, ".txt")) ||
		     (len > 6 && !strcmp(name + len - 6, ".txtar")))) {
			char *p = path_join(dir, name);
			struct stat s;
			if (stat(p, &s) == 0 && S_ISREG(s.st_mode))
				strvec_push_nodup(out, p);
			else
				free(p);
		}
		free(list[i]);
	}
	free(list);
	return 0;
}

/* The name --run globs match: the base name without .txt/.txtar. */
static bool run_selected(const struct strvec *run, const char *path)
{
	char *base;
	bool ok = false;
	size_t n;

	if (!run->nr)
		return true;
	base = xstrdup(path_basename(path));
	n = strlen(base);
	if (n > 4 && !strcmp(base + n - 4, ".txt"))
		base[n - 4] = '\0';
	else if (n > 6 && !strcmp(base + n - 6, ".txtar"))
		base[n - 6] = '\0';
	for (size_t i = 0; i < run->nr && !ok; i++)
		ok = !fnmatch(run->v[i], base, 0) ||
		     !fnmatch(run->v[i], path, 0);
	free(base);
	return ok;
}

/* Colours of the verdict words (--color, NO_COLOR). */
static bool use_color;

static const char *verdict(const char *word, const char *sgr)
{
	static char buf[64];

	if (!use_color)
		return word;
	snprintf(buf, sizeof(buf), "\033[%sm%s\033[0m", sgr, word);
	return buf;
}

static int parse_color(const char *arg)
{
	const char *no = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	if (!arg || !strcmp(arg, "auto"))
		return isatty(1) && !(no && *no) &&
		       !(term && !strcmp(term, "dumb"));
	if (!strcmp(arg, "always"))
		return 1;
	if (!strcmp(arg, "never"))
		return 0;
	return -1;
}

/*
 * The live status line on stderr, only when it is a terminal:
 * "[12/200] 1 failed".  Cleared before anything is printed on stdout.
 */
static bool status_tty;

static void status_clear(void)
{
	if (status_tty)
		fputs("\r\033[K", stderr);
}

static void status_show(size_t done, size_t total, size_t running, int failed)
{
	if (!status_tty)
		return;
	fprintf(stderr, "\r\033[K[%zu/%zu] %zu running", done, total, running);
	if (failed)
		fprintf(stderr, ", %d failed", failed);
	fflush(stderr);
}

/* Print a finished job's text (clearing the status line first). */
static void print_job(struct job *j, int *failed)
{
	status_clear();
	fwrite(j->text.buf, 1, j->text.len, stdout);
	fflush(stdout);
	if (j->status != W_PASS && j->status != W_SKIP)
		(*failed)++;
}

/*
 * The log holds the commands' output as they wrote it: make it safe for a
 * terminal (escape sequences, NUL, BEL, invalid UTF-8 become U+FFFD).
 */
static void add_log(struct strbuf *out, const struct strbuf *log)
{
	report_printable(out, log->buf, log->len, true);
}

static void format_result(struct strbuf *out, const char *name,
			  const struct script_result *res,
			  const struct script_options *opts, bool quiet)
{
	char t[32];

	snprintf(t, sizeof(t), "%.2fs", (double)res->duration_ns / 1e9);
	if (res->updated && !opts->verbose)
		strbuf_addf(out, "%s updated\n", name);
	switch (res->status) {
	case SCRIPT_PASS:
		if (opts->verbose || opts->keep_work)
			add_log(out, &res->log);
		if (!quiet)
			strbuf_addf(out, "%s %s (%s)\n", verdict("PASS", "32"),
				    name, t);
		break;
	case SCRIPT_SKIP:
		if (opts->verbose || opts->keep_work)
			add_log(out, &res->log);
		if (quiet) {
			/* the reason, for a parent such as `ordeal run` */
			const char *s = strstr(res->log.buf, "SKIP: ");
			if (s && !opts->verbose && !opts->keep_work)
				strbuf_addstr(out, s);
		}
		if (!quiet)
			strbuf_addf(out, "%s %s: %s\n", verdict("SKIP", "33"),
				    name,
				    res->skip_reason && *res->skip_reason
					    ? res->skip_reason
					    : "skipped");
		break;
	case SCRIPT_FAIL:
	case SCRIPT_INTERRUPTED:
		if (!quiet)
			strbuf_addf(out, "%s %s (%s)\n",
				    res->status == SCRIPT_FAIL
					    ? verdict("FAIL", "31")
					    : verdict("INTERRUPTED", "31"),
				    name, t);
		add_log(out, &res->log);
		break;
	}
}

static int status_code(enum script_status s)
{
	switch (s) {
	case SCRIPT_PASS:
		return W_PASS;
	case SCRIPT_SKIP:
		return W_SKIP;
	case SCRIPT_INTERRUPTED:
		return W_INTR;
	default:
		return W_FAIL;
	}
}

static void exit_interrupted(int sig UNUSED)
{
	_exit(EXIT_INTERRUPTED);
}

/*
 * While reading the scripts: an interrupt exits 130 at once (even when
 * a shell started us in the background with SIGINT ignored, as
 * run_command_init does; an ignored SIGHUP, nohup, stays ignored).  The
 * old dispositions come back after.
 */
static void reading_signals(bool on)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	static struct sigaction old[ARRAY_SIZE(sigs)];
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = exit_interrupted;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
		if (!on) {
			sigaction(sigs[i], &old[i], NULL);
			continue;
		}
		sigaction(sigs[i], NULL, &old[i]);
		if (sigs[i] != SIGHUP || old[i].sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	}
}

/* Run one job in this process; fills job->text and job->status. */
static void run_job(struct job *j, const struct script_options *opts,
		    bool quiet)
{
	struct script_result res = SCRIPT_RESULT_INIT;
	struct strbuf data = STRBUF_INIT;
	const char *name = strcmp(j->path, "-") ? j->path : "stdin";

	if (j->data) {
		strbuf_add(&data, j->data, j->len);
	} else if (strbuf_read_file(&data, j->path, 0) < 0) {
		strbuf_addf(&j->text, "FAIL %s\nFAIL: %s: cannot read: %s\n",
			    name, j->path, strerror(errno));
		j->status = W_FAIL;
		return;
	}
	script_run(opts, j->path, data.buf, data.len, &res);
	format_result(&j->text, name, &res, opts, quiet);
	j->status = status_code(res.status);
	script_result_clear(&res);
	strbuf_release(&data);
}

static int open_spill(void)
{
	char *tmpl = xstrfmt("%s/ordeal-script-out-XXXXXX", temp_base());
	int fd = mkstemp(tmpl);

	if (fd >= 0)
		unlink(tmpl);
	free(tmpl);
	return fd;
}

static void start_worker(struct job *j, const struct script_options *opts,
			 bool quiet)
{
	j->out_fd = open_spill();
	if (j->out_fd < 0)
		die_errno("cannot create a temporary file");
	fflush(stdout);
	fflush(stderr);
	j->pid = fork();
	if (j->pid < 0)
		die_errno("cannot fork");
	if (!j->pid) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		run_command_init();
		run_job(j, opts, quiet);
		write_in_full(j->out_fd, j->text.buf, j->text.len);
		_exit(j->status);
	}
}

static void finish_worker(struct job *j, int wstatus)
{
	struct stat s;

	j->done = true;
	if (WIFEXITED(wstatus)) {
		j->status = WEXITSTATUS(wstatus);
	} else {
		j->status = W_FAIL;
	}
	lseek(j->out_fd, 0, SEEK_SET);
	if (fstat(j->out_fd, &s) == 0)
		strbuf_read_fd(&j->text, j->out_fd, 0);
	close(j->out_fd);
	j->out_fd = -1;
	if (WIFSIGNALED(wstatus))
		strbuf_addf(&j->text,
			    "FAIL %s\nFAIL: %s: the worker died "
			    "(signal %s)\n",
			    j->path, j->path,
			    signal_name(WTERMSIG(wstatus))
				    ? signal_name(WTERMSIG(wstatus))
				    : "?");
}

static void print_list(void)
{
	printf("commands:\n");
	for (const struct script_cmd *c = script_cmds; c->name; c++)
		printf("  %s%s\n      %s\n",
		       c->flags & CMD_NEG ? "[! | ?] " : "", c->usage,
		       c->summary);
	printf("conditions:\n");
	for (const struct script_cond *c = script_conds; c->name; c++)
		printf("  [%s%s]  %s\n", c->name,
		       c->name[strlen(c->name) - 1] == ':' ? "..." : "",
		       c->summary);
	printf("  [<GOOS>] [<GOARCH>]  OS or architecture names (linux, "
	       "amd64, ...)\n");
}

int cmd_script(int argc, const char **argv)
{
	struct script_options opts = SCRIPT_OPTIONS_INIT;
	struct strvec run = STRVEC_INIT, progs = STRVEC_INIT;
	struct strvec files = STRVEC_INIT;
	int jobs = 0, quiet = 0, list = 0, color, nfailed = 0;
	const char *color_arg = NULL;
	int passed = 0, failed = 0, skipped = 0, interrupted = 0;
	struct job *js;
	size_t nr, next_start = 0, next_print = 0, running = 0;
	struct option options[] = {
		OPT__VERBOSE(&opts.verbose, "log every command and its output"),
		OPT_BOOL('u', "update", &opts.update,
			 "rewrite archive files that cmp finds different"),
		OPT_BOOL(0, "work", &opts.keep_work,
			 "keep each script's $WORK and print its path"),
		OPT_BOOL(0, "continue", &opts.keep_going,
			 "keep going after a failed command"),
		OPT_INT('j', "jobs", &jobs, "n",
			"run n scripts at once (default: CPUs)"),
		OPT_STRING_LIST(0, "run", &run, "glob",
				"run only scripts whose name matches"),
		OPT_STRING_LIST('e', "env", &opts.env, "var[=value]",
				"add a variable to the scripts' environment"),
		OPT_STRING_LIST(0, "cmd", &progs, "name[=path]",
				"make a program a script command"),
		OPT_BOOL(0, "short", &opts.short_mode, "make [short] true"),
		OPT_BOOL(0, "net", &opts.net, "make [net] true"),
		OPT_DURATION(0, "timeout", &opts.timeout_ns,
			     "bound each script's run time"),
		OPT_BOOL(0, "allow-outside-work", &opts.allow_outside_work,
			 "let built-ins write outside $WORK"),
		OPT_BOOL('q', "quiet", &quiet,
			 "no per-script lines nor summary; exit 77 if all "
			 "skipped"),
		OPT_STRING(0, "color", &color_arg, "when",
			   "colour verdicts: auto, always, never"),
		OPT_BOOL(0, "list", &list, "list commands and conditions"),
		OPT_END(),
	};
	bool have_stdin = false;

	argc = parse_options(argc, argv, options, script_usage, 0);
	color = parse_color(color_arg);
	if (color < 0)
		die("--color: expected auto, always or never, not '%s'",
		    color_arg);
	use_color = color;
	status_tty = !quiet && isatty(2) && !opts.verbose;
	if (list) {
		print_list();
		return EXIT_OK;
	}
	if (argc < 1) {
		error("no script given");
		usage_with_options(script_usage, options);
	}
	if (jobs < 0)
		die("-j must be at least 1");
	if (!jobs) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = n > 0 ? (int)n : 1;
	}
	for (size_t i = 0; i < progs.nr; i++) {
		const char *eq = strchr(progs.v[i], '=');
		char *name, *path;

		if (eq) {
			name = xstrndup(progs.v[i], eq - progs.v[i]);
			path = path_absolute(eq + 1);
		} else {
			name = xstrdup(progs.v[i]);
			path = locate_in_path(name, getenv("PATH"));
			if (!path)
				die("--cmd '%s': not found on PATH", name);
		}
		if (!*name || strchr(name, ' '))
			die("--cmd '%s': bad command name", progs.v[i]);
		if (access(path, X_OK) < 0)
			die_errno("--cmd '%s': cannot execute '%s'", name,
				  path);
		strvec_pushf(&opts.progs, "%s=%s", name, path);
		free(name);
		free(path);
	}
	for (int i = 0; i < argc; i++) {
		struct stat s;

		if (!strcmp(argv[i], "-")) {
			if (have_stdin)
				die("'-' given twice");
			have_stdin = true;
			strvec_push(&files, "-");
			continue;
		}
		if (stat(argv[i], &s) < 0)
			die_errno("cannot open '%s'", argv[i]);
		if (S_ISDIR(s.st_mode)) {
			if (collect_dir(&files, argv[i]) < 0)
				return EXIT_USAGE;
		} else if (access(argv[i], R_OK) < 0) {
			die_errno("cannot open '%s'", argv[i]);
		} else {
			strvec_push(&files, argv[i]);
		}
	}
	js = xcalloc(files.nr + 1, sizeof(*js));
	nr = 0;
	/*
	 * Read every script now, before anything starts: stdin or a file
	 * that is a pipe (`<(gen)`) may never end, and an interrupt while
	 * we wait for it must still exit 130 (nothing to clean up yet).
	 */
	reading_signals(true);
	for (size_t i = 0; i < files.nr; i++) {
		struct strbuf sb = STRBUF_INIT;

		if (strcmp(files.v[i], "-") && !run_selected(&run, files.v[i]))
			continue;
		js[nr].path = xstrdup(files.v[i]);
		js[nr].out_fd = -1;
		strbuf_init(&js[nr].text, 0);
		if (!strcmp(files.v[i], "-")) {
			if (strbuf_read_fd(&sb, 0, 0) < 0)
				die_errno("cannot read the script from stdin");
			js[nr].data = strbuf_detach(&sb, &js[nr].len);
		} else if (strbuf_read_file(&sb, files.v[i], 0) >= 0) {
			js[nr].data = strbuf_detach(&sb, &js[nr].len);
		} else {
			strbuf_release(&sb); /* run_job reports it */
		}
		nr++;
	}
	reading_signals(false);

	if (jobs == 1 || nr <= 1) {
		run_command_init();
		for (size_t i = 0; i < nr; i++) {
			if (run_command_interrupted())
				break;
			status_show(i, nr, 1, nfailed);
			run_job(&js[i], &opts, quiet);
			js[i].done = true;
			print_job(&js[i], &nfailed);
			next_print = i + 1;
		}
		if (run_command_interrupted())
			interrupted = 1;
	} else {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sigemptyset(&sa.sa_mask);
		sa.sa_handler = on_parent_signal; /* no SA_RESTART: EINTR */
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		while (next_print < nr) {
			int ws;
			pid_t pid;

			while (!parent_interrupted && running < (size_t)jobs &&
			       next_start < nr) {
				start_worker(&js[next_start++], &opts, quiet);
				running++;
			}
			if (!running)
				break;
			status_show(next_print, nr, running, nfailed);
			pid = waitpid(-1, &ws, 0);
			if (pid < 0) {
				if (errno == EINTR && parent_interrupted) {
					for (size_t i = 0; i < next_start; i++)
						if (!js[i].done &&
						    js[i].pid > 0)
							kill(js[i].pid,
							     parent_interrupted);
				} else if (errno == ECHILD) {
					break;
				}
				continue;
			}
			for (size_t i = 0; i < next_start; i++)
				if (js[i].pid == pid && !js[i].done) {
					finish_worker(&js[i], ws);
					running--;
				}
			while (next_print < nr && js[next_print].done)
				print_job(&js[next_print++], &nfailed);
			status_show(next_print, nr, running, nfailed);
		}
		if (parent_interrupted)
			interrupted = 1;
	}
	for (size_t i = 0; i < nr; i++) {
		if (!js[i].done)
			continue;
		switch (js[i].status) {
		case W_PASS:
			passed++;
			break;
		case W_SKIP:
			skipped++;
			break;
		case W_INTR:
			interrupted = 1;
			failed++;
			break;
		default:
			failed++;
		}
	}
	status_clear();
	if (!quiet)
		printf("ordeal: %d passed, %d failed, %d skipped\n", passed,
		       failed, skipped);
	fflush(stdout);
	for (size_t i = 0; i < nr; i++) {
		free(js[i].path);
		free(js[i].data);
		strbuf_release(&js[i].text);
	}
	free(js);
	strvec_clear(&files);
	strvec_clear(&run);
	strvec_clear(&progs);
	strvec_clear(&opts.env);
	strvec_clear(&opts.progs);
	if (interrupted)
		return EXIT_INTERRUPTED;
	if (failed)
		return EXIT_FOUND;
	if (quiet && skipped && !passed)
		return EXIT_SKIP;
	return EXIT_OK;
}
