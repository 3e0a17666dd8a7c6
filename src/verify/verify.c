/*
 * verify: the records of each expectation's probes against the expectation.
 * A sink, so it sees exactly what the pipeline decided; it reports at the end.
 */
#include <stdlib.h>
#include <string.h>

#include "report/fields.h"
#include "verify/verify.h"

struct verify_sink {
	struct sink base;
	const struct expect_file *f;
	const char *path;
	const char *sensor;		/* --json: this sensor's name */
	int json;
	struct record *recs;
	size_t n, cap;
	int passed, failed;
};

static void
verify_record(struct sink *s, const struct record *r)
{
	struct verify_sink *v = (struct verify_sink *)s;

	if (r->origin == NULL)
		return;		/* not a probe: no expectation asked for it */
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		struct record *nr = realloc(v->recs, cap * sizeof *nr);

		if (nr == NULL)
			return;		/* reported as a missing probe below */
		v->recs = nr;
		v->cap = cap;
	}
	v->recs[v->n++] = *r;
}

static void
text_probe(FILE *out, const struct record *r, int ok, const char *why)
{
	char src[ADDR_STRLEN], dst[ENDPOINT_STRLEN], resp[ADDR_STRLEN];
	const char *mx = r->origin->mx;

	endpoint_str(&r->t.server, r->t.server_port, dst);
	fprintf(out, "  %-4s %s -> %s%s%s%s %s/%s", ok ? "ok" : "FAIL",
	    addr_str(&r->t.client, src), dst, mx ? " (" : "", mx ? mx : "",
	    mx ? ")" : "", vclass_name(r->v.cls), r->v.reason);
	if (r->responder.family != 0)
		fprintf(out, ", answered by %s (%s)", addr_str(&r->responder, resp),
		    r->responder_first_hop ? "first hop, in the target's name" :
		    record_responder_is_server(r) ? "target" :
		    addr_eq(&r->responder, &r->t.client) ? "self" : "hop");
	if (!ok)
		fprintf(out, ": %s", why);
	putc('\n', out);
}

static void
json_probe(FILE *out, const char *sensor, const struct expectation *e,
    const struct record *r, int ok, const char *why)
{
	struct field x[4];

	memset(x, 0, sizeof x);
	x[0].name = "expect_line";
	x[0].kind = FK_NUM;
	snprintf(x[0].val, sizeof x[0].val, "%d", e->line);
	x[0].text = x[0].val;
	x[1].name = "expect";
	x[1].kind = FK_STR;
	x[1].text = e->text;
	x[2].name = "pass";
	x[2].kind = FK_BOOL;
	x[2].text = ok ? "true" : "false";
	x[3].name = "why";
	x[3].kind = ok ? FK_NULL : FK_STR;
	x[3].text = ok ? "" : why;
	json_write_record(out, r, sensor, x, 4);
}

/* The first target or mx: domain of expectation i that no record came
 * from, or NULL when each gave at least one probe. */
static const char *
unprobed_target(const struct verify_sink *v, int i)
{
	const struct probe_spec *sp = &v->f->e[i].spec;
	struct addr a;
	size_t k;
	int t;

	for (t = 0; t < sp->ntargets + sp->ndomains; t++) {
		const char *name = t < sp->ntargets ? sp->targets[t] :
		    sp->domains[t - sp->ntargets];
		int literal = t < sp->ntargets && addr_parse(name, &a), found = 0;

		for (k = 0; k < v->n && !found; k++) {
			const struct origin *o = v->recs[k].origin;

			if (o->spec != i)
				continue;
			if (literal)
				found = o->mx == NULL &&
				    addr_eq(&v->recs[k].t.server, &a);
			else if (t < sp->ntargets)
				found = o->mx != NULL && o->domain == NULL &&
				    strcmp(o->mx, name) == 0;
			else
				found = o->domain != NULL && strcmp(o->domain, name) == 0;
		}
		if (!found)
			return name;
	}
	return NULL;
}

/* verify --json's line for a target that gave no probe: an expectation's
 * outcome with no attempt. */
static void
json_unprobed(FILE *out, const char *sensor, const struct expectation *e,
    const char *missing)
{
	char msg[400];

	snprintf(msg, sizeof msg, "%s was not probed: no address of the "
	    "right family", missing);
	fputs("{\"type\":\"expectation\",\"sensor\":", out);
	json_put_string(out, sensor);
	fputs(",\"expect_line\":", out);
	fprintf(out, "%d,\"expect\":", e->line);
	json_put_string(out, e->text);
	fputs(",\"pass\":false,\"why\":", out);
	json_put_string(out, msg);
	fputs("}\n", out);
}

/* Expectation i: PASS or FAIL, then a line for each of its probes. */
static void
report_expectation(struct verify_sink *v, int i)
{
	const struct expectation *e = &v->f->e[i];
	FILE *out = v->base.out;
	const char *missing;
	char why[512];
	int bad = 0, ok;
	size_t k;

	/* Judged once to print PASS/FAIL first, again beside each probe
	 * below (a pure check, on a handful of records). */
	for (k = 0; k < v->n; k++)
		if (v->recs[k].origin->spec == i)
			bad += !expect_met(e, &v->recs[k], why, sizeof why);
	/* Every target must have been probed: a name that did not resolve
	 * fails the line even when its other targets passed. */
	missing = unprobed_target(v, i);
	if (missing != NULL || bad)
		v->failed++;
	else
		v->passed++;
	if (!v->json) {
		fprintf(out, "%s %s:%d: %s\n", missing || bad ? "FAIL" : "PASS",
		    v->path, e->line, e->text);
		if (missing)
			fprintf(out, "  FAIL %s was not probed: no address of the "
			    "right family (see the dns: lines)\n", missing);
	} else if (missing)
		json_unprobed(out, v->sensor, e, missing);
	for (k = 0; k < v->n; k++) {
		const struct record *r = &v->recs[k];

		if (r->origin->spec != i)
			continue;
		ok = expect_met(e, r, why, sizeof why);
		if (v->json)
			json_probe(out, v->sensor, e, r, ok, why);
		else
			text_probe(out, r, ok, why);
	}
}

static void
verify_finish(struct sink *s, const struct stats *st, int final)
{
	struct verify_sink *v = (struct verify_sink *)s;
	int i;

	(void)st;
	if (!final)
		return;
	for (i = 0; i < v->f->n; i++)
		report_expectation(v, i);
	if (!v->json)
		fprintf(s->out, "verify: %d passed, %d failed\n", v->passed,
		    v->failed);
	fflush(s->out);
}

static void
verify_free(struct sink *s)
{
	struct verify_sink *v = (struct verify_sink *)s;

	free(v->recs);
	free(v);
}

static const struct sink_ops verify_ops = {
	.record = verify_record,
	.finish = verify_finish,
	.free = verify_free,
};

struct sink *
sink_verify_new(FILE *out, const struct expect_file *f, const char *path,
    int json, const char *sensor)
{
	struct verify_sink *v = calloc(1, sizeof *v);

	if (v == NULL)
		return NULL;
	v->base.ops = &verify_ops;
	v->base.out = out;
	v->f = f;
	v->path = path;
	v->json = json;
	v->sensor = sensor;
	return &v->base;
}

int
verify_failed(const struct sink *s)
{
	const struct verify_sink *v = (const struct verify_sink *)s;

	return v->failed;
}
