// SPDX-License-Identifier: MIT
/*
 * Description: the producer on V1/V2 rings (rules R1-R12, M2, O7): frame
 * addresses, offsets, truncation, COPY, LOSING, VLAN, checksum and
 * timestamp bits, sockaddr_ll, statistics, wrap-around.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/net_tstamp.h>
#include <net/if_arp.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "t_helpers.h"

struct rx_env {
	struct tpsim_sock *s;
	struct tpsim_ring_view v;
	char *m;
	size_t len;
};

static void env_open(struct rx_env *e, int type, int version,
		     unsigned int reserve, unsigned int bsize, unsigned int bnr,
		     unsigned int fsize)
{
	e->s = t_sock(type, version, reserve);
	ck_assert_int_eq(t_ring(e->s, bsize, bnr, fsize,
				bnr * (bsize / fsize)),
			 0);
	ck_assert_int_eq(tpsim_ring_view_get(e->s, &e->v), 0);
	e->m = t_map(e->s, &e->len);
}

static void env_close(struct rx_env *e)
{
	ck_assert_int_eq(tpsim_munmap(e->s, e->m, e->len), 0);
	tpsim_close(e->s);
}

static struct tpacket2_hdr *h2(struct rx_env *e, uint32_t i)
{
	return tpsim_frame(e->m, &e->v, i);
}

static struct tpacket_hdr *h1(struct rx_env *e, uint32_t i)
{
	return tpsim_frame(e->m, &e->v, i);
}

static struct sockaddr_ll *sll(struct rx_env *e, uint32_t i)
{
	return (struct sockaddr_ll *)((char *)tpsim_frame(e->m, &e->v, i) + 32);
}

START_TEST(r3_offsets)
{
	static const struct {
		int type;
		unsigned int reserve, mac, net, len;
	} c[] = {
		{ SOCK_RAW, 0, 66, 80, 100 },	{ SOCK_RAW, 20, 86, 100, 100 },
		{ SOCK_RAW, 3, 69, 83, 100 },	{ SOCK_DGRAM, 0, 80, 80, 86 },
		{ SOCK_DGRAM, 20, 100, 100, 86 },
	};
	uint8_t pkt[100];

	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	for (int v = TPACKET_V1; v <= TPACKET_V2; v++) {
		for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
			struct rx_env e;
			unsigned int mac, net, len, snap;
			const uint8_t *want;

			env_open(&e, c[i].type, v, c[i].reserve, 4096, 1, 2048);
			ck_assert_int_eq(t_deliver(e.s, pkt, sizeof(pkt)),
					 TPSIM_RX_DELIVERED);
			if (v == TPACKET_V1) {
				mac = h1(&e, 0)->tp_mac;
				net = h1(&e, 0)->tp_net;
				len = h1(&e, 0)->tp_len;
				snap = h1(&e, 0)->tp_snaplen;
			} else {
				mac = h2(&e, 0)->tp_mac;
				net = h2(&e, 0)->tp_net;
				len = h2(&e, 0)->tp_len;
				snap = h2(&e, 0)->tp_snaplen;
			}
			ck_assert_uint_eq(mac, c[i].mac);
			ck_assert_uint_eq(net, c[i].net);
			ck_assert_uint_eq(len, c[i].len);
			ck_assert_uint_eq(snap, c[i].len);
			want = c[i].type == SOCK_RAW ? pkt : pkt + ETH_HLEN;
			ck_assert_mem_eq(e.m + mac, want, c[i].len);
			env_close(&e);
		}
	}
}
END_TEST

START_TEST(r4_truncation)
{
	struct rx_env e;
	uint8_t pkt[1000];

	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	env_open(&e, SOCK_RAW, TPACKET_V2, 0, 4096, 1, 256);
	ck_assert_int_eq(t_deliver(e.s, pkt, sizeof(pkt)), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h2(&e, 0)->tp_len, 1000);
	ck_assert_uint_eq(h2(&e, 0)->tp_snaplen, 190);
	ck_assert_mem_eq(e.m + 66, pkt, 190);
	/* the next frame starts right after: nothing written past 256 */
	ck_assert_uint_eq(h2(&e, 1)->tp_status, 0);
	ck_assert_uint_eq(h2(&e, 1)->tp_len, 0);
	env_close(&e);
}
END_TEST

