/* SPDX-License-Identifier: MIT */
/*
 * tpacket_rcv() and packet_rcv() for what the plain path (rx.c) does not
 * take: any packet on a socket with a filter, a binding, a virtio-net
 * header, a copy threshold, no ring, SOCK_DGRAM's view, tags, stamps or
 * checksum flags (R1-R12 on a V1/V2 ring, the receive queue without one).
 *
 * Part of rx.c's translation unit, not a file of its own: tpsim_deliver
 * and tpsim_deliver_batch are flattened, so this path is inlined into
 * them as it was before the split (a separate object cost it a call per
 * packet and 30-100 instructions).
 */
#ifndef TPSIM_RX_GENERAL_H
#define TPSIM_RX_GENERAL_H

#include <errno.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <stdbool.h>
#include <string.h>
#include <arpa/inet.h>

#include "rx_inline.h"
#include "rx_view.h"

/* Queue the first n bytes for recv(), as the socket type sees it: all of
 * them for a COPY frame (R5: the kernel queues the skb itself, whatever
 * the filter answered), the filter's snaplen without a ring (packet_rcv
 * trims the skb to it). */
static int queue_copy(struct tpsim_sock *s, const struct rx_skb *k,
		      uint32_t n)
{
	uint32_t h = s->type == SOCK_RAW ? k->lhdr_len : 0;

	/* an outgoing copy is a clone of the sender's skb */
	uint32_t truesize = k->pkttype == PACKET_OUTGOING
				    ? tpsim__out_truesize(s, k->wire_len)
				    : tpsim__truesize(s, k->wire_len);

	if (h > n)
		h = n;
	return tpsim__rq_push(s, k->lhdr, h, k->payload, n - h, truesize,
			      k->vnet);
}

static int rx_ring(struct tpsim_sock *s, const struct tpsim_packet *p,
		   const struct rx_skb *k)
{
	struct tpsim_ring *r = &s->rx;
	uint32_t status = TP_STATUS_USER, ts_status, snaplen, len;
	uint64_t macoff, netoff;
	bool copy = false, vnet;
	struct timespec ts;
	char *h;

	len = tpsim__rx_len(s, k);
	snaplen = k->snaplen;	/* F14: the filter's cap */
	status |= tpsim__rx_csum_status(p, k);
	if (!tpsim__rx_offsets(s, k, &macoff, &netoff)) {
		s->st_drops++;
		return TPSIM_RX_DROPPED;
	}
	vnet = s->vnet_hdr_sz != 0;
	/* R4, R5 */
	if (macoff + snaplen > r->frame_size) {
		if (s->copy_thresh && s->rmem_alloc < s->rcvbuf)
			copy = true;
		snaplen = macoff > r->frame_size
				  ? 0
				  : r->frame_size - (uint32_t)macoff;
		if (macoff > r->frame_size)
			vnet = false;	/* no room for it either */
	}
	/* R1: only the head frame, only if its status is exactly KERNEL;
	 * the kernel compares V1's unsigned long status as an int */
	h = r->head_at;
	if (tpsim_frame_status(h, s->version) != TP_STATUS_KERNEL) {
		s->st_drops++;
		return TPSIM_RX_DROPPED;
	}
	rx_head_next(r);
	/* R6: LOSING until PACKET_STATISTICS clears the drop count */
	if (s->st_drops)
		status |= TP_STATUS_LOSING;
	s->st_packets++;
	if (copy && queue_copy(s, k, len) == 0)
		status |= TP_STATUS_COPY;

	if (snaplen)
		tpsim__rx_copy(s, k, (uint8_t *)h + macoff, snaplen);
	/* O10: the virtio-net header right before the link header */
	if (vnet)
		memcpy((uint8_t *)h + macoff - sizeof(k->vnet), k->vnet,
		       sizeof(k->vnet));
	ts_status = tpsim__rx_tstamp(s, p, &ts);
	status |= ts_status;
	rx_fill_v12(s, s->version, false, false, h, k, len, snaplen, (uint32_t)macoff,
		    (uint32_t)netoff, &ts, status, k->src ? s->addr_len : 0);
	return TPSIM_RX_DELIVERED;
}

