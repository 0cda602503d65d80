// SPDX-License-Identifier: MIT
/*
 * What other projects' suites showed of the kernel (issue 15): socket
 * buffer caps (S1), mappings outliving close (M4), outgoing copies (R13),
 * tags on SOCK_DGRAM (R14), tp_net past 16 bits (R15), tagged packets on
 * protocol-bound sockets (R17), the receive queue's truesize, the option
 * surface per profile (O9), and LTP's races of options against ring setup.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "t_helpers.h"

static struct tpsim_sock *sock_opts(int type, uint16_t proto,
				    const char *profile, uint32_t rmax,
				    uint32_t wmax)
{
	struct tpsim_create_opts o = { .sz = sizeof(o), .type = type,
				       .protocol = htons(proto),
				       .clock = TPSIM_CLOCK_VIRTUAL,
				       .profile = profile, .rmem_max = rmax,
				       .wmem_max = wmax };
	struct tpsim_sock *s;

	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	return s;
}

static int buf_rw(struct tpsim_sock *s, int opt, int val)
{
	socklen_t len = sizeof(val);

	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, opt, &val,
					  sizeof(val)),
			 0);
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, opt, &val, &len), 0);
	return val;
}

START_TEST(sockbuf_caps_from_options)
{
	struct tpsim_sock *s = sock_opts(SOCK_RAW, ETH_P_ALL, NULL, 4194304,
					 1000);

	ck_assert_int_eq(buf_rw(s, SO_RCVBUF, -1), 8388608);
	ck_assert_int_eq(buf_rw(s, SO_RCVBUF, INT_MIN), 8388608);
	ck_assert_int_eq(buf_rw(s, SO_RCVBUF, INT_MAX), 8388608);
	ck_assert_int_eq(buf_rw(s, SO_RCVBUF, 0), 2304);
	ck_assert_int_eq(buf_rw(s, SO_RCVBUF, 1153), 2306);
	ck_assert_int_eq(buf_rw(s, SO_SNDBUF, -1), 4608);	/* 2 x 1000 */
	ck_assert_int_eq(buf_rw(s, SO_SNDBUF, 999), 4608);
	tpsim_close(s);
	/* a cap past INT_MAX / 2 still reads back a positive int */
	s = sock_opts(SOCK_RAW, ETH_P_ALL, NULL, INT_MAX, INT_MAX);
	ck_assert_int_eq(buf_rw(s, SO_RCVBUF, -1), (INT_MAX / 2) * 2);
	tpsim_close(s);
}
END_TEST

START_TEST(sockbuf_caps_from_host)
{
	struct tpsim_sock *s = sock_opts(SOCK_RAW, ETH_P_ALL, NULL, 0, 0);
	FILE *f = fopen("/proc/sys/net/core/rmem_max", "r");
	long host = 212992;	/* the profile's, when /proc says nothing */

	if (f) {
		ck_assert_int_eq(fscanf(f, "%ld", &host), 1);
		fclose(f);
	}
	if (host > INT_MAX / 2)
		host = INT_MAX / 2;
	ck_assert_int_eq(buf_rw(s, SO_RCVBUF, -1), 2 * host);
	tpsim_close(s);
}
END_TEST

/* Is a ring's memfd still mapped in this process? */
static int maps_have(const char *name)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int n = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, name) != NULL;
	fclose(f);
	return n;
}

START_TEST(close_keeps_mapping)
{
	int version = _i;	/* V1, V2, V3 */
	struct tpsim_sock *s = t_sock(SOCK_RAW, version, 0);
	uint8_t pkt[60];
	size_t len;
	int before;
	char *m;

	if (version == TPACKET_V3) {
		struct tpacket_req3 q = { .tp_block_size = 4096,
					  .tp_block_nr = 2,
					  .tp_frame_size = 2048,
					  .tp_frame_nr = 4,
					  .tp_retire_blk_tov = 10 };

		ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING,
						  &q, sizeof(q)),
				 0);
	} else {
		ck_assert_int_eq(t_ring(s, 4096, 2, 2048, 4), 0);
	}
	m = t_map(s, &len);
	t_eth(pkt, sizeof(pkt), t_bcast, 0x88b5);
	ck_assert_int_eq(t_deliver(s, pkt, sizeof(pkt)), TPSIM_RX_DELIVERED);
	if (version == TPACKET_V3)
		ck_assert_int_eq(tpsim_clock_advance_ns(s, 20000000), 0);
	/* counted, not absolute: unforked (valgrind), earlier tests'
	 * mappings are still there */
	before = maps_have("tpsim-rx-ring");
	tpsim_close(s);
	/* M4: the ring is still there, as the kernel leaves it, less the
	 * producer's own view */
	ck_assert_int_eq(maps_have("tpsim-rx-ring"), before - 1);
	if (version == TPACKET_V3) {
		struct tpacket_block_desc *b = (void *)m;

		ck_assert_uint_eq(tpsim_block_status(b) & TP_STATUS_USER,
				  TP_STATUS_USER);
		ck_assert_uint_eq(b->hdr.bh1.num_pkts, 1);
		tpsim_block_release(b);
		ck_assert_uint_eq(tpsim_block_status(b), 0);
	} else {
		ck_assert_uint_eq(tpsim_frame_status(m, version), TP_STATUS_USER);
		tpsim_frame_release(m, version);
		ck_assert_uint_eq(tpsim_frame_status(m, version), 0);
	}
	ck_assert_int_eq(munmap(m, len), 0);
	/* the last mapping gone, the memory goes with it */
	ck_assert_int_eq(maps_have("tpsim-rx-ring"), before - 2);
}
END_TEST

