/* argv -> struct config: every option parsed once, into types. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "core/record.h"
#include "io/filter.h"
#include "report/trace.h"
#include "util/logline.h"
#include "util/smtpreply.h"
#include "util/timefmt.h"

const char *progname = "smtpscope";

/* The synopsis, a command's lines each, as smtpscope(8) has it. */
static const char *const synopsis[] = {
	"read [-ln] [--json | --csv | --summary] [-c count] [-p ports]\n"
	"            [--timeout sec] [--greet-wait sec] [--max-attempts n]\n"
	"            [--scope] [--evidence] [--findings] [--window duration]\n"
	"            [--top n] [--localtime] [--resolve] [--dnsbl zone[,zone ...]]\n"
	"            [--dns-server addr[:port]] [--sensor name] [--html file]\n"
	"            [-Z user] [--maillog log [--log-tz zone] [--log-year year]]\n"
	"            [--metrics-file file] [-r file] file ...\n",
	"watch [-dln] [--json | --csv | --summary] [-B kib] [-c count]\n"
	"            [--duration sec] [--filter-file file] [-i interface]\n"
	"            [-p ports] [-s snaplen] [--timeout sec] [--greet-wait sec]\n"
	"            [--max-attempts n] [-w file [-C size] [-G sec] [-W count]]\n"
	"            [-Z user] [--scope] [--evidence] [--findings]\n"
	"            [--window duration] [--top n] [--localtime] [--resolve]\n"
	"            [--dnsbl zone[,zone ...]] [--dns-server addr[:port]]\n"
	"            [--sensor name] [--html file] [--stats-interval sec]\n"
	"            [--metrics-file file] [--metrics-listen addr:port]\n"
	"            [--maillog log [--log-tz zone] [--log-year year]]\n",
	"probe [-46ln] [--json | --csv | --summary]\n"
	"            [--dns-server addr[:port]] [-i interface] [--max-probes n]\n"
	"            [--mx domain] [-p ports] [--rate pps] [--retries n]\n"
	"            [--source addr] [--spoofed-source addr] [--target host]\n"
	"            [--timeout sec] [--ttl n] [-w file] [-Z user] [-B kib]\n"
	"            [-s snaplen] [--max-attempts n] [--scope] [--evidence]\n"
	"            [--resolve] [--dnsbl zone[,zone ...]] [--findings]\n"
	"            [--window duration] [--top n] [--localtime] [--sensor name]\n"
	"            [--trace [--max-ttl n]] [--html file] [--metrics-file file]\n",
	"probe --greet [-46l] [--json] [--helo name]\n"
	"            [--dns-server addr[:port]] [--max-probes n] [--mx domain]\n"
	"            [-p ports] [--source addr] [--target host] [--timeout sec]\n"
	"            [-Z user] [--sensor name] [--localtime]\n",
	"verify [-46l] [--json] [--dns-server addr[:port]]\n"
	"            [-i interface] [--max-probes n] [-p ports] [--rate pps]\n"
	"            [--retries n] [--timeout sec] [--ttl n] [-w file] [-Z user]\n"
	"            [-B kib] [-s snaplen] [--sensor name] [--localtime] file\n",
	"scope [-ln] [--json | --csv | --summary] [--evidence] [--top n]\n"
	"            [--localtime] [--resolve] [--dnsbl zone[,zone ...]]\n"
	"            [--dns-server addr[:port]] [--sensor name] [--html file]\n"
	"            [-Z user] file ...\n",
	"diff before.json after.json\n",
	"maillog [--json] [--log-tz zone] [--log-year year]\n"
	"            [--sensor name] [-Z user] file ...\n",
	"-r file [read options]\n",
	"--version\n",
};

#define NSYNOPSIS (sizeof synopsis / sizeof synopsis[0])

/* The synopsis lines, all of them or (cmd) those of one command. */
static void
print_synopsis(FILE *out, const char *cmd)
{
	size_t i, n = cmd != NULL ? strlen(cmd) : 0;
	int first = 1;

	for (i = 0; i < NSYNOPSIS; i++) {
		if (cmd != NULL && (strncmp(synopsis[i], cmd, n) != 0 ||
		    synopsis[i][n] != ' '))
			continue;
		fprintf(out, "%s %s %s", first ? "usage:" : "      ", progname,
		    synopsis[i]);
		first = 0;
	}
}

void
usage(FILE *out)
{
	print_synopsis(out, NULL);
}

/* -h after a command: its synopsis lines and its options. */
static void
usage_command(FILE *out, const char *cmd)
{
	print_synopsis(out, cmd);
	usage_options(out, cmd);
}

void
die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlogline(LOG_ERR, fmt, ap);
	va_end(ap);
	exit(status);
}

