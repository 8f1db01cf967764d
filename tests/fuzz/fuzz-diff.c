/*
 * fuzz-diff.c - the unified diff (cmp's output) of two random texts: the
 * headers and every hunk header are well-formed, each hunk's line counts
 * match its body, context and removed lines are a's lines at the stated
 * place, and applying the hunks to a gives exactly b (incl. the
 * "\ No newline at end of file" markers).  Equal texts give no diff.
 *
 * Input: a "\n%%\n" b, then optionally a context byte.
 */
#include "common.h"
#include "diff.h"
#include "strbuf.h"

#include "fuzz.h"

struct lines {
	const char **p;
	size_t *len; /* with the '\n' when there is one */
	size_t nr;
};

static void split(struct lines *l, const char *s, size_t n)
{
	size_t i = 0;

	l->p = malloc((n + 1) * sizeof(*l->p));
	l->len = malloc((n + 1) * sizeof(*l->len));
	l->nr = 0;
	if (!l->p || !l->len)
		abort();
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - s) + 1 : n;

		l->p[l->nr] = s + i;
		l->len[l->nr++] = e - i;
		i = e;
	}
}

/* "N" or "N,M" (M defaults to 1); the text after it. */
static const char *range(const char *p, size_t *start, size_t *count)
{
	char *e;

	*start = strtoul(p, &e, 10);
	if (e == p)
		FUZZ_FAIL("bad hunk range '%s'", p);
	*count = 1;
	if (*e == ',') {
		p = e + 1;
		*count = strtoul(p, &e, 10);
		if (e == p)
			FUZZ_FAIL("bad hunk count");
	}
	return e;
}

/* The next line of the diff (without '\n'); NULL at the end. */
static const char *next_line(const char **pos, const char *end, size_t *n)
{
	const char *s = *pos, *nl;

	if (s >= end)
		return NULL;
	nl = memchr(s, '\n', (size_t)(end - s));
	FUZZ_ASSERT(nl); /* every diff line ends with a newline */
	*n = (size_t)(nl - s);
	*pos = nl + 1;
	return s;
}

static void apply(const char *d, size_t dlen, const char *a, size_t alen,
		  const char *b, size_t blen)
{
	struct lines la;
	struct strbuf out = STRBUF_INIT;
	const char *pos = d, *end = d + dlen, *l;
	size_t n, ai = 0; /* next line of a not yet copied */
	bool had_hunk = false;

	split(&la, a, alen);
	l = next_line(&pos, end, &n);
	FUZZ_ASSERT(l && n == 5 && !memcmp(l, "--- a", 5));
	l = next_line(&pos, end, &n);
	FUZZ_ASSERT(l && n == 5 && !memcmp(l, "+++ b", 5));
	l = next_line(&pos, end, &n);
	while (l) {
		size_t os, oc, ns, nc, seen_o = 0, seen_n = 0, first;
		char hdr[128];
		const char *p;

		FUZZ_ASSERT(n < sizeof(hdr) && n > 4);
		memcpy(hdr, l, n);
		hdr[n] = '\0';
		FUZZ_ASSERT(!strncmp(hdr, "@@ -", 4));
		p = range(hdr + 4, &os, &oc);
		FUZZ_ASSERT(!strncmp(p, " +", 2));
		p = range(p + 2, &ns, &nc);
		FUZZ_ASSERT(!strcmp(p, " @@"));
		FUZZ_ASSERT(oc || nc);
		/* An empty range names the line before it. */
		first = oc ? os - 1 : os;
		FUZZ_ASSERT(oc ? os >= 1 : true);
		FUZZ_ASSERT(first >= ai && first + oc <= la.nr);
		had_hunk = true;
		for (; ai < first; ai++)
			strbuf_add(&out, la.p[ai], la.len[ai]);
		l = next_line(&pos, end, &n);
		while (l && (seen_o < oc || seen_n < nc)) {
			char sign = n ? l[0] : 0;
			bool no_nl = false;
			const char *body = l + 1;
			size_t blen2 = n - 1;
			const char *peek = pos;
			size_t pn;
			const char *nx = next_line(&peek, end, &pn);

			FUZZ_ASSERT(sign == ' ' || sign == '-' || sign == '+');
			if (nx && pn && nx[0] == '\\') {
				FUZZ_ASSERT(pn == 27 &&
					    !memcmp(nx, "\\ No newline at end of file", 27));
				no_nl = true;
				pos = peek;
			}
			if (sign != '+') {
				FUZZ_ASSERT(ai < la.nr);
				FUZZ_ASSERT(la.len[ai] == blen2 + !no_nl);
				FUZZ_ASSERT(!memcmp(la.p[ai], body, blen2));
				FUZZ_ASSERT(no_nl || la.p[ai][blen2] == '\n');
				ai++;
				seen_o++;
			}
			if (sign != '-') {
				strbuf_add(&out, body, blen2);
				if (!no_nl)
					strbuf_addch(&out, '\n');
				seen_n++;
			}
			l = next_line(&pos, end, &n);
		}
		FUZZ_ASSERT(seen_o == oc && seen_n == nc);
	}
	FUZZ_ASSERT(had_hunk);
	for (; ai < la.nr; ai++)
		strbuf_add(&out, la.p[ai], la.len[ai]);
	if (out.len != blen || memcmp(out.buf, b, blen))
		FUZZ_FAIL("the diff applied to a does not give b");
	strbuf_release(&out);
	free(la.p);
	free(la.len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {(const char *)data, size};
	struct strbuf out = STRBUF_INIT;
	size_t alen, blen;
	const char *a = fuzz_field(&in, &alen);
	const char *b = fuzz_field(&in, &blen);
	int context = in.left ? (int)(fuzz_byte(&in) % 6) : 3;
	int r;

	r = diff_unified(&out, "a", a, alen, "b", b, blen, context);
	if (alen == blen && !memcmp(a, b, alen)) {
		FUZZ_ASSERT(r == 0 && out.len == 0);
	} else {
		FUZZ_ASSERT(r == 1);
		apply(out.buf, out.len, a, alen, b, blen);
	}
	strbuf_release(&out);
	return 0;
}
