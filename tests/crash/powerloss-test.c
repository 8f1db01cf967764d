/*
 * powerloss-test.c - the power-loss model, one scenario per case: the
 * program half (`powerloss-test do NAME`) makes a few file-system calls in
 * its directory, then hits the point "end"; the driver half
 * (`powerloss-test BUILD_DIR`) runs each scenario through
 * ordeal_crash_run() with libordeal-preload.so and power_loss armed at
 * "end", then compares the directory with what a power cut must leave.
 * Every directory starts with "old" holding "0123456789".
 * Built and run by tests/crash/run.sh; exit 1 on any failure.
 */
#include <ordeal/crashpoint.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static void put(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		exit(2);
}

static int create(const char *name)
{
	int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		exit(2);
	return fd;
}

static void sync_dir(void)
{
	int fd = open(".", O_RDONLY | O_DIRECTORY);

	if (fd < 0 || fsync(fd) < 0)
		exit(2);
	close(fd);
}

/* Each scenario: what it does, and the listing a power cut must leave. */
struct scenario {
	const char *name;
	const char *want; /* "name=content;..." sorted by name */
};

static const struct scenario scenarios[] = {
	{"create-nosync", "old=0123456789;"},
	{"create-fsync-file", "old=0123456789;"},
	{"create-fsync-both", "new=hello;old=0123456789;"},
	{"create-dirsync-only", "new=;old=0123456789;"},
	{"overwrite-nosync", "old=0123456789;"},
	{"overwrite-fsync", "old=01XY456789;"},
	{"append-nosync", "old=0123456789;"},
	{"o-append-then-sync-then-more", "old=0123456789AB;"},
	{"truncate-nosync", "old=0123456789;"},
	{"unlink-nosync", "old=0123456789;"},
	{"unlink-dirsync", ""},
	{"rename-over-nosync", "old=0123456789;"},
	{"rename-over-durable", "old=fresh;"},
	{"rename-fsync-nodir", "old=0123456789;"},
	{"sync-then-more", "old=first;"},
	{"stdio-nosync", "old=0123456789;"},
	{"stdio-fsync", "old=via stdio;"},
	{"hole-nosync", "old=0123456789;"},
	{"writev-pwritev", "old=0123456789;"},
	{"osync", "old=ab23456789;"},
	{"syncfs", "new=x;old=0123456789;"},
	{"thread-keeps-writing", "old=0123456789;"},
	/* run with ORDEAL_CRASH_DIR naming a symlink to the directory */
	{"via-symlink", "new=hello;old=0123456789;"},
	{"via-symlink-nosync", "old=0123456789;"},
};

/* Appends to "old" without syncing until the process dies. */
static void *writer(void *arg)
{
	int fd = open("old", O_WRONLY | O_APPEND);

	(void)arg;
	for (;;)
		put(fd, "x");
	return NULL;
}

