// SPDX-License-Identifier: MIT
/*
 * tpconform --differential-dev N: random sequences of many sockets on one
 * device, run on two backends and compared line by line. A sequence opens
 * 2 to 4 sockets (ETH_P_IP, sometimes ETH_P_ARP, so a protocol differs),
 * each with a V1/V2 ring of 4 to 16 frames or none, most of them in one
 * of two fanout groups (LB, ROLLOVER, LB with the ROLLOVER flag, QM,
 * CBPF with one of 8 classic programs or none, any of them sometimes
 * with PACKET_FANOUT_FLAG_DEFRAG); then up to 48 events: a frame of one
 * of 6 UDP flows arriving on the device, or a fragment of one of 2
 * datagrams (3 pieces each, every piece sent at least once, in any order,
 * some twice), the link going down or up, a consumer returning every
 * frame of its ring, poll, recv, SO_ERROR, a new program for a member's
 * group. At the end
 * every socket's statistics, rollover statistics and ring statuses. HASH
 * and RND are left out: which member they pick is the kernel's secret.
 * A difference is shrunk by taking events away while it stays.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diff_seq.h"
#include "differential.h"

#define DEV_MAX_SOCKS 4
#define DEV_GEN_EVENTS 48	/* drawn at random */
#define DEV_MAX_EVENTS 56	/* and the fragments left to send */

enum ev_kind { EV_FRAME, EV_DOWN, EV_UP, EV_RELEASE, EV_POLL, EV_RECV,
	       EV_SOERR, EV_PROG, EV_FRAG, EV_KINDS };

#define DEV_PROGS 8	/* program 0: none */

struct dev_sock {
	int proto;		/* ETH_P_IP or ETH_P_ARP */
	int version;		/* TPACKET_V1/V2 */
	unsigned int frames;	/* 0: no ring */
	int group;		/* -1 none, else 0 or 1 */
};

struct dev_seq {
	unsigned int nsock;
	struct dev_sock s[DEV_MAX_SOCKS];
	uint16_t group_mode[2];
	uint8_t group_prog[2];	/* a CBPF group's first program */
	unsigned int nev;
	struct {
		uint8_t kind, sock, flow;
	} ev[DEV_MAX_EVENTS];
};

static uint64_t next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void gen(uint64_t seed, struct dev_seq *q)
{
	static const uint16_t modes[] = {
		PACKET_FANOUT_LB, PACKET_FANOUT_ROLLOVER,
		PACKET_FANOUT_LB | PACKET_FANOUT_FLAG_ROLLOVER,
		PACKET_FANOUT_QM, PACKET_FANOUT_CBPF,
	};
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
	/* a second stream for what came later (programs, DEFRAG,
	 * fragments): the first draws the same sequences as before */
	uint64_t y = seed * 0xd1b54a32d192ed03ull + 7;
	bool up = true;
	unsigned int sent[2][3] = { { 0 } };

	memset(q, 0, sizeof(*q));
	q->nsock = 2 + (unsigned int)(next(&x) % 3);
	for (int g = 0; g < 2; g++) {
		q->group_mode[g] = modes[next(&x) % 5];
		q->group_prog[g] = (uint8_t)(next(&y) % DEV_PROGS);
		if (next(&y) % 3 == 0)
			q->group_mode[g] |= PACKET_FANOUT_FLAG_DEFRAG;
	}
	for (unsigned int i = 0; i < q->nsock; i++) {
		struct dev_sock *s = &q->s[i];

		s->proto = next(&x) % 8 ? ETH_P_IP : ETH_P_ARP;
		s->version = next(&x) % 2 ? TPACKET_V2 : TPACKET_V1;
		s->frames = next(&x) % 4 ? 4u << (next(&x) % 3) : 0;
		s->group = next(&x) % 5 ? (int)(next(&x) % 2) : -1;
	}
	q->nev = 8 + (unsigned int)(next(&x) % (DEV_GEN_EVENTS - 7));
	for (unsigned int k = 0; k < q->nev; k++) {
		unsigned int r = (unsigned int)(next(&x) % 100);
		uint8_t kind = r < 60	? EV_FRAME
			       : r < 64 ? (up ? EV_DOWN : EV_UP)
			       : r < 80 ? EV_RELEASE
			       : r < 88 ? EV_POLL
			       : r < 94 ? EV_RECV
					: EV_SOERR;

		if (kind == EV_SOERR && next(&y) % 2)
			kind = EV_PROG;
		if (kind == EV_FRAME && next(&y) % 3 == 0)
			kind = EV_FRAG;
		/* a TAP refuses writes while down (EIO): no frames then */
		if ((kind == EV_FRAME || kind == EV_FRAG) && !up)
			kind = EV_UP;
		if (kind == EV_DOWN)
			up = false;
		if (kind == EV_UP)
			up = true;
		q->ev[k].kind = kind;
		q->ev[k].sock = (uint8_t)(next(&x) % q->nsock);
		q->ev[k].flow = (uint8_t)(next(&x) % 6);
		if (kind == EV_FRAG)	/* datagram flow % 2, piece / 2 */
			sent[q->ev[k].flow % 2][q->ev[k].flow / 2]++;
	}
	/* every piece of a datagram begun goes at least once: no datagram
	 * waits after the sequence (the kernel's would for 30 s) */
	for (unsigned int d = 0; d < 2; d++) {
		if (!sent[d][0] && !sent[d][1] && !sent[d][2])
			continue;
		for (unsigned int pc = 0; pc < 3; pc++) {
			if (sent[d][pc])
				continue;
			if (!up) {	/* at most once: 6 + 1 events */
				q->ev[q->nev++].kind = EV_UP;
				up = true;
			}
			q->ev[q->nev].kind = EV_FRAG;
			q->ev[q->nev].sock = 0;
			q->ev[q->nev++].flow = (uint8_t)(pc * 2 + d);
		}
	}
}

