// SPDX-License-Identifier: MIT
/*
 * The hostile scenarios: the table (each entry in its own file,
 * run/scenario_*.c) and what the producer offers them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_impl.h"

static const struct tpr_scenario *const table[] = {
	&tpr_scn_losing_burst,
	&tpr_scn_v3_frozen,
	&tpr_scn_v3_empty_block,
	&tpr_scn_vlan_stacked,
	&tpr_scn_copy,
	&tpr_scn_csum_partial,
	&tpr_scn_hw_timestamps,
	&tpr_scn_size_edges,
	&tpr_scn_link_flap,
	&tpr_scn_old_retire,
};
#define NSCN (sizeof(table) / sizeof(table[0]))

struct tpr_scn_state {
	unsigned int n;
	const struct tpr_scenario *scn[TPR_MAX_SCENARIOS];
	struct tpr_scn_ctx ctx[TPR_MAX_SCENARIOS];
	struct tpr_pkt pkt;	/* the input packet being played */
};

const struct tpr_scenario_info *tpr_scenario_at(size_t i)
{
	return i < NSCN ? &table[i]->info : NULL;
}

void tpr_scenario_list(FILE *to)
{
	const struct tpr_scenario_info *s;

	for (size_t i = 0; (s = tpr_scenario_at(i)); i++)
		fprintf(to, "%-15s %s\n%-15s from: %s\n", s->name, s->summary,
			"", s->motivation);
}

uint64_t tpr_scn_rand(struct tpr_scn_ctx *c)
{
	/* splitmix64: small, and the same on every machine */
	uint64_t z = (c->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t tpr_scn_range(struct tpr_scn_ctx *c, uint64_t lo, uint64_t hi)
{
	return lo + tpr_scn_rand(c) % (hi - lo + 1);
}

int tpr_scn_emit(struct tpr_scn_ctx *c, struct tpr_pkt *p)
{
	return tpr__deliver(c->r, &p->p, c->lossless && !p->no_wait);
}

bool tpr_scn_burst(struct tpr_scn_ctx *c, const struct tpr_pkt *p,
		   struct tpsim_sock *s, uint64_t more)
{
	struct tpr_sockent *e = tpr__sock_find(c->r, s);
	struct tpr_pkt *d = tpr_scn_dup(p);
	uint64_t drops, sent = 0;

	if (!d || !e) {
		tpr_scn_free(d);
		return false;
	}
	d->no_wait = true;
	drops = e->dropped;
	while (e->dropped == drops && !c->r->stop && sent++ < 100000)
		tpr_scn_emit(c, d);
	for (uint64_t i = 0; i < more && !c->r->stop; i++)
		tpr_scn_emit(c, d);
	tpr_scn_free(d);
	return true;
}

struct tpr_pkt *tpr_scn_dup(const struct tpr_pkt *p)
{
	struct tpr_pkt *d = malloc(sizeof(*d));

	if (!d || !(d->data = malloc(TPR_PKT_CAP))) {
		free(d);
		return NULL;
	}
	memcpy(d->data, p->data, p->p.len);
	d->p = p->p;
	d->p.data = d->data;
	d->no_wait = p->no_wait;
	d->skip = false;
	return d;
}

void tpr_scn_free(struct tpr_pkt *p)
{
	if (p)
		free(p->data);
	free(p);
}

bool tpr_scn_ring(struct tpr_scn_ctx *c, unsigned int mask,
		  struct tpr_ring_fact *out)
{
	struct tpr_run *r = c->r;

	for (int i = 0; i < r->nsocks; i++) {
		struct tpr_sockent *e = &r->socks[i];
		int hdrlen, reserve = 0;
		socklen_t len = sizeof(hdrlen);

		if (e->closed || tpsim_ring_view_get(e->s, &out->v) ||
		    !(mask & (1u << out->v.version)))
			continue;
		hdrlen = (int)out->v.version;
		if (tpsim_getsockopt(e->s, SOL_PACKET, PACKET_HDRLEN, &hdrlen,
				     &len))
			continue;
		len = sizeof(reserve);
		tpsim_getsockopt(e->s, SOL_PACKET, PACKET_RESERVE, &reserve,
				 &len);
		out->s = e->s;
		/* tpacket_rcv's netoff for a 14-byte link header, less it */
		out->macoff = TPACKET_ALIGN((uint32_t)hdrlen + 16) +
			      (uint32_t)reserve - 14;
		out->room = (out->v.version == TPACKET_V3
				     ? out->v.max_frame_len
				     : out->v.frame_size) - out->macoff;
		return true;
	}
	return false;
}

void tpr_scn_link(struct tpr_scn_ctx *c, bool up)
{
	tpsim_dev_set_link(c->r->dev, up);
	c->r->link_up = up;
}

int tpr__scn_open(struct tpr_run *r)
{
	struct tpr_scn_state *st = calloc(1, sizeof(*st));

	if (!st || !(st->pkt.data = malloc(TPR_PKT_CAP))) {
		free(st);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < r->cfg->nscenario; i++) {
		size_t k;

		for (k = 0; k < NSCN; k++)
			if (!strcmp(table[k]->info.name, r->cfg->scenario[i]))
				break;
		if (k == NSCN) {
			snprintf(r->err, sizeof(r->err), "no scenario '%s'",
				 r->cfg->scenario[i]);
			free(st->pkt.data);
			free(st);
			return -EINVAL;
		}
		st->scn[st->n] = table[k];
		st->ctx[st->n] = (struct tpr_scn_ctx){
			.r = r, .rng = r->cfg->seed * 0x100 + k,
			.lossless = r->cfg->pace == TPR_PACE_LOSSLESS,
		};
		st->n++;
	}
	r->scn = st;
	return 0;
}

void tpr__scn_close(struct tpr_run *r)
{
	if (!r->scn)
		return;
	free(r->scn->pkt.data);
	free(r->scn);
	r->scn = NULL;
}

const char *tpr__scn_profile(const struct tpr_run *r)
{
	if (r->cfg->profile)
		return r->cfg->profile;
	for (unsigned int i = 0; r->scn && i < r->scn->n; i++)
		if (r->scn->scn[i]->profile)
			return r->scn->scn[i]->profile;
	return "linux";
}

void tpr__scn_sock_added(struct tpr_run *r, struct tpr_sockent *e)
{
	for (unsigned int i = 0; r->scn && i < r->scn->n; i++)
		if (r->scn->scn[i]->sock_added)
			r->scn->scn[i]->sock_added(&r->scn->ctx[i], e->s);
}

void tpr__scn_play(struct tpr_run *r, const struct tpr_frame *f,
		   bool lossless)
{
	struct tpr_scn_state *st = r->scn;
	struct tpr_pkt *p = &st->pkt;
	uint32_t n = f->caplen < TPR_PKT_CAP ? f->caplen : TPR_PKT_CAP;

	memcpy(p->data, f->data, n);
	/* the capture's time: the stamp and the virtual clock (V3 blocks
	 * retire on the capture's timeline) */
	p->p = (struct tpsim_packet){
		.sz = sizeof(p->p), .data = p->data, .len = n,
		.flags = TPSIM_PKT_CLOCK | TPSIM_PKT_SW_TS,
		.sw_ts = f->ts, .clock_at = f->ts,
	};
	p->no_wait = false;
	p->skip = false;
	for (unsigned int i = 0; i < st->n && !r->stop; i++)
		if (st->scn[i]->packet)
			st->scn[i]->packet(&st->ctx[i], p, f->index);
	if (!p->skip && !r->stop)
		tpr__deliver(r, &p->p, lossless && !p->no_wait);
}
