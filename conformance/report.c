// SPDX-License-Identifier: MIT
/*
 * tpconform's outputs: human, TAP, KTAP, JUnit XML and JSON for a run, and
 * the matrix files that `make conformance` leaves in reports/.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner.h"

static const struct tpc_result *res(const struct tpc_run *run, size_t i,
				    size_t j)
{
	return &run->r[i * run->nb + j];
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void xml_str(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static void counts(const struct tpc_run *run, size_t j, size_t c[TPC_NRES])
{
	for (int k = 0; k < TPC_NRES; k++)
		c[k] = 0;
	for (size_t i = 0; i < run->nv; i++)
		c[res(run, i, j)->res]++;
}

static const char *tpc_res_key(enum tpc_res r)
{
	static const char *const keys[TPC_NRES] = { "pass", "fail", "skip",
						    "xfail", "xpass" };

	return keys[r];
}

static void human(const struct tpc_run *run, FILE *f)
{
	bool color = f == stdout && isatty(fileno(f));
	static const char *col[TPC_NRES] = { "\033[32m", "\033[31m",
					     "\033[33m", "\033[36m",
					     "\033[31m" };

	for (size_t i = 0; i < run->nv; i++) {
		for (size_t j = 0; j < run->nb; j++) {
			const struct tpc_result *r = res(run, i, j);

			fprintf(f, "%s%s%s %s.%s [%s]\n", color ? col[r->res] : "",
				tpc_res_name(r->res), color ? "\033[0m" : "",
				run->b[j].ops->name, run->v[i].name,
				run->v[i].c->rules);
			if (r->res != TPC_PASS && r->msg[0])
				fprintf(f, "     %s\n", r->msg);
		}
	}
	for (size_t j = 0; j < run->nb; j++) {
		size_t c[TPC_NRES];

		counts(run, j, c);
		fprintf(f, "environment %s: %s\n", run->b[j].ops->name,
			run->b[j].info.env);
		fprintf(f, "%s: %zu passed, %zu failed, %zu skipped",
			run->b[j].ops->name, c[TPC_PASS], c[TPC_FAIL],
			c[TPC_SKIP]);
		if (c[TPC_XFAIL] || c[TPC_XPASS])
			fprintf(f, ", %zu expected failures, %zu unexpected "
				   "passes", c[TPC_XFAIL], c[TPC_XPASS]);
		fputc('\n', f);
	}
}

static void tap(const struct tpc_run *run, FILE *f, bool ktap)
{
	size_t n = 0;

	fprintf(f, ktap ? "KTAP version 1\n" : "TAP version 13\n");
	fprintf(f, "1..%zu\n", run->nv * run->nb);
	for (size_t j = 0; j < run->nb; j++)
		fprintf(f, "# environment %s: %s\n", run->b[j].ops->name,
			run->b[j].info.env);
	for (size_t j = 0; j < run->nb; j++) {
		for (size_t i = 0; i < run->nv; i++) {
			const struct tpc_result *r = res(run, i, j);

			n++;
			bool bad = r->res == TPC_FAIL || r->res == TPC_XFAIL ||
				   r->res == TPC_XPASS;

			fprintf(f, "%s %zu %s%s.%s", bad ? "not ok" : "ok", n,
				ktap ? "" : "- ", run->b[j].ops->name,
				run->v[i].name);
			/* TAP's directive for an expected failure */
			if (r->res == TPC_SKIP)
				fprintf(f, " # SKIP %s", r->msg);
			else if (r->res == TPC_XFAIL)
				fprintf(f, " # TODO %s", r->msg);
			fputc('\n', f);
			if (r->res == TPC_FAIL || r->res == TPC_XPASS)
				fprintf(f, "# %s\n", r->msg);
		}
	}
}

static void junit(const struct tpc_run *run, FILE *f)
{
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "
		   "name=\"tpconform\">\n");
	for (size_t j = 0; j < run->nb; j++) {
		size_t c[TPC_NRES];

		counts(run, j, c);
		fprintf(f, "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%zu\" "
			   "skipped=\"%zu\">\n", run->b[j].ops->name, run->nv,
			c[TPC_FAIL], c[TPC_SKIP]);
		for (size_t i = 0; i < run->nv; i++) {
			const struct tpc_result *r = res(run, i, j);

			fprintf(f, "    <testcase classname=\"%s\" name=\"%s\" "
				   "time=\"%.3f\">", run->b[j].ops->name,
				run->v[i].name, r->secs);
			if (r->res != TPC_PASS) {
				bool bad = r->res == TPC_FAIL ||
					   r->res == TPC_XPASS;

				fprintf(f, bad ? "<failure message=\""
					       : "<skipped message=\"");
				xml_str(f, r->msg);
				fprintf(f, "\"/>");
			}
			fprintf(f, "</testcase>\n");
		}
		fprintf(f, "  </testsuite>\n");
	}
	fprintf(f, "</testsuites>\n");
}

