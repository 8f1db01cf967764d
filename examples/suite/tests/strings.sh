#!/bin/sh
# A passing test: tr upper-cases.
got=$(echo ordeal | tr a-z A-Z)
[ "$got" = ORDEAL ] || { echo "got '$got'" >&2; exit 1; }
echo "upper-cased: $got"
