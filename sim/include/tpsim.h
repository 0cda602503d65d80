/* SPDX-License-Identifier: MIT */
/*
 * libtpsim: the kernel side of a Linux AF_PACKET mmap ring (PACKET_RX_RING
 * and PACKET_TX_RING, TPACKET_V1, V2 and V3), rebuilt in userspace.
 *
 * A struct tpsim_sock behaves like a packet socket: the same option numbers
 * and structs as <linux/if_packet.h>, the same ring-setup checks in the same
 * order with the same errno, the same frame layout and status words. The ring
 * lives in a memfd so a consumer in another process can map it. The producer
 * side (tpsim_deliver) is what the kernel's tpacket_rcv() does when a packet
 * arrives.
 *
 * Conventions
 *  - Every function returns 0 or a positive value on success and a negative
 *    errno on failure (never -1 with errno set).
 *  - Rule IDs in comments (G4, R3, ...) refer to the contract restated in
 *    conformance/rules.tsv.
 *  - Threads: the producer (tpsim_deliver) and the consumer (tpsim_poll,
 *    tpsim_recv, reading frames) may run in different threads at once.
 *    Option calls, mmap/munmap and close serialise against both through the
 *    socket's lock; tpsim_close must not race any other call on the socket.
 *  - The producer never trusts the ring memory: it reads back nothing from
 *    it except the status word of the frame it is about to fill.
 */
#ifndef TPSIM_H
#define TPSIM_H

#include <linux/if_packet.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include "tpsim/barrier.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared here is the library's interface: exported from
 * libtpsim.so (the objects are built with -fvisibility=hidden), and
 * versioned by sim/libtpsim.map (make check-abi). */
#pragma GCC visibility push(default)

#define TPSIM_VERSION_MAJOR 0
#define TPSIM_VERSION_MINOR 2

struct tpsim_sock;

/* Clock of the producer: timestamps of packets that carry none, V3 block
 * stamps and the V3 retire timer. */
enum tpsim_clock {
	TPSIM_CLOCK_REAL = 0,	/* CLOCK_REALTIME for stamps, CLOCK_MONOTONIC
				 * for the retire timer, run by a thread */
	TPSIM_CLOCK_VIRTUAL,	/* starts at 0, moves only by tpsim_clock_*;
				 * the retire timer fires inside those calls
				 * at exactly its virtual instant */
};

/* What happens to frames sent from the TX ring (tpsim_send). */
enum tpsim_wire_mode {
	/* Copied to the wire queue and completed at once (AVAILABLE), as a
	 * TAP device does; a full queue drops the packet (wire drops). */
	TPSIM_WIRE_QUEUE = 0,
	/* Copied to the wire queue but left SENDING until the caller reads
	 * it with tpsim_wire_recv(): the transmission-in-flight state a
	 * slow NIC leaves frames in. */
	TPSIM_WIRE_HOLD,
};

/*
 * Options for tpsim_create(). Zero-initialise, set .sz = sizeof(opts), fill
 * what you need: a field left 0 takes the default in brackets. Built this
 * way so that fields can be added without breaking callers compiled against
 * an older header.
 */
struct tpsim_create_opts {
	size_t sz;
	int type;		/* SOCK_RAW or SOCK_DGRAM [SOCK_RAW] */
	uint16_t protocol;	/* network order, as socket(2) [htons(ETH_P_ALL)];
				 * use TPSIM_PROTO_NONE for a socket bound to
				 * no protocol, which receives nothing */
	int ifindex;		/* reported in sockaddr_ll [1] */
	uint16_t hatype;	/* ARPHRD_ETHER or ARPHRD_NONE [ARPHRD_ETHER] */
	uint8_t addr[8];	/* device address [02:00:00:00:00:01] */
	unsigned int mtu;	/* device MTU [1500] */
	const char *profile;	/* kernel profile name ["linux"] */
	enum tpsim_clock clock;	/* [TPSIM_CLOCK_REAL] */
	uint64_t mem_limit;	/* bytes of ring memory allowed [4 GiB]:
				 * beyond it ring setup fails with ENOMEM
				 * as the kernel does when allocation fails */
	enum tpsim_wire_mode wire;	/* [TPSIM_WIRE_QUEUE] */
	uint32_t wire_queue_len;	/* packets the wire holds [1000] */
	unsigned int link_speed;	/* Mb/s as ethtool reports it, for the
					 * default V3 retire timeout (G14)
					 * [0: unknown]; a TAP says 10000 */
	/* caps of SO_RCVBUF / SO_SNDBUF in bytes, as net.core.rmem_max and
	 * wmem_max [0: the host's /proc/sys/net/core values, read at
	 * create; the profile's when those cannot be read]. The socket
	 * starts at the host's rmem_default / wmem_default when its cap is
	 * the host's, at the profile's defaults when a cap is given here. */
	uint32_t rmem_max, wmem_max;
	size_t __last;
};
#define tpsim_create_opts__last_field __last
#define TPSIM_PROTO_NONE 0xffff

