/* libpcap sources feeding the pipeline. */
#ifndef SMTPSCOPE_CAPTURE_H
#define SMTPSCOPE_CAPTURE_H

#include <stddef.h>

#include "pipeline.h"

/*
 * Reads one saved capture (pcap or pcapng; "-" is standard input) through the
 * pipeline.  Returns 0; or -1 with a message in err, after feeding the
 * pipeline every packet read before the error (a file cut short mid-record).
 */
int capture_read_offline(const char *path, struct pipeline *pl, char *err,
    size_t errlen);

#endif
