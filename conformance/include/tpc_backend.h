/* SPDX-License-Identifier: MIT */
/*
 * tpconform's backend interface: the one seam between the conformance
 * cases and an implementation of the AF_PACKET mmap ring.
 *
 * To test another implementation, fill a struct tpc_backend_ops: open
 * builds whatever the backend needs once per run (a namespace, a device,
 * a library handle), socket opens one packet socket on it, and the rest
 * mirror the system calls a consumer makes. inject hands one Ethernet
 * frame to the producer, as if it arrived on the wire, and returns once
 * the socket has seen it (delivered or dropped).
 *
 * Every call returns 0 or a positive value on success and a negative errno
 * on failure, so two backends compare field for field.
 *
 * Time: cases that wait for the V3 retire timer let time pass with
 * sleep_ms and read it with clock_ns, so a backend with a virtual clock
 * (sim) runs them without sleeping while the kernel sleeps for real. open may return
 * TPC_BACKEND_SKIP with a reason in *why: every case of that backend is reported
 * SKIP with it, never pass or fail. Where only part of the backend works,
 * open succeeds instead and info leaves the caps it cannot offer out of
 * caps, each with its reason in why[]: only the cases needing them skip.
 */
#ifndef TPC_BACKEND_H
#define TPC_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <linux/if_packet.h>

#define TPC_BACKEND_SKIP 77	/* positive: the backend cannot run here */

/* Flags of an injected frame. */
enum tpc_inject_flags {
	TPC_INJ_CSUM_PARTIAL = 1 << 0,	/* checksum left to do (csum_*) */
	TPC_INJ_CSUM_VALID = 1 << 1,	/* checksum already verified */
};

struct tpc_inject {
	const void *data;	/* an Ethernet frame, header included */
	uint32_t len;
	uint32_t flags;		/* enum tpc_inject_flags */
	uint16_t csum_start;	/* with TPC_INJ_CSUM_PARTIAL */
	uint16_t csum_offset;
};

struct tpc_sock;

/* What a backend's device offers the cases beyond a bare packet socket. */
enum tpc_caps {
	/* An Ethernet device (ARPHRD_ETHER) with MTU 1500 that reports
	 * 10 Gb/s, as a TAP does: sockaddr_ll fields, MTU limits and the
	 * default V3 timeout depend on it. */
	TPC_CAP_TAP_LINK = 1u << 0,
	/* inject can mark a frame's checksum partial or verified */
	TPC_CAP_CSUM = 1u << 1,
	/* wire_read sees what the sockets transmit */
	TPC_CAP_WIRE = 1u << 2,
	/* inject reaches the sockets (a case that injects without it is
	 * skipped at that point) */
	TPC_CAP_INJECT = 1u << 3,
	/* dev_info's address is the device's own (read, not guessed) */
	TPC_CAP_ADDR = 1u << 4,
	/* many sockets on the device: inject with s NULL reaches every
	 * socket on it (fanout groups included), bind, getsockname and
	 * set_link work */
	TPC_CAP_DEVICE = 1u << 5,
	TPC_CAPS_ALL = (1u << 6) - 1,
};
#define TPC_NCAPS 6

struct tpc_backend_info {
	size_t sz;		/* set by the caller */
	unsigned int caps;	/* enum tpc_caps */
	char env[240];		/* e.g. "Linux 6.18, private netns, TAP tpc0" */
	/* Since degraded environments: why each cap not offered is
	 * missing, indexed by its bit (why[3]: TPC_CAP_INJECT), e.g.
	 * "TUNSETIFF refused IFF_VNET_HDR: Invalid argument". The caller
	 * zeroes it; an empty reason is fine. */
	char why[TPC_NCAPS][120];
};

struct tpc_backend_ops {
	size_t sz;		/* sizeof(struct tpc_backend_ops) */
	const char *name;
	int (*open)(void **ctx, char *why, size_t whylen);
	void (*close)(void *ctx);
	/* The interface the sockets are bound to: its 6-byte address (a
	 * frame sent there is PACKET_HOST) and its ifindex. */
	int (*dev_info)(void *ctx, uint8_t addr[6], int *ifindex);
	/* protocol in host order (ETH_P_ALL, ETH_P_IP, ...) */
	int (*socket)(void *ctx, int type, int protocol, struct tpc_sock **out);
	void (*sock_close)(struct tpc_sock *s);
	int (*setsockopt)(struct tpc_sock *s, int level, int optname,
			  const void *optval, socklen_t optlen);
	int (*getsockopt)(struct tpc_sock *s, int level, int optname,
			  void *optval, socklen_t *optlen);
	int (*mmap)(struct tpc_sock *s, size_t length, off_t offset,
		    void **out);
	/* s NULL: the socket was closed with the mapping live; the mapping
	 * outlives it, as on Linux, and munmap frees it (M4) */
	int (*munmap)(struct tpc_sock *s, void *addr, size_t length);
	int (*poll)(struct tpc_sock *s, short events, int timeout_ms);
	ssize_t (*recv)(struct tpc_sock *s, void *buf, size_t len, int flags);
	int (*inject)(void *ctx, struct tpc_sock *s, const struct tpc_inject *p);

