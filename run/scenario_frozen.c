// SPDX-License-Identifier: MIT
/* v3-frozen: once, copies of a packet without waiting until the first V3
 * ring drops one (every block the user's: the queue freezes, B3,
 * tp_freeze_q_cnt), then a few more that the frozen queue drops. The
 * consumer must return the oldest block first to thaw it. */
#include "scenario_impl.h"

static void packet(struct tpr_scn_ctx *c, struct tpr_pkt *p, uint64_t index)
{
	struct tpr_ring_fact rf;

	if (!c->u[0])
		c->u[0] = tpr_scn_range(c, 1, 32);
	/* with the open block the kernel's, only a frozen queue drops */
	if (index + 1 == c->u[0] && tpr_scn_ring(c, TPR_V3, &rf))
		tpr_scn_burst(c, p, rf.s, 3);
}

const struct tpr_scenario tpr_scn_v3_frozen = {
	.info = { "v3-frozen",
		  "Suricata PR#64 (lapping frames still in use); "
		  "tp_freeze_q_cnt",
		  "every V3 block filled until the queue freezes, then more "
		  "packets" },
	.packet = packet,
};
