#!/bin/sh
# examples/order/demo.sh - `make demo`'s ordeal shuffle section: random
# orders of the order-dependent suite until tests fail, each failure shrunk
# to its minimal sequence and classified.  Run from the top of the tree
# with BUILD set (examples/demo.sh does).  The report and evidence go to a
# temporary directory, removed afterwards.
set -u
BUILD=${BUILD:-build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ordeal-order-demo.XXXXXX") || exit 1
echo "\$ ordeal shuffle --seed 2 --times 3 --iterations 4 \\"
echo "    --setup 'sh examples/order/reset.sh' --teardown 'sh examples/order/reset.sh' \\"
echo "    examples/order"
"$BUILD/ordeal" shuffle --seed 2 --times 3 --iterations 4 \
	--setup 'sh examples/order/reset.sh' \
	--teardown 'sh examples/order/reset.sh' \
	--report "$tmp/smoke-report.txt" examples/order
rc=$?
echo "(exit status $rc: order dependencies found, as planted)"
rm -rf "$tmp"
rm -f order.state order.ready
