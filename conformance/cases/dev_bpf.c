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

#ifndef PACKET_FANOUT_FLAG_IGNORE_OUTGOING	/* uapi headers before 6.2 */
#define PACKET_FANOUT_FLAG_IGNORE_OUTGOING 0x4000
#endif

static bool has_dev(struct tpc_t *t)
{
	if (TPC_OPS_HAS(t->ops, bind) && TPC_OPS_HAS(t->ops, getsockname))
		return true;
	tpc_skip(t, "the backend has no bind/getsockname");
	return false;
}

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

static unsigned int packets(struct tpc_t *t, struct tpc_sock *s)
{
	unsigned int p = 0, d = 0;

	tpc_stats(t, s, &p, &d);
	return p;
}

/* An IPv4 frame from ..:src6 to 10.0.0.dst, IP id 0. */
static void ipv4(uint8_t *b, uint32_t len, uint8_t src6, uint8_t dst)
{
	tpc_eth(b, len, tpc_bcast, ETH_P_IP);
	memset(b + 14, 0, len - 14);
	b[11] = src6;
	b[14] = 0x45;
	b[17] = (uint8_t)(len - 14);
	b[22] = 64;
	b[23] = 17;
	b[26] = 10, b[29] = 1;
	b[30] = 10, b[33] = dst;
}

static int arrive(struct tpc_t *t, const uint8_t *b, uint32_t len)
{
	struct tpc_inject p = { .data = b, .len = len };
	int err = t->ops->inject(t->bctx, NULL, &p);

	if (err)
		tpc_fail(t, __LINE__, "a frame on the device: %s",
			 tpc_errname(err));
	return err;
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

	REQUIRE(t, has_dev(t));
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

	REQUIRE(t, has_dev(t));
	for (int i = 0; i < 3; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
		REQUIRE(t, m[i]);
		EXPECT_ERR(t, join(t, m[i], 323, PACKET_FANOUT_CBPF), 0);
	}
	/* no program: member 0 (2 frames) */
	ipv4(pkt, sizeof(pkt), 4, 1);
	for (int i = 0; i < 2; i++)
		REQUIRE(t, !arrive(t, pkt, sizeof(pkt)));
	EXPECT_EQ(t, "member 0 without a program", 2, packets(t, m[0]));
	/* byte 19 from the network header: the IPv4 destination's last
	 * byte (from the link header it would be the IP id's, 0) */
	REQUIRE(t, !set_prog(t, m[1], ret_a_at_19, 2,
			     sizeof(struct sock_fprog)));
	for (unsigned int i = 0; i < sizeof(dst); i++) {
		ipv4(pkt, sizeof(pkt), 4, dst[i]);
		REQUIRE(t, !arrive(t, pkt, sizeof(pkt)));
	}
	/* the link header's source address: 4 % 3 */
	REQUIRE(t, !set_prog(t, m[2], src_mac, 2, sizeof(struct sock_fprog)));
	for (int i = 0; i < 2; i++)
		REQUIRE(t, !arrive(t, pkt, sizeof(pkt)));
	/* an unsigned answer: 0xfffffffe % 3 = 2; a refused program
	 * leaves it in place */
	REQUIRE(t, !set_prog(t, m[0], big, 1, sizeof(struct sock_fprog)));
	REQUIRE(t, !arrive(t, pkt, sizeof(pkt)));
	EXPECT_ERR(t, set_prog(t, m[0], bad, 2, sizeof(struct sock_fprog)),
		   -EINVAL);
	REQUIRE(t, !arrive(t, pkt, sizeof(pkt)));
	/* SKF_AD_PROTOCOL: 0x800 % 3 = 2 */
	REQUIRE(t, !set_prog(t, m[0], proto, 2, sizeof(struct sock_fprog)));
	REQUIRE(t, !arrive(t, pkt, sizeof(pkt)));
	for (int i = 0; i < 3; i++) {
		tpc_note(t, "member %d", i);
		EXPECT_EQ(t, "frames", want[i], packets(t, m[i]));
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

	REQUIRE(t, has_dev(t));
	for (int i = 0; i < 4; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, i < 2 ? ETH_P_ALL : ETH_P_IP);
		REQUIRE(t, m[i]);
		EXPECT_ERR(t, join(t, m[i], (uint16_t)(335 + i / 2),
				   PACKET_FANOUT_CBPF),
			   0);
	}
	REQUIRE(t, !set_prog(t, m[0], tag, 2, sizeof(struct sock_fprog)));
	REQUIRE(t, !set_prog(t, m[2], tag, 2, sizeof(struct sock_fprog)));
	ipv4(plain, sizeof(plain), 4, 1);
	memcpy(tagged, plain, 12);
	tagged[12] = 0x81, tagged[13] = 0x00, tagged[14] = 0, tagged[15] = 5;
	memcpy(tagged + 16, plain + 12, sizeof(plain) - 12);
	REQUIRE(t, !arrive(t, tagged, sizeof(tagged)));
	REQUIRE(t, !arrive(t, plain, sizeof(plain)));
	REQUIRE(t, !set_prog(t, m[3], pkttype, 2, sizeof(struct sock_fprog)));
	REQUIRE(t, !arrive(t, tagged, sizeof(tagged)));
	REQUIRE(t, !arrive(t, plain, sizeof(plain)));
	REQUIRE(t, !set_prog(t, m[1], proto9, 2, sizeof(struct sock_fprog)));
	REQUIRE(t, !arrive(t, tagged, sizeof(tagged)));
	for (int i = 0; i < 4; i++) {
		tpc_note(t, "%s member %d", i < 2 ? "ETH_P_ALL" : "ETH_P_IP",
			 i % 2);
		EXPECT_EQ(t, "frames", want[i], packets(t, m[i]));
	}
}