/* strtonum(3) in spirit: a whole number in [min, max] or a usage error. */
static long long
parse_num(const char *opt, const char *s, long long min, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno == ERANGE)
		die(EXIT_USAGE, "%s: '%s' is not a number", opt, s);
	if (v < min || v > max)
		die(EXIT_USAGE, "%s: %s is out of range (%lld-%lld)", opt, s,
		    min, max);
	return v;
}

/* Seconds with an optional fraction ("10", "0.5"), as microseconds. */
static int64_t
parse_seconds(const char *opt, const char *s, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno == ERANGE || !(v > 0) || v > max)
		die(EXIT_USAGE, "%s: '%s' is not a number of seconds in (0, %g]",
		    opt, s, max);
	return (int64_t)(v * 1e6 + 0.5);
}

/* -C: millions of bytes, as tcpdump's (a fraction allowed: 0.5 is
 * 500000 bytes), up to a terabyte; in bytes. */
static uint64_t
parse_size(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno == ERANGE || !(v >= 0.001) ||
	    v > 1e6)
		die(EXIT_USAGE, "-C: '%s' is not a size in millions of bytes "
		    "(0.001 to 1000000)", s);
	return (uint64_t)(v * 1e6 + 0.5);
}

/* --window: seconds, or a number with s, m, h or d; up to 7 days. */
static int64_t
parse_window(const char *s)
{
	static const char unit[] = "smhd";
	static const double mul[] = { 1, 60, 3600, 86400 };
	const char *u;
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	u = *end != '\0' && end[1] == '\0' ? strchr(unit, *end) : NULL;
	if (end == s || errno == ERANGE || (*end != '\0' && u == NULL) ||
	    (u != NULL && *u == '\0'))
		die(EXIT_USAGE, "--window: '%s' is not a duration (such as 3600, "
		    "90m, 1h)", s);
	v *= u != NULL ? mul[u - unit] : 1;
	if (!(v > 0) || v > 604800)
		die(EXIT_USAGE, "--window: '%s' is not above 0 and within 7 days", s);
	return (int64_t)(v * 1e6 + 0.5);
}

/* "25,587", "2525-2530": a list of ports and ranges. */
static void
parse_ports(const char *s, struct portset *set)
{
	const char *w = s, *end, *bad;

	portset_clear(set);
	for (; *w != '\0'; w = *end ? end + 1 : end) {
		size_t n = strcspn(w, ",");

		end = w + n;
		if (n == 0)
			continue;
		switch (portset_parse_item(set, w, n, &bad)) {
		case PORTSET_OK:
			break;
		case PORTSET_NOT_NUMBER:
			die(EXIT_USAGE, "-p: '%.*s' is not a number",
			    (int)strcspn(bad, ",-"), bad);
		case PORTSET_OUT_OF_RANGE:
			die(EXIT_USAGE, "-p: %.*s is out of range (1-65535)",
			    (int)strcspn(bad, ",-"), bad);
		case PORTSET_EMPTY_RANGE:
			die(EXIT_USAGE, "-p: empty range %.*s", (int)n, w);
		}
	}
	if (portset_empty(set))
		die(EXIT_USAGE, "-p: no ports in '%s'", s);
}

