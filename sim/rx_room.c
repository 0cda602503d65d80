// SPDX-License-Identifier: MIT
/*
 * What a producer that must not drop asks before it delivers
 * (tpsim_rx_room), and what the producer wrote for the last packet
 * (tpsim_rx_last): the lossless pace and the oracle of `tpsim run`.
 * Both answer from the producer's own state and status words only.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "rx_inline.h"

int tpsim_rx_last(struct tpsim_sock *s, struct tpsim_rx_info *out)
{
	int ret = 0;

	if (!s || !out || out->sz < offsetof(struct tpsim_rx_info, __last))
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	tpsim__rx_note_fill(s);
	if (!s->last_rx.seq)
		ret = -ENOENT;
	else
		memcpy(out, &s->last_rx,
		       offsetof(struct tpsim_rx_info, __last));
	if (!ret)	/* the delivery path leaves sz unset */
		out->sz = sizeof(*out);
	pthread_mutex_unlock(&s->lock);
	return ret;
}

int tpsim_rx_room(struct tpsim_sock *s, uint32_t len)
{
	struct tpsim_ring *r;
	uint64_t macoff;
	bool room;

	if (!s)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	r = &s->rx;
	if (!r->live) {
		/* packet_rcv(): the receive queue below SO_RCVBUF */
		room = s->rmem_alloc < s->rcvbuf;
	} else if (s->version == TPACKET_V3) {
		/* where an Ethernet frame starts in its slot (as
		 * tpsim__rx_offsets for a 14-byte link header): what the
		 * block must hold is that plus the bytes */
		macoff = TPACKET_ALIGN(s->hdrlen + 16) + (uint64_t)s->reserve +
			 s->vnet_hdr_sz - 14;
		room = tpsim__v3_room(s, macoff + len > UINT32_MAX
					      ? UINT32_MAX
					      : (uint32_t)(macoff + len));
	} else {
		/* R1: the head frame, exactly KERNEL (a cut packet still
		 * takes a frame) */
		room = tpsim_frame_status(tpsim__frame(r, r->head),
					  s->version) == TP_STATUS_KERNEL;
	}
	pthread_mutex_unlock(&s->lock);
	return room;
}