/* N19: an EBPF group without a program hands everything to the first
 * member, as a CBPF one does. */
static void fanout_ebpf_no_program(struct tpc_t *t)
{
	struct tpc_sock *m[2];
	uint8_t pkt[64];

	REQUIRE(t, has_dev(t));
	for (int i = 0; i < 2; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
		REQUIRE(t, m[i]);
		EXPECT_ERR(t, join(t, m[i], 324, PACKET_FANOUT_EBPF), 0);
	}
	ipv4(pkt, sizeof(pkt), 4, 1);
	for (int i = 0; i < 3; i++)
		REQUIRE(t, !arrive(t, pkt, sizeof(pkt)));
	EXPECT_EQ(t, "member 0", 3, packets(t, m[0]));
	EXPECT_EQ(t, "member 1", 0, packets(t, m[1]));
}

/* N12: an eBPF program of another type than BPF_PROG_TYPE_SOCKET_FILTER
 * is EINVAL (bpf_prog_get_type); SKIP where bpf(2) loads nothing. */
static void fanout_ebpf_prog_type(struct tpc_t *t)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;
	struct tpc_sock *e;
	int fd, joined, err;

	REQUIRE(t, has_dev(t));
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_XDP;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = 2;
	a.license = (uint64_t)(uintptr_t)"MIT";
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
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

/* One IPv4 frame to ..:dst6 out of the sender's 2-frame V2 TX ring. */
static int send_to(struct tpc_t *t, struct tpc_sock *tx, char *ring,
		   unsigned int idx, uint8_t dst6)
{
	struct tpacket2_hdr *h = (void *)(ring + idx * 2048);
	uint8_t *d = (uint8_t *)h + 32;

	ipv4(d, 60, 0, 9);
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

	REQUIRE(t, has_dev(t));
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
	EXPECT_EQ(t, "member 0 (..:02)", 1, packets(t, a[0]));
	EXPECT_EQ(t, "member 1 (..:01, ..:03)", 2, packets(t, a[1]));
	EXPECT_EQ(t, "IGNORE_OUTGOING group", 0, packets(t, ign));
}

/* N20: the sender's own group never sees what it sent; the other members
 * neither. */
static void outgoing_own_group(struct tpc_t *t)
{
	struct tpc_sock *other, *plain, *tx;
	uint8_t wire[128];
	char *ring;

	REQUIRE(t, has_dev(t));
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
		  packets(t, other));
	EXPECT_EQ(t, "the sender", 0, packets(t, tx));
	EXPECT_EQ(t, "a socket in no group", 2, packets(t, plain));
}

/* An IPv4/UDP fragment of datagram id from 10.0.0.1: payload bytes
 * [off, off + n) of the datagram (byte i is i * 7 + id), MF set when
 * more follow; the frame padded to at least 60 bytes. */
static uint32_t fragment(uint8_t *b, uint16_t id, uint32_t off, uint32_t n,
			 bool more, uint8_t tos)
{
	uint32_t tot = 20 + n, len = 14 + tot < 60 ? 60 : 14 + tot;
	uint16_t fo = (uint16_t)(off / 8 | (more ? 0x2000 : 0));

	ipv4(b, len, 4, 2);
	b[15] = tos;
	b[16] = (uint8_t)(tot >> 8), b[17] = (uint8_t)tot;
	b[18] = (uint8_t)(id >> 8), b[19] = (uint8_t)id;
	b[20] = (uint8_t)(fo >> 8), b[21] = (uint8_t)fo;
	for (uint32_t i = 0; i < n; i++)
		b[34 + i] = (uint8_t)((off + i) * 7 + id);
	return len;
}