enum { OPT_JSON = 256, OPT_CSV, OPT_SUMMARY, OPT_TIMEOUT, OPT_GREET,
	OPT_MAX_ATTEMPTS, OPT_DURATION, OPT_FILTER_FILE, OPT_MX, OPT_TARGET,
	OPT_SOURCE, OPT_DNS_SERVER, OPT_RETRIES, OPT_RATE, OPT_TTL,
	OPT_MAX_PROBES, OPT_SCOPE, OPT_EVIDENCE, OPT_DNSBL, OPT_FINDINGS,
	OPT_WINDOW, OPT_SENSOR, OPT_SPOOFED_SOURCE, OPT_TRACE, OPT_MAX_TTL,
	OPT_GREET_SMTP, OPT_HELO, OPT_RESOLVE, OPT_LOCALTIME, OPT_TOP, OPT_HTML,
	OPT_NO_SANDBOX, OPT_LOG_TZ, OPT_LOG_YEAR, OPT_MAILLOG, OPT_METRICS_FILE,
	OPT_METRICS_LISTEN, OPT_STATS_INTERVAL };

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "ports", required_argument, NULL, 'p' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "greet-wait", required_argument, NULL, OPT_GREET },
	{ "max-attempts", required_argument, NULL, OPT_MAX_ATTEMPTS },
	{ "interface", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'c' },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "write", required_argument, NULL, 'w' },
	{ "user", required_argument, NULL, 'Z' },
	{ "buffer-size", required_argument, NULL, 'B' },
	{ "snaplen", required_argument, NULL, 's' },
	{ "filter-file", required_argument, NULL, OPT_FILTER_FILE },
	{ "mx", required_argument, NULL, OPT_MX },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "spoofed-source", required_argument, NULL, OPT_SPOOFED_SOURCE },
	{ "dns-server", required_argument, NULL, OPT_DNS_SERVER },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "max-probes", required_argument, NULL, OPT_MAX_PROBES },
	{ "scope", no_argument, NULL, OPT_SCOPE },
	{ "evidence", no_argument, NULL, OPT_EVIDENCE },
	{ "findings", no_argument, NULL, OPT_FINDINGS },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "resolve", no_argument, NULL, OPT_RESOLVE },
	{ "dnsbl", required_argument, NULL, OPT_DNSBL },
	{ "sensor", required_argument, NULL, OPT_SENSOR },
	{ "trace", no_argument, NULL, OPT_TRACE },
	{ "max-ttl", required_argument, NULL, OPT_MAX_TTL },
	{ "greet", no_argument, NULL, OPT_GREET_SMTP },
	{ "helo", required_argument, NULL, OPT_HELO },
	{ "help", no_argument, NULL, 'h' },
	{ "read", required_argument, NULL, 'r' },
	{ "localtime", no_argument, NULL, OPT_LOCALTIME },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "line-buffered", no_argument, NULL, 'l' },
	{ "html", required_argument, NULL, OPT_HTML },
	{ "no-sandbox", no_argument, NULL, OPT_NO_SANDBOX },
	{ "log-tz", required_argument, NULL, OPT_LOG_TZ },
	{ "log-year", required_argument, NULL, OPT_LOG_YEAR },
	{ "maillog", required_argument, NULL, OPT_MAILLOG },
	{ "metrics-file", required_argument, NULL, OPT_METRICS_FILE },
	{ "metrics-listen", required_argument, NULL, OPT_METRICS_LISTEN },
	{ "stats-interval", required_argument, NULL, OPT_STATS_INTERVAL },
	{ NULL, 0, NULL, 0 },
};

/*
 * Every option once: the commands that take it ((r)ead, (w)atch, (p)robe,
 * (v)erify, (s)cope, (m)aillog), the name of its value and one line of meaning.
 * conf_parse() refuses an option to a command not listed here and --help
 * prints this table, so the two cannot disagree; tests/help.sh checks that
 * every option of long_opts and of the getopt string has its line.
 */
