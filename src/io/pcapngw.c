/*
 * The -w evidence file, written as pcapng (which tcpdump, Wireshark and
 * libpcap read): a Section Header Block whose comment says how the file
 * was captured, one Interface Description Block with the interface's name
 * and the capture filter, and an Enhanced Packet Block per packet, in
 * microseconds.  The comment's first line,
 *   smtpscope ports: 25,587,2525-2530
 * names the server ports, so that `read` of the file needs no -p; the
 * second, "smtpscope command: ...", the command line.  Each file of a
 * rotation (io/rotate.h) is one such file, with the same comment.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/decode.h"
#include "io/pcapngw.h"

#define COMMENT_MAX	4000	/* below io/pcapng.h's PCAPNG_COMMENT_MAX */
#define PORTS_MAX	3000	/* longer port lists are not written */

struct pcapngw {
	FILE *fp;
	uint64_t bytes;			/* written so far, for -C */
	int failed;
};

/* A growing text, cut at COMMENT_MAX. */
struct text {
	char s[COMMENT_MAX + 1];
	size_t n;
};

static void
put(struct text *t, const char *s, size_t n)
{
	if (n > COMMENT_MAX - t->n)
		n = COMMENT_MAX - t->n;
	memcpy(t->s + t->n, s, n);
	t->n += n;
	t->s[t->n] = '\0';
}

static void
puts_(struct text *t, const char *s)
{
	put(t, s, strlen(s));
}

/* "25,587,2525-2530"; 0 when longer than PORTS_MAX. */
static int
ports_text(const struct portset *ports, struct text *t)
{
	uint32_t lo, hi;
	char item[16];
	size_t start = t->n;

	for (lo = portset_next(ports, 1); lo != 0;
	    lo = hi < 65535 ? portset_next(ports, hi + 1) : 0) {
		for (hi = lo; hi < 65535 && portset_has(ports, (uint16_t)(hi + 1));)
			hi++;
		snprintf(item, sizeof item, hi == lo ? "%s%u" : "%s%u-%u",
		    t->n == start ? "" : ",", lo, hi);
		puts_(t, item);
		if (t->n - start > PORTS_MAX)
			return 0;
	}
	return 1;
}

/* The section comment: the ports line, then the command line, each
 * argument quoted when it holds a space or a quote. */
static void
comment(const struct pcapngw_info *in, struct text *t)
{
	int i;

	t->n = 0;
	t->s[0] = '\0';
	puts_(t, PCAPNGW_PORTS_TAG);
	if (!ports_text(in->ports, t))
		t->n = 0;
	else
		puts_(t, "\n");
	puts_(t, "smtpscope command: smtpscope");
	for (i = 0; i < in->argc; i++) {
		int quote = strpbrk(in->argv[i], " \t'\"") != NULL;

		puts_(t, quote ? " '" : " ");
		puts_(t, in->argv[i]);
		if (quote)
			puts_(t, "'");
	}
	puts_(t, "\n");
}

static void
w32(struct pcapngw *w, uint32_t v)
{
	if (fwrite(&v, 4, 1, w->fp) != 1)
		w->failed = 1;
	w->bytes += 4;
}

static void
w16(struct pcapngw *w, uint16_t v)
{
	if (fwrite(&v, 2, 1, w->fp) != 1)
		w->failed = 1;
	w->bytes += 2;
}

/* n bytes, then zeros to a multiple of 4. */
static void
padded(struct pcapngw *w, const void *p, size_t n)
{
	static const uint8_t zero[4];

	if ((n > 0 && fwrite(p, 1, n, w->fp) != n) ||
	    fwrite(zero, 1, (4 - n % 4) % 4, w->fp) != (4 - n % 4) % 4)
		w->failed = 1;
	w->bytes += n + (4 - n % 4) % 4;
}

static uint32_t
optlen(size_t n)
{
	return 4 + (uint32_t)((n + 3) / 4 * 4);
}

static void
option(struct pcapngw *w, uint16_t code, const void *v, size_t n)
{
	w16(w, code);
	w16(w, (uint16_t)n);
	padded(w, v, n);
}

