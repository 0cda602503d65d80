// SPDX-License-Identifier: MIT
/* csum-partial: IPv4 TCP and UDP packets as a stack that offloads the
 * checksum hands them to the taps (CHECKSUM_PARTIAL): the checksum field
 * holds only the pseudo-header sum, the ring says
 * TP_STATUS_CSUMNOTREADY (R7). A consumer that verifies checksums must
 * not call these broken. */
#include "scenario_impl.h"

static uint32_t sum16(const uint8_t *b, uint32_t n, uint32_t acc)
{
	for (uint32_t i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		acc += (uint32_t)b[n - 1] << 8;
	return acc;
}

static void packet(struct tpr_scn_ctx *c, struct tpr_pkt *p, uint64_t index)
{
	uint8_t *ip = p->data + 14;
	uint32_t ihl, tot, l4len, acc;
	uint16_t off;

	(void)c;
	(void)index;
	if (p->p.len < 14 + 20 || p->data[12] != 0x08 || p->data[13] != 0x00 ||
	    (ip[0] >> 4) != 4)
		return;
	ihl = (ip[0] & 15u) * 4;
	tot = (uint32_t)(ip[2] << 8 | ip[3]);
	if (ihl < 20 || tot < ihl || 14 + tot > p->p.len ||
	    (ip[6] & 0x3f) || ip[7])	/* fragments carry no L4 header */
		return;
	if (ip[9] == 6)
		off = 16;
	else if (ip[9] == 17)
		off = 6;
	else
		return;
	l4len = tot - ihl;
	if (l4len < off + 2u)
		return;
	/* the pseudo-header: addresses, protocol, L4 length */
	acc = sum16(ip + 12, 8, 0) + ip[9] + l4len;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	ip[ihl + off] = (uint8_t)(acc >> 8);
	ip[ihl + off + 1] = (uint8_t)acc;
	p->p.flags |= TPSIM_PKT_CSUM_PARTIAL;
	p->p.csum_start = (uint16_t)(14 + ihl);
	p->p.csum_offset = off;
}

const struct tpr_scenario tpr_scn_csum_partial = {
	.info = { "csum-partial",
		  "TP_STATUS_CSUMNOTREADY (tcpdump's 'incorrect checksum' on "
		  "offloaded traffic)",
		  "TCP/UDP packets marked CHECKSUM_PARTIAL, the checksum field "
		  "holding the pseudo-header sum" },
	.packet = packet,
};