static const struct opt_help {
	int key;		/* getopt's value: a letter, or an OPT_ */
	const char *cmds;
	const char *arg;	/* NULL: takes no value */
	const char *text;
} opt_help[] = {
	{ 'r', "r", "file", "read this capture file, as tcpdump -r does" },
	{ 'p', "rwpv", "ports", "server ports (default 25,587); not tcpdump's -p" },
	{ OPT_TIMEOUT, "rwpv", "sec", "silence after the last SYN: dropped (default 10)" },
	{ OPT_GREET, "rwp", "sec", "wait for the server's greeting (default 5)" },
	{ OPT_MAX_ATTEMPTS, "rwp", "n", "attempts tracked at once (default "
	    "100000)" },
	{ 'c', "rw", "count", "stop after this many records" },
	{ OPT_DURATION, "w", "sec", "stop after this long" },
	{ 'i', "wpv", "interface", "capture on this interface (any: all)" },
	{ 'w', "wpv", "file", "write the packets behind the verdicts" },
	{ 'C', "w", "size", "-w: a new file before one passes size million "
	    "bytes" },
	{ 'G', "w", "sec", "-w: a new file every sec seconds (strftime name)" },
	{ 'W', "w", "count", "-C: a ring of count files; -G: stop after count" },
	{ OPT_STATS_INTERVAL, "w", "sec", "a summary line every sec seconds" },
	{ 'B', "wpv", "kib", "kernel capture buffer size (default 8192)" },
	{ 's', "wpv", "snaplen", "bytes kept of each packet (default 4096)" },
	{ OPT_FILTER_FILE, "w", "file", "capture filter template instead of "
	    "the built-in one" },
	{ 'd', "w", NULL, "print the capture filter and exit" },
	{ OPT_JSON, "rwpvsm", NULL, "JSON lines: records, findings, a summary" },
	{ OPT_CSV, "rwps", NULL, "CSV records, one line each" },
	{ OPT_SUMMARY, "rwps", NULL, "the summary only, no record lines" },
	{ OPT_TOP, "rwps", "n", "summary rows, most failures first (20; 0: all)" },
	{ OPT_SCOPE, "rwps", NULL, "per destination: who failed, since when, why" },
	{ OPT_EVIDENCE, "rwps", NULL, "a block per failing destination, for a ticket" },
	{ OPT_HTML, "rwps", "file", "one self-contained HTML page of the run" },
	{ OPT_METRICS_FILE, "rwp", "file", "Prometheus textfile, rewritten "
	    "every 15 s" },
	{ OPT_FINDINGS, "rwps", NULL, "findings as they start, change and "
	    "end" },
	{ OPT_WINDOW, "rwps", "duration", "the window of --findings (default "
	    "1h)" },
	{ OPT_RESOLVE, "rwps", NULL, "look up PTR names for the report when "
	    "the run ends" },
	{ 'n', "rwps", NULL, "no name lookups, the default (-nn too)" },
	{ OPT_DNSBL, "rwps", "zone,...", "look up each source address in "
	    "these DNS blocklists" },
	{ OPT_DNS_SERVER, "rwpvs", "addr[:port]", "the name server to ask "
	    "instead of resolv.conf's" },
	{ OPT_LOCALTIME, "rwpvs", NULL, "times in local time (TZ), not UTC" },
	{ 'l', "rwpvs", NULL, "line-buffered standard output (as tcpdump -l)" },
	{ OPT_SENSOR, "rwpvsm", "name", "this sensor's name in JSON (default: "
	    "the host name)" },
	{ 'Z', "rwpvsm", "user", "drop root to this user (default nobody)" },
	{ OPT_MX, "p", "domain", "probe the MX hosts of this domain" },
	{ OPT_TARGET, "p", "host", "probe this host name or address" },
	{ OPT_SOURCE, "p", "addr", "send from this address of this host "
	    "(repeatable)" },
	{ OPT_SPOOFED_SOURCE, "p", "addr", "send from this address, this "
	    "host's or not" },
	{ '4', "pv", NULL, "IPv4 targets only" },
	{ '6', "pv", NULL, "IPv6 targets only" },
	{ OPT_RETRIES, "pv", "n", "SYNs resent to a silent target (default "
	    "0)" },
	{ OPT_RATE, "pv", "pps", "probes a second at most (default 100)" },
	{ OPT_TTL, "pv", "n", "the probes' TTL or hop limit (default 64)" },
	{ OPT_MAX_PROBES, "pv", "n", "refuse to send more probes than this "
	    "(default 1000)" },
	{ OPT_TRACE, "p", NULL, "trace the path: SYNs with TTL 1 to --max-ttl" },
	{ OPT_MAX_TTL, "p", "n", "the last TTL of --trace (default 30)" },
	{ OPT_GREET_SMTP, "p", NULL, "connect, read the greeting, EHLO and "
	    "QUIT" },
	{ OPT_HELO, "p", "name", "--greet's EHLO name (default: the host name)" },
	{ OPT_NO_SANDBOX, "rwpvs", NULL, "no seccomp sandbox (debugging; logged)" },
	{ OPT_MAILLOG, "rw", "log", "join this MTA log's delivery lines to the "
	    "packets" },
	{ OPT_LOG_TZ, "rwm", "zone", "zone of log times without one "
	    "(default local)" },
	{ OPT_LOG_YEAR, "rwm", "year", "year of log lines that carry none" },
	{ OPT_METRICS_LISTEN, "w", "addr:port", "serve GET /metrics (Prometheus) "
	    "on this address" },
	{ 'h', "rwpvsm", NULL, "this help" },
};

#define NOPT_HELP (sizeof opt_help / sizeof opt_help[0])

static const struct opt_help *
help_of(int key)
{
	size_t i;

	for (i = 0; i < NOPT_HELP; i++)
		if (opt_help[i].key == key)
			return &opt_help[i];
	return NULL;
}

/* Which commands take an option: opt_help's letters, "" for none. */
static const char *
option_commands(int c)
{
	const struct opt_help *h = help_of(c);

	return h != NULL ? h->cmds : "";
}

static const char *
long_name(int key)
{
	const struct option *o;

	for (o = long_opts; o->name != NULL; o++)
		if (o->val == key)
			return o->name;
	return NULL;
}

/* "-p, --ports ports", as --help shows an option. */
static void
help_name(const struct opt_help *h, char *buf, size_t len)
{
	const char *ln = long_name(h->key);
	int n = 0;

	if (h->key < 256)
		n = snprintf(buf, len, "-%c%s", h->key, ln != NULL ? ", " : "");
	if (ln != NULL && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, "--%s", ln);
	if (h->arg != NULL && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " %s", h->arg);
}

static const char *const command_names[] = { "read", "watch", "probe",
    "verify", "scope", "maillog" };

