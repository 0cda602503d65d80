// SPDX-License-Identifier: MIT
/*
 * tpconform --differential N: random operation sequences run on two
 * backends (sim and kernel, or any two given with -b), compared field by
 * field. A sequence is a socket (type), options (version, reserve), a ring
 * request heavy on boundary values, a mapping, a burst of packets of
 * random size, address, type and VLAN tag, then everything observable:
 * every return value, each frame's or block's header, status word,
 * sockaddr_ll and bytes, the statistics and poll.
 *
 * A differing sequence is shrunk before it is printed: packets, the
 * reserve, V3's private area and feature word, and blocks are taken away
 * one at a time for as long as the two backends still differ on the same
 * kind of line, so the reproducer shows only what the difference needs.
 * A plug-in backend runs each sequence in a child of its own, so that a
 * crash or a hang is a difference, not the end of the run.
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/net_tstamp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "differential.h"

#define OUT_MAX 65536
#define MAX_PKTS 40		/* a sequence's burst; fits the keep mask */
#define CHILD_TIMEOUT_S 20	/* a plug-in's sequence, at the most */

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

/* A socket option set before the ring request, or after it. */
struct seq_opt {
	int name, val;
	socklen_t len;
	bool after_ring;
};

#define MAX_OPTS 6

struct seq {
	int type;
	int version;	/* the version the ring request is shaped for */
	struct seq_opt opt[MAX_OPTS];
	unsigned int nopt;
	struct tpacket_req3 q;
	socklen_t qlen;
	unsigned int npkts;
	uint64_t pkt_seed;
	/* packet k is made from pkt_seed in turn, injected if bit k is set:
	 * shrinking drops packets without changing the others */
	uint64_t keep;
};

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
static void gen_opt(uint64_t *x, struct seq_opt *o)
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

static void gen(uint64_t seed, struct seq *s)
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
		s->opt[s->nopt++] = (struct seq_opt){ PACKET_VERSION,
						      s->version, sizeof(int),
						      false };
	s->opt[s->nopt] = (struct seq_opt){ PACKET_RESERVE,
					    PICK(&x, reserves), sizeof(int),
					    false };
	if (s->opt[s->nopt].val)
		s->nopt++;
	/* more options, some odd, then all of them in a random order */
	extra = (unsigned int)(rnd(&x) % 4);
	while (extra-- && s->nopt < MAX_OPTS)
		gen_opt(&x, &s->opt[s->nopt++]);
	for (unsigned int i = s->nopt; i > 1; i--) {
		unsigned int j = (unsigned int)(rnd(&x) % i);
		struct seq_opt t = s->opt[i - 1];

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
	s->npkts = (unsigned int)(rnd(&x) % MAX_PKTS);
	s->pkt_seed = rnd(&x);
	s->keep = (1ull << s->npkts) - 1;
}

static unsigned int kept(const struct seq *s)
{
	return (unsigned int)__builtin_popcountll(s->keep);
}

