/*
 * loop-spawn.c - the baseline of bench/loop.sh: the least a loop runner
 * can do to run a command N times with P in flight -- posix_spawn and
 * waitpid, nothing else (no process groups, no timeouts, no evidence, no
 * slates).  `ordeal loop` is measured against it.
 *
 *   loop-spawn P N cmd [args...]
 *
 * Prints the rate in runs per second on stdout; exit status 1 if a spawn
 * failed or a run did not exit 0.
 */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long p, n, started = 0, done = 0;
	int bad = 0, status;
	double t0;

	if (argc < 4) {
		fprintf(stderr, "usage: loop-spawn P N cmd [args...]\n");
		return 2;
	}
	p = atol(argv[1]);
	n = atol(argv[2]);
	if (p < 1 || n < 1)
		return 2;
	t0 = now();
	while (done < n) {
		while (started < n && started - done < p) {
			pid_t pid;

			if (posix_spawnp(&pid, argv[3], NULL, NULL, argv + 3,
					 environ)) {
				bad = 1;
				done++;
			}
			started++;
		}
		if (started > done) {
			if (wait(&status) < 0)
				break;
			if (!WIFEXITED(status) || WEXITSTATUS(status))
				bad = 1;
			done++;
		}
	}
	printf("%.1f\n", (double)n / (now() - t0));
	return bad;
}
