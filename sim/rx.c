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

/* In a run, a V2 ring of more frames than a run holds its filled frames'
 * statuses back until rx_pend_flush (a run never comes back to a frame
 * it holds). */
static bool rx_held(const struct tpsim_sock *s)
{
	return s->version == TPACKET_V2 && s->rx.frame_nr > TPSIM_BATCH_RUN;
}

/* What rx_run_plain_v2 keeps for its packets rather than working out for
 * each: the run's stamp, and the status their frames get (R6: LOSING
 * once a packet was dropped, until PACKET_STATISTICS, which needs the
 * lock, clears the count) */
struct rx_run {
	struct timespec ts;
	uint32_t status;
};

/* tpacket_rcv() of a plain packet on a plain V1/V2 socket, s->lock held:
 * the same stores in the same order as rx_ring(). alone: a tpsim_deliver
 * of one packet, outside any run: the clock read and the wake-up here.
 * held: in a run, the frame's status waits in rx_pend_* (rx_held()).
 * run: rx_run_plain_v2's, whose stamp and status its packets take; that
 * loop keeps tpsim_rx_last's record and the wake-up's flag for them
 * together. */
static inline __attribute__((always_inline)) int
rx_plain(struct tpsim_sock *s, int version, const struct tpsim_packet *p,
	 bool alone, bool held, struct rx_run *run)
{
	struct tpsim_ring *r = &s->rx;
	const uint8_t *d = p->data;
	uint32_t hlen = s->rx_hlen;
	uint32_t len = p->len - ETH_HLEN + hlen, snaplen = len;
	uint32_t status;
	struct rx_skb k;
	struct timespec ts;
	const struct timespec *tsp = &ts;
	uint16_t type;
	char *h;

	if (snaplen > s->rx_snapmax)	/* R4: what fits after tp_mac */
		snaplen = s->rx_snapmax;
	h = r->head_at;
	if (rx_v12_status(h, version) != TP_STATUS_KERNEL) {
		s->st_drops++;
		if (run)	/* a consumer may free the head before the next */
			run->status = TP_STATUS_USER | TP_STATUS_LOSING;
		return TPSIM_RX_DROPPED;
	}
	if (!run)
		s->last_rx.frame = r->head;	/* tpsim_rx_last */
	rx_head_next(r);
	if (!run)	/* rx_run_note counts a run's */
		s->st_packets++;
	if (!held)
		memcpy(h + s->rx_macoff, d + ETH_HLEN - hlen, snaplen);
	/* the stamp in s->rx_ts either way: tpsim_rx_last takes it there */
	if (alone) {
		tpsim__clock_read(s, &s->rx_ts);
		ts = s->rx_ts;
	} else if (run) {
		tsp = &run->ts;
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
	if (run)	/* the same, kept by the run */
		status = run->status;
	/* the plan's offsets read again after the calls, rather than held,
	 * in one word: tp_mac and tp_net are one store */
	rx_fill_v12(s, version, true, !alone && held, h, &k, len, snaplen,
		    s->rx_macnet & 0xffff, s->rx_macnet >> 16, tsp, status,
		    ETH_ALEN);
	/* a held frame's status is stored later (rx_pend_flush), so its
	 * data may follow the header: nothing but the run's own state is
	 * then live across the copy's call */
	if (held)
		memcpy(h + s->rx_macoff, d + ETH_HLEN - hlen, snaplen);
	if (run)
		return TPSIM_RX_DELIVERED;
	/* tpsim_rx_last: what the plan does not say (the frame was noted
	 * before the head moved; the stamp is s->rx_ts, which only a
	 * delivery changes); tpsim__rx_note_fill adds the rest when asked */
	s->last_rx.seq++;
	s->last_rx.status = status;
	s->last_rx.len = len;
	s->last_rx.ring = TPSIM_RX_NOTE_PLAIN;
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
		return s->version == TPACKET_V3
			       ? rx_plain_v3(s, p)
			       : rx_plain(s, s->version, p, false, rx_held(s),
					  NULL);
	if (batch)	/* the general path publishes in place */
		rx_pend_flush(s);
	return rx_general(s, p);
}

/* rx_run_plain_v2's packet: rx_alone_pkt()'s, the clock's flag allowed
 * (rx_check then checks its time); given rx_check(), what rx_plain_pkt()
 * asks */
static bool rx_run_pkt(const struct tpsim_sock *s,
		       const struct tpsim_packet *p)
{
	return p && p->sz >= offsetof(struct tpsim_packet, protocol) +
				     sizeof(p->protocol) &&
	       !(p->flags & ~(unsigned int)TPSIM_PKT_CLOCK) && p->data &&
	       p->len >= s->rx_minlen && rx_untagged(p);
}

/* rx_run_plain_v2's record, as rx_plain() notes each packet's: n packets
 * delivered since the run began or time last passed, p the last of them,
 * stamped ts; their frames wait in rx_pend_*, the last one's status last
 * there. */
static void rx_run_note(struct tpsim_sock *s, const struct tpsim_packet *p,
			uint32_t n, const struct timespec *ts)
{
	struct tpsim_ring *r = &s->rx;

	if (!n)
		return;
	/* the record's stamp is s->rx_ts (tpsim__rx_note_fill), the run's
	 * one read (tpsim__rx_now) */
	s->rx_ts = *ts;
	s->rx_ts_valid = true;
	s->rx_wake_due = true;
	s->st_packets += n;
	s->last_rx.seq += n;
	s->last_rx.frame = (r->head ? r->head : r->frame_nr) - 1;
	s->last_rx.status = s->rx_pend_status[s->rx_pend_n - 1];
	s->last_rx.len = p->len - ETH_HLEN + s->rx_hlen;
	s->last_rx.ring = TPSIM_RX_NOTE_PLAIN;
}

/*
 * The start of tpsim_deliver_batch's run on a plain V2 socket whose
 * frames are held (rx_held): from pkts[i] on, the plain packets, each as
 * rx_check() and rx_one() take it, with what the run fixes done once
 * rather than per packet: the socket's checks (plain, V2, held), the
 * clock read (the run's one stamp, as tpsim__rx_now; read again after a
 * clock step), tpsim_rx_last's record (of the last one delivered) and
 * the wake-up's flag. Returns the index of the first packet it leaves
 * (not plain, or not valid: the run's rx_check and rx_one loop takes it
 * and the rest of the run), or end.
 */
static __attribute__((noinline, flatten, hot)) unsigned int
rx_run_plain_v2(struct tpsim_sock *s, const struct tpsim_packet *const *pkts,
		unsigned int i, unsigned int end, int *results)
{
	unsigned int last = i;
	struct rx_run run;

	/* a run starts with no frame held (rx_run_end released them) and
	 * no clock read (rx_run_begin); what this loop delivers is held, so
	 * rx_pend_n counts it */
	if (!rx_run_pkt(s, pkts[i]))
		return i;	/* no clock read for nothing */
	tpsim__clock_read(s, &run.ts);
	run.status = TP_STATUS_USER | (s->st_drops ? TP_STATUS_LOSING : 0);
	for (; i < end; i++) {
		const struct tpsim_packet *p = pkts[i];
		int r;

		if (!rx_run_pkt(s, p))
			break;
		if (p->flags) {	/* TPSIM_PKT_CLOCK, as rx_one() */
			if (rx_check(s, p))
				break;
			/* time passes: what is filled is out, its record
			 * first; the run's stamp is read again */
			rx_run_note(s, pkts[last], s->rx_pend_n, &run.ts);
			rx_pend_flush(s);
			rx_arrive(s, p);
			tpsim__clock_read(s, &run.ts);
		}
		r = rx_plain(s, TPACKET_V2, p, false, true, &run);
		if (r == TPSIM_RX_DELIVERED)
			last = i;
		if (results)
			results[i] = r;
	}
	rx_run_note(s, pkts[last], s->rx_pend_n, &run.ts);
	return i;
}

/* The run's packets from i on, each through rx_check() and rx_one() */
static inline __attribute__((always_inline)) unsigned int
rx_run_each(struct tpsim_sock *s, const struct tpsim_packet *const *pkts,
	    unsigned int i, unsigned int end, int *results, int *err)
{
	for (; i < end; i++) {
		int r = rx_check(s, pkts[i]);

		if (r < 0) {
			*err = r;
			break;
		}
		r = rx_one(s, pkts[i], true);
		if (results)
			results[i] = r;
	}
	return i;
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
				      ? rx_plain(s, TPACKET_V2, p, true, false, NULL)
				      : rx_plain(s, TPACKET_V1, p, true, false, NULL);
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
		if (s->rx_plain && rx_held(s))
			i = rx_run_plain_v2(s, pkts, i, end, results);
		if (i < end)
			i = rx_run_each(s, pkts, i, end, results, &err);
		rx_run_end(s);
		pthread_mutex_unlock(&s->lock);
	}
	/* as sendmmsg(): the count handled, or the error of the first */
	return i || !err ? (int)i : err;
}
