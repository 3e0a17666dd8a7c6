/* The capture filter: bpf/smtp.bpf with the server ports filled in. */
#ifndef SMTPSCOPE_FILTER_H
#define SMTPSCOPE_FILTER_H

#include <stdint.h>

extern const char bpf_smtp_template[];	/* bpf/smtp.bpf, built in */

/*
 * Expands a template (comments dropped, @PORTS...@ filled in, repeated under
 * VLAN tags).  Returns a malloc'd string, or NULL when the template is
 * malformed or memory runs out.
 */
char *filter_build(const char *tmpl, const uint8_t ports[65536 / 8]);

#endif
