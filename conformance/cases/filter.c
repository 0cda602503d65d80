// SPDX-License-Identifier: MIT
/*
 * Description: socket filters at SOL_SOCKET (F1-F13, F15): the errno of
 * every refusal of SO_ATTACH_FILTER, detach, lock, SO_GET_FILTER,
 * SO_BPF_EXTENSIONS, and what the machine answers: instruction classes,
 * loads past the packet, SKF_NET_OFF/SKF_LL_OFF, each ancillary load. The
 * program's answer is read as the length recv() reports on a socket
 * without a ring (0: nothing arrives).
 */
#include <errno.h>
#include <linux/filter.h>
#include <string.h>
#include <sys/socket.h>

#include "tpc.h"
#include "tpc_filter.h"

int tpc_attach(struct tpc_t *t, struct tpc_sock *s,
	       const struct sock_filter *f, unsigned int n)
{
	struct sock_fprog p = { .len = (unsigned short)n,
				.filter = (struct sock_filter *)f };

	return t->ops->setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &p,
				  sizeof(p));
}

long tpc_through(struct tpc_t *t, struct tpc_sock *s, const void *frame,
		 uint32_t len)
{
	uint8_t buf[2048];
	long r;

	while (t->ops->recv(s, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
	if (tpc_inject(t, s, frame, len))
		return -2;
	r = t->ops->recv(s, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
	return r < 0 ? -1 : r;
}

/* IPv4/UDP to the device, 10.0.0.1:0x1234 -> 10.0.0.2:53, tagged with
 * TCI 0xb064 in the data if vlan; len bytes. */
void tpc_udp_frame(struct tpc_t *t, uint8_t *f, uint32_t len, int vlan)
{
	uint32_t o = vlan ? 16 : 12;
	uint8_t *ip;

	tpc_eth(f, len, t->dev_addr, vlan ? 0x8100 : 0x0800);
	if (vlan)
		memcpy(f + 14, "\xb0\x64\x08\x00", 4);
	else
		f[o] = 0x08, f[o + 1] = 0;
	ip = f + o + 2;
	memset(ip, 0, 28);
	ip[0] = 0x45;
	ip[2] = (uint8_t)((len - o - 2) >> 8);
	ip[3] = (uint8_t)(len - o - 2);
	ip[8] = 64;
	ip[9] = 17;
	ip[12] = 10, ip[15] = 1, ip[16] = 10, ip[19] = 2;
	memcpy(ip + 20, "\x12\x34\x00\x35", 4);
}

/* A at the end of pre, read ten bits at a time through the snaplen of a
 * 1200-byte UDP frame; -1 when the program ended with 0 first. */
long tpc_filter_value(struct tpc_t *t, struct tpc_sock *s, int vlan,
		      const struct sock_filter *pre, unsigned int n)
{
	uint8_t frame[1200];
	uint32_t v = 0;

	tpc_udp_frame(t, frame, sizeof(frame), vlan);
	for (uint32_t sh = 0; sh < 32; sh += 10) {
		struct sock_filter f[24];
		long r;
		int err;

		memcpy(f, pre, n * sizeof(*f));
		f[n] = INSN(BPF_ALU | BPF_RSH | BPF_K, sh);
		f[n + 1] = INSN(BPF_ALU | BPF_AND | BPF_K, 0x3ff);
		f[n + 2] = INSN(BPF_ALU | BPF_ADD | BPF_K, 1);
		f[n + 3] = INSN(BPF_RET | BPF_A, 0);
		err = tpc_attach(t, s, f, n + 4);
		if (err) {
			tpc_fail(t, __LINE__, "attach: %s", tpc_errname(err));
			return -2;
		}
		r = tpc_through(t, s, frame, sizeof(frame));
		if (r < 0)
			return r;
		v |= (uint32_t)(r - 1) << sh;
	}
	return v;
}

static void attach_errors(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	struct sock_filter ok = INSN(BPF_RET | BPF_K, 0xffff);
	struct sock_fprog p = { 1, &ok };
	static struct sock_filter big[BPF_MAXINSNS + 1];

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "optlen 0", -EINVAL,
		     t->ops->setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, NULL,
					0));
	EXPECT_ERRNO(t, "NULL optval, optlen 16", -EFAULT,
		     t->ops->setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, NULL,
					sizeof(p)));
	EXPECT_ERRNO(t, "optlen 8", -EINVAL,
		     t->ops->setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &p,
					8));
	EXPECT_ERRNO(t, "optlen 17", -EINVAL,
		     t->ops->setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &p,
					sizeof(p) + 1));
	p.filter = NULL;
	EXPECT_ERRNO(t, "NULL program, len 1", -EINVAL,
		     t->ops->setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &p,
					sizeof(p)));
	p.filter = &ok;
	p.len = 0;
	EXPECT_ERRNO(t, "len 0", -EINVAL,
		     t->ops->setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &p,
					sizeof(p)));
	/* (BPF_MAXINSNS itself attaches on 6.18 but not on 6.1, whose
	 * optmem_max of 20480 bytes no 4096-instruction program fits: the
	 * unit tests check it per profile) */
	EXPECT_ERRNO(t, "BPF_MAXINSNS + 1", -EINVAL,
		     tpc_attach(t, s, big, BPF_MAXINSNS + 1));
}