/*
 * Create a simulated packet socket. Returns 0 and *out, or -EINVAL (bad
 * option, unknown profile, unsupported hatype), -ESOCKTNOSUPPORT (type is
 * not SOCK_RAW/SOCK_DGRAM), -ENOMEM. Free with tpsim_close().
 */
int tpsim_create(const struct tpsim_create_opts *opts, struct tpsim_sock **out);

/* Close, as close(2) (packet_release): the socket goes, but mappings made
 * by tpsim_mmap stay valid, as a real socket's do (DPDK's af_packet closes
 * before it unmaps): the rings live until the last mapping of them is
 * gone, then their memory is freed. Unmap those with munmap(2) after
 * close (the socket, and so tpsim_munmap, is gone). Safe on NULL. */
void tpsim_close(struct tpsim_sock *s);

/*
 * setsockopt(2)/getsockopt(2). level SOL_PACKET: PACKET_VERSION,
 * PACKET_RESERVE, PACKET_RX_RING, PACKET_COPY_THRESH, PACKET_STATISTICS
 * (get), PACKET_HDRLEN (get), PACKET_LOSS, PACKET_TIMESTAMP, PACKET_AUXDATA,
 * PACKET_ORIGDEV, PACKET_TX_HAS_OFF, PACKET_QDISC_BYPASS,
 * PACKET_IGNORE_OUTGOING, PACKET_TX_RING, PACKET_VNET_HDR and
 * PACKET_VNET_HDR_SZ (a virtio-net header before each RX frame's data and
 * in each TX frame; SOCK_RAW only). level SOL_SOCKET: SO_RCVBUF,
 * SO_SNDBUF, SO_SNDTIMEO, and the classic BPF socket filter as
 * sk_attach_filter() takes it: SO_ATTACH_FILTER (struct sock_fprog;
 * -EINVAL for a program bpf_check_classic refuses, -ENOMEM past
 * net.core.optmem_max, -EPERM when locked), SO_DETACH_FILTER (-ENOENT
 * without one), SO_LOCK_FILTER, getsockopt SO_GET_FILTER (optlen counts
 * instructions: 0 asks for the count, fewer than the program's is
 * -EINVAL) and SO_BPF_EXTENSIONS (SKF_AD_MAX). The filter runs on each
 * packet before the ring, as run_filter() in tpacket_rcv/packet_rcv: 0
 * drops it uncounted, n caps the bytes copied. Fanout and memberships
 * need a socket in a net (tpsim_net_add_sock), else -EOPNOTSUPP; unknown
 * options return -ENOPROTOOPT, as the kernel.
 */
int tpsim_setsockopt(struct tpsim_sock *s, int level, int optname,
		     const void *optval, socklen_t optlen);
int tpsim_getsockopt(struct tpsim_sock *s, int level, int optname,
		     void *optval, socklen_t *optlen);

/*
 * mmap(2) of the socket: offset must be 0, length exactly the size of the
 * RX ring plus the TX ring (block_size * block_nr each; the RX ring first,
 * the TX ring right after it), a ring must exist (else -EINVAL). Each mapping
 * counts until tpsim_munmap(); while any exists, ring changes fail with
 * -EBUSY. addr, prot and flags as mmap(2): the type MAP_SHARED,
 * MAP_SHARED_VALIDATE or MAP_PRIVATE (else -EINVAL, as do_mmap), the
 * mapping at addr with MAP_FIXED or MAP_FIXED_NOREPLACE (-EEXIST over
 * another mapping), -EOPNOTSUPP for a flag MAP_SHARED_VALIDATE does not
 * know (MAP_SYNC). A MAP_PRIVATE mapping copies a page at the first write
 * to it, as the kernel's does: a status written there never reaches the
 * producer.
 */
int tpsim_mmap(struct tpsim_sock *s, void *addr, size_t length, int prot,
	       int flags, off_t offset, void **out);
/* munmap(2) of a mapping made by tpsim_mmap on this socket, or of a part
 * of one: addr page-aligned and [addr, addr + length) (length rounded up
 * to a page) inside that mapping, else -EINVAL. Unmapping the middle
 * leaves two mappings, each counting for EBUSY as the kernel's
 * packet_mm_open counts a split vma (M3); -ENOMEM when that would make
 * more mappings than the simulator keeps (16). Any thread. After
 * tpsim_close, munmap(2) undoes a mapping (it outlives the socket, M4). */
