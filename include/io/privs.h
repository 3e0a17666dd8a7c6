/* Dropping root once the capture handle (and raw socket) are open. */
#ifndef SMTPSCOPE_PRIVS_H
#define SMTPSCOPE_PRIVS_H

#include <stddef.h>

/*
 * Becomes user (supplementary groups, gid, uid; no_new_privs) and checks that
 * root cannot be regained.  "root", or running unprivileged already, keeps
 * things as they are.  Returns 0, or -1 with a message in err.
 */
int privs_drop(const char *user, char *err, size_t errlen);

#endif
