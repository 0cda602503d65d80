// SPDX-License-Identifier: MIT
/*
 * Description: the edges of the API: bad arguments get their errno,
 * resources that run out (file descriptors, address space) fail cleanly
 * without leaking, and the less travelled paths of the producer (V3
 * timer while frozen, has-room checks, packets that cannot fit at all).
 * Each test runs in its own forked process, so rlimits stay local.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <net/if_arp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include "t_helpers.h"

#define MS 1000000LL

START_TEST(create_rejects_bad_options)
{
	struct tpsim_create_opts o = { .sz = 4 };
	struct tpsim_sock *s;

	ck_assert_int_eq(tpsim_create(&o, &s), -EINVAL);	/* sz short */
	ck_assert_int_eq(tpsim_create(NULL, NULL), -EINVAL);
	o = (struct tpsim_create_opts){ .sz = sizeof(o), .wire = 7 };
	ck_assert_int_eq(tpsim_create(&o, &s), -EINVAL);
	o = (struct tpsim_create_opts){ .sz = sizeof(o), .clock = 9 };
	ck_assert_int_eq(tpsim_create(&o, &s), -EINVAL);
	o = (struct tpsim_create_opts){ .sz = sizeof(o), .hatype = 0x1234 };
	ck_assert_int_eq(tpsim_create(&o, &s), -EINVAL);
	o = (struct tpsim_create_opts){ .sz = sizeof(o), .profile = "bsd" };
	ck_assert_int_eq(tpsim_create(&o, &s), -EINVAL);
	/* a given address is used as the device's */
	o = (struct tpsim_create_opts){ .sz = sizeof(o),
					.addr = { 2, 1, 2, 3, 4, 5 } };
	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	tpsim_close(s);
	tpsim_close(NULL);
}
END_TEST

START_TEST(out_of_descriptors)
{
	struct rlimit rl;
	struct tpsim_sock *s, *s2;
	int fd;

	/* the limit must stay in this test's own process */
	if (getenv("CK_FORK") && !strcmp(getenv("CK_FORK"), "no"))
		return;
	/* a socket needs an eventfd, a ring a memfd */
	s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	getrlimit(RLIMIT_NOFILE, &rl);
	fd = dup(0);
	ck_assert_int_ge(fd, 0);
	close(fd);
	rl.rlim_cur = (rlim_t)fd;	/* the lowest free fd is now over */
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), -EMFILE);
	ck_assert_int_eq(tpsim_create(NULL, &s2), -EMFILE);
	ck_assert_ptr_null(s2);
	tpsim_close(s);
}
END_TEST

/* The process's address space now, in bytes. */
static uint64_t vm_size(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long kb = 0;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmSize: %llu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb * 1024;
}

START_TEST(out_of_address_space)
{
	struct tpsim_create_opts o = { .sz = sizeof(o),
				       .mem_limit = (uint64_t)64 << 30 };
	struct rlimit rl;
	struct tpsim_sock *s;
	void *m;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	return;	/* the sanitizers' shadow memory needs the address space */
#endif
	/* the limit must stay in this test's own process (and valgrind,
	 * which runs the tests unforked, needs the space too) */
	if (getenv("CK_FORK") && !strcmp(getenv("CK_FORK"), "no"))
		return;
	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	/* room for 900 MiB more than the process has now: a ring takes
	 * twice its length for the producer (its trailing guard), each
	 * view once */
	rl.rlim_cur = rl.rlim_max = vm_size() + (900u << 20);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &rl), 0);
	/* 1 GiB cannot be mapped for the producer */
	ck_assert_int_eq(t_ring(s, 1 << 20, 1024, 2048, 512 * 1024), -ENOMEM);
	ck_assert_str_eq(tpsim_strerror_detail(s),
			 "G12: cannot allocate 1073741824 bytes of ring memory");
	/* 256 MiB can, but not a second view of it plus more */
	ck_assert_int_eq(t_ring(s, 1 << 20, 256, 2048, 128 * 1024), 0);
	ck_assert_int_eq(tpsim_mmap(s, NULL, 256u << 20, PROT_READ,
				    MAP_SHARED, 0, &m),
			 0);
	ck_assert_int_eq(tpsim_mmap(s, NULL, 256u << 20, PROT_READ,
				    MAP_SHARED, 0, &m),
			 -ENOMEM);
	tpsim_close(s);
}
END_TEST

