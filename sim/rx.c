// SPDX-License-Identifier: MIT
/*
 * The producer's entry points, tpsim_deliver and tpsim_deliver_batch, for
 * every version, and the plain path: tpacket_rcv() of a plain packet on a
 * plain socket (rx_plan.c decides which), inlined whole into both entry
 * points. Everything else goes to rx_general.h (V1/V2, no ring; inlined
 * here too) or rx_v3.c.
 */
#include <errno.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <stdbool.h>
#include <string.h>
#include <arpa/inet.h>

#include "internal.h"
#include "rx_inline.h"
#include "rx_general.h"

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
rx_plain(struct tpsim_sock *s, int version, const struct tpsim_packet *p,
	 bool alone)
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
	if (rx_v12_status(h, version) != TP_STATUS_KERNEL) {
		s->st_drops++;
		return TPSIM_RX_DROPPED;
	}
	s->last_rx.frame = r->head;	/* tpsim_rx_last */
	rx_head_next(r);
	s->st_packets++;
	memcpy(h + s->rx_macoff, d + ETH_HLEN - hlen, snaplen);
	/* the stamp in s->rx_ts either way: tpsim_rx_last takes it there */
	if (alone) {
		tpsim__clock_read(s, &s->rx_ts);
		ts = s->rx_ts;
	} else {
		ts = tpsim__rx_now(s);
	}
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
	rx_fill_v12(s, version, true, !alone && version == TPACKET_V2 &&
		    s->rx.frame_nr > TPSIM_BATCH_RUN, h, &k, len, snaplen,
		    s->rx_macnet & 0xffff, s->rx_macnet >> 16, &ts, status,
		    ETH_ALEN);
	if (alone)	/* a plain socket has a ring */
		tpsim__wake_publish_ring(s);
	else
		s->rx_wake_due = true;
	return TPSIM_RX_DELIVERED;
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

/* The run's filled frames, released in frame order (R11: each status
 * last, after its frame): before anything else publishes and at the
 * run's end. */
static void rx_pend_flush(struct tpsim_sock *s)
{
	if (!s->rx_pend_n)
		return;
	for (uint32_t i = 0; i < s->rx_pend_n; i++)
		/* release: pairs with the consumer's acquire (R11) */
		tpsim_store_release(
			&((struct tpacket2_hdr *)s->rx_pend_h[i])->tp_status,
			s->rx_pend_status[i]);
	s->rx_pend_n = 0;
}

/* ... and ends, still under the lock (a concurrent teardown may unmap the
 * wake page): one fence and one look for sleepers for all it published. */
static void rx_run_end(struct tpsim_sock *s)
{
	s->rx_in_run = false;
	if (s->rx_wake_due) {	/* pending frames set it too */
		rx_pend_flush(s);
		tpsim__wake_publish(s);
	}
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
static inline __attribute__((always_inline)) int
rx_one(struct tpsim_sock *s, const struct tpsim_packet *p, bool batch)
{
	if (p->flags & TPSIM_PKT_CLOCK) {
		if (batch)	/* time passes: what is filled is out */
			rx_pend_flush(s);
		rx_arrive(s, p);
	}
	if (s->rx_plain && rx_plain_pkt(s, p))
		return s->version == TPACKET_V3 ? rx_plain_v3(s, p)
						: rx_plain(s, s->version, p, false);
	if (batch)	/* the general path publishes in place */
		rx_pend_flush(s);
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
		/* V1 and V2 each their own copy of the plain path, the
		 * version a constant in it: not tested at the status and
		 * header stores, not held in a register (V2 259.9 -> 254.8
		 * instructions per 64-byte packet) */
		if (untagged && s->version != TPACKET_V3) {
			ret = s->version == TPACKET_V2
				      ? rx_plain(s, TPACKET_V2, p, true)
				      : rx_plain(s, TPACKET_V1, p, true);
		} else {
			rx_run_begin(s);
			ret = untagged ? rx_plain_v3(s, p) : rx_general(s, p);
			rx_run_end(s);
		}
	} else if (!(ret = rx_check(s, p))) {
		rx_run_begin(s);
		ret = rx_one(s, p, false);
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
			r = rx_one(s, pkts[i], true);
			if (results)
				results[i] = r;
		}
		rx_run_end(s);
		pthread_mutex_unlock(&s->lock);
	}
	/* as sendmmsg(): the count handled, or the error of the first */
	return i || !err ? (int)i : err;
}
