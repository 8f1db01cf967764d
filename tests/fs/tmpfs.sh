#!/bin/sh
# tests/fs/tmpfs.sh - run a test body with a small tmpfs mounted at
# DIR/tmpfs (MNT), to fill a disk on purpose; unmounted afterwards.
#
#   sh tests/fs/tmpfs.sh SIZE DIR BODY [ARGS...]
#
# Needs root.
set -u
SIZE=$1 DIR=$2 BODY=$3
shift 3
MNT=$DIR/tmpfs
export MNT
mkdir -p "$MNT"
mount -t tmpfs -o size="$SIZE" ordeal-test "$MNT" || exit 2
trap 'umount "$MNT" || umount -l "$MNT"; rmdir "$MNT"' EXIT
trap 'exit 130' INT TERM
sh "$BODY" "$@"
