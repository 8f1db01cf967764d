/*
 * spawn-loop.c - the baseline for bench rows that start many processes:
 * a bare posix_spawn loop with no supervision at all (no process groups,
 * no timeouts, no evidence files, no clean slates).  What ordeal adds on
 * top is measured as a ratio against this.
 *
 *   spawn-loop [-p P] [-n N] [-t SECONDS] [-v] cmd [args...]
 *
 * Runs `cmd` N times (default 1000), or for SECONDS of wall time, keeping P
 * (default 1) in flight; the command is found on PATH; its stdin, stdout
 * and stderr are /dev/null.  Prints the rate, runs per second, as a bare
 * number on stdout ("812.3") so row scripts can capture it; -v adds a
 * human line on stderr.  Exit status: 0, or 1 if a spawn failed or a run
 * exited non-zero (the rate is printed anyway), 2 on usage errors.
 *
 * Built by bench/run.sh into $BUILD/bench/spawn-loop (plain libc).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr, "usage: spawn-loop [-p P] [-n N] [-t SECONDS] [-v] "
			"cmd [args...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	long parallel = 1, total = 1000, started = 0, done = 0, failed = 0;
	double seconds = 0, t0, elapsed;
	int verbose = 0, opt, null;
	posix_spawn_file_actions_t fa;

	while ((opt = getopt(argc, argv, "+p:n:t:v")) != -1) {
		switch (opt) {
		case 'p':
			parallel = atol(optarg);
			break;
		case 'n':
			total = atol(optarg);
			break;
		case 't':
			seconds = atof(optarg);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			return usage();
		}
	}
	if (optind >= argc || parallel < 1 || total < 1 || seconds < 0)
		return usage();

	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0) {
		perror("spawn-loop: /dev/null");
		return 2;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, null, 0);
	posix_spawn_file_actions_adddup2(&fa, null, 1);
	posix_spawn_file_actions_adddup2(&fa, null, 2);

	t0 = now_s();
	for (;;) {
		int status;
		pid_t pid;

		/* Top up to P in flight while there is work left. */
		while (started - done < parallel &&
		       (seconds > 0 ? now_s() - t0 < seconds
				    : started < total)) {
			int rc = posix_spawnp(&pid, argv[optind], &fa, NULL,
					      argv + optind, environ);

			started++;
			if (rc) {
				fprintf(stderr,
					"spawn-loop: cannot run '%s': %s\n",
					argv[optind], strerror(rc));
				failed++;
				done++;
				if (failed == done && failed > 10)
					goto out; /* it will never work */
			}
		}
		if (started == done)
			break;
		pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
		done++;
	}
out:
	elapsed = now_s() - t0;
	if (elapsed <= 0)
		elapsed = 1e-9;
	printf("%.1f\n", done / elapsed);
	if (verbose)
		fprintf(stderr,
			"spawn-loop: %ld runs of '%s', %ld in flight, "
			"%.3fs, %.1f runs/s, %ld failed\n",
			done, argv[optind], parallel, elapsed, done / elapsed,
			failed);
	posix_spawn_file_actions_destroy(&fa);
	return failed ? 1 : 0;
}
