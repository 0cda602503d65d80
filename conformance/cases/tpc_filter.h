/* SPDX-License-Identifier: MIT */
/* Helpers shared by the socket filter cases (filter.c, filter_ring.c). */
#ifndef TPC_FILTER_H
#define TPC_FILTER_H

#include <linux/filter.h>

#include "tpc.h"

#define INSN(c, k) ((struct sock_filter){ (c), 0, 0, (uint32_t)(k) })

/* SO_ATTACH_FILTER; returns 0 or -errno (no failure recorded). */
int tpc_attach(struct tpc_t *t, struct tpc_sock *s,
	       const struct sock_filter *f, unsigned int n);
/* Inject frame on a socket without a ring (after draining it): the
 * length recv() reports (MSG_TRUNC), -1 when nothing arrived, -2 when
 * the inject failed (recorded). */
long tpc_through(struct tpc_t *t, struct tpc_sock *s, const void *frame,
		 uint32_t len);
void tpc_udp_frame(struct tpc_t *t, uint8_t *f, uint32_t len, int vlan);
long tpc_filter_value(struct tpc_t *t, struct tpc_sock *s, int vlan,
		      const struct sock_filter *pre, unsigned int n);

#endif
