// SPDX-License-Identifier: MIT
/*
 * Description: rules at their exact boundaries (G6, G12, T2, the V3 flood
 * check), the cases mutation testing (make mutation) found missing: a
 * simulator with the boundary moved by one passed every other case. This
 * file: ring and block sizes, the owner bitmap, TX_HAS_OFF's limits, the V3
 * flood check and timer, a socket without a ring, mmap(2) and munmap(2);
 * frame contents and option edges are in bounds_frames.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "tpc_bounds.h"

/* G6 at equality: 48 + ALIGN8(priv) + tp_hdrlen (68) + reserve ==
 * block_size is accepted, one byte more is not; ALIGN8 rounds priv up. */
static void v3_block_header_exact(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	REQUIRE(t, !tpc_setint(t, s, PACKET_RESERVE, 4));
	/* 48 + 3976 + 68 + 4 = 4096 */
	EXPECT_ERRNO(t, "4096-byte block, priv 3976, reserve 4", 0,
		     req3(t, s, PACKET_RX_RING, 4096, 1, 80, 51, 3976));
	EXPECT_ERRNO(t, "teardown", 0,
		     req3(t, s, PACKET_RX_RING, 0, 0, 0, 0, 0));
	/* ALIGN8(3969) = 3976: the same block size */
	EXPECT_ERRNO(t, "priv 3969 (aligned up to 3976)", 0,
		     req3(t, s, PACKET_RX_RING, 4096, 1, 80, 51, 3969));
	EXPECT_ERRNO(t, "teardown", 0,
		     req3(t, s, PACKET_RX_RING, 0, 0, 0, 0, 0));
	/* ALIGN8(3977) = 3984: 8 bytes too many */
	EXPECT_ERRNO(t, "priv 3977 (aligned up to 3984)", -EINVAL,
		     req3(t, s, PACKET_RX_RING, 4096, 1, 80, 51, 3977));
	/* the reserve counts too: 48 + 3976 + 68 + 5 = 4097 */
	REQUIRE(t, !tpc_setint(t, s, PACKET_RESERVE, 5));
	EXPECT_ERRNO(t, "priv 3976, reserve 5", -EINVAL,
		     req3(t, s, PACKET_RX_RING, 4096, 1, 80, 51, 3976));
	/* two pages: the limit moves with the block */
	EXPECT_ERRNO(t, "8192-byte block, priv 8072, reserve 5", -EINVAL,
		     req3(t, s, PACKET_RX_RING, 8192, 1, 96, 85, 8072));
	EXPECT_ERRNO(t, "8192-byte block, priv 8064, reserve 5", 0,
		     req3(t, s, PACKET_RX_RING, 8192, 1, 96, 85, 8064));
}

/* G12: a 4 MiB block is accepted (2.6 took blocks up to order
 * MAX_ORDER - 1 = 4 MiB from the page allocator; today's kernel has no
 * cap), the largest one both kernels take. */
static void block_4mib(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "one 4 MiB block of 2048-byte frames", 0,
		     req3(t, s, PACKET_RX_RING, 4u << 20, 1, 2048, 2048, 0));
}

/* G12 on 2.6 (the linux-2.6 profile): the block vector was one kmalloc of
 * at most 128 KiB, 16384 pointers, and a block at most 4 MiB. Today's
 * kernel takes more of both; the 2.6 profile fails the second and third
 * of these (conformance/expect/profile-linux-2.6.txt). */
static void block_vector_128k(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "16384 blocks (a 128 KiB vector)", 0,
		     req3(t, s, PACKET_RX_RING, 4096, 16384, 4096, 16384, 0));
}

static void block_vector_over_128k(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "16385 blocks", 0,
		     req3(t, s, PACKET_RX_RING, 4096, 16385, 4096, 16385, 0));
}

static void block_8mib(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "one 8 MiB block of 2048-byte frames", 0,
		     req3(t, s, PACKET_RX_RING, 8u << 20, 1, 2048, 4096, 0));
}

