// SPDX-License-Identifier: MIT
/*
 * send() of data on a socket without a TX ring (packet_snd, T1): the
 * frame on the wire (the TAP fd on the kernel) and in the device's other
 * ETH_P_ALL sockets, and the errors in the kernel's order: the MTU with
 * room for a VLAN tag first, then the link header, then the exact MTU
 * for a frame that is not tagged; an unbound socket, a device down.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <string.h>
#include <sys/socket.h>

#include "../tpc.h"

#define WIRE_WAIT 1000	/* ms for a sent frame to reach the wire */

/* The next frame of ethertype 0x88b5 s receives (the device may send
 * others of its own), or a negative errno. */
static ssize_t recv_ours(struct tpc_t *t, struct tpc_sock *s, uint8_t *b,
			 size_t len)
{
	for (int i = 0; i < 16; i++) {
		ssize_t n = t->ops->recv(s, b, len, MSG_DONTWAIT);

		if (n < ETH_HLEN || (b[12] == 0x88 && b[13] == 0xb5))
			return n;
	}
	return -EAGAIN;
}

static void send_data(struct tpc_t *t)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(0x88b5),
				  .sll_ifindex = t->ifindex, .sll_halen = 6,
				  .sll_addr = { 2, 0, 0, 0, 0, 9 } };
	struct tpc_sock *raw = tpc_open(t, SOCK_RAW);
	struct tpc_sock *dgram = tpc_open(t, SOCK_DGRAM);
	struct tpc_sock *tap = tpc_open(t, SOCK_RAW);
	static uint8_t f[1600], got[2048];
	ssize_t n;

	REQUIRE(t, raw && dgram && tap);
	for (unsigned int i = 0; i < sizeof(f); i++)
		f[i] = (uint8_t)(i * 7);
	tpc_eth(f, 60, tpc_bcast, 0x88b5);
	n = tpc_send_data(t, raw, f, 60, NULL, 0);
	if (t->skipped)
		return;
	EXPECT_EQ(t, "send of 60 bytes", 60, n);
	EXPECT_EQ(t, "wire: the 60 bytes", 60,
		  tpc_wire_read(t, raw, got, sizeof(got), WIRE_WAIT));
	EXPECT_TRUE(t, "wire bytes are the data", !memcmp(got, f, 60));
	EXPECT_EQ(t, "the tap's outgoing copy", 60,
		  recv_ours(t, tap, got, sizeof(got)));
	EXPECT_TRUE(t, "copy bytes are the data", !memcmp(got, f, 60));

	EXPECT_ERR(t, tpc_send_data(t, raw, f, 13, NULL, 0), -EINVAL);
	EXPECT_ERR(t, tpc_send_data(t, raw, f, 1519, NULL, 0), -EMSGSIZE);
	EXPECT_ERR(t, tpc_send_data(t, raw, f, 1515, NULL, 0), -EMSGSIZE);
	EXPECT_EQ(t, "1514 bytes", 1514,
		  tpc_send_data(t, raw, f, 1514, NULL, MSG_DONTWAIT));
	EXPECT_EQ(t, "wire: 1514", 1514,
		  tpc_wire_read(t, raw, got, sizeof(got), WIRE_WAIT));
	f[12] = 0x81;
	f[13] = 0x00;
	EXPECT_EQ(t, "1518 bytes VLAN-tagged", 1518,
		  tpc_send_data(t, raw, f, 1518, NULL, 0));
	EXPECT_EQ(t, "wire: 1518", 1518,
		  tpc_wire_read(t, raw, got, sizeof(got), WIRE_WAIT));
	EXPECT_TRUE(t, "tagged wire bytes", !memcmp(got, f, 1518));

	/* too long is found before the missing destination */
	EXPECT_ERR(t, tpc_send_data(t, dgram, f, 1505, NULL, 0), -EMSGSIZE);
	EXPECT_ERR(t, tpc_send_data(t, dgram, f, 100, NULL, 0), -EINVAL);
	EXPECT_ERR(t, tpc_send_data(t, dgram, f, 1501, &to, 0), -EMSGSIZE);
	EXPECT_EQ(t, "SOCK_DGRAM sendto of 100 bytes", 100,
		  tpc_send_data(t, dgram, f, 100, &to, 0));
	EXPECT_EQ(t, "wire: header and data", 114,
		  tpc_wire_read(t, dgram, got, sizeof(got), WIRE_WAIT));
	EXPECT_TRUE(t, "destination", !memcmp(got, to.sll_addr, 6));
	EXPECT_TRUE(t, "source is the device",
		    !memcmp(got + 6, t->dev_addr, 6));
	EXPECT_HEX(t, "ethertype", 0x88b5, got[12] << 8 | got[13]);
	EXPECT_TRUE(t, "data after the header", !memcmp(got + 14, f, 100));
	EXPECT_ERR(t, tpc_wire_read(t, raw, got, sizeof(got), 50), -EAGAIN);
}

