// SPDX-License-Identifier: MIT
/*
 * The sim backend: libtpsim. inject is the producer's tpsim_deliver;
 * in sim-batch, tpsim_deliver_batch (the frames a differential sequence
 * injects in a row go as one batch).
 * The profile comes from TPC_SIM_PROFILE (default "linux"). Sockets run
 * on a virtual clock: sleep_ms moves it, and the V3 retire timer fires
 * inside that move, so timeout cases take no time here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "tpc_backend.h"
#include "tpsim.h"

/*
 * The device: every socket of a ctx is bound to it. What one socket
 * sends goes on the device's wire (one queue, as the TAP's fd is), and
 * the other ETH_P_ALL sockets see it as PACKET_OUTGOING, as the kernel's
 * dev_queue_xmit_nit shows it to its taps (R13).
 */
struct wire_frame {
	struct wire_frame *next;
	uint32_t len;
	unsigned char data[];
};

struct tpc_sock {
	struct tpsim_sock *s;
	struct sim_ctx *c;
	struct tpc_sock *next;	/* the device's sockets */
};

struct sim_ctx {
	const char *profile;
	struct tpc_sock *socks;
	struct wire_frame *wq_head, *wq_tail;
};

static const uint8_t sim_addr[6] = { 0x02, 0x74, 0x70, 0x73, 0x69, 0x6d };
#define SIM_IFINDEX 2

static int sim_open(void **ctx, char *why, size_t whylen)
{
	struct sim_ctx *c = calloc(1, sizeof(*c));
	const char *p = getenv("TPC_SIM_PROFILE");

	(void)why;
	(void)whylen;
	if (!c)
		return -ENOMEM;
	c->profile = p && *p ? p : "linux";
	if (!tpsim_profile_find(c->profile)) {
		free(c);
		return -EINVAL;
	}
	*ctx = c;
	return 0;
}

static void wire_drain(struct sim_ctx *c)
{
	while (c->wq_head) {
		struct wire_frame *f = c->wq_head;

		c->wq_head = f->next;
		free(f);
	}
	c->wq_tail = NULL;
}

static void sim_close(void *ctx)
{
	wire_drain(ctx);
	free(ctx);
}

static int sim_dev_info(void *ctx, uint8_t addr[6], int *ifindex)
{
	(void)ctx;
	memcpy(addr, sim_addr, 6);
	*ifindex = SIM_IFINDEX;
	return 0;
}

static int sim_socket(void *ctx, int type, int protocol, struct tpc_sock **out)
{
	struct sim_ctx *c = ctx;
	struct tpsim_create_opts o = {
		.sz = sizeof(o),
		.type = type,
		.protocol = protocol ? htons((uint16_t)protocol)
				     : TPSIM_PROTO_NONE,
		.ifindex = SIM_IFINDEX,
		.profile = c->profile,
		.clock = TPSIM_CLOCK_VIRTUAL,
		/* the kernel backend's TAP says 10 Gb/s (tun, since 6.0):
		 * the default V3 retire timeout depends on it (G14) */
		.link_speed = 10000,
	};
	struct tpc_sock *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return -ENOMEM;
	memcpy(o.addr, sim_addr, 6);
	err = tpsim_create(&o, &s->s);
	if (err) {
		free(s);
		return err;
	}
	/* as the kernel backend drains its TAP: what an earlier socket sent
	 * and no one read is not this one's */
	wire_drain(c);
	s->c = c;
	s->next = c->socks;
	c->socks = s;
	*out = s;
	return 0;
}

static void sim_sock_close(struct tpc_sock *s)
{
	struct tpc_sock **pp = &s->c->socks;

	while (*pp != s)
		pp = &(*pp)->next;
	*pp = s->next;
	tpsim_close(s->s);
	free(s);
}

static int sim_setsockopt(struct tpc_sock *s, int level, int optname,
			  const void *optval, socklen_t optlen)
{
	return tpsim_setsockopt(s->s, level, optname, optval, optlen);
}

static int sim_getsockopt(struct tpc_sock *s, int level, int optname,
			  void *optval, socklen_t *optlen)
{
	return tpsim_getsockopt(s->s, level, optname, optval, optlen);
}

static int sim_mmap(struct tpc_sock *s, size_t length, off_t offset,
		    void **out)
{
	return tpsim_mmap(s->s, NULL, length, PROT_READ | PROT_WRITE,
			  MAP_SHARED, offset, out);
}

