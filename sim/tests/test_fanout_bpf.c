// SPDX-License-Identifier: MIT
/*
 * A fanout group's program (N18, N19) and what a group sees of a sent
 * frame by kernel version (N20): PACKET_FANOUT_DATA's refusals
 * for CBPF and EBPF groups, and what the program of a CBPF group sees of
 * a frame: the network header at offset 0 of an arriving frame, the
 * link header of a sent one, the tag taken off, pkt_type from the
 * device's address, the packet's metadata. The errnos are Linux 6.18's
 * (conformance cases dev.fanout_data_rules and dev.fanout_cbpf_pick).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <net/if_arp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "t_helpers.h"

#ifndef PACKET_FANOUT_FLAG_IGNORE_OUTGOING	/* uapi headers before 6.2 */
#define PACKET_FANOUT_FLAG_IGNORE_OUTGOING 0x4000
#endif

static int set_prog(struct tpsim_sock *s, const struct sock_filter *f,
		    unsigned short len)
{
	struct sock_fprog p = { .len = len,
				.filter = (struct sock_filter *)f };

	return tpsim_setsockopt(s, SOL_PACKET, PACKET_FANOUT_DATA, &p,
				sizeof(p));
}

static int set_fd(struct tpsim_sock *s, uint32_t fd)
{
	return tpsim_setsockopt(s, SOL_PACKET, PACKET_FANOUT_DATA, &fd,
				sizeof(fd));
}

static void lock_filter(struct tpsim_sock *s)
{
	int one = 1;

	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_LOCK_FILTER, &one,
					  sizeof(one)),
			 0);
}

/* A program returning the byte at k (A = P[k:1]; ret A). */
#define BYTE_AT(name, k)                                             \
	const struct sock_filter name[] = {                          \
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, (uint32_t)(k)),   \
		BPF_STMT(BPF_RET | BPF_A, 0),                        \
	}
/* A program returning an ancillary load (SKF_AD_OFF + what). */
#define ANC(name, what)                                                    \
	const struct sock_filter name[] = {                                \
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,                         \
			 (uint32_t)(SKF_AD_OFF + (what))),                 \
		BPF_STMT(BPF_RET | BPF_A, 0),                              \
	}

static struct sock_filter big[2400];

