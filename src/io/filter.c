/* Expands the capture filter template for the chosen server ports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/filter.h"
#include "util/strbuf.h"

/* The ports as runs of consecutive ports [lo, hi], in BPF words. */
static void
port_runs(const struct portset *set, struct strbuf *b, int eq, const char *what,
    size_t wlen)
{
	uint32_t lo, p;
	int first = 1;

	strbuf_printf(b, "(");
	for (lo = portset_next(set, 1); lo != 0; lo = portset_next(set, p + 1)) {
		for (p = lo; p + 1 < 65536 && portset_has(set, (uint16_t)(p + 1)); p++)
			;
		strbuf_printf(b, "%s", first ? "" : " or ");
		first = 0;
		if (eq && lo == p)
			strbuf_printf(b, "%.*s == %u", (int)wlen, what, lo);
		else if (eq)
			strbuf_printf(b, "(%.*s >= %u and %.*s <= %u)",
			    (int)wlen, what, lo,
			    (int)wlen, what, p);
		else if (lo == p)
			strbuf_printf(b, "%.*s port %u", (int)wlen, what, lo);
		else
			strbuf_printf(b, "%.*s portrange %u-%u", (int)wlen, what,
			    lo, p);
	}
	strbuf_printf(b, ")");
}

/* The template without comments, placeholders expanded; 0 or -1. */
static int
expand(const char *t, const struct portset *ports, struct strbuf *b)
{
	const char *end;

	while (*t) {
		if (*t == '#') {
			t += strcspn(t, "\n");
			continue;
		}
		if (strncmp(t, "@PORTS", 6) == 0 && (t[6] == ':' || t[6] == '=')) {
			/* Within its line: an '@' missing there would close
			 * it at the next one, in a comment (fuzz_filter). */
			end = t + 7 + strcspn(t + 7, "@\n");
			if (*end != '@' || end == t + 7)
				return -1;
			port_runs(ports, b, t[6] == '=', t + 7, (size_t)(end - t - 7));
			t = end + 1;
			continue;
		}
		if (*t == '@')
			return -1;
		/* Line breaks and indentation become single spaces. */
		if (*t == '\n' || *t == '\t' || *t == ' ') {
			if (b->len > 0 && b->s[b->len - 1] != ' ' &&
			    b->s[b->len - 1] != '(')
				strbuf_printf(b, " ");
		} else
			strbuf_printf(b, "%c", *t);
		t++;
	}
	return 0;
}

char *
filter_build(const char *tmpl, const struct portset *ports, int with_vlan)
{
	struct strbuf base = { NULL, 0, 0, 0 }, out = { NULL, 0, 0, 0 };

	strbuf_printf(&base, "%s", "");
	if (expand(tmpl, ports, &base) != 0 || base.failed) {
		free(base.s);
		return NULL;
	}
	if (!with_vlan)
		return base.s;
	/* Untagged, then one, two and three tags (802.1Q, 802.1ad, 0x9100). */
	strbuf_printf(&out, "(%s) or (vlan and ((%s) or (vlan and ((%s) or "
	    "(vlan and (%s))))))", base.s, base.s, base.s, base.s);
	free(base.s);
	if (out.failed) {
		free(out.s);
		return NULL;
	}
	return out.s;
}

int
filter_compile(pcap_t *p, const char *tmpl, const struct portset *ports,
    struct bpf_program *prog, char **expr)
{
	int with_vlan, rc = -1;
	char *f;

	for (with_vlan = 1; with_vlan >= 0 && rc != 0; with_vlan--) {
		if ((f = filter_build(tmpl, ports, with_vlan)) == NULL)
			return -1;
		rc = pcap_compile(p, prog, f, 1, PCAP_NETMASK_UNKNOWN);
		if (rc == 0 && expr != NULL)
			*expr = f;
		else
			free(f);
	}
	return rc;
}