int tpsim_munmap(struct tpsim_sock *s, void *addr, size_t length);

enum tpsim_ring_id { TPSIM_RING_RX = 0, TPSIM_RING_TX = 1 };

/*
 * The memfd that holds a ring: offset 0, length ring_bytes, is the ring
 * as tpsim_mmap shows it; the page at wake_offset holds the
 * struct tpsim_wake used by tpsim_wait(). -ENXIO without that ring. The fd
 * stays owned by the socket; dup() it to keep it. It changes when the ring
 * is set up again. tpsim_ring_fd() is the RX ring's.
 */
int tpsim_ring_fd_of(struct tpsim_sock *s, enum tpsim_ring_id which);
int tpsim_ring_fd(struct tpsim_sock *s);

/* What a consumer in another process needs to find its way in the memfd. */
struct tpsim_ring_view {
	uint32_t version;	/* TPACKET_V1 / V2 / V3 */
	uint32_t block_size, block_nr, frame_size, frame_nr;
	uint32_t frames_per_block;
	uint64_t ring_bytes;	/* map this much at offset 0 */
	uint64_t wake_offset;	/* page-aligned offset of struct tpsim_wake */
	/* V3 RX rings (0 otherwise) */
	uint32_t retire_tov_ms;	/* as requested or derived (G14) */
	uint32_t sizeof_priv;
	uint32_t max_frame_len;	/* largest tp_mac + tp_snaplen a block takes */
};
int tpsim_ring_view_of(struct tpsim_sock *s, enum tpsim_ring_id which,
		       struct tpsim_ring_view *v);
int tpsim_ring_view_get(struct tpsim_sock *s, struct tpsim_ring_view *v);

/* Packet handed to the producer. */
enum tpsim_pkt_flags {
	TPSIM_PKT_SW_TS = 1 << 0,	/* sw_ts holds a software stamp */
	TPSIM_PKT_HW_TS = 1 << 1,	/* hw_ts holds a hardware stamp */
	TPSIM_PKT_VLAN = 1 << 2,	/* tag held outside the data (R8) */
	TPSIM_PKT_CSUM_PARTIAL = 1 << 3,/* checksum not computed yet (R7) */
	TPSIM_PKT_CSUM_VALID = 1 << 4,	/* checksum verified (R7) */
	TPSIM_PKT_PKTTYPE = 1 << 5,	/* use pkttype, do not derive it */
	TPSIM_PKT_PROTOCOL = 1 << 6,	/* use protocol (ARPHRD_NONE links) */
	TPSIM_PKT_RXHASH = 1 << 7,	/* use rxhash, as a NIC's hash (B6) */
	/* the packet arrives at clock_at on the virtual clock: the clock
	 * moves there first (if it is later), and the V3 retire timer fires
	 * on the way, as tpsim_clock_set() then tpsim_deliver() would do;
	 * -EINVAL on a real clock. For replaying a capture's timeline. */
	TPSIM_PKT_CLOCK = 1 << 8,
};

struct tpsim_packet {
	size_t sz;		/* sizeof(struct tpsim_packet) */
	const void *data;	/* bytes as received: with the link header
				 * (14-byte Ethernet) on Ethernet links */
	uint32_t len;
	uint32_t flags;		/* enum tpsim_pkt_flags */
	struct timespec sw_ts, hw_ts;
	uint16_t vlan_tci, vlan_tpid;	/* with TPSIM_PKT_VLAN */
	uint8_t pkttype;	/* with TPSIM_PKT_PKTTYPE (PACKET_HOST, ...) */
	uint16_t protocol;	/* network order, with TPSIM_PKT_PROTOCOL */
	uint32_t rxhash;	/* with TPSIM_PKT_RXHASH; else the simulator
				 * hashes the IPv4/IPv6 flow itself */
	struct timespec clock_at;	/* with TPSIM_PKT_CLOCK */
	/* what a socket filter's SKF_AD_MARK and SKF_AD_QUEUE read:
	 * skb->mark [0] and skb->queue_mapping, the receive queue + 1 when
	 * the driver recorded one (a TAP does: 1) [0] */
	uint32_t mark;
	uint16_t queue_mapping;
	/* with TPSIM_PKT_CSUM_PARTIAL: where the checksum starts (bytes
	 * from the frame's start) and where it goes (from csum_start), for
	 * the virtio-net header of a PACKET_VNET_HDR socket */
	uint16_t csum_start, csum_offset;
	size_t __last;
};
#define tpsim_packet__last_field __last

