#!/bin/sh
# bench/runcmd.sh - the run-command row of `make bench`: processes per
# second through run-command (process group, token, subreaper sweep,
# rusage) against the bare posix_spawn loop (spawn-loop), both running
# /bin/true with 1 and 2 in flight, best of 3 each.  Target: supervision costs at most a
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

n=1000
[ -n "${BENCH_QUICK:-}" ] && n=200
# The best of 3, alternating, so a busy neighbour hurts both sides alike.
best() { # current candidate
	awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b > a) ? b : a }'
}
for p in 1 2; do
	base= ours=
	for i in 1 2 3; do
		base=$(best "$base" "$("$SPAWN_LOOP" -p $p -n $n true)")
		ours=$(best "$ours" "$("$BUILD/bench/runcmd-loop" -p $p -n $n true)")
	done
	ratio=$(awk -v a="$ours" -v b="$base" \
		'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
	printf '| runcmd.spawn_p%s | %s runs/s | %s runs/s (posix_spawn loop) | %s | >= 0.67 |\n' \
		"$p" "$ours" "$base" "$ratio"
done
