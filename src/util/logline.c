/* Lines on standard error, with journald's priority prefix when it reads
 * them (systemd.exec(5), $JOURNAL_STREAM). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/logline.h"

/*
 * Whether standard error is the journal stream systemd connected: the
 * variable alone is not enough, since a child of a service inherits it
 * with its standard error redirected elsewhere.  Decided once (the
 * descriptor is not replaced during a run).
 */
static int
to_journal(void)
{
	static int known, journal;
	const char *env;
	unsigned long long dev, ino;
	struct stat st;
	int n = 0;

	if (known)
		return journal;
	known = 1;
	env = getenv("JOURNAL_STREAM");
	if (env != NULL && sscanf(env, "%llu:%llu%n", &dev, &ino, &n) == 2 &&
	    env[n] == '\0' && fstat(STDERR_FILENO, &st) == 0)
		journal = (unsigned long long)st.st_dev == dev &&
		    (unsigned long long)st.st_ino == ino;
	return journal;
}

void
vlogline(int prio, const char *fmt, va_list ap)
{
	char line[1024];
	int i, n, m, start;

	n = to_journal() ? snprintf(line, sizeof line, "<%d>", prio & 7) : 0;
	n += snprintf(line + n, sizeof line - (size_t)n, "smtpscope: ");
	start = n;
	m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	/* A longer message is cut, still one line. */
	n = m < 0 ? n : n + m >= (int)sizeof line - 1 ? (int)sizeof line - 2 :
	    n + m;
	/* A name from the input holding a newline must not start a
	 * line (a journal entry, with a level) of its own. */
	for (i = start; i < n; i++)
		if ((unsigned char)line[i] < 0x20 && line[i] != '\t')
			line[i] = '?';
	line[n++] = '\n';
	fwrite(line, 1, (size_t)n, stderr);
}

void
logline(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlogline(prio, fmt, ap);
	va_end(ap);
}
