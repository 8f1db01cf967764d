/*
 * runcmd-loop.c - the same loop as spawn-loop.c, but through run-command
 * (process group, token environment, subreaper sweep of leftovers, rusage
 * per child): the cost of ordeal's supervision per process, measured
 * against the bare posix_spawn loop by bench/runcmd.sh.
 *
 *   runcmd-loop [-p P] [-n N] cmd [args...]
 *
 * Prints runs per second as a bare number on stdout; exit 1 if a run did
 * not pass.
 */
#include "common.h"
#include "clock.h"
#include "run-command.h"

#include <unistd.h>

int main(int argc, char **argv)
{
	long parallel = 1, total = 1000, started = 0, done = 0, failed = 0;
	struct child_process *cps;
	int64_t t0;
	double elapsed;
	int opt;

	while ((opt = getopt(argc, argv, "+p:n:")) != -1) {
		switch (opt) {
		case 'p':
			parallel = atol(optarg);
			break;
		case 'n':
			total = atol(optarg);
			break;
		default:
			fprintf(stderr, "usage: runcmd-loop [-p P] [-n N] cmd "
					"[args...]\n");
			return 2;
		}
	}
	if (optind >= argc || parallel < 1 || total < 1) {
		fprintf(stderr,
			"usage: runcmd-loop [-p P] [-n N] cmd [args...]\n");
		return 2;
	}
	run_command_init();
	cps = xcalloc((size_t)parallel, sizeof(*cps));
	t0 = clock_now_ns();
	for (long i = 0; i < parallel && started < total; i++, started++) {
		child_process_init(&cps[i]);
		strvec_pushv(&cps[i].args, (const char *const *)argv + optind);
		cps[i].use_path = true;
		cps[i].in = cps[i].out = cps[i].err = CHILD_NULL;
		if (start_command(&cps[i]) < 0) {
			failed++;
			done++;
		}
	}
	while (done < started) {
		struct child_process *cp = run_command_wait_any(-1);

		if (!cp)
			break;
		done++;
		if (!run_result_passed(&cp->result))
			failed++;
		if (started < total) {
			started++;
			/* Reuse the slot: same argv, fresh result. */
			if (start_command(cp) < 0) {
				failed++;
				done++;
			}
		}
	}
	elapsed = (double)(clock_now_ns() - t0) / 1e9;
	printf("%.1f\n", done / (elapsed > 0 ? elapsed : 1e-9));
	for (long i = 0; i < parallel; i++)
		child_process_clear(&cps[i]);
	free(cps);
	return failed ? 1 : 0;
}
