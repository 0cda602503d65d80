// SPDX-License-Identifier: MIT
/* Description: kernel profiles are data, found by name; creation checks. */
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <string.h>
#include <sys/socket.h>

#include "t_helpers.h"

START_TEST(profiles_by_name)
{
	const struct tpsim_profile *p = tpsim_profile_find("linux");

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_eq(p, tpsim_profile_at(0));
	ck_assert_str_eq(tpsim_profile_at(1)->name, "linux-6.1");
	ck_assert_str_eq(tpsim_profile_at(2)->name, "linux-2.6");
	ck_assert_str_eq(tpsim_profile_at(3)->name, "linux-6.12");
	ck_assert_ptr_null(tpsim_profile_at(4));
	ck_assert_int_eq(tpsim_profile_find("linux")->retire_periodic, 1);
	ck_assert_int_eq(tpsim_profile_find("linux-6.1")->retire_periodic, 0);
	ck_assert_ptr_null(tpsim_profile_find("linux-9"));
	ck_assert_uint_eq(tpsim_profile_find("linux-2.6")->max_block_size,
			  4u << 20);
}
END_TEST

/* S1: how many 193-byte frames a socket without a ring queues in the
 * 2304-byte minimum buffer: 6.18's 576-byte small head makes each cost
 * 1280 (2 fit), Debian 6.12's 640-byte one 896 (3 fit), 6.1's kmalloc
 * 1280 again (the kernel matrix's sockbuf.truesize_classes) */
static int queued_193(const char *profile)
{
	struct tpsim_sock *s = t_sock_opts(SOCK_RAW, ETH_P_ALL, profile,
					   1 << 20, 1 << 20);
	int one = 1, n = 0;
	uint8_t f[193];

	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &one,
					  sizeof(one)),
			 0);
	t_eth(f, sizeof(f), t_bcast, 0x88b5);
	for (int i = 0; i < 6; i++)
		n += t_deliver(s, f, sizeof(f)) == TPSIM_RX_DELIVERED;
	tpsim_close(s);
	return n;
}

START_TEST(small_head_by_profile)
{
	ck_assert_uint_eq(tpsim_profile_find("linux")->small_head_size, 576);
	ck_assert_uint_eq(tpsim_profile_find("linux-6.12")->small_head_size,
			  640);
	ck_assert_int_eq(queued_193("linux"), 2);
	ck_assert_int_eq(queued_193("linux-6.12"), 3);
	ck_assert_int_eq(queued_193("linux-6.1"), 2);
}
END_TEST

/* R17 with F12: a tagged ARP frame reaches a socket bound to ARP with the
 * tag cleared. A filter answering SKF_AD_VLAN_TAG reads 0 there on 6.2
 * on (the packet is filtered), the stale 0x6005 on 6.1 (delivered). */
static int vlan_tag_filter(const char *profile)
{
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_VLAN_TAG),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_fprog fp = { .len = 2, .filter = prog };
	struct tpsim_sock *s = t_sock_opts(SOCK_RAW, ETH_P_ARP, profile,
					   1 << 20, 1 << 20);
	uint8_t f[64];
	int r;

	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &fp,
					  sizeof(fp)),
			 0);
	t_eth(f, sizeof(f), t_bcast, 0x8100);
	memcpy(f + 14, "\x60\x05\x08\x06", 4);	/* PCP 3, VID 5, ARP */
	r = t_deliver(s, f, sizeof(f));
	tpsim_close(s);
	return r;
}

START_TEST(vlan_cleared_by_profile)
{
	ck_assert_int_eq(tpsim_profile_find("linux")->vlan_present_bit, 0);
	ck_assert_int_eq(tpsim_profile_find("linux-6.1")->vlan_present_bit, 1);
	ck_assert_int_eq(vlan_tag_filter("linux"), TPSIM_RX_FILTERED);
	ck_assert_int_eq(vlan_tag_filter("linux-6.12"), TPSIM_RX_FILTERED);
	ck_assert_int_eq(vlan_tag_filter("linux-6.1"), TPSIM_RX_DELIVERED);
}
END_TEST

START_TEST(create_checks)
{
	struct tpsim_create_opts o = { .sz = sizeof(o) };
	struct tpsim_sock *s = (void *)1;

	o.type = SOCK_STREAM;
	ck_assert_int_eq(tpsim_create(&o, &s), -ESOCKTNOSUPPORT);
	ck_assert_ptr_null(s);
	o.type = SOCK_DGRAM;
	o.profile = "nope";
	ck_assert_int_eq(tpsim_create(&o, &s), -EINVAL);
	o.profile = NULL;
	o.hatype = 0x1234;
	ck_assert_int_eq(tpsim_create(&o, &s), -EINVAL);
	o.hatype = 0;
	o.sz = 2;
	ck_assert_int_eq(tpsim_create(&o, &s), -EINVAL);
	ck_assert_int_eq(tpsim_create(NULL, &s), 0);
	ck_assert_str_eq(tpsim_sock_profile(s)->name, "linux");
	tpsim_close(s);
	tpsim_close(NULL);
}
END_TEST

