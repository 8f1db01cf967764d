#!/bin/sh
# Removes the state: run between the polluter and the victim, it hides the
# failure.
rm -f order.state
