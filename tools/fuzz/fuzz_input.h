/* SPDX-License-Identifier: MIT */
/*
 * What the libFuzzer targets that decode operations from their input share:
 * a cursor over the input that reads past its end as zeros (so every input
 * decodes to a whole sequence), and the one invariant every libtpsim call
 * keeps (a count or a negative errno).
 */
#ifndef TPSIM_FUZZ_INPUT_H
#define TPSIM_FUZZ_INPUT_H

#include <stdint.h>
#include <stdlib.h>

struct in {
	const uint8_t *p;
	size_t n;
};

/* the next @bytes bytes (1 to 4), big-endian; zeros once the input ends */
static inline uint32_t take(struct in *in, unsigned int bytes)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < bytes; i++) {
		v = v << 8 | (in->n ? *in->p : 0);
		if (in->n) {
			in->p++;
			in->n--;
		}
	}
	return v;
}

/* a count, or -errno in range: anything else is a bug */
static inline void check_ret(long r)
{
	if (r < -4095)
		abort();
}

#endif
