// SPDX-License-Identifier: MIT
/*
 * The TX ring (tpacket_snd, tpacket_destruct_skb): send() walks the frames
 * the user marked SEND_REQUEST, in order from the TX head, checks each one,
 * and puts it on the wire (T1-T3). The wire is a queue the caller reads.
 *
 * Unlike RX, TX has to read the user's header: tp_len, and with
 * PACKET_TX_HAS_OFF tp_mac/tp_net. Each is read once, checked against the
 * frame and the device before use, and the bytes are copied out at once,
 * so a consumer rewriting a frame cannot make the producer read outside
 * it. (The kernel sends from the ring pages themselves, zero-copy: a frame
 * changed while SENDING goes out changed there.)
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <net/if_arp.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "internal.h"

#define VLAN_HLEN 4u

/* A frame's user header, read once. */
struct tx_hdr {
	int64_t tp_len;		/* signed: the kernel keeps it in an int */
	uint32_t copylen;	/* virtio-net hdr_len: bytes copied, not paged */
	uint32_t mac, net;
	uint32_t next_offset;	/* V3 only */
};

static void read_hdr(const struct tpsim_sock *s, const char *ph,
		     struct tx_hdr *t)
{
	switch (s->version) {
	case TPACKET_V1: {
		const struct tpacket_hdr *h = (const void *)ph;

		t->tp_len = (int32_t)TPSIM_READ_ONCE(&h->tp_len);
		t->mac = TPSIM_READ_ONCE(&h->tp_mac);
		t->net = TPSIM_READ_ONCE(&h->tp_net);
		t->next_offset = 0;
		break;
	}
	case TPACKET_V2: {
		const struct tpacket2_hdr *h = (const void *)ph;

		t->tp_len = (int32_t)TPSIM_READ_ONCE(&h->tp_len);
		t->mac = TPSIM_READ_ONCE(&h->tp_mac);
		t->net = TPSIM_READ_ONCE(&h->tp_net);
		t->next_offset = 0;
		break;
	}
	default: {
		const struct tpacket3_hdr *h = (const void *)ph;

		t->tp_len = (int32_t)TPSIM_READ_ONCE(&h->tp_len);
		t->mac = TPSIM_READ_ONCE(&h->tp_mac);
		t->net = TPSIM_READ_ONCE(&h->tp_net);
		t->next_offset = TPSIM_READ_ONCE(&h->tp_next_offset);
		break;
	}
	}
}

/* tpacket_parse_header(): the data offset, or a negative errno. */
static int64_t parse_hdr(struct tpsim_sock *s, const struct tx_hdr *t,
			 int64_t size_max)
{
	int64_t off_min = s->hdrlen - sizeof(struct sockaddr_ll), off_max, off;

	if (s->version == TPACKET_V3 && t->next_offset) {
		tpsim__detail(s, "T2: V3 TX frame with tp_next_offset %u: "
				 "variable-sized slots do not exist",
			      t->next_offset);
		return -EINVAL;
	}
	if (t->tp_len > size_max) {
		tpsim__detail(s, "T2: tp_len %lld exceeds %lld (frame or MTU)",
			      (long long)t->tp_len, (long long)size_max);
		return -EMSGSIZE;
	}
	if (!s->tx_has_off)
		return off_min;
	off_max = (int64_t)s->tx.frame_size - t->tp_len;
	off = s->type == SOCK_DGRAM ? t->net : t->mac;
	if (off < off_min || off > off_max) {
		tpsim__detail(s, "T2: PACKET_TX_HAS_OFF offset %lld outside "
				 "[%lld, %lld]", (long long)off,
			      (long long)off_min, (long long)off_max);
		return -EINVAL;
	}
	return off;
}

static struct tpsim_skb *wire_skb(uint32_t len)
{
	struct tpsim_skb *skb = malloc(sizeof(*skb) + len);

