#!/bin/sh
# bench/run.sh - `make bench`: the performance table.
#
# Builds the shared baseline bench/spawn-loop.c into $BUILD/bench/spawn-loop
# (exported as SPAWN_LOOP), measures it, then runs every row script and
# prints one markdown table:
#
#   | name | measured | baseline | ratio | target |
#
# Row scripts are bench/*.sh (run from the top of the tree with BUILD set;
# the known ones first, in this order: runcmd, run-bench, loop,
# script-bench, shuffle, crash; then any other).  Scripts named gen-*.sh,
# lib*.sh or _*.sh are helpers, not rows.  A row script prints
#   - table rows: lines starting with '|' (header/separator lines ignored),
#   - or "NAME VALUE UNIT NOTE..." lines, turned into rows,
#   - anything else goes, verbatim, to the details after the table.
#
# Bench measures; it never asserts.  A slow machine gives slow numbers, a
# row script that fails becomes a "failed" row, and the exit status is 0
# unless the baseline itself cannot be built.
#
# Environment: BUILD (default build), CC, BENCH_ONLY="crash loop" to run
# only those row scripts, BENCH_QUICK=1 passed on for shorter runs,
# BENCH_TIMEOUT seconds per row script (default 1200).

set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
BUILD=${BUILD:-build}
case $BUILD in /*) ABS_BUILD=$BUILD ;; *) ABS_BUILD=$ROOT/$BUILD ;; esac
CC=${CC:-cc}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-1200}
BENCH_ONLY=${BENCH_ONLY:-}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ordeal-bench-run-XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM HUP
ROWS=$TMP/rows
DETAILS=$TMP/details
: >"$ROWS"
: >"$DETAILS"

say() { echo "bench: $*" >&2; }

# ---- the baseline -------------------------------------------------------
mkdir -p "$ABS_BUILD/bench"
SPAWN_LOOP=$ABS_BUILD/bench/spawn-loop
if ! $CC -std=c11 -O2 -Wall -o "$SPAWN_LOOP" bench/spawn-loop.c; then
	say "error: cannot build bench/spawn-loop.c"
	exit 2
fi
export BUILD ABS_BUILD SPAWN_LOOP CC
[ -n "${BENCH_QUICK:-}" ] && export BENCH_QUICK

ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
for p in 1 "$ncpu"; do
	r=$("$SPAWN_LOOP" -p "$p" -t 1 true 2>/dev/null)
	printf '| spawn.baseline_p%s | %s runs/s | - | - | posix_spawn of true, %s in flight (the baseline of process rows) |\n' \
		"$p" "${r:-?}" "$p" >>"$ROWS"
	[ "$p" = "$ncpu" ] && break
done

# ---- the row scripts ----------------------------------------------------
with_timeout() {
	if command -v timeout >/dev/null 2>&1; then
		timeout -k 10 "$BENCH_TIMEOUT" "$@"
	else
		"$@"
	fi
}

scripts=
for name in runcmd run-bench loop script-bench shuffle crash; do
	[ -f "bench/$name.sh" ] && scripts="$scripts bench/$name.sh"
done
for f in bench/*.sh; do
	[ -f "$f" ] || continue
	case ${f##*/} in
	run.sh | gen-*.sh | lib*.sh | _*.sh) continue ;;
	esac
	case " $scripts " in *" $f "*) continue ;; esac
	scripts="$scripts $f"
done

# A row script's stdout -> rows and details.
collect() { # script-name output-file
	awk -v script="$1" -v rows="$ROWS" -v details="$DETAILS" '
	function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
	/^[ \t]*\|/ {
		line = trim($0)
		# header and separator rows of the script'"'"'s own table
		if (line ~ /^\|[- :|]+\|$/ || line ~ /^\| *name *\|/)
			next
		print line >> rows
		next
	}
	# "NAME VALUE UNIT NOTE...": a dotted or underscored name, a number
	NF >= 2 && $1 ~ /^[A-Za-z][A-Za-z0-9_.-]*[._][A-Za-z0-9_.-]*$/ &&
	    $2 ~ /^-?[0-9.]+(e[-+]?[0-9]+)?$/ {
		unit = (NF >= 3) ? " " $3 : ""
		note = ""
		for (i = 4; i <= NF; i++)
			note = note (i > 4 ? " " : "") $i
		printf "| %s | %s%s | - | - | %s |\n", $1, $2, unit, note >> rows
		next
	}
	NF {
		if (!hdr++)
			printf "### %s\n\n```\n", script >> details
		print >> details
	}
	END { if (hdr) print "```\n" >> details }
	' "$2"
}

for f in $scripts; do
	name=${f##*/}
	name=${name%.sh}
	case $BENCH_ONLY in
	"") ;;
	*) case " $BENCH_ONLY " in *" $name "*) ;; *) continue ;; esac ;;
	esac
	say "running $f"
	out=$TMP/$name.out
	err=$TMP/$name.err
	t0=$(date +%s)
	with_timeout sh "$f" >"$out" 2>"$err"
	rc=$?
	t1=$(date +%s)
	collect "$name" "$out"
	if [ $rc -ne 0 ]; then
		say "$f failed (exit status $rc)"
		printf '| %s | failed (exit status %s) | - | - | see details |\n' \
			"$name" "$rc" >>"$ROWS"
		{
			printf '### %s: stderr (last 20 lines)\n\n```\n' "$name"
			tail -n 20 "$err"
			printf '```\n\n'
		} >>"$DETAILS"
	else
		say "$f done in $((t1 - t0))s"
	fi
done

# ---- the table ----------------------------------------------------------
echo "# ordeal bench"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $ncpu CPUs, $(uname -sr)," \
	"build '$BUILD' ($(cat VERSION 2>/dev/null || echo '?'))"
echo
echo "| name | measured | baseline | ratio | target |"
echo "|---|---|---|---|---|"
cat "$ROWS"
if [ -s "$DETAILS" ]; then
	echo
	echo "## details"
	echo
	cat "$DETAILS"
fi
exit 0
