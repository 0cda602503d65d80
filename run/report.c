// SPDX-License-Identifier: MIT
/*
 * --report FILE.json (json-c) and the human summary `tpsim run` prints
 * from it: per socket the frames offered to the device while it was open
 * and what became of them (offered = delivered + dropped + filtered +
 * ignored + link_down; ignored: not for it, by protocol or fanout), the
 * PACKET_STATISTICS the program read (summed over its reads), then the
 * consumer checker's findings.
 */
#include <errno.h>
#include <json.h>
#include <string.h>

#include "internal.h"

static void add_u64(json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

static const char *pace_name(const struct tpr_config *c)
{
	return c->pace == TPR_PACE_CAPTURE ? "capture"
	       : c->pace == TPR_PACE_RATE  ? "rate"
					   : "lossless";
}

static json_object *sock_json(const struct tpr_sockent *e)
{
	json_object *o = json_object_new_object(), *st;
	uint64_t accounted = e->delivered + e->dropped + e->filtered +
			     e->link_down;

	json_object_object_add(o, "socket", json_object_new_int(e->id));
	add_u64(o, "offered", e->offered);
	add_u64(o, "delivered", e->delivered);
	add_u64(o, "dropped", e->dropped);
	add_u64(o, "filtered", e->filtered);
	add_u64(o, "ignored", e->offered > accounted ? e->offered - accounted
						     : 0);
	add_u64(o, "link_down", e->link_down);
	st = json_object_new_object();
	add_u64(st, "reads", e->stats_reads);
	add_u64(st, "tp_packets", e->st_packets);
	add_u64(st, "tp_drops", e->st_drops);
	add_u64(st, "tp_freeze_q_cnt", e->st_freeze);
	json_object_object_add(o, "packet_statistics_read", st);
	if (e->v.ring_bytes) {	/* the last RX ring the checker saw */
		json_object *ring = json_object_new_object();

		add_u64(ring, "version", e->v.version + 1);	/* V1 is 0 */
		add_u64(ring, "block_size", e->v.block_size);
		add_u64(ring, "block_nr", e->v.block_nr);
		add_u64(ring, "frame_size", e->v.frame_size);
		add_u64(ring, "frame_nr", e->v.frame_nr);
		json_object_object_add(o, "ring", ring);
	}
	return o;
}

static json_object *finding_json(const struct tpr_finding *f)
{
	json_object *o = json_object_new_object();
	char at[40];

	snprintf(at, sizeof(at), "%lld.%09ld", (long long)f->at.tv_sec,
		 f->at.tv_nsec);
	json_object_object_add(o, "rule", json_object_new_string(f->rule));
	json_object_object_add(o, "socket", json_object_new_int(f->sock));
	json_object_object_add(o, "frame", json_object_new_int64(f->frame));
	json_object_object_add(o, "time", json_object_new_string(at));
	json_object_object_add(o, "level", json_object_new_string(
						   f->note ? "note" : "error"));
	json_object_object_add(o, "text", json_object_new_string(f->text));
	return o;
}

int tpr__report_write(struct tpr_run *r, const char *path)
{
	json_object *root = json_object_new_object(), *a;
	int err = 0;

	if (!root)
		return -ENOMEM;
	json_object_object_add(root, "interface",
			       json_object_new_string(r->cfg->ifname));
	json_object_object_add(root, "pace",
			       json_object_new_string(pace_name(r->cfg)));
	add_u64(root, "seed", r->cfg->seed);
	a = json_object_new_array();
	for (unsigned int i = 0; i < r->cfg->nscenario; i++)
		json_object_array_add(a, json_object_new_string(
						 r->cfg->scenario[i]));
	json_object_object_add(root, "scenarios", a);
	add_u64(root, "offered", r->offered);
	add_u64(root, "lost_link_down", r->link_down_lost);
	add_u64(root, "expect_out_packets", r->expect_written);
	add_u64(root, "wire_packets", r->wire_written);
	add_u64(root, "skipped_ms", (uint64_t)(r->skipped_ns / 1000000));
	json_object_object_add(root, "input_done",
			       json_object_new_boolean(r->input_done));
	json_object_object_add(root, "drained",
			       json_object_new_boolean(r->drained));
	a = json_object_new_array();
	for (int i = 0; i < r->nsocks; i++)
		json_object_array_add(a, sock_json(&r->socks[i]));
	json_object_object_add(root, "sockets", a);
	a = json_object_new_array();
	for (unsigned int i = 0; i < r->nfindings; i++)
		json_object_array_add(a, finding_json(&r->findings[i]));
	json_object_object_add(root, "findings", a);
	add_u64(root, "findings_lost", r->findings_lost);
	if (json_object_to_file_ext(path, root, JSON_C_TO_STRING_PRETTY |
						     JSON_C_TO_STRING_NOSLASHESCAPE)) {
		err = -EIO;
		snprintf(r->err, sizeof(r->err), "--report %s: %s", path,
			 json_util_get_last_err());
	}
	json_object_put(root);
	return err;
}

static uint64_t get_u64(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_uint64(v)
						   : 0;
}

static const char *get_str(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v)
						   : "";
}

