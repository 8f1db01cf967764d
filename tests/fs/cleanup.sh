#!/bin/sh
# tests/fs/cleanup.sh - after a crashed or killed test run (CI calls it on
# exit): destroy the throwaway ZFS pools the tests make (ordeal_*), unmount
# what tests mounted under the temp dir, and stop a zfs-fuse that zfs.sh
# started.  A clean run leaves nothing for it to do; it prints what it did.
set -u
tmp=${TMPDIR:-/tmp}
MARK=/tmp/ordeal-test-zfs-fuse.pid

if command -v zpool >/dev/null 2>&1 && zpool list >/dev/null 2>&1; then
	for pool in $(zpool list -H -o name 2>/dev/null | grep '^ordeal'); do
		echo "cleanup: destroying pool $pool"
		zpool destroy -f "$pool" || true
	done
fi
# Deepest first, so nested mounts come off before their parents.
awk -v t="$tmp/" 'index($2, t) == 1 && $2 ~ /ordeal/ { print $2 }' /proc/mounts |
	sort -r | while read -r m; do
		echo "cleanup: unmounting $m"
		umount "$m" 2>/dev/null || umount -l "$m" || true
	done
if [ -f "$MARK" ]; then
	pid=$(cat "$MARK")
	if kill -0 "$pid" 2>/dev/null && [ -z "$(zpool list -H -o name 2>/dev/null)" ]; then
		echo "cleanup: stopping zfs-fuse ($pid)"
		kill "$pid"
	fi
	rm -f "$MARK"
fi
exit 0
