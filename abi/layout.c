// SPDX-License-Identifier: MIT
/*
 * Prints the layout of every struct the two public ABIs share with code
 * built elsewhere, and the ABI numbers, one fact a line:
 *
 *	const NAME VALUE
 *	struct NAME SIZE fixed|grows
 *	member STRUCT.MEMBER OFFSET SIZE
 *
 * scripts/check-abi compares these with abi/layout.released. A struct is
 * "fixed" when code built against an older header allocates or maps it
 * and the library writes all of it (tpsim_ring_view, tpsim_wake in shared
 * memory); it "grows" when it carries its size (sz) or is only ever
 * handed out by the library, so members may be appended.
 *
 * So that a new member cannot slip past unrecorded, each struct's members
 * must be listed here in order and cover it up to its end (sizeof, or the
 * __last marker): a gap that alignment does not explain fails the run.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>

#include "tpsim.h"
#include "tpc_plugin.h"

static int bad;
static const char *cur;		/* the struct being listed */
static size_t cur_end;		/* end of the last member listed */

static size_t align_up(size_t x, size_t a)
{
	return (x + a - 1) / a * a;
}

static void begin(const char *name, size_t size, const char *rule)
{
	cur = name;
	cur_end = 0;
	printf("struct %s %zu %s\n", name, size, rule);
}

static void member(const char *name, size_t off, size_t size, size_t align)
{
	if (off != align_up(cur_end, align)) {
		fprintf(stderr, "abi/layout.c: struct %s: bytes %zu..%zu before"
			" %s are not described: add M(%s, <member>); for"
			" the member(s) there\n", cur, cur_end, off, name, cur);
		bad = 1;
	}
	printf("member %s.%s %zu %zu\n", cur, name, off, size);
	cur_end = off + size;
}

static void end(size_t end, size_t align)
{
	if (align_up(cur_end, align) != end) {
		fprintf(stderr, "abi/layout.c: struct %s: bytes %zu..%zu at its"
			" end are not described: add M(%s, <member>); for each"
			" new member, in order, after its last M(%s, ...)\n",
			cur, cur_end, end, cur, cur);
		bad = 1;
	}
}

#define TYPE(T, m) __typeof__(((struct T *)0)->m)
#define M(T, m) member(#m, offsetof(struct T, m), sizeof(TYPE(T, m)), \
		       alignof(TYPE(T, m)))
/* structs ending in a __last marker end there; the others at sizeof */
#define END_LAST(T) end(offsetof(struct T, __last), alignof(size_t))
#define END(T) end(sizeof(struct T), alignof(struct T))

