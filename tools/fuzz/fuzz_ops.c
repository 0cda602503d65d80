// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: a sequence of socket operations on libtpsim, decoded
 * from the input, with the simulator's own invariants checked after each:
 * every call returns a count or a negative errno, ring memory stays within
 * the limit given, PACKET_STATISTICS counts every delivery exactly.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fuzz_input.h"
#include "tpsim.h"

/* sizes near the rules' boundaries, chosen by one byte */
static uint32_t size_of(struct in *in)
{
	static const uint32_t pick[] = {
		0, 1, 15, 16, 48, 52, 64, 67, 68, 80, 96, 100, 128, 256, 2048,
		4095, 4096, 4097, 8192, 12288, 65536, 0x7ffff000u, 0x80000000u,
		0xfffff000u, 0xffffffffu,
	};
	uint32_t b = take(in, 1);

	return b < 200 ? pick[b % (sizeof(pick) / sizeof(pick[0]))]
		       : take(in, 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct tpsim_create_opts o = {
		.sz = sizeof(o), .clock = TPSIM_CLOCK_VIRTUAL,
		.mem_limit = 1u << 20,	/* the fuzzer's memory stays small */
		.type = take(&in, 1) & 1 ? SOCK_DGRAM : SOCK_RAW,
		.wire = take(&in, 1) & 1 ? TPSIM_WIRE_HOLD : TPSIM_WIRE_QUEUE,
	};
	struct tpsim_sock *s;
	void *maps[4] = { 0 };
	size_t lens[4] = { 0 };
	uint64_t deliveries = 0, drops = 0;
	uint8_t pkt[2048];

	if (tpsim_create(&o, &s))
		return 0;
	for (int step = 0; step < 64 && in.n; step++) {
		uint32_t op = take(&in, 1) % 12, v;
		long r = 0;

		switch (op) {
		case 0: {	/* an int option */
			int opt = (int)(take(&in, 1) % 24), val = (int)take(&in, 4);
			socklen_t len = take(&in, 1) % 9;

			r = tpsim_setsockopt(s, SOL_PACKET, opt, &val, len);
			break;
		}
		case 1:
		case 2: {	/* a ring request */
			struct tpacket_req3 q = { size_of(&in), size_of(&in),
						  size_of(&in), size_of(&in),
						  take(&in, 2), size_of(&in),
						  take(&in, 1) };

			r = tpsim_setsockopt(s, SOL_PACKET,
					     op == 1 ? PACKET_RX_RING
						     : PACKET_TX_RING,
					     &q, take(&in, 1) % 40);
			break;
		}
		case 3: {	/* mmap */
			unsigned int k = take(&in, 1) % 4;
			size_t len = size_of(&in);

			if (!maps[k] && len < (2u << 20)) {
				r = tpsim_mmap(s, NULL, len, PROT_READ | PROT_WRITE,
					       MAP_SHARED, 0, &maps[k]);
				if (!r)
					lens[k] = len;
			}
			break;
		}
		case 4: {	/* munmap */
			unsigned int k = take(&in, 1) % 4;

			if (maps[k]) {
				r = tpsim_munmap(s, maps[k], lens[k]);
				maps[k] = NULL;
			}
			break;
		}
		case 5: {	/* a packet */
			struct tpsim_packet p = { .sz = sizeof(p), .data = pkt };

			p.len = take(&in, 2) % sizeof(pkt);
			p.flags = take(&in, 1);
			p.vlan_tci = (uint16_t)take(&in, 2);
			p.pkttype = (uint8_t)take(&in, 1);
			for (uint32_t i = 0; i < p.len && i < 64; i++)
				pkt[i] = (uint8_t)take(&in, 1);
			if (p.pkttype & 0x80) {
				/* 1 to 4 copies in one tpsim_deliver_batch,
				 * some arriving at a time of their own (the
				 * decoding of older inputs is unchanged) */
				const struct tpsim_packet *b[4] = { &p, &p, &p,
								   &p };
				int res[4];

				if (p.pkttype & 0x40) {
					p.flags |= TPSIM_PKT_CLOCK;
					p.clock_at.tv_nsec = p.vlan_tci * 10000L;
				}
				r = tpsim_deliver_batch(s, b,
							1 + (p.vlan_tci >> 14),
							res);
				for (long i = 0; i < r; i++) {
					deliveries += res[i] ==
						      TPSIM_RX_DELIVERED;
					drops += res[i] == TPSIM_RX_DROPPED;
				}
				break;
			}
			r = tpsim_deliver(s, &p);
			if (r == TPSIM_RX_DELIVERED)
				deliveries++;
			else if (r == TPSIM_RX_DROPPED)
				drops++;
			break;
		}
		case 6: {	/* the consumer scribbles on its mapping */
			unsigned int k = take(&in, 1) % 4;

			if (maps[k] && lens[k] >= 8)
				((uint32_t *)maps[k])[take(&in, 4) %
						      (lens[k] / 4)] = take(&in, 4);
			break;
		}
		case 7: {	/* statistics, read and reset */
			struct tpacket_stats_v3 st;
			socklen_t len = take(&in, 1) % 16;

			r = tpsim_getsockopt(s, SOL_PACKET, PACKET_STATISTICS,
					     &st, &len);
			if (!r && len >= 8) {
				/* O7: packets = delivered + dropped, exactly */
				if (st.tp_packets != deliveries + drops ||
				    st.tp_drops != drops)
					abort();
			}
			if (!r)
				deliveries = drops = 0;
			break;
		}
		case 8:
			r = tpsim_poll(s, POLLIN | POLLOUT, 0);
			break;
		case 9:
			r = tpsim_send(s, NULL, MSG_DONTWAIT);
			break;
		case 10: {
			char buf[128];

			r = tpsim_wire_recv(s, buf, sizeof(buf), MSG_DONTWAIT);
			break;
		}
		default:
			v = take(&in, 2);
			r = tpsim_clock_advance_ns(s, (int64_t)v * 100000);
			break;
		}
		check_ret(r);
	}
	tpsim_close(s);
	/* mappings outlive the socket, as on the kernel (M4): still
	 * readable, then freed by munmap(2) */
	for (unsigned int k = 0; k < 4; k++) {
		if (!maps[k])
			continue;
		(void)*(volatile char *)maps[k];
		munmap(maps[k], lens[k]);
	}
	return 0;
}
