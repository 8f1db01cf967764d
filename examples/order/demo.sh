#!/bin/sh
# examples/order/demo.sh - `make demo`'s ordeal shuffle section: random
# orders of the order-dependent suite until tests fail, each failure shrunk
# to its minimal sequence and classified.  Run from the top of the tree
# with BUILD set (examples/demo.sh does).  The report and its evidence are
# left in $BUILD/demo/ for a look afterwards.
set -u
BUILD=${BUILD:-build}
out=$BUILD/demo/shuffle
rm -rf "$out"
mkdir -p "$out" || exit 1
echo "\$ ordeal shuffle --seed 2 --times 3 --iterations 4 \\"
echo "    --setup 'sh examples/order/reset.sh' --teardown 'sh examples/order/reset.sh' \\"
echo "    --report $out/smoke-report.txt examples/order"
"$BUILD/ordeal" shuffle --seed 2 --times 3 --iterations 4 \
	--setup 'sh examples/order/reset.sh' \
	--teardown 'sh examples/order/reset.sh' \
	--report "$out/smoke-report.txt" examples/order
rc=$?
echo "(exit status $rc: order dependencies found, as planted)"
rm -f order.state order.ready
