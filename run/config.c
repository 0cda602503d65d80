// SPDX-License-Identifier: MIT
/*
 * `tpsim run` options: parsed once in the parent, carried to the program's
 * process in one environment variable (the options again, separated by
 * 0x1f) and parsed there by the same code, so both sides agree.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tpr.h"

#define SEP '\x1f'

const char tpr_config_usage[] =
"Input:\n"
"  --pcap FILE          a capture to play (pcap or pcapng, Ethernet);\n"
"                       repeatable, played in order\n"
"  --pace lossless      wait for ring room, never drop (default)\n"
"  --pace capture       the capture's own gaps between packets\n"
"  --pace rate=N        N packets per second; a full ring drops\n"
"  --loop N             play the input N times (0: until the end signal)\n"
"  --scenario A[,B]     hostile scenarios (--list-scenarios)\n"
"  --seed N             the scenarios' random seed (default 1)\n"
"Interface:\n"
"  --ifname NAME        (default tpsim0)   --ifindex N (default 1000)\n"
"  --mac XX:..:XX       (default 02:00:00:00:00:01)\n"
"  --mtu N              (default 1500)     --speed MBPS (default 10000)\n"
"  --profile NAME       kernel profile (default linux)\n"
"Output:\n"
"  --report FILE.json   counts per socket, PACKET_STATISTICS read, the\n"
"                       consumer checker's findings\n"
"  --expect-out FILE    what the ring published, as a correct consumer\n"
"                       writes it (pcap)\n"
"  --snaplen N          the program's snapshot (tcpdump -s; libpcap cuts\n"
"                       to it after the ring): --expect-out's cut and file\n"
"                       header (default 262144)\n"
"  --wire-out FILE      frames the program sent (pcap)\n"
"  --end signal[=SIG]   at the end of input (lossless: ring drained) raise\n"
"                       SIG in the program (default INT); down: take the\n"
"                       interface down; none: do nothing\n";

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return true;
}

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{ "INT", SIGINT }, { "TERM", SIGTERM }, { "HUP", SIGHUP },
	{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "QUIT", SIGQUIT },
	{ "ALRM", SIGALRM },
};

static int parse_end(struct tpr_config *c, const char *v)
{
	uint64_t n;

	if (!strcmp(v, "down")) {
		c->end = TPR_END_DOWN;
		return 0;
	}
	if (!strcmp(v, "none")) {
		c->end = TPR_END_NONE;
		return 0;
	}
	if (strcmp(v, "signal") && strncmp(v, "signal=", 7))
		return -EINVAL;
	c->end = TPR_END_SIGNAL;
	c->end_signal = SIGINT;
	if (!v[6])
		return 0;
	v += 7;
	if (!strncmp(v, "SIG", 3))
		v += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (!strcmp(v, signals[i].name)) {
			c->end_signal = signals[i].sig;
			return 0;
		}
	if (!parse_u64(v, 64, &n) || !n)
		return -EINVAL;
	c->end_signal = (int)n;
	return 0;
}

static bool scenario_known(const char *name, size_t len)
{
	const struct tpr_scenario_info *s;

	for (size_t i = 0; (s = tpr_scenario_at(i)); i++)
		if (strlen(s->name) == len && !strncmp(s->name, name, len))
			return true;
	return false;
}

static int add_scenarios(struct tpr_config *c, const char *list, char *err,
			 size_t errlen)
{
	const char *p = list;

	for (;;) {
		size_t len = strcspn(p, ",");

		if (!len || !scenario_known(p, len))
			return fail(err, errlen, "--scenario: unknown scenario "
				    "'%.*s' (see --list-scenarios)", (int)len,
				    p);
		if (c->nscenario == TPR_MAX_SCENARIOS)
			return fail(err, errlen, "--scenario: more than %d "
				    "scenarios", TPR_MAX_SCENARIOS);
		c->scenario[c->nscenario] = strndup(p, len);
		if (!c->scenario[c->nscenario])
			return -ENOMEM;
		c->nscenario++;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static int set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
	return *dst ? 0 : -ENOMEM;
}

static void defaults(struct tpr_config *c)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

	c->pace = TPR_PACE_LOSSLESS;
	c->loop = 1;
	c->seed = 1;
	c->snaplen = 262144;
	strcpy(c->ifname, "tpsim0");
	c->ifindex = 1000;
	memcpy(c->mac, mac, sizeof(mac));
	c->mtu = 1500;
	c->speed = 10000;
	c->end = TPR_END_SIGNAL;
	c->end_signal = SIGINT;
}

/* One option with its value v (NULL for a flag); 0 or -errno. */
static int option(struct tpr_config *c, const char *o, const char *v,
		  char *err, size_t errlen)
{
	uint64_t n;

	if (!strcmp(o, "--pcap")) {
		if (c->npcap == TPR_MAX_PCAPS)
			return fail(err, errlen, "--pcap: more than %d files",
				    TPR_MAX_PCAPS);
		c->pcap[c->npcap] = strdup(v);
		if (!c->pcap[c->npcap])
			return -ENOMEM;
		c->npcap++;
	} else if (!strcmp(o, "--pace")) {
		if (!strcmp(v, "lossless")) {
			c->pace = TPR_PACE_LOSSLESS;
		} else if (!strcmp(v, "capture")) {
			c->pace = TPR_PACE_CAPTURE;
		} else if (!strncmp(v, "rate=", 5) &&
			   parse_u64(v + 5, 1000000000, &n) && n) {
			c->pace = TPR_PACE_RATE;
			c->rate = n;
		} else {
			return fail(err, errlen, "--pace '%s': want lossless, "
				    "capture or rate=N (1 to 10^9 packets/s)",
				    v);
		}
	} else if (!strcmp(o, "--loop")) {
		if (!parse_u64(v, UINT32_MAX, &n))
			return fail(err, errlen, "--loop '%s': want a count "
				    "(0: forever)", v);
		c->loop = (uint32_t)n;
	} else if (!strcmp(o, "--scenario")) {
		return add_scenarios(c, v, err, errlen);
	} else if (!strcmp(o, "--seed")) {
		if (!parse_u64(v, UINT64_MAX, &c->seed))
			return fail(err, errlen, "--seed '%s': want a number",
				    v);
	} else if (!strcmp(o, "--report")) {
		return set_str(&c->report, v);
	} else if (!strcmp(o, "--expect-out")) {
		return set_str(&c->expect_out, v);
	} else if (!strcmp(o, "--snaplen")) {
		if (!parse_u64(v, 262144, &n) || !n)
			return fail(err, errlen, "--snaplen '%s': want 1 to "
				    "262144", v);
		c->snaplen = (uint32_t)n;
	} else if (!strcmp(o, "--wire-out")) {
		return set_str(&c->wire_out, v);
	} else if (!strcmp(o, "--profile")) {
		if (!tpsim_profile_find(v))
			return fail(err, errlen, "--profile '%s': no such "
				    "kernel profile", v);
		return set_str(&c->profile, v);
	} else if (!strcmp(o, "--ifname")) {
		if (!*v || strlen(v) >= IFNAMSIZ || strpbrk(v, "/: \t"))
			return fail(err, errlen, "--ifname '%s': want 1 to %d "
				    "bytes without '/', ':' or blanks", v,
				    IFNAMSIZ - 1);
		strcpy(c->ifname, v);
	} else if (!strcmp(o, "--ifindex")) {
		if (!parse_u64(v, INT_MAX, &n) || !n)
			return fail(err, errlen, "--ifindex '%s': want 1 to %d",
				    v, INT_MAX);
		c->ifindex = (int)n;
	} else if (!strcmp(o, "--mac")) {
		if (!parse_mac(v, c->mac))
			return fail(err, errlen, "--mac '%s': want six hex "
				    "bytes as 02:00:00:00:00:01", v);
	} else if (!strcmp(o, "--mtu")) {
		if (!parse_u64(v, 65535, &n) || n < 68)
			return fail(err, errlen, "--mtu '%s': want 68 to 65535",
				    v);
		c->mtu = (unsigned int)n;
	} else if (!strcmp(o, "--speed")) {
		if (!parse_u64(v, UINT32_MAX, &n))
			return fail(err, errlen, "--speed '%s': want Mb/s", v);
		c->speed = (unsigned int)n;
	} else if (!strcmp(o, "--end")) {
		if (parse_end(c, v))
			return fail(err, errlen, "--end '%s': want signal, "
				    "signal=NAME (INT, TERM, HUP, USR1, ...), "
				    "down or none", v);
	} else {
		return fail(err, errlen, "unknown option '%s'", o);
	}
	return 0;
}

