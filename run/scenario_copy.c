// SPDX-License-Identifier: MIT
/* copy: PACKET_COPY_THRESH on every socket (as a program asking for it
 * would set it) and packets larger than a V1/V2 frame: the ring holds
 * them cut and marked TP_STATUS_COPY, the whole packet waits in the
 * receive queue for recv() (R5). */
#include <string.h>

#include "scenario_impl.h"

static void sock_added(struct tpr_scn_ctx *c, struct tpsim_sock *s)
{
	int one = 1;

	(void)c;
	tpsim_setsockopt(s, SOL_PACKET, PACKET_COPY_THRESH, &one, sizeof(one));
}

static void packet(struct tpr_scn_ctx *c, struct tpr_pkt *p, uint64_t index)
{
	struct tpr_ring_fact rf;
	uint32_t len;

	(void)index;
	if (p->p.len < 14 || tpr_scn_range(c, 0, 3) ||
	    !tpr_scn_ring(c, TPR_V12, &rf))
		return;
	len = rf.room + (uint32_t)tpr_scn_range(c, 1, 256);
	if (len <= p->p.len || len > TPR_PKT_CAP)
		return;
	memset(p->data + p->p.len, 0xc0, len - p->p.len);
	p->p.len = len;
}

const struct tpr_scenario tpr_scn_copy = {
	.info = { "copy",
		  "packet_mmap.txt on PACKET_COPY_THRESH (TP_STATUS_COPY "
		  "frames)",
		  "PACKET_COPY_THRESH on every socket and packets larger than "
		  "a frame" },
	.sock_added = sock_added,
	.packet = packet,
};
