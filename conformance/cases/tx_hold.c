// SPDX-License-Identifier: MIT
/*
 * TX frames a qdisc holds (T3, T4, P2): with the device's root qdisc
 * holding what it is given (qdisc_hold: a token bucket with no tokens
 * on the kernel), a sent frame stays TP_STATUS_SENDING and its skb keeps
 * its charge on the send buffer until its destructor runs
 * (tpacket_destruct_skb: AVAILABLE, sock_wfree wakes the writers). So a
 * blocking send waits for it (SO_SNDTIMEO: ETIMEDOUT), a full SO_SNDBUF
 * stops the walk at the frame that found no room (tpacket_snd: EAGAIN,
 * or the bytes sent before it; that frame stays SEND_REQUEST), POLLOUT
 * goes with neither half the buffer free nor the current frame
 * AVAILABLE (packet_poll), and a sender or poller asleep is woken when
 * the qdisc is deleted and drops what it held; the link going down
 * drops it too.
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "../tpc.h"

#define FULL 1514	/* a full-size frame: the TBF's bucket */

static void *frame(char *ring, uint32_t i)
{
	return tpc_frame(ring, 4096, 2048, i);
}

/* Put an Ethernet frame of len bytes in frame h and request it. */
static void put(const struct tpc_t *t, void *h, uint32_t len)
{
	uint32_t off = t->version == TPACKET_V3 ? 48 : 32;

	tpc_eth((uint8_t *)h + off, len, tpc_bcast, 0x88b5);
	if (t->version == TPACKET_V1)
		((struct tpacket_hdr *)h)->tp_len = len;
	else if (t->version == TPACKET_V2)
		((struct tpacket2_hdr *)h)->tp_len = len;
	else
		((struct tpacket3_hdr *)h)->tp_len = len;
	tpc_set_status(t, h, TP_STATUS_SEND_REQUEST);
}

/* the device's qdisc holds (1) or lets go (0); false: skipped or failed */
static bool hold(struct tpc_t *t, int on)
{
	int err;

	if (!TPC_OPS_HAS(t->ops, qdisc_hold)) {
		tpc_skip(t, "the backend has no qdisc_hold");
		return false;
	}
	err = t->ops->qdisc_hold(t->bctx, on);
	if (err == -ENOENT || err == -EOPNOTSUPP || err == -ENOSYS) {
		tpc_skip(t, "no token bucket qdisc here (sch_tbf): %s",
			 tpc_errname(err));
		return false;
	}
	if (err)
		tpc_fail(t, __LINE__, "qdisc_hold(%d): %s", on,
			 tpc_errname(err));
	return !err;
}

static int sndtimeo_ms(struct tpc_t *t, struct tpc_sock *s, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = (ms % 1000) * 1000 };

	return t->ops->setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv,
				  sizeof(tv));
}

struct sender {
	struct tpc_t *t;
	struct tpc_sock *s;
	ssize_t ret;
};

static void *send_blocking(void *arg)
{
	struct sender *b = arg;

	b->ret = b->t->ops->send(b->s, NULL, 0);
	return NULL;
}

/* T3 T4: one frame held, the sends around it, then the qdisc gone */
static void held_sending(struct tpc_t *t)
{
	struct timespec nap = { .tv_nsec = 200 * 1000000 };
	struct tpc_sock *s = NULL;
	struct sender b = { .t = t, .ret = -1 };
	uint8_t got[2048];
	pthread_t th;
	bool ok;
	char *r;

	if (!hold(t, 1))
		return;
	r = tpc_open_tx(t, SOCK_RAW, 2048, 4, &s);
	REQUIRE(t, r);
	b.s = s;
	put(t, frame(r, 0), 60);
	EXPECT_EQ(t, "send(MSG_DONTWAIT) of frame 0", 60,
		  tpc_send(t, s, NULL, MSG_DONTWAIT));
	EXPECT_HEX(t, "frame 0 held by the qdisc", TP_STATUS_SENDING,
		   tpc_status(t, frame(r, 0)));
	EXPECT_EQ(t, "the wire while it is held", -EAGAIN,
		  tpc_wire_read(t, s, got, sizeof(got), 100));
	EXPECT_EQ(t, "send(MSG_DONTWAIT), no frame requested: no wait", 0,
		  tpc_send(t, s, NULL, MSG_DONTWAIT));
	REQUIRE(t, !sndtimeo_ms(t, s, 50));
	EXPECT_ERRNO(t, "a blocking send waits for frame 0 (SO_SNDTIMEO)",
		     -ETIMEDOUT, tpc_send(t, s, NULL, 0));
	EXPECT_EQ(t, "poll: the send buffer is nearly empty", POLLOUT,
		  t->ops->poll(s, POLLOUT, 0));
	/* a second thread in a blocking send with no timeout waits for
	 * frame 0; the drop below completes it and must wake the sender
	 * (skb_completion), whose send then has nothing left: 0. The nap
	 * lets it fall asleep first; if it has not, it finds frame 0 done */
	REQUIRE(t, !sndtimeo_ms(t, s, 0));
	REQUIRE(t, !pthread_create(&th, NULL, send_blocking, &b));
	nanosleep(&nap, NULL);
	ok = hold(t, 0);
	if (!ok)
		pthread_cancel(th);
	pthread_join(th, NULL);
	REQUIRE(t, ok);
	EXPECT_EQ(t, "the blocked send, woken by the drop", 0, b.ret);
	EXPECT_HEX(t, "frame 0 after the qdisc dropped it",
		   TP_STATUS_AVAILABLE, tpc_status(t, frame(r, 0)));
	EXPECT_EQ(t, "the wire after the drop", -EAGAIN,
		  tpc_wire_read(t, s, got, sizeof(got), 100));
	put(t, frame(r, 1), 61);
	EXPECT_EQ(t, "a blocking send without the qdisc", 61,
		  tpc_send(t, s, NULL, 0));
	EXPECT_EQ(t, "frame 1 on the wire", 61,
		  tpc_wire_read(t, s, got, sizeof(got), 1000));
}

