// SPDX-License-Identifier: MIT
/* v3-frozen: once, copies of a packet without waiting until no V3 ring
 * has room (every block the user's: the queue freezes, B3), then a few
 * more that the frozen queue drops (tp_freeze_q_cnt). The consumer must
 * return the oldest block first to thaw it. */
#include "scenario_impl.h"

static void packet(struct tpr_scn_ctx *c, struct tpr_pkt *p, uint64_t index)
{
	struct tpr_ring_fact rf;
	struct tpr_pkt *d;
	uint64_t sent = 0;

	if (!c->u[0])
		c->u[0] = tpr_scn_range(c, 1, 32);
	if (index + 1 != c->u[0] || !tpr_scn_ring(c, TPR_V3, &rf))
		return;
	d = tpr_scn_dup(p);
	if (!d)
		return;
	d->no_wait = true;
	/* bounded: a block of the smallest packets, times the blocks */
	while (tpsim_rx_room(rf.s, d->p.len) == 1 && !c->r->stop &&
	       sent++ < rf.v.block_nr * (rf.v.block_size / 16ull))
		tpr_scn_emit(c, d);
	for (int i = 0; i < 4 && !c->r->stop; i++)
		tpr_scn_emit(c, d);
	tpr_scn_free(d);
}

const struct tpr_scenario tpr_scn_v3_frozen = {
	.info = { "v3-frozen",
		  "Suricata PR#64 (lapping frames still in use); "
		  "tp_freeze_q_cnt",
		  "every V3 block filled until the queue freezes, then more "
		  "packets" },
	.packet = packet,
};