/* Not bound: no device to send on without a destination (ENXIO), the
 * destination device's MTU with one (1514 fits, 1515 is EMSGSIZE); a
 * device that is down: ENETDOWN. */
static void send_data_no_device(struct tpc_t *t)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(0x88b5),
				  .sll_ifindex = t->ifindex };
	struct tpc_sock *none = tpc_open_proto(t, SOCK_RAW, 0);
	struct tpc_sock *raw = tpc_open(t, SOCK_RAW);
	uint8_t f[60], got[128];
	static uint8_t big[1515], wire[2048];
	ssize_t n;

	REQUIRE(t, none && raw);
	if (!TPC_OPS_HAS(t->ops, set_link)) {
		tpc_skip(t, "the backend has no set_link");
		return;
	}
	tpc_eth(f, sizeof(f), tpc_bcast, 0x88b5);
	n = tpc_send_data(t, none, f, 60, NULL, 0);
	if (t->skipped)
		return;
	EXPECT_ERR(t, n, -ENXIO);
	EXPECT_EQ(t, "unbound, to the device", 60,
		  tpc_send_data(t, none, f, 60, &to, 0));
	EXPECT_EQ(t, "wire", 60,
		  tpc_wire_read(t, none, got, sizeof(got), WIRE_WAIT));
	/* unbound, the MTU is the destination device's: 1500 + 14 fits */
	tpc_eth(big, sizeof(big), tpc_bcast, 0x88b5);
	EXPECT_EQ(t, "unbound, 1514 bytes to the device", 1514,
		  tpc_send_data(t, none, big, 1514, &to, 0));
	EXPECT_EQ(t, "wire: 1514", 1514,
		  tpc_wire_read(t, none, wire, sizeof(wire), WIRE_WAIT));
	EXPECT_ERR(t, tpc_send_data(t, none, big, 1515, &to, 0), -EMSGSIZE);
	EXPECT_ERR(t, t->ops->set_link(t->bctx, 0), 0);
	EXPECT_ERR(t, tpc_send_data(t, raw, f, 60, NULL, 0), -ENETDOWN);
	EXPECT_ERR(t, tpc_send_data(t, none, f, 60, &to, 0), -ENETDOWN);
	EXPECT_ERR(t, t->ops->set_link(t->bctx, 1), 0);
}

const struct tpc_case tpc_cases_tx_data[] = {
	{ "tx.send_data", "T1", 0, .fn = send_data,
	  .needs = TPC_CAP_WIRE | TPC_CAP_ADDR | TPC_CAP_TAP_LINK },
	{ "tx.send_data_no_device", "T1 N17", 0, .fn = send_data_no_device,
	  .needs = TPC_CAP_WIRE | TPC_CAP_DEVICE | TPC_CAP_TAP_LINK },
	{ .name = NULL },
};