static void
section(struct pcapngw *w, const char *text)
{
	static const char appl[] = "smtpscope";
	uint32_t total = 28 + optlen(strlen(text)) + optlen(sizeof appl - 1) + 4;

	w32(w, 0x0a0d0d0a);
	w32(w, total);
	w32(w, 0x1a2b3c4d);
	w16(w, 1);
	w16(w, 0);
	w32(w, 0xffffffff);		/* section length: not given */
	w32(w, 0xffffffff);
	option(w, 1, text, strlen(text));		/* opt_comment */
	option(w, 4, appl, sizeof appl - 1);		/* shb_userappl */
	option(w, 0, NULL, 0);
	w32(w, total);
}

static void
interface(struct pcapngw *w, const struct pcapngw_info *in)
{
	size_t nlen = in->ifname ? strlen(in->ifname) : 0;
	size_t flen = in->filter ? strlen(in->filter) + 1 : 0;
	uint32_t total = 20 + (nlen ? optlen(nlen) : 0) +
	    (flen && flen < 65536 ? optlen(flen) : 0) + 4;

	w32(w, 1);
	w32(w, total);
	/* The file's link type: raw IP is 101 in files. */
	w16(w, (uint16_t)(in->dlt == DLT_RAW_ ? LINKTYPE_RAW_ : in->dlt));
	w16(w, 0);
	w32(w, in->snaplen);
	if (nlen)
		option(w, 2, in->ifname, nlen);		/* if_name */
	if (flen && flen < 65536) {
		/* if_filter: a 0 byte (libpcap's syntax), the expression */
		char *v = malloc(flen);

		if (v == NULL)
			w->failed = 1;
		else {
			v[0] = '\0';
			memcpy(v + 1, in->filter, flen - 1);
			option(w, 11, v, flen);
			free(v);
		}
	}
	option(w, 0, NULL, 0);
	w32(w, total);
}

struct pcapngw *
pcapngw_open(FILE *fp, const struct pcapngw_info *info)
{
	static struct text t;
	struct pcapngw *w = calloc(1, sizeof *w);

	if (w == NULL) {
		fclose(fp);
		return NULL;
	}
	w->fp = fp;
	comment(info, &t);
	section(w, t.s);
	interface(w, info);
	if (w->failed || fflush(fp) != 0) {
		int e = errno;		/* the caller names the cause */

		pcapngw_close(w);
		errno = e;
		return NULL;
	}
	return w;
}

int
pcapngw_packet(struct pcapngw *w, int64_t sec, int64_t usec,
    const uint8_t *data, uint32_t caplen, uint32_t len)
{
	uint64_t t = (uint64_t)sec * 1000000u + (uint64_t)usec;
	uint32_t total = pcapngw_packet_bytes(caplen);

	w32(w, 6);
	w32(w, total);
	w32(w, 0);			/* interface 0 */
	w32(w, (uint32_t)(t >> 32));
	w32(w, (uint32_t)t);
	w32(w, caplen);
	w32(w, len);
	padded(w, data, caplen);
	w32(w, total);
	return w->failed ? -1 : 0;
}

uint64_t
pcapngw_bytes(const struct pcapngw *w)
{
	return w->bytes;
}

uint32_t
pcapngw_packet_bytes(uint32_t caplen)
{
	return 32 + (caplen + 3) / 4 * 4;
}

int
pcapngw_flush(struct pcapngw *w)
{
	if (fflush(w->fp) != 0 || ferror(w->fp))
		w->failed = 1;
	return w->failed ? -1 : 0;
}

int
pcapngw_close(struct pcapngw *w)
{
	int rc;

	if (w == NULL)
		return 0;
	rc = pcapngw_flush(w);
	if (fclose(w->fp) != 0)
		rc = -1;
	free(w);
	return rc;
}

int
pcapngw_comment_ports(const char *comment, struct portset *out)
{
	const char *p = comment, *end, *bad;
	size_t tag = strlen(PCAPNGW_PORTS_TAG);

	if (strncmp(p, PCAPNGW_PORTS_TAG, tag) != 0)
		return 0;
	portset_clear(out);
	for (p += tag; *p != '\n' && *p != '\0'; p = *end == ',' ? end + 1 : end) {
		end = p + strcspn(p, ",\n");
		if (end == p ||
		    portset_parse_item(out, p, (size_t)(end - p), &bad) != PORTSET_OK)
			return 0;
	}
	return !portset_empty(out);
}
