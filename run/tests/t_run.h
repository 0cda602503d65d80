/* SPDX-License-Identifier: MIT */
/* Unit tests of the run layer (run/): one suite per module, t_ helpers. */
#ifndef T_RUN_H
#define T_RUN_H

#include <check.h>
#include <json.h>
#include <pcap/pcap.h>

#include "tpr.h"

/* How the test consumer behaves. */
enum t_mode {
	T_OK = 0,		/* as libpcap: in order, each given back */
	T_HOLD_FIRST,		/* keeps the first frame or block forever */
	T_PRIVATE_BITS,		/* marks frames with a bit of its own */
	T_V3_BAD_RETURN,	/* gives V3 blocks back as 2, not KERNEL */
	T_NO_READ,		/* never reads */
};

#define T_LENS 64

struct t_cons {
	/* set by the test */
	int version;		/* TPACKET_V1, V2 or V3 (0 is V1) */
	unsigned int block_size, block_nr, frame_size;	/* [65536, 8, 2048] */
	enum t_mode mode;
	unsigned long stop_after;	/* packets read, then stop [0: at the
					 * end signal] */
	int tstamp;		/* PACKET_TIMESTAMP, 0 for none */
	void (*before_ready)(struct t_cons *c, struct tpr_run *r);
	void (*after)(struct t_cons *c, struct tpr_run *r);
	/* what the consumer saw */
	struct tpsim_sock *s;
	struct tpsim_ring_view v;
	void *ring;
	uint32_t next;
	unsigned long packets, blocks, empty_blocks, losing, copy, copies_recv,
		csum, hwts, enetdown;
	bool vlan_tpid_seen, held;
	uint32_t held_idx;
	void *marked;
	uint32_t min_len, max_len, lens[T_LENS], nlens;
};

/* Run a world with these options (NULL-terminated; --end signal=USR1 is
 * added), the consumer c reading, capture (NULL: none) what it read. */
void t_world(struct t_cons *c, const char *capture, const char *const *opts);
/* Fails unless the two files are byte for byte the same. */
void t_same_file(const char *a, const char *b);
/* Fails unless the captures hold the same packets (data, lengths,
 * stamps); returns how many. */
int t_same_packets(const char *a, const char *b);
json_object *t_report(const char *path);
/* A number in the report by a dotted path: "sockets.0.dropped". */
uint64_t t_jget(json_object *o, const char *path);
int t_findings(json_object *o, const char *rule, long frame);
const char *t_tmp(const char *name);

Suite *suite_run_config(void);
Suite *suite_run_world(void);
Suite *suite_run_checker(void);
Suite *suite_run_scenarios(void);

#endif
