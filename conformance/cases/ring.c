// SPDX-License-Identifier: MIT
/*
 * Description: ring setup, packet_set_ring() (G1-G12): every check at its
 * boundary, with the exact errno, for V1 and V2.
 */
#include <errno.h>

#include "tpc.h"

#define RING(t, s, bs, bn, fs, fn, err) \
	EXPECT_ERRNO(t, "PACKET_RX_RING " #bs " x " #bn ", frame " #fs " x " #fn, \
		     err, tpc_ring(t, s, bs, bn, fs, fn))

static void valid_setup(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	RING(t, s, 4096, 4, 2048, 8, 0);
	RING(t, s, 0, 0, 0, 0, 0);
}

static void teardown_without_ring(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	RING(t, s, 0, 0, 0, 0, 0);
	/* block and frame sizes are not looked at on teardown */
	RING(t, s, 123, 0, 7, 0, 0);
}

static void teardown_with_frames(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	RING(t, s, 0, 0, 0, 1, -EINVAL);
	RING(t, s, 4096, 0, 2048, 2, -EINVAL);
}

static void second_ring_busy(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	RING(t, s, 4096, 2, 2048, 4, 0);
	RING(t, s, 4096, 2, 2048, 4, -EBUSY);
	/* G3 comes before the geometry checks */
	RING(t, s, 1, 1, 1, 1, -EBUSY);
	RING(t, s, 0, 0, 0, 0, 0);
	RING(t, s, 8192, 1, 1024, 8, 0);
}

static void block_size_not_positive_int(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	RING(t, s, 0, 1, 64, 1, -EINVAL);
	RING(t, s, 0x80000000u, 1, 4096, 524288, -EINVAL);
	RING(t, s, 0xfffff000u, 1, 4096, 1048575, -EINVAL);
}

static void block_size_page_multiple(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	RING(t, s, 4095, 1, 128, 31, -EINVAL);
	RING(t, s, 4097, 1, 128, 32, -EINVAL);
	RING(t, s, 4096, 1, 128, 32, 0);
}

static void frame_size_minimum(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	if (t->version == TPACKET_V3) {
		/* tp_hdrlen is 68 for V3 */
		RING(t, s, 4096, 1, 64, 64, -EINVAL);
		RING(t, s, 4096, 1, 67, 61, -EINVAL);
		RING(t, s, 4096, 1, 80, 51, 0);
		return;
	}
	/* tp_hdrlen is 52 for V1 and V2 */
	RING(t, s, 4096, 1, 48, 85, -EINVAL);
	RING(t, s, 4096, 1, 51, 80, -EINVAL);
	RING(t, s, 4096, 1, 64, 64, 0);
}

static void frame_size_minimum_with_reserve(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	REQUIRE(t, !tpc_setint(t, s, PACKET_RESERVE, 28));
	if (t->version == TPACKET_V3) {
		tpc_note(t, "reserve 28, minimum frame 96");
		RING(t, s, 4096, 1, 80, 51, -EINVAL);
		RING(t, s, 4096, 1, 95, 43, -EINVAL);
		RING(t, s, 4096, 1, 96, 42, 0);
		return;
	}
	tpc_note(t, "reserve 28, minimum frame 80");
	RING(t, s, 4096, 1, 64, 64, -EINVAL);
	RING(t, s, 4096, 1, 79, 51, -EINVAL);
	RING(t, s, 4096, 1, 80, 51, 0);
}

static void frame_size_alignment(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	RING(t, s, 4096, 1, 72, 56, -EINVAL);
	RING(t, s, 4096, 1, 81, 50, -EINVAL);
	RING(t, s, 4096, 1, 80, 51, 0);
}

static void frame_larger_than_block(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	RING(t, s, 4096, 1, 4112, 0, -EINVAL);
	RING(t, s, 4096, 1, 4096, 1, 0);
}

static void frames_per_block_overflow(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	/* 64 frames per block: 64 * 67108864 = 2^32 wraps to 0, which
	 * equals tp_frame_nr 0; only the overflow guard stops it */
	RING(t, s, 4096, 67108864u, 64, 0, -EINVAL);
	RING(t, s, 4096, 67108865u, 64, 64, -EINVAL);
	/* exactly UINT_MAX / tp_block_nr frames per block (32 = 2^32 - 1
	 * over 134217727, rounded down) pass the guard; the 1 GiB block
	 * vector then fails its kmalloc (G12) */
	RING(t, s, 4096, 134217727u, 128, 4294967264u, -ENOMEM);
}

static void frame_nr_mismatch(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	RING(t, s, 4096, 4, 2048, 7, -EINVAL);
	RING(t, s, 4096, 4, 2048, 9, -EINVAL);
	/* frame_size not dividing block_size: 3 frames of 1360 per block */
	RING(t, s, 4096, 2, 1360, 7, -EINVAL);
	RING(t, s, 4096, 2, 1360, 6, 0);
}

