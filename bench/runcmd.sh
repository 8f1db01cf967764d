#!/bin/sh
# bench/runcmd.sh - the run-command row of `make bench`: processes per
# second through run-command (process group, token, subreaper sweep,
# rusage) against the bare posix_spawn loop (spawn-loop), both running
# /bin/true with 1 and 2 in flight.  Target: supervision costs at most a
# third of the bare rate (ratio >= 0.67).
set -u
BUILD=${BUILD:-build}
CC=${CC:-cc}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
mkdir -p "$BUILD/bench"
SPAWN_LOOP=${SPAWN_LOOP:-$BUILD/bench/spawn-loop}
[ -x "$SPAWN_LOOP" ] || $CC -std=c11 -O2 -o "$SPAWN_LOOP" bench/spawn-loop.c ||
	exit 1
libs="$(pkg-config --libs libpcre2-8 jansson 2>/dev/null) -lm -lpthread -ldl"
$CC -std=c11 -O2 -D_GNU_SOURCE -Isrc -o "$BUILD/bench/runcmd-loop" \
	bench/runcmd-loop.c "$BUILD/libcore.a" $libs || exit 1

n=2000
[ -n "${BENCH_QUICK:-}" ] && n=300
for p in 1 2; do
	base=$("$SPAWN_LOOP" -p $p -n $n true)
	ours=$("$BUILD/bench/runcmd-loop" -p $p -n $n true)
	ratio=$(awk -v a="$ours" -v b="$base" \
		'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
	printf '| runcmd.spawn_p%s | %s runs/s | %s runs/s (posix_spawn loop) | %s | >= 0.67 |\n' \
		"$p" "$ours" "$base" "$ratio"
done
