// SPDX-License-Identifier: MIT
/*
 * Description: the edges of getsockname and of the fanout options that
 * the device cases leave (N1, N4, N12): the address length's rules
 * (move_addr_to_user: a negative length EINVAL, a NULL buffer EFAULT
 * unless the length is 0, a short buffer gets its length's bytes and the
 * full length back), PACKET_FANOUT read with length 0, and
 * PACKET_FANOUT_DATA of an EBPF group (a NULL buffer EFAULT, fd -1
 * EBADF, an fd that is no program EINVAL). The cases mutation testing
 * asked for (README "Mutation testing").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tpc.h"
#include "tpc_dev.h"

static void getsockname_lengths(struct tpc_t *t)
{
	struct tpc_sock *s;
	struct sockaddr_ll a;
	uint8_t *b = (uint8_t *)&a;
	socklen_t len;

	REQUIRE(t, tpc_has_dev(t, true));
	s = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, s);
	len = (socklen_t)-1;
	EXPECT_ERRNO(t, "getsockname, length -1", -EINVAL,
		     t->ops->getsockname(s, &a, &len));
	len = sizeof(a);
	EXPECT_ERRNO(t, "getsockname, NULL buffer of length 20", -EFAULT,
		     t->ops->getsockname(s, NULL, &len));
	len = 0;
	EXPECT_ERRNO(t, "getsockname, NULL buffer of length 0", 0,
		     t->ops->getsockname(s, NULL, &len));
	EXPECT_EQ(t, "length back after length 0", 12 + 6, len);
	memset(&a, 0xa5, sizeof(a));
	len = 3;
	EXPECT_ERRNO(t, "getsockname, length 3", 0,
		     t->ops->getsockname(s, &a, &len));
	EXPECT_EQ(t, "length back after length 3", 12 + 6, len);
	EXPECT_EQ(t, "byte 0 (sll_family, low)", AF_PACKET, b[0]);
	EXPECT_EQ(t, "byte 2 (sll_protocol, high)", 0x08, b[2]);
	EXPECT_HEX(t, "byte 3 left as it was", 0xa5, b[3]);
}

static void fanout_read_empty(struct tpc_t *t)
{
	struct tpc_sock *s;
	int v = 0x5a5a5a5a, id = 303 | PACKET_FANOUT_LB << 16;
	socklen_t len = 0;

	REQUIRE(t, tpc_has_dev(t, true));
	s = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, s);
	EXPECT_ERRNO(t, "join", 0,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_FANOUT, &id,
					sizeof(id)));
	EXPECT_ERRNO(t, "read PACKET_FANOUT, length 0", 0,
		     t->ops->getsockopt(s, SOL_PACKET, PACKET_FANOUT, &v,
					&len));
	EXPECT_EQ(t, "length back", 0, len);
	EXPECT_HEX(t, "buffer left as it was", 0x5a5a5a5a, (unsigned)v);
	len = 2;
	EXPECT_ERRNO(t, "read PACKET_FANOUT, length 2", 0,
		     t->ops->getsockopt(s, SOL_PACKET, PACKET_FANOUT, &v,
					&len));
	EXPECT_EQ(t, "length back", 2, len);
	EXPECT_HEX(t, "the id's two bytes", 0x5a5a012f, (unsigned)v);
	len = (socklen_t)-1;
	EXPECT_ERRNO(t, "read PACKET_FANOUT, length -1", -EINVAL,
		     t->ops->getsockopt(s, SOL_PACKET, PACKET_FANOUT, &v,
					&len));
}

static void fanout_data_ebpf(struct tpc_t *t)
{
	struct tpc_sock *s;
	int id = 304 | PACKET_FANOUT_EBPF << 16, fd, err;

	REQUIRE(t, tpc_has_dev(t, true));
	s = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, s);
	EXPECT_ERRNO(t, "join an EBPF group", 0,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_FANOUT, &id,
					sizeof(id)));
	EXPECT_ERRNO(t, "PACKET_FANOUT_DATA, NULL, length 4", -EFAULT,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_FANOUT_DATA,
					NULL, sizeof(int)));
	EXPECT_ERRNO(t, "PACKET_FANOUT_DATA, length 8", -EINVAL,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_FANOUT_DATA,
					&id, 8));
	fd = -1;
	EXPECT_ERRNO(t, "PACKET_FANOUT_DATA, fd -1", -EBADF,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_FANOUT_DATA,
					&fd, sizeof(fd)));
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	REQUIRE(t, fd >= 0);
	err = t->ops->setsockopt(s, SOL_PACKET, PACKET_FANOUT_DATA, &fd,
				 sizeof(fd));
	close(fd);
	EXPECT_ERRNO(t, "PACKET_FANOUT_DATA, fd of /dev/null", -EINVAL, err);
}

static int join(struct tpc_t *t, struct tpc_sock *s, int id, int type)
{
	int v = id | type << 16;

	return t->ops->setsockopt(s, SOL_PACKET, PACKET_FANOUT, &v,
				  sizeof(v));
}

static unsigned int packets(struct tpc_t *t, struct tpc_sock *s,
			    unsigned int *drops)
{
	unsigned int p = 0;

	tpc_stats(t, s, &p, drops);
	return p;
}

/* ROLLOVER over two V3 rings of 4 blocks that take 3 frames of 1000
 * bytes each: a member has room while the block after its active one is
 * the kernel's, so member 0 takes 10 frames (the 10th opens its last
 * block), member 1 the next 10, then both are short of room and member 0
 * takes the rest: 2 more fit its last block, 2 are dropped. */
