/* SPDX-License-Identifier: MIT */
/*
 * `make bench`: throughput of three producers feeding the same consumer,
 * measured in one process run so their ratios mean something.
 */
#ifndef TPSIM_BENCH_H
#define TPSIM_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "tpc_backend.h"
#include "tpsim.h"

/* One throughput run: n packets of len bytes; packets/s consumed, or a
 * negative errno (-ENOSYS: this path cannot run here). */
double bench_sim(int version, uint32_t len, uint64_t n, bool caller_ts);
double bench_baseline(uint32_t len, uint64_t n);
double bench_kernel(void *kctx, int version, uint32_t len, uint64_t n);

/* Setup of a 1 GiB ring: seconds to create and map it, and resident
 * memory (bytes) after mapping and after touching 1 % of it. */
struct setup_cost {
	double seconds;
	uint64_t rss_mapped, rss_touched;
	bool ok;
};
struct setup_cost bench_setup_sim(void);
struct setup_cost bench_setup_kernel(void *kctx);

double bench_now(void);
uint64_t bench_rss(void);

#endif
