// SPDX-License-Identifier: MIT
/*
 * Expected-difference files (--expect): the cases a target is known to
 * fail or not to support, each with a reason. A line is a glob over the
 * variant name (v2.ring.x) or the backend-qualified one (kernel.v2.ring.x),
 * blanks, then the reason; '#' starts a comment line.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

struct tpc_expect_line {
	char *pattern, *reason;
};

struct tpc_expect {
	struct tpc_expect_line *l;
	size_t n;
};

void tpc_expect_free(struct tpc_expect *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++) {
		free(e->l[i].pattern);
		free(e->l[i].reason);
	}
	free(e->l);
	free(e);
}

int tpc_expect_load(const char *path, struct tpc_expect **out, char *why,
		    size_t whylen)
{
	struct tpc_expect *e = calloc(1, sizeof(*e));
	FILE *f = fopen(path, "r");
	char line[1024];
	unsigned int lineno = 0;

	*out = NULL;
	if (!e || !f) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		free(e);
		if (f)
			fclose(f);
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *pat, *reason;
		struct tpc_expect_line *nl;

		lineno++;
		p[strcspn(p, "\n")] = '\0';
		p += strspn(p, " \t");
		if (!*p || *p == '#')
			continue;
		pat = p;
		p += strcspn(p, " \t");
		if (*p)
			*p++ = '\0';
		reason = p + strspn(p, " \t");
		if (!*reason) {
			snprintf(why, whylen, "%s:%u: '%s' has no reason: say "
					      "why the target fails it", path,
				 lineno, pat);
			fclose(f);
			tpc_expect_free(e);
			return -EINVAL;
		}
		nl = realloc(e->l, (e->n + 1) * sizeof(*nl));
		if (!nl) {
			fclose(f);
			tpc_expect_free(e);
			return -ENOMEM;
		}
		e->l = nl;
		e->l[e->n].pattern = strdup(pat);
		e->l[e->n].reason = strdup(reason);
		e->n++;
	}
	fclose(f);
	*out = e;
	return 0;
}

const char *tpc_expect_match(const struct tpc_expect *e, const char *backend,
			     const char *variant)
{
	char full[256];

	if (!e)
		return NULL;
	snprintf(full, sizeof(full), "%s.%s", backend, variant);
	for (size_t i = 0; i < e->n; i++)
		if (!fnmatch(e->l[i].pattern, variant, 0) ||
		    !fnmatch(e->l[i].pattern, full, 0))
			return e->l[i].reason;
	return NULL;
}