/*
 * G12: the owner bitmap (one bit per frame, a kmalloc of whole longs) is
 * allocated for V1/V2 RX rings only, after the ring memory: 2^25 frames
 * (4 MiB of bitmap, kmalloc's largest object) fit, 2^25 + 128 do not. A
 * TX ring of as many frames has no bitmap. Each request takes 2 GiB on a
 * kernel: a machine that cannot give them skips the case.
 */
/*
 * A kernel allocates a ring's blocks at once, outside any process: a machine
 * (or a guest of the kernel matrix, 1 GiB) without the memory free answers
 * with the OOM killer, not ENOMEM, and takes the whole run with it. Asked
 * only of the kernel backend; the simulator maps its memfd lazily.
 */
static bool kernel_can_spare(struct tpc_t *t, unsigned long long bytes)
{
	unsigned long long kib = 0;
	char line[128];
	FILE *f;

	if (strcmp(t->backend, "kernel"))
		return true;
	f = fopen("/proc/meminfo", "r");
	if (!f)
		return true;	/* nothing to go by: try, as before */
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1)
			break;
	fclose(f);
	if (kib && kib * 1024 < bytes + bytes / 2) {
		tpc_skip(t, "needs %llu MiB free for the ring, MemAvailable "
			 "is %llu MiB (memory, not a rule)", bytes >> 20,
			 kib >> 10);
		return false;
	}
	return true;
}

#define BITMAP_FRAMES (1u << 25)	/* 64-byte frames, 128 a block */
static void owner_bitmap_limit(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	int err;

	REQUIRE(t, s);
	if (!kernel_can_spare(t, 2ull << 30))
		return;
	/* the same 2 GiB as a TX ring first: ENOMEM there is the machine */
	err = req3(t, s, PACKET_TX_RING, 8192, BITMAP_FRAMES / 128 + 1, 64,
		   BITMAP_FRAMES + 128, 0);
	if (err == -ENOMEM) {
		tpc_skip(t, "a 2 GiB TX ring: ENOMEM (memory, not a rule)");
		return;
	}
	if (!err)
		EXPECT_ERRNO(t, "TX teardown", 0,
			     req3(t, s, PACKET_TX_RING, 0, 0, 0, 0, 0));
	EXPECT_ERRNO(t, "RX ring of 2^25 frames (a 4 MiB bitmap)", 0,
		     req3(t, s, PACKET_RX_RING, 8192, BITMAP_FRAMES / 128, 64,
			  BITMAP_FRAMES, 0));
	EXPECT_ERRNO(t, "RX teardown", 0,
		     req3(t, s, PACKET_RX_RING, 0, 0, 0, 0, 0));
	EXPECT_ERRNO(t, "RX ring of 2^25 + 128 frames (bitmap 4 MiB + 16)",
		     -ENOMEM,
		     req3(t, s, PACKET_RX_RING, 8192, BITMAP_FRAMES / 128 + 1,
			  64, BITMAP_FRAMES + 128, 0));
}

/* A TX ring has no owner bitmap: as many frames are accepted. */
static void tx_no_owner_bitmap(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	int err;

	REQUIRE(t, s);
	if (!kernel_can_spare(t, 2ull << 30))
		return;
	err = req3(t, s, PACKET_TX_RING, 8192, BITMAP_FRAMES / 128 + 1, 64,
		   BITMAP_FRAMES + 128, 0);
	if (err == -ENOMEM && strcmp(t->backend, "sim")) {
		tpc_skip(t, "a 2 GiB TX ring: ENOMEM (memory, not a rule)");
		return;
	}
	EXPECT_ERRNO(t, "TX ring of 2^25 + 128 frames", 0, err);
}

