// SPDX-License-Identifier: MIT
/*
 * The sequences of tpconform --differential: one made from a seed (a
 * socket, options in random order, a ring request heavy on boundary
 * values, a mapping, a burst of packets) and told as one line; running
 * one on a backend is diff_seq_run.c's job.
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

/* One more option, near the values and lengths where its rules turn. */
static void gen_opt(uint64_t *x, struct tpc_seq_opt *o)
{
	static const int names[] = { PACKET_VERSION, PACKET_RESERVE,
				     PACKET_LOSS, PACKET_TIMESTAMP,
				     PACKET_COPY_THRESH, PACKET_AUXDATA,
				     PACKET_ORIGDEV, PACKET_TX_HAS_OFF,
				     PACKET_VNET_HDR, 24 /* _SZ */ };
	static const int versions[] = { 0, 1, 2, 3, -1 };
	static const int reserves[] = { 0, 4, 28, 100, 4096, 0x7fffffff, -1 };
	static const int stamps[] = { 0, SOF_TIMESTAMPING_SOFTWARE,
				      SOF_TIMESTAMPING_RAW_HARDWARE };
	static const socklen_t lens[] = { 4, 4, 4, 4, 4, 4, 0, 2, 8 };

	static const int vnet_sizes[] = { 0, 10, 12, 11 };
	static const int bufs[] = { -1, 0, 1, 1152, 1153, 4096, 100000,
				    INT_MAX, INT_MIN };

	o->name = PICK(x, names);
	o->val = o->name == PACKET_VERSION    ? PICK(x, versions)
		 : o->name == PACKET_RESERVE  ? PICK(x, reserves)
		 : o->name == PACKET_TIMESTAMP ? PICK(x, stamps)
		 : o->name == 24	       ? PICK(x, vnet_sizes)
					       : (int)(rnd(x) % 2);
	o->len = PICK(x, lens);
	o->after_ring = rnd(x) % 4 == 0;
	o->level = 0;
	/* one in four: a socket buffer size, negative, tiny or huge (S1) */
	if (rnd(x) % 4 == 0) {
		o->level = SOL_SOCKET;
		o->name = rnd(x) & 1 ? SO_RCVBUF : SO_SNDBUF;
		o->val = PICK(x, bufs);
	}
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
						      false, 0 };
	s->opt[s->nopt] = (struct tpc_seq_opt){ PACKET_RESERVE,
					    PICK(&x, reserves), sizeof(int),
					    false, 0 };
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
	/* the retire timer stays out, whatever version the options leave:
	 * the kernel's runs on real time, the simulator's on virtual */
	s->q.tp_retire_blk_tov = 60000;
	if (s->version == TPACKET_V3) {
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
	/* one in four fills a TX ring instead: frames, then send() */
	s->tx = rnd(&x) % 4 == 0;
	/* half the RX sequences attach a filter, drawn apart so the rest
	 * of a seed's sequence stays what it was before filters */
	{
		uint64_t y = seed * 0xd1b54a32d192ed03ull + 7;

		s->filter = !s->tx && rnd(&y) % 2;
		s->filter_after_ring = rnd(&y) % 2;
		s->filter_seed = rnd(&y);
	}
	if (s->tx && s->version == TPACKET_V3 && rnd(&x) % 8) {
		/* mostly what a V3 TX ring takes (G13: none of these) */
		s->q.tp_retire_blk_tov = 0;
		s->q.tp_sizeof_priv = 0;
		s->q.tp_feature_req_word = 0;
	}
	/* drawn last, so the earlier draws stay those of older seeds */
	s->proto = ETH_P_ALL;
	s->outgoing = s->bypass = false;
	if (!s->tx) {
		uint64_t pick = rnd(&x) % 16;

		/* a protocol-bound socket sees only its protocol (R16) */
		s->proto = pick == 0 ? ETH_P_IP : pick == 1 ? 0x88b5
							    : ETH_P_ALL;
		s->outgoing = rnd(&x) % 5 == 0;
		s->bypass = s->outgoing && rnd(&x) % 4 == 0;
	}
	s->close_first = rnd(&x) % 8 == 0;
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
	if (s->proto != ETH_P_ALL)
		ADD(" bound to 0x%04x", (unsigned int)s->proto);
	for (unsigned int i = 0; i < s->nopt; i++) {
		if (s->opt[i].after_ring)
			continue;
		ADD(" %s=%d", opt_name(s->opt[i].level, s->opt[i].name),
		    s->opt[i].val);
		if (s->opt[i].len != sizeof(int))
			ADD(" (optlen %u)", (unsigned int)s->opt[i].len);
	}
	ADD(", %s block %u x %u, frame %u x %u", s->tx ? "TX_RING" : "RX_RING",
	    s->q.tp_block_size,
	    s->q.tp_block_nr, s->q.tp_frame_size, s->q.tp_frame_nr);
	if (s->qlen >= sizeof(struct tpacket_req3))
		ADD(", tov %u priv %u feature %u", s->q.tp_retire_blk_tov,
		    s->q.tp_sizeof_priv, s->q.tp_feature_req_word);
	ADD(" (optlen %u)", (unsigned int)s->qlen);
	for (unsigned int i = 0; i < s->nopt; i++) {
		if (!s->opt[i].after_ring)
			continue;
		ADD(", then %s=%d", opt_name(s->opt[i].level, s->opt[i].name),
		    s->opt[i].val);
		if (s->opt[i].len != sizeof(int))
			ADD(" (optlen %u)", (unsigned int)s->opt[i].len);
	}
	if (s->filter) {
		struct sock_filter f[TPC_FILTER_MAX];

		ADD(", filter %#llx (%u instructions) %s the ring",
		    (unsigned long long)s->filter_seed,
		    tpc_filter_gen(s->filter_seed, f),
		    s->filter_after_ring ? "after" : "before");
	}
	ADD(", %u %s%s", tpc_seq_kept(s), s->tx ? "frame" : "packet",
	    tpc_seq_kept(s) == 1 ? "" : "s");
	if (s->tx)
		ADD(" sent");
	if (s->outgoing)
		ADD(" (some sent by a second socket%s)",
		    s->bypass ? " with QDISC_BYPASS" : "");
	if (tpc_seq_kept(s) != s->npkts)
		ADD(" of %u", s->npkts);
	if (tpc_seq_kept(s) && tpc_seq_kept(s) != s->npkts) {
		ADD(" (only");
		for (unsigned int k = 0; k < s->npkts; k++)
			if (s->keep >> k & 1)
				ADD(" %u", k);
		ADD(")");
	}
	if (s->close_first)
		ADD(", closed before the unmap");
#undef ADD
}