void
usage_options(FILE *out, const char *cmd)
{
	char name[64];
	size_t c, i;

	for (c = 0; c < sizeof command_names / sizeof command_names[0]; c++) {
		if (cmd != NULL && strcmp(cmd, command_names[c]) != 0)
			continue;
		fprintf(out, "\noptions of %s:\n", command_names[c]);
		for (i = 0; i < NOPT_HELP; i++) {
			if (strchr(opt_help[i].cmds, command_names[c][0]) == NULL)
				continue;
			help_name(&opt_help[i], name, sizeof name);
			fprintf(out, "  %-26s %s\n", name, opt_help[i].text);
		}
	}
	if (cmd == NULL)
		fprintf(out, "\ndiff takes two files of verify --json; see "
		    "smtpscope(8) for the whole story.\n");
}

static void
add_arg(const char **list, int *n, const char *opt, const char *arg)
{
	if (*n == PROBE_MAX_ARGS)
		die(EXIT_USAGE, "%s: at most %d", opt, PROBE_MAX_ARGS);
	list[(*n)++] = arg;
}

/* Output and report options; 0 when c is none of them. */
static int
report_option(int c, char *arg, struct config *cfg)
{
	char *z, *save;

	switch (c) {
	case OPT_JSON: cfg->output = OUT_JSON; return 1;
	case OPT_CSV: cfg->output = OUT_CSV; return 1;
	case OPT_SUMMARY: cfg->output = OUT_SUMMARY; return 1;
	case OPT_SCOPE: cfg->scope = 1; return 1;
	case OPT_EVIDENCE: cfg->evidence = 1; return 1;
	case OPT_FINDINGS: cfg->findings = 1; return 1;
	case OPT_WINDOW: cfg->window_us = parse_window(arg); return 1;
	case OPT_RESOLVE: cfg->dns.resolve = 1; return 1;
	case 'n': cfg->no_names = 1; return 1;
	case OPT_LOCALTIME: cfg->localtime = 1; return 1;
	case 'l': cfg->line_buffered = 1; return 1;
	case OPT_HTML: cfg->html_path = arg; return 1;
	case OPT_METRICS_FILE: cfg->metrics_file = arg; return 1;
	case OPT_TOP: cfg->top = (int)parse_num("--top", arg, 0, 1000000); return 1;
	case 'r':
		if (cfg->nread_files == CONF_MAX_READ_FILES)
			die(EXIT_USAGE, "-r: at most %d files", CONF_MAX_READ_FILES);
		cfg->read_files[cfg->nread_files++] = arg;
		return 1;
	case OPT_SENSOR:
		if (!record_sensor_ok(arg))
			die(EXIT_USAGE, "--sensor: '%s' is not a sensor name (1 to %d "
			    "printable characters, no space, quote or backslash)",
			    arg, SENSOR_MAX);
		cfg->sensor = arg;
		return 1;
	case OPT_DNSBL:
		for (z = strtok_r(arg, ",", &save); z != NULL;
		    z = strtok_r(NULL, ",", &save)) {
			if (cfg->dns.nzones == 8)
				die(EXIT_USAGE, "--dnsbl: at most 8 zones");
			cfg->dns.zones[cfg->dns.nzones++] = z;
		}
		if (cfg->dns.nzones == 0)
			die(EXIT_USAGE, "--dnsbl: no zone given");
		return 1;
	}
	return 0;
}

static const char *printable(const char *s);

/* --log-tz: UTC, Z, +HH:MM, -HHMM, or a zone of the tz database (set
 * as TZ for the run); local, the default, is the host's zone. */
static void
parse_log_tz(const char *s, struct ml_clock *c)
{
	char path[512];
	int h, m;

	c->utc_offset_set = 0;
	if (strcmp(s, "local") == 0)
		return;
	if (strcmp(s, "UTC") == 0 || strcmp(s, "Z") == 0) {
		c->utc_offset_set = 1, c->utc_offset_s = 0;
		return;
	}
	if ((s[0] == '+' || s[0] == '-') &&
	    (sscanf(s + 1, "%2d:%2d", &h, &m) == 2 || sscanf(s + 1, "%2d%2d", &h, &m) == 2) &&
	    strlen(s) <= 6 && h >= 0 && h <= 23 && m >= 0 && m <= 59) {
		c->utc_offset_set = 1;
		c->utc_offset_s = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
		return;
	}
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", s);
	if (s[0] == '\0' || s[0] == '/' || strstr(s, "..") != NULL ||
	    access(path, R_OK) != 0)
		die(EXIT_USAGE, "--log-tz: '%s' is not UTC, an offset (+01:00) or "
		    "a zone of the tz database", printable(s));
	if (setenv("TZ", s, 1) != 0)
		die(EXIT_INTERNAL, "out of memory");
	tzset();
}

