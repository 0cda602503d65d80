// SPDX-License-Identifier: MIT
/*
 * PACKET_FANOUT groups (fanout_add, fanout_release, packet_rcv_fanout):
 * joining with the int or struct fanout_args form and every rule of
 * 6.18, the members' array (join order; a member whose link goes down
 * leaves it and comes back at its end), getsockopt PACKET_FANOUT and
 * PACKET_ROLLOVER_STATS, and the choice of one member per frame.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <stdlib.h>
#include <string.h>

#include "bpf.h"
#include "internal.h"

#ifndef PACKET_FANOUT_FLAG_IGNORE_OUTGOING	/* uapi headers before 6.2 */
#define PACKET_FANOUT_FLAG_IGNORE_OUTGOING 0x4000
#endif
#define FANOUT_MAX (1u << 16)		/* PACKET_FANOUT_MAX */
#define FANOUT_LEGACY_MAX 256u		/* max_num_members 0 */
/* history of rxhashes: L1_CACHE_BYTES / sizeof(u32), 64-byte lines on
 * x86-64 and arm64 */
#define ROLLOVER_HLEN 16u
#define FLAG(f) ((f) >> 8)		/* PACKET_FANOUT_FLAG_x in f->flags */

enum { ROOM_NONE, ROOM_LOW, ROOM_NORMAL };

struct tpsim_fanout {
	struct tpsim_fanout *next;
	uint16_t id;
	uint8_t type, flags;
	uint32_t max_num_members;
	uint16_t protocol;		/* the first member's (network order) */
	int ifindex;			/* its device, 0 every device */
	unsigned int refs;		/* members, linked or not */
	unsigned int num, cap;		/* linked members in arr */
	struct tpsim_sock **arr;
	uint32_t rr_cur;		/* PACKET_FANOUT_LB */
	struct tpsim_bpf_prog *prog;	/* PACKET_FANOUT_CBPF's, or none */
	uint32_t bpf_rnd;		/* its SKF_AD_RANDOM state */
	bool ignore_outgoing;		/* the flag, where the kernel has it */
};

struct tpsim_rollover {
	unsigned int sock;		/* where the last search succeeded */
	uint64_t num, num_huge, num_failed;
	uint32_t history[ROLLOVER_HLEN];
	uint32_t victim;		/* our stand-in for the random slot */
};

struct tpsim_fanout *tpsim__fanout_next(const struct tpsim_fanout *f)
{
	return f->next;
}

bool tpsim__fanout_defrags(const struct tpsim_fanout *f)
{
	return f->flags & FLAG(PACKET_FANOUT_FLAG_DEFRAG);
}

bool tpsim__fanout_skips_outgoing(const struct tpsim_fanout *f,
				  const struct tpsim_sock *sender)
{
	/* match_fanout_group(): a group never sees what its member sent */
	return f->ignore_outgoing || sender->fanout == f ||
	       f->protocol != htons(ETH_P_ALL);
}

/* The group's place among the taps (__netif_receive_skb_core): 0 every
 * protocol on every device (ptype_all), 1 every protocol on its device
 * (dev->ptype_all), 2 one protocol on every device (ptype_base), 3 one
 * protocol on its device (ptype_specific). */
unsigned int tpsim__fanout_rank(const struct tpsim_fanout *f)
{
	return (f->protocol != htons(ETH_P_ALL)) * 2u + (f->ifindex != 0);
}

/* dev_add_pack(): a group's hook goes to the head of its list when its
 * first member is linked, so a group whose members all came back after
 * the link went down is seen before the others */
static void to_head(struct tpsim_fanout *f, struct tpsim_net *n)
{
	for (struct tpsim_fanout **pp = &n->groups; *pp; pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	}
	f->next = n->groups;
	n->groups = f;
}

