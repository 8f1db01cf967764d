#!/bin/sh
# run-bench.sh - the `ordeal run` rows of `make bench`:
#
#   run.10k_true_j2   10,000 tests of `true` (--list/--exec) with -j2,
#                     against the bare posix_spawn loop (spawn-loop -p 2)
#                     on the same command, run just before and just after
#                     ordeal (the mean is the baseline, as the machine's
#                     speed drifts): what supervision, process
#                     groups, rusage, per-test evidence files and the
#                     reports cost per test.
#   run.<n>k_true_j2_tmpfs  the same with the output directory on tmpfs
#                     (/dev/shm), when there is one: without the disk
#                     filesystem's cost of creating 40,000 files.
#   run.rss_per_test  ordeal's peak RSS growth per finished test, from a
#                     1,000-test and a 10,000-test run (the runner keeps a
#                     small record per test for the final reports).
#   run.rss_peak_10k  ordeal's peak RSS for the 10,000-test run.
#
# ordeal's peak RSS is measured by ordeal itself: an outer `ordeal run`
# runs the inner run as its one test and reports that tree's max RSS
# (wait4), which is the inner ordeal's (each `true` is far smaller).
# BENCH_QUICK=1 uses 2,000 tests.  Run from the top of the tree.
set -eu
BUILD=${BUILD:-build}
ordeal=$(cd "$BUILD" && pwd)/ordeal
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ordeal-bench-run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ -z "${SPAWN_LOOP:-}" ]; then
	SPAWN_LOOP=$tmp/spawn-loop
	${CC:-cc} -std=c11 -O2 -o "$SPAWN_LOOP" bench/spawn-loop.c
fi
n=10000
[ -n "${BENCH_QUICK:-}" ] && n=2000
small=$((n / 10))

now() { date +%s.%N; }
seq 1 "$n" >"$tmp/ids-big"
seq 1 "$small" >"$tmp/ids-small"

# The inner run, as a script the outer run starts (no shell in templates).
cat >"$tmp/inner.sh" <<EOS
#!/bin/sh
exec "$ordeal" run -j2 --output-dir "$tmp/inner-\$1" --list "$tmp/ids-\$1" --exec 'true {}' >/dev/null 2>&1
EOS

peak_kb() { # small|big -> the inner ordeal's max RSS in KiB
	"$ordeal" run -j1 --output-dir "$tmp/outer-$1" --list - \
		--exec "sh $tmp/inner.sh {}" >/dev/null 2>&1 <<EOS
$1
EOS
	sed -n 's/.*"max_rss_kb": \([0-9]*\),.*/\1/p' \
		"$tmp/outer-$1/reports/report.json" | head -n 1
}

# One timed ordeal run in directory $1 between two runs of the bare loop
# (the machine's speed drifts; the mean of the two is the baseline):
# prints "ordeal_seconds baseline_runs_per_second".
timed_pair() {
	b1=$("$SPAWN_LOOP" -p 2 -n "$n" true)
	s0=$(now)
	"$ordeal" run -j2 --output-dir "$1/timed" --list "$tmp/ids-big" \
		--exec 'true {}' >/dev/null 2>&1
	s1=$(now)
	b2=$("$SPAWN_LOOP" -p 2 -n "$n" true)
	rm -rf "$1/timed"
	awk -v s0="$s0" -v s1="$s1" -v b1="$b1" -v b2="$b2" \
		'BEGIN { printf "%.3f %.1f\n", s1 - s0, (b1 + b2) / 2 }'
}

disk=$(timed_pair "$tmp")
shm=
tmpfs=
if [ -d /dev/shm ] && [ -w /dev/shm ] &&
	shm=$(mktemp -d /dev/shm/ordeal-bench-run.XXXXXX); then
	tmpfs=$(timed_pair "$shm")
	rm -rf "$shm"
fi
rss_small=$(peak_kb small)
rm -rf "$tmp/inner-small"
rss_big=$(peak_kb big)

awk -v n="$n" -v disk="$disk" -v tmpfs="$tmpfs" \
    -v small="$small" -v rs="$rss_small" -v rb="$rss_big" '
function row(name, pair,    f, rate) {
	split(pair, f, " ")
	rate = n / f[1]
	printf "| %s | %.0f tests/s (%.2fs) | %.0f runs/s (spawn-loop -p 2) | %.2fx the time | <= 1.3x |\n",
		name, rate, f[1], f[2], f[2] / rate
}
BEGIN {
	row(sprintf("run.%dk_true_j2", n / 1000), disk)
	if (tmpfs != "")
		row(sprintf("run.%dk_true_j2_tmpfs", n / 1000), tmpfs)
	per = (rb - rs) * 1024 / (n - small)
	printf "| run.rss_per_test | %.0f bytes/test | - | - | < 1 KiB/test (%d KiB at %d tests, %d KiB at %d) |\n",
		per, rs, small, rb, n
	printf "| run.rss_peak_%dk | %d KiB | - | - | < 64 MiB |\n", n / 1000, rb
}'
echo "run-bench: each test writes tests/NAME/{stdout,stderr,result.json} on $(df -T "$tmp" | awk 'NR == 2 { print $2 }'); the bare loop writes nothing."
