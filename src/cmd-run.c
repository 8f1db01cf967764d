/*
 * cmd-run.c - `ordeal run` (not yet implemented: being built on branch run).
 */
#include "common.h"
#include "cmd.h"

int cmd_run(int argc UNUSED, const char **argv UNUSED)
{
	error("'ordeal run' is not implemented yet");
	return EXIT_USAGE;
}
