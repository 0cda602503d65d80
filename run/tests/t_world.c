// SPDX-License-Identifier: MIT
/*
 * A world of `tpsim run` driven in-process: the options, one socket bound
 * to the simulated device as libpcap sets it up, and a consumer that reads
 * the ring as libpcap does and writes what it read with libpcap's
 * conventions, or misbehaves on purpose.
 */
#include <errno.h>
#include <json.h>
#include <linux/if_ether.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "t_run.h"
#include "tpsim.h"

static volatile sig_atomic_t ended;

static void on_end(int sig)
{
	(void)sig;
	ended = 1;
}

/* One packet as libpcap writes it (pcap-linux.c): the tag held outside
 * put back after the addresses. */
static void write_pkt(struct t_cons *c, pcap_dumper_t *d, const uint8_t *mac,
		      uint32_t snap, uint32_t len, uint32_t sec, uint32_t nsec,
		      uint32_t status, uint16_t tci, uint16_t tpid)
{
	static uint8_t buf[262144 + 4];
	struct pcap_pkthdr h = { .caplen = snap, .len = len };

	h.ts.tv_sec = sec;
	h.ts.tv_usec = nsec / 1000;
	memcpy(buf, mac, snap);
	if ((tci || (status & TP_STATUS_VLAN_VALID)) && snap >= 12) {
		if (!tpid && !(status & TP_STATUS_VLAN_TPID_VALID))
			tpid = 0x8100;
		memmove(buf + 16, buf + 12, snap - 12);
		buf[12] = (uint8_t)(tpid >> 8);
		buf[13] = (uint8_t)tpid;
		buf[14] = (uint8_t)(tci >> 8);
		buf[15] = (uint8_t)tci;
		h.caplen += 4;
		h.len += 4;
		c->vlan_tpid_seen |= tpid == 0x88a8;
	}
	c->packets++;
	c->losing += !!(status & TP_STATUS_LOSING);
	c->copy += !!(status & TP_STATUS_COPY);
	c->csum += !!(status & TP_STATUS_CSUMNOTREADY);
	c->hwts += !!(status & TP_STATUS_TS_RAW_HARDWARE);
	if (snap < c->min_len || !c->min_len)
		c->min_len = snap;
	if (len > c->max_len)
		c->max_len = len;
	if (c->nlens < T_LENS)
		c->lens[c->nlens++] = len;
	if (d)
		pcap_dump((unsigned char *)d, &h, buf);
}

/* A V2 frame: false when it is not the user's. */
static bool take_frame(struct t_cons *c, pcap_dumper_t *d)
{
	struct tpacket2_hdr *h;
	uint32_t st;

	if (c->held && c->next == c->held_idx)	/* it reads around it */
		c->next = (c->next + 1) % c->v.frame_nr;
	h = tpsim_frame(c->ring, &c->v, c->next);
	st = tpsim_frame_status(h, c->version);

	if (!(st & TP_STATUS_USER))
		return false;
	if (st & TP_STATUS_COPY) {
		char big[70000];

		/* the whole packet waits for recv() */
		c->copies_recv += tpsim_recv(c->s, big, sizeof(big),
					     MSG_DONTWAIT) > 0;
	}
	if (c->version == TPACKET_V1) {	/* no tag fields, microseconds */
		struct tpacket_hdr *h1 = (void *)h;

		write_pkt(c, d, (uint8_t *)h1 + h1->tp_mac, h1->tp_snaplen,
			  h1->tp_len, h1->tp_sec, h1->tp_usec * 1000, st, 0, 0);
	} else {
		write_pkt(c, d, (uint8_t *)h + h->tp_mac, h->tp_snaplen,
			  h->tp_len, h->tp_sec, h->tp_nsec, st, h->tp_vlan_tci,
			  h->tp_vlan_tpid);
	}
	if (c->mode == T_HOLD_FIRST && c->packets == 1) {
		c->held = true;		/* never given back */
		c->held_idx = c->next;
	} else if (c->mode == T_PRIVATE_BITS) {
		/* a mark of its own, given back one frame later */
		tpsim_frame_set_status(h, c->version, st | 0x40000000u);
		if (c->marked)
			tpsim_frame_release(c->marked, c->version);
		c->marked = h;
	} else {
		tpsim_frame_release(h, c->version);
	}
	c->next = (c->next + 1) % c->v.frame_nr;
	return true;
}