	if (skb) {
		memset(skb, 0, sizeof(*skb));
		skb->len = len;
		skb->truesize = len + TPSIM_SKB_OVERHEAD;
	}
	return skb;
}

/*
 * O10, tpacket_snd() with a virtio-net header: the vnet_hdr_sz bytes at
 * the data offset are the header, read once; tp_len loses them. As
 * __packet_snd_vnet_parse, a checksum to fill past hdr_len raises
 * hdr_len (in a copy: 6.18 leaves the frame's alone), and hdr_len past
 * the data is EINVAL. Returns the offset of the frame's
 * bytes, or a negative errno. GSO is not simulated: a header asking for
 * it is EINVAL (the kernel would segment the frame).
 */
static int64_t vnet_parse(struct tpsim_sock *s, const char *ph, int64_t off,
			  struct tx_hdr *t)
{
	uint8_t h[10];
	uint32_t hdr_len, start, coff;

	t->tp_len -= s->vnet_hdr_sz;
	if (t->tp_len < 0) {
		tpsim__detail(s, "T2: tp_len shorter than the %u-byte "
				 "virtio-net header", s->vnet_hdr_sz);
		return -EINVAL;
	}
	memcpy(h, ph + off, sizeof(h));
	hdr_len = (uint32_t)(h[2] | h[3] << 8);
	start = (uint32_t)(h[6] | h[7] << 8);
	coff = (uint32_t)(h[8] | h[9] << 8);
	if ((h[0] & 1) && start + coff + 2 > hdr_len)
		hdr_len = start + coff + 2;	/* the frame keeps its own */
	if (hdr_len > t->tp_len) {
		tpsim__detail(s, "T2: virtio-net hdr_len %u is past the %lld "
				 "bytes of data", hdr_len, (long long)t->tp_len);
		return -EINVAL;
	}
	if (h[1]) {
		tpsim__detail(s, "T2: virtio-net gso_type %u: GSO is not "
				 "simulated", h[1]);
		return -EINVAL;
	}
	t->copylen = hdr_len;
	/* virtio_net_hdr_to_skb(): the transport header at least an IPv4
	 * header's length into the frame (not on 6.1) */
	if ((h[0] & 1) && start < s->prof->vnet_min_csum_start) {
		tpsim__detail(s, "T2: virtio-net csum_start %u is below %u",
			      start, s->prof->vnet_min_csum_start);
		return -EINVAL;
	}
	return off + s->vnet_hdr_sz;
}

/*
 * tpacket_fill_skb() and the device checks after it: the frame as it
 * goes on the wire, or a negative errno.
 */
static int build(struct tpsim_sock *s, const char *data, int64_t tp_len,
		 const uint8_t *daddr, uint16_t proto, struct tpsim_skb **out)
{
	uint32_t hh = s->hard_header_len, reserve = 0, hlen = 0;
	struct tpsim_skb *skb;
	uint16_t type;

	if (tp_len < 0) {
		tpsim__detail(s, "T2: negative tp_len %lld",
			      (long long)tp_len);
		return -EINVAL;
	}
	if (s->type == SOCK_RAW) {
		reserve = hh;
		if (hh && tp_len < hh) {
			tpsim__detail(s, "T2: tp_len %lld is shorter than the "
					 "%u-byte link header",
				      (long long)tp_len, hh);
			return -EINVAL;
		}
	} else if (hh) {
		if (!daddr) {
			tpsim__detail(s, "T2: SOCK_DGRAM send needs a "
					 "destination address");
			return -EINVAL;
		}
		hlen = hh;
	}
	skb = wire_skb(hlen + (uint32_t)tp_len);
	if (!skb)
		return -ENOMEM;
	if (hlen) {
		memcpy(skb->data, daddr, ETH_ALEN);
		memcpy(skb->data + ETH_ALEN, s->addr, ETH_ALEN);
		/* eth_header(): the 802.3 pseudo types become a length */
		type = ntohs(proto) == ETH_P_802_3 || ntohs(proto) == ETH_P_802_2
			       ? htons((uint16_t)tp_len)
			       : proto;
		memcpy(skb->data + 12, &type, 2);
	}
	memcpy(skb->data + hlen, data, (size_t)tp_len);
	/* 4 more bytes of MTU for a VLAN-tagged Ethernet frame; none of it
	 * with a virtio-net header (GSO) */
	if (tp_len > (int64_t)s->mtu + reserve && !s->vnet_hdr_sz &&
	    !(s->hatype == ARPHRD_ETHER && skb->len >= ETH_HLEN &&
	      skb->data[12] == 0x81 && skb->data[13] == 0x00)) {
		tpsim__detail(s, "T2: tp_len %lld exceeds MTU %u + %u",
			      (long long)tp_len, s->mtu, reserve);
		free(skb);
		return -EMSGSIZE;
	}
	*out = skb;
	return 0;
}

