// SPDX-License-Identifier: MIT
/*
 * Description: ring setup, packet_set_ring() (rules G1-G12, G15). Every
 * check at its boundary (-1, exact, +1) with the exact errno and the rule
 * the simulator names for it.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "t_helpers.h"

#define ck_assert_rule(s, rule) \
	ck_assert_str_eq(strndupa(tpsim_strerror_detail(s), strlen(rule)), rule)

START_TEST(g2_teardown_without_ring)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);

	ck_assert_int_eq(t_ring(s, 0, 0, 0, 0), 0);
	ck_assert_int_eq(t_ring(s, 0, 0, 0, 1), -EINVAL);
	ck_assert_rule(s, "G2");
	/* block_size and frame_size are not looked at on teardown */
	ck_assert_int_eq(t_ring(s, 123, 0, 7, 0), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(g3_second_ring_busy)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);

	ck_assert_int_eq(t_ring(s, 4096, 2, 2048, 4), 0);
	ck_assert_int_eq(t_ring(s, 4096, 2, 2048, 4), -EBUSY);
	ck_assert_rule(s, "G3");
	/* even an invalid request: G3 comes before G4-G11 */
	ck_assert_int_eq(t_ring(s, 1, 1, 1, 1), -EBUSY);
	ck_assert_int_eq(t_ring(s, 0, 0, 0, 0), 0);
	ck_assert_int_eq(t_ring(s, 8192, 1, 1024, 8), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(g4_block_size_as_int)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);

	ck_assert_int_eq(t_ring(s, 0, 1, 64, 1), -EINVAL);
	ck_assert_rule(s, "G4");
	ck_assert_int_eq(t_ring(s, 0x80000000u, 1, 4096, 524288), -EINVAL);
	ck_assert_rule(s, "G4");
	ck_assert_int_eq(t_ring(s, 0xfffff000u, 1, 4096, 1048575), -EINVAL);
	ck_assert_rule(s, "G4");
	/* INT_MAX rounded down to a page passes G4, fails later at G11 */
	ck_assert_int_eq(t_ring(s, 0x7ffff000u, 1, 4096, 1), -EINVAL);
	ck_assert_rule(s, "G11");
	tpsim_close(s);
}
END_TEST

START_TEST(g5_block_size_page_multiple)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);

	ck_assert_int_eq(t_ring(s, 4095, 1, 64, 63), -EINVAL);
	ck_assert_rule(s, "G5");
	ck_assert_int_eq(t_ring(s, 4097, 1, 64, 64), -EINVAL);
	ck_assert_rule(s, "G5");
	ck_assert_int_eq(t_ring(s, 4096, 1, 64, 64), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(g7_frame_size_minimum)
{
	/* V1 and V2: tp_hdrlen 52 (C2); with reserve r the minimum is 52+r */
	for (int v = TPACKET_V1; v <= TPACKET_V2; v++) {
		struct tpsim_sock *s = t_sock(SOCK_RAW, v, 0);

		ck_assert_int_eq(t_ring(s, 4096, 1, 51, 80), -EINVAL);
		ck_assert_rule(s, "G7");
		/* 52 passes G7 and fails G8 */
		ck_assert_int_eq(t_ring(s, 4096, 1, 52, 78), -EINVAL);
		ck_assert_rule(s, "G8");
		ck_assert_int_eq(t_ring(s, 4096, 1, 64, 64), 0);
		tpsim_close(s);

		s = t_sock(SOCK_RAW, v, 28);	/* minimum 80 */
		ck_assert_int_eq(t_ring(s, 4096, 1, 64, 64), -EINVAL);
		ck_assert_rule(s, "G7");
		ck_assert_int_eq(t_ring(s, 4096, 1, 79, 51), -EINVAL);
		ck_assert_rule(s, "G7");
		ck_assert_int_eq(t_ring(s, 4096, 1, 80, 51), 0);
		tpsim_close(s);
	}
}
END_TEST

START_TEST(g8_frame_alignment)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);

	ck_assert_int_eq(t_ring(s, 4096, 1, 72, 56), -EINVAL);
	ck_assert_rule(s, "G8");
	ck_assert_int_eq(t_ring(s, 4096, 1, 81, 50), -EINVAL);
	ck_assert_rule(s, "G8");
	ck_assert_int_eq(t_ring(s, 4096, 1, 80, 51), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(g9_frame_larger_than_block)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);

	ck_assert_int_eq(t_ring(s, 4096, 1, 4112, 0), -EINVAL);
	ck_assert_rule(s, "G9");
	ck_assert_int_eq(t_ring(s, 4096, 1, 4096, 1), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(g10_overflow_guard)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);

	/* fpb 64: UINT_MAX / 67108864 = 63 < 64 */
	ck_assert_int_eq(t_ring(s, 4096, 67108864u, 64, 0), -EINVAL);
	ck_assert_rule(s, "G10");
	/* one block fewer passes G10 and G11, then the block vector of
	 * 67108863 pointers exceeds kmalloc's 4 MiB (G12) */
	ck_assert_int_eq(t_ring(s, 4096, 67108863u, 64, 4294967232u), -ENOMEM);
	ck_assert_rule(s, "G12");
	tpsim_close(s);
}
END_TEST