/* A V3 RX ring has blocks, not frame slots: no owner bitmap either. */
static void v3_no_owner_bitmap(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	/* 80-byte frames, 204 a 16 KiB block: 2^25 + 68 frames */
	unsigned int bnr = BITMAP_FRAMES / 204 + 1;
	int err;

	REQUIRE(t, s);
	if (!kernel_can_spare(t, (unsigned long long)bnr * 16384))
		return;
	err = req3(t, s, PACKET_RX_RING, 16384, bnr, 80, bnr * 204, 0);
	if (err == -ENOMEM && strcmp(t->backend, "sim")) {
		tpc_skip(t, "a 2.6 GiB V3 ring: ENOMEM (memory, not a rule)");
		return;
	}
	EXPECT_ERRNO(t, "V3 RX ring of 2^25 + 68 frames", 0, err);
}

/* T2, PACKET_TX_HAS_OFF: the data may start anywhere from
 * TPACKET_ALIGN(sizeof hdr) to frame_size - tp_len, both ends included
 * (tpacket_parse_header); one byte past either end is EINVAL. */
static void tx_has_off_limits(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	uint16_t min = t->version == TPACKET_V3 ? 48 : 32;
	uint8_t got[2048];
	char *r;
	void *h;

	REQUIRE(t, s);
	REQUIRE(t, !tpc_setint(t, s, PACKET_TX_HAS_OFF, 1));
	r = tpc_open_tx(t, SOCK_RAW, 2048, 4, &s);
	REQUIRE(t, r);
	h = tpc_frame(r, 4096, 2048, 0);
	set_off(t, h, 100, min);
	EXPECT_EQ(t, "send at the lowest offset", 100,
		  tpc_send(t, s, NULL, 0));
	h = tpc_frame(r, 4096, 2048, 1);
	set_off(t, h, 100, 2048 - 100);
	EXPECT_EQ(t, "send ending at the frame end", 100,
		  tpc_send(t, s, NULL, 0));
	EXPECT_EQ(t, "wire 1", 100,
		  tpc_wire_read(t, s, got, sizeof(got), WIRE_WAIT));
	EXPECT_EQ(t, "wire 2", 100,
		  tpc_wire_read(t, s, got, sizeof(got), WIRE_WAIT));
	EXPECT_HEX(t, "ethertype of the frame at the end", 0x88b5,
		   got[12] << 8 | got[13]);
	h = tpc_frame(r, 4096, 2048, 2);
	set_off(t, h, 100, 2048 - 99);
	EXPECT_ERR(t, tpc_send(t, s, NULL, 0), -EINVAL);
	EXPECT_HEX(t, "one byte past the end", TP_STATUS_WRONG_FORMAT,
		   tpc_status(t, h));
	set_off(t, h, 100, 0);
	EXPECT_ERR(t, tpc_send(t, s, NULL, 0), -EINVAL);
	EXPECT_HEX(t, "offset 0", TP_STATUS_WRONG_FORMAT, tpc_status(t, h));
	set_off(t, h, 100, min);
	EXPECT_EQ(t, "the frame rewritten", 100, tpc_send(t, s, NULL, 0));
}

static void set_block(char *ring, unsigned int i, uint32_t status)
{
	struct tpacket_block_desc *b =
		(struct tpacket_block_desc *)(ring + (size_t)i * 4096);

	b->hdr.bh1.block_status = status;
}

/*
 * The flood check of tpacket_rcv (__packet_rcv_has_room, ROOM_NONE):
 * a V3 packet is dropped when neither the active block nor the block a
 * quarter of the ring ahead (block_nr >> 2) is the kernel's, even though
 * the active block is open. A consumer that writes USER into blocks it
 * was never given shows it; with 8 blocks the quarter is 2 blocks.
 */
