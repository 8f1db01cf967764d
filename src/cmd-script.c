/*
 * cmd-script.c - `ordeal script` (not yet implemented: being built on branch script).
 */
#include "common.h"
#include "cmd.h"

int cmd_script(int argc UNUSED, const char **argv UNUSED)
{
	error("'ordeal script' is not implemented yet");
	return EXIT_USAGE;
}
