// SPDX-License-Identifier: MIT
/*
 * Description: socket filter options and the checker (rules F1-F10,
 * F15): SO_ATTACH_FILTER's errno for every refusal of sk_attach_filter /
 * bpf_check_classic / bpf_migrate_filter / sk_filter_charge, with the
 * rule named in the detail; SO_DETACH_FILTER, SO_LOCK_FILTER,
 * SO_GET_FILTER, SO_BPF_EXTENSIONS. Every errno here was seen on 6.18.
 */
#include <errno.h>
#include <linux/filter.h>
#include <string.h>
#include <sys/socket.h>

#include "t_helpers.h"

#define INSN(c, k) ((struct sock_filter){ (c), 0, 0, (k) })
#define JUMP(c, t, f, k) ((struct sock_filter){ (c), (t), (f), (k) })

static struct sock_filter big[BPF_MAXINSNS + 1];

static int attach(struct tpsim_sock *s, const struct sock_filter *f,
		  unsigned int n)
{
	struct sock_fprog p = { .len = (unsigned short)n,
				.filter = (struct sock_filter *)f };

	return tpsim_setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &p,
				sizeof(p));
}

/* The refusal and the rule its detail names. */
static void refused(const struct sock_filter *f, unsigned int n, int err,
		    const char *rule)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	const char *d;

	ck_assert_int_eq(attach(s, f, n), err);
	d = tpsim_strerror_detail(s);
	ck_assert_msg(!strncmp(d, rule, strlen(rule)),
		      "detail '%s' does not start with %s", d, rule);
	tpsim_close(s);
}

static void accepted(const struct sock_filter *f, unsigned int n)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);

	ck_assert_msg(attach(s, f, n) == 0, "refused: %s",
		      tpsim_strerror_detail(s));
	tpsim_close(s);
}

START_TEST(attach_arguments)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct sock_filter ok = INSN(BPF_RET | BPF_K, 0xffff);
	struct sock_fprog p = { 1, &ok };
	int v = 0;

	/* sk_setsockopt reads an int first, then wants a whole fprog */
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER,
					  NULL, 0), -EINVAL);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER,
					  &v, 3), -EINVAL);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER,
					  NULL, 4), -EFAULT);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER,
					  NULL, sizeof(p)), -EFAULT);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER,
					  &p, 8), -EINVAL);
	ck_assert_str_eq(tpsim_strerror_detail(s),
			 "F1: SO_ATTACH_FILTER needs optlen 16 (struct "
			 "sock_fprog), got 8");
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER,
					  &p, sizeof(p) + 1), -EINVAL);
	/* a NULL program is EINVAL, not EFAULT (bpf_check_basics_ok) */
	p.filter = NULL;
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER,
					  &p, sizeof(p)), -EINVAL);
	p.filter = &ok;
	p.len = 0;
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER,
					  &p, sizeof(p)), -EINVAL);
	ck_assert_int_eq(attach(s, big, BPF_MAXINSNS + 1), -EINVAL);
	ck_assert_int_eq(attach(s, &ok, 1), 0);
	ck_assert_str_eq(tpsim_strerror_detail(s), "");
	tpsim_close(s);
}
END_TEST

START_TEST(longest_program)
{
	struct tpsim_sock *s = t_sock_profile("linux-6.1");

	for (int i = 0; i < BPF_MAXINSNS; i++)
		big[i] = INSN(BPF_RET | BPF_K, 1);
	accepted(big, BPF_MAXINSNS);
	/* 6.1's optmem_max (20480) holds no program of 4096 instructions */
	ck_assert_int_eq(attach(s, big, BPF_MAXINSNS), -ENOMEM);
	tpsim_close(s);
}
END_TEST

