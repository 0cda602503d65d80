// SPDX-License-Identifier: MIT
/*
 * The socket receive queue: full copies of packets truncated in a ring
 * frame while PACKET_COPY_THRESH is set (R5), and every packet of a socket
 * without a ring. Bounded like sk_rcvbuf: a packet is queued while the
 * bytes charged are below the limit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int tpsim__rq_push(struct tpsim_sock *s, const void *a, uint32_t alen,
		   const void *b, uint32_t blen)
{
	uint32_t len = alen + blen;
	struct tpsim_skb *skb;

	/* the callers have checked the receive buffer's room (R5) */
	skb = malloc(sizeof(*skb) + len);
	if (!skb)
		return -ENOMEM;
	skb->next = NULL;
	skb->len = len;
	skb->truesize = len + TPSIM_SKB_OVERHEAD;
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
	copied = skb->len < len ? skb->len : len;
	if (copied)
		memcpy(buf, skb->data, copied);
	ret = (flags & MSG_TRUNC) ? (ssize_t)skb->len : (ssize_t)copied;
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
