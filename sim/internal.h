/* SPDX-License-Identifier: MIT */
/*
 * libtpsim internals: the private state of a simulated packet socket.
 * Nothing here is read from the shared ring except status words.
 */
#ifndef TPSIM_INTERNAL_H
#define TPSIM_INTERNAL_H

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>

#include "tpsim.h"

#define __tpsim_hidden __attribute__((visibility("hidden")))

struct tpsim_bpf_prog;	/* bpf.h */

#define TPSIM_ALIGN8(x) (((x) + 7u) & ~(__typeof__(x))7u)

/* Largest number of live tpsim_mmap() mappings tracked per socket. */
#define TPSIM_MAX_MAPPINGS 16

/* Per-frame charge against the send buffer, on top of the bytes: what an
 * skb's bookkeeping costs the kernel, roughly. */
#define TPSIM_SKB_OVERHEAD 768u

struct tpsim_mapping {
	void *addr;
	size_t len;
};

/*
 * The V3 block queue (the kernel's tpacket_kbdq_core), kept privately:
 * where the next packet goes, how many the open block holds and when the
 * retire timer fires are never read back from the ring.
 */
struct tpsim_kbdq {
	uint32_t active;	/* block being filled, or the frozen one */
	uint32_t last_active;	/* active at the last timer refresh */
	uint32_t next_seq;	/* seq_num of the next opened block (B1) */
	uint32_t first_off;	/* BLK_PLUS_PRIV(sizeof_priv) */
	uint32_t nxt_off;	/* where the next packet starts */
	uint32_t prev_off;	/* the last packet placed */
	uint32_t num_pkts, blk_len;
	uint32_t max_frame_len;	/* block_size - first_off (B5) */
	uint32_t sizeof_priv, feature_req_word;
	uint32_t retire_tov_ms;	/* as given, or derived (G14) */
	int64_t period_ns;	/* retire_tov on the producer clock */
	int64_t deadline_ns;	/* next timer expiry (monotonic ns) */
	bool frozen;		/* B3 */
	struct timespec last_ts;/* timestamp of the last packet placed */
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
	uint32_t head;		/* next frame to fill (R1) or send (T1) */
	/* RX V1/V2: the head frame's address and the frames from it to
	 * its block's end, moved with head by rx.c (no division per
	 * packet), set from head by tpsim__rx_plan */
	char *head_at;
	uint32_t head_left;
	struct tpsim_kbdq v3;	/* TPACKET_V3 RX only */
};

/* M2: frame idx of a ring, in the producer's own mapping. */
static inline char *tpsim__frame(const struct tpsim_ring *r, uint32_t idx)
{
	return r->kbase + (size_t)(idx / r->frames_per_block) * r->block_size +
	       (size_t)(idx % r->frames_per_block) * r->frame_size;
}

struct tpsim_skb {
	struct tpsim_skb *next;
	uint8_t vnet[10];	/* receive queue: its virtio-net header */
	uint32_t len;
	uint32_t truesize;
	uint32_t frame;		/* wire queue: TX frame to complete */
	bool held;		/* wire queue: frame still SENDING */
	int ifindex;		/* qdisc list: the device holding it */
	unsigned char data[];
};

/* One ring request, whatever the version (the kernel's tpacket_req_u). */
union tpsim_req {
	struct tpacket_req req;
	struct tpacket_req3 req3;
};

/* Packets of tpsim_deliver_batch() handled per taking of the lock: the
 * NAPI budget of a NIC's poll, so the consumer's poll and the V3 timer
 * wait at most that long for the lock. */
