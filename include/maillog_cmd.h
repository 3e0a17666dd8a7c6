/* smtpscope maillog FILE ...: the scope of an MTA log by itself. */
#ifndef SMTPSCOPE_MAILLOG_CMD_H
#define SMTPSCOPE_MAILLOG_CMD_H

#include "conf.h"

int cmd_maillog(int argc, char **argv, struct config *cfg);

#endif
