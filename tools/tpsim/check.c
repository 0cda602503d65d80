// SPDX-License-Identifier: MIT
/*
 * `tpsim check`: is this ring request valid, which rule does it break,
 * and what is the nearest request that is? One request from options, or
 * one a line with --batch; --kernel asks the running kernel too.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
"Usage: tpsim check [OPTION]...\n"
"       tpsim check --batch [--json] [--kernel] < REQUESTS\n"
"Validate one PACKET_RX_RING / PACKET_TX_RING request the way the kernel's\n"
"packet_set_ring() does, without root: print ok, or the errno and the rule\n"
"it breaks (rules as in conformance/rules.tsv), and the nearest valid\n"
"request.\n"
"\n"
"Request:\n"
"  --version 1|2|3        TPACKET version (default 1)\n"
"  --ring rx|tx           which ring (default rx)\n"
"  --block-size N         tp_block_size     --block-nr N   tp_block_nr\n"
"  --frame-size N         tp_frame_size     --frame-nr N   tp_frame_nr\n"
"  --retire-tov MS        V3 tp_retire_blk_tov\n"
"  --sizeof-priv N        V3 tp_sizeof_priv\n"
"  --feature-req-word N   V3 tp_feature_req_word\n"
"  --reserve N            PACKET_RESERVE set before the ring\n"
"  --profile NAME         kernel profile: linux (default), linux-6.1,\n"
"                         linux-6.12, linux-2.6\n"
"Numbers are decimal or 0x hex and must fit 32 bits.\n"
"\n"
"Output:\n"
"  --json                 one JSON object a request: result (\"ok\" or the\n"
"                         errno name), errno, rule, message, nearest\n"
"  --batch                read requests from stdin, one a line, as key=value\n"
"                         words: version ring block_size block_nr\n"
"                         frame_size frame_nr retire_tov sizeof_priv\n"
"                         feature_req_word reserve (missing: version=1,\n"
"                         ring=rx, 0); '#' starts a comment line\n"
"  --kernel               also ask the running kernel (packet socket in a\n"
"                         private network namespace) and say whether the\n"
"                         simulator agrees\n"
"  -h, --help             this text\n"
"\n"
"Exit status: 0 every request valid (and agreed), 1 a request invalid or a\n"
"disagreement with the kernel (with --batch: a disagreement only), 2 bad\n"
"input.\n"
"\n"
"Example:\n"
"  tpsim check --version 2 --block-size 4096 --block-nr 4 \\\n"
"              --frame-size 100 --frame-nr 160\n"
"  EINVAL (G8): tp_frame_size 100 is not a multiple of 16\n"
"    nearest valid: --version 2 --ring rx --block-size 4096 --block-nr 4\n"
"                   --frame-size 112 --frame-nr 144\n";

static uint32_t hdrlen(int version)
{
	return version == TPACKET_V3 ? 68 : 52;
}

static uint32_t align_up(uint64_t v, uint32_t a)
{
	uint64_t r = (v + a - 1) / a * a;

	return r > UINT32_MAX ? UINT32_MAX / a * a : (uint32_t)r;
}

static void fix_frame_nr(struct cli_req *r)
{
	uint64_t fpb = r->frame_size ? r->block_size / r->frame_size : 0;
	uint64_t n = fpb * r->block_nr;

	r->frame_nr = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* One step toward validity for the rule broken; false: no idea. */
