// SPDX-License-Identifier: MIT
/*
 * The socket receive queue: full copies of packets truncated in a ring
 * frame while PACKET_COPY_THRESH is set (R5), and every packet of a socket
 * without a ring. Bounded like sk_rcvbuf: a packet is queued while the
 * bytes charged are below the limit.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * What an skb of a frame of wire_len bytes costs the receive buffer
 * (skb->truesize) when it comes in through a TAP, as the kernel backend's
 * does: a head of SKB_DATA_ALIGN(len + NET_SKB_PAD) plus the 320-byte
 * skb_shared_info, from the 576-byte small-head cache or the next kmalloc
 * size (pages past 8 KiB), plus the 256-byte sk_buff. Measured on 6.18
 * with SO_MEMINFO: 832 up to 192 bytes, 1280 to 640, 2304 to 1664, 4352
 * to 3712, 8448 to 7808, 12544 to 9100 (a NIC driver's differ). Debian's
 * 6.12 has a 640-byte small head (896 up to 256 bytes); 6.1 has no
 * small-head cache: 1280 for a 142-byte frame.
 */
uint32_t tpsim__truesize(const struct tpsim_sock *s, uint32_t wire_len)
{
	return tpsim__skb_truesize(s, wire_len + 64ull);
}

/* The truesize of an skb from alloc_skb(size): the head and the
 * kmalloc or small-head-cache size it takes, as above */
uint32_t tpsim__skb_truesize(const struct tpsim_sock *s, uint64_t size)
{
	uint64_t head = ((size + 63) & ~63ull) + 320;

	if (s->prof->small_head_cache && head <= s->prof->small_head_size)
		head = s->prof->small_head_size;
	else if (head <= 512)	/* the smallest kmalloc size it can be */
		head = 512;
	else if (head <= 8192)
		head = 1ull << (64 - __builtin_clzll(head - 1));
	else
		head = (head + 4095) & ~4095ull;
	head += 256;
	return head > UINT32_MAX ? UINT32_MAX : (uint32_t)head;
}

/*
 * A sent frame's copy is a clone of the sender's skb: from a TX ring, a
 * head of 36 bytes (LL_RESERVED_SPACE, 16, and a sockaddr_ll) holding the
 * link header, and the rest of the frame as page fragments
 * (tpacket_fill_skb: truesize += them). The head's 36 bytes align to the
 * 64 of a 0-byte arrival's, so it takes that head's class: 832 + the
 * bytes past the link header on 6.18, 896 + them on Debian's 6.12 (its
 * 640-byte small head), 768 + them on 6.1 (kmalloc-512).
 */
uint32_t tpsim__out_truesize(const struct tpsim_sock *s, uint32_t wire_len)
{
	return tpsim__truesize(s, 0) + wire_len - s->hard_header_len;
}

int tpsim__rq_push(struct tpsim_sock *s, const void *a, uint32_t alen,
		   const void *b, uint32_t blen, uint32_t truesize,
		   const uint8_t vnet[10])
{
	uint32_t len = alen + blen;
	struct tpsim_skb *skb;

	/* the callers have checked the receive buffer's room (R5) */
	skb = malloc(sizeof(*skb) + len);
	if (!skb)
		return -ENOMEM;
	skb->next = NULL;
	skb->len = len;
	skb->truesize = truesize;
	memcpy(skb->vnet, vnet, sizeof(skb->vnet));
	if (alen)
		memcpy(skb->data, a, alen);
	if (blen)
		memcpy(skb->data + alen, b, blen);
	if (s->rq_tail)
		s->rq_tail->next = skb;
	else
		s->rq_head = skb;
	s->rq_tail = skb;
	s->rmem_alloc += skb->truesize;
	return 0;
}

void tpsim__rq_purge(struct tpsim_sock *s)
{
	struct tpsim_skb *skb;

	while ((skb = s->rq_head)) {
		s->rq_head = skb->next;
		free(skb);
	}
	s->rq_tail = NULL;
	s->rmem_alloc = 0;
}

static int rq_nonempty(void *arg)
{
	struct tpsim_sock *s = arg;
	int r;

	pthread_mutex_lock(&s->lock);
	r = s->rq_head != NULL || atomic_load(&s->sk_err);
	pthread_mutex_unlock(&s->lock);
	return r;
}

ssize_t tpsim_recv(struct tpsim_sock *s, void *buf, size_t len, int flags)
{
	struct tpsim_skb *skb;
	size_t copied;
	ssize_t ret;

	if (flags & ~(MSG_DONTWAIT | MSG_TRUNC | MSG_PEEK))
		return -EINVAL;
	if (!buf && len)
		return -EFAULT;
	for (;;) {
		/* __skb_try_recv_datagram: a pending error comes first,
		 * once (ENETDOWN after the link went down) */
		int err = atomic_exchange(&s->sk_err, 0);

		if (err)
			return -err;
		pthread_mutex_lock(&s->lock);
		skb = s->rq_head;
		if (skb)
			break;
		pthread_mutex_unlock(&s->lock);
		if (flags & MSG_DONTWAIT)
			return -EAGAIN;
		ret = tpsim_wait(&s->wake_private, rq_nonempty, s, -1);
		if (ret < 0)
			return ret;
	}
	/* packet_recvmsg: pressure off, if there is room, only once a
	 * packet was taken (a recv that finds none leaves it) */
	tpsim__pressure_check_locked(s);
	/* O10 (packet_rcv_vnet): the virtio-net header first, the rest of
	 * its vnet_hdr_sz bytes zero */
	if (s->vnet_hdr_sz && len < s->vnet_hdr_sz) {
		/* the packet was dequeued first: the error frees it
		 * (out_free), unless MSG_PEEK left it there (6.18) */
		ret = -EINVAL;
		goto out;
	}
	if (s->vnet_hdr_sz) {
		memset(buf, 0, s->vnet_hdr_sz);
		memcpy(buf, skb->vnet, sizeof(skb->vnet));
		buf = (char *)buf + s->vnet_hdr_sz;
		len -= s->vnet_hdr_sz;
	}
	copied = skb->len < len ? skb->len : len;
	if (copied)
		memcpy(buf, skb->data, copied);
	ret = (flags & MSG_TRUNC) ? (ssize_t)skb->len : (ssize_t)copied;
	ret += s->vnet_hdr_sz;
out:
	if (!(flags & MSG_PEEK)) {
		s->rq_head = skb->next;
		if (!s->rq_head)
			s->rq_tail = NULL;
		s->rmem_alloc -= skb->truesize;
		free(skb);
	}
	pthread_mutex_unlock(&s->lock);
	return ret;
}