static uint16_t ip_csum(const uint8_t *h, uint32_t len)
{
	uint32_t sum = 0;

	for (uint32_t i = 0; i < len; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The frame in ring slot i: a whole datagram id of n payload bytes,
 * IP header rewritten (tot_len, frag_off 0, checksum), tos as given. */
static void check_whole(struct tpc_t *t, char *ring, unsigned int i,
			uint16_t id, uint32_t n, uint8_t tos)
{
	void *f = tpc_frame(ring, 4096, 1024, i);
	const uint8_t *d;
	struct tpc_hdr h;

	tpc_hdr(t, f, &h);
	tpc_note(t, "datagram %#x in frame %u", id, i);
	EXPECT_HEX(t, "status", TP_STATUS_USER,
		   h.status & (TP_STATUS_USER | TP_STATUS_LOSING));
	EXPECT_EQ(t, "tp_len", 14 + 20 + n, h.len);
	d = (const uint8_t *)f + h.mac;
	EXPECT_EQ(t, "tot_len", 20 + n, d[16] << 8 | d[17]);
	EXPECT_EQ(t, "id", id, d[18] << 8 | d[19]);
	EXPECT_EQ(t, "frag_off", 0, d[20] << 8 | d[21]);
	EXPECT_EQ(t, "tos", tos, d[15]);
	EXPECT_EQ(t, "header checksum (0 when right)", 0, ip_csum(d + 14, 20));
	for (uint32_t k = 0; k < n; k++)
		if (d[34 + k] != (uint8_t)(k * 7 + id)) {
			tpc_fail(t, __LINE__, "payload byte %u: %#x", k,
				 d[34 + k]);
			return;
		}
}

/* N21: PACKET_FANOUT_FLAG_DEFRAG (ip_check_defrag): a group's member gets
 * each IPv4 datagram once, reassembled, whatever the order of its
 * fragments; a duplicate is dropped, an overlap drops what was queued;
 * a socket outside the group sees every fragment. */
static void fanout_defrag(struct tpc_t *t)
{
	struct tpc_sock *m, *plain;
	uint8_t b[128];
	uint32_t len;
	char *ring;

	REQUIRE(t, has_dev(t));
	m = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	plain = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, m && plain);
	ring = tpc_ring_map(t, m, 4096, 2, 1024);
	REQUIRE(t, ring);
	EXPECT_ERR(t, join(t, m, 330, PACKET_FANOUT_LB |
				       PACKET_FANOUT_FLAG_DEFRAG),
		   0);
	/* in order, the first padded past its tot_len */
	len = fragment(b, 0x101, 0, 16, true, 0);
	REQUIRE(t, !arrive(t, b, len));
	EXPECT_EQ(t, "member after a first fragment", 0, packets(t, m));
	len = fragment(b, 0x101, 16, 20, false, 0);
	REQUIRE(t, !arrive(t, b, len));
	/* backwards, CE on one fragment, ECT(0) on the other */
	len = fragment(b, 0x102, 24, 30, false, 2);
	REQUIRE(t, !arrive(t, b, len));
	len = fragment(b, 0x102, 8, 16, true, 3);
	REQUIRE(t, !arrive(t, b, len));
	len = fragment(b, 0x102, 0, 8, true, 2);
	REQUIRE(t, !arrive(t, b, len));
	/* a duplicate is dropped, the datagram still completes */
	len = fragment(b, 0x103, 0, 16, true, 0);
	REQUIRE(t, !arrive(t, b, len));
	REQUIRE(t, !arrive(t, b, len));
	len = fragment(b, 0x103, 16, 8, false, 0);
	REQUIRE(t, !arrive(t, b, len));
	/* an overlap drops the queue: the last fragment alone is kept */
	len = fragment(b, 0x104, 0, 16, true, 0);
	REQUIRE(t, !arrive(t, b, len));
	len = fragment(b, 0x104, 8, 16, true, 0);
	REQUIRE(t, !arrive(t, b, len));
	len = fragment(b, 0x104, 24, 8, false, 0);
	REQUIRE(t, !arrive(t, b, len));
	/* not a fragment: as it is */
	ipv4(b, 64, 4, 2);
	REQUIRE(t, !arrive(t, b, 64));
	EXPECT_EQ(t, "plain socket: every frame", 12, packets(t, plain));
	EXPECT_EQ(t, "member: three datagrams and a whole frame", 4,
		  packets(t, m));
	check_whole(t, ring, 0, 0x101, 36, 0);
	check_whole(t, ring, 1, 0x102, 54, 3);
	check_whole(t, ring, 2, 0x103, 24, 0);
	REQUIRE(t, !t->failed);
	{	/* the whole frame as it came, its checksum (0) untouched */
		void *f = tpc_frame(ring, 4096, 1024, 3);
		struct tpc_hdr h;

		tpc_hdr(t, f, &h);
		EXPECT_EQ(t, "whole frame's tp_len", 64, h.len);
		EXPECT_TRUE(t, "the whole frame's bytes as they came",
			    !memcmp((char *)f + h.mac, b, 64));
	}
	/* the overlapped one's first two fragments came again */
	len = fragment(b, 0x104, 0, 16, true, 0);
	REQUIRE(t, !arrive(t, b, len));
	len = fragment(b, 0x104, 16, 8, true, 0);
	REQUIRE(t, !arrive(t, b, len));
	EXPECT_EQ(t, "member after the overlap", 1, packets(t, m));
	check_whole(t, ring, 4, 0x104, 32, 0);
}

/* Datagram id (two fragments) on the device. */
static int datagram(struct tpc_t *t, uint16_t id)
{
	uint8_t b[128];
	uint32_t len = fragment(b, id, 0, 16, true, 0);

	if (arrive(t, b, len))
		return -1;
	len = fragment(b, id, 16, 8, false, 0);
	return arrive(t, b, len);
}

/* N21: the reassembled header's checksum (ip_send_check) where the sum
 * of its 16-bit words carries past 16 bits (id 0xffff: 0x1993f before
 * the fold), which a sum folded once too few or too many gets wrong. */
static void fanout_defrag_csum_carry(struct tpc_t *t)
{
	struct tpc_sock *m;
	char *ring;

	REQUIRE(t, has_dev(t));
	m = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, m);
	ring = tpc_ring_map(t, m, 4096, 2, 1024);
	REQUIRE(t, ring);
	EXPECT_ERR(t, join(t, m, 335, PACKET_FANOUT_LB |
				       PACKET_FANOUT_FLAG_DEFRAG),
		   0);
	REQUIRE(t, !datagram(t, 0xffff));
	EXPECT_EQ(t, "member: the datagram", 1, packets(t, m));
	check_whole(t, ring, 0, 0xffff, 24, 0);
}

