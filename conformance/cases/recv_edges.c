// SPDX-License-Identifier: MIT
/*
 * Description: edges of receiving that mutation testing asked for (README
 * "Mutation testing"): the receive queue a new or torn-down RX ring
 * purges (Q1), a blocking recv() or poll() a signal interrupts (Q2), the
 * V3 flood check at the end of the ring (B8), the bytes before tp_mac
 * of a V3 socket without PACKET_VNET_HDR (O10), a V3 timeout that is no
 * whole number of jiffies (B4) and a frozen queue the timer thaws (B3).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "tpc.h"
#include "tpsim/barrier.h"

/* Frames of a socket without a ring, told apart by their last byte: 1
 * for those queued before a ring came and went, 2 or 3 after. */
#define PURGE_LEN 100

static void mark_frame(uint8_t *pkt, uint8_t mark)
{
	tpc_eth(pkt, PURGE_LEN, tpc_bcast, 0x88b5);
	pkt[PURGE_LEN - 1] = mark;
}

/* An RX ring set up and torn down again without being mapped. */
static int ring_come_and_go(struct tpc_t *t, struct tpc_sock *s)
{
	int err = tpc_ring(t, s, 4096, 1, 2048, 2);

	if (!err)
		err = tpc_ring(t, s, 0, 0, 0, 0);
	if (err)
		tpc_fail(t, __LINE__, "PACKET_RX_RING set then torn down: %s",
			 tpc_errname(err));
	return err;
}

/*
 * Q1 (packet_set_ring: skb_queue_purge of sk_receive_queue once the new
 * ring is swapped in, rx or teardown alike): what a socket queued
 * without a ring is gone after a ring was set, its bytes given back to
 * the receive buffer (sock_rfree), and the queue takes new frames as an
 * empty one does. A full queue first (SO_RCVBUF at its minimum, frames
 * dropped), so a purge that kept the charge would drop the next frame.
 */
static void purged_by_ring(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	uint8_t pkt[PURGE_LEN], got[2 * PURGE_LEN];
	unsigned int packets, drops;
	int one = 1, sent = 16;
	ssize_t n;

	REQUIRE(t, s);
	EXPECT_EQ(t, "SO_RCVBUF 1", 0,
		  t->ops->setsockopt(s, SOL_SOCKET, SO_RCVBUF, &one,
				     sizeof(one)));
	mark_frame(pkt, 1);
	/* 16 frames of at least 768 bytes' truesize into 2304 bytes */
	for (int i = 0; i < sent; i++)
		REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_stats(t, s, &packets, &drops));
	EXPECT_EQ(t, "tp_packets of the frames before the ring", sent,
		  packets);
	if (drops == 0 || drops >= (unsigned int)sent) {
		tpc_fail(t, __LINE__, "premise: a full queue drops some of %d "
			 "frames, got tp_drops %u", sent, drops);
		return;
	}
	REQUIRE(t, !ring_come_and_go(t, s));
	mark_frame(pkt, 2);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	n = t->ops->recv(s, got, sizeof(got), MSG_DONTWAIT);
	EXPECT_EQ(t, "recv after the purge: the new frame's length",
		  PURGE_LEN, n);
	EXPECT_EQ(t, "its last byte (1: a purged frame, 2: the new one)", 2,
		  got[PURGE_LEN - 1]);
	EXPECT_ERRNO(t, "recv of a second frame", -EAGAIN,
		     t->ops->recv(s, got, sizeof(got), MSG_DONTWAIT));
	REQUIRE(t, !tpc_stats(t, s, &packets, &drops));
	EXPECT_EQ(t, "tp_packets after the purge", 1, packets);
	EXPECT_EQ(t, "tp_drops after the purge", 0, drops);
}

/*
 * Q1 with frames queued below the limit: two frames wait, the ring comes
 * and goes, one more arrives; recv gives only that one, then EAGAIN (a
 * queue whose tail still named a purged frame would lose it).
 */
