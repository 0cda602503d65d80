// SPDX-License-Identifier: MIT
/*
 * Description: socket options (rules O1-O8, C2): levels, unknown options,
 * exact optlen rules, bad values, and the options that turn EBUSY once a
 * ring exists.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>

#include "t_helpers.h"

START_TEST(o1_level_and_unknown)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V1, 0);
	int v = 1;
	socklen_t len = sizeof(v);

	ck_assert_int_eq(tpsim_setsockopt(s, 0 /* SOL_IP */, PACKET_VERSION,
					  &v, sizeof(v)),
			 -ENOPROTOOPT);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, 4, &v, sizeof(v)),
			 -ENOPROTOOPT);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, 99, &v, sizeof(v)),
			 -ENOPROTOOPT);
	/* read-only options cannot be set */
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_STATISTICS,
					  &v, sizeof(v)),
			 -ENOPROTOOPT);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_HDRLEN, &v,
					  sizeof(v)),
			 -ENOPROTOOPT);
	ck_assert_int_eq(tpsim_getsockopt(s, 0, PACKET_VERSION, &v, &len),
			 -ENOPROTOOPT);
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_PACKET, 99, &v, &len),
			 -ENOPROTOOPT);
	/* write-only options cannot be read */
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_PACKET, PACKET_RX_RING, &v,
					  &len),
			 -ENOPROTOOPT);
	/* PACKET_COPY_THRESH has a get side since 6.12 (test_sockbuf.c) */
	tpsim_close(s);
}
END_TEST

START_TEST(o2_version)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V1, 0);
	int v;
	short sh = 1;
	long lg = 1;

	ck_assert_int_eq(t_getint(s, PACKET_VERSION, &v), 0);
	ck_assert_int_eq(v, TPACKET_V1);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_VERSION, &sh,
					  sizeof(sh)),
			 -EINVAL);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_VERSION, &lg,
					  sizeof(lg)),
			 -EINVAL);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, -1), -EINVAL);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, 3), -EINVAL);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V3), 0);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(t_getint(s, PACKET_VERSION, &v), 0);
	ck_assert_int_eq(v, TPACKET_V2);
	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V1), -EBUSY);
	ck_assert_str_eq(tpsim_strerror_detail(s),
			 "O2: PACKET_VERSION cannot change once a ring exists");
	/* a bad value is EINVAL even with a ring: checked first */
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, 7), -EINVAL);
	ck_assert_int_eq(t_ring(s, 0, 0, 0, 0), 0);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V1), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(o3_reserve)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	int v;

	ck_assert_int_eq(t_setint(s, PACKET_RESERVE, -1), -EINVAL);
	ck_assert_int_eq(t_setint(s, PACKET_RESERVE, INT_MAX), 0);
	ck_assert_int_eq(t_getint(s, PACKET_RESERVE, &v), 0);
	ck_assert_int_eq(v, INT_MAX);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_RESERVE, &v,
					  3),
			 -EINVAL);
	ck_assert_int_eq(t_setint(s, PACKET_RESERVE, 16), 0);
	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	ck_assert_int_eq(t_setint(s, PACKET_RESERVE, 0), -EBUSY);
	ck_assert_int_eq(t_getint(s, PACKET_RESERVE, &v), 0);
	ck_assert_int_eq(v, 16);
	tpsim_close(s);
}
END_TEST

START_TEST(o4_loss)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	int v;

	ck_assert_int_eq(t_setint(s, PACKET_LOSS, 5), 0);
	ck_assert_int_eq(t_getint(s, PACKET_LOSS, &v), 0);
	ck_assert_int_eq(v, 1);	/* stored as a boolean */
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_LOSS, &v, 8),
			 -EINVAL);
	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	ck_assert_int_eq(t_setint(s, PACKET_LOSS, 0), -EBUSY);
	tpsim_close(s);
}
END_TEST