static void json(const struct tpc_run *run, FILE *f)
{
	fprintf(f, "{\n  \"seed\": %u,\n  \"backends\": [", run->seed);
	for (size_t j = 0; j < run->nb; j++) {
		fprintf(f, "%s", j ? ", " : "");
		json_str(f, run->b[j].ops->name);
	}
	fprintf(f, "],\n  \"environment\": {");
	for (size_t j = 0; j < run->nb; j++) {
		fprintf(f, "%s", j ? ", " : "");
		json_str(f, run->b[j].ops->name);
		fprintf(f, ": ");
		json_str(f, run->b[j].info.env);
	}
	fprintf(f, "},\n  \"cases\": [\n");
	for (size_t i = 0; i < run->nv; i++) {
		fprintf(f, "    {\"name\": ");
		json_str(f, run->v[i].name);
		fprintf(f, ", \"case\": ");
		json_str(f, run->v[i].c->name);
		fprintf(f, ", \"version\": %d, \"rules\": ",
			run->v[i].version < 0 ? 0 : run->v[i].version + 1);
		json_str(f, run->v[i].c->rules);
		fprintf(f, ", \"results\": {");
		for (size_t j = 0; j < run->nb; j++) {
			const struct tpc_result *r = res(run, i, j);

			fprintf(f, "%s", j ? ", " : "");
			json_str(f, run->b[j].ops->name);
			fprintf(f, ": {\"result\": \"%s\", \"seconds\": %.3f, "
				   "\"message\": ",
				tpc_res_key(r->res),
				r->secs);
			json_str(f, r->msg);
			fputc('}', f);
		}
		fprintf(f, "}}%s\n", i + 1 < run->nv ? "," : "");
	}
	fprintf(f, "  ],\n  \"totals\": {");
	for (size_t j = 0; j < run->nb; j++) {
		size_t c[TPC_NRES];

		counts(run, j, c);
		fprintf(f, "%s", j ? ", " : "");
		json_str(f, run->b[j].ops->name);
		fprintf(f, ": {\"pass\": %zu, \"fail\": %zu, \"skip\": %zu, "
			   "\"xfail\": %zu, \"xpass\": %zu}",
			c[TPC_PASS], c[TPC_FAIL], c[TPC_SKIP], c[TPC_XFAIL],
			c[TPC_XPASS]);
	}
	fprintf(f, "}\n}\n");
}

static void markdown(const struct tpc_run *run, FILE *f)
{
	fprintf(f, "# Conformance matrix\n\nGenerated by `make conformance` "
		   "(tpconform, seed %u). One row per case and TPACKET "
		   "version; one column per backend. Rules refer to "
		   "`conformance/rules.tsv`.\n\n", run->seed);
	fprintf(f, "| case | rules |");
	for (size_t j = 0; j < run->nb; j++)
		fprintf(f, " %s |", run->b[j].ops->name);
	fprintf(f, "\n|---|---|");
	for (size_t j = 0; j < run->nb; j++)
		fprintf(f, "---|");
	fputc('\n', f);
	for (size_t i = 0; i < run->nv; i++) {
		fprintf(f, "| `%s` | %s |", run->v[i].name, run->v[i].c->rules);
		for (size_t j = 0; j < run->nb; j++)
			fprintf(f, " %s |", tpc_res_name(res(run, i, j)->res));
		fputc('\n', f);
	}
	fprintf(f, "\n## Environment\n\n");
	for (size_t j = 0; j < run->nb; j++)
		fprintf(f, "- %s: %s\n", run->b[j].ops->name,
			run->b[j].info.env);
	fprintf(f, "\n## Totals\n\n");
	for (size_t j = 0; j < run->nb; j++) {
		size_t c[TPC_NRES];

		counts(run, j, c);
		fprintf(f, "- %s: %zu passed, %zu failed, %zu skipped, %zu "
			   "expected failures, %zu unexpected passes\n",
			run->b[j].ops->name, c[TPC_PASS], c[TPC_FAIL],
			c[TPC_SKIP], c[TPC_XFAIL], c[TPC_XPASS]);
	}
	fprintf(f, "\n## Failures and skips\n\n");
	for (size_t i = 0; i < run->nv; i++)
		for (size_t j = 0; j < run->nb; j++)
			if (res(run, i, j)->res != TPC_PASS)
				fprintf(f, "- %s `%s.%s`: %s\n",
					tpc_res_name(res(run, i, j)->res),
					run->b[j].ops->name, run->v[i].name,
					res(run, i, j)->msg);
}

void tpc_report(const struct tpc_run *run, const char *format, FILE *f)
{
	if (!strcmp(format, "tap"))
		tap(run, f, false);
	else if (!strcmp(format, "ktap"))
		tap(run, f, true);
	else if (!strcmp(format, "junit"))
		junit(run, f);
	else if (!strcmp(format, "json"))
		json(run, f);
	else if (!strcmp(format, "md"))
		markdown(run, f);
	else
		human(run, f);
}

int tpc_report_dir(const struct tpc_run *run, const char *dir)
{
	static const char *const fmt[][2] = {
		{ "md", "conformance.md" }, { "json", "conformance.json" },
		{ "junit", "conformance.xml" }, { "tap", "conformance.tap" },
	};
	char path[4096];

	mkdir(dir, 0755);
	for (size_t k = 0; k < sizeof(fmt) / sizeof(fmt[0]); k++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, fmt[k][1]);
		f = fopen(path, "w");
		if (!f)
			return -errno;
		tpc_report(run, fmt[k][0], f);
		if (fclose(f))
			return -errno;
	}
	return 0;
}
