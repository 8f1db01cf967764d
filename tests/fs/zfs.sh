#!/bin/sh
# tests/fs/zfs.sh - run a test body against a real, throwaway ZFS pool,
# then destroy the pool whatever happened (tests and .ci use it).
#
#   sh tests/fs/zfs.sh POOL DIR BODY [ARGS...]
#
# Starts zfs-fuse (`zfs-fuse --no-daemon`, in its own session) when no ZFS
# is reachable, creates the pool POOL on a 256 MiB file DIR/POOL.img mounted
# at DIR/POOL, runs `sh BODY ARGS` with POOL and MNT in the environment and
# exits with its status.  Afterwards the pool is destroyed (retrying while
# zfs-fuse says it is busy), its file removed, and a zfs-fuse this script
# started is stopped once no pool is left.  Needs root.
set -u
POOL=$1 DIR=$2 BODY=$3
shift 3
MARK=/tmp/ordeal-test-zfs-fuse.pid
IMG=$DIR/$POOL.img
MNT=$DIR/$POOL
export POOL MNT

zfs_up() { zpool list >/dev/null 2>&1; }

# Several tests (ordeal script -j, other checkouts) may use ZFS at once.
# fd 8: one run per pool name at a time.  fd 9: every user of zfs-fuse holds
# it shared; it is taken exclusively to start the daemon, and the last user
# (the one that can take it exclusively at the end) stops a daemon that a
# test started.
exec 8>"/tmp/ordeal-test-zfs-$POOL.lock"
flock -w 600 -x 8 || { echo "zfs.sh: pool $POOL busy for 10 minutes" >&2; exit 2; }
exec 9>/tmp/ordeal-test-zfs.lock
flock -w 120 -x 9 || { echo "zfs.sh: cannot lock zfs-fuse" >&2; exit 2; }

if ! zfs_up; then
	if ! command -v zfs-fuse >/dev/null 2>&1; then
		echo "zfs.sh: no ZFS here: install zfs-fuse (or zfsutils-linux)" >&2
		exit 2
	fi
	# Its own session and no ORDEAL_CHILD_TOKEN: ordeal's sweeps must
	# not take it for a leftover of this test's commands.
	# Without our lock fds, or it would hold the locks for its lifetime.
	env -u ORDEAL_CHILD_TOKEN setsid zfs-fuse --no-daemon \
		</dev/null >/dev/null 2>&1 8>&- 9>&- &
	echo $! >"$MARK"
	i=0
	until zfs_up; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			echo "zfs.sh: zfs-fuse did not come up" >&2
			exit 2
		fi
		sleep 0.1
	done
fi
flock -s 9

destroy_pool() {
	i=0
	while zpool list -H -o name "$POOL" >/dev/null 2>&1; do
		zpool destroy -f "$POOL" 2>/dev/null && break
		i=$((i + 1))
		[ $i -gt 50 ] && { echo "zfs.sh: cannot destroy pool $POOL" >&2; break; }
		sleep 0.2
	done
	rm -f "$IMG"
	rmdir "$MNT" 2>/dev/null
	if [ -f "$MARK" ] && flock -n -x 9 &&
		[ -z "$(zpool list -H -o name 2>/dev/null)" ]; then
		pid=$(cat "$MARK")
		rm -f "$MARK"
		kill "$pid" 2>/dev/null
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	fi
}

# A pool left over by an earlier, aborted run of the same test.
zpool destroy -f "$POOL" >/dev/null 2>&1
rm -f "$IMG"
truncate -s 256M "$IMG" || exit 2
if ! zpool create -m "$MNT" "$POOL" "$IMG" >/dev/null; then
	echo "zfs.sh: cannot create pool $POOL" >&2
	rm -f "$IMG"
	exit 2
fi
trap 'destroy_pool' EXIT
trap 'exit 130' INT TERM
sh "$BODY" "$@"
