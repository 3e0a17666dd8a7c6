/* Routes each decoded packet to the tracker by direction and port. */
#include <stdlib.h>
#include <string.h>

#include "core/decode.h"
#include "core/nflog.h"
#include "core/pipeline.h"

struct pipeline {
	struct stats st;
	struct tracker *tr;
	struct portset ports;		/* server ports */
	struct sink *sinks[PIPELINE_MAX_SINKS];
	int nsinks;
	int64_t last_ts;		/* latest packet or clock time */
	uint64_t max_records;		/* stop after this many (-c); 0: no limit */
	uint64_t records;		/* handed to the sinks so far */
	int origin_only;		/* probe: records with an origin only */
	struct nflog_tags nflog;	/* the NFLOG rules that logged SYNs */
	pipeline_pulse_fn pulse;	/* --stats-interval */
	struct sink *pulse_sink;
};

int
pipeline_done(const struct pipeline *pl)
{
	return pl->max_records != 0 && pl->records >= pl->max_records;
}

/* Counts a frame under what the decoder made of it. */
static void
count_frame(struct stats *st, enum decode_status ds)
{
	switch (ds) {
	case DEC_TCP: st->frames.tcp++; break;
	case DEC_ICMP_ERROR: st->frames.icmp_error++; break;
	case DEC_NOT_IP: st->frames.not_ip++; break;
	case DEC_OTHER_PROTO: st->frames.other_proto++; break;
	case DEC_FRAGMENT: st->frames.fragment++; break;
	case DEC_TRUNCATED: st->frames.truncated++; break;
	case DEC_MALFORMED: case DEC_STATUS_COUNT: st->frames.malformed++; break;
	}
}

static void
to_sinks(void *ctx, const struct record *rec)
{
	struct pipeline *pl = ctx;
	int i;

	if (pipeline_done(pl))
		return;		/* -c reached: the rest is not reported */
	if (pl->origin_only && rec->origin == NULL)
		return;		/* probe: the host's own traffic */
	pl->records++;
	for (i = 0; i < pl->nsinks; i++)
		pl->sinks[i]->ops->record(pl->sinks[i], rec);
}

struct pipeline *
pipeline_new(const struct track_config *cfg, const struct portset *ports)
{
	struct pipeline *pl = calloc(1, sizeof *pl);

	if (pl == NULL)
		return NULL;
	pl->ports = *ports;
	pl->st.kernel_received = pl->st.kernel_dropped = pl->st.if_dropped = -1;
	pl->st.gaps = -1;
	pl->last_ts = INT64_MIN;
	if ((pl->tr = tracker_new(cfg, &pl->st, to_sinks, pl)) == NULL) {
		free(pl);
		return NULL;
	}
	return pl;
}

int
pipeline_add_sink(struct pipeline *pl, struct sink *s)
{
	if (pl->nsinks == PIPELINE_MAX_SINKS)
		return -1;
	pl->sinks[pl->nsinks++] = s;
	return 0;
}

void
pipeline_set_route(struct pipeline *pl, firsthop_route_fn fn, void *ctx)
{
	tracker_set_route(pl->tr, fn, ctx);
}

void
pipeline_set_max_records(struct pipeline *pl, uint64_t n)
{
	pl->max_records = n;
}

void
pipeline_set_origin_only(struct pipeline *pl, int on)
{
	pl->origin_only = on;
}

int
pipeline_packet(struct pipeline *pl, int dlt, int64_t ts, const uint8_t *data,
    uint32_t caplen, uint32_t wirelen)
{
	struct packet p;
	enum decode_status ds;

	pl->st.packets++;
	if (ts > pl->last_ts)
		pl->last_ts = ts;
	ds = decode_packet(dlt, data, caplen, wirelen, &p);
	count_frame(&pl->st, ds);
	if (ds == DEC_TCP) {
		const struct tcp_info *tcp = &p.u.tcp;

		if (portset_has(&pl->ports, tcp->dport) &&
		    (tcp->flags & (TCPF_SYN | TCPF_ACK | TCPF_RST)) == TCPF_SYN) {
			if (p.nflog)
				p.nflog_tag = nflog_tag_get(&pl->nflog,
				    p.nflog_group, p.nflog_prefix,
				    p.nflog_prefix_len);
			tracker_syn(pl->tr, ts, &p);
		}
		else if (portset_has(&pl->ports, tcp->sport))
			tracker_server_tcp(pl->tr, ts, &p);
		else if (portset_has(&pl->ports, tcp->dport))
			tracker_client_tcp(pl->tr, ts, &p);
		else {
			pl->st.not_smtp++;
			tracker_packet_time(pl->tr, ts);
			return 0;
		}
		return 1;
	}
	if (ds == DEC_ICMP_ERROR && portset_has(&pl->ports, p.u.icmp.qdport)) {
		tracker_icmp(pl->tr, ts, &p);
		return 1;
	}
	if (ds == DEC_ICMP_ERROR)
		pl->st.not_smtp++;
	tracker_packet_time(pl->tr, ts);
	return 0;
}

