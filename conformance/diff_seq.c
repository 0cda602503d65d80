// SPDX-License-Identifier: MIT
/*
 * The sequences of tpconform --differential: one made from a seed (a
 * socket, options in random order, a ring request heavy on boundary
 * values, a mapping, a burst of packets), told as one line, and run on one
 * backend with everything observable written down: every return value,
 * the version in force, each frame's or block's header, status word,
 * sockaddr_ll and sampled bytes, the statistics and poll.
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/net_tstamp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diff_seq.h"

void tpc_emit(struct tpc_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len >= TPC_OUT_MAX - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, TPC_OUT_MAX - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n < TPC_OUT_MAX - o->len ? (size_t)n
						      : TPC_OUT_MAX - o->len - 1;
}

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

#define PICK(x, arr) ((arr)[rnd(x) % (sizeof(arr) / sizeof((arr)[0]))])



static const char *opt_name(int name)
{
	switch (name) {
	case PACKET_VERSION: return "VERSION";
	case PACKET_RESERVE: return "RESERVE";
	case PACKET_LOSS: return "LOSS";
	case PACKET_TIMESTAMP: return "TIMESTAMP";
	case PACKET_COPY_THRESH: return "COPY_THRESH";
	case PACKET_AUXDATA: return "AUXDATA";
	case PACKET_ORIGDEV: return "ORIGDEV";
	case PACKET_TX_HAS_OFF: return "TX_HAS_OFF";
	default: return "?";
	}
}

/* One more option, near the values and lengths where its rules turn. */
static void gen_opt(uint64_t *x, struct tpc_seq_opt *o)
{
	static const int names[] = { PACKET_VERSION, PACKET_RESERVE,
				     PACKET_LOSS, PACKET_TIMESTAMP,
				     PACKET_COPY_THRESH, PACKET_AUXDATA,
				     PACKET_ORIGDEV, PACKET_TX_HAS_OFF };
	static const int versions[] = { 0, 1, 2, 3, -1 };
	static const int reserves[] = { 0, 4, 28, 100, 4096, 0x7fffffff, -1 };
	static const int stamps[] = { 0, SOF_TIMESTAMPING_SOFTWARE,
				      SOF_TIMESTAMPING_RAW_HARDWARE };
	static const socklen_t lens[] = { 4, 4, 4, 4, 4, 4, 0, 2, 8 };

	o->name = PICK(x, names);
	o->val = o->name == PACKET_VERSION    ? PICK(x, versions)
		 : o->name == PACKET_RESERVE  ? PICK(x, reserves)
		 : o->name == PACKET_TIMESTAMP ? PICK(x, stamps)
					       : (int)(rnd(x) % 2);
	o->len = PICK(x, lens);
	o->after_ring = rnd(x) % 4 == 0;
}

void tpc_seq_gen(uint64_t seed, struct tpc_seq *s)
{
	static const uint32_t bsizes[] = { 4096, 4096, 8192, 65536, 4095, 0 };
	static const uint32_t bnrs[] = { 1, 2, 3, 0 };
	static const uint32_t fsizes[] = { 64, 80, 96, 128, 256, 2048, 48,
					   100, 4096 };
	static const uint32_t privs[] = { 0, 0, 13, 3976 };
	static const int reserves[] = { 0, 0, 0, 4, 28, 100 };
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
	uint32_t fpb;
	unsigned int extra;

	s->type = rnd(&x) & 1 ? SOCK_DGRAM : SOCK_RAW;
	s->version = (int)(rnd(&x) % 3);
	s->nopt = 0;
	if (s->version != TPACKET_V1)
		s->opt[s->nopt++] = (struct tpc_seq_opt){ PACKET_VERSION,
						      s->version, sizeof(int),
						      false };
	s->opt[s->nopt] = (struct tpc_seq_opt){ PACKET_RESERVE,
					    PICK(&x, reserves), sizeof(int),
					    false };
	if (s->opt[s->nopt].val)
		s->nopt++;
	/* more options, some odd, then all of them in a random order */
	extra = (unsigned int)(rnd(&x) % 4);
	while (extra-- && s->nopt < TPC_SEQ_MAX_OPTS)
		gen_opt(&x, &s->opt[s->nopt++]);
	for (unsigned int i = s->nopt; i > 1; i--) {
		unsigned int j = (unsigned int)(rnd(&x) % i);
		struct tpc_seq_opt t = s->opt[i - 1];

		s->opt[i - 1] = s->opt[j];
		s->opt[j] = t;
	}
	s->q = (struct tpacket_req3){ .tp_block_size = PICK(&x, bsizes),
				      .tp_block_nr = PICK(&x, bnrs),
				      .tp_frame_size = PICK(&x, fsizes) };
	fpb = s->q.tp_frame_size ? s->q.tp_block_size / s->q.tp_frame_size
				 : 0;
	s->q.tp_frame_nr = fpb * s->q.tp_block_nr + (rnd(&x) % 8 == 0);
	s->qlen = s->version == TPACKET_V3 ? sizeof(struct tpacket_req3)
					   : sizeof(struct tpacket_req);
	if (s->version == TPACKET_V3) {
		s->q.tp_retire_blk_tov = 60000;	/* the timer stays out */
		s->q.tp_sizeof_priv = PICK(&x, privs);
		s->q.tp_feature_req_word = rnd(&x) & 1;
	}
	if (rnd(&x) % 16 == 0)	/* the other version's request length */
		s->qlen = s->qlen == sizeof(struct tpacket_req)
				  ? sizeof(struct tpacket_req3)
				  : sizeof(struct tpacket_req);
	s->npkts = (unsigned int)(rnd(&x) % TPC_SEQ_MAX_PKTS);
	s->pkt_seed = rnd(&x);
	s->keep = (1ull << s->npkts) - 1;
}