/*
 * tpacket_snd(): what a TX ring frame's skb charges SO_SNDBUF. The head
 * is LL_RESERVED_SPACE(dev) + a sockaddr_ll + what the virtio-net header
 * asks to copy past the link header (sock_alloc_send_skb), from the small
 * head cache or kmalloc as any skb's; the rest of the frame stays in the
 * ring as page fragments counted byte for byte (tpacket_fill_skb; SOCK_RAW
 * copies the link header or hdr_len into the head). 2332 bytes for a
 * 1514-byte frame on 6.18: two fill SO_SNDBUF's 4608 (tx.held_sndbuf_full).
 */
static uint32_t tx_truesize(const struct tpsim_sock *s, const struct tx_hdr *t)
{
	uint32_t hh = s->hard_header_len;
	uint32_t copylen = t->copylen > hh ? t->copylen : hh;
	int64_t frags = t->tp_len;

	/* SOCK_RAW: build() and vnet_parse() saw to copylen <= tp_len */
	if (s->type != SOCK_DGRAM)
		frags -= copylen;
	return tpsim__skb_truesize(s, (hh & ~15u) + 16 +
					      sizeof(struct sockaddr_ll) +
					      (copylen - hh)) +
	       (uint32_t)frags;
}

static void wire_push(struct tpsim_sock *s, struct tpsim_skb *skb)
{
	if (s->wq_tail)
		s->wq_tail->next = skb;
	else
		s->wq_head = skb;
	s->wq_tail = skb;
	s->wire_len++;
	s->wire_st.packets++;
	s->wire_st.bytes += skb->len;
	/* the device's taps see it, unless PACKET_QDISC_BYPASS sends it
	 * past them (packet_direct_xmit) */
	if (s->net && !s->qdisc_bypass)
		tpsim__nit_note(s, skb);
	pthread_cond_broadcast(&s->tx_cond);
}

/* tpacket_destruct_skb(): the frame is the user's again */
static void complete(struct tpsim_sock *s, uint32_t frame, uint32_t truesize)
{
	if (s->tx.live && frame < s->tx.frame_nr)
		tpsim_frame_set_status(tpsim__frame(&s->tx, frame), s->version,
				       TP_STATUS_AVAILABLE);
	s->tx_pending--;
	s->wmem_alloc -= truesize;
	pthread_cond_broadcast(&s->tx_cond);
	tpsim__wake_publish(s);
}

static int wait_tx(struct tpsim_sock *s, const struct timespec *deadline)
{
	int rc;

	if (!deadline)
		return pthread_cond_wait(&s->tx_cond, &s->lock);
	rc = pthread_cond_timedwait(&s->tx_cond, &s->lock, deadline);
	return rc == ETIMEDOUT ? -ETIMEDOUT : 0;
}

/* The destination of a send: the socket's own protocol, or to's
 * protocol and (SOCK_DGRAM) address on the socket's device. */
