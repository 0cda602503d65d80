// SPDX-License-Identifier: MIT
/*
 * The producer: what the kernel's receive path and tpacket_rcv() do with
 * one arriving packet on a V1/V2 ring (R1-R12), or packet_rcv() on a
 * socket without a ring; the entry points tpsim_deliver and
 * tpsim_deliver_batch for every version, and the plain path.
 */
#include <errno.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <linux/net_tstamp.h>
#include <stdbool.h>
#include <string.h>
#include <arpa/inet.h>

#include "internal.h"

uint16_t tpsim__eth_proto(uint16_t type_be, const uint8_t *payload,
			  uint32_t plen)
{
	/* what eth_type_trans() concludes for a length field (< 0x600) */
	if (ntohs(type_be) >= ETH_P_802_3_MIN)
		return type_be;
	if (plen >= 2 && payload[0] == 0xff && payload[1] == 0xff)
		return htons(ETH_P_802_3);
	return htons(ETH_P_802_2);
}

uint8_t tpsim__eth_pkttype(const struct tpsim_sock *s, const uint8_t *dst)
{
	static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff,
						 0xff, 0xff, 0xff };

	/* eth_type_trans(): the device's own address first (even one with
	 * the group bit, which tpsim_create does not refuse), then the
	 * group bit */
	if (!memcmp(dst, s->addr, ETH_ALEN))
		return PACKET_HOST;
	if (dst[0] & 1)
		return memcmp(dst, bcast, ETH_ALEN) ? PACKET_MULTICAST
						    : PACKET_BROADCAST;
	return PACKET_OTHERHOST;
}

bool tpsim__eth_type_vlan(uint16_t type_be)
{
	return type_be == htons(ETH_P_8021Q) || type_be == htons(ETH_P_8021AD);
}

/* Copy bytes [0, n) of the packet as the socket type sees it to dst. */
void tpsim__rx_copy(const struct tpsim_sock *s, const struct rx_skb *k,
		    uint8_t *dst, uint32_t n)
{
	uint32_t h = s->type == SOCK_RAW ? k->lhdr_len : 0;

	if (!h || k->lhdr + h == k->payload) {
		/* the header still sits before the payload: one copy */
		memcpy(dst, k->payload - h, n);
		return;
	}
	if (h > n)
		h = n;
	memcpy(dst, k->lhdr, h);
	memcpy(dst + h, k->payload, n - h);
}

uint32_t tpsim__rx_len(const struct tpsim_sock *s, const struct rx_skb *k)
{
	return (s->type == SOCK_RAW ? k->lhdr_len : 0) + k->plen;
}

struct timespec tpsim__rx_now(struct tpsim_sock *s)
{
	if (!s->rx_ts_valid) {
		tpsim__clock_read(s, &s->rx_ts);
		s->rx_ts_valid = s->rx_in_run;
	}
	return s->rx_ts;
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
	*ts = tpsim__rx_now(s);
	return 0;
}

/* halen: the socket's addr_len, 0 for a packet with no link source */
static inline __attribute__((always_inline)) void
rx_sll(const struct tpsim_sock *s, const struct rx_skb *k, char *frame,
       size_t hdr_size, uint8_t halen)
{
	struct sockaddr_ll *sll =
		(struct sockaddr_ll *)(frame + TPACKET_ALIGN(hdr_size));

	/* R10: only halen bytes of sll_addr are written, as the kernel */
	sll->sll_halen = halen;
	if (halen == ETH_ALEN)	/* Ethernet: a copy of known size */
		memcpy(sll->sll_addr, k->src, ETH_ALEN);
	else if (halen)
		memcpy(sll->sll_addr, k->src, halen);
	sll->sll_family = AF_PACKET;
	sll->sll_hatype = s->hatype;
	sll->sll_protocol = s->type == SOCK_DGRAM ? k->dgram_proto
						 : k->protocol;
	sll->sll_pkttype = k->pkttype;
	sll->sll_ifindex = s->ifindex;
}

void tpsim__fill_sll(const struct tpsim_sock *s, const struct rx_skb *k,
		     char *frame, size_t hdr_size)
{
	rx_sll(s, k, frame, hdr_size, k->src ? s->addr_len : 0);
}

