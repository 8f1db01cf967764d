/*
 * crashprog.c - a deterministic program for `ordeal crash`'s script tests,
 * one behaviour per mode (the bad inputs of the crash issue):
 *
 *   crashprog points N     hit "a" N times and "b" once, writing "log"
 *   crashprog bad-name     hit a point whose name has a space
 *   crashprog at-name      hit a point whose name has an '@'
 *   crashprog exit-early   exit 0 before any point
 *   crashprog self-crash   hit "a" twice; when armed at "b" it segfaults at
 *                          the second "a" (a bug of its own), else hits "b"
 *   crashprog fail         hit "a", then exit 3 (the record run fails)
 *   crashprog fewer        hit "a" twice, but only once when armed (a
 *                          program whose path depends on its environment)
 *   crashprog fork         hit "a", fork, hit "a" in both, the parent waits
 *   crashprog sleep SECS   sleep (a hanging verifier)
 *   crashprog check        verifier: "log" must hold whole lines only
 */
#include <ordeal/crashpoint.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void log_line(const char *s)
{
	int fd = open("log", O_WRONLY | O_CREAT | O_APPEND, 0644);

	if (fd < 0 || write(fd, s, strlen(s)) < 0)
		exit(2);
	close(fd);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "points") && argc == 3) {
		int i, n = atoi(argv[2]);

		for (i = 0; i < n; i++) {
			ORDEAL_CRASHPOINT("a");
			log_line("a\n");
		}
		ORDEAL_CRASHPOINT("b");
		log_line("b\n");
		return 0;
	}
	if (!strcmp(mode, "bad-name")) {
		ORDEAL_CRASHPOINT("has space");
		return 0;
	}
	if (!strcmp(mode, "at-name")) {
		ORDEAL_CRASHPOINT("x@y");
		return 0;
	}
	if (!strcmp(mode, "exit-early"))
		return 0;
	if (!strcmp(mode, "self-crash")) {
		const char *at = getenv("ORDEAL_CRASH_AT");

		ORDEAL_CRASHPOINT("a");
		if (at && !strncmp(at, "b", 1))
			raise(SIGSEGV);
		ORDEAL_CRASHPOINT("a");
		ORDEAL_CRASHPOINT("b");
		return 0;
	}
	if (!strcmp(mode, "fail")) {
		ORDEAL_CRASHPOINT("a");
		return 3;
	}
	if (!strcmp(mode, "fewer")) {
		ORDEAL_CRASHPOINT("a");
		if (!getenv("ORDEAL_CRASH_AT"))
			ORDEAL_CRASHPOINT("a");
		return 0;
	}
	if (!strcmp(mode, "fork")) {
		pid_t pid;
		int st = 0;

		ORDEAL_CRASHPOINT("a");
		pid = fork();
		ORDEAL_CRASHPOINT("a");
		if (pid == 0)
			_exit(0);
		waitpid(pid, &st, 0);
		printf("child %s\n", WIFSIGNALED(st) ? "killed" : "exited");
		return 0;
	}
	if (!strcmp(mode, "sleep") && argc == 3) {
		sleep((unsigned)atoi(argv[2]));
		return 0;
	}
	if (!strcmp(mode, "check")) {
		FILE *f = fopen("log", "r");
		int c, last = '\n';

		while (f && (c = fgetc(f)) != EOF)
			last = c;
		if (f)
			fclose(f);
		if (last != '\n') {
			printf("log ends with a partial line\n");
			return 1;
		}
		printf("log ok\n");
		return 0;
	}
	fprintf(stderr, "crashprog: unknown mode '%s'\n", mode);
	return 2;
}
