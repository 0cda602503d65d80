// SPDX-License-Identifier: MIT
/*
 * The producer: what the kernel's receive path and tpacket_rcv() do with
 * one arriving packet on a V1/V2 ring (R1-R12), or packet_rcv() on a
 * socket without a ring.
 */
#include <errno.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <linux/net_tstamp.h>
#include <net/if_arp.h>
#include <stdbool.h>
#include <string.h>
#include <arpa/inet.h>

#include "internal.h"

static uint16_t eth_proto(uint16_t type_be, const uint8_t *payload,
			  uint32_t plen)
{
	/* what eth_type_trans() concludes for a length field (< 0x600) */
	if (ntohs(type_be) >= ETH_P_802_3_MIN)
		return type_be;
	if (plen >= 2 && payload[0] == 0xff && payload[1] == 0xff)
		return htons(ETH_P_802_3);
	return htons(ETH_P_802_2);
}

static uint8_t eth_pkttype(const struct tpsim_sock *s, const uint8_t *dst)
{
	static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff,
						 0xff, 0xff, 0xff };

	if (!memcmp(dst, s->addr, ETH_ALEN))
		return PACKET_HOST;
	if (dst[0] & 1)
		return memcmp(dst, bcast, ETH_ALEN) ? PACKET_MULTICAST
						    : PACKET_BROADCAST;
	return PACKET_OTHERHOST;
}

/*
 * A flow hash in place of the kernel's skb_get_hash(): the same value for
 * every packet of a flow (addresses, protocol and, for TCP/UDP/SCTP, the
 * ports; the ethertype alone for what is not IP), never 0, as the
 * kernel's (proven by tpconform --differential). Its value differs from
 * the kernel's, which is keyed with a per-boot random seed anyway.
 */
static uint32_t mix(uint32_t h, uint32_t v)
{
	h ^= v;
	h *= 0x01000193u;	/* FNV-1a prime */
	return h ^ (h >> 15);
}

uint32_t tpsim__flow_hash(const struct rx_skb *k)
{
	const uint8_t *d = k->payload;
	uint32_t h = 0x811c9dc5u, alen, l4, ihl;
	uint8_t proto;

	if (k->protocol == htons(ETH_P_IP) && k->plen >= 20 &&
	    (d[0] >> 4) == 4) {
		ihl = (uint32_t)(d[0] & 15) * 4;
		proto = d[9];
		alen = 4;
		d += 12;
		l4 = ihl;
	} else if (k->protocol == htons(ETH_P_IPV6) && k->plen >= 40) {
		proto = d[6];
		alen = 16;
		d += 8;
		l4 = 40;
	} else {
		h = mix(h, k->protocol);
		return h ? h : 1;
	}
	for (uint32_t i = 0; i < 2 * alen; i++)
		h = mix(h, d[i]);
	h = mix(h, proto);
	if ((proto == 6 || proto == 17 || proto == 132) && l4 >= 20 &&
	    k->plen >= l4 + 4) {
		for (uint32_t i = 0; i < 4; i++)
			h = mix(h, k->payload[l4 + i]);
	}
	return h ? h : 1;
}

static bool eth_type_vlan(uint16_t type_be)
{
	return type_be == htons(ETH_P_8021Q) || type_be == htons(ETH_P_8021AD);
}

/*
 * R14: what SOCK_DGRAM reports as sll_protocol for a packet that still
 * carries tags in its data after the stack took the outer one off: the
 * ethertype after every remaining tag (the kernel's
 * vlan_get_protocol_dgram: at most 7 headers looked at, 0 when one is
 * cut short or the chain is longer).
 */
static uint16_t inner_proto(const struct rx_skb *k)
{
	uint16_t type = k->protocol;
	uint32_t off = 0;

	for (int depth = 7; eth_type_vlan(type); depth--) {
		if (off + 4 > k->plen || depth == 1)
			return 0;
		memcpy(&type, k->payload + off + 2, 2);
		off += 4;
	}
	return type;
}

uint16_t tpsim__sll_protocol(const struct tpsim_sock *s,
			     const struct rx_skb *k)
{
	if (s->type == SOCK_DGRAM && s->prof->dgram_inner_proto &&
	    eth_type_vlan(k->protocol))
		return inner_proto(k);
	return k->protocol;
}

