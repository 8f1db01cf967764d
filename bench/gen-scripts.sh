#!/bin/sh
# gen-scripts.sh DIR [N] [SEED] - write N (default 200) deterministic script
# tests of 10 to 50 commands each into DIR, for bench/script-bench.sh.  The
# commands are the generic ones both ordeal and go-internal's testscript
# know: built-ins (env, mkdir, cd, exists, cmp, grep, stdout, cp, rm) and
# exec of small programs (/bin/true, echo, cat).  Every script passes.
set -eu
dir=$1
n=${2:-200}
seed=${3:-1}
mkdir -p "$dir"
awk -v n="$n" -v seed="$seed" -v dir="$dir" '
function rnd(k) { state = (state * 1103515245 + 12345) % 2147483648; return int(state / 65536) % k }
BEGIN {
	state = seed
	for (s = 0; s < n; s++) {
		f = sprintf("%s/bench_%03d.txt", dir, s)
		cmds = 10 + rnd(41)
		printf "# generated script %d: %d commands\n", s, cmds > f
		d = 0
		for (c = 0; c < cmds; c++) {
			r = rnd(12)
			if (r == 0)      printf "exec /bin/true\n" >> f
			else if (r == 1) { printf "exec echo word%d\n", c >> f; printf "stdout ^word%d$\n", c >> f; c++ }
			else if (r == 2) { printf "exec cat data.txt\n" >> f; printf "stdout \x27^line [0-9]+$\x27\n", c >> f; c++ }
			else if (r == 3) printf "env V%d=value%d\n", c, c >> f
			else if (r == 4) { printf "mkdir d%d/sub\n", c >> f; printf "exists d%d/sub\n", c >> f; c++ }
			else if (r == 5) printf "cmp data.txt copy.txt\n" >> f
			else if (r == 6) printf "grep -count=3 \x27^line\x27 data.txt\n" >> f
			else if (r == 7) { printf "cp data.txt c%d.txt\n", c >> f; printf "rm c%d.txt\n", c >> f; c++ }
			else if (r == 8) printf "! exists missing%d\n", c >> f
			else if (r == 9) printf "! exec /bin/false\n" >> f
			else if (r == 10) { printf "# phase %d\n", c >> f }
			else             printf "exists data.txt\n" >> f
		}
		printf "-- data.txt --\nline 1\nline 2\nline 3\n-- copy.txt --\nline 1\nline 2\nline 3\n" >> f
		close(f)
	}
}'
