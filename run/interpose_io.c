/* SPDX-License-Identifier: MIT */
/*
 * Data calls of the interposer: recv, recvfrom, recvmsg, read and their
 * _FORTIFY_SOURCE forms; send, sendto, sendmsg, write. On a simulated
 * socket they go to tpsim_recv / tpsim_send; anything else to libc.
 *
 * recv on a packet socket with a ring returns what the receive queue
 * holds (COPY frames, R5) or, without a ring, every packet (packet_recvmsg);
 * the source address and PACKET_AUXDATA are rebuilt from the frame's
 * link header: tp_status TP_STATUS_USER, tp_len, tp_snaplen, tp_mac 0,
 * tp_net the link header's length (no VLAN tag outside the data: the
 * simulator's receive queue keeps none).
 */
#undef _FORTIFY_SOURCE
#include "interpose.h"

#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static ssize_t fake_recv_in(struct tpr_fake *f, void *buf, size_t len,
			    int flags, struct sockaddr *from,
			    socklen_t *fromlen, struct tpacket_auxdata *aux,
			    size_t *full)
{
	struct tpsim_sock *s = atomic_load(&f->s);
	ssize_t n, copied;

	if (f->dead)
		return -TPR_DEAD_ERRNO;
	/* the error a recvmmsg left (sock_error() comes first in
	 * __skb_try_recv_datagram) */
	if ((n = atomic_exchange(&f->soft_err, 0)))
		return -n;
	if (atomic_load(&f->nonblock))
		flags |= MSG_DONTWAIT;
	tpr__consumer_waits(f, !(flags & MSG_DONTWAIT));
	n = tpsim_recv(s, buf, len, flags | MSG_TRUNC);
	if (n < 0)
		return n;
	copied = (size_t)n < len ? n : (ssize_t)len;
	*full = (size_t)n;
	if (from && fromlen) {
		struct sockaddr_ll sll = { .sll_family = AF_PACKET };
		socklen_t sl = sizeof(sll);
		const unsigned char *p = buf;

		tpsim_getsockname(s, (struct sockaddr *)&sll, &sl);
		sll.sll_pkttype = PACKET_HOST;
		if (f->type == SOCK_RAW && copied >= ETH_HLEN) {
			memcpy(&sll.sll_protocol, p + 12, 2);
			sll.sll_halen = ETH_ALEN;
			memcpy(sll.sll_addr, p + ETH_ALEN, ETH_ALEN);
			if (p[0] & 1)
				sll.sll_pkttype = memcmp(p, "\xff\xff\xff\xff"
							 "\xff\xff", 6)
						  ? PACKET_MULTICAST
						  : PACKET_BROADCAST;
		}
		sl = *fromlen < sizeof(sll) ? *fromlen : sizeof(sll);
		memcpy(from, &sll, sl);
		*fromlen = sizeof(sll);
	}
	if (aux) {
		memset(aux, 0, sizeof(*aux));
		aux->tp_status = TP_STATUS_USER;
		aux->tp_len = (uint32_t)n;
		aux->tp_snaplen = (uint32_t)copied;
		aux->tp_net = f->type == SOCK_RAW ? ETH_HLEN : 0;
	}
	return (flags & MSG_TRUNC) ? n : copied;
}

/* a signal handler calling in while its thread is inside a simulated
 * call (holding the socket's lock) gets EINTR (tpr__enter) */
static ssize_t fake_recv(struct tpr_fake *f, void *buf, size_t len,
			 int flags, struct sockaddr *from, socklen_t *fromlen,
			 struct tpacket_auxdata *aux, size_t *full)
{
	ssize_t n;

	if (!tpr__enter())
		return -EINTR;
	n = fake_recv_in(f, buf, len, flags, from, fromlen, aux, full);
	tpr__leave();
	return n;
}

static ssize_t recv_result(struct tpr_fake *f, ssize_t n)
{
	tpr__put(f);
	if (n < 0) {
		errno = (int)-n;
		return -1;
	}
	return n;
}

TPR_EXPORT ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
			    struct sockaddr *from, socklen_t *fromlen)
{
	struct tpr_fake *f = tpr__get(fd);
	size_t full;

