#!/bin/sh
# Leaves state behind: a "cache" file the victim trips over.
echo "stale cache from polluter.sh" > order.state
