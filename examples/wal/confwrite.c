/*
 * confwrite.c - the smallest durability bug: replace a config file by
 * writing a temporary file and renaming it over the old one.
 *
 *   confwrite good FILE TEXT   write; fsync; close; rename; fsync(dir)
 *   confwrite bad FILE TEXT    write; close; rename (no fsync at all)
 *   confwrite bad-dirsync FILE TEXT
 *                              write; close; rename; fsync(dir): the name
 *                              is durable, the data is not
 *   confwrite check FILE       the verifier: FILE must exist and hold a
 *                              complete config; if ORDEAL_ACKS lists
 *                              "config TEXT", it must hold TEXT
 *
 * After the replacement it acks "config TEXT" on ORDEAL_ACK_FD, then
 * passes the named point "config.written" (the program would go on with
 * its work).  Under `ordeal crash --power-loss` the bad variants lose the
 * acked config; the good one never does.
 */
#include <ordeal/crashpoint.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "confwrite: %s '%s': %s\n", what, path,
		strerror(errno));
	return 1;
}

static int write_config(const char *mode, const char *file, const char *text)
{
	char tmp[4096], line[4096];
	int fd, good = !strcmp(mode, "good");
	int dirsync = good || !strcmp(mode, "bad-dirsync");
	size_t len;

	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	/* A complete config ends with "end\n": a torn one does not. */
	snprintf(line, sizeof(line), "value=%s\nend\n", text);
	len = strlen(line);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fail("cannot create", tmp);
	if (write(fd, line, len) != (ssize_t)len)
		return fail("cannot write", tmp);
	if (good && fsync(fd) < 0)
		return fail("cannot fsync", tmp);
	if (close(fd) < 0)
		return fail("cannot close", tmp);
	if (rename(tmp, file) < 0)
		return fail("cannot rename", tmp);
	if (dirsync) {
		int dfd = open(".", O_RDONLY | O_DIRECTORY);

		if (dfd < 0 || fsync(dfd) < 0)
			return fail("cannot fsync", ".");
		close(dfd);
	}
	snprintf(line, sizeof(line), "config %s", text);
	ordeal_ack(line);
	ORDEAL_CRASHPOINT("config.written");
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(65536);
	n = buf ? fread(buf, 1, 65535, f) : 0;
	fclose(f);
	if (buf)
		buf[n] = '\0';
	*len = n;
	return buf;
}

static int check(const char *file)
{
	const char *acks = getenv("ORDEAL_ACKS");
	char *cfg, *ack = NULL, *p, want[4096];
	size_t len, alen;

	cfg = slurp(file, &len);
	if (!cfg) {
		printf("config '%s' is missing\n", file);
		return 1;
	}
	if (strncmp(cfg, "value=", 6) || len < 5 ||
	    strcmp(cfg + len - 4, "end\n")) {
		printf("config '%s' is torn or empty (%zu bytes)\n", file, len);
		return 1;
	}
	if (acks)
		ack = slurp(acks, &alen);
	/* The last acked config is the one that must have survived. */
	for (p = ack ? strstr(ack, "config ") : NULL; p;
	     p = strstr(p + 1, "\nconfig ")) {
		char *s = *p == '\n' ? p + 8 : p + 7, *e = strchr(s, '\n');

		snprintf(want, sizeof(want), "value=%.*s\nend\n",
			 (int)(e ? e - s : (long)strlen(s)), s);
	}
	if (ack && strstr(ack, "config ") && strcmp(cfg, want)) {
		printf("acked config lost: have %.*s, want %.*s\n",
		       (int)strcspn(cfg, "\n"), cfg, (int)strcspn(want, "\n"),
		       want);
		return 1;
	}
	printf("config ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "check"))
		return check(argv[2]);
	if (argc == 4 && (!strcmp(argv[1], "good") || !strcmp(argv[1], "bad") ||
			  !strcmp(argv[1], "bad-dirsync")))
		return write_config(argv[1], argv[2], argv[3]);
	fprintf(stderr, "usage: confwrite good|bad|bad-dirsync FILE TEXT\n"
			"       confwrite check FILE\n");
	return 2;
}