START_TEST(close_keeps_tx_mapping)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpacket_req q = { .tp_block_size = 4096, .tp_block_nr = 1,
				 .tp_frame_size = 2048, .tp_frame_nr = 2 };
	int before;
	void *m;

	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_TX_RING, &q,
					  sizeof(q)),
			 0);
	ck_assert_int_eq(tpsim_mmap(s, NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, &m),
			 0);
	before = maps_have("tpsim-tx-ring");
	tpsim_close(s);
	ck_assert_int_eq(maps_have("tpsim-tx-ring"), before - 1);
	tpsim_frame_send_request(m, TPACKET_V2);
	ck_assert_uint_eq(tpsim_frame_status(m, TPACKET_V2),
			  TP_STATUS_SEND_REQUEST);
	ck_assert_int_eq(munmap(m, 4096), 0);
	ck_assert_int_eq(maps_have("tpsim-tx-ring"), before - 2);
}
END_TEST

static int deliver_out(struct tpsim_sock *s, const uint8_t *f, uint32_t len)
{
	struct tpsim_packet p = { .sz = sizeof(p), .data = f, .len = len,
				  .flags = TPSIM_PKT_PKTTYPE,
				  .pkttype = PACKET_OUTGOING };

	return tpsim_deliver(s, &p);
}