static int tx_dest(struct tpsim_sock *s, const struct sockaddr_ll *to,
		   const uint8_t **daddr, uint16_t *proto)
{
	*daddr = NULL;
	*proto = s->protocol == TPSIM_PROTO_NONE ? 0 : s->protocol;
	if (!to)
		return 0;
	if (to->sll_ifindex != s->ifindex) {
		tpsim__detail(s, "T1: no device with ifindex %d",
			      to->sll_ifindex);
		return -ENXIO;
	}
	*proto = to->sll_protocol;
	if (s->type == SOCK_DGRAM)
		*daddr = to->sll_addr;
	return 0;
}

/* One send() over the TX ring, under the socket lock. */
static ssize_t snd(struct tpsim_sock *s, const struct sockaddr_ll *to,
		   bool need_wait, const struct timespec *deadline, int hold)
{
	struct tpsim_ring *r = &s->tx;
	uint32_t reserve = s->type == SOCK_RAW ? s->hard_header_len : 0;
	int64_t size_max = (int64_t)r->frame_size -
			   (s->hdrlen - sizeof(struct sockaddr_ll));
	const uint8_t *daddr;
	uint16_t proto;
	int64_t len_sum = 0;
	int err;

	err = tx_dest(s, to, &daddr, &proto);
	if (err)
		return err;
	/* with a virtio-net header the frame may be a GSO one: no MTU */
	if (size_max > (int64_t)s->mtu + reserve + VLAN_HLEN &&
	    !s->vnet_hdr_sz)
		size_max = (int64_t)s->mtu + reserve + VLAN_HLEN;

	for (;;) {
		char *ph = tpsim__frame(r, r->head);
		struct tpsim_skb *skb = NULL;
		struct tx_hdr t;
		int64_t off;

		if (tpsim_frame_status(ph, s->version) !=
		    TP_STATUS_SEND_REQUEST) {
			/* T3: a blocking send waits for its frames */
			if (!need_wait || !s->tx_pending)
				break;
			err = wait_tx(s, deadline);
			if (err)
				return err;
			if (!r->live)
				return -ENXIO;
			continue;
		}
		read_hdr(s, ph, &t);
		t.copylen = 0;
		off = parse_hdr(s, &t, size_max);
		if (off >= 0 && s->vnet_hdr_sz)
			off = vnet_parse(s, ph, off, &t);
		err = off < 0 ? (int)off
			      : build(s, ph + off, t.tp_len, daddr, proto, &skb);
		if (err) {
			if (s->loss) {
				/* T2: skipped, the frame is the user's */
				tpsim_frame_set_status(ph, s->version,
						       TP_STATUS_AVAILABLE);
				r->head = r->head + 1 == r->frame_nr ? 0
								     : r->head + 1;
				continue;
			}
			tpsim_frame_set_status(ph, s->version,
					       TP_STATUS_WRONG_FORMAT);
			return err;
		}
		/* sock_alloc_send_skb(): the send buffer must have room */
		while (s->wmem_alloc >= s->sndbuf) {
			if (!need_wait || wait_tx(s, deadline)) {
				free(skb);
				return len_sum ? len_sum : -EAGAIN;
			}
		}
		skb->truesize = tx_truesize(s, &t);
		tpsim_frame_set_status(ph, s->version, TP_STATUS_SENDING);
		if (hold) {
			/* the device's qdisc keeps it (dev_queue_xmit()
			 * enqueues, nothing dequeues): SENDING, charged to
			 * the send buffer, not yet on the wire nor seen by
			 * the taps (dev_queue_xmit_nit() runs at dequeue) */
			skb->frame = r->head;
			skb->held = true;
			skb->ifindex = hold;
			s->tx_pending++;
			s->wmem_alloc += skb->truesize;
			if (s->qd_tail)
				s->qd_tail->next = skb;
			else
				s->qd_head = skb;
			s->qd_tail = skb;
		} else if (s->wire_mode == TPSIM_WIRE_HOLD) {
			skb->frame = r->head;
			skb->held = true;
			s->tx_pending++;
			s->wmem_alloc += skb->truesize;
			wire_push(s, skb);
		} else {
			/* a TAP device orphans the skb on queueing: the
			 * frame is done as soon as it is on the wire */
			if (s->wire_len < s->wire_limit) {
				wire_push(s, skb);
			} else {
				s->wire_st.drops++;
				free(skb);
			}
			tpsim_frame_set_status(ph, s->version,
					       TP_STATUS_AVAILABLE);
		}
		r->head = r->head + 1 == r->frame_nr ? 0 : r->head + 1;
		len_sum += t.tp_len;
	}
	return len_sum;
}