/* The MTA log options; 0 when c is none of them. */
static int
log_option(int c, char *arg, struct config *cfg)
{
	switch (c) {
	case OPT_LOG_TZ: parse_log_tz(arg, &cfg->log_clock); return 1;
	case OPT_LOG_YEAR:
		cfg->log_clock.year = (int)parse_num("--log-year", arg, 1970, 9999);
		return 1;
	case OPT_MAILLOG: cfg->maillog = arg; return 1;
	}
	return 0;
}

/* --metrics-listen ADDR:PORT, an address literal: no DNS at start. */
static void
parse_listen(const char *s, struct config *cfg)
{
	static const char *const why[] = {
		[ENDPOINT_NO_PORT] = "no :port after the address",
		[ENDPOINT_BAD_PORT] = "the port is not a number in 1-65535",
		[ENDPOINT_BAD_ADDR] = "not an IPv4 or [IPv6] address (no host "
		    "names)",
		[ENDPOINT_UNBRACKETED] = "an IPv6 address goes in brackets: "
		    "[::1]:9464",
	};
	enum endpoint_err e = endpoint_parse(s, &cfg->metrics_addr,
	    &cfg->metrics_port);

	if (e != ENDPOINT_OK)
		die(EXIT_USAGE, "--metrics-listen: '%s': %s", printable(s), why[e]);
}

/* Capture and tracking options; 0 when c is none of them. */
static int
capture_option(int c, char *arg, struct config *cfg)
{
	switch (c) {
	case 'p': parse_ports(arg, &cfg->ports); cfg->ports_given = 1; return 1;
	case OPT_TIMEOUT:
		cfg->track.timeout_us = parse_seconds("--timeout", arg, 86400);
		return 1;
	case OPT_GREET:
		cfg->track.greet_wait_us = parse_seconds("--greet-wait", arg, 3600);
		return 1;
	case OPT_MAX_ATTEMPTS:
		cfg->track.max_attempts = (uint32_t)parse_num("--max-attempts",
		    arg, 16, 1 << 24);
		return 1;
	case 'i': cfg->live.ifname = arg; return 1;
	case 'c':
		cfg->live.max_verdicts = (uint64_t)parse_num("-c", arg, 1, LLONG_MAX);
		return 1;
	case OPT_DURATION:
		cfg->live.duration_us = parse_seconds("--duration", arg,
		    365 * 86400.0);
		return 1;
	case 'w': cfg->live.write_file = arg; return 1;
	case 'C':
		cfg->live.rotate_size = parse_size(arg);
		return 1;
	case 'G':
		cfg->live.rotate_interval_us = 1000000LL *
		    parse_num("-G", arg, 1, 365 * 86400);
		return 1;
	case 'W':
		cfg->live.rotate_count = (int)parse_num("-W", arg, 1, 100000);
		return 1;
	case OPT_STATS_INTERVAL:
		cfg->live.stats_interval_us = parse_seconds("--stats-interval",
		    arg, 86400);
		return 1;
	case 'Z': cfg->live.user = arg; return 1;
	case 'B':
		cfg->live.buffer_kib = (int)parse_num("-B", arg, 1, 4 << 20);
		return 1;
	case 's':
		cfg->live.snaplen = (int)parse_num("-s", arg, 128, 262144);
		return 1;
	case OPT_FILTER_FILE: cfg->filter_file = arg; return 1;
	case 'd': cfg->live.dump_filter = 1; return 1;
	case OPT_NO_SANDBOX: cfg->no_sandbox = 1; return 1;
	case OPT_METRICS_LISTEN: parse_listen(arg, cfg); return 1;
	}
	return 0;
}

/* Given on the command line (not defaults), for check_trace(). */
static int ttl_given, max_ttl_given;

/* At most 64 characters of s for an error line: '?' for what is not
 * printable ASCII, so the message stays one line. */