int main(void)
{
	printf("const TPSIM_VERSION_MAJOR %d\n", TPSIM_VERSION_MAJOR);
	printf("const TPC_PLUGIN_ABI %d\n", TPC_PLUGIN_ABI);
	printf("const TPC_BACKEND_SKIP %d\n", TPC_BACKEND_SKIP);

	/* libtpsim (tpsim.h) */
	begin("tpsim_create_opts", sizeof(struct tpsim_create_opts), "grows");
	M(tpsim_create_opts, sz);
	M(tpsim_create_opts, type);
	M(tpsim_create_opts, protocol);
	M(tpsim_create_opts, ifindex);
	M(tpsim_create_opts, hatype);
	M(tpsim_create_opts, addr);
	M(tpsim_create_opts, mtu);
	M(tpsim_create_opts, profile);
	M(tpsim_create_opts, clock);
	M(tpsim_create_opts, mem_limit);
	M(tpsim_create_opts, wire);
	M(tpsim_create_opts, wire_queue_len);
	M(tpsim_create_opts, link_speed);
	M(tpsim_create_opts, rmem_max);
	M(tpsim_create_opts, wmem_max);
	END_LAST(tpsim_create_opts);

	begin("tpsim_packet", sizeof(struct tpsim_packet), "grows");
	M(tpsim_packet, sz);
	M(tpsim_packet, data);
	M(tpsim_packet, len);
	M(tpsim_packet, flags);
	M(tpsim_packet, sw_ts);
	M(tpsim_packet, hw_ts);
	M(tpsim_packet, vlan_tci);
	M(tpsim_packet, vlan_tpid);
	M(tpsim_packet, pkttype);
	M(tpsim_packet, protocol);
	M(tpsim_packet, rxhash);
	M(tpsim_packet, clock_at);
	M(tpsim_packet, mark);
	M(tpsim_packet, queue_mapping);
	M(tpsim_packet, csum_start);
	M(tpsim_packet, csum_offset);
	END_LAST(tpsim_packet);

	begin("tpsim_dev_opts", sizeof(struct tpsim_dev_opts), "grows");
	M(tpsim_dev_opts, sz);
	M(tpsim_dev_opts, name);
	M(tpsim_dev_opts, ifindex);
	M(tpsim_dev_opts, hatype);
	M(tpsim_dev_opts, addr);
	M(tpsim_dev_opts, mtu);
	M(tpsim_dev_opts, link_speed);
	M(tpsim_dev_opts, kind);
	M(tpsim_dev_opts, down);
	END_LAST(tpsim_dev_opts);

	begin("tpsim_dev_state", sizeof(struct tpsim_dev_state), "grows");
	M(tpsim_dev_state, sz);
	M(tpsim_dev_state, ifindex);
	M(tpsim_dev_state, flags);
	M(tpsim_dev_state, promiscuity);
	M(tpsim_dev_state, allmulti);
	M(tpsim_dev_state, mc_count);
	M(tpsim_dev_state, uc_count);
	END_LAST(tpsim_dev_state);

	/* an array the caller allocates and the library fills: fixed */
	begin("tpsim_dev_result", sizeof(struct tpsim_dev_result), "fixed");
	M(tpsim_dev_result, sock);
	M(tpsim_dev_result, result);
	END(tpsim_dev_result);

	begin("tpsim_ring_view", sizeof(struct tpsim_ring_view), "fixed");
	M(tpsim_ring_view, version);
	M(tpsim_ring_view, block_size);
	M(tpsim_ring_view, block_nr);
	M(tpsim_ring_view, frame_size);
	M(tpsim_ring_view, frame_nr);
	M(tpsim_ring_view, frames_per_block);
	M(tpsim_ring_view, ring_bytes);
	M(tpsim_ring_view, wake_offset);
	M(tpsim_ring_view, retire_tov_ms);
	M(tpsim_ring_view, sizeof_priv);
	M(tpsim_ring_view, max_frame_len);
	END(tpsim_ring_view);

	begin("tpsim_wake", sizeof(struct tpsim_wake), "fixed");
	M(tpsim_wake, seq);
	M(tpsim_wake, sleepers);
	END(tpsim_wake);

	begin("tpsim_wire_stats", sizeof(struct tpsim_wire_stats), "fixed");
	M(tpsim_wire_stats, packets);
	M(tpsim_wire_stats, bytes);
	M(tpsim_wire_stats, drops);
	M(tpsim_wire_stats, queued);
	M(tpsim_wire_stats, sending);
	END(tpsim_wire_stats);

	/* handed out by the library only (tpsim_profile_find): may grow */
	begin("tpsim_profile", sizeof(struct tpsim_profile), "grows");
	M(tpsim_profile, name);
	M(tpsim_profile, summary);
	M(tpsim_profile, page_size);
	M(tpsim_profile, pointer_size);
	M(tpsim_profile, max_order);
	M(tpsim_profile, max_block_size);
	M(tpsim_profile, kmalloc_max);
	M(tpsim_profile, versions);
	M(tpsim_profile, setsockopt_known);
	M(tpsim_profile, overflow_guard);
	M(tpsim_profile, reserve_in_min_frame);
	M(tpsim_profile, mapped_check_first);
	M(tpsim_profile, owner_bitmap);
	M(tpsim_profile, rmem_default);
	M(tpsim_profile, rmem_max);
	M(tpsim_profile, wmem_default);
	M(tpsim_profile, wmem_max);
	M(tpsim_profile, retire_periodic);
	M(tpsim_profile, hz);
	M(tpsim_profile, optmem_max);
	M(tpsim_profile, dgram_inner_proto);
	M(tpsim_profile, copy_thresh_readable);
	M(tpsim_profile, small_head_cache);
	M(tpsim_profile, vnet_min_csum_start);
	M(tpsim_profile, fanout_ignore_outgoing);
	M(tpsim_profile, vlan_present_bit);
	M(tpsim_profile, small_head_size);
	END(tpsim_profile);

	/* tpconform plug-ins (tpc_backend.h, tpc_plugin.h) */
	begin("tpc_backend_ops", sizeof(struct tpc_backend_ops), "grows");
	M(tpc_backend_ops, sz);
	M(tpc_backend_ops, name);
	M(tpc_backend_ops, open);
	M(tpc_backend_ops, close);
	M(tpc_backend_ops, dev_info);
	M(tpc_backend_ops, socket);
	M(tpc_backend_ops, sock_close);
	M(tpc_backend_ops, setsockopt);
	M(tpc_backend_ops, getsockopt);
	M(tpc_backend_ops, mmap);
	M(tpc_backend_ops, munmap);
	M(tpc_backend_ops, poll);
	M(tpc_backend_ops, recv);
	M(tpc_backend_ops, inject);
	M(tpc_backend_ops, send);
	M(tpc_backend_ops, wire_read);
	M(tpc_backend_ops, sleep_ms);
	M(tpc_backend_ops, clock_ns);
	M(tpc_backend_ops, info);
	M(tpc_backend_ops, inject_batch);
	M(tpc_backend_ops, bind);
	M(tpc_backend_ops, getsockname);
	M(tpc_backend_ops, set_link);
	M(tpc_backend_ops, send_data);
	M(tpc_backend_ops, dev_mc_count);
	M(tpc_backend_ops, l3_dev);
	M(tpc_backend_ops, l3_inject);
	M(tpc_backend_ops, l3_remove);
	M(tpc_backend_ops, mmap_at);
	M(tpc_backend_ops, qdisc_hold);
	END(tpc_backend_ops);

	begin("tpc_backend_info", sizeof(struct tpc_backend_info), "grows");
	M(tpc_backend_info, sz);
	M(tpc_backend_info, caps);
	M(tpc_backend_info, env);
	M(tpc_backend_info, why);
	END(tpc_backend_info);

	begin("tpc_inject", sizeof(struct tpc_inject), "fixed");
	M(tpc_inject, data);
	M(tpc_inject, len);
	M(tpc_inject, flags);
	M(tpc_inject, csum_start);
	M(tpc_inject, csum_offset);
	END(tpc_inject);

	return bad;
}
