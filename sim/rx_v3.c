// SPDX-License-Identifier: MIT
/*
 * TPACKET_V3 receive: packets packed back to back into blocks (B1-B7),
 * a block handed to the user whole when it is full or when the retire
 * timer finds it idle, and the queue that freezes when the next block is
 * still the user's.
 *
 * Everything the producer needs (where the next packet goes, how many the
 * block holds, when the timer fires) is kept in struct tpsim_kbdq; from the
 * ring it reads only block_status words.
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <string.h>

#include <arpa/inet.h>

#include "internal.h"
#include "rx_inline.h"

#define BLK_HDR_LEN TPSIM_ALIGN8((uint32_t)sizeof(struct tpacket_block_desc))
/* The kernel's DEFAULT_PRB_RETIRE_TOV: slow or unknown links. */
#define DEFAULT_RETIRE_TOV_MS 8u

static struct tpacket_block_desc *block(const struct tpsim_ring *r,
					uint32_t idx)
{
	return (struct tpacket_block_desc *)(r->kbase +
					     (size_t)idx * r->block_size);
}

static uint32_t block_status(const struct tpsim_ring *r, uint32_t idx)
{
	/* acquire: pairs with the consumer's release of the block */
	return tpsim_block_status(block(r, idx));
}

/* G14: prb_calc_retire_blk_tmo() */
uint32_t tpsim__v3_default_tov(const struct tpsim_sock *s, uint32_t block_size)
{
	uint32_t div, mbits;

	if (s->link_speed < 1000)
		return DEFAULT_RETIRE_TOV_MS;
	div = s->link_speed / 1000;
	mbits = (uint32_t)((uint64_t)block_size * 8 / (1024 * 1024)) / div;
	return mbits + 1;
}

/* A timeout in ms as the profile's timer runs it: whole jiffies, rounded
 * up, for a timer_list; exact for an hrtimer. */
static int64_t period_ns(const struct tpsim_profile *p, uint32_t ms)
{
	uint64_t j;

	if (!p->hz)
		return (int64_t)ms * 1000000;
	j = ((uint64_t)ms * p->hz + 999) / 1000;
	return (int64_t)(j * (1000000000u / p->hz));
}

static void refresh_timer(struct tpsim_sock *s, int64_t now)
{
	struct tpsim_kbdq *q = &s->rx.v3;

	q->deadline_ns = now + q->period_ns;
	q->last_active = q->active;
}

static void open_block(struct tpsim_sock *s, int64_t now)
{
	struct tpsim_ring *r = &s->rx;
	struct tpsim_kbdq *q = &r->v3;
	struct tpacket_block_desc *b = block(r, q->active);
	struct tpacket_hdr_v1 *h1 = &b->hdr.bh1;
	struct timespec ts;

	/* the private area is left alone: it is the user's (B1) */
	tpsim__clock_read(s, &ts);
	h1->seq_num = q->next_seq++;
	h1->num_pkts = 0;
	h1->blk_len = q->first_off;
	h1->ts_first_pkt.ts_sec = (uint32_t)ts.tv_sec;
	h1->ts_first_pkt.ts_nsec = (uint32_t)ts.tv_nsec;
	h1->offset_to_first_pkt = q->first_off;
	b->offset_to_priv = BLK_HDR_LEN;
	b->version = TPACKET_V3;
	q->nxt_off = q->first_off;
	q->prev_off = q->first_off;
	q->num_pkts = 0;
	q->blk_len = q->first_off;
	q->frozen = false;
	if (!s->prof->retire_periodic)
		refresh_timer(s, now);
}

static void close_block(struct tpsim_sock *s, uint32_t stat)
{
	struct tpsim_ring *r = &s->rx;
	struct tpsim_kbdq *q = &r->v3;
	struct tpacket_block_desc *b = block(r, q->active);
	struct tpacket_hdr_v1 *h1 = &b->hdr.bh1;
	struct tpacket3_hdr *last =
		(struct tpacket3_hdr *)((char *)b + q->prev_off);
	uint32_t status = TP_STATUS_USER | stat;
	struct timespec ts = q->last_ts;

	if (s->st_drops)
		status |= TP_STATUS_LOSING;
	/* the chain ends at the last packet (B2); with none, the kernel
	 * still writes there and stamps the block with the time of day */
	last->tp_next_offset = 0;
	if (!q->num_pkts)
		tpsim__clock_read(s, &ts);
	h1->ts_last_pkt.ts_sec = (uint32_t)ts.tv_sec;
	h1->ts_last_pkt.ts_nsec = (uint32_t)ts.tv_nsec;
	/* rewritten from our own counts: a consumer scribbling on the open
	 * block cannot make the closed one lie */
	h1->num_pkts = q->num_pkts;
	h1->blk_len = q->blk_len;
	/* release: pairs with the consumer's acquire of block_status */
	tpsim_store_release(&h1->block_status, status);
	tpsim__publish(s);
	q->active = q->active + 1 == r->block_nr ? 0 : q->active + 1;
}