START_TEST(cbpf_data_rules)
{
	static BYTE_AT(ok, 19);
	static const struct sock_filter no_ret[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
	};
	struct sock_fprog fp = { .len = 2, .filter = (struct sock_filter *)ok };
	struct t_env e;
	struct tpsim_sock *c, *l;
	int i = 0;

	t_env_open(&e, TPSIM_DEV_TAP);
	c = t_sock_in(&e, ETH_P_IP);
	l = t_sock_in(&e, ETH_P_IP);
	ck_assert_int_eq(set_prog(c, ok, 2), -EINVAL);	/* no group yet */
	ck_assert_int_eq(t_join(c, 1, PACKET_FANOUT_CBPF, 0, 4), 0);
	ck_assert_int_eq(t_join(l, 2, PACKET_FANOUT_HASH, 0, 4), 0);
	ck_assert_int_eq(set_prog(l, ok, 2), -EINVAL);
	ck_assert_str_eq(tpsim_strerror_detail(l),
			 "N12: PACKET_FANOUT_DATA for group 2 of mode 0, not "
			 "CBPF or EBPF");
	ck_assert_int_eq(tpsim_setsockopt(c, SOL_PACKET, PACKET_FANOUT_DATA,
					  &fp, sizeof(fp) - 1),
			 -EINVAL);
	ck_assert_int_eq(tpsim_setsockopt(c, SOL_PACKET, PACKET_FANOUT_DATA,
					  NULL, sizeof(fp)),
			 -EFAULT);
	ck_assert_int_eq(set_prog(c, NULL, 2), -EINVAL);
	ck_assert_int_eq(set_prog(c, ok, 0), -EINVAL);
	ck_assert_int_eq(set_prog(c, ok, BPF_MAXINSNS + 1), -EINVAL);
	ck_assert_int_eq(set_prog(c, no_ret, 1), -EINVAL);
	ck_assert_msg(!strncmp(tpsim_strerror_detail(c), "N18: F4", 7), "%s",
		      tpsim_strerror_detail(c));
	/* a program SO_ATTACH_FILTER refuses for its optmem charge (2340
	 * loads behind a JA) is taken: a group's program is not charged;
	 * one more load and the JA no longer converts */
	big[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 2340, 0, 0);
	for (int j = 0; j < 2340; j++)
		big[i++] = (struct sock_filter)BPF_STMT(
			BPF_LD | BPF_W | BPF_ABS, 1);
	big[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 1);
	ck_assert_int_eq(set_prog(c, big, (unsigned short)i), 0);
	big[0].k = 2341;
	big[i - 1] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 1);
	big[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 1);
	ck_assert_int_eq(set_prog(c, big, (unsigned short)i), -EINVAL);
	ck_assert_msg(!strncmp(tpsim_strerror_detail(c), "N18: F8", 7), "%s",
		      tpsim_strerror_detail(c));
	ck_assert_int_eq(set_prog(c, ok, 2), 0);
	/* locked: EPERM whatever the length */
	lock_filter(c);
	ck_assert_int_eq(set_prog(c, ok, 2), -EPERM);
	ck_assert_int_eq(tpsim_setsockopt(c, SOL_PACKET, PACKET_FANOUT_DATA,
					  &fp, 4),
			 -EPERM);
	ck_assert_str_eq(tpsim_strerror_detail(c),
			 "N18: the socket's filter is locked (SO_LOCK_FILTER)");
	tpsim_close(c);	/* the last member frees the group's program */
	tpsim_close(l);
	tpsim_net_destroy(e.n);
}
END_TEST

/* An eBPF program of type type (two instructions: r0 = 0; exit), or -1
 * when this host does not let us load one. */
static int load_ebpf(uint32_t type)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = type;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = 2;
	a.license = (uint64_t)(uintptr_t)"MIT";
	return (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
}

START_TEST(ebpf_data_rules)
{
	struct t_env e;
	struct tpsim_sock *s;
	int fds[2], prog, xdp;
	uint16_t shortfd = 0;

	t_env_open(&e, TPSIM_DEV_TAP);
	s = t_sock_in(&e, ETH_P_IP);
	ck_assert_int_eq(t_join(s, 3, PACKET_FANOUT_EBPF, 0, 4), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_FANOUT_DATA,
					  &shortfd, sizeof(shortfd)),
			 -EINVAL);
	ck_assert_int_eq(set_fd(s, 0xffffffffu), -EBADF);
	ck_assert_int_eq(set_fd(s, 100000), -EBADF);
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(set_fd(s, (uint32_t)fds[0]), -EINVAL);
	/* a program the kernel would take: refused, not faked; one of
	 * another type: the kernel's EINVAL */
	prog = load_ebpf(BPF_PROG_TYPE_SOCKET_FILTER);
	xdp = load_ebpf(BPF_PROG_TYPE_XDP);
	ck_assert_msg(prog >= 0 && xdp >= 0,
		      "bpf(BPF_PROG_LOAD): %d %d (the unit tests run as root)",
		      prog, xdp);
	ck_assert_int_eq(set_fd(s, (uint32_t)prog), -EOPNOTSUPP);
	ck_assert_msg(strstr(tpsim_strerror_detail(s), "not simulated"), "%s",
		      tpsim_strerror_detail(s));
	ck_assert_int_eq(set_fd(s, (uint32_t)xdp), -EINVAL);
	close(prog);
	close(xdp);
	lock_filter(s);
	ck_assert_int_eq(set_fd(s, (uint32_t)fds[0]), -EPERM);
	close(fds[0]);
	close(fds[1]);
	tpsim_close(s);
	tpsim_net_destroy(e.n);
}
END_TEST

/* The member of a 16-member CBPF group that frame b (len bytes, flags
 * set) goes to, by index of m. */