/* Returns 1 when the packet goes on to the taps, 0 when the receive path
 * would free it before (a VLAN header too short to pull). */
static int parse_ether(const struct tpsim_sock *s,
		       const struct tpsim_packet *p, struct rx_skb *k)
{
	const uint8_t *d = p->data;
	uint16_t type;

	memcpy(&type, d + 12, 2);
	memcpy(k->lhdr, d, ETH_HLEN);
	k->lhdr_len = ETH_HLEN;
	k->payload = d + ETH_HLEN;
	k->plen = p->len - ETH_HLEN;
	k->src = d + ETH_ALEN;
	if (p->flags & TPSIM_PKT_VLAN) {
		k->vlan = true;
		k->vlan_tci = p->vlan_tci;
		k->vlan_tpid = p->vlan_tpid;
	} else if (eth_type_vlan(type)) {
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
		memcpy(k->lhdr + 12, &type, 2);
		k->payload = d + ETH_HLEN + 4;
		k->plen = p->len - ETH_HLEN - 4;
	}
	k->protocol = eth_proto(type, k->payload, k->plen);
	k->pkttype = (p->flags & TPSIM_PKT_PKTTYPE) ? p->pkttype
						    : eth_pkttype(s, d);
	return 1;
}

static void parse_none(const struct tpsim_packet *p, struct rx_skb *k)
{
	const uint8_t *d = p->data;

	k->lhdr_len = 0;
	k->payload = d;
	k->plen = p->len;
	k->src = NULL;
	if (p->flags & TPSIM_PKT_PROTOCOL)
		k->protocol = p->protocol;
	else if (p->len && (d[0] >> 4) == 4)
		k->protocol = htons(ETH_P_IP);
	else if (p->len && (d[0] >> 4) == 6)
		k->protocol = htons(ETH_P_IPV6);
	else
		k->protocol = 0;
	k->pkttype = (p->flags & TPSIM_PKT_PKTTYPE) ? p->pkttype : PACKET_HOST;
	if (p->flags & TPSIM_PKT_VLAN) {
		k->vlan = true;
		k->vlan_tci = p->vlan_tci;
		k->vlan_tpid = p->vlan_tpid;
	}
}

/* Copy bytes [0, n) of the packet as the socket type sees it to dst. */
void tpsim__rx_copy(const struct tpsim_sock *s, const struct rx_skb *k,
		    uint8_t *dst, uint32_t n)
{
	uint32_t h = s->type == SOCK_RAW ? k->lhdr_len : 0;

	if (h > n)
		h = n;
	memcpy(dst, k->lhdr, h);
	memcpy(dst + h, k->payload, n - h);
}

uint32_t tpsim__rx_len(const struct tpsim_sock *s, const struct rx_skb *k)
{
	return (s->type == SOCK_RAW ? k->lhdr_len : 0) + k->plen;
}

/* Queue a full copy for recv() (R5), as the socket type sees it. */
static int queue_copy(struct tpsim_sock *s, const struct rx_skb *k)
{
	uint32_t h = s->type == SOCK_RAW ? k->lhdr_len : 0;

	return tpsim__rq_push(s, k->lhdr, h, k->payload, k->plen);
}

uint32_t tpsim__rx_tstamp(struct tpsim_sock *s, const struct tpsim_packet *p,
			  struct timespec *ts)
{
	/* tpacket_get_timestamp(): a raw hardware stamp when asked for with
	 * PACKET_TIMESTAMP, else the software stamp, else a clock read (R9) */
	if ((p->flags & TPSIM_PKT_HW_TS) &&
	    (s->tstamp & SOF_TIMESTAMPING_RAW_HARDWARE) &&
	    (p->hw_ts.tv_sec || p->hw_ts.tv_nsec)) {
		*ts = p->hw_ts;
		return TP_STATUS_TS_RAW_HARDWARE;
	}
	if ((p->flags & TPSIM_PKT_SW_TS) &&
	    (p->sw_ts.tv_sec || p->sw_ts.tv_nsec)) {
		*ts = p->sw_ts;
		return TP_STATUS_TS_SOFTWARE;
	}
	tpsim__clock_read(s, ts);
	return 0;
}

