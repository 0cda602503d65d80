// SPDX-License-Identifier: MIT
/* v3-frozen: once, copies of a packet without waiting until the first V3
 * ring drops one (every block the user's: the queue freezes, B3,
 * tp_freeze_q_cnt), then a few more that the frozen queue drops. The
 * consumer must return the oldest block first to thaw it. */
#include "scenario_impl.h"

static void packet(struct tpr_scn_ctx *c, struct tpr_pkt *p, uint64_t index)
{
	struct tpr_ring_fact rf;
	struct tpr_sockent *e;
	struct tpr_pkt *d;
	uint64_t sent = 0, drops;

	if (!c->u[0])
		c->u[0] = tpr_scn_range(c, 1, 32);
	if (index + 1 != c->u[0] || !tpr_scn_ring(c, TPR_V3, &rf))
		return;
	d = tpr_scn_dup(p);
	if (!d)
		return;
	d->no_wait = true;
	e = tpr__sock_find(c->r, rf.s);
	drops = e->dropped;
	/* until the V3 ring drops one: with the open block the kernel's,
	 * only a frozen queue drops (B3); bounded, as the consumer runs
	 * on meanwhile */
	while (e->dropped == drops && !c->r->stop && sent++ < 100000)
		tpr_scn_emit(c, d);
	for (int i = 0; i < 3 && !c->r->stop; i++)
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