/* prb_retire_current_block(): only a block that is still ours */
static void retire_current(struct tpsim_sock *s, uint32_t stat)
{
	if (block_status(&s->rx, s->rx.v3.active) == TP_STATUS_KERNEL)
		close_block(s, stat);
}

/* prb_dispatch_next_block(): open the next block, or freeze (B3) */
static bool dispatch_next(struct tpsim_sock *s, int64_t now)
{
	struct tpsim_kbdq *q = &s->rx.v3;

	if (block_status(&s->rx, q->active) & TP_STATUS_USER) {
		q->frozen = true;
		s->st_freeze++;
		return false;
	}
	open_block(s, now);
	return true;
}

void tpsim__v3_init(struct tpsim_sock *s, const struct tpacket_req3 *req)
{
	struct tpsim_kbdq *q = &s->rx.v3;
	int64_t now = tpsim__mono_ns(s);

	memset(q, 0, sizeof(*q));
	q->next_seq = 1;
	q->sizeof_priv = req->tp_sizeof_priv;
	q->feature_req_word = req->tp_feature_req_word;
	q->first_off = BLK_HDR_LEN + TPSIM_ALIGN8(req->tp_sizeof_priv);
	q->max_frame_len = req->tp_block_size - q->first_off;
	q->retire_tov_ms = req->tp_retire_blk_tov
				   ? req->tp_retire_blk_tov
				   : tpsim__v3_default_tov(s, req->tp_block_size);
	q->period_ns = period_ns(s->prof, q->retire_tov_ms);
	s->st_freeze = 0;
	/* the hrtimer starts with the ring; the timer_list one with each
	 * block open */
	q->deadline_ns = now + q->period_ns;
	open_block(s, now);
}

/*
 * The retire timer (B4), as the profile's kernel runs it. Periodic: every
 * retire_tov from ring setup, a non-empty block is closed whatever its
 * age. Re-armed: it fires retire_tov after the last block open or refresh
 * and closes the block only if it is the one it was armed for.
 */
void tpsim__v3_timer_fire(struct tpsim_sock *s, int64_t now)
{
	struct tpsim_kbdq *q = &s->rx.v3;
	bool in_use = block_status(&s->rx, q->active) & TP_STATUS_USER;

	if (s->prof->retire_periodic) {
		if (!q->frozen) {
			if (q->num_pkts) {
				retire_current(s, TP_STATUS_BLK_TMO);
				dispatch_next(s, now);
			}
		} else if (!in_use) {
			open_block(s, now);
		}
		/* hrtimer_forward_now(): the next tick after now */
		do
			q->deadline_ns += q->period_ns;
		while (q->deadline_ns <= now);
		return;
	}
	if (q->last_active == q->active) {
		if (!q->frozen) {
			if (q->num_pkts) {
				retire_current(s, TP_STATUS_BLK_TMO);
				if (dispatch_next(s, now))
					return;	/* the open re-armed it */
			}
		} else if (!in_use) {
			open_block(s, now);
			return;
		}
	}
	refresh_timer(s, now);
}

/* __packet_lookup_frame_in_block(): the offset of the packet in the
 * active block, or 0 when it must be dropped. */
