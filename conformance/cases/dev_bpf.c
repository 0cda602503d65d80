// SPDX-License-Identifier: MIT
/*
 * Description: a fanout group's program and what the groups see of what
 * a socket sends (rules N12, N18-N20): PACKET_FANOUT_DATA's refusals for
 * CBPF and EBPF groups, the member a classic program picks (its answer
 * modulo the members; none: the first), where the program's offset 0 is
 * (the network header of an arriving frame, the link header of a sent
 * one), and which groups get a copy of a sent frame.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tpc.h"
#include "tpc_dev.h"

#ifndef PACKET_FANOUT_FLAG_IGNORE_OUTGOING	/* uapi headers before 6.2 */
#define PACKET_FANOUT_FLAG_IGNORE_OUTGOING 0x4000
#endif

static int join(struct tpc_t *t, struct tpc_sock *s, uint16_t id,
		uint16_t type_flags)
{
	int v = (int)((uint32_t)id | (uint32_t)type_flags << 16);

	return t->ops->setsockopt(s, SOL_PACKET, PACKET_FANOUT, &v, sizeof(v));
}

static int set_prog(struct tpc_t *t, struct tpc_sock *s,
		    const struct sock_filter *f, unsigned short len,
		    socklen_t optlen)
{
	struct sock_fprog p = { .len = len,
				.filter = (struct sock_filter *)f };

	return t->ops->setsockopt(s, SOL_PACKET, PACKET_FANOUT_DATA, &p,
				  optlen);
}

static int set_fd(struct tpc_t *t, struct tpc_sock *s, int fd,
		  socklen_t optlen)
{
	return t->ops->setsockopt(s, SOL_PACKET, PACKET_FANOUT_DATA, &fd,
				  optlen);
}

static const struct sock_filter ret_a_at_19[] = {
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 19),
	BPF_STMT(BPF_RET | BPF_A, 0),
};

static struct sock_filter big[2343];

/* A JA over n 4-byte loads (14 eBPF instructions each), then RET 1. */
static unsigned short far_ja(unsigned int n)
{
	unsigned int i = 0;

	big[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, n, 0, 0);
	for (unsigned int j = 0; j < n; j++)
		big[i++] = (struct sock_filter)BPF_STMT(
			BPF_LD | BPF_W | BPF_ABS, 1);
	big[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 1);
	return (unsigned short)i;
}

