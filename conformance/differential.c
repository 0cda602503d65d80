// SPDX-License-Identifier: MIT
/*
 * tpconform --differential N: random operation sequences run on two
 * backends (sim and kernel), compared field by field. A sequence is a
 * socket (type), options (version, reserve), a ring request heavy on
 * boundary values, a mapping, a burst of packets of random size, address,
 * type and VLAN tag, then everything observable: every return value, each
 * frame's or block's header, status word, sockaddr_ll and bytes, the
 * statistics and poll. The first difference of each differing sequence is
 * printed with what reproduces it.
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "differential.h"

#define OUT_MAX 65536

struct out {
	char buf[OUT_MAX];
	size_t len;
};

static void emit(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void emit(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len >= OUT_MAX - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, OUT_MAX - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n < OUT_MAX - o->len ? (size_t)n
						      : OUT_MAX - o->len - 1;
}

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

#define PICK(x, arr) ((arr)[rnd(x) % (sizeof(arr) / sizeof((arr)[0]))])

struct seq {
	int type, version;
	unsigned int reserve;
	struct tpacket_req3 q;
	unsigned int npkts;
	uint64_t pkt_seed;
};

static void gen(uint64_t seed, struct seq *s)
{
	static const uint32_t bsizes[] = { 4096, 4096, 8192, 65536, 4095, 0 };
	static const uint32_t bnrs[] = { 1, 2, 3, 0 };
	static const uint32_t fsizes[] = { 64, 80, 96, 128, 256, 2048, 48,
					   100, 4096 };
	static const uint32_t privs[] = { 0, 0, 13, 3976 };
	static const unsigned int reserves[] = { 0, 0, 0, 4, 28, 100 };
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
	uint32_t fpb;

	s->type = rnd(&x) & 1 ? SOCK_DGRAM : SOCK_RAW;
	s->version = (int)(rnd(&x) % 3);
	s->reserve = PICK(&x, reserves);
	s->q = (struct tpacket_req3){ .tp_block_size = PICK(&x, bsizes),
				      .tp_block_nr = PICK(&x, bnrs),
				      .tp_frame_size = PICK(&x, fsizes) };
	fpb = s->q.tp_frame_size ? s->q.tp_block_size / s->q.tp_frame_size
				 : 0;
	s->q.tp_frame_nr = fpb * s->q.tp_block_nr + (rnd(&x) % 8 == 0);
	if (s->version == TPACKET_V3) {
		s->q.tp_retire_blk_tov = 60000;	/* the timer stays out */
		s->q.tp_sizeof_priv = PICK(&x, privs);
		s->q.tp_feature_req_word = rnd(&x) & 1;
	}
	s->npkts = (unsigned int)(rnd(&x) % 40);
	s->pkt_seed = rnd(&x);
}

static void describe(const struct seq *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s V%d reserve %u, ring %u x %u, frame %u x %u, "
		 "tov %u priv %u feature %u, %u packets",
		 s->type == SOCK_RAW ? "SOCK_RAW" : "SOCK_DGRAM", s->version + 1,
		 s->reserve, s->q.tp_block_size, s->q.tp_block_nr,
		 s->q.tp_frame_size, s->q.tp_frame_nr, s->q.tp_retire_blk_tov,
		 s->q.tp_sizeof_priv, s->q.tp_feature_req_word, s->npkts);
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