static bool take_block(struct t_cons *c, pcap_dumper_t *d)
{
	struct tpacket_block_desc *b;
	uint32_t st, off, n;
	struct tpacket3_hdr *h;

	if (c->held && c->next == c->held_idx)	/* it reads around it */
		c->next = (c->next + 1) % c->v.block_nr;
	b = (void *)((char *)c->ring + (size_t)c->next * c->v.block_size);
	st = tpsim_block_status(b);

	if (!(st & TP_STATUS_USER))
		return false;
	n = b->hdr.bh1.num_pkts;
	c->blocks++;
	c->empty_blocks += !n;
	c->losing += !!(st & TP_STATUS_LOSING);
	off = b->hdr.bh1.offset_to_first_pkt;
	for (uint32_t i = 0; i < n; i++) {
		h = (void *)((char *)b + off);
		write_pkt(c, d, (uint8_t *)h + h->tp_mac, h->tp_snaplen,
			  h->tp_len, h->tp_sec, h->tp_nsec, h->tp_status,
			  h->hv1.tp_vlan_tci, h->hv1.tp_vlan_tpid);
		off += h->tp_next_offset;
	}
	if (c->mode == T_HOLD_FIRST && c->blocks == 1) {
		c->held = true;
		c->held_idx = c->next;
	}
	else if (c->mode == T_V3_BAD_RETURN)
		/* "done with it", in a word of its own: not KERNEL */
		tpsim_store_release(&b->hdr.bh1.block_status, 2u);
	else
		tpsim_block_release(b);
	c->next = (c->next + 1) % c->v.block_nr;
	return true;
}

static void setup_sock(struct t_cons *c, struct tpr_run *r)
{
	struct tpsim_create_opts o = { 0 };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL) };
	struct tpacket_req3 q = { 0 };
	int v = c->version;
	size_t len;

	tpr_run_sock_opts(r, &o);
	ck_assert_int_eq(tpsim_create(&o, &c->s), 0);
	ck_assert_int_eq(tpsim_net_add_sock(tpr_run_net(r), c->s), 0);
	tpr_run_sock_added(r, c->s);
	sll.sll_ifindex = 1000;
	ck_assert_int_eq(tpsim_bind(c->s, (struct sockaddr *)&sll,
				    sizeof(sll)), 0);
	ck_assert_int_eq(tpsim_setsockopt(c->s, SOL_PACKET, PACKET_VERSION,
					  &v, sizeof(v)), 0);
	if (c->tstamp)
		ck_assert_int_eq(tpsim_setsockopt(c->s, SOL_PACKET,
						  PACKET_TIMESTAMP, &c->tstamp,
						  sizeof(c->tstamp)), 0);
	q.tp_block_size = c->block_size ? c->block_size : 65536;
	q.tp_block_nr = c->block_nr ? c->block_nr : 8;
	q.tp_frame_size = c->frame_size ? c->frame_size : 2048;
	q.tp_frame_nr = q.tp_block_size / q.tp_frame_size * q.tp_block_nr;
	q.tp_retire_blk_tov = 10;
	ck_assert_int_eq(tpsim_setsockopt(c->s, SOL_PACKET, PACKET_RX_RING, &q,
					  v == TPACKET_V3
						  ? sizeof(q)
						  : sizeof(struct tpacket_req)),
			 0);
	ck_assert_int_eq(tpsim_ring_view_get(c->s, &c->v), 0);
	len = c->v.ring_bytes;
	ck_assert_int_eq(tpsim_mmap(c->s, NULL, len, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, &c->ring), 0);
}

/* Read until the producer's end signal, then what is left. */
static void consume(struct t_cons *c, pcap_dumper_t *d)
{
	int quiet = 0;

	while (quiet < 3) {
		bool any = false;
		short ev = (short)tpsim_poll(c->s, POLLIN, 0);
		struct pollfd pfd = { .fd = tpsim_poll_fd(c->s),
				      .events = POLLIN };
		uint64_t drain;

		if (ev & POLLERR) {	/* ENETDOWN, once */
			char b[1];

			c->enetdown += tpsim_recv(c->s, b, 1, MSG_DONTWAIT) ==
				       -ENETDOWN;
		}
		if (c->mode != T_NO_READ)
			while (c->version != TPACKET_V3 ? take_frame(c, d)
							: take_block(c, d))
				any = true;
		quiet = ended && !any ? quiet + 1 : 0;
		if (c->stop_after && c->packets >= c->stop_after)
			break;
		if (any)
			continue;
		tpsim_poll_sync(c->s);
		poll(&pfd, 1, 5);
		if (read(pfd.fd, &drain, sizeof(drain)) < 0)
			drain = 0;
	}
}