START_TEST(mappings_are_counted_to_sixteen)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	void *m[17];

	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	for (int i = 0; i < 16; i++)
		ck_assert_int_eq(tpsim_mmap(s, NULL, 4096, PROT_READ,
					    MAP_SHARED, 0, &m[i]),
				 0);
	ck_assert_int_eq(tpsim_mmap(s, NULL, 4096, PROT_READ, MAP_SHARED, 0,
				    &m[16]),
			 -ENOMEM);
	ck_assert_str_eq(tpsim_strerror_detail(s), "M3: more than 16 live "
						   "mappings");
	ck_assert_int_eq(tpsim_mmap(s, NULL, 4096, PROT_READ, MAP_SHARED, 0,
				    NULL),
			 -EINVAL);
	ck_assert_int_eq(tpsim_munmap(s, m[0], 8192), -EINVAL);
	tpsim_close(s);	/* unmaps all sixteen */
}
END_TEST

START_TEST(ring_accessors_check_their_arguments)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpsim_ring_view v;

	ck_assert_int_eq(tpsim_ring_fd_of(s, 2), -EINVAL);
	ck_assert_int_eq(tpsim_ring_view_of(s, 2, &v), -EINVAL);
	ck_assert_int_eq(tpsim_ring_view_of(s, TPSIM_RING_RX, NULL), -EINVAL);
	ck_assert_int_eq(tpsim_ring_fd_of(s, TPSIM_RING_TX), -ENXIO);
	ck_assert_int_eq(tpsim_ring_view_of(s, TPSIM_RING_TX, &v), -ENXIO);
	tpsim_close(s);
}
END_TEST

START_TEST(sockopt_null_and_short_arguments)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct timeval tv = { 0, 1000000 };
	int v = 1;
	socklen_t len = sizeof(v);
	struct tpacket_req r = { 4096, 1, 2048, 2 };

	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_VERSION, NULL,
					  sizeof(int)),
			 -EFAULT);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_AUXDATA, NULL,
					  sizeof(int)),
			 -EFAULT);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING, NULL,
					  sizeof(r)),
			 -EFAULT);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, 2),
			 -EINVAL);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_RCVBUF, NULL, 4),
			 -EFAULT);
	/* SO_SNDTIMEO: a struct timeval, tv_usec below a second */
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, 4),
			 -EINVAL);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, NULL,
					  sizeof(tv)),
			 -EFAULT);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv,
					  sizeof(tv)),
			 -EDOM);
	tv = (struct timeval){ -1, 0 };	/* do not wait */
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv,
					  sizeof(tv)),
			 0);
	/* getsockopt */
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_PACKET, PACKET_VERSION, &v,
					  NULL),
			 -EFAULT);
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_PACKET, PACKET_VERSION, NULL,
					  &len),
			 -EFAULT);
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_PRIORITY, &v,
					  &len),
			 -ENOPROTOOPT);
	len = (socklen_t)-1;
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len),
			 -EINVAL);
	len = sizeof(v);
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_SNDBUF, NULL,
					  &len),
			 -EFAULT);
	tpsim_close(s);
}
END_TEST

START_TEST(every_readable_option_reads_back)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	long long big[2] = { 0, 0 };
	socklen_t len = sizeof(big);
	int v;

	ck_assert_int_eq(t_setint(s, PACKET_ORIGDEV, 1), 0);
	ck_assert_int_eq(t_getint(s, PACKET_ORIGDEV, &v), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(t_setint(s, PACKET_QDISC_BYPASS, 1), 0);
	ck_assert_int_eq(t_getint(s, PACKET_QDISC_BYPASS, &v), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(t_getint(s, PACKET_FANOUT, &v), 0);
	ck_assert_int_eq(v, 0);
	/* a longer buffer is cut to the value; PACKET_HDRLEN's too */
	big[0] = TPACKET_V3;
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_PACKET, PACKET_HDRLEN, big,
					  &len),
			 0);
	ck_assert_uint_eq(len, sizeof(int));
	ck_assert_int_eq((int)big[0], 48);
	len = sizeof(big);
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_SNDBUF, big, &len),
			 0);
	ck_assert_uint_eq(len, sizeof(int));
	ck_assert_int_eq((int)big[0], t_host_core("wmem_default", 212992));
	tpsim_close(s);
}
END_TEST