static void v3_flood_check(struct tpc_t *t)
{
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, 4096, 8, 60000, 0, 0, &s);
	unsigned int packets, drops;
	uint8_t pkt[60];

	REQUIRE(t, r);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	set_block(r, 0, TP_STATUS_USER);
	set_block(r, 2, TP_STATUS_USER);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_EQ(t, "block 0 packets with blocks 0 and 2 USER", 0,
		  num_pkts(r, 0));
	set_block(r, 2, TP_STATUS_KERNEL);
	set_block(r, 1, TP_STATUS_USER);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_EQ(t, "block 0 packets with blocks 0 and 1 USER", 1,
		  num_pkts(r, 0));
	set_block(r, 0, TP_STATUS_KERNEL);
	set_block(r, 2, TP_STATUS_USER);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_EQ(t, "block 0 packets with blocks 1 and 2 USER", 2,
		  num_pkts(r, 0));
	REQUIRE(t, !tpc_stats(t, s, &packets, &drops));
	EXPECT_EQ(t, "tp_packets", 3, packets);
	EXPECT_EQ(t, "tp_drops", 1, drops);
}

/*
 * B3 + B4: the retire timer while the queue is frozen on a block other
 * than block 0 (the user holds it), for many periods, and then thawed:
 * the held block is never retired, and after its return the next packet
 * opens it and the timer retires it with BLK_TMO.
 */
static void v3_frozen_timer(struct tpc_t *t)
{
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, 4096, 3, 10, 0, 0, &s);
	uint8_t pkt[60];
	struct tpacket_block_desc *b1;

	REQUIRE(t, r);
	b1 = (struct tpacket_block_desc *)(r + 4096);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	/* one packet a block, each retired by the timer: 0, 1, 2 */
	for (int i = 0; i < 3; i++) {
		REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
		REQUIRE(t, !tpc_sleep_ms(t, s, 30));
		if (i == 0)	/* block 0 back: the ring goes on there */
			tpc_block_release(r);
	}
	/* block 0 again, then block 1 (still the user's) freezes it */
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_sleep_ms(t, s, 30));
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_sleep_ms(t, s, 200));	/* 20 periods, frozen */
	EXPECT_HEX(t, "held block 1", TP_STATUS_USER | TP_STATUS_BLK_TMO,
		   tpc_block_status(b1));
	EXPECT_EQ(t, "block 1 packets while held", 1, b1->hdr.bh1.num_pkts);
	EXPECT_EQ(t, "getsockopt", 0,
		  t->ops->getsockopt(s, SOL_PACKET, PACKET_STATISTICS, &st,
				     &len));
	EXPECT_EQ(t, "tp_freeze_q_cnt", 1, st.tp_freeze_q_cnt);
	EXPECT_EQ(t, "tp_drops", 1, st.tp_drops);
	tpc_block_release(b1);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_sleep_ms(t, s, 30));
	EXPECT_HEX(t, "block 1 reopened and retired",
		   TP_STATUS_USER | TP_STATUS_BLK_TMO, tpc_block_status(b1));
	EXPECT_EQ(t, "block 1 packets", 1, b1->hdr.bh1.num_pkts);
	EXPECT_EQ(t, "block 1 seq_num", 5, b1->hdr.bh1.seq_num);
}

/*
 * Without a ring the receive queue is bounded by SO_RCVBUF (its minimum,
 * 2304, after asking for 1): a packet is queued while the memory already
 * charged is below it, so 142-byte frames make 3 and the rest are drops;
 * each recv gives its charge back.
 */
static void no_ring_rcvbuf(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	uint8_t pkt[142], buf[200];
	unsigned int p, d;
	int one = 1;

	REQUIRE(t, s);
	EXPECT_ERR(t, t->ops->setsockopt(s, SOL_SOCKET, SO_RCVBUF, &one,
					 sizeof(one)), 0);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	for (int i = 0; i < 50; i++)
		REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_stats(t, s, &p, &d));
	EXPECT_EQ(t, "tp_packets", 50, p);
	EXPECT_EQ(t, "tp_drops", 47, d);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(t, "recv", 142,
			  t->ops->recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_ERR(t, t->ops->recv(s, buf, sizeof(buf), MSG_DONTWAIT),
		   -EAGAIN);
	/* the queue is empty again: room for 3 more */
	for (int i = 0; i < 4; i++)
		REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_stats(t, s, &p, &d));
	EXPECT_EQ(t, "tp_packets after the recvs", 4, p);
	EXPECT_EQ(t, "tp_drops after the recvs", 1, d);
}