static void describe(const struct dev_seq *q, char *buf, size_t len)
{
	static const char ek[] = "FDURPVEBG";
	size_t o;

	o = (size_t)snprintf(buf, len, "groups %#x/p%u %#x/p%u;",
			     q->group_mode[0], q->group_prog[0],
			     q->group_mode[1], q->group_prog[1]);
	for (unsigned int i = 0; i < q->nsock && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, " s%u:%s/V%d/%u/g%d", i,
				      q->s[i].proto == ETH_P_IP ? "ip" : "arp",
				      q->s[i].version + 1, q->s[i].frames,
				      q->s[i].group);
	if (o < len)
		o += (size_t)snprintf(buf + o, len - o, "; events");
	for (unsigned int k = 0; k < q->nev && o < len; k++)
		o += (size_t)snprintf(buf + o, len - o, " %c%u", ek[q->ev[k].kind],
				      q->ev[k].kind == EV_FRAME ||
						      q->ev[k].kind == EV_FRAG
					      ? q->ev[k].flow
					      : q->ev[k].sock);
}

static void udp(uint8_t *b, unsigned int flow)
{
	memset(b, 0, 64);
	memset(b, 0xff, 6);
	b[6] = 0x02, b[11] = 0x42;
	b[12] = 0x08;
	b[14] = 0x45;
	b[17] = 50;
	b[22] = 64;
	b[23] = 17;
	b[26] = 10, b[29] = (uint8_t)(1 + flow);
	b[30] = 10, b[33] = 200;
	b[34] = 0x10, b[35] = (uint8_t)flow;
	b[36] = 0, b[37] = 53;
}

/* Piece pc (0-2, 8 payload bytes each, MF but on the last) of datagram
 * id from 10.0.0.9: a 60-byte frame. */
static void piece(uint8_t *b, uint16_t id, unsigned int pc)
{
	udp(b, 0);
	b[17] = 28;	/* tot_len: 20 + 8 */
	b[18] = (uint8_t)(id >> 8), b[19] = (uint8_t)id;
	b[20] = pc < 2 ? 0x20 : 0;
	b[21] = (uint8_t)pc;	/* offset in 8-byte units */
	b[29] = 9;
	memset(b + 34, 0x30 + (int)pc, 8);
}

/* The classic programs a CBPF group may run: what they read (from the
 * network header of an arriving frame) is what the flows vary. */
