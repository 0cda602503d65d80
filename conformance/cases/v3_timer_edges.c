// SPDX-License-Identifier: MIT
/*
 * The V3 retire timer (B4) where a block is opened by a packet that did
 * not fit, long after the last such open: the block's age counts from
 * that packet's arrival, whichever timer the kernel runs (6.18's
 * periodic one, or the one re-armed at each block open before it).
 */
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>

#include "../tpc.h"

#define BS 4096u
#define TOV 1000
#define FLEN 1400u	/* two to a block: ALIGN8(82 + 1400) = 1488 */

static char *blk(char *r, unsigned int i)
{
	return r + (size_t)i * BS;
}

/* Three frames: two fill the open block, the third opens the next. */
static int three(struct tpc_t *t, struct tpc_sock *s, uint8_t tag)
{
	static uint8_t f[FLEN];

	tpc_eth(f, sizeof(f), tpc_bcast, 0x88b5);
	for (int i = 0; i < 3; i++) {
		f[14] = (uint8_t)(tag + i);
		if (tpc_inject(t, s, f, sizeof(f)))
			return -1;
	}
	return 0;
}

/* Sleep until ms after t0; false (the case skipped) if that was passed
 * by more than slack ms already: the machine stalled. */
static bool until(struct tpc_t *t, struct tpc_sock *s, int64_t t0, int ms,
		  int slack)
{
	int64_t now = tpc_now_ms(t, s) - t0;

	if (now > ms + slack) {
		tpc_skip(t, "the machine stalled: %lld ms, wanted %d",
			 (long long)now, ms);
		return false;
	}
	return now >= ms || !tpc_sleep_ms(t, s, (int)(ms - now));
}

/*
 * B4, the age of a block opened in a delivery. Ring set up at 0 with a
 * 1000 ms timeout, four blocks. At 0 three frames: block 0 closes full,
 * block 1 opens with the third. Both timers retire block 1 at 1000 ms
 * and open block 2. At 1300 ms three more: block 2 closes full, block 3
 * opens with the third. At 1650 ms block 3 is still open (the periodic
 * timer's next tick is at 2000 ms, the re-armed timer's at 2300 ms: a
 * producer that took the open's time from the delivery at 0 would have
 * retired it by now); at 2700 ms it is retired.
 */
static void retire_from_dispatch(struct tpc_t *t)
{
	struct tpacket_req3 q = { .tp_block_size = BS, .tp_block_nr = 4,
				  .tp_frame_size = 2048, .tp_frame_nr = 8,
				  .tp_retire_blk_tov = TOV };
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	int64_t t0;
	char *r;

	REQUIRE(t, s);
	t0 = tpc_now_ms(t, s);
	REQUIRE(t, t0 >= 0);
	EXPECT_ERR(t, tpc_req3(t, s, PACKET_RX_RING, &q), 0);
	r = tpc_map_all(t, s, 4 * BS);
	REQUIRE(t, r);
	REQUIRE(t, !three(t, s, 0x10));
	if (!until(t, s, t0, 0, 200))
		return;
	EXPECT_HEX(t, "block 0 (full)", TP_STATUS_USER,
		   tpc_block_status(blk(r, 0)));
	if (!until(t, s, t0, 1300, 150))
		return;
	EXPECT_HEX(t, "block 1 at 1300 ms", TP_STATUS_USER | TP_STATUS_BLK_TMO,
		   tpc_block_status(blk(r, 1)));
	EXPECT_HEX(t, "block 2 at 1300 ms", TP_STATUS_KERNEL,
		   tpc_block_status(blk(r, 2)));
	REQUIRE(t, !three(t, s, 0x20));
	EXPECT_HEX(t, "block 2 (full)", TP_STATUS_USER,
		   tpc_block_status(blk(r, 2)));
	if (!until(t, s, t0, 1650, 250))
		return;
	EXPECT_HEX(t, "block 3 at 1650 ms (opened at 1300)", TP_STATUS_KERNEL,
		   tpc_block_status(blk(r, 3)));
	if (!until(t, s, t0, 2700, 1000))
		return;
	EXPECT_HEX(t, "block 3 at 2700 ms", TP_STATUS_USER | TP_STATUS_BLK_TMO,
		   tpc_block_status(blk(r, 3)));
	EXPECT_EQ(t, "block 3's packets", 1,
		  ((struct tpacket_block_desc *)blk(r, 3))->hdr.bh1.num_pkts);
}

const struct tpc_case tpc_cases_v3_timer_edges[] = {
	{ "blocks.retire_from_dispatch", "B4", TPC_V3,
	  .fn = retire_from_dispatch },
	{ .name = NULL },
};
