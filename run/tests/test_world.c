// SPDX-License-Identifier: MIT
/*
 * The world of tpsim run with a correct consumer: under --pace lossless
 * what it captured is --expect-out byte for byte, and --expect-out is the
 * input; the counts of the report; rate pacing with drops; --loop; the
 * wire; the end actions.
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "t_run.h"
#include "tpsim.h"

#define FIX(name) "fixtures/" name

static void lossless_equal(int version, const char *fixture, int want)
{
	struct t_cons c = { .version = version };
	const char *cap = t_tmp("cap.pcap"), *exp = t_tmp("exp.pcap"),
		   *rep = t_tmp("rep.json");
	const char *opts[] = { "--pcap", fixture, "--expect-out", exp,
			       "--report", rep, NULL };
	json_object *o;

	t_world(&c, cap, opts);
	/* what the consumer wrote is what the oracle wrote */
	t_same_file(cap, exp);
	/* and that is the input, packet for packet */
	ck_assert_int_eq(t_same_packets(exp, fixture), want);
	o = t_report(rep);
	ck_assert_uint_eq(t_jget(o, "offered"), (uint64_t)want);
	ck_assert_uint_eq(t_jget(o, "sockets.0.delivered"), (uint64_t)want);
	ck_assert_uint_eq(t_jget(o, "sockets.0.dropped"), 0);
	ck_assert_uint_eq(t_jget(o, "drained"), 1);
	ck_assert_int_eq(t_findings(o, "C1", -1) + t_findings(o, "C2", -1), 0);
	json_object_put(o);
	unlink(cap);
	unlink(exp);
	unlink(rep);
}

START_TEST(lossless_v3_mixed) { lossless_equal(TPACKET_V3, FIX("eth-mixed.pcap"), 60); }
END_TEST
START_TEST(lossless_v2_mixed) { lossless_equal(TPACKET_V2, FIX("eth-mixed.pcap"), 60); }
END_TEST
/* the tags the receive path took out of the data come back */
START_TEST(lossless_v3_vlan) { lossless_equal(TPACKET_V3, FIX("vlan.pcap"), 16); }
END_TEST
START_TEST(lossless_v2_vlan) { lossless_equal(TPACKET_V2, FIX("vlan.pcap"), 16); }
END_TEST

/* V1 has no tag fields: the tag the receive path took out is lost, and
 * --expect-out says so (the frames 4 bytes shorter), as libpcap writes */
START_TEST(lossless_v1_vlan)
{
	struct t_cons c = { .version = TPACKET_V1 };
	const char *cap = t_tmp("cap.pcap"), *exp = t_tmp("exp.pcap");
	const char *opts[] = { "--pcap", FIX("vlan.pcap"), "--expect-out", exp,
			       NULL };
	char e[PCAP_ERRBUF_SIZE];
	pcap_t *p, *q;
	struct pcap_pkthdr *h1, *h2;
	const u_char *d1, *d2;
	int n = 0;

	t_world(&c, cap, opts);
	t_same_file(cap, exp);
	p = pcap_open_offline(exp, e);
	q = pcap_open_offline(FIX("vlan.pcap"), e);
	while (pcap_next_ex(p, &h1, &d1) == 1) {
		ck_assert_int_eq(pcap_next_ex(q, &h2, &d2), 1);
		ck_assert_uint_eq(h1->len + 4, h2->len);
		ck_assert_int_eq(memcmp(d1, d2, 12), 0);
		ck_assert_int_eq(memcmp(d1 + 12, d2 + 16, h1->caplen - 12), 0);
		n++;
	}
	pcap_close(p);
	pcap_close(q);
	ck_assert_int_eq(n, 16);
	unlink(cap);
	unlink(exp);
}
END_TEST

/* A ring of 4 frames and 400 packets 10 us apart: the producer waits,
 * nothing drops. */
