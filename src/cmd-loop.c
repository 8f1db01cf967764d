/*
 * cmd-loop.c - `ordeal loop` (not yet implemented: being built on branch loop).
 */
#include "common.h"
#include "cmd.h"

int cmd_loop(int argc UNUSED, const char **argv UNUSED)
{
	error("'ordeal loop' is not implemented yet");
	return EXIT_USAGE;
}

int cmd_gocrash(int argc UNUSED, const char **argv UNUSED)
{
	error("'ordeal gocrash' is not implemented yet");
	return EXIT_USAGE;
}
