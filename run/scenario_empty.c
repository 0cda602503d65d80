// SPDX-License-Identifier: MIT
/* v3-empty-block: a packet that fills a whole block (cut to the block's
 * room, B5) arriving at an empty open block: the kernel closes that block
 * with num_pkts 0 and puts the packet in the next (B2). Before the first
 * packet (the block the ring opened with) and again after an idle gap
 * (the retire timer closed the block, a fresh one is open). */
#include <string.h>

#include "scenario_impl.h"

static void jumbo(struct tpr_scn_ctx *c, const struct tpr_pkt *p,
		  const struct tpr_ring_fact *rf, int64_t gap_ns)
{
	struct tpr_pkt *d = tpr_scn_dup(p);
	uint32_t len = rf->v.max_frame_len + 64;
	int64_t t;

	if (!d)
		return;
	if (len > TPR_PKT_CAP)
		len = TPR_PKT_CAP;
	memset(d->data + 14, 0x5a, len - 14);
	d->p.len = len;
	t = (int64_t)d->p.clock_at.tv_sec * 1000000000 + d->p.clock_at.tv_nsec +
	    gap_ns;
	d->p.clock_at.tv_sec = t / 1000000000;
	d->p.clock_at.tv_nsec = t % 1000000000;
	d->p.sw_ts = d->p.clock_at;
	tpr_scn_emit(c, d);
	tpr_scn_free(d);
}

static void packet(struct tpr_scn_ctx *c, struct tpr_pkt *p, uint64_t index)
{
	struct tpr_ring_fact rf;

	if (p->p.len < 14 || !tpr_scn_ring(c, TPR_V3, &rf))
		return;
	if (!c->u[0]++) {
		jumbo(c, p, &rf, 0);
		c->u[1] = index + tpr_scn_range(c, 8, 64);
	} else if (index == c->u[1]) {
		/* idle past the block timeout first */
		jumbo(c, p, &rf, (int64_t)(rf.v.retire_tov_ms * 2 + 1) *
					 1000000);
		c->u[1] = index + tpr_scn_range(c, 8, 64);
	}
}

const struct tpr_scenario tpr_scn_v3_empty_block = {
	.info = { "v3-empty-block",
		  "gopacket#251 (an empty V3 block parsed as a packet)",
		  "a packet that fills a whole block arrives at an empty open "
		  "block: the block is closed with num_pkts 0" },
	.packet = packet,
};