static void purge_then_queue(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	uint8_t pkt[PURGE_LEN], got[2 * PURGE_LEN];
	ssize_t n;

	REQUIRE(t, s);
	mark_frame(pkt, 1);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !ring_come_and_go(t, s));
	EXPECT_ERRNO(t, "recv right after the purge", -EAGAIN,
		     t->ops->recv(s, got, sizeof(got), MSG_DONTWAIT));
	mark_frame(pkt, 3);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	n = t->ops->recv(s, got, sizeof(got), MSG_DONTWAIT);
	EXPECT_EQ(t, "recv of the frame after the purge", PURGE_LEN, n);
	EXPECT_EQ(t, "its last byte", 3, got[PURGE_LEN - 1]);
	EXPECT_ERRNO(t, "recv of a second frame", -EAGAIN,
		     t->ops->recv(s, got, sizeof(got), MSG_DONTWAIT));
}

/* Q2: a call blocked in a second thread, and what it returned. */
struct blocked {
	struct tpc_t *t;
	struct tpc_sock *s;
	bool poll;		/* poll(POLLIN, -1), else recv(buf, 0) */
	long ret;
	atomic_int done;
};

static void *blocked_call(void *arg)
{
	struct blocked *b = arg;
	uint8_t buf[256];

	if (b->poll)
		b->ret = b->t->ops->poll(b->s, POLLIN, -1);
	else
		b->ret = b->t->ops->recv(b->s, buf, sizeof(buf), 0);
	atomic_store(&b->done, 1);
	return NULL;
}

static void on_signal(int sig)
{
	(void)sig;
}

/* Wait up to ms for b->done; true when it came. */
static bool wait_done(struct blocked *b, int ms)
{
	const struct timespec tick = { 0, 1000000 };

	for (int i = 0; i < ms; i++) {
		if (atomic_load(&b->done))
			return true;
		nanosleep(&tick, NULL);
	}
	return atomic_load(&b->done);
}

/*
 * Q2 (recv: __skb_wait_for_more_packets answers a pending signal with
 * sock_intr_errno, ERESTARTSYS, EINTR without SA_RESTART; poll: do_poll,
 * ERESTARTNOHAND, EINTR): an idle socket without a ring, the call
 * blocked in a second thread, SIGUSR1 (a handler without SA_RESTART)
 * sent to that thread until the call returns: -EINTR. A signal that
 * comes before the thread blocks only runs the handler, so it is sent
 * again every 10 ms, for at most 3 s; after that a frame releases a call
 * that never saw the signal.
 */
static void interrupted(struct tpc_t *t, bool poll)
{
	struct sigaction sa = { .sa_handler = on_signal }, old;
	struct blocked b = { .t = t, .poll = poll };
	bool returned = false;
	uint8_t pkt[60];
	pthread_t th;

	b.s = tpc_open(t, SOCK_RAW);
	REQUIRE(t, b.s);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, &old)) {
		tpc_fail(t, __LINE__, "sigaction: %s", strerror(errno));
		return;
	}
	if (pthread_create(&th, NULL, blocked_call, &b)) {
		tpc_fail(t, __LINE__, "pthread_create failed");
		goto out;
	}
	for (int i = 0; i < 300 && !returned; i++) {
		pthread_kill(th, SIGUSR1);
		returned = wait_done(&b, 10);
	}
	if (!returned) {
		tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
		if (!tpc_inject(t, b.s, pkt, sizeof(pkt)))
			returned = wait_done(&b, 3000);
		tpc_fail(t, __LINE__, "%s not interrupted by 300 signals in "
			 "3 s; %s", poll ? "poll(POLLIN, -1)" : "recv()",
			 returned ? "a frame then returned it" : "still blocked");
		if (!returned) {
			/* the child exits with the case: leave it */
			pthread_detach(th);
			goto out;
		}
	}
	pthread_join(th, NULL);
	if (!t->failed)
		EXPECT_ERRNO(t, poll ? "poll(POLLIN, -1)" : "recv()", -EINTR,
			     b.ret);
out:
	sigaction(SIGUSR1, &old, NULL);
}

static void recv_interrupted(struct tpc_t *t)
{
	interrupted(t, false);
}

static void poll_interrupted(struct tpc_t *t)
{
	interrupted(t, true);
}

/* n frames of 1400 bytes: two to a 4096-byte V3 block (tp_mac 82,
 * ALIGN8(82 + 1400) = 1488), the third closes it and opens the next. */
static int inject_big(struct tpc_t *t, struct tpc_sock *s, int n)
{
	static uint8_t big[1400];

	tpc_eth(big, sizeof(big), tpc_bcast, 0x88b5);
	for (int i = 0; i < n; i++)
		if (tpc_inject(t, s, big, sizeof(big)))
			return -1;
	return 0;
}