static int set_prog(const struct tpc_backend_ops *ops, struct tpc_sock *s,
		    unsigned int which)
{
	static const struct sock_filter progs[DEV_PROGS - 1][3] = {
		{ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 15),	/* saddr */
		  BPF_STMT(BPF_RET | BPF_A, 0) },
		{ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 21),	/* sport */
		  BPF_STMT(BPF_RET | BPF_A, 0) },
		{ BPF_STMT(BPF_RET | BPF_K, 0xfffffffdu) },
		{ BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			   SKF_AD_OFF + SKF_AD_PROTOCOL),
		  BPF_STMT(BPF_RET | BPF_A, 0) },
		{ BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			   SKF_AD_OFF + SKF_AD_QUEUE),
		  BPF_STMT(BPF_RET | BPF_A, 0) },
		{ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, SKF_LL_OFF + 11),
		  BPF_STMT(BPF_RET | BPF_A, 0) },
		{ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 2),	/* tot_len */
		  BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 3),
		  BPF_STMT(BPF_RET | BPF_A, 0) },
	};
	struct sock_fprog p = {
		.len = (unsigned short)(which == 7 ? 3 : which == 3 ? 1 : 2),
		.filter = (struct sock_filter *)progs[which - 1],
	};

	return ops->setsockopt(s, SOL_PACKET, PACKET_FANOUT_DATA, &p,
			       sizeof(p));
}

struct live {
	struct tpc_sock *s;
	char *ring;
	size_t len;
};

