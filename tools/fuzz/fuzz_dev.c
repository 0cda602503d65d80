// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: many sockets on two devices of one net (sim/dev.c,
 * dev_rx.c, fanout.c, fanout_bpf.c, defrag.c, mclist.c), decoded from
 * the input: sockets of a protocol or none, bound or not, with a ring or
 * not, in fanout groups of any mode and flags (DEFRAG and CBPF included)
 * with classic programs from the input; then frames arriving (often IPv4
 * fragments with fields from the input), frames sent, new programs, the
 * link going down and up, memberships, recv and poll, a socket closed.
 * Every call must return a count or a negative errno, and a frame can be
 * handed to no more sockets than the net has.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fuzz_input.h"
#include "tpsim.h"

#define NSOCK 4

struct fsock {
	struct tpsim_sock *s;
	void *ring;
	size_t len;
	int tx;		/* the ring is a V2 TX ring of 2 frames */
};

static void sock_open(struct in *in, struct tpsim_net *n, struct fsock *f)
{
	static const uint16_t protos[] = { ETH_P_ALL, ETH_P_IP, ETH_P_ARP, 0 };
	uint32_t b = take(in, 1);
	struct tpsim_create_opts o = {
		.sz = sizeof(o), .clock = TPSIM_CLOCK_VIRTUAL,
		.mem_limit = 1u << 20,
		.type = b & 0x80 ? SOCK_DGRAM : SOCK_RAW,
	};
	uint16_t proto = protos[b & 3];
	struct sockaddr_ll a = { .sll_family = AF_PACKET };
	struct tpacket_req r = { .tp_block_size = 4096, .tp_block_nr = 1,
				 .tp_frame_size = 2048, .tp_frame_nr = 2 };
	int v = TPACKET_V2;

	memset(f, 0, sizeof(*f));
	o.protocol = proto ? htons(proto) : TPSIM_PROTO_NONE;
	if (tpsim_create(&o, &f->s))
		return;
	check_ret(tpsim_net_add_sock(n, f->s));
	if (b & 4) {
		a.sll_ifindex = (int)(b >> 3 & 3);
		a.sll_protocol = (uint16_t)(b & 0x40 ? htons(ETH_P_IP) : 0);
		check_ret(tpsim_bind(f->s, (struct sockaddr *)&a, sizeof(a)));
	}
	if (b & 0x20) {		/* a ring: RX or TX, 2 frames of V2 */
		f->tx = (int)(take(in, 1) & 1);
		check_ret(tpsim_setsockopt(f->s, SOL_PACKET, PACKET_VERSION, &v,
					   sizeof(v)));
		if (!tpsim_setsockopt(f->s, SOL_PACKET,
				      f->tx ? PACKET_TX_RING : PACKET_RX_RING,
				      &r, sizeof(r)) &&
		    !tpsim_mmap(f->s, NULL, 4096, PROT_READ | PROT_WRITE,
				MAP_SHARED, 0, &f->ring))
			f->len = 4096;
		else
			f->ring = NULL;
	}
}

/* A classic program of up to 8 instructions from the input, as
 * PACKET_FANOUT_DATA (the checker decides), or an fd, or nothing. */
static long set_data(struct in *in, struct tpsim_sock *s)
{
	struct sock_filter f[8];
	struct sock_fprog p = { .filter = f };
	uint32_t b = take(in, 1);
	int fd = (int)take(in, 1) - 8;

	if (b & 0x80)
		return tpsim_setsockopt(s, SOL_PACKET, PACKET_FANOUT_DATA, &fd,
					b & 0x40 ? 4 : b & 7);
	p.len = (unsigned short)(b % 9);
	for (unsigned int i = 0; i < p.len; i++) {
		f[i].code = (uint16_t)take(in, 1);
		if (f[i].code & 0x80)	/* often a RET or a load */
			f[i].code = f[i].code & 1 ? BPF_RET | BPF_A
						  : BPF_LD | BPF_B | BPF_ABS;
		f[i].jt = (uint8_t)(take(in, 1) % 4);
		f[i].jf = (uint8_t)(take(in, 1) % 4);
		f[i].k = take(in, 1);
		if (f[i].k > 200)	/* an ancillary load now and then */
			f[i].k = (uint32_t)SKF_AD_OFF + (f[i].k - 200) * 4 % 64;
	}
	return tpsim_setsockopt(s, SOL_PACKET, PACKET_FANOUT_DATA, &p,
				b & 0x40 ? sizeof(p) - 1 : sizeof(p));
}

