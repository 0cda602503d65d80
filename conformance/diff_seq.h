/* SPDX-License-Identifier: MIT */
/* tpconform internals: the sequences of --differential (diff_seq.c makes
 * and tells them, diff_seq_run.c runs them). */
#ifndef TPC_DIFF_SEQ_H
#define TPC_DIFF_SEQ_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/if_packet.h>

#include "tpc_backend.h"

#define TPC_OUT_MAX 65536

/* What a backend showed of one sequence, a line a thing. */
struct tpc_out {
	char buf[TPC_OUT_MAX];
	size_t len;
};

void tpc_emit(struct tpc_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The header fields a V1 or V2 frame shows, read once each; the VLAN
 * pair stays 0 for V1, which has none. */
struct tpc_frame_fields {
	unsigned long status;
	uint32_t len, snaplen, tci, tpid;
	uint16_t mac, net;
};

static inline void tpc_frame_fields_read(const char *h, int version,
					 struct tpc_frame_fields *f)
{
	if (version == TPACKET_V1) {
		const struct tpacket_hdr *p = (const void *)h;

		*f = (struct tpc_frame_fields){
			.status = p->tp_status, .len = p->tp_len,
			.snaplen = p->tp_snaplen, .mac = p->tp_mac,
			.net = p->tp_net };
	} else {
		const struct tpacket2_hdr *p = (const void *)h;

		*f = (struct tpc_frame_fields){
			.status = p->tp_status, .len = p->tp_len,
			.snaplen = p->tp_snaplen, .mac = p->tp_mac,
			.net = p->tp_net, .tci = p->tp_vlan_tci,
			.tpid = p->tp_vlan_tpid };
	}
}

#define TPC_SEQ_MAX_PKTS 40	/* a sequence's burst; fits the keep mask */
#define TPC_SEQ_MAX_OPTS 6

/* A socket option set before the ring request, or after it. */
struct tpc_seq_opt {
	int name, val;
	socklen_t len;
	bool after_ring;
	int level;	/* 0: SOL_PACKET, else SOL_SOCKET */
};

struct tpc_seq {
	int type;
	int version;	/* the version the ring request is shaped for */
	struct tpc_seq_opt opt[TPC_SEQ_MAX_OPTS];
	unsigned int nopt;
	struct tpacket_req3 q;
	socklen_t qlen;
	unsigned int npkts;
	uint64_t pkt_seed;
	/* packet k is made from pkt_seed in turn, injected if bit k is set:
	 * shrinking drops packets without changing the others */
	uint64_t keep;
	bool tx;	/* a TX ring: packets are frames to send */
	/* a socket filter (diff_filter.c), attached before or after the
	 * ring request; shrinking takes it away */
	bool filter, filter_after_ring;
	uint64_t filter_seed;
	/* widened for what peers' suites found (issue 15): */
	int proto;	/* the RX socket's protocol (ETH_P_ALL mostly) */
	bool outgoing;	/* some packets are sent by a second socket on the
			 * device instead: OUTGOING copies (R13) */
	bool bypass;	/* ... with PACKET_QDISC_BYPASS on the sender */
	bool close_first;	/* close the socket, then read the mapping
				 * and unmap it (M4) */
};

#define TPC_FILTER_MAX 32
/* Program of a sequence's filter into f (TPC_FILTER_MAX room): valid
 * mostly, broken as the kernel refuses sometimes; returns its length. */
struct sock_filter;
unsigned int tpc_filter_gen(uint64_t seed, struct sock_filter *f);

/* Sequence number seed, always the same for the same seed. */
void tpc_seq_gen(uint64_t seed, struct tpc_seq *s);
/* The sequence as one line: what a reader needs to redo it by hand. */
void tpc_seq_describe(const struct tpc_seq *s, char *buf, size_t len);
/* How many of its packets the sequence still injects. */
unsigned int tpc_seq_kept(const struct tpc_seq *s);
/* Run it on one backend, everything observable into o. */
void tpc_seq_run(const struct tpc_backend_ops *ops, void *ctx,
		 const struct tpc_seq *s, struct tpc_out *o);

/* Shared by diff_seq.c and diff_seq_run.c: the sequence's xorshift, a
 * pick from an array with it, and an option's name as a line shows it. */
static inline uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

#define PICK(x, arr) ((arr)[rnd(x) % (sizeof(arr) / sizeof((arr)[0]))])

static inline const char *opt_name(int level, int name)
{
	if (level)
		return name == SO_RCVBUF ? "SO_RCVBUF" : "SO_SNDBUF";
	switch (name) {
	case PACKET_VERSION: return "VERSION";
	case PACKET_RESERVE: return "RESERVE";
	case PACKET_LOSS: return "LOSS";
	case PACKET_TIMESTAMP: return "TIMESTAMP";
	case PACKET_COPY_THRESH: return "COPY_THRESH";
	case PACKET_AUXDATA: return "AUXDATA";
	case PACKET_ORIGDEV: return "ORIGDEV";
	case PACKET_TX_HAS_OFF: return "TX_HAS_OFF";
	case PACKET_VNET_HDR: return "VNET_HDR";
	case 24: return "VNET_HDR_SZ";
	default: return "?";
	}
}

#endif
