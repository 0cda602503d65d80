/* SPDX-License-Identifier: MIT */
/* tpconform internals: expected-difference files (--expect). */
#ifndef TPC_EXPECT_H
#define TPC_EXPECT_H

#include <stddef.h>

struct tpc_expect;

int tpc_expect_load(const char *path, struct tpc_expect **out, char *why,
		    size_t whylen);
/* The reason a case is expected to fail on backend, or NULL. */
const char *tpc_expect_match(const struct tpc_expect *e, const char *backend,
			     const char *variant);
void tpc_expect_free(struct tpc_expect *e);

#endif
