// SPDX-License-Identifier: MIT
/* losing-burst: now and then a burst of copies of the packet, delivered
 * without waiting for room, larger than the ring holds: drops while the
 * consumer is behind, then TP_STATUS_LOSING on the frames (V1/V2) or
 * blocks (V3) after them until PACKET_STATISTICS is read. */
#include "scenario_impl.h"

static void packet(struct tpr_scn_ctx *c, struct tpr_pkt *p, uint64_t index)
{
	struct tpr_ring_fact rf;
	struct tpr_pkt *d;
	uint64_t n;

	if (!c->u[0])
		c->u[0] = tpr_scn_range(c, 1, 64);	/* the first burst */
	if (index + 1 != c->u[0] ||
	    !tpr_scn_ring(c, TPR_V12 | TPR_V3, &rf))
		return;
	c->u[0] += tpr_scn_range(c, 64, 512);		/* the next one */
	/* more packets than the ring has slots for, whatever their size */
	n = rf.v.ring_bytes / (p->p.len > 64 ? p->p.len : 64) + 16;
	if (rf.v.version != TPACKET_V3 && n > rf.v.frame_nr * 2ull)
		n = rf.v.frame_nr * 2ull;
	if (n > 100000)
		n = 100000;
	d = tpr_scn_dup(p);
	if (!d)
		return;
	d->no_wait = true;
	for (uint64_t i = 0; i < n && !c->r->stop; i++)
		tpr_scn_emit(c, d);
	tpr_scn_free(d);
}

const struct tpr_scenario tpr_scn_losing_burst = {
	.info = { "losing-burst",
		  "libpcap#898, libpcap#546 (the reader out of step with the "
		  "kernel)",
		  "bursts that overrun the ring while the consumer is behind: "
		  "drops, then TP_STATUS_LOSING" },
	.packet = packet,
};
