/*
 * The NFLOG rules that logged packets (log group and prefix), kept once
 * each so that attempts and their records can name them.
 */
#ifndef SMTPSCOPE_NFLOG_H
#define SMTPSCOPE_NFLOG_H

#include <stddef.h>
#include <stdint.h>

#define NFLOG_PREFIX_MAX 127	/* nftables' and iptables' longest prefix */
#define NFLOG_TAGS_MAX 64	/* distinct group and prefix pairs kept */

struct nflog_tag {
	uint16_t group;
	char prefix[NFLOG_PREFIX_MAX + 1];	/* printable ASCII; "" when none */
};

struct nflog_tags {
	struct nflog_tag tag[NFLOG_TAGS_MAX];
	int n;
	uint64_t unnamed;	/* packets of pairs past the first NFLOG_TAGS_MAX */
};

/*
 * The tag for group and the len bytes of prefix up to its first NUL (cut
 * at NFLOG_PREFIX_MAX; bytes outside printable ASCII become '?'), added
 * when new; NULL (and counted) once NFLOG_TAGS_MAX pairs are kept.
 */
const struct nflog_tag *nflog_tag_get(struct nflog_tags *t, uint16_t group,
    const uint8_t *prefix, size_t len);

#endif