static void *recv_thread(void *arg)
{
	static char buf[64];

	return (void *)(intptr_t)tpsim_recv(arg, buf, sizeof(buf), 0);
}

START_TEST(recv_blocks_until_a_packet)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	uint8_t f[60];
	pthread_t th;
	void *ret;

	ck_assert_int_eq(tpsim_recv(s, f, sizeof(f), MSG_OOB), -EINVAL);
	ck_assert_int_eq(tpsim_recv(s, NULL, 10, MSG_DONTWAIT), -EFAULT);
	ck_assert_int_eq(pthread_create(&th, NULL, recv_thread, s), 0);
	usleep(20000);	/* let it sleep; if it has not, it finds the packet */
	t_eth(f, sizeof(f), t_bcast, 0x88b5);
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(pthread_join(th, &ret), 0);
	ck_assert_int_eq((intptr_t)ret, 60);
	tpsim_close(s);
}
END_TEST

static void on_usr1(int sig)
{
	(void)sig;
}

/* Signal th until its blocking call returns (a signal sent before it
 * sleeps is lost, so repeat: 2 s at most); its return value. */
static intptr_t interrupt(pthread_t th)
{
	struct sigaction sa = { .sa_handler = on_usr1 };	/* no SA_RESTART */
	void *ret = NULL;

	sigaction(SIGUSR1, &sa, NULL);
	for (int i = 0; i < 200; i++) {
		pthread_kill(th, SIGUSR1);
		usleep(10000);
		if (pthread_tryjoin_np(th, &ret) == 0)
			break;
	}
	return (intptr_t)ret;
}

static void *poll_forever(void *arg)
{
	return (void *)(intptr_t)tpsim_poll(arg, POLLIN, -1);
}

START_TEST(poll_is_interruptible)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	pthread_t th;

	ck_assert_int_eq(pthread_create(&th, NULL, poll_forever, s), 0);
	ck_assert_int_eq(interrupt(th), -EINTR);
	tpsim_close(s);
}
END_TEST

START_TEST(clock_arguments)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpsim_sock *r = t_sock_profile("linux");
	struct timespec ts = { 5, 0 };

	ck_assert_int_eq(tpsim_clock_now(s, NULL), -EINVAL);
	ck_assert_int_eq(tpsim_clock_set(s, &ts), 0);
	ts.tv_sec = 4;
	ck_assert_int_eq(tpsim_clock_set(s, &ts), -EINVAL);	/* back */
	ts.tv_nsec = 1000000000;
	ck_assert_int_eq(tpsim_clock_set(s, &ts), -EINVAL);
	ck_assert_int_eq(tpsim_clock_advance_ns(s, INT64_MAX), -EOVERFLOW);
	ck_assert_int_eq(tpsim_clock_advance_ns(s, -1), -EINVAL);
	ck_assert_int_eq(tpsim_clock_advance_ns(r, 1), -EINVAL);	/* real */
	ck_assert_int_eq(tpsim_clock_set(r, &ts), -EINVAL);
	tpsim_close(s);
	tpsim_close(r);
}
END_TEST

START_TEST(rawip_links_guess_the_protocol)
{
	struct tpsim_create_opts o = { .sz = sizeof(o), .hatype = ARPHRD_NONE,
				       .clock = TPSIM_CLOCK_VIRTUAL };
	struct tpsim_packet p = { .sz = sizeof(p) };
	struct tpsim_ring_view v;
	struct tpsim_sock *s;
	uint8_t d[40] = { 0x60 };	/* IPv6 */
	char *m;
	struct sockaddr_ll *sll;

	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(t_ring(s, 4096, 1, 1024, 4), 0);
	ck_assert_int_eq(tpsim_ring_view_get(s, &v), 0);
	m = t_map(s, &v.ring_bytes);
	p.data = d;
	p.len = sizeof(d);
	ck_assert_int_eq(tpsim_deliver(s, &p), TPSIM_RX_DELIVERED);
	d[0] = 0x10;	/* neither: no protocol */
	ck_assert_int_eq(tpsim_deliver(s, &p), TPSIM_RX_DELIVERED);
	p.flags = TPSIM_PKT_PROTOCOL | TPSIM_PKT_VLAN;
	p.protocol = htons(ETH_P_ARP);
	p.vlan_tci = 7;
	p.vlan_tpid = ETH_P_8021Q;
	ck_assert_int_eq(tpsim_deliver(s, &p), TPSIM_RX_DELIVERED);
	sll = (void *)(m + 32);
	ck_assert_uint_eq(ntohs(sll->sll_protocol), ETH_P_IPV6);
	ck_assert_uint_eq(sll->sll_halen, 0);
	sll = (void *)(m + 1024 + 32);
	ck_assert_uint_eq(sll->sll_protocol, 0);
	sll = (void *)(m + 2048 + 32);
	ck_assert_uint_eq(ntohs(sll->sll_protocol), ETH_P_ARP);
	ck_assert_uint_eq(((struct tpacket2_hdr *)(m + 2048))->tp_vlan_tci, 7);
	tpsim_close(s);
}
END_TEST