START_TEST(g10_absent_in_linux_2_6)
{
	struct tpsim_sock *s = t_sock_profile("linux-2.6");

	/* 64 * 67108864 wraps to 0 == tp_frame_nr: accepted by the checks,
	 * then the 128 KiB pointer vector runs out */
	ck_assert_int_eq(t_ring(s, 4096, 67108864u, 64, 0), -ENOMEM);
	ck_assert_rule(s, "G12");
	tpsim_close(s);
}
END_TEST

START_TEST(g11_frame_nr_mismatch)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);

	ck_assert_int_eq(t_ring(s, 4096, 4, 2048, 7), -EINVAL);
	ck_assert_rule(s, "G11");
	ck_assert_int_eq(t_ring(s, 4096, 4, 2048, 9), -EINVAL);
	ck_assert_rule(s, "G11");
	ck_assert_int_eq(t_ring(s, 4096, 4, 2048, 8), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(g12_block_vector_limit)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);

	/* 524288 pointers = 4 MiB exactly: allowed; one more is not */
	ck_assert_int_eq(t_ring(s, 4096, 524289, 4096, 524289), -ENOMEM);
	ck_assert_rule(s, "G12");
	ck_assert_int_eq(t_ring(s, 4096, 524288, 4096, 524288), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(g12_owner_bitmap_limit)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);

	/* 1 MiB blocks of 16384 64-byte frames: 2049 blocks need a
	 * 33570816-bit owner bitmap, over 4 MiB */
	ck_assert_int_eq(t_ring(s, 1u << 20, 2049, 64, 2049u * 16384), -ENOMEM);
	ck_assert_str_eq(tpsim_strerror_detail(s),
			 "G12: owner bitmap of 33570816 frames exceeds the "
			 "4194304-byte kmalloc limit");
	ck_assert_int_eq(t_ring(s, 1u << 20, 2048, 64, 2048u * 16384), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(g12_mem_limit)
{
	struct tpsim_create_opts o = { .sz = sizeof(o), .mem_limit = 1 << 20 };
	struct tpsim_sock *s;

	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	ck_assert_int_eq(t_ring(s, 4096, 257, 4096, 257), -ENOMEM);
	ck_assert_rule(s, "G12");
	ck_assert_int_eq(t_ring(s, 4096, 256, 4096, 256), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(g12_block_cap_linux_2_6)
{
	struct tpsim_sock *s = t_sock_profile("linux-2.6");

	/* order MAX_ORDER-1 = 10: 4 MiB is the largest block */
	ck_assert_int_eq(t_ring(s, 8u << 20, 1, 4096, 2048), -ENOMEM);
	ck_assert_rule(s, "G12");
	ck_assert_int_eq(t_ring(s, (4u << 20) + 4096, 1, 4096, 1025), -ENOMEM);
	ck_assert_int_eq(t_ring(s, 4u << 20, 1, 4096, 1024), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(g1_mapped_busy_first)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	size_t len;
	void *m;

	ck_assert_int_eq(t_ring(s, 4096, 2, 2048, 4), 0);
	m = t_map(s, &len);
	/* teardown, invalid and duplicate requests: all EBUSY first */
	ck_assert_int_eq(t_ring(s, 0, 0, 0, 0), -EBUSY);
	ck_assert_rule(s, "G1");
	ck_assert_int_eq(t_ring(s, 0, 0, 0, 5), -EBUSY);
	ck_assert_int_eq(t_ring(s, 1, 1, 1, 1), -EBUSY);
	ck_assert_rule(s, "G1");
	ck_assert_int_eq(tpsim_munmap(s, m, len), 0);
	ck_assert_int_eq(t_ring(s, 0, 0, 0, 0), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(g1_mapped_check_last_linux_2_6)
{
	struct tpsim_sock *s = t_sock_profile("linux-2.6");
	size_t len;
	void *m;

	ck_assert_int_eq(t_ring(s, 4096, 2, 2048, 4), 0);
	m = t_map(s, &len);
	/* 2.6 looked at the mapping count only after validating */
	ck_assert_int_eq(t_ring(s, 0, 0, 0, 5), -EINVAL);
	ck_assert_rule(s, "G2");
	ck_assert_int_eq(t_ring(s, 0, 0, 0, 0), -EBUSY);
	ck_assert_rule(s, "G1");
	ck_assert_int_eq(tpsim_munmap(s, m, len), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(g15_fresh_ring_zeroed)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	uint8_t pkt[100];
	size_t len;
	char *m;

	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	ck_assert_int_eq(t_deliver(s, pkt, sizeof(pkt)), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(t_ring(s, 0, 0, 0, 0), 0);
	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	m = t_map(s, &len);
	for (size_t i = 0; i < len; i++)
		ck_assert_msg(m[i] == 0, "byte %zu is 0x%02x after re-setup",
			      i, (unsigned char)m[i]);
	/* head back at frame 0 */
	ck_assert_int_eq(t_deliver(s, pkt, sizeof(pkt)), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(((struct tpacket2_hdr *)m)->tp_status & 1, 1);
	ck_assert_uint_eq(((struct tpacket2_hdr *)(m + 2048))->tp_status, 0);
	ck_assert_int_eq(tpsim_munmap(s, m, len), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(ring_fd_and_view)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpsim_ring_view v;

	ck_assert_int_eq(tpsim_ring_fd(s), -ENXIO);
	ck_assert_int_eq(tpsim_ring_view_get(s, &v), -ENXIO);
	ck_assert_int_eq(t_ring(s, 8192, 3, 3008, 6), 0);
	ck_assert_int_ge(tpsim_ring_fd(s), 0);
	ck_assert_int_eq(tpsim_ring_view_get(s, &v), 0);
	ck_assert_uint_eq(v.version, TPACKET_V2);
	ck_assert_uint_eq(v.frames_per_block, 2);
	ck_assert_uint_eq(v.ring_bytes, 24576);
	ck_assert_uint_eq(v.wake_offset, 24576);
	tpsim_close(s);
}
END_TEST

Suite *suite_ring(void)
{
	Suite *s = suite_create("ring");
	TCase *tc = tcase_create("packet_set_ring");

	tcase_add_test(tc, g1_mapped_busy_first);
	tcase_add_test(tc, g1_mapped_check_last_linux_2_6);
	tcase_add_test(tc, g2_teardown_without_ring);
	tcase_add_test(tc, g3_second_ring_busy);
	tcase_add_test(tc, g4_block_size_as_int);
	tcase_add_test(tc, g5_block_size_page_multiple);
	tcase_add_test(tc, g7_frame_size_minimum);
	tcase_add_test(tc, g8_frame_alignment);
	tcase_add_test(tc, g9_frame_larger_than_block);
	tcase_add_test(tc, g10_overflow_guard);
	tcase_add_test(tc, g10_absent_in_linux_2_6);
	tcase_add_test(tc, g11_frame_nr_mismatch);
	tcase_add_test(tc, g12_block_vector_limit);
	tcase_add_test(tc, g12_owner_bitmap_limit);
	tcase_add_test(tc, g12_mem_limit);
	tcase_add_test(tc, g12_block_cap_linux_2_6);
	tcase_add_test(tc, g15_fresh_ring_zeroed);
	tcase_add_test(tc, ring_fd_and_view);
	suite_add_tcase(s, tc);
	return s;
}
