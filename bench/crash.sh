#!/bin/sh
# crash.sh - `ordeal crash`'s rows of the performance table:
#   crash.point_ns       disarmed ORDEAL_CRASHPOINT over an empty loop
#                        iteration (target <= 1 ns)
#   crash.runs_per_s     crash runs per second with -j2, trivial verifier
#                        (target >= 200); _tmpfs: work dir on /dev/shm,
#                        which shows how much is file-system cost
#   crash.preload_x      write-heavy program under the preload library,
#                        not armed, vs plain
#   crash.power_loss_x   the same with --power-loss bookkeeping vs plain
# Prints "NAME VALUE UNIT NOTE" rows.  Run from the top after `make`.
set -eu
BUILD=${BUILD:-build}
CC=${CC:-cc}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh examples/wal/build.sh
out=$BUILD/bench
mkdir -p "$out"
$CC -std=c11 -D_GNU_SOURCE -O2 -Iinclude -o "$out/crash-point" bench/crash-point.c "$BUILD/libordeal.a" -lpthread
$CC -std=c11 -D_GNU_SOURCE -O2 -o "$out/crash-writer" bench/crash-writer.c
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ordeal-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

now() { date +%s%N; }

set -- $("$out/crash-point")
awk -v e="$1" -v p="$2" 'BEGIN { printf "crash.point_ns %.3f ns/iter point %.3f - empty %.3f (target <= 1)\n", p - e, p, e }'

points=400
t0=$(now)
"$BUILD/ordeal" crash -j2 --verify true -- "$BUILD/examples/crashprog" points $((points - 1)) >"$tmp/runs.out"
t1=$(now)
grep -q "^$points crash points, 0 failed" "$tmp/runs.out" || { echo "crash.sh: crash runs failed" >&2; cat "$tmp/runs.out" >&2; exit 1; }
awk -v n=$points -v ns=$((t1 - t0)) -v d="${TMPDIR:-/tmp}" 'BEGIN { printf "crash.runs_per_s %.0f runs/s %d runs with -j2 and a verifier, work dir in %s (target >= 200)\n", n / (ns / 1e9), n, d }'
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	t0=$(now)
	TMPDIR=/dev/shm "$BUILD/ordeal" crash -j2 --verify true -- "$BUILD/examples/crashprog" points $((points - 1)) >"$tmp/runs.out"
	t1=$(now)
	awk -v n=$points -v ns=$((t1 - t0)) 'BEGIN { printf "crash.runs_per_s_tmpfs %.0f runs/s the same with the work dir on tmpfs\n", n / (ns / 1e9) }'
fi

count=20000
writer() { # env...
	rm -rf "$tmp/w" && mkdir "$tmp/w"
	t0=$(now)
	(cd "$tmp/w" && env "$@" "$top/$out/crash-writer" $count 64)
	t1=$(now)
	echo $((t1 - t0))
}
best() { # runs the writer 3 times, prints the fastest
	b=
	for i in 1 2 3; do
		t=$(writer "$@")
		if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
	done
	echo "$b"
}
plain=$(best X=1)
pre=$(best ORDEAL_CRASH_DIR="$tmp/w" LD_PRELOAD="$top/$BUILD/libordeal-preload.so")
pl=$(best ORDEAL_CRASH_DIR="$tmp/w" LD_PRELOAD="$top/$BUILD/libordeal-preload.so" ORDEAL_POWER_LOSS=1)
awk -v a=$plain -v b=$pre 'BEGIN { printf "crash.preload_x %.2f x %d 4KiB pwrites, fdatasync every 64: %.1f ms vs %.1f ms plain\n", b / a, '$count', b / 1e6, a / 1e6 }'
awk -v a=$plain -v b=$pl 'BEGIN { printf "crash.power_loss_x %.2f x same with power-loss bookkeeping: %.1f ms\n", b / a, b / 1e6 }'
