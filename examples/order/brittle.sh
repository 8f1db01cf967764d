#!/bin/sh
# Brittle: fails alone, passes only when setter.sh ran before it.
if [ ! -e order.ready ]; then
	echo "brittle.sh: not configured (order.ready is missing)" >&2
	exit 1
fi
echo "brittle.sh: $(cat order.ready)"