START_TEST(outgoing_reaches_eth_p_all_only)
{
	struct tpsim_sock *ip = sock_opts(SOCK_RAW, ETH_P_IP, NULL, 0, 0);
	struct tpsim_sock *all = sock_opts(SOCK_RAW, ETH_P_ALL, NULL, 0, 0);
	uint8_t f[98];
	unsigned int p, d;

	t_eth(f, sizeof(f), t_bcast, ETH_P_IP);
	ck_assert_int_eq(deliver_out(ip, f, sizeof(f)), TPSIM_RX_IGNORED);
	ck_assert_int_eq(t_deliver(ip, f, sizeof(f)), TPSIM_RX_DELIVERED);
	t_stats(ip, &p, &d);
	ck_assert_uint_eq(p, 1);
	ck_assert_int_eq(deliver_out(all, f, sizeof(f)), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(t_setint(all, PACKET_IGNORE_OUTGOING, 1), 0);
	ck_assert_int_eq(deliver_out(all, f, sizeof(f)), TPSIM_RX_IGNORED);
	tpsim_close(ip);
	tpsim_close(all);
}
END_TEST

/* Read frame 0 of a mapped V2 ring of 2048-byte frames. */
static struct tpacket2_hdr *frame0(void *m, struct sockaddr_ll **sll)
{
	*sll = (struct sockaddr_ll *)((char *)m + 32);
	return m;
}

START_TEST(outgoing_tags_stay_in_the_data)
{
	static const uint8_t tag[] = { 0x81, 0x00, 0x00, 0x2a, 0x88, 0xb5 };
	struct tpsim_sock *raw = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpsim_sock *dg = sock_opts(SOCK_DGRAM, ETH_P_ALL, NULL, 0, 0);
	struct tpacket2_hdr *h;
	struct sockaddr_ll *sll;
	uint8_t f[100];
	size_t len;
	void *m;

	t_eth(f, sizeof(f), t_bcast, 0);
	memcpy(f + 12, tag, sizeof(tag));
	ck_assert_int_eq(t_ring(raw, 4096, 1, 2048, 2), 0);
	m = t_map(raw, &len);
	ck_assert_int_eq(deliver_out(raw, f, sizeof(f)), TPSIM_RX_DELIVERED);
	h = frame0(m, &sll);
	/* SOCK_RAW: the frame whole, the network header after the tag */
	ck_assert_uint_eq(h->tp_status & TP_STATUS_VLAN_VALID, 0);
	ck_assert_uint_eq(h->tp_len, 100);
	ck_assert_uint_eq(h->tp_net, 80);
	ck_assert_uint_eq(h->tp_mac, 62);
	ck_assert_uint_eq(sll->sll_protocol, htons(ETH_P_8021Q));
	ck_assert_uint_eq(sll->sll_pkttype, PACKET_OUTGOING);
	tpsim_munmap(raw, m, len);
	tpsim_close(raw);

	ck_assert_int_eq(t_setint(dg, PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(t_ring(dg, 4096, 1, 2048, 2), 0);
	m = t_map(dg, &len);
	ck_assert_int_eq(deliver_out(dg, f, sizeof(f)), TPSIM_RX_DELIVERED);
	h = frame0(m, &sll);
	/* SOCK_DGRAM: the data after the tag, the tag in the VLAN fields */
	ck_assert_uint_eq(h->tp_len, 100 - 18);
	ck_assert_uint_eq(h->tp_status & TP_STATUS_VLAN_VALID,
			  TP_STATUS_VLAN_VALID);
	ck_assert_uint_eq(h->tp_vlan_tci, 0x2a);
	ck_assert_uint_eq(h->tp_vlan_tpid, ETH_P_8021Q);
	ck_assert_uint_eq(sll->sll_protocol, htons(0x88b5));
	tpsim_munmap(dg, m, len);
	tpsim_close(dg);
}
END_TEST

START_TEST(stacked_tags_dgram_protocol)
{
	static const uint8_t tags[] = { 0x88, 0xa8, 0x00, 200, 0x81, 0x00,
					0x00, 100, 0x08, 0x06 };
	const char *profile = _i ? "linux-2.6" : "linux";
	struct tpsim_sock *s = sock_opts(SOCK_DGRAM, ETH_P_ALL, profile, 0, 0);
	struct tpacket_hdr *h;
	uint8_t f[64];
	size_t len;
	void *m;

	t_eth(f, sizeof(f), t_bcast, 0);
	memcpy(f + 12, tags, sizeof(tags));
	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	m = t_map(s, &len);
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	h = m;
	ck_assert_uint_eq(h->tp_len, 46);
	ck_assert_uint_eq(((struct sockaddr_ll *)((char *)m + 32))->sll_protocol,
			  htons(_i ? ETH_P_8021Q : ETH_P_ARP));
	tpsim_munmap(s, m, len);
	tpsim_close(s);
}
END_TEST

START_TEST(too_many_tags_dgram_protocol_zero)
{
	struct tpsim_sock *s = sock_opts(SOCK_DGRAM, ETH_P_ALL, NULL, 0, 0);
	struct sockaddr_ll *sll;
	uint8_t f[80];
	size_t len;
	void *m;

	t_eth(f, sizeof(f), t_bcast, ETH_P_8021Q);
	for (int i = 0; i < 9; i++) {	/* nine tags: past the depth */
		f[14 + 4 * i] = 0;
		f[15 + 4 * i] = (uint8_t)i;
		f[16 + 4 * i] = 0x81;
		f[17 + 4 * i] = 0x00;
	}
	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	m = t_map(s, &len);
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	sll = (struct sockaddr_ll *)((char *)m + 32);
	ck_assert_uint_eq(sll->sll_protocol, 0);
	tpsim_munmap(s, m, len);
	tpsim_close(s);
}
END_TEST

/* R17: a protocol-bound socket and a tagged packet */
START_TEST(bound_socket_tagged_packets)
{
	struct tpsim_sock *s = sock_opts(SOCK_RAW, ETH_P_ARP, NULL, 0, 0);
	struct tpacket2_hdr *h;
	struct sockaddr_ll *sll;
	uint8_t f[64];
	size_t len;
	void *m;

	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	m = t_map(s, &len);
	/* a VID: OTHERHOST, the tag cleared */
	t_eth(f, sizeof(f), t_bcast, ETH_P_8021Q);
	f[14] = 0, f[15] = 5, f[16] = 0x08, f[17] = 0x06;
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	h = frame0(m, &sll);
	ck_assert_uint_eq(h->tp_status & TP_STATUS_VLAN_VALID, 0);
	ck_assert_uint_eq(sll->sll_pkttype, PACKET_OTHERHOST);
	ck_assert_uint_eq(h->tp_len, 60);
	tpsim_frame_release(h, TPACKET_V2);
	/* a priority tag around another tag: stripped, the inner one's
	 * VID decides */
	f[15] = 0, f[16] = 0x81, f[17] = 0x00;
	f[18] = 0, f[19] = 7, f[20] = 0x08, f[21] = 0x06;
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	h = (struct tpacket2_hdr *)((char *)m + 2048);
	sll = (struct sockaddr_ll *)((char *)h + 32);
	ck_assert_uint_eq(sll->sll_pkttype, PACKET_OTHERHOST);
	ck_assert_uint_eq(h->tp_len, 56);
	ck_assert_uint_eq(h->tp_status & TP_STATUS_VLAN_VALID, 0);
	/* a priority tag alone: the packet type stays */
	tpsim_frame_release(h, TPACKET_V2);
	f[16] = 0x08, f[17] = 0x06;
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	h = frame0(m, &sll);
	ck_assert_uint_eq(sll->sll_pkttype, PACKET_BROADCAST);
	/* a priority tag before an inner tag cut short: freed */
	f[16] = 0x81, f[17] = 0x00;
	ck_assert_int_eq(t_deliver(s, f, 22), TPSIM_RX_IGNORED);
	tpsim_munmap(s, m, len);
	tpsim_close(s);
}
END_TEST

/* No ring, SO_RCVBUF 1: three 142-byte frames fit today (832 bytes
 * each), two on 6.1 (1280: no small-head cache). */
START_TEST(receive_queue_truesize)
{
	const char *profile = _i ? "linux-6.1" : "linux";
	struct tpsim_sock *s = sock_opts(SOCK_RAW, ETH_P_ALL, profile, 0, 0);
	uint8_t f[9100], got[9100];
	unsigned int p, d;
	int one = 1, n = 0;

	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &one,
					  sizeof(one)),
			 0);
	t_eth(f, 142, t_bcast, 0x88b5);
	for (int i = 0; i < 50; i++)
		t_deliver(s, f, 142);
	t_stats(s, &p, &d);
	ck_assert_uint_eq(p, 50);
	ck_assert_uint_eq(d, _i ? 48 : 47);
	while (tpsim_recv(s, got, sizeof(got), MSG_DONTWAIT) == 142)
		n++;
	ck_assert_int_eq(n, _i ? 2 : 3);
	/* larger frames: one each fills the 2304 bytes */
	static const uint32_t lens[] = { 1500, 4000, 9000 };

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		t_eth(f, lens[i], t_bcast, 0x88b5);
		ck_assert_int_eq(t_deliver(s, f, lens[i]), TPSIM_RX_DELIVERED);
		ck_assert_int_eq(t_deliver(s, f, lens[i]), TPSIM_RX_DROPPED);
		ck_assert_int_eq(tpsim_recv(s, got, sizeof(got), MSG_DONTWAIT),
				 (int)lens[i]);
	}
	/* an outgoing copy costs a small head and its bytes */
	t_eth(f, 800, t_bcast, 0x88b5);
	ck_assert_int_eq(deliver_out(s, f, 800), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(deliver_out(s, f, 800), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(deliver_out(s, f, 800), TPSIM_RX_DROPPED);
	tpsim_close(s);
}
END_TEST

START_TEST(copy_thresh_readback_by_profile)
{
	struct tpsim_sock *s = sock_opts(SOCK_RAW, ETH_P_ALL,
					 _i ? "linux-6.1" : "linux-6.12", 0, 0);
	int v = 0;

	ck_assert_int_eq(t_setint(s, PACKET_COPY_THRESH, 77), 0);
	ck_assert_int_eq(t_getint(s, PACKET_COPY_THRESH, &v),
			 _i ? -ENOPROTOOPT : 0);
	ck_assert_int_eq(v, _i ? 0 : 77);
	tpsim_close(s);
}
END_TEST

START_TEST(net_past_16_bits)
{
	int version = _i / 2;
	int type = _i % 2 ? SOCK_DGRAM : SOCK_RAW;
	unsigned int base = version == TPACKET_V3 ? 96 : 80;

	for (int fits = 0; fits < 2; fits++) {
		struct tpsim_sock *s = sock_opts(type, ETH_P_ALL, NULL, 0, 0);
		struct tpacket_req3 q = { .tp_block_size = 69632,
					  .tp_block_nr = 1,
					  .tp_frame_size = 69632,
					  .tp_frame_nr = 1,
					  .tp_retire_blk_tov = 10 };
		uint8_t f[60];
		unsigned int p, d;

		ck_assert_int_eq(t_setint(s, PACKET_VERSION, version), 0);
		ck_assert_int_eq(t_setint(s, PACKET_RESERVE,
					  (int)(65535 - base + !fits)),
				 0);
		ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET,
						  PACKET_RX_RING, &q,
						  version == TPACKET_V3
							  ? sizeof(q)
							  : sizeof(struct tpacket_req)),
				 0);
		t_eth(f, sizeof(f), t_bcast, 0x88b5);
		ck_assert_int_eq(t_deliver(s, f, sizeof(f)),
				 fits ? TPSIM_RX_DELIVERED : TPSIM_RX_DROPPED);
		t_stats(s, &p, &d);
		ck_assert_uint_eq(d, !fits);
		tpsim_close(s);
	}
}
END_TEST

