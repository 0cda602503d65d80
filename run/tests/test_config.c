// SPDX-License-Identifier: MIT
/* tpr_config_*: the options of `tpsim run`, and their trip through the
 * environment to the program's process. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t_run.h"
#include "tpr.h"

#define ARGV(...) (char *[]){ __VA_ARGS__, NULL }
#define ARGC(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(c, err, ...) \
	tpr_config_parse_args(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), &(c), \
			      err, sizeof(err))

START_TEST(defaults)
{
	struct tpr_config *c;
	char err[200];

	ck_assert_int_eq(PARSE(c, err, "--", "tcpdump"), 0);
	ck_assert_int_eq(c->pace, TPR_PACE_LOSSLESS);
	ck_assert_uint_eq(c->loop, 1);
	ck_assert_uint_eq(c->seed, 1);
	ck_assert_str_eq(c->ifname, "tpsim0");
	ck_assert_int_eq(c->ifindex, 1000);
	ck_assert_uint_eq(c->mtu, 1500);
	ck_assert_uint_eq(c->speed, 10000);
	ck_assert_int_eq(c->end, TPR_END_SIGNAL);
	ck_assert_int_eq(c->end_signal, SIGINT);
	ck_assert_uint_eq(c->mac[0], 0x02);
	ck_assert_uint_eq(c->mac[5], 0x01);
	ck_assert_uint_eq(c->npcap, 0);
	ck_assert_uint_eq(c->snaplen, 262144);
	ck_assert_ptr_null(c->report);
	tpr_config_free(c);
}
END_TEST

START_TEST(every_option)
{
	struct tpr_config *c;
	char err[200];
	int rc = PARSE(c, err, "--pcap", "a.pcap", "--pcap=b.pcapng",
		       "--pace", "rate=250", "--loop", "3", "--scenario",
		       "copy,link-flap", "--scenario=vlan-stacked", "--seed",
		       "0x10", "--report", "r.json", "--expect-out", "e.pcap",
		       "--wire-out", "w.pcap", "--profile", "linux-6.1",
		       "--ifname", "cap7", "--ifindex", "77", "--mac",
		       "0a:1b:2c:3d:4e:5f", "--mtu", "9000", "--speed", "100",
		       "--end", "signal=TERM", "--list-scenarios", "--",
		       "prog");

	ck_assert_msg(rc == 33, "rc %d, err '%s'", rc, err);
	ck_assert_uint_eq(c->npcap, 2);
	ck_assert_str_eq(c->pcap[1], "b.pcapng");
	ck_assert_int_eq(c->pace, TPR_PACE_RATE);
	ck_assert_uint_eq(c->rate, 250);
	ck_assert_uint_eq(c->loop, 3);
	ck_assert_uint_eq(c->nscenario, 3);
	ck_assert_str_eq(c->scenario[0], "copy");
	ck_assert_str_eq(c->scenario[1], "link-flap");
	ck_assert_str_eq(c->scenario[2], "vlan-stacked");
	ck_assert_uint_eq(c->seed, 16);
	ck_assert_str_eq(c->report, "r.json");
	ck_assert_str_eq(c->expect_out, "e.pcap");
	ck_assert_str_eq(c->wire_out, "w.pcap");
	ck_assert_str_eq(c->profile, "linux-6.1");
	ck_assert_str_eq(c->ifname, "cap7");
	ck_assert_int_eq(c->ifindex, 77);
	ck_assert_uint_eq(c->mac[0], 0x0a);
	ck_assert_uint_eq(c->mac[5], 0x5f);
	ck_assert_uint_eq(c->mtu, 9000);
	ck_assert_uint_eq(c->speed, 100);
	ck_assert_int_eq(c->end_signal, SIGTERM);
	ck_assert(c->list_scenarios);
	tpr_config_free(c);
}
END_TEST

/* each bad option: -EINVAL and a message naming the option */
static const struct {
	const char *opt, *val, *want;
} bad[] = {
	{ "--pace", "fast", "--pace 'fast'" },
	{ "--pace", "rate=0", "--pace 'rate=0'" },
	{ "--pace", "rate=-5", "--pace 'rate=-5'" },
	{ "--loop", "x", "--loop 'x'" },
	{ "--scenario", "nosuch", "unknown scenario 'nosuch'" },
	{ "--scenario", "copy,", "unknown scenario ''" },
	{ "--seed", "1y", "--seed '1y'" },
	{ "--profile", "linux-1.0", "--profile 'linux-1.0'" },
	{ "--ifname", "0123456789abcdef", "--ifname '0123456789abcdef'" },
	{ "--ifname", "a/b", "--ifname 'a/b'" },
	{ "--ifindex", "0", "--ifindex '0'" },
	{ "--mac", "02:00:00:00:00", "--mac '02:00:00:00:00'" },
	{ "--mac", "02:00:00:00:00:01:02", "--mac" },
	{ "--mtu", "67", "--mtu '67'" },
	{ "--mtu", "65536", "--mtu '65536'" },
	{ "--speed", "-1", "--speed '-1'" },
	{ "--end", "signal=NOPE", "--end 'signal=NOPE'" },
	{ "--end", "signal=0", "--end 'signal=0'" },
	{ "--end", "later", "--end 'later'" },
	{ "--snaplen", "0", "--snaplen '0'" },
	{ "--snaplen", "262145", "--snaplen '262145'" },
	{ "--frobnicate", "1", "unknown option '--frobnicate'" },
};

