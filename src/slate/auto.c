/*
 * slate/auto.c - the "auto:DIR" slate: settles, in slate_open, on the
 * cheapest backend that works for DIR here: a btrfs snapshot when DIR is a
 * subvolume, else an overlay, else a reflink copy, else a plain copy.
 * After open, s->ops is the chosen backend's table.
 */
#include "common.h"
#include "slate/backend.h"
#include "os.h"
#include "strbuf.h"

static int auto_open(struct slate *s, struct strbuf *why)
{
	static const struct slate_ops *const order[] = {
		&slate_btrfs_ops,
		&slate_overlay_ops,
		&slate_reflink_ops,
		&slate_copy_ops,
	};
	struct strbuf tried = STRBUF_INIT;
	const char *fs;

	if (!slate_check_dir(s->source, "the slate directory", why))
		return -1;
	fs = os_fs_type(s->source);
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		const struct slate_ops *o = order[i];

		/* Do not spawn btrfs just to hear that ext4 is not btrfs. */
		if (o == &slate_btrfs_ops && (!fs || strcmp(fs, "btrfs")))
			continue;
		strbuf_reset(&tried);
		if (!o->open(s, &tried)) {
			s->ops = o;
			s->auto_chosen = true;
			strbuf_release(&tried);
			return 0;
		}
		if (o->close)
			o->close(s);
		s->priv = NULL;
		s->unprivileged = false;
	}
	strbuf_addf(why, "no slate backend works for '%s': %s", s->source,
		    tried.buf);
	strbuf_release(&tried);
	return -1;
}

static int auto_unused(struct slate *s UNUSED, struct slate_run *r UNUSED)
{
	BUG("auto slate used before slate_open chose a backend");
}

const struct slate_ops slate_auto_ops = {
	.name = "auto",
	.open = auto_open,
	.create = auto_unused,
	.destroy = auto_unused,
};