/* M1, before packet_mmap: mmap(2) itself refuses a length of 0 and an
 * offset that is not a multiple of the page (EINVAL), also when no ring
 * exists, and a negative offset: past a socket's largest "file size"
 * (file_mmap_ok(), EOVERFLOW). */
static void mmap_syscall_checks(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	void *m;

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "mmap length 0 without a ring", -EINVAL,
		     t->ops->mmap(s, 0, 0, &m));
	EXPECT_ERRNO(t, "ring", 0, tpc_ring(t, s, 4096, 2, 2048, 4));
	EXPECT_ERRNO(t, "mmap length 0", -EINVAL, t->ops->mmap(s, 0, 0, &m));
	EXPECT_ERRNO(t, "mmap offset 100", -EINVAL,
		     t->ops->mmap(s, 8192, 100, &m));
	EXPECT_ERRNO(t, "mmap offset -4096", -EOVERFLOW,
		     t->ops->mmap(s, 8192, -4096, &m));
}

/* M3: a mapping unmapped twice is gone once: the ring can be torn down
 * (the second munmap's own answer differs: the kernel's munmap(2) of an
 * unmapped range is 0, the simulator's is EINVAL, so it is not checked). */
static void unmap_twice(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	void *m;

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "ring", 0, tpc_ring(t, s, 4096, 2, 2048, 4));
	EXPECT_ERRNO(t, "mmap", 0, t->ops->mmap(s, 8192, 0, &m));
	EXPECT_ERRNO(t, "munmap", 0, t->ops->munmap(s, m, 8192));
	(void)t->ops->munmap(s, m, 8192);
	EXPECT_ERRNO(t, "teardown after two munmaps", 0,
		     tpc_ring(t, s, 0, 0, 0, 0));
	EXPECT_ERRNO(t, "a new ring", 0, tpc_ring(t, s, 4096, 1, 2048, 2));
}

const struct tpc_case tpc_cases_bounds[] = {
	{ "bounds.v3_block_header_exact", "G6", TPC_V3,
	  .fn = v3_block_header_exact },
	{ "bounds.block_4mib", "G12", TPC_V123, .fn = block_4mib },
	{ "bounds.block_8mib", "G12", TPC_V123, .fn = block_8mib },
	{ "bounds.block_vector_128k", "G12", TPC_V123,
	  .fn = block_vector_128k },
	{ "bounds.block_vector_over_128k", "G12", TPC_V123,
	  .fn = block_vector_over_128k },
	{ "bounds.owner_bitmap_limit", "G12", TPC_V2,
	  .fn = owner_bitmap_limit, .timeout_s = 60 },
	{ "bounds.tx_no_owner_bitmap", "G12", TPC_V2,
	  .fn = tx_no_owner_bitmap, .timeout_s = 60 },
	{ "bounds.v3_no_owner_bitmap", "G12", TPC_V3,
	  .fn = v3_no_owner_bitmap, .timeout_s = 60 },
	{ "bounds.tx_has_off_limits", "T2", TPC_V123,
	  .fn = tx_has_off_limits, .needs = TPC_CAP_WIRE },
	{ "bounds.v3_flood_check", "B8", TPC_V3, .fn = v3_flood_check },
	{ "bounds.v3_frozen_timer", "B3 B4", TPC_V3, .fn = v3_frozen_timer },
	{ "bounds.no_ring_rcvbuf", "O7", 0, .fn = no_ring_rcvbuf },
	{ "bounds.mmap_syscall_checks", "M1", TPC_V123,
	  .fn = mmap_syscall_checks },
	{ "bounds.unmap_twice", "M3 G1", TPC_V123, .fn = unmap_twice },
	{ .name = NULL },
};