#define R_A INSN(BPF_RET | BPF_A, 0)

static void checker_refusals(struct tpc_t *t)
{
	static const struct {
		const char *what;
		struct sock_filter f[4];
		unsigned int n;
	} bad[] = {
		{ "opcode LD|H|IMM", { INSN(0x08, 0), R_A }, 2 },
		{ "opcode 0x100", { INSN(0x100, 0), R_A }, 2 },
		{ "LDX|W|ABS (seccomp only)", { INSN(0x21, 0), R_A }, 2 },
		{ "DIV by constant 0", { INSN(0x34, 0), R_A }, 2 },
		{ "MOD by constant 0", { INSN(0x94, 0), R_A }, 2 },
		{ "LSH by 32", { INSN(0x64, 32), R_A }, 2 },
		{ "RSH by 32", { INSN(0x74, 32), R_A }, 2 },
		{ "ST M[16]", { INSN(BPF_ST, 16), R_A }, 2 },
		{ "JA past the end", { INSN(0x05, 1), R_A }, 2 },
		{ "JEQ jt past the end", { { 0x15, 1, 0, 0 }, R_A }, 2 },
		{ "JSET jf past the end", { { 0x45, 0, 1, 0 }, R_A }, 2 },
		{ "last is not RET", { R_A, INSN(BPF_LD | BPF_IMM, 0) }, 2 },
		{ "M[0] read before a store",
		  { INSN(BPF_LD | BPF_MEM, 0), R_A }, 2 },
		{ "M[2] stored on one path",
		  { { 0x15, 0, 1, 0 }, INSN(BPF_STX, 2),
		    INSN(BPF_LDX | BPF_MEM, 2), R_A }, 4 },
		{ "unknown extension",
		  { INSN(0x20, SKF_AD_OFF + SKF_AD_MAX), R_A }, 2 },
		{ "misaligned extension", { INSN(0x30, SKF_AD_OFF + 2), R_A },
		  2 },
	};
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	uint8_t frame[100];
	struct sock_filter cap = INSN(BPF_RET | BPF_K, 30);

	REQUIRE(t, s);
	/* every refusal leaves the program in place */
	EXPECT_ERRNO(t, "attach RET #30", 0, tpc_attach(t, s, &cap, 1));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tpc_note(t, "%s", bad[i].what);
		EXPECT_ERRNO(t, bad[i].what, -EINVAL,
			     tpc_attach(t, s, bad[i].f, bad[i].n));
	}
	tpc_note(t, "after the refusals");
	tpc_eth(frame, sizeof(frame), tpc_bcast, 0x0800);
	EXPECT_EQ(t, "bytes through the old program", 30,
		  tpc_through(t, s, frame, sizeof(frame)));
}

/* f: a JA over 2339 packet loads and n JEQ (the first neg of them on
 * #-1, the rest on #0, both ways to the next), then RET #1. */
static void far_jeqs(struct sock_filter *f, int n, int neg)
{
	int i = 1;

	f[0] = INSN(BPF_JMP | BPF_JA, 2339 + n);
	for (; i <= 2339; i++)
		f[i] = INSN(BPF_LD | BPF_W | BPF_ABS, 1);
	for (; i <= 2339 + n; i++)
		f[i] = INSN(BPF_JMP | BPF_JEQ | BPF_K, i <= 2339 + neg ? -1 : 0);
	f[i] = INSN(BPF_RET | BPF_K, 1);
}

