// SPDX-License-Identifier: MIT
/*
 * What other projects' suites showed of the kernel (issue 15), of a
 * socket's memory and options: socket buffer caps (S1), mappings
 * outliving close (M4), the receive queue's truesize, the option surface
 * per profile (O9), and LTP's races of options against ring setup.
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

static int buf_rw(struct tpsim_sock *s, int opt, int val)
{
	socklen_t len = sizeof(val);

	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, opt, &val,
					  sizeof(val)),
			 0);
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, opt, &val, &len), 0);
	return val;
}

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

START_TEST(sockbuf_caps_from_options)
{
	struct tpsim_sock *s = t_sock_opts(SOCK_RAW, ETH_P_ALL, NULL, 4194304,
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
	s = t_sock_opts(SOCK_RAW, ETH_P_ALL, NULL, INT_MAX, INT_MAX);
	ck_assert_int_eq(buf_rw(s, SO_RCVBUF, -1), (INT_MAX / 2) * 2);
	tpsim_close(s);
}
END_TEST

START_TEST(sockbuf_caps_from_host)
{
	struct tpsim_sock *s = t_sock_opts(SOCK_RAW, ETH_P_ALL, NULL, 0, 0);
	long host = t_host_core("rmem_max", 212992);

	if (host > INT_MAX / 2)
		host = INT_MAX / 2;
	ck_assert_int_eq(buf_rw(s, SO_RCVBUF, -1), 2 * host);
	tpsim_close(s);
}
END_TEST

/* sock_init_data: a new socket's buffers are net.core.rmem_default and
 * wmem_default as the host has them (a host tuned by netsniff-ng says
 * 4194304); with caps given at create, the profile's 212992 */
START_TEST(sockbuf_defaults_from_host)
{
	struct tpsim_sock *s = t_sock_opts(SOCK_RAW, ETH_P_ALL, NULL, 0, 0);
	long rd = t_host_core("rmem_default", 212992);
	long wd = t_host_core("wmem_default", 212992);
	socklen_t len = sizeof(int);
	int v;

	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len),
			 0);
	ck_assert_int_eq(v, rd);
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &len),
			 0);
	ck_assert_int_eq(v, wd);
	tpsim_close(s);
	s = t_sock_opts(SOCK_RAW, ETH_P_ALL, NULL, 1 << 20, 1 << 20);
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len),
			 0);
	ck_assert_int_eq(v, 212992);
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &len),
			 0);
	ck_assert_int_eq(v, 212992);
	tpsim_close(s);
}
END_TEST

START_TEST(close_keeps_mapping)
{
	int version = _i;	/* V1, V2, V3 */
	struct tpsim_sock *s = t_sock(SOCK_RAW, version, 0);
	uint8_t pkt[60];
	size_t len;
	int before;
	char *m;

	ck_assert_int_eq(t_ring_v(s, version, 4096, 2, 2048, 4), 0);
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

/* No ring, SO_RCVBUF 1: three 142-byte frames fit today (832 bytes
 * each), two on 6.1 (1280: no small-head cache). */
START_TEST(receive_queue_truesize)
{
	const char *profile = _i ? "linux-6.1" : "linux";
	struct tpsim_sock *s = t_sock_opts(SOCK_RAW, ETH_P_ALL, profile, 0, 0);
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
	ck_assert_int_eq(t_deliver_out(s, f, 800), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(t_deliver_out(s, f, 800), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(t_deliver_out(s, f, 800), TPSIM_RX_DROPPED);
	tpsim_close(s);
}
END_TEST

START_TEST(copy_thresh_readback_by_profile)
{
	struct tpsim_sock *s = t_sock_opts(SOCK_RAW, ETH_P_ALL,
					   _i ? "linux-6.1" : "linux-6.12",
					   0, 0);
	int v = 0;

	ck_assert_int_eq(t_setint(s, PACKET_COPY_THRESH, 77), 0);
	ck_assert_int_eq(t_getint(s, PACKET_COPY_THRESH, &v),
			 _i ? -ENOPROTOOPT : 0);
	ck_assert_int_eq(v, _i ? 0 : 77);
	tpsim_close(s);
}
END_TEST

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

/* 6.1's kmalloc heads: a 60-byte frame costs 768, three fit 2304 */
START_TEST(truesize_kmalloc_smallest)
{
	struct tpsim_sock *s = t_sock_opts(SOCK_RAW, ETH_P_ALL, "linux-6.1", 0,
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

Suite *suite_sockbuf(void)
{
	Suite *s = suite_create("sockbuf");
	TCase *tc = tcase_create("sockbuf");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, sockbuf_caps_from_options);
	tcase_add_test(tc, sockbuf_caps_from_host);
	tcase_add_test(tc, sockbuf_defaults_from_host);
	tcase_add_loop_test(tc, close_keeps_mapping, TPACKET_V1,
			    TPACKET_V3 + 1);
	tcase_add_test(tc, close_keeps_tx_mapping);
	tcase_add_loop_test(tc, receive_queue_truesize, 0, 2);
	tcase_add_loop_test(tc, copy_thresh_readback_by_profile, 0, 2);
	tcase_add_test(tc, option_ring_races);
	tcase_add_test(tc, truesize_kmalloc_smallest);
	suite_add_tcase(s, tc);
	return s;
}
