/* SPDX-License-Identifier: MIT */
/*
 * The link-layer view of a packet that is not plain: what
 * eth_type_trans() and skb_vlan_untag() leave of it before the taps
 * (R8, R13), and what a socket's kind and binding change in it (R14,
 * R17, the virtio-net header).
 *
 * Part of rx.c's translation unit (through rx_general.h), not a file of
 * its own: tpsim_deliver and tpsim_deliver_batch are flattened, so this
 * code is inlined into them; as a separate object it cost the general
 * path a call per packet and 30-100 instructions.
 */
#ifndef TPSIM_RX_VIEW_H
#define TPSIM_RX_VIEW_H

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <stdbool.h>
#include <string.h>

#include "rx_inline.h"

/*
 * __vlan_get_protocol_offset: the type after the tags that follow a link
 * header whose type field says type, the first tag at data[0]; *depth the
 * bytes of tags. At most max tags are read (tag_steps); 0 when one is cut
 * short or the chain is longer.
 */
static uint16_t skip_tags(uint16_t type, const uint8_t *data, uint32_t len,
			  int max, uint32_t *depth)
{
	uint32_t off = 0;

	for (int left = max; tpsim__eth_type_vlan(type); left--) {
		if (off + 4 > len || !left)
			return 0;
		memcpy(&type, data + off + 2, 2);
		off += 4;
	}
	*depth = off;
	return type;
}

/*
 * How many tags __vlan_get_protocol_offset reads: its walk has
 * VLAN_MAX_DEPTH (8) steps and starts at mac_len - VLAN_HLEN. A packet
 * that went out has mac_len 0 (nothing set it since packet_snd), so the
 * walk starts at the first tag: 7 tags. A received one has mac_len 14
 * (__netif_receive_skb_core's skb_reset_mac_len), so the first step reads
 * the link header's own type field and 6 tags are left (found by
 * flags.tags_depth_dgram on the kernel).
 */
static int tag_steps(const struct rx_skb *k)
{
	return k->pkttype == PACKET_OUTGOING ? 7 : 6;
}

/*
 * R14 (profile dgram_inner_proto): what SOCK_DGRAM shows of a packet that
 * still carries tags in its data (no tag held outside it): sll_protocol
 * is the type after all of them (vlan_get_protocol_dgram), and V2/V3 name
 * the first one in the VLAN fields (vlan_get_tci).
 */
static void dgram_view(const struct tpsim_sock *s, struct rx_skb *k,
		       const uint8_t *tag, uint32_t len)
{
	uint32_t depth;

	k->dgram_proto = k->protocol;
	if (!s->prof->dgram_inner_proto || !tpsim__eth_type_vlan(k->protocol))
		return;
	k->dgram_proto = skip_tags(k->protocol, tag, len, tag_steps(k),
				   &depth);
	if (!k->vlan) {
		k->data_tag = true;
		/* a whole vlan_hdr, or vlan_get_tci() answers 0 */
		k->data_tci = len >= 4 ? (uint16_t)(tag[0] << 8 | tag[1]) : 0;
	}
}

/* Returns 1 when the packet goes on to the taps, 0 when the receive path
 * would free it before (a VLAN header too short to pull). */
static int parse_ether(const struct tpsim_sock *s,
		       const struct tpsim_packet *p, struct rx_skb *k)
{
	const uint8_t *d = p->data;
	uint16_t type;

	memcpy(&type, d + 12, 2);
	k->lhdr = d;
	k->lhdr_len = ETH_HLEN;
	k->payload = d + ETH_HLEN;
	k->plen = p->len - ETH_HLEN;
	k->src = d + ETH_ALEN;
	k->wire_len = p->len;
	k->pkttype = (p->flags & TPSIM_PKT_PKTTYPE) ? p->pkttype
						    : tpsim__eth_pkttype(s, d);
	if (k->pkttype == PACKET_OUTGOING) {
		/* R13: a copy of what a socket sent, as dev_queue_xmit_nit
		 * shows it: tags stay in the data, and the protocol is the
		 * sender's (a SOCK_RAW sender on ETH_P_ALL: the type field
		 * as it is, dev_parse_header_protocol) */
		uint32_t depth = 0;

		k->protocol = (p->flags & TPSIM_PKT_PROTOCOL) ? p->protocol
							      : type;
		if (p->flags & TPSIM_PKT_VLAN) {
			k->vlan = true;
			k->vlan_tci = p->vlan_tci;
			k->vlan_tpid = p->vlan_tpid;
		}
		dgram_view(s, k, k->payload, k->plen);
		/* packet_parse_headers: the network header goes after the
		 * tags in the data; SOCK_DGRAM data starts there */
		if (s->prof->dgram_inner_proto && tpsim__eth_type_vlan(k->protocol) &&
		    skip_tags(k->protocol, k->payload, k->plen, tag_steps(k),
			      &depth)) {
			if (s->type == SOCK_DGRAM) {
				k->payload += depth;
				k->plen -= depth;
			} else {
				k->mac_extra = depth;
			}
		}
		return 1;
	}
	if (p->flags & TPSIM_PKT_VLAN) {
		k->vlan = true;
		k->vlan_tci = p->vlan_tci;
		k->vlan_tpid = p->vlan_tpid;
	} else if (tpsim__eth_type_vlan(type)) {
		/* R8: the stack takes one tag off before the taps see it;
		 * skb_vlan_untag() wants the tag and the type after it, and
		 * frees a shorter frame before any tap (found by tpconform
		 * --differential: 18- and 19-byte tagged frames) */
		if (p->len < ETH_HLEN + 6)
			return 0;
		k->vlan = true;
		k->vlan_tci = (uint16_t)(d[14] << 8 | d[15]);
		k->vlan_tpid = ntohs(type);
		memcpy(&type, d + 16, 2);
		memcpy(k->lhdr_buf, d, 12);
		memcpy(k->lhdr_buf + 12, &type, 2);
		k->lhdr = k->lhdr_buf;
		k->payload = d + ETH_HLEN + 4;
		k->plen = p->len - ETH_HLEN - 4;
		k->pulled = 4;
	}
	k->protocol = tpsim__eth_proto(type, k->payload, k->plen);
	return 1;
}

