/* The program's own lines on standard error: errors, warnings, start and
 * stop. */
#ifndef SMTPSCOPE_LOGLINE_H
#define SMTPSCOPE_LOGLINE_H

#include <stdarg.h>
#include <syslog.h>	/* LOG_ERR, LOG_WARNING, LOG_INFO */

/*
 * "smtpscope: message\n" on standard error, in one write.  When standard
 * error is a journald stream (systemd sets JOURNAL_STREAM to its
 * "device:inode", and they match standard error's), the line starts with
 * the syslog priority, "<3>" for LOG_ERR, which journald takes as the
 * entry's level and removes (SyslogLevelPrefix=, on by default).  Control
 * characters of the message (a newline in a file name) become '?'.
 */
void logline(int prio, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void vlogline(int prio, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
