// SPDX-License-Identifier: MIT
/* vlan-stacked: packets get an 802.1ad (0x88a8) outer tag held outside
 * the data, as a NIC that strips it leaves it (R8), over an 802.1Q inner
 * tag put into the data when they have none. A consumer must put the
 * outer tag back with the TPID the ring gives (tp_vlan_tpid), not 0x8100,
 * and read the inner one from the data. */
#include <string.h>

#include "scenario_impl.h"

static void packet(struct tpr_scn_ctx *c, struct tpr_pkt *p, uint64_t index)
{
	uint16_t type, tci;

	(void)index;
	if (p->p.len < 14 || tpr_scn_range(c, 0, 1))
		return;
	type = (uint16_t)(p->data[12] << 8 | p->data[13]);
	if (type != 0x8100 && type != 0x88a8 && p->p.len + 4 <= TPR_PKT_CAP) {
		tci = (uint16_t)tpr_scn_range(c, 1, 4094);
		memmove(p->data + 16, p->data + 12, p->p.len - 12);
		p->data[12] = 0x81;
		p->data[13] = 0x00;
		p->data[14] = (uint8_t)(tci >> 8);
		p->data[15] = (uint8_t)tci;
		p->p.len += 4;
	}
	p->p.flags |= TPSIM_PKT_VLAN;
	p->p.vlan_tpid = 0x88a8;
	p->p.vlan_tci = (uint16_t)tpr_scn_range(c, 1, 4094);
}

const struct tpr_scenario tpr_scn_vlan_stacked = {
	.info = { "vlan-stacked",
		  "Suricata PR#2574 (VLAN read from the wrong header), "
		  "libpcap PR#346 (the 802.1ad TPID)",
		  "802.1ad outer tags held outside the data over 802.1Q tags "
		  "in it" },
	.packet = packet,
};