	if (!f)
		return TPR_NEXT(recvfrom)(fd, buf, len, flags, from, fromlen);
	return recv_result(f, fake_recv(f, buf, len, flags, from, fromlen,
					NULL, &full));
}

TPR_EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	struct tpr_fake *f = tpr__get(fd);
	size_t full;

	if (!f)
		return TPR_NEXT(recv)(fd, buf, len, flags);
	return recv_result(f, fake_recv(f, buf, len, flags, NULL, NULL, NULL,
					&full));
}

TPR_EXPORT ssize_t read(int fd, void *buf, size_t len)
{
	struct tpr_fake *f = tpr__get(fd);
	size_t full;

	if (!f)
		return TPR_NEXT(read)(fd, buf, len);
	return recv_result(f, fake_recv(f, buf, len, 0, NULL, NULL, NULL,
					&full));
}

ssize_t tpr__recvmsg(struct tpr_fake *f, struct msghdr *msg, int flags)
{
	struct tpacket_auxdata aux;
	size_t total = 0, off = 0, full;
	bool want_aux;
	char *tmp;
	ssize_t n;

	for (size_t i = 0; i < msg->msg_iovlen; i++)
		total += msg->msg_iov[i].iov_len;
	tmp = malloc(total ? total : 1);
	if (!tmp)
		return -ENOMEM;
	want_aux = atomic_load(&f->auxdata);
	n = fake_recv(f, tmp, total, flags & ~MSG_TRUNC,
		      msg->msg_name, &msg->msg_namelen, &aux, &full);
	if (n >= 0) {
		for (size_t i = 0; i < msg->msg_iovlen && off < (size_t)n; i++) {
			size_t k = msg->msg_iov[i].iov_len;

			if (k > (size_t)n - off)
				k = (size_t)n - off;
			memcpy(msg->msg_iov[i].iov_base, tmp + off, k);
			off += k;
		}
		msg->msg_flags = full > total ? MSG_TRUNC : 0;
		if (flags & MSG_TRUNC)
			n = (ssize_t)full;
		struct cmsghdr *c = want_aux ? CMSG_FIRSTHDR(msg) : NULL;

		if (c && msg->msg_controllen >= CMSG_SPACE(sizeof(aux))) {
			c->cmsg_level = SOL_PACKET;
			c->cmsg_type = PACKET_AUXDATA;
			c->cmsg_len = CMSG_LEN(sizeof(aux));
			memcpy(CMSG_DATA(c), &aux, sizeof(aux));
			msg->msg_controllen = CMSG_SPACE(sizeof(aux));
		} else {
			if (want_aux)
				msg->msg_flags |= MSG_CTRUNC;
			msg->msg_controllen = 0;
		}
	}
	free(tmp);
	return n;
}

TPR_EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct tpr_fake *f = tpr__get(fd);

	if (!f)
		return TPR_NEXT(recvmsg)(fd, msg, flags);
	return recv_result(f, tpr__recvmsg(f, msg, flags));
}

/* _FORTIFY_SOURCE: the buffer's size known at compile time */
TPR_EXPORT ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen,
			      int flags)
{
	if (len > buflen)
		abort();	/* __chk_fail: a buffer overflow */
	return recv(fd, buf, len, flags);
}

TPR_EXPORT ssize_t __recvfrom_chk(int fd, void *buf, size_t len,
				  size_t buflen, int flags,
				  struct sockaddr *from, socklen_t *fromlen)
{
	if (len > buflen)
		abort();
	return recvfrom(fd, buf, len, flags, from, fromlen);
}

TPR_EXPORT ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen)
{
	if (len > buflen)
		abort();
	return read(fd, buf, len);
}

/*
 * send on a simulated socket: with a TX ring, the frames marked
 * SEND_REQUEST go (tpsim_send; the data given is ignored, as
 * tpacket_snd does). Without one, the data goes out as one frame
 * (tpsim_send_data, packet_snd); a send of no data too.
 */
#define TPR_SEND_MAX (1u << 20)

