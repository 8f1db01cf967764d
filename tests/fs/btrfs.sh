#!/bin/sh
# tests/fs/btrfs.sh - run a test body on a real, throwaway btrfs
# filesystem: a 200 MiB image file formatted with mkfs.btrfs and
# loop-mounted, unmounted and removed afterwards whatever happened.
#
#   sh tests/fs/btrfs.sh DIR BODY [ARGS...]
#
# The filesystem is mounted at DIR/btrfs (MNT in the body's environment).
# Needs root and btrfs-progs.
set -u
DIR=$1 BODY=$2
shift 2
IMG=$DIR/btrfs.img
MNT=$DIR/btrfs
export MNT

rm -f "$IMG"
truncate -s 200M "$IMG" || exit 2
mkfs.btrfs -q "$IMG" >/dev/null 2>&1 || { echo "btrfs.sh: mkfs.btrfs failed" >&2; rm -f "$IMG"; exit 2; }
mkdir -p "$MNT"
if ! mount -o loop "$IMG" "$MNT"; then
	echo "btrfs.sh: cannot loop-mount $IMG" >&2
	rm -f "$IMG"
	exit 2
fi
cleanup() {
	i=0
	while mountpoint -q "$MNT" && ! umount "$MNT" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 50 ] && { umount -l "$MNT"; break; }
		sleep 0.1
	done
	rm -f "$IMG"
	rmdir "$MNT" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM
sh "$BODY" "$@"
