// SPDX-License-Identifier: MIT
/* The tpsim command's shared pieces: numbers, requests, errno names. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tpsim%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	/* "check: line 3" is where; the help is the command's */
	fprintf(stderr, " (try 'tpsim%s%.*s --help')\n", cmd ? " " : "",
		cmd ? (int)strcspn(cmd, ":") : 0, cmd ? cmd : "");
	return EXIT_USAGE;
}

bool cli_u64(const char *cmd, const char *opt, const char *text,
	     uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!text || !*text || *text == '-' || *text == '+' || *text == ' ') {
		cli_usage_error(cmd, "%s: '%s' is not a number", opt,
				text ? text : "");
		return false;
	}
	errno = 0;
	v = strtoull(text, &end, 0);
	if (*end) {
		cli_usage_error(cmd, "%s: '%s' is not a number", opt, text);
		return false;
	}
	if (errno == ERANGE) {
		cli_usage_error(cmd, "%s: %s is out of range", opt, text);
		return false;
	}
	*out = v;
	return true;
}

bool cli_u32(const char *cmd, const char *opt, const char *text,
	     uint32_t *out)
{
	uint64_t v;

	if (!cli_u64(cmd, opt, text, &v))
		return false;
	if (v > UINT32_MAX) {
		cli_usage_error(cmd, "%s: %s does not fit 32 bits (the kernel's "
				     "field is a u32)", opt, text);
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

void cli_req_init(struct cli_req *r)
{
	memset(r, 0, sizeof(*r));
	r->version = TPACKET_V1;
	r->profile = "linux";
}

bool cli_req_set(const char *cmd, struct cli_req *r, const char *key,
		 const char *val)
{
	static const struct {
		const char *key;
		size_t off;
	} fields[] = {
		{ "block_size", offsetof(struct cli_req, block_size) },
		{ "block_nr", offsetof(struct cli_req, block_nr) },
		{ "frame_size", offsetof(struct cli_req, frame_size) },
		{ "frame_nr", offsetof(struct cli_req, frame_nr) },
		{ "retire_tov", offsetof(struct cli_req, retire_tov) },
		{ "sizeof_priv", offsetof(struct cli_req, sizeof_priv) },
		{ "feature_req_word",
		  offsetof(struct cli_req, feature_req_word) },
		{ "reserve", offsetof(struct cli_req, reserve) },
	};
	uint32_t v;

	if (!strcmp(key, "version")) {
		if (!cli_u32(cmd, "version", val, &v))
			return false;
		if (v < 1 || v > 3) {
			cli_usage_error(cmd, "version: %s is not 1, 2 or 3",
					val);
			return false;
		}
		r->version = (int)v - 1;
		return true;
	}
	if (!strcmp(key, "ring")) {
		if (strcmp(val, "rx") && strcmp(val, "tx")) {
			cli_usage_error(cmd, "ring: '%s' is not rx or tx", val);
			return false;
		}
		r->tx = !strcmp(val, "tx");
		return true;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (strcmp(key, fields[i].key))
			continue;
		if (!cli_u32(cmd, key, val, &v))
			return false;
		memcpy((char *)r + fields[i].off, &v, sizeof(v));
		return true;
	}
	cli_usage_error(cmd, "unknown key '%s'", key);
	return false;
}

bool cli_req_valid(const char *cmd, const struct cli_req *r)
{
	const struct tpsim_profile *p = tpsim_profile_find(r->profile);

	if (!p) {
		cli_usage_error(cmd, "--profile: no profile '%s' (linux, "
				     "linux-6.1, linux-6.12, linux-2.6)",
				r->profile);
		return false;
	}
	if (r->reserve > INT32_MAX) {
		cli_usage_error(cmd, "--reserve: %u is above INT_MAX (O3)",
				r->reserve);
		return false;
	}
	return true;
}

const char *cli_errname(int err)
{
	switch (err) {
	case 0: return "ok";
	case -EINVAL: return "EINVAL";
	case -EBUSY: return "EBUSY";
	case -ENOMEM: return "ENOMEM";
	case -ENOPROTOOPT: return "ENOPROTOOPT";
	case -EPERM: return "EPERM";
	case -EFAULT: return "EFAULT";
	case -EOPNOTSUPP: return "EOPNOTSUPP";
	default: return "EUNKNOWN";
	}
}

void cli_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Ask the simulator: a socket of the profile, the options, the ring. */
int cli_check_sim(const struct cli_req *r, struct cli_verdict *v)
{
	/* the kernel's allocation fails where memory ends: this machine's */
	struct tpsim_create_opts o = {
		.sz = sizeof(o), .profile = r->profile,
		.clock = TPSIM_CLOCK_VIRTUAL,
		.mem_limit = (uint64_t)sysconf(_SC_PHYS_PAGES) *
			     (uint64_t)sysconf(_SC_PAGESIZE),
	};
	struct tpacket_req3 q = { .tp_block_size = r->block_size,
				  .tp_block_nr = r->block_nr,
				  .tp_frame_size = r->frame_size,
				  .tp_frame_nr = r->frame_nr,
				  .tp_retire_blk_tov = r->retire_tov,
				  .tp_sizeof_priv = r->sizeof_priv,
				  .tp_feature_req_word = r->feature_req_word };
	struct tpsim_sock *s;
	int val, err;
	const char *d, *colon;

	memset(v, 0, sizeof(*v));
	err = tpsim_create(&o, &s);
	if (err) {
		v->err = err;
		snprintf(v->message, sizeof(v->message), "cannot create a "
			 "simulated socket: %s", strerror(-err));
		return err;
	}
	err = 0;
	if (r->version != TPACKET_V1) {
		val = r->version;
		err = tpsim_setsockopt(s, SOL_PACKET, PACKET_VERSION, &val,
				       sizeof(val));
	}
	if (!err && r->reserve) {
		val = (int)r->reserve;
		err = tpsim_setsockopt(s, SOL_PACKET, PACKET_RESERVE, &val,
				       sizeof(val));
	}
	if (!err)
		err = tpsim_setsockopt(s, SOL_PACKET,
				       r->tx ? PACKET_TX_RING : PACKET_RX_RING,
				       &q, r->version == TPACKET_V3
						   ? sizeof(q)
						   : sizeof(struct tpacket_req));
	v->err = err;
	d = tpsim_strerror_detail(s);
	colon = strchr(d, ':');
	if (err && colon && colon - d < (long)sizeof(v->rule) &&
	    (d[0] == 'G' || d[0] == 'O')) {
		memcpy(v->rule, d, (size_t)(colon - d));
		v->rule[colon - d] = '\0';
		snprintf(v->message, sizeof(v->message), "%s", colon + 2);
	} else if (err) {
		snprintf(v->message, sizeof(v->message), "%s",
			 *d ? d : strerror(-err));
	}
	tpsim_close(s);
	return err;
}
