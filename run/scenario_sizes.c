// SPDX-License-Identifier: MIT
/* size-edges: before the first packet, frames at every size boundary:
 * 14 (a link header alone), 15, 60 (the minimum on the wire), the MTU,
 * the program's snapshot (--snaplen), and for every ring one byte under, at and over what a slot holds uncut
 * (V1/V2: the frame; V3: the block's room), where the ring's cut and
 * COPY begin (R4, B5). */
#include <string.h>

#include "scenario_impl.h"

static void emit_len(struct tpr_scn_ctx *c, const struct tpr_pkt *p,
		     uint32_t len)
{
	struct tpr_pkt *d;

	if (len < 14 || len > TPR_PKT_CAP || !(d = tpr_scn_dup(p)))
		return;
	if (len > p->p.len)
		memset(d->data + p->p.len, 0xe5, len - p->p.len);
	d->p.len = len;
	tpr_scn_emit(c, d);
	tpr_scn_free(d);
}

static void packet(struct tpr_scn_ctx *c, struct tpr_pkt *p, uint64_t index)
{
	static const uint32_t fixed[] = { 14, 15, 59, 60, 61 };
	struct tpr_ring_fact rf;

	if (index || p->p.len < 14)
		return;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		emit_len(c, p, fixed[i]);
	for (int d = -1; d <= 1; d++) {
		emit_len(c, p, c->r->cfg->mtu + 14 + (uint32_t)d);
		/* the program's snapshot (--snaplen), where libpcap cuts;
		 * past what a packet here holds at the default 262144 */
		emit_len(c, p, c->r->cfg->snaplen + (uint32_t)d);
	}
	for (unsigned int mask = TPR_V12; mask; mask = mask == TPR_V12 ? TPR_V3 : 0)
		if (tpr_scn_ring(c, mask, &rf))
			for (int d = -1; d <= 1; d++)
				emit_len(c, p, rf.room + (uint32_t)d);
}

const struct tpr_scenario tpr_scn_size_edges = {
	.info = { "size-edges",
		  "libpcap#185 and the ring's cut: frames of 14, 15, snaplen "
		  "+-1, block end",
		  "a frame at every size boundary of every ring on the "
		  "device" },
	.packet = packet,
};