/* What tpsim_deliver did with a packet. */
enum tpsim_rx_result {
	TPSIM_RX_IGNORED = 0,	/* not for this socket (protocol, outgoing
				 * ignored): not counted anywhere */
	TPSIM_RX_DELIVERED = 1,	/* in a ring frame, or in the receive queue
				 * when the socket has no ring */
	TPSIM_RX_DROPPED = 2,	/* counted in tp_drops */
	TPSIM_RX_FILTERED = 3,	/* the socket filter answered 0 (run_filter):
				 * neither delivered nor counted (F14) */
};

/*
 * The producer: what tpacket_rcv() does for one arriving packet. Ethernet
 * frames carrying an 802.1Q/802.1ad tag in their data are untagged first,
 * as the receive path does, unless the packet already carries a tag
 * outside its data. Returns enum tpsim_rx_result, or -EINVAL (packet
 * shorter than the link header, bad sz, NULL data with len > 0).
 */
int tpsim_deliver(struct tpsim_sock *s, const struct tpsim_packet *pkt);

/*
 * Many packets at once, in order: what a NIC's poll hands the stack in one
 * go (netif_receive_skb_list()). Each packet goes through exactly what
 * tpsim_deliver does with it and lands in the ring the same way, frame
 * by frame, each published with its own release store; what is paid once
 * per run of up to 64 packets instead of once per packet is the socket
 * lock, the full fence and look for sleepers before the wake-up, the
 * wake-up itself, and the clock read that stamps packets carrying no
 * timestamp (so those packets of a run share one stamp). A consumer
 * cannot tell the frames of a batch from single deliveries.
 *
 * pkts: n pointers to packets. results: NULL, or n ints that receive each
 * handled packet's enum tpsim_rx_result. Returns the number of packets
 * handled, n unless packet k is invalid (as tpsim_deliver's -EINVAL): then
 * packets 0..k-1 are delivered and published, k is returned, and k and
 * the packets after it are untouched; when k is 0 the error (-EINVAL) is
 * returned, as sendmmsg(2) does. -EINVAL also for a NULL s, a NULL pkts
 * with n > 0, or n > INT_MAX. Producer thread, as tpsim_deliver.
 */
int tpsim_deliver_batch(struct tpsim_sock *s,
			const struct tpsim_packet *const *pkts, unsigned int n,
			int *results);

/*
 * poll(2) on the socket: returns the revents for events (plus POLLERR,
 * POLLHUP), waiting up to timeout_ms (-1 forever, 0 not at all). POLLIN
 * when the RX ring's frame before the head (V3: the block before the
 * active one) is not TP_STATUS_KERNEL (P1) or the receive queue holds a
 * packet; POLLOUT when the socket's send buffer is less than half used or
 * the TX ring's current frame is AVAILABLE (P2). With a virtual clock the
 * wait is in virtual time: the clock moves on to the next retire-timer
 * expiry or to the timeout, whichever is first, so a test of a block
 * timeout never sleeps. Returns 0 on timeout, -EINTR if interrupted.
 */
int tpsim_poll(struct tpsim_sock *s, short events, int timeout_ms);

/*
 * An eventfd for poll/epoll/select. Call tpsim_poll_sync() before each
 * blocking wait (as you would check the ring before poll): it makes the fd
 * readable if POLLIN holds now and arms it so that the next publication
 * makes it readable. Between syncs the fd only turns readable, so a
 * consumer that returned every frame sees it readable until its next sync:
 * a spurious wake-up, never a lost one.
 */
int tpsim_poll_fd(struct tpsim_sock *s);
int tpsim_poll_sync(struct tpsim_sock *s);

/*
 * The wake page shared by producer and consumers (in the ring memfd at
 * wake_offset). A consumer corrupting it only loses its own wake-ups.
 */
struct tpsim_wake {
	_Atomic uint32_t seq;		/* futex word, bumped on publication */
	_Atomic uint32_t sleepers;	/* consumers inside tpsim_wait */
};

/*
 * Wait until ready(arg) returns non-zero or timeout_ms passes, without a
 * lost wake-up: usable by a consumer in another process that mapped the
 * wake page. Returns ready's value, 0 on timeout, -EINTR.
 */
int tpsim_wait(struct tpsim_wake *w, int (*ready)(void *arg), void *arg,
	       int timeout_ms);

/*
 * recv(2): the packets queued for TP_STATUS_COPY frames (R5), or every
 * packet when the socket has no ring. Copies up to len bytes; returns the
 * bytes copied, or the full length with MSG_TRUNC. flags: MSG_DONTWAIT,
 * MSG_TRUNC, MSG_PEEK. -EAGAIN when empty with MSG_DONTWAIT. With
 * PACKET_VNET_HDR(_SZ), len below the header is -EINVAL and the packet
 * is gone (packet_recvmsg frees it), unless MSG_PEEK.
 */
