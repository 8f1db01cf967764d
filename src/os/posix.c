/*
 * os/posix.c - the platform layer elsewhere (FreeBSD, macOS): portable
 * answers where there are some, ENOSYS for what only Linux offers.
 */
#include "common.h"
#include "os.h"

#include <sys/resource.h>

int os_set_child_subreaper(void)
{
	errno = ENOSYS;
	return -1;
}

int os_list_children(pid_t parent UNUSED, pid_t **pids)
{
	*pids = NULL;
	return 0;
}

char *os_process_getenv(pid_t pid UNUSED, const char *name UNUSED)
{
	return NULL;
}

long os_self_max_rss_kb(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return -1;
#ifdef __APPLE__
	return ru.ru_maxrss / 1024; /* bytes there */
#else
	return ru.ru_maxrss;
#endif
}

int os_reflink_fd(int dst_fd UNUSED, int src_fd UNUSED)
{
	errno = ENOSYS;
	return -1;
}

int os_mount_overlay(const char *lower UNUSED, const char *upper UNUSED,
		     const char *work UNUSED, const char *target UNUSED)
{
	errno = ENOSYS;
	return -1;
}

int os_unmount(const char *target UNUSED)
{
	errno = ENOSYS;
	return -1;
}

int os_unshare_user_mount(void)
{
	errno = ENOSYS;
	return -1;
}

bool os_unprivileged_userns(void)
{
	return false;
}

int os_hint_spread_subdirs(const char *dir UNUSED)
{
	errno = ENOSYS;
	return -1;
}

const char *os_fs_type(const char *path UNUSED)
{
	return NULL;
}