/*
 * packet_snd(): send() of len bytes of data on a socket without a TX ring,
 * one frame, under the socket lock. The kernel's order: the destination
 * (ENXIO), then the MTU with room for a VLAN tag (EMSGSIZE), then the
 * link header: SOCK_RAW data shorter than it (dev_validate_header) or
 * SOCK_DGRAM without a destination (dev_hard_header) is EINVAL, then the
 * exact MTU unless the frame is VLAN-tagged (build). The TAP device
 * orphans the skb at once, so the send buffer never fills. Returns len.
 */
static ssize_t snd_data(struct tpsim_sock *s, const void *buf, size_t len,
			const struct sockaddr_ll *to)
{
	uint32_t reserve = s->type == SOCK_RAW ? s->hard_header_len : 0;
	const uint8_t *daddr;
	struct tpsim_skb *skb;
	uint16_t proto;
	int err;

	err = tx_dest(s, to, &daddr, &proto);
	if (err)
		return err;
	if (len && s->vnet_hdr_sz) {
		tpsim__detail(s, "T1: a send of data with PACKET_VNET_HDR and "
				 "no TX ring is not simulated");
		return -EOPNOTSUPP;
	}
	if (len > (size_t)s->mtu + reserve + VLAN_HLEN) {
		tpsim__detail(s, "T1: no TX ring, and a send of %zu bytes "
				 "exceeds MTU %u + %u + %u (VLAN)",
			      len, s->mtu, reserve, VLAN_HLEN);
		return -EMSGSIZE;
	}
	if (s->type == SOCK_RAW && len < s->hard_header_len) {
		tpsim__detail(s, "T1: no TX ring, and a send of %zu bytes is "
				 "shorter than the %u-byte link header",
			      len, s->hard_header_len);
		return -EINVAL;
	}
	if (s->type == SOCK_DGRAM && s->hard_header_len && !daddr) {
		tpsim__detail(s, "T1: no TX ring, and a SOCK_DGRAM send needs "
				 "a destination address");
		return -EINVAL;
	}
	err = build(s, buf, (int64_t)len, daddr, proto, &skb);
	if (err)
		return err;
	if (s->wire_len < s->wire_limit) {
		wire_push(s, skb);
	} else {
		s->wire_st.drops++;
		free(skb);
	}
	return (ssize_t)len;
}

ssize_t tpsim_send(struct tpsim_sock *s, const struct sockaddr_ll *to,
		   int flags)
{
	struct timespec deadline;
	bool need_wait = !(flags & MSG_DONTWAIT);
	bool timed = false;
	ssize_t ret;
	int hold;

	if (!s || (flags & ~MSG_DONTWAIT))
		return -EINVAL;
	ret = tpsim__dev_xmit_check(s, to, &hold);
	if (ret)
		return ret;
	pthread_mutex_lock(&s->lock);
	s->detail[0] = '\0';
	if (!s->tx.live) {
		ret = snd_data(s, "", 0, to);
		pthread_mutex_unlock(&s->lock);
		tpsim__nit_flush(s, to);
		return ret;
	}
	if (need_wait && s->sndtimeo_ns) {
		tpsim__deadline(&deadline,
				s->sndtimeo_ns < 0 ? 0 : s->sndtimeo_ns);
		timed = true;
	}
	ret = snd(s, to, need_wait, timed ? &deadline : NULL, hold);
	pthread_mutex_unlock(&s->lock);
	tpsim__nit_flush(s, to);
	return ret;
}