ssize_t tpsim_recv(struct tpsim_sock *s, void *buf, size_t len, int flags);

/*
 * send(2) with a TX ring (T1-T3): transmits every frame from the TX head
 * on that is TP_STATUS_SEND_REQUEST, in order, stopping at the first
 * that is not. Each becomes SENDING, goes on the wire and turns AVAILABLE
 * once transmitted (at once in TPSIM_WIRE_QUEUE mode; when tpsim_wire_recv
 * takes it in TPSIM_WIRE_HOLD mode). A malformed frame (tp_len beyond the
 * frame or the MTU, shorter than the link header, a V3 tp_next_offset,
 * an offset outside the frame with PACKET_TX_HAS_OFF) gets WRONG_FORMAT
 * and send fails with its error, unless PACKET_LOSS is set: then it is
 * skipped, AVAILABLE again. to: the destination for SOCK_DGRAM (its
 * sll_addr and sll_protocol; sll_ifindex must be the device's), NULL
 * otherwise. flags: MSG_DONTWAIT returns without waiting for frames to
 * complete. Blocking sends wait for them, up to SO_SNDTIMEO (-ETIMEDOUT).
 * Returns the bytes sent, or a negative errno: -ENXIO for a to on another
 * device, or for a socket in a net bound to no device and no to
 * (packet_cached_dev_get finds none). Without a TX ring it is a send of no data, as on the kernel:
 * -EINVAL on SOCK_RAW (shorter than the link header) and on SOCK_DGRAM
 * without to; SOCK_DGRAM with to puts a frame of the link header alone on
 * the wire and returns 0.
 */
ssize_t tpsim_send(struct tpsim_sock *s, const struct sockaddr_ll *to,
		   int flags);

/*
 * send(2) of data (packet_snd, net/packet/af_packet.c): on a socket
 * without a TX ring, the len bytes at buf go out as one frame: SOCK_RAW
 * sends them as they are (the link header included), SOCK_DGRAM puts the
 * device's link header for to (sll_addr, sll_protocol) before them. The
 * frame goes on the wire and, as dev_queue_xmit_nit, to the device's
 * ETH_P_ALL sockets as PACKET_OUTGOING. With a TX ring, buf is ignored
 * and it is tpsim_send (tpacket_snd). Errors, in the kernel's order:
 * -EINVAL for flags other than MSG_DONTWAIT, -EFAULT for a NULL buf with
 * len, -ENXIO for an unbound socket or a to on another device, -ENETDOWN
 * for a device that is down, -EMSGSIZE for len past MTU + the SOCK_RAW
 * link header + 4 (a VLAN tag), -EINVAL for SOCK_RAW data shorter than
 * the link header or a SOCK_DGRAM send without to, -EMSGSIZE for len past
 * MTU + link header in a frame that is not VLAN-tagged, -EOPNOTSUPP with
 * PACKET_VNET_HDR (not simulated). Returns len (bytes). Any thread; a
 * full wire queue drops the frame (tpsim_wire_stats drops), never blocks.
 */
ssize_t tpsim_send_data(struct tpsim_sock *s, const void *buf, size_t len,
			const struct sockaddr_ll *to, int flags);

/*
 * Read the oldest frame off the wire: up to len bytes, the full length
 * with MSG_TRUNC; MSG_DONTWAIT: -EAGAIN when the wire is empty, else wait
 * for one. In TPSIM_WIRE_HOLD mode this completes the frame (AVAILABLE).
 */
ssize_t tpsim_wire_recv(struct tpsim_sock *s, void *buf, size_t len,
			int flags);

struct tpsim_wire_stats {
	uint64_t packets;	/* put on the wire */
	uint64_t bytes;
	uint64_t drops;		/* lost to a full wire queue */
	uint32_t queued;	/* on the wire now, not read yet */
	uint32_t sending;	/* TX frames still SENDING */
};
int tpsim_wire_stats_get(struct tpsim_sock *s, struct tpsim_wire_stats *st);

/* Virtual clock (TPSIM_CLOCK_VIRTUAL): set or advance; -EINVAL on a real
 * clock, a negative step or a step back. Moving the clock runs every V3
 * retire-timer expiry it passes, each at its own instant. */
int tpsim_clock_set(struct tpsim_sock *s, const struct timespec *ts);
int tpsim_clock_advance_ns(struct tpsim_sock *s, int64_t ns);
int tpsim_clock_now(struct tpsim_sock *s, struct timespec *ts);

/*
 * Kernel profiles: behaviour that changed over time, as data. "linux" is
 * today's kernel, "linux-2.6" the limits of the original packet_mmap
 * document.
 */
