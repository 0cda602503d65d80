// SPDX-License-Identifier: MIT
/*
 * Running a --differential sequence (diff_seq.c makes it) on one backend
 * with everything observable written down: every return value, the
 * version in force, each frame's or block's header, status word,
 * sockaddr_ll and sampled bytes, the statistics and poll; a TX sequence's
 * frames, what was sent and what the wire saw.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <linux/net_tstamp.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "diff_seq.h"

/* packet k of a sequence: size, destination, type, maybe VLAN tags,
 * stacked or of an unknown TPID, odd ethertypes, short frames */
static uint32_t make_pkt(uint64_t *x, const uint8_t dev[6], uint8_t *f)
{
	static const uint8_t other[6] = { 0x02, 0x55, 0, 0, 0, 9 };
	static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	static const uint16_t types[] = { 0x0800, 0x88b5, 0x0806, 0x86dd,
					  0x8100, 0x0040, 0x88a8, 0x9100,
					  0x8100, 0x8847, 0x8864, 0x0000,
					  0x05dc, 0x0600, 0xffff, 0x88a8 };
	static const uint16_t inner[] = { 0x88b5, 0x0806, 0x0800, 0x8100,
					  0x88a8, 0x9100 };
	uint32_t len = 14 + (uint32_t)(rnd(x) % 1501);
	uint16_t type = PICK(x, types);
	uint8_t sel = rnd(x) % 4;

	if (rnd(x) % 8 == 0)	/* short: around the tag's own length */
		len = 14 + (uint32_t)(rnd(x) % 12);
	memcpy(f, sel == 0 ? dev : sel == 1 ? other : sel == 2 ? mcast
						      : (const uint8_t *)
							"\xff\xff\xff\xff\xff\xff",
	       6);
	memcpy(f + 6, "\x02\x74\x70\x63\x00\x02", 6);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	for (uint32_t i = 14; i < len; i++)
		f[i] = (uint8_t)(rnd(x) >> 32);
	/* tags, up to three deep: each a TCI and the type after it */
	for (uint32_t at = 14, depth = 0;
	     (type == 0x8100 || type == 0x88a8 || type == 0x9100) &&
	     at + 4 <= len && depth < 3;
	     at += 4, depth++) {
		type = depth == 2 ? 0x88b5 : PICK(x, inner);
		f[at] = (uint8_t)(rnd(x) & 0x0f);	/* a TCI */
		f[at + 2] = (uint8_t)(type >> 8);
		f[at + 3] = (uint8_t)type;
	}
	return len;
}

/* Where frame i of a ring starts (TX frames are laid out as V1/V2 RX
 * frames are, whatever the version). */
static char *frame_at(const struct tpc_seq *s, char *m, uint32_t i)
{
	uint32_t fpb = s->q.tp_block_size / s->q.tp_frame_size;

	return m + (size_t)(i / fpb) * s->q.tp_block_size +
	       (size_t)(i % fpb) * s->q.tp_frame_size;
}

static void snap_frames(struct tpc_out *o, const struct tpc_seq *s, int version,
			char *m, int ifindex)
{
	for (uint32_t i = 0; i < s->q.tp_frame_nr; i++) {
		char *h = frame_at(s, m, i);
		struct tpc_frame_fields f;
		struct sockaddr_ll *sll;

		tpc_frame_fields_read(h, version, &f);
		if (!f.status)
			continue;
		sll = (void *)(h + 32);
		tpc_emit(o, "frame %u: status 0x%lx len %u snaplen %u mac %u net %u "
			"vlan %u/%x sll %u/%x/%d/%u/%u/%u\n", i,
		     f.status & ~(unsigned long)TP_STATUS_TS_SOFTWARE, f.len,
		     f.snaplen, f.mac, f.net, f.tci, f.tpid, sll->sll_family,
		     sll->sll_protocol,
		     sll->sll_ifindex == ifindex, sll->sll_hatype,
		     sll->sll_pkttype, sll->sll_halen);
		/* bytes from 12 on for SOCK_RAW: the destination may be the
		 * device's own address, which differs between backends */
		if (f.mac + (uint64_t)f.snaplen <= s->q.tp_frame_size)
			for (uint32_t b = s->type == SOCK_RAW ? 12 : 0;
			     b < f.snaplen; b += 97)
				tpc_emit(o, "  byte %u: %02x\n", b,
				     (uint8_t)h[f.mac + b]);
	}
}