/*
 * LTP setsockopt06/07 (CVE-2016-8655, CVE-2017-1000111): PACKET_RESERVE
 * 1 << 30 and PACKET_VERSION V1 from one thread while another sets up a
 * V3 ring on a real-clock socket (its retire timer runs). Whenever a ring
 * is in place, the reserve read back fits its blocks and the version is
 * the ring's; close stops the timer (ASan/TSan see nothing after it).
 */
struct opt_racer {
	struct tpsim_sock *s;
	_Atomic int *stop;
	char bad[160];
};

static void *option_thread(void *arg)
{
	struct opt_racer *r = arg;

	while (!*r->stop) {
		t_setint(r->s, PACKET_RESERVE, 1 << 30);
		t_setint(r->s, PACKET_VERSION, TPACKET_V1);
		t_setint(r->s, PACKET_RESERVE, 0);
	}
	return NULL;
}

START_TEST(option_ring_races)
{
	struct tpsim_create_opts o = { .sz = sizeof(o) };
	struct tpacket_req3 q = { .tp_block_size = 4096, .tp_block_nr = 2,
				  .tp_frame_size = 2048, .tp_frame_nr = 4,
				  .tp_retire_blk_tov = 1 };
	struct tpacket_req3 off = { 0 };
	_Atomic int stop = 0;
	struct opt_racer r;
	pthread_t th;
	int rings = 0;

	ck_assert_int_eq(tpsim_create(&o, &r.s), 0);
	r.stop = &stop;
	r.bad[0] = '\0';
	ck_assert_int_eq(pthread_create(&th, NULL, option_thread, &r), 0);
	for (int i = 0; i < 2000; i++) {
		struct tpsim_ring_view v;
		int reserve = -1, version = -1;

		t_setint(r.s, PACKET_VERSION, TPACKET_V3);
		if (tpsim_setsockopt(r.s, SOL_PACKET, PACKET_RX_RING, &q,
				     sizeof(q)))
			continue;
		rings++;
		ck_assert_int_eq(tpsim_ring_view_get(r.s, &v), 0);
		ck_assert_int_eq(t_getint(r.s, PACKET_RESERVE, &reserve), 0);
		ck_assert_int_eq(t_getint(r.s, PACKET_VERSION, &version), 0);
		ck_assert_int_le(reserve, (int)v.block_size);
		ck_assert_int_eq(version, (int)v.version);
		ck_assert_int_eq(tpsim_setsockopt(r.s, SOL_PACKET,
						  PACKET_RX_RING, &off,
						  v.version == TPACKET_V3
							  ? sizeof(off)
							  : sizeof(struct tpacket_req)),
				 0);
	}
	stop = 1;
	pthread_join(th, NULL);
	/* a last ring with its timer running, closed under it */
	t_setint(r.s, PACKET_RESERVE, 0);
	t_setint(r.s, PACKET_VERSION, TPACKET_V3);
	ck_assert_int_eq(tpsim_setsockopt(r.s, SOL_PACKET, PACKET_RX_RING, &q,
					  sizeof(q)),
			 0);
	tpsim_close(r.s);
	(void)rings;	/* how many the race let through is the scheduler's */
}
END_TEST

