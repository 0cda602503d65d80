// SPDX-License-Identifier: MIT
/*
 * `tpsim replay`: a pcap pushed through the simulated producer into a ring
 * drained by a built-in consumer of a chosen speed. Time is the capture's:
 * the producer's virtual clock follows the packets' timestamps, so V3
 * blocks retire on the capture's timeline and a run is deterministic.
 */
#include <errno.h>
#include <getopt.h>
#include <linux/filter.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "source.h"

static const char usage[] =
"Usage: tpsim replay [OPTION]... FILE.pcap\n"
"Feed an Ethernet capture through the simulated producer into a ring and\n"
"drain it with a built-in consumer whose speed you choose, so drops,\n"
"TP_STATUS_LOSING, truncation and COPY happen on demand. The producer's\n"
"clock follows the capture's timestamps (virtual time: a run takes no\n"
"longer than reading the file and gives the same result every time).\n"
"\n"
"Ring:\n"
"  --version 1|2|3      TPACKET version (default 3, as libpcap uses)\n"
"  --block-size N       (default 65536)    --block-nr N   (default 32)\n"
"  --frame-size N       (default 2048; V1/V2 frames, V3 checks only)\n"
"  --retire-tov MS      V3 block timeout (default 0: derived, 8 ms)\n"
"  --reserve N          PACKET_RESERVE\n"
"  --copy-thresh        PACKET_COPY_THRESH: cut packets also go to recv()\n"
"  --profile NAME       kernel profile (default linux)\n"
"  --filter EXPR        a tcpdump expression, compiled by libpcap and\n"
"                       attached with SO_ATTACH_FILTER: packets it refuses\n"
"                       never reach the ring and are counted nowhere\n"
"Consumer:\n"
"  --rate N             packets it handles per second of capture time\n"
"                       (default 0: as fast as they come)\n"
"  --batch N            at most N packets each time it wakes (at each\n"
"                       packet arrival; default 0: no limit)\n"
"Output:\n"
"  -w, --write FILE     what the consumer saw, as a pcap (cut as the ring\n"
"                       cut it; nanosecond timestamps)\n"
"  --json               the statistics as one JSON object\n"
"  -h, --help           this text\n"
"\n"
"Statistics: offered (packets in the file), filtered (refused by --filter,\n"
"counted nowhere), delivered, dropped (ring full),\n"
"short (records shorter than the Ethernet header, which no socket sees),\n"
"unseen (freed by the receive path before any packet socket, as a VLAN\n"
"tag cut short is); offered = filtered + delivered + dropped + short +\n"
"unseen;\n"
"truncated (tp_snaplen < tp_len), losing (frames or V3 blocks marked\n"
"LOSING), copy (frames marked COPY), blocks and blocks_timeout (V3 blocks\n"
"the consumer read, and how many the retire timer closed), and the\n"
"socket's PACKET_STATISTICS.\n"
"\n"
"Exit status: 0, 2 bad input (options, unreadable or corrupt file).\n"
"Example: tpsim replay --version 2 --block-nr 2 --rate 1000 -w out.pcap "
"in.pcap\n";

/* packets delivered in one call at most, and the bytes they may hold */
#define REPLAY_BATCH 64
#define REPLAY_ARENA (REPLAY_BATCH * 2048u + 262144u)

struct replay {
	struct tpsim_sock *s;
	/* packets waiting for the producer (see willing()) */
	struct tpsim_packet pend[REPLAY_BATCH];
	const struct tpsim_packet *pv[REPLAY_BATCH];
	unsigned int npend;
	unsigned char *arena;
	size_t arena_used;
	struct tpsim_ring_view v;
	char *ring;
	int version;
	double rate, budget;
	uint32_t batch;
	int64_t last_ns;
	uint32_t next;		/* frame or block the consumer reads next */
	uint32_t in_block;	/* V3: packets read in the current block */
	pcap_dumper_t *dump;
	/* statistics */
	uint64_t offered, delivered, dropped, consumed, truncated, losing,
		copy, copies, blocks, blocks_tmo, filtered;
	bool filter;
	uint64_t runts;		/* shorter than the Ethernet header */
	uint64_t unseen;	/* TPSIM_RX_IGNORED: freed before the taps */
};

