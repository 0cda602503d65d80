/* SPDX-License-Identifier: MIT */
/*
 * libtpsim internals: the private state of a simulated packet socket.
 * Nothing here is read from the shared ring except status words.
 */
#ifndef TPSIM_INTERNAL_H
#define TPSIM_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>

#include "tpsim.h"

#define __tpsim_hidden __attribute__((visibility("hidden")))

/* Largest number of live tpsim_mmap() mappings tracked per socket. */
#define TPSIM_MAX_MAPPINGS 16
/* Per-packet charge against the receive buffer, on top of the bytes:
 * what an skb's bookkeeping costs the kernel, roughly. */
#define TPSIM_SKB_OVERHEAD 768u

struct tpsim_mapping {
	void *addr;
	size_t len;
};

/* Geometry and memory of one ring, fixed between setups. */
struct tpsim_ring {
	bool live;
	uint32_t block_size, block_nr, frame_size, frame_nr;
	uint32_t frames_per_block;
	uint64_t bytes;		/* block_size * block_nr */
	int memfd;		/* ring bytes, then the wake page */
	char *guard;		/* producer's mapping incl. guard pages */
	size_t guard_len;
	char *kbase;		/* producer's view of the ring (inside guard) */
	uint32_t head;		/* next frame to fill (R1) */
};

/* M2: frame idx of a ring, in the producer's own mapping. */
static inline char *tpsim__frame(const struct tpsim_ring *r, uint32_t idx)
{
	return r->kbase + (size_t)(idx / r->frames_per_block) * r->block_size +
	       (size_t)(idx % r->frames_per_block) * r->frame_size;
}

struct tpsim_skb {
	struct tpsim_skb *next;
	uint32_t len;
	uint32_t truesize;
	unsigned char data[];
};

struct tpsim_sock {
	pthread_mutex_t lock;	/* the kernel's socket + queue locks */
	const struct tpsim_profile *prof;
	int type;
	uint16_t protocol;	/* network order; TPSIM_PROTO_NONE: unbound */
	int ifindex;
	uint16_t hatype;
	uint8_t addr[8];
	uint8_t addr_len;
	uint8_t hard_header_len;
	unsigned int mtu;
	uint64_t mem_limit;

	/* options */
	int version;
	unsigned int reserve;
	int copy_thresh;
	int tstamp;
	bool loss, auxdata, origdev, tx_has_off, qdisc_bypass;
	bool ignore_outgoing;
	uint32_t rcvbuf;

	struct tpsim_ring rx;
	uint32_t hdrlen;	/* tp_hdrlen of the live ring (C2) */
	struct tpsim_mapping maps[TPSIM_MAX_MAPPINGS];
	unsigned int nr_maps;

	/* statistics (O7) */
	uint32_t st_packets;
	uint32_t st_drops;

	/* receive queue (R5) */
	struct tpsim_skb *rq_head, *rq_tail;
	uint32_t rmem_alloc;

	/* wake-ups: in-process waiters (tpsim_poll, tpsim_recv) sleep on
	 * the private word, which lives as long as the socket; consumers in
	 * other processes on the page in the ring memfd (NULL: no ring) */
	struct tpsim_wake wake_private;
	struct tpsim_wake *shared_wake;
	int evfd;
	_Atomic uint32_t fd_armed;

	/* virtual clock */
	enum tpsim_clock clock;
	struct timespec vclock;

	char detail[160];
};

/* sock.c */
__tpsim_hidden void tpsim__detail(struct tpsim_sock *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ring.c */
__tpsim_hidden int tpsim__set_ring(struct tpsim_sock *s,
				   const struct tpacket_req *req, bool closing);
__tpsim_hidden void tpsim__ring_free(struct tpsim_ring *r);
__tpsim_hidden uint32_t tpsim__hdrlen(int version);

/* wake.c */
__tpsim_hidden void tpsim__wake_publish(struct tpsim_sock *s);
__tpsim_hidden void tpsim__wake_all(struct tpsim_sock *s);
__tpsim_hidden int tpsim__pollin_locked(struct tpsim_sock *s);

/* recvq.c */
__tpsim_hidden int tpsim__rq_push(struct tpsim_sock *s, const void *a,
				  uint32_t alen, const void *b, uint32_t blen);
__tpsim_hidden void tpsim__rq_purge(struct tpsim_sock *s);

/* clock.c */
__tpsim_hidden void tpsim__clock_read(struct tpsim_sock *s,
				      struct timespec *ts);

#endif
