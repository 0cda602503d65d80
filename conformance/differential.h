/* SPDX-License-Identifier: MIT */
/* tpconform internals: differential runs (--differential). */
#ifndef TPC_DIFFERENTIAL_H
#define TPC_DIFFERENTIAL_H

#include <stdio.h>

#include "tpc_backend.h"

/* Run n random sequences from seed on both backends; print differences
 * to f; 1 when any sequence differed. */
int tpc_differential(const struct tpc_backend_ops *a, void *actx,
		     const struct tpc_backend_ops *b, void *bctx,
		     unsigned long n, unsigned long seed, FILE *f);

#endif
