#!/bin/sh
# sqlite.sh - which SQLite journal modes and synchronous settings keep every
# acknowledged commit across a power cut at every write and sync?  Crashes
# sqlite-acks (built by examples/wal/build.sh) at every syscall point with
# --power-loss and prints one row per setting:
#   JOURNAL SYNC POINTS FAILED LOST CORRUPT
# Usage: BUILD=build sh tests/crash/sqlite.sh [ROWS]   (default 5 rows)
set -u
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
ex=$BUILD/examples
rows=${1:-5}
[ -x "$ex/sqlite-acks" ] || { echo "sqlite.sh: $ex/sqlite-acks missing (libsqlite3-dev? examples/wal/build.sh)" >&2; exit 77; }
printf '%-9s %-7s %7s %7s %5s %8s\n' JOURNAL SYNC POINTS FAILED LOST CORRUPT
for j in DELETE TRUNCATE PERSIST WAL; do
	for s in OFF NORMAL FULL EXTRA; do
		out=$("$BUILD/ordeal" crash -j2 --syscalls all --power-loss \
			--verify "$ex/sqlite-acks check" -- \
			"$ex/sqlite-acks" write $j $s "$rows" 2>&1)
		work=$(echo "$out" | sed -n 's/^ordeal crash: seed [0-9]*, work directory //p')
		points=$(echo "$out" | sed -n 's/^\([0-9]*\) crash points.*/\1/p')
		failed=$(echo "$out" | sed -n 's/^[0-9]* crash points, \([0-9]*\) failed.*/\1/p')
		lost=$(echo "$out" | grep -c '^FAILED.*lost')
		corrupt=$(echo "$out" | grep -c '^FAILED.*integrity')
		printf '%-9s %-7s %7s %7s %5s %8s\n' $j $s "${points:-?}" "${failed:-?}" "$lost" "$corrupt"
		[ -n "$work" ] && rm -rf "$work"
	done
done
