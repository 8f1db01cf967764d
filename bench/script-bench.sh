#!/bin/sh
# script-bench.sh - the `ordeal script` row of `make bench`: time
# `ordeal script -j2` against go-internal's testscript CLI (the baseline,
# built here from Debian's golang-github-rogpeppe-go-internal-dev) on the
# same 200 generated scripts, and print one table row with the ratio.
set -eu
BUILD=${BUILD:-build}
here=$(cd "$(dirname "$0")" && pwd)
ordeal=$(cd "$BUILD" && pwd)/ordeal
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ordeal-bench-script.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
sh "$here/gen-scripts.sh" "$tmp/corpus" 200 1

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }
RUNS=${RUNS:-3}
[ -n "${BENCH_QUICK:-}" ] && RUNS=1

# Best of $RUNS runs each: the machine is shared, the minimum is the
# least disturbed measurement of both tools.
ord=
i=0
while [ $i -lt "$RUNS" ]; do
	t0=$(now)
	"$ordeal" script -q -j2 "$tmp/corpus" || { echo "script: ordeal failed on the corpus" >&2; exit 1; }
	t1=$(now)
	ord=$(min "$ord" "$(elapsed "$t0" "$t1")")
	i=$((i + 1))
done

src=/usr/share/gocode/src/github.com/rogpeppe/go-internal/cmd/testscript
if ! command -v go >/dev/null 2>&1 || [ ! -d "$src" ]; then
	printf '| script: 200 scripts of 10-50 commands, ordeal script -j2 | %ss | testscript: skipped (go or go-internal missing) | - | >= 2x |\n' "$ord"
	exit 0
fi
( cd "$tmp" && GOCACHE="$tmp/gocache" GO111MODULE=off GOPATH=/usr/share/gocode \
	GOFLAGS= go build -o "$tmp/testscript" github.com/rogpeppe/go-internal/cmd/testscript )
go_t=
i=0
while [ $i -lt "$RUNS" ]; do
	t0=$(now)
	"$tmp/testscript" "$tmp"/corpus/*.txt >/dev/null || { echo "script: testscript failed on the corpus" >&2; exit 1; }
	t1=$(now)
	go_t=$(min "$go_t" "$(elapsed "$t0" "$t1")")
	i=$((i + 1))
done
ratio=$(awk -v a="$go_t" -v b="$ord" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }')
printf '| script: 200 scripts of 10-50 commands, ordeal script -j2 vs go-internal testscript (best of %s) | %ss | %ss | %s | >= 2x |\n' "$RUNS" "$ord" "$go_t" "$ratio"