/* A frame from the input, often an IPv4 fragment of a few datagrams. */
static uint32_t frame(struct in *in, uint8_t *b, uint32_t cap)
{
	uint32_t len = take(in, 1) + 14, shape = take(in, 1);
	uint32_t off = 14;

	if (len > cap)
		len = cap;
	memset(b, 0, 18);
	memset(b, 0xff, 6);
	b[6] = 2, b[11] = (uint8_t)shape;
	b[12] = 0x08, b[13] = 0x00;
	if (shape & 1) {	/* a tag in the data */
		b[12] = 0x81, b[13] = 0, b[14] = 0, b[15] = (uint8_t)take(in, 1);
		b[16] = 0x08, b[17] = 0;
		off = 18;
	}
	if (shape & 2 && len >= off + 20) {	/* an IPv4 fragment */
		uint8_t *ip = b + off;
		uint32_t tot = len - off - (shape & 4 ? take(in, 1) % 8 : 0);
		uint16_t fo = (uint16_t)(take(in, 2) & 0xe03f);

		memset(ip, 0, 20);
		ip[0] = shape & 8 ? (uint8_t)take(in, 1) : 0x45;
		ip[1] = (uint8_t)(shape >> 4 & 3);
		ip[2] = (uint8_t)(tot >> 8), ip[3] = (uint8_t)tot;
		ip[5] = (uint8_t)(shape >> 6);
		ip[6] = (uint8_t)(fo >> 8), ip[7] = (uint8_t)fo;
		ip[9] = 17, ip[12] = 10, ip[16] = 10;
		off += 20;
	}
	for (uint32_t i = off; i < len; i++)
		b[i] = (uint8_t)take(in, 1);
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct tpsim_dev_opts d_opts = { .sz = sizeof(d_opts) };
	struct tpsim_dev_result res[NSOCK];
	struct tpsim_net *n;
	struct tpsim_dev *d[2];
	struct fsock f[NSOCK];
	uint8_t b[1600];

	if (tpsim_net_create(&n))
		return 0;
	d_opts.kind = take(&in, 1) & 1 ? TPSIM_DEV_NIC : TPSIM_DEV_TAP;
	if (tpsim_dev_add(n, &d_opts, &d[0]) ||
	    tpsim_dev_add(n, &d_opts, &d[1])) {
		tpsim_net_destroy(n);
		return 0;
	}
	for (int i = 0; i < NSOCK; i++) {
		struct fanout_args a;

		sock_open(&in, n, &f[i]);
		if (!f[i].s || !(take(&in, 1) & 1))
			continue;
		a.id = (uint16_t)(take(&in, 1) % 3);
		a.type_flags = (uint16_t)(take(&in, 1) % 8 |
					  (take(&in, 1) & 0xf0) << 8);
		a.max_num_members = take(&in, 1) % 5;
		check_ret(tpsim_setsockopt(f[i].s, SOL_PACKET, PACKET_FANOUT,
					   &a, sizeof(a)));
		check_ret(set_data(&in, f[i].s));
	}
	for (int step = 0; step < 200 && in.n; step++) {
		uint32_t op = take(&in, 1), i = op >> 4 & (NSOCK - 1);
		struct tpsim_sock *s = f[i].s;
		long r = 0;

		switch (op % 8) {
		case 0:
		case 1:
		case 2: {	/* a frame arrives */
			struct tpsim_packet p = { .sz = sizeof(p), .data = b };
			uint32_t fl = take(&in, 1);

			p.len = frame(&in, b, sizeof(b));
			p.flags = fl & (TPSIM_PKT_VLAN | TPSIM_PKT_PKTTYPE |
					TPSIM_PKT_PROTOCOL | TPSIM_PKT_RXHASH);
			p.vlan_tci = (uint16_t)fl;
			p.vlan_tpid = ETH_P_8021Q;
			p.pkttype = (uint8_t)(fl >> 5);
			p.protocol = htons(fl & 0x80 ? ETH_P_IP : ETH_P_ARP);
			p.rxhash = fl * 2654435761u;
			p.queue_mapping = (uint16_t)(fl & 3);
			r = tpsim_dev_deliver(d[op >> 7], &p, fl & 3, fl >> 2 & 3,
					      res, NSOCK);
			if (r > NSOCK)
				abort();
			break;
		}
		case 3:		/* a frame sent from a TX ring */
			if (s && f[i].ring && f[i].tx) {
				struct tpacket2_hdr *h = f[i].ring;

				h->tp_len = frame(&in, (uint8_t *)h + 32,
						  2048 - 32);
				tpsim_frame_send_request(h, TPACKET_V2);
				r = tpsim_send(s, NULL, 0);
			}
			break;
		case 4:		/* a new program */
			if (s)
				r = set_data(&in, s);
			break;
		case 5:		/* the link */
			r = tpsim_dev_set_link(d[op >> 7], (int)(op >> 6 & 1));
			break;
		case 6: {	/* a membership */
			struct packet_mreq m = {
				.mr_ifindex = (int)(take(&in, 1) % 3),
				.mr_type = (unsigned short)(take(&in, 1) % 5),
				.mr_alen = 6,
				.mr_address = { 1, 0, 0x5e, 0, 0, 1 },
			};

			if (s)
				r = tpsim_setsockopt(s, SOL_PACKET,
						     op & 0x80
							     ? PACKET_DROP_MEMBERSHIP
							     : PACKET_ADD_MEMBERSHIP,
						     &m, sizeof(m));
			break;
		}
		default:	/* recv, poll, or the socket goes */
			if (!s)
				break;
			if (op & 0x80) {
				r = tpsim_recv(s, b, sizeof(b), MSG_DONTWAIT);
				check_ret(r);
				r = tpsim_poll(s, POLLIN, 0);
			} else if (op & 0x40) {
				if (f[i].ring)
					check_ret(tpsim_munmap(s, f[i].ring,
							       f[i].len));
				tpsim_close(s);
				f[i].s = NULL;
			}
			break;
		}
		check_ret(r);
	}
	for (int i = 0; i < NSOCK; i++) {
		if (!f[i].s)
			continue;
		if (f[i].ring)
			check_ret(tpsim_munmap(f[i].s, f[i].ring, f[i].len));
		tpsim_close(f[i].s);
	}
	tpsim_net_destroy(n);
	return 0;
}
