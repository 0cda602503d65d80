// SPDX-License-Identifier: MIT
/*
 * PACKET_FANOUT_FLAG_DEFRAG (rule N21): ip_check_defrag() before a
 * group's demux. An IPv4 fragment is kept in the net's reassembly queue
 * (ip_defrag with user IP_DEFRAG_AF_PACKET, one queue per datagram: id,
 * source, destination, protocol) and nobody sees it; the fragment that
 * completes a datagram brings the whole datagram, with the first
 * fragment's link and IP headers (tot_len, frag_off, ECN and checksum
 * rewritten, ip_frag_reasm), to one member. As inet_frag_queue_insert:
 * a fragment inside a run of fragments already queued is a duplicate and
 * dropped; one that overlaps otherwise drops the queue with it.
 *
 * Bounded: at most TPSIM_DEFRAG_QUEUES datagrams wait, each at most
 * 64 KiB. The kernel's expiry (ipfrag_time, 30 s) and its per-source
 * distance check (ipfrag_max_dist) are not simulated, so a datagram that
 * never completes (a duplicate fragment after its datagram was whole
 * starts one) would stay for good: a fragment of a new datagram beyond
 * the bound drops the oldest waiting one instead, which the kernel's
 * clock would have expired long before.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define TPSIM_DEFRAG_QUEUES 64
/* the skb fields after rxhash, in a tpsim_packet of an older size */
#define PKT_HAS(p, f) ((p)->sz >= offsetof(struct tpsim_packet, f) + \
			sizeof((p)->f))
#define IP_MAXLEN 65535u

/* A run: fragments queued back to back at the tail (fragrun_*). */
struct run {
	struct run *next;	/* by offset */
	uint32_t start, end;
};

/* What the delivered datagram keeps of its first fragment's skb. */
struct head {
	uint8_t lhdr[ETH_HLEN];
	uint32_t lhdr_len;
	uint32_t flags;		/* TPSIM_PKT_VLAN, _PKTTYPE, _PROTOCOL */
	uint16_t vlan_tci, vlan_tpid, protocol;
	uint8_t pkttype;
	uint32_t mark;
	uint16_t queue_mapping;
};

struct ipq {
	struct ipq *next;
	uint8_t saddr[4], daddr[4], protocol;
	uint16_t id;
	bool first_in, last_in;
	uint32_t len;		/* the datagram's end as known so far */
	uint32_t meat;		/* payload bytes queued */
	uint32_t tail_end;	/* end of the fragment at the tail */
	uint32_t max_size, max_df_size;
	uint8_t ecn;		/* IPFRAG_ECN_* seen */
	struct run *runs;
	/* the first fragment's headers, kept when it arrives */
	struct head head;
	uint8_t iph[60];
	uint32_t ihl;
	uint8_t data[IP_MAXLEN];	/* payload by offset */
};

struct tpsim_defrag {
	struct ipq *queues;
	unsigned int nqueues;
};

static void ipq_free(struct tpsim_defrag *df, struct ipq *q)
{
	for (struct ipq **pp = &df->queues; *pp; pp = &(*pp)->next) {
		if (*pp == q) {
			*pp = q->next;
			break;
		}
	}
	while (q->runs) {
		struct run *r = q->runs;

		q->runs = r->next;
		free(r);
	}
	free(q);
	df->nqueues--;
}

void tpsim__defrag_free(struct tpsim_net *n)
{
	while (n->defrag && n->defrag->queues)
		ipq_free(n->defrag, n->defrag->queues);
	free(n->defrag);
	n->defrag = NULL;
}

enum { FRAG_OK, FRAG_DUP, FRAG_OVERLAP, FRAG_NOMEM };

/* inet_frag_queue_insert() on the runs */
static int insert(struct ipq *q, uint32_t off, uint32_t end)
{
	struct run **pp = &q->runs, *r;

	if (q->runs && q->tail_end < end) {	/* past the tail */
		if (off < q->tail_end)
			return FRAG_OVERLAP;
		while ((*pp)->next)
			pp = &(*pp)->next;
		if (off == q->tail_end) {	/* appended to the last run */
			(*pp)->end = end;
			q->tail_end = end;
			return FRAG_OK;
		}
		pp = &(*pp)->next;
	} else if (q->runs) {	/* the search of the runs */
		for (; *pp && (*pp)->end <= off; pp = &(*pp)->next)
			;
		if (*pp && end > (*pp)->start)
			return off >= (*pp)->start && end <= (*pp)->end
				       ? FRAG_DUP
				       : FRAG_OVERLAP;
	}
	r = malloc(sizeof(*r));
	if (!r)
		return FRAG_NOMEM;
	r->start = off;
	r->end = end;
	r->next = *pp;
	*pp = r;
	if (end > q->tail_end)
		q->tail_end = end;
	return FRAG_OK;
}

