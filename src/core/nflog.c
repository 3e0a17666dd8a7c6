/* The NFLOG rules seen, each kept once (see core/nflog.h). */
#include <string.h>

#include "core/nflog.h"

const struct nflog_tag *
nflog_tag_get(struct nflog_tags *t, uint16_t group, const uint8_t *prefix,
    size_t len)
{
	char p[NFLOG_PREFIX_MAX + 1];
	size_t i;
	int k;

	if (len > NFLOG_PREFIX_MAX)
		len = NFLOG_PREFIX_MAX;
	/* Printable only: the prefix goes into text, CSV and JSON lines. */
	for (i = 0; i < len && prefix[i] != '\0'; i++)
		p[i] = prefix[i] >= ' ' && prefix[i] <= '~' ? (char)prefix[i] : '?';
	p[i] = '\0';
	for (k = 0; k < t->n; k++)
		if (t->tag[k].group == group && strcmp(t->tag[k].prefix, p) == 0)
			return &t->tag[k];
	if (t->n == NFLOG_TAGS_MAX) {
		t->unnamed++;
		return NULL;
	}
	t->tag[t->n].group = group;
	memcpy(t->tag[t->n].prefix, p, i + 1);
	return &t->tag[t->n++];
}