START_TEST(netoff_beyond_16_bits_is_dropped)
{
	/* PACKET_RESERVE pushes tp_net past what its field holds */
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 70000);
	struct tpsim_sock *s3 = t_sock(SOCK_RAW, TPACKET_V3, 70000);
	struct tpacket_req3 r = { 1 << 17, 1, 1 << 17, 1, 60000, 0, 0 };
	uint8_t f[60];
	unsigned int packets, drops;

	t_eth(f, sizeof(f), t_bcast, 0x88b5);
	ck_assert_int_eq(t_ring(s, 1 << 17, 1, 1 << 17, 1), 0);
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DROPPED);
	t_stats(s, &packets, &drops);
	ck_assert_uint_eq(drops, 1);
	ck_assert_int_eq(tpsim_setsockopt(s3, SOL_PACKET, PACKET_RX_RING, &r,
					  sizeof(r)),
			 0);
	ck_assert_int_eq(t_deliver(s3, f, sizeof(f)), TPSIM_RX_DROPPED);
	tpsim_close(s);
	tpsim_close(s3);
}
END_TEST

START_TEST(rx_copy_shorter_than_the_link_header)
{
	/* frame 80, tp_mac 66: 14 bytes of room, only part of a VLAN-less
	 * header when reserve eats it */
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 6);
	struct tpsim_ring_view v;
	struct tpacket2_hdr *h;
	uint8_t f[60];
	char *m;
	size_t len;

	ck_assert_int_eq(t_ring(s, 4096, 1, 80, 51), 0);
	ck_assert_int_eq(tpsim_ring_view_get(s, &v), 0);
	m = t_map(s, &len);
	t_eth(f, sizeof(f), t_bcast, 0x88b5);
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	h = (void *)m;
	ck_assert_uint_eq(h->tp_mac, 72);
	ck_assert_uint_eq(h->tp_snaplen, 8);
	ck_assert_mem_eq(m + 72, f, 8);
	tpsim_close(s);
}
END_TEST

static char *v3_ring(struct tpsim_sock **sp, const char *profile,
		     uint32_t bnr, uint32_t tov, uint32_t priv)
{
	struct tpsim_create_opts o = { .sz = sizeof(o), .profile = profile,
				       .clock = TPSIM_CLOCK_VIRTUAL };
	struct tpacket_req3 r = { 4096, bnr, 2048, bnr * 2, tov, priv, 0 };
	struct tpsim_ring_view v;
	size_t len;

	ck_assert_int_eq(tpsim_create(&o, sp), 0);
	ck_assert_int_eq(t_setint(*sp, PACKET_VERSION, TPACKET_V3), 0);
	ck_assert_int_eq(tpsim_setsockopt(*sp, SOL_PACKET, PACKET_RX_RING, &r,
					  sizeof(r)),
			 0);
	ck_assert_int_eq(tpsim_ring_view_get(*sp, &v), 0);
	return t_map(*sp, &len);
}

static int fill(struct tpsim_sock *s, int n)
{
	uint8_t f[1500];
	int delivered = 0;

	t_eth(f, sizeof(f), t_bcast, 0x88b5);
	for (int i = 0; i < n; i++)
		delivered += t_deliver(s, f, sizeof(f)) == TPSIM_RX_DELIVERED;
	return delivered;
}

static uint32_t bstatus(char *m, uint32_t i)
{
	return tpsim_block_status(m + (size_t)i * 4096);
}