static void fanout_rollover_v3(struct tpc_t *t)
{
	struct tpc_sock *m[2];
	static uint8_t pkt[1000];
	unsigned int d = 0;

	REQUIRE(t, tpc_has_dev(t, true));
	for (int i = 0; i < 2; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
		REQUIRE(t, m[i]);
		REQUIRE(t, tpc_ring_map(t, m[i], 4096, 4, 2048));
		EXPECT_ERRNO(t, "join", 0,
			     join(t, m[i], 307, PACKET_FANOUT_ROLLOVER));
	}
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, ETH_P_IP);
	for (int i = 0; i < 24; i++) {
		struct tpc_inject p = { .data = pkt, .len = sizeof(pkt) };
		int err = t->ops->inject(t->bctx, NULL, &p);

		EXPECT_ERRNO(t, "a frame on the device", 0, err);
	}
	EXPECT_EQ(t, "member 0 tp_packets", 14, packets(t, m[0], &d));
	EXPECT_EQ(t, "member 0 tp_drops", 2, d);
	EXPECT_EQ(t, "member 1 tp_packets", 10, packets(t, m[1], &d));
	EXPECT_EQ(t, "member 1 tp_drops", 0, d);
}

/* R13 with a fanout group: the sender's frame reaches an ETH_P_ALL group
 * once, through the group (dev_queue_xmit_nit walks the group's hook,
 * not its members'), and never the sender itself, though it is an
 * ETH_P_ALL socket too. */
