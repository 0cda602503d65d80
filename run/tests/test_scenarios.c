// SPDX-License-Identifier: MIT
/*
 * Each hostile scenario with a correct consumer: what it read is still
 * --expect-out byte for byte, and the scenario did what it says (the
 * consumer saw LOSING, an empty block, the 802.1ad TPID, COPY, ...). A
 * run replays from its seed.
 */
#include <linux/net_tstamp.h>
#include <string.h>
#include <unistd.h>

#include "t_run.h"
#include "tpsim.h"

#define FIX(name) "fixtures/" name

/* Play fixture with scenario under pace; the consumer's capture must be
 * the oracle's. Returns the report (caller puts it). */
static json_object *play(struct t_cons *c, const char *fixture,
			 const char *scenario, const char *pace,
			 const char *seed, const char *exp_keep)
{
	const char *cap = t_tmp("cap.pcap"), *rep = t_tmp("rep.json");
	const char *exp = exp_keep ? exp_keep : t_tmp("exp.pcap");
	const char *opts[] = { "--pcap", fixture, "--scenario", scenario,
			       "--pace", pace, "--seed", seed,
			       "--expect-out", exp, "--report", rep, NULL };
	json_object *o;

	t_world(c, cap, opts);
	t_same_file(cap, exp);
	o = t_report(rep);
	unlink(cap);
	unlink(rep);
	if (!exp_keep)
		unlink(exp);
	return o;
}

START_TEST(losing_burst)
{
	struct t_cons c = { .version = TPACKET_V2, .block_size = 4096,
			    .block_nr = 4, .frame_size = 2048 };
	json_object *o = play(&c, FIX("burst.pcap"), "losing-burst",
			      "lossless", "1", NULL);

	ck_assert_uint_gt(t_jget(o, "sockets.0.dropped"), 0);
	ck_assert_uint_gt(c.losing, 0);
	json_object_put(o);
}
END_TEST

/* every seed overruns the ring on a 60-packet input (seed 1 used to put
 * the first burst past the input: no drop at all) */
START_TEST(losing_burst_every_seed)
{
	static const char *const seeds[] = { "1", "2", "3", "4" };

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		struct t_cons c = { .version = TPACKET_V2, .block_size = 4096,
				    .block_nr = 4, .frame_size = 2048 };
		json_object *o = play(&c, FIX("eth-mixed.pcap"),
				      "losing-burst", "lossless", seeds[i],
				      NULL);

		ck_assert_msg(t_jget(o, "sockets.0.dropped") > 0,
			      "seed %s: no drop", seeds[i]);
		json_object_put(o);
	}
}
END_TEST

static void read_stats(struct t_cons *c, struct tpr_run *r)
{
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);

	ck_assert_int_eq(tpsim_getsockopt(c->s, SOL_PACKET, PACKET_STATISTICS,
					  &st, &len), 0);
	ck_assert_uint_gt(st.tp_freeze_q_cnt, 0);
	tpr_run_stats_read(r, c->s, &st, len);
}

START_TEST(v3_frozen)
{
	struct t_cons c = { .version = TPACKET_V3, .block_size = 4096,
			    .block_nr = 4, .after = read_stats };
	json_object *o = play(&c, FIX("eth-mixed.pcap"), "v3-frozen",
			      "lossless", "3", NULL);

	ck_assert_uint_gt(t_jget(o, "sockets.0.dropped"), 0);
	ck_assert_uint_gt(
		t_jget(o, "sockets.0.packet_statistics_read.tp_freeze_q_cnt"),
		0);
	json_object_put(o);
}
END_TEST

START_TEST(v3_empty_block)
{
	struct t_cons c = { .version = TPACKET_V3, .block_size = 8192,
			    .block_nr = 8 };
	json_object *o = play(&c, FIX("eth-mixed.pcap"), "v3-empty-block",
			      "lossless", "1", NULL);

	ck_assert_uint_gt(c.empty_blocks, 0);
	ck_assert_uint_eq(t_jget(o, "sockets.0.dropped"), 0);
	json_object_put(o);
}
END_TEST