/* O10: the virtio-net header before the link header, V1-V3 (_i). */
START_TEST(vnet_hdr_rx_layout)
{
	int version = _i;
	struct tpsim_sock *s = t_sock(SOCK_RAW, version, 0);
	struct tpsim_packet p = { .sz = sizeof(p), .len = 100,
				  .flags = TPSIM_PKT_CSUM_PARTIAL,
				  .csum_start = 34, .csum_offset = 6 };
	unsigned int base = version == TPACKET_V3 ? 96 : 80;
	uint8_t f[100];
	const uint8_t *vh;
	uint16_t mac, net;
	size_t len;
	char *m;

	ck_assert_int_eq(t_setint(s, 24, 12), 0);
	if (version == TPACKET_V3) {
		struct tpacket_req3 q = { .tp_block_size = 4096,
					  .tp_block_nr = 1,
					  .tp_frame_size = 2048,
					  .tp_frame_nr = 2,
					  .tp_retire_blk_tov = 10 };

		ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING,
						  &q, sizeof(q)),
				 0);
	} else {
		ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	}
	m = t_map(s, &len);
	/* a tag taken off by the stack moves csum_start with the header */
	t_eth(f, sizeof(f), t_bcast, ETH_P_8021Q);
	f[14] = 0, f[15] = 9, f[16] = 0x08, f[17] = 0x00;
	p.data = f;
	ck_assert_int_eq(tpsim_deliver(s, &p), TPSIM_RX_DELIVERED);
	if (version == TPACKET_V3) {
		struct tpacket_block_desc *b = (void *)m;
		struct tpacket3_hdr *h;

		ck_assert_int_eq(tpsim_clock_advance_ns(s, 20000000), 0);
		h = (void *)(m + b->hdr.bh1.offset_to_first_pkt);
		mac = h->tp_mac, net = h->tp_net;
		vh = (uint8_t *)h + mac - 10;
	} else {
		struct tpacket_hdr *h1 = (void *)m;
		struct tpacket2_hdr *h2 = (void *)m;

		mac = version == TPACKET_V1 ? h1->tp_mac : h2->tp_mac;
		net = version == TPACKET_V1 ? h1->tp_net : h2->tp_net;
		vh = (uint8_t *)m + mac - 10;
	}
	ck_assert_uint_eq(net, base + 12);
	ck_assert_uint_eq(mac, base + 12 - 14);
	ck_assert_uint_eq(vh[0], 1);		/* NEEDS_CSUM */
	ck_assert_uint_eq(vh[6] | vh[7] << 8, 30);	/* 34 - the tag */
	ck_assert_uint_eq(vh[8] | vh[9] << 8, 6);
	tpsim_munmap(s, m, len);
	tpsim_close(s);
}
END_TEST