static bool fix(struct cli_req *r, const struct cli_verdict *v,
		const struct tpsim_profile *p)
{
	uint32_t page = p->page_size, fpb;

	if (!strcmp(v->rule, "O1") || !strcmp(v->rule, "O2")) {
		if (r->version == TPACKET_V1)
			return false;
		r->version = TPACKET_V1;	/* the only one there */
		r->reserve = 0;
		return true;
	}
	if (!strcmp(v->rule, "G2")) {
		r->frame_nr = 0;
		return true;
	}
	if (!strcmp(v->rule, "G4")) {
		r->block_size = r->block_size ? 0x80000000u - page : page;
		fix_frame_nr(r);
		return true;
	}
	if (!strcmp(v->rule, "G5")) {
		r->block_size = align_up(r->block_size, page);
		fix_frame_nr(r);
		return true;
	}
	if (!strcmp(v->rule, "G6")) {
		uint64_t need = 48 + (((uint64_t)r->sizeof_priv + 7) & ~7ull) +
				hdrlen(r->version) + r->reserve;

		if (need < 0x80000000u) {
			r->block_size = align_up(need, page);
		} else {
			r->sizeof_priv = 0;
		}
		fix_frame_nr(r);
		return true;
	}
	if (!strcmp(v->rule, "G7")) {
		r->frame_size = align_up(hdrlen(r->version) +
					 (p->reserve_in_min_frame ? r->reserve
								  : 0),
					 16);
		if (r->frame_size > r->block_size)
			r->block_size = align_up(r->frame_size, page);
		fix_frame_nr(r);
		return true;
	}
	if (!strcmp(v->rule, "G8")) {
		r->frame_size = align_up(r->frame_size, 16);
		fix_frame_nr(r);
		return true;
	}
	if (!strcmp(v->rule, "G9")) {
		r->block_size = align_up(r->frame_size, page);
		fix_frame_nr(r);
		return true;
	}
	if (!strcmp(v->rule, "G10")) {
		fpb = r->block_size / r->frame_size;
		r->block_nr = UINT32_MAX / fpb;
		fix_frame_nr(r);
		return true;
	}
	if (!strcmp(v->rule, "G11")) {
		fix_frame_nr(r);
		return true;
	}
	if (!strcmp(v->rule, "G12")) {
		if (p->max_block_size && r->block_size > p->max_block_size)
			r->block_size = (uint32_t)p->max_block_size;
		else if (r->block_nr > 1)
			r->block_nr /= 2;	/* halve until it fits */
		else
			return false;
		fix_frame_nr(r);
		return true;
	}
	if (!strcmp(v->rule, "G13")) {
		r->retire_tov = r->sizeof_priv = r->feature_req_word = 0;
		return true;
	}
	return false;
}

static bool nearest(const struct cli_req *in, struct cli_req *out)
{
	const struct tpsim_profile *p = tpsim_profile_find(in->profile);
	struct cli_verdict v;

	*out = *in;
	for (int i = 0; i < 64; i++) {
		if (cli_check_sim(out, &v) == 0)
			return true;
		if (!fix(out, &v, p))
			return false;
	}
	return false;
}

static void print_req_args(FILE *f, const struct cli_req *r)
{
	fprintf(f, "--version %d --ring %s --block-size %u --block-nr %u "
		   "--frame-size %u --frame-nr %u", r->version + 1,
		r->tx ? "tx" : "rx", r->block_size, r->block_nr, r->frame_size,
		r->frame_nr);
	if (r->version == TPACKET_V3 &&
	    (r->retire_tov || r->sizeof_priv || r->feature_req_word))
		fprintf(f, " --retire-tov %u --sizeof-priv %u "
			   "--feature-req-word %u", r->retire_tov,
			r->sizeof_priv, r->feature_req_word);
	if (r->reserve)
		fprintf(f, " --reserve %u", r->reserve);
}

static void print_req_json(FILE *f, const struct cli_req *r)
{
	fprintf(f, "{\"version\":%d,\"ring\":\"%s\",\"block_size\":%u,"
		   "\"block_nr\":%u,\"frame_size\":%u,\"frame_nr\":%u,"
		   "\"retire_tov\":%u,\"sizeof_priv\":%u,"
		   "\"feature_req_word\":%u,\"reserve\":%u}",
		r->version + 1, r->tx ? "tx" : "rx", r->block_size, r->block_nr,
		r->frame_size, r->frame_nr, r->retire_tov, r->sizeof_priv,
		r->feature_req_word, r->reserve);
}

struct check_opts {
	bool json, batch, kernel;
};

/* Answer one request; returns 0 valid (and agreed), 1 otherwise. */
static int answer(const struct check_opts *o, const struct cli_req *r)
{
	struct cli_verdict v, k;
	struct cli_req near;
	bool have_near = false, agree = true;

	cli_check_sim(r, &v);
	if (v.err)
		have_near = nearest(r, &near);
	if (o->kernel) {
		cli_check_kernel(r, &k);
		agree = k.err == v.err;
	}
	if (o->json) {
		printf("{\"result\":\"%s\",\"errno\":%d,\"rule\":",
		       cli_errname(v.err), -v.err);
		cli_json_string(stdout, v.rule);
		printf(",\"message\":");
		cli_json_string(stdout, v.message);
		printf(",\"request\":");
		print_req_json(stdout, r);
		printf(",\"nearest\":");
		if (have_near)
			print_req_json(stdout, &near);
		else
			printf("null");
		if (o->kernel)
			printf(",\"kernel\":\"%s\",\"agree\":%s",
			       cli_errname(k.err), agree ? "true" : "false");
		printf("}\n");
	} else {
		if (!v.err && !r->block_nr)
			/* packet_set_ring looks at nothing else then */
			printf("ok (teardown: tp_block_nr 0, nothing else is "
			       "checked)");
		else if (!v.err)
			printf("ok");
		else if (v.rule[0])
			printf("%s (%s): %s", cli_errname(v.err), v.rule,
			       v.message);
		else
			printf("%s: %s", cli_errname(v.err), v.message);
		if (o->kernel)
			printf("%skernel: %s, %s", o->batch ? "; " : "\n  ",
			       cli_errname(k.err),
			       agree ? "agrees" : "DISAGREES");
		if (!o->batch && have_near) {
			printf("\n  nearest valid: ");
			print_req_args(stdout, &near);
		}
		printf("\n");
	}
	if (o->batch)
		return agree ? 0 : 1;
	return !v.err && agree ? 0 : 1;
}