START_TEST(vlan_stacked)
{
	struct t_cons c = { .version = TPACKET_V3 };
	json_object *o = play(&c, FIX("eth-mixed.pcap"), "vlan-stacked",
			      "lossless", "1", NULL);

	ck_assert(c.vlan_tpid_seen);
	json_object_put(o);
}
END_TEST

/* the same seed, the same run; another seed, another one */
START_TEST(seed_replays)
{
	struct t_cons a = { .version = TPACKET_V3 }, b = a, d = a;
	const char *e1 = t_tmp("e1.pcap"), *e2 = t_tmp("e2.pcap"),
		   *e3 = t_tmp("e3.pcap");
	FILE *f1, *f3;
	char x[4096], y[4096];
	size_t n1, n3;

	json_object_put(play(&a, FIX("eth-mixed.pcap"), "vlan-stacked",
			     "lossless", "7", e1));
	json_object_put(play(&b, FIX("eth-mixed.pcap"), "vlan-stacked",
			     "lossless", "7", e2));
	json_object_put(play(&d, FIX("eth-mixed.pcap"), "vlan-stacked",
			     "lossless", "8", e3));
	t_same_file(e1, e2);
	f1 = fopen(e1, "rb");
	f3 = fopen(e3, "rb");
	n1 = fread(x, 1, sizeof(x), f1);
	n3 = fread(y, 1, sizeof(y), f3);
	ck_assert(n1 != n3 || memcmp(x, y, n1));
	fclose(f1);
	fclose(f3);
	unlink(e1);
	unlink(e2);
	unlink(e3);
}
END_TEST

START_TEST(copy)
{
	struct t_cons c = { .version = TPACKET_V2 };
	json_object *o = play(&c, FIX("eth-mixed.pcap"), "copy", "lossless",
			      "1", NULL);

	ck_assert_uint_gt(c.copy, 0);
	ck_assert_uint_eq(c.copies_recv, c.copy);
	ck_assert_uint_gt(c.max_len, 2048);
	json_object_put(o);
}
END_TEST

START_TEST(csum_partial)
{
	struct t_cons c = { .version = TPACKET_V3 };
	json_object *o = play(&c, FIX("eth-mixed.pcap"), "csum-partial",
			      "lossless", "1", NULL);

	ck_assert_uint_eq(c.csum, 60);	/* every frame is IPv4/UDP */
	json_object_put(o);
}
END_TEST