struct tpsim_profile {
	const char *name;
	const char *summary;
	uint32_t page_size;
	uint32_t pointer_size;
	uint32_t max_order;	/* page allocator MAX_ORDER */
	/* Largest block the allocator gives: PAGE_SIZE << (max_order - 1);
	 * 0 means no cap (vmalloc fallback, G12). */
	uint64_t max_block_size;
	/* Largest kmalloc object: bounds the block vector (block_nr
	 * pointers) and the owner bitmap (frame_nr bits); 0: no cap. */
	uint64_t kmalloc_max;
	uint32_t versions;	/* bit per TPACKET_Vn accepted */
	uint32_t setsockopt_known; /* bit per SOL_PACKET option that exists */
	int overflow_guard;	/* G10: frames_per_block * block_nr checked */
	int reserve_in_min_frame; /* G7 counts PACKET_RESERVE */
	int mapped_check_first;	/* G1 before any other check (else after) */
	int owner_bitmap;	/* V1/V2 RX owner bitmap allocated (ENOMEM) */
	uint32_t rmem_default, rmem_max; /* socket receive buffer (bytes) */
	uint32_t wmem_default, wmem_max; /* socket send buffer (bytes) */
	/* V3 retire timer (B4): 1 = periodic from ring setup (hrtimer, 6.18
	 * on); 0 = re-armed at each block open, checked against the block
	 * open when it fires (timer_list, before 6.18) */
	int retire_periodic;
	uint32_t hz;		/* jiffies per second for a timer_list
				 * timeout (rounded up); 0: exact */
	/* net.core.optmem_max: bytes of socket filter (as eBPF) a socket
	 * may hold, SO_ATTACH_FILTER's ENOMEM (F8) */
	uint32_t optmem_max;
	/* R14: SOCK_DGRAM's sll_protocol skips every VLAN tag left in the
	 * data, giving the innermost ethertype (vlan_get_protocol_dgram);
	 * 0: the skb's protocol, the next tag's TPID */
	int dgram_inner_proto;
	/* getsockopt(PACKET_COPY_THRESH) reads the value back (6.12 on;
	 * 6.1: ENOPROTOOPT) */
	int copy_thresh_readable;
	/* skb heads of up to 576 bytes come from the small-head cache
	 * (6.3 on), else from kmalloc: a receive queue's truesize (S1) */
	int small_head_cache;
	/* a TX virtio-net header's csum_start below this is EINVAL
	 * (virtio_net_hdr_to_skb checks the transport offset: 20 since
	 * 6.12 at the latest; 6.1 takes any) */
	uint32_t vnet_min_csum_start;
	/* PACKET_FANOUT_FLAG_IGNORE_OUTGOING keeps a group from the copies
	 * of what the device sends (6.2 on; 6.1 keeps the bit as an unknown
	 * flag and shows it, nothing more) */
	int fanout_ignore_outgoing;
	/* the skb has a vlan_present bit (6.1; gone in 6.2): clearing a tag
	 * (R17) leaves vlan_tci and vlan_proto, which SKF_AD_VLAN_TAG and
	 * SKF_AD_VLAN_TPID still read, and SKF_AD_VLAN_TAG_PRESENT becomes
	 * 2 eBPF instructions (load, and), not 3 (F8) */
	int vlan_present_bit;
	/* bytes of the small-head cache's objects (SKB_SMALL_HEAD_SIZE:
	 * MAX_TCP_HEADER, which the build's MAX_HEADER sets, plus
	 * skb_shared_info): 576 on 6.18 here, 640 on Debian's 6.12 cloud
	 * kernel; used when small_head_cache is set (S1) */
	uint32_t small_head_size;
};

/* Returns the profile named name, or NULL. */
const struct tpsim_profile *tpsim_profile_find(const char *name);
/* Profiles in order, NULL past the end. */
const struct tpsim_profile *tpsim_profile_at(size_t i);
/* The profile a socket was created with. */
const struct tpsim_profile *tpsim_sock_profile(const struct tpsim_sock *s);

/* Human-readable text of the last ring-setup or option failure on this
 * socket, naming the rule it broke ("G8: tp_frame_size 100 is not a
 * multiple of 16"); "" when the last call succeeded. */
const char *tpsim_strerror_detail(const struct tpsim_sock *s);

/* Consumer-side frame and status-word accessors (inline). */
#include "tpsim/frame.h"