static const char *
printable(const char *s)
{
	static char buf[65];
	size_t i;

	for (i = 0; s[i] != '\0' && i < sizeof buf - 1; i++)
		buf[i] = s[i] >= ' ' && s[i] <= '~' ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

/* probe and verify options; 0 when c is none of them. */
static int
probe_option(int c, char *arg, struct config *cfg)
{
	struct probe_spec *sp = &cfg->spec;
	const char *opt;

	switch (c) {
	case OPT_MX: add_arg(sp->domains, &sp->ndomains, "--mx", arg); return 1;
	case OPT_TARGET:
		add_arg(sp->targets, &sp->ntargets, "--target", arg);
		return 1;
	case OPT_SOURCE: case OPT_SPOOFED_SOURCE:
		opt = c == OPT_SOURCE ? "--source" : "--spoofed-source";
		if (sp->nsources == PROBE_MAX_ARGS)
			die(EXIT_USAGE, "%s: at most %d sources", opt, PROBE_MAX_ARGS);
		if (c == OPT_SPOOFED_SOURCE)
			cfg->spoofed |= (uint64_t)1 << sp->nsources;
		if (!addr_parse(arg, &sp->sources[sp->nsources++]))
			die(EXIT_USAGE, "%s %s: not an IPv4 or IPv6 address", opt, arg);
		return 1;
	case OPT_DNS_SERVER: cfg->probe.dns_server = cfg->dns.server = arg; return 1;
	case OPT_RETRIES:
		cfg->probe.retries = (int)parse_num("--retries", arg, 0, 10);
		return 1;
	case OPT_RATE:
		cfg->probe.rate = parse_seconds("--rate", arg, 100000) / 1e6;
		if (cfg->probe.rate < 0.01)
			die(EXIT_USAGE, "--rate: at least 0.01 probes a second");
		return 1;
	case OPT_TTL:
		cfg->probe.ttl = (int)parse_num("--ttl", arg, 1, 255);
		ttl_given = 1;
		return 1;
	case OPT_TRACE: cfg->probe.trace = 1; return 1;
	case OPT_MAX_TTL:
		cfg->probe.max_ttl = (int)parse_num("--max-ttl", arg, 1,
		    TRACE_MAX_TTL);
		max_ttl_given = 1;
		return 1;
	case OPT_MAX_PROBES:
		cfg->probe.max_probes = (int)parse_num("--max-probes", arg, 1, 100000);
		return 1;
	case OPT_GREET_SMTP: cfg->greet = 1; return 1;
	case OPT_HELO:
		if (!smtp_helo_ok(arg))
			die(EXIT_USAGE, "--helo: '%s' is not a domain name or an "
			    "address literal ([192.0.2.1], [IPv6:2001:db8::1])",
			    printable(arg));
		cfg->helo = arg;
		return 1;
	case '4': cfg->probe.family = 4; return 1;
	case '6': cfg->probe.family = 6; return 1;
	}
	return 0;
}

/* --trace and the options it does not go with. */
static void
check_trace(const struct config *cfg)
{
	if (!cfg->probe.trace) {
		if (max_ttl_given)
			die(EXIT_USAGE, "--max-ttl: only with --trace");
		return;
	}
	if (ttl_given)
		die(EXIT_USAGE, "--trace: the SYNs' TTLs run from 1 to --max-ttl; "
		    "--ttl is not for --trace");
	if (cfg->output == OUT_CSV)
		die(EXIT_USAGE, "--trace: --csv is not an output of --trace");
}

/* -C, -G and -W go with -w, and -W with one of -C and -G (tcpdump
 * ignores -W given with both; smtpscope says so). */
static void
check_rotation(const struct live_config *lc)
{
	if (lc->write_file == NULL && lc->rotate_size > 0)
		die(EXIT_USAGE, "-C: only with -w file");
	if (lc->write_file == NULL && lc->rotate_interval_us > 0)
		die(EXIT_USAGE, "-G: only with -w file");
	if (lc->rotate_count > 0 && lc->rotate_size == 0 &&
	    lc->rotate_interval_us == 0)
		die(EXIT_USAGE, "-W: only with -C or -G");
	if (lc->rotate_count > 0 && lc->rotate_size > 0 &&
	    lc->rotate_interval_us > 0)
		die(EXIT_USAGE, "-W: with -C or with -G, not both");
}

/* What getopt_long could not take: -h, a missing value, an unknown option. */
static void
other_option(int c, char **argv)
{
	if (c == ':')
		die(EXIT_USAGE, "%s: option needs a value (see smtpscope -h)",
		    argv[optind - 1]);
	if (optopt != 0)
		die(EXIT_USAGE, "unknown option '-%c' (see smtpscope -h)", optopt);
	die(EXIT_USAGE, "unknown option '%s' (see smtpscope -h)",
	    argv[optind - 1]);
}

/* The sensor's default name: the host name. */
static const char *
host_sensor(void)
{
	static char name[256];

	if (gethostname(name, sizeof name - 1) != 0)
		die(EXIT_USAGE, "--sensor: no host name (%s): give --sensor name",
		    strerror(errno));
	name[sizeof name - 1] = '\0';
	if (!record_sensor_ok(name))
		die(EXIT_USAGE, "--sensor: the host name '%.64s' is not a sensor "
		    "name: give --sensor name", name);
	return name;
}

/* --html: created now, before root is dropped; written when the run ends. */
static void
open_html(struct config *cfg)
{
	if (cfg->html_path == NULL || cfg->live.dump_filter)
		return;
	if (cfg->greet)
		die(EXIT_USAGE, "probe --greet: --html is an option of the SYN probe");
	if ((cfg->html = fopen(cfg->html_path, "w")) == NULL)
		die(EXIT_INPUT, "--html %s: %s", cfg->html_path, strerror(errno));
}

void
conf_parse(const char *cmd, int argc, char **argv, struct config *cfg)
{
	int c, li;

	cfg->live.argc = argc;		/* for the -w file's comment */
	cfg->live.argv = argv;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hp:i:c:w:C:G:W:Z:B:s:d46r:nl", long_opts,
	    &li)) != -1) {
		/* -r was PTR lookups before it read files, as tcpdump's does. */
		if (c == 'r' && cmd[0] != 'r')
			die(EXIT_USAGE, "%s: -r FILE reads a capture file (smtpscope "
			    "read -r FILE); PTR lookups are --resolve", cmd);
		if (c == 'h') {
			usage_command(stdout, cmd);
			exit(EXIT_OK);
		}
		if (c != ':' && c != '?' &&
		    strchr(option_commands(c), cmd[0]) == NULL) {
			if (c < 256)
				die(EXIT_USAGE, "%s: -%c is not an option of %s", cmd,
				    c, cmd);
			die(EXIT_USAGE, "%s: --%s is not an option of %s", cmd,
			    long_opts[li].name, cmd);
		}
		if (!report_option(c, optarg, cfg) &&
		    !capture_option(c, optarg, cfg) && !probe_option(c, optarg, cfg) &&
		    !log_option(c, optarg, cfg))
			other_option(c, argv);
	}
	if (cfg->no_names && cfg->dns.resolve)
		die(EXIT_USAGE, "%s: -n (no names) and --resolve contradict each "
		    "other", cmd);
	if (cfg->sensor == NULL)
		cfg->sensor = host_sensor();
	timefmt_set_local(cfg->localtime);
	check_trace(cfg);
	check_rotation(&cfg->live);
	if (cfg->helo != NULL && !cfg->greet)
		die(EXIT_USAGE, "probe: --helo is an option of --greet");
	if (cfg->metrics_file != NULL && cfg->greet)
		die(EXIT_USAGE, "probe --greet: --metrics-file is an option of "
		    "the SYN probe");
	cfg->command = cmd;
	open_html(cfg);
	/* Long enough to absorb a Linux client's whole SYN back-off (1, 2, 4 ...
	 * 32 s) as one attempt. */
	cfg->track.linger_us = cfg->track.timeout_us > 64000000 ?
	    cfg->track.timeout_us : 64000000;
}