static void run(const struct tpc_backend_ops *ops, void *ctx,
		const struct dev_seq *q, struct tpc_out *o)
{
	struct live l[DEV_MAX_SOCKS] = { { 0 } };
	uint8_t pkt[64], buf[128];
	bool prog_set[2] = { false, false };
	/* each run its own datagram ids: what a shrunk run left waiting
	 * never meets a later one */
	static uint16_t ids;
	uint16_t id0 = (uint16_t)(ids += 2);
	int err;

	o->len = 0;
	o->buf[0] = '\0';
	for (unsigned int i = 0; i < q->nsock; i++) {
		const struct dev_sock *d = &q->s[i];

		err = ops->socket(ctx, SOCK_RAW, d->proto, &l[i].s);
		if (err) {
			tpc_emit(o, "socket s%u: %d\n", i, err);
			goto out;
		}
		ops->setsockopt(l[i].s, SOL_PACKET, PACKET_VERSION,
				&d->version, sizeof(int));
		if (d->frames) {
			struct tpacket_req r = {
				.tp_block_size = 4096,
				.tp_block_nr = d->frames / 4,
				.tp_frame_size = 1024,
				.tp_frame_nr = d->frames,
			};
			void *m;

			err = ops->setsockopt(l[i].s, SOL_PACKET,
					      PACKET_RX_RING, &r, sizeof(r));
			if (!err)
				err = ops->mmap(l[i].s, 4096 * r.tp_block_nr,
						0, &m);
			tpc_emit(o, "ring s%u: %d\n", i, err);
			if (!err) {
				l[i].ring = m;
				l[i].len = 4096 * r.tp_block_nr;
			}
		}
		if (d->group >= 0) {
			int v = (int)((uint32_t)(400 + d->group) |
				      (uint32_t)q->group_mode[d->group] << 16);

			err = ops->setsockopt(l[i].s, SOL_PACKET,
					      PACKET_FANOUT, &v, sizeof(v));
			tpc_emit(o, "join s%u: %d\n", i, err);
			if (!err && !prog_set[d->group] &&
			    (q->group_mode[d->group] & 0xff) ==
				    PACKET_FANOUT_CBPF &&
			    q->group_prog[d->group]) {
				prog_set[d->group] = true;
				tpc_emit(o, "prog s%u: %d\n", i,
					 set_prog(ops, l[i].s,
						  q->group_prog[d->group]));
			}
		}
	}
	for (unsigned int k = 0; k < q->nev; k++) {
		unsigned int i = q->ev[k].sock;
		struct tpc_inject p = { .data = pkt, .len = sizeof(pkt) };
		int v = 0;
		socklen_t vl = sizeof(v);

		switch (q->ev[k].kind) {
		case EV_FRAME:
			udp(pkt, q->ev[k].flow);
			err = ops->inject(ctx, NULL, &p);
			if (err)
				tpc_emit(o, "frame %u: %d\n", k, err);
			break;
		case EV_FRAG:
			piece(pkt, (uint16_t)(id0 + q->ev[k].flow % 2),
			      q->ev[k].flow / 2);
			p.len = 60;
			err = ops->inject(ctx, NULL, &p);
			if (err)
				tpc_emit(o, "fragment %u: %d\n", k, err);
			break;
		case EV_PROG:
			/* a member of a CBPF group if there is one */
			for (unsigned int j = 0; j < q->nsock; j++) {
				const struct dev_sock *c =
					&q->s[(i + j) % q->nsock];

				if (c->group >= 0 &&
				    (q->group_mode[c->group] & 0xff) ==
					    PACKET_FANOUT_CBPF) {
					i = (i + j) % q->nsock;
					break;
				}
			}
			tpc_emit(o, "prog %u s%u: %d\n", k, i,
				 set_prog(ops, l[i].s,
					  1 + q->ev[k].flow % (DEV_PROGS - 1)));
			break;
		case EV_DOWN:
		case EV_UP:
			tpc_emit(o, "link %u: %d\n", k,
				 ops->set_link(ctx, q->ev[k].kind == EV_UP));
			break;
		case EV_RELEASE:
			for (unsigned int f = 0; l[i].ring && f < q->s[i].frames;
			     f++) {
				char *h = l[i].ring + (f / 4) * 4096 +
					  (f % 4) * 1024;

				if (q->s[i].version == TPACKET_V1)
					__atomic_store_n((unsigned long *)h,
							 0ul,
							 __ATOMIC_RELEASE);
				else
					__atomic_store_n((uint32_t *)h, 0u,
							 __ATOMIC_RELEASE);
			}
			break;
		case EV_POLL:
			tpc_emit(o, "poll %u s%u: %#x\n", k, i,
				 (unsigned)ops->poll(l[i].s, POLLIN, 0));
			break;
		case EV_RECV:
			tpc_emit(o, "recv %u s%u: %zd\n", k, i,
				 ops->recv(l[i].s, buf, sizeof(buf),
					   MSG_DONTWAIT));
			break;
		default:	/* EV_SOERR */
			err = ops->getsockopt(l[i].s, SOL_SOCKET, SO_ERROR, &v,
					      &vl);
			tpc_emit(o, "so_error %u s%u: %d %d\n", k, i, err, v);
			break;
		}
	}
	for (unsigned int i = 0; i < q->nsock; i++) {
		struct tpacket_stats st = { 0 };
		struct tpacket_rollover_stats rs = { 0 };
		socklen_t len = sizeof(st);

		err = ops->getsockopt(l[i].s, SOL_PACKET, PACKET_STATISTICS,
				      &st, &len);
		tpc_emit(o, "stats s%u: %d %u %u\n", i, err, st.tp_packets,
			 st.tp_drops);
		len = sizeof(rs);
		err = ops->getsockopt(l[i].s, SOL_PACKET,
				      PACKET_ROLLOVER_STATS, &rs, &len);
		tpc_emit(o, "rollover s%u: %d %llu %llu %llu\n", i, err,
			 (unsigned long long)rs.tp_all,
			 (unsigned long long)rs.tp_huge,
			 (unsigned long long)rs.tp_failed);
		if (l[i].ring) {
			char st_line[20];

			for (unsigned int f = 0; f < q->s[i].frames; f++) {
				char *h = l[i].ring + (f / 4) * 4096 +
					  (f % 4) * 1024;
				unsigned long s =
					q->s[i].version == TPACKET_V1
						? __atomic_load_n(
							  (unsigned long *)h,
							  __ATOMIC_ACQUIRE)
						: __atomic_load_n(
							  (uint32_t *)h,
							  __ATOMIC_ACQUIRE);

				st_line[f] = s & TP_STATUS_USER ? 'u' : 'k';
			}
			st_line[q->s[i].frames] = '\0';
			tpc_emit(o, "ring s%u: %s\n", i, st_line);
		}
	}
out:
	ops->set_link(ctx, 1);
	for (unsigned int i = 0; i < q->nsock; i++) {
		if (l[i].ring)
			ops->munmap(l[i].s, l[i].ring, l[i].len);
		if (l[i].s)
			ops->sock_close(l[i].s);
	}
}