/*
 * Devices and many sockets (issue 17). A struct tpsim_net is a network
 * namespace: devices with ifindexes, the packet sockets added to it, and
 * its fanout groups. A socket added with tpsim_net_add_sock() is as
 * socket(2) leaves it: bound to its protocol and to every device
 * (ifindex 0). tpsim_bind() then binds it as bind(2) does (packet_bind),
 * and tpsim_dev_deliver() hands a frame arriving on a device to every
 * socket bound to it or to any device, each fanout group taking one copy
 * for one member. One lock per net: every call below may come from any
 * thread, but tpsim_deliver() on a socket of a net must not race with
 * tpsim_dev_deliver() on the same net.
 */
struct tpsim_net;
struct tpsim_dev;

/* Returns 0 and *out, or -EINVAL (NULL out), -ENOMEM. */
int tpsim_net_create(struct tpsim_net **out);
/* Removes every device (as tpsim_dev_remove) and lets go of every socket
 * (they stay usable, bound to no net). Safe on NULL. */
void tpsim_net_destroy(struct tpsim_net *n);
/* Puts socket s in net n: from now on its ifindex is 0 (every device)
 * until tpsim_bind. -EINVAL (NULL), -EBUSY (s is in a net already). */
int tpsim_net_add_sock(struct tpsim_net *n, struct tpsim_sock *s);

/* How a device takes frames that are not addressed to it. */
enum tpsim_dev_kind {
	TPSIM_DEV_TAP = 0,	/* passes every frame up, as a TAP does */
	TPSIM_DEV_NIC,		/* a NIC's filter: unicast to others only
				 * while promiscuous (or in its unicast
				 * list), multicast only while all-multicast
				 * or a member; broadcast always */
};

/* Options for tpsim_dev_add(); zero-initialise, set sz. */
struct tpsim_dev_opts {
	size_t sz;
	const char *name;	/* [tpsimN, N the ifindex]; up to 15 bytes */
	int ifindex;		/* [lowest free from 1]: -EEXIST if taken */
	uint16_t hatype;	/* ARPHRD_ETHER or ARPHRD_NONE [ETHER] */
	uint8_t addr[8];	/* [02:00:00:00:00:01] */
	unsigned int mtu;	/* [1500] */
	unsigned int link_speed;/* Mb/s as ethtool reports it [0: unknown] */
	enum tpsim_dev_kind kind;	/* [TPSIM_DEV_TAP] */
	int down;		/* created down (IFF_UP clear) [0: up] */
	size_t __last;
};
#define tpsim_dev_opts__last_field __last

/* Adds a device to n. -EINVAL (bad sz, hatype, name too long, negative
 * ifindex), -EEXIST (ifindex or name taken), -ENOMEM. */
int tpsim_dev_add(struct tpsim_net *n, const struct tpsim_dev_opts *o,
		  struct tpsim_dev **out);
/* unregister_netdevice(): the device goes down first (its sockets get
 * ENETDOWN, as packet_notifier's NETDEV_DOWN), then sockets bound to it
 * keep ifindex -1 (getsockname says so, send without an address fails
 * with ENXIO), and memberships on it are dropped. d is freed. */
void tpsim_dev_remove(struct tpsim_dev *d);
/* Link up (1) or down (0), as SIOCSIFFLAGS with IFF_UP: down sets
 * ENETDOWN on every socket bound to d that was receiving (poll reports
 * POLLERR, SO_ERROR returns it once, tpsim_recv fails with it once) and
 * stops delivery; fanout members leave their group's array and come back
 * at its end when the link is up again. Rings and mappings stay. */
int tpsim_dev_set_link(struct tpsim_dev *d, int up);
/* Since 0.3: a root qdisc on d that holds every frame a TX ring sends
 * through it (hold 1), as a token bucket with no tokens left (sch_tbf
 * at 1 byte/s, its bucket drained) does: the frame stays
 * TP_STATUS_SENDING and charged to the sender's SO_SNDBUF (a blocking
 * send waits for it, MSG_DONTWAIT gets EAGAIN once the buffer is full,
 * poll drops POLLOUT past half of it) and nothing reaches the wire or
 * the taps. hold 0 deletes the qdisc (RTM_DELQDISC): the held frames
 * are dropped, each destructor (tpacket_destruct_skb) makes its frame
 * AVAILABLE and wakes senders and pollers; the link going down resets
 * the qdisc the same way. A send without a TX ring is not held (the
 * simulator keeps no send buffer for packet_snd). Any thread; 0, or
 * -EINVAL when d is NULL. */
int tpsim_dev_set_qdisc_hold(struct tpsim_dev *d, int hold);

/* A device's state, as ip -d link and ip maddr show it. */
struct tpsim_dev_state {
	size_t sz;
	int ifindex;
	unsigned int flags;	/* IFF_UP, IFF_PROMISC, IFF_ALLMULTI */
	unsigned int promiscuity;	/* reference count */
	unsigned int allmulti;		/* reference count */
	unsigned int mc_count;	/* multicast addresses in the list */
	unsigned int uc_count;	/* secondary unicast addresses */
	size_t __last;
};
#define tpsim_dev_state__last_field __last
int tpsim_dev_state_get(struct tpsim_dev *d, struct tpsim_dev_state *st);

