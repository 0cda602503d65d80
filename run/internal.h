/* SPDX-License-Identifier: MIT */
/*
 * The run layer's insides (tpr__ prefix): shared by the files of run/, not part of
 * tpr.h. Lock order: struct tpr_run's lock, then libtpsim's (net, socket).
 */
#ifndef TPR_INTERNAL_H
#define TPR_INTERNAL_H

#include <pcap/pcap.h>
#include <pthread.h>
#include <sys/types.h>

#include "source.h"
#include "tpr.h"

#define TPR_SNAPLEN 262144	/* tcpdump's default snapshot */
#define TPR_MAX_SOCKS 64
#define TPR_MAX_FINDINGS 256

/* ---- checker.c: the consumer checker ---- */
struct tpr_finding {
	char rule[8];		/* C1..C6, see checker.c */
	int sock;		/* socket number in the report */
	uint32_t frame;		/* frame or V3 block index */
	struct timespec at;	/* producer clock when seen */
	bool note;		/* a note, not an error */
	char text[160];
};

/* The producer's record of what it published in one ring slot. */
struct tpr_slot {
	uint64_t seq;		/* publication order (0: never published) */
	uint32_t status;	/* what it published (V1/V2) */
	bool pending;		/* V3: packets in it, not seen closed yet */
	bool published;		/* the user's now (V3: seen USER) */
	bool returned;		/* seen KERNEL again since */
	bool flagged;		/* a finding made about this publication */
};

/* One socket of the world, as the producer, oracle and checker follow
 * it. */
struct tpr_sockent {
	struct tpsim_sock *s;
	int id;			/* 1, 2, ... in the order added */
	bool closed;
	/* counts of the frames offered to the device while it existed */
	uint64_t offered, delivered, dropped, filtered, ignored, link_down;
	/* PACKET_STATISTICS as the program read them (summed) */
	uint64_t stats_reads, st_packets, st_drops, st_freeze;
	/* tpsim_rx_last seq seen */
	uint64_t last_seq;
	/* the ring as the checker maps it: status words only */
	int ring_fd;		/* the memfd it mapped (-1 none) */
	char *ring;
	size_t ring_len;
	struct tpsim_ring_view v;
	ino_t ring_ino;		/* the memfd's inode: a new ring is new */
	struct tpr_slot *slots;	/* frame_nr (V1/V2) or block_nr (V3) */
	uint32_t nslots;
	uint32_t cur_slot;	/* V3: the block the last packet went in */
	uint64_t pub_seq;	/* publications so far */
	uint64_t held_noted;	/* C1: the publication last reported */
	/* the newest publication known returned because the producer
	 * filled its slot again (the kernel fills only a KERNEL slot) */
	uint64_t back_seq;
	uint32_t back_idx;
};

struct tpr_scn_state;

struct tpr_run {
	struct tpr_config *cfg;
	struct tpsim_net *net;
	struct tpsim_dev *dev;
	pthread_mutex_t lock;	/* everything below */
	pthread_cond_t cond;
	struct tpr_sockent socks[TPR_MAX_SOCKS];
	int nsocks;
	bool ready, stop, finished, input_done, drained, ended;
	bool link_up;
	pthread_t thread;
	bool thread_started;
	struct tpr_source *src;
	/* the oracle (--expect-out) and the wire (--wire-out) */
	pcap_t *dead;
	pcap_dumper_t *expect, *wire;
	unsigned char *obuf;	/* one --expect-out record */
	uint64_t expect_written, wire_written;
	/* the input packet being delivered: written to --expect-out once
	 * (the first socket whose ring took it), whatever the fanout */
	uint64_t pkt_written;
	/* world-level counts */
	uint64_t offered, link_down_lost;
	int64_t skipped_ns;	/* --pace capture: gaps skipped */
	struct timespec now;	/* producer clock: the last packet's time */
	struct tpr_finding findings[TPR_MAX_FINDINGS];
	unsigned int nfindings, findings_lost;
	struct tpr_scn_state *scn;
	char err[256];
};

/* run.c */
struct tpr_sockent *tpr__sock_find(struct tpr_run *r,
				   const struct tpsim_sock *s);

/* producer.c */
int tpr__producer_start(struct tpr_run *r);
void tpr__producer_stop(struct tpr_run *r);
/* Hand one packet to the device and account it (lock held). lossless:
 * wait for room first. Returns tpsim_dev_deliver's value. */
int tpr__deliver(struct tpr_run *r, struct tpsim_packet *p, bool lossless);
/* Take every frame the program sent off the sockets' wires (lock held). */
void tpr__wire_drain(struct tpr_run *r);

/* oracle.c: --expect-out and --wire-out */
int tpr__oracle_open(struct tpr_run *r);
/* A packet delivered into e's ring: write it as a correct consumer
 * would (lock held). */
void tpr__oracle_note(struct tpr_run *r, struct tpr_sockent *e,
		      const struct tpsim_packet *p,
		      const struct tpsim_rx_info *in);
void tpr__oracle_wire(struct tpr_run *r, const void *data, uint32_t len);
int tpr__oracle_close(struct tpr_run *r);

/* checker.c */
/* (Re)map e's ring if it changed; false without a ring. Lock held. */
bool tpr__ring_sync(struct tpr_sockent *e);
void tpr__ring_unmap(struct tpr_sockent *e);
/* The producer published slot (frame or block) with status. */
void tpr__check_published(struct tpr_run *r, struct tpr_sockent *e,
			  uint32_t slot, uint32_t status);
/* Look at every status word of e's ring; at_exit: frames never
 * returned are findings. Returns how many slots the user still holds. */
uint32_t tpr__check_scan(struct tpr_run *r, struct tpr_sockent *e,
			 bool at_exit);
void tpr__finding(struct tpr_run *r, const char *rule, int sock,
		  uint32_t frame, bool note, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* report.c */
int tpr__report_write(struct tpr_run *r, const char *path);

/* scenario.c: the hooks of the configured scenarios */
int tpr__scn_open(struct tpr_run *r);
void tpr__scn_close(struct tpr_run *r);
/* The profile sockets are created with ("linux" unless a scenario or
 * --profile says otherwise). */
const char *tpr__scn_profile(const struct tpr_run *r);
void tpr__scn_sock_added(struct tpr_run *r, struct tpr_sockent *e);
/* Play one input frame through the scenarios: they may change it, add
 * packets before it, move the clock or the link. Lock held. */
void tpr__scn_play(struct tpr_run *r, const struct tpr_frame *f,
		   bool lossless);

#endif