/* __fanout_link(): appended, so the array is in join order */
void tpsim__fanout_link(struct tpsim_sock *s)
{
	struct tpsim_fanout *f = s->fanout;

	if (f->num == f->cap) {
		unsigned int cap = f->cap ? f->cap * 2 : 4;
		struct tpsim_sock **a = realloc(f->arr, cap * sizeof(*a));

		if (!a)
			return;	/* left out of the array, as if down */
		f->arr = a;
		f->cap = cap;
	}
	f->arr[f->num++] = s;
	if (f->num == 1)
		to_head(f, s->net);
}

/* __fanout_unlink(): the last member takes the leaver's place */
void tpsim__fanout_unlink(struct tpsim_sock *s)
{
	struct tpsim_fanout *f = s->fanout;

	for (unsigned int i = 0; i < f->num; i++) {
		if (f->arr[i] == s) {
			f->arr[i] = f->arr[--f->num];
			return;
		}
	}
}

/* fanout_release() */
void tpsim__fanout_release(struct tpsim_sock *s)
{
	struct tpsim_fanout *f = s->fanout;

	free(s->rollover);
	s->rollover = NULL;
	if (!f)
		return;
	tpsim__fanout_unlink(s);
	s->fanout = NULL;
	if (--f->refs)
		return;
	for (struct tpsim_fanout **pp = &s->net->groups; *pp;
	     pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	}
	free(f->prog);
	free(f->arr);
	free(f);
}

static struct tpsim_fanout *find(struct tpsim_net *n, uint16_t id)
{
	for (struct tpsim_fanout *f = n->groups; f; f = f->next)
		if (f->id == id)
			return f;
	return NULL;
}

/* fanout_find_new_id(); the kernel's counter is global to the host, this
 * one is the net's, so the ids differ from a real run's */
static bool new_id(struct tpsim_net *n, uint16_t *id)
{
	uint16_t i = n->next_id;

	do {
		if (!find(n, i)) {
			*id = i;
			n->next_id = (uint16_t)(i + 1);
			return true;
		}
		i++;
	} while (i != n->next_id);
	return false;
}