static int pick(struct tpsim_dev *d, struct tpsim_sock *const m[16],
		const struct tpsim_packet *p)
{
	struct tpsim_dev_result r[1];
	int n = tpsim_dev_deliver(d, p, 3, 5, r, 1);

	ck_assert_int_eq(n, 1);
	for (int i = 0; i < 16; i++)
		if (r[0].sock == m[i])
			return i;
	return -1;
}

static void group(struct t_env *e, struct tpsim_sock *m[16], uint16_t proto,
		  uint16_t id)
{
	for (int i = 0; i < 16; i++) {
		m[i] = t_sock_in(e, proto);
		ck_assert_int_eq(t_join(m[i], id, PACKET_FANOUT_CBPF, 0, 4), 0);
	}
}

START_TEST(cbpf_view_ether)
{
	static BYTE_AT(net9, 9);		/* IPv4 protocol */
	static BYTE_AT(ll15, SKF_LL_OFF + 15);	/* past the tag? */
	static BYTE_AT(ll13, SKF_LL_OFF + 13);
	static ANC(pkttype, SKF_AD_PKTTYPE);
	static ANC(proto, SKF_AD_PROTOCOL);
	static ANC(vlan, SKF_AD_VLAN_TAG_PRESENT);
	static ANC(tci, SKF_AD_VLAN_TAG);
	static ANC(cpu, SKF_AD_CPU);
	static ANC(queue, SKF_AD_QUEUE);
	static ANC(mark, SKF_AD_MARK);
	static ANC(hash, SKF_AD_RXHASH);
	static ANC(ifindex, SKF_AD_IFINDEX);
	static ANC(random, SKF_AD_RANDOM);
	struct t_env e;
	struct tpsim_sock *a[16], *ip[16];
	uint8_t b[64];
	struct tpsim_packet p = { .sz = sizeof(p), .data = b, .len = 64 };

	t_env_open(&e, TPSIM_DEV_TAP);
	group(&e, a, ETH_P_ALL, 1);
	t_udp_frame(b, t_dev_addr, 1, 2, 1000, 53);
	ck_assert_int_eq(set_prog(a[0], net9, 2), 0);
	ck_assert_int_eq(pick(e.d, a, &p), 17 % 16);
	ck_assert_int_eq(set_prog(a[0], pkttype, 2), 0);
	ck_assert_int_eq(pick(e.d, a, &p), PACKET_HOST);
	b[0] = 0xff, b[1] = 0xff, b[2] = 0xff;
	b[3] = 0xff, b[4] = 0xff, b[5] = 0xff;
	ck_assert_int_eq(pick(e.d, a, &p), PACKET_BROADCAST);
	b[5] = 0xfe;
	ck_assert_int_eq(pick(e.d, a, &p), PACKET_MULTICAST);
	b[0] = 0x02;
	ck_assert_int_eq(pick(e.d, a, &p), PACKET_OTHERHOST);
	p.flags = TPSIM_PKT_PKTTYPE;
	p.pkttype = PACKET_LOOPBACK;
	ck_assert_int_eq(pick(e.d, a, &p), PACKET_LOOPBACK);
	p.flags = 0;
	ck_assert_int_eq(set_prog(a[0], cpu, 2), 0);
	ck_assert_int_eq(pick(e.d, a, &p), 3);
	ck_assert_int_eq(set_prog(a[0], ifindex, 2), 0);
	ck_assert_int_eq(pick(e.d, a, &p), 1);
	ck_assert_int_eq(set_prog(a[0], queue, 2), 0);
	p.queue_mapping = 7;
	ck_assert_int_eq(pick(e.d, a, &p), 7);
	/* a tpsim_packet from before queue_mapping and mark: 0 */
	p.sz = offsetof(struct tpsim_packet, mark);
	ck_assert_int_eq(pick(e.d, a, &p), 0);
	p.sz = sizeof(p);
	ck_assert_int_eq(set_prog(a[0], mark, 2), 0);
	p.mark = 0x2c;
	ck_assert_int_eq(pick(e.d, a, &p), 0x2c % 16);
	ck_assert_int_eq(set_prog(a[0], hash, 2), 0);
	ck_assert_int_eq(pick(e.d, a, &p), 0);
	p.flags = TPSIM_PKT_RXHASH;
	p.rxhash = 0x1234569;
	ck_assert_int_eq(pick(e.d, a, &p), 9);
	p.flags = 0;
	/* SKF_AD_RANDOM: the group's own generator, some member */
	ck_assert_int_eq(set_prog(a[0], random, 2), 0);
	ck_assert_int_ge(pick(e.d, a, &p), 0);

	/* a tag in the data: taken off for the taps of every protocol */
	memmove(b + 18, b + 14, 46);
	b[12] = 0x81, b[13] = 0x00, b[14] = 0x20, b[15] = 0x05;
	b[16] = 0x08, b[17] = 0x00;
	ck_assert_int_eq(set_prog(a[0], vlan, 2), 0);
	ck_assert_int_eq(pick(e.d, a, &p), 1);
	ck_assert_int_eq(set_prog(a[0], tci, 2), 0);
	ck_assert_int_eq(pick(e.d, a, &p), 5);
	ck_assert_int_eq(set_prog(a[0], proto, 2), 0);
	ck_assert_int_eq(pick(e.d, a, &p), 0x800 % 16);
	ck_assert_int_eq(set_prog(a[0], ll13, 2), 0);
	ck_assert_int_eq(pick(e.d, a, &p), 0);	/* 0x0800's low byte */
	ck_assert_int_eq(set_prog(a[0], net9, 2), 0);
	ck_assert_int_eq(pick(e.d, a, &p), 17 % 16);
	/* a tag outside the data (TPSIM_PKT_VLAN) is kept as it is */
	p.flags = TPSIM_PKT_VLAN;
	p.vlan_tci = 3;
	p.vlan_tpid = ETH_P_8021Q;
	ck_assert_int_eq(set_prog(a[0], tci, 2), 0);
	ck_assert_int_eq(pick(e.d, a, &p), 3);
	p.flags = 0;
	/* a tag cut short: freed before any tap; nobody is handed it */
	p.len = 19;
	ck_assert_int_eq(tpsim_dev_deliver(e.d, &p, 0, 0, NULL, 0), 0);
	p.len = 64;
	for (int i = 0; i < 16; i++)
		tpsim_close(a[i]);

	/* a group of one protocol sees the frame after the VLAN step: a VID
	 * makes it PACKET_OTHERHOST and the tag is gone; a priority tag
	 * around another tag is taken off too */
	b[0] = 0xff;	/* multicast */
	group(&e, ip, ETH_P_IP, 2);
	ck_assert_int_eq(set_prog(ip[0], vlan, 2), 0);
	ck_assert_int_eq(pick(e.d, ip, &p), 0);
	ck_assert_int_eq(set_prog(ip[0], pkttype, 2), 0);
	ck_assert_int_eq(pick(e.d, ip, &p), PACKET_OTHERHOST);
	b[14] = 0x20, b[15] = 0x00;	/* priority tag, VID 0 */
	ck_assert_int_eq(pick(e.d, ip, &p), PACKET_MULTICAST);
	memmove(b + 18, b + 14, 42);	/* 8100 0000 8100 0007 0800 */
	b[14] = 0x00, b[15] = 0x00, b[16] = 0x81, b[17] = 0x00;
	b[18] = 0x00, b[19] = 0x07, b[20] = 0x08, b[21] = 0x00;
	ck_assert_int_eq(pick(e.d, ip, &p), PACKET_OTHERHOST);
	b[19] = 0x00;	/* both priority tags */
	ck_assert_int_eq(set_prog(ip[0], ll15, 2), 0);
	ck_assert_int_eq(pick(e.d, ip, &p), b[23]);
	/* the inner tag cut short: untagging it frees the frame before the
	 * protocol's group (dev.fanout_priority_inner_cut on the kernel) */
	p.len = 23;
	ck_assert_int_eq(tpsim_dev_deliver(e.d, &p, 0, 0, NULL, 0), 0);
	p.len = 24;
	ck_assert_int_eq(tpsim_dev_deliver(e.d, &p, 0, 0, NULL, 0), 1);
	for (int i = 0; i < 16; i++)
		tpsim_close(ip[i]);
	tpsim_net_destroy(e.n);
}
END_TEST