START_TEST(hw_timestamps)
{
	struct t_cons c = { .version = TPACKET_V3,
			    .tstamp = SOF_TIMESTAMPING_RAW_HARDWARE };
	const char *exp = t_tmp("exp-hw.pcap");
	json_object *o = play(&c, FIX("eth-mixed.pcap"), "hw-timestamps",
			      "lossless", "1", exp);
	char e[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(exp, e), *q;
	struct pcap_pkthdr *h1, *h2;
	const u_char *d;

	ck_assert_uint_eq(c.hwts, 60);
	/* the hardware stamps are 37 s off the capture's */
	q = pcap_open_offline(FIX("eth-mixed.pcap"), e);
	ck_assert_int_eq(pcap_next_ex(p, &h1, &d), 1);
	ck_assert_int_eq(pcap_next_ex(q, &h2, &d), 1);
	ck_assert_int_eq(h1->ts.tv_sec, h2->ts.tv_sec + 37);
	pcap_close(p);
	pcap_close(q);
	unlink(exp);
	json_object_put(o);
}
END_TEST

START_TEST(size_edges)
{
	struct t_cons c = { .version = TPACKET_V2 };
	const char *cap = t_tmp("cap.pcap"), *exp = t_tmp("exp.pcap");
	const char *opts[] = { "--pcap", FIX("eth-mixed.pcap"), "--scenario",
			       "size-edges", "--snaplen", "1000",
			       "--expect-out", exp, NULL };
	bool l14 = false, l15 = false, l1515 = false, l1001 = false;

	t_world(&c, cap, opts);
	/* the consumer did not cut to 1000: only the oracle does */
	for (uint32_t i = 0; i < c.nlens; i++) {
		l14 |= c.lens[i] == 14;
		l15 |= c.lens[i] == 15;
		l1515 |= c.lens[i] == 1515;
		l1001 |= c.lens[i] == 1001;
	}
	ck_assert(l14 && l15 && l1515 && l1001);
	/* 5 + 3 (MTU) + 3 (snapshot) + 3 (the frame's room) before the 60 */
	ck_assert_uint_eq(c.packets, 74);
	/* the oracle's: every packet, cut to the snapshot */
	{
		char e[PCAP_ERRBUF_SIZE];
		pcap_t *p = pcap_open_offline(exp, e);
		struct pcap_pkthdr *h;
		const u_char *d;
		int n = 0;

		ck_assert_ptr_nonnull(p);
		while (pcap_next_ex(p, &h, &d) == 1) {
			ck_assert_uint_le(h->caplen, 1000);
			n++;
		}
		pcap_close(p);
		ck_assert_int_eq(n, 74);
	}
	unlink(cap);
	unlink(exp);
}
END_TEST

START_TEST(link_flap)
{
	struct t_cons c = { .version = TPACKET_V3 };
	json_object *o = play(&c, FIX("eth-mixed.pcap"), "link-flap",
			      "lossless", "1", NULL);
	uint64_t down = t_jget(o, "sockets.0.link_down");

	ck_assert_uint_eq(c.enetdown, 1);
	ck_assert_uint_gt(down, 0);
	ck_assert_uint_eq(t_jget(o, "sockets.0.delivered"), 60 - down);
	ck_assert_uint_eq(c.packets, 60 - down);
	json_object_put(o);
}
END_TEST

static void check_profile(struct t_cons *c, struct tpr_run *r)
{
	(void)r;
	ck_assert_str_eq(tpsim_sock_profile(c->s)->name, "linux-6.12");
}

START_TEST(old_retire)
{
	struct t_cons c = { .version = TPACKET_V3,
			    .before_ready = check_profile };
	json_object *o = play(&c, FIX("eth-mixed.pcap"), "old-retire",
			      "lossless", "1", NULL);

	ck_assert_uint_eq(c.packets, 60);
	/* 7.5 ms apart against a 10 ms timeout: many blocks */
	ck_assert_uint_gt(c.blocks, 10);
	json_object_put(o);
}
END_TEST

/* several at once, V2 and --pace capture (the file's 1 ms gaps) */
START_TEST(combined)
{
	struct t_cons c = { .version = TPACKET_V2 };
	json_object *o = play(&c, FIX("eth-mixed.pcap"),
			      "vlan-stacked,csum-partial,hw-timestamps",
			      "capture", "5", NULL);

	ck_assert_uint_eq(c.packets, 60);
	ck_assert(c.vlan_tpid_seen);
	json_object_put(o);
}
END_TEST

Suite *suite_run_scenarios(void)
{
	Suite *s = suite_create("run_scenarios");
	TCase *tc = tcase_create("scenarios");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, losing_burst);
	tcase_add_test(tc, losing_burst_every_seed);
	tcase_add_test(tc, v3_frozen);
	tcase_add_test(tc, v3_empty_block);
	tcase_add_test(tc, vlan_stacked);
	tcase_add_test(tc, seed_replays);
	tcase_add_test(tc, copy);
	tcase_add_test(tc, csum_partial);
	tcase_add_test(tc, hw_timestamps);
	tcase_add_test(tc, size_edges);
	tcase_add_test(tc, link_flap);
	tcase_add_test(tc, old_retire);
	tcase_add_test(tc, combined);
	suite_add_tcase(s, tc);
	return s;
}