void
conf_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->output = OUT_TEXT;
	parse_ports("25,587", &cfg->ports);
	cfg->track.max_attempts = 100000;
	cfg->track.timeout_us = 10 * 1000000LL;
	cfg->track.greet_wait_us = 5 * 1000000LL;
	cfg->live.snaplen = 4096;
	/* 8 MiB: replaying the bench captures at top speed into a veth
	 * drops none (tests/bench/live.sh). */
	cfg->live.buffer_kib = 8192;
	cfg->live.user = "nobody";
	cfg->probe.rate = 100;
	cfg->probe.ttl = 64;
	cfg->probe.max_ttl = 30;
	cfg->probe.max_probes = 1000;
	cfg->top = SUMMARY_TOP_DEFAULT;
	cfg->log_clock.now_s = (int64_t)time(NULL);
}

/* The filter template: bpf/smtp.bpf built in, or --filter-file. */
const char *
conf_filter_template(const struct config *cfg)
{
	static char text[1 << 16];
	const char *tmpl = bpf_smtp_template;
	char *f;

	if (cfg->filter_file != NULL) {
		FILE *fp = fopen(cfg->filter_file, "r");
		size_t n;

		if (fp == NULL)
			die(EXIT_INPUT, "--filter-file %s: %s", cfg->filter_file,
			    strerror(errno));
		n = fread(text, 1, sizeof text - 1, fp);
		if (ferror(fp) || !feof(fp))
			die(EXIT_INPUT, "--filter-file %s: %s", cfg->filter_file,
			    ferror(fp) ? strerror(errno) : "larger than 64 KiB");
		fclose(fp);
		text[n] = '\0';
		tmpl = text;
	}
	if ((f = filter_build(tmpl, &cfg->ports, 0)) == NULL)
		die(EXIT_USAGE, "%s: malformed @PORTS placeholder",
		    cfg->filter_file ? cfg->filter_file : "bpf/smtp.bpf");
	free(f);
	return tmpl;
}