static void optmem_and_far_jumps(struct tpc_t *t)
{
	static struct sock_filter big[BPF_MAXINSNS];
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	int i = 0;

	REQUIRE(t, s);
	/* 4095 packet loads: 57000 eBPF instructions, past optmem_max */
	for (; i < BPF_MAXINSNS - 1; i++)
		big[i] = INSN(BPF_LD | BPF_W | BPF_ABS, 1);
	big[i++] = INSN(BPF_RET | BPF_K, 1);
	EXPECT_ERRNO(t, "4095 loads", -ENOMEM, tpc_attach(t, s, big, i));
	/* a JA over 2340 of them still converts (offset 32760), then is
	 * too large; over 2341 it does not convert */
	big[0] = INSN(BPF_JMP | BPF_JA, 2340);
	big[2341] = INSN(BPF_RET | BPF_K, 1);
	EXPECT_ERRNO(t, "JA over 2340 loads", -ENOMEM,
		     tpc_attach(t, s, big, 2342));
	big[0].k = 2341;
	big[2341] = INSN(BPF_LD | BPF_W | BPF_ABS, 1);
	big[2342] = INSN(BPF_RET | BPF_K, 1);
	EXPECT_ERRNO(t, "JA over 2341 loads", -EINVAL,
		     tpc_attach(t, s, big, 2343));
	/* a conditional jump on a constant is one instruction, on a
	 * negative constant two (it goes through a register first): a JA
	 * over 2339 loads and 14 JEQ #0 converts, over 15 it does not; 7
	 * JEQ #-1 count as 14 */
	far_jeqs(big, 14, 0);
	EXPECT_ERRNO(t, "JA over 2339 loads and 14 JEQ #0", -ENOMEM,
		     tpc_attach(t, s, big, 2339 + 14 + 2));
	far_jeqs(big, 15, 0);
	EXPECT_ERRNO(t, "JA over 2339 loads and 15 JEQ #0", -EINVAL,
		     tpc_attach(t, s, big, 2339 + 15 + 2));
	far_jeqs(big, 7, 7);
	EXPECT_ERRNO(t, "JA over 2339 loads and 7 JEQ #-1", -ENOMEM,
		     tpc_attach(t, s, big, 2339 + 7 + 2));
	far_jeqs(big, 8, 7);
	EXPECT_ERRNO(t, "JA over 2339 loads, 7 JEQ #-1 and a JEQ #0", -EINVAL,
		     tpc_attach(t, s, big, 2339 + 8 + 2));
}

static void detach_and_lock(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	struct sock_filter ok = INSN(BPF_RET | BPF_K, 0xffff);
	int one = 1, zero = 0, v = -1;
	socklen_t len = sizeof(v);

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "detach without a filter", -ENOENT,
		     t->ops->setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER, &one,
					sizeof(one)));
	EXPECT_ERRNO(t, "detach optlen 0", -EINVAL,
		     t->ops->setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER, NULL,
					0));
	EXPECT_ERRNO(t, "attach", 0, tpc_attach(t, s, &ok, 1));
	EXPECT_ERRNO(t, "detach", 0,
		     t->ops->setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER, &one,
					sizeof(one)));
	EXPECT_ERRNO(t, "detach again", -ENOENT,
		     t->ops->setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER, &one,
					sizeof(one)));
	EXPECT_ERRNO(t, "read SO_LOCK_FILTER", 0,
		     t->ops->getsockopt(s, SOL_SOCKET, SO_LOCK_FILTER, &v,
					&len));
	EXPECT_EQ(t, "SO_LOCK_FILTER", 0, v);
	EXPECT_ERRNO(t, "attach", 0, tpc_attach(t, s, &ok, 1));
	EXPECT_ERRNO(t, "lock", 0,
		     t->ops->setsockopt(s, SOL_SOCKET, SO_LOCK_FILTER, &one,
					sizeof(one)));
	EXPECT_ERRNO(t, "lock again", 0,
		     t->ops->setsockopt(s, SOL_SOCKET, SO_LOCK_FILTER, &one,
					sizeof(one)));
	EXPECT_ERRNO(t, "unlock", -EPERM,
		     t->ops->setsockopt(s, SOL_SOCKET, SO_LOCK_FILTER, &zero,
					sizeof(zero)));
	EXPECT_ERRNO(t, "attach while locked", -EPERM,
		     tpc_attach(t, s, &ok, 1));
	EXPECT_ERRNO(t, "detach while locked", -EPERM,
		     t->ops->setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER, &one,
					sizeof(one)));
	EXPECT_ERRNO(t, "attach optlen 4 while locked", -EINVAL,
		     t->ops->setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &one,
					sizeof(one)));
	len = sizeof(v);
	EXPECT_ERRNO(t, "read SO_LOCK_FILTER", 0,
		     t->ops->getsockopt(s, SOL_SOCKET, SO_LOCK_FILTER, &v,
					&len));
	EXPECT_EQ(t, "SO_LOCK_FILTER", 1, v);
	EXPECT_ERRNO(t, "read SO_DETACH_FILTER", -ENOPROTOOPT,
		     t->ops->getsockopt(s, SOL_SOCKET, SO_DETACH_FILTER, &v,
					&len));
}

