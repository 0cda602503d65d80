// SPDX-License-Identifier: MIT
/*
 * The consumer checker against deliberately wrong consumers: each fault
 * is found, named by rule, socket, frame and time; a correct consumer
 * gets no finding.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "t_run.h"
#include "tpsim.h"

#define FIX(name) "fixtures/" name

static json_object *run_with(struct t_cons *c, const char *pace)
{
	const char *rep = t_tmp("rep.json");
	const char *opts[] = { "--pcap", FIX("burst.pcap"), "--pace", pace,
			       "--report", rep, NULL };
	json_object *o;

	t_world(c, NULL, opts);
	o = t_report(rep);
	unlink(rep);
	return o;
}

/* V2, frame 0 kept while the others are given back: the head stays on
 * it, the producer drops with free frames behind it (C1), and it is
 * never returned (C2). */
START_TEST(hold_first_v2)
{
	struct t_cons c = { .version = TPACKET_V2, .block_size = 4096,
			    .block_nr = 4, .frame_size = 2048,
			    .mode = T_HOLD_FIRST };
	json_object *o = run_with(&c, "rate=200000");

	ck_assert_msg(t_findings(o, "C1", 0) == 1, "report: %s",
		      json_object_to_json_string(o));
	ck_assert_int_eq(t_findings(o, "C2", 0), 1);
	ck_assert_uint_gt(t_jget(o, "sockets.0.dropped"), 0);
	ck_assert_int_eq(t_findings(o, "C3", -1), 0);
	json_object_put(o);
}
END_TEST

/* V3, block 0 kept: the same, by blocks */
START_TEST(hold_first_v3)
{
	struct t_cons c = { .version = TPACKET_V3, .block_size = 4096,
			    .block_nr = 4, .mode = T_HOLD_FIRST };
	json_object *o = run_with(&c, "rate=200000");

	ck_assert_msg(t_findings(o, "C1", 0) == 1, "report: %s",
		      json_object_to_json_string(o));
	ck_assert_int_eq(t_findings(o, "C2", 0), 1);
	json_object_put(o);
}
END_TEST

/* private bits in the status word, as Suricata sets them: a note */
START_TEST(private_bits)
{
	struct t_cons c = { .version = TPACKET_V2, .block_size = 4096,
			    .block_nr = 4, .frame_size = 2048,
			    .mode = T_PRIVATE_BITS };
	/* not lossless: its last frame is never given back, the producer
	 * would wait for it at the end */
	json_object *o = run_with(&c, "rate=200000");
	json_object *a, *f, *v;

	/* the last frame it marked is still marked at exit */
	ck_assert_int_ge(t_findings(o, "C3", -1), 1);
	json_object_object_get_ex(o, "findings", &a);
	f = json_object_array_get_idx(a, 0);
	json_object_object_get_ex(f, "level", &v);
	ck_assert_str_eq(json_object_get_string(v), "note");
	json_object_object_get_ex(f, "text", &v);
	ck_assert_msg(strstr(json_object_get_string(v), "status 0x6000000"),
		      "%s", json_object_get_string(v));
	json_object_object_get_ex(f, "time", &v);
	ck_assert_int_gt((int)strlen(json_object_get_string(v)), 10);
	json_object_put(o);
}
END_TEST

/* V3 blocks given back as 2: not KERNEL (C4) */
START_TEST(v3_bad_return)
{
	struct t_cons c = { .version = TPACKET_V3, .block_size = 4096,
			    .block_nr = 4, .mode = T_V3_BAD_RETURN };
	json_object *o = run_with(&c, "rate=200000");

	ck_assert_int_ge(t_findings(o, "C4", -1), 1);
	json_object_put(o);
}
END_TEST

/* a correct consumer: no finding at all */
START_TEST(correct_no_findings)
{
	struct t_cons c = { .version = TPACKET_V2, .block_size = 4096,
			    .block_nr = 2, .frame_size = 2048 };
	json_object *o = run_with(&c, "lossless"), *a;

	json_object_object_get_ex(o, "findings", &a);
	ck_assert_msg(json_object_array_length(a) == 0, "findings: %s",
		      json_object_to_json_string(a));
	json_object_put(o);
}
END_TEST

/* misuse the interposer saw (C5), with the simulator's rule text; and
 * the PACKET_STATISTICS the program read, summed */
static void misuse(struct t_cons *c, struct tpr_run *r)
{
	struct tpacket_req q = { 4096, 1, 2048, 2 };
	struct tpacket_stats_v3 st = { .tp_packets = 5, .tp_drops = 2,
				       .tp_freeze_q_cnt = 1 };
	int err = tpsim_setsockopt(c->s, SOL_PACKET, PACKET_RX_RING, &q,
				   sizeof(q));

	/* the ring is mapped: the kernel says EBUSY */
	ck_assert_int_eq(err, -EBUSY);
	tpr_run_misuse(r, c->s, "setsockopt(PACKET_RX_RING)", err);
	tpr_run_stats_read(r, c->s, &st, sizeof(st));
	tpr_run_stats_read(r, c->s, &st, sizeof(struct tpacket_stats));
	tpr_run_stats_read(r, c->s, &st, 4);	/* too short: ignored */
	tpr_run_misuse(NULL, c->s, "x", -EINVAL);
	tpr_run_stats_read(NULL, c->s, &st, sizeof(st));
	tpr_run_sock_added(NULL, c->s);
	tpr_run_sock_closing(NULL, c->s);
	tpr_run_consumer_ready(NULL);
	tpr_run_wire_sent(NULL, "x", 1);
}

START_TEST(misuse_and_stats)
{
	struct t_cons c = { .version = TPACKET_V2, .after = misuse };
	json_object *o = run_with(&c, "lossless"), *a, *f, *v;

	ck_assert_int_eq(t_findings(o, "C5", -1), 1);
	json_object_object_get_ex(o, "findings", &a);
	f = json_object_array_get_idx(a, 0);
	json_object_object_get_ex(f, "text", &v);
	ck_assert_msg(strstr(json_object_get_string(v),
			     "setsockopt(PACKET_RX_RING): Device or resource "
			     "busy"), "%s", json_object_get_string(v));
	ck_assert_uint_eq(t_jget(o, "sockets.0.packet_statistics_read.reads"),
			  2);
	ck_assert_uint_eq(t_jget(o, "sockets.0.packet_statistics_read.tp_packets"),
			  10);
	ck_assert_uint_eq(t_jget(o, "sockets.0.packet_statistics_read.tp_drops"),
			  4);
	ck_assert_uint_eq(
		t_jget(o, "sockets.0.packet_statistics_read.tp_freeze_q_cnt"),
		1);
	json_object_put(o);
}
END_TEST

Suite *suite_run_checker(void)
{
	Suite *s = suite_create("run_checker");
	TCase *tc = tcase_create("checker");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, hold_first_v2);
	tcase_add_test(tc, hold_first_v3);
	tcase_add_test(tc, private_bits);
	tcase_add_test(tc, v3_bad_return);
	tcase_add_test(tc, correct_no_findings);
	tcase_add_test(tc, misuse_and_stats);
	suite_add_tcase(s, tc);
	return s;
}
