/* SPDX-License-Identifier: MIT */
/*
 * What a hostile scenario is (one small file each, run/scenario_*.c) and
 * what the producer offers it. A scenario sees every input packet before
 * it is delivered: it may change it (tags, flags, stamps, size), deliver
 * packets of its own first (tpr_scn_emit), move the link or swallow the
 * packet. Randomness comes only from tpr_scn_rand (seeded by --seed and
 * the scenario's place in the table), so a run replays from its seed.
 */
#ifndef TPR_SCENARIO_IMPL_H
#define TPR_SCENARIO_IMPL_H

#include "internal.h"

/* a packet's bytes at most (a scenario may grow one past any frame) */
#define TPR_PKT_CAP (65536u + 4096u)

struct tpr_pkt {
	unsigned char *data;	/* TPR_PKT_CAP bytes */
	struct tpsim_packet p;	/* p.data == data */
	bool no_wait;		/* lossless: deliver without waiting for
				 * room (a forced drop when there is none) */
	bool skip;		/* swallowed: not delivered */
};

struct tpr_scn_ctx {
	struct tpr_run *r;
	bool lossless;
	uint64_t rng;		/* splitmix64 state */
	uint64_t u[8];		/* the scenario's own counters */
};

/* A ring of the world, as a scenario sizes packets for it. */
struct tpr_ring_fact {
	struct tpsim_sock *s;
	struct tpsim_ring_view v;
	uint32_t macoff;	/* tp_mac of an Ethernet frame in a slot */
	uint32_t room;		/* bytes of frame a slot holds uncut:
				 * V1/V2 frame_size - macoff, V3
				 * max_frame_len - macoff */
};

struct tpr_scenario {
	struct tpr_scenario_info info;
	const char *profile;	/* sockets' kernel profile, or NULL */
	void (*sock_added)(struct tpr_scn_ctx *c, struct tpsim_sock *s);
	void (*packet)(struct tpr_scn_ctx *c, struct tpr_pkt *p,
		       uint64_t index);
};

uint64_t tpr_scn_rand(struct tpr_scn_ctx *c);
/* A number in [lo, hi]. */
uint64_t tpr_scn_range(struct tpr_scn_ctx *c, uint64_t lo, uint64_t hi);
/* Deliver a packet the scenario made, now (before the input packet). */
int tpr_scn_emit(struct tpr_scn_ctx *c, struct tpr_pkt *p);
/* Copies of p delivered without waiting until s's ring drops one
 * (bounded: the consumer runs on meanwhile), then more copies; false
 * without memory. */
bool tpr_scn_burst(struct tpr_scn_ctx *c, const struct tpr_pkt *p,
		   struct tpsim_sock *s, uint64_t more);
/* A copy of p to change and emit (its own buffer); NULL: no memory. */
struct tpr_pkt *tpr_scn_dup(const struct tpr_pkt *p);
void tpr_scn_free(struct tpr_pkt *p);
/* The first live socket's ring of a version in mask (1 << TPACKET_Vn);
 * false if none. */
bool tpr_scn_ring(struct tpr_scn_ctx *c, unsigned int mask,
		  struct tpr_ring_fact *out);
/* The link as SIOCSIFFLAGS IFF_UP would set it. */
void tpr_scn_link(struct tpr_scn_ctx *c, bool up);

#define TPR_V12 ((1u << TPACKET_V1) | (1u << TPACKET_V2))
#define TPR_V3 (1u << TPACKET_V3)

extern const struct tpr_scenario tpr_scn_losing_burst, tpr_scn_v3_frozen,
	tpr_scn_v3_empty_block, tpr_scn_vlan_stacked, tpr_scn_copy,
	tpr_scn_csum_partial, tpr_scn_hw_timestamps, tpr_scn_size_edges,
	tpr_scn_link_flap, tpr_scn_old_retire;

#endif