START_TEST(checker_opcodes)
{
	/* every opcode the kernel accepts is accepted, every other not */
	static const uint16_t ok[] = {
		0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c,
		0x54, 0x5c, 0x64, 0x6c, 0x74, 0x7c, 0x84, 0x94, 0x9c, 0xa4,
		0xac, 0x20, 0x28, 0x30, 0x80, 0x40, 0x48, 0x50, 0x00, 0x60,
		0x81, 0xb1, 0x01, 0x61, 0x02, 0x03, 0x07, 0x87, 0x06, 0x16,
		0x05, 0x15, 0x1d, 0x35, 0x3d, 0x25, 0x2d, 0x45, 0x4d,
	};
	int n_ok = 0;

	for (unsigned int c = 0; c < 0x200; c++) {
		struct sock_filter f[2] = { INSN(c, 1), INSN(BPF_RET | BPF_A, 0) };
		struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
		int want = -EINVAL, got;

		for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
			if (ok[i] == c)
				want = 0;
		/* LD/LDX MEM of M[1] must follow a store to it; JA 1 would
		 * leave this program */
		if (c == 0x60 || c == 0x61)
			want = -EINVAL;
		if (c == (BPF_JMP | BPF_JA))
			f[0].k = 0;
		got = attach(s, f, 2);
		ck_assert_msg(got == want, "opcode 0x%x: expected %d, got %d (%s)",
			      c, want, got, tpsim_strerror_detail(s));
		n_ok += got == 0;
		tpsim_close(s);
	}
	ck_assert_int_eq(n_ok, sizeof(ok) / sizeof(ok[0]) - 2);
}
END_TEST

START_TEST(checker_constants)
{
	struct sock_filter f[3] = { { 0 }, INSN(BPF_RET | BPF_A, 0) };

	f[0] = INSN(BPF_ALU | BPF_DIV | BPF_K, 0);
	refused(f, 2, -EINVAL, "F5");
	f[0] = INSN(BPF_ALU | BPF_MOD | BPF_K, 0);
	refused(f, 2, -EINVAL, "F5");
	f[0] = INSN(BPF_ALU | BPF_LSH | BPF_K, 32);
	refused(f, 2, -EINVAL, "F5");
	f[0] = INSN(BPF_ALU | BPF_RSH | BPF_K, 32);
	refused(f, 2, -EINVAL, "F5");
	f[0] = INSN(BPF_ALU | BPF_RSH | BPF_K, 31);
	accepted(f, 2);
	f[0] = INSN(BPF_ST, 16);
	refused(f, 2, -EINVAL, "F5");
	f[0] = INSN(BPF_STX, 16);
	refused(f, 2, -EINVAL, "F5");
	f[0] = INSN(BPF_ST, 15);
	f[1] = INSN(BPF_LD | BPF_MEM, 16);
	f[2] = INSN(BPF_RET | BPF_A, 0);
	refused(f, 3, -EINVAL, "F5");
	f[1] = INSN(BPF_LDX | BPF_MEM, 16);
	refused(f, 3, -EINVAL, "F5");
	f[1] = INSN(BPF_LDX | BPF_MEM, 15);
	accepted(f, 3);
	f[0] = INSN(BPF_ALU | BPF_DIV | BPF_X, 0);	/* X is checked at run */
	f[1] = INSN(BPF_RET | BPF_A, 0);
	accepted(f, 2);
}
END_TEST

START_TEST(checker_jumps)
{
	struct sock_filter f[4] = { INSN(BPF_JMP | BPF_JA, 1),
				    INSN(BPF_RET | BPF_K, 1),
				    INSN(BPF_RET | BPF_K, 2) };

	accepted(f, 3);
	f[0].k = 2;	/* lands past the end */
	refused(f, 3, -EINVAL, "F3");
	f[0].k = 0xffffffff;
	refused(f, 3, -EINVAL, "F3");
	f[0] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0);
	accepted(f, 3);
	f[0].jt = 2;
	refused(f, 3, -EINVAL, "F3");
	f[0] = JUMP(BPF_JMP | BPF_JSET | BPF_X, 0, 2, 0);
	refused(f, 3, -EINVAL, "F3");
	/* a conditional jump as the last instruction */
	f[0] = INSN(BPF_RET | BPF_K, 1);
	f[1] = JUMP(BPF_JMP | BPF_JGT | BPF_K, 0, 0, 0);
	refused(f, 2, -EINVAL, "F3");
	f[1] = INSN(BPF_LD | BPF_IMM, 0);
	refused(f, 2, -EINVAL, "F4");
	f[1] = INSN(BPF_RET | BPF_A, 0);
	accepted(f, 2);
}
END_TEST

