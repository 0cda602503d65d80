/* SPDX-License-Identifier: MIT */
/*
 * The input of a producer (run/source.c): pcap and pcapng files read with
 * libpcap, shared by `tpsim replay` and `tpsim run`.
 */
#ifndef TPR_SOURCE_H
#define TPR_SOURCE_H

#include <stdint.h>
#include <time.h>

struct tpr_source;
/* One packet of the input: data valid until the next call. */
struct tpr_frame {
	const unsigned char *data;
	uint32_t caplen, len;	/* bytes here, bytes on the wire */
	struct timespec ts;	/* shifted so the timeline never goes back
				 * (a later file or pass starts after the
				 * earlier one) */
	uint64_t index;		/* 0, 1, ... over every file and pass */
};
/* Opens every file (Ethernet only), so a bad one fails before the run:
 * -EINVAL with the reason in err, -ENOMEM. loop 0 plays forever. */
int tpr_source_open(struct tpr_source **out, char *const *paths,
		    unsigned int n, uint32_t loop, char *err, size_t errlen);
/* 1 and *f, 0 at the end, -EINVAL (a corrupt file, reason in err). */
int tpr_source_next(struct tpr_source *src, struct tpr_frame *f, char *err,
		    size_t errlen);
/* Bytes read of the current file and its size (progress); 0 if unknown. */
void tpr_source_pos(const struct tpr_source *src, long *at, long *size);
void tpr_source_close(struct tpr_source *src);

#endif