START_TEST(v3_room_ahead_but_frozen_block_still_held)
{
	struct tpsim_sock *s;
	char *m = v3_ring(&s, "linux", 4, 60000, 0);

	/* 4 blocks of 2: 8 land, the 9th freezes on block 0 */
	ck_assert_int_eq(fill(s, 9), 8);
	/* block 1, a quarter of the ring ahead, comes back: there is room
	 * ahead, but the queue waits for block 0 */
	tpsim_block_release(m + 4096);
	ck_assert_int_eq(fill(s, 1), 0);
	tpsim_block_release(m);
	ck_assert_int_eq(fill(s, 1), 1);
	tpsim_close(s);
}
END_TEST

/* the timer finds the queue frozen; once the block is back it reopens it */
static void frozen_then_timer(const char *profile)
{
	struct tpsim_sock *s;
	char *m = v3_ring(&s, profile, 2, 10, 0);

	ck_assert_int_eq(fill(s, 5), 4);	/* frozen on block 0 */
	ck_assert_int_eq(tpsim_clock_advance_ns(s, 50 * MS), 0);
	ck_assert_uint_eq(bstatus(m, 0), TP_STATUS_USER);
	tpsim_block_release(m);
	ck_assert_int_eq(tpsim_clock_advance_ns(s, 50 * MS), 0);
	/* reopened by the timer: seq 3, empty, still the kernel's */
	ck_assert_uint_eq(((struct tpacket_block_desc *)m)->hdr.bh1.seq_num, 3);
	ck_assert_uint_eq(bstatus(m, 0), TP_STATUS_KERNEL);
	ck_assert_int_eq(fill(s, 1), 1);
	tpsim_close(s);
}

START_TEST(v3_timer_reopens_a_returned_block)
{
	frozen_then_timer("linux");
	frozen_then_timer("linux-6.1");
}
END_TEST

START_TEST(v3_packet_with_no_room_at_all)
{
	/* priv 3976: 72 bytes for packets, less than tp_mac 82 */
	struct tpsim_sock *s;
	char *m = v3_ring(&s, "linux", 2, 60000, 3976);
	struct tpacket3_hdr *h;

	ck_assert_int_eq(fill(s, 1), 1);
	h = (void *)(m + 4096 + 4024);	/* the first block closed empty */
	ck_assert_uint_eq(bstatus(m, 0), TP_STATUS_USER);
	ck_assert_uint_eq(h->tp_mac, 72);
	ck_assert_uint_eq(h->tp_snaplen, 0);
	ck_assert_uint_eq(h->tp_len, 1500);
	tpsim_close(s);
}
END_TEST

static void *wire_reader(void *arg)
{
	static char buf[2048];

	return (void *)(intptr_t)tpsim_wire_recv(arg, buf, sizeof(buf), 0);
}

START_TEST(tx_blocking_paths)
{
	struct tpsim_create_opts o = { .sz = sizeof(o),
				       .wire = TPSIM_WIRE_HOLD,
				       .type = SOCK_DGRAM };
	struct tpacket_req r = { 4096, 1, 2048, 2 };
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_802_3),
				  .sll_ifindex = 1, .sll_halen = 6 };
	struct tpsim_wire_stats ws;
	struct tpsim_sock *s;
	struct tpacket2_hdr *h;
	pthread_t th;
	void *ret, *m;
	char buf[64];

	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_TX_RING, &r,
					  sizeof(r)),
			 0);
	ck_assert_int_eq(tpsim_mmap(s, NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, &m),
			 0);
	ck_assert_int_eq(tpsim_wire_recv(s, buf, sizeof(buf), MSG_PEEK),
			 -EINVAL);
	ck_assert_int_eq(tpsim_wire_recv(s, NULL, 1, 0), -EFAULT);
	ck_assert_int_eq(tpsim_wire_stats_get(s, NULL), -EINVAL);
	ck_assert_int_eq(tpsim_send(NULL, NULL, 0), -EINVAL);
	/* a reader waits for the wire; a blocking send (no SO_SNDTIMEO)
	 * waits for the reader to complete the frame */
	ck_assert_int_eq(pthread_create(&th, NULL, wire_reader, s), 0);
	h = m;
	memset((char *)m + 32, 0x5a, 40);
	h->tp_len = 40;
	tpsim_frame_send_request(h, TPACKET_V2);
	/* ETH_P_802_3: the type field carries the length */
	ck_assert_int_eq(tpsim_send(s, &to, 0), 40);
	ck_assert_int_eq(pthread_join(th, &ret), 0);
	ck_assert_int_eq((intptr_t)ret, 54);
	ck_assert_int_eq(tpsim_wire_stats_get(s, &ws), 0);
	ck_assert_uint_eq(ws.sending, 0);
	/* tp_len with bit 31 set: negative for the kernel's int */
	h = (void *)((char *)m + 2048);
	h->tp_len = 0x80000000u;
	tpsim_frame_send_request(h, TPACKET_V2);
	ck_assert_int_eq(tpsim_send(s, &to, 0), -EINVAL);
	tpsim_close(s);
}
END_TEST

