/* The capture filter: bpf/smtp.bpf with the server ports filled in. */
#ifndef SMTPSCOPE_FILTER_H
#define SMTPSCOPE_FILTER_H

#include <stdint.h>

#include <pcap/pcap.h>

#include "util/portset.h"

extern const char bpf_smtp_template[];	/* bpf/smtp.bpf, built in */

/*
 * Expands a template (comments dropped, @PORTS...@ filled in; with_vlan:
 * repeated under one, two and three VLAN tags, for link types that can carry them).
 * Returns a malloc'd string, or NULL when the template is malformed or memory
 * runs out.
 */
char *filter_build(const char *tmpl, const struct portset *ports,
    int with_vlan);

/*
 * Compiles the template for the handle's link type: with the VLAN clauses,
 * or without them where the link type cannot carry tags.  Returns 0, with
 * the expression compiled in *expr (malloc'd) unless expr is NULL, or -1
 * with the reason in pcap_geterr(p).
 */
int filter_compile(pcap_t *p, const char *tmpl, const struct portset *ports,
    struct bpf_program *prog, char **expr);

#endif
