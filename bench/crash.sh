#!/bin/sh
# crash.sh - `ordeal crash`'s rows of the performance table (bench/run.sh
# collects them), as "| name | measured | baseline | ratio | target |":
#   crash.point          a disarmed ORDEAL_CRASHPOINT in a loop vs the empty
#                        loop (target: at most 1 ns more per iteration)
#   crash.runs_per_s     crash runs per second with -j2 and a trivial
#                        verifier vs bench/run.sh's spawn baseline (target
#                        >= 200); _tmpfs: the work dir on /dev/shm, which
#                        shows how much is file-system cost
#   crash.preload        a write-heavy program under the preload library,
#                        unarmed, vs plain
#   crash.power_loss     the same with the power-loss bookkeeping vs plain
# Run from the top after `make` (bench/run.sh does).
set -eu
BUILD=${BUILD:-build}
CC=${CC:-cc}
top=$(cd "$(dirname "$0")/.." && pwd)
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
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
awk -v e="$1" -v p="$2" 'BEGIN { printf "| crash.point | %.3f ns/iter | %.3f ns/iter (empty loop) | %.2f | <= baseline + 1 ns (now +%.3f) |\n", p, e, p / e, p - e }'

# runs/s: PROGRAM + verifier per run, so two spawns; the baseline is
# bench/run.sh's posix_spawn loop of true with 2 in flight, when given.
spawn=
if [ -n "${SPAWN_LOOP:-}" ] && [ -x "$SPAWN_LOOP" ]; then
	spawn=$("$SPAWN_LOOP" -p 2 -t 1 true 2>/dev/null)
fi
points=400
runs() { # label tmpdir
	t0=$(now)
	TMPDIR=$2 "$BUILD/ordeal" crash -j2 --verify true -- "$BUILD/examples/crashprog" points $((points - 1)) >"$tmp/runs.out"
	t1=$(now)
	grep -q "^$points crash points, 0 failed" "$tmp/runs.out" || { echo "crash.sh: crash runs failed" >&2; cat "$tmp/runs.out" >&2; exit 1; }
	awk -v n=$points -v ns=$((t1 - t0)) -v s="$spawn" -v l="$1" -v d="$2" 'BEGIN {
		r = n / (ns / 1e9)
		if (s != "")
			printf "| crash.runs_per_s%s | %.0f runs/s | %s spawns/s | %.2f | >= 200 runs/s (-j2, trivial verifier, work dir %s) |\n", l, r, s, r / s, d
		else
			printf "| crash.runs_per_s%s | %.0f runs/s | - | - | >= 200 runs/s (-j2, trivial verifier, work dir %s) |\n", l, r, d
	}'
}
runs "" "${TMPDIR:-/tmp}"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	runs _tmpfs /dev/shm
fi

count=20000
writer() { # env...
	rm -rf "$tmp/w" && mkdir "$tmp/w"
	t0=$(now)
	(cd "$tmp/w" && env "$@" "$out/crash-writer" $count 64)
	t1=$(now)
	echo $((t1 - t0))
}
# Rounds interleave the three variants so that a burst of load on a shared
# machine hits them alike; each keeps its fastest round.
plain= pre= pl=
min() { if [ -z "$1" ] || [ "$2" -lt "$1" ]; then echo "$2"; else echo "$1"; fi; }
for round in 1 2 3 4 5; do
	plain=$(min "$plain" "$(writer X=1)")
	pre=$(min "$pre" "$(writer ORDEAL_CRASH_DIR="$tmp/w" LD_PRELOAD="$BUILD/libordeal-preload.so")")
	pl=$(min "$pl" "$(writer ORDEAL_CRASH_DIR="$tmp/w" LD_PRELOAD="$BUILD/libordeal-preload.so" ORDEAL_POWER_LOSS=1)")
done
awk -v a=$plain -v b=$pre -v n=$count 'BEGIN { printf "| crash.preload | %.1f ms | %.1f ms (plain) | %.2f | - (%d 4 KiB pwrites, fdatasync every 64, unarmed) |\n", b / 1e6, a / 1e6, b / a, n }'
awk -v a=$plain -v b=$pl 'BEGIN { printf "| crash.power_loss | %.1f ms | %.1f ms (plain) | %.2f | - (the same with power-loss bookkeeping) |\n", b / 1e6, a / 1e6, b / a }'
