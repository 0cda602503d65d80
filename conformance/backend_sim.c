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
#include <linux/if_ether.h>
#include <net/if_arp.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "tpc_backend.h"
#include "tpsim.h"

struct tpc_sock {
	struct tpsim_sock *s;
	bool real_clock;
};

struct sim_ctx {
	const char *profile;
	bool real_clock;	/* TPC_SIM_CLOCK=real: the timer thread */
	bool vlan_offload;	/* TPC_SIM_VLAN=offload */
	struct tpsim_net *net;	/* the device and every socket (issue 17) */
	struct tpsim_dev *dev;
	struct tpsim_dev *l3;	/* the ARPHRD_NONE device, made on use */
};

static const uint8_t sim_addr[6] = { 0x02, 0x74, 0x70, 0x73, 0x69, 0x6d };
#define SIM_IFINDEX 2
/* the kernel backend's TUN comes after lo (1) and its TAP (2) */
#define SIM_L3_IFINDEX 3
/* the receive queue PACKET_FANOUT_QM sees for a frame written to a
 * single-queue TAP: 1 on 6.18 (members 1 of 2..5 get every frame) */
#define SIM_RX_QUEUE 1

static int sim_open(void **ctx, char *why, size_t whylen)
{
	struct sim_ctx *c = calloc(1, sizeof(*c));
	const char *p = getenv("TPC_SIM_PROFILE");
	const char *k = getenv("TPC_SIM_CLOCK");

	(void)why;
	(void)whylen;
	if (!c)
		return -ENOMEM;
	c->profile = p && *p ? p : "linux";
	c->real_clock = k && !strcmp(k, "real");
	k = getenv("TPC_SIM_VLAN");
	c->vlan_offload = k && !strcmp(k, "offload");
	if (!tpsim_profile_find(c->profile)) {
		free(c);
		return -EINVAL;
	}
	{
		struct tpsim_dev_opts d = { .sz = sizeof(d),
					    .ifindex = SIM_IFINDEX,
					    .link_speed = 10000 };
		int err;

		memcpy(d.addr, sim_addr, 6);
		err = tpsim_net_create(&c->net);
		if (!err)
			err = tpsim_dev_add(c->net, &d, &c->dev);
		if (err) {
			tpsim_net_destroy(c->net);
			free(c);
			return err;
		}
	}
	*ctx = c;
	return 0;
}

static void sim_close(void *ctx)
{
	tpsim_net_destroy(((struct sim_ctx *)ctx)->net);
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
		.clock = c->real_clock ? TPSIM_CLOCK_REAL
				       : TPSIM_CLOCK_VIRTUAL,
		/* the kernel backend's TAP says 10 Gb/s (tun, since 6.0):
		 * the default V3 retire timeout depends on it (G14) */
		.link_speed = 10000,
	};
	struct tpc_sock *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return -ENOMEM;
	memcpy(o.addr, sim_addr, 6);
	s->real_clock = c->real_clock;
	err = tpsim_create(&o, &s->s);
	if (err) {
		free(s);
		return err;
	}
	/* in the net, bound to the device as the kernel backend binds */
	err = tpsim_net_add_sock(c->net, s->s);
	if (!err && protocol) {
		struct sockaddr_ll sll = { .sll_family = AF_PACKET,
					   .sll_ifindex = SIM_IFINDEX };

		err = tpsim_bind(s->s, (struct sockaddr *)&sll, sizeof(sll));
	}
	if (err) {
		tpsim_close(s->s);
		free(s);
		return err;
	}
	*out = s;
	return 0;
}