static void do_scenario(const char *s)
{
	int fd;

	if (!strcmp(s, "create-nosync")) {
		fd = create("new");
		put(fd, "hello");
	} else if (!strcmp(s, "create-fsync-file")) {
		fd = create("new");
		put(fd, "hello");
		fsync(fd);
	} else if (!strcmp(s, "create-fsync-both")) {
		fd = create("new");
		put(fd, "hello");
		fsync(fd);
		sync_dir();
	} else if (!strcmp(s, "create-dirsync-only")) {
		fd = create("new");
		put(fd, "hello");
		sync_dir();
	} else if (!strcmp(s, "overwrite-nosync")) {
		fd = open("old", O_WRONLY);
		pwrite(fd, "XY", 2, 2);
	} else if (!strcmp(s, "overwrite-fsync")) {
		fd = open("old", O_WRONLY);
		pwrite(fd, "XY", 2, 2);
		fdatasync(fd);
	} else if (!strcmp(s, "append-nosync")) {
		fd = open("old", O_WRONLY);
		lseek(fd, 0, SEEK_END);
		put(fd, "more");
	} else if (!strcmp(s, "o-append-then-sync-then-more")) {
		fd = open("old", O_WRONLY | O_APPEND);
		put(fd, "AB");
		fsync(fd);
		put(fd, "CD");
	} else if (!strcmp(s, "truncate-nosync")) {
		fd = open("old", O_WRONLY);
		ftruncate(fd, 3);
	} else if (!strcmp(s, "unlink-nosync")) {
		unlink("old");
	} else if (!strcmp(s, "unlink-dirsync")) {
		unlink("old");
		sync_dir();
	} else if (!strcmp(s, "rename-over-nosync")) {
		fd = create("tmp");
		put(fd, "fresh");
		fsync(fd);
		rename("tmp", "old");
	} else if (!strcmp(s, "rename-over-durable")) {
		fd = create("tmp");
		put(fd, "fresh");
		fsync(fd);
		rename("tmp", "old");
		sync_dir();
	} else if (!strcmp(s, "rename-fsync-nodir")) {
		fd = create("tmp");
		put(fd, "fresh");
		rename("tmp", "old");
		fsync(fd);
	} else if (!strcmp(s, "sync-then-more")) {
		fd = open("old", O_WRONLY | O_TRUNC);
		put(fd, "first");
		fsync(fd);
		put(fd, "second");
		ftruncate(fd, 2);
	} else if (!strcmp(s, "stdio-nosync")) {
		FILE *f = fopen("old", "w");

		fputs("via stdio", f);
		fclose(f);
	} else if (!strcmp(s, "stdio-fsync")) {
		FILE *f = fopen("old", "w");

		fputs("via stdio", f);
		fflush(f);
		fsync(fileno(f));
		fclose(f);
	} else if (!strcmp(s, "hole-nosync")) {
		fd = open("old", O_WRONLY);
		pwrite(fd, "far", 3, 100000);
	} else if (!strcmp(s, "writev-pwritev")) {
		struct iovec iov[2] = {{"ab", 2}, {"cd", 2}};

		fd = open("old", O_WRONLY);
		writev(fd, iov, 2);
		pwritev(fd, iov, 2, 8);
	} else if (!strcmp(s, "osync")) {
		fd = open("old", O_WRONLY | O_SYNC);
		put(fd, "ab");
		fd = open("old", O_WRONLY);
		pwrite(fd, "zz", 2, 5);
	} else if (!strcmp(s, "thread-keeps-writing")) {
		pthread_t th;
		struct stat st;

		/* The cut must stop the other thread: nothing after it. */
		pthread_create(&th, NULL, writer, NULL);
		do
			stat("old", &st);
		while (st.st_size < 100000);
	} else if (!strncmp(s, "via-symlink", 11)) {
		char path[4096];

		/* created through the symlink, synced through the real path */
		snprintf(path, sizeof(path), "%s/new", getenv("ORDEAL_CRASH_DIR"));
		fd = create(path);
		put(fd, "hello");
		if (!strcmp(s, "via-symlink")) {
			fsync(fd);
			sync_dir();
		}
	} else if (!strcmp(s, "syncfs")) {
		fd = create("new");
		put(fd, "x");
		syncfs(fd);
		put(fd, "yz");
	}
	ORDEAL_CRASHPOINT("end");
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* "name=content;" for every regular file, sorted by name. */
static void listing(const char *dir, char *out, size_t size)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort), i;
	size_t len = 0;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		char path[8400], buf[256];
		struct stat st;
		ssize_t r = 0;
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && !lstat(path, &st) &&
		    S_ISREG(st.st_mode)) {
			fd = open(path, O_RDONLY);
			if (fd >= 0) {
				r = read(fd, buf, sizeof(buf) - 1);
				close(fd);
			}
			buf[r > 0 ? r : 0] = '\0';
			if (st.st_size >= (off_t)sizeof(buf))
				snprintf(buf, sizeof(buf), "<%lld bytes>",
					 (long long)st.st_size);
			len += (size_t)snprintf(out + len, size - len, "%s=%s;",
						ents[i]->d_name, buf);
		}
		free(ents[i]);
	}
	free(ents);
}

int main(int argc, char **argv)
{
	char build[3000], self[4200], preload[4200], dir[] =
		"/tmp/ordeal-powerloss-XXXXXX";
	char have[8192];
	size_t i;
	int failures = 0;

	if (argc == 3 && !strcmp(argv[1], "do")) {
		do_scenario(argv[2]);
		return 0;
	}
	if (argc != 2 || !realpath(argv[1], build) || !mkdtemp(dir))
		return 2;
	snprintf(self, sizeof(self), "%s/tests/crash/powerloss-test", build);
	snprintf(preload, sizeof(preload), "%s/libordeal-preload.so", build);
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		const char *args[] = {self, "do", scenarios[i].name, NULL};
		struct ordeal_crash_opts o;
		struct ordeal_crash_out out;
		char run[4200], old[4300], link[4300];
		int fd;

		snprintf(run, sizeof(run), "%s/%s", dir, scenarios[i].name);
		snprintf(old, sizeof(old), "%s/old", run);
		mkdir(run, 0755);
		fd = open(old, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, "0123456789", 10) != 10)
			return 2;
		close(fd);
		memset(&o, 0, sizeof(o));
		o.dir = run;
		if (!strncmp(scenarios[i].name, "via-symlink", 11)) {
			snprintf(link, sizeof(link), "%s-link", run);
			if (symlink(run, link) < 0)
				return 2;
			o.dir = link;
		}
		o.preload = preload;
		o.power_loss = 1;
		o.timeout_ms = 10000;
		ordeal_crash_run(args, "end", &o, &out);
		listing(run, have, sizeof(have));
		if (!out.killed || !out.point) {
			printf("not ok - %s: did not crash at end (%s)\n",
			       scenarios[i].name, out.stderr_buf);
			failures++;
		} else if (strcmp(have, scenarios[i].want)) {
			printf("not ok - %s: have '%s', want '%s'\n",
			       scenarios[i].name, have, scenarios[i].want);
			failures++;
		} else {
			printf("ok - power cut after %s\n", scenarios[i].name);
		}
		ordeal_crash_out_free(&out);
	}
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return failures ? 1 : 0;
}