/* The SYN the prober made, as the decoder would have given it. */
static void
probe_syn(struct pipeline *pl, int64_t now, const struct tuple *t,
    uint32_t isn, uint8_t ttl, struct packet *p)
{
	memset(p, 0, sizeof *p);
	p->src = t->client;
	p->dst = t->server;
	p->ttl = ttl;
	p->u.tcp.sport = t->client_port;
	p->u.tcp.dport = t->server_port;
	p->u.tcp.seq = isn;
	p->u.tcp.flags = TCPF_SYN;
	if (now > pl->last_ts)
		pl->last_ts = now;
}

void
pipeline_syn_sent(struct pipeline *pl, int64_t now, const struct tuple *t,
    uint32_t isn, uint8_t ttl, const struct origin *o)
{
	struct packet p;

	probe_syn(pl, now, t, isn, ttl, &p);
	tracker_syn_sent(pl->tr, now, &p, o);
}

void
pipeline_syn_unsent(struct pipeline *pl, int64_t now, const struct tuple *t,
    uint32_t isn, const struct origin *o, struct verdict v)
{
	struct packet p;

	probe_syn(pl, now, t, isn, 0, &p);
	tracker_syn_unsent(pl->tr, now, &p, o, v);
}

void
pipeline_feed(struct pipeline *pl, const struct record *r)
{
	if (!r->correction)
		pl->st.attempts++;	/* a correction is no other attempt */
	if (r->verdict_us > pl->last_ts)
		pl->last_ts = r->verdict_us;
	to_sinks(pl, r);
}

void
pipeline_tick(struct pipeline *pl, int64_t now)
{
	int i;

	if (now > pl->last_ts)
		pl->last_ts = now;
	tracker_expire(pl->tr, now);
	for (i = 0; i < pl->nsinks; i++)
		if (pl->sinks[i]->ops->tick != NULL)
			pl->sinks[i]->ops->tick(pl->sinks[i], now);
}

int64_t
pipeline_next_deadline(const struct pipeline *pl)
{
	return tracker_next_deadline(pl->tr);
}

static void
finish_sinks(struct pipeline *pl, int final)
{
	int i;

	for (i = 0; i < pl->nsinks; i++)
		pl->sinks[i]->ops->finish(pl->sinks[i], &pl->st, final);
}

void
pipeline_drain(struct pipeline *pl)
{
	tracker_finish(pl->tr, pl->last_ts);
}

void
pipeline_report(struct pipeline *pl)
{
	finish_sinks(pl, 1);
}

void
pipeline_finish(struct pipeline *pl)
{
	pipeline_drain(pl);
	pipeline_report(pl);
}

void
pipeline_snapshot(struct pipeline *pl)
{
	finish_sinks(pl, 0);
}

void
pipeline_set_pulse(struct pipeline *pl, pipeline_pulse_fn fn, struct sink *s)
{
	pl->pulse = fn;
	pl->pulse_sink = s;
}

void
pipeline_pulse(struct pipeline *pl)
{
	if (pl->pulse != NULL)
		pl->pulse(pl->pulse_sink, &pl->st);
}

struct sink *
sink_new(const struct sink_ops *ops, FILE *out)
{
	struct sink *s = calloc(1, sizeof *s);

	if (s != NULL) {
		s->ops = ops;
		s->out = out;
	}
	return s;
}

void
sink_free(struct sink *s)
{
	free(s);
}

void
sink_flush(struct sink *s, const struct stats *st, int final)
{
	(void)st;
	(void)final;
	if (s->out != NULL)
		fflush(s->out);
}

void
pipeline_free(struct pipeline *pl)
{
	int i;

	if (pl == NULL)
		return;
	tracker_free(pl->tr);
	for (i = 0; i < pl->nsinks; i++)
		pl->sinks[i]->ops->free(pl->sinks[i]);
	free(pl);
}

void
pipeline_set_kernel_stats(struct pipeline *pl, int64_t received,
    int64_t dropped, int64_t if_dropped)
{
	pl->st.kernel_received = received;
	pl->st.kernel_dropped = dropped;
	pl->st.if_dropped = if_dropped;
}

void
pipeline_set_live(struct pipeline *pl)
{
	if (pl->st.gaps < 0)
		pl->st.gaps = pl->st.gap_us = 0;
}

void
pipeline_gap_begin(struct pipeline *pl, int64_t start)
{
	if (start > pl->last_ts)
		pl->last_ts = start;
	tracker_blind(pl->tr, start, 1);
}

void
pipeline_gap_end(struct pipeline *pl, const struct capture_gap *g)
{
	int i;

	if (g->end_us > pl->last_ts)
		pl->last_ts = g->end_us;
	tracker_blind(pl->tr, g->end_us, 0);
	pipeline_set_live(pl);
	pl->st.gaps++;
	pl->st.gap_us += g->end_us - g->start_us;
	for (i = 0; i < pl->nsinks; i++)
		if (pl->sinks[i]->ops->gap != NULL)
			pl->sinks[i]->ops->gap(pl->sinks[i], g);
}

void
pipeline_set_input_stats(struct pipeline *pl, const struct input_stats *in)
{
	pl->st.input = *in;
}

const struct stats *
pipeline_stats(const struct pipeline *pl)
{
	return &pl->st;
}

int
pipeline_output_failed(const struct pipeline *pl)
{
	int i;

	for (i = 0; i < pl->nsinks; i++)
		if (pl->sinks[i]->out != NULL && ferror(pl->sinks[i]->out))
			return 1;
	return 0;
}
