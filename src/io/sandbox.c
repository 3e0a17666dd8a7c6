/*
 * The seccomp-bpf sandbox (libseccomp): once in, the process may make
 * only the calls of io/syscalls.c, for the rest of its life.  Entered by
 * main.c after the capture, the sockets, the files and the resolver are
 * open and root is dropped.  A call outside the list kills the process
 * (SECCOMP_RET_KILL_PROCESS: SIGSYS, and the kernel's audit record
 * "type=1326 ... syscall=N" naming the call, in dmesg or audit.log).
 */
#define _GNU_SOURCE	/* syscall(2) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>

#include "io/sandbox.h"
#include "syscalls.h"

int
sandbox_mode_parse(const char *s, enum sandbox_mode *mode)
{
	if (s == NULL || *s == '\0' || strcmp(s, "kill") == 0)
		*mode = SANDBOX_KILL;
	else if (strcmp(s, "errno") == 0)
		*mode = SANDBOX_ERRNO;
	else if (strcmp(s, "log") == 0)
		*mode = SANDBOX_LOG;
	else
		return -1;
	return 0;
}

static uint32_t
default_action(enum sandbox_mode mode)
{
	switch (mode) {
	case SANDBOX_ERRNO: return SCMP_ACT_ERRNO(EPERM);
	case SANDBOX_LOG: return SCMP_ACT_LOG;
	default: return SCMP_ACT_KILL_PROCESS;
	}
}

static int write_dir = -1;

void
sandbox_allow_dir(int dirfd)
{
	write_dir = dirfd;
}

int
sandbox_enter(enum sandbox_mode mode, int may, char *err, size_t errlen)
{
	scmp_filter_ctx ctx;
	int rc;

	if ((ctx = seccomp_init(default_action(mode))) == NULL) {
		snprintf(err, errlen, "sandbox: seccomp filters are not "
		    "available here (--no-sandbox runs without)");
		return -1;
	}
	/* no_new_privs is already set (io/privs.c), or not needed: root. */
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1)) == 0 &&
	    (rc = syscalls_allow(ctx, may, write_dir)) == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		snprintf(err, errlen, "sandbox: cannot load the filter: %s",
		    strerror(-rc));
		return -1;
	}
	return 0;
}

#ifdef SMTPSCOPE_TEST_HOOKS
/* Each call returns only when the sandbox let it (errno mode, or none). */
void
sandbox_test_hook(void)
{
	const char *h = getenv("SMTPSCOPE_TEST_HOOK");
	char *const argv[] = { "/bin/true", NULL };
	int rc;

	if (h == NULL)
		return;
	fprintf(stderr, "test hook: %s\n", h);
	if (strcmp(h, "execve") == 0)
		rc = execve(argv[0], argv, NULL);
	else if (strcmp(h, "packet-socket") == 0)
		rc = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	else if (strcmp(h, "open-write") == 0)
		rc = open("/tmp/smtpscope-sandbox-hook", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	else if (strcmp(h, "open-excl") == 0)
		rc = open("/tmp/smtpscope-sandbox-hook", O_WRONLY | O_CREAT |
		    O_EXCL | O_CLOEXEC, 0600);
	else if (strcmp(h, "open-read") == 0)
		rc = open("/etc/passwd", O_RDONLY);
	/* --metrics-file: a rename outside its directory, and an open in it
	 * with flags other than the textfile's. */
	else if (strcmp(h, "rename") == 0)
		rc = renameat(AT_FDCWD, "/tmp/smtpscope-sandbox-hook", AT_FDCWD,
		    "/tmp/smtpscope-sandbox-hook.b");
	else if (strcmp(h, "open-append-dir") == 0)
		rc = openat(write_dir, "smtpscope-sandbox-hook",
		    O_WRONLY | O_CREAT | O_APPEND, 0600);
	/* A run without --metrics-listen accepts no connection. */
	else if (strcmp(h, "accept") == 0)
		rc = accept4(0, NULL, NULL, SOCK_NONBLOCK);
	else
		return;
	fprintf(stderr, "test hook: %s returned %d (%s)\n", h, rc,
	    rc < 0 ? strerror(errno) : "allowed");
	if (rc >= 0)
		close(rc);
}
#else
void
sandbox_test_hook(void)
{
}
#endif