#define TPSIM_BATCH_RUN 64u

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
	uint32_t vnet_hdr_sz;	/* 0, 10 or 12 (PACKET_VNET_HDR[_SZ]) */
	uint32_t rcvbuf;
	uint32_t rmem_max, wmem_max;	/* caps of SO_RCVBUF/SO_SNDBUF */

	struct tpsim_ring rx, tx;
	uint32_t hdrlen;	/* tp_hdrlen of the live ring (C2) */
	struct tpsim_mapping maps[TPSIM_MAX_MAPPINGS];
	unsigned int nr_maps;

	/* statistics (O7) */
	uint32_t st_packets;
	uint32_t st_drops;
	uint32_t st_freeze;	/* V3: tp_freeze_q_cnt */

	/* the wire: frames sent from the TX ring, in order (T1) */
	enum tpsim_wire_mode wire_mode;
	uint32_t wire_limit;	/* packets queued at most */
	uint32_t wire_len;
	struct tpsim_skb *wq_head, *wq_tail;
	/* frames a device's qdisc holds (tpsim_dev_set_qdisc_hold) */
	struct tpsim_skb *qd_head, *qd_tail;
	uint32_t tx_pending;	/* frames SENDING (HOLD mode, qdisc) */
	uint32_t wmem_alloc, sndbuf;
	int64_t sndtimeo_ns;	/* 0: wait forever */
	struct tpsim_wire_stats wire_st;
	pthread_cond_t tx_cond;	/* a frame completed */
	unsigned int link_speed;/* Mb/s, 0 unknown (G14) */

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

	/* the V3 retire timer on the real clock: one thread per socket,
	 * started with the first V3 ring, stopped by tpsim_close */
	pthread_t timer_thread;
	pthread_cond_t timer_cond;
	bool timer_started, timer_stop;

	/* the net, the device binding, fanout and memberships (dev.c,
	 * fanout.c, mclist.c), all under the net's lock; net NULL: a lone
	 * socket on the one device of its tpsim_create options */
	struct tpsim_net *net;
	struct tpsim_sock *net_next;
	int bound_ifindex;	/* as getsockname: 0 every device, -1 gone */
	bool running;		/* PACKET_SOCK_RUNNING: its hook is in */
	_Atomic int sk_err;	/* positive errno, read once (sock_error) */
	_Atomic bool pressure;	/* PACKET_SOCK_PRESSURE (rollover) */
	struct tpsim_fanout *fanout;
	struct tpsim_rollover *rollover;
	struct tpsim_mc *mclist;
	/* frames sent while in a net, waiting to be shown to the device's
	 * other taps (dev_queue_xmit_nit) once the socket's lock is let go */
	struct tpsim_skb *nit_head, *nit_tail;
	/* SO_ATTACH_FILTER (sockfilter.c): the program run_filter() runs,
	 * SO_LOCK_FILTER, and the SKF_AD_RANDOM state */
	struct tpsim_bpf_prog *filter;
	bool filter_locked;
	uint32_t bpf_rnd;
	/* a delivery run (tpsim_deliver, or up to TPSIM_BATCH_RUN packets
	 * of tpsim_deliver_batch) under the lock: whether it published
	 * something to wake for, and the clock read once for the run */
	bool rx_in_run, rx_wake_due, rx_ts_valid, rx_mono_valid;
	/* a batch run's plain V1/V2 frames, filled, their status words not
	 * yet released: released in frame order before anything else
	 * publishes and at the run's end (rx.c), so that a consumer at the
	 * head frame does not poll each frame while it is being written */
	uint32_t rx_pend_n;
	uint32_t rx_pend_status[TPSIM_BATCH_RUN];
	char *rx_pend_h[TPSIM_BATCH_RUN];
	struct timespec rx_ts;
	int64_t rx_mono;
	/* the receive plan (tpsim__rx_plan): whether this socket's
	 * configuration lets a plain packet take the plain path, and that
	 * path's constants. Whatever changes a field the plan reads
	 * (protocol, filter, vnet_hdr_sz, copy_thresh, the link, the ring,
	 * version, reserve) calls tpsim__rx_plan under the lock after. */
	bool rx_plain;
	uint8_t rx_hlen;	/* link header bytes the socket sees */
	uint8_t rx_minlen;	/* shortest plain packet */
	uint16_t rx_macoff;	/* tp_mac */
	uint32_t rx_macnet;	/* tp_mac | tp_net << 16 */
	uint32_t rx_snapmax;	/* frame_size - rx_macoff (R4) */

	/* the last delivered packet, as written (tpsim_rx_last). After the
	 * plain path, ring is TPSIM_RX_NOTE_PLAIN: only seq, frame, status,
	 * len and ts are set; the rest follow from the plan
	 * (tpsim__rx_note_fill), which fills them in before it changes */
	struct tpsim_rx_info last_rx;

	char detail[160];
};

