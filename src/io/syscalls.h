/* The sandbox's allow-list (syscalls.c), private to io/sandbox.c. */
#ifndef SMTPSCOPE_SYSCALLS_H
#define SMTPSCOPE_SYSCALLS_H

#include <seccomp.h>

/* Adds every rule of the allow-list to ctx; 0, or a negative errno.
 * may: io/sandbox.h's SANDBOX_MAY_ bits (reading allowed, not refused;
 * serving; creating new files; unlink); write_dir: a directory whose
 * textfile may be replaced, -1 none (sandbox.h). */
int syscalls_allow(scmp_filter_ctx ctx, int may, int write_dir);

#endif
