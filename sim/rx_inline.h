/* SPDX-License-Identifier: MIT */
/*
 * The pieces of the receive path that the plain path (rx.c), the general
 * one (rx_general.h, rx_view.h), the V3 path (rx_v3.c) and the plan
 * (rx_plan.c, rx_room.c) share, inline: tpsim_deliver and
 * tpsim_deliver_batch have them folded in (a call per helper cost about a
 * fifth of the plain path's instructions per packet), so they live here
 * rather than in a file of their own.
 */
#ifndef TPSIM_RX_INLINE_H
#define TPSIM_RX_INLINE_H

#include <arpa/inet.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <linux/net_tstamp.h>
#include <stdbool.h>
#include <string.h>

#include "internal.h"

/* eth_type_trans(): the protocol of a frame whose type field is type_be
 * (network order) */
static inline uint16_t tpsim__eth_proto(uint16_t type_be, const uint8_t *payload,
					 uint32_t plen)
{
	/* what eth_type_trans() concludes for a length field (< 0x600) */
	if (ntohs(type_be) >= ETH_P_802_3_MIN)
		return type_be;
	if (plen >= 2 && payload[0] == 0xff && payload[1] == 0xff)
		return htons(ETH_P_802_3);
	return htons(ETH_P_802_2);
}

static inline uint8_t tpsim__eth_pkttype(const struct tpsim_sock *s,
					 const uint8_t *dst)
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

static inline bool tpsim__eth_type_vlan(uint16_t type_be)
{
	return type_be == htons(ETH_P_8021Q) || type_be == htons(ETH_P_8021AD);
}

/* the packet's length as the socket type sees it */
static inline uint32_t tpsim__rx_len(const struct tpsim_sock *s,
				     const struct rx_skb *k)
{
	return (s->type == SOCK_RAW ? k->lhdr_len : 0) + k->plen;
}

/* the clock as a delivery run sees it: read once per run */
static inline struct timespec tpsim__rx_now(struct tpsim_sock *s)
{
	if (!s->rx_ts_valid) {
		tpsim__clock_read(s, &s->rx_ts);
		s->rx_ts_valid = s->rx_in_run;
	}
	return s->rx_ts;
}

static inline int64_t tpsim__rx_mono_ns(struct tpsim_sock *s)
{
	if (!s->rx_mono_valid) {
		s->rx_mono = tpsim__mono_ns(s);
		s->rx_mono_valid = s->rx_in_run;
	}
	return s->rx_mono;
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
rx_fill_v12(struct tpsim_sock *s, int version, bool plain, bool defer,
	    char *h,
	    const struct rx_skb *k, uint32_t len, uint32_t snaplen,
	    uint32_t macoff, uint32_t netoff, const struct timespec *ts,
	    uint32_t status, uint8_t halen)
{
	uint16_t tci = 0, tpid = 0;	/* V1 has no VLAN fields */

	/* V2 the straight line: what capture programs use */
	if (__builtin_expect(version == TPACKET_V1, 0)) {
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
			tci = k->vlan_tci;
			tpid = k->vlan_tpid;
			status |= TP_STATUS_VLAN_VALID |
				  TP_STATUS_VLAN_TPID_VALID;
		} else if (s->type == SOCK_DGRAM && k->data_tag) {
			tci = k->data_tci;
			tpid = ntohs(k->protocol);
			status |= TP_STATUS_VLAN_VALID |
				  TP_STATUS_VLAN_TPID_VALID;
		}
		h2->tp_vlan_tci = tci;
		h2->tp_vlan_tpid = tpid;
		memset(h2->tp_padding, 0, sizeof(h2->tp_padding));
		rx_sll(s, k, h, sizeof(*h2), halen);
		if (defer) {
			/* released by rx_pend_flush, in frame order */
			s->rx_pend_h[s->rx_pend_n] = h;
			s->rx_pend_status[s->rx_pend_n++] = status;
		} else {
			/* release: pairs with the consumer's acquire (R11) */
			tpsim_store_release(&h2->tp_status, status);
		}
	}
	if (plain)	/* rx.c's plain path keeps tpsim_rx_last's record */
		return;
	/* tpsim_rx_last: the head moved past this frame just before */
	tpsim__rx_note(s, 1, (s->rx.head ? s->rx.head : s->rx.frame_nr) - 1,
		       status, len, snaplen, macoff, netoff, ts, tci, tpid);
}


/* Copy bytes [0, n) of the packet as the socket type sees it to dst. */
static inline void tpsim__rx_copy(const struct tpsim_sock *s,
				  const struct rx_skb *k, uint8_t *dst,
				  uint32_t n)
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

static inline uint32_t tpsim__rx_tstamp(struct tpsim_sock *s,
					 const struct tpsim_packet *p,
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

static inline void tpsim__fill_sll(const struct tpsim_sock *s,
				   const struct rx_skb *k, char *frame,
				   size_t hdr_size)
{
	rx_sll(s, k, frame, hdr_size, k->src ? s->addr_len : 0);
}

static inline uint32_t tpsim__rx_csum_status(const struct tpsim_packet *p,
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
static inline bool tpsim__rx_offsets(const struct tpsim_sock *s,
				     const struct rx_skb *k,
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

#endif