/* a frame cut to nothing still carries the header when it fits, and
 * none when the link header would start past the frame */
START_TEST(vnet_hdr_no_room)
{
	for (int reserve = 20; reserve <= 30; reserve += 10) {
		struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
		uint8_t f[100];
		size_t len;
		char *m;

		ck_assert_int_eq(t_setint(s, PACKET_VNET_HDR, 1), 0);
		ck_assert_int_eq(t_setint(s, PACKET_RESERVE, reserve), 0);
		/* tp_mac 80 + reserve + 10 - 14: 96 (the frame's end), 106 */
		ck_assert_int_eq(t_ring(s, 4096, 1, 96, 42), 0);
		m = t_map(s, &len);
		t_eth(f, sizeof(f), t_bcast, 0x88b5);
		ck_assert_int_eq(t_deliver_flags(s, f, sizeof(f),
						 TPSIM_PKT_CSUM_VALID),
				 TPSIM_RX_DELIVERED);
		ck_assert_uint_eq(((struct tpacket2_hdr *)m)->tp_snaplen, 0);
		/* DATA_VALID at tp_mac - 10, when tp_mac is in the frame */
		ck_assert_uint_eq((uint8_t)m[86], reserve == 20 ? 2 : 0);
		tpsim_munmap(s, m, len);
		tpsim_close(s);
	}
}
END_TEST

START_TEST(vnet_hdr_recv)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	uint8_t f[60], got[100];

	ck_assert_int_eq(t_setint(s, 24, 12), 0);
	t_eth(f, sizeof(f), t_bcast, 0x88b5);
	ck_assert_int_eq(t_deliver_flags(s, f, sizeof(f),
					 TPSIM_PKT_CSUM_VALID),
			 TPSIM_RX_DELIVERED);
	ck_assert_int_eq(tpsim_recv(s, got, 8, MSG_DONTWAIT), -EINVAL);
	ck_assert_int_eq(tpsim_recv(s, got, 20, MSG_DONTWAIT | MSG_TRUNC |
						  MSG_PEEK),
			 72);
	memset(got, 0xee, sizeof(got));
	ck_assert_int_eq(tpsim_recv(s, got, sizeof(got), MSG_DONTWAIT), 72);
	ck_assert_uint_eq(got[0], 2);	/* DATA_VALID */
	ck_assert_uint_eq(got[11], 0);	/* num_buffers, zero */
	ck_assert_mem_eq(got + 12, f, 60);
	tpsim_close(s);
}
END_TEST

/* O10 on TX: frames past the MTU and with a checksum to fill go out,
 * counted without their header (tx.vnet_hdr) */
