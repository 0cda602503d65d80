/* SPDX-License-Identifier: MIT */
/* Helpers shared by the boundary cases (bounds.c, bounds_frames.c). */
#ifndef TPC_BOUNDS_H
#define TPC_BOUNDS_H

#include <sys/socket.h>

#include "../tpc.h"

#define WIRE_WAIT 1000	/* ms for a sent frame to reach the wire */

static inline int req3(struct tpc_t *t, struct tpc_sock *s, int opt,
		       unsigned int bsize, unsigned int bnr, unsigned int fsize,
		       unsigned int fnr, unsigned int priv)
{
	struct tpacket_req3 r = { .tp_block_size = bsize, .tp_block_nr = bnr,
				  .tp_frame_size = fsize, .tp_frame_nr = fnr,
				  .tp_retire_blk_tov =
					  opt == PACKET_RX_RING ? 60000 : 0,
				  .tp_sizeof_priv = priv };
	socklen_t len = t->version == TPACKET_V3 ? sizeof(r)
						 : sizeof(struct tpacket_req);

	return t->ops->setsockopt(s, SOL_PACKET, opt, &r, len);
}

/* Request frame h with tp_len len at offset off (its bytes written there
 * unless off would put them over the header). */
static inline void set_off(const struct tpc_t *t, void *h, uint32_t len,
			   uint16_t off)
{
	if (t->version == TPACKET_V1) {
		((struct tpacket_hdr *)h)->tp_len = len;
		((struct tpacket_hdr *)h)->tp_mac = off;
	} else if (t->version == TPACKET_V2) {
		((struct tpacket2_hdr *)h)->tp_len = len;
		((struct tpacket2_hdr *)h)->tp_mac = off;
	} else {
		((struct tpacket3_hdr *)h)->tp_len = len;
		((struct tpacket3_hdr *)h)->tp_mac = off;
	}
	if (off >= TPACKET_ALIGN(sizeof(struct tpacket_hdr)))
		tpc_eth((uint8_t *)h + off, len, tpc_bcast, 0x88b5);
	tpc_set_status(t, h, TP_STATUS_SEND_REQUEST);
}

static inline uint32_t num_pkts(char *ring, unsigned int i)
{
	return ((struct tpacket_block_desc *)(ring + (size_t)i * 4096))
		->hdr.bh1.num_pkts;
}

#endif