static void dump_packet(struct replay *rp, const void *data, uint32_t snap,
			uint32_t len, uint32_t sec, uint32_t nsec)
{
	struct pcap_pkthdr h = { .caplen = snap, .len = len };

	if (!rp->dump)
		return;
	h.ts.tv_sec = sec;
	h.ts.tv_usec = nsec;	/* nanoseconds: the dump is nano precision */
	pcap_dump((unsigned char *)rp->dump, &h, data);
}

/* One V1/V2 frame; false when the next frame is not the user's yet. */
static bool take_frame(struct replay *rp)
{
	void *h = tpsim_frame(rp->ring, &rp->v, rp->next);
	uint32_t st = tpsim_frame_status(h, rp->version);
	uint32_t snap, len, sec, nsec;
	uint16_t mac;
	char buf[65536];

	if (!(st & TP_STATUS_USER))
		return false;
	if (rp->version == TPACKET_V1) {
		struct tpacket_hdr *h1 = h;

		snap = h1->tp_snaplen, len = h1->tp_len, mac = h1->tp_mac;
		sec = h1->tp_sec, nsec = h1->tp_usec * 1000;
	} else {
		struct tpacket2_hdr *h2 = h;

		snap = h2->tp_snaplen, len = h2->tp_len, mac = h2->tp_mac;
		sec = h2->tp_sec, nsec = h2->tp_nsec;
	}
	rp->truncated += snap < len;
	rp->losing += !!(st & TP_STATUS_LOSING);
	if (st & TP_STATUS_COPY) {
		rp->copy++;
		/* the whole packet waits in the receive queue */
		if (tpsim_recv(rp->s, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
			rp->copies++;
	}
	dump_packet(rp, (char *)h + mac, snap, len, sec, nsec);
	tpsim_frame_release(h, rp->version);
	rp->consumed++;
	rp->next = rp->next + 1 == rp->v.frame_nr ? 0 : rp->next + 1;
	return true;
}

/* One packet of a V3 block; false when the block is not the user's. */
static bool take_packet(struct replay *rp)
{
	struct tpacket_block_desc *b =
		(void *)(rp->ring + (size_t)rp->next * rp->v.block_size);
	uint32_t st = tpsim_block_status(b), off;
	struct tpacket3_hdr *h;

	if (!(st & TP_STATUS_USER))
		return false;
	if (!rp->in_block) {
		rp->blocks++;
		rp->blocks_tmo += !!(st & TP_STATUS_BLK_TMO);
		rp->losing += !!(st & TP_STATUS_LOSING);
	}
	if (rp->in_block < b->hdr.bh1.num_pkts) {
		/* walk the chain to the packet: cheap for blocks this size */
		off = b->hdr.bh1.offset_to_first_pkt;
		for (uint32_t i = 0; i < rp->in_block; i++)
			off += ((struct tpacket3_hdr *)((char *)b + off))
				       ->tp_next_offset;
		h = (void *)((char *)b + off);
		rp->truncated += h->tp_snaplen < h->tp_len;
		dump_packet(rp, (char *)h + h->tp_mac, h->tp_snaplen,
			    h->tp_len, h->tp_sec, h->tp_nsec);
		rp->consumed++;
		rp->in_block++;
	}
	if (rp->in_block >= b->hdr.bh1.num_pkts) {
		tpsim_block_release(b);
		rp->in_block = 0;
		rp->next = rp->next + 1 == rp->v.block_nr ? 0 : rp->next + 1;
	}
	return true;
}

static bool take(struct replay *rp)
{
	return rp->version == TPACKET_V3 ? take_packet(rp) : take_frame(rp);
}

/* The consumer wakes at now_ns: its budget grows with the time passed. */
static void consume(struct replay *rp, int64_t now_ns, bool unlimited)
{
	uint32_t n = 0;

	if (rp->rate > 0 && !unlimited) {
		rp->budget += rp->rate * (double)(now_ns - rp->last_ns) / 1e9;
		if (rp->batch && rp->budget > rp->batch)
			rp->budget = rp->batch;	/* it does not bank time */
	}
	rp->last_ns = now_ns;
	while (unlimited || rp->rate <= 0 || rp->budget >= 1) {
		if (!unlimited && rp->batch && n == rp->batch)
			break;
		if (!take(rp))
			break;
		n++;
		if (rp->rate > 0 && !unlimited)
			rp->budget -= 1;
	}
}

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

/* Would the consumer take a packet if it woke at now_ns (as consume())?
 * Until it would, packets wait in a batch: nothing can see them earlier,
 * so the run is the same as one tpsim_deliver per packet. */
static bool willing(const struct replay *rp, int64_t now_ns)
{
	double budget;

	if (rp->rate <= 0)
		return true;
	budget = rp->budget + rp->rate * (double)(now_ns - rp->last_ns) / 1e9;
	if (rp->batch && budget > rp->batch)
		budget = rp->batch;
	return budget >= 1;
}

/* Deliver the waiting packets in one tpsim_deliver_batch. */
static void flush(struct replay *rp)
{
	int res[REPLAY_BATCH];
	int n;

	for (unsigned int i = 0; i < rp->npend; i += (unsigned int)n) {
		n = tpsim_deliver_batch(rp->s, rp->pv + i, rp->npend - i,
					res + i);
		if (n < 0) {	/* shorter than its link header: skipped */
			res[i] = n;
			n = 1;
		}
	}
	for (unsigned int i = 0; i < rp->npend; i++) {
		rp->delivered += res[i] == TPSIM_RX_DELIVERED;
		rp->dropped += res[i] == TPSIM_RX_DROPPED;
		rp->filtered += res[i] == TPSIM_RX_FILTERED;
		rp->unseen += res[i] == TPSIM_RX_IGNORED;
		/* refused as shorter than the link header (-EINVAL): the
		 * kernel never sees such a record */
		rp->runts += res[i] < 0;
	}
	rp->npend = 0;
	rp->arena_used = 0;
}

/* Queue a packet arriving at ts: a copy, as libpcap reuses its buffer
 * (one larger than the arena goes alone, from libpcap's). False when the
 * batch is full. */
static bool pend(struct replay *rp, const unsigned char *data, uint32_t len,
		 const struct timespec *ts)
{
	struct tpsim_packet *pkt;

	if (rp->arena_used + len > REPLAY_ARENA)
		flush(rp);
	pkt = &rp->pend[rp->npend];
	*pkt = (struct tpsim_packet){ .sz = sizeof(*pkt), .data = data,
				      .len = len, .flags = TPSIM_PKT_CLOCK,
				      .clock_at = *ts };
	rp->pv[rp->npend++] = pkt;
	if (len > REPLAY_ARENA) {
		flush(rp);
		return true;
	}
	memcpy(rp->arena + rp->arena_used, data, len);
	pkt->data = rp->arena + rp->arena_used;
	rp->arena_used += len;
	return rp->npend < REPLAY_BATCH;
}

static void print_stats(const struct replay *rp, bool json)
{
	struct tpacket_stats_v3 st = { 0 };
	socklen_t len = sizeof(st);

	tpsim_getsockopt(rp->s, SOL_PACKET, PACKET_STATISTICS, &st, &len);
	if (json) {
		if (rp->filter)
			printf("{\"filtered\":%llu,",
			       (unsigned long long)rp->filtered);
		printf("%s\"offered\":%llu,\"delivered\":%llu,\"dropped\":%llu,"
		       "\"short\":%llu,\"unseen\":%llu,\"consumed\":%llu,"
		       "\"truncated\":%llu,\"losing\":%llu,"
		       "\"copy\":%llu,\"copies_received\":%llu,"
		       "\"blocks\":%llu,\"blocks_timeout\":%llu,"
		       "\"tp_packets\":%u,\"tp_drops\":%u,"
		       "\"tp_freeze_q_cnt\":%u}\n", rp->filter ? "" : "{",
		       (unsigned long long)rp->offered,
		       (unsigned long long)rp->delivered,
		       (unsigned long long)rp->dropped,
		       (unsigned long long)rp->runts,
		       (unsigned long long)rp->unseen,
		       (unsigned long long)rp->consumed,
		       (unsigned long long)rp->truncated,
		       (unsigned long long)rp->losing,
		       (unsigned long long)rp->copy,
		       (unsigned long long)rp->copies,
		       (unsigned long long)rp->blocks,
		       (unsigned long long)rp->blocks_tmo, st.tp_packets,
		       st.tp_drops, st.tp_freeze_q_cnt);
		return;
	}
	/* every record lands in exactly one of filtered (with --filter) and
	 * the first five lines */
	if (rp->filter)
		printf("filtered   %llu (refused by the filter, counted "
		       "nowhere)\n", (unsigned long long)rp->filtered);
	printf("offered    %llu\ndelivered  %llu\ndropped    %llu\n"
	       "short      %llu (shorter than the Ethernet header)\n"
	       "unseen     %llu (freed by the receive path before the socket)\n"
	       "consumed   %llu\ntruncated  %llu\nlosing     %llu\n"
	       "copy       %llu (%llu received)\n",
	       (unsigned long long)rp->offered,
	       (unsigned long long)rp->delivered,
	       (unsigned long long)rp->dropped,
	       (unsigned long long)rp->runts,
	       (unsigned long long)rp->unseen,
	       (unsigned long long)rp->consumed,
	       (unsigned long long)rp->truncated,
	       (unsigned long long)rp->losing, (unsigned long long)rp->copy,
	       (unsigned long long)rp->copies);
	if (rp->version == TPACKET_V3)
		printf("blocks     %llu (%llu by timeout)\n",
		       (unsigned long long)rp->blocks,
		       (unsigned long long)rp->blocks_tmo);
	printf("PACKET_STATISTICS: tp_packets %u, tp_drops %u", st.tp_packets,
	       st.tp_drops);
	if (rp->version == TPACKET_V3)
		printf(", tp_freeze_q_cnt %u", st.tp_freeze_q_cnt);
	printf("\n");
}

struct replay_opts {
	struct cli_req r;
	bool copy_thresh, json;
	const char *out, *in, *filter;
};

/* What libpcap does for `tcpdump EXPR` on Linux: compile for Ethernet
 * with tcpdump's default snaplen (262144), attach with SO_ATTACH_FILTER. */
static int attach_filter(struct replay *rp, const char *expr)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 262144);
	struct bpf_program prog;
	struct sock_fprog fp;
	int err;

	if (!dead) {
		fprintf(stderr, "tpsim replay: --filter: out of memory\n");
		return EXIT_USAGE;
	}
	if (pcap_compile(dead, &prog, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		fprintf(stderr, "tpsim replay: --filter '%s': %s\n", expr,
			pcap_geterr(dead));
		pcap_close(dead);
		return EXIT_USAGE;
	}
	/* struct bpf_insn and struct sock_filter are the same 8 bytes */
	fp.len = (unsigned short)prog.bf_len;
	fp.filter = (struct sock_filter *)prog.bf_insns;
	err = tpsim_setsockopt(rp->s, SOL_SOCKET, SO_ATTACH_FILTER, &fp,
			       sizeof(fp));
	if (err)
		fprintf(stderr, "tpsim replay: --filter '%s': %s\n", expr,
			*tpsim_strerror_detail(rp->s)
				? tpsim_strerror_detail(rp->s)
				: strerror(-err));
	pcap_freecode(&prog);
	pcap_close(dead);
	rp->filter = !err;
	return err ? EXIT_USAGE : 0;
}

static int setup(struct replay *rp, const struct replay_opts *o)
{
	struct tpsim_create_opts co = { .sz = sizeof(co),
					.profile = o->r.profile,
					.clock = TPSIM_CLOCK_VIRTUAL };
	const struct cli_req *r = &o->r;
	struct tpacket_req3 q = { .tp_block_size = r->block_size,
				  .tp_block_nr = r->block_nr,
				  .tp_frame_size = r->frame_size,
				  .tp_frame_nr = r->frame_nr,
				  .tp_retire_blk_tov = r->retire_tov };
	int v = r->version, one = 1, err;

	err = tpsim_create(&co, &rp->s);
	if (err) {
		fprintf(stderr, "tpsim replay: cannot create the socket: %s\n",
			strerror(-err));
		return EXIT_USAGE;
	}
	if ((v != TPACKET_V1 &&
	     (err = tpsim_setsockopt(rp->s, SOL_PACKET, PACKET_VERSION, &v,
				     sizeof(v)))) ||
	    (r->reserve && (v = (int)r->reserve,
			    err = tpsim_setsockopt(rp->s, SOL_PACKET,
						   PACKET_RESERVE, &v,
						   sizeof(v)))) ||
	    (o->copy_thresh &&
	     (err = tpsim_setsockopt(rp->s, SOL_PACKET, PACKET_COPY_THRESH,
				     &one, sizeof(one)))) ||
	    (err = tpsim_setsockopt(rp->s, SOL_PACKET, PACKET_RX_RING, &q,
				    r->version == TPACKET_V3
					    ? sizeof(q)
					    : sizeof(struct tpacket_req)))) {
		fprintf(stderr, "tpsim replay: the ring: %s\n",
			*tpsim_strerror_detail(rp->s)
				? tpsim_strerror_detail(rp->s)
				: strerror(-err));
		return EXIT_USAGE;
	}
	if (o->filter && (err = attach_filter(rp, o->filter)))
		return err;
	tpsim_ring_view_get(rp->s, &rp->v);
	err = tpsim_mmap(rp->s, NULL, rp->v.ring_bytes, PROT_READ | PROT_WRITE,
			 MAP_SHARED, 0, (void **)&rp->ring);
	if (err) {
		fprintf(stderr, "tpsim replay: mmap: %s\n", strerror(-err));
		return EXIT_USAGE;
	}
	rp->version = r->version;
	return 0;
}

static void progress(const struct replay *rp, struct tpr_source *src,
		     bool done)
{
	long at, size;

	tpr_source_pos(src, &at, &size);
	fprintf(stderr, "\rreplay: %llu packets, %llu dropped (%3.0f%%)%s",
		(unsigned long long)rp->offered,
		(unsigned long long)rp->dropped,
		size > 0 && at >= 0 ? 100.0 * (double)at / (double)size : 0.0,
		done ? "\n" : "");
}

static int run(struct replay *rp, const struct replay_opts *o)
{
	char err[PCAP_ERRBUF_SIZE + 300];
	struct tpr_frame f;
	bool tty = isatty(STDERR_FILENO) && !o->json;
	struct tpr_source *src;
	pcap_t *dead = NULL;
	struct timespec now;
	int rc, ret = 0;

	/* the capture read as tpsim run reads it (run/source.c) */
	if (tpr_source_open(&src, (char *const *)&o->in, 1, 1, err,
			    sizeof(err))) {
		fprintf(stderr, "tpsim replay: %s\n", err);
		return EXIT_USAGE;
	}
	if (o->out) {
		dead = pcap_open_dead_with_tstamp_precision(
			DLT_EN10MB, 262144, PCAP_TSTAMP_PRECISION_NANO);
		rp->dump = dead ? pcap_dump_open(dead, o->out) : NULL;
		if (!rp->dump) {
			fprintf(stderr, "tpsim replay: -w %s: %s\n", o->out,
				dead ? pcap_geterr(dead) : "out of memory");
			ret = EXIT_USAGE;
			goto out;
		}
	}
	rp->arena = malloc(REPLAY_ARENA);
	if (!rp->arena) {
		fprintf(stderr, "tpsim replay: out of memory\n");
		ret = EXIT_USAGE;
		goto out;
	}
	tpsim_clock_now(rp->s, &now);	/* an empty file has no packet time */
	while ((rc = tpr_source_next(src, &f, err, sizeof(err))) == 1) {
		struct timespec ts = f.ts;

		/* the clock only moves forward; the packet carries its
		 * time and the producer moves the clock there (the timer
		 * fires on the way) when it delivers it */
		if (ts_ns(&ts) > ts_ns(&now))
			now = ts;
		if (!rp->offered)
			rp->last_ns = ts_ns(&now);
		/* the consumer is about to act: it must see every packet
		 * that arrived before it, and the ring as the clock left
		 * it at this instant (the retire timer may have fired) */
		if (willing(rp, ts_ns(&now))) {
			flush(rp);
			tpsim_clock_set(rp->s, &now);
		}
		consume(rp, ts_ns(&now), false);
		rp->offered++;
		if (!pend(rp, f.data, f.caplen, &ts))
			flush(rp);
		if (tty && !(rp->offered & 0x3fff))
			progress(rp, src, false);
	}
	flush(rp);
	if (rc < 0) {
		fprintf(stderr, "tpsim replay: %s\n", err);
		ret = EXIT_USAGE;
		goto out;
	}
	/* the end of the file: the consumer catches up, and time runs on
	 * until the retire timer has handed over the last block */
	for (int i = 0; i < 4; i++) {
		consume(rp, ts_ns(&now), true);
		tpsim_clock_advance_ns(rp->s, (int64_t)(rp->v.retire_tov_ms + 1) *
						      1000000);
		tpsim_clock_now(rp->s, &now);
	}
	consume(rp, ts_ns(&now), true);
	if (tty)
		progress(rp, src, true);
	print_stats(rp, o->json);
out:
	free(rp->arena);
	if (rp->dump)
		pcap_dump_close(rp->dump);
	if (dead)
		pcap_close(dead);
	tpr_source_close(src);
	return ret;
}

int cmd_replay(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "version", required_argument, NULL, 'V' },
		{ "block-size", required_argument, NULL, 'b' },
		{ "block-nr", required_argument, NULL, 'B' },
		{ "frame-size", required_argument, NULL, 'f' },
		{ "retire-tov", required_argument, NULL, 't' },
		{ "reserve", required_argument, NULL, 'R' },
		{ "profile", required_argument, NULL, 'P' },
		{ "copy-thresh", no_argument, NULL, 'c' },
		{ "rate", required_argument, NULL, 'r' },
		{ "batch", required_argument, NULL, 'n' },
		{ "write", required_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ "filter", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *keys[128] = {
		['V'] = "version", ['b'] = "block_size", ['B'] = "block_nr",
		['f'] = "frame_size", ['t'] = "retire_tov", ['R'] = "reserve",
	};
	struct replay_opts o = { 0 };
	struct replay rp = { 0 };
	uint32_t rate = 0;
	int c, ret;

	cli_req_init(&o.r);
	o.r.version = TPACKET_V3;
	o.r.block_size = 65536;
	o.r.block_nr = 32;
	o.r.frame_size = 2048;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hw:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'P':
			o.r.profile = optarg;
			break;
		case 'c':
			o.copy_thresh = true;
			break;
		case 'j':
			o.json = true;
			break;
		case 'F':
			o.filter = optarg;
			break;
		case 'w':
			o.out = optarg;
			break;
		case 'r':
			if (!cli_u32("replay", "--rate", optarg, &rate))
				return EXIT_USAGE;
			break;
		case 'n':
			if (!cli_u32("replay", "--batch", optarg, &rp.batch))
				return EXIT_USAGE;
			break;
		case ':':
			return cli_usage_error("replay", "%s needs a value",
					       argv[optind - 1]);
		case '?':
			return cli_usage_error("replay", "unknown option '%s'",
					       argv[optind - 1]);
		default:
			if (c < 0 || c >= 128 || !keys[c] ||
			    !cli_req_set("replay", &o.r, keys[c], optarg))
				return EXIT_USAGE;
			break;
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("replay", optind < argc
					       ? "one capture file, not %d"
					       : "no capture file given%.0d",
				       argc - optind);
	o.in = argv[optind];
	if (!cli_req_valid("replay", &o.r))
		return EXIT_USAGE;
	if (!o.r.frame_size || o.r.frame_size > o.r.block_size)
		return cli_usage_error("replay", "--frame-size %u must be in "
				       "[1, --block-size %u]", o.r.frame_size,
				       o.r.block_size);
	{
		uint64_t n = (uint64_t)(o.r.block_size / o.r.frame_size) *
			     o.r.block_nr;

		/* a count past 32 bits is G10's to report */
		o.r.frame_nr = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	}
	rp.rate = rate;
	ret = setup(&rp, &o);
	if (!ret)
		ret = run(&rp, &o);
	/* the mapping outlives the socket (M4): undo it first, or every
	 * replay in one process (the fuzz target) leaks a mapping */
	if (rp.ring)
		tpsim_munmap(rp.s, rp.ring, rp.v.ring_bytes);
	if (rp.s)
		tpsim_close(rp.s);
	return ret;
}
