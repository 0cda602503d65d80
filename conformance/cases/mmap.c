// SPDX-License-Identifier: MIT
/* Description: mmap of the socket (M1-M3, G1, G15). */
#include <errno.h>
#include <string.h>

#include "tpc.h"

static void no_ring(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	void *m;

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "mmap without a ring", -EINVAL,
		     t->ops->mmap(s, 8192, 0, &m));
}

static void nonzero_offset(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	void *m;

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "ring", 0, tpc_ring(t, s, 4096, 2, 2048, 4));
	EXPECT_ERRNO(t, "mmap offset 4096", -EINVAL,
		     t->ops->mmap(s, 4096, 4096, &m));
	EXPECT_ERRNO(t, "mmap offset 4096, full length", -EINVAL,
		     t->ops->mmap(s, 8192, 4096, &m));
}

static void wrong_length(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	void *m;

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "ring", 0, tpc_ring(t, s, 4096, 2, 2048, 4));
	EXPECT_ERRNO(t, "mmap one page short", -EINVAL,
		     t->ops->mmap(s, 4096, 0, &m));
	EXPECT_ERRNO(t, "mmap one page long", -EINVAL,
		     t->ops->mmap(s, 12288, 0, &m));
}

static void length_rounded_to_page(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	void *m;

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "ring", 0, tpc_ring(t, s, 4096, 2, 2048, 4));
	/* mmap(2) rounds the length up to a page before the socket sees it */
	EXPECT_ERRNO(t, "mmap 8092 bytes", 0, t->ops->mmap(s, 8092, 0, &m));
	EXPECT_ERRNO(t, "munmap", 0, t->ops->munmap(s, m, 8192));
}

static void second_mapping_counts(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	void *a, *b;

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "ring", 0, tpc_ring(t, s, 4096, 2, 2048, 4));
	EXPECT_ERRNO(t, "first mmap", 0, t->ops->mmap(s, 8192, 0, &a));
	EXPECT_ERRNO(t, "second mmap", 0, t->ops->mmap(s, 8192, 0, &b));
	EXPECT_TRUE(t, "two mappings at two addresses", a != b);
	EXPECT_ERRNO(t, "munmap first", 0, t->ops->munmap(s, a, 8192));
	EXPECT_ERRNO(t, "teardown with one mapping left", -EBUSY,
		     tpc_ring(t, s, 0, 0, 0, 0));
	EXPECT_ERRNO(t, "munmap second", 0, t->ops->munmap(s, b, 8192));
	EXPECT_ERRNO(t, "teardown with none left", 0,
		     tpc_ring(t, s, 0, 0, 0, 0));
}

static void unmap_then_reset(struct tpc_t *t)
{
	struct tpc_sock *s;
	uint8_t pkt[300];
	char *m;

	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	m = tpc_open_ring(t, SOCK_RAW, 4096, 1, 2048, &s);
	REQUIRE(t, m);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_HEX(t, "frame 0 status", 1, tpc_status(t, m) & 1);
	REQUIRE(t, !tpc_unmap(t, m));
	EXPECT_ERRNO(t, "teardown", 0, tpc_ring(t, s, 0, 0, 0, 0));
	m = tpc_ring_map(t, s, 4096, 1, 2048);
	REQUIRE(t, m);
	/* G15: a new ring is zeroed and starts at frame 0 */
	for (int i = 0; i < 4096; i++)
		EXPECT_EQ(t, "byte of a fresh ring", 0, m[i]);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_HEX(t, "frame 0 status after re-setup", 1,
		   tpc_status(t, m) & 1);
}

/* M3 with parts: munmap of a head, a tail or the middle of the mapping
 * leaves the rest mapped and counting (the middle splits it in two, and
 * packet_mm_open counts the new piece); the ring is free only when the
 * last page is gone. */
static void partial_munmap_counts(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	void *a;
	char *c;

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "ring", 0, tpc_ring(t, s, 4096, 4, 2048, 8));
	REQUIRE(t, !t->ops->mmap(s, 16384, 0, &a));
	c = a;
	/* munmap(2)'s own refusals: no length, an address off a page */
	EXPECT_ERRNO(t, "munmap of 0 bytes", -EINVAL, t->ops->munmap(s, c, 0));
	EXPECT_ERRNO(t, "munmap off a page", -EINVAL,
		     t->ops->munmap(s, c + 1, 4096));
	EXPECT_ERRNO(t, "munmap the head page", 0,
		     t->ops->munmap(s, c, 4096));
	EXPECT_ERRNO(t, "teardown with three pages mapped", -EBUSY,
		     tpc_ring(t, s, 0, 0, 0, 0));
	EXPECT_ERRNO(t, "munmap the third page (the middle)", 0,
		     t->ops->munmap(s, c + 8192, 4096));
	EXPECT_ERRNO(t, "teardown with pages 2 and 4 mapped", -EBUSY,
		     tpc_ring(t, s, 0, 0, 0, 0));
	EXPECT_ERRNO(t, "munmap page 2", 0,
		     t->ops->munmap(s, c + 4096, 4096));
	EXPECT_ERRNO(t, "teardown with the tail page mapped", -EBUSY,
		     tpc_ring(t, s, 0, 0, 0, 0));
	EXPECT_ERRNO(t, "munmap the tail page", 0,
		     t->ops->munmap(s, c + 12288, 4096));
	EXPECT_ERRNO(t, "teardown with nothing mapped", 0,
		     tpc_ring(t, s, 0, 0, 0, 0));
}

const struct tpc_case tpc_cases_mmap[] = {
	{ "mmap.no_ring", "M1", 0, .fn = no_ring },
	{ "mmap.nonzero_offset", "M1", TPC_V123, .fn = nonzero_offset },
	{ "mmap.wrong_length", "M1", TPC_V123, .fn = wrong_length },
	{ "mmap.length_rounded_to_page", "M1", TPC_V123,
	  .fn = length_rounded_to_page },
	{ "mmap.second_mapping_counts", "M3 G1", TPC_V123,
	  .fn = second_mapping_counts },
	{ "mmap.partial_munmap_counts", "M3 G1", TPC_V123,
	  .fn = partial_munmap_counts },
	{ "mmap.unmap_then_reset", "G15 M2", TPC_V12, .fn = unmap_then_reset },
	{ NULL },
};