START_TEST(more_option_lengths)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	int v = 0;

	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_VNET_HDR, &v,
					  2),
			 -EINVAL);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_IGNORE_OUTGOING,
					  &v, 2),
			 -EINVAL);
	ck_assert_int_eq(t_setint(s, PACKET_VNET_HDR, 0), 0);
	ck_assert_int_eq(t_getint(s, PACKET_VNET_HDR, &v), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(t_setint(s, PACKET_IGNORE_OUTGOING, 1), 0);
	ck_assert_int_eq(t_getint(s, PACKET_IGNORE_OUTGOING, &v), 0);
	ck_assert_int_eq(v, 1);
	tpsim_close(s);
}
END_TEST

START_TEST(no_ring_queue_overflows_into_drops)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	int small = 0;	/* the minimum, 2304 bytes */
	uint8_t f[300];
	unsigned int packets, drops;

	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small,
					  sizeof(small)),
			 0);
	t_eth(f, sizeof(f), t_bcast, 0x88b5);
	/* 1280 charged each (a TAP's truesize of 300 bytes): the second
	 * passes the 2304 limit, the third finds it full */
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DROPPED);
	t_stats(s, &packets, &drops);
	ck_assert_uint_eq(packets, 3);
	ck_assert_uint_eq(drops, 1);
	tpsim_close(s);
}
END_TEST

static void *recv_forever(void *arg)
{
	char buf[16];

	return (void *)(intptr_t)tpsim_recv(arg, buf, sizeof(buf), 0);
}

START_TEST(recv_is_interruptible)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	pthread_t th;

	ck_assert_int_eq(pthread_create(&th, NULL, recv_forever, s), 0);
	ck_assert_int_eq(interrupt(th), -EINTR);
	tpsim_close(s);
}
END_TEST

START_TEST(real_clock_timer_idles_without_a_ring)
{
	struct tpsim_sock *s = t_sock_profile("linux");
	struct tpacket_req3 r = { 4096, 1, 2048, 2, 5, 0, 0 };
	struct tpacket_req3 none = { 0 };

	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V3), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING, &r,
					  sizeof(r)),
			 0);
	usleep(20000);	/* a few expiries on an empty block */
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING, &none,
					  sizeof(none)),
			 0);
	usleep(20000);	/* the thread now waits for a ring */
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING, &r,
					  sizeof(r)),
			 0);
	tpsim_close(s);	/* stops the thread */
}
END_TEST

Suite *suite_edges(void)
{
	Suite *s = suite_create("edges");
	TCase *tc = tcase_create("edges");

	tcase_add_test(tc, create_rejects_bad_options);
	tcase_add_test(tc, out_of_descriptors);
	tcase_add_test(tc, out_of_address_space);
	tcase_add_test(tc, mappings_are_counted_to_sixteen);
	tcase_add_test(tc, ring_accessors_check_their_arguments);
	tcase_add_test(tc, sockopt_null_and_short_arguments);
	tcase_add_test(tc, every_readable_option_reads_back);
	tcase_add_test(tc, recv_blocks_until_a_packet);
	tcase_add_test(tc, poll_is_interruptible);
	tcase_add_test(tc, clock_arguments);
	tcase_add_test(tc, rawip_links_guess_the_protocol);
	tcase_add_test(tc, netoff_beyond_16_bits_is_dropped);
	tcase_add_test(tc, rx_copy_shorter_than_the_link_header);
	tcase_add_test(tc, v3_room_ahead_but_frozen_block_still_held);
	tcase_add_test(tc, v3_timer_reopens_a_returned_block);
	tcase_add_test(tc, v3_packet_with_no_room_at_all);
	tcase_add_test(tc, tx_blocking_paths);
	tcase_add_test(tc, more_option_lengths);
	tcase_add_test(tc, no_ring_queue_overflows_into_drops);
	tcase_add_test(tc, recv_is_interruptible);
	tcase_add_test(tc, real_clock_timer_idles_without_a_ring);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