START_TEST(cbpf_view_other)
{
	static BYTE_AT(at0, 0);
	static ANC(proto, SKF_AD_PROTOCOL);
	static ANC(pkttype, SKF_AD_PKTTYPE);
	struct tpsim_dev_opts o = { .sz = sizeof(o), .ifindex = 5,
				    .hatype = ARPHRD_NONE };
	struct t_env e;
	struct tpsim_dev *tun;
	struct tpsim_sock *a[16];
	uint8_t b[64];
	struct tpsim_packet p = { .sz = sizeof(p), .data = b, .len = 64 };

	t_env_open(&e, TPSIM_DEV_TAP);
	ck_assert_int_eq(tpsim_dev_add(e.n, &o, &tun), 0);
	for (int i = 0; i < 16; i++) {
		a[i] = t_sock_in(&e, ETH_P_ALL);
		ck_assert_int_eq(t_bind_to(a[i], 5, ETH_P_ALL), 0);
		ck_assert_int_eq(t_join(a[i], 4, PACKET_FANOUT_CBPF, 0, 4), 0);
	}
	/* no link header: offset 0 is the network header; the protocol
	 * from its version nibble, or as the packet names it */
	memset(b, 0, sizeof(b));
	b[0] = 0x45;
	ck_assert_int_eq(set_prog(a[0], at0, 2), 0);
	ck_assert_int_eq(pick(tun, a, &p), 0x45 % 16);
	ck_assert_int_eq(set_prog(a[0], proto, 2), 0);
	ck_assert_int_eq(pick(tun, a, &p), ETH_P_IP % 16);
	b[0] = 0x60;
	ck_assert_int_eq(pick(tun, a, &p), ETH_P_IPV6 % 16);
	b[0] = 0x10;
	ck_assert_int_eq(pick(tun, a, &p), 0);
	p.flags = TPSIM_PKT_PROTOCOL | TPSIM_PKT_PKTTYPE;
	p.protocol = htons(0x88b5);
	p.pkttype = PACKET_MULTICAST;
	ck_assert_int_eq(pick(tun, a, &p), 0x88b5 % 16);
	ck_assert_int_eq(set_prog(a[0], pkttype, 2), 0);
	ck_assert_int_eq(pick(tun, a, &p), PACKET_MULTICAST);
	p.len = 0;
	ck_assert_int_eq(set_prog(a[0], proto, 2), 0);
	p.flags = 0;
	ck_assert_int_eq(pick(tun, a, &p), 0);
	for (int i = 0; i < 16; i++)
		tpsim_close(a[i]);

	/* Ethernet: an 802.3 length field is ETH_P_802_3 with a raw IPX
	 * 0xffff after it, else ETH_P_802_2 */
	p.len = 64;
	for (int i = 0; i < 16; i++) {
		a[i] = t_sock_in(&e, ETH_P_ALL);
		ck_assert_int_eq(t_bind_to(a[i], 1, ETH_P_ALL), 0);
		ck_assert_int_eq(t_join(a[i], 6, PACKET_FANOUT_CBPF, 0, 4), 0);
	}
	ck_assert_int_eq(set_prog(a[0], proto, 2), 0);
	t_eth(b, 64, t_dev_addr, 46);
	b[14] = 0xff, b[15] = 0xff;
	ck_assert_int_eq(pick(e.d, a, &p), ETH_P_802_3 % 16);
	b[14] = 0xaa;
	ck_assert_int_eq(pick(e.d, a, &p), ETH_P_802_2 % 16);
	/* an outgoing copy: offset 0 at the link header, the protocol the
	 * type field as it is, or as the packet names it */
	t_eth(b, 64, t_dev_addr, ETH_P_8021Q);
	p.flags = TPSIM_PKT_PKTTYPE;
	p.pkttype = PACKET_OUTGOING;
	ck_assert_int_eq(pick(e.d, a, &p), ETH_P_8021Q % 16);
	p.flags |= TPSIM_PKT_PROTOCOL;
	p.protocol = htons(ETH_P_IP);
	ck_assert_int_eq(pick(e.d, a, &p), ETH_P_IP % 16);
	ck_assert_int_eq(set_prog(a[0], at0, 2), 0);
	ck_assert_int_eq(pick(e.d, a, &p), t_dev_addr[0] % 16);
	for (int i = 0; i < 16; i++)
		tpsim_close(a[i]);
	tpsim_net_destroy(e.n);
}
END_TEST