START_TEST(r4_mac_beyond_frame)
{
	struct rx_env e;
	uint8_t pkt[100];

	/* frame 64: tp_mac 66 lies outside, snaplen 0, header still written */
	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	env_open(&e, SOCK_RAW, TPACKET_V2, 0, 4096, 1, 64);
	ck_assert_int_eq(t_deliver(e.s, pkt, sizeof(pkt)), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h2(&e, 0)->tp_snaplen, 0);
	ck_assert_uint_eq(h2(&e, 0)->tp_mac, 66);
	ck_assert_uint_eq(h2(&e, 0)->tp_len, 100);
	ck_assert_uint_eq(h2(&e, 1)->tp_status, 0);
	env_close(&e);
}
END_TEST

START_TEST(r3_netoff_over_ushrt_dropped)
{
	struct rx_env e;
	uint8_t pkt[60];
	unsigned int p, d;

	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	/* reserve 65536: tp_net 65616 does not fit tp_net's 16 bits */
	env_open(&e, SOCK_RAW, TPACKET_V2, 65536, 69632, 1, 65600);
	ck_assert_int_eq(t_deliver(e.s, pkt, sizeof(pkt)), TPSIM_RX_DROPPED);
	ck_assert_uint_eq(h2(&e, 0)->tp_status, 0);
	t_stats(e.s, &p, &d);
	ck_assert_uint_eq(p, 1);
	ck_assert_uint_eq(d, 1);
	env_close(&e);
}
END_TEST

START_TEST(r5_copy)
{
	struct rx_env e;
	uint8_t pkt[1000], buf[2000];

	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	env_open(&e, SOCK_RAW, TPACKET_V2, 0, 4096, 1, 256);
	ck_assert_int_eq(t_deliver(e.s, pkt, sizeof(pkt)), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h2(&e, 0)->tp_status, TP_STATUS_USER);
	ck_assert_int_eq(tpsim_recv(e.s, buf, sizeof(buf), MSG_DONTWAIT),
			 -EAGAIN);
	ck_assert_int_eq(t_setint(e.s, PACKET_COPY_THRESH, 1), 0);
	ck_assert_int_eq(t_deliver(e.s, pkt, sizeof(pkt)), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h2(&e, 1)->tp_status,
			  TP_STATUS_USER | TP_STATUS_COPY);
	ck_assert_int_eq(tpsim_recv(e.s, buf, 10, MSG_DONTWAIT | MSG_TRUNC |
							   MSG_PEEK),
			 1000);
	ck_assert_int_eq(tpsim_recv(e.s, buf, sizeof(buf), MSG_DONTWAIT),
			 1000);
	ck_assert_mem_eq(buf, pkt, 1000);
	/* a packet that fits is not copied */
	h2(&e, 0)->tp_status = 0;
	ck_assert_int_eq(t_deliver(e.s, pkt, 100), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h2(&e, 2)->tp_status, TP_STATUS_USER);
	env_close(&e);
}
END_TEST

START_TEST(r5_copy_bounded_by_rcvbuf)
{
	struct rx_env e;
	uint8_t pkt[300];
	int v = 1024;	/* doubled to 2048, floored at 2304 */
	int copied = 0;

	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	env_open(&e, SOCK_RAW, TPACKET_V2, 0, 4096, 4, 256);
	ck_assert_int_eq(tpsim_setsockopt(e.s, SOL_SOCKET, SO_RCVBUF, &v,
					  sizeof(v)),
			 0);
	ck_assert_int_eq(t_setint(e.s, PACKET_COPY_THRESH, 1), 0);
	for (uint32_t i = 0; i < 8; i++) {
		ck_assert_int_eq(t_deliver(e.s, pkt, sizeof(pkt)),
				 TPSIM_RX_DELIVERED);
		copied += !!(h2(&e, i)->tp_status & TP_STATUS_COPY);
	}
	/* 1280 bytes charged per copy (a TAP's truesize of 300 bytes): 0
	 * and 1280 are below 2304, 2560 not */
	ck_assert_int_eq(copied, 2);
	env_close(&e);
}
END_TEST