START_TEST(o4_vnet_hdr)
{
	struct tpsim_sock *raw = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpsim_sock *dgram = t_sock(SOCK_DGRAM, TPACKET_V2, 0);

	int v = 0;

	ck_assert_int_eq(t_setint(dgram, PACKET_VNET_HDR, 0), -EINVAL);
	ck_assert_int_eq(t_setint(dgram, 24, 10), -EINVAL);
	ck_assert_int_eq(t_setint(raw, PACKET_VNET_HDR, 0), 0);
	ck_assert_int_eq(t_setint(raw, PACKET_VNET_HDR, 7), 0);
	ck_assert_int_eq(t_getint(raw, PACKET_VNET_HDR, &v), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(t_getint(raw, 24, &v), 0);	/* _SZ */
	ck_assert_int_eq(v, 10);
	ck_assert_int_eq(t_setint(raw, 24, 11), -EINVAL);
	ck_assert_int_eq(t_setint(raw, 24, 12), 0);
	ck_assert_int_eq(t_getint(raw, 24, &v), 0);
	ck_assert_int_eq(v, 12);
	ck_assert_int_eq(tpsim_setsockopt(raw, SOL_PACKET, 24, &v, 2), -EINVAL);
	ck_assert_int_eq(t_ring(raw, 4096, 1, 2048, 2), 0);
	ck_assert_int_eq(t_setint(raw, PACKET_VNET_HDR, 0), -EBUSY);
	ck_assert_int_eq(t_setint(raw, 24, 13), -EINVAL);	/* value first */
	tpsim_close(raw);
	tpsim_close(dgram);
}
END_TEST

START_TEST(o5_any_time_options)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	int v;

	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	ck_assert_int_eq(t_setint(s, PACKET_COPY_THRESH, 1), 0);
	ck_assert_int_eq(t_setint(s, PACKET_TIMESTAMP, 0x40), 0);
	ck_assert_int_eq(t_getint(s, PACKET_TIMESTAMP, &v), 0);
	ck_assert_int_eq(v, 0x40);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_COPY_THRESH,
					  &v, 2),
			 -EINVAL);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_TIMESTAMP, &v,
					  5),
			 -EINVAL);
	/* AUXDATA takes "at least an int" */
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_AUXDATA, &v,
					  3),
			 -EINVAL);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_AUXDATA, &v,
					  8),
			 0);
	ck_assert_int_eq(t_getint(s, PACKET_AUXDATA, &v), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(t_setint(s, PACKET_IGNORE_OUTGOING, 2), -EINVAL);
	ck_assert_int_eq(t_setint(s, PACKET_IGNORE_OUTGOING, 1), 0);
	/* TX_HAS_OFF is accepted and ignored once a ring exists */
	ck_assert_int_eq(t_setint(s, PACKET_TX_HAS_OFF, 1), 0);
	ck_assert_int_eq(t_getint(s, PACKET_TX_HAS_OFF, &v), 0);
	ck_assert_int_eq(v, 0);
	tpsim_close(s);
}
END_TEST

START_TEST(o6_ring_optlen)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpacket_req3 r3 = { .tp_block_size = 4096, .tp_block_nr = 1,
				   .tp_frame_size = 2048, .tp_frame_nr = 2 };

	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING, &r3,
					  sizeof(struct tpacket_req) - 1),
			 -EINVAL);
	ck_assert_str_eq(tpsim_strerror_detail(s),
			 "O6: ring request for TPACKET_V2 needs optlen >= 16, "
			 "got 15");
	/* longer is fine: the extra bytes are not read */
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING, &r3,
					  sizeof(r3)),
			 0);
	tpsim_close(s);

	s = t_sock(SOCK_RAW, TPACKET_V3, 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING, &r3,
					  sizeof(struct tpacket_req)),
			 -EINVAL);
	tpsim_close(s);
}
END_TEST

START_TEST(o7_statistics_length)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpacket_stats st;
	uint8_t pkt[60];
	unsigned int first;
	socklen_t len = 4;

	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	ck_assert_int_eq(t_deliver(s, pkt, sizeof(pkt)), TPSIM_RX_DELIVERED);
	/* truncated to the caller's length, and reset all the same */
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_PACKET, PACKET_STATISTICS,
					  &first, &len),
			 0);
	ck_assert_int_eq(len, 4);
	ck_assert_uint_eq(first, 1);
	len = 100;
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_PACKET, PACKET_STATISTICS,
					  &st, &len),
			 0);
	ck_assert_int_eq(len, sizeof(st));
	ck_assert_uint_eq(st.tp_packets, 0);
	tpsim_close(s);
}
END_TEST