static uint32_t place(struct tpsim_sock *s, uint32_t len)
{
	struct tpsim_ring *r = &s->rx;
	struct tpsim_kbdq *q = &r->v3;
	uint32_t need = TPSIM_ALIGN8(len), at;

	if (q->frozen) {
		if (block_status(r, q->active) & TP_STATUS_USER)
			return 0;
		/* the user gave it back: thaw */
		open_block(s, tpsim__rx_mono_ns(s));
	}
	/* B2: strictly below the block end, as the kernel compares */
	if ((uint64_t)q->nxt_off + need >= r->block_size) {
		retire_current(s, 0);
		if (!dispatch_next(s, tpsim__rx_mono_ns(s)))
			return 0;
		/* the kernel fills the fresh block without a second check:
		 * B5 caps len at the block's room, so it fits */
	}
	at = q->nxt_off;
	q->prev_off = at;
	q->nxt_off += need;
	q->blk_len += need;
	q->num_pkts++;
	return at;
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

/* __tpacket_v3_has_room(): a quarter of the ring ahead, or the active
 * block itself, must be the kernel's */
static bool has_room(const struct tpsim_ring *r)
{
	uint32_t idx = r->v3.active + r->block_nr / 4;

	if (idx >= r->block_nr)
		idx -= r->block_nr;
	return block_status(r, idx) == TP_STATUS_KERNEL ||
	       block_status(r, r->v3.active) == TP_STATUS_KERNEL;
}

/* R8, or R14: the first tag in a SOCK_DGRAM packet's data names the
 * VLAN fields */
static bool v3_tagged(const struct tpsim_sock *s, const struct rx_skb *k)
{
	return k->vlan || (s->type == SOCK_DGRAM && k->data_tag);
}

static uint16_t v3_tci(const struct rx_skb *k)
{
	return k->vlan ? k->vlan_tci : k->data_tci;
}

static uint16_t v3_tpid(const struct rx_skb *k)
{
	return k->vlan ? k->vlan_tpid : ntohs(k->protocol);
}

int tpsim__v3_rcv(struct tpsim_sock *s, const struct tpsim_packet *p,
		  const struct rx_skb *k)
{
	struct tpsim_ring *r = &s->rx;
	struct tpsim_kbdq *q = &r->v3;
	uint32_t status = TP_STATUS_USER, snaplen, len, at;
	uint64_t macoff, netoff;
	bool vnet = s->vnet_hdr_sz != 0;
	struct tpacket_block_desc *b;
	struct tpacket3_hdr *h;
	struct timespec ts;

	if (!has_room(r)) {
		s->st_drops++;
		return TPSIM_RX_DROPPED;
	}
	len = tpsim__rx_len(s, k);
	snaplen = k->snaplen;	/* F14: the filter's cap */
	status |= tpsim__rx_csum_status(p, k);
	if (!tpsim__rx_offsets(s, k, &macoff, &netoff)) {
		s->st_drops++;
		return TPSIM_RX_DROPPED;
	}
	/* B5: no COPY in V3, the packet is cut to what a block holds */
	if (macoff + snaplen > q->max_frame_len) {
		if (macoff > q->max_frame_len) {
			snaplen = 0;
			macoff = q->max_frame_len;
			vnet = false;	/* no room for it either */
		} else {
			snaplen = q->max_frame_len - (uint32_t)macoff;
		}
	}
	at = place(s, (uint32_t)macoff + snaplen);
	if (!at) {
		s->st_drops++;
		return TPSIM_RX_DROPPED;
	}
	b = block(r, q->active);
	h = (struct tpacket3_hdr *)((char *)b + at);
	s->st_packets++;

	/* B6: hv1 first, as prb_fill_curr_block() does */
	h->tp_next_offset = TPSIM_ALIGN8((uint32_t)macoff + snaplen);
	h->hv1.tp_padding = 0;
	if (v3_tagged(s, k)) {
		h->hv1.tp_vlan_tci = v3_tci(k);
		h->hv1.tp_vlan_tpid = v3_tpid(k);
		status |= TP_STATUS_VLAN_VALID | TP_STATUS_VLAN_TPID_VALID;
	} else {
		h->hv1.tp_vlan_tci = 0;
		h->hv1.tp_vlan_tpid = 0;
	}
	/* hashed only when asked for: the deliver path stays lean */
	if (!(q->feature_req_word & TP_FT_REQ_FILL_RXHASH))
		h->hv1.tp_rxhash = 0;
	else if (p->flags & TPSIM_PKT_RXHASH)
		h->hv1.tp_rxhash = p->rxhash;
	else
		h->hv1.tp_rxhash = tpsim__flow_hash(k);
	b->hdr.bh1.num_pkts = q->num_pkts;
	b->hdr.bh1.blk_len = q->blk_len;

	if (snaplen)
		tpsim__rx_copy(s, k, (uint8_t *)h + macoff, snaplen);
	/* O10: the virtio-net header right before the link header */
	if (vnet)
		memcpy((uint8_t *)h + macoff - sizeof(k->vnet), k->vnet,
		       sizeof(k->vnet));
	status |= tpsim__rx_tstamp(s, p, &ts);
	q->last_ts = ts;
	/* no LOSING per packet in V3: the block carries it (B1) */
	h->tp_status = status;
	h->tp_len = len;
	h->tp_snaplen = snaplen;
	h->tp_mac = (uint16_t)macoff;
	h->tp_net = (uint16_t)netoff;
	h->tp_sec = (uint32_t)ts.tv_sec;
	h->tp_nsec = (uint32_t)ts.tv_nsec;
	memset(h->tp_padding, 0, sizeof(h->tp_padding));
	tpsim__fill_sll(s, k, (char *)h, sizeof(*h));
	/* the VLAN fields worked out again rather than held across the
	 * calls above (or read back from the block) */
	if (status & TP_STATUS_VLAN_VALID)
		tpsim__rx_note(s, 1, q->active, status, len, snaplen, macoff,
			       netoff, &ts, v3_tci(k), v3_tpid(k));
	else
		tpsim__rx_note(s, 1, q->active, status, len, snaplen, macoff,
			       netoff, &ts, 0, 0);
	return TPSIM_RX_DELIVERED;
}

/* tpsim_rx_room() for V3: the checks of tpsim__v3_rcv and place() that
 * can drop, without their side effects. */
bool tpsim__v3_room(const struct tpsim_sock *s, uint32_t need)
{
	const struct tpsim_ring *r = &s->rx;
	const struct tpsim_kbdq *q = &r->v3;
	uint32_t next = q->active + 1 == r->block_nr ? 0 : q->active + 1;
	uint32_t at = q->nxt_off;

	if (!has_room(r))
		return false;
	if (q->frozen) {
		/* thaws only if the user gave the block back, which then
		 * opens empty */
		if (block_status(r, q->active) & TP_STATUS_USER)
			return false;
		at = q->first_off;
	}
	if (need > q->max_frame_len)
		need = q->max_frame_len;	/* B5 cuts it */
	return (uint64_t)at + TPSIM_ALIGN8(need) < r->block_size ||
	       !(block_status(r, next) & TP_STATUS_USER);
}