/*
 * B8 at the end of the ring (__tpacket_v3_has_room: the block a quarter
 * of the ring ahead wraps to the start): 4 blocks, blocks 0-2 closed and
 * kept by the user, block 3 open; the user writes USER into block 3's
 * status: neither block 3 nor block 0 is the kernel's, the next frame is
 * dropped and block 3 left alone. With KERNEL written back it goes in
 * (ROOM_LOW: the active block is the kernel's).
 */
static void v3_flood_check_wrap(struct tpc_t *t)
{
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, 4096, 4, 60000, 0, 0, &s);
	struct tpacket_block_desc *b3;
	unsigned int packets, drops;
	uint8_t pkt[60];

	REQUIRE(t, r);
	b3 = (struct tpacket_block_desc *)(r + 3 * 4096);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	/* the seventh opens block 3 */
	REQUIRE(t, !inject_big(t, s, 7));
	EXPECT_HEX(t, "block 2 (closed, kept)", TP_STATUS_USER,
		   tpc_block_status(r + 2 * 4096));
	EXPECT_EQ(t, "block 3 packets", 1, b3->hdr.bh1.num_pkts);
	/* release: the user's word, as a consumer's return of a block */
	tpsim_store_release(&b3->hdr.bh1.block_status, TP_STATUS_USER);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_EQ(t, "block 3 packets with blocks 3 and 0 USER", 1,
		  b3->hdr.bh1.num_pkts);
	tpc_block_release(b3);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_EQ(t, "block 3 packets with block 3 KERNEL again", 2,
		  b3->hdr.bh1.num_pkts);
	REQUIRE(t, !tpc_stats(t, s, &packets, &drops));
	EXPECT_EQ(t, "tp_packets", 9, packets);
	EXPECT_EQ(t, "tp_drops", 1, drops);
}

/* A 74-byte IPv4/UDP frame; the UDP checksum field is at 34 + 6. */
static void udp_frame(uint8_t *pkt, uint32_t len)
{
	tpc_eth(pkt, len, tpc_bcast, 0x0800);
	memset(pkt + 14, 0, len - 14);
	pkt[14] = 0x45;
	pkt[17] = (uint8_t)(len - 14);
	pkt[22] = 64;
	pkt[23] = 17;
	pkt[39] = (uint8_t)(len - 34);
}

/*
 * O10 (tpacket_rcv writes a virtio-net header only with vnet_hdr_sz set,
 * SOCK_RAW only): a V3 socket without PACKET_VNET_HDR, SOCK_RAW and
 * SOCK_DGRAM, gets a frame whose checksum is partial (a virtio-net header
 * would say NEEDS_CSUM there): CSUMNOTREADY, and every byte from the end
 * of the sockaddr_ll to tp_mac still 0, as the new ring was.
 */
static void v3_no_vnet_gap(struct tpc_t *t)
{
	static const int types[] = { SOCK_RAW, SOCK_DGRAM };
	uint8_t pkt[74];
	struct tpc_inject p = { .data = pkt, .len = sizeof(pkt),
				.flags = TPC_INJ_CSUM_PARTIAL,
				.csum_start = 34, .csum_offset = 6 };
	struct tpacket_req3 req = { .tp_block_size = 4096, .tp_block_nr = 1,
				    .tp_frame_size = 2048, .tp_frame_nr = 2,
				    .tp_retire_blk_tov = 60000 };

	udp_frame(pkt, sizeof(pkt));
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct tpc_sock *s = tpc_open(t, types[i]);
		const struct tpacket3_hdr *h;
		const uint8_t *gap;
		char *r;
		int err;

		REQUIRE(t, s);
		tpc_note(t, "%s", i ? "SOCK_DGRAM" : "SOCK_RAW");
		err = tpc_req3(t, s, PACKET_RX_RING, &req);
		if (err) {
			tpc_fail(t, __LINE__, "PACKET_RX_RING: %s",
				 tpc_errname(err));
			return;
		}
		r = tpc_map_all(t, s, 4096);
		REQUIRE(t, r);
		REQUIRE(t, !tpc_inject_ex(t, s, &p));
		h = (const struct tpacket3_hdr *)(r + 48);
		EXPECT_EQ(t, "block 0 packets", 1,
			  ((struct tpacket_block_desc *)r)->hdr.bh1.num_pkts);
		EXPECT_HEX(t, "tp_status",
			   TP_STATUS_USER | TP_STATUS_CSUMNOTREADY,
			   h->tp_status);
		gap = (const uint8_t *)h + 48 + sizeof(struct sockaddr_ll);
		for (const uint8_t *b = gap; b < (const uint8_t *)h + h->tp_mac;
		     b++)
			if (*b) {
				tpc_fail(t, __LINE__, "tp_mac %u: byte %td "
					 "of the packet is 0x%02x, not 0",
					 h->tp_mac, b - (const uint8_t *)h, *b);
				return;
			}
		REQUIRE(t, !tpc_unmap(t, r));
	}
}