static bool is_flag(const char *o)
{
	return !strcmp(o, "--list-scenarios") || !strcmp(o, "--help") ||
	       !strcmp(o, "-h");
}

int tpr_config_parse_args(int argc, char **argv, struct tpr_config **out,
			  char *err, size_t errlen)
{
	struct tpr_config *c;
	int i, rc = 0;

	if (err && errlen)
		*err = '\0';
	if (!out || argc < 0 || (argc && !argv))
		return fail(err, errlen, "no arguments");
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	defaults(c);
	for (i = 0; i < argc; i++) {
		const char *o = argv[i], *v;
		char name[32];
		const char *eq;

		if (!strcmp(o, "--") || strncmp(o, "-", 1))
			break;
		if (is_flag(o)) {
			if (!strcmp(o, "--list-scenarios"))
				c->list_scenarios = true;
			else
				c->help = true;
			continue;
		}
		/* --opt=value or --opt value */
		eq = strchr(o, '=');
		if (eq && (size_t)(eq - o) < sizeof(name)) {
			memcpy(name, o, (size_t)(eq - o));
			name[eq - o] = '\0';
			o = name;
			v = eq + 1;
		} else if (i + 1 < argc) {
			v = argv[++i];
		} else {
			rc = fail(err, errlen, "%s needs a value", o);
			break;
		}
		rc = option(c, o, v, err, errlen);
		if (rc)
			break;
	}
	if (rc) {
		if (rc == -ENOMEM)
			fail(err, errlen, "out of memory");
		tpr_config_free(c);
		return rc;
	}
	*out = c;
	return i;
}

