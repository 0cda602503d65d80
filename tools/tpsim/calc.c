// SPDX-License-Identifier: MIT
/*
 * `tpsim calc`: the packet_mmap document's buffer-size calculator for a
 * profile (how big can a block, the block count, the ring be, and how many
 * frames fit), and for a concrete request its layout in numbers and in a
 * picture.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
"Usage: tpsim calc [OPTION]...\n"
"How large can a PACKET_MMAP ring be? With no request, the limits of a\n"
"kernel profile, computed as the packet_mmap document does and as the\n"
"kernel really does where the two differ. With a request (--block-size and\n"
"friends), its layout: frames per block, the gap at each block's end,\n"
"memory, usable capacity and a picture.\n"
"\n"
"Limits:\n"
"  --profile NAME       linux (default), linux-6.1, linux-6.12, linux-2.6\n"
"  --page-size N        PAGE_SIZE (default: this machine's)\n"
"  --pointer-size N     bytes per pointer in the block vector (default:\n"
"                       this machine's)\n"
"  --max-order N        the page allocator's MAX_ORDER (default: the\n"
"                       number of orders in /proc/buddyinfo)\n"
"  --kmalloc-max N      largest kmalloc object in bytes (default: the\n"
"                       profile's)\n"
"  --frame-size N       frame size to count frames of (default 2048)\n"
"\n"
"Request (as for tpsim check):\n"
"  --version 1|2|3 --ring rx|tx --block-size N --block-nr N\n"
"  --frame-size N --frame-nr N [--sizeof-priv N --reserve N]\n"
"  --svg FILE           also write the picture as SVG\n"
"  -h, --help           this text\n"
"\n"
"Exit status: 0, 1 when the request is invalid (the rule is printed),\n"
"2 bad input.\n"
"\n"
"Example, the document's own inputs (i386, 2.6):\n"
"  tpsim calc --profile linux-2.6 --page-size 4096 --pointer-size 4 \\\n"
"             --max-order 11 --kmalloc-max 131072 --frame-size 2048\n";

struct limits {
	uint64_t page, pointer, max_order, kmalloc, frame;
};

static void bytes(char *buf, size_t len, uint64_t v)
{
	if (v >= (1ull << 20) && v % (1ull << 20) == 0)
		snprintf(buf, len, "%llu MiB", (unsigned long long)(v >> 20));
	else
		snprintf(buf, len, "%llu bytes", (unsigned long long)v);
}

/* MAX_ORDER as the running kernel has it: the orders /proc/buddyinfo
 * lists free blocks for. */
static uint64_t machine_max_order(uint64_t fallback)
{
	FILE *f = fopen("/proc/buddyinfo", "r");
	char line[512];
	uint64_t n = 0;

	if (!f)
		return fallback;
	if (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "zone");

		/* "Node 0, zone DMA  c0 c1 ... c10" */
		if (p) {
			p += 4;
			while (*p == ' ')
				p++;
			while (*p && *p != ' ')
				p++;
			for (char *t = strtok(p, " \n"); t;
			     t = strtok(NULL, " \n"))
				n++;
		}
	}
	fclose(f);
	return n ? n : fallback;
}

static void limits_26(const struct limits *l)
{
	uint64_t blocks = l->kmalloc / l->pointer;
	uint64_t doc_block = l->page << l->max_order;
	uint64_t k_block = l->page << (l->max_order - 1);
	char a[48], b[48];

	printf("block-count limit: %llu blocks (a %llu-byte kmalloc'd vector "
	       "of %llu-byte pointers)\n", (unsigned long long)blocks,
	       (unsigned long long)l->kmalloc, (unsigned long long)l->pointer);
	bytes(a, sizeof(a), doc_block);
	bytes(b, sizeof(b), k_block);
	printf("largest block:     %s (document: PAGE_SIZE << MAX_ORDER)\n", a);
	printf("                   %s (2.6 kernel: the page allocator's "
	       "largest order is MAX_ORDER - 1)\n", b);
	bytes(a, sizeof(a), blocks * doc_block);
	bytes(b, sizeof(b), blocks * k_block);
	printf("largest ring:      %s (document)\n", a);
	printf("                   %s (2.6 kernel)\n", b);
	char lab[40];

	snprintf(lab, sizeof(lab), "frames of %llu B:",
		 (unsigned long long)l->frame);
	printf("%-19s%llu frames (document)\n", lab,
	       (unsigned long long)(blocks * doc_block / l->frame));
	printf("                   %llu frames (2.6 kernel)\n",
	       (unsigned long long)(blocks * k_block / l->frame));
}