START_TEST(lossless_small_ring)
{
	struct t_cons c = { .version = TPACKET_V2, .block_size = 4096,
			    .block_nr = 2, .frame_size = 2048 };
	const char *exp = t_tmp("exp.pcap"), *rep = t_tmp("rep.json");
	const char *opts[] = { "--pcap", FIX("burst.pcap"), "--expect-out",
			       exp, "--report", rep, NULL };
	json_object *o;

	t_world(&c, NULL, opts);
	ck_assert_uint_eq(c.packets, 400);
	ck_assert_uint_eq(c.losing, 0);
	ck_assert_int_eq(t_same_packets(exp, FIX("burst.pcap")), 400);
	o = t_report(rep);
	ck_assert_uint_eq(t_jget(o, "sockets.0.delivered"), 400);
	ck_assert_uint_eq(t_jget(o, "sockets.0.dropped"), 0);
	json_object_put(o);
	unlink(exp);
	unlink(rep);
}
END_TEST

/* Rate pacing into a ring nobody reads: the ring's 8 frames delivered,
 * the other 392 dropped, and the summary says so. */
START_TEST(rate_drops)
{
	struct t_cons c = { .version = TPACKET_V2, .block_size = 4096,
			    .block_nr = 4, .frame_size = 2048,
			    .mode = T_NO_READ };
	const char *rep = t_tmp("rep.json"), *exp = t_tmp("exp.pcap");
	const char *opts[] = { "--pcap", FIX("burst.pcap"), "--pace",
			       "rate=1000000", "--report", rep,
			       "--expect-out", exp, NULL };
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	json_object *o;

	t_world(&c, NULL, opts);
	o = t_report(rep);
	ck_assert_uint_eq(t_jget(o, "sockets.0.offered"), 400);
	ck_assert_uint_eq(t_jget(o, "sockets.0.delivered"), 8);
	ck_assert_uint_eq(t_jget(o, "sockets.0.dropped"), 392);
	ck_assert_uint_eq(t_jget(o, "sockets.0.ignored"), 0);
	ck_assert_uint_eq(t_jget(o, "expect_out_packets"), 8);
	/* the frames the consumer never gave back (C2) */
	ck_assert_int_eq(t_findings(o, "C2", 0), 1);
	json_object_put(o);
	f = open_memstream(&text, &len);
	ck_assert_int_eq(tpr_report_print_summary(rep, f), 0);
	fclose(f);
	ck_assert_msg(strstr(text, "socket 1: offered 400, delivered 8, "
				   "dropped 392, filtered 0, ignored 0"),
		      "summary: %s", text);
	ck_assert_ptr_nonnull(strstr(text, "C2 error socket 1 frame 0"));
	free(text);
	ck_assert_int_eq(tpr_report_print_summary(t_tmp("none.json"),
						  stderr), -EINVAL);
	ck_assert_int_eq(tpr_report_print_summary(NULL, stderr), -EINVAL);
	unlink(rep);
	unlink(exp);
}
END_TEST

/* --pace capture: a quiet 5 s in the capture is skipped once the
 * consumer has given every frame back; the packets and their stamps are
 * the file's */
