#!/bin/sh
# A failing test: it counts the records of a CSV file with `wc -l`, which
# also counts the header line.
records=$(printf 'name,age\nada,36\nalan,41\ngrace,85\n' | wc -l)
echo "counted $records records"
if [ "$records" -ne 3 ]; then
	echo "expected 3 records, got $records (the header was counted)" >&2
	exit 1
fi