/* bind to the device of the tpsim_create options (a socket in no net
 * knows that one) */
static int bind_own_dev(struct tpsim_sock *s, int ifindex)
{
	struct sockaddr_ll a = { .sll_family = AF_PACKET,
				 .sll_ifindex = ifindex };

	return tpsim_bind(s, (struct sockaddr *)&a, sizeof(a));
}

/* A caller built against an older tpsim.h passes a shorter struct
 * (libbpf's OPTS convention): the fields past its sz are never read, so
 * what lies there (here values create would refuse) changes nothing and
 * each field takes its default. An address of zeros is the default. */
START_TEST(create_older_opts)
{
	struct tpsim_create_opts o = { .sz = sizeof(o), .clock = 7 };
	struct sockaddr_ll sll;
	socklen_t len = sizeof(sll);
	struct tpsim_sock *s;

	ck_assert_int_eq(tpsim_create(&o, &s), -EINVAL);
	o.clock = TPSIM_CLOCK_VIRTUAL;
	o.wire = 7;
	o.mtu = 9000;
	o.sz = offsetof(struct tpsim_create_opts, addr);
	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	/* the clock is the default, real one: no virtual step */
	ck_assert_int_eq(tpsim_clock_advance_ns(s, 1), -EINVAL);
	ck_assert_int_eq(bind_own_dev(s, 1), 0);
	ck_assert_int_eq(tpsim_getsockname(s, (struct sockaddr *)&sll, &len),
			 0);
	ck_assert_uint_eq(sll.sll_halen, 6);
	ck_assert_uint_eq(sll.sll_addr[0], 0x02);
	ck_assert_uint_eq(sll.sll_addr[5], 0x01);
	tpsim_close(s);
	o.sz = sizeof(o);
	o.wire = TPSIM_WIRE_QUEUE;
	memset(o.addr, 0, sizeof(o.addr));
	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	ck_assert_int_eq(bind_own_dev(s, 1), 0);
	len = sizeof(sll);
	ck_assert_int_eq(tpsim_getsockname(s, (struct sockaddr *)&sll, &len),
			 0);
	ck_assert_uint_eq(sll.sll_addr[5], 0x01);
	ck_assert_int_eq(tpsim_clock_advance_ns(s, 1), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(virtual_clock)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct timespec ts;

	ck_assert_int_eq(tpsim_clock_now(s, &ts), 0);
	ck_assert_int_eq(ts.tv_sec, 0);
	ck_assert_int_eq(tpsim_clock_advance_ns(s, 1500000000), 0);
	ck_assert_int_eq(tpsim_clock_advance_ns(s, 600000000), 0);
	ck_assert_int_eq(tpsim_clock_now(s, &ts), 0);
	ck_assert_int_eq(ts.tv_sec, 2);
	ck_assert_int_eq(ts.tv_nsec, 100000000);
	ck_assert_int_eq(tpsim_clock_advance_ns(s, -1), -EINVAL);
	ts.tv_nsec = 1000000000;
	ck_assert_int_eq(tpsim_clock_set(s, &ts), -EINVAL);
	tpsim_close(s);
	s = t_sock_profile("linux");
	ck_assert_int_eq(tpsim_clock_advance_ns(s, 1), -EINVAL);
	tpsim_close(s);
}
END_TEST

START_TEST(c1_c2_header_sizes)
{
	/* the simulated ABI is the kernel's own structs (C1, C2) */
	ck_assert_uint_eq(sizeof(struct tpacket_hdr), 32);
	ck_assert_uint_eq(sizeof(struct tpacket2_hdr), 32);
	ck_assert_uint_eq(sizeof(struct tpacket3_hdr), 48);
	ck_assert_uint_eq(sizeof(struct sockaddr_ll), 20);
	ck_assert_uint_eq(sizeof(struct tpacket_block_desc), 48);
	ck_assert_uint_eq(TPACKET_HDRLEN, 52);
	ck_assert_uint_eq(TPACKET2_HDRLEN, 52);
	ck_assert_uint_eq(TPACKET3_HDRLEN, 68);
	ck_assert_uint_eq(sizeof(((struct tpacket_hdr *)0)->tp_status), 8);
}
END_TEST

Suite *suite_profile(void)
{
	Suite *s = suite_create("profile");
	TCase *tc = tcase_create("profiles");

	tcase_add_test(tc, c1_c2_header_sizes);
	tcase_add_test(tc, create_checks);
	tcase_add_test(tc, create_older_opts);
	tcase_add_test(tc, profiles_by_name);
	tcase_add_test(tc, small_head_by_profile);
	tcase_add_test(tc, vlan_cleared_by_profile);
	tcase_add_test(tc, virtual_clock);
	suite_add_tcase(s, tc);
	return s;
}
