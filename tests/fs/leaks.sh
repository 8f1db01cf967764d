#!/bin/sh
# tests/fs/leaks.sh - print what a test left behind under DIR: mounts in
# /proc/mounts below DIR and processes whose cwd, root or environment
# points into it.  Prints nothing when there is nothing.
#
#   sh tests/fs/leaks.sh DIR
set -u
DIR=$1
grep -F " $DIR/" /proc/mounts | awk '{print "mount: " $2}'
for p in /proc/[0-9]*; do
	pid=${p#/proc/}
	[ "$pid" = $$ ] && continue
	cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
	case $cwd in
	"$DIR"/*) echo "process: $pid $(cat "$p/comm" 2>/dev/null) in $cwd" ;;
	esac
done