static void limits_today(const struct limits *l)
{
	uint64_t blocks = l->kmalloc / l->pointer;
	uint64_t block = 0x80000000ull - l->page;
	uint64_t ring = blocks * block;
	uint64_t frames = ring / l->frame, v12 = frames;
	char a[48], lab[40];

	printf("block-count limit: %llu blocks (G12: the block vector is one "
	       "kmalloc of at most %llu bytes, %llu-byte pointers)\n",
	       (unsigned long long)blocks, (unsigned long long)l->kmalloc,
	       (unsigned long long)l->pointer);
	printf("largest block:     %llu bytes (G4: tp_block_size must stay a "
	       "positive int, G5: a page multiple; no allocator cap, blocks "
	       "fall back to vmalloc)\n", (unsigned long long)block);
	bytes(a, sizeof(a), ring);
	printf("largest ring:      %s (%.1f TiB; in practice, memory)\n", a,
	       (double)ring / (1ull << 40));
	if (frames > UINT32_MAX)
		frames = UINT32_MAX;
	if (v12 > l->kmalloc * 8)
		v12 = l->kmalloc * 8;
	if (v12 > frames)
		v12 = frames;
	snprintf(lab, sizeof(lab), "frames of %llu B:",
		 (unsigned long long)l->frame);
	printf("%-19s%llu frames (tp_frame_nr is 32 bits: G10)\n", lab,
	       (unsigned long long)frames);
	printf("                   %llu frames on a V1/V2 RX ring (G12: its "
	       "owner bitmap is one kmalloc)\n", (unsigned long long)v12);
}

/* A concrete request: numbers and picture; 1 when it is invalid. */
static int request(const struct cli_req *r, const char *svg)
{
	struct cli_verdict v;
	uint32_t fpb, gap, priv;
	uint64_t total, usable;
	int err;

	if (cli_check_sim(r, &v)) {
		printf("%s (%s): %s\n", cli_errname(v.err), v.rule, v.message);
		printf("  (tpsim check suggests the nearest valid request)\n");
		return 1;
	}
	if (!r->block_nr) {
		printf("a teardown request (tp_block_nr 0): no ring\n");
		return 0;
	}
	fpb = r->block_size / r->frame_size;
	gap = r->block_size - fpb * r->frame_size;
	total = (uint64_t)r->block_size * r->block_nr;
	printf("TPACKET_V%d %s ring: %u blocks x %u bytes = %llu bytes\n",
	       r->version + 1, r->tx ? "TX" : "RX", r->block_nr,
	       r->block_size, (unsigned long long)total);
	if (r->version == TPACKET_V3 && !r->tx) {
		priv = (r->sizeof_priv + 7) & ~7u;
		usable = (uint64_t)(r->block_size - 48 - priv) * r->block_nr;
		printf("blocks: descriptor 48 bytes, private area %u, packets "
		       "from offset %u, up to %u bytes of packets per block\n",
		       priv, 48 + priv, r->block_size - 48 - priv);
		printf("(tp_frame_size %u and tp_frame_nr %u are checked but "
		       "do not place packets in a V3 ring)\n", r->frame_size,
		       r->frame_nr);
	} else {
		usable = (uint64_t)r->frame_size * r->frame_nr;
		printf("frames: %u per block, %u frames of %u bytes\n", fpb,
		       r->frame_nr, r->frame_size);
		printf("gap: %u bytes at the end of each block, %llu in all\n",
		       gap, (unsigned long long)gap * r->block_nr);
	}
	printf("usable: %llu bytes (%.1f%% of the ring)\n",
	       (unsigned long long)usable, 100.0 * (double)usable /
						   (double)total);
	cli_picture_text(stdout, r);
	if (svg) {
		err = cli_picture_svg(svg, r);
		if (err) {
			fprintf(stderr, "tpsim calc: --svg %s: %s\n", svg,
				strerror(-err));
			return EXIT_USAGE;
		}
	}
	return 0;
}