/*
 * B4 with a timeout that is no whole number of jiffies: 997 ms. 6.18's
 * hrtimer retires the block at exactly 997 ms; a timer_list (6.1, 6.12:
 * HZ 250) at msecs_to_jiffies(997) = 250 jiffies, 1000 ms, or later (the
 * wheel's granularity). Either way the block that took a frame at the
 * ring's setup is still open just before 997 ms (at 996 on the
 * virtual clock), and retired with BLK_TMO at or
 * after 997 ms. The clock is read before the setup, so the timer starts
 * no earlier than t0; a check the machine let slip past 997 ms is
 * skipped, not judged.
 */
static void v3_retire_tov_rounding(struct tpc_t *t)
{
	struct tpacket_req3 q = { .tp_block_size = 4096, .tp_block_nr = 4,
				  .tp_frame_size = 2048, .tp_frame_nr = 8,
				  .tp_retire_blk_tov = 997 };
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	int64_t t0, at;
	uint32_t st;
	uint8_t pkt[60];
	char *r;

	REQUIRE(t, s);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	t0 = tpc_now_ns(t, s);
	EXPECT_ERR(t, tpc_req3(t, s, PACKET_RX_RING, &q), 0);
	r = tpc_map_all(t, s, 4 * 4096);
	REQUIRE(t, r);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	/* whole ms to sleep until 996.5 ms: 996 on a virtual clock that
	 * stood still, half a ms of room for a real sleep's overshoot */
	at = (996500000 - (tpc_now_ns(t, s) - t0)) / 1000000;
	if (at < 0) {
		tpc_skip(t, "the machine stalled: over 996 ms to set up");
		return;
	}
	REQUIRE(t, !tpc_sleep_ms(t, s, (int)at));
	st = tpc_block_status(r);
	at = tpc_now_ns(t, s) - t0;
	if (at >= 997000000) {
		tpc_skip(t, "the machine stalled: read at %lld us, wanted "
			 "996000-996500", (long long)at / 1000);
		return;
	}
	tpc_note(t, "read at %lld us", (long long)at / 1000);
	EXPECT_HEX(t, "block 0 just before 997 ms (tov 997)",
		   TP_STATUS_KERNEL, st);
	EXPECT_HEX(t, "poll for the retired block", POLLIN,
		   t->ops->poll(s, POLLIN, 3000));
	at = tpc_now_ns(t, s) - t0;
	EXPECT_HEX(t, "block 0 retired", TP_STATUS_USER | TP_STATUS_BLK_TMO,
		   tpc_block_status(r));
	EXPECT_EQ(t, "block 0's packets", 1,
		  ((struct tpacket_block_desc *)r)->hdr.bh1.num_pkts);
	if (at < 997000000)
		tpc_fail(t, __LINE__, "block 0 retired at %lld us, before "
			 "997000", (long long)at / 1000);
}

/*
 * B3 + B4, a frozen queue thawed by the timer: 4 blocks, a 20 ms
 * timeout; nine 1400-byte frames fill blocks 0-3 (the timer last armed at
 * block 3's open), the ninth finds block 0 still the user's and freezes
 * the queue on it. The user gives block 0 back and 200 ms pass in one
 * wait. The timer opens block 0 at its first expiry after the return
 * (6.18's periodic tick) or its second (6.1, 6.12: the first one only
 * re-arms for the frozen block, prb_retire_rx_blk_timer_expired's
 * last_kactive_blk_num != kactive_blk_num): ts_first_pkt, the open's
 * time, is within three timeouts of the return, not near the wait's end.
 * A frame then goes in, and the timer retires the block with it (and
 * freezes the queue again on block 1).
 */
