/*
 * crash-writer.c - a write-heavy program for measuring the preload
 * library's power-loss bookkeeping: COUNT overwrites of 4 KiB blocks at
 * offsets cycling over a 4 MiB file, with fdatasync every SYNC writes.
 * Usage: crash-writer COUNT SYNC.  Built and run by bench/crash.sh.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long count = argc > 1 ? atol(argv[1]) : 20000, i;
	long sync_every = argc > 2 ? atol(argv[2]) : 64;
	char block[4096];
	int fd = open("data", O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return 2;
	memset(block, 'x', sizeof(block));
	for (i = 0; i < count; i++) {
		off_t off = (off_t)(i % 1024) * 4096;

		block[0] = (char)i;
		if (pwrite(fd, block, sizeof(block), off) != sizeof(block))
			return 2;
		if (sync_every && (i + 1) % sync_every == 0 && fdatasync(fd))
			return 2;
	}
	close(fd);
	return 0;
}