static int rx_queue(struct tpsim_sock *s, const struct rx_skb *k)
{
	/* packet_rcv(): no ring, the packet goes to the receive queue */
	if (s->rmem_alloc >= s->rcvbuf || queue_copy(s, k, k->snaplen)) {
		s->st_drops++;
		return TPSIM_RX_DROPPED;
	}
	s->st_packets++;
	tpsim__rx_note(s, 0, 0, 0, tpsim__rx_len(s, k), k->snaplen, 0, 0,
		       NULL, 0, 0);
	return TPSIM_RX_DELIVERED;
}

/*
 * The per-packet decision, placement and copy (packet_rcv() or
 * tpacket_rcv() for this socket), with s->lock held. The single and the
 * batched delivery both go through here, packet by packet, so whatever
 * decides a packet's fate decides it the same way in both.
 */
static int rx_one_locked(struct tpsim_sock *s, const struct tpsim_packet *p,
			 struct rx_skb *k)
{
	uint32_t res;
	bool bound = s->protocol != htons(ETH_P_ALL) &&
		     s->protocol != TPSIM_PROTO_NONE;
	struct rx_skb kb;
	int ret;

	/* what this socket's kind changes in the packet's view: a copy,
	 * only when there is something to change (the batch parses once) */
	if ((bound && k->vlan && k->pkttype != PACKET_OUTGOING) ||
	    (s->type == SOCK_DGRAM && k->pkttype != PACKET_OUTGOING) ||
	    s->vnet_hdr_sz || !s->rx.live || s->copy_thresh) {
		kb = *k;
		k = &kb;
		if (!rx_sock_view(s, p, &kb, bound))
			return TPSIM_RX_IGNORED;
	}
	/* R13: outgoing copies go only to the taps of every protocol
	 * (dev_queue_xmit_nit walks ptype_all, never ptype_base) */
	if (s->protocol == TPSIM_PROTO_NONE ||
	    (bound &&
	     (s->protocol != k->protocol || k->pkttype == PACKET_OUTGOING)) ||
	    (s->ignore_outgoing && k->pkttype == PACKET_OUTGOING))
		return TPSIM_RX_IGNORED;
	/* run_filter(): the attached program's answer, or without one the
	 * packet's length; 0 means "filter says no", neither delivered nor
	 * counted anywhere (F14), which is also what a packet of no bytes
	 * as this socket sees it gets (SOCK_DGRAM, an Ethernet frame of 14;
	 * found by tpconform --differential). Every path below copies at
	 * most k->snaplen bytes. */
	k->snaplen = tpsim__rx_len(s, k);
	res = s->filter ? tpsim__run_filter(s, p, k) : k->snaplen;
	if (res < k->snaplen)
		k->snaplen = res;
	if (!res)	/* the program's 0, or no program and no bytes */
		return s->filter ? TPSIM_RX_FILTERED : TPSIM_RX_IGNORED;
	if (!s->rx.live) {
		ret = rx_queue(s, k);
	} else if (s->version == TPACKET_V3) {
		return tpsim__v3_rcv(s, p, k);	/* publishes whole blocks */
	} else {
		ret = rx_ring(s, p, k);
	}
	if (ret == TPSIM_RX_DELIVERED)
		s->rx_wake_due = true;
	return ret;
}

/* A packet that is not plain: the link-layer view, then the socket's
 * decisions. */
static int rx_general(struct tpsim_sock *s, const struct tpsim_packet *p)
{
	struct rx_skb k;

	if (!rx_view(s, p, &k))
		return TPSIM_RX_IGNORED;
	return rx_one_locked(s, p, &k);
}

#endif