void tpr_config_free(struct tpr_config *c)
{
	if (!c)
		return;
	for (unsigned int i = 0; i < c->npcap; i++)
		free(c->pcap[i]);
	for (unsigned int i = 0; i < c->nscenario; i++)
		free(c->scenario[i]);
	free(c->report);
	free(c->expect_out);
	free(c->wire_out);
	free(c->profile);
	free(c);
}

/* The growing environment value. */
struct buf {
	char *s;
	size_t len, cap;
	int err;
};

static void put(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->err)
		return;
	if (strchr(s, SEP)) {
		b->err = -EINVAL;
		return;
	}
	if (b->len + n + 2 > b->cap) {
		size_t cap = (b->len + n + 2) * 2;
		char *p = realloc(b->s, cap);

		if (!p) {
			b->err = -ENOMEM;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	if (b->len)
		b->s[b->len++] = SEP;
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

static void put_opt(struct buf *b, const char *o, const char *v)
{
	put(b, o);
	put(b, v);
}

/* A path as the program will find it after a chdir. */
static void put_path(struct buf *b, const char *o, const char *path)
{
	char cwd[PATH_MAX];
	char *abs;

	if (!path)
		return;
	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd))) {
		put_opt(b, o, path);
		return;
	}
	if (asprintf(&abs, "%s/%s", cwd, path) < 0) {
		b->err = b->err ? b->err : -ENOMEM;
		return;
	}
	put_opt(b, o, abs);
	free(abs);
}

int tpr_config_to_env(const struct tpr_config *c)
{
	struct buf b = { 0 };
	char n[64];
	int rc;

	if (!c)
		return -EINVAL;
	for (unsigned int i = 0; i < c->npcap; i++)
		put_path(&b, "--pcap", c->pcap[i]);
	if (c->pace == TPR_PACE_RATE) {
		snprintf(n, sizeof(n), "rate=%llu",
			 (unsigned long long)c->rate);
		put_opt(&b, "--pace", n);
	} else {
		put_opt(&b, "--pace", c->pace == TPR_PACE_CAPTURE
					      ? "capture" : "lossless");
	}
	snprintf(n, sizeof(n), "%u", c->loop);
	put_opt(&b, "--loop", n);
	for (unsigned int i = 0; i < c->nscenario; i++)
		put_opt(&b, "--scenario", c->scenario[i]);
	snprintf(n, sizeof(n), "%llu", (unsigned long long)c->seed);
	put_opt(&b, "--seed", n);
	put_path(&b, "--report", c->report);
	put_path(&b, "--expect-out", c->expect_out);
	snprintf(n, sizeof(n), "%u", c->snaplen);
	put_opt(&b, "--snaplen", n);
	put_path(&b, "--wire-out", c->wire_out);
	if (c->profile)
		put_opt(&b, "--profile", c->profile);
	put_opt(&b, "--ifname", c->ifname);
	snprintf(n, sizeof(n), "%d", c->ifindex);
	put_opt(&b, "--ifindex", n);
	snprintf(n, sizeof(n), "%02x:%02x:%02x:%02x:%02x:%02x", c->mac[0],
		 c->mac[1], c->mac[2], c->mac[3], c->mac[4], c->mac[5]);
	put_opt(&b, "--mac", n);
	snprintf(n, sizeof(n), "%u", c->mtu);
	put_opt(&b, "--mtu", n);
	snprintf(n, sizeof(n), "%u", c->speed);
	put_opt(&b, "--speed", n);
	if (c->end == TPR_END_SIGNAL)
		snprintf(n, sizeof(n), "signal=%d", c->end_signal);
	put_opt(&b, "--end", c->end == TPR_END_SIGNAL ? n
			     : c->end == TPR_END_DOWN ? "down" : "none");
	rc = b.err;
	if (!rc && setenv(TPR_CONFIG_ENV, b.s, 1))
		rc = -errno;
	free(b.s);
	return rc;
}

int tpr_config_from_env(struct tpr_config **out)
{
	const char *env = getenv(TPR_CONFIG_ENV);
	char *copy, *p, **argv;
	int argc = 1, rc;

	if (!out)
		return -EINVAL;
	if (!env)
		return -ENOENT;
	for (const char *q = env; *q; q++)
		argc += *q == SEP;
	copy = strdup(env);
	argv = calloc((size_t)argc + 1, sizeof(*argv));
	if (!copy || !argv) {
		free(copy);
		free(argv);
		return -ENOMEM;
	}
	argc = 0;
	for (p = copy; p; ) {
		argv[argc++] = p;
		p = strchr(p, SEP);
		if (p)
			*p++ = '\0';
	}
	if (argc == 1 && !*argv[0])
		argc = 0;
	rc = tpr_config_parse_args(argc, argv, out, NULL, 0);
	if (rc >= 0 && rc != argc) {	/* all of it is options */
		tpr_config_free(*out);
		*out = NULL;
		rc = -EINVAL;
	}
	free(argv);
	free(copy);
	return rc < 0 ? rc : 0;
}
