// SPDX-License-Identifier: MIT
/*
 * A picture of a ring's layout (M2): blocks back to back, frames packed
 * from each block's start, the gap left at each block's end; for V3 RX the
 * block descriptor, the private area and the packet space. Text for a
 * terminal, SVG for a page. Long rings show their first and last blocks.
 */
#include <errno.h>
#include <string.h>

#include "cli.h"

#define SHOW_HEAD 3	/* blocks drawn before the "..." */
#define SHOW_FRAMES 4	/* frames drawn in a block before the "..." */

struct seg {
	const char *kind;	/* "frame", "gap", "hdr", "priv", "pkts" */
	uint64_t off, len;
	uint32_t idx;		/* frame number */
};

/* The segments of block b, at most cap; returns how many. */
static int block_segs(const struct cli_req *r, uint32_t b, struct seg *s,
		      int cap)
{
	uint64_t base = (uint64_t)b * r->block_size, at = 0;
	uint32_t fpb = r->block_size / r->frame_size;
	int n = 0;

	if (r->version == TPACKET_V3 && !r->tx) {
		uint32_t priv = (r->sizeof_priv + 7) & ~7u;

		s[n++] = (struct seg){ "hdr", base, 48, 0 };
		if (priv)
			s[n++] = (struct seg){ "priv", base + 48, priv, 0 };
		s[n++] = (struct seg){ "pkts", base + 48 + priv,
				       r->block_size - 48 - priv, 0 };
		return n;
	}
	for (uint32_t i = 0; i < fpb && n < cap - 1; i++) {
		if (i == SHOW_FRAMES - 1 && fpb > SHOW_FRAMES + 1) {
			/* skip to the last frame */
			s[n++] = (struct seg){ "more", base + at,
					       (uint64_t)(fpb - SHOW_FRAMES) *
						       r->frame_size,
					       fpb - SHOW_FRAMES };
			at += (uint64_t)(fpb - SHOW_FRAMES) * r->frame_size;
			i = fpb - 1;
		}
		s[n++] = (struct seg){ "frame", base + at, r->frame_size,
				       b * fpb + i };
		at += r->frame_size;
	}
	if (at < r->block_size)
		s[n++] = (struct seg){ "gap", base + at, r->block_size - at, 0 };
	return n;
}

static void text_block(FILE *f, const struct cli_req *r, uint32_t b)
{
	struct seg s[16];
	int n = block_segs(r, b, s, 16);

	fprintf(f, "  %12llu  block %-6u ",
		(unsigned long long)b * r->block_size, b);
	for (int i = 0; i < n; i++) {
		if (!strcmp(s[i].kind, "frame"))
			fprintf(f, "[F%u %llu]", s[i].idx,
				(unsigned long long)s[i].len);
		else if (!strcmp(s[i].kind, "more"))
			fprintf(f, "[... %u frames ...]", s[i].idx);
		else
			fprintf(f, "[%s %llu]", s[i].kind,
				(unsigned long long)s[i].len);
	}
	fputc('\n', f);
}

static bool drawn(const struct cli_req *r, uint32_t b)
{
	return b < SHOW_HEAD || b == r->block_nr - 1;
}

void cli_picture_text(FILE *f, const struct cli_req *r)
{
	fprintf(f, "  %12s  layout (bytes)\n", "offset");
	for (uint32_t b = 0; b < r->block_nr; b++) {
		if (drawn(r, b)) {
			text_block(f, r, b);
		} else if (b == SHOW_HEAD) {
			fprintf(f, "  %12s  ... %u more blocks alike ...\n", "",
				r->block_nr - SHOW_HEAD - 1);
			b = r->block_nr - 2;
		}
	}
}

int cli_picture_svg(const char *path, const struct cli_req *r)
{
	static const struct {
		const char *kind, *fill;
	} fills[] = {
		{ "frame", "#9ecae1" }, { "more", "#deebf7" },
		{ "gap", "#d9d9d9" },	{ "hdr", "#fdae6b" },
		{ "priv", "#fdd0a2" },	{ "pkts", "#a1d99b" },
	};
	const double width = 760, row = 34, left = 120;
	uint32_t rows = r->block_nr < SHOW_HEAD + 2 ? r->block_nr
						    : SHOW_HEAD + 2;
	FILE *f = fopen(path, "w");
	double y = 40;

	if (!f)
		return -errno;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
		   "height=\"%.0f\" font-family=\"monospace\" "
		   "font-size=\"11\">\n", left + width + 20, 50 + rows * row);
	fprintf(f, "<text x=\"10\" y=\"20\">TPACKET_V%d %s ring: %u blocks "
		   "of %u bytes, frames of %u bytes</text>\n", r->version + 1,
		r->tx ? "TX" : "RX", r->block_nr, r->block_size,
		r->frame_size);
	for (uint32_t b = 0; b < r->block_nr; b++) {
		struct seg s[16];
		int n;

		if (!drawn(r, b)) {
			if (b == SHOW_HEAD) {
				fprintf(f, "<text x=\"%.0f\" y=\"%.0f\">... "
					   "%u more blocks alike ...</text>\n",
					left, y + 20, r->block_nr - SHOW_HEAD - 1);
				y += row;
				b = r->block_nr - 2;
			}
			continue;
		}
		fprintf(f, "<text x=\"10\" y=\"%.0f\">block %u</text>\n",
			y + 20, b);
		n = block_segs(r, b, s, 16);
		for (int i = 0; i < n; i++) {
			double x = left + width * (double)(s[i].off -
					(uint64_t)b * r->block_size) /
					r->block_size;
			double w = width * (double)s[i].len / r->block_size;
			const char *fill = "#ffffff";

			for (size_t k = 0; k < sizeof(fills) / sizeof(fills[0]);
			     k++)
				if (!strcmp(fills[k].kind, s[i].kind))
					fill = fills[k].fill;
			fprintf(f, "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" "
				   "height=\"%.0f\" fill=\"%s\" "
				   "stroke=\"#333\"><title>%s %u: offset %llu, "
				   "%llu bytes</title></rect>\n", x, y,
				w < 1 ? 1 : w, row - 8, fill, s[i].kind,
				s[i].idx, (unsigned long long)s[i].off,
				(unsigned long long)s[i].len);
			if (w > 40)
				fprintf(f, "<text x=\"%.1f\" y=\"%.0f\">%s%s%u"
					   "</text>\n", x + 3, y + 17,
					!strcmp(s[i].kind, "frame") ? "F"
								    : s[i].kind,
					!strcmp(s[i].kind, "frame") ? "" : " ",
					!strcmp(s[i].kind, "frame")
						? s[i].idx
						: (uint32_t)s[i].len);
		}
		y += row;
	}
	fprintf(f, "</svg>\n");
	if (fclose(f))
		return -errno;
	return 0;
}