/* ip_frag_ecn_table: CE wins over ECT, not-ECT mixed with ECT or CE is
 * no datagram (0xff) */
static uint8_t ecn_of(uint8_t seen)
{
	if ((seen & 1) && (seen & 14))
		return 0xff;
	return (seen & 8) ? 3 : 0;
}

/* ip_frag_reasm(): the whole frame into a new buffer, *out naming it */
static int reasm(const struct ipq *q, struct tpsim_packet *out,
		 uint8_t **buf)
{
	uint32_t tot = q->ihl + q->len, sum = 0;
	uint8_t ecn = ecn_of(q->ecn), *b, *ip;

	if (tot > IP_MAXLEN || ecn == 0xff)
		return 0;
	b = malloc(q->head.lhdr_len + tot);
	if (!b)
		return 0;
	memcpy(b, q->head.lhdr, q->head.lhdr_len);
	ip = b + q->head.lhdr_len;
	memcpy(ip, q->iph, q->ihl);
	memcpy(ip + q->ihl, q->data, q->len);
	ip[1] |= ecn;
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	/* IP_DF only when every fragment as large as the largest had it */
	ip[6] = q->max_df_size == q->max_size ? 0x40 : 0;
	ip[7] = 0;
	ip[10] = ip[11] = 0;	/* ip_send_check() */
	for (uint32_t i = 0; i < q->ihl; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ip[10] = (uint8_t)(~sum >> 8);
	ip[11] = (uint8_t)~sum;
	*out = (struct tpsim_packet){ .sz = sizeof(*out), .data = b,
				      .len = q->head.lhdr_len + tot,
				      .flags = q->head.flags,
				      .vlan_tci = q->head.vlan_tci,
				      .vlan_tpid = q->head.vlan_tpid,
				      .pkttype = q->head.pkttype,
				      .protocol = q->head.protocol,
				      .mark = q->head.mark,
				      .queue_mapping = q->head.queue_mapping };
	*buf = b;
	return 1;
}

static struct ipq *find(struct tpsim_net *n, const uint8_t *ip)
{
	struct tpsim_defrag *df = n->defrag;
	uint16_t id = (uint16_t)(ip[4] << 8 | ip[5]);
	struct ipq *q;

	if (!df) {
		df = n->defrag = calloc(1, sizeof(*df));
		if (!df)
			return NULL;
	}
	for (q = df->queues; q; q = q->next)
		if (q->id == id && q->protocol == ip[9] &&
		    !memcmp(q->saddr, ip + 12, 4) &&
		    !memcmp(q->daddr, ip + 16, 4))
			return q;
	if (df->nqueues >= TPSIM_DEFRAG_QUEUES) {
		struct ipq *oldest = df->queues;

		while (oldest->next)	/* new queues go first */
			oldest = oldest->next;
		ipq_free(df, oldest);
	}
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->id = id;
	q->protocol = ip[9];
	memcpy(q->saddr, ip + 12, 4);
	memcpy(q->daddr, ip + 16, 4);
	q->next = df->queues;
	df->queues = q;
	df->nqueues++;
	return q;
}

/* ip_frag_queue() of one fragment: 1 kept or dropped, 2 completed */
static int queue(struct tpsim_net *n, const struct head *h,
		 const uint8_t *ip, struct tpsim_packet *out, uint8_t **buf)
{
	uint32_t ihl = (ip[0] & 15u) * 4, tot = (uint32_t)(ip[2] << 8 | ip[3]);
	uint16_t fo = (uint16_t)(ip[6] << 8 | ip[7]);
	uint32_t off = (fo & 0x1fffu) << 3, end = off + tot - ihl;
	bool more = fo & 0x2000;
	struct ipq *q = find(n, ip);
	int done;

	if (!q)
		return 1;
	if (!more) {
		/* the last: nothing queued beyond it, one end only */
		if (end < q->len || (q->last_in && end != q->len))
			goto drop_queue;
		q->last_in = true;
		q->len = end;
	} else {
		end &= ~7u;
		if (end > q->len) {
			if (q->last_in)
				goto drop_queue;
			q->len = end;
		}
	}
	if (end == off)
		goto drop_queue;
	switch (insert(q, off, end)) {
	case FRAG_DUP:
	case FRAG_NOMEM:
		return 1;
	case FRAG_OVERLAP:
		goto drop_queue;
	}
	/* past 64 KiB the datagram can only fail (ip_frag_reasm's
	 * oversize check); its bytes are not kept */
	if (end <= IP_MAXLEN)
		memcpy(q->data + off, ip + ihl, end - off);
	q->meat += end - off;
	q->ecn |= (uint8_t)(1u << (ip[1] & 3));
	if (end - off + ihl > q->max_size)
		q->max_size = end - off + ihl;
	if ((fo & 0x4000) && end - off + ihl > q->max_df_size)
		q->max_df_size = end - off + ihl;
	if (!off) {
		q->first_in = true;
		q->head = *h;
		memcpy(q->iph, ip, ihl);
		q->ihl = ihl;
	}
	if (!q->first_in || !q->last_in || q->meat != q->len)
		return 1;
	done = reasm(q, out, buf) ? 2 : 1;
	ipq_free(n->defrag, q);
	return done;
drop_queue:
	ipq_free(n->defrag, q);	/* inet_frag_kill() */
	return 1;
}

int tpsim__defrag(struct tpsim_net *n, const struct tpsim_dev *d,
		  const struct tpsim_packet *p, struct tpsim_packet *out,
		  uint8_t **buf)
{
	const uint8_t *b = p->data, *ip;
	uint32_t avail, ihl, tot;
	bool sent = (p->flags & TPSIM_PKT_PKTTYPE) &&
		    p->pkttype == PACKET_OUTGOING;
	struct head h = {
		.lhdr_len = d->hard_header_len,
		.flags = p->flags & (TPSIM_PKT_VLAN | TPSIM_PKT_PKTTYPE |
				     TPSIM_PKT_PROTOCOL),
		.vlan_tci = p->vlan_tci,
		.vlan_tpid = p->vlan_tpid,
		.protocol = p->protocol,
		.pkttype = p->pkttype,
		/* skb_morph() keeps the first fragment's; the hash is
		 * cleared (skb_clear_hash) */
		.mark = PKT_HAS(p, mark) ? p->mark : 0,
		.queue_mapping = PKT_HAS(p, queue_mapping) ? p->queue_mapping
							   : 0,
	};
	uint16_t type;

	if (p->len < d->hard_header_len)	/* no frame a tap sees */
		return 0;
	ip = b + d->hard_header_len;
	avail = p->len - d->hard_header_len;
	if (d->hard_header_len) {
		type = (uint16_t)(b[12] << 8 | b[13]);
		memcpy(h.lhdr, b, ETH_HLEN);
		/* skb_vlan_untag() before the taps (a sent frame keeps its
		 * tag in the data, and the tag's protocol) */
		if (!sent && !(p->flags & TPSIM_PKT_VLAN) &&
		    (type == ETH_P_8021Q || type == ETH_P_8021AD) &&
		    avail >= 6) {
			h.flags |= TPSIM_PKT_VLAN;
			h.vlan_tci = (uint16_t)(ip[0] << 8 | ip[1]);
			h.vlan_tpid = type;
			type = (uint16_t)(ip[2] << 8 | ip[3]);
			h.lhdr[12] = ip[2];
			h.lhdr[13] = ip[3];
			ip += 4;
			avail -= 4;
		}
		if (sent && (p->flags & TPSIM_PKT_PROTOCOL))
			type = ntohs(p->protocol);
	} else if (p->flags & TPSIM_PKT_PROTOCOL) {
		type = ntohs(p->protocol);
	} else {
		type = avail && (b[0] >> 4) == 4 ? ETH_P_IP : 0;
	}
	/* ip_check_defrag(): an IPv4 header, whole, of a fragment */
	if (type != ETH_P_IP || avail < 20)
		return 0;
	ihl = (ip[0] & 15u) * 4;
	tot = (uint32_t)(ip[2] << 8 | ip[3]);
	if (ihl < 20 || (ip[0] >> 4) != 4 || avail < tot || tot < ihl ||
	    !((ip[6] & 0x3f) | ip[7]))
		return 0;
	return queue(n, &h, ip, out, buf);
}