static void snap_blocks(struct tpc_out *o, const struct tpc_seq *s, int version,
			char *m, int ifindex)
{
	(void)version;	/* always V3: the same shape as snap_frames */
	for (uint32_t b = 0; b < s->q.tp_block_nr; b++) {
		struct tpacket_block_desc *d =
			(void *)(m + (size_t)b * s->q.tp_block_size);
		struct tpacket_hdr_v1 *h1 = &d->hdr.bh1;
		uint32_t off = h1->offset_to_first_pkt;

		tpc_emit(o, "block %u: status 0x%x pkts %u len %u first %u seq %u "
			"version %u priv %u\n", b, h1->block_status, h1->num_pkts,
		     h1->blk_len, off, (unsigned int)h1->seq_num, d->version,
		     d->offset_to_priv);
		for (uint32_t k = 0; k < h1->num_pkts && off &&
				     off < s->q.tp_block_size - 48; k++) {
			struct tpacket3_hdr *p = (void *)((char *)d + off);
			struct sockaddr_ll *sll = (void *)((char *)p + 48);

			tpc_emit(o, "  packet %u: next %u status 0x%x len %u snap %u "
				"mac %u net %u hash %d vlan %u/%x sll %x/%d/%u\n",
			     k, p->tp_next_offset,
			     p->tp_status & ~(uint32_t)TP_STATUS_TS_SOFTWARE,
			     p->tp_len, p->tp_snaplen, p->tp_mac, p->tp_net,
			     p->hv1.tp_rxhash != 0, p->hv1.tp_vlan_tci,
			     p->hv1.tp_vlan_tpid, sll->sll_protocol,
			     sll->sll_ifindex == ifindex, sll->sll_pkttype);
			if (!p->tp_next_offset)
				break;
			off += p->tp_next_offset;
		}
	}
}

static uint32_t tx_status(int version, const char *h)
{
	if (version == TPACKET_V1)	/* an unsigned long; flags in the low half */
		return (uint32_t)__atomic_load_n(
			&((const struct tpacket_hdr *)h)->tp_status,
			__ATOMIC_ACQUIRE);
	return __atomic_load_n(&((const struct tpacket2_hdr *)h)->tp_status,
			       __ATOMIC_ACQUIRE);
}

/* Frame k of a TX sequence, drawn whether it is kept or not so that the
 * others stay the same: a length near the limits (the MTU, the link
 * header, the frame), and with TX_HAS_OFF in force an offset near its
 * limits. Returns the length; *off is the offset to write at. */
static uint32_t tx_draw(uint64_t *x, const struct tpc_seq *s, int version,
			uint32_t *off)
{
	static const uint32_t lens[] = { 0, 13, 14, 60, 100, 1514, 1515, 1518 };
	uint32_t base = version == TPACKET_V3 ? 48 : 32;
	uint32_t room = s->q.tp_frame_size > base ? s->q.tp_frame_size - base
						  : 0;
	uint32_t len, pick, top = room < 1514 ? room : 1514;

	switch (rnd(x) % 4) {
	case 0:
		len = PICK(x, lens);
		break;
	case 1:		/* as long as the frame can hold, or 1 more */
		len = room + (uint32_t)(rnd(x) % 2);
		break;
	default:	/* a frame that fits */
		len = top >= 14 ? 14 + (uint32_t)(rnd(x) % (top - 13))
				: PICK(x, lens);
	}
	pick = (uint32_t)(rnd(x) % 5);
	*off = pick == 0   ? 0
	       : pick == 1 ? base - 1
	       : pick == 2 ? s->q.tp_frame_size - len
	       : pick == 3 ? s->q.tp_frame_size - len + 1
			   : base + 20;	/* past a sockaddr_ll */
	return len;
}

/* Where tp_len, tp_mac, tp_net and tp_status sit in each version's
 * frame header */