uint32_t tpsim__rx_csum_status(const struct tpsim_packet *p,
			       const struct rx_skb *k)
{
	if (!(p->flags & (TPSIM_PKT_CSUM_PARTIAL | TPSIM_PKT_CSUM_VALID)))
		return 0;
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
	uint32_t maclen = s->type == SOCK_RAW ? k->lhdr_len + k->mac_extra : 0;

	if (s->type == SOCK_DGRAM) {
		*macoff = *netoff = TPACKET_ALIGN(s->hdrlen) + 16 +
				    (uint64_t)s->reserve;
	} else {
		/* O10: room for the virtio-net header before the link's */
		*netoff = TPACKET_ALIGN(s->hdrlen +
					(maclen < 16 ? 16 : maclen)) +
			  (uint64_t)s->reserve + s->vnet_hdr_sz;
		*macoff = *netoff - maclen;
	}
	return *netoff <= USHRT_MAX;
}

/*
 * __vlan_get_protocol_offset: the type after the tags that follow a link
 * header whose type field says type, the first tag at data[0]; *depth the
 * bytes of tags. At most 7 tags are read; 0 when one is cut short or the
 * chain is longer.
 */
static uint16_t skip_tags(uint16_t type, const uint8_t *data, uint32_t len,
			  uint32_t *depth)
{
	uint32_t off = 0;

	for (int left = 7; tpsim__eth_type_vlan(type); left--) {
		if (off + 4 > len || !left)
			return 0;
		memcpy(&type, data + off + 2, 2);
		off += 4;
	}
	*depth = off;
	return type;
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
	k->dgram_proto = skip_tags(k->protocol, tag, len, &depth);
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
		    skip_tags(k->protocol, k->payload, k->plen, &depth)) {
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
static int vlan_for_bound(struct rx_skb *k)
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
	if (p->flags & TPSIM_PKT_PROTOCOL)
		k->protocol = p->protocol;
	else if (p->len && (d[0] >> 4) == 4)
		k->protocol = htons(ETH_P_IP);
	else if (p->len && (d[0] >> 4) == 6)
		k->protocol = htons(ETH_P_IPV6);
	else
		k->protocol = 0;
	k->pkttype = (p->flags & TPSIM_PKT_PKTTYPE) ? p->pkttype : PACKET_HOST;
	k->wire_len = p->len;
	if (p->flags & TPSIM_PKT_VLAN) {
		k->vlan = true;
		k->vlan_tci = p->vlan_tci;
		k->vlan_tpid = p->vlan_tpid;
	}
}