START_TEST(r1_head_only_exact_kernel)
{
	struct rx_env e;
	uint8_t pkt[60];

	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	env_open(&e, SOCK_RAW, TPACKET_V2, 0, 4096, 1, 1024);
	/* a status no kernel writes still means "user owns it" */
	h2(&e, 0)->tp_status = 0x80;
	ck_assert_int_eq(t_deliver(e.s, pkt, sizeof(pkt)), TPSIM_RX_DROPPED);
	/* frames 1..3 are free, but the kernel never looks ahead */
	ck_assert_uint_eq(h2(&e, 1)->tp_status, 0);
	h2(&e, 0)->tp_status = 0;
	ck_assert_int_eq(t_deliver(e.s, pkt, sizeof(pkt)), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h2(&e, 0)->tp_status,
			  TP_STATUS_USER | TP_STATUS_LOSING);
	env_close(&e);
}
END_TEST

START_TEST(r1_v1_status_low_half)
{
	struct rx_env e;
	uint8_t pkt[60];

	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	env_open(&e, SOCK_RAW, TPACKET_V1, 0, 4096, 1, 1024);
	/* V1's status is an unsigned long read as an int: the high half
	 * alone reads as KERNEL, so the frame is taken */
	h1(&e, 0)->tp_status = 1UL << 32;
	ck_assert_int_eq(t_deliver(e.s, pkt, sizeof(pkt)), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h1(&e, 0)->tp_status, TP_STATUS_USER);
	env_close(&e);
}
END_TEST

