/* SPDX-License-Identifier: MIT */
/* tpconform internals: differential runs (--differential). */
#ifndef TPC_DIFFERENTIAL_H
#define TPC_DIFFERENTIAL_H

#include <stdbool.h>
#include <stdio.h>

#include "tpc_backend.h"

/* One of the two backends compared, opened. */
struct tpc_diff_side {
	const struct tpc_backend_ops *ops;
	void *ctx;
	bool isolate;	/* run each sequence in a child (plug-ins) */
};

/* Run n random sequences from seed on both backends; print each
 * difference, shrunk, to f; 1 when any sequence differed, 2 when the run
 * could not start. */
int tpc_differential(const struct tpc_diff_side *a,
		     const struct tpc_diff_side *b, unsigned long n,
		     unsigned long seed, FILE *f);

/* --differential-dev: sequences of many sockets on the device
 * (diff_dev.c); same return values. */
int tpc_differential_dev(const struct tpc_diff_side *a,
			 const struct tpc_diff_side *b, unsigned long n,
			 unsigned long seed, FILE *f);

#endif