START_TEST(checker_memory_paths)
{
	/* M[3] is stored on the jt path only: the read at the join fails */
	struct sock_filter f[] = {
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
		INSN(BPF_ST, 3),
		INSN(BPF_LD | BPF_MEM, 3),
		INSN(BPF_RET | BPF_A, 0),
	};

	refused(f, 4, -EINVAL, "F6");
	/* stored before the branch: fine on both paths */
	f[0] = INSN(BPF_ST, 3);
	f[1] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0);
	accepted(f, 4);
	/* a JA over the store */
	f[0] = INSN(BPF_JMP | BPF_JA, 1);
	f[1] = INSN(BPF_STX, 3);
	refused(f, 4, -EINVAL, "F6");
	/* the store after a jump that skips nothing still counts */
	f[0] = INSN(BPF_JMP | BPF_JA, 0);
	accepted(f, 4);
}
END_TEST

START_TEST(checker_extensions)
{
	struct sock_filter f[2] = { { 0 }, INSN(BPF_RET | BPF_A, 0) };

	for (uint32_t off = 0; off < 0x1000; off++) {
		struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
		/* known: multiples of 4 below SKF_AD_MAX, any size */
		int want = off < SKF_AD_MAX && off % 4 == 0 ? 0 : -EINVAL;

		for (uint16_t size = BPF_W; size <= BPF_B; size += BPF_H) {
			f[0] = INSN(BPF_LD | size | BPF_ABS, SKF_AD_OFF + off);
			ck_assert_msg(attach(s, f, 2) == want,
				      "SKF_AD_OFF + %u size 0x%x", off, size);
		}
		tpsim_close(s);
	}
	refused((struct sock_filter[]){ INSN(BPF_LD | BPF_W | BPF_ABS,
					     SKF_AD_OFF + SKF_AD_MAX),
				       INSN(BPF_RET | BPF_A, 0) },
		2, -EINVAL, "F7");
	/* the negative offsets below SKF_AD_OFF are packet loads */
	f[0] = INSN(BPF_LD | BPF_W | BPF_ABS, SKF_NET_OFF);
	accepted(f, 2);
	f[0] = INSN(BPF_LD | BPF_B | BPF_ABS, SKF_LL_OFF);
	accepted(f, 2);
	f[0] = INSN(BPF_LD | BPF_B | BPF_ABS, SKF_AD_OFF - 1);
	accepted(f, 2);
	/* MSH and indirect loads are never extensions */
	f[0] = INSN(BPF_LDX | BPF_B | BPF_MSH, SKF_AD_OFF + 4096 - 4);
	accepted(f, 2);
}
END_TEST

/* n copies of insn after one LD W [1], then RET #1: the eBPF form is
 * 3 + 4 + 14 + n * cost + 2 instructions. */
static int run_of(struct tpsim_sock *s, struct sock_filter insn, int n)
{
	int i = 0;

	big[i++] = INSN(BPF_LD | BPF_W | BPF_ABS, 1);
	for (int j = 0; j < n; j++)
		big[i++] = insn;
	big[i++] = INSN(BPF_RET | BPF_K, 1);
	return attach(s, big, (unsigned int)i);
}

