/* SPDX-License-Identifier: MIT */
/* Helpers shared by the unit-test suites (t_ prefix). */
#ifndef T_HELPERS_H
#define T_HELPERS_H

#include <check.h>
#include <stdint.h>

#include "tpsim.h"

/* A socket of type with TPACKET version and reserve set, virtual clock. */
struct tpsim_sock *t_sock(int type, int version, unsigned int reserve);
struct tpsim_sock *t_sock_profile(const char *profile);
int t_ring(struct tpsim_sock *s, unsigned int bsize, unsigned int bnr,
	   unsigned int fsize, unsigned int fnr);
/* PACKET_RX_RING for the socket's version: a tpacket_req3 with a 10 ms
 * retire timer for TPACKET_V3, else a tpacket_req; returns 0 or -errno. */
int t_ring_v(struct tpsim_sock *s, int version, unsigned int bsize,
	     unsigned int bnr, unsigned int fsize, unsigned int fnr);
int t_setint(struct tpsim_sock *s, int opt, int val);
int t_getint(struct tpsim_sock *s, int opt, int *val);
/* Map the whole ring; fails the test on error. */
void *t_map(struct tpsim_sock *s, size_t *len);
/* Build an Ethernet frame of len bytes: dst, src 02:00:00:00:00:02,
 * ethertype, payload bytes i & 0xff. */
void t_eth(uint8_t *buf, uint32_t len, const uint8_t dst[6], uint16_t type);
int t_deliver(struct tpsim_sock *s, const void *data, uint32_t len);
int t_deliver_flags(struct tpsim_sock *s, const void *data, uint32_t len,
		    uint32_t flags);
void t_stats(struct tpsim_sock *s, unsigned int *packets, unsigned int *drops);

extern const uint8_t t_bcast[6];
extern const uint8_t t_self[6];	/* the default device address */

/* A net of two devices (d, d2) for the device and fanout suites. */
struct t_env {
	struct tpsim_net *n;
	struct tpsim_dev *d, *d2;
};
extern const uint8_t t_dev_addr[6];	/* d's address; d2's ends in 0x0b */
void t_env_open(struct t_env *e, enum tpsim_dev_kind kind);
/* A socket of protocol proto (host order; 0: none) in the net. */
struct tpsim_sock *t_sock_in(struct t_env *e, uint16_t proto);
int t_bind_to(struct tpsim_sock *s, int ifindex, uint16_t proto);
int t_so_error(struct tpsim_sock *s);
/* An IPv4/UDP frame from src:sport to dst:dport, to Ethernet dmac. */
void t_udp_frame(uint8_t *b, const uint8_t dmac[6], uint8_t src,
		 uint8_t dst, uint16_t sport, uint16_t dport);
int t_dev_rx(struct tpsim_dev *d, const uint8_t *b, uint32_t len,
	     unsigned int cpu, unsigned int queue,
	     struct tpsim_dev_result *res, unsigned int nres);
unsigned int t_packets(struct tpsim_sock *s);
/* PACKET_FANOUT: an int when len is sizeof(int), else a fanout_args. */
int t_join(struct tpsim_sock *s, uint16_t id, uint16_t type_flags,
	   uint32_t max, socklen_t len);

/* For the peers and sockbuf suites. */
struct tpsim_sock *t_sock_opts(int type, uint16_t proto,
			       const char *profile, uint32_t rmax,
			       uint32_t wmax);
int t_deliver_out(struct tpsim_sock *s, const uint8_t *f, uint32_t len);

/* /proc/sys/net/core/NAME as a number, or def when it cannot be read
 * (what libtpsim falls back to: the profile's value). */
long t_host_core(const char *name, long def);

Suite *suite_dev(void);
Suite *suite_defrag(void);
Suite *suite_bpf_run(void);
Suite *suite_batch(void);
Suite *suite_batch_clock(void);
Suite *suite_edges(void);
Suite *suite_fanout(void);
Suite *suite_fanout_bpf(void);
Suite *suite_fanout_rollover(void);
Suite *suite_filter(void);
Suite *suite_mmap(void);
Suite *suite_peers(void);
Suite *suite_plain(void);
Suite *suite_poll(void);
Suite *suite_profile(void);
Suite *suite_qdisc(void);
Suite *suite_ring(void);
Suite *suite_rx(void);
Suite *suite_rxroom(void);
Suite *suite_sockbuf(void);
Suite *suite_sockopt(void);
Suite *suite_threads(void);
Suite *suite_tx(void);
Suite *suite_tx_data(void);
Suite *suite_v3(void);

#endif
