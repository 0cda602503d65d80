// SPDX-License-Identifier: MIT
/* losing-burst: now and then a burst of copies of the packet, delivered
 * without waiting for room until the ring drops some: drops while the
 * consumer is behind, then TP_STATUS_LOSING on the frames (V1/V2) or
 * blocks (V3) after them until PACKET_STATISTICS is read. */
#include "scenario_impl.h"

static void packet(struct tpr_scn_ctx *c, struct tpr_pkt *p, uint64_t index)
{
	struct tpr_ring_fact rf;

	if (!tpr_scn_ring(c, TPR_V12 | TPR_V3, &rf))
		return;		/* no ring yet: nothing to overrun */
	/* the first burst within 8 packets of the first one a ring sees,
	 * so every input of 8 packets or more gets one (drawn from the
	 * whole input, seed 1 put it past the 60 of eth-mixed) */
	if (!c->u[0])
		c->u[0] = index + tpr_scn_range(c, 1, 8);
	if (index + 1 != c->u[0])
		return;
	c->u[0] += tpr_scn_range(c, 64, 512);		/* the next one */
	/* then a few more the full ring drops too */
	tpr_scn_burst(c, p, rf.s, tpr_scn_range(c, 1, 16));
}

const struct tpr_scenario tpr_scn_losing_burst = {
	.info = { "losing-burst",
		  "libpcap#898, libpcap#546 (the reader out of step with the "
		  "kernel)",
		  "bursts that overrun the ring while the consumer is behind: "
		  "drops, then TP_STATUS_LOSING" },
	.packet = packet,
};