START_TEST(optmem_limit)
{
	/* the largest run of each instruction 6.18 attaches (optmem_max
	 * 131072): one more is ENOMEM */
	static const struct {
		struct sock_filter insn;
		int max;
	} runs[] = {
		{ INSN(BPF_LD | BPF_W | BPF_ABS, 1), 1167 },
		{ INSN(BPF_LD | BPF_B | BPF_ABS, 1), 1257 },
		{ INSN(BPF_LD | BPF_H | BPF_ABS, 0), 1257 },
		{ INSN(BPF_LD | BPF_W | BPF_ABS, 40000), 1021 },
		{ INSN(BPF_LD | BPF_W | BPF_ABS, SKF_NET_OFF), 2043 },
		{ INSN(BPF_LD | BPF_W | BPF_IND, 0), 2043 },
		{ INSN(BPF_LD | BPF_W | BPF_IND, 5), 1816 },
		{ INSN(BPF_LDX | BPF_B | BPF_MSH, 14), 860 },
		{ INSN(BPF_ALU | BPF_DIV | BPF_X, 0), 3269 },
		{ INSN(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_IFINDEX),
		  4087 },
		{ INSN(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_RANDOM),
		  4087 },
	};

	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);

		ck_assert_msg(run_of(s, runs[i].insn, runs[i].max) == 0,
			      "run %zu of %d: %s", i, runs[i].max,
			      tpsim_strerror_detail(s));
		tpsim_close(s);
		s = t_sock(SOCK_RAW, TPACKET_V2, 0);
		ck_assert_int_eq(run_of(s, runs[i].insn, runs[i].max + 1),
				 -ENOMEM);
		ck_assert_msg(!strncmp(tpsim_strerror_detail(s), "F8", 2),
			      "%s", tpsim_strerror_detail(s));
		tpsim_close(s);
	}
}
END_TEST

START_TEST(optmem_counts_the_old_program)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct sock_filter ld = INSN(BPF_LD | BPF_W | BPF_ABS, 1);
	struct sock_filter r = INSN(BPF_RET | BPF_K, 7);

	/* 600 loads: 8423 eBPF instructions, 67480 bytes; twice that does
	 * not fit beside the first, so replacing it fails */
	ck_assert_int_eq(run_of(s, ld, 600), 0);
	ck_assert_int_eq(run_of(s, ld, 600), -ENOMEM);
	ck_assert_int_eq(attach(s, &r, 1), 0);
	ck_assert_int_eq(run_of(s, ld, 600), 0);
	tpsim_close(s);
	/* linux-6.1 held 20480 bytes at most */
	s = t_sock_profile("linux-6.1");
	ck_assert_int_eq(run_of(s, ld, 180), 0);
	tpsim_close(s);
	s = t_sock_profile("linux-6.1");
	ck_assert_int_eq(run_of(s, ld, 181), -ENOMEM);
	tpsim_close(s);
}
END_TEST

START_TEST(far_jump)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	int i = 0;

	/* a JA over 2500 loads spans 35000 eBPF instructions: EINVAL from
	 * bpf_convert_filter, before any charge */
	big[i++] = INSN(BPF_JMP | BPF_JA, 2500);
	for (int j = 0; j < 2500; j++)
		big[i++] = INSN(BPF_LD | BPF_W | BPF_ABS, 1);
	big[i++] = INSN(BPF_RET | BPF_K, 1);
	ck_assert_int_eq(attach(s, big, (unsigned int)i), -EINVAL);
	ck_assert_msg(!strncmp(tpsim_strerror_detail(s), "F8", 2), "%s",
		      tpsim_strerror_detail(s));
	/* the farthest a JA reaches: 2340 loads of 14 eBPF instructions
	 * (offset 32760) converts, then is too large (ENOMEM); 2341 do not
	 * convert. Conditional jumps (8-bit jt/jf) never get that far. */
	i = 0;
	big[i++] = INSN(BPF_JMP | BPF_JA, 2340);
	for (int j = 0; j < 2340; j++)
		big[i++] = INSN(BPF_LD | BPF_W | BPF_ABS, 1);
	big[i++] = INSN(BPF_RET | BPF_K, 1);
	ck_assert_int_eq(attach(s, big, (unsigned int)i), -ENOMEM);
	big[0].k = 2341;
	big[i - 1] = INSN(BPF_LD | BPF_W | BPF_ABS, 1);
	big[i++] = INSN(BPF_RET | BPF_K, 1);
	ck_assert_int_eq(attach(s, big, (unsigned int)i), -EINVAL);
	/* 2000 cheap instructions are near enough */
	i = 0;
	big[i++] = INSN(BPF_JMP | BPF_JA, 2000);
	for (int j = 0; j < 2000; j++)
		big[i++] = INSN(BPF_LD | BPF_IMM, 1);
	big[i++] = INSN(BPF_RET | BPF_K, 1);
	ck_assert_int_eq(attach(s, big, (unsigned int)i), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(detach_and_lock)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct sock_filter ok = INSN(BPF_RET | BPF_K, 0xffff);
	int one = 1, zero = 0, v = -1;
	socklen_t len = sizeof(v);

	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER,
					  &one, 4), -ENOENT);
	ck_assert_str_eq(tpsim_strerror_detail(s), "F9: no filter to detach");
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER,
					  NULL, 0), -EINVAL);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER,
					  NULL, 4), -EFAULT);
	ck_assert_int_eq(attach(s, &ok, 1), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER,
					  &one, 4), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER,
					  &one, 4), -ENOENT);
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_LOCK_FILTER, &v,
					  &len), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(attach(s, &ok, 1), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_LOCK_FILTER, &one,
					  4), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_LOCK_FILTER, &one,
					  4), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_LOCK_FILTER, &zero,
					  4), -EPERM);
	ck_assert_int_eq(attach(s, &ok, 1), -EPERM);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER,
					  &one, 4), -EPERM);
	/* the length is checked before the lock */
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER,
					  &one, 4), -EINVAL);
	len = 2;
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_LOCK_FILTER, &v,
					  &len), 0);
	ck_assert_int_eq(len, 2);
	ck_assert_int_eq(v & 0xffff, 1);
	/* SO_DETACH_FILTER cannot be read, SO_BPF_EXTENSIONS not set */
	len = 4;
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_DETACH_FILTER, &v,
					  &len), -ENOPROTOOPT);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_BPF_EXTENSIONS,
					  &one, 4), -ENOPROTOOPT);
	tpsim_close(s);
}
END_TEST