static int sim_munmap(struct tpc_sock *s, void *addr, size_t length)
{
	if (!s)		/* closed: the mapping outlived the socket (M4) */
		return munmap(addr, length) ? -errno : 0;
	return tpsim_munmap(s->s, addr, length);
}

static int sim_poll(struct tpc_sock *s, short events, int timeout_ms)
{
	return tpsim_poll(s->s, events, timeout_ms);
}

static ssize_t sim_recv(struct tpc_sock *s, void *buf, size_t len, int flags)
{
	return tpsim_recv(s->s, buf, len, flags);
}

static void sim_packet(const struct tpc_inject *p, struct tpsim_packet *pkt)
{
	*pkt = (struct tpsim_packet){ .sz = sizeof(*pkt), .data = p->data,
				      .len = p->len };
	if (p->flags & TPC_INJ_CSUM_PARTIAL) {
		pkt->flags |= TPSIM_PKT_CSUM_PARTIAL;
		pkt->csum_start = p->csum_start;
		pkt->csum_offset = p->csum_offset;
	}
	if (p->flags & TPC_INJ_CSUM_VALID)
		pkt->flags |= TPSIM_PKT_CSUM_VALID;
}

static int sim_inject(void *ctx, struct tpc_sock *s, const struct tpc_inject *p)
{
	struct tpsim_packet pkt;
	int r;

	(void)ctx;
	sim_packet(p, &pkt);
	r = tpsim_deliver(s->s, &pkt);
	return r < 0 ? r : 0;
}

/* The device's other sockets see a sent frame as PACKET_OUTGOING. */
static void outgoing_copies(struct tpc_sock *from, const void *data,
			    uint32_t len)
{
	struct tpsim_packet pkt = { .sz = sizeof(pkt), .data = data,
				    .len = len, .flags = TPSIM_PKT_PKTTYPE,
				    .pkttype = PACKET_OUTGOING };

	for (struct tpc_sock *o = from->c->socks; o; o = o->next)
		if (o != from)	/* never the sender itself (skb_loop_sk) */
			tpsim_deliver(o->s, &pkt);
}

/* sim-batch: every frame through tpsim_deliver_batch, alone (inject) or
 * with the frames injected with it (inject_batch) */
#define SIM_BATCH_MAX 64

static int sim_inject_batch(void *ctx, struct tpc_sock *s,
			    const struct tpc_inject *const *p, unsigned int n,
			    int *res)
{
	struct tpsim_packet pkt[SIM_BATCH_MAX];
	const struct tpsim_packet *v[SIM_BATCH_MAX];
	int r[SIM_BATCH_MAX], got;

	(void)ctx;
	for (unsigned int i = 0; i < n; i += SIM_BATCH_MAX) {
		unsigned int m = n - i < SIM_BATCH_MAX ? n - i : SIM_BATCH_MAX;

		for (unsigned int k = 0; k < m; k++) {
			sim_packet(p[i + k], &pkt[k]);
			v[k] = &pkt[k];
		}
		/* an invalid frame stops a batch: its answer is the error,
		 * and the frames after it go on in a batch of their own */
		for (unsigned int k = 0; k < m; k += (unsigned int)got) {
			got = tpsim_deliver_batch(s->s, v + k, m - k, r + k);
			if (got < 0) {
				r[k] = got;
				got = 1;
			}
		}
		for (unsigned int k = 0; k < m; k++)
			res[i + k] = r[k] < 0 ? r[k] : 0;
	}
	return 0;
}

static int sim_inject_one_batch(void *ctx, struct tpc_sock *s,
				const struct tpc_inject *p)
{
	int res;
	int r = sim_inject_batch(ctx, s, &p, 1, &res);

	return r < 0 ? r : res;
}

