/* The system call filter entered once everything privileged is open. */
#ifndef SMTPSCOPE_SANDBOX_H
#define SMTPSCOPE_SANDBOX_H

#include <stddef.h>

/* What a call outside the allow-list gets (SMTPSCOPE_SANDBOX=...). */
enum sandbox_mode {
	SANDBOX_KILL,		/* default: the process dies of SIGSYS,
				 * the kernel logs an audit record */
	SANDBOX_ERRNO,		/* "errno": the call fails with EPERM */
	SANDBOX_LOG,		/* "log": allowed, but the kernel logs it */
};

/* SMTPSCOPE_SANDBOX's value (NULL or "" is the default); -1 when it is
 * none of kill, errno, log. */
int sandbox_mode_parse(const char *s, enum sandbox_mode *mode);
/* What a run may do beyond the steady state (sandbox_enter()'s may). */
enum {
	SANDBOX_MAY_READ = 1,	/* open() for reading (watch --maillog
				 * reopens a rotated log; writing still kills) */
	SANDBOX_MAY_SERVE = 2,	/* accepting and serving TCP connections
				 * (--metrics-listen) */
	SANDBOX_MAY_CREATE = 4,	/* create a new file, O_CREAT|O_EXCL only
				 * (-w's next file: -C, -G, SIGHUP) */
	SANDBOX_MAY_UNLINK = 8,	/* unlink() (-C -W: the ring's oldest file) */
};

/* Loads the filter (io/syscalls.c) for this process, for good.  0, or -1
 * with a message in err.  may: SANDBOX_MAY_ bits. */
int sandbox_enter(enum sandbox_mode mode, int may, char *err,
    size_t errlen);
/* Before sandbox_enter(): the textfile of --metrics-file
 * (io/textfile.h) may be replaced in the directory dirfd: openat() of
 * dirfd with TEXTFILE_OPEN_FLAGS and renameat() within dirfd, nothing
 * else that writes.  -1 (the default): no directory. */
void sandbox_allow_dir(int dirfd);
/*
 * Test builds only (-DSMTPSCOPE_TEST_HOOKS, `make test-hooks`): makes the
 * call SMTPSCOPE_TEST_HOOK names (execve, packet-socket, open-write,
 * open-read, rename, open-append-dir, accept) as an attacker in control of the process would, and says
 * on stderr what it returned.  In the shipped binary it does nothing.
 */
void sandbox_test_hook(void);

#endif
