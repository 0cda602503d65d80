/* SPDX-License-Identifier: MIT */
/*
 * tpconform internals: the case table, the per-case context, and the
 * checks that print both values on failure.
 */
#ifndef TPC_H
#define TPC_H

#include <linux/if_packet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tpc_backend.h"

/* Versions a case runs for: one variant per bit set. 0: version-free. */
#define TPC_V1 (1u << TPACKET_V1)
#define TPC_V2 (1u << TPACKET_V2)
#define TPC_V3 (1u << TPACKET_V3)
#define TPC_V12 (TPC_V1 | TPC_V2)
#define TPC_V123 (TPC_V1 | TPC_V2 | TPC_V3)

struct tpc_t;

struct tpc_case {
	const char *name;	/* "group.what" */
	const char *rules;	/* contract rule IDs, space separated */
	unsigned int versions;
	const char *only;	/* backend name it is limited to, or NULL */
	const char *why_only;	/* the reason, shown as the other's SKIP */
	int timeout_s;		/* 0: the runner's default */
	void (*fn)(struct tpc_t *t);
	unsigned int needs;	/* enum tpc_caps the device must offer */
};

#define TPC_MAX_SOCKS 4
#define TPC_MAX_MAPS 4

struct tpc_t {
	const struct tpc_backend_ops *ops;
	void *bctx;
	const char *backend;
	int version;		/* TPACKET_Vn, or -1 */
	uint8_t dev_addr[6];
	int ifindex;
	unsigned int seed;
	bool verbose;
	const struct tpc_backend_info *info;	/* caps and environment */
	char note[160];		/* context appended to a failure */
	char msg[1024];
	bool failed, skipped;
	struct tpc_sock *socks[TPC_MAX_SOCKS];
	int nsocks;
	struct {
		struct tpc_sock *s;
		void *addr;
		size_t len;
	} maps[TPC_MAX_MAPS];
	int nmaps;
};

/* Case tables, one per file, each ended by an entry with a NULL name. */
extern const struct tpc_case tpc_cases_blocks[];
extern const struct tpc_case tpc_cases_bounds[];
extern const struct tpc_case tpc_cases_bounds_frames[];
extern const struct tpc_case tpc_cases_dev[];
extern const struct tpc_case tpc_cases_dev_bpf[];
extern const struct tpc_case tpc_cases_dev_defrag[];
extern const struct tpc_case tpc_cases_filter[];
extern const struct tpc_case tpc_cases_filter_ring[];
extern const struct tpc_case tpc_cases_filter_anc[];
extern const struct tpc_case tpc_cases_filter_check[];
extern const struct tpc_case tpc_cases_dev_edges[];
extern const struct tpc_case tpc_cases_dev_fanout[];
extern const struct tpc_case tpc_cases_dev_l3[];
extern const struct tpc_case tpc_cases_rcvbuf[];
extern const struct tpc_case tpc_cases_flags[];
extern const struct tpc_case tpc_cases_layout[];
extern const struct tpc_case tpc_cases_mmap[];
extern const struct tpc_case tpc_cases_options[];
extern const struct tpc_case tpc_cases_poll[];
extern const struct tpc_case tpc_cases_ring[];
extern const struct tpc_case tpc_cases_stats[];
extern const struct tpc_case tpc_cases_tx[];
extern const struct tpc_case tpc_cases_tx_data[];
extern const struct tpc_case tpc_cases_vnet[];
extern const struct tpc_case tpc_cases_fanout_edges[];
extern const struct tpc_case tpc_cases_fanout_groups[];
extern const struct tpc_case tpc_cases_fanout_room[];
extern const struct tpc_case tpc_cases_dev_receive_edges[];
extern const struct tpc_case tpc_cases_tag_edges[];
extern const struct tpc_case tpc_cases_defrag_limits[];
extern const struct tpc_case tpc_cases_peers[];
extern const struct tpc_case tpc_cases_peers_opt[];
extern const struct tpc_case tpc_cases_rx_edges[];
extern const struct tpc_case tpc_cases_v3_timer_edges[];
extern const struct tpc_case tpc_cases_mmap_flags[];
extern const struct tpc_case tpc_cases_opt_edges[];
extern const struct tpc_case tpc_cases_filter_edges[];
extern const struct tpc_case tpc_cases_profile_edges[];
extern const struct tpc_case tpc_cases_tx_hold[];
extern const struct tpc_case tpc_cases_recv_edges[];