START_TEST(get_filter)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct sock_filter f[3] = { INSN(BPF_LD | BPF_W | BPF_LEN, 0),
				    JUMP(BPF_JMP | BPF_JGT | BPF_K, 0, 0, 99),
				    INSN(BPF_RET | BPF_A, 0) }, got[4];
	socklen_t len = 4;
	int v = 0;

	/* no filter: 0 instructions */
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_GET_FILTER, got,
					  &len), 0);
	ck_assert_int_eq(len, 0);
	ck_assert_int_eq(attach(s, f, 3), 0);
	len = 0;	/* asks for the count */
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_GET_FILTER, NULL,
					  &len), 0);
	ck_assert_int_eq(len, 3);
	len = 2;	/* in instructions, not bytes */
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_GET_FILTER, got,
					  &len), -EINVAL);
	ck_assert_str_eq(tpsim_strerror_detail(s),
			 "F10: SO_GET_FILTER room for 2 instructions, the "
			 "program has 3");
	len = 3;
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_GET_FILTER, NULL,
					  &len), -EFAULT);
	len = (socklen_t)-1;
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_GET_FILTER, got,
					  &len), -EINVAL);
	len = 4;
	memset(got, 0xa5, sizeof(got));
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_GET_FILTER, got,
					  &len), 0);
	ck_assert_int_eq(len, 3);
	ck_assert_int_eq(memcmp(got, f, sizeof(f)), 0);
	ck_assert_int_eq(got[3].code, 0xa5a5);
	len = sizeof(v);
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_BPF_EXTENSIONS, &v,
					  &len), 0);
	ck_assert_int_eq(v, 64);
	ck_assert_int_eq(len, 4);
	len = 8;
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_BPF_EXTENSIONS,
					  NULL, &len), -EFAULT);
	tpsim_close(s);
}
END_TEST

Suite *suite_filter(void)
{
	Suite *su = suite_create("filter");
	TCase *tc = tcase_create("filter");

	tcase_add_test(tc, attach_arguments);
	tcase_add_test(tc, longest_program);
	tcase_add_test(tc, checker_opcodes);
	tcase_add_test(tc, checker_constants);
	tcase_add_test(tc, checker_jumps);
	tcase_add_test(tc, checker_memory_paths);
	tcase_add_test(tc, checker_extensions);
	tcase_add_test(tc, optmem_limit);
	tcase_add_test(tc, optmem_counts_the_old_program);
	tcase_add_test(tc, far_jump);
	tcase_add_test(tc, detach_and_lock);
	tcase_add_test(tc, get_filter);
	suite_add_tcase(su, tc);
	return su;
}