/* fragment() with an 802.1Q tag (TCI 100) after the addresses */
static uint32_t tagged(uint8_t *b, uint16_t id, uint32_t off, uint32_t n,
		       bool more)
{
	uint32_t len = fragment(b, id, off, n, more, 0);

	memmove(b + 16, b + 12, len - 12);
	b[12] = 0x81, b[13] = 0, b[14] = 0, b[15] = 100;
	return len + 4;
}

/* N21 at its edges (ip_frag_queue, ip_check_defrag): a last fragment
 * that comes twice is a duplicate, not an end that moved; two datagrams
 * whose ids differ only in the high byte are two; fragments with an
 * 802.1Q tag are untagged before the taps, so they are reassembled too
 * (the tag gone for a socket bound to ETH_P_IP, R17). */
static void fanout_defrag_edges(struct tpc_t *t)
{
	struct tpc_sock *m;
	uint8_t b[160];
	uint32_t len;
	char *ring;
	struct tpc_hdr h;

	REQUIRE(t, has_dev(t));
	m = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, m);
	ring = tpc_ring_map(t, m, 4096, 2, 1024);
	REQUIRE(t, ring);
	EXPECT_ERR(t, join(t, m, 336, PACKET_FANOUT_LB |
				       PACKET_FANOUT_FLAG_DEFRAG),
		   0);
	/* the last fragment twice, then the first */
	len = fragment(b, 0x301, 16, 8, false, 0);
	REQUIRE(t, !arrive(t, b, len));
	REQUIRE(t, !arrive(t, b, len));
	len = fragment(b, 0x301, 0, 16, true, 0);
	REQUIRE(t, !arrive(t, b, len));
	EXPECT_EQ(t, "member after a repeated last fragment", 1,
		  packets(t, m));
	check_whole(t, ring, 0, 0x301, 24, 0);
	REQUIRE(t, !t->failed);
	/* ids 0x1234 and 0x5634, interleaved */
	len = fragment(b, 0x1234, 0, 16, true, 0);
	REQUIRE(t, !arrive(t, b, len));
	len = fragment(b, 0x5634, 0, 16, true, 0);
	REQUIRE(t, !arrive(t, b, len));
	len = fragment(b, 0x1234, 16, 8, false, 0);
	REQUIRE(t, !arrive(t, b, len));
	len = fragment(b, 0x5634, 16, 8, false, 0);
	REQUIRE(t, !arrive(t, b, len));
	/* (PACKET_STATISTICS counts since the last read) */
	EXPECT_EQ(t, "member after two ids of one low byte", 2,
		  packets(t, m));
	check_whole(t, ring, 1, 0x1234, 24, 0);
	check_whole(t, ring, 2, 0x5634, 24, 0);
	REQUIRE(t, !t->failed);
	/* tagged fragments */
	len = tagged(b, 0x401, 0, 16, true);
	REQUIRE(t, !arrive(t, b, len));
	len = tagged(b, 0x401, 16, 8, false);
	REQUIRE(t, !arrive(t, b, len));
	EXPECT_EQ(t, "member after tagged fragments", 1, packets(t, m));
	check_whole(t, ring, 3, 0x401, 24, 0);
	REQUIRE(t, !t->failed);
	tpc_hdr(t, tpc_frame(ring, 4096, 1024, 3), &h);
	/* R17: a socket bound to a protocol is handed the packet with its
	 * tag taken away (0 on 6.1 and 6.18 alike) */
	EXPECT_EQ(t, "tp_vlan_tci of the tagged datagram", 0, h.vlan_tci);
}

