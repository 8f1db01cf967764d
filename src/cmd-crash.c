/*
 * cmd-crash.c - `ordeal crash` (not yet implemented: being built on branch crash).
 */
#include "common.h"
#include "cmd.h"

int cmd_crash(int argc UNUSED, const char **argv UNUSED)
{
	error("'ordeal crash' is not implemented yet");
	return EXIT_USAGE;
}