static ssize_t fake_send(struct tpr_fake *f, const void *buf, size_t len,
			 int flags, const struct sockaddr *to, socklen_t tolen)
{
	struct tpsim_sock *s = atomic_load(&f->s);
	const struct sockaddr_ll *sll = (const struct sockaddr_ll *)to;
	struct tpsim_ring_view v;
	bool ring;
	ssize_t n;

	if (f->dead)
		return -TPR_DEAD_ERRNO;
	/* packet_snd, packet_sendmsg_spkt: the address must hold a
	 * sockaddr_ll and the hardware address it claims */
	if (to && (tolen < sizeof(*sll) ||
		   tolen < sll->sll_halen + offsetof(struct sockaddr_ll,
						     sll_addr)))
		return -EINVAL;
	if (!tpr__enter()) {
		/* a signal handler's send while this thread is inside a
		 * simulated call: the call it interrupted sends the ring's
		 * frames as it leaves (tpr__leave); data cannot wait, it
		 * is refused */
		if (len)
			return -EINTR;
		return tpr__kick_later(f);
	}
	ring = tpsim_ring_view_of(s, TPSIM_RING_TX, &v) >= 0;
	if (atomic_load(&f->nonblock))
		flags |= MSG_DONTWAIT;
	/* packet_sendmsg reads no flag but MSG_DONTWAIT */
	n = ring ? tpsim_send(s, sll, flags)
		 : tpsim_send_data(s, buf, len, sll, flags & MSG_DONTWAIT);
	{
		struct tpsim_wire_stats ws = { 0 };

		tpsim_wire_stats_get(s, &ws);
		tpr__trace("send(len %zu, flags 0x%x) = %zd %s (wire: %llu "
			   "packets, %u queued, %u sending)", len, flags, n,
			   n < 0 ? tpsim_strerror_detail(s) : "",
			   (unsigned long long)ws.packets, ws.queued,
			   ws.sending);
	}
	tpr__leave();
	return n;
}

TPR_EXPORT ssize_t sendto(int fd, const void *buf, size_t len, int flags,
			  const struct sockaddr *to, socklen_t tolen)
{
	struct tpr_fake *f = tpr__get(fd);

	if (!f)
		return TPR_NEXT(sendto)(fd, buf, len, flags, to, tolen);
	return recv_result(f, fake_send(f, buf, len, flags, to, tolen));
}

TPR_EXPORT ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	struct tpr_fake *f = tpr__get(fd);

	if (!f)
		return TPR_NEXT(send)(fd, buf, len, flags);
	return recv_result(f, fake_send(f, buf, len, flags, NULL, 0));
}

TPR_EXPORT ssize_t write(int fd, const void *buf, size_t len)
{
	struct tpr_fake *f = tpr__get(fd);

	if (!f)
		return TPR_NEXT(write)(fd, buf, len);
	return recv_result(f, fake_send(f, buf, len, 0, NULL, 0));
}

ssize_t tpr__sendmsg(struct tpr_fake *f, const struct msghdr *msg, int flags)
{
	size_t total = 0, off = 0;
	char *tmp;
	ssize_t n;

	for (size_t i = 0; i < msg->msg_iovlen; i++)
		total += msg->msg_iov[i].iov_len;
	if (msg->msg_iovlen <= 1)
		return fake_send(f, msg->msg_iovlen ? msg->msg_iov[0].iov_base
						    : NULL,
				 total, flags, msg->msg_name, msg->msg_namelen);
	/* the iovecs gathered into one frame, a bounded copy: a Linux
	 * device's MTU is at most 65535, a frame past 1 MiB is EMSGSIZE */
	if (total > TPR_SEND_MAX)
		return -EMSGSIZE;
	tmp = malloc(total);
	if (!tmp)
		return -ENOBUFS;
	for (size_t i = 0; i < msg->msg_iovlen; i++) {
		memcpy(tmp + off, msg->msg_iov[i].iov_base,
		       msg->msg_iov[i].iov_len);
		off += msg->msg_iov[i].iov_len;
	}
	n = fake_send(f, tmp, total, flags, msg->msg_name, msg->msg_namelen);
	free(tmp);
	return n;
}

TPR_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct tpr_fake *f = tpr__get(fd);

	if (!f)
		return TPR_NEXT(sendmsg)(fd, msg, flags);
	return recv_result(f, tpr__sendmsg(f, msg, flags));
}
