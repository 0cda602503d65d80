/* SPDX-License-Identifier: MIT */
/* tpconform internals: --differential-pcap (diff_pcap.c). */
#ifndef TPC_DIFF_PCAP_H
#define TPC_DIFF_PCAP_H

#include <stddef.h>
#include <stdio.h>

#include "differential.h"

/* Replay each capture into both backends (RAW and DGRAM, V1 to V3) and
 * compare every frame; print differences and a summary line to f.
 * 0 none, 1 some, 2 a file could not be read (named on stderr). */
int tpc_differential_pcap(const struct tpc_diff_side *a,
			  const struct tpc_diff_side *b, char *const *files,
			  size_t nfiles, FILE *f);

#endif