static int join(struct tpsim_sock *s, uint16_t id, uint16_t type_flags,
		uint32_t max)
{
	struct tpsim_net *n = s->net;
	unsigned int type = type_flags & 0xff, flags = type_flags >> 8;
	struct tpsim_fanout *f;
	bool rollover;

	switch (type) {
	case PACKET_FANOUT_ROLLOVER:
		if (flags & FLAG(PACKET_FANOUT_FLAG_ROLLOVER)) {
			tpsim__detail(s, "N5: mode ROLLOVER with the ROLLOVER "
					 "flag");
			return -EINVAL;
		}
		break;
	case PACKET_FANOUT_HASH:
	case PACKET_FANOUT_LB:
	case PACKET_FANOUT_CPU:
	case PACKET_FANOUT_RND:
	case PACKET_FANOUT_QM:
	case PACKET_FANOUT_CBPF:
	case PACKET_FANOUT_EBPF:
		break;
	default:
		tpsim__detail(s, "N5: fanout mode %u does not exist", type);
		return -EINVAL;
	}
	if (s->fanout) {
		tpsim__detail(s, "N6: already in fanout group %u",
			      s->fanout->id);
		return -EALREADY;
	}
	rollover = type == PACKET_FANOUT_ROLLOVER ||
		   (flags & FLAG(PACKET_FANOUT_FLAG_ROLLOVER));
	if (flags & FLAG(PACKET_FANOUT_FLAG_UNIQUEID)) {
		if (id) {
			tpsim__detail(s, "N7: UNIQUEID with id %u, not 0", id);
			return -EINVAL;
		}
		if (!new_id(n, &id))
			return -ENOMEM;
		/* only the first member asks for it */
		flags &= ~FLAG(PACKET_FANOUT_FLAG_UNIQUEID);
	}
	f = find(n, id);
	if (f) {
		if (f->flags != flags || (max && max != f->max_num_members)) {
			tpsim__detail(s, "N8: group %u has flags %#x and %u "
					 "members at most, asked %#x and %u",
				      id, f->flags, f->max_num_members, flags,
				      max);
			return -EINVAL;
		}
	} else {
		if (max > FANOUT_MAX) {
			tpsim__detail(s, "N8: max_num_members %u > %u", max,
				      FANOUT_MAX);
			return -EINVAL;
		}
		f = calloc(1, sizeof(*f));
		if (!f)
			return -ENOMEM;
		f->id = id;
		f->type = (uint8_t)type;
		f->flags = (uint8_t)flags;
		f->max_num_members = max ? max : FANOUT_LEGACY_MAX;
		f->protocol = s->protocol;
		f->ifindex = s->bound_ifindex;
		f->bpf_rnd = 0x2545f491u ^ id;
		f->ignore_outgoing =
			(flags & FLAG(PACKET_FANOUT_FLAG_IGNORE_OUTGOING)) &&
			s->prof->fanout_ignore_outgoing;
		f->next = n->groups;
		n->groups = f;
	}
	/* 6.13 on: a socket with a protocol joins even while its link is
	 * down (it enters the array when the link comes up) */
	if (s->protocol == TPSIM_PROTO_NONE || f->type != type ||
	    f->protocol != s->protocol || f->ifindex != s->bound_ifindex) {
		tpsim__detail(s, "N8: group %u is mode %u, protocol %#x, "
				 "ifindex %d; the socket asks mode %u with "
				 "protocol %#x, ifindex %d",
			      id, f->type, f->protocol, f->ifindex, type,
			      s->protocol, s->bound_ifindex);
	} else if (f->refs >= f->max_num_members) {
		tpsim__detail(s, "N9: group %u is full (%u members)", id,
			      f->max_num_members);
		return -ENOSPC;	/* full: it has members */
	} else {
		if (rollover) {
			s->rollover = calloc(1, sizeof(*s->rollover));
			if (!s->rollover) {
				if (!f->refs)
					goto drop;
				return -ENOMEM;
			}
		}
		s->fanout = f;
		f->refs++;
		if (s->running)
			tpsim__fanout_link(s);
		return 0;
	}
	if (f->refs)
		return -EINVAL;
drop:
	n->groups = f->next;	/* just made: it is the first */
	free(f);
	return -EINVAL;
}

/* fanout_set_data(): by the group's mode; a new program replaces the
 * old one at once, frames after it see only the new one */
static int set_data(struct tpsim_sock *s, const void *optval,
		    socklen_t optlen)
{
	struct tpsim_bpf_prog *prog = NULL;
	struct tpsim_fanout *f;
	int err;

	pthread_mutex_lock(&s->net->lock);
	f = s->fanout;
	if (!f) {
		tpsim__detail(s, "N12: PACKET_FANOUT_DATA without a fanout "
				 "group");
		err = -EINVAL;
	} else if (f->type == PACKET_FANOUT_CBPF) {
		err = tpsim__fanout_cbpf_new(s, optval, optlen, &prog);
		if (!err) {
			free(f->prog);
			f->prog = prog;
		}
	} else if (f->type == PACKET_FANOUT_EBPF) {
		err = tpsim__fanout_ebpf_set(s, optval, optlen);
	} else {
		tpsim__detail(s, "N12: PACKET_FANOUT_DATA for group %u of mode "
				 "%u, not CBPF or EBPF", f->id, f->type);
		err = -EINVAL;
	}
	pthread_mutex_unlock(&s->net->lock);
	return err;
}

int tpsim__fanout_setsockopt(struct tpsim_sock *s, int optname,
			     const void *optval, socklen_t optlen)
{
	struct fanout_args a = { 0 };
	int err;

	if (optname == PACKET_FANOUT_DATA)
		return set_data(s, optval, optlen);
	if (optlen != sizeof(int) && optlen != sizeof(a)) {
		tpsim__detail(s, "N4: optlen %u is neither an int nor struct "
				 "fanout_args", (unsigned)optlen);
		return -EINVAL;
	}
	if (!optval)
		return -EFAULT;
	memcpy(&a, optval, optlen);
	pthread_mutex_lock(&s->net->lock);
	err = join(s, a.id, a.type_flags, a.max_num_members);
	pthread_mutex_unlock(&s->net->lock);
	return err;
}

