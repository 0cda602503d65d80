// SPDX-License-Identifier: MIT
/*
 * The receive plan: what a socket's configuration decides for every
 * packet it receives, worked out when the configuration changes rather
 * than per packet (tpsim_deliver's plain path, rx.c), and where the RX
 * ring's head frame is.
 */
#include <linux/if_ether.h>
#include <arpa/inet.h>

#include "internal.h"
#include "rx_inline.h"

/* R1: head_at and head_left from head: once per block (a division). */
void tpsim__rx_head_set(struct tpsim_ring *r)
{
	if (r->head == r->frame_nr)
		r->head = 0;
	r->head_at = tpsim__frame(r, r->head);
	/* frame_nr is a whole number of blocks (G11): the ring ends on a
	 * block's end */
	r->head_left = r->frames_per_block - r->head % r->frames_per_block;
}

/*
 * Called under s->lock by whatever changes a field it reads: the end of
 * tpsim_setsockopt (the ring, version, reserve, copy threshold, virtio-net
 * header, socket filter), tpsim_bind (the protocol) and a device whose
 * kind of link changes (tpsim__sock_take_dev). rx_plain: a ring of any
 * version, every protocol, no socket filter, no virtio-net header, no
 * copy threshold, an Ethernet link, and a header that fits (tp_net in 16
 * bits; V1/V2: tp_mac inside the frame): what rx.c's plain path needs.
 */
/* What the plain path leaves out of last_rx, from the plan it ran with
 * and the stamp it wrote (s->rx_ts: only a delivery, which writes
 * last_rx again, changes it): called before the plan changes and by
 * tpsim_rx_last. */
void tpsim__rx_note_fill(struct tpsim_sock *s)
{
	struct tpsim_rx_info *in = &s->last_rx;

	if (in->ring != TPSIM_RX_NOTE_PLAIN)
		return;
	in->ring = 1;
	in->ts = s->rx_ts;	/* the plain path's stamp (rx.c) */
	in->snaplen = in->len < s->rx_snapmax ? in->len : s->rx_snapmax;
	in->mac = (uint16_t)(s->rx_macnet & 0xffff);
	in->net = (uint16_t)(s->rx_macnet >> 16);
	in->vlan_tci = 0;
	in->vlan_tpid = 0;
}

void tpsim__rx_plan(struct tpsim_sock *s)
{
	struct rx_skb k = { .lhdr_len = ETH_HLEN };
	uint64_t macoff = 0, netoff = 0;

	tpsim__rx_note_fill(s);

	s->rx_plain = s->rx.live && s->protocol == htons(ETH_P_ALL) &&
		      !s->filter && !s->vnet_hdr_sz && !s->copy_thresh &&
		      s->hard_header_len == ETH_HLEN &&
		      s->addr_len == ETH_ALEN &&
		      tpsim__rx_offsets(s, &k, &macoff, &netoff) &&
		      (s->version == TPACKET_V3 ||
		       macoff <= s->rx.frame_size);
	if (s->rx.live && s->version != TPACKET_V3)
		tpsim__rx_head_set(&s->rx);
	s->rx_hlen = s->type == SOCK_RAW ? ETH_HLEN : 0;
	/* SOCK_DGRAM: a bare header is 0 bytes, run_filter()'s "no"; not
	 * plain, so rx_one_locked says so */
	s->rx_minlen = s->type == SOCK_RAW ? ETH_HLEN : ETH_HLEN + 1;
	s->rx_macoff = (uint16_t)macoff;
	s->rx_macnet = (uint32_t)(uint16_t)macoff | (uint32_t)netoff << 16;
	s->rx_snapmax = s->rx_plain && s->version != TPACKET_V3
				? s->rx.frame_size - (uint32_t)macoff
				: 0;
}