int cmd_calc(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'P' },
		{ "page-size", required_argument, NULL, 'g' },
		{ "pointer-size", required_argument, NULL, 'z' },
		{ "max-order", required_argument, NULL, 'o' },
		{ "kmalloc-max", required_argument, NULL, 'k' },
		{ "frame-size", required_argument, NULL, 'f' },
		{ "version", required_argument, NULL, 'V' },
		{ "ring", required_argument, NULL, 'r' },
		{ "block-size", required_argument, NULL, 'b' },
		{ "block-nr", required_argument, NULL, 'B' },
		{ "frame-nr", required_argument, NULL, 'F' },
		{ "sizeof-priv", required_argument, NULL, 'p' },
		{ "reserve", required_argument, NULL, 'R' },
		{ "svg", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *keys[128] = {
		['V'] = "version", ['r'] = "ring", ['b'] = "block_size",
		['B'] = "block_nr", ['F'] = "frame_nr", ['p'] = "sizeof_priv",
		['R'] = "reserve", ['f'] = "frame_size",
	};
	const struct tpsim_profile *p;
	struct limits l = { 0 };
	uint64_t *lim = NULL;
	bool have[128] = { false };
	const char *svg = NULL;
	struct cli_req r;
	char name[40];
	int c, idx = 0;

	cli_req_init(&r);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, &idx)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'P':
			r.profile = optarg;
			continue;
		case 's':
			svg = optarg;
			continue;
		case 'g':
			lim = &l.page;
			break;
		case 'z':
			lim = &l.pointer;
			break;
		case 'o':
			lim = &l.max_order;
			break;
		case 'k':
			lim = &l.kmalloc;
			break;
		case ':':
			return cli_usage_error("calc", "%s needs a value",
					       argv[optind - 1]);
		case '?':
			return cli_usage_error("calc", "unknown option '%s'",
					       argv[optind - 1]);
		default:
			lim = NULL;
			break;
		}
		if (c > 0 && c < 128)
			have[c] = true;
		if (lim) {
			snprintf(name, sizeof(name), "--%s", longopts[idx].name);
			if (!cli_u64("calc", name, optarg, lim))
				return EXIT_USAGE;
			continue;
		}
		if (!cli_req_set("calc", &r, keys[c], optarg))
			return EXIT_USAGE;
	}
	if (optind < argc)
		return cli_usage_error("calc", "unexpected argument '%s'",
				       argv[optind]);
	if (!cli_req_valid("calc", &r))
		return EXIT_USAGE;
	p = tpsim_profile_find(r.profile);
	if (have['b'] || have['B'] || have['F']) {
		if (!have['b'] || !have['B'] || !have['f'] || !have['F'])
			return cli_usage_error("calc", "a request needs "
					       "--block-size, --block-nr, "
					       "--frame-size and --frame-nr");
		return request(&r, svg);
	}
	if (svg)
		return cli_usage_error("calc", "--svg draws a request: give "
					       "--block-size and friends");
	if (!have['g'])
		l.page = (uint64_t)sysconf(_SC_PAGESIZE);
	if (!have['z'])
		l.pointer = sizeof(void *);
	if (!have['o'])
		l.max_order = machine_max_order(p->max_order);
	if (!have['k'])
		l.kmalloc = p->kmalloc_max;
	l.frame = have['f'] ? r.frame_size : 2048;
	if (l.page < 1024 || (l.page & (l.page - 1)) || l.page > (1u << 20))
		return cli_usage_error("calc", "--page-size %llu is not a power "
				       "of two in [1024, 1 MiB]",
				       (unsigned long long)l.page);
	if (l.pointer != 4 && l.pointer != 8)
		return cli_usage_error("calc", "--pointer-size %llu is not 4 "
				       "or 8", (unsigned long long)l.pointer);
	if (l.max_order < 1 || l.max_order > 20)
		return cli_usage_error("calc", "--max-order %llu is not in "
				       "[1, 20]", (unsigned long long)l.max_order);
	if (l.kmalloc < l.pointer || l.kmalloc > (1ull << 40))
		return cli_usage_error("calc", "--kmalloc-max %llu is out of "
				       "range", (unsigned long long)l.kmalloc);
	if (l.frame < 16)
		return cli_usage_error("calc", "--frame-size %llu is below 16",
				       (unsigned long long)l.frame);
	printf("profile %s: page %llu bytes, %llu-byte pointers, MAX_ORDER "
	       "%llu, kmalloc limit %llu bytes\n", p->name,
	       (unsigned long long)l.page, (unsigned long long)l.pointer,
	       (unsigned long long)l.max_order, (unsigned long long)l.kmalloc);
	if (p->max_block_size)
		limits_26(&l);
	else
		limits_today(&l);
	return 0;
}