/* N21: two DEFRAG groups share the net's queue, so the datagram goes to
 * the group that sees its last fragment first: a group of every protocol
 * before one of a protocol; among those, the group whose first member
 * was linked last (dev_add_pack puts its hook first), which a link going
 * down and up changes. */
static void fanout_defrag_groups(struct tpc_t *t)
{
	struct tpc_sock *x, *y, *z;

	REQUIRE(t, has_dev(t) && TPC_OPS_HAS(t->ops, set_link));
	x = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	y = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, x && y);
	EXPECT_ERR(t, join(t, y, 332, PACKET_FANOUT_LB |
				       PACKET_FANOUT_FLAG_DEFRAG),
		   0);
	EXPECT_ERR(t, join(t, x, 333, PACKET_FANOUT_LB |
				       PACKET_FANOUT_FLAG_DEFRAG),
		   0);
	REQUIRE(t, !datagram(t, 0x201));
	EXPECT_EQ(t, "x's group, joined last", 1, packets(t, x));
	EXPECT_EQ(t, "y's group", 0, packets(t, y));
	/* down and up: x, the older socket, is linked again first */
	EXPECT_ERR(t, t->ops->set_link(t->bctx, 0), 0);
	EXPECT_ERR(t, t->ops->set_link(t->bctx, 1), 0);
	REQUIRE(t, !datagram(t, 0x202));
	EXPECT_EQ(t, "x's group after the link came back", 0, packets(t, x));
	EXPECT_EQ(t, "y's group, linked again last", 1, packets(t, y));
	z = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
	REQUIRE(t, z);
	EXPECT_ERR(t, join(t, z, 334, PACKET_FANOUT_LB |
				       PACKET_FANOUT_FLAG_DEFRAG),
		   0);
	REQUIRE(t, !datagram(t, 0x203));
	EXPECT_EQ(t, "the ETH_P_ALL group", 1, packets(t, z));
	EXPECT_EQ(t, "x's group", 0, packets(t, x));
	EXPECT_EQ(t, "y's group", 0, packets(t, y));
}

/* The link always comes back up, whatever the case found. */
static void fanout_defrag_groups_up(struct tpc_t *t)
{
	fanout_defrag_groups(t);
	if (TPC_OPS_HAS(t->ops, set_link))
		t->ops->set_link(t->bctx, 1);
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
	{ "dev.fanout_defrag", "N21", TPC_V2, .fn = fanout_defrag,
	  .needs = DEV },
	{ "dev.fanout_defrag_csum_carry", "N21", TPC_V2,
	  .fn = fanout_defrag_csum_carry, .needs = DEV },
	{ "dev.fanout_defrag_edges", "N21 R17", TPC_V2,
	  .fn = fanout_defrag_edges, .needs = DEV },
	{ "dev.fanout_defrag_groups", "N21", 0, .fn = fanout_defrag_groups_up,
	  .needs = DEV | TPC_CAP_TAP_LINK },
	{ "dev.outgoing_groups", "N19 N20", TPC_V2, .fn = outgoing_groups,
	  .needs = DEV },
	{ "dev.outgoing_own_group", "N20", TPC_V2, .fn = outgoing_own_group,
	  .needs = DEV },
	{ NULL },
};
