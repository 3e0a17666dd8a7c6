/* The registry of report/metrics.h, shared by its counting half
 * (metrics.c) and its text exposition (metrics_text.c). */
#ifndef SMTPSCOPE_REPORT_METRICS_INTERNAL_H
#define SMTPSCOPE_REPORT_METRICS_INTERNAL_H

#include "report/metrics.h"

/* A label index past the named ones: "other". */
#define MX_OTHER_SOURCE METRICS_MAX_SOURCES
#define MX_OTHER_PORT METRICS_MAX_PORTS
#define MX_OTHER_REASON METRICS_MAX_REASONS
/* Slots of the series table: at most half full. */
#define MX_SLOTS (2 * METRICS_MAX_SERIES)

/*
 * A series key, packed: bit 31 set (a used slot), bit 30 a correction,
 * then from-class (3 bits), class (3), reason (6), port (5), source (7).
 * A correction has no port or source label.
 */
#define MX_USED (1u << 30 << 1)
#define MX_CORR (1u << 30)
#define MX_KEY(corr, from, cls, reason, port, src) (MX_USED | \
    (uint32_t)(corr) << 30 | (uint32_t)(from) << 27 | (uint32_t)(cls) << 24 | \
    (uint32_t)(reason) << 18 | (uint32_t)(port) << 13 | (uint32_t)(src))
#define MX_FROM(k) ((k) >> 27 & 7)
#define MX_CLASS(k) ((k) >> 24 & 7)
#define MX_REASON(k) ((k) >> 18 & 63)
#define MX_PORT(k) ((k) >> 13 & 31)
#define MX_SOURCE(k) ((k) & 127)

struct mx_series {
	uint32_t key;		/* 0: an empty slot */
	uint64_t n;
};

struct metrics {
	const struct stats *st;
	int findings;
	int64_t start_us;		/* wall clock at metrics_new() */
	struct addr sources[METRICS_MAX_SOURCES];
	int nsources;
	/* sources by hash: index + 1, 0 empty; at most half full, so a
	 * source past the named ones costs a probe or two, not 64 compares */
	uint8_t source_slot[2 * METRICS_MAX_SOURCES];
	uint16_t ports[METRICS_MAX_PORTS];
	int nports;
	const char *reasons[METRICS_MAX_REASONS];	/* static strings */
	int nreasons;
	struct mx_series *slots;	/* MX_SLOTS, open addressing */
	uint16_t *order;		/* slots in the order first counted */
	uint32_t nseries;
	uint64_t active[FK_COUNT], started[FK_COUNT];
};

#endif
