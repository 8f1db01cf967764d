/*
 * unit.h - small helpers shared by the cmocka unit tests: a scratch
 * directory per test binary (made in setup, removed in teardown without
 * trusting the module under test), and file helpers.  Header-only so each
 * test-*.c stays one self-contained binary.
 */
#ifndef ORDEAL_TEST_UNIT_H
#define ORDEAL_TEST_UNIT_H

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char unit_tmpdir[64];

static int unit_rm_one(const char *path, const struct stat *st, int flag,
		       struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

/* cmocka group setup: create /tmp/ordeal-unit-XXXXXX. */
static inline int unit_setup_tmpdir(void **state)
{
	(void)state;
	snprintf(unit_tmpdir, sizeof(unit_tmpdir), "/tmp/ordeal-unit-XXXXXX");
	return mkdtemp(unit_tmpdir) ? 0 : -1;
}

/* cmocka group teardown: remove it (never following symlinks). */
static inline int unit_teardown_tmpdir(void **state)
{
	(void)state;
	if (!unit_tmpdir[0])
		return 0;
	return nftw(unit_tmpdir, unit_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* "<tmpdir>/<name>", malloc'd. */
static inline char *unit_path(const char *name)
{
	size_t n = strlen(unit_tmpdir) + strlen(name) + 2;
	char *p = malloc(n);

	if (!p)
		abort();
	snprintf(p, n, "%s/%s", unit_tmpdir, name);
	return p;
}

static inline int unit_write(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, data, len) == (ssize_t)len;
	close(fd);
	return ok ? 0 : -1;
}

#endif