START_TEST(vnet_hdr_tx)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpacket_req q = { .tp_block_size = 4096, .tp_block_nr = 1,
				 .tp_frame_size = 2048, .tp_frame_nr = 2 };
	static const uint8_t csum[10] = { 1, 0, 0, 0, 0, 0, 34, 0, 16, 0 };
	uint8_t wire[2048];
	void *m;

	ck_assert_int_eq(t_setint(s, PACKET_VNET_HDR, 1), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_TX_RING, &q,
					  sizeof(q)),
			 0);
	ck_assert_int_eq(tpsim_mmap(s, NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, &m),
			 0);
	for (unsigned int i = 0; i < 2; i++) {
		struct tpacket2_hdr *h = (void *)((char *)m + 2048 * i);
		uint8_t *d = (uint8_t *)h + 32;
		uint32_t n = i ? 100 : 1600;

		memset(d, 0, 10);
		if (i)
			memcpy(d, csum, 10);
		t_eth(d + 10, n, t_bcast, ETH_P_IP);
		h->tp_len = n + 10;
		tpsim_frame_send_request(h, TPACKET_V2);
		ck_assert_int_eq(tpsim_send(s, NULL, 0), (int)n);
		ck_assert_int_eq(tpsim_wire_recv(s, wire, sizeof(wire),
						 MSG_DONTWAIT),
				 (int)n);
		ck_assert_uint_eq(d[2], 0);	/* hdr_len left alone */
	}
	tpsim_munmap(s, m, 4096);
	tpsim_close(s);
}
END_TEST

/* The refusals, each on a fresh socket at frame 0 */
START_TEST(vnet_hdr_tx_refused)
{
	static const uint8_t vh[4][10] = {
		{ 0, 0, 200, 0 },
		{ 0, 1 },
		{ 1, 0, 0, 0, 0, 0, 19, 0, 2, 0 },
		{ 0 },
	};
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpacket_req q = { .tp_block_size = 4096, .tp_block_nr = 1,
				 .tp_frame_size = 2048, .tp_frame_nr = 2 };
	struct tpacket2_hdr *h;
	void *m;

	ck_assert_int_eq(t_setint(s, PACKET_VNET_HDR, 1), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_TX_RING, &q,
					  sizeof(q)),
			 0);
	ck_assert_int_eq(tpsim_mmap(s, NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, &m),
			 0);
	h = m;
	memcpy((char *)h + 32, vh[_i], 10);
	t_eth((uint8_t *)h + 42, 100, t_bcast, ETH_P_IP);
	h->tp_len = _i == 3 ? 6 : 110;
	tpsim_frame_send_request(h, TPACKET_V2);
	ck_assert_int_eq(tpsim_send(s, NULL, 0), -EINVAL);
	ck_assert_uint_eq(tpsim_frame_status(h, TPACKET_V2),
			  TP_STATUS_WRONG_FORMAT);
	tpsim_munmap(s, m, 4096);
	tpsim_close(s);
}
END_TEST

/* an outgoing copy with its tag held outside and a given protocol; V3
 * SOCK_DGRAM names a tag in the data in hv1 */
START_TEST(outgoing_metadata_v3)
{
	struct tpsim_sock *s = sock_opts(SOCK_DGRAM, ETH_P_ALL, NULL, 0, 0);
	struct tpacket_req3 q = { .tp_block_size = 4096, .tp_block_nr = 1,
				  .tp_frame_size = 2048, .tp_frame_nr = 2,
				  .tp_retire_blk_tov = 10 };
	struct tpsim_packet p = { .sz = sizeof(p), .len = 80,
				  .flags = TPSIM_PKT_PKTTYPE,
				  .pkttype = PACKET_OUTGOING };
	struct tpacket_block_desc *b;
	struct tpacket3_hdr *h;
	uint8_t f[80];
	size_t len;
	char *m;

	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V3), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING, &q,
					  sizeof(q)),
			 0);
	m = t_map(s, &len);
	t_eth(f, sizeof(f), t_bcast, ETH_P_8021AD);
	f[14] = 0, f[15] = 3, f[16] = 0x88, f[17] = 0xb5;
	p.data = f;
	ck_assert_int_eq(tpsim_deliver(s, &p), TPSIM_RX_DELIVERED);
	/* and one with its tag outside and its protocol given */
	p.flags |= TPSIM_PKT_VLAN | TPSIM_PKT_PROTOCOL;
	p.vlan_tci = 77;
	p.vlan_tpid = ETH_P_8021Q;
	p.protocol = htons(ETH_P_IP);
	ck_assert_int_eq(tpsim_deliver(s, &p), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(tpsim_clock_advance_ns(s, 20000000), 0);
	b = (void *)m;
	ck_assert_uint_eq(b->hdr.bh1.num_pkts, 2);
	h = (void *)(m + b->hdr.bh1.offset_to_first_pkt);
	ck_assert_uint_eq(h->tp_len, 80 - 18);
	ck_assert_uint_eq(h->hv1.tp_vlan_tci, 3);
	ck_assert_uint_eq(h->hv1.tp_vlan_tpid, ETH_P_8021AD);
	h = (void *)((char *)h + h->tp_next_offset);
	ck_assert_uint_eq(h->hv1.tp_vlan_tci, 77);
	ck_assert_uint_eq(((struct sockaddr_ll *)((char *)h + 48))->sll_protocol,
			  htons(ETH_P_IP));
	tpsim_munmap(s, m, len);
	tpsim_close(s);
}
END_TEST

