/*
 * cmd.h - the subcommands: one cmd_<name>() per src/cmd-<name>.c, listed
 * in the table in main.c.  Each receives argv with argv[0] the subcommand
 * name and returns ordeal's exit status (common.h EXIT_*).
 */
#ifndef ORDEAL_CMD_H
#define ORDEAL_CMD_H

struct cmd_entry {
	const char *name;
	int (*fn)(int argc, const char **argv);
	const char *summary;
};

int cmd_script(int argc, const char **argv);
int cmd_run(int argc, const char **argv);
int cmd_loop(int argc, const char **argv);
int cmd_gocrash(int argc, const char **argv);
int cmd_shuffle(int argc, const char **argv);
int cmd_crash(int argc, const char **argv);

#endif