static void outgoing_group_once(struct tpc_t *t)
{
	struct tpc_sock *m, *tx = NULL;
	uint8_t buf[256], wire[2048], *d;
	char *rt;

	REQUIRE(t, tpc_has_dev(t, true));
	m = tpc_open(t, SOCK_RAW);
	REQUIRE(t, m);
	EXPECT_ERRNO(t, "join", 0, join(t, m, 308, PACKET_FANOUT_LB));
	rt = tpc_open_tx(t, SOCK_RAW, 2048, 2, &tx);
	REQUIRE(t, rt);
	d = (uint8_t *)rt + 32;
	tpc_eth(d, 98, tpc_bcast, ETH_P_IP);
	d[14] = 0x45;
	((struct tpacket2_hdr *)rt)->tp_len = 98;
	tpc_set_status(t, rt, TP_STATUS_SEND_REQUEST);
	EXPECT_EQ(t, "send", 98, tpc_send(t, tx, NULL, 0));
	EXPECT_EQ(t, "on the wire", 98,
		  tpc_wire_read(t, tx, wire, sizeof(wire), 1000));
	EXPECT_EQ(t, "the group member's copy", 98,
		  t->ops->recv(m, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_ERRNO(t, "a second copy", -EAGAIN,
		     t->ops->recv(m, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_ERRNO(t, "the sender's own copy", -EAGAIN,
		     t->ops->recv(tx, buf, sizeof(buf), MSG_DONTWAIT));
}

/* R13 with R14: the outgoing copy of a tagged frame keeps its tag in the
 * data (nothing took it off); a SOCK_DGRAM tap still names the type
 * after the tag and the tag's TCI and TPID (vlan_get_protocol_dgram,
 * vlan_get_tci), and its data starts after the tag. */
static void outgoing_tagged_dgram(struct tpc_t *t)
{
	struct tpc_sock *rx = NULL, *tx = NULL;
	uint8_t wire[2048], *d;
	struct sockaddr_ll *sll;
	struct tpc_hdr h;
	char *rr, *rt;

	rr = tpc_open_ring(t, SOCK_DGRAM, 4096, 1, 2048, &rx);
	REQUIRE(t, rr);
	rt = tpc_open_tx(t, SOCK_RAW, 2048, 2, &tx);
	REQUIRE(t, rt);
	d = (uint8_t *)rt + 32;
	tpc_eth(d, 102, tpc_bcast, 0x8100);
	memcpy(d + 14, "\xa0\x64\x08\x00\x45", 5);	/* PCP 5, VID 100 */
	((struct tpacket2_hdr *)rt)->tp_len = 102;
	tpc_set_status(t, rt, TP_STATUS_SEND_REQUEST);
	EXPECT_EQ(t, "send", 102, tpc_send(t, tx, NULL, 0));
	EXPECT_EQ(t, "on the wire", 102,
		  tpc_wire_read(t, tx, wire, sizeof(wire), 1000));
	tpc_hdr(t, rr, &h);
	sll = (struct sockaddr_ll *)(rr + 32);
	EXPECT_HEX(t, "status", TP_STATUS_USER | TP_STATUS_VLAN_VALID |
				   TP_STATUS_VLAN_TPID_VALID,
		   h.status & ~(unsigned long)TP_STATUS_TS_SOFTWARE);
	EXPECT_EQ(t, "sll_pkttype", PACKET_OUTGOING, sll->sll_pkttype);
	EXPECT_HEX(t, "sll_protocol", htons(ETH_P_IP), sll->sll_protocol);
	EXPECT_HEX(t, "tp_vlan_tci", 0xa064, h.vlan_tci);
	EXPECT_HEX(t, "tp_vlan_tpid", 0x8100, h.vlan_tpid);
	EXPECT_EQ(t, "tp_len (after the tag)", 102 - 18, h.len);
	EXPECT_HEX(t, "first byte of the data", 0x45,
		   (uint8_t)rr[h.mac]);
}

/* N17 before anything else: a socket bound to the device that is down,
 * or sending to it, cannot send, and is told so before its arguments
 * are looked at (packet_snd: ENETDOWN ahead of the EINVAL of an empty
 * send). */
static void send_link_down_first(struct tpc_t *t)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(0x88b5),
				  .sll_ifindex = t->ifindex, .sll_halen = 6 };
	struct tpc_sock *raw, *dgram, *none;

	REQUIRE(t, tpc_has_dev(t, true));
	raw = tpc_open(t, SOCK_RAW);
	dgram = tpc_open(t, SOCK_DGRAM);
	none = tpc_open_proto(t, SOCK_DGRAM, 0);	/* bound to nothing */
	REQUIRE(t, raw && dgram && none);
	EXPECT_ERRNO(t, "SOCK_RAW empty send, link up", -EINVAL,
		     tpc_send(t, raw, NULL, 0));
	EXPECT_ERRNO(t, "link down", 0, t->ops->set_link(t->bctx, 0));
	EXPECT_ERRNO(t, "SOCK_RAW empty send, link down", -ENETDOWN,
		     tpc_send(t, raw, NULL, 0));
	EXPECT_ERRNO(t, "SOCK_DGRAM send without an address, link down",
		     -ENETDOWN, tpc_send(t, dgram, NULL, 0));
	EXPECT_ERRNO(t, "unbound socket, sendto the device, link down",
		     -ENETDOWN, tpc_send(t, none, &to, 0));
	EXPECT_ERRNO(t, "link up", 0, t->ops->set_link(t->bctx, 1));
	/* the socket error the link left is read first (a send that gets
	 * as far as allocating would report it instead) */
	EXPECT_EQ(t, "SO_ERROR", ENETDOWN, tpc_so_error(t, dgram));
	EXPECT_ERRNO(t, "SOCK_DGRAM send without an address, link up",
		     -EINVAL, tpc_send(t, dgram, NULL, 0));
}

/* The link always comes back up, whatever the case found. */
static void send_link_down(struct tpc_t *t)
{
	send_link_down_first(t);
	if (TPC_OPS_HAS(t->ops, set_link))
		t->ops->set_link(t->bctx, 1);
}

/* Close s now (as peers.c does): its mapping stays in the case's list
 * with no socket, for the runner's munmap. */
static void close_sock(struct tpc_t *t, struct tpc_sock *s)
{
	for (int i = 0; i < t->nsocks; i++) {
		if (t->socks[i] != s)
			continue;
		t->socks[i] = t->socks[--t->nsocks];
		break;
	}
	for (int i = 0; i < t->nmaps; i++)
		if (t->maps[i].s == s)
			t->maps[i].s = NULL;
	t->ops->sock_close(s);
}

/* N15 after a member leaves: the search starts at the member found last
 * (A's rollover->sock), but at most at the last one there is
 * (min(sock, num - 1)). Three 8-frame rings, 6 frames each while the
 * frame two ahead is free; C, found last, closes; the next frame is
 * looked for from B (full), then A (full), and goes to A. */
static void rollover_after_leave(struct tpc_t *t)
{
	struct tpc_sock *m[3];
	unsigned int d = 0;
	uint8_t pkt[64];

	REQUIRE(t, tpc_has_dev(t, true));
	for (int i = 0; i < 3; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
		REQUIRE(t, m[i]);
		REQUIRE(t, tpc_ring_map(t, m[i], 4096, 2, 1024));
		EXPECT_ERRNO(t, "join", 0,
			     join(t, m[i], 309, PACKET_FANOUT_ROLLOVER));
	}
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, ETH_P_IP);
	for (int i = 0; i < 18; i++) {
		struct tpc_inject p = { .data = pkt, .len = sizeof(pkt) };

		EXPECT_ERRNO(t, "a frame on the device", 0,
			     t->ops->inject(t->bctx, NULL, &p));
	}
	for (int i = 0; i < 3; i++) {
		tpc_note(t, "member %d", i);
		EXPECT_EQ(t, "tp_packets", 6, packets(t, m[i], &d));
	}
	tpc_note(t, "after member 2 closed");
	close_sock(t, m[2]);
	{
		struct tpc_inject p = { .data = pkt, .len = sizeof(pkt) };

		EXPECT_ERRNO(t, "a frame on the device", 0,
			     t->ops->inject(t->bctx, NULL, &p));
	}
	EXPECT_EQ(t, "member 0 tp_packets", 1, packets(t, m[0], &d));
	EXPECT_EQ(t, "member 0 tp_drops", 0, d);
	EXPECT_EQ(t, "member 1 tp_packets", 0, packets(t, m[1], &d));
}

/* F14 per socket: one frame on the device, three sockets without a ring;
 * the middle one's filter cuts it to 20 bytes, which the others do not
 * see (each socket runs its own filter on the frame as it came). */
static void filter_cut_per_socket(struct tpc_t *t)
{
	struct sock_filter cut = { BPF_RET | BPF_K, 0, 0, 20 };
	struct sock_fprog prog = { 1, &cut };
	struct tpc_sock *m[3];
	uint8_t pkt[100], got[200];

	REQUIRE(t, tpc_has_dev(t, true));
	for (int i = 0; i < 3; i++) {
		m[i] = tpc_open(t, SOCK_RAW);
		REQUIRE(t, m[i]);
	}
	EXPECT_ERRNO(t, "attach RET #20 to socket 1", 0,
		     t->ops->setsockopt(m[1], SOL_SOCKET, SO_ATTACH_FILTER,
					&prog, sizeof(prog)));
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	{
		struct tpc_inject p = { .data = pkt, .len = sizeof(pkt) };

		EXPECT_ERRNO(t, "a frame on the device", 0,
			     t->ops->inject(t->bctx, NULL, &p));
	}
	for (int i = 0; i < 3; i++) {
		tpc_note(t, "socket %d", i);
		EXPECT_EQ(t, "recv, MSG_TRUNC", i == 1 ? 20 : 100,
			  t->ops->recv(m[i], got, sizeof(got),
				       MSG_DONTWAIT | MSG_TRUNC));
	}
}

/* N22: RND draws each frame's member: 64 frames over two members give
 * each some (the kernel's prandom leaves one empty once in 2^63 runs). */
static void fanout_rnd_spread(struct tpc_t *t)
{
	struct tpc_sock *m[2];
	unsigned int n[2], d = 0;
	uint8_t pkt[64];

	REQUIRE(t, tpc_has_dev(t, true));
	for (int i = 0; i < 2; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
		REQUIRE(t, m[i]);
		EXPECT_ERRNO(t, "join", 0,
			     join(t, m[i], 310, PACKET_FANOUT_RND));
	}
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, ETH_P_IP);
	for (int i = 0; i < 64; i++) {
		struct tpc_inject p = { .data = pkt, .len = sizeof(pkt) };

		EXPECT_ERRNO(t, "a frame on the device", 0,
			     t->ops->inject(t->bctx, NULL, &p));
	}
	n[0] = packets(t, m[0], &d);
	n[1] = packets(t, m[1], &d);
	EXPECT_EQ(t, "frames in all", 64, n[0] + n[1]);
	if (!n[0] || !n[1])
		tpc_fail(t, __LINE__, "member 0 got %u frames, member 1 %u: "
			 "one member got none", n[0], n[1]);
}