START_TEST(o8_negative_len_and_readback)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	int v = 0;
	socklen_t len = (socklen_t)-1;

	ck_assert_int_eq(tpsim_getsockopt(s, SOL_PACKET, PACKET_VERSION, &v,
					  &len),
			 -EINVAL);
	len = 2;	/* shorter than an int: copied short */
	v = 0x7f7f7f7f;
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_PACKET, PACKET_VERSION, &v,
					  &len),
			 0);
	ck_assert_int_eq(len, 2);
	ck_assert_int_eq(v, 0x7f7f0001);
	tpsim_close(s);
}
END_TEST

START_TEST(c2_hdrlen)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V1, 0);
	static const int want[] = { 32, 32, 48 };
	socklen_t len;
	int v;

	for (int ver = 0; ver < 3; ver++) {
		v = ver;
		len = sizeof(v);
		ck_assert_int_eq(tpsim_getsockopt(s, SOL_PACKET, PACKET_HDRLEN,
						  &v, &len),
				 0);
		ck_assert_int_eq(v, want[ver]);
	}
	v = 3;
	len = sizeof(v);
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_PACKET, PACKET_HDRLEN, &v,
					  &len),
			 -EINVAL);
	v = 1;
	len = 3;
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_PACKET, PACKET_HDRLEN, &v,
					  &len),
			 -EINVAL);
	tpsim_close(s);
}
END_TEST

START_TEST(so_rcvbuf)
{
	struct tpsim_create_opts o = { .sz = sizeof(o), .rmem_max = 212992 };
	struct tpsim_sock *s;
	int v = 4096;
	socklen_t len = sizeof(v);

	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len),
			 0);
	ck_assert_int_eq(v, 212992);
	v = 4096;
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v,
					  sizeof(v)),
			 0);
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len),
			 0);
	ck_assert_int_eq(v, 8192);	/* doubled, as the kernel */
	v = 1 << 30;
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v,
					  sizeof(v)),
			 0);
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len),
			 0);
	ck_assert_int_eq(v, 2 * 212992);	/* capped at rmem_max */
	tpsim_close(s);
}
END_TEST

START_TEST(profile_2_6_options)
{
	struct tpsim_sock *s = t_sock_profile("linux-2.6");
	int v;

	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V1), -ENOPROTOOPT);
	ck_assert_int_eq(t_setint(s, PACKET_RESERVE, 0), -ENOPROTOOPT);
	ck_assert_int_eq(t_getint(s, PACKET_VERSION, &v), -ENOPROTOOPT);
	ck_assert_int_eq(t_setint(s, PACKET_COPY_THRESH, 1), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(unsupported_options_say_so)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	int v = 0;
	socklen_t len = sizeof(v);

	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_FANOUT, &v,
					  sizeof(v)),
			 -EOPNOTSUPP);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_FANOUT_DATA,
					  &v, sizeof(v)),
			 -EINVAL);
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_PACKET, PACKET_ROLLOVER_STATS,
					  &v, &len),
			 -EINVAL);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_PRIORITY, &v,
					  sizeof(v)),
			 -ENOPROTOOPT);
	tpsim_close(s);
}
END_TEST

Suite *suite_sockopt(void)
{
	Suite *s = suite_create("sockopt");
	TCase *tc = tcase_create("options");

	tcase_add_test(tc, c2_hdrlen);
	tcase_add_test(tc, o1_level_and_unknown);
	tcase_add_test(tc, o2_version);
	tcase_add_test(tc, o3_reserve);
	tcase_add_test(tc, o4_loss);
	tcase_add_test(tc, o4_vnet_hdr);
	tcase_add_test(tc, o5_any_time_options);
	tcase_add_test(tc, o6_ring_optlen);
	tcase_add_test(tc, o7_statistics_length);
	tcase_add_test(tc, o8_negative_len_and_readback);
	tcase_add_test(tc, profile_2_6_options);
	tcase_add_test(tc, so_rcvbuf);
	tcase_add_test(tc, unsupported_options_say_so);
	suite_add_tcase(s, tc);
	return s;
}