void tpsim__fill_sll(const struct tpsim_sock *s, const struct rx_skb *k,
		     char *frame, size_t hdr_size)
{
	struct sockaddr_ll *sll =
		(struct sockaddr_ll *)(frame + TPACKET_ALIGN(hdr_size));
	uint8_t halen = k->src ? s->addr_len : 0;

	/* R10: only halen bytes of sll_addr are written, as the kernel */
	sll->sll_halen = halen;
	if (halen)
		memcpy(sll->sll_addr, k->src, halen);
	sll->sll_family = AF_PACKET;
	sll->sll_hatype = s->hatype;
	sll->sll_protocol = tpsim__sll_protocol(s, k);
	sll->sll_pkttype = k->pkttype;
	sll->sll_ifindex = s->ifindex;
}

uint32_t tpsim__rx_csum_status(const struct tpsim_packet *p,
			       const struct rx_skb *k)
{
	if (p->flags & TPSIM_PKT_CSUM_PARTIAL)
		return TP_STATUS_CSUMNOTREADY;
	if (k->pkttype != PACKET_OUTGOING && (p->flags & TPSIM_PKT_CSUM_VALID))
		return TP_STATUS_CSUM_VALID;
	return 0;
}

/* R3: where the link header and the network header go in a frame; false
 * when tp_net would not fit its 16-bit field (the packet is dropped). */
bool tpsim__rx_offsets(const struct tpsim_sock *s, const struct rx_skb *k,
		       uint64_t *macoff, uint64_t *netoff)
{
	uint32_t maclen = s->type == SOCK_RAW ? k->lhdr_len : 0;

	if (s->type == SOCK_DGRAM) {
		*macoff = *netoff = TPACKET_ALIGN(s->hdrlen) + 16 +
				    (uint64_t)s->reserve;
	} else {
		*netoff = TPACKET_ALIGN(s->hdrlen +
					(maclen < 16 ? 16 : maclen)) +
			  (uint64_t)s->reserve;
		*macoff = *netoff - maclen;
	}
	return *netoff <= USHRT_MAX;
}

static int rx_ring(struct tpsim_sock *s, const struct tpsim_packet *p,
		   const struct rx_skb *k)
{
	struct tpsim_ring *r = &s->rx;
	uint32_t status = TP_STATUS_USER, ts_status, snaplen, len;
	uint64_t macoff, netoff;
	bool copy = false;
	struct timespec ts;
	char *h;

	len = tpsim__rx_len(s, k);
	snaplen = len;
	status |= tpsim__rx_csum_status(p, k);
	if (!tpsim__rx_offsets(s, k, &macoff, &netoff)) {
		s->st_drops++;
		return TPSIM_RX_DROPPED;
	}
	/* R4, R5 */
	if (macoff + snaplen > r->frame_size) {
		if (s->copy_thresh && s->rmem_alloc < s->rcvbuf)
			copy = true;
		snaplen = macoff > r->frame_size
				  ? 0
				  : r->frame_size - (uint32_t)macoff;
	}
	/* R1: only the head frame, only if its status is exactly KERNEL;
	 * the kernel compares V1's unsigned long status as an int */
	h = tpsim__frame(r, r->head);
	if (tpsim_frame_status(h, s->version) != TP_STATUS_KERNEL) {
		s->st_drops++;
		return TPSIM_RX_DROPPED;
	}
	r->head = r->head + 1 == r->frame_nr ? 0 : r->head + 1;
	/* R6: LOSING until PACKET_STATISTICS clears the drop count */
	if (s->st_drops)
		status |= TP_STATUS_LOSING;
	s->st_packets++;
	if (copy && queue_copy(s, k) == 0)
		status |= TP_STATUS_COPY;

	if (snaplen)
		tpsim__rx_copy(s, k, (uint8_t *)h + macoff, snaplen);
	ts_status = tpsim__rx_tstamp(s, p, &ts);
	status |= ts_status;
	if (s->version == TPACKET_V1) {
		struct tpacket_hdr *h1 = (struct tpacket_hdr *)h;

		h1->tp_len = len;
		h1->tp_snaplen = snaplen;
		h1->tp_mac = (uint16_t)macoff;
		h1->tp_net = (uint16_t)netoff;
		h1->tp_sec = (unsigned int)ts.tv_sec;
		h1->tp_usec = (unsigned int)(ts.tv_nsec / 1000);
		tpsim__fill_sll(s, k, h, sizeof(*h1));
		/* release: pairs with the consumer's acquire of tp_status
		 * (R11). The kernel passes the status as an int, so bit 31
		 * sign-extends into V1's unsigned long. */
		tpsim_store_release(&h1->tp_status,
				    (unsigned long)(long)(int32_t)status);
	} else {
		struct tpacket2_hdr *h2 = (struct tpacket2_hdr *)h;

		h2->tp_len = len;
		h2->tp_snaplen = snaplen;
		h2->tp_mac = (uint16_t)macoff;
		h2->tp_net = (uint16_t)netoff;
		h2->tp_sec = (uint32_t)ts.tv_sec;
		h2->tp_nsec = (uint32_t)ts.tv_nsec;
		if (k->vlan) {
			h2->tp_vlan_tci = k->vlan_tci;
			h2->tp_vlan_tpid = k->vlan_tpid;
			status |= TP_STATUS_VLAN_VALID |
				  TP_STATUS_VLAN_TPID_VALID;
		} else {
			h2->tp_vlan_tci = 0;
			h2->tp_vlan_tpid = 0;
		}
		memset(h2->tp_padding, 0, sizeof(h2->tp_padding));
		tpsim__fill_sll(s, k, h, sizeof(*h2));
		/* release: pairs with the consumer's acquire (R11) */
		tpsim_store_release(&h2->tp_status, status);
	}
	return TPSIM_RX_DELIVERED;
}

