// SPDX-License-Identifier: MIT
/*
 * Kernel profiles: what changed between kernels, kept as data so the
 * checks in ring.c and sockopt.c stay one code path for every kernel.
 */
#include <string.h>

#include "internal.h"

#define OPT(n) (1u << (n))
/* SOL_PACKET options of today's kernel (1..23, 4 never existed). */
#define OPTS_LINUX                                                          \
	(OPT(PACKET_ADD_MEMBERSHIP) | OPT(PACKET_DROP_MEMBERSHIP) |        \
	 OPT(PACKET_RX_RING) | OPT(PACKET_STATISTICS) |                    \
	 OPT(PACKET_COPY_THRESH) | OPT(PACKET_AUXDATA) |                   \
	 OPT(PACKET_ORIGDEV) | OPT(PACKET_VERSION) | OPT(PACKET_HDRLEN) |  \
	 OPT(PACKET_RESERVE) | OPT(PACKET_TX_RING) | OPT(PACKET_LOSS) |    \
	 OPT(PACKET_VNET_HDR) | OPT(PACKET_TX_TIMESTAMP) |                 \
	 OPT(PACKET_TIMESTAMP) | OPT(PACKET_FANOUT) |                      \
	 OPT(PACKET_TX_HAS_OFF) | OPT(PACKET_QDISC_BYPASS) |               \
	 OPT(PACKET_ROLLOVER_STATS) | OPT(PACKET_FANOUT_DATA) |            \
	 OPT(PACKET_IGNORE_OUTGOING))
/* 6.2 added PACKET_VNET_HDR_SZ (24) */
#define OPTS_LINUX_6_2 (OPTS_LINUX | OPT(24))
/* 2.6.26, the kernel of the original packet_mmap document: no
 * PACKET_VERSION yet, so only TPACKET_V1 and no PACKET_RESERVE. */
#define OPTS_LINUX_2_6                                                      \
	(OPT(PACKET_ADD_MEMBERSHIP) | OPT(PACKET_DROP_MEMBERSHIP) |        \
	 OPT(PACKET_RX_RING) | OPT(PACKET_STATISTICS) |                    \
	 OPT(PACKET_COPY_THRESH) | OPT(PACKET_AUXDATA) |                   \
	 OPT(PACKET_ORIGDEV))

/* What linux and linux-6.1 share: everything but the retire timer. */
#define LINUX_6X                                                            \
	.page_size = 4096, .pointer_size = 8, .max_order = 11,              \
	.max_block_size = 0,                                                \
	/* block vector and owner bitmap come from kcalloc/kmalloc, whose  \
	 * largest object is PAGE_SIZE << MAX_PAGE_ORDER(10) */             \
	.kmalloc_max = 4u << 20,                                            \
	.versions = 1u << TPACKET_V1 | 1u << TPACKET_V2 | 1u << TPACKET_V3, \
	.overflow_guard = 1,                                                \
	.reserve_in_min_frame = 1, .mapped_check_first = 1,                 \
	.owner_bitmap = 1, .rmem_default = 212992, .rmem_max = 212992,      \
	.wmem_default = 212992, .wmem_max = 212992

static const struct tpsim_profile profiles[] = {
	{
		.name = "linux",
		.summary = "today's kernel (6.x, x86_64): checks of "
			   "packet_set_ring incl. the G10 overflow guard, "
			   "blocks without size cap, kmalloc'd block vector",
		LINUX_6X,
		/* 6.18 moved the retire timer to a periodic hrtimer */
		.retire_periodic = 1,
		.hz = 0,
		/* 128 KiB since 6.9 */
		.optmem_max = 131072,
		.dgram_inner_proto = 1,
		.copy_thresh_readable = 1,
		.small_head_cache = 1,
		.setsockopt_known = OPTS_LINUX_6_2,
		.vnet_min_csum_start = 20,
		.fanout_ignore_outgoing = 1,
		.vlan_present_bit = 0,
		.small_head_size = 576,
	},
	{
		.name = "linux-6.1",
		.summary = "6.1 (Debian 12): as linux-6.12, but "
			   "PACKET_COPY_THRESH cannot be read back, skb "
			   "heads come from kmalloc (no small-head cache) and "
			   "a cleared VLAN tag stays readable by a filter",
		LINUX_6X,
		.retire_periodic = 0,
		.hz = 250,
		/* sizeof(unsigned long) * (2 * UIO_MAXIOV + 512) */
		.optmem_max = 20480,
		.dgram_inner_proto = 1,
		.copy_thresh_readable = 0,
		.small_head_cache = 0,
		.setsockopt_known = OPTS_LINUX,
		.vnet_min_csum_start = 0,
		.fanout_ignore_outgoing = 0,
		.vlan_present_bit = 1,
	},
	{
		.name = "linux-2.6",
		.summary = "2.6.26, as the original packet_mmap document "
			   "describes it: TPACKET_V1 only, blocks from the page "
			   "allocator (order < MAX_ORDER), 128 KiB kmalloc "
			   "limit on the block vector, no overflow guard",
		.page_size = 4096,
		.pointer_size = 8,
		.max_order = 11,
		.max_block_size = 4096u << 10,
		.kmalloc_max = 128u << 10,
		.versions = 1u << TPACKET_V1,
		.setsockopt_known = OPTS_LINUX_2_6,
		.overflow_guard = 0,
		.reserve_in_min_frame = 0,
		.mapped_check_first = 0,
		.owner_bitmap = 0,
		.rmem_default = 109568,
		.rmem_max = 131071,
		.wmem_default = 109568,
		.wmem_max = 131071,
		.retire_periodic = 0,
		.hz = 250,
		.optmem_max = 20480,
		.vlan_present_bit = 1,
	},
	{
		.name = "linux-6.12",
		.summary = "6.12 to 6.17 (Debian 12 backports): as linux, but "
			   "the V3 retire timer is a jiffies timer re-armed at "
			   "each block open (HZ 250) and skb heads of up to "
			   "640 bytes come from the small-head cache",
		LINUX_6X,
		.retire_periodic = 0,
		.hz = 250,
		/* 128 KiB since 6.9 */
		.optmem_max = 131072,
		.dgram_inner_proto = 1,
		.copy_thresh_readable = 1,
		.small_head_cache = 1,
		.setsockopt_known = OPTS_LINUX_6_2,
		.vnet_min_csum_start = 20,
		.fanout_ignore_outgoing = 1,
		.vlan_present_bit = 0,
		/* Debian's config: MAX_HEADER 176 */
		.small_head_size = 640,
	},
};

const struct tpsim_profile *tpsim_profile_at(size_t i)
{
	return i < sizeof(profiles) / sizeof(profiles[0]) ? &profiles[i] : NULL;
}

const struct tpsim_profile *tpsim_profile_find(const char *name)
{
	const struct tpsim_profile *p;

	for (size_t i = 0; (p = tpsim_profile_at(i)); i++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}
