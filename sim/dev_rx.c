// SPDX-License-Identifier: MIT
/*
 * The first step of a frame's route: from the device to the sockets
 * (__netif_receive_skb_core's taps). The device's own filter (a NIC's,
 * mclist.c), then every receiving socket bound to the device or to every
 * device, then every fanout group, which hands the frame to one member
 * (fanout.c). Each socket then decides and places the frame itself
 * (tpsim_deliver: rx.c, rx_v3.c). And the other way: what a socket sends
 * shown to the device's other taps (dev_queue_xmit_nit).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static bool vlan_type(uint16_t type)
{
	return type == ETH_P_8021Q || type == ETH_P_8021AD;
}

uint16_t tpsim__frame_proto(const struct tpsim_dev *d,
			    const struct tpsim_packet *p)
{
	const uint8_t *b = p->data;
	bool tagged = p->flags & TPSIM_PKT_VLAN;
	uint16_t type, tci = tagged ? p->vlan_tci : 0;
	uint32_t off = ETH_HLEN;

	/* given with the packet, or a TUN's (no link header to read) */
	if ((p->flags & TPSIM_PKT_PROTOCOL) || !d->hard_header_len ||
	    p->len < ETH_HLEN)
		return p->flags & TPSIM_PKT_PROTOCOL ? p->protocol
		       : d->hard_header_len ? 0 : tpsim__tun_protocol(p);
	type = (uint16_t)(b[12] << 8 | b[13]);
	/* a protocol tap sees a tagged frame untagged (R17), and a priority
	 * tag (VID 0) around another tag taken off too */
	if (!tagged && vlan_type(type) && p->len >= 18) {
		tci = (uint16_t)(b[14] << 8 | b[15]);
		type = (uint16_t)(b[16] << 8 | b[17]);
		off = 18;
		tagged = true;
	}
	while (tagged && !(tci & 0x0fff) && vlan_type(type)) {
		/* skb_vlan_untag() of the inner tag wants it and the 2 bytes
		 * after it, or frees the frame: no protocol's tap has it
		 * (dev.fanout_priority_inner_cut) */
		if (p->len < off + 6)
			return 0;
		tci = (uint16_t)(b[off] << 8 | b[off + 1]);
		type = (uint16_t)(b[off + 2] << 8 | b[off + 3]);
		off += 4;
	}
	/* eth_type_trans: below 1536 it is a length (802.3) */
	return type >= ETH_P_802_3_MIN ? htons(type) : htons(ETH_P_802_2);
}

/* skb_vlan_untag() in __netif_receive_skb_core(), before any tap: a
 * frame with a tag in its data but not the tag's 4 bytes and the 2 after
 * them (vlan_set_encap_proto may read them) is freed, so no socket or
 * group sees it and no LB counter moves */
static bool untag_frees(const struct tpsim_dev *d,
			const struct tpsim_packet *p)
{
	const uint8_t *b = p->data;

	/* (a frame shorter than the link header was refused before) */
	return d->hard_header_len && p->len < ETH_HLEN + 6 &&
	       vlan_type((uint16_t)(b[12] << 8 | b[13])) &&
	       !(p->flags & (TPSIM_PKT_VLAN | TPSIM_PKT_PROTOCOL));
}

static void hand(struct tpsim_sock *s, const struct tpsim_dev *d,
		 const struct tpsim_packet *p, struct tpsim_dev_result *res,
		 unsigned int nres, int *count)
{
	int r;

	if (!s->bound_ifindex)
		tpsim__sock_take_dev(s, d);
	r = tpsim_deliver(s, p);
	if (res && (unsigned int)*count < nres) {
		res[*count].sock = s;
		res[*count].result = r;
	}
	(*count)++;
}

/* packet_rcv_fanout(): PACKET_FANOUT_FLAG_DEFRAG's reassembly first
 * (defrag.c), then the member the group picks (fanout.c) */
static void to_group(struct tpsim_fanout *f, struct tpsim_dev *d,
		     const struct tpsim_packet *p, unsigned int cpu,
		     unsigned int queue, struct tpsim_dev_result *res,
		     unsigned int nres, int *count)
{
	struct tpsim_packet whole;
	uint8_t *buf = NULL;
	int r = tpsim__fanout_defrags(f)
			? tpsim__defrag(d->net, d, p, &whole, &buf)
			: 0;

	if (r == 1)
		return;
	if (r == 2)
		p = &whole;
	hand(tpsim__fanout_pick(f, p, d, cpu, queue), d, p, res, nres,
	     count);
	free(buf);
}

int tpsim_dev_deliver(struct tpsim_dev *d, const struct tpsim_packet *pkt,
		      unsigned int cpu, unsigned int queue,
		      struct tpsim_dev_result *res, unsigned int nres)
{
	struct tpsim_net *n;
	uint16_t proto;
	int count = 0;