static void get_filter(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	struct sock_filter f[3] = { INSN(BPF_LD | BPF_W | BPF_LEN, 0),
				    { BPF_JMP | BPF_JGT | BPF_K, 0, 0, 99 },
				    R_A }, got[4];
	socklen_t len = 4;
	int v = 0;

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "SO_GET_FILTER without one", 0,
		     t->ops->getsockopt(s, SOL_SOCKET, SO_GET_FILTER, got,
					&len));
	EXPECT_EQ(t, "optlen (instructions)", 0, len);
	EXPECT_ERRNO(t, "attach", 0, tpc_attach(t, s, f, 3));
	len = 0;
	EXPECT_ERRNO(t, "SO_GET_FILTER optlen 0", 0,
		     t->ops->getsockopt(s, SOL_SOCKET, SO_GET_FILTER, got,
					&len));
	EXPECT_EQ(t, "the count", 3, len);
	len = 2;
	EXPECT_ERRNO(t, "SO_GET_FILTER room for 2", -EINVAL,
		     t->ops->getsockopt(s, SOL_SOCKET, SO_GET_FILTER, got,
					&len));
	len = 4;
	memset(got, 0, sizeof(got));
	EXPECT_ERRNO(t, "SO_GET_FILTER room for 4", 0,
		     t->ops->getsockopt(s, SOL_SOCKET, SO_GET_FILTER, got,
					&len));
	EXPECT_EQ(t, "optlen", 3, len);
	EXPECT_EQ(t, "the program back", 0, memcmp(got, f, sizeof(f)));
	len = sizeof(v);
	EXPECT_ERRNO(t, "SO_BPF_EXTENSIONS", 0,
		     t->ops->getsockopt(s, SOL_SOCKET, SO_BPF_EXTENSIONS, &v,
					&len));
	EXPECT_EQ(t, "SO_BPF_EXTENSIONS (SKF_AD_MAX)", 64, v);
	/* sk_getsockopt reads the length as an int: negative is EINVAL */
	len = (socklen_t)-1;
	EXPECT_ERRNO(t, "SO_GET_FILTER optlen -1", -EINVAL,
		     t->ops->getsockopt(s, SOL_SOCKET, SO_GET_FILTER, got,
					&len));
	len = (socklen_t)-1;
	EXPECT_ERRNO(t, "SO_LOCK_FILTER optlen -1", -EINVAL,
		     t->ops->getsockopt(s, SOL_SOCKET, SO_LOCK_FILTER, &v,
					&len));
}

#define VALUE(what, vlan, want, ...)                                        \
	do {                                                                \
		struct sock_filter _f[] = { __VA_ARGS__ };                  \
		long _v = tpc_filter_value(t, s, vlan, _f,                  \
					   sizeof(_f) / sizeof(_f[0]));     \
		REQUIRE(t, _v != -2);                                       \
		EXPECT_EQ(t, what, want, _v);                               \
	} while (0)
#define ANC(what) INSN(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + (what))

