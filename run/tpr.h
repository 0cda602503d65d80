/* SPDX-License-Identifier: MIT */
/*
 * The run layer (prefix tpr_): what `tpsim run` puts around an unmodified
 * capture program. A world (struct tpr_run) holds a tpsim_net with one
 * simulated device, the packet sockets the program opened on it, a
 * producer thread that plays pcap files (and hostile scenarios) into the
 * device, the oracle (--expect-out: what the ring published, written as a
 * correct consumer would), the consumer checker and the report.
 *
 * Everything here is usable without the interposer: tests create a world,
 * add ordinary tpsim sockets to its net, bind them to its device and read
 * their rings.
 *
 * Conventions as libtpsim's: 0 or a positive value on success, a negative
 * errno on failure, no output unless a function says so, no exit().
 * Threads: "any" means any thread of the process; the producer thread is
 * private to struct tpr_run.
 */
#ifndef TPR_H
#define TPR_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "tpsim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The environment variable that carries the configuration from `tpsim run`
 * to the interposer in the program's process. */
#define TPR_CONFIG_ENV "TPSIM_RUN_CONFIG"

#define TPR_MAX_PCAPS 16
#define TPR_MAX_SCENARIOS 16

/* How the producer plays the input (--pace). */
enum tpr_pace {
	/* waits for ring room, never drops: a functional test [default] */
	TPR_PACE_LOSSLESS = 0,
	/* the capture's own gaps, on the producer's virtual clock */
	TPR_PACE_CAPTURE,
	/* rate packets per second; a full ring drops, as the kernel does */
	TPR_PACE_RATE,
};

/* What the producer does once the input is played (--end). */
enum tpr_end {
	TPR_END_SIGNAL = 0,	/* raise end_signal in the process [SIGINT] */
	TPR_END_DOWN,		/* take the interface down (ENETDOWN) */
	TPR_END_NONE,		/* nothing: the program ends by itself */
};

/* Every `tpsim run` option before "--". Strings are owned (freed by
 * tpr_config_free); paths are absolute after tpr_config_to_env. */
struct tpr_config {
	char *pcap[TPR_MAX_PCAPS];	/* --pcap, played in order */
	unsigned int npcap;
	enum tpr_pace pace;
	uint64_t rate;			/* --pace rate=N: packets/s */
	uint32_t loop;			/* --loop N: play the input N times
					 * [1]; 0 = forever */
	char *scenario[TPR_MAX_SCENARIOS];	/* --scenario A,B */
	unsigned int nscenario;
	uint64_t seed;			/* --seed N [1] */
	char *report;			/* --report FILE.json */
	char *expect_out;		/* --expect-out FILE.pcap */
	uint32_t snaplen;		/* --snaplen N: the program's snapshot
					 * (tcpdump -s), which libpcap cuts to
					 * after the ring [262144] */
	char *wire_out;			/* --wire-out FILE.pcap */
	char *profile;			/* --profile NAME ["linux"] */
	char ifname[IFNAMSIZ];		/* --ifname ["tpsim0"] */
	int ifindex;			/* --ifindex [1000] */
	uint8_t mac[6];			/* --mac [02:00:00:00:00:01] */
	unsigned int mtu;		/* --mtu [1500] */
	unsigned int speed;		/* --speed Mb/s [10000] */
	enum tpr_end end;
	int end_signal;			/* --end signal=NAME [SIGINT] */
	bool list_scenarios;		/* --list-scenarios */
	bool help;			/* --help */
};

/*
 * Parse argv[0..argc) (argv[0] is the first option, not a program name)
 * up to and excluding "--" or the first word that is not an option.
 * Options: --pcap F (repeatable), --pace capture|rate=N|lossless,
 * --loop N, --scenario A[,B...] (repeatable; names checked against the
 * scenario table), --seed N, --report F, --expect-out F, --snaplen N,
 * --wire-out F,
 * --profile NAME, --ifname NAME, --ifindex N, --mac XX:XX:XX:XX:XX:XX,
 * --mtu N, --speed N, --end signal[=NAME|NUM]|down|none,
 * --list-scenarios, --help. Returns the index of the first word not
 * parsed (of "--" itself when present) and *out (free it), or -EINVAL
 * with one line in err naming the option and what is wrong with it,
 * -ENOMEM. Any thread.
 */
int tpr_config_parse_args(int argc, char **argv, struct tpr_config **out,
			  char *err, size_t errlen);
/* The usage text of the options above. */
extern const char tpr_config_usage[];
/* setenv(TPR_CONFIG_ENV) to c as options, relative paths made absolute
 * (the program may chdir). -EINVAL for a path holding the separator
 * byte 0x1f, -ENOMEM. Any thread, before fork/exec. */
int tpr_config_to_env(const struct tpr_config *c);
/* The configuration in the environment: 0 and *out, -ENOENT when
 * TPR_CONFIG_ENV is unset (not under tpsim run), -EINVAL when it does
 * not parse, -ENOMEM. Any thread. */