struct poller {
	struct tpc_t *t;
	struct tpc_sock *s;
	int mask;
};

static void *poll_forever(void *arg)
{
	struct poller *p = arg;

	p->mask = p->t->ops->poll(p->s, POLLOUT, -1);
	return NULL;
}

/* T4 P2: SO_SNDBUF at its minimum filled by held full-size frames */
static void held_sndbuf_full(struct tpc_t *t)
{
	struct tpc_sock *s = NULL;
	struct poller p = { .t = t };
	struct timespec nap = { .tv_nsec = 200 * 1000000 };
	uint8_t got[2048];
	pthread_t th;
	ssize_t n;
	uint32_t k, i;
	int zero = 0;
	char *r;

	if (!hold(t, 1))
		return;
	r = tpc_open_tx(t, SOCK_RAW, 2048, 8, &s);
	REQUIRE(t, r);
	REQUIRE(t, !t->ops->setsockopt(s, SOL_SOCKET, SO_SNDBUF, &zero,
					sizeof(zero)));
	for (i = 0; i < 8; i++)
		put(t, frame(r, i), FULL);
	n = tpc_send(t, s, NULL, MSG_DONTWAIT);
	REQUIRE(t, n > 0 && n < 8 * FULL && n % FULL == 0);
	k = (uint32_t)(n / FULL);
	for (i = 0; i < k; i++)
		EXPECT_HEX(t, "a frame sent before the buffer filled",
			   TP_STATUS_SENDING, tpc_status(t, frame(r, i)));
	EXPECT_HEX(t, "the frame that found no room", TP_STATUS_SEND_REQUEST,
		   tpc_status(t, frame(r, k)));
	EXPECT_ERRNO(t, "send(MSG_DONTWAIT) with the buffer full", -EAGAIN,
		     tpc_send(t, s, NULL, MSG_DONTWAIT));
	REQUIRE(t, !sndtimeo_ms(t, s, 50));
	EXPECT_ERRNO(t, "a blocking send (SO_SNDTIMEO 50 ms)", -EAGAIN,
		     tpc_send(t, s, NULL, 0));
	EXPECT_EQ(t, "poll: buffer full, current frame SEND_REQUEST", 0,
		  t->ops->poll(s, POLLOUT, 0));
	/* a second thread asleep in poll(POLLOUT), no timeout: the drop
	 * below must wake it (sock_wfree -> sk_write_space). The nap lets
	 * it fall asleep first; if it has not, its poll finds POLLOUT at
	 * once, which is right too */
	p.s = s;
	REQUIRE(t, !pthread_create(&th, NULL, poll_forever, &p));
	nanosleep(&nap, NULL);
	if (!hold(t, 0)) {
		pthread_cancel(th);
		pthread_join(th, NULL);
		return;
	}
	pthread_join(th, NULL);
	EXPECT_EQ(t, "the sleeping poll, woken by the drop", POLLOUT, p.mask);
	for (i = 0; i < k; i++)
		EXPECT_HEX(t, "a dropped frame", TP_STATUS_AVAILABLE,
			   tpc_status(t, frame(r, i)));
	EXPECT_EQ(t, "poll after the drop", POLLOUT,
		  t->ops->poll(s, POLLOUT, 0));
	EXPECT_EQ(t, "send of the frames left, the buffer free again",
		  (8 - k) * FULL, tpc_send(t, s, NULL, MSG_DONTWAIT));
	for (i = k; i < 8; i++) {
		tpc_note(t, "frame %u", i);
		EXPECT_EQ(t, "on the wire", FULL,
			  tpc_wire_read(t, s, got, sizeof(got), 1000));
	}
	/* each skb charged its truesize: a small head (832 bytes from
	 * 6.18's 576-byte small-head cache) plus the 1500 bytes left in the
	 * ring as fragments, 2332 in all: the second frame filled 4608
	 * (6.1, whose head is a 768-byte kmalloc one, sends three) */
	tpc_note(t, "SO_SNDBUF 4608");
	EXPECT_EQ(t, "frames sent before the send buffer was full", 2, k);
}

