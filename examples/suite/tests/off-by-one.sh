#!/bin/sh
# A failing test: it expects 5 lines and counts one too many.
lines=$(printf 'a\nb\nc\nd\ne\n' | wc -l)
echo "counted $lines lines"
if [ "$((lines + 1))" -ne 5 ]; then
	echo "expected 5 lines, got $((lines + 1))" >&2
	exit 1
fi