void tpc_fail(struct tpc_t *t, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tpc_note(struct tpc_t *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Checks: on failure record "what: expected X, got Y (context)" and leave
 * the case. Both values are printed, in hex where flags are compared. */
#define EXPECT_EQ(t, what, exp, got)                                         \
	do {                                                                 \
		long long _e = (long long)(exp), _g = (long long)(got);      \
		if (_e != _g) {                                              \
			tpc_fail(t, __LINE__, "%s: expected %lld, got %lld", \
				 what, _e, _g);                              \
			return;                                              \
		}                                                            \
	} while (0)
#define EXPECT_HEX(t, what, exp, got)                                        \
	do {                                                                 \
		unsigned long long _e = (exp), _g = (got);                   \
		if (_e != _g) {                                              \
			tpc_fail(t, __LINE__,                                \
				 "%s: expected 0x%llx, got 0x%llx", what, _e, \
				 _g);                                        \
			return;                                              \
		}                                                            \
	} while (0)
#define EXPECT_TRUE(t, what, cond)                                           \
	do {                                                                 \
		if (!(cond)) {                                               \
			tpc_fail(t, __LINE__, "%s", what);                   \
			return;                                              \
		}                                                            \
	} while (0)
/* A call that must return exactly err (0 or -Exxx). */
#define EXPECT_ERR(t, call, err) EXPECT_ERRNO(t, #call, err, call)
#define EXPECT_ERRNO(t, what, exp, got)                                      \
	do {                                                                 \
		long long _e = (exp), _g = (got);                            \
		if (_e != _g) {                                              \
			tpc_fail(t, __LINE__, "%s: expected %s, got %s",     \
				 what, tpc_errname(_e), tpc_errname(_g));    \
			return;                                              \
		}                                                            \
	} while (0)
/* Leave the case when a helper has already recorded a failure. */
#define REQUIRE(t, x)                 \
	do {                          \
		if (!(x) || (t)->failed) \
			return;       \
	} while (0)

const char *tpc_errname(long long v);

/* Helpers: each records a failure itself and returns NULL / negative. */
struct tpc_sock *tpc_open(struct tpc_t *t, int type);
struct tpc_sock *tpc_open_proto(struct tpc_t *t, int type, int protocol);
int tpc_setint(struct tpc_t *t, struct tpc_sock *s, int opt, int val);
int tpc_getint(struct tpc_t *t, struct tpc_sock *s, int opt, int *val);
int tpc_ring(struct tpc_t *t, struct tpc_sock *s, unsigned int bsize,
	     unsigned int bnr, unsigned int fsize, unsigned int fnr);
/* Set up a ring and map it; NULL after recording the failure. */
char *tpc_ring_map(struct tpc_t *t, struct tpc_sock *s, unsigned int bsize,
		   unsigned int bnr, unsigned int fsize);
/* Open a socket of type (ETH_P_ALL, the case's version) with a mapped
 * ring of bnr blocks of bsize bytes and fsize-byte frames. */
char *tpc_open_ring(struct tpc_t *t, int type, unsigned int bsize,
		    unsigned int bnr, unsigned int fsize, struct tpc_sock **sp);
int tpc_unmap(struct tpc_t *t, void *addr);
void tpc_eth(uint8_t *buf, uint32_t len, const uint8_t dst[6], uint16_t type);
int tpc_inject(struct tpc_t *t, struct tpc_sock *s, const void *d,
	       uint32_t len);
int tpc_inject_ex(struct tpc_t *t, struct tpc_sock *s,
		  const struct tpc_inject *p);
int tpc_stats(struct tpc_t *t, struct tpc_sock *s, unsigned int *packets,
	      unsigned int *drops);

extern const uint8_t tpc_bcast[6];

/* A frame header read the same way for V1 and V2. */
struct tpc_hdr {
	unsigned long status;
	uint32_t len, snaplen;
	uint16_t mac, net;
	uint32_t sec, frac;	/* usec (V1) or nsec (V2) */
	uint16_t vlan_tci, vlan_tpid;
	uint8_t padding[4];
};
void *tpc_frame(char *ring, unsigned int bsize, unsigned int fsize,
		uint32_t idx);
void tpc_hdr(const struct tpc_t *t, const void *frame, struct tpc_hdr *h);
unsigned long tpc_status(const struct tpc_t *t, const void *frame);
void tpc_set_status(const struct tpc_t *t, void *frame, uint32_t status);
void tpc_release(const struct tpc_t *t, void *frame);

/* V3 blocks */
uint32_t tpc_block_status(const void *block);
void tpc_block_release(void *block);
/* A SOCK_RAW socket with a mapped V3 RX ring (2048-byte frames). */
char *tpc_open_v3(struct tpc_t *t, unsigned int bsize, unsigned int bnr,
		  unsigned int tov, unsigned int priv, unsigned int features,
		  struct tpc_sock **sp);
int tpc_req3(struct tpc_t *t, struct tpc_sock *s, int optname,
	     const struct tpacket_req3 *r);

/* TX: a TX ring of fnr frames in 4096-byte blocks on *sp (opened with
 * type when NULL), mapped alone. */
char *tpc_open_tx(struct tpc_t *t, int type, unsigned int fsize,
		  unsigned int fnr, struct tpc_sock **sp);
char *tpc_map_all(struct tpc_t *t, struct tpc_sock *s, size_t len);
ssize_t tpc_send(struct tpc_t *t, struct tpc_sock *s,
		 const struct sockaddr_ll *to, int flags);
/* send(2) of data without a TX ring (packet_snd) */
ssize_t tpc_send_data(struct tpc_t *t, struct tpc_sock *s, const void *buf,
		      size_t len, const struct sockaddr_ll *to, int flags);
ssize_t tpc_wire_read(struct tpc_t *t, struct tpc_sock *s, void *buf,
		      size_t len, int timeout_ms);

/* Time as the backend's producer sees it (virtual on sim). */
int tpc_sleep_ms(struct tpc_t *t, struct tpc_sock *s, int ms);
int64_t tpc_now_ms(struct tpc_t *t, struct tpc_sock *s);
int64_t tpc_now_ns(struct tpc_t *t, struct tpc_sock *s);

/* "needs frame injection: why (env)": the skip message for the caps in
 * miss that info's backend does not offer. */
void tpc_caps_why(const struct tpc_backend_info *info, unsigned int miss,
		  char *buf, size_t len);

/* Mark the case SKIP with a reason (a premise the machine broke). */
void tpc_skip(struct tpc_t *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
