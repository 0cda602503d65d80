/* SPDX-License-Identifier: MIT */
/*
 * Consumer-side helpers of libtpsim over the kernel's own ring structs:
 * where frame idx lives in a mapping, and the status words read and written
 * with the ordering the producer pairs with. Included by <tpsim.h> (after
 * struct tpsim_ring_view); not meant to be included alone.
 */
#ifndef TPSIM_FRAME_H
#define TPSIM_FRAME_H

#include <linux/if_packet.h>
#include <stdint.h>

#include "tpsim/barrier.h"

/*
 * Consumer-side helpers over the kernel's own structs. base is the mapping
 * (or the memfd mapped at offset 0).
 */
static inline void *tpsim_frame(void *base, const struct tpsim_ring_view *v,
				uint32_t idx)
{
	return (char *)base + (size_t)(idx / v->frames_per_block) * v->block_size +
	       (size_t)(idx % v->frames_per_block) * v->frame_size;
}

/* The status word of a frame: V1 an unsigned long at offset 0, V2 a u32
 * at offset 0, V3 (TX frames, packets in a block) a u32 at offset 20. */
static inline void *tpsim__status_word(const void *hdr, int version)
{
	if (version == TPACKET_V3)
		return &((struct tpacket3_hdr *)hdr)->tp_status;
	return &((struct tpacket2_hdr *)hdr)->tp_status;
}

/* acquire: pairs with the producer's release store of the status word, so
 * the header and data are visible once USER is seen. V1's tp_status is an
 * unsigned long but the kernel compares only its low 32 bits (C4). */
static inline uint32_t tpsim_frame_status(const void *hdr, int version)
{
	if (version == TPACKET_V1)
		return (uint32_t)tpsim_load_acquire(
			&((struct tpacket_hdr *)hdr)->tp_status);
	return tpsim_load_acquire((uint32_t *)tpsim__status_word(hdr, version));
}

/* Store a status word with release semantics: the frame's contents are
 * written before it (R11, T1). */
static inline void tpsim_frame_set_status(void *hdr, int version,
					  uint32_t status)
{
	if (version == TPACKET_V1)
		tpsim_store_release(&((struct tpacket_hdr *)hdr)->tp_status,
				    (unsigned long)status);
	else
		tpsim_store_release((uint32_t *)tpsim__status_word(hdr, version),
				    status);
}

/* release: the consumer's reads of the frame happen before the producer
 * can see KERNEL and overwrite it (R11). */
static inline void tpsim_frame_release(void *hdr, int version)
{
	tpsim_frame_set_status(hdr, version, TP_STATUS_KERNEL);
}

/* V3 blocks: the block status is the publication (B1, R11). */
static inline uint32_t tpsim_block_status(const void *block)
{
	return tpsim_load_acquire(
		&((struct tpacket_block_desc *)block)->hdr.bh1.block_status);
}

static inline void tpsim_block_release(void *block)
{
	tpsim_store_release(
		&((struct tpacket_block_desc *)block)->hdr.bh1.block_status,
		(uint32_t)TP_STATUS_KERNEL);
}

/* TX frames: hand a filled frame to the producer (T1). */
static inline void tpsim_frame_send_request(void *hdr, int version)
{
	tpsim_frame_set_status(hdr, version, TP_STATUS_SEND_REQUEST);
}

#endif