/* 6.1's kmalloc heads: a 60-byte frame costs 768, three fit 2304 */
START_TEST(truesize_kmalloc_smallest)
{
	struct tpsim_sock *s = sock_opts(SOCK_RAW, ETH_P_ALL, "linux-6.1", 0,
					 0);
	uint8_t f[60];
	int one = 1;

	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &one,
					  sizeof(one)),
			 0);
	t_eth(f, sizeof(f), t_bcast, 0x88b5);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(t_deliver(s, f, sizeof(f)),
				 TPSIM_RX_DELIVERED);
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DROPPED);
	tpsim_close(s);
}
END_TEST

/* B6: the simulator's flow hash covers IPv6 and frames that are not IP
 * (the kernel hashes those too: tp_rxhash is never 0) */
START_TEST(rxhash_ipv6_and_not_ip)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V3, 0);
	struct tpacket_req3 q = { .tp_block_size = 4096, .tp_block_nr = 1,
				  .tp_frame_size = 2048, .tp_frame_nr = 2,
				  .tp_retire_blk_tov = 10,
				  .tp_feature_req_word = TP_FT_REQ_FILL_RXHASH };
	struct tpacket_block_desc *b;
	struct tpacket3_hdr *h;
	uint8_t f[100];
	size_t len;
	char *m;

	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING, &q,
					  sizeof(q)),
			 0);
	m = t_map(s, &len);
	t_eth(f, sizeof(f), t_bcast, ETH_P_IPV6);
	f[14] = 0x60;
	f[20] = 17;	/* UDP */
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	t_eth(f, sizeof(f), t_bcast, ETH_P_ARP);
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(tpsim_clock_advance_ns(s, 20000000), 0);
	b = (void *)m;
	h = (void *)(m + b->hdr.bh1.offset_to_first_pkt);
	ck_assert_uint_ne(h->hv1.tp_rxhash, 0);
	h = (void *)((char *)h + h->tp_next_offset);
	ck_assert_uint_ne(h->hv1.tp_rxhash, 0);
	tpsim_munmap(s, m, len);
	tpsim_close(s);
}
END_TEST

Suite *suite_peers(void)
{
	Suite *s = suite_create("peers");
	TCase *tc = tcase_create("peers");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, sockbuf_caps_from_options);
	tcase_add_test(tc, sockbuf_caps_from_host);
	tcase_add_loop_test(tc, close_keeps_mapping, TPACKET_V1,
			    TPACKET_V3 + 1);
	tcase_add_test(tc, close_keeps_tx_mapping);
	tcase_add_test(tc, outgoing_reaches_eth_p_all_only);
	tcase_add_test(tc, outgoing_tags_stay_in_the_data);
	tcase_add_loop_test(tc, stacked_tags_dgram_protocol, 0, 2);
	tcase_add_test(tc, too_many_tags_dgram_protocol_zero);
	tcase_add_test(tc, bound_socket_tagged_packets);
	tcase_add_loop_test(tc, receive_queue_truesize, 0, 2);
	tcase_add_loop_test(tc, copy_thresh_readback_by_profile, 0, 2);
	tcase_add_loop_test(tc, net_past_16_bits, 0, 6);
	tcase_add_test(tc, option_ring_races);
	tcase_add_loop_test(tc, vnet_hdr_rx_layout, TPACKET_V1, TPACKET_V3 + 1);
	tcase_add_test(tc, vnet_hdr_no_room);
	tcase_add_test(tc, vnet_hdr_recv);
	tcase_add_test(tc, vnet_hdr_tx);
	tcase_add_loop_test(tc, vnet_hdr_tx_refused, 0, 4);
	tcase_add_test(tc, outgoing_metadata_v3);
	tcase_add_test(tc, truesize_kmalloc_smallest);
	tcase_add_test(tc, rxhash_ipv6_and_not_ip);
	suite_add_tcase(s, tc);
	return s;
}