int tpr_config_from_env(struct tpr_config **out);
void tpr_config_free(struct tpr_config *c);	/* safe on NULL */

/* The simulated interface, for ioctl(SIOCGIF*), getifaddrs, ethtool. */
struct tpr_ifinfo {
	char name[IFNAMSIZ];
	int ifindex;
	uint8_t mac[6];
	unsigned int mtu;
	unsigned int speed;	/* Mb/s */
	bool up;		/* IFF_UP and IFF_RUNNING */
};

struct tpr_run;

/*
 * The world for configuration c (copied): a net, the device, the input
 * files opened (a bad file is -EINVAL here, with the reason in
 * tpr_run_error), and the producer thread, which waits for
 * tpr_run_consumer_ready. Returns 0 and *out, -EINVAL, -ENOMEM. Any
 * thread; the interposer calls it at the first AF_PACKET socket.
 */
int tpr_run_create(const struct tpr_config *c, struct tpr_run **out);
/* Text of the last failure of tpr_run_create / tpr_run_finish ("" if
 * none); with r NULL, of the last tpr_run_create in this thread. */
const char *tpr_run_error(const struct tpr_run *r);
struct tpsim_net *tpr_run_net(struct tpr_run *r);
struct tpsim_dev *tpr_run_dev(struct tpr_run *r);
/* Options for tpsim_create of a socket of this world: its clock (the
 * producer's virtual clock), profile, device address and MTU. Only the
 * producer moves that clock: wait on tpsim_poll_fd() (after
 * tpsim_poll_sync), never tpsim_poll() with a timeout, which would move
 * it (and could make a lossless run drop). */
void tpr_run_sock_opts(struct tpr_run *r, struct tpsim_create_opts *o);
/* The device now (up changes with --end down and the link scenario). */
int tpr_run_ifinfo(struct tpr_run *r, struct tpr_ifinfo *out);
/* After tpsim_net_add_sock(tpr_run_net(r), s): the producer, oracle and
 * checker follow s from now on. Any thread. */
void tpr_run_sock_added(struct tpr_run *r, struct tpsim_sock *s);
/* Before tpsim_close(s): its counts go to the report; the checker looks
 * at its ring one last time (frames never returned). Any thread. */
void tpr_run_sock_closing(struct tpr_run *r, struct tpsim_sock *s);
/* The program waits for packets (first poll/recv/select on a bound
 * socket): the producer may start. Idempotent. Any thread. */
void tpr_run_consumer_ready(struct tpr_run *r);
/* The program read PACKET_STATISTICS on s: val/len as getsockopt gave
 * them (struct tpacket_stats or tpacket_stats_v3); the report keeps the
 * sum of what it read (each read resets the counters). Any thread. */
void tpr_run_stats_read(struct tpr_run *r, struct tpsim_sock *s,
			const void *val, socklen_t len);
/* A call on s failed the way a program misusing the socket makes it
 * fail (mmap of the wrong length, ring options after mmap, ...): the
 * checker records it (rule C5) with tpsim_strerror_detail(s). err is the
 * negative errno. Any thread. */
void tpr_run_misuse(struct tpr_run *r, struct tpsim_sock *s,
		    const char *call, int err);
/* A frame the program sent without a TX ring (send, sendto, write on a
 * packet socket, which libtpsim does not carry): it goes to --wire-out
 * as the frames of TX rings do. Any thread. */
void tpr_run_wire_sent(struct tpr_run *r, const void *data, uint32_t len);
/*
 * Stop the producer (if still playing), run the checker's last pass and
 * write --report, --expect-out and --wire-out. Returns 0, or the first
 * negative errno of writing them (text in tpr_run_error). Idempotent.
 * Any thread but the producer's; the interposer calls it at exit and
 * before exec.
 */
int tpr_run_finish(struct tpr_run *r);
/* tpr_run_finish, then free everything (sockets stay the caller's). Safe
 * on NULL. */
void tpr_run_destroy(struct tpr_run *r);

/* One hostile scenario (run/scenario_*.c): name, the public report that
 * motivates it, and one line of what it does. */
struct tpr_scenario_info {
	const char *name;
	const char *motivation;
	const char *summary;
};
/* Scenarios in order, NULL past the end. */
const struct tpr_scenario_info *tpr_scenario_at(size_t i);
/* `tpsim run --list-scenarios`: one scenario a line. */
void tpr_scenario_list(FILE *to);

/* `tpsim run` (the parent) prints this after the child exits: per
 * socket offered / delivered / dropped / filtered / ignored, what the
 * program read from PACKET_STATISTICS, and the checker's findings.
 * -errno when the report cannot be read or parsed. */
int tpr_report_print_summary(const char *report_json_path, FILE *to);

#ifdef __cplusplus
}
#endif
#endif