static void snap_frames(struct out *o, const struct seq *s, char *m,
			int ifindex)
{
	uint32_t fpb = s->q.tp_block_size / s->q.tp_frame_size;

	for (uint32_t i = 0; i < s->q.tp_frame_nr; i++) {
		char *h = m + (size_t)(i / fpb) * s->q.tp_block_size +
			  (size_t)(i % fpb) * s->q.tp_frame_size;
		unsigned long st;
		uint32_t len, snap, tci = 0, tpid = 0;
		uint16_t mac, net;
		struct sockaddr_ll *sll;

		if (s->version == TPACKET_V1) {
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
		emit(o, "frame %u: status 0x%lx len %u snaplen %u mac %u net %u "
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
				emit(o, "  byte %u: %02x\n", b,
				     (uint8_t)h[mac + b]);
	}
}

static void snap_blocks(struct out *o, const struct seq *s, char *m,
			int ifindex)
{
	for (uint32_t b = 0; b < s->q.tp_block_nr; b++) {
		struct tpacket_block_desc *d =
			(void *)(m + (size_t)b * s->q.tp_block_size);
		struct tpacket_hdr_v1 *h1 = &d->hdr.bh1;
		uint32_t off = h1->offset_to_first_pkt;

		emit(o, "block %u: status 0x%x pkts %u len %u first %u seq %u "
			"version %u priv %u\n", b, h1->block_status, h1->num_pkts,
		     h1->blk_len, off, (unsigned int)h1->seq_num, d->version,
		     d->offset_to_priv);
		for (uint32_t k = 0; k < h1->num_pkts && off &&
				     off < s->q.tp_block_size - 48; k++) {
			struct tpacket3_hdr *p = (void *)((char *)d + off);
			struct sockaddr_ll *sll = (void *)((char *)p + 48);

			emit(o, "  packet %u: next %u status 0x%x len %u snap %u "
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
static void run_seq(const struct tpc_backend_ops *ops, void *ctx,
		    const struct seq *s, struct out *o)
{
	uint64_t x = s->pkt_seed;
	struct tpc_sock *sk;
	struct tpacket_stats_v3 st = { 0 };
	socklen_t len = sizeof(st);
	uint8_t dev[6], f[1600];
	int ifindex, r, v = s->version, rv = (int)s->reserve;
	size_t ring = (size_t)s->q.tp_block_size * s->q.tp_block_nr;
	void *m = NULL;

	ops->dev_info(ctx, dev, &ifindex);
	r = ops->socket(ctx, s->type, ETH_P_ALL, &sk);
	emit(o, "socket %d\n", r);
	if (r)
		return;
	if (v != TPACKET_V1)
		emit(o, "version %d\n",
		     ops->setsockopt(sk, SOL_PACKET, PACKET_VERSION, &v,
				     sizeof(v)));
	if (rv)
		emit(o, "reserve %d\n",
		     ops->setsockopt(sk, SOL_PACKET, PACKET_RESERVE, &rv,
				     sizeof(rv)));
	r = ops->setsockopt(sk, SOL_PACKET, PACKET_RX_RING, &s->q,
			    v == TPACKET_V3 ? sizeof(s->q)
					    : sizeof(struct tpacket_req));
	emit(o, "rx_ring %d\n", r);
	if (!r && ring) {
		r = ops->mmap(sk, ring, 0, &m);
		emit(o, "mmap %d\n", r);
		if (r)
			m = NULL;
	}
	for (unsigned int k = 0; k < s->npkts; k++) {
		struct tpc_inject p = { .data = f };

		p.len = make_pkt(&x, dev, f);
		emit(o, "inject %u (%u bytes) %d\n", k, p.len,
		     ops->inject(ctx, sk, &p));
	}
	if (m)
		(v == TPACKET_V3 ? snap_blocks : snap_frames)(o, s, m,
							      ifindex);
	emit(o, "poll 0x%x\n", ops->poll(sk, POLLIN, 0));
	r = ops->getsockopt(sk, SOL_PACKET, PACKET_STATISTICS, &st, &len);
	emit(o, "stats %d: packets %u drops %u freeze %u\n", r, st.tp_packets,
	     st.tp_drops, v == TPACKET_V3 ? st.tp_freeze_q_cnt : 0);
	if (m)
		ops->munmap(sk, m, ring);
	ops->sock_close(sk);
}

/* the first line where a and b differ, both versions of it */
static void first_diff(const char *a, const char *b, char *out, size_t len)
{
	const char *la = a, *lb = b;

	for (;;) {
		const char *ea = strchr(la, '\n'), *eb = strchr(lb, '\n');
		size_t na = ea ? (size_t)(ea - la) : strlen(la);
		size_t nb = eb ? (size_t)(eb - lb) : strlen(lb);

		if (na != nb || memcmp(la, lb, na)) {
			snprintf(out, len, "%.*s  <->  %.*s", (int)na, la,
				 (int)nb, lb);
			return;
		}
		if (!ea || !eb)
			break;
		la = ea + 1;
		lb = eb + 1;
	}
	snprintf(out, len, "(no line differs)");
}

int tpc_differential(const struct tpc_backend_ops *a, void *actx,
		     const struct tpc_backend_ops *b, void *bctx,
		     unsigned long n, unsigned long seed, FILE *f)
{
	static struct out oa, ob;
	unsigned long differing = 0;

	for (unsigned long i = 0; i < n; i++) {
		struct seq s;
		char what[256], diff[700];

		gen(seed + i, &s);
		oa.len = ob.len = 0;
		oa.buf[0] = ob.buf[0] = '\0';
		run_seq(a, actx, &s, &oa);
		run_seq(b, bctx, &s, &ob);
		if (oa.len == ob.len && !memcmp(oa.buf, ob.buf, oa.len))
			continue;
		differing++;
		describe(&s, what, sizeof(what));
		first_diff(oa.buf, ob.buf, diff, sizeof(diff));
		fprintf(f, "DIFF sequence %lu (reproduce: --differential 1 "
			   "--seed %lu): %s\n  %s: %s\n", i, seed + i, what,
			a->name, diff);
		if (n == 1)	/* a reproducer: show both sides whole */
			fprintf(f, "--- %s\n%s--- %s\n%s", a->name, oa.buf,
				b->name, ob.buf);
	}
	fprintf(f, "differential: %lu sequences (seed %lu), %lu differ "
		   "between %s and %s\n", n, seed, differing, a->name, b->name);
	return differing ? 1 : 0;
}