unsigned int tpc_seq_kept(const struct tpc_seq *s)
{
	return (unsigned int)__builtin_popcountll(s->keep);
}

/* the sequence as a line: what a reader needs to redo it by hand */
void tpc_seq_describe(const struct tpc_seq *s, char *buf, size_t len)
{
	size_t n = 0;

#define ADD(...)                                                          \
	do {                                                              \
		int k_ = snprintf(buf + n, len - n, __VA_ARGS__);         \
		if (k_ > 0)                                               \
			n = n + (size_t)k_ < len ? n + (size_t)k_ : len - 1; \
	} while (0)
	ADD("%s", s->type == SOCK_RAW ? "SOCK_RAW" : "SOCK_DGRAM");
	for (unsigned int i = 0; i < s->nopt; i++) {
		if (s->opt[i].after_ring)
			continue;
		ADD(" %s=%d", opt_name(s->opt[i].name), s->opt[i].val);
		if (s->opt[i].len != sizeof(int))
			ADD(" (optlen %u)", (unsigned int)s->opt[i].len);
	}
	ADD(", RX_RING block %u x %u, frame %u x %u", s->q.tp_block_size,
	    s->q.tp_block_nr, s->q.tp_frame_size, s->q.tp_frame_nr);
	if (s->qlen >= sizeof(struct tpacket_req3))
		ADD(", tov %u priv %u feature %u", s->q.tp_retire_blk_tov,
		    s->q.tp_sizeof_priv, s->q.tp_feature_req_word);
	ADD(" (optlen %u)", (unsigned int)s->qlen);
	for (unsigned int i = 0; i < s->nopt; i++) {
		if (!s->opt[i].after_ring)
			continue;
		ADD(", then %s=%d", opt_name(s->opt[i].name), s->opt[i].val);
		if (s->opt[i].len != sizeof(int))
			ADD(" (optlen %u)", (unsigned int)s->opt[i].len);
	}
	ADD(", %u packet%s", tpc_seq_kept(s), tpc_seq_kept(s) == 1 ? "" : "s");
	if (tpc_seq_kept(s) != s->npkts)
		ADD(" of %u", s->npkts);
	if (tpc_seq_kept(s) && tpc_seq_kept(s) != s->npkts) {
		ADD(" (only");
		for (unsigned int k = 0; k < s->npkts; k++)
			if (s->keep >> k & 1)
				ADD(" %u", k);
		ADD(")");
	}
#undef ADD
}

/* packet k of a sequence: size, destination, type, maybe a VLAN tag */
static uint32_t make_pkt(uint64_t *x, const uint8_t dev[6], uint8_t *f)
{
	static const uint8_t other[6] = { 0x02, 0x55, 0, 0, 0, 9 };
	static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	static const uint16_t types[] = { 0x0800, 0x88b5, 0x0806, 0x86dd,
					  0x8100, 0x0040 };
	uint32_t len = 14 + (uint32_t)(rnd(x) % 1501);
	uint16_t type = PICK(x, types);
	uint8_t sel = rnd(x) % 4;

	memcpy(f, sel == 0 ? dev : sel == 1 ? other : sel == 2 ? mcast
						      : (const uint8_t *)
							"\xff\xff\xff\xff\xff\xff",
	       6);
	memcpy(f + 6, "\x02\x74\x70\x63\x00\x02", 6);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	for (uint32_t i = 14; i < len; i++)
		f[i] = (uint8_t)(rnd(x) >> 32);
	if (type == 0x8100 && len >= 18) {
		f[14] = (uint8_t)(rnd(x) & 0x0f);	/* a TCI */
		f[16] = 0x88;				/* inner type */
		f[17] = 0xb5;
	}
	return len;
}

