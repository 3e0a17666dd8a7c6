/*
 * --metrics-file: the command layer's part of the metrics (report/metrics.h):
 * the registry fed by a sink, and the node_exporter textfile replaced
 * every METRICS_FILE_PERIOD_US on the loop (watch), at a SIGUSR1 snapshot
 * and when the run ends (read, watch, probe).
 */
#ifndef SMTPSCOPE_METRICS_CMD_H
#define SMTPSCOPE_METRICS_CMD_H

#include "conf.h"
#include "core/pipeline.h"
#include "io/loop.h"
#include "report/metrics.h"

#define METRICS_FILE_PERIOD_US (15 * 1000000LL)

/* With --metrics-file or --metrics-listen: the registry and its sink,
 * added last (after the --findings sink, findings, whose events it
 * counts; NULL: none); the textfile's directory (--metrics-file) opened
 * and allowed to the sandbox.  Dies naming the option when the directory
 * cannot be opened.  Nothing without either. */
void metrics_setup(struct pipeline *pl, const struct config *cfg,
    struct sink *findings);
/* watch, in the sandbox: the textfile written now (dies when it cannot
 * be) and then every METRICS_FILE_PERIOD_US. */
void metrics_attach(struct loop *l);
/* The registry, for the HTTP endpoint: NULL without one, and once the
 * pipeline has finished (it is freed with the pipeline). */
struct metrics *metrics_registry(void);

#endif
