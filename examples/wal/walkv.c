/*
 * walkv.c - a small key-value store with a write-ahead log, to be crashed
 * by `ordeal crash`.
 *
 *   walkv put N    commit keys k1..kN (value "v<i>-<pad>"), one WAL frame
 *                  each; after every commit is durable, ack "k<i> <value>"
 *                  on ORDEAL_ACK_FD; every 4 commits, checkpoint
 *   walkv check    the recovery checker: recover the store read-only and
 *                  verify that it is consistent and that every acked key
 *                  survived with its value (ORDEAL_ACKS)
 *
 * On disk, in the current directory: "data.db" (the checkpoint: a header
 * line with the count and a checksum, then "key value" lines) and
 * "wal.log" (frames: 4-byte length, 4-byte checksum, payload "key value").
 * Recovery loads data.db, then replays every whole, checksummed frame of
 * wal.log; a torn last frame is dropped (it was never acked).
 *
 * Named crash points: wal.before-frame, wal.mid-frame, wal.before-sync,
 * wal.committed, ckpt.begin, ckpt.before-rename, ckpt.after-rename,
 * wal.truncated.
 *
 * Planted bugs, chosen at build time:
 *   -DWAL_BUG_SKIP_FSYNC  the commit is acked without fsync of the WAL:
 *                         invisible to a process kill, found by
 *                         --power-loss
 *   -DWAL_BUG_ACK_EARLY   the commit is acked before its frame is written:
 *                         found by any crash at wal.mid-frame
 */
#include <ordeal/crashpoint.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_KEYS 4096
#define WAL "wal.log"
#define DB "data.db"
#define DB_TMP "data.db.tmp"

struct kv {
	char key[64];
	char val[128];
};

static struct kv store[MAX_KEYS];
static int nkeys;

static uint32_t checksum(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *s++) * 16777619u;
	return h;
}

static void set(const char *key, const char *val)
{
	int i;

	for (i = 0; i < nkeys; i++)
		if (!strcmp(store[i].key, key))
			break;
	if (i == nkeys) {
		if (nkeys == MAX_KEYS)
			return;
		nkeys++;
	}
	snprintf(store[i].key, sizeof(store[i].key), "%s", key);
	snprintf(store[i].val, sizeof(store[i].val), "%s", val);
}

static const char *get(const char *key)
{
	int i;

	for (i = 0; i < nkeys; i++)
		if (!strcmp(store[i].key, key))
			return store[i].val;
	return NULL;
}

static void die(const char *what)
{
	fprintf(stderr, "walkv: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("write");
		p += w;
		n -= (size_t)w;
	}
}