static const struct {
	size_t len, mac, net, status;
} hdr_at[] = {
	[TPACKET_V1] = { offsetof(struct tpacket_hdr, tp_len),
			 offsetof(struct tpacket_hdr, tp_mac),
			 offsetof(struct tpacket_hdr, tp_net),
			 offsetof(struct tpacket_hdr, tp_status) },
	[TPACKET_V2] = { offsetof(struct tpacket2_hdr, tp_len),
			 offsetof(struct tpacket2_hdr, tp_mac),
			 offsetof(struct tpacket2_hdr, tp_net),
			 offsetof(struct tpacket2_hdr, tp_status) },
	[TPACKET_V3] = { offsetof(struct tpacket3_hdr, tp_len),
			 offsetof(struct tpacket3_hdr, tp_mac),
			 offsetof(struct tpacket3_hdr, tp_net),
			 offsetof(struct tpacket3_hdr, tp_status) },
};

/* A TX frame's header, the status last: SEND_REQUEST hands it over */
static void tx_hdr_set(char *h, int version, uint32_t len, uint16_t off)
{
	memcpy(h + hdr_at[version].len, &len, sizeof(len));
	memcpy(h + hdr_at[version].mac, &off, sizeof(off));
	memcpy(h + hdr_at[version].net, &off, sizeof(off));
	if (version == TPACKET_V1)	/* an unsigned long */
		__atomic_store_n((unsigned long *)(h + hdr_at[version].status),
				 TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
	else
		__atomic_store_n((uint32_t *)(h + hdr_at[version].status),
				 TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
}

static void tx_fill(char *h, int version, uint32_t fsize, uint32_t off,
		    uint32_t len, uint64_t *x)
{
	static const uint8_t src[6] = { 0x02, 0x74, 0x70, 0x63, 0x00, 0x02 };
	uint32_t base = version == TPACKET_V3 ? 48 : 32;
	uint32_t put[2] = { base, off }, tag = (uint32_t)(rnd(x) % 4 == 0);

	/* the bytes at the default offset and at tp_mac/tp_net: which one
	 * send() takes depends on TX_HAS_OFF */
	for (int w = 0; w < 2; w++) {
		uint8_t *d = (uint8_t *)h + put[w];

		if (put[w] < base || put[w] > fsize)
			continue;
		for (uint32_t b = 0; b < len && put[w] + b < fsize; b++)
			d[b] = b < 6	? 0xff
			       : b < 12 ? src[b - 6]
			       : b == 12 ? (tag ? 0x81 : 0x88)
			       : b == 13 ? (tag ? 0x00 : 0xb5)
					 : (uint8_t)(b * 7 + len);
	}
	tx_hdr_set(h, version, len, (uint16_t)off);
}

/* FNV-1a of a frame from byte 12 on: the source address of a SOCK_DGRAM
 * frame is the device's own, which differs between backends */
static uint32_t wire_hash(const uint8_t *b, ssize_t n)
{
	uint32_t h = 2166136261u;

	for (ssize_t i = 12; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

/* Fill the kept frames, send(), then what became of each frame and what
 * reached the wire. */
static void tx_run(const struct tpc_backend_ops *ops, void *ctx,
		   struct tpc_sock *sk, const struct tpc_seq *s, int version,
		   char *m, int ifindex, struct tpc_out *o)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(0x88b5),
				  .sll_ifindex = ifindex, .sll_halen = 6,
				  .sll_addr = { 0xff, 0xff, 0xff, 0xff, 0xff,
						0xff } };
	uint64_t x = s->pkt_seed, filled = 0;
	uint8_t buf[2048];
	ssize_t sent, got, total = 0;

	if (!TPC_OPS_HAS(ops, send) || !TPC_OPS_HAS(ops, wire_read)) {
		tpc_emit(o, "no send or wire_read\n");
		return;
	}
	/* what an earlier sequence left on the wire is not this one's */
	while (ops->wire_read(ctx, sk, buf, sizeof(buf), 0) >= 0)
		;
	for (unsigned int k = 0; k < s->npkts; k++) {
		uint32_t off, len = tx_draw(&x, s, version, &off);
		uint64_t fill_seed = rnd(&x);

		if (!(s->keep >> k & 1) || !m || k >= s->q.tp_frame_nr)
			continue;
		tx_fill(frame_at(s, m, k), version, s->q.tp_frame_size, off,
			len, &fill_seed);
		filled |= 1ull << k;
		tpc_emit(o, "fill %u: len %u off %u\n", k, len, off);
	}
	sent = ops->send(sk, s->type == SOCK_DGRAM ? &to : NULL, 0);
	tpc_emit(o, "send %zd\n", sent);
	for (unsigned int k = 0; k < s->npkts; k++)
		if (filled >> k & 1)
			tpc_emit(o, "tx frame %u: status 0x%x\n", k,
				 tx_status(version, frame_at(s, m, k)));
	/* the frames send() counted are on the wire by the time it
	 * returns (it waits for them without MSG_DONTWAIT) */
	while (total < sent) {
		got = ops->wire_read(ctx, sk, buf, sizeof(buf), 1000);
		if (got <= 0) {
			tpc_emit(o, "wire %zd\n", got);
			break;
		}
		tpc_emit(o, "wire %zd bytes, to %s, hash %08x\n", got,
			 buf[0] == 0xff ? "broadcast" : "another host",
			 wire_hash(buf, got));
		total += got;
	}
}

static void set_opt(const struct tpc_backend_ops *ops, struct tpc_sock *sk,
		    const struct tpc_seq_opt *op, struct tpc_out *o)
{
	int val[2] = { op->val, 0 };	/* room for the long length */
	int back = 0;
	socklen_t blen = sizeof(back);

	tpc_emit(o, "%s %d\n", opt_name(op->level, op->name),
		 ops->setsockopt(sk, op->level ? SOL_SOCKET : SOL_PACKET,
				 op->name, val, op->len));
	if (op->level) {	/* what the buffer became (S1) */
		int r = ops->getsockopt(sk, SOL_SOCKET, op->name, &back,
					&blen);

		tpc_emit(o, "  read back %d: %d\n", r, back);
	}
}

static uint32_t tpc_block_status_of(const void *m)
{
	return __atomic_load_n(
		&((const struct tpacket_block_desc *)m)->hdr.bh1.block_status,
		__ATOMIC_ACQUIRE);
}

/* A second socket on the device with a one-frame TX ring: what it sends
 * the sequence's socket sees as PACKET_OUTGOING, if at all (R13). */
static struct tpc_sock *sender_open(const struct tpc_backend_ops *ops,
				    void *ctx, bool bypass, char **ring)
{
	struct tpacket_req q = { .tp_block_size = 4096, .tp_block_nr = 1,
				 .tp_frame_size = 4096, .tp_frame_nr = 1 };
	struct tpc_sock *tx;
	int v = TPACKET_V2, one = 1;

	*ring = NULL;
	if (!TPC_OPS_HAS(ops, send) || !TPC_OPS_HAS(ops, wire_read) ||
	    ops->socket(ctx, SOCK_RAW, ETH_P_ALL, &tx))
		return NULL;
	if (ops->setsockopt(tx, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) ||
	    (bypass && ops->setsockopt(tx, SOL_PACKET, PACKET_QDISC_BYPASS,
				       &one, sizeof(one))) ||
	    ops->setsockopt(tx, SOL_PACKET, PACKET_TX_RING, &q, sizeof(q)) ||
	    ops->mmap(tx, 4096, 0, (void **)ring)) {
		ops->sock_close(tx);
		*ring = NULL;
		return NULL;
	}
	return tx;
}

/* Send f out of the device through the sender; drain the wire. */
static void sender_send(const struct tpc_backend_ops *ops, void *ctx,
			struct tpc_sock *tx, char *ring, const uint8_t *f,
			uint32_t len, struct tpc_out *o)
{
	uint8_t buf[2048];
	ssize_t sent, got;

	memcpy(ring + 32, f, len);
	tx_hdr_set(ring, TPACKET_V2, len, 32);
	sent = ops->send(tx, NULL, 0);
	tpc_emit(o, "  sent by the second socket: %zd, frame 0x%x\n", sent,
		 tx_status(TPACKET_V2, ring));
	/* a refused frame stays WRONG_FORMAT: hand it back */
	__atomic_store_n(&((struct tpacket2_hdr *)(void *)ring)->tp_status,
			 TP_STATUS_AVAILABLE, __ATOMIC_RELEASE);
	if (sent > 0) {
		got = ops->wire_read(ctx, tx, buf, sizeof(buf), 1000);
		tpc_emit(o, "  wire %zd\n", got);
	}
}

/* the class of destination, not the address: the device's own differs
 * between backends */
static void emit_inject(struct tpc_out *o, unsigned int k,
			const struct tpc_inject *p, const uint8_t dev[6], int r)
{
	const uint8_t *d = p->data;

	tpc_emit(o, "inject %u (%u bytes, to %s, type 0x%02x%02x) %d\n", k,
		 p->len, !memcmp(d, dev, 6) ? "this host" : d[0] == 0xff
			? "broadcast" : d[0] & 1 ? "multicast" : "another host",
		 d[12], d[13], r);
}

/* SO_ATTACH_FILTER with the sequence's program, the program shown */
static void attach_filter(const struct tpc_backend_ops *ops,
			  struct tpc_sock *sk, const struct tpc_seq *s,
			  struct tpc_out *o)
{
	struct sock_filter f[TPC_FILTER_MAX];
	struct sock_fprog p = { .filter = f };

	p.len = (unsigned short)tpc_filter_gen(s->filter_seed, f);
	tpc_emit(o, "filter");
	for (unsigned int i = 0; i < p.len; i++)
		tpc_emit(o, " {0x%x,%u,%u,0x%x}", f[i].code, f[i].jt, f[i].jf,
			 f[i].k);
	tpc_emit(o, ": %d\n", ops->setsockopt(sk, SOL_SOCKET,
					       SO_ATTACH_FILTER, &p,
					       sizeof(p)));
}

/* What recv() finds queued (COPY frames, or a socket without a ring) */
static void drain(const struct tpc_backend_ops *ops, struct tpc_sock *sk,
		  struct tpc_out *o)
{
	uint8_t buf[2048];

	for (int i = 0; i <= TPC_SEQ_MAX_PKTS; i++) {
		ssize_t r = ops->recv(sk, buf, sizeof(buf),
				      MSG_DONTWAIT | MSG_TRUNC);

		tpc_emit(o, "recv %zd\n", r);
		if (r < 0)
			break;
	}
}

void tpc_seq_run(const struct tpc_backend_ops *ops, void *ctx,
		 const struct tpc_seq *s, struct tpc_out *o)
{
	uint64_t x = s->pkt_seed;
	struct tpc_sock *sk;
	struct tpacket_stats_v3 st = { 0 };
	socklen_t len = sizeof(st), vlen = sizeof(int);
	uint8_t dev[6];
	uint8_t f[TPC_SEQ_MAX_PKTS][1600];
	struct tpc_inject pk[TPC_SEQ_MAX_PKTS];
	const struct tpc_inject *pv[TPC_SEQ_MAX_PKTS];
	int pr[TPC_SEQ_MAX_PKTS];
	bool out[TPC_SEQ_MAX_PKTS];
	int ifindex, r, v = TPACKET_V1;
	size_t ring = (size_t)s->q.tp_block_size * s->q.tp_block_nr;
	void *m = NULL;
	struct tpc_sock *tx = NULL;
	char *txring = NULL;

	ops->dev_info(ctx, dev, &ifindex);
	r = ops->socket(ctx, s->type, s->proto, &sk);
	tpc_emit(o, "socket %d\n", r);
	if (r)
		return;
	for (unsigned int i = 0; i < s->nopt; i++)
		if (!s->opt[i].after_ring)
			set_opt(ops, sk, &s->opt[i], o);
	if (s->filter && !s->filter_after_ring)
		attach_filter(ops, sk, s, o);
	r = ops->setsockopt(sk, SOL_PACKET,
			    s->tx ? PACKET_TX_RING : PACKET_RX_RING, &s->q,
			    s->qlen);
	tpc_emit(o, "%s %d\n", s->tx ? "tx_ring" : "rx_ring", r);
	for (unsigned int i = 0; i < s->nopt; i++)
		if (s->opt[i].after_ring)
			set_opt(ops, sk, &s->opt[i], o);
	if (s->filter && s->filter_after_ring)
		attach_filter(ops, sk, s, o);
	/* the version in force, as the socket says: the frames are read
	 * by it */
	r = ops->getsockopt(sk, SOL_PACKET, PACKET_VERSION, &v, &vlen);
	tpc_emit(o, "version %d: %d\n", r, v);
	if (r || v < TPACKET_V1 || v > TPACKET_V3)
		v = TPACKET_V1;
	if (ring) {
		r = ops->mmap(sk, ring, 0, &m);
		tpc_emit(o, "mmap %d\n", r);
		if (r)
			m = NULL;
	}
	if (s->tx) {
		tx_run(ops, ctx, sk, s, v, m, ifindex, o);
		goto done;
	}
	if (s->outgoing) {
		tx = sender_open(ops, ctx, s->bypass, &txring);
		tpc_emit(o, "sender %s\n", tx ? "open" : "none");
	}
	/* the burst: each packet made (and whether the second socket sends
	 * it) in turn, so that dropping one leaves the others as they are */
	for (unsigned int k = 0; k < s->npkts; k++) {
		pk[k] = (struct tpc_inject){ .data = f[k] };
		pv[k] = &pk[k];
		pk[k].len = make_pkt(&x, dev, f[k]);
		out[k] = s->outgoing && rnd(&x) % 3 == 0;
	}
	if (!s->outgoing && TPC_OPS_HAS(ops, inject_batch)) {
		/* all at once where the backend takes a batch (the output
		 * is the same either way) */
		unsigned int n = 0;
		int res[TPC_SEQ_MAX_PKTS];

		for (unsigned int k = 0; k < s->npkts; k++)
			if (s->keep >> k & 1)
				pv[n++] = &pk[k];
		r = ops->inject_batch(ctx, sk, pv, n, res);
		for (unsigned int k = 0, i = 0; k < s->npkts; k++)
			if (s->keep >> k & 1)
				pr[k] = r < 0 ? r : res[i++];
		for (unsigned int k = 0; k < s->npkts; k++)
			if (s->keep >> k & 1)
				emit_inject(o, k, &pk[k], dev, pr[k]);
	} else {
		/* one at a time, some sent by the second socket between
		 * them: the order is what the sockets see */
		for (unsigned int k = 0; k < s->npkts; k++) {
			if (!(s->keep >> k & 1))
				continue;
			if (out[k] && tx) {
				tpc_emit(o, "send %u (%u bytes, type "
					    "0x%02x%02x)\n", k, pk[k].len,
					 f[k][12], f[k][13]);
				sender_send(ops, ctx, tx, txring, f[k],
					    pk[k].len, o);
				continue;
			}
			pr[k] = ops->inject(ctx, sk, &pk[k]);
			emit_inject(o, k, &pk[k], dev, pr[k]);
		}
	}
	if (m)
		(v == TPACKET_V3 ? snap_blocks : snap_frames)(o, s, v, m,
							      ifindex);
	if (s->filter)
		drain(ops, sk, o);
done:
	tpc_emit(o, "poll 0x%x\n", ops->poll(sk, POLLIN | POLLOUT, 0));
	r = ops->getsockopt(sk, SOL_PACKET, PACKET_STATISTICS, &st, &len);
	tpc_emit(o, "stats %d: packets %u drops %u freeze %u\n", r, st.tp_packets,
	     st.tp_drops, v == TPACKET_V3 ? st.tp_freeze_q_cnt : 0);
	if (tx) {
		ops->munmap(tx, txring, 4096);
		ops->sock_close(tx);
	}
	if (m && s->close_first) {
		/* the mapping outlives the socket (M4): still readable,
		 * then unmapped on its own */
		ops->sock_close(sk);
		uint32_t first;

		if (v == TPACKET_V3 && !s->tx)
			first = tpc_block_status_of(m);
		else if (v == TPACKET_V3)
			memcpy(&first, (char *)m + hdr_at[v].status,
			       sizeof(first));
		else
			first = tx_status(v, m);
		/* TS_SOFTWARE says whether the skb had a stamp, which the
		 * kernel takes only while some socket on the host asks for
		 * one (netstamp_needed): masked here as in the frame lines */
		tpc_emit(o, "closed; first status word 0x%x\n",
			 first & ~(uint32_t)TP_STATUS_TS_SOFTWARE);
		tpc_emit(o, "munmap after close %d\n",
			 ops->munmap(NULL, m, ring));
		return;
	}
	if (m)
		ops->munmap(sk, m, ring);
	ops->sock_close(sk);
}
