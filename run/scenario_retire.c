// SPDX-License-Identifier: MIT
/* old-retire: sockets on the linux-6.12 profile, whose V3 retire timer is
 * a jiffies timer re-armed at each block open (before 6.18's periodic
 * hrtimer, B4), and packets spaced at three quarters of the block
 * timeout, so a block closes at a different packet than on today's
 * kernel: a consumer that assumes one timer model sees the other. */
#include "scenario_impl.h"

static void packet(struct tpr_scn_ctx *c, struct tpr_pkt *p, uint64_t index)
{
	struct tpr_ring_fact rf;
	int64_t t;

	if (!tpr_scn_ring(c, TPR_V3, &rf))
		return;
	if (!index || !c->u[0])
		c->u[0] = (uint64_t)((int64_t)p->p.clock_at.tv_sec * 1000000000 +
				     p->p.clock_at.tv_nsec);
	else
		c->u[0] += (uint64_t)rf.v.retire_tov_ms * 750000;
	t = (int64_t)c->u[0];
	p->p.clock_at.tv_sec = t / 1000000000;
	p->p.clock_at.tv_nsec = t % 1000000000;
	p->p.sw_ts = p->p.clock_at;
}

const struct tpr_scenario tpr_scn_old_retire = {
	.info = { "old-retire",
		  "the V3 retire timer before Linux 6.18 (timer_list re-armed "
		  "at each block open)",
		  "sockets on the linux-6.12 profile, packets spaced at 3/4 of "
		  "the block timeout" },
	.profile = "linux-6.12",
	.packet = packet,
};