/*
 * bind(2) and getsockname(2) of a packet socket (packet_bind,
 * packet_getname): addr a struct sockaddr_ll; len shorter than it or a
 * family other than AF_PACKET is -EINVAL, an ifindex no device of the
 * net has -ENODEV, a socket in a fanout group -EINVAL; protocol 0 keeps
 * the socket's protocol. Binding to a device that is down succeeds and
 * sets ENETDOWN on the socket. A socket in no net knows only the device
 * of its tpsim_create options (ifindex 0 or that one). getsockname
 * writes min(*len, the address's length) bytes and sets *len to that
 * length: 12 + the device's address length, 12 when bound to no device;
 * a *len negative as an int is -EINVAL, addr NULL with *len > 0 -EFAULT
 * (move_addr_to_user).
 */
int tpsim_bind(struct tpsim_sock *s, const struct sockaddr *addr,
	       socklen_t len);
int tpsim_getsockname(struct tpsim_sock *s, struct sockaddr *addr,
		      socklen_t *len);

/* What tpsim_dev_deliver did for one socket that saw the frame. */
struct tpsim_dev_result {
	struct tpsim_sock *sock;
	int result;		/* enum tpsim_rx_result or a negative errno */
};

/*
 * A frame arriving on device d (__netif_receive_skb's delivery to
 * packet taps): every socket bound to d or to every device, by its own
 * protocol, filter, ring and statistics; a fanout group picks one member
 * (packet_rcv_fanout; a PACKET_FANOUT_FLAG_DEFRAG group hands an IPv4
 * fragment to nobody and the whole datagram, with the fragment that
 * completes it, to one member). cpu and queue are the CPU the frame is
 * received on and its receive queue (PACKET_FANOUT_CPU / _QM, and a
 * CBPF program's SKF_AD_CPU). res (NULL, or nres
 * entries) gets one entry per socket handed the frame, in delivery
 * order. Returns how many sockets were handed it (which may exceed nres),
 * 0 when a NIC-like device filters the frame out, -ENETDOWN when d is
 * down, -EINVAL as tpsim_deliver for a bad packet. Producer thread.
 */
int tpsim_dev_deliver(struct tpsim_dev *d, const struct tpsim_packet *pkt,
		      unsigned int cpu, unsigned int queue,
		      struct tpsim_dev_result *res, unsigned int nres);

/*
 * For a producer that must not drop (tpsim run --pace lossless, issue 18)
 * and an oracle of what the ring published.
 *
 * tpsim_rx_room: would a packet of len bytes (as it arrives, link header
 * included) land in s's ring now rather than be dropped for want of room?
 * Asks what tpacket_rcv asks, from the producer's own state and the
 * status words only: V1/V2 the head frame is KERNEL (R1); V3 the queue
 * is not frozen on a block still the user's (B3), __tpacket_v3_has_room
 * holds, and a packet that does not fit the open block finds the next
 * block KERNEL (B2). A socket without a ring: its receive queue is below
 * SO_RCVBUF. Returns 1 (room), 0 (it would be dropped), -EINVAL (NULL).
 * Any thread; the answer holds until the producer delivers again.
 */
int tpsim_rx_room(struct tpsim_sock *s, uint32_t len);

/* What the producer wrote for the last packet it delivered to s: kept in
 * its own state, never read back from the ring. */
struct tpsim_rx_info {
	size_t sz;		/* sizeof(struct tpsim_rx_info) */
	uint64_t seq;		/* packets delivered to s so far (this one
				 * included): tells a new packet from the
				 * last one seen */
	int ring;		/* 1: in the RX ring, 0: the receive queue */
	uint32_t frame;		/* V1/V2 the frame index, V3 the block */
	uint32_t status;	/* the frame's (V3: packet's) tp_status */
	uint32_t len, snaplen;	/* tp_len, tp_snaplen */
	uint16_t mac, net;	/* tp_mac, tp_net */
	struct timespec ts;	/* the stamp in the frame (ring only) */
	uint16_t vlan_tci, vlan_tpid;	/* with TP_STATUS_VLAN_VALID */
	size_t __last;
};
#define tpsim_rx_info__last_field __last
/* 0 and *out, -ENOENT before the first delivered packet, -EINVAL (NULL, sz
 * too small). Producer thread (the answer is the last delivery's). */
int tpsim_rx_last(struct tpsim_sock *s, struct tpsim_rx_info *out);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