static void v3_thaw_by_timer(struct tpc_t *t)
{
	struct tpacket_req3 q = { .tp_block_size = 4096, .tp_block_nr = 4,
				  .tp_frame_size = 2048, .tp_frame_nr = 8,
				  .tp_retire_blk_tov = 20 };
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);
	struct tpacket_block_desc *b0;
	int64_t back, opened;
	uint8_t pkt[60];
	char *r;

	REQUIRE(t, s);
	EXPECT_ERR(t, tpc_req3(t, s, PACKET_RX_RING, &q), 0);
	r = tpc_map_all(t, s, 4 * 4096);
	REQUIRE(t, r);
	b0 = (struct tpacket_block_desc *)r;
	REQUIRE(t, !inject_big(t, s, 9));
	back = tpc_now_ns(t, s);
	for (int i = 0; i < 4; i++)
		if (tpc_block_status(r + i * 4096) != TP_STATUS_USER) {
			tpc_skip(t, "the machine stalled: block %d 0x%x after "
				 "the fill, not closed full (USER)", i,
				 tpc_block_status(r + i * 4096));
			return;
		}
	tpc_block_release(b0);
	REQUIRE(t, !tpc_sleep_ms(t, s, 200));
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	/* the timer retires it within a timeout or two; 50 at most */
	for (int i = 0; i < 50 && tpc_block_status(b0) == TP_STATUS_KERNEL;
	     i++)
		REQUIRE(t, !tpc_sleep_ms(t, s, 20));
	/* LOSING: the ninth frame's drop is not read yet (B1) */
	EXPECT_HEX(t, "block 0 after the frame", TP_STATUS_USER |
		   TP_STATUS_LOSING | TP_STATUS_BLK_TMO, tpc_block_status(b0));
	EXPECT_EQ(t, "block 0's packets", 1, b0->hdr.bh1.num_pkts);
	EXPECT_EQ(t, "getsockopt", 0,
		  t->ops->getsockopt(s, SOL_PACKET, PACKET_STATISTICS, &st,
				     &len));
	EXPECT_EQ(t, "tp_packets", 10, st.tp_packets);
	EXPECT_EQ(t, "tp_drops", 1, st.tp_drops);
	/* the ninth frame's, and block 0's retirement with block 1 still
	 * the user's */
	EXPECT_EQ(t, "tp_freeze_q_cnt", 2, st.tp_freeze_q_cnt);
	opened = (int64_t)b0->hdr.bh1.ts_first_pkt.ts_sec * 1000000000 +
		 b0->hdr.bh1.ts_first_pkt.ts_nsec - back;
	if (opened < 0 || opened > 60000000)
		tpc_fail(t, __LINE__, "block 0 opened %lld us after its "
			 "return, wanted 0 to 60000 (3 timeouts)",
			 (long long)opened / 1000);
}

const struct tpc_case tpc_cases_recv_edges[] = {
	{ "recv.purged_by_ring", "Q1 O7", 0, .fn = purged_by_ring,
	  .needs = TPC_CAP_INJECT },
	{ "recv.purge_then_queue", "Q1", 0, .fn = purge_then_queue,
	  .needs = TPC_CAP_INJECT },
	{ "recv.signal_eintr", "Q2", 0, .fn = recv_interrupted,
	  .timeout_s = 15 },
	{ "poll.signal_eintr", "Q2 P1", 0, .fn = poll_interrupted,
	  .timeout_s = 15 },
	{ "bounds.v3_flood_check_wrap", "B8", TPC_V3,
	  .fn = v3_flood_check_wrap, .needs = TPC_CAP_INJECT },
	{ "blocks.no_vnet_gap", "O10 R7", TPC_V3, .fn = v3_no_vnet_gap,
	  .needs = TPC_CAP_CSUM },
	{ "blocks.retire_tov_rounding", "B4 G14", TPC_V3,
	  .fn = v3_retire_tov_rounding },
	{ "blocks.thaw_by_timer", "B3 B4 B1", TPC_V3,
	  .fn = v3_thaw_by_timer, .needs = TPC_CAP_INJECT },
	{ NULL },
};