int tpr_report_print_summary(const char *path, FILE *to)
{
	json_object *root, *socks, *finds, *st;
	size_t n;

	if (!path || !to)
		return -EINVAL;
	root = json_object_from_file(path);
	if (!root || !json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return -EINVAL;
	}
	fprintf(to, "tpsim run: %s, pace %s: %llu packets offered%s\n",
		get_str(root, "interface"), get_str(root, "pace"),
		(unsigned long long)get_u64(root, "offered"),
		get_u64(root, "lost_link_down") ? " (some while the link was "
						  "down)" : "");
	if (json_object_object_get_ex(root, "sockets", &socks) &&
	    json_object_is_type(socks, json_type_array)) {
		n = json_object_array_length(socks);
		for (size_t i = 0; i < n; i++) {
			json_object *s = json_object_array_get_idx(socks, i);

			fprintf(to, "  socket %llu: offered %llu, delivered %llu, "
				"dropped %llu, filtered %llu, ignored %llu",
				(unsigned long long)get_u64(s, "socket"),
				(unsigned long long)get_u64(s, "offered"),
				(unsigned long long)get_u64(s, "delivered"),
				(unsigned long long)get_u64(s, "dropped"),
				(unsigned long long)get_u64(s, "filtered"),
				(unsigned long long)get_u64(s, "ignored"));
			if (get_u64(s, "link_down"))
				fprintf(to, ", link down %llu",
					(unsigned long long)get_u64(s,
								    "link_down"));
			if (json_object_object_get_ex(
				    s, "packet_statistics_read", &st) &&
			    get_u64(st, "reads"))
				fprintf(to, "; the program read "
					"PACKET_STATISTICS %llu time%s: "
					"tp_packets %llu, tp_drops %llu",
					(unsigned long long)get_u64(st, "reads"),
					get_u64(st, "reads") == 1 ? "" : "s",
					(unsigned long long)get_u64(
						st, "tp_packets"),
					(unsigned long long)get_u64(st,
								    "tp_drops"));
			fputc('\n', to);
		}
	}
	if (json_object_object_get_ex(root, "findings", &finds) &&
	    json_object_is_type(finds, json_type_array)) {
		n = json_object_array_length(finds);
		fprintf(to, "  consumer checker: %zu finding%s\n", n,
			n == 1 ? "" : "s");
		for (size_t i = 0; i < n; i++) {
			json_object *f = json_object_array_get_idx(finds, i);

			fprintf(to, "    %s %s socket %llu frame %llu at %s: "
				"%s\n", get_str(f, "rule"), get_str(f, "level"),
				(unsigned long long)get_u64(f, "socket"),
				(unsigned long long)get_u64(f, "frame"),
				get_str(f, "time"), get_str(f, "text"));
		}
	}
	json_object_put(root);
	return 0;
}