static bool differ(const struct tpc_out *a, const struct tpc_out *b)
{
	return a->len != b->len || memcmp(a->buf, b->buf, a->len);
}

static void first_line(const struct tpc_out *a, const struct tpc_out *b,
		       char *out, size_t len)
{
	const char *la = a->buf, *lb = b->buf;

	for (;;) {
		size_t na = strcspn(la, "\n"), nb = strcspn(lb, "\n");

		if (na != nb || memcmp(la, lb, na) || !la[na] || !lb[nb]) {
			snprintf(out, len, "%.*s  <->  %.*s", (int)na, la,
				 (int)nb, lb);
			return;
		}
		la += na + 1;
		lb += nb + 1;
	}
}

/* The side offers the device calls and says its device may go down. */
static bool has_device(const struct tpc_diff_side *d)
{
	struct tpc_backend_info info = { .sz = sizeof(info),
					 .caps = TPC_CAPS_ALL };

	if (!TPC_OPS_HAS(d->ops, set_link) || !TPC_OPS_HAS(d->ops, bind))
		return false;
	if (TPC_OPS_HAS(d->ops, info))
		d->ops->info(d->ctx, &info);
	return info.caps & TPC_CAP_DEVICE;
}

int tpc_differential_dev(const struct tpc_diff_side *a,
			 const struct tpc_diff_side *b, unsigned long n,
			 unsigned long seed, FILE *f)
{
	struct tpc_out *oa = malloc(sizeof(*oa)), *ob = malloc(sizeof(*ob));
	unsigned long differing = 0;

	if (!oa || !ob) {
		free(oa);
		free(ob);
		return 2;
	}
	if (!has_device(a) || !has_device(b)) {
		fprintf(f, "differential-dev: both backends need many sockets "
			   "on a device (bind, set_link, TPC_CAP_DEVICE)\n");
		free(oa);
		free(ob);
		return 2;
	}
	for (unsigned long i = 0; i < n; i++) {
		struct dev_seq q, t;
		char what[1024], diff[600];

		gen(seed + i, &q);
		run(a->ops, a->ctx, &q, oa);
		run(b->ops, b->ctx, &q, ob);
		if (!differ(oa, ob))
			continue;
		differing++;
		describe(&q, what, sizeof(what));
		first_line(oa, ob, diff, sizeof(diff));
		fprintf(f, "DIFF sequence %lu (reproduce: --differential-dev 1 "
			   "--seed %lu): %s\n  %s: %s\n", i, seed + i, what,
			a->ops->name, diff);
		/* shrink: take events away while the two still differ */
		for (unsigned int k = q.nev; k-- > 0;) {
			t = q;
			memmove(&t.ev[k], &t.ev[k + 1],
				(t.nev - k - 1) * sizeof(t.ev[0]));
			t.nev--;
			run(a->ops, a->ctx, &t, oa);
			run(b->ops, b->ctx, &t, ob);
			if (differ(oa, ob))
				q = t;
		}
		run(a->ops, a->ctx, &q, oa);
		run(b->ops, b->ctx, &q, ob);
		describe(&q, what, sizeof(what));
		first_line(oa, ob, diff, sizeof(diff));
		fprintf(f, "  shrunk to: %s\n  %s: %s\n", what, a->ops->name,
			diff);
		if (n == 1)
			fprintf(f, "--- %s\n%s--- %s\n%s", a->ops->name,
				oa->buf, b->ops->name, ob->buf);
	}
	fprintf(f, "differential-dev: %lu sequences (seed %lu), %lu differ "
		   "between %s and %s\n", n, seed, differing, a->ops->name,
		b->ops->name);
	free(oa);
	free(ob);
	return differing ? 1 : 0;
}