static void machine(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	VALUE("NEG 7", 0, 4294967289, INSN(BPF_LD | BPF_IMM, 7),
	      INSN(BPF_ALU | BPF_NEG, 0));
	VALUE("DIV X 0 ends with 0", 0, -1, INSN(BPF_LD | BPF_IMM, 7),
	      INSN(BPF_ALU | BPF_DIV | BPF_X, 0));
	VALUE("MOD X 0 ends with 0", 0, -1, INSN(BPF_LD | BPF_IMM, 7),
	      INSN(BPF_ALU | BPF_MOD | BPF_X, 0));
	VALUE("LSH X 33 = LSH 1", 0, 14, INSN(BPF_LD | BPF_IMM, 7),
	      INSN(BPF_LDX | BPF_IMM, 33), INSN(BPF_ALU | BPF_LSH | BPF_X, 0));
	VALUE("LSH X 3", 0, 56, INSN(BPF_LD | BPF_IMM, 7),
	      INSN(BPF_LDX | BPF_IMM, 3), INSN(BPF_ALU | BPF_LSH | BPF_X, 0));
	VALUE("RSH X 35 = RSH 3", 0, 116, INSN(BPF_LD | BPF_IMM, 929),
	      INSN(BPF_LDX | BPF_IMM, 35), INSN(BPF_ALU | BPF_RSH | BPF_X, 0));
	VALUE("ld [1196] (last word)", 0, 0,
	      INSN(BPF_LD | BPF_W | BPF_ABS, 1196),
	      INSN(BPF_ALU | BPF_AND | BPF_K, 0));
	VALUE("ld [1197] (past the end)", 0, -1,
	      INSN(BPF_LD | BPF_W | BPF_ABS, 1197));
	VALUE("ldh [x + 20], x = 14", 0, 0x1234, INSN(BPF_LDX | BPF_IMM, 14),
	      INSN(BPF_LD | BPF_H | BPF_IND, 20));
	VALUE("ldb [x + 0], x = -1", 0, -1, INSN(BPF_LDX | BPF_IMM, -1),
	      INSN(BPF_LD | BPF_B | BPF_IND, 0));
	VALUE("ldxb 4*([14]&0xf)", 0, 20, INSN(BPF_LDX | BPF_B | BPF_MSH, 14),
	      INSN(BPF_MISC | BPF_TXA, 0));
	VALUE("len, tag taken off", 1, 1196, INSN(BPF_LD | BPF_W | BPF_LEN, 0));
	VALUE("ST/LDX M[15]", 0, 0x3a1, INSN(BPF_LD | BPF_IMM, 0x3a1),
	      INSN(BPF_ST, 15), INSN(BPF_LD | BPF_IMM, 0),
	      INSN(BPF_LDX | BPF_MEM, 15), INSN(BPF_MISC | BPF_TXA, 0));
	VALUE("JGT unsigned", 0, 5, INSN(BPF_LD | BPF_IMM, 5),
	      ((struct sock_filter){ BPF_JMP | BPF_JGT | BPF_K, 0, 1,
				     0x80000000 }),
	      INSN(BPF_LD | BPF_IMM, 9));
}

static void negative_offsets(struct tpc_t *t)
{
	struct tpc_sock *raw = tpc_open(t, SOCK_RAW);
	struct tpc_sock *dgram = tpc_open(t, SOCK_DGRAM), *s;

	REQUIRE(t, raw && dgram);
	s = dgram;
	VALUE("DGRAM SKF_LL_OFF+0 (link header)", 0, t->dev_addr[0],
	      INSN(BPF_LD | BPF_B | BPF_ABS, SKF_LL_OFF));
	VALUE("DGRAM SKF_LL_OFF+12, tag taken off", 1, 0x0800,
	      INSN(BPF_LD | BPF_H | BPF_ABS, SKF_LL_OFF + 12));
	VALUE("DGRAM SKF_NET_OFF+9", 0, 17,
	      INSN(BPF_LD | BPF_B | BPF_ABS, SKF_NET_OFF + 9));
	VALUE("DGRAM x = SKF_LL_OFF, ldb [x + 1]", 0, t->dev_addr[1],
	      INSN(BPF_LDX | BPF_IMM, SKF_LL_OFF),
	      INSN(BPF_LD | BPF_B | BPF_IND, 1));
	VALUE("DGRAM ldxb 4*([SKF_NET_OFF]&0xf)", 0, 20,
	      INSN(BPF_LDX | BPF_B | BPF_MSH, SKF_NET_OFF),
	      INSN(BPF_MISC | BPF_TXA, 0));
	s = raw;
	VALUE("RAW SKF_NET_OFF+0, tag taken off", 1, 0x45,
	      INSN(BPF_LD | BPF_B | BPF_ABS, SKF_NET_OFF));
	VALUE("RAW SKF_NET_OFF+1183 (past the end)", 0, -1,
	      INSN(BPF_LD | BPF_W | BPF_ABS, SKF_NET_OFF + 1183));
	VALUE("RAW SKF_LL_OFF+1196", 0, 0,
	      INSN(BPF_LD | BPF_W | BPF_ABS, SKF_LL_OFF + 1196),
	      INSN(BPF_ALU | BPF_AND | BPF_K, 0));
	VALUE("RAW x = -0x300000 (below SKF_LL_OFF)", 0, -1,
	      INSN(BPF_LDX | BPF_IMM, -0x300000),
	      INSN(BPF_LD | BPF_B | BPF_IND, 0));
}

