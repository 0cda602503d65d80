/* SPDX-License-Identifier: MIT */
/* Helpers shared by the device cases (dev*.c): devices, frames arriving on
 * them, and what a socket counted. */
#ifndef TPC_DEV_H
#define TPC_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include "tpc.h"

/* The backend has the device ops the case needs (bind and getsockname,
 * and set_link with need_link); else the case is skipped (a plug-in may
 * lack them) and false returned. */
bool tpc_has_dev(struct tpc_t *t, bool need_link);
/* tp_packets of PACKET_STATISTICS (which it resets). */
unsigned int tpc_packets(struct tpc_t *t, struct tpc_sock *s);
/* SO_ERROR's value, or the getsockopt's -errno. */
int tpc_so_error(struct tpc_t *t, struct tpc_sock *s);
/* n ETH_P_ALL sockets opened into m[], each joined to fanout group id
 * of mode type (PACKET_FANOUT with an int); false (failure recorded)
 * when one could not be opened or joined. */
bool tpc_fanout_group(struct tpc_t *t, struct tpc_sock **m, int n,
		      uint16_t id, uint16_t type);
/* A frame arrives on the device; a failure is recorded and returned. */
int tpc_arrive(struct tpc_t *t, const uint8_t *b, uint32_t len);
/* A 64-byte frame to the device's address: an 802.1Q tag vo, a second
 * one vi when vi >= 0, then EtherType type. */
void tpc_tags(struct tpc_t *t, uint8_t *b, uint16_t vo, int vi,
	      uint16_t type);
/* An IPv4/UDP frame of len bytes from ..:src6 to 10.0.0.dst, IP id 0. */
void tpc_ipv4_frame(uint8_t *b, uint32_t len, uint8_t src6, uint8_t dst);
/* An IPv4 and an IPv6 UDP datagram (fd00::1 to fd00::2, port 12345 to
 * 53, no payload), link header not included: a TUN's frames. */
extern const uint8_t tpc_ip4_udp[28];
extern const uint8_t tpc_ip6_udp[48];

#endif
