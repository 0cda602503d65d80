// SPDX-License-Identifier: MIT
/*
 * The world of `tpsim run`: a net with one simulated device, the sockets
 * the program opened on it, the producer thread and what it writes at the
 * end (the report, --expect-out, --wire-out).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

/* tpr_run_error(NULL): the last tpr_run_create of this thread */
static _Thread_local char create_err[256];

static int copy_config(const struct tpr_config *c, struct tpr_config **out)
{
	struct tpr_config *d = calloc(1, sizeof(*d));
	bool ok = d != NULL;

	if (!d)
		return -ENOMEM;
	*d = *c;
	/* the strings are the copy's own */
	for (unsigned int i = 0; i < c->npcap; i++)
		ok &= (d->pcap[i] = strdup(c->pcap[i])) != NULL;
	for (unsigned int i = 0; i < c->nscenario; i++)
		ok &= (d->scenario[i] = strdup(c->scenario[i])) != NULL;
#define DUP(f) (d->f = c->f ? strdup(c->f) : NULL, !c->f || d->f)
	ok &= DUP(report) && DUP(expect_out) && DUP(wire_out) && DUP(profile);
#undef DUP
	if (!ok) {
		tpr_config_free(d);
		return -ENOMEM;
	}
	*out = d;
	return 0;
}

int tpr_run_create(const struct tpr_config *c, struct tpr_run **out)
{
	struct tpsim_dev_opts o = { .sz = sizeof(o) };
	pthread_condattr_t ca;
	struct tpr_run *r;
	int err;

	create_err[0] = '\0';
	if (!c || !out) {
		snprintf(create_err, sizeof(create_err), "no configuration");
		return -EINVAL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	pthread_mutex_init(&r->lock, NULL);
	/* the producer's naps are in monotonic time: a wall-clock step
	 * neither stretches nor cuts a pace */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cond, &ca);
	pthread_condattr_destroy(&ca);
	r->link_up = true;
	err = copy_config(c, &r->cfg);
	if (err)
		goto fail;
	err = tpr_source_open(&r->src, r->cfg->pcap, r->cfg->npcap,
			      r->cfg->loop, r->err, sizeof(r->err));
	if (err)
		goto fail;
	err = tpsim_net_create(&r->net);
	if (err)
		goto fail;
	o.name = r->cfg->ifname;
	o.ifindex = r->cfg->ifindex;
	memcpy(o.addr, r->cfg->mac, 6);
	o.mtu = r->cfg->mtu;
	o.link_speed = r->cfg->speed;
	err = tpsim_dev_add(r->net, &o, &r->dev);
	if (err) {
		snprintf(r->err, sizeof(r->err), "the device %s (ifindex %d): "
			 "%s", o.name, o.ifindex, strerror(-err));
		goto fail;
	}
	err = tpr__scn_open(r);
	if (err)
		goto fail;
	err = tpr__oracle_open(r);
	if (err)
		goto fail;
	err = tpr__producer_start(r);
	if (err) {
		snprintf(r->err, sizeof(r->err), "the producer thread: %s",
			 strerror(-err));
		goto fail;
	}
	*out = r;
	return 0;
fail:
	tpr__oracle_close(r);
	snprintf(create_err, sizeof(create_err), "%s",
		 *r->err ? r->err : strerror(-err));
	r->finished = true;	/* nothing to write */
	tpr_run_destroy(r);
	return err;
}

const char *tpr_run_error(const struct tpr_run *r)
{
	return r ? r->err : create_err;
}

struct tpsim_net *tpr_run_net(struct tpr_run *r)
{
	return r ? r->net : NULL;
}

struct tpsim_dev *tpr_run_dev(struct tpr_run *r)
{
	return r ? r->dev : NULL;
}

void tpr_run_sock_opts(struct tpr_run *r, struct tpsim_create_opts *o)
{
	o->sz = sizeof(*o);
	o->ifindex = r->cfg->ifindex;
	memcpy(o->addr, r->cfg->mac, 6);
	o->mtu = r->cfg->mtu;
	o->link_speed = r->cfg->speed;
	o->profile = tpr__scn_profile(r);
	/* the producer's clock: the capture's timeline, so V3 blocks
	 * retire on it and every run is the same */
	o->clock = TPSIM_CLOCK_VIRTUAL;
	o->wire = TPSIM_WIRE_QUEUE;
	o->wire_queue_len = 65536;	/* the producer drains it */
}