/* the sequence as a line: what a reader needs to redo it by hand */
static void describe(const struct seq *s, char *buf, size_t len)
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
	ADD(", %u packet%s", kept(s), kept(s) == 1 ? "" : "s");
	if (kept(s) != s->npkts)
		ADD(" of %u", s->npkts);
	if (kept(s) && kept(s) != s->npkts) {
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

static void snap_frames(struct out *o, const struct seq *s, int version,
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

static void snap_blocks(struct out *o, const struct seq *s, int version,
			char *m, int ifindex)
{
	(void)version;	/* always V3: the same shape as snap_frames */
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
static void set_opt(const struct tpc_backend_ops *ops, struct tpc_sock *sk,
		    const struct seq_opt *op, struct out *o)
{
	int val[2] = { op->val, 0 };	/* room for the long length */

	emit(o, "%s %d\n", opt_name(op->name),
	     ops->setsockopt(sk, SOL_PACKET, op->name, val, op->len));
}

/* one sequence on one backend, everything observable into o */
static void run_seq(const struct tpc_backend_ops *ops, void *ctx,
		    const struct seq *s, struct out *o)
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
	emit(o, "socket %d\n", r);
	if (r)
		return;
	for (unsigned int i = 0; i < s->nopt; i++)
		if (!s->opt[i].after_ring)
			set_opt(ops, sk, &s->opt[i], o);
	r = ops->setsockopt(sk, SOL_PACKET, PACKET_RX_RING, &s->q, s->qlen);
	emit(o, "rx_ring %d\n", r);
	for (unsigned int i = 0; i < s->nopt; i++)
		if (s->opt[i].after_ring)
			set_opt(ops, sk, &s->opt[i], o);
	/* the version in force, as the socket says: the frames are read
	 * by it */
	r = ops->getsockopt(sk, SOL_PACKET, PACKET_VERSION, &v, &vlen);
	emit(o, "version %d: %d\n", r, v);
	if (r || v < TPACKET_V1 || v > TPACKET_V3)
		v = TPACKET_V1;
	if (ring) {
		r = ops->mmap(sk, ring, 0, &m);
		emit(o, "mmap %d\n", r);
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
		emit(o, "inject %u (%u bytes, to %s, type 0x%02x%02x) %d\n", k,
		     p.len, !memcmp(f, dev, 6) ? "this host" : f[0] == 0xff
			? "broadcast" : f[0] & 1 ? "multicast" : "another host",
		     f[12], f[13], r);
	}
	if (m)
		(v == TPACKET_V3 ? snap_blocks : snap_frames)(o, s, v, m,
							      ifindex);
	emit(o, "poll 0x%x\n", ops->poll(sk, POLLIN, 0));
	r = ops->getsockopt(sk, SOL_PACKET, PACKET_STATISTICS, &st, &len);
	emit(o, "stats %d: packets %u drops %u freeze %u\n", r, st.tp_packets,
	     st.tp_drops, v == TPACKET_V3 ? st.tp_freeze_q_cnt : 0);
	if (m)
		ops->munmap(sk, m, ring);
	ops->sock_close(sk);
}

/* One sequence on one side; a side that may crash or hang runs it in a
 * child, writing into o, which is shared memory. */
static void run_side(const struct tpc_diff_side *d, const struct seq *s,
		     struct out *o)
{
	pid_t pid;
	int st;

	o->len = 0;
	o->buf[0] = '\0';
	if (!d->isolate) {
		run_seq(d->ops, d->ctx, s, o);
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		alarm(CHILD_TIMEOUT_S);
		run_seq(d->ops, d->ctx, s, o);
		_exit(0);
	}
	if (pid < 0) {
		emit(o, "fork: %s\n", strerror(errno));
		return;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
		emit(o, "timed out after %d s\n", CHILD_TIMEOUT_S);
	else if (WIFSIGNALED(st))
		emit(o, "crashed: signal %d (%s)\n", WTERMSIG(st),
		     strsignal(WTERMSIG(st)));
	else if (WEXITSTATUS(st))
		emit(o, "exited with status %d\n", WEXITSTATUS(st));
}

/* The first line where a and b differ, both versions of it, and in key
 * that line's first word (what kind of thing differs). */
static bool first_diff(const char *a, const char *b, char *out, size_t len,
		       char key[16])
{
	const char *la = a, *lb = b;

	for (;;) {
		const char *ea = strchr(la, '\n'), *eb = strchr(lb, '\n');
		size_t na = ea ? (size_t)(ea - la) : strlen(la);
		size_t nb = eb ? (size_t)(eb - lb) : strlen(lb);

		if (na != nb || memcmp(la, lb, na)) {
			snprintf(out, len, "%.*s  <->  %.*s", (int)na, la,
				 (int)nb, lb);
			la += strspn(la, " ");
			snprintf(key, 16, "%.*s", (int)strcspn(la, " :\n"), la);
			return true;
		}
		if (!ea || !eb)
			break;
		la = ea + 1;
		lb = eb + 1;
	}
	snprintf(out, len, "(no line differs)");
	key[0] = '\0';
	return false;
}

struct diff_run {
	const struct tpc_diff_side *a, *b;
	struct out *oa, *ob;	/* shared memory: children write there */
};

/* Do the two sides still differ on a line of this kind? */
static bool still_differs(struct diff_run *d, const struct seq *s,
			  const char *key)
{
	char line[700], k[16];

	run_side(d->a, s, d->oa);
	run_side(d->b, s, d->ob);
	return first_diff(d->oa->buf, d->ob->buf, line, sizeof(line), k) &&
	       !strcmp(k, key);
}

/* Take away what the difference does not need, one thing at a time,
 * until nothing more can go; returns the number of runs it took. */
static unsigned int shrink(struct diff_run *d, struct seq *s, const char *key)
{
	unsigned int runs = 0;
	bool progress = true;

	while (progress) {
		struct seq t;

		progress = false;
		for (unsigned int k = s->npkts; k-- > 0;) {
			if (!(s->keep >> k & 1))
				continue;
			t = *s;
			t.keep &= ~(1ull << k);
			runs++;
			if (still_differs(d, &t, key)) {
				*s = t;
				progress = true;
			}
		}
		for (unsigned int i = s->nopt; i-- > 0;) {
			t = *s;
			memmove(&t.opt[i], &t.opt[i + 1],
				(t.nopt - i - 1) * sizeof(t.opt[0]));
			t.nopt--;
			runs++;
			if (still_differs(d, &t, key)) {
				*s = t;
				progress = true;
			}
		}
		for (int step = 0; step < 3; step++) {
			uint32_t fpb;

			t = *s;
			if (step == 0 && t.q.tp_sizeof_priv)
				t.q.tp_sizeof_priv = 0;
			else if (step == 1 && t.q.tp_feature_req_word)
				t.q.tp_feature_req_word = 0;
			else if (step == 2 && t.q.tp_block_nr > 1 &&
				 t.q.tp_frame_size) {
				/* one block less; a frame count that was off
				 * stays off by as much */
				fpb = t.q.tp_block_size / t.q.tp_frame_size;
				t.q.tp_block_nr--;
				t.q.tp_frame_nr -= fpb;
			} else {
				continue;
			}
			runs++;
			if (still_differs(d, &t, key)) {
				*s = t;
				progress = true;
			}
		}
	}
	return runs;
}

int tpc_differential(const struct tpc_diff_side *a,
		     const struct tpc_diff_side *b, unsigned long n,
		     unsigned long seed, FILE *f)
{
	struct out *oa, *ob;
	struct diff_run d = { .a = a, .b = b };
	unsigned long differing = 0;

	oa = mmap(NULL, 2 * sizeof(*oa), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (oa == MAP_FAILED) {
		fprintf(f, "differential: out of memory\n");
		return 2;
	}
	ob = oa + 1;
	d.oa = oa;
	d.ob = ob;
	for (unsigned long i = 0; i < n; i++) {
		struct seq s, m;
		char what[512], diff[700], key[16];
		unsigned int runs;

		gen(seed + i, &s);
		run_side(a, &s, oa);
		run_side(b, &s, ob);
		if (oa->len == ob->len && !memcmp(oa->buf, ob->buf, oa->len))
			continue;
		differing++;
		describe(&s, what, sizeof(what));
		first_diff(oa->buf, ob->buf, diff, sizeof(diff), key);
		fprintf(f, "DIFF sequence %lu (reproduce: --differential 1 "
			   "--seed %lu): %s\n  %s: %s\n", i, seed + i, what,
			a->ops->name, diff);
		m = s;
		runs = shrink(&d, &m, key);
		/* the runs of the last try may not be m's: run m again */
		run_side(a, &m, oa);
		run_side(b, &m, ob);
		describe(&m, what, sizeof(what));
		first_diff(oa->buf, ob->buf, diff, sizeof(diff), key);
		fprintf(f, "  shrunk in %u runs to: %s\n  %s: %s\n", runs, what,
			a->ops->name, diff);
		if (n == 1)	/* a reproducer: both sides whole */
			fprintf(f, "--- %s\n%s--- %s\n%s", a->ops->name,
				oa->buf, b->ops->name, ob->buf);
	}
	munmap(oa, 2 * sizeof(*oa));
	fprintf(f, "differential: %lu sequences (seed %lu), %lu differ "
		   "between %s and %s\n", n, seed, differing, a->ops->name,
		b->ops->name);
	return differing ? 1 : 0;
}
