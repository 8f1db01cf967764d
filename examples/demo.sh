#!/bin/sh
# demo.sh - `make demo`: each ordeal command's main job on the bundled
# examples, one section each.  Every section is a self-contained script
# under examples/ (examples/*/demo.sh) run from the top of the tree with
# BUILD set; this file only puts them in order and frames them.
set -u
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
export BUILD
ordeal=$top/$BUILD/ordeal

section() {
	if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
		printf '\n\033[1m### %s\033[0m\n' "$1"
	else
		printf '\n### %s\n' "$1"
	fi
}

section "ordeal script: a passing and a failing script test"
echo "\$ ordeal script --cmd sort --cmd wc examples/scripts/*.txt"
"$ordeal" script --cmd sort --cmd wc examples/scripts/sort_numbers.txt \
	examples/scripts/wc_words.txt
echo "(exit status $?: a script failed, as it was meant to)"

for part in suite flaky order wal; do
	[ -f "examples/$part/demo.sh" ] || continue
	case $part in
	suite) section "ordeal run: a suite with TAP, JUnit and JSON reports" ;;
	flaky) section "ordeal loop: a 1-in-50 flaky test on a clean slate" ;;
	order) section "ordeal shuffle: the order that breaks, shrunk" ;;
	wal) section "ordeal crash: crash points, power loss and recovery" ;;
	esac
	sh "examples/$part/demo.sh"
done
echo
echo "demo done."
