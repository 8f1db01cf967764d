/*
 * os/linux.c - the platform layer on Linux: subreaper, /proc scans, mount
 * and user namespaces, overlayfs, FICLONE.
 */
#include "common.h"
#include "os.h"
#include "strbuf.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/vfs.h>
#include <unistd.h>

int os_set_child_subreaper(void)
{
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

/* The parent pid from /proc/PID/stat (the field after the comm). */
static pid_t proc_ppid(pid_t pid)
{
	char path[64], buf[512];
	int fd;
	ssize_t n;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read_in_full(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || strlen(p) < 4)
		return -1;
	return (pid_t)strtol(p + 4, NULL, 10);
}

/*
 * Our own children are listed cheaply in /proc/self/task/TID/children
 * (one read, no scan); orphans reparented to a subreaper are adopted by its
 * main thread, so reading the main thread's list finds them.
 */
static int list_own_children(pid_t self, pid_t **pids)
{
	char path[64];
	struct strbuf sb = STRBUF_INIT;
	size_t nr = 0, alloc = 0;
	char *p, *end;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)self,
		 (int)self);
	if (strbuf_read_file(&sb, path, 0) < 0)
		return -1;
	for (p = sb.buf; *p; p = end) {
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		ALLOC_GROW(*pids, nr + 1, alloc);
		(*pids)[nr++] = (pid_t)pid;
	}
	strbuf_release(&sb);
	return (int)nr;
}

int os_list_children(pid_t parent, pid_t **pids)
{
	DIR *d;
	struct dirent *e;
	size_t nr = 0, alloc = 0;
	int n;

	*pids = NULL;
	if (parent == getpid() && (n = list_own_children(parent, pids)) >= 0)
		return n;
	d = opendir("/proc");
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (*end || pid <= 0)
			continue;
		if (proc_ppid((pid_t)pid) != parent)
			continue;
		ALLOC_GROW(*pids, nr + 1, alloc);
		(*pids)[nr++] = (pid_t)pid;
	}
	closedir(d);
	return (int)nr;
}

char *os_process_getenv(pid_t pid, const char *name)
{
	char path[64];
	struct strbuf sb = STRBUF_INIT;
	size_t nlen = strlen(name);
	char *res = NULL;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	if (strbuf_read_file(&sb, path, 1 << 20) < 0)
		return NULL;
	for (size_t i = 0; i < sb.len;) {
		const char *entry = sb.buf + i;
		size_t len = strnlen(entry, sb.len - i);

		if (len > nlen && !strncmp(entry, name, nlen) &&
		    entry[nlen] == '=') {
			res = xstrndup(entry + nlen + 1, len - nlen - 1);
			break;
		}
		i += len + 1;
	}
	strbuf_release(&sb);
	return res;
}

long os_self_max_rss_kb(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return -1;
	return ru.ru_maxrss;
}

int os_reflink_fd(int dst_fd, int src_fd)
{
	return ioctl(dst_fd, FICLONE, src_fd);
}

int os_mount_overlay(const char *lower, const char *upper, const char *work,
		     const char *target)
{
	char *opts = xstrfmt("lowerdir=%s,upperdir=%s,workdir=%s", lower, upper,
			     work);
	int ret = mount("overlay", target, "overlay", 0, opts);

	free(opts);
	return ret;
}

int os_unmount(const char *target)
{
	for (int i = 0; i < 50; i++) {
		if (!umount2(target, 0))
			return 0;
		if (errno != EBUSY)
			return -1;
		usleep(20000);
	}
	return umount2(target, MNT_DETACH);
}

static int write_proc_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write_in_full(fd, text, strlen(text));
	close_keep_errno(fd);
	return n < 0 ? -1 : 0;
}

int os_unshare_user_mount(void)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return -1;
	if (write_proc_file("/proc/self/setgroups", "deny") < 0 &&
	    errno != ENOENT)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	if (write_proc_file("/proc/self/uid_map", map) < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	if (write_proc_file("/proc/self/gid_map", map) < 0)
		return -1;
	/* Keep our mounts out of the parent namespace. */
	return mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

int os_hint_spread_subdirs(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int flags = 0, ret = -1;

	if (fd < 0)
		return -1;
	/* Filesystems without the flag say ENOTTY or EOPNOTSUPP. */
	if (!ioctl(fd, FS_IOC_GETFLAGS, &flags)) {
		flags |= FS_TOPDIR_FL;
		ret = ioctl(fd, FS_IOC_SETFLAGS, &flags);
	}
	close_keep_errno(fd);
	return ret < 0 ? -1 : 0;
}

const char *os_fs_type(const char *path)
{
	struct statfs st;

	if (statfs(path, &st) < 0)
		return NULL;
	switch ((unsigned long)st.f_type) {
	case BTRFS_SUPER_MAGIC:
		return "btrfs";
	case TMPFS_MAGIC:
		return "tmpfs";
	case OVERLAYFS_SUPER_MAGIC:
		return "overlay";
	case EXT4_SUPER_MAGIC:
		return "ext4";
	case XFS_SUPER_MAGIC:
		return "xfs";
	case 0x2fc12fc1: /* ZFS */
		return "zfs";
	case FUSE_SUPER_MAGIC:
		return "fuse";
	default:
		return "other";
	}
}

/* The first number in a /proc/sys file, or `dflt` when it is absent. */
static long read_sysctl(const char *path, long dflt)
{
	struct strbuf sb = STRBUF_INIT;
	long v = dflt;

	if (strbuf_read_file(&sb, path, 64) > 0)
		v = strtol(sb.buf, NULL, 10);
	strbuf_release(&sb);
	return v;
}

bool os_unprivileged_userns(void)
{
	return read_sysctl("/proc/sys/user/max_user_namespaces", 1) > 0 &&
	       read_sysctl("/proc/sys/kernel/unprivileged_userns_clone", 1) > 0;
}