START_TEST(r6_losing_until_stats)
{
	struct rx_env e;
	uint8_t pkt[60];
	unsigned int p, d;

	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	env_open(&e, SOCK_RAW, TPACKET_V2, 0, 4096, 1, 2048);
	ck_assert_int_eq(t_deliver(e.s, pkt, 60), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(t_deliver(e.s, pkt, 60), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(t_deliver(e.s, pkt, 60), TPSIM_RX_DROPPED);
	tpsim_frame_release(h2(&e, 0), TPACKET_V2);
	ck_assert_int_eq(t_deliver(e.s, pkt, 60), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h2(&e, 0)->tp_status,
			  TP_STATUS_USER | TP_STATUS_LOSING);
	t_stats(e.s, &p, &d);
	ck_assert_uint_eq(p, 4);
	ck_assert_uint_eq(d, 1);
	tpsim_frame_release(h2(&e, 1), TPACKET_V2);
	ck_assert_int_eq(t_deliver(e.s, pkt, 60), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h2(&e, 1)->tp_status, TP_STATUS_USER);
	env_close(&e);
}
END_TEST

START_TEST(r7_checksum_flags)
{
	struct rx_env e;
	uint8_t pkt[60];
	struct tpsim_packet p = { .sz = sizeof(p), .data = pkt, .len = 60 };

	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	env_open(&e, SOCK_RAW, TPACKET_V2, 0, 4096, 1, 1024);
	p.flags = TPSIM_PKT_CSUM_PARTIAL;
	ck_assert_int_eq(tpsim_deliver(e.s, &p), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h2(&e, 0)->tp_status,
			  TP_STATUS_USER | TP_STATUS_CSUMNOTREADY);
	p.flags = TPSIM_PKT_CSUM_VALID;
	ck_assert_int_eq(tpsim_deliver(e.s, &p), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h2(&e, 1)->tp_status,
			  TP_STATUS_USER | TP_STATUS_CSUM_VALID);
	/* outgoing packets never claim a verified checksum */
	p.flags = TPSIM_PKT_CSUM_VALID | TPSIM_PKT_PKTTYPE;
	p.pkttype = PACKET_OUTGOING;
	ck_assert_int_eq(tpsim_deliver(e.s, &p), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h2(&e, 2)->tp_status, TP_STATUS_USER);
	ck_assert_uint_eq(sll(&e, 2)->sll_pkttype, PACKET_OUTGOING);
	/* unless outgoing packets are ignored altogether */
	ck_assert_int_eq(t_setint(e.s, PACKET_IGNORE_OUTGOING, 1), 0);
	ck_assert_int_eq(tpsim_deliver(e.s, &p), TPSIM_RX_IGNORED);
	env_close(&e);
}
END_TEST

START_TEST(r8_vlan_untag)
{
	uint8_t pkt[104];
	static const uint8_t tag[4] = { 0x81, 0x00, 0x20, 0x05 };
	struct rx_env e;

	t_eth(pkt, sizeof(pkt), t_bcast, 0x8100);
	memcpy(pkt + 12, tag, 4);
	pkt[16] = 0x08;
	pkt[17] = 0x00;
	env_open(&e, SOCK_RAW, TPACKET_V2, 0, 4096, 1, 1024);
	ck_assert_int_eq(t_deliver(e.s, pkt, sizeof(pkt)), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h2(&e, 0)->tp_status, 0x51);
	ck_assert_uint_eq(h2(&e, 0)->tp_vlan_tci, 0x2005);
	ck_assert_uint_eq(h2(&e, 0)->tp_vlan_tpid, 0x8100);
	ck_assert_uint_eq(h2(&e, 0)->tp_len, 100);
	ck_assert_uint_eq(sll(&e, 0)->sll_protocol, htons(0x0800));
	/* the tag is gone from the data: inner ethertype at tp_mac + 12 */
	ck_assert_uint_eq((uint8_t)e.m[66 + 12], 0x08);
	ck_assert_mem_eq(e.m + 66 + 14, pkt + 18, 86);
	env_close(&e);

	env_open(&e, SOCK_DGRAM, TPACKET_V2, 0, 4096, 1, 1024);
	ck_assert_int_eq(t_deliver(e.s, pkt, sizeof(pkt)), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h2(&e, 0)->tp_len, 86);
	ck_assert_uint_eq(h2(&e, 0)->tp_status, 0x51);
	env_close(&e);

	/* V1 has no VLAN fields: no VLAN bits, data untagged all the same */
	env_open(&e, SOCK_RAW, TPACKET_V1, 0, 4096, 1, 1024);
	ck_assert_int_eq(t_deliver(e.s, pkt, sizeof(pkt)), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h1(&e, 0)->tp_status, TP_STATUS_USER);
	ck_assert_uint_eq(h1(&e, 0)->tp_len, 100);
	env_close(&e);
}
END_TEST

START_TEST(r8_vlan_qinq_and_short)
{
	uint8_t pkt[64];
	struct rx_env e;

	t_eth(pkt, sizeof(pkt), t_bcast, 0x88a8);
	pkt[14] = 0x00; pkt[15] = 0x64;		/* VID 100 */
	pkt[16] = 0x81; pkt[17] = 0x00;		/* inner 802.1Q stays */
	env_open(&e, SOCK_RAW, TPACKET_V2, 0, 4096, 1, 1024);
	ck_assert_int_eq(t_deliver(e.s, pkt, sizeof(pkt)), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h2(&e, 0)->tp_vlan_tpid, 0x88a8);
	ck_assert_uint_eq(h2(&e, 0)->tp_vlan_tci, 100);
	ck_assert_uint_eq(h2(&e, 0)->tp_len, 60);
	ck_assert_uint_eq(sll(&e, 0)->sll_protocol, htons(0x8100));
	/* a tag header cut short never reaches the socket */
	ck_assert_int_eq(t_deliver(e.s, pkt, 17), TPSIM_RX_IGNORED);
	env_close(&e);
}
END_TEST

START_TEST(r8_vlan_accelerated)
{
	uint8_t pkt[60];
	struct rx_env e;
	struct tpsim_packet p = { .sz = sizeof(p), .data = pkt, .len = 60,
				  .flags = TPSIM_PKT_VLAN, .vlan_tci = 7,
				  .vlan_tpid = 0x8100 };

	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	env_open(&e, SOCK_RAW, TPACKET_V2, 0, 4096, 1, 1024);
	ck_assert_int_eq(tpsim_deliver(e.s, &p), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h2(&e, 0)->tp_status, 0x51);
	ck_assert_uint_eq(h2(&e, 0)->tp_vlan_tci, 7);
	ck_assert_uint_eq(h2(&e, 0)->tp_len, 60);
	ck_assert_mem_eq(h2(&e, 0)->tp_padding, "\0\0\0\0", 4);
	env_close(&e);
}
END_TEST

START_TEST(r9_timestamps)
{
	uint8_t pkt[60];
	struct rx_env e;
	struct timespec now = { 1700000000, 123456789 };
	struct tpsim_packet p = { .sz = sizeof(p), .data = pkt, .len = 60 };

	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	env_open(&e, SOCK_RAW, TPACKET_V2, 0, 4096, 1, 512);
	ck_assert_int_eq(tpsim_clock_set(e.s, &now), 0);
	ck_assert_int_eq(tpsim_deliver(e.s, &p), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h2(&e, 0)->tp_status, TP_STATUS_USER);
	ck_assert_uint_eq(h2(&e, 0)->tp_sec, 1700000000);
	ck_assert_uint_eq(h2(&e, 0)->tp_nsec, 123456789);

	p.flags = TPSIM_PKT_SW_TS | TPSIM_PKT_HW_TS;
	p.sw_ts = (struct timespec){ 5, 6 };
	p.hw_ts = (struct timespec){ 7, 8 };
	ck_assert_int_eq(tpsim_deliver(e.s, &p), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h2(&e, 1)->tp_status,
			  TP_STATUS_USER | TP_STATUS_TS_SOFTWARE);
	ck_assert_uint_eq(h2(&e, 1)->tp_sec, 5);
	ck_assert_uint_eq(h2(&e, 1)->tp_nsec, 6);

	ck_assert_int_eq(t_setint(e.s, PACKET_TIMESTAMP,
				  SOF_TIMESTAMPING_RAW_HARDWARE),
			 0);
	ck_assert_int_eq(tpsim_deliver(e.s, &p), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h2(&e, 2)->tp_status,
			  TP_STATUS_USER | TP_STATUS_TS_RAW_HARDWARE);
	ck_assert_uint_eq(h2(&e, 2)->tp_sec, 7);
	ck_assert_uint_eq(h2(&e, 2)->tp_nsec, 8);
	env_close(&e);

	/* V1: microseconds; bit 31 sign-extends into the unsigned long */
	env_open(&e, SOCK_RAW, TPACKET_V1, 0, 4096, 1, 512);
	ck_assert_int_eq(t_setint(e.s, PACKET_TIMESTAMP,
				  SOF_TIMESTAMPING_RAW_HARDWARE),
			 0);
	p.hw_ts = (struct timespec){ 9, 123456789 };
	ck_assert_int_eq(tpsim_deliver(e.s, &p), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h1(&e, 0)->tp_status, 0xffffffff80000001UL);
	ck_assert_uint_eq(h1(&e, 0)->tp_usec, 123456);
	env_close(&e);
}
END_TEST

START_TEST(r10_sockaddr_ll)
{
	static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	static const uint8_t other[6] = { 0x02, 0, 0, 0, 0, 0x09 };
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	const uint8_t *dst[4] = { t_self, t_bcast, mcast, other };
	uint8_t pkt[60];
	struct rx_env e;

	env_open(&e, SOCK_DGRAM, TPACKET_V2, 0, 4096, 1, 512);
	for (int i = 0; i < 4; i++) {
		struct sockaddr_ll *a = sll(&e, (uint32_t)i);

		t_eth(pkt, sizeof(pkt), dst[i], 0x86dd);
		ck_assert_int_eq(t_deliver(e.s, pkt, 60), TPSIM_RX_DELIVERED);
		ck_assert_uint_eq(a->sll_family, AF_PACKET);
		ck_assert_uint_eq(a->sll_protocol, htons(0x86dd));
		ck_assert_int_eq(a->sll_ifindex, 1);
		ck_assert_uint_eq(a->sll_hatype, ARPHRD_ETHER);
		ck_assert_uint_eq(a->sll_pkttype, (unsigned int)i);
		ck_assert_uint_eq(a->sll_halen, 6);
		ck_assert_mem_eq(a->sll_addr, src, 6);
		/* the two bytes after the address are not written */
		ck_assert_mem_eq(a->sll_addr + 6, "\0\0", 2);
	}
	env_close(&e);
}
END_TEST

START_TEST(r10_length_field_protocols)
{
	uint8_t pkt[60];
	struct rx_env e;

	env_open(&e, SOCK_RAW, TPACKET_V2, 0, 4096, 1, 512);
	t_eth(pkt, sizeof(pkt), t_bcast, 46);	/* 802.3 length field */
	pkt[14] = 0xaa;
	ck_assert_int_eq(t_deliver(e.s, pkt, 60), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(sll(&e, 0)->sll_protocol, htons(ETH_P_802_2));
	pkt[14] = 0xff;
	pkt[15] = 0xff;
	ck_assert_int_eq(t_deliver(e.s, pkt, 60), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(sll(&e, 1)->sll_protocol, htons(ETH_P_802_3));
	env_close(&e);
}
END_TEST

START_TEST(m2_frame_addresses_with_gap)
{
	uint8_t pkt[60];
	struct rx_env e;

	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	/* 1360-byte frames: 3 per 4096-byte block, a 16-byte gap each */
	env_open(&e, SOCK_RAW, TPACKET_V2, 0, 4096, 2, 1360);
	ck_assert_uint_eq(e.v.frame_nr, 6);
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(t_deliver(e.s, pkt, 60), TPSIM_RX_DELIVERED);
	static const size_t off[6] = { 0, 1360, 2720, 4096, 5456, 6816 };
	for (int i = 0; i < 6; i++) {
		struct tpacket2_hdr *h = (struct tpacket2_hdr *)(e.m + off[i]);

		ck_assert_ptr_eq(h, h2(&e, (uint32_t)i));
		ck_assert_uint_eq(h->tp_status, TP_STATUS_USER);
	}
	/* the gap stays untouched */
	for (size_t i = 4080; i < 4096; i++)
		ck_assert_int_eq(e.m[i], 0);
	env_close(&e);
}
END_TEST

START_TEST(r1_wraparound_order)
{
	uint8_t pkt[60];
	struct rx_env e;

	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	env_open(&e, SOCK_RAW, TPACKET_V2, 0, 4096, 1, 1024);
	for (int n = 0; n < 10; n++) {
		uint32_t slot = (uint32_t)n % 4;

		pkt[20] = (uint8_t)n;
		ck_assert_int_eq(t_deliver(e.s, pkt, 60), TPSIM_RX_DELIVERED);
		ck_assert_uint_eq(h2(&e, slot)->tp_status, TP_STATUS_USER);
		ck_assert_uint_eq((uint8_t)e.m[slot * 1024 + 66 + 20],
				  (unsigned int)n);
		tpsim_frame_release(h2(&e, slot), TPACKET_V2);
	}
	env_close(&e);
}
END_TEST

START_TEST(o7_statistics_count_drops)
{
	uint8_t pkt[60];
	struct rx_env e;
	unsigned int p, d;

	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	env_open(&e, SOCK_RAW, TPACKET_V2, 0, 4096, 1, 1024);
	for (int i = 0; i < 6; i++)
		t_deliver(e.s, pkt, 60);
	t_stats(e.s, &p, &d);
	ck_assert_uint_eq(p, 6);
	ck_assert_uint_eq(d, 2);
	t_stats(e.s, &p, &d);
	ck_assert_uint_eq(p, 0);
	ck_assert_uint_eq(d, 0);
	env_close(&e);
}
END_TEST

START_TEST(protocol_binding)
{
	struct tpsim_create_opts o = { .sz = sizeof(o),
				       .protocol = htons(ETH_P_IP) };
	uint8_t ip[60], arp[60];
	struct tpsim_sock *s;

	t_eth(ip, sizeof(ip), t_bcast, ETH_P_IP);
	t_eth(arp, sizeof(arp), t_bcast, ETH_P_ARP);
	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	ck_assert_int_eq(t_deliver(s, arp, 60), TPSIM_RX_IGNORED);
	ck_assert_int_eq(t_deliver(s, ip, 60), TPSIM_RX_DELIVERED);
	tpsim_close(s);
	o.protocol = TPSIM_PROTO_NONE;
	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	ck_assert_int_eq(t_deliver(s, ip, 60), TPSIM_RX_IGNORED);
	tpsim_close(s);
}
END_TEST

START_TEST(no_ring_receive_queue)
{
	struct tpsim_sock *s = t_sock(SOCK_DGRAM, TPACKET_V2, 0);
	uint8_t pkt[100], buf[100];
	unsigned int p, d;

	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	ck_assert_int_eq(t_deliver(s, pkt, 100), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(tpsim_poll(s, POLLIN, 0), POLLIN);
	ck_assert_int_eq(tpsim_recv(s, buf, sizeof(buf), 0), 86);
	ck_assert_mem_eq(buf, pkt + 14, 86);
	ck_assert_int_eq(tpsim_recv(s, buf, 0, MSG_DONTWAIT), -EAGAIN);
	t_stats(s, &p, &d);
	ck_assert_uint_eq(p, 1);
	ck_assert_uint_eq(d, 0);
	tpsim_close(s);
}
END_TEST

START_TEST(arphrd_none_link)
{
	struct tpsim_create_opts o = { .sz = sizeof(o), .hatype = ARPHRD_NONE };
	uint8_t ip[40] = { 0x45 };
	struct tpsim_ring_view v;
	struct tpsim_sock *s;
	size_t len;
	char *m;

	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	ck_assert_int_eq(tpsim_ring_view_get(s, &v), 0);
	m = t_map(s, &len);
	ck_assert_int_eq(t_deliver(s, ip, sizeof(ip)), TPSIM_RX_DELIVERED);
	/* no link header: tp_mac == tp_net even on SOCK_RAW */
	ck_assert_uint_eq(((struct tpacket2_hdr *)m)->tp_mac, 80);
	ck_assert_uint_eq(((struct tpacket2_hdr *)m)->tp_net, 80);
	ck_assert_uint_eq(((struct sockaddr_ll *)(m + 32))->sll_halen, 0);
	ck_assert_uint_eq(((struct sockaddr_ll *)(m + 32))->sll_protocol,
			  htons(ETH_P_IP));
	ck_assert_int_eq(tpsim_munmap(s, m, len), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(deliver_bad_input)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	uint8_t pkt[13] = { 0 };
	struct tpsim_packet p = { .sz = 4, .data = pkt, .len = 13 };

	ck_assert_int_eq(t_deliver(s, pkt, 13), -EINVAL);
	ck_assert_int_eq(t_deliver(s, NULL, 20), -EINVAL);
	ck_assert_int_eq(tpsim_deliver(s, &p), -EINVAL);
	ck_assert_int_eq(tpsim_deliver(s, NULL), -EINVAL);
	tpsim_close(s);
}
END_TEST

/* eth_type_trans() compares the device's own address before it looks at
 * the group bit: a device given a group address (tpsim_create takes it)
 * gets frames sent to it as PACKET_HOST, other group frames as
 * MULTICAST. */
START_TEST(pkttype_own_address_before_group_bit)
{
	struct tpsim_create_opts o = { .sz = sizeof(o),
				       .addr = { 0x01, 0, 0x5e, 0, 0, 7 } };
	static const uint8_t other[6] = { 0x01, 0, 0x5e, 0, 0, 8 };
	struct tpsim_sock *s;
	uint8_t pkt[60];
	size_t len;
	char *m;

	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	m = t_map(s, &len);
	t_eth(pkt, sizeof(pkt), o.addr, 0x0800);
	ck_assert_int_eq(t_deliver(s, pkt, 60), TPSIM_RX_DELIVERED);
	t_eth(pkt, sizeof(pkt), other, 0x0800);
	ck_assert_int_eq(t_deliver(s, pkt, 60), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(((struct sockaddr_ll *)(m + 32))->sll_pkttype,
			  PACKET_HOST);
	ck_assert_uint_eq(((struct sockaddr_ll *)(m + 2048 + 32))->sll_pkttype,
			  PACKET_MULTICAST);
	tpsim_munmap(s, m, len);
	tpsim_close(s);
}
END_TEST

Suite *suite_rx(void)
{
	Suite *s = suite_create("rx");
	TCase *tc = tcase_create("tpacket_rcv");

	tcase_add_test(tc, arphrd_none_link);
	tcase_add_test(tc, deliver_bad_input);
	tcase_add_test(tc, m2_frame_addresses_with_gap);
	tcase_add_test(tc, no_ring_receive_queue);
	tcase_add_test(tc, pkttype_own_address_before_group_bit);
	tcase_add_test(tc, o7_statistics_count_drops);
	tcase_add_test(tc, protocol_binding);
	tcase_add_test(tc, r1_head_only_exact_kernel);
	tcase_add_test(tc, r1_v1_status_low_half);
	tcase_add_test(tc, r1_wraparound_order);
	tcase_add_test(tc, r3_netoff_over_ushrt_dropped);
	tcase_add_test(tc, r3_offsets);
	tcase_add_test(tc, r4_mac_beyond_frame);
	tcase_add_test(tc, r4_truncation);
	tcase_add_test(tc, r5_copy);
	tcase_add_test(tc, r5_copy_bounded_by_rcvbuf);
	tcase_add_test(tc, r6_losing_until_stats);
	tcase_add_test(tc, r7_checksum_flags);
	tcase_add_test(tc, r8_vlan_accelerated);
	tcase_add_test(tc, r8_vlan_qinq_and_short);
	tcase_add_test(tc, r8_vlan_untag);
	tcase_add_test(tc, r9_timestamps);
	tcase_add_test(tc, r10_length_field_protocols);
	tcase_add_test(tc, r10_sockaddr_ll);
	suite_add_tcase(s, tc);
	return s;
}