void t_world(struct t_cons *c, const char *capture, const char *const *opts)
{
	char *argv[64], err[256];
	struct tpr_config *cfg;
	struct tpr_run *r;
	pcap_t *dead = NULL;
	pcap_dumper_t *d = NULL;
	int argc = 0, rc;

	for (; opts[argc]; argc++)
		argv[argc] = (char *)opts[argc];
	argv[argc++] = "--end";
	argv[argc++] = "signal=USR1";
	rc = tpr_config_parse_args(argc, argv, &cfg, err, sizeof(err));
	ck_assert_msg(rc == argc, "parse: %d %s", rc, err);
	ended = 0;
	signal(SIGUSR1, on_end);
	rc = tpr_run_create(cfg, &r);
	ck_assert_msg(rc == 0, "create: %d %s", rc, tpr_run_error(NULL));
	tpr_config_free(cfg);
	setup_sock(c, r);
	if (c->before_ready)
		c->before_ready(c, r);
	if (capture) {
		dead = pcap_open_dead(DLT_EN10MB, 262144);
		d = pcap_dump_open(dead, capture);
		ck_assert_ptr_nonnull(d);
	}
	tpr_run_consumer_ready(r);
	consume(c, d);
	if (c->after)
		c->after(c, r);
	tpr_run_sock_closing(r, c->s);
	ck_assert_int_eq(tpr_run_finish(r), 0);
	tpr_run_destroy(r);
	munmap(c->ring, c->v.ring_bytes);
	tpsim_close(c->s);
	if (d) {
		pcap_dump_close(d);
		pcap_close(dead);
	}
}

/* The file's bytes: malloc'd, *len set; NULL if unreadable. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	b = malloc((size_t)n + 1);
	*len = fread(b, 1, (size_t)n, f);
	fclose(f);
	return b;
}

void t_same_file(const char *a, const char *b)
{
	size_t la, lb;
	char *x = slurp(a, &la), *y = slurp(b, &lb);

	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(y);
	ck_assert_msg(la == lb && !memcmp(x, y, la),
		      "%s (%zu bytes) and %s (%zu bytes) differ", a, la, b, lb);
	free(x);
	free(y);
}

int t_same_packets(const char *a, const char *b)
{
	char e1[PCAP_ERRBUF_SIZE], e2[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(a, e1), *q = pcap_open_offline(b, e2);
	struct pcap_pkthdr *h1, *h2;
	const u_char *d1, *d2;
	int n = 0, r1, r2;

	ck_assert_msg(p && q, "%s: %s; %s: %s", a, p ? "" : e1, b,
		      q ? "" : e2);
	for (;;) {
		r1 = pcap_next_ex(p, &h1, &d1);
		r2 = pcap_next_ex(q, &h2, &d2);
		ck_assert_int_eq(r1, r2);
		if (r1 != 1)
			break;
		ck_assert_msg(h1->caplen == h2->caplen && h1->len == h2->len &&
				      !memcmp(d1, d2, h1->caplen) &&
				      h1->ts.tv_sec == h2->ts.tv_sec &&
				      h1->ts.tv_usec == h2->ts.tv_usec,
			      "packet %d: caplen %u/%u len %u/%u ts %ld.%06ld/"
			      "%ld.%06ld", n, h1->caplen, h2->caplen, h1->len,
			      h2->len, (long)h1->ts.tv_sec,
			      (long)h1->ts.tv_usec, (long)h2->ts.tv_sec,
			      (long)h2->ts.tv_usec);
		n++;
	}
	pcap_close(p);
	pcap_close(q);
	return n;
}

json_object *t_report(const char *path)
{
	json_object *o = json_object_from_file(path);

	ck_assert_msg(o != NULL, "report %s unreadable", path);
	return o;
}

uint64_t t_jget(json_object *o, const char *path)
{
	char buf[128], *save, *k;
	json_object *cur = o, *next;

	snprintf(buf, sizeof(buf), "%s", path);
	for (k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(cur, json_type_array))
			next = json_object_array_get_idx(cur, (size_t)atoi(k));
		else if (!json_object_object_get_ex(cur, k, &next))
			next = NULL;
		ck_assert_msg(next != NULL, "report has no %s", path);
		cur = next;
	}
	return json_object_get_uint64(cur);
}

/* How many findings of rule (and frame, unless frame < 0). */
int t_findings(json_object *o, const char *rule, long frame)
{
	json_object *a, *f, *v;
	int n = 0;

	if (!json_object_object_get_ex(o, "findings", &a))
		return 0;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		f = json_object_array_get_idx(a, i);
		json_object_object_get_ex(f, "rule", &v);
		if (strcmp(json_object_get_string(v), rule))
			continue;
		json_object_object_get_ex(f, "frame", &v);
		if (frame >= 0 && json_object_get_int64(v) != frame)
			continue;
		n++;
	}
	return n;
}

const char *t_tmp(const char *name)
{
	static char paths[32][256];
	static int k;
	char *p = paths[k++ % 32];

	snprintf(p, 256, "%s/tpr-%d-%s", getenv("TMPDIR") ? getenv("TMPDIR")
							   : "/tmp",
		 (int)getpid(), name);
	return p;
}