static void snap_frames(struct tpc_out *o, const struct tpc_seq *s, int version,
			char *m, int ifindex)
{
	uint32_t fpb = s->q.tp_block_size / s->q.tp_frame_size;

	for (uint32_t i = 0; i < s->q.tp_frame_nr; i++) {
		char *h = m + (size_t)(i / fpb) * s->q.tp_block_size +
			  (size_t)(i % fpb) * s->q.tp_frame_size;
		unsigned long st;
		uint32_t len, snap, tci = 0, tpid = 0;
		uint16_t mac, net;
		struct sockaddr_ll *sll;

		if (version == TPACKET_V1) {
			struct tpacket_hdr *p = (void *)h;

			st = p->tp_status, len = p->tp_len;
			snap = p->tp_snaplen, mac = p->tp_mac, net = p->tp_net;
		} else {
			struct tpacket2_hdr *p = (void *)h;

			st = p->tp_status, len = p->tp_len;
			snap = p->tp_snaplen, mac = p->tp_mac, net = p->tp_net;
			tci = p->tp_vlan_tci, tpid = p->tp_vlan_tpid;
		}
		if (!st)
			continue;
		sll = (void *)(h + 32);
		tpc_emit(o, "frame %u: status 0x%lx len %u snaplen %u mac %u net %u "
			"vlan %u/%x sll %u/%x/%d/%u/%u/%u\n", i,
		     st & ~(unsigned long)TP_STATUS_TS_SOFTWARE, len, snap, mac,
		     net, tci, tpid, sll->sll_family, sll->sll_protocol,
		     sll->sll_ifindex == ifindex, sll->sll_hatype,
		     sll->sll_pkttype, sll->sll_halen);
		/* bytes from 12 on for SOCK_RAW: the destination may be the
		 * device's own address, which differs between backends */
		if (mac + (uint64_t)snap <= s->q.tp_frame_size)
			for (uint32_t b = s->type == SOCK_RAW ? 12 : 0; b < snap;
			     b += 97)
				tpc_emit(o, "  byte %u: %02x\n", b,
				     (uint8_t)h[mac + b]);
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

/* one sequence on one backend, everything observable into o */
static void set_opt(const struct tpc_backend_ops *ops, struct tpc_sock *sk,
		    const struct tpc_seq_opt *op, struct tpc_out *o)
{
	int val[2] = { op->val, 0 };	/* room for the long length */

	tpc_emit(o, "%s %d\n", opt_name(op->name),
	     ops->setsockopt(sk, SOL_PACKET, op->name, val, op->len));
}

void tpc_seq_run(const struct tpc_backend_ops *ops, void *ctx,
		 const struct tpc_seq *s, struct tpc_out *o)
{
	uint64_t x = s->pkt_seed;
	struct tpc_sock *sk;
	struct tpacket_stats_v3 st = { 0 };
	socklen_t len = sizeof(st), vlen = sizeof(int);
	uint8_t dev[6], f[1600];
	int ifindex, r, v = TPACKET_V1;
	size_t ring = (size_t)s->q.tp_block_size * s->q.tp_block_nr;
	void *m = NULL;

	ops->dev_info(ctx, dev, &ifindex);
	r = ops->socket(ctx, s->type, ETH_P_ALL, &sk);
	tpc_emit(o, "socket %d\n", r);
	if (r)
		return;
	for (unsigned int i = 0; i < s->nopt; i++)
		if (!s->opt[i].after_ring)
			set_opt(ops, sk, &s->opt[i], o);
	r = ops->setsockopt(sk, SOL_PACKET, PACKET_RX_RING, &s->q, s->qlen);
	tpc_emit(o, "rx_ring %d\n", r);
	for (unsigned int i = 0; i < s->nopt; i++)
		if (s->opt[i].after_ring)
			set_opt(ops, sk, &s->opt[i], o);
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
	for (unsigned int k = 0; k < s->npkts; k++) {
		struct tpc_inject p = { .data = f };

		p.len = make_pkt(&x, dev, f);
		if (!(s->keep >> k & 1))
			continue;
		r = ops->inject(ctx, sk, &p);
		/* the class of destination, not the address: the device's
		 * own differs between backends */
		tpc_emit(o, "inject %u (%u bytes, to %s, type 0x%02x%02x) %d\n", k,
		     p.len, !memcmp(f, dev, 6) ? "this host" : f[0] == 0xff
			? "broadcast" : f[0] & 1 ? "multicast" : "another host",
		     f[12], f[13], r);
	}
	if (m)
		(v == TPACKET_V3 ? snap_blocks : snap_frames)(o, s, v, m,
							      ifindex);
	tpc_emit(o, "poll 0x%x\n", ops->poll(sk, POLLIN, 0));
	r = ops->getsockopt(sk, SOL_PACKET, PACKET_STATISTICS, &st, &len);
	tpc_emit(o, "stats %d: packets %u drops %u freeze %u\n", r, st.tp_packets,
	     st.tp_drops, v == TPACKET_V3 ? st.tp_freeze_q_cnt : 0);
	if (m)
		ops->munmap(sk, m, ring);
	ops->sock_close(sk);
}