	/* Since the TX ring cases; sz tells whether a backend has them. */
	/* send(2) with no data: kicks the TX ring. to: NULL or the
	 * destination (SOCK_DGRAM). What goes out on the device is also
	 * seen, as PACKET_OUTGOING, by the device's other ETH_P_ALL
	 * sockets, unless the sender set PACKET_QDISC_BYPASS (R13). */
	ssize_t (*send)(struct tpc_sock *s, const struct sockaddr_ll *to,
			int flags);
	/* The oldest frame the device transmitted (sent by s or any socket
	 * on it), waiting up to timeout_ms; -EAGAIN when none came. */
	ssize_t (*wire_read)(void *ctx, struct tpc_sock *s, void *buf,
			     size_t len, int timeout_ms);
	/* Let ms of the producer's time pass; read its clock, the one that
	 * stamps packets (CLOCK_REALTIME on the kernel), in ns. */
	int (*sleep_ms)(struct tpc_sock *s, int ms);
	int64_t (*clock_ns)(struct tpc_sock *s);

	/* Since environments: what this backend is and runs on, and what
	 * its device can do (cases needing more are SKIPped with the
	 * reason). A backend without it is assumed to offer every cap. */
	int (*info)(void *ctx, struct tpc_backend_info *out);

	/* Since batched delivery (optional): hand n frames to the producer
	 * at once, as a NIC's poll hands the stack its packets; res[i] gets
	 * what inject would have returned for frame i. Returns 0 or a
	 * negative errno. Without it the frames go one inject each. */
	int (*inject_batch)(void *ctx, struct tpc_sock *s,
			    const struct tpc_inject *const *p, unsigned int n,
			    int *res);
	/* Since the device cases (TPC_CAP_DEVICE): bind(2) and
	 * getsockname(2) of a socket, and the device's link set down (0)
	 * or up (1) as SIOCSIFFLAGS with IFF_UP does. A socket is bound to
	 * the device at creation when it has a protocol. */
	int (*bind)(struct tpc_sock *s, const struct sockaddr_ll *a,
		    socklen_t len);
	int (*getsockname)(struct tpc_sock *s, struct sockaddr_ll *a,
			   socklen_t *len);
	int (*set_link)(void *ctx, int up);
	/* Since the data send cases: send(2) of len bytes at buf on a
	 * socket without a TX ring (packet_snd), to as in send. */
	ssize_t (*send_data)(struct tpc_sock *s, const void *buf, size_t len,
			     const struct sockaddr_ll *to, int flags);
	/* Since the device list and link-type cases (optional, each
	 * skipped without it): how many link-layer multicast addresses the
	 * list of the device with ifindex holds (dev_mc_add's
	 * reference-counted list, one line per address in
	 * /proc/net/dev_mcast), or a negative errno. */
	int (*dev_mc_count)(void *ctx, int ifindex);
	/* A second device with no link-layer header or address (a TUN:
	 * ARPHRD_NONE, MTU 1500, up), made on first use: its ifindex, or
	 * a negative errno. l3_inject hands it one IP packet (no link
	 * header) as if it arrived, and returns once the sockets saw it. */
	int (*l3_dev)(void *ctx);
	int (*l3_inject)(void *ctx, const void *data, uint32_t len);
	/* Unregister that device (as closing a TUN's last fd does); the
	 * next l3_dev makes a new one. */
	int (*l3_remove)(void *ctx);
	/* Since the mmap flag cases (optional, each skipped without it):
	 * mmap(2) of the socket, PROT_READ | PROT_WRITE, with the caller's
	 * addr and flags (MAP_FIXED, MAP_SHARED_VALIDATE, MAP_PRIVATE...):
	 * 0 and *out, or a negative errno and *out NULL. */
	int (*mmap_at)(struct tpc_sock *s, void *addr, size_t length,
		       off_t offset, int flags, void **out);
	/* Since the held-frame cases (optional, skipped without it): the
	 * device's root qdisc holds (on 1) every frame a TX ring sends
	 * from then on, as a token bucket with no tokens does: SENDING,
	 * charged to the sender's SO_SNDBUF, not on the wire nor seen by
	 * the taps; on 0 deletes that qdisc, which drops what it held
	 * (each TX frame AVAILABLE again, nothing on the wire). Call it
	 * before opening the sockets that receive: the kernel backend
	 * empties the bucket with one frame of its own, which the
	 * device's ETH_P_ALL sockets already open would see. A send
	 * without a TX ring is held by the kernel but not by sim. */
	int (*qdisc_hold)(void *ctx, int on);
};

/* Does ops have member m (a backend built against an older header)? */
#define TPC_OPS_HAS(ops, m)                                                  \
	((ops)->sz >= offsetof(struct tpc_backend_ops, m) + sizeof((ops)->m) && \
	 (ops)->m)

extern const struct tpc_backend_ops tpc_backend_sim;
extern const struct tpc_backend_ops tpc_backend_kernel;
/* sim, with every frame delivered through tpsim_deliver_batch */
extern const struct tpc_backend_ops tpc_backend_sim_batch;

#endif