static ssize_t sim_send(struct tpc_sock *s, const struct sockaddr_ll *to,
			int flags)
{
	struct sim_ctx *c = s->c;
	unsigned char *buf = malloc(65536 + 64);
	ssize_t r = tpsim_send(s->s, to, flags), n;
	int bypass = 0;
	socklen_t blen = sizeof(bypass);

	tpsim_getsockopt(s->s, SOL_PACKET, PACKET_QDISC_BYPASS, &bypass,
			 &blen);
	/* everything sent is on the socket's wire at once: move it to the
	 * device's, showing it to the taps on the way (not with
	 * PACKET_QDISC_BYPASS, whose direct xmit skips them) */
	if (!buf)
		return -ENOMEM;
	while ((n = tpsim_wire_recv(s->s, buf, 65536 + 64, MSG_DONTWAIT)) >=
	       0) {
		struct wire_frame *f = malloc(sizeof(*f) + (size_t)n);

		if (!f) {
			r = -ENOMEM;
			break;
		}
		f->next = NULL;
		f->len = (uint32_t)n;
		memcpy(f->data, buf, (size_t)n);
		if (c->wq_tail)
			c->wq_tail->next = f;
		else
			c->wq_head = f;
		c->wq_tail = f;
		if (!bypass)
			outgoing_copies(s, f->data, f->len);
	}
	free(buf);
	return r;
}

static ssize_t sim_wire_read(void *ctx, struct tpc_sock *s, void *buf,
			     size_t len, int timeout_ms)
{
	struct sim_ctx *c = ctx;
	struct wire_frame *f = c->wq_head;
	size_t n;

	(void)s;
	(void)timeout_ms;	/* a sent frame is on the wire at once */
	if (!f)
		return -EAGAIN;
	c->wq_head = f->next;
	if (!c->wq_head)
		c->wq_tail = NULL;
	n = f->len < len ? f->len : len;
	memcpy(buf, f->data, n);
	free(f);
	return (ssize_t)n;
}

static int sim_sleep_ms(struct tpc_sock *s, int ms)
{
	return tpsim_clock_advance_ns(s->s, (int64_t)ms * 1000000);
}

static int64_t sim_clock_ns(struct tpc_sock *s)
{
	struct timespec ts;

	tpsim_clock_now(s->s, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int sim_info(void *ctx, struct tpc_backend_info *out)
{
	struct sim_ctx *c = ctx;

	snprintf(out->env, sizeof(out->env), "libtpsim %d.%d, profile %s, "
		 "virtual clock, a 10 Gb/s Ethernet device", TPSIM_VERSION_MAJOR,
		 TPSIM_VERSION_MINOR, c->profile);
	out->caps = TPC_CAPS_ALL;
	return 0;
}

static int sim_batch_info(void *ctx, struct tpc_backend_info *out)
{
	struct sim_ctx *c = ctx;

	snprintf(out->env, sizeof(out->env), "libtpsim %d.%d, profile %s, "
		 "virtual clock, a 10 Gb/s Ethernet device, frames delivered "
		 "by tpsim_deliver_batch", TPSIM_VERSION_MAJOR,
		 TPSIM_VERSION_MINOR, c->profile);
	out->caps = TPC_CAPS_ALL;
	return 0;
}

const struct tpc_backend_ops tpc_backend_sim = {
	.sz = sizeof(struct tpc_backend_ops),
	.name = "sim",
	.open = sim_open,
	.close = sim_close,
	.dev_info = sim_dev_info,
	.socket = sim_socket,
	.sock_close = sim_sock_close,
	.setsockopt = sim_setsockopt,
	.getsockopt = sim_getsockopt,
	.mmap = sim_mmap,
	.munmap = sim_munmap,
	.poll = sim_poll,
	.recv = sim_recv,
	.inject = sim_inject,
	.send = sim_send,
	.wire_read = sim_wire_read,
	.sleep_ms = sim_sleep_ms,
	.clock_ns = sim_clock_ns,
	.info = sim_info,
};

const struct tpc_backend_ops tpc_backend_sim_batch = {
	.sz = sizeof(struct tpc_backend_ops),
	.name = "sim-batch",
	.open = sim_open,
	.close = sim_close,
	.dev_info = sim_dev_info,
	.socket = sim_socket,
	.sock_close = sim_sock_close,
	.setsockopt = sim_setsockopt,
	.getsockopt = sim_getsockopt,
	.mmap = sim_mmap,
	.munmap = sim_munmap,
	.poll = sim_poll,
	.recv = sim_recv,
	.inject = sim_inject_one_batch,
	.send = sim_send,
	.wire_read = sim_wire_read,
	.sleep_ms = sim_sleep_ms,
	.clock_ns = sim_clock_ns,
	.info = sim_batch_info,
	.inject_batch = sim_inject_batch,
};