/*
 * R17: what a socket bound to a protocol sees of a tagged packet. The
 * taps of every protocol have had it by then; __netif_receive_skb_core
 * finds no VLAN device for the tag (the simulator has none), so a tag
 * with a VID makes the packet PACKET_OTHERHOST, a priority tag (VID 0)
 * around another tag is stripped and the next one looked at, and the tag
 * is cleared before the protocol handlers run. Returns 0 when stripping
 * frees the packet (a tag cut short).
 */
static int vlan_for_bound(const struct tpsim_sock *s, struct rx_skb *k)
{
	uint16_t type;

	while (k->vlan) {
		if (k->vlan_tci & 0x0fff) {
			k->pkttype = PACKET_OTHERHOST;
			break;
		}
		if (!tpsim__eth_type_vlan(k->protocol))
			break;
		/* skb_vlan_untag() of the inner tag */
		if (k->plen < 6)
			return 0;
		k->vlan_tci = (uint16_t)(k->payload[0] << 8 | k->payload[1]);
		k->vlan_tpid = ntohs(k->protocol);
		memcpy(&type, k->payload + 2, 2);
		if (k->lhdr != k->lhdr_buf)
			memcpy(k->lhdr_buf, k->lhdr, 12);
		memcpy(k->lhdr_buf + 12, &type, 2);
		k->lhdr = k->lhdr_buf;
		k->payload += 4;
		k->plen -= 4;
		k->pulled += 4;
		k->protocol = tpsim__eth_proto(type, k->payload, k->plen);
	}
	k->vlan = false;
	/* 6.2 on clears vlan_all; 6.1 only the vlan_present bit, and a
	 * filter still reads the TCI and TPID (profile vlan_present_bit) */
	if (!s->prof->vlan_present_bit)
		k->vlan_tci = k->vlan_tpid = 0;
	return 1;
}

static void parse_none(const struct tpsim_packet *p, struct rx_skb *k)
{
	const uint8_t *d = p->data;

	k->lhdr = d;
	k->lhdr_len = 0;
	k->payload = d;
	k->plen = p->len;
	k->src = NULL;
	k->protocol = p->flags & TPSIM_PKT_PROTOCOL ? p->protocol
						     : tpsim__tun_protocol(p);
	k->pkttype = (p->flags & TPSIM_PKT_PKTTYPE) ? p->pkttype : PACKET_HOST;
	k->wire_len = p->len;
	if (p->flags & TPSIM_PKT_VLAN) {
		k->vlan = true;
		k->vlan_tci = p->vlan_tci;
		k->vlan_tpid = p->vlan_tpid;
	}
}

static void tpsim__vnet_from_pkt(const struct tpsim_packet *p, uint32_t pulled,
				 uint8_t out[10])
{
	/* struct virtio_net_hdr, little-endian fields: flags, gso_type
	 * (NONE), hdr_len, gso_size, csum_start (from the link header, so
	 * less what untagging took off before it), csum_offset */
	memset(out, 0, 10);
	if (p->flags & TPSIM_PKT_CSUM_PARTIAL) {
		bool has = p->sz >= offsetof(struct tpsim_packet, csum_offset) +
					    sizeof(p->csum_offset);
		uint16_t start = has ? (uint16_t)(p->csum_start - pulled) : 0;
		uint16_t off = has ? p->csum_offset : 0;

		out[0] = 1;	/* VIRTIO_NET_HDR_F_NEEDS_CSUM */
		out[6] = (uint8_t)start, out[7] = (uint8_t)(start >> 8);
		out[8] = (uint8_t)off, out[9] = (uint8_t)(off >> 8);
	} else if (p->flags & TPSIM_PKT_CSUM_VALID) {
		out[0] = 2;	/* VIRTIO_NET_HDR_F_DATA_VALID */
	}
}

/*
 * The link-layer parse (eth_type_trans(), skb_vlan_untag()). Returns 0
 * when the packet never reaches a tap (TPSIM_RX_IGNORED), or 1 to go on.
 */
static int rx_view(const struct tpsim_sock *s, const struct tpsim_packet *p,
		   struct rx_skb *k)
{
	/* every field known, whatever parses it: the parse sets the first
	 * ones, the rest start at 0 */
	RX_SKB_ZERO(k);
	if (s->hard_header_len) {
		if (!parse_ether(s, p, k))
			return 0;
	} else {
		parse_none(p, k);
	}
	return k->pkttype != PACKET_LOOPBACK;
}

/*
 * What this socket's kind and binding change in the packet's view, on kb,
 * a copy (rx_one_locked makes one only when something changes): R17 for
 * a socket bound to a protocol, R14 for SOCK_DGRAM, and the header a
 * virtio-net socket shows, in the ring or before a recv() (the option
 * may come later for what is queued). False when untagging for the bound
 * socket frees the packet.
 */
static bool rx_sock_view(const struct tpsim_sock *s,
			 const struct tpsim_packet *p, struct rx_skb *kb,
			 bool bound)
{
	if (bound && kb->pkttype != PACKET_OUTGOING && !vlan_for_bound(s, kb))
		return false;
	if (kb->pkttype != PACKET_OUTGOING)
		dgram_view(s, kb, kb->payload, kb->plen);
	tpsim__vnet_from_pkt(p, kb->pulled, kb->vnet);
	return true;
}

#endif