int tpsim__fanout_getsockopt(struct tpsim_sock *s, int optname,
			     void *optval, int *len)
{
	struct tpacket_rollover_stats st;
	uint32_t val = 0;
	const void *data = &val;
	int lv = sizeof(val), err = 0;

	if (*len < 0)
		return -EINVAL;
	pthread_mutex_lock(&s->net->lock);
	if (optname == PACKET_FANOUT) {
		struct tpsim_fanout *f = s->fanout;

		if (f)
			val = f->id | (uint32_t)f->type << 16 |
			      (uint32_t)f->flags << 24;
	} else if (!s->rollover) {
		tpsim__detail(s, "N13: PACKET_ROLLOVER_STATS without "
				 "rollover");
		err = -EINVAL;
	} else {
		st.tp_all = s->rollover->num;
		st.tp_huge = s->rollover->num_huge;
		st.tp_failed = s->rollover->num_failed;
		data = &st;
		lv = sizeof(st);
	}
	pthread_mutex_unlock(&s->net->lock);
	if (err)
		return err;
	if (*len > lv)
		*len = lv;
	if (*len && !optval)
		return -EFAULT;
	if (*len)	/* optval may be NULL with length 0 */
		memcpy(optval, data, (size_t)*len);
	return 0;
}

/* __tpacket_has_room / __tpacket_v3_has_room: is the slot pow_off of
 * the ring ahead of the head free? Status words only. */
static bool ring_has_room(struct tpsim_sock *s, int pow_off)
{
	const struct tpsim_ring *r = &s->rx;
	uint32_t len, idx;

	if (s->version == TPACKET_V3) {
		len = r->block_nr;
		idx = r->v3.active + (pow_off ? len >> pow_off : 0);
		if (idx >= len)
			idx -= len;
		return tpsim_block_status(r->kbase + (size_t)idx *
							     r->block_size) ==
		       TP_STATUS_KERNEL;
	}
	len = r->frame_nr;
	idx = r->head + (pow_off ? len >> pow_off : 0);
	if (idx >= len)
		idx -= len;
	return tpsim_frame_status(tpsim__frame(r, idx), s->version) ==
	       TP_STATUS_KERNEL;
}

int tpsim__rcv_room_locked(struct tpsim_sock *s, uint32_t truesize)
{
	if (!s->rx.live) {
		int64_t avail = (int64_t)s->rcvbuf - s->rmem_alloc - truesize;

		if (avail > (int64_t)(s->rcvbuf >> 2))
			return ROOM_NORMAL;
		return avail > 0 ? ROOM_LOW : ROOM_NONE;
	}
	if (ring_has_room(s, 2))
		return ROOM_NORMAL;
	return ring_has_room(s, 0) ? ROOM_LOW : ROOM_NONE;
}

void tpsim__pressure_check_locked(struct tpsim_sock *s)
{
	if (atomic_load(&s->pressure) &&
	    tpsim__rcv_room_locked(s, 0) == ROOM_NORMAL)
		atomic_store(&s->pressure, false);
}

/* packet_rcv_has_room(): the room, and pressure set while it is short;
 * the frame counted at the truesize its copy would be charged (an
 * arriving one as a TAP's skb, an outgoing one as the sender's clone) */
static int has_room(struct tpsim_sock *s, const struct tpsim_packet *p)
{
	bool out = (p->flags & TPSIM_PKT_PKTTYPE) &&
		   p->pkttype == PACKET_OUTGOING;
	int room;

	pthread_mutex_lock(&s->lock);
	room = tpsim__rcv_room_locked(s, out ? tpsim__out_truesize(s, p->len)
					       : tpsim__truesize(s, p->len));
	pthread_mutex_unlock(&s->lock);
	atomic_store(&s->pressure, room != ROOM_NORMAL);
	return room;
}

