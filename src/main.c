/*
 * main.c - ordeal's entry point: the command table, `help`, `version`.
 */
#include "common.h"
#include "cmd.h"
#include "path.h"
#include "run-command.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct cmd_entry commands[] = {
	{"script", cmd_script, "run script tests written as txtar archives"},
	{"run", cmd_run,
	 "run a suite in parallel, with TAP/JUnit/JSON reports"},
	{"loop", cmd_loop, "run a command until it fails, on a clean slate"},
	{"gocrash", cmd_gocrash,
	 "gocrash's interface: Go's all.bash on ZFS clones"},
	{"shuffle", cmd_shuffle, "find a failing test order and shrink it"},
	{"crash", cmd_crash, "crash a program at every point, then verify"},
};

static const struct cmd_entry *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_usage(FILE *fp)
{
	fprintf(fp, "usage: ordeal <command> [options] [args]\n\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(fp, "   %-9s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(fp, "\n'ordeal help <command>' shows a command's manual;"
		    " 'ordeal <command> -h' its options.\n");
}

/*
 * Show the manual page ordeal-NAME(1) with man(1): the one beside the
 * binary in a build tree (build/ordeal -> docs/), else the installed one.
 * Returns 0 when man showed it.
 */
static int show_man_page(const char *name)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *local = NULL;
	int ret = -1;

	if (n > 0) {
		char *dir;
		exe[n] = '\0';
		dir = xstrndup(exe, (size_t)(path_basename(exe) - exe));
		local = xstrfmt("%s../docs/ordeal-%s.1", dir, name);
		free(dir);
		if (access(local, R_OK) < 0) {
			free(local);
			local = NULL;
		}
	}
	strvec_push(&cp.args, "man");
	if (local) {
		strvec_push(&cp.args, "-l");
		strvec_push(&cp.args, local);
	} else {
		strvec_pushf(&cp.args, "ordeal-%s", name);
	}
	cp.err = CHILD_NULL;
	if (!run_command(&cp) && run_result_passed(&cp.result))
		ret = 0;
	child_process_clear(&cp);
	free(local);
	return ret;
}

/* `ordeal help CMD`: the man page if man(1) can show it, else -h. */
static int cmd_help(int argc, const char **argv)
{
	const struct cmd_entry *c;
	const char *args[3];

	if (argc < 2) {
		print_usage(stdout);
		return EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c) {
		error("'%s' is not an ordeal command", argv[1]);
		return EXIT_USAGE;
	}
	if (!show_man_page(c->name))
		return EXIT_OK;
	args[0] = c->name;
	args[1] = "-h";
	args[2] = NULL;
	return c->fn(2, args);
}

/*
 * Results go to stdout: a failed write there (a full disk, a closed fd)
 * must not look like success.  A reader that went away (EPIPE: `| head`)
 * is not an error, as in git.
 */
static int check_stdout(int ret)
{
	struct stat st;

	if (!fflush(stdout) && !ferror(stdout))
		return ret;
	/* stdio keeps no errno per stream: a pipe's reader left (EPIPE). */
	if (!fstat(STDOUT_FILENO, &st) &&
	    (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		return ret;
	error("write failure on standard output");
	return ret ? ret : EXIT_USAGE;
}

int main(int argc, const char **argv)
{
	const struct cmd_entry *c;

	/*
	 * A reader that goes away (`ordeal run | head`) must not kill ordeal
	 * mid-run: its children would be left running.  Writes then fail with
	 * EPIPE instead; children get the default disposition back.
	 */
	signal(SIGPIPE, SIG_IGN);

	if (argc < 2) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "--help"))
		return cmd_help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("ordeal %s\n", ORDEAL_VERSION);
		return EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c) {
		error("'%s' is not an ordeal command; see 'ordeal help'",
		      argv[1]);
		return EXIT_USAGE;
	}
	return check_stdout(c->fn(argc - 1, argv + 1));
}
