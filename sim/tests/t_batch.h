/* SPDX-License-Identifier: MIT */
/*
 * The packet list the batch suites deliver both ways (one by one and as
 * tpsim_deliver_batch), and the checks they share.
 */
#ifndef T_BATCH_H
#define T_BATCH_H

#include <stdbool.h>

#include "t_helpers.h"

#define T_BATCH_NPKT 300

/* A varied, deterministic packet list: sizes from 14 to 1514 bytes,
 * host/broadcast/multicast/other destinations, 802.1Q tags in the data
 * and outside it, checksum and timestamp flags, and frames too short
 * for a tag (freed before the taps). */
struct t_batch_list {
	uint8_t data[T_BATCH_NPKT][1514];
	struct tpsim_packet p[T_BATCH_NPKT];
	const struct tpsim_packet *pp[T_BATCH_NPKT];
};

/* Fill l; plain: no flag and no tag in the data (what rx.c's plain path
 * and a batch's plain run take). */
void t_batch_list(struct t_batch_list *l, bool plain);
/* A socket with a small ring, so that the list fills it and drops;
 * V1/V2: frames of 1024 bytes (64 or more: more than TPSIM_BATCH_RUN, the
 * batch then releases a run's statuses at its end). */
struct tpsim_sock *t_batch_ring_sock(int type, int version,
				     unsigned int frames);
/* tpsim_rx_last of a and b (the packet each delivered last, as written)
 * the same: a batch keeps the record as single deliveries do; at names
 * the packet in the failure message. */
void t_batch_same_rx_last(struct tpsim_sock *a, struct tpsim_sock *b,
			  unsigned int at);

#endif