void tpsim__vnet_from_pkt(const struct tpsim_packet *p, uint32_t pulled,
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


/* Queue the first n bytes for recv(), as the socket type sees it: all of
 * them for a COPY frame (R5: the kernel queues the skb itself, whatever
 * the filter answered), the filter's snaplen without a ring (packet_rcv
 * trims the skb to it). */
static int queue_copy(struct tpsim_sock *s, const struct rx_skb *k,
		      uint32_t n)
{
	uint32_t h = s->type == SOCK_RAW ? k->lhdr_len : 0;

	/* an outgoing copy is a clone of the sender's skb: from a TX ring,
	 * a small head (576 + the 256-byte sk_buff) holding the link header
	 * and the rest as page fragments (tpacket_fill_skb) */
	uint32_t truesize = k->pkttype == PACKET_OUTGOING
				    ? 832 + k->wire_len - s->hard_header_len
				    : tpsim__truesize(s, k->wire_len);

	if (h > n)
		h = n;
	return tpsim__rq_push(s, k->lhdr, h, k->payload, n - h, truesize,
			      k->vnet);
}

int64_t tpsim__rx_mono_ns(struct tpsim_sock *s)
{
	if (!s->rx_mono_valid) {
		s->rx_mono = tpsim__mono_ns(s);
		s->rx_mono_valid = s->rx_in_run;
	}
	return s->rx_mono;
}

/* R1: a V1/V2 frame's status (V1's unsigned long compared as an int) */
static inline uint32_t rx_v12_status(const char *h, int version)
{
	if (version == TPACKET_V1)
		return (uint32_t)tpsim_load_acquire(
			&((const struct tpacket_hdr *)h)->tp_status);
	return tpsim_load_acquire(&((const struct tpacket2_hdr *)h)->tp_status);
}

/* R1: the head moves on one frame; head_at with it, to the next frame
 * of its block while head_left says there is one. */
static inline void rx_head_next(struct tpsim_ring *r)
{
	r->head++;
	if (--r->head_left)
		r->head_at += r->frame_size;
	else
		tpsim__rx_head_set(r);
}

/* R2, R10, R11: a V1/V2 frame's header and sockaddr_ll, then its status,
 * released last. always_inline: the plain path's constants fold in. */
static inline __attribute__((always_inline)) void
rx_fill_v12(struct tpsim_sock *s, char *h, const struct rx_skb *k,
	    uint32_t len, uint32_t snaplen, uint32_t macoff, uint32_t netoff,
	    const struct timespec *ts, uint32_t status, uint8_t halen)
{
	/* V2 the straight line: what capture programs use */
	if (__builtin_expect(s->version == TPACKET_V1, 0)) {
		struct tpacket_hdr *h1 = (struct tpacket_hdr *)h;

		h1->tp_len = len;
		h1->tp_snaplen = snaplen;
		h1->tp_mac = (uint16_t)macoff;
		h1->tp_net = (uint16_t)netoff;
		h1->tp_sec = (unsigned int)ts->tv_sec;
		h1->tp_usec = (unsigned int)(ts->tv_nsec / 1000);
		rx_sll(s, k, h, sizeof(*h1), halen);
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
		h2->tp_sec = (uint32_t)ts->tv_sec;
		h2->tp_nsec = (uint32_t)ts->tv_nsec;
		if (k->vlan) {
			h2->tp_vlan_tci = k->vlan_tci;
			h2->tp_vlan_tpid = k->vlan_tpid;
			status |= TP_STATUS_VLAN_VALID |
				  TP_STATUS_VLAN_TPID_VALID;
		} else if (s->type == SOCK_DGRAM && k->data_tag) {
			h2->tp_vlan_tci = k->data_tci;
			h2->tp_vlan_tpid = ntohs(k->protocol);
			status |= TP_STATUS_VLAN_VALID |
				  TP_STATUS_VLAN_TPID_VALID;
		} else {
			h2->tp_vlan_tci = 0;
			h2->tp_vlan_tpid = 0;
		}
		memset(h2->tp_padding, 0, sizeof(h2->tp_padding));
		rx_sll(s, k, h, sizeof(*h2), halen);
		/* release: pairs with the consumer's acquire (R11) */
		tpsim_store_release(&h2->tp_status, status);
	}
	/* tpsim_rx_last: the head moved past this frame just before */
	tpsim__rx_note(s, 1, (s->rx.head ? s->rx.head : s->rx.frame_nr) - 1,
		       status, len, snaplen, macoff, netoff, ts);
	if (s->version != TPACKET_V1) {
		s->last_rx.vlan_tci = ((struct tpacket2_hdr *)h)->tp_vlan_tci;
		s->last_rx.vlan_tpid = ((struct tpacket2_hdr *)h)->tp_vlan_tpid;
	}
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
	rx_fill_v12(s, h, k, len, snaplen, (uint32_t)macoff, (uint32_t)netoff,
		    &ts, status, k->src ? s->addr_len : 0);
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
		       NULL);
	return TPSIM_RX_DELIVERED;
}

/* The checks of the packet itself, first under the lock: -EINVAL or 0. */
static int rx_check(const struct tpsim_sock *s, const struct tpsim_packet *p)
{
	if (!p || p->sz < offsetof(struct tpsim_packet, protocol) +
				  sizeof(p->protocol))
		return -EINVAL;
	if ((p->flags & TPSIM_PKT_CLOCK) &&
	    (p->sz < offsetof(struct tpsim_packet, clock_at) +
			     sizeof(p->clock_at) ||
	     s->clock != TPSIM_CLOCK_VIRTUAL || p->clock_at.tv_sec < 0 ||
	     p->clock_at.tv_nsec < 0 || p->clock_at.tv_nsec >= 1000000000L))
		return -EINVAL;
	if (!p->data && p->len)
		return -EINVAL;
	if (p->len < s->hard_header_len)
		return -EINVAL;
	return 0;
}