static void sim_sock_close(struct tpc_sock *s)
{
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

static int sim_mmap_at(struct tpc_sock *s, void *addr, size_t length,
		       off_t offset, int flags, void **out)
{
	return tpsim_mmap(s->s, addr, length, PROT_READ | PROT_WRITE, flags,
			  offset, out);
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
	/* queue_mapping 1: a TAP records its one queue (0 + 1), which a
	 * filter's SKF_AD_QUEUE reads */
	*pkt = (struct tpsim_packet){ .sz = sizeof(*pkt), .data = p->data,
				      .len = p->len, .queue_mapping = 1 };
	if (p->flags & TPC_INJ_CSUM_PARTIAL) {
		pkt->flags |= TPSIM_PKT_CSUM_PARTIAL;
		pkt->csum_start = p->csum_start;
		pkt->csum_offset = p->csum_offset;
	}
	if (p->flags & TPC_INJ_CSUM_VALID)
		pkt->flags |= TPSIM_PKT_CSUM_VALID;
}

/*
 * TPC_SIM_VLAN=offload: a NIC's VLAN offload. A frame's outer 802.1Q or
 * 802.1AD tag is handed outside the data (TPSIM_PKT_VLAN), as a driver
 * hands it. The kernel takes the tag out in software before any tap
 * sees the frame (skb_vlan_untag in __netif_receive_skb_core), so every
 * case must pass either way; the kernel backend's tun cannot offload.
 * Frames too short for the kernel to untag (a tag and 2 bytes after the
 * Ethernet header) and frames with a checksum offset go as they are.
 * Returns the copy to free, or NULL.
 */
static void *vlan_offload(const struct sim_ctx *c, struct tpsim_packet *pkt)
{
	const uint8_t *d = pkt->data;
	uint16_t type;
	uint8_t *b;

	if (!c->vlan_offload || pkt->len < ETH_HLEN + 6 || pkt->flags)
		return NULL;
	type = (uint16_t)(d[12] << 8 | d[13]);
	if (type != ETH_P_8021Q && type != ETH_P_8021AD)
		return NULL;
	b = malloc(pkt->len - 4);
	if (!b)
		return NULL;
	memcpy(b, d, 12);
	memcpy(b + 12, d + 16, pkt->len - 16);
	pkt->flags |= TPSIM_PKT_VLAN;
	pkt->vlan_tci = (uint16_t)(d[14] << 8 | d[15]);
	pkt->vlan_tpid = type;
	pkt->data = b;
	pkt->len -= 4;
	return b;
}

static int sim_inject(void *ctx, struct tpc_sock *s, const struct tpc_inject *p)
{
	struct tpsim_packet pkt;
	void *copy;
	int r;

	sim_packet(p, &pkt);
	copy = vlan_offload(ctx, &pkt);
	if (!s)		/* on the device, for every socket */
		r = tpsim_dev_deliver(((struct sim_ctx *)ctx)->dev, &pkt, 0,
				      SIM_RX_QUEUE, NULL, 0);
	else
		r = tpsim_deliver(s->s, &pkt);
	free(copy);
	return r < 0 ? r : 0;
}

static int sim_bind(struct tpc_sock *s, const struct sockaddr_ll *a,
		    socklen_t len)
{
	return tpsim_bind(s->s, (const struct sockaddr *)a, len);
}

static int sim_getsockname(struct tpc_sock *s, struct sockaddr_ll *a,
			   socklen_t *len)
{
	return tpsim_getsockname(s->s, (struct sockaddr *)a, len);
}

static int sim_set_link(void *ctx, int up)
{
	return tpsim_dev_set_link(((struct sim_ctx *)ctx)->dev, up);
}

static int sim_dev_mc_count(void *ctx, int ifindex)
{
	struct sim_ctx *c = ctx;
	struct tpsim_dev_state st = { .sz = sizeof(st) };
	struct tpsim_dev *d = ifindex == SIM_IFINDEX ? c->dev
			      : ifindex == SIM_L3_IFINDEX ? c->l3 : NULL;
	int err = d ? tpsim_dev_state_get(d, &st) : -ENODEV;

	return err < 0 ? err : (int)st.mc_count;
}

/* a TUN's device: no link header, no address, MTU 1500, up */
static int sim_l3_dev(void *ctx)
{
	struct sim_ctx *c = ctx;
	struct tpsim_dev_opts d = { .sz = sizeof(d), .name = "tpc1",
				    .ifindex = SIM_L3_IFINDEX,
				    .hatype = ARPHRD_NONE,
				    .link_speed = 10000 };
	int err = c->l3 ? 0 : tpsim_dev_add(c->net, &d, &c->l3);

	return err < 0 ? err : SIM_L3_IFINDEX;
}

static int sim_l3_inject(void *ctx, const void *data, uint32_t len)
{
	struct sim_ctx *c = ctx;
	struct tpsim_packet pkt = { .sz = sizeof(pkt), .data = data,
				    .len = len, .queue_mapping = 1 };
	int r;

	if (!c->l3)
		return -ENODEV;
	r = tpsim_dev_deliver(c->l3, &pkt, 0, SIM_RX_QUEUE, NULL, 0);
	return r < 0 ? r : 0;
}

/* unregister_netdevice() */
static int sim_l3_remove(void *ctx)
{
	struct sim_ctx *c = ctx;

	if (!c->l3)
		return -ENODEV;
	tpsim_dev_remove(c->l3);
	c->l3 = NULL;
	return 0;
}

static int sim_qdisc_hold(void *ctx, int on)
{
	return tpsim_dev_set_qdisc_hold(((struct sim_ctx *)ctx)->dev, on);
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

	if (!s) {	/* on the device: frame by frame, for every socket */
		for (unsigned int i = 0; i < n; i++)
			res[i] = sim_inject(ctx, NULL, p[i]);
		return 0;
	}
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
	int r;

	if (!s)		/* on the device: one frame for every socket */
		return sim_inject(ctx, s, p);
	r = sim_inject_batch(ctx, s, &p, 1, &res);
	return r < 0 ? r : res;
}

static ssize_t sim_send(struct tpc_sock *s, const struct sockaddr_ll *to,
			int flags)
{
	return tpsim_send(s->s, to, flags);
}

static ssize_t sim_send_data(struct tpc_sock *s, const void *buf,
			     size_t len, const struct sockaddr_ll *to, int flags)
{
	return tpsim_send_data(s->s, buf, len, to, flags);
}

static ssize_t sim_wire_read(void *ctx, struct tpc_sock *s, void *buf,
			     size_t len, int timeout_ms)
{
	(void)ctx;
	(void)timeout_ms;	/* a sent frame is on the wire at once */
	return tpsim_wire_recv(s->s, buf, len, MSG_DONTWAIT);
}

static int sim_sleep_ms(struct tpc_sock *s, int ms)
{
	struct timespec d = { ms / 1000, (long)(ms % 1000) * 1000000 };

	if (s->real_clock)	/* the timer thread runs meanwhile */
		return nanosleep(&d, NULL) ? -errno : 0;
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
		 "%s clock, a 10 Gb/s Ethernet device%s", TPSIM_VERSION_MAJOR,
		 TPSIM_VERSION_MINOR, c->profile,
		 c->real_clock ? "real" : "virtual",
		 c->vlan_offload ? " with VLAN offload" : "");
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
	.send_data = sim_send_data,
	.wire_read = sim_wire_read,
	.sleep_ms = sim_sleep_ms,
	.clock_ns = sim_clock_ns,
	.info = sim_info,
	.bind = sim_bind,
	.getsockname = sim_getsockname,
	.set_link = sim_set_link,
	.dev_mc_count = sim_dev_mc_count,
	.l3_dev = sim_l3_dev,
	.l3_inject = sim_l3_inject,
	.l3_remove = sim_l3_remove,
	.mmap_at = sim_mmap_at,
	.qdisc_hold = sim_qdisc_hold,
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
	.send_data = sim_send_data,
	.wire_read = sim_wire_read,
	.sleep_ms = sim_sleep_ms,
	.clock_ns = sim_clock_ns,
	.info = sim_batch_info,
	.bind = sim_bind,
	.getsockname = sim_getsockname,
	.set_link = sim_set_link,
	.dev_mc_count = sim_dev_mc_count,
	.l3_dev = sim_l3_dev,
	.l3_inject = sim_l3_inject,
	.l3_remove = sim_l3_remove,
	.mmap_at = sim_mmap_at,
	.qdisc_hold = sim_qdisc_hold,
	.inject_batch = sim_inject_batch,
};