static int rx_queue(struct tpsim_sock *s, const struct rx_skb *k)
{
	/* packet_rcv(): no ring, the packet goes to the receive queue */
	if (s->rmem_alloc >= s->rcvbuf || queue_copy(s, k)) {
		s->st_drops++;
		return TPSIM_RX_DROPPED;
	}
	s->st_packets++;
	return TPSIM_RX_DELIVERED;
}

int tpsim_deliver(struct tpsim_sock *s, const struct tpsim_packet *p)
{
	struct rx_skb k = { 0 };
	int ret;

	if (!s || !p || p->sz < offsetof(struct tpsim_packet, protocol) +
					sizeof(p->protocol))
		return -EINVAL;
	if (!p->data && p->len)
		return -EINVAL;
	if (p->len < s->hard_header_len)
		return -EINVAL;
	if (s->hard_header_len) {
		if (!parse_ether(s, p, &k))
			return TPSIM_RX_IGNORED;
	} else {
		parse_none(p, &k);
	}
	if (k.pkttype == PACKET_LOOPBACK)
		return TPSIM_RX_IGNORED;

	pthread_mutex_lock(&s->lock);
	/* R13: outgoing copies go only to the taps of every protocol
	 * (dev_queue_xmit_nit walks ptype_all, never ptype_base) */
	if (s->protocol == TPSIM_PROTO_NONE ||
	    (s->protocol != htons(ETH_P_ALL) &&
	     (s->protocol != k.protocol || k.pkttype == PACKET_OUTGOING)) ||
	    (s->ignore_outgoing && k.pkttype == PACKET_OUTGOING)) {
		pthread_mutex_unlock(&s->lock);
		return TPSIM_RX_IGNORED;
	}
	/* run_filter() without a filter answers the packet's length, and 0
	 * means "filter says no": a packet of no bytes as this socket sees
	 * it (SOCK_DGRAM, an Ethernet frame of 14) is neither delivered nor
	 * counted (found by tpconform --differential) */
	if (!tpsim__rx_len(s, &k))
		ret = TPSIM_RX_IGNORED;
	else if (!s->rx.live)
		ret = rx_queue(s, &k);
	else if (s->version == TPACKET_V3)
		ret = tpsim__v3_rcv(s, p, &k);
	else
		ret = rx_ring(s, p, &k);
	/* under the lock: a concurrent teardown may unmap the wake page */
	if (ret == TPSIM_RX_DELIVERED &&
	    !(s->rx.live && s->version == TPACKET_V3))
		tpsim__wake_publish(s);	/* V3 publishes whole blocks */
	pthread_mutex_unlock(&s->lock);
	return ret;
}