	if (!d || !pkt || pkt->sz < offsetof(struct tpsim_packet, rxhash) +
					    sizeof(pkt->rxhash) ||
	    (!pkt->data && pkt->len) || pkt->len < d->hard_header_len)
		return -EINVAL;
	n = d->net;
	pthread_mutex_lock(&n->lock);
	if (!d->up) {
		pthread_mutex_unlock(&n->lock);
		return -ENETDOWN;
	}
	if (!tpsim__dev_accepts(d, pkt) || untag_frees(d, pkt)) {
		pthread_mutex_unlock(&n->lock);
		return 0;
	}
	for (struct tpsim_sock *s = n->socks; s; s = s->net_next)
		if (s->running && !s->fanout &&
		    (!s->bound_ifindex || s->bound_ifindex == d->ifindex))
			hand(s, d, pkt, res, nres, &count);
	proto = tpsim__frame_proto(d, pkt);
	/* the groups in the kernel's order: it decides which of two DEFRAG
	 * groups (one queue per datagram for both) gets the datagram */
	for (unsigned int rank = 0; rank < 4; rank++)
		for (struct tpsim_fanout *f = n->groups; f;
		     f = tpsim__fanout_next(f))
			if (tpsim__fanout_rank(f) == rank &&
			    tpsim__fanout_takes(f, d, proto))
				to_group(f, d, pkt, cpu, queue, res, nres,
					 &count);
	pthread_mutex_unlock(&n->lock);
	return count;
}

void tpsim__nit_note(struct tpsim_sock *s, const struct tpsim_skb *skb)
{
	struct tpsim_skb *c = malloc(sizeof(*c) + skb->len);

	if (!c)
		return;	/* as a failed skb_clone: the taps miss it */
	memset(c, 0, sizeof(*c));
	c->len = skb->len;
	memcpy(c->data, skb->data, skb->len);
	if (s->nit_tail)
		s->nit_tail->next = c;
	else
		s->nit_head = c;
	s->nit_tail = c;
}

void tpsim__nit_purge(struct tpsim_sock *s)
{
	while (s->nit_head) {
		struct tpsim_skb *c = s->nit_head;

		s->nit_head = c->next;
		free(c);
	}
	s->nit_tail = NULL;
}

/* dev_queue_xmit_nit(): every ETH_P_ALL tap of the device but the sender
 * (skb_loop_sk), and the groups the sender is not in, get a copy as
 * PACKET_OUTGOING; tpsim_deliver leaves it to PACKET_IGNORE_OUTGOING
 * sockets to refuse it. */
static void nit_one(struct tpsim_sock *from, struct tpsim_dev *d,
		    const struct tpsim_skb *c)
{
	struct tpsim_packet p = { .sz = sizeof(p), .data = c->data,
				  .len = c->len, .flags = TPSIM_PKT_PKTTYPE,
				  .pkttype = PACKET_OUTGOING };
	int count = 0;

	for (struct tpsim_sock *o = d->net->socks; o; o = o->net_next)
		if (o != from && o->running && !o->fanout &&
		    o->protocol == htons(ETH_P_ALL) &&
		    (!o->bound_ifindex || o->bound_ifindex == d->ifindex))
			hand(o, d, &p, NULL, 0, &count);
	for (unsigned int rank = 0; rank < 2; rank++)
		for (struct tpsim_fanout *f = d->net->groups; f;
		     f = tpsim__fanout_next(f))
			if (tpsim__fanout_rank(f) == rank &&
			    !tpsim__fanout_skips_outgoing(f, from) &&
			    tpsim__fanout_takes(f, d, 0))
				to_group(f, d, &p, 0, 0, NULL, 0, &count);
}

void tpsim__nit_flush(struct tpsim_sock *s, const struct sockaddr_ll *to)
{
	struct tpsim_net *n = s->net;
	struct tpsim_skb *list;
	struct tpsim_dev *d = NULL;

	if (!n)
		return;
	pthread_mutex_lock(&n->lock);
	pthread_mutex_lock(&s->lock);
	list = s->nit_head;
	s->nit_head = s->nit_tail = NULL;
	pthread_mutex_unlock(&s->lock);
	/* the device it went out on: its own, or the destination's */
	if (s->bound_ifindex > 0)
		d = tpsim__dev_find(n, s->bound_ifindex);
	else if (to)
		d = tpsim__dev_find(n, to->sll_ifindex);
	while (list) {
		struct tpsim_skb *c = list;

		list = c->next;
		if (d && d->up)
			nit_one(s, d, c);
		free(c);
	}
	pthread_mutex_unlock(&n->lock);
}