static void block_vector_limit(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	/* the block vector is one kmalloc of block_nr pointers: 524289 of
	 * them do not fit in its 4 MiB limit */
	RING(t, s, 4096, 524289, 4096, 524289, -ENOMEM);
}

static void busy_while_mapped(struct tpc_t *t)
{
	struct tpc_sock *s;
	char *m;

	m = tpc_open_ring(t, SOCK_RAW, 4096, 2, 2048, &s);
	REQUIRE(t, m);
	RING(t, s, 0, 0, 0, 0, -EBUSY);
	RING(t, s, 0, 0, 0, 5, -EBUSY);
	RING(t, s, 1, 1, 1, 1, -EBUSY);
	REQUIRE(t, !tpc_unmap(t, m));
	RING(t, s, 0, 0, 0, 0, 0);
}

static void version_after_ring_busy(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	int v = 1;

	REQUIRE(t, s);
	RING(t, s, 4096, 1, 2048, 2, 0);
	EXPECT_ERRNO(t, "PACKET_VERSION with a ring", -EBUSY,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_VERSION, &v,
					sizeof(v)));
	/* a bad value is refused before the ring is looked at */
	v = 9;
	EXPECT_ERRNO(t, "PACKET_VERSION 9 with a ring", -EINVAL,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_VERSION, &v,
					sizeof(v)));
	RING(t, s, 0, 0, 0, 0, 0);
	v = TPACKET_V1;
	EXPECT_ERRNO(t, "PACKET_VERSION after teardown", 0,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_VERSION, &v,
					sizeof(v)));
}

static void reserve_after_ring_busy(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	int v = 0;

	REQUIRE(t, s);
	RING(t, s, 4096, 1, 2048, 2, 0);
	EXPECT_ERRNO(t, "PACKET_RESERVE with a ring", -EBUSY,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_RESERVE, &v,
					sizeof(v)));
}

static void loss_after_ring_busy(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	int v = 1;

	REQUIRE(t, s);
	RING(t, s, 4096, 1, 2048, 2, 0);
	EXPECT_ERRNO(t, "PACKET_LOSS with a ring", -EBUSY,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_LOSS, &v,
					sizeof(v)));
	/* the any-time options stay settable */
	EXPECT_ERRNO(t, "PACKET_COPY_THRESH with a ring", 0,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_COPY_THRESH, &v,
					sizeof(v)));
	EXPECT_ERRNO(t, "PACKET_TIMESTAMP with a ring", 0,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_TIMESTAMP, &v,
					sizeof(v)));
}

const struct tpc_case tpc_cases_ring[] = {
	{ "ring.valid_setup", "G11 G2", TPC_V123, .fn = valid_setup },
	{ "ring.teardown_without_ring", "G2", TPC_V123,
	  .fn = teardown_without_ring },
	{ "ring.teardown_with_frames", "G2", TPC_V123,
	  .fn = teardown_with_frames },
	{ "ring.second_ring_busy", "G3", TPC_V123, .fn = second_ring_busy },
	{ "ring.block_size_not_positive_int", "G4", TPC_V123,
	  .fn = block_size_not_positive_int },
	{ "ring.block_size_page_multiple", "G5", TPC_V123,
	  .fn = block_size_page_multiple },
	{ "ring.frame_size_minimum", "G7 C2", TPC_V123,
	  .fn = frame_size_minimum },
	{ "ring.frame_size_minimum_with_reserve", "G7 O3", TPC_V123,
	  .fn = frame_size_minimum_with_reserve },
	{ "ring.frame_size_alignment", "G8", TPC_V123,
	  .fn = frame_size_alignment },
	{ "ring.frame_larger_than_block", "G9", TPC_V123,
	  .fn = frame_larger_than_block },
	{ "ring.frames_per_block_overflow", "G10", TPC_V123,
	  .fn = frames_per_block_overflow },
	{ "ring.frame_nr_mismatch", "G11", TPC_V123, .fn = frame_nr_mismatch },
	{ "ring.block_vector_limit", "G12", TPC_V2, .fn = block_vector_limit },
	{ "ring.busy_while_mapped", "G1 M3", TPC_V123, .fn = busy_while_mapped },
	{ "ring.version_after_ring_busy", "O2", TPC_V123,
	  .fn = version_after_ring_busy },
	{ "ring.reserve_after_ring_busy", "O3", TPC_V123,
	  .fn = reserve_after_ring_busy },
	{ "ring.loss_after_ring_busy", "O4 O5", TPC_V123,
	  .fn = loss_after_ring_busy },
	{ NULL },
};
