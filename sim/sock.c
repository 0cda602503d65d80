// SPDX-License-Identifier: MIT
/*
 * Creating and closing a simulated packet socket, its clock and the
 * per-socket failure text.
 */
#include <errno.h>
#include <limits.h>
#include <net/if_arp.h>
#include <linux/if_ether.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "internal.h"

/* Field f of an extensible opts struct, or def when the caller's struct
 * is too old to have it or left it 0. */
#define OPTS_GET(o, f, def)                                                  \
	((o) && (o)->sz >= offsetof(__typeof__(*(o)), f) + sizeof((o)->f) && \
			 (o)->f                                              \
		 ? (o)->f                                                    \
		 : (def))

/* Condition variables wait on CLOCK_MONOTONIC: deadlines must not move
 * when the time of day is set. */
static void init_cond(pthread_cond_t *c)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
}

/* A host value from /proc/sys/net/core (the defaults sock_init_data
 * starts a socket with, the caps sock_setsockopt puts on SO_RCVBUF and
 * SO_SNDBUF), or def when it cannot be read. */
static uint32_t host_limit(const char *path, uint32_t def)
{
	FILE *f = fopen(path, "re");
	unsigned long v;
	int n;

	if (!f)
		return def;
	n = fscanf(f, "%lu", &v);
	fclose(f);
	return n == 1 && v > 0 && v <= INT_MAX ? (uint32_t)v : def;
}

int tpsim_create(const struct tpsim_create_opts *opts, struct tpsim_sock **out)
{
	static const uint8_t def_addr[8] = { 0x02, 0, 0, 0, 0, 0x01 };
	const struct tpsim_profile *prof;
	struct tpsim_sock *s;
	const char *pname;
	int type;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (opts && opts->sz < offsetof(struct tpsim_create_opts, type) +
				       sizeof(opts->type))
		return -EINVAL;
	type = OPTS_GET(opts, type, SOCK_RAW);
	if (type != SOCK_RAW && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	pname = OPTS_GET(opts, profile, "linux");
	prof = tpsim_profile_find(pname);
	if (!prof)
		return -EINVAL;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->prof = prof;
	s->type = type;
	s->protocol = OPTS_GET(opts, protocol, htons(ETH_P_ALL));
	s->ifindex = OPTS_GET(opts, ifindex, 1);
	s->hatype = OPTS_GET(opts, hatype, ARPHRD_ETHER);
	switch (s->hatype) {
	case ARPHRD_ETHER:
	case ARPHRD_LOOPBACK:
		s->hard_header_len = ETH_HLEN;
		s->addr_len = ETH_ALEN;
		break;
	case ARPHRD_NONE:
		s->hard_header_len = 0;
		s->addr_len = 0;
		break;
	default:
		free(s);
		return -EINVAL;
	}
	memcpy(s->addr, def_addr, sizeof(s->addr));
	if (opts && opts->sz >= offsetof(struct tpsim_create_opts, addr) +
					sizeof(opts->addr)) {
		static const uint8_t zero[8];

		if (memcmp(opts->addr, zero, sizeof(zero)))
			memcpy(s->addr, opts->addr, sizeof(s->addr));
	}
	s->mtu = OPTS_GET(opts, mtu, 1500u);
	s->mem_limit = OPTS_GET(opts, mem_limit, (uint64_t)4 << 30);
	s->clock = OPTS_GET(opts, clock, TPSIM_CLOCK_REAL);
	if (s->clock != TPSIM_CLOCK_REAL && s->clock != TPSIM_CLOCK_VIRTUAL) {
		free(s);
		return -EINVAL;
	}
	s->wire_mode = OPTS_GET(opts, wire, TPSIM_WIRE_QUEUE);
	if (s->wire_mode != TPSIM_WIRE_QUEUE &&
	    s->wire_mode != TPSIM_WIRE_HOLD) {
		free(s);
		return -EINVAL;
	}
	s->wire_limit = OPTS_GET(opts, wire_queue_len, 1000u);
	s->link_speed = OPTS_GET(opts, link_speed, 0u);
	s->version = TPACKET_V1;
	s->rmem_max = OPTS_GET(opts, rmem_max, 0u);
	if (!s->rmem_max)
		s->rmem_max = host_limit("/proc/sys/net/core/rmem_max",
					 prof->rmem_max);
	s->wmem_max = OPTS_GET(opts, wmem_max, 0u);
	if (!s->wmem_max)
		s->wmem_max = host_limit("/proc/sys/net/core/wmem_max",
					 prof->wmem_max);
	/* sock_init_data starts from net.core.rmem_default/wmem_default,
	 * uncapped. Caps given by the caller mean a host-independent
	 * socket: the profile's defaults then. */
	s->rcvbuf = OPTS_GET(opts, rmem_max, 0u)
			    ? prof->rmem_default
			    : host_limit("/proc/sys/net/core/rmem_default",
					 prof->rmem_default);
	s->sndbuf = OPTS_GET(opts, wmem_max, 0u)
			    ? prof->wmem_default
			    : host_limit("/proc/sys/net/core/wmem_default",
					 prof->wmem_default);
	s->rx.memfd = -1;
	s->tx.memfd = -1;
	s->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->evfd < 0) {
		int err = -errno;

		free(s);
		return err;
	}
	pthread_mutex_init(&s->lock, NULL);
	init_cond(&s->tx_cond);
	init_cond(&s->timer_cond);
	*out = s;
	return 0;
}

void tpsim_close(struct tpsim_sock *s)
{
	if (!s)
		return;
	tpsim__net_sock_release(s);
	tpsim__timer_stop(s);
	pthread_mutex_lock(&s->lock);
	/* the caller's mappings are left alone: each holds its memfd's
	 * pages, so the rings live until the last of them is unmapped and
	 * the kernel frees them then (packet_release leaves the pg_vec to
	 * the vma's reference, M4) */
	s->nr_maps = 0;
	tpsim__wake_all(s);
	s->shared_wake = NULL;
	tpsim__ring_free(&s->rx);
	tpsim__ring_free(&s->tx);
	tpsim__rq_purge(s);
	tpsim__wire_purge(s);
	tpsim__nit_purge(s);
	tpsim__filter_free(s);
	pthread_mutex_unlock(&s->lock);
	pthread_cond_destroy(&s->tx_cond);
	pthread_cond_destroy(&s->timer_cond);
	pthread_mutex_destroy(&s->lock);
	close(s->evfd);
	free(s);
}

const struct tpsim_profile *tpsim_sock_profile(const struct tpsim_sock *s)
{
	return s->prof;
}

const char *tpsim_strerror_detail(const struct tpsim_sock *s)
{
	return s->detail;
}

void tpsim__detail(struct tpsim_sock *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->detail, sizeof(s->detail), fmt, ap);
	va_end(ap);
}