/* N12, N18: what PACKET_FANOUT_DATA refuses, and in which order. */
static void fanout_data_rules(struct tpc_t *t)
{
	static const struct sock_filter no_ret[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
	};
	static const struct sock_filter far_jump[] = {
		BPF_JUMP(BPF_JMP | BPF_JA, 5, 0, 0),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct tpc_sock *c, *l, *e;
	int fds[2], lock = 1;

	REQUIRE(t, tpc_has_dev(t, false));
	c = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	l = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	e = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, c && l && e);
	EXPECT_ERR(t, join(t, c, 320, PACKET_FANOUT_CBPF), 0);
	EXPECT_ERR(t, join(t, l, 321, PACKET_FANOUT_LB), 0);
	EXPECT_ERR(t, join(t, e, 322, PACKET_FANOUT_EBPF), 0);
	/* a group of another mode */
	EXPECT_ERR(t, set_prog(t, l, ret_a_at_19, 2,
			       sizeof(struct sock_fprog)),
		   -EINVAL);
	/* CBPF: struct sock_fprog exactly, then the program's checks */
	EXPECT_ERR(t, set_prog(t, c, ret_a_at_19, 2, 4), -EINVAL);
	EXPECT_ERR(t, set_prog(t, c, ret_a_at_19, 2,
			       sizeof(struct sock_fprog) + 1),
		   -EINVAL);
	EXPECT_ERR(t, set_prog(t, c, NULL, 2, sizeof(struct sock_fprog)),
		   -EINVAL);
	EXPECT_ERR(t, set_prog(t, c, ret_a_at_19, 0,
			       sizeof(struct sock_fprog)),
		   -EINVAL);
	EXPECT_ERR(t, set_prog(t, c, ret_a_at_19, BPF_MAXINSNS + 1,
			       sizeof(struct sock_fprog)),
		   -EINVAL);
	EXPECT_ERR(t, set_prog(t, c, no_ret, 1, sizeof(struct sock_fprog)),
		   -EINVAL);
	EXPECT_ERR(t, set_prog(t, c, far_jump, 2, sizeof(struct sock_fprog)),
		   -EINVAL);
	/* the farthest JA that converts (2340 loads), which
	 * SO_ATTACH_FILTER refuses for optmem (F8): a group's program is
	 * not charged; one load more does not convert */
	EXPECT_ERR(t, set_prog(t, c, big, far_ja(2340),
			       sizeof(struct sock_fprog)),
		   0);
	EXPECT_ERR(t, set_prog(t, c, big, far_ja(2341),
			       sizeof(struct sock_fprog)),
		   -EINVAL);
	EXPECT_ERR(t, set_prog(t, c, ret_a_at_19, 2,
			       sizeof(struct sock_fprog)),
		   0);
	/* EBPF: an fd; none open EBADF, one that is no program EINVAL */
	EXPECT_ERR(t, set_fd(t, e, 0, 2), -EINVAL);
	EXPECT_ERR(t, set_fd(t, e, 0, 8), -EINVAL);
	EXPECT_ERR(t, set_fd(t, e, -1, 4), -EBADF);
	/* a number no file is open on: a pipe's, closed */
	REQUIRE(t, !pipe(fds));
	close(fds[0]);
	close(fds[1]);
	EXPECT_ERRNO(t, "a closed fd", -EBADF, set_fd(t, e, fds[0], 4));
	REQUIRE(t, !pipe(fds));
	EXPECT_ERRNO(t, "a pipe's fd", -EINVAL, set_fd(t, e, fds[0], 4));
	close(fds[0]);
	close(fds[1]);
	/* SO_LOCK_FILTER: EPERM before the length is looked at */
	EXPECT_ERR(t, t->ops->setsockopt(c, SOL_SOCKET, SO_LOCK_FILTER, &lock,
					 sizeof(lock)),
		   0);
	EXPECT_ERR(t, set_prog(t, c, ret_a_at_19, 2,
			       sizeof(struct sock_fprog)),
		   -EPERM);
	EXPECT_ERR(t, set_prog(t, c, ret_a_at_19, 2, 4), -EPERM);
	EXPECT_ERR(t, t->ops->setsockopt(e, SOL_SOCKET, SO_LOCK_FILTER, &lock,
					 sizeof(lock)),
		   0);
	EXPECT_ERR(t, set_fd(t, e, -1, 2), -EPERM);
	/* the lock does not concern a group of another mode */
	EXPECT_ERR(t, t->ops->setsockopt(l, SOL_SOCKET, SO_LOCK_FILTER, &lock,
					 sizeof(lock)),
		   0);
	EXPECT_ERR(t, set_prog(t, l, ret_a_at_19, 2, 4), -EINVAL);
}

/* N19: the program's answer modulo the members, from the network header
 * of an arriving frame (SKF_LL_OFF reaches the link header); a new
 * program replaces the old, a refused one leaves it; no program: the
 * first member. */