START_TEST(bad_option)
{
	struct tpr_config *c = NULL;
	char err[200];
	char *argv[] = { (char *)bad[_i].opt, (char *)bad[_i].val, NULL };

	ck_assert_int_eq(tpr_config_parse_args(2, argv, &c, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(err, bad[_i].want), "err '%s' lacks '%s'", err,
		      bad[_i].want);
}
END_TEST

START_TEST(missing_value)
{
	struct tpr_config *c = NULL;
	char err[200];

	ck_assert_int_eq(PARSE(c, err, "--report"), -EINVAL);
	ck_assert_str_eq(err, "--report needs a value");
}
END_TEST

START_TEST(end_forms)
{
	struct tpr_config *c;
	char err[200];

	ck_assert_int_eq(PARSE(c, err, "--end", "down"), 2);
	ck_assert_int_eq(c->end, TPR_END_DOWN);
	tpr_config_free(c);
	ck_assert_int_eq(PARSE(c, err, "--end", "none"), 2);
	ck_assert_int_eq(c->end, TPR_END_NONE);
	tpr_config_free(c);
	ck_assert_int_eq(PARSE(c, err, "--end", "signal=SIGUSR1"), 2);
	ck_assert_int_eq(c->end_signal, SIGUSR1);
	tpr_config_free(c);
	ck_assert_int_eq(PARSE(c, err, "--end", "signal=10"), 2);
	ck_assert_int_eq(c->end_signal, 10);
	tpr_config_free(c);
	ck_assert_int_eq(PARSE(c, err, "--end", "signal"), 2);
	ck_assert_int_eq(c->end_signal, SIGINT);
	tpr_config_free(c);
	/* the first word that is not an option ends the parse */
	ck_assert_int_eq(PARSE(c, err, "--pace", "capture", "tcpdump", "-n"),
			 2);
	ck_assert_int_eq(c->pace, TPR_PACE_CAPTURE);
	tpr_config_free(c);
}
END_TEST

START_TEST(env_round_trip)
{
	struct tpr_config *c, *d;
	char err[200], want[4200];
	char *cwd = getcwd(NULL, 0);

	unsetenv(TPR_CONFIG_ENV);
	ck_assert_int_eq(tpr_config_from_env(&d), -ENOENT);
	ck_assert_int_eq(PARSE(c, err, "--pcap", "in.pcap", "--pcap",
			       "/abs/b.pcap", "--pace", "rate=7", "--loop",
			       "0", "--scenario", "copy", "--seed", "99",
			       "--report", "r.json", "--ifname", "x0",
			       "--mac", "02:aa:bb:cc:dd:ee", "--end", "down",
			       "--profile", "linux-6.12", "--snaplen", "96"),
			 24);
	ck_assert_int_eq(tpr_config_to_env(c), 0);
	ck_assert_int_eq(tpr_config_from_env(&d), 0);
	snprintf(want, sizeof(want), "%s/in.pcap", cwd);
	ck_assert_str_eq(d->pcap[0], want);	/* the program may chdir */
	ck_assert_str_eq(d->pcap[1], "/abs/b.pcap");
	snprintf(want, sizeof(want), "%s/r.json", cwd);
	ck_assert_str_eq(d->report, want);
	ck_assert_int_eq(d->pace, TPR_PACE_RATE);
	ck_assert_uint_eq(d->rate, 7);
	ck_assert_uint_eq(d->loop, 0);
	ck_assert_uint_eq(d->nscenario, 1);
	ck_assert_str_eq(d->scenario[0], "copy");
	ck_assert_uint_eq(d->seed, 99);
	ck_assert_str_eq(d->ifname, "x0");
	ck_assert_uint_eq(d->mac[1], 0xaa);
	ck_assert_int_eq(d->end, TPR_END_DOWN);
	ck_assert_str_eq(d->profile, "linux-6.12");
	ck_assert_uint_eq(d->snaplen, 96);
	ck_assert_ptr_null(d->expect_out);
	tpr_config_free(d);
	/* signal numbers travel as numbers */
	c->end = TPR_END_SIGNAL;
	c->end_signal = SIGHUP;
	ck_assert_int_eq(tpr_config_to_env(c), 0);
	ck_assert_int_eq(tpr_config_from_env(&d), 0);
	ck_assert_int_eq(d->end_signal, SIGHUP);
	tpr_config_free(d);
	/* a path with the separator cannot travel */
	free(c->report);
	c->report = strdup("a\x1f" "b");
	ck_assert_int_eq(tpr_config_to_env(c), -EINVAL);
	tpr_config_free(c);
	/* a value that does not parse, or a stray word */
	setenv(TPR_CONFIG_ENV, "--pace\x1f" "slow", 1);
	ck_assert_int_eq(tpr_config_from_env(&d), -EINVAL);
	setenv(TPR_CONFIG_ENV, "--pace\x1f" "capture\x1f" "tcpdump", 1);
	ck_assert_int_eq(tpr_config_from_env(&d), -EINVAL);
	setenv(TPR_CONFIG_ENV, "", 1);
	ck_assert_int_eq(tpr_config_from_env(&d), 0);
	ck_assert_int_eq(d->pace, TPR_PACE_LOSSLESS);
	tpr_config_free(d);
	unsetenv(TPR_CONFIG_ENV);
	free(cwd);
}
END_TEST

START_TEST(scenario_table)
{
	const struct tpr_scenario_info *s;
	size_t n;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	for (n = 0; (s = tpr_scenario_at(n)); n++) {
		ck_assert(s->name && *s->name);
		ck_assert(s->motivation && *s->motivation);
		ck_assert(s->summary && *s->summary);
	}
	ck_assert_uint_eq(n, 10);
	tpr_scenario_list(f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "gopacket#251"));
	ck_assert_ptr_nonnull(strstr(text, "v3-empty-block "));
	free(text);
}
END_TEST