ssize_t tpsim_send_data(struct tpsim_sock *s, const void *buf, size_t len,
			const struct sockaddr_ll *to, int flags)
{
	ssize_t ret;
	int hold;	/* a send without a ring is not held */

	if (!s || (flags & ~MSG_DONTWAIT))
		return -EINVAL;
	if (!buf && len)
		return -EFAULT;
	pthread_mutex_lock(&s->lock);
	ret = s->tx.live;
	pthread_mutex_unlock(&s->lock);
	if (ret)	/* tpacket_snd: the ring's frames, not buf */
		return tpsim_send(s, to, flags);
	ret = tpsim__dev_xmit_check(s, to, &hold);
	if (ret)
		return ret;
	pthread_mutex_lock(&s->lock);
	s->detail[0] = '\0';
	ret = snd_data(s, buf, len, to);
	pthread_mutex_unlock(&s->lock);
	tpsim__nit_flush(s, to);
	return ret;
}

ssize_t tpsim_wire_recv(struct tpsim_sock *s, void *buf, size_t len,
			int flags)
{
	struct tpsim_skb *skb;
	size_t copied;
	ssize_t ret;

	if (!s || (flags & ~(MSG_DONTWAIT | MSG_TRUNC)))
		return -EINVAL;
	if (!buf && len)
		return -EFAULT;
	pthread_mutex_lock(&s->lock);
	while (!(skb = s->wq_head)) {
		if (flags & MSG_DONTWAIT) {
			pthread_mutex_unlock(&s->lock);
			return -EAGAIN;
		}
		pthread_cond_wait(&s->tx_cond, &s->lock);
	}
	s->wq_head = skb->next;
	if (!s->wq_head)
		s->wq_tail = NULL;
	s->wire_len--;
	copied = skb->len < len ? skb->len : len;
	if (copied)
		memcpy(buf, skb->data, copied);
	ret = (flags & MSG_TRUNC) ? (ssize_t)skb->len : (ssize_t)copied;
	if (skb->held)
		complete(s, skb->frame, skb->truesize);
	pthread_mutex_unlock(&s->lock);
	free(skb);
	return ret;
}

int tpsim_wire_stats_get(struct tpsim_sock *s, struct tpsim_wire_stats *st)
{
	if (!s || !st)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	*st = s->wire_st;
	st->queued = s->wire_len;
	st->sending = s->tx_pending;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

void tpsim__qdisc_release(struct tpsim_sock *s, int ifindex)
{
	struct tpsim_skb **pp = &s->qd_head, *skb;

	s->qd_tail = NULL;
	while ((skb = *pp)) {
		if (skb->ifindex != ifindex) {
			s->qd_tail = skb;
			pp = &skb->next;
			continue;
		}
		*pp = skb->next;
		complete(s, skb->frame, skb->truesize);
		free(skb);
	}
}

void tpsim__wire_purge(struct tpsim_sock *s)
{
	struct tpsim_skb *skb;

	while ((skb = s->wq_head)) {
		s->wq_head = skb->next;
		free(skb);
	}
	s->wq_tail = NULL;
	while ((skb = s->qd_head)) {
		s->qd_head = skb->next;
		free(skb);
	}
	s->qd_tail = NULL;
	s->wire_len = 0;
	s->tx_pending = 0;
	s->wmem_alloc = 0;
}

int tpsim__pollout_locked(struct tpsim_sock *s)
{
	/* P2: datagram_poll() says writable while less than half the send
	 * buffer is in flight; a TX ring adds its current frame */
	if (s->wmem_alloc < s->sndbuf / 2)
		return 1;
	return s->tx.live &&
	       tpsim_frame_status(tpsim__frame(&s->tx, s->tx.head),
				  s->version) == TP_STATUS_AVAILABLE;
}