static int batch(const struct check_opts *o, const char *profile, FILE *in)
{
	char line[1024];
	unsigned long lineno = 0;
	int rc = 0;

	while (fgets(line, sizeof(line), in)) {
		struct cli_req r;
		char *save = NULL, *w;

		lineno++;
		if (!strchr(line, '\n') && !feof(in)) {
			fprintf(stderr, "tpsim check: line %lu: longer than %zu "
					"bytes\n", lineno, sizeof(line) - 2);
			return EXIT_USAGE;
		}
		cli_req_init(&r);
		r.profile = profile;
		w = strtok_r(line, " \t\r\n", &save);
		if (!w || w[0] == '#')
			continue;
		for (; w; w = strtok_r(NULL, " \t\r\n", &save)) {
			char *eq = strchr(w, '=');
			char where[48];

			snprintf(where, sizeof(where), "check: line %lu",
				 lineno);
			if (!eq) {
				cli_usage_error(where, "'%s' is not key=value",
						w);
				return EXIT_USAGE;
			}
			*eq = '\0';
			if (!cli_req_set(where, &r, w, eq + 1))
				return EXIT_USAGE;
		}
		if (!cli_req_valid("check", &r))
			return EXIT_USAGE;
		rc |= answer(o, &r);
		fflush(stdout);
	}
	if (ferror(in)) {
		fprintf(stderr, "tpsim check: reading stdin failed\n");
		return EXIT_USAGE;
	}
	return rc;
}

int cli_check_batch(FILE *in, bool json, const char *profile)
{
	struct check_opts o = { .json = json, .batch = true };

	return batch(&o, profile, in);
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "version", required_argument, NULL, 'V' },
		{ "ring", required_argument, NULL, 'r' },
		{ "block-size", required_argument, NULL, 'b' },
		{ "block-nr", required_argument, NULL, 'B' },
		{ "frame-size", required_argument, NULL, 'f' },
		{ "frame-nr", required_argument, NULL, 'F' },
		{ "retire-tov", required_argument, NULL, 't' },
		{ "sizeof-priv", required_argument, NULL, 'p' },
		{ "feature-req-word", required_argument, NULL, 'w' },
		{ "reserve", required_argument, NULL, 'R' },
		{ "profile", required_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'j' },
		{ "batch", no_argument, NULL, 'n' },
		{ "kernel", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *keys[128] = {
		['V'] = "version", ['r'] = "ring", ['b'] = "block_size",
		['B'] = "block_nr", ['f'] = "frame_size", ['F'] = "frame_nr",
		['t'] = "retire_tov", ['p'] = "sizeof_priv",
		['w'] = "feature_req_word", ['R'] = "reserve",
	};
	struct check_opts o = { 0 };
	struct cli_req r;
	bool any_field = false;
	char why[160];
	int c;

	cli_req_init(&r);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'P':
			r.profile = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 'n':
			o.batch = true;
			break;
		case 'k':
			o.kernel = true;
			break;
		case ':':
			return cli_usage_error("check", "%s needs a value",
					       argv[optind - 1]);
		case '?':
			return cli_usage_error("check", "unknown option '%s'",
					       argv[optind - 1]);
		default:
			if (c < 0 || c >= 128 || !keys[c] ||
			    !cli_req_set("check", &r, keys[c], optarg))
				return EXIT_USAGE;
			any_field = true;
			break;
		}
	}
	if (optind < argc)
		return cli_usage_error("check", "unexpected argument '%s'",
				       argv[optind]);
	if (o.batch && any_field)
		return cli_usage_error("check", "--batch takes its requests "
						"from stdin, not options");
	if (!cli_req_valid("check", &r))
		return EXIT_USAGE;
	if (o.kernel && cli_kernel_open(why, sizeof(why))) {
		fprintf(stderr, "tpsim check: --kernel: %s\n", why);
		return EXIT_USAGE;
	}
	return o.batch ? batch(&o, r.profile, stdin) : answer(&o, &r);
}