/*
 * The plain socket (s->rx_plain, worked out by tpsim__rx_plan when the
 * configuration changes): a ring of any version, every protocol, no
 * socket filter, no virtio-net header, no copy threshold, an Ethernet
 * link, and a header that fits (tp_net in 16 bits; V1/V2: tp_mac inside
 * the frame). A plain packet: nothing but its bytes (no flag but the
 * clock's), long enough for the socket to see a byte, and no tag in its
 * data. Then what rx_view() and rx_one_locked() decide per packet
 * follows from the configuration alone: no per-socket view, run_filter()
 * is the length, the offsets are the plan's, no COPY, no VLAN fields.
 */
static bool rx_untagged(const struct tpsim_packet *p)
{
	uint16_t type;

	memcpy(&type, p->data + 12, 2);
	return !tpsim__eth_type_vlan(type);
}

/* In a run (rx_check passed): the clock's flag allowed. */
static bool rx_plain_pkt(const struct tpsim_sock *s,
			 const struct tpsim_packet *p)
{
	return !(p->flags & ~(unsigned int)TPSIM_PKT_CLOCK) &&
	       p->len >= s->rx_minlen && rx_untagged(p);
}

/* tpsim_deliver: rx_check's checks, given a plain socket's link, and no
 * flag at all; the tag is looked at after. */
static bool rx_alone_pkt(const struct tpsim_sock *s,
			 const struct tpsim_packet *p)
{
	return p && p->sz >= offsetof(struct tpsim_packet, protocol) +
				     sizeof(p->protocol) &&
	       !p->flags && p->data && p->len >= s->rx_minlen;
}

/* The view rx_view() and rx_one_locked() leave of a plain packet
 * on a plain socket, every field set (no zeroing of the whole). */
static void rx_plain_view(const struct tpsim_sock *s,
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
	k->pkttype = tpsim__eth_pkttype(s, d);
	k->protocol = tpsim__eth_proto(type, k->payload, k->plen);
	RX_SKB_ZERO(k);
	k->dgram_proto = k->protocol;
	k->snaplen = tpsim__rx_len(s, k);
}

/* tpacket_rcv() of a plain packet on a plain V1/V2 socket, s->lock held:
 * the same stores in the same order as rx_ring(). alone: a tpsim_deliver
 * of one packet, outside any run: the clock read and the wake-up here. */