static void fanout_cbpf_pick(struct tpc_t *t)
{
	static const struct sock_filter src_mac[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, SKF_LL_OFF + 11),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	static const struct sock_filter big[] = {
		BPF_STMT(BPF_RET | BPF_K, 0xfffffffeu),
	};
	static const struct sock_filter proto[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	static const struct sock_filter bad[] = {
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	static const uint8_t dst[] = { 0, 1, 2, 3, 4, 5, 7 };
	/* after the first 2, read (and reset) before: 0 and 3; 1, 4, 7
	 * and 2 by the source; 2, 5 and the last three */
	static const unsigned int want[3] = { 2, 5, 5 };
	struct tpc_sock *m[3];
	uint8_t pkt[64];

	REQUIRE(t, tpc_has_dev(t, false));
	for (int i = 0; i < 3; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
		REQUIRE(t, m[i]);
		EXPECT_ERR(t, join(t, m[i], 323, PACKET_FANOUT_CBPF), 0);
	}
	/* no program: member 0 (2 frames) */
	tpc_ipv4_frame(pkt, sizeof(pkt), 4, 1);
	for (int i = 0; i < 2; i++)
		REQUIRE(t, !tpc_arrive(t, pkt, sizeof(pkt)));
	EXPECT_EQ(t, "member 0 without a program", 2, tpc_packets(t, m[0]));
	/* byte 19 from the network header: the IPv4 destination's last
	 * byte (from the link header it would be the IP id's, 0) */
	REQUIRE(t, !set_prog(t, m[1], ret_a_at_19, 2,
			     sizeof(struct sock_fprog)));
	for (unsigned int i = 0; i < sizeof(dst); i++) {
		tpc_ipv4_frame(pkt, sizeof(pkt), 4, dst[i]);
		REQUIRE(t, !tpc_arrive(t, pkt, sizeof(pkt)));
	}
	/* the link header's source address: 4 % 3 */
	REQUIRE(t, !set_prog(t, m[2], src_mac, 2, sizeof(struct sock_fprog)));
	for (int i = 0; i < 2; i++)
		REQUIRE(t, !tpc_arrive(t, pkt, sizeof(pkt)));
	/* an unsigned answer: 0xfffffffe % 3 = 2; a refused program
	 * leaves it in place */
	REQUIRE(t, !set_prog(t, m[0], big, 1, sizeof(struct sock_fprog)));
	REQUIRE(t, !tpc_arrive(t, pkt, sizeof(pkt)));
	EXPECT_ERR(t, set_prog(t, m[0], bad, 2, sizeof(struct sock_fprog)),
		   -EINVAL);
	REQUIRE(t, !tpc_arrive(t, pkt, sizeof(pkt)));
	/* SKF_AD_PROTOCOL: 0x800 % 3 = 2 */
	REQUIRE(t, !set_prog(t, m[0], proto, 2, sizeof(struct sock_fprog)));
	REQUIRE(t, !tpc_arrive(t, pkt, sizeof(pkt)));
	for (int i = 0; i < 3; i++) {
		tpc_note(t, "member %d", i);
		EXPECT_EQ(t, "frames", want[i], tpc_packets(t, m[i]));
	}
}

/* N19: a tag in the data is off before a group's program runs: a group
 * of every protocol sees it in the VLAN fields and the network header at
 * offset 0; a group of one protocol sees no tag, and PACKET_OTHERHOST for
 * a VID no VLAN device takes. */
static void fanout_cbpf_vlan(struct tpc_t *t)
{
	static const struct sock_filter tag[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	static const struct sock_filter pkttype[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	static const struct sock_filter proto9[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	static const unsigned int want[4] = { 2, 3, 2, 3 };
	struct tpc_sock *m[4];	/* a0 a1 (ETH_P_ALL), b0 b1 (ETH_P_IP) */
	uint8_t tagged[68], plain[64];

	REQUIRE(t, tpc_has_dev(t, false));
	for (int i = 0; i < 4; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, i < 2 ? ETH_P_ALL : ETH_P_IP);
		REQUIRE(t, m[i]);
		EXPECT_ERR(t, join(t, m[i], (uint16_t)(335 + i / 2),
				   PACKET_FANOUT_CBPF),
			   0);
	}
	REQUIRE(t, !set_prog(t, m[0], tag, 2, sizeof(struct sock_fprog)));
	REQUIRE(t, !set_prog(t, m[2], tag, 2, sizeof(struct sock_fprog)));
	tpc_ipv4_frame(plain, sizeof(plain), 4, 1);
	memcpy(tagged, plain, 12);
	tagged[12] = 0x81, tagged[13] = 0x00, tagged[14] = 0, tagged[15] = 5;
	memcpy(tagged + 16, plain + 12, sizeof(plain) - 12);
	REQUIRE(t, !tpc_arrive(t, tagged, sizeof(tagged)));
	REQUIRE(t, !tpc_arrive(t, plain, sizeof(plain)));
	REQUIRE(t, !set_prog(t, m[3], pkttype, 2, sizeof(struct sock_fprog)));
	REQUIRE(t, !tpc_arrive(t, tagged, sizeof(tagged)));
	REQUIRE(t, !tpc_arrive(t, plain, sizeof(plain)));
	REQUIRE(t, !set_prog(t, m[1], proto9, 2, sizeof(struct sock_fprog)));
	REQUIRE(t, !tpc_arrive(t, tagged, sizeof(tagged)));
	for (int i = 0; i < 4; i++) {
		tpc_note(t, "%s member %d", i < 2 ? "ETH_P_ALL" : "ETH_P_IP",
			 i % 2);
		EXPECT_EQ(t, "frames", want[i], tpc_packets(t, m[i]));
	}
}

/* N19: an EBPF group without a program hands everything to the first
 * member, as a CBPF one does. */
static void fanout_ebpf_no_program(struct tpc_t *t)
{
	struct tpc_sock *m[2];
	uint8_t pkt[64];

	REQUIRE(t, tpc_has_dev(t, false));
	for (int i = 0; i < 2; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
		REQUIRE(t, m[i]);
		EXPECT_ERR(t, join(t, m[i], 324, PACKET_FANOUT_EBPF), 0);
	}
	tpc_ipv4_frame(pkt, sizeof(pkt), 4, 1);
	for (int i = 0; i < 3; i++)
		REQUIRE(t, !tpc_arrive(t, pkt, sizeof(pkt)));
	EXPECT_EQ(t, "member 0", 3, tpc_packets(t, m[0]));
	EXPECT_EQ(t, "member 1", 0, tpc_packets(t, m[1]));
}

/* The fd of an eBPF program of type that answers ret (r0 = ret; exit),
 * or -1 with errno from bpf(BPF_PROG_LOAD) */
static int load_ret(enum bpf_prog_type type, int32_t ret)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0,
		  .imm = ret },
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

/* N12: an eBPF program of another type than BPF_PROG_TYPE_SOCKET_FILTER
 * is EINVAL (bpf_prog_get_type); SKIP where bpf(2) loads nothing. */
static void fanout_ebpf_prog_type(struct tpc_t *t)
{
	struct tpc_sock *e;
	int fd, joined, err;

	REQUIRE(t, tpc_has_dev(t, false));
	fd = load_ret(BPF_PROG_TYPE_XDP, 0);
	if (fd < 0) {
		tpc_skip(t, "bpf(BPF_PROG_LOAD) of an XDP program: %s",
			 strerror(errno));
		return;
	}
	e = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	joined = e ? join(t, e, 328, PACKET_FANOUT_EBPF) : -EBADF;
	err = joined ? joined : set_fd(t, e, fd, 4);
	close(fd);
	REQUIRE(t, e);
	EXPECT_ERR(t, joined, 0);
	EXPECT_ERRNO(t, "an XDP program's fd", -EINVAL, err);
}

/*
 * N12, N19: a BPF_PROG_TYPE_SOCKET_FILTER program is what an EBPF group
 * takes (fanout_set_data_ebpf), and its answer modulo the members picks
 * one (fanout_demux_bpf): r0 = 1 sends every frame to member 1. An
 * implementation that runs no eBPF (the simulator) refuses it with
 * EOPNOTSUPP, never as a bad fd (EINVAL). SKIP where bpf(2) loads
 * nothing (unprivileged_bpf_disabled).
 */
static void fanout_ebpf_socket_filter(struct tpc_t *t)
{
	struct tpc_sock *m[2];
	uint8_t pkt[64];
	int fd, err;

	REQUIRE(t, tpc_has_dev(t, false));
	for (int i = 0; i < 2; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
		REQUIRE(t, m[i]);
		EXPECT_ERR(t, join(t, m[i], 329, PACKET_FANOUT_EBPF), 0);
	}
	fd = load_ret(BPF_PROG_TYPE_SOCKET_FILTER, 1);
	if (fd < 0) {
		tpc_skip(t, "bpf(BPF_PROG_LOAD) of a socket filter: %s",
			 strerror(errno));
		return;
	}
	err = set_fd(t, m[0], fd, 4);
	close(fd);
	if (err == -EOPNOTSUPP) {
		tpc_note(t, "eBPF not run: EOPNOTSUPP");
		return;
	}
	EXPECT_ERRNO(t, "a socket filter program's fd", 0, err);
	tpc_ipv4_frame(pkt, sizeof(pkt), 4, 1);
	for (int i = 0; i < 3; i++)
		REQUIRE(t, !tpc_arrive(t, pkt, sizeof(pkt)));
	EXPECT_EQ(t, "member 0", 0, tpc_packets(t, m[0]));
	EXPECT_EQ(t, "member 1", 3, tpc_packets(t, m[1]));
}

/* One IPv4 frame to ..:dst6 out of the sender's 2-frame V2 TX ring. */
static int send_to(struct tpc_t *t, struct tpc_sock *tx, char *ring,
		   unsigned int idx, uint8_t dst6)
{
	struct tpacket2_hdr *h = (void *)(ring + idx * 2048);
	uint8_t *d = (uint8_t *)h + 32;

	tpc_ipv4_frame(d, 60, 0, 9);
	d[5] = dst6;
	h->tp_len = 60;
	tpc_set_status(t, h, TP_STATUS_SEND_REQUEST);
	return (int)tpc_send(t, tx, NULL, 0);
}

/* N19, N20: a sent frame reaches one member of an ETH_P_ALL group, the
 * program reading it from the link header (byte 5: the destination's
 * last byte); a group with PACKET_FANOUT_FLAG_IGNORE_OUTGOING gets
 * nothing. */
static void outgoing_groups(struct tpc_t *t)
{
	static const struct sock_filter dst_mac[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 5),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct tpc_sock *a[2], *ign, *tx = NULL;
	uint8_t wire[128];
	char *ring;

	REQUIRE(t, tpc_has_dev(t, false));
	for (int i = 0; i < 2; i++) {
		a[i] = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
		REQUIRE(t, a[i]);
		EXPECT_ERR(t, join(t, a[i], 325, PACKET_FANOUT_CBPF), 0);
	}
	REQUIRE(t, !set_prog(t, a[0], dst_mac, 2, sizeof(struct sock_fprog)));
	ign = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
	REQUIRE(t, ign);
	EXPECT_ERR(t, join(t, ign, 326, PACKET_FANOUT_LB |
					   PACKET_FANOUT_FLAG_IGNORE_OUTGOING),
		   0);
	ring = tpc_open_tx(t, SOCK_RAW, 2048, 2, &tx);
	REQUIRE(t, ring);
	EXPECT_EQ(t, "send to ..:01", 60, send_to(t, tx, ring, 0, 1));
	EXPECT_EQ(t, "on the wire", 60,
		  tpc_wire_read(t, tx, wire, sizeof(wire), 1000));
	EXPECT_EQ(t, "send to ..:02", 60, send_to(t, tx, ring, 1, 2));
	EXPECT_EQ(t, "on the wire", 60,
		  tpc_wire_read(t, tx, wire, sizeof(wire), 1000));
	EXPECT_EQ(t, "send to ..:03", 60, send_to(t, tx, ring, 0, 3));
	EXPECT_EQ(t, "on the wire", 60,
		  tpc_wire_read(t, tx, wire, sizeof(wire), 1000));
	EXPECT_EQ(t, "member 0 (..:02)", 1, tpc_packets(t, a[0]));
	EXPECT_EQ(t, "member 1 (..:01, ..:03)", 2, tpc_packets(t, a[1]));
	EXPECT_EQ(t, "IGNORE_OUTGOING group", 0, tpc_packets(t, ign));
}

/* N20: the sender's own group never sees what it sent; the other members
 * neither. */
static void outgoing_own_group(struct tpc_t *t)
{
	struct tpc_sock *other, *plain, *tx;
	uint8_t wire[128];
	char *ring;

	REQUIRE(t, tpc_has_dev(t, false));
	tx = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
	other = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
	plain = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
	REQUIRE(t, tx && other && plain);
	EXPECT_ERR(t, join(t, tx, 327, PACKET_FANOUT_LB), 0);
	EXPECT_ERR(t, join(t, other, 327, PACKET_FANOUT_LB), 0);
	ring = tpc_open_tx(t, SOCK_RAW, 2048, 2, &tx);
	REQUIRE(t, ring);
	for (unsigned int i = 0; i < 2; i++) {
		EXPECT_EQ(t, "send", 60, send_to(t, tx, ring, i, 1));
		EXPECT_EQ(t, "on the wire", 60,
			  tpc_wire_read(t, tx, wire, sizeof(wire), 1000));
	}
	EXPECT_EQ(t, "the sender's group, other member", 0,
		  tpc_packets(t, other));
	EXPECT_EQ(t, "the sender", 0, tpc_packets(t, tx));
	EXPECT_EQ(t, "a socket in no group", 2, tpc_packets(t, plain));
}

#define DEV TPC_CAP_DEVICE

const struct tpc_case tpc_cases_dev_bpf[] = {
	{ "dev.fanout_data_rules", "N12 N18", 0, .fn = fanout_data_rules,
	  .needs = DEV },
	{ "dev.fanout_cbpf_pick", "N19", 0, .fn = fanout_cbpf_pick,
	  .needs = DEV },
	{ "dev.fanout_cbpf_vlan", "N19 R17", 0, .fn = fanout_cbpf_vlan,
	  .needs = DEV },
	{ "dev.fanout_ebpf_no_program", "N19", 0,
	  .fn = fanout_ebpf_no_program, .needs = DEV },
	{ "dev.fanout_ebpf_prog_type", "N12", 0,
	  .fn = fanout_ebpf_prog_type, .needs = DEV },
	{ "dev.fanout_ebpf_socket_filter", "N12 N19", 0,
	  .fn = fanout_ebpf_socket_filter, .needs = DEV },
	{ "dev.outgoing_groups", "N19 N20", TPC_V2, .fn = outgoing_groups,
	  .needs = DEV },
	{ "dev.outgoing_own_group", "N20", TPC_V2, .fn = outgoing_own_group,
	  .needs = DEV },
	{ NULL },
};
