// SPDX-License-Identifier: MIT
/*
 * PACKET_FANOUT_FLAG_DEFRAG (N21): what ip_check_defrag lets through as
 * it is, how fragments make a datagram (order, duplicates, overlaps,
 * ends, ECN, DF), the bound on waiting datagrams, and the headers of the
 * datagram a member gets. The reassembly's answers are Linux 6.18's
 * (conformance case dev.fanout_defrag).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <net/if_arp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "t_helpers.h"

static uint8_t frame[70000];

/* An IPv4/UDP fragment (Ethernet when eth) of datagram id: payload
 * [off, off + n), byte i = i * 7 + id; frag_off flags (0x2000 MF,
 * 0x4000 DF); returns its length. */
static uint32_t frag(uint8_t *b, bool eth, uint16_t id, uint32_t off,
		     uint32_t n, uint16_t flags, uint8_t tos)
{
	uint8_t *ip = eth ? b + 14 : b;
	uint32_t tot = 20 + n;
	uint16_t fo = (uint16_t)(off / 8 | flags);

	if (eth)
		t_eth(b, 14, t_dev_addr, ETH_P_IP);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[1] = tos;
	ip[2] = (uint8_t)(tot >> 8), ip[3] = (uint8_t)tot;
	ip[4] = (uint8_t)(id >> 8), ip[5] = (uint8_t)id;
	ip[6] = (uint8_t)(fo >> 8), ip[7] = (uint8_t)fo;
	ip[8] = 64, ip[9] = 17;
	ip[12] = 10, ip[15] = 1;
	ip[16] = 10, ip[19] = 2;
	for (uint32_t i = 0; i < n; i++)
		ip[20 + i] = (uint8_t)((off + i) * 7 + id);
	return (uint32_t)(ip - b) + tot;
}

/* How many members the frame was handed to (0 or 1). */
static int rx(struct tpsim_dev *d, uint32_t len, uint32_t flags)
{
	struct tpsim_packet p = { .sz = sizeof(p), .data = frame,
				  .len = len, .flags = flags,
				  .pkttype = PACKET_OUTGOING };

	return tpsim_dev_deliver(d, &p, 0, 0, NULL, 0);
}

static int f(struct tpsim_dev *d, uint16_t id, uint32_t off, uint32_t n,
	     uint16_t flags)
{
	return rx(d, frag(frame, true, id, off, n, flags, 0), 0);
}

/* The member's next packet: a whole datagram id of n payload bytes, its
 * IP header's byte 1 (tos) and frag_off as given. */