static inline __attribute__((always_inline)) int
rx_plain(struct tpsim_sock *s, const struct tpsim_packet *p, bool alone)
{
	struct tpsim_ring *r = &s->rx;
	const uint8_t *d = p->data;
	uint32_t hlen = s->rx_hlen;
	uint32_t len = p->len - ETH_HLEN + hlen, snaplen = len;
	uint32_t status;
	struct rx_skb k;
	struct timespec ts;
	uint16_t type;
	char *h;

	if (snaplen > s->rx_snapmax)	/* R4: what fits after tp_mac */
		snaplen = s->rx_snapmax;
	h = r->head_at;
	if (rx_v12_status(h, s->version) != TP_STATUS_KERNEL) {
		s->st_drops++;
		return TPSIM_RX_DROPPED;
	}
	rx_head_next(r);
	s->st_packets++;
	memcpy(h + s->rx_macoff, d + ETH_HLEN - hlen, snaplen);
	if (alone)
		tpsim__clock_read(s, &ts);
	else
		ts = tpsim__rx_now(s);
	memcpy(&type, d + 12, 2);
	k.src = d + ETH_ALEN;
	k.pkttype = tpsim__eth_pkttype(s, d);
	k.protocol = k.dgram_proto = tpsim__eth_proto(type, d + ETH_HLEN,
						 p->len - ETH_HLEN);
	k.vlan = k.data_tag = false;
	/* R6, as rx_ring(); read after the calls, held in no register */
	status = TP_STATUS_USER | (s->st_drops ? TP_STATUS_LOSING : 0);
	/* the plan's offsets read again after the calls, rather than held,
	 * in one word: tp_mac and tp_net are one store */
	rx_fill_v12(s, h, &k, len, snaplen, s->rx_macnet & 0xffff,
		    s->rx_macnet >> 16, &ts, status, ETH_ALEN);
	if (alone)
		tpsim__wake_publish(s);
	else
		s->rx_wake_due = true;
	return TPSIM_RX_DELIVERED;
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
	if (bound && kb->pkttype != PACKET_OUTGOING && !vlan_for_bound(kb))
		return false;
	if (kb->pkttype != PACKET_OUTGOING)
		dgram_view(s, kb, kb->payload, kb->plen);
	tpsim__vnet_from_pkt(p, kb->pulled, kb->vnet);
	return true;
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

/* TPSIM_PKT_CLOCK: time passes up to the packet's arrival, whether or
 * not the packet is for this socket; the run's clock reads are stale. */
static void rx_arrive(struct tpsim_sock *s, const struct tpsim_packet *p)
{
	tpsim__clock_forward(s, &p->clock_at);
	s->rx_ts_valid = false;
	s->rx_mono_valid = false;
}

/* A delivery's run under the lock begins: nothing published yet, no clock
 * read yet (one read stamps every packet of the run that needs it). */
static void rx_run_begin(struct tpsim_sock *s)
{
	s->rx_in_run = true;
	s->rx_wake_due = false;
	s->rx_ts_valid = false;
	s->rx_mono_valid = false;
}

/* ... and ends, still under the lock (a concurrent teardown may unmap the
 * wake page): one fence and one look for sleepers for all it published. */
static void rx_run_end(struct tpsim_sock *s)
{
	s->rx_in_run = false;
	if (s->rx_wake_due)
		tpsim__wake_publish(s);
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

/* A plain packet on a plain V3 socket, in a run (blocks publish). */
static int rx_plain_v3(struct tpsim_sock *s, const struct tpsim_packet *p)
{
	struct rx_skb k;

	rx_plain_view(s, p, &k);
	return tpsim__v3_rcv(s, p, &k);
}

/* One packet under the lock, in a run: the plain path when the socket
 * and the packet allow it, else the general one. */
static int rx_one(struct tpsim_sock *s, const struct tpsim_packet *p)
{
	if (p->flags & TPSIM_PKT_CLOCK)
		rx_arrive(s, p);
	if (s->rx_plain && rx_plain_pkt(s, p))
		return s->version == TPACKET_V3 ? rx_plain_v3(s, p)
						: rx_plain(s, p, false);
	return rx_general(s, p);
}

/* flatten: the per-packet helpers above are inlined into the two entry
 * points (about a fifth of the instructions per packet were calls) */
__attribute__((flatten)) int tpsim_deliver(struct tpsim_sock *s,
					  const struct tpsim_packet *p)
{
	bool untagged;
	int ret;

	if (!s)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	if (s->rx_plain && rx_alone_pkt(s, p)) {
		/* valid, as rx_check() would find it */
		untagged = rx_untagged(p);
		if (untagged && s->version != TPACKET_V3) {
			ret = rx_plain(s, p, true);
		} else {
			rx_run_begin(s);
			ret = untagged ? rx_plain_v3(s, p) : rx_general(s, p);
			rx_run_end(s);
		}
	} else if (!(ret = rx_check(s, p))) {
		rx_run_begin(s);
		ret = rx_one(s, p);
		rx_run_end(s);
	}
	pthread_mutex_unlock(&s->lock);
	return ret;
}

__attribute__((flatten)) int
tpsim_deliver_batch(struct tpsim_sock *s,
		    const struct tpsim_packet *const *pkts, unsigned int n,
		    int *results)
{
	unsigned int i = 0;
	int err = 0;

	if (!s || (!pkts && n) || n > INT_MAX)
		return -EINVAL;
	while (i < n && !err) {
		unsigned int end = n - i > TPSIM_BATCH_RUN ? i + TPSIM_BATCH_RUN
							   : n;

		pthread_mutex_lock(&s->lock);
		rx_run_begin(s);
		for (; i < end; i++) {
			int r = rx_check(s, pkts[i]);

			if (r < 0) {
				err = r;
				break;
			}
			r = rx_one(s, pkts[i]);
			if (results)
				results[i] = r;
		}
		rx_run_end(s);
		pthread_mutex_unlock(&s->lock);
	}
	/* as sendmmsg(): the count handled, or the error of the first */
	return i || !err ? (int)i : err;
}
