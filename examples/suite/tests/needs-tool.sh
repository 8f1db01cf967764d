#!/bin/sh
# ordeal: requires=exec:frobnicate-9000
# A skipped test: the header above names a program that is not installed,
# so ordeal skips it without running it.
frobnicate-9000 --check