static char *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	size_t alloc = 4096, n = 0;
	char *buf;

	if (fd < 0)
		return NULL;
	buf = malloc(alloc + 1);
	for (;;) {
		ssize_t r;

		if (n == alloc)
			buf = realloc(buf, (alloc *= 2) + 1);
		r = read(fd, buf + n, alloc - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Load data.db; 0 if absent or valid, -1 (with a reason) if corrupt. */
static int load_db(char *why, size_t whylen)
{
	size_t len;
	char *buf = slurp(DB, &len), *body, *line;
	unsigned long count, sum;
	int n = 0;

	if (!buf)
		return errno == ENOENT ? 0 : -1;
	body = strchr(buf, '\n');
	if (!body || sscanf(buf, "walkv-db %lu %lx", &count, &sum) != 2) {
		snprintf(why, whylen, "data.db has no valid header");
		free(buf);
		return -1;
	}
	body++;
	if (checksum(body, len - (size_t)(body - buf)) != sum) {
		snprintf(why, whylen, "data.db checksum mismatch");
		free(buf);
		return -1;
	}
	for (line = strtok(body, "\n"); line; line = strtok(NULL, "\n")) {
		char *sp = strchr(line, ' ');

		if (!sp)
			continue;
		*sp = '\0';
		set(line, sp + 1);
		n++;
	}
	free(buf);
	if ((unsigned long)n != count) {
		snprintf(why, whylen, "data.db holds %d keys, header says %lu",
			 n, count);
		return -1;
	}
	return 0;
}

/* Replay whole frames; returns the offset of the valid end. */
static size_t replay_wal(int *frames)
{
	size_t len, off = 0;
	char *buf = slurp(WAL, &len);

	*frames = 0;
	if (!buf)
		return 0;
	while (off + 8 <= len) {
		uint32_t flen, sum;
		char payload[256], *sp;

		memcpy(&flen, buf + off, 4);
		memcpy(&sum, buf + off + 4, 4);
		if (flen == 0 || flen >= sizeof(payload) ||
		    off + 8 + flen > len ||
		    checksum(buf + off + 8, flen) != sum)
			break; /* a torn tail: never acked */
		memcpy(payload, buf + off + 8, flen);
		payload[flen] = '\0';
		sp = strchr(payload, ' ');
		if (sp) {
			*sp = '\0';
			set(payload, sp + 1);
		}
		off += 8 + flen;
		(*frames)++;
	}
	free(buf);
	return off;
}

static void fsync_dir(void)
{
	int fd = open(".", O_RDONLY | O_DIRECTORY);

	if (fd < 0 || fsync(fd) < 0)
		die("fsync .");
	close(fd);
}

static void checkpoint(int wal_fd)
{
	char *buf = NULL, line[256], head[64];
	size_t len = 0;
	int fd, i;

	ORDEAL_CRASHPOINT("ckpt.begin");
	for (i = 0; i < nkeys; i++) {
		int n = snprintf(line, sizeof(line), "%s %s\n", store[i].key,
				 store[i].val);

		buf = realloc(buf, len + (size_t)n + 1);
		memcpy(buf + len, line, (size_t)n + 1);
		len += (size_t)n;
	}
	snprintf(head, sizeof(head), "walkv-db %d %lx\n", nkeys,
		 (unsigned long)checksum(buf ? buf : "", len));
	fd = open(DB_TMP, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("open " DB_TMP);
	write_all(fd, head, strlen(head));
	write_all(fd, buf ? buf : "", len);
	if (fsync(fd) < 0)
		die("fsync " DB_TMP);
	close(fd);
	free(buf);
	ORDEAL_CRASHPOINT("ckpt.before-rename");
	if (rename(DB_TMP, DB) < 0)
		die("rename");
	fsync_dir();
	ORDEAL_CRASHPOINT("ckpt.after-rename");
	/* Everything in the WAL is now in data.db: start it afresh. */
	if (ftruncate(wal_fd, 0) < 0 || lseek(wal_fd, 0, SEEK_SET) < 0 ||
	    fsync(wal_fd) < 0)
		die("truncate " WAL);
	ORDEAL_CRASHPOINT("wal.truncated");
}

static int put(int count)
{
	char why[256] = "";
	int i, frames, fd;
	size_t end;

	if (load_db(why, sizeof(why)) < 0) {
		fprintf(stderr, "walkv: %s\n", why);
		return 2;
	}
	end = replay_wal(&frames);
	fd = open(WAL, O_RDWR | O_CREAT, 0644);
	if (fd < 0)
		die("open " WAL);
	/* Recovery: drop a torn tail so new frames follow whole ones. */
	if (ftruncate(fd, (off_t)end) < 0 || lseek(fd, 0, SEEK_END) < 0)
		die("truncate " WAL);
	/* A WAL whose name is not durable loses every frame in it. */
	fsync_dir();
	for (i = 1; i <= count; i++) {
		char key[32], val[96], frame[256], ack[160];
		uint32_t flen, sum;

		snprintf(key, sizeof(key), "k%d", i);
		snprintf(val, sizeof(val), "v%d-%0*d", i, 24, i * 7919);
		flen = (uint32_t)snprintf(frame + 8, sizeof(frame) - 8,
					  "%s %s", key, val);
		sum = checksum(frame + 8, flen);
		memcpy(frame, &flen, 4);
		memcpy(frame + 4, &sum, 4);
		snprintf(ack, sizeof(ack), "%s %s", key, val);
#ifdef WAL_BUG_ACK_EARLY
		ordeal_ack(ack);
#endif
		ORDEAL_CRASHPOINT("wal.before-frame");
		/* header and payload in two writes: a crash can tear it */
		write_all(fd, frame, 8);
		ORDEAL_CRASHPOINT("wal.mid-frame");
		write_all(fd, frame + 8, flen);
		ORDEAL_CRASHPOINT("wal.before-sync");
#ifndef WAL_BUG_SKIP_FSYNC
		if (fdatasync(fd) < 0)
			die("fdatasync " WAL);
#endif
		set(key, val);
#ifndef WAL_BUG_ACK_EARLY
		ordeal_ack(ack);
#endif
		ORDEAL_CRASHPOINT("wal.committed");
		if (i % 4 == 0)
			checkpoint(fd);
	}
	close(fd);
	return 0;
}

static int check(void)
{
	char why[256] = "", *acks, *line, *save = NULL;
	const char *path = getenv("ORDEAL_ACKS");
	size_t len;
	int frames, lost = 0;

	if (load_db(why, sizeof(why)) < 0) {
		printf("inconsistent: %s\n", why);
		return 1;
	}
	replay_wal(&frames);
	acks = path ? slurp(path, &len) : NULL;
	for (line = acks ? strtok_r(acks, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		const char *have;

		if (!sp)
			continue;
		*sp = '\0';
		have = get(line);
		if (!have || strcmp(have, sp + 1)) {
			printf("lost acked key %s (want %s, have %s)\n", line,
			       sp + 1, have ? have : "nothing");
			lost++;
		}
	}
	free(acks);
	if (lost)
		return 1;
	printf("ok: %d keys, %d wal frames\n", nkeys, frames);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "put"))
		return put(atoi(argv[2]));
	if (argc == 2 && !strcmp(argv[1], "check"))
		return check();
	fprintf(stderr, "usage: walkv put N | walkv check\n");
	return 2;
}
