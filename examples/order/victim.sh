#!/bin/sh
# Passes on a pristine state, fails when polluter.sh ran before it (unless
# cleaner.sh ran in between).
if [ -e order.state ]; then
	echo "victim.sh: unexpected state: $(cat order.state)" >&2
	exit 1
fi
echo "victim.sh: state is clean"