/* N20: PACKET_FANOUT_FLAG_IGNORE_OUTGOING keeps a group from what the
 * device sends since 6.2; 6.1 (profile linux-6.1) only shows the bit. */
START_TEST(ignore_outgoing_by_profile)
{
	static const char *const prof[2] = { "linux", "linux-6.1" };
	struct tpacket_req req = { .tp_block_size = 4096, .tp_block_nr = 1,
				   .tp_frame_size = 2048, .tp_frame_nr = 2 };

	for (int k = 0; k < 2; k++) {
		struct t_env e;
		struct tpsim_sock *g, *tx;
		struct tpacket2_hdr *h;
		void *ring;
		int v;

		t_env_open(&e, TPSIM_DEV_TAP);
		g = t_sock_opts(SOCK_RAW, ETH_P_ALL, prof[k], 0, 0);
		tx = t_sock_opts(SOCK_RAW, ETH_P_ALL, prof[k], 0, 0);
		ck_assert_int_eq(tpsim_net_add_sock(e.n, g), 0);
		ck_assert_int_eq(tpsim_net_add_sock(e.n, tx), 0);
		ck_assert_int_eq(t_bind_to(g, 1, ETH_P_ALL), 0);
		ck_assert_int_eq(t_bind_to(tx, 1, ETH_P_ALL), 0);
		ck_assert_int_eq(t_join(g, 5, PACKET_FANOUT_LB |
					      PACKET_FANOUT_FLAG_IGNORE_OUTGOING,
					0, 4),
				 0);
		ck_assert_int_eq(t_getint(g, PACKET_FANOUT, &v), 0);
		ck_assert_int_eq(v, 0x40010005);
		ck_assert_int_eq(t_setint(tx, PACKET_VERSION, TPACKET_V2), 0);
		ck_assert_int_eq(tpsim_setsockopt(tx, SOL_PACKET,
						  PACKET_TX_RING, &req,
						  sizeof(req)),
				 0);
		ck_assert_int_eq(tpsim_mmap(tx, NULL, 4096,
					    PROT_READ | PROT_WRITE, MAP_SHARED,
					    0, &ring),
				 0);
		h = ring;
		t_eth((uint8_t *)h + 32, 60, t_bcast, 0x88b5);
		h->tp_len = 60;
		tpsim_frame_send_request(h, TPACKET_V2);
		ck_assert_int_eq(tpsim_send(tx, NULL, 0), 60);
		ck_assert_uint_eq(t_packets(g), (unsigned int)k);
		ck_assert_int_eq(tpsim_munmap(tx, ring, 4096), 0);
		tpsim_close(tx);
		tpsim_close(g);
		tpsim_net_destroy(e.n);
	}
}
END_TEST

Suite *suite_fanout_bpf(void)
{
	Suite *s = suite_create("fanout_bpf");
	TCase *tc = tcase_create("fanout_bpf");

	tcase_add_test(tc, cbpf_data_rules);
	tcase_add_test(tc, ebpf_data_rules);
	tcase_add_test(tc, cbpf_view_ether);
	tcase_add_test(tc, cbpf_view_other);
	tcase_add_test(tc, ignore_outgoing_by_profile);
	suite_add_tcase(s, tc);
	return s;
}
