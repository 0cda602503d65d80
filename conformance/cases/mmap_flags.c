// SPDX-License-Identifier: MIT
/*
 * M1, the flags of mmap(2): packet_mmap() does not look at them, the
 * syscall does. A file is mapped shared, shared-validate or private;
 * MAP_FIXED puts the ring where the caller says, MAP_FIXED_NOREPLACE
 * only where nothing is, and one laid over an earlier mapping of the
 * ring replaces it; MAP_SHARED_VALIDATE refuses a flag a socket does not
 * support. A private mapping sees the ring until the user
 * writes to a page of it; that write never reaches the producer.
 */
#include <errno.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "../tpc.h"

#define RING 8192u	/* two 4096-byte blocks of two 2048-byte frames */

static int map(struct tpc_t *t, struct tpc_sock *s, void *addr, int flags,
	       char **m)
{
	void *p = NULL;
	int err = t->ops->mmap_at(s, addr, RING, 0, flags, &p);

	*m = p;
	return err;
}

static void flags_as_mmap2(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	char *m, *m2, *above;
	uint8_t pkt[60];
	void *at;

	REQUIRE(t, s);
	if (!TPC_OPS_HAS(t->ops, mmap_at)) {
		tpc_skip(t, "backend %s has no mmap_at", t->backend);
		return;
	}
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	EXPECT_ERRNO(t, "PACKET_RX_RING", 0, tpc_ring(t, s, 4096, 2, 2048, 4));
	REQUIRE(t, !t->failed);
	EXPECT_ERRNO(t, "flags 0 (no mapping type)", -EINVAL,
		     map(t, s, NULL, 0, &m));
	EXPECT_ERRNO(t, "MAP_SHARED | 0x08 (MAP_DROPPABLE)", -EINVAL,
		     map(t, s, NULL, MAP_SHARED | 0x08, &m));
	EXPECT_ERRNO(t, "MAP_SHARED_VALIDATE | MAP_SYNC", -EOPNOTSUPP,
		     map(t, s, NULL, MAP_SHARED_VALIDATE | MAP_SYNC, &m));

	EXPECT_ERRNO(t, "MAP_SHARED_VALIDATE", 0,
		     map(t, s, NULL, MAP_SHARED_VALIDATE, &m));
	REQUIRE(t, m);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_HEX(t, "frame 0 through MAP_SHARED_VALIDATE", TP_STATUS_USER,
		   tpc_status(t, m) & TP_STATUS_USER);
	EXPECT_ERRNO(t, "munmap", 0, t->ops->munmap(s, m, RING));

	/* room the case holds for two rings: MAP_FIXED replaces it */
	at = mmap(NULL, 2 * RING, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		  0);
	EXPECT_TRUE(t, "the room (an anonymous mapping)", at != MAP_FAILED);
	REQUIRE(t, at != MAP_FAILED);
	above = (char *)at + RING;
	EXPECT_ERRNO(t, "MAP_SHARED | MAP_FIXED", 0,
		     map(t, s, at, MAP_SHARED | MAP_FIXED, &m));
	EXPECT_TRUE(t, "the ring at the address asked for", m == at);
	EXPECT_HEX(t, "frame 0 there", TP_STATUS_USER,
		   tpc_status(t, at) & TP_STATUS_USER);
	EXPECT_ERRNO(t, "MAP_FIXED_NOREPLACE over it", -EEXIST,
		     map(t, s, at, MAP_SHARED | MAP_FIXED_NOREPLACE, &m2));
	EXPECT_ERRNO(t, "MAP_SHARED | MAP_FIXED right above it", 0,
		     map(t, s, above, MAP_SHARED | MAP_FIXED, &m2));
	EXPECT_TRUE(t, "there", m2 == above);
	/* MAP_FIXED over the first again: that one is gone, the one above
	 * stays */
	EXPECT_ERRNO(t, "MAP_SHARED | MAP_FIXED over the first", 0,
		     map(t, s, at, MAP_SHARED | MAP_FIXED, &m));
	EXPECT_TRUE(t, "there again", m == at);
	EXPECT_ERRNO(t, "munmap", 0, t->ops->munmap(s, at, RING));
	EXPECT_ERRNO(t, "teardown while the one above is mapped", -EBUSY,
		     tpc_ring(t, s, 0, 0, 0, 0));
	EXPECT_ERRNO(t, "munmap", 0, t->ops->munmap(s, above, RING));
	EXPECT_ERRNO(t, "MAP_FIXED_NOREPLACE where nothing is", 0,
		     map(t, s, at, MAP_SHARED | MAP_FIXED_NOREPLACE, &m));
	EXPECT_TRUE(t, "there", m == at);
	EXPECT_ERRNO(t, "munmap", 0, t->ops->munmap(s, at, RING));

	/* a private mapping reads the ring as it is, frames that come
	 * after it was made included; a write copies the page */
	EXPECT_ERRNO(t, "MAP_PRIVATE", 0, map(t, s, NULL, MAP_PRIVATE, &m));
	REQUIRE(t, m);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_HEX(t, "frame 1, after the mapping", TP_STATUS_USER,
		   tpc_status(t, m + 2048) & TP_STATUS_USER);
	tpc_release(t, m);
	EXPECT_ERRNO(t, "MAP_SHARED beside it", 0,
		     map(t, s, NULL, MAP_SHARED, &m2));
	REQUIRE(t, m2);
	EXPECT_HEX(t, "frame 0 released in the private copy", TP_STATUS_KERNEL,
		   tpc_status(t, m));
	EXPECT_HEX(t, "frame 0 as the producer has it", TP_STATUS_USER,
		   tpc_status(t, m2) & TP_STATUS_USER);
	EXPECT_ERRNO(t, "munmap", 0, t->ops->munmap(s, m2, RING));
	EXPECT_ERRNO(t, "munmap", 0, t->ops->munmap(s, m, RING));
	EXPECT_ERRNO(t, "teardown with none left", 0,
		     tpc_ring(t, s, 0, 0, 0, 0));
}

const struct tpc_case tpc_cases_mmap_flags[] = {
	{ "mmap.flags_as_mmap2", "M1 G1", TPC_V12, .fn = flags_as_mmap2 },
	{ .name = NULL },
};
