/*
 * cmd-shuffle.c - `ordeal shuffle` (not yet implemented: being built on branch shuffle).
 */
#include "common.h"
#include "cmd.h"

int cmd_shuffle(int argc UNUSED, const char **argv UNUSED)
{
	error("'ordeal shuffle' is not implemented yet");
	return EXIT_USAGE;
}
