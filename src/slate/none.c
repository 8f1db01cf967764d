/*
 * slate/none.c - the "none" slate: every run starts in the caller's
 * current directory; only the evidence dir is made per run.
 */
#include "common.h"
#include "slate/backend.h"

static int none_open(struct slate *s UNUSED, struct strbuf *why UNUSED)
{
	return 0;
}

static int none_create(struct slate *s UNUSED, struct slate_run *r UNUSED)
{
	return 0;
}

static int none_destroy(struct slate *s UNUSED, struct slate_run *r UNUSED)
{
	return 0;
}

const struct slate_ops slate_none_ops = {
	.name = "none",
	.dir_on_keep = true,
	.open = none_open,
	.create = none_create,
	.destroy = none_destroy,
};