START_TEST(capture_gap_skipped)
{
	struct t_cons c = { .version = TPACKET_V2 };
	const char *in = t_tmp("gap.pcap"), *exp = t_tmp("exp.pcap"),
		   *rep = t_tmp("rep.json");
	const char *opts[] = { "--pcap", in, "--pace", "capture",
			       "--expect-out", exp, "--report", rep, NULL };
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = pcap_dump_open(dead, in);
	uint8_t f[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 2,
			  0x88, 0xb5 };
	json_object *o;

	for (int i = 0; i < 20; i++) {
		struct pcap_pkthdr h = { .caplen = 60, .len = 60 };

		h.ts.tv_sec = 1000 + (i >= 10 ? 5 : 0);
		h.ts.tv_usec = i * 100;
		f[14] = (uint8_t)i;
		pcap_dump((u_char *)d, &h, f);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	t_world(&c, NULL, opts);
	ck_assert_int_eq(t_same_packets(exp, in), 20);
	o = t_report(rep);
	/* most of the 5 s, never more than the capture's gaps */
	ck_assert_uint_gt(t_jget(o, "skipped_ms"), 4000);
	ck_assert_uint_le(t_jget(o, "skipped_ms"), 5002);
	ck_assert_uint_eq(t_jget(o, "sockets.0.dropped"), 0);
	json_object_put(o);
	unlink(in);
	unlink(exp);
	unlink(rep);
}
END_TEST

/* --loop 0: until the program ends; the report shows the ring */
START_TEST(loop_forever)
{
	struct t_cons c = { .version = TPACKET_V2, .stop_after = 300 };
	const char *rep = t_tmp("rep.json");
	const char *opts[] = { "--pcap", FIX("eth-mixed.pcap"), "--loop", "0",
			       "--report", rep, NULL };
	json_object *o;

	t_world(&c, NULL, opts);
	ck_assert_uint_ge(c.packets, 300);
	o = t_report(rep);
	ck_assert_uint_ge(t_jget(o, "offered"), 300);
	ck_assert_uint_eq(t_jget(o, "input_done"), 0);
	ck_assert_uint_eq(t_jget(o, "sockets.0.ring.version"), 2);
	ck_assert_uint_eq(t_jget(o, "sockets.0.ring.frame_size"), 2048);
	ck_assert_uint_eq(t_jget(o, "sockets.0.ring.frame_nr"), 256);
	json_object_put(o);
	unlink(rep);
}
END_TEST

/* --snaplen 100 (tcpdump -s 100): libpcap's cut after the ring's */
START_TEST(snaplen_cut)
{
	struct t_cons c = { .version = TPACKET_V3 };
	const char *exp = t_tmp("exp.pcap");
	const char *opts[] = { "--pcap", FIX("eth-mixed.pcap"), "--snaplen",
			       "100", "--expect-out", exp, NULL };
	char e[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p;
	int n = 0, cut = 0;

	t_world(&c, NULL, opts);
	p = pcap_open_offline(exp, e);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(pcap_snapshot(p), 100);
	while (pcap_next_ex(p, &h, &d) == 1) {
		ck_assert_uint_eq(h->caplen, h->len < 100 ? h->len : 100);
		cut += h->len > 100;
		n++;
	}
	pcap_close(p);
	ck_assert_int_eq(n, 60);
	ck_assert_int_gt(cut, 0);
	unlink(exp);
}
END_TEST

/* --loop 3: the capture three times on one forward timeline */
START_TEST(loop_three)
{
	struct t_cons c = { .version = TPACKET_V3 };
	const char *cap = t_tmp("cap.pcap"), *exp = t_tmp("exp.pcap"),
		   *rep = t_tmp("rep.json");
	const char *opts[] = { "--pcap", FIX("eth-mixed.pcap"), "--loop", "3",
			       "--expect-out", exp, "--report", rep, NULL };
	json_object *o;
	char e[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p;
	long last = -1, n = 0;

	t_world(&c, cap, opts);
	t_same_file(cap, exp);
	p = pcap_open_offline(exp, e);
	ck_assert_ptr_nonnull(p);
	while (pcap_next_ex(p, &h, &d) == 1) {
		long t = (long)h->ts.tv_sec * 1000000 + h->ts.tv_usec;

		ck_assert_msg(t > last, "packet %ld at %ld, after %ld", n, t,
			      last);
		last = t;
		n++;
	}
	pcap_close(p);
	o = t_report(rep);
	ck_assert_msg(n == 180, "%ld packets; report %s", n,
		      json_object_to_json_string(o));
	json_object_put(o);
	unlink(cap);
	unlink(exp);
	unlink(rep);
}
END_TEST

/* an empty capture, pcapng read too: nothing offered, the end comes */
START_TEST(empty_input)
{
	struct t_cons c = { .version = TPACKET_V3 };
	const char *rep = t_tmp("rep.json");
	const char *opts[] = { "--pcap", FIX("empty.pcap"), "--report", rep,
			       NULL };
	json_object *o;

	t_world(&c, NULL, opts);
	o = t_report(rep);
	ck_assert_uint_eq(t_jget(o, "offered"), 0);
	ck_assert_uint_eq(t_jget(o, "input_done"), 1);
	json_object_put(o);
	unlink(rep);
}
END_TEST

START_TEST(pcapng_input)
{
	struct t_cons c = { .version = TPACKET_V3 };
	const char *ng = t_tmp("in.pcapng"), *exp = t_tmp("exp.pcap");
	const char *opts[] = { "--pcap", ng, "--expect-out", exp, NULL };
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "editcap -F pcapng %s %s",
		 FIX("eth-mixed.pcap"), ng);
	ck_assert_int_eq(system(cmd), 0);
	t_world(&c, NULL, opts);
	ck_assert_int_eq(t_same_packets(exp, FIX("eth-mixed.pcap")), 60);
	unlink(ng);
	unlink(exp);
}
END_TEST

/* bad inputs fail at create, naming the file and the problem */
START_TEST(bad_input)
{
	static const char *const files[][2] = {
		{ FIX("not-ethernet.pcap"), "is not Ethernet" },
		{ FIX("bad-magic.pcap"), "bad-magic.pcap: " },
		{ "fixtures/no-such.pcap", "no-such.pcap: " },
	};
	char *argv[3] = { "--pcap" };
	struct tpr_config *cfg;
	struct tpr_run *r = NULL;
	char err[200];

	for (size_t i = 0; i < 3; i++) {
		argv[1] = (char *)files[i][0];
		ck_assert_int_eq(tpr_config_parse_args(2, argv, &cfg, err,
						       sizeof(err)), 2);
		ck_assert_int_eq(tpr_run_create(cfg, &r), -EINVAL);
		ck_assert_msg(strstr(tpr_run_error(NULL), files[i][1]),
			      "%s: '%s'", files[i][0], tpr_run_error(NULL));
		tpr_config_free(cfg);
	}
	/* an --expect-out that cannot be written */
	argv[0] = "--expect-out";
	argv[1] = "/nonexistent/dir/x.pcap";
	ck_assert_int_eq(tpr_config_parse_args(2, argv, &cfg, err,
					       sizeof(err)), 2);
	ck_assert_int_eq(tpr_run_create(cfg, &r), -EINVAL);
	ck_assert_ptr_nonnull(strstr(tpr_run_error(NULL), "--expect-out"));
	tpr_config_free(cfg);
	ck_assert_int_eq(tpr_run_create(NULL, &r), -EINVAL);
	tpr_run_destroy(NULL);
	ck_assert_int_eq(tpr_run_finish(NULL), -EINVAL);
}
END_TEST

/* a truncated file: what it held is played, the report says where it
 * broke */
START_TEST(truncated_input)
{
	struct t_cons c = { .version = TPACKET_V3 };
	const char *rep = t_tmp("rep.json");
	const char *opts[] = { "--pcap", FIX("truncated.pcap"), "--report",
			       rep, NULL };
	json_object *o;

	t_world(&c, NULL, opts);
	o = t_report(rep);
	ck_assert_uint_eq(t_jget(o, "offered"), 2);
	ck_assert_int_eq(t_findings(o, "C6", -1), 1);
	json_object_put(o);
	unlink(rep);
}
END_TEST

/* The interface as ioctl and getifaddrs report it. */
START_TEST(ifinfo)
{
	char *argv[] = { "--ifname", "cap0", "--ifindex", "42", "--mac",
			 "02:11:22:33:44:55", "--mtu", "9000", "--speed",
			 "1000" };
	struct tpr_config *cfg;
	struct tpr_ifinfo in;
	struct tpsim_create_opts o = { 0 };
	struct tpr_run *r;
	char err[200];

	ck_assert_int_eq(tpr_config_parse_args(10, argv, &cfg, err,
					       sizeof(err)), 10);
	ck_assert_int_eq(tpr_run_create(cfg, &r), 0);
	tpr_config_free(cfg);
	ck_assert_int_eq(tpr_run_ifinfo(r, &in), 0);
	ck_assert_str_eq(in.name, "cap0");
	ck_assert_int_eq(in.ifindex, 42);
	ck_assert_uint_eq(in.mac[5], 0x55);
	ck_assert_uint_eq(in.mtu, 9000);
	ck_assert_uint_eq(in.speed, 1000);
	ck_assert(in.up);
	tpr_run_sock_opts(r, &o);
	ck_assert_int_eq(o.ifindex, 42);
	ck_assert_int_eq(o.clock, TPSIM_CLOCK_VIRTUAL);
	ck_assert_str_eq(o.profile, "linux");
	ck_assert_ptr_nonnull(tpr_run_dev(r));
	ck_assert_int_eq(tpr_run_ifinfo(NULL, &in), -EINVAL);
	ck_assert_ptr_null(tpr_run_net(NULL));
	ck_assert_ptr_null(tpr_run_dev(NULL));
	ck_assert_str_eq(tpr_run_error(r), "");
	tpr_run_destroy(r);
}
END_TEST

/* --end down: the interface goes down at the end of input, the consumer
 * sees ENETDOWN once */
static void wait_end_down(struct t_cons *c, struct tpr_run *r)
{
	struct tpr_ifinfo in;

	(void)c;
	ck_assert_int_eq(tpr_run_ifinfo(r, &in), 0);
	ck_assert(!in.up);
}

START_TEST(end_down)
{
	struct t_cons c = { .version = TPACKET_V3, .after = wait_end_down };
	/* not lossless: a ring nobody reads is not waited for */
	const char *opts[] = { "--pcap", FIX("eth-mixed.pcap"), "--end",
			       "down", "--pace", "rate=1000000", NULL };
	char *argv[6];
	struct tpr_config *cfg;
	struct tpr_run *r;
	char err[100];

	/* t_world adds --end signal=USR1 after these: run it by hand */
	for (int i = 0; i < 6; i++)
		argv[i] = (char *)opts[i];
	ck_assert_int_eq(tpr_config_parse_args(6, argv, &cfg, err,
					       sizeof(err)), 6);
	ck_assert_int_eq(cfg->end, TPR_END_DOWN);
	ck_assert_int_eq(tpr_run_create(cfg, &r), 0);
	tpr_config_free(cfg);
	{
		struct tpsim_create_opts o = { 0 };
		struct sockaddr_ll sll = { .sll_family = AF_PACKET,
					   .sll_protocol = htons(ETH_P_ALL),
					   .sll_ifindex = 1000 };
		int v = TPACKET_V2, got = 0;
		struct tpacket_req q = { 4096, 64, 2048, 128 };
		char buf[2048];

		tpr_run_sock_opts(r, &o);
		ck_assert_int_eq(tpsim_create(&o, &c.s), 0);
		ck_assert_int_eq(tpsim_net_add_sock(tpr_run_net(r), c.s), 0);
		tpr_run_sock_added(r, c.s);
		ck_assert_int_eq(tpsim_bind(c.s, (struct sockaddr *)&sll,
					    sizeof(sll)), 0);
		ck_assert_int_eq(tpsim_setsockopt(c.s, SOL_PACKET,
						  PACKET_VERSION, &v,
						  sizeof(v)), 0);
		ck_assert_int_eq(tpsim_setsockopt(c.s, SOL_PACKET,
						  PACKET_RX_RING, &q,
						  sizeof(q)), 0);
		tpr_run_consumer_ready(r);
		/* all 60 fit: the ring is never read; the end comes as the
		 * link going down */
		while (!(tpsim_poll(c.s, POLLIN, 0) & POLLERR))
			usleep(1000);
		ck_assert_int_eq(tpsim_recv(c.s, buf, sizeof(buf),
					    MSG_DONTWAIT), -ENETDOWN);
		got = 1;
		wait_end_down(&c, r);
		tpr_run_sock_closing(r, c.s);
		tpr_run_destroy(r);
		tpsim_close(c.s);
		ck_assert_int_eq(got, 1);
	}
}
END_TEST

/* --end signal=USR2 raises it in the process once the input is played */
static volatile sig_atomic_t usr2;
static void on_usr2(int sig)
{
	(void)sig;
	usr2 = 1;
}

START_TEST(end_signal)
{
	char *argv[] = { "--pcap", FIX("eth-mixed.pcap"), "--end",
			 "signal=USR2" };
	struct tpr_config *cfg;
	struct tpr_run *r;
	char err[100];

	signal(SIGUSR2, on_usr2);
	ck_assert_int_eq(tpr_config_parse_args(4, argv, &cfg, err,
					       sizeof(err)), 4);
	ck_assert_int_eq(tpr_run_create(cfg, &r), 0);
	tpr_config_free(cfg);
	/* no socket at all: every packet offered, none delivered */
	tpr_run_consumer_ready(r);
	tpr_run_consumer_ready(r);	/* idempotent */
	while (!usr2)
		usleep(1000);
	ck_assert_int_eq(tpr_run_finish(r), 0);
	ck_assert_int_eq(tpr_run_finish(r), 0);	/* idempotent */
	tpr_run_destroy(r);
}
END_TEST

/* --wire-out: frames sent from a TX ring and by send() without one, in
 * the order they left */
static void send_two(struct t_cons *c, struct tpr_run *r)
{
	struct tpsim_create_opts o = { 0 };
	struct tpacket_req q = { 4096, 1, 2048, 2 };
	struct tpsim_sock *tx;
	struct tpacket2_hdr *h;
	struct tpsim_ring_view v;
	uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0,
			      0, 1, 0x88, 0xb5, 'w', 'i', 'r', 'e' };
	int ver = TPACKET_V2;
	void *ring;

	(void)c;
	tpr_run_sock_opts(r, &o);
	ck_assert_int_eq(tpsim_create(&o, &tx), 0);
	ck_assert_int_eq(tpsim_net_add_sock(tpr_run_net(r), tx), 0);
	tpr_run_sock_added(r, tx);
	/* an unbound socket has no device to send on (ENXIO) */
	ck_assert_int_eq(tpsim_bind(tx, (struct sockaddr *)&(struct sockaddr_ll){
				.sll_family = AF_PACKET, .sll_ifindex = 1000 },
				    sizeof(struct sockaddr_ll)), 0);
	ck_assert_int_eq(tpsim_setsockopt(tx, SOL_PACKET, PACKET_VERSION, &ver,
					  sizeof(ver)), 0);
	ck_assert_int_eq(tpsim_setsockopt(tx, SOL_PACKET, PACKET_TX_RING, &q,
					  sizeof(q)), 0);
	tpsim_ring_view_of(tx, TPSIM_RING_TX, &v);
	ck_assert_int_eq(tpsim_mmap(tx, NULL, v.ring_bytes,
				    PROT_READ | PROT_WRITE, MAP_SHARED, 0,
				    &ring), 0);
	h = tpsim_frame(ring, &v, 0);
	memcpy((char *)h + TPACKET2_HDRLEN - sizeof(struct sockaddr_ll), frame,
	       sizeof(frame));
	h->tp_len = sizeof(frame);
	tpsim_frame_send_request(h, TPACKET_V2);
	ck_assert_int_eq(tpsim_send(tx, NULL, 0), (int)sizeof(frame));
	frame[14] = 'W';
	tpr_run_wire_sent(r, frame, 20);
	tpr_run_sock_closing(r, tx);
	munmap(ring, v.ring_bytes);
	tpsim_close(tx);
}

START_TEST(wire_out)
{
	struct t_cons c = { .version = TPACKET_V3, .after = send_two };
	const char *wire = t_tmp("wire.pcap"), *rep = t_tmp("rep.json");
	const char *opts[] = { "--pcap", FIX("empty.pcap"), "--wire-out",
			       wire, "--report", rep, NULL };
	char e[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p;
	json_object *o;

	t_world(&c, NULL, opts);
	p = pcap_open_offline(wire, e);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(pcap_next_ex(p, &h, &d), 1);
	ck_assert_uint_eq(h->caplen, 60);
	ck_assert_int_eq(memcmp(d + 14, "wire", 4), 0);
	ck_assert_int_eq(pcap_next_ex(p, &h, &d), 1);
	ck_assert_uint_eq(h->caplen, 20);
	ck_assert_int_eq(memcmp(d + 14, "Wire", 4), 0);
	ck_assert_int_eq(pcap_next_ex(p, &h, &d), PCAP_ERROR_BREAK);
	pcap_close(p);
	o = t_report(rep);
	ck_assert_uint_eq(t_jget(o, "wire_packets"), 2);
	json_object_put(o);
	unlink(wire);
	unlink(rep);
}
END_TEST

/* a program that only sends never waits for packets: the producer takes
 * its frames off the wire all the same (the queue would fill) */
START_TEST(wire_before_ready)
{
	const char *wire = t_tmp("wire.pcap");
	char *argv[] = { "--wire-out", (char *)wire, "--end", "none" };
	struct tpsim_create_opts o = { 0 };
	struct tpacket_req q = { 4096, 1, 2048, 2 };
	struct tpsim_wire_stats ws;
	struct tpsim_ring_view v;
	struct tpr_config *cfg;
	struct tpsim_sock *tx;
	struct tpr_run *r;
	uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0,
			      0, 1, 0x88, 0xb5 };
	int ver = TPACKET_V2, tries = 0;
	char err[100], e[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p;
	void *ring;

	ck_assert_int_eq(tpr_config_parse_args(4, argv, &cfg, err,
					       sizeof(err)), 4);
	ck_assert_int_eq(tpr_run_create(cfg, &r), 0);
	tpr_config_free(cfg);
	tpr_run_sock_opts(r, &o);
	ck_assert_int_eq(tpsim_create(&o, &tx), 0);
	ck_assert_int_eq(tpsim_net_add_sock(tpr_run_net(r), tx), 0);
	tpr_run_sock_added(r, tx);
	/* an unbound socket has no device to send on (ENXIO) */
	ck_assert_int_eq(tpsim_bind(tx, (struct sockaddr *)&(struct sockaddr_ll){
				.sll_family = AF_PACKET, .sll_ifindex = 1000 },
				    sizeof(struct sockaddr_ll)), 0);
	ck_assert_int_eq(tpsim_setsockopt(tx, SOL_PACKET, PACKET_VERSION, &ver,
					  sizeof(ver)), 0);
	ck_assert_int_eq(tpsim_setsockopt(tx, SOL_PACKET, PACKET_TX_RING, &q,
					  sizeof(q)), 0);
	tpsim_ring_view_of(tx, TPSIM_RING_TX, &v);
	ck_assert_int_eq(tpsim_mmap(tx, NULL, v.ring_bytes,
				    PROT_READ | PROT_WRITE, MAP_SHARED, 0,
				    &ring), 0);
	for (int i = 0; i < 3; i++) {
		struct tpacket2_hdr *t = tpsim_frame(ring, &v, (uint32_t)i % 2);

		frame[14] = (uint8_t)i;
		memcpy((char *)t + TPACKET2_HDRLEN - sizeof(struct sockaddr_ll),
		       frame, sizeof(frame));
		t->tp_len = sizeof(frame);
		tpsim_frame_send_request(t, TPACKET_V2);
		ck_assert_int_eq(tpsim_send(tx, NULL, 0), (int)sizeof(frame));
	}
	/* never consumer_ready: the wire empties anyway */
	do {
		usleep(2000);
		ck_assert_int_eq(tpsim_wire_stats_get(tx, &ws), 0);
	} while (ws.queued && ++tries < 2500);
	ck_assert_uint_eq(ws.queued, 0);
	ck_assert_uint_eq(ws.packets, 3);
	tpr_run_sock_closing(r, tx);
	tpr_run_destroy(r);
	munmap(ring, v.ring_bytes);
	tpsim_close(tx);
	p = pcap_open_offline(wire, e);
	ck_assert_ptr_nonnull(p);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(pcap_next_ex(p, &h, &d), 1);
		ck_assert_uint_eq(d[14], (unsigned)i);
	}
	ck_assert_int_eq(pcap_next_ex(p, &h, &d), PCAP_ERROR_BREAK);
	pcap_close(p);
	unlink(wire);
}
END_TEST

Suite *suite_run_world(void)
{
	Suite *s = suite_create("run_world");
	TCase *tc = tcase_create("world");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, lossless_v3_mixed);
	tcase_add_test(tc, lossless_v2_mixed);
	tcase_add_test(tc, lossless_v3_vlan);
	tcase_add_test(tc, lossless_v2_vlan);
	tcase_add_test(tc, lossless_v1_vlan);
	tcase_add_test(tc, lossless_small_ring);
	tcase_add_test(tc, rate_drops);
	tcase_add_test(tc, loop_three);
	tcase_add_test(tc, snaplen_cut);
	tcase_add_test(tc, loop_forever);
	tcase_add_test(tc, capture_gap_skipped);
	tcase_add_test(tc, empty_input);
	tcase_add_test(tc, pcapng_input);
	tcase_add_test(tc, bad_input);
	tcase_add_test(tc, truncated_input);
	tcase_add_test(tc, ifinfo);
	tcase_add_test(tc, end_down);
	tcase_add_test(tc, end_signal);
	tcase_add_test(tc, wire_out);
	tcase_add_test(tc, wire_before_ready);
	suite_add_tcase(s, tc);
	return s;
}
