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

/* One two-thread run: n packets of len bytes, the producer on CPU 0 and
 * the consumer on CPU 1 (when there are two); packets/s consumed, or a
 * negative errno (-ENOSYS: this path cannot run here). batch: packets
 * per tpsim_deliver_batch call (sim) or per clock read and fence (bare);
 * 1 is tpsim_deliver, one packet at a time. */
double bench_sim(int version, uint32_t len, uint64_t n, uint32_t batch);
double bench_baseline(uint32_t len, uint64_t n, uint32_t batch);
double bench_kernel(void *kctx, int version, uint32_t len, uint64_t n);

/* An Ethernet frame of len bytes, the same for every path. */
void bench_frame(uint8_t *f, uint32_t len);

/* single.c: one thread delivers and hands the frame back */
enum st_path {
	ST_SIM_V1, ST_SIM_V2, ST_SIM_V3, ST_SIM_V2_BATCH, ST_BARE_V2,
	ST_BARE_V2_BATCH, ST_NPATHS
};
extern const char *const st_names[ST_NPATHS];
extern const char *const st_keys[ST_NPATHS];
/* ns per packet of one run of n packets, or -1 */
double bench_st_ns(enum st_path path, uint32_t len, uint64_t n);
/* instructions per packet under callgrind (self: this program's path),
 * or -1 when valgrind cannot run */
double bench_st_instructions(const char *self, enum st_path path,
			     uint32_t len);
/* what runs under callgrind: `tpsim-bench --st PATH LEN N` */
int bench_st_child(enum st_path path, uint32_t len, uint64_t n);

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
