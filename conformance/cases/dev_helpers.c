// SPDX-License-Identifier: MIT
/* Helpers shared by the device cases (tpc_dev.h). */
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>

#include "tpc_dev.h"

const uint8_t tpc_ip4_udp[28] = {
	0x45, 0, 0, 28, 0, 1, 0x40, 0, 64, 17, 0x66, 0xcb,
	10, 0, 0, 1, 10, 0, 0, 2, 0x30, 0x39, 0x00, 0x35, 0, 8, 0, 0,
};
const uint8_t tpc_ip6_udp[48] = {
	0x60, 0, 0, 0, 0, 8, 17, 64,
	0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	0x30, 0x39, 0x00, 0x35, 0, 8, 0, 0,
};

bool tpc_has_dev(struct tpc_t *t, bool need_link)
{
	if (TPC_OPS_HAS(t->ops, bind) && TPC_OPS_HAS(t->ops, getsockname) &&
	    (!need_link || TPC_OPS_HAS(t->ops, set_link)))
		return true;
	tpc_skip(t, need_link ? "the backend has no bind/getsockname/set_link"
			      : "the backend has no bind/getsockname");
	return false;
}

unsigned int tpc_packets(struct tpc_t *t, struct tpc_sock *s)
{
	unsigned int p = 0, d = 0;

	tpc_stats(t, s, &p, &d);
	return p;
}

int tpc_so_error(struct tpc_t *t, struct tpc_sock *s)
{
	int v = -1;
	socklen_t len = sizeof(v);
	int err = t->ops->getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &len);

	return err ? err : v;
}

bool tpc_fanout_group(struct tpc_t *t, struct tpc_sock **m, int n,
		      uint16_t id, uint16_t type)
{
	int v = (int)((uint32_t)id | (uint32_t)type << 16);

	for (int i = 0; i < n; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
		if (!m[i])
			return false;
		int err = t->ops->setsockopt(m[i], SOL_PACKET, PACKET_FANOUT,
					     &v, sizeof(v));

		if (err) {
			tpc_fail(t, __LINE__, "PACKET_FANOUT of group %u: "
				 "expected 0, got %s", id, tpc_errname(err));
			return false;
		}
	}
	return true;
}

int tpc_arrive(struct tpc_t *t, const uint8_t *b, uint32_t len)
{
	struct tpc_inject p = { .data = b, .len = len };
	int err = t->ops->inject(t->bctx, NULL, &p);

	if (err)
		tpc_fail(t, __LINE__, "a frame on the device: %s",
			 tpc_errname(err));
	return err;
}

void tpc_tags(struct tpc_t *t, uint8_t *b, uint16_t vo, int vi,
	      uint16_t type)
{
	uint32_t o = 12;

	tpc_eth(b, 64, t->dev_addr, ETH_P_8021Q);
	memset(b + 12, 0, 52);
	b[o++] = 0x81, b[o++] = 0, b[o++] = (uint8_t)(vo >> 8);
	b[o++] = (uint8_t)vo;
	if (vi >= 0) {
		b[o++] = 0x81, b[o++] = 0, b[o++] = (uint8_t)(vi >> 8);
		b[o++] = (uint8_t)vi;
	}
	b[o++] = (uint8_t)(type >> 8), b[o] = (uint8_t)type;
}

void tpc_ipv4_frame(uint8_t *b, uint32_t len, uint8_t src6, uint8_t dst)
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