#define DEV (TPC_CAP_DEVICE | TPC_CAP_TAP_LINK)

const struct tpc_case tpc_cases_dev_edges[] = {
	{ "dev.getsockname_lengths", "N1", 0, .fn = getsockname_lengths,
	  .needs = DEV },
	{ "dev.fanout_read_empty", "N4", 0, .fn = fanout_read_empty,
	  .needs = DEV },
	{ "dev.fanout_data_ebpf", "N12", 0, .fn = fanout_data_ebpf,
	  .needs = DEV },
	{ "dev.fanout_rollover_v3", "N15", TPC_V3, .fn = fanout_rollover_v3,
	  .needs = DEV },
	{ "outgoing.group_once", "R13", TPC_V2, .fn = outgoing_group_once,
	  .needs = DEV | TPC_CAP_WIRE },
	{ "outgoing.tagged_dgram", "R13 R14", TPC_V2,
	  .fn = outgoing_tagged_dgram, .needs = TPC_CAP_WIRE },
	{ "dev.send_link_down", "N17", 0, .fn = send_link_down,
	  .needs = DEV },
	{ "dev.fanout_rollover_after_leave", "N15", TPC_V2,
	  .fn = rollover_after_leave, .needs = DEV },
	{ "dev.filter_cut_per_socket", "F14", 0, .fn = filter_cut_per_socket,
	  .needs = DEV },
	{ "dev.fanout_rnd_spread", "N22", 0, .fn = fanout_rnd_spread,
	  .needs = DEV },
	{ NULL },
};