static void extensions(struct tpc_t *t)
{
	struct tpc_sock *raw = tpc_open(t, SOCK_RAW);
	struct tpc_sock *dgram = tpc_open(t, SOCK_DGRAM), *s;

	REQUIRE(t, raw && dgram);
	s = raw;
	VALUE("protocol", 0, 0x800, ANC(SKF_AD_PROTOCOL));
	VALUE("protocol, byte load", 0, 0x800,
	      INSN(BPF_LD | BPF_B | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL));
	VALUE("pkttype (to the device: HOST)", 0, 0, ANC(SKF_AD_PKTTYPE));
	VALUE("ifindex", 0, t->ifindex, ANC(SKF_AD_IFINDEX));
	VALUE("hatype", 0, 1, ANC(SKF_AD_HATYPE));
	VALUE("mark", 0, 0, ANC(SKF_AD_MARK));
	VALUE("queue (a TAP records queue 0 + 1)", 0, 1, ANC(SKF_AD_QUEUE));
	VALUE("rxhash (none computed yet)", 0, 0, ANC(SKF_AD_RXHASH));
	VALUE("cpu below 4096", 0, 1, ANC(SKF_AD_CPU),
	      ((struct sock_filter){ BPF_JMP | BPF_JGE | BPF_K, 1, 0, 4096 }),
	      INSN(BPF_LD | BPF_IMM, 1));
	VALUE("random, masked", 0, 0, ANC(SKF_AD_RANDOM),
	      INSN(BPF_ALU | BPF_AND | BPF_K, 0));
	VALUE("A ^= X", 0, 0xcc, INSN(BPF_LD | BPF_IMM, 0xf0),
	      INSN(BPF_LDX | BPF_IMM, 0x3c), ANC(SKF_AD_ALU_XOR_X));
	VALUE("vlan tag, untagged", 0, 0, ANC(SKF_AD_VLAN_TAG));
	VALUE("vlan present, untagged", 0, 0, ANC(SKF_AD_VLAN_TAG_PRESENT));
	VALUE("vlan tag (whole TCI)", 1, 0xb064, ANC(SKF_AD_VLAN_TAG));
	VALUE("vlan present", 1, 1, ANC(SKF_AD_VLAN_TAG_PRESENT));
	VALUE("vlan tpid", 1, 0x8100, ANC(SKF_AD_VLAN_TPID));
	VALUE("payload offset (UDP)", 0, 42, ANC(SKF_AD_PAY_OFFSET));
	VALUE("nlattr: none in UDP bytes", 0, 0, INSN(BPF_LD | BPF_IMM, 42),
	      INSN(BPF_LDX | BPF_IMM, 5), ANC(SKF_AD_NLATTR));
	VALUE("nlattr nest: none in UDP bytes", 0, 0,
	      INSN(BPF_LD | BPF_IMM, 42), INSN(BPF_LDX | BPF_IMM, 5),
	      ANC(SKF_AD_NLATTR_NEST));
	VALUE("nlattr past the end", 0, 0, INSN(BPF_LD | BPF_IMM, 1197),
	      ANC(SKF_AD_NLATTR));
	s = dgram;
	VALUE("payload offset from the network header", 1, 28,
	      ANC(SKF_AD_PAY_OFFSET));
	VALUE("protocol, tagged", 1, 0x800, ANC(SKF_AD_PROTOCOL));
}

const struct tpc_case tpc_cases_filter[] = {
	{ "filter.attach_errors", "F1", 0, .fn = attach_errors },
	{ "filter.checker_refusals", "F2 F3 F4 F5 F6 F7 F15", 0,
	  .fn = checker_refusals },
	{ "filter.optmem_and_far_jumps", "F8", 0,
	  .fn = optmem_and_far_jumps },
	{ "filter.detach_and_lock", "F9", 0, .fn = detach_and_lock },
	{ "filter.get_filter", "F10", 0, .fn = get_filter },
	{ "filter.machine", "F11", 0, .fn = machine },
	{ "filter.negative_offsets", "F13", 0, .fn = negative_offsets },
	{ "filter.extensions", "F12", 0, .fn = extensions,
	  .needs = TPC_CAP_TAP_LINK },
	{ NULL },
};