int tpr_run_ifinfo(struct tpr_run *r, struct tpr_ifinfo *out)
{
	if (!r || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", r->cfg->ifname);
	out->ifindex = r->cfg->ifindex;
	memcpy(out->mac, r->cfg->mac, 6);
	out->mtu = r->cfg->mtu;
	out->speed = r->cfg->speed;
	pthread_mutex_lock(&r->lock);
	out->up = r->link_up;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

struct tpr_sockent *tpr__sock_find(struct tpr_run *r,
				   const struct tpsim_sock *s)
{
	for (int i = 0; i < r->nsocks; i++)
		if (r->socks[i].s == s && !r->socks[i].closed)
			return &r->socks[i];
	return NULL;
}

void tpr_run_sock_added(struct tpr_run *r, struct tpsim_sock *s)
{
	struct tpr_sockent *e;

	if (!r || !s)
		return;
	pthread_mutex_lock(&r->lock);
	if (!tpr__sock_find(r, s) && r->nsocks < TPR_MAX_SOCKS) {
		e = &r->socks[r->nsocks];
		memset(e, 0, sizeof(*e));
		e->s = s;
		e->id = r->nsocks + 1;
		e->ring_fd = -1;
		r->nsocks++;
		tpr__scn_sock_added(r, e);
	} else if (r->nsocks == TPR_MAX_SOCKS) {
		tpr__finding(r, "C6", 0, 0, true, "more than %d packet "
			     "sockets: the report follows the first %d",
			     TPR_MAX_SOCKS, TPR_MAX_SOCKS);
	}
	pthread_mutex_unlock(&r->lock);
}

void tpr_run_sock_closing(struct tpr_run *r, struct tpsim_sock *s)
{
	struct tpr_sockent *e;

	if (!r || !s)
		return;
	pthread_mutex_lock(&r->lock);
	e = tpr__sock_find(r, s);
	if (e) {
		/* what the sender left on the wire goes out first */
		tpr__wire_drain(r);
		if (tpr__ring_sync(e))
			tpr__check_scan(r, e, true);
		tpr__ring_unmap(e);
		e->closed = true;
	}
	pthread_mutex_unlock(&r->lock);
}

void tpr_run_consumer_ready(struct tpr_run *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	if (!r->ready) {
		r->ready = true;
		pthread_cond_broadcast(&r->cond);
	}
	pthread_mutex_unlock(&r->lock);
}

void tpr_run_stats_read(struct tpr_run *r, struct tpsim_sock *s,
			const void *val, socklen_t len)
{
	struct tpr_sockent *e;
	struct tpacket_stats_v3 st = { 0 };

	if (!r || !s || !val || len < sizeof(struct tpacket_stats))
		return;
	memcpy(&st, val, len < sizeof(st) ? len : sizeof(st));
	pthread_mutex_lock(&r->lock);
	e = tpr__sock_find(r, s);
	if (e) {
		e->stats_reads++;
		e->st_packets += st.tp_packets;
		e->st_drops += st.tp_drops;
		if (len >= sizeof(st))
			e->st_freeze += st.tp_freeze_q_cnt;
	}
	pthread_mutex_unlock(&r->lock);
}

void tpr_run_wire_sent(struct tpr_run *r, const void *data, uint32_t len)
{
	if (!r || (!data && len))
		return;
	pthread_mutex_lock(&r->lock);
	tpr__wire_drain(r);	/* what left before it goes first */
	tpr__oracle_wire(r, data, len);
	pthread_mutex_unlock(&r->lock);
}

int tpr_run_finish(struct tpr_run *r)
{
	int err = 0, e2;

	if (!r)
		return -EINVAL;
	tpr__producer_stop(r);
	pthread_mutex_lock(&r->lock);
	if (r->finished) {
		pthread_mutex_unlock(&r->lock);
		return 0;
	}
	r->finished = true;
	tpr__wire_drain(r);
	for (int i = 0; i < r->nsocks; i++) {
		struct tpr_sockent *e = &r->socks[i];

		if (!e->closed && tpr__ring_sync(e))
			tpr__check_scan(r, e, true);
	}
	err = tpr__oracle_close(r);
	if (r->cfg->report) {
		e2 = tpr__report_write(r, r->cfg->report);
		err = err ? err : e2;
	}
	pthread_mutex_unlock(&r->lock);
	return err;
}

void tpr_run_destroy(struct tpr_run *r)
{
	if (!r)
		return;
	tpr_run_finish(r);
	for (int i = 0; i < r->nsocks; i++)
		tpr__ring_unmap(&r->socks[i]);
	tpr__scn_close(r);
	tpr_source_close(r->src);
	/* the sockets are the caller's: the net lets go of them */
	tpsim_net_destroy(r->net);
	tpr_config_free(r->cfg);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