/* whatever the environment holds: a config or -EINVAL, never a crash
 * (the variable is the program's to change) */
START_TEST(env_garbage)
{
	static const char *const words[] = {
		"--pcap", "--pace", "rate=", "capture", "--loop", "--mac",
		"02:00", "--end", "signal=", "--scenario", "copy,", ",",
		"--ifname", "0123456789abcdefg", "--", "-", "=", "--seed=",
		"--mtu", "99999999999999999999", "\x1f", "",
	};
	struct tpr_config *c;
	char env[512];
	unsigned int seed = 7;
	int ok = 0, bad = 0;

	for (int i = 0; i < 5000; i++) {
		size_t n = 0;

		env[0] = '\0';
		for (int w = rand_r(&seed) % 8; w >= 0; w--) {
			const char *x = words[rand_r(&seed) %
					     (sizeof(words) / sizeof(words[0]))];

			n += (size_t)snprintf(env + n, sizeof(env) - n, "%s%s",
					      n ? "\x1f" : "", x);
		}
		setenv(TPR_CONFIG_ENV, env, 1);
		if (tpr_config_from_env(&c) == 0) {
			ok++;
			tpr_config_free(c);
		} else {
			bad++;
		}
	}
	unsetenv(TPR_CONFIG_ENV);
	ck_assert_int_gt(ok, 0);
	ck_assert_int_gt(bad, 0);
}
END_TEST

Suite *suite_run_config(void)
{
	Suite *s = suite_create("run_config");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, every_option);
	tcase_add_loop_test(tc, bad_option, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, missing_value);
	tcase_add_test(tc, end_forms);
	tcase_add_test(tc, env_round_trip);
	tcase_add_test(tc, scenario_table);
	tcase_add_test(tc, env_garbage);
	suite_add_tcase(s, tc);
	return s;
}
