/*
 * crash-point.c - the cost of a disarmed ORDEAL_CRASHPOINT: the same loop
 * with and without a point, best of several rounds; prints
 * "EMPTY_NS POINT_NS" per iteration.  Built and run by bench/crash.sh.
 */
#include <ordeal/crashpoint.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000000L, i;
	double best_empty = 1e30, best_point = 1e30;
	int round;

	ORDEAL_CRASHPOINT("bench.warmup"); /* reads the environment once */
	for (round = 0; round < 5; round++) {
		double t0 = now(), t1, t2;

		for (i = 0; i < n; i++)
			__asm__ volatile("" ::: "memory");
		t1 = now();
		for (i = 0; i < n; i++) {
			__asm__ volatile("" ::: "memory");
			ORDEAL_CRASHPOINT("bench.point");
		}
		t2 = now();
		if ((t1 - t0) / n < best_empty)
			best_empty = (t1 - t0) / n;
		if ((t2 - t1) / n < best_point)
			best_point = (t2 - t1) / n;
	}
	printf("%.3f %.3f\n", best_empty, best_point);
	return 0;
}
