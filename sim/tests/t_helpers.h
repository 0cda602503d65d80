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

Suite *suite_dev(void);
Suite *suite_bpf_run(void);
Suite *suite_batch(void);
Suite *suite_edges(void);
Suite *suite_filter(void);
Suite *suite_mmap(void);
Suite *suite_peers(void);
Suite *suite_poll(void);
Suite *suite_profile(void);
Suite *suite_ring(void);
Suite *suite_rx(void);
Suite *suite_sockopt(void);
Suite *suite_threads(void);
Suite *suite_tx(void);
Suite *suite_v3(void);

#endif