/* T4 P2 O10: a virtio-net header's hdr_len is the linear part of the
 * frame's skb (tpacket_snd: copylen), so the head sock_alloc_send_skb
 * allocates grows with it. hdr_len 683: 16 bytes of LL_RESERVED_SPACE +
 * 20 of sockaddr_ll + the 669 past the link header = 705, aligned to 768,
 * + 320 of shared info = 1088: a 2048-byte kmalloc head, truesize 2304,
 * + the 831 bytes left as fragments = 3135, so two frames fill the 4608
 * of SO_SNDBUF's minimum (one byte less of head, 704, would take a
 * 1024-byte head: 2111, three frames). */
static void held_vnet_head(struct tpc_t *t)
{
	uint32_t off = t->version == TPACKET_V3 ? 48 : 32;
	struct tpc_sock *s;
	int zero = 0;
	char *r;

	if (!hold(t, 1))
		return;
	s = tpc_open(t, SOCK_RAW);
	REQUIRE(t, s);
	REQUIRE(t, !tpc_setint(t, s, PACKET_VNET_HDR, 1));
	r = tpc_open_tx(t, SOCK_RAW, 2048, 8, &s);
	REQUIRE(t, r);
	REQUIRE(t, !t->ops->setsockopt(s, SOL_SOCKET, SO_SNDBUF, &zero,
					sizeof(zero)));
	for (uint32_t i = 0; i < 8; i++) {
		uint8_t *vh = (uint8_t *)frame(r, i) + off;

		memset(vh, 0, 10);
		vh[2] = 683 & 0xff;	/* hdr_len, little-endian */
		vh[3] = 683 >> 8;
		tpc_eth(vh + 10, FULL, tpc_bcast, 0x88b5);
		if (t->version == TPACKET_V1)
			((struct tpacket_hdr *)frame(r, i))->tp_len = FULL + 10;
		else if (t->version == TPACKET_V2)
			((struct tpacket2_hdr *)frame(r, i))->tp_len = FULL + 10;
		else
			((struct tpacket3_hdr *)frame(r, i))->tp_len = FULL + 10;
		tpc_set_status(t, frame(r, i), TP_STATUS_SEND_REQUEST);
	}
	EXPECT_EQ(t, "bytes sent before the send buffer was full (hdr_len 683)",
		  2 * FULL, tpc_send(t, s, NULL, MSG_DONTWAIT));
	EXPECT_HEX(t, "frame 2, which found no room", TP_STATUS_SEND_REQUEST,
		   tpc_status(t, frame(r, 2)));
	hold(t, 0);
}

/* T4: the link going down resets the qdisc (dev_deactivate): the frame
 * it held is dropped, AVAILABLE again */
static void held_link_down(struct tpc_t *t)
{
	struct tpc_sock *s = NULL;
	char *r;

	if (!TPC_OPS_HAS(t->ops, set_link)) {
		tpc_skip(t, "the backend has no set_link");
		return;
	}
	if (!hold(t, 1))
		return;
	r = tpc_open_tx(t, SOCK_RAW, 2048, 4, &s);
	REQUIRE(t, r);
	put(t, frame(r, 0), 60);
	EXPECT_EQ(t, "send(MSG_DONTWAIT) of frame 0", 60,
		  tpc_send(t, s, NULL, MSG_DONTWAIT));
	EXPECT_HEX(t, "frame 0 held", TP_STATUS_SENDING,
		   tpc_status(t, frame(r, 0)));
	REQUIRE(t, !t->ops->set_link(t->bctx, 0));
	EXPECT_HEX(t, "frame 0 after the link went down", TP_STATUS_AVAILABLE,
		   tpc_status(t, frame(r, 0)));
	REQUIRE(t, !t->ops->set_link(t->bctx, 1));
	hold(t, 0);
}

const struct tpc_case tpc_cases_tx_hold[] = {
	{ "tx.held_sending", "T3 T4", TPC_V123, .fn = held_sending,
	  .needs = TPC_CAP_WIRE },
	{ "tx.held_sndbuf_full", "T4 P2", TPC_V123, .fn = held_sndbuf_full,
	  .timeout_s = 20, .needs = TPC_CAP_WIRE },
	{ "tx.held_vnet_head", "T4 P2 O10", TPC_V123, .fn = held_vnet_head,
	  .needs = TPC_CAP_WIRE },
	{ "tx.held_link_down", "T4", TPC_V123, .fn = held_link_down,
	  .needs = TPC_CAP_WIRE | TPC_CAP_DEVICE },
	{ .name = NULL },
};