/*
 * A flow hash of the frame's IPv4/IPv6 addresses, protocol and ports
 * (TCP, UDP, SCTP, UDP-Lite, DCCP; ESP's and AH's SPI; not for
 * fragments), one VLAN tag skipped. symmetric: both directions hash
 * alike, as __skb_get_hash_symmetric. The kernel keys its hash per boot, so only
 * which frames share a member can be compared with it, not which one.
 */
static uint32_t flow_hash(const struct tpsim_dev *d,
			  const struct tpsim_packet *p, bool symmetric)
{
	const uint8_t *b = p->data;
	uint32_t off = d->hard_header_len, alen = 0, l4 = 0, h = 0x9e3779b9u;
	uint16_t proto = tpsim__frame_proto(d, p), ports[2] = { 0, 0 };
	uint8_t ipproto = 0, a1[16], a2[16];

	if (off && p->len >= 18 && b[12] == 0x81 && b[13] == 0x00)
		off += 4;
	if (proto == htons(ETH_P_IP) && p->len >= off + 20) {
		uint32_t ihl = (b[off] & 15u) * 4;

		ipproto = b[off + 9];
		alen = 4;
		memcpy(a1, b + off + 12, 4);
		memcpy(a2, b + off + 16, 4);
		if (!((b[off + 6] & 0x3f) | b[off + 7]) && ihl >= 20)
			l4 = off + ihl;
	} else if (proto == htons(ETH_P_IPV6) && p->len >= off + 40) {
		ipproto = b[off + 6];
		alen = 16;
		memcpy(a1, b + off + 8, 16);
		memcpy(a2, b + off + 24, 16);
		l4 = off + 40;
	}
	/* no addresses: the EtherType alone names the flow, and not as 0:
	 * the kernel's hash never is (__flow_hash_from_keys), so an empty
	 * slot of the rollover history is no frame's (fanout_flow_is_huge);
	 * below 2^16, the first member of a HASH group, as 0 was */
	if (!alen)
		return 0x10000u | ntohs(proto);
	/* proto_ports_offset(): ESP's SPI stands for its ports, and AH's,
	 * 4 bytes into its header */
	if (l4 && p->len >= l4 + 4 &&
	    (ipproto == 6 || ipproto == 17 || ipproto == 132 ||
	     ipproto == 136 || ipproto == 33 || ipproto == 50))
		memcpy(ports, b + l4, 4);
	else if (l4 && p->len >= l4 + 8 && ipproto == 51)
		memcpy(ports, b + l4 + 4, 4);
	if (symmetric && (memcmp(a1, a2, alen) > 0 ||
			  (!memcmp(a1, a2, alen) && ports[0] > ports[1]))) {
		uint8_t t[16];
		uint16_t tp = ports[0];

		memcpy(t, a1, alen);
		memcpy(a1, a2, alen);
		memcpy(a2, t, alen);
		ports[0] = ports[1];
		ports[1] = tp;
	}
	/* FNV-1a over what names the flow */
	h = 2166136261u;
	for (uint32_t i = 0; i < alen; i++)
		h = (h ^ a1[i]) * 16777619u;
	for (uint32_t i = 0; i < alen; i++)
		h = (h ^ a2[i]) * 16777619u;
	h = (h ^ ipproto) * 16777619u;
	for (int i = 0; i < 2; i++) {
		h = (h ^ (ports[i] & 0xff)) * 16777619u;
		h = (h ^ (ports[i] >> 8)) * 16777619u;
	}
	/* a member is picked by the high bits (reciprocal_scale), which
	 * FNV-1a's last bytes barely reach: mixed as murmur3's fmix32 */
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

/* fanout_flow_is_huge(): the frame's flow holds over half the history;
 * the slot it overwrites is the kernel's random pick, ours a counter */
static bool flow_is_huge(struct tpsim_rollover *r, uint32_t rxhash)
{
	unsigned int count = 0;

	for (unsigned int i = 0; i < ROLLOVER_HLEN; i++)
		if (r->history[i] == rxhash)
			count++;
	r->history[r->victim++ % ROLLOVER_HLEN] = rxhash;
	return count > ROLLOVER_HLEN / 2;
}

/* fanout_demux_rollover() */
static unsigned int demux_rollover(struct tpsim_fanout *f,
				   const struct tpsim_dev *d,
				   const struct tpsim_packet *p,
				   unsigned int idx, bool try_self,
				   unsigned int num)
{
	struct tpsim_sock *po = f->arr[idx], *skip = NULL;
	unsigned int i, j;
	int room = ROOM_NONE;

	if (try_self) {
		uint32_t rxhash = p->flags & TPSIM_PKT_RXHASH
					  ? p->rxhash
					  : flow_hash(d, p, false);

		room = has_room(po, p);
		if (room == ROOM_NORMAL ||
		    (room == ROOM_LOW && !flow_is_huge(po->rollover, rxhash)))
			return idx;
		skip = po;
	}
	i = j = po->rollover->sock < num - 1 ? po->rollover->sock : num - 1;
	do {
		struct tpsim_sock *next = f->arr[i];

		if (next != skip && !atomic_load(&next->pressure) &&
		    has_room(next, p) == ROOM_NORMAL) {
			if (i != j)
				po->rollover->sock = i;
			po->rollover->num++;
			if (room == ROOM_LOW)
				po->rollover->num_huge++;
			return i;
		}
		if (++i == num)
			i = 0;
	} while (i != j);
	po->rollover->num_failed++;
	return idx;
}

bool tpsim__fanout_takes(const struct tpsim_fanout *f,
			 const struct tpsim_dev *d, uint16_t proto)
{
	return f->num && (!f->ifindex || f->ifindex == d->ifindex) &&
	       (f->protocol == htons(ETH_P_ALL) || f->protocol == proto);
}

/* packet_rcv_fanout(): the member that gets the frame */
struct tpsim_sock *tpsim__fanout_pick(struct tpsim_fanout *f,
				      const struct tpsim_packet *p,
				      const struct tpsim_dev *d,
				      unsigned int cpu, unsigned int queue)
{
	unsigned int num = f->num, idx;

	switch (f->type) {
	case PACKET_FANOUT_LB:
		idx = ++f->rr_cur % num;
		break;
	case PACKET_FANOUT_CPU:
		idx = cpu % num;
		break;
	case PACKET_FANOUT_QM:
		idx = queue % num;
		break;
	case PACKET_FANOUT_RND:
		d->net->rnd ^= d->net->rnd << 13;
		d->net->rnd ^= d->net->rnd >> 17;
		d->net->rnd ^= d->net->rnd << 5;
		idx = (unsigned int)(((uint64_t)d->net->rnd * num) >> 32);
		break;
	case PACKET_FANOUT_ROLLOVER:
		idx = demux_rollover(f, d, p, 0, false, num);
		break;
	case PACKET_FANOUT_CBPF:
	case PACKET_FANOUT_EBPF:
		/* fanout_demux_bpf(): without a program, the first member */
		idx = f->prog ? tpsim__fanout_run_bpf(
					f->prog, d, p,
					f->protocol == htons(ETH_P_ALL), cpu,
					&f->bpf_rnd) % num
			      : 0;
		break;
	default:	/* PACKET_FANOUT_HASH */
		idx = (unsigned int)(((uint64_t)flow_hash(d, p, true) * num) >>
				     32);
		break;
	}
	if (f->flags & FLAG(PACKET_FANOUT_FLAG_ROLLOVER))
		idx = demux_rollover(f, d, p, idx, true, num);
	return f->arr[idx];
}
