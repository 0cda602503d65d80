// SPDX-License-Identifier: MIT
/* link-flap: mid-capture the interface goes down (sockets bound to it
 * get ENETDOWN once: POLLERR, then recv or SO_ERROR), a few packets are
 * lost while it is down, then it comes back up and delivery resumes. */
#include "scenario_impl.h"

static void packet(struct tpr_scn_ctx *c, struct tpr_pkt *p, uint64_t index)
{
	(void)p;
	if (!c->u[0]) {
		c->u[0] = 1 + tpr_scn_range(c, 4, 48);	/* down at */
		c->u[1] = c->u[0] + tpr_scn_range(c, 2, 8);	/* up at */
	}
	if (index + 1 == c->u[0])
		tpr_scn_link(c, false);
	else if (index + 1 == c->u[1])
		tpr_scn_link(c, true);
}

const struct tpr_scenario tpr_scn_link_flap = {
	.info = { "link-flap",
		  "Suricata and libpcap hangs when the interface goes down",
		  "the interface goes down and comes back mid-capture "
		  "(ENETDOWN)" },
	.packet = packet,
};