/* sock.c */
__tpsim_hidden void tpsim__detail(struct tpsim_sock *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* dev.c, fanout.c, mclist.c: the net a socket is in (issue 17). Lock
 * order: the net's lock, then a socket's. */
struct tpsim_net {
	pthread_mutex_t lock;
	struct tpsim_dev *devs;
	struct tpsim_sock *socks;	/* in the order they were added */
	struct tpsim_fanout *groups;
	uint16_t next_id;		/* PACKET_FANOUT_FLAG_UNIQUEID */
	uint32_t rnd;			/* PACKET_FANOUT_RND's generator */
	struct tpsim_defrag *defrag;	/* defrag.c: IPv4 reassembly */
};

/* A hardware address list entry (struct netdev_hw_addr). */
struct tpsim_hwaddr {
	struct tpsim_hwaddr *next;
	uint8_t addr[32];
	uint16_t alen;
	unsigned int refs;
};

struct tpsim_dev {
	struct tpsim_net *net;
	struct tpsim_dev *next;
	char name[16];
	int ifindex;
	uint16_t hatype;
	uint8_t addr[8];
	uint8_t addr_len, hard_header_len;
	unsigned int mtu, link_speed;
	enum tpsim_dev_kind kind;
	bool up;
	bool qdisc_hold;	/* tpsim_dev_set_qdisc_hold */
	unsigned int promiscuity, allmulti;
	struct tpsim_hwaddr *mc, *uc;
};

__tpsim_hidden struct tpsim_dev *tpsim__dev_find(struct tpsim_net *n,
						  int ifindex);
__tpsim_hidden void tpsim__net_sock_release(struct tpsim_sock *s);
__tpsim_hidden void tpsim__sock_take_dev(struct tpsim_sock *s,
					 const struct tpsim_dev *d);
/* *hold: the ifindex of the device if its qdisc holds frames, else 0 */
__tpsim_hidden int tpsim__dev_xmit_check(struct tpsim_sock *s,
					 const struct sockaddr_ll *to,
					 int *hold);
/* tx.c: drop the frames the qdisc of device ifindex holds for s (its
 * lock held): each completes as tpacket_destruct_skb() does */
__tpsim_hidden void tpsim__qdisc_release(struct tpsim_sock *s, int ifindex);
/* the frame's protocol as the stack dispatches it (network order); 0
 * when untagging a priority tag's inner tag frees it first */
__tpsim_hidden uint16_t tpsim__frame_proto(const struct tpsim_dev *d,
					   const struct tpsim_packet *p);
/* the protocol a TUN without packet information gives a packet it
 * takes (network order): ETH_P_IP or ETH_P_IPV6 by the IP version nibble
 * (tun_get_user, IFF_NO_PI), else 0 */
static inline uint16_t tpsim__tun_protocol(const struct tpsim_packet *p)
{
	const uint8_t *d = p->data;

	if (p->len && (d[0] >> 4) == 4)
		return htons(ETH_P_IP);
	if (p->len && (d[0] >> 4) == 6)
		return htons(ETH_P_IPV6);
	return 0;
}

/* dev_rx.c: a sent frame noted under the socket's lock, shown to the
 * other ETH_P_ALL sockets of the device as PACKET_OUTGOING after it */
__tpsim_hidden void tpsim__nit_note(struct tpsim_sock *s,
				    const struct tpsim_skb *skb);
__tpsim_hidden void tpsim__nit_flush(struct tpsim_sock *s,
				     const struct sockaddr_ll *to);
__tpsim_hidden void tpsim__nit_purge(struct tpsim_sock *s);

/* fanout.c */
__tpsim_hidden void tpsim__fanout_link(struct tpsim_sock *s);
__tpsim_hidden void tpsim__fanout_unlink(struct tpsim_sock *s);
__tpsim_hidden void tpsim__fanout_release(struct tpsim_sock *s);
__tpsim_hidden struct tpsim_sock *
tpsim__fanout_pick(struct tpsim_fanout *f, const struct tpsim_packet *p,
		   const struct tpsim_dev *d, unsigned int cpu,
		   unsigned int queue);
__tpsim_hidden bool tpsim__fanout_takes(const struct tpsim_fanout *f,
					const struct tpsim_dev *d,
					uint16_t proto);
__tpsim_hidden struct tpsim_fanout *tpsim__fanout_next(
	const struct tpsim_fanout *f);
/* PACKET_FANOUT_FLAG_IGNORE_OUTGOING, or the sender is a member */
__tpsim_hidden bool tpsim__fanout_skips_outgoing(
	const struct tpsim_fanout *f, const struct tpsim_sock *sender);
__tpsim_hidden int tpsim__fanout_setsockopt(struct tpsim_sock *s,
					    int optname, const void *optval,
					    socklen_t optlen);
__tpsim_hidden int tpsim__fanout_getsockopt(struct tpsim_sock *s,
					    int optname, void *optval,
					    int *len);
/* defrag.c: ip_check_defrag() for a PACKET_FANOUT_FLAG_DEFRAG group,
 * net lock held: 0 the frame goes on as it is, 1 nobody gets it (a
 * fragment kept or dropped), 2 it completed a datagram, in *out (its
 * bytes in *buf, to free after) */
__tpsim_hidden int tpsim__defrag(struct tpsim_net *n, const struct tpsim_dev *d,
				 const struct tpsim_packet *p,
				 struct tpsim_packet *out, uint8_t **buf);
__tpsim_hidden void tpsim__defrag_free(struct tpsim_net *n);
/* which list of taps the group's hook is on, in the order they see a
 * frame (0-3) */
__tpsim_hidden unsigned int tpsim__fanout_rank(const struct tpsim_fanout *f);
/* the group has PACKET_FANOUT_FLAG_DEFRAG */
__tpsim_hidden bool tpsim__fanout_defrags(const struct tpsim_fanout *f);

/* fanout_bpf.c: PACKET_FANOUT_DATA of a CBPF group (a checked program
 * in *out, or the refusal's errno) and of an EBPF group (never 0: the
 * kernel's refusal, or -EOPNOTSUPP for a program it would take); the
 * answer of a group's program for a frame (fanout_demux_bpf), all: the
 * group takes every protocol; net lock held */
struct tpsim_bpf_prog;
__tpsim_hidden int tpsim__fanout_cbpf_new(struct tpsim_sock *s,
					  const void *optval, socklen_t optlen,
					  struct tpsim_bpf_prog **out);
__tpsim_hidden int tpsim__fanout_ebpf_set(struct tpsim_sock *s,
					  const void *optval,
					  socklen_t optlen);
__tpsim_hidden uint32_t tpsim__fanout_run_bpf(
	const struct tpsim_bpf_prog *prog, const struct tpsim_dev *d,
	const struct tpsim_packet *p, bool all, unsigned int cpu,
	uint32_t *rnd);
/* __packet_rcv_has_room(): ROOM_NONE 0, ROOM_LOW 1, ROOM_NORMAL 2; the
 * socket's lock held */
__tpsim_hidden int tpsim__rcv_room_locked(struct tpsim_sock *s,
					  uint32_t truesize);
/* packet_poll()/packet_recvmsg(): pressure off once there is room */
__tpsim_hidden void tpsim__pressure_check_locked(struct tpsim_sock *s);

/* mclist.c */
__tpsim_hidden int tpsim__mc_setsockopt(struct tpsim_sock *s, int optname,
					const void *optval, socklen_t optlen);
__tpsim_hidden void tpsim__mc_flush(struct tpsim_sock *s);
__tpsim_hidden void tpsim__mc_dev_gone(struct tpsim_sock *s,
				       struct tpsim_dev *d);
__tpsim_hidden bool tpsim__dev_accepts(const struct tpsim_dev *d,
				       const struct tpsim_packet *p);

/* ring.c */
__tpsim_hidden int tpsim__set_ring(struct tpsim_sock *s,
				   const union tpsim_req *req, bool closing,
				   bool tx);
__tpsim_hidden void tpsim__ring_free(struct tpsim_ring *r);
__tpsim_hidden uint32_t tpsim__hdrlen(int version);
__tpsim_hidden uint64_t tpsim__page_round(uint64_t n);

/* A packet as the receive path leaves it: the link header (after software
 * VLAN untagging), the rest, and its metadata. */
struct rx_skb {
	/* set by every parse */
	const uint8_t *lhdr;	/* in the packet, or lhdr_buf when untagged */
	const uint8_t *payload;
	const uint8_t *src;	/* link source address (halen bytes) */
	uint32_t lhdr_len;
	uint32_t plen;
	uint32_t wire_len;	/* the frame as it arrived (truesize) */
	uint16_t protocol;	/* network order */
	uint8_t pkttype;
	/* from vlan to lhdr_buf: 0 unless the parse or the socket's view
	 * says otherwise, zeroed as one before the parse (RX_SKB_ZERO) */
	bool vlan;
	uint16_t vlan_tci, vlan_tpid;
	uint32_t snaplen;	/* run_filter()'s answer, at most the length
				 * the socket sees: the bytes to copy */
	uint32_t mac_extra;	/* SOCK_RAW: tags counted in the link
				 * header for tp_net (outgoing, R13) */
	uint16_t dgram_proto;	/* SOCK_DGRAM's sll_protocol (R14) */
	bool data_tag;		/* SOCK_DGRAM: a tag in the data names the
				 * VLAN fields (R14) */
	uint16_t data_tci;
	uint8_t vnet[10];	/* the virtio_net_hdr the packet would carry */
	uint32_t pulled;	/* tag bytes the stack took out of the data */
	/* written before it is read: lhdr points here after untagging */
	uint8_t lhdr_buf[14];
};

/* The fields of an rx_skb that are 0 until something sets them. */
#define RX_SKB_ZERO(k)                                                       \
	memset(&(k)->vlan, 0,                                                \
	       offsetof(struct rx_skb, lhdr_buf) - offsetof(struct rx_skb, vlan))


/* rx_plan.c: the receive plan, after any change of the socket's
 * configuration, with s->lock held; the RX head frame's address and the
 * frames left in its block, from head (V1/V2) */
__tpsim_hidden void tpsim__rx_plan(struct tpsim_sock *s);
__tpsim_hidden void tpsim__rx_head_set(struct tpsim_ring *r);

/* rx_v3.c; B6: skb_get_hash(), only for V3 rings that ask for it */
__tpsim_hidden uint32_t tpsim__flow_hash(const struct rx_skb *k);
__tpsim_hidden void tpsim__v3_init(struct tpsim_sock *s,
				   const struct tpacket_req3 *req);
/* Note the packet just written (tpsim_rx_last): inline, on every
 * delivery's path. */
static inline void tpsim__rx_note(struct tpsim_sock *s, int ring,
				  uint32_t frame, uint32_t status,
				  uint32_t len, uint32_t snaplen,
				  uint64_t macoff, uint64_t netoff,
				  const struct timespec *ts,
				  uint16_t vlan_tci, uint16_t vlan_tpid)
{
	struct tpsim_rx_info *in = &s->last_rx;

	/* from the values written, never read back from the frame: the
	 * consumer may have changed it already; sz is set by
	 * tpsim_rx_last, not per packet */
	in->seq++;
	in->ring = ring;
	in->frame = frame;
	in->status = status;
	in->len = len;
	in->snaplen = snaplen;
	in->mac = (uint16_t)macoff;
	in->net = (uint16_t)netoff;
	if (ts)
		in->ts = *ts;
	else
		in->ts = (struct timespec){ 0 };
	in->vlan_tci = vlan_tci;
	in->vlan_tpid = vlan_tpid;
}
/* rx_plan.c: the fields of last_rx the plain path leaves to the plan,
 * when last_rx.ring says so (a value tpsim_rx_last never shows) */
#define TPSIM_RX_NOTE_PLAIN 2
__tpsim_hidden void tpsim__rx_note_fill(struct tpsim_sock *s);
/* rx_v3.c: would a frame of need bytes (tp_mac + snaplen) go in now */
__tpsim_hidden bool tpsim__v3_room(const struct tpsim_sock *s, uint32_t need);
__tpsim_hidden int tpsim__v3_rcv(struct tpsim_sock *s,
				 const struct tpsim_packet *p,
				 const struct rx_skb *k);
__tpsim_hidden void tpsim__v3_timer_fire(struct tpsim_sock *s, int64_t now);
__tpsim_hidden uint32_t tpsim__v3_default_tov(const struct tpsim_sock *s,
					      uint32_t block_size);

/* clock.c */
__tpsim_hidden int64_t tpsim__mono_ns(const struct tpsim_sock *s);
__tpsim_hidden int tpsim__timer_start(struct tpsim_sock *s);
__tpsim_hidden void tpsim__timer_kick(struct tpsim_sock *s);
__tpsim_hidden void tpsim__timer_stop(struct tpsim_sock *s);
__tpsim_hidden void tpsim__timer_run_until(struct tpsim_sock *s,
					   int64_t now);
__tpsim_hidden int64_t tpsim__timer_next_publish(const struct tpsim_sock *s);
/* the virtual clock moves forward to ts (never back), timer on the way;
 * lock held */
__tpsim_hidden void tpsim__clock_forward(struct tpsim_sock *s,
					 const struct timespec *ts);

/* tx.c */
__tpsim_hidden void tpsim__wire_purge(struct tpsim_sock *s);
__tpsim_hidden int tpsim__pollout_locked(struct tpsim_sock *s);

/* wake.c */
__tpsim_hidden void tpsim__wake_waiters(struct tpsim_sock *s);
#ifdef __SANITIZE_THREAD__
/* ThreadSanitizer does not take a fence inlined into the producer: there
 * the same function is out of line, in wake.c */
__tpsim_hidden void tpsim__wake_publish(struct tpsim_sock *s);
#else
/* After publishing: wake whoever sleeps on the socket (P3). Inline: the
 * common case is a consumer that keeps up, nobody to wake, no call. */
static inline void tpsim__wake_publish(struct tpsim_sock *s)
{
	/* pairs with the fence in tpsim_wait(): the status store above is
	 * ordered before the sleepers loads below */
	tpsim_smp_mb();
	if (atomic_load_explicit(&s->wake_private.sleepers,
				 memory_order_relaxed) ||
	    (s->shared_wake &&
	     atomic_load_explicit(&s->shared_wake->sleepers,
				  memory_order_relaxed)) ||
	    atomic_load_explicit(&s->fd_armed, memory_order_relaxed))
		tpsim__wake_waiters(s);
}
#endif
#ifdef __SANITIZE_THREAD__
#define tpsim__wake_publish_ring tpsim__wake_publish
#else
/* tpsim__wake_publish() of a socket with an RX ring, as the plain path's
 * (rx.c): its wake page is mapped (ring.c sets s->shared_wake with the
 * ring), so no NULL to test; nobody asleep the expected case (the
 * compiler otherwise moved the last look out of line, a jump more) */
static inline void tpsim__wake_publish_ring(struct tpsim_sock *s)
{
	tpsim_smp_mb();	/* as tpsim__wake_publish() */
	if (__builtin_expect(atomic_load_explicit(&s->wake_private.sleepers,
						  memory_order_relaxed) ||
			     atomic_load_explicit(&s->shared_wake->sleepers,
						  memory_order_relaxed) ||
			     atomic_load_explicit(&s->fd_armed,
						  memory_order_relaxed),
			     0))
		tpsim__wake_waiters(s);
}
#endif
__tpsim_hidden void tpsim__wake_all(struct tpsim_sock *s);
__tpsim_hidden int tpsim__pollin_locked(struct tpsim_sock *s);

/* sockfilter.c: SO_ATTACH_FILTER and friends at SOL_SOCKET, and
 * run_filter() */
__tpsim_hidden bool tpsim__filter_opt(int optname);
__tpsim_hidden int tpsim__filter_setsockopt(struct tpsim_sock *s, int optname,
					    const void *optval,
					    socklen_t optlen);
__tpsim_hidden int tpsim__filter_getsockopt(struct tpsim_sock *s, int optname,
					    void *optval, int *len);
__tpsim_hidden uint32_t tpsim__run_filter(struct tpsim_sock *s,
					  const struct tpsim_packet *p,
					  const struct rx_skb *k);
__tpsim_hidden void tpsim__filter_free(struct tpsim_sock *s);
/* The checks a copied sock_fprog gets from either door
 * (SO_ATTACH_FILTER, PACKET_FANOUT_DATA): 1..BPF_MAXINSNS instructions,
 * bpf_check_classic, then the eBPF form's length and jumps
 * (bpf_prepare_filter) into *ebpf_len. -EINVAL with the detail set: a
 * bad length names rule ("F1", "N18"); a checker refusal names the
 * checker's rule, after why_prefix ("", or "N18: " for a fanout group). */
struct sock_fprog;
__tpsim_hidden int tpsim__fprog_check(struct tpsim_sock *s, const char *rule,
				      const char *why_prefix,
				      const struct sock_fprog *fprog,
				      uint32_t *ebpf_len);

/* recvq.c */
__tpsim_hidden int tpsim__rq_push(struct tpsim_sock *s, const void *a,
				  uint32_t alen, const void *b, uint32_t blen,
				  uint32_t truesize, const uint8_t vnet[10]);
__tpsim_hidden uint32_t tpsim__truesize(const struct tpsim_sock *s,
					uint32_t wire_len);
/* What a copy of a frame a socket sent costs the receive buffer: the
 * sender's skb from a TX ring (recvq.c) */
__tpsim_hidden uint32_t tpsim__out_truesize(const struct tpsim_sock *s,
					    uint32_t wire_len);
__tpsim_hidden uint32_t tpsim__skb_truesize(const struct tpsim_sock *s,
					    uint64_t size);
__tpsim_hidden void tpsim__rq_purge(struct tpsim_sock *s);

/* The producer's clock for stamps: inline, it is read per packet. */
static inline void tpsim__clock_read(const struct tpsim_sock *s,
				     struct timespec *ts)
{
	if (__builtin_expect(s->clock == TPSIM_CLOCK_VIRTUAL, 0))
		*ts = s->vclock;
	else
		clock_gettime(CLOCK_REALTIME, ts);
}
/* wake.c: a block or frame was published; inside a delivery run the
 * wake-up waits for the end of the run */
__tpsim_hidden void tpsim__publish(struct tpsim_sock *s);
/* CLOCK_MONOTONIC now + ns, for timed waits */
__tpsim_hidden void tpsim__deadline(struct timespec *out, int64_t ns);

#endif