static void whole(struct tpsim_sock *m, uint16_t id, uint32_t n, uint8_t tos,
		  uint16_t frag_off)
{
	static uint8_t got[70000];
	ssize_t len = tpsim_recv(m, got, sizeof(got), MSG_DONTWAIT);
	uint32_t sum = 0;

	ck_assert_int_eq(len, 14 + 20 + n);
	ck_assert_uint_eq(got[15], tos);
	ck_assert_uint_eq((uint32_t)(got[16] << 8 | got[17]), 20 + n);
	ck_assert_uint_eq((uint32_t)(got[18] << 8 | got[19]), id);
	ck_assert_uint_eq((uint32_t)(got[20] << 8 | got[21]), frag_off);
	for (int i = 14; i < 34; i += 2)
		sum += (uint32_t)(got[i] << 8 | got[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ck_assert_uint_eq(sum, 0xffff);
	for (uint32_t i = 0; i < n; i++)
		ck_assert_uint_eq(got[34 + i], (uint8_t)(i * 7 + id));
}

static struct tpsim_sock *member(struct t_env *e, uint16_t proto, int ifindex)
{
	struct tpsim_sock *m = t_sock_in(e, proto);

	ck_assert_int_eq(t_bind_to(m, ifindex, proto), 0);
	ck_assert_int_eq(t_join(m, 1, PACKET_FANOUT_LB |
					      PACKET_FANOUT_FLAG_DEFRAG,
				0, 4),
			 0);
	return m;
}

START_TEST(defrag_passes_as_is)
{
	struct t_env e;
	struct tpsim_sock *m;
	uint32_t len;

	t_env_open(&e, TPSIM_DEV_TAP);
	m = member(&e, ETH_P_ALL, 1);
	t_eth(frame, 64, t_dev_addr, ETH_P_ARP);
	ck_assert_int_eq(rx(e.d, 64, 0), 1);
	len = frag(frame, true, 1, 0, 16, 0x2000, 0);
	ck_assert_int_eq(rx(e.d, 14 + 19, 0), 1);	/* no whole header */
	frame[14] = 0x44;				/* ihl 4 */
	ck_assert_int_eq(rx(e.d, len, 0), 1);
	frame[14] = 0x65;				/* version 6 */
	ck_assert_int_eq(rx(e.d, len, 0), 1);
	frame[14] = 0x45;
	ck_assert_int_eq(rx(e.d, len - 1, 0), 1);	/* shorter than tot */
	frame[16] = 0, frame[17] = 19;			/* tot < ihl */
	ck_assert_int_eq(rx(e.d, len, 0), 1);
	len = frag(frame, true, 1, 0, 16, 0x4000, 0);	/* DF only */
	ck_assert_int_eq(rx(e.d, len, 0), 1);
	ck_assert_uint_eq(t_packets(m), 7);
	tpsim_close(m);
	tpsim_net_destroy(e.n);
}
END_TEST

START_TEST(defrag_ends_and_overlaps)
{
	struct t_env e;
	struct tpsim_sock *m, *plain;

	t_env_open(&e, TPSIM_DEV_TAP);
	m = member(&e, ETH_P_IP, 1);
	plain = t_sock_in(&e, ETH_P_IP);
	/* an MF fragment's end rounds down to 8: 13 bytes keep 8 */
	ck_assert_int_eq(f(e.d, 1, 0, 13, 0x2000), 1);	/* plain only */
	ck_assert_int_eq(f(e.d, 1, 8, 8, 0), 2);
	whole(m, 1, 16, 0, 0);
	/* a last fragment ending before data already queued: the queue
	 * goes; then a fragment alone waits */
	ck_assert_int_eq(f(e.d, 2, 16, 16, 0x2000), 1);
	ck_assert_int_eq(f(e.d, 2, 8, 8, 0), 1);
	ck_assert_int_eq(f(e.d, 2, 0, 8, 0x2000), 1);
	/* two last fragments that disagree */
	ck_assert_int_eq(f(e.d, 3, 16, 8, 0), 1);
	ck_assert_int_eq(f(e.d, 3, 16, 16, 0), 1);
	ck_assert_int_eq(f(e.d, 3, 0, 16, 0x2000), 1);
	/* an MF fragment past the last one */
	ck_assert_int_eq(f(e.d, 4, 16, 8, 0), 1);
	ck_assert_int_eq(f(e.d, 4, 24, 8, 0x2000), 1);
	ck_assert_int_eq(f(e.d, 4, 0, 24, 0x2000), 1);
	/* a fragment of no payload */
	ck_assert_int_eq(f(e.d, 5, 0, 8, 0x2000), 1);
	ck_assert_int_eq(f(e.d, 5, 8, 0, 0x2000), 1);
	ck_assert_int_eq(f(e.d, 5, 8, 8, 0), 1);
	/* past the tail: an overlap */
	ck_assert_int_eq(f(e.d, 6, 0, 16, 0x2000), 1);
	ck_assert_int_eq(f(e.d, 6, 8, 16, 0), 1);
	ck_assert_int_eq(f(e.d, 6, 16, 8, 0), 1);
	/* inside: a gap filled, a duplicate within a run, an overlap of
	 * two runs */
	ck_assert_int_eq(f(e.d, 7, 32, 8, 0), 1);
	ck_assert_int_eq(f(e.d, 7, 0, 8, 0x2000), 1);
	ck_assert_int_eq(f(e.d, 7, 8, 8, 0x2000), 1);
	ck_assert_int_eq(f(e.d, 7, 8, 8, 0x2000), 1);
	ck_assert_int_eq(f(e.d, 7, 24, 8, 0x2000), 1);
	ck_assert_int_eq(f(e.d, 7, 16, 8, 0x2000), 2);
	whole(m, 7, 40, 0, 0);
	ck_assert_int_eq(f(e.d, 8, 16, 8, 0), 1);
	ck_assert_int_eq(f(e.d, 8, 0, 8, 0x2000), 1);
	ck_assert_int_eq(f(e.d, 8, 0, 16, 0x2000), 1);	/* overlap */
	ck_assert_int_eq(f(e.d, 8, 8, 8, 0x2000), 1);	/* [0, 8) gone */
	/* past the tail with a gap, twice: three runs, then the gaps */
	ck_assert_int_eq(f(e.d, 9, 0, 8, 0x2000), 1);
	ck_assert_int_eq(f(e.d, 9, 16, 8, 0x2000), 1);
	ck_assert_int_eq(f(e.d, 9, 32, 8, 0x2000), 1);
	ck_assert_int_eq(f(e.d, 9, 40, 8, 0), 1);
	ck_assert_int_eq(f(e.d, 9, 24, 8, 0x2000), 1);
	ck_assert_int_eq(f(e.d, 9, 8, 8, 0x2000), 2);
	whole(m, 9, 48, 0, 0);
	/* a header whose checksum carries (192.168.x.x) */
	for (uint32_t off = 0; off < 16; off += 8) {
		uint32_t len = frag(frame, true, 10, off, 8,
				    off ? 0 : 0x2000, 0);

		frame[26] = 192, frame[27] = 168, frame[28] = 255;
		frame[30] = 192, frame[31] = 168, frame[22] = 255;
		ck_assert_int_eq(rx(e.d, len, 0), off ? 2 : 1);
	}
	whole(m, 10, 16, 0, 0);
	ck_assert_uint_eq(t_packets(m), 4);
	ck_assert_uint_eq(t_packets(plain), 35);
	tpsim_close(plain);
	tpsim_close(m);
	tpsim_net_destroy(e.n);	/* the waiting queues go with the net */
}
END_TEST

START_TEST(defrag_headers)
{
	struct t_env e;
	struct tpsim_sock *m;
	uint32_t off = 0;

	t_env_open(&e, TPSIM_DEV_TAP);
	m = member(&e, ETH_P_ALL, 1);
	/* ECN: CE with ECT gives CE; not-ECT with CE is no datagram */
	ck_assert_int_eq(rx(e.d, frag(frame, true, 1, 0, 8, 0x2000, 1), 0), 0);
	ck_assert_int_eq(rx(e.d, frag(frame, true, 1, 8, 8, 0, 3), 0), 1);
	whole(m, 1, 16, 3, 0);
	ck_assert_int_eq(rx(e.d, frag(frame, true, 2, 0, 8, 0x2000, 0), 0), 0);
	ck_assert_int_eq(rx(e.d, frag(frame, true, 2, 8, 8, 0, 3), 0), 0);
	/* DF on every fragment as large as the largest: DF kept */
	ck_assert_int_eq(f(e.d, 3, 0, 16, 0x6000), 0);
	ck_assert_int_eq(f(e.d, 3, 16, 16, 0x4000), 1);
	whole(m, 3, 32, 0, 0x4000);
	ck_assert_int_eq(f(e.d, 4, 0, 16, 0x6000), 0);
	ck_assert_int_eq(f(e.d, 4, 16, 8, 0), 1);
	whole(m, 4, 24, 0, 0x4000);
	/* the largest fragment without DF: frag_off 0 */
	ck_assert_int_eq(f(e.d, 5, 0, 24, 0x2000), 0);
	ck_assert_int_eq(f(e.d, 5, 24, 16, 0x4000), 1);
	whole(m, 5, 40, 0, 0);
	/* over 65535 bytes: no datagram */
	for (int i = 0; i < 7; i++, off += 8192)
		ck_assert_int_eq(f(e.d, 6, off, 8192, 0x2000), 0);
	ck_assert_int_eq(f(e.d, 6, off, 8200, 0), 0);
	ck_assert_uint_eq(t_packets(m), 4);
	tpsim_close(m);
	tpsim_net_destroy(e.n);
}
END_TEST

START_TEST(defrag_tags_and_sent)
{
	struct tpsim_dev_opts o = { .sz = sizeof(o), .ifindex = 5,
				    .hatype = ARPHRD_NONE };
	struct t_env e;
	struct tpsim_dev *tun;
	struct tpsim_sock *m, *t;
	uint8_t got[128];
	struct tpsim_packet p = { .sz = sizeof(p), .data = frame };
	uint32_t len;

	t_env_open(&e, TPSIM_DEV_TAP);
	ck_assert_int_eq(tpsim_dev_add(e.n, &o, &tun), 0);
	m = member(&e, ETH_P_ALL, 1);
	/* a tag in the first fragment's data: the datagram comes without
	 * it in the data, the tag held outside */
	len = frag(frame + 4, true, 1, 0, 8, 0x2000, 0);
	memmove(frame, frame + 4, 12);
	frame[12] = 0x81, frame[13] = 0x00, frame[14] = 0, frame[15] = 9;
	frame[16] = 0x08, frame[17] = 0x00;
	ck_assert_int_eq(rx(e.d, len + 4, 0), 0);
	ck_assert_int_eq(rx(e.d, 18, 0), 0);	/* a cut tag: freed */
	ck_assert_int_eq(f(e.d, 1, 8, 8, 0), 1);
	whole(m, 1, 16, 0, 0);
	/* a tag outside the data */
	p.len = frag(frame, true, 2, 0, 8, 0x2000, 0);
	p.flags = TPSIM_PKT_VLAN;
	p.vlan_tci = 7;
	p.vlan_tpid = ETH_P_8021Q;
	ck_assert_int_eq(tpsim_dev_deliver(e.d, &p, 0, 0, NULL, 0), 0);
	ck_assert_int_eq(f(e.d, 2, 8, 8, 0), 1);
	whole(m, 2, 16, 0, 0);
	/* sent frames: the type field names the protocol, unless the packet
	 * does */
	ck_assert_int_eq(rx(e.d, frag(frame, true, 3, 0, 8, 0x2000, 0),
			    TPSIM_PKT_PKTTYPE),
			 0);
	len = frag(frame, true, 3, 8, 8, 0, 0);
	p.len = len;
	p.flags = TPSIM_PKT_PKTTYPE | TPSIM_PKT_PROTOCOL;
	p.pkttype = PACKET_OUTGOING;
	p.protocol = htons(ETH_P_IPV6);
	ck_assert_int_eq(tpsim_dev_deliver(e.d, &p, 0, 0, NULL, 0), 1);
	p.protocol = htons(ETH_P_IP);
	ck_assert_int_eq(tpsim_dev_deliver(e.d, &p, 0, 0, NULL, 0), 1);
	ck_assert_int_eq(tpsim_recv(m, got, sizeof(got), MSG_DONTWAIT), 42);
	ck_assert_int_eq(tpsim_recv(m, got, sizeof(got), MSG_DONTWAIT), 50);
	/* no link header: the version nibble, or the packet's protocol */
	tpsim_close(m);
	t = member(&e, ETH_P_ALL, 5);
	ck_assert_int_eq(rx(tun, frag(frame, false, 4, 0, 8, 0x2000, 0), 0),
			 0);
	p.len = frag(frame, false, 4, 8, 8, 0, 0);
	p.flags = TPSIM_PKT_PROTOCOL;
	p.protocol = htons(ETH_P_IP);
	ck_assert_int_eq(tpsim_dev_deliver(tun, &p, 0, 0, NULL, 0), 1);
	ck_assert_int_eq(tpsim_recv(t, got, sizeof(got), MSG_DONTWAIT), 36);
	frame[0] = 0x65;
	ck_assert_int_eq(rx(tun, 36, 0), 1);
	tpsim_close(t);
	tpsim_net_destroy(e.n);
}
END_TEST

START_TEST(defrag_bound)
{
	struct t_env e;
	struct tpsim_sock *m;

	t_env_open(&e, TPSIM_DEV_TAP);
	m = member(&e, ETH_P_IP, 1);
	for (uint16_t id = 1; id <= 64; id++)
		ck_assert_int_eq(f(e.d, id, 0, 8, 0x2000), 0);
	/* a 65th datagram drops the oldest waiting one (1) */
	ck_assert_int_eq(f(e.d, 65, 0, 8, 0x2000), 0);
	ck_assert_int_eq(f(e.d, 65, 8, 8, 0), 1);
	whole(m, 65, 16, 0, 0);
	ck_assert_int_eq(f(e.d, 1, 8, 8, 0), 0);	/* waits alone: 64 */
	ck_assert_int_eq(f(e.d, 66, 0, 8, 0x2000), 0);	/* 2 goes */
	ck_assert_int_eq(f(e.d, 2, 8, 8, 0), 0);	/* 3 goes */
	ck_assert_int_eq(f(e.d, 4, 8, 8, 0), 1);
	whole(m, 4, 16, 0, 0);
	tpsim_close(m);
	tpsim_net_destroy(e.n);
}
END_TEST

Suite *suite_defrag(void)
{
	Suite *s = suite_create("defrag");
	TCase *tc = tcase_create("defrag");

	tcase_add_test(tc, defrag_passes_as_is);
	tcase_add_test(tc, defrag_ends_and_overlaps);
	tcase_add_test(tc, defrag_headers);
	tcase_add_test(tc, defrag_tags_and_sent);
	tcase_add_test(tc, defrag_bound);
	suite_add_tcase(s, tc);
	return s;
}
